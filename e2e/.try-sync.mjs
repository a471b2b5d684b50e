import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { startServer } from '../scripts/serve.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

const dist = process.env.BOOKSHELF_DIST;
const couchPort = 5990 + Math.floor(Math.random() * 9);
const couch = spawn('node_modules/.bin/pouchdb-server', ['--in-memory', '--host', '127.0.0.1', '--port', String(couchPort)], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 4000));
const server = await startServer({ dir: dist, port: 0 });
const base = server.url ?? `http://127.0.0.1:${server.address().port}/`;
console.log('app at', base);
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const log = (name) => (msg) => console.log(name, msg.type(), msg.text());
async function device(name) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (msg) => { if (!/Failed to load resource|integrity/.test(msg.text())) log(name)(msg); });
  page.on('pageerror', (e) => console.log(name, 'PAGEERROR', e.message));
  await page.goto(base);
  await page.getByRole('form', { name: 'Add a book' }).waitFor();
  return page;
}
async function addBook(page, title, author) {
  const form = page.getByRole('form', { name: 'Add a book' });
  await form.getByLabel('Title', { exact: true }).fill(title);
  await form.getByLabel('Author', { exact: true }).fill(author);
  await form.getByRole('button', { name: 'Add book' }).click();
  await page.getByRole('cell', { name: title }).first().waitFor();
}
async function sync(page) {
  await page.goto(base + '#/sync');
  await page.getByLabel('Server').fill(`http://127.0.0.1:${couchPort}`);
  await page.getByLabel('Database').fill('books');
  await page.getByRole('button', { name: 'Sync now' }).click();
  const status = page.locator('#sync-status');
  for (let i = 0; i < 100; i++) {
    const text = await status.innerText();
    const err = await page.locator('#sync-error').count() ? await page.locator('#sync-error').innerText() : '';
    if (err) { console.log('ERROR', err); break; }
    if (/Last synced/.test(text) && !/Syncing/.test(text)) { console.log(text.replace(/\n/g, ' | ')); break; }
    await new Promise((r) => setTimeout(r, 100));
  }
  await page.goto(base + '#/');
}
try {
  const a = await device('A');
  const b = await device('B');
  await addBook(a, 'Dune', 'Frank Herbert');
  await addBook(a, 'Emma', 'Jane Austen');
  await sync(a);
  console.log(await (await fetch(`http://127.0.0.1:${couchPort}/books/_all_docs?include_docs=true`)).text());
  await sync(b);
  console.log('B rows:', await b.getByRole('row').allInnerTexts());
  async function edit(page, id, title) {
    await page.goto(base + '#/books/' + id);
    const form = page.getByRole('form', { name: "The book's fields" });
    await form.getByLabel('Title', { exact: true }).fill(title);
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: title }).waitFor();
  }
  await edit(a, 1, 'Dune (A)');
  await edit(b, 1, 'Dune (B)');
  await sync(a); await sync(b); await sync(a);
  for (const [name, page] of [['A', a], ['B', b]]) {
    await page.goto(base + '#/books/1');
    await page.getByRole('heading', { level: 2 }).waitFor();
    await new Promise((r) => setTimeout(r, 500));
    console.log(name, await page.locator('article').innerText());
  }
  await b.getByRole('button', { name: 'Keep version 2' }).click();
  await new Promise((r) => setTimeout(r, 500));
  await sync(b); await sync(a);
  for (const [name, page] of [['A', a], ['B', b]]) {
    await page.goto(base + '#/books/1');
    await page.getByRole('heading', { level: 2 }).waitFor();
    await new Promise((r) => setTimeout(r, 500));
    console.log(name, 'after', (await page.locator('article').innerText()).slice(0, 300));
  }
  // delete on A, travels to B
  await a.goto(base + '#/');
  await a.getByRole('row', { name: /Emma/ }).getByRole('button', { name: 'Delete' }).click();
  await new Promise((r) => setTimeout(r, 500));
  await sync(a); await sync(b);
  console.log('B rows after delete:', await b.getByRole('row').allInnerTexts());
  console.log(await (await fetch(`http://127.0.0.1:${couchPort}/books/_all_docs?include_docs=true&conflicts=true`)).text());
} finally {
  await browser.close();
  couch.kill();
  server.close?.();
  process.exit(0);
}
