// Offline and static hosting: the bundle served under a sub-path, opened once, then used with the
// server gone; a second deploy noticed and reloaded into; two deployments on one origin that keep
// each other's offline copy; a deploy cached fresh despite a long max-age; and a host that
// redirects /index.html to its directory.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer as startServerOnce } from '../scripts/serve.mjs';
import { DIST, launchBrowser, waitFor, addBook, expectCount, waitForList, reloadList, TIMEOUT } from './helpers.mjs';

const BASE = '/tools/bookshelf/';
let browser;
const copies = [];
const servers = [];

before(async () => { browser = await launchBrowser(); });
after(async () => {
  await browser?.close();
  // A test that fails leaves its server up: closed here, or the file would never end.
  for (const server of servers) await server.close();
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** Starts a server that is closed after the file's tests, whatever happens to them. */
async function startServer(options) {
  const server = await startServerOnce(options);
  servers.push(server);
  return server;
}

/** A copy of dist/ that a test may change (a "deploy") without touching the real one. */
function deployCopy() {
  const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-deploy-'));
  cpSync(DIST, dir, { recursive: true });
  copies.push(dir);
  return dir;
}

/** Changes the deploy in `dir`: a marker in index.html, hence another service worker version. */
function markDeploy(dir, mark) {
  const indexPath = path.join(dir, 'index.html');
  const html = readFileSync(indexPath, 'utf8');
  const marked = html.replace('<title>', `<meta name="bookshelf-deploy" content="${mark}" />\n    <title>`);
  assert.notEqual(marked, html, 'index.html has a <title> to mark the deploy by');
  writeFileSync(indexPath, marked);
  const workerPath = path.join(dir, 'sw.js');
  const worker = readFileSync(workerPath, 'utf8');
  const changed = worker.replace(/const VERSION = '([^']+)'/, `const VERSION = '$1-${mark}'`);
  assert.notEqual(changed, worker, 'sw.js has a VERSION to change');
  writeFileSync(workerPath, changed);
}

/** The service worker version of the deploy in `dir`. */
const versionOf = (dir) => /const VERSION = '([^']+)'/.exec(readFileSync(path.join(dir, 'sw.js'), 'utf8'))[1];

/** The deploy marker of the page running in `page` (null for an unmarked deploy). */
const deployMark = (page) => page.evaluate(() => document.querySelector('meta[name="bookshelf-deploy"]')?.content ?? null);

/** The names of the origin's caches, as `page` sees them. */
const cacheNames = (page) => page.evaluate(() => caches.keys());

async function openControlled(url, context = null) {
  if (!context) {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(TIMEOUT);
  }
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
  await reloadList(page);
  await expectCount(page, '2 books');

  await addBook(page, { title: 'Written Offline', author: 'C. Nomad', genre: 'Travel' });
  await reloadList(page);
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
  const oldVersion = versionOf(dir);
  markDeploy(dir, '2');

  await reloadList(page);
  const offer = page.getByRole('status').filter({ hasText: 'A new version of Bookshelf is ready' });
  await offer.waitFor({ timeout: 20_000 });
  await offer.getByRole('button', { name: 'Reload' }).click();
  await waitFor(async () => assert.equal(await deployMark(page), '2'), {
    timeout: 20_000,
    message: 'the page runs the new deploy',
  });
  await waitForList(page);
  await expectCount(page, '1 book');
  // The new version's worker dropped the old version's cache, and kept only its own.
  const scoped = `bookshelf:${server.url}:`;
  assert.deepEqual((await cacheNames(page)).filter((name) => name.startsWith(scoped)), [`${scoped}${versionOf(dir)}`]);
  assert.ok(!(await cacheNames(page)).includes(`${scoped}${oldVersion}`));
  assert.deepEqual(errors, []);
  await context.close();
  await server.close();
});

test('two deployments on one origin keep each other\'s offline copy', { timeout: 180_000 }, async () => {
  // One site with two copies, /bookshelf/ and /bookshelf-next/ (another version), on one origin.
  const site = mkdtempSync(path.join(tmpdir(), 'bookshelf-site-'));
  copies.push(site);
  cpSync(DIST, path.join(site, 'bookshelf'), { recursive: true });
  cpSync(DIST, path.join(site, 'bookshelf-next'), { recursive: true });
  markDeploy(path.join(site, 'bookshelf-next'), 'next');
  const server = await startServer({ dir: site });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  const current = await openControlled(`${server.url}bookshelf/`, context);
  const next = await openControlled(`${server.url}bookshelf-next/`, context);
  assert.equal(await deployMark(next.page), 'next');

  // Each worker has its own cache, named by its scope; installing one deleted nothing of the other.
  const expected = [
    `bookshelf:${server.url}bookshelf/:${versionOf(path.join(site, 'bookshelf'))}`,
    `bookshelf:${server.url}bookshelf-next/:${versionOf(path.join(site, 'bookshelf-next'))}`,
  ];
  for (const { page } of [current, next]) {
    const names = await cacheNames(page);
    for (const name of expected) assert.ok(names.includes(name), `cache ${name} kept: ${JSON.stringify(names)}`);
  }

  await server.close();
  await context.setOffline(true);
  for (const [{ page }, mark] of [[current, null], [next, 'next']]) {
    await reloadList(page);
    assert.equal(await deployMark(page), mark, 'each path opens its own deploy offline');
  }
  await addBook(current.page, { title: 'Two Deploys', author: 'E. Twin', genre: '' });
  assert.deepEqual([...current.errors, ...next.errors], []);
  await context.close();
});

test('a new deploy is cached fresh from the server, whatever the HTTP cache holds', { timeout: 120_000 }, async () => {
  // A host that lets browsers keep every file for an hour: the first worker's install puts this
  // deploy's page in the HTTP cache. The next deploy's worker must cache the next page, not that.
  const dir = deployCopy();
  const server = await startServer({ dir, basePath: BASE, cacheControl: 'public, max-age=3600' });
  const { context, page, errors } = await openControlled(server.url);
  markDeploy(dir, 'fresh');
  await reloadList(page);
  await waitFor(async () => assert.equal(
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state ?? null),
    'installed',
  ), { timeout: 20_000, message: 'the new version is installed and waiting' });
  const name = `bookshelf:${server.url}:${versionOf(dir)}`;
  const cached = await page.evaluate(async ([cacheName, scope]) => {
    const hit = await caches.match(scope, { cacheName });
    return hit ? hit.text() : null;
  }, [name, server.url]);
  assert.ok(cached !== null, `the new version's cache ${name} holds the page`);
  assert.match(cached, /<meta name="bookshelf-deploy" content="fresh"/, 'the cached page is the new deploy\'s');
  assert.deepEqual(errors, []);
  await context.close();
  await server.close();
});

test('a host that redirects /index.html to its directory still gets an offline app', { timeout: 120_000 }, async () => {
  const server = await startServer({ dir: deployCopy(), basePath: BASE, redirectIndex: true });
  const { context, page, errors } = await openControlled(server.url);
  await addBook(page, { title: 'Redirected Host', author: 'F. Mover', genre: '' });

  await server.close();
  await context.setOffline(true);
  await reloadList(page);
  await expectCount(page, '1 book');
  // The page's other name opens it too.
  await page.goto(`${server.url}index.html`);
  await waitForList(page);
  await expectCount(page, '1 book');
  assert.deepEqual(errors, []);
  await context.close();
});
