// Offline and static hosting: the bundle served under a sub-path, opened once, then used with the
// server gone; and a second deploy noticed and reloaded into.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../scripts/serve.mjs';
import { DIST, launchBrowser, waitFor, addBook, expectCount, waitForList, TIMEOUT } from './helpers.mjs';

const BASE = '/tools/bookshelf/';
let browser;
const copies = [];

before(async () => { browser = await launchBrowser(); });
after(async () => {
  await browser?.close();
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** A copy of dist/ that a test may change (a "deploy") without touching the real one. */
function deployCopy() {
  const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-deploy-'));
  cpSync(DIST, dir, { recursive: true });
  copies.push(dir);
  return dir;
}

async function openControlled(url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await waitForList(page);
  // The first visit installs the service worker; it then takes control of this page.
  await waitFor(async () => assert.ok(
    await page.evaluate(() => navigator.serviceWorker.controller !== null),
    'the service worker controls the page',
  ), { timeout: 20_000 });
  return { context, page, errors };
}

test('served under a sub-path, it keeps working with the server gone', { timeout: 120_000 }, async () => {
  const server = await startServer({ dir: deployCopy(), basePath: BASE });
  assert.ok(server.url.endsWith(BASE), server.url);
  const { context, page, errors } = await openControlled(server.url);
  await addBook(page, { title: 'Offline Reading', author: 'A. Reader', genre: 'Essays' });
  await addBook(page, { title: 'Second Book', author: 'B. Writer', genre: '' });
  await expectCount(page, '2 books');

  await server.close();
  await context.setOffline(true);
  await page.reload();
  await waitForList(page);
  await expectCount(page, '2 books');

  await addBook(page, { title: 'Written Offline', author: 'C. Nomad', genre: 'Travel' });
  await page.reload();
  await waitForList(page);
  await expectCount(page, '3 books');
  await page.getByRole('link', { name: 'Written Offline' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a second deploy is noticed and the page reloads into it', { timeout: 120_000 }, async () => {
  const dir = deployCopy();
  const server = await startServer({ dir, basePath: BASE });
  const { context, page, errors } = await openControlled(server.url);
  await addBook(page, { title: 'Kept Across Versions', author: 'D. Keeper', genre: '' });

  // Deploy a changed bundle: a marker in index.html, hence another service worker version.
  const indexPath = path.join(dir, 'index.html');
  writeFileSync(indexPath, readFileSync(indexPath, 'utf8').replace('<title>', '<meta name="bookshelf-deploy" content="2" />\n    <title>'));
  const workerPath = path.join(dir, 'sw.js');
  writeFileSync(workerPath, readFileSync(workerPath, 'utf8').replace(/const VERSION = '([^']+)'/, "const VERSION = '$1-2'"));

  await page.reload();
  await waitForList(page);
  const offer = page.getByRole('status').filter({ hasText: 'A new version of Bookshelf is ready' });
  await offer.waitFor({ timeout: 20_000 });
  await offer.getByRole('button', { name: 'Reload' }).click();
  await waitFor(async () => assert.equal(
    await page.evaluate(() => document.querySelector('meta[name="bookshelf-deploy"]')?.content ?? null),
    '2',
  ), { timeout: 20_000, message: 'the page runs the new deploy' });
  await waitForList(page);
  await expectCount(page, '1 book');
  assert.deepEqual(errors, []);
  await context.close();
  await server.close();
});
