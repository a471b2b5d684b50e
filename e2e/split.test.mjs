// The app's wasm is split (scripts/split-wasm.mjs, src/ui/lazy.rs): the catalogue's first page
// fetches the app's own module, which shows the rows, then, once they are shown, the rest of the
// catalogue page in one part (what is below the rows, one book's writes, the search, the Edit
// dialog, the answer of "Do I own this?" and the closest books), never the code of the other
// pages; each page's code comes when the page is first shown, the scanner's on the first click of
// "Scan barcode", and the catalogue's part before the catalogue opens when the stored books were
// written by an older version (storage-faults.test.mjs opens a version-1 database); a part that
// cannot be fetched says so in its place, the rest of the app goes on, and showing it again
// tries again. The service worker is blocked here so that every request seen is the page's own
// (offline.test.mjs covers the cached copy).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DIST, TIMEOUT, useBrowserAndServer, waitFor, waitForList } from './helpers.mjs';

const handles = useBrowserAndServer();

const heading = (page, name) => page.getByRole('heading', { name, level: 2, exact: true });
const siteLink = (page, name) =>
  page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name, exact: true });
/** The parts fetched so far, by name ("transfer", "stats", ...). */
const partsFetched = (urls) => [...new Set(urls
  .map((url) => new URL(url).pathname.match(/\/split_([a-z]+)-[0-9a-f]+\.wasm$/)?.[1])
  .filter(Boolean))].sort();

test('the bundle holds the app module and its parts, each named by its content', () => {
  const files = readdirSync(DIST);
  const parts = files.filter((name) => /^split_[a-z]+-[0-9a-f]{16}\.wasm$/.test(name));
  assert.deepEqual(partsFetched(parts.map((name) => `http://x/${name}`)),
    ['book', 'catalogue', 'check', 'scan', 'stats', 'sync']);
  for (const part of parts) {
    const hash = createHash('sha256').update(readFileSync(path.join(DIST, part))).digest('hex').slice(0, 16);
    assert.ok(part.endsWith(`-${hash}.wasm`), `${part} is named by its content`);
  }
  const loaders = files.filter((name) => /^__wasm_split-[0-9a-f]{16}\.js$/.test(name));
  assert.equal(loaders.length, 1, 'one loader for the parts');
  const loader = readFileSync(path.join(DIST, loaders[0]), 'utf8');
  for (const part of parts) assert.ok(loader.includes(`"./${part}"`), `the loader fetches ${part}`);
  const glue = files.find((name) => /^bookshelf-[0-9a-f]+\.js$/.test(name));
  // (Minified: `import*as x from"./…"`.)
  assert.ok(readFileSync(path.join(DIST, glue), 'utf8').includes(`from"./${loaders[0]}"`)
    || readFileSync(path.join(DIST, glue), 'utf8').includes(`from "./${loaders[0]}"`),
    'the app glue imports the loader by its hashed name');
  // The functions the app's wasm imports from its glue have short names (scripts/short-imports.mjs),
  // in the module `w`; the loader's keep theirs.
  const wasm = files.find((name) => /^bookshelf-[0-9a-f]+_bg\.wasm$/.test(name));
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(path.join(DIST, wasm))));
  const fromGlue = imports.filter((entry) => entry.module === 'w');
  assert.ok(fromGlue.length > 100, `${fromGlue.length} imports from the glue`);
  assert.ok(fromGlue.every((entry) => entry.name.length <= 2), 'short names');
  assert.deepEqual([...new Set(imports.map((entry) => entry.module))].sort(), ['./__wasm_split.js', 'w']);
  // wasm-streams' classes (through Leptos's server_fn), which nothing here uses, are not in the
  // glue or the wasm's exports (scripts/unused-exports.mjs).
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(path.join(DIST, wasm))));
  assert.ok(!exports.some((entry) => /intounderlying/i.test(entry.name)), 'no wasm-streams exports');
  assert.ok(!/IntoUnderlying/.test(readFileSync(path.join(DIST, glue), 'utf8')), 'no wasm-streams classes');
  // The service worker caches every part for offline use.
  const worker = readFileSync(path.join(DIST, 'sw.js'), 'utf8');
  for (const name of [...parts, loaders[0]]) assert.ok(worker.includes(name), `sw.js caches ${name}`);
});

/** A page in a new context without the service worker (every request seen is the page's own). */
async function freshPage() {
  const context = await handles.browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  return { context, page: await context.newPage() };
}

/** The catalogue opened in a fresh page; its page errors and requests gathered. */
async function openCatalogue() {
  const { context, page } = await freshPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const urls = [];
  page.on('request', (request) => urls.push(request.url()));
  await page.goto(handles.server.url);
  await waitForList(page);
  return { context, page, errors, urls };
}

test('the header paints before the app\'s wasm is fetched, and nothing preloads it', { timeout: 120_000 }, async () => {
  const html = readFileSync(path.join(DIST, 'index.html'), 'utf8');
  assert.doesNotMatch(html, /<link\s[^>]*_bg\.wasm/, 'no <link> fetches the wasm before the page paints');
  const { context, page, errors } = await openCatalogue();
  try {
    const { paint, wasm } = await page.evaluate(() => ({
      paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      wasm: performance.getEntriesByType('resource')
        .find((entry) => /\/bookshelf-[0-9a-f]+_bg\.wasm$/.test(new URL(entry.name).pathname))?.startTime,
    }));
    assert.ok(paint !== undefined && wasm !== undefined, `the page painted (${paint}) and fetched its wasm (${wasm})`);
    // The loader waits for the first frame, or 100 ms where frames do not come (a background tab).
    assert.ok(wasm >= Math.min(paint, 100), `the wasm was fetched at ${wasm} ms, the header painted at ${paint} ms`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a page\'s code comes when it is first shown; one that cannot come says so, and comes later', { timeout: 120_000 }, async () => {
  const { context, page, errors, urls } = await openCatalogue();
  try {
    await heading(page, 'Import and export').waitFor();
    assert.deepEqual(partsFetched(urls), ['catalogue'], 'the catalogue page fetches its own part only');
    // Each set of parts sharing code is a module of its own, each a request and an instantiation
    // while the page should answer: the rest of the catalogue page is one part and few pieces.
    const modules = new Set(urls.filter((url) => /\/(split|chunk)_[a-z0-9]+-[0-9a-f]+\.wasm$/.test(new URL(url).pathname)));
    assert.ok(modules.size <= 12, `the rest of the catalogue page is ${modules.size} modules, at most 12`);

    await siteLink(page, 'Statistics').click();
    await heading(page, 'Statistics').waitFor();
    assert.deepEqual(partsFetched(urls), ['catalogue', 'stats']);

    // The Sync page's code cannot be fetched: the page says so, and nothing else breaks.
    await page.route(/\/split_sync-[0-9a-f]+\.wasm$/, (route) => route.abort());
    await siteLink(page, 'Sync').click();
    const alert = page.getByRole('alert').filter({ hasText: 'could not be downloaded' });
    await alert.waitFor();
    assert.equal(await heading(page, 'Sync').count(), 0);
    await siteLink(page, 'Books').click();
    await waitForList(page);

    // Once it can be fetched, showing the page again brings it.
    await page.unroute(/\/split_sync-[0-9a-f]+\.wasm$/);
    await siteLink(page, 'Sync').click();
    await heading(page, 'Sync').waitFor();
    await waitFor(() => assert.equal(errors.length, 0, `no page errors: ${errors.join('; ')}`));
    assert.deepEqual(partsFetched(urls), ['catalogue', 'stats', 'sync']);
  } finally {
    await context.close();
  }
});

test('a part slow to arrive says "Loading…" in its place until it is here', { timeout: 120_000 }, async () => {
  const { context, page, errors } = await openCatalogue();
  try {
    // "Check a book"'s code takes two seconds to come.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route(/\/split_check-[0-9a-f]+\.wasm$/, async (route) => {
      await held;
      await route.continue();
    });
    await siteLink(page, 'Check a book').click();
    const loading = page.getByRole('status').filter({ hasText: /^Loading…$/ });
    await loading.waitFor();
    assert.equal(await heading(page, 'Check a book').count(), 0, 'the page is not there yet');
    release();
    await heading(page, 'Check a book').waitFor();
    await loading.waitFor({ state: 'detached' });
    await waitFor(() => assert.equal(errors.length, 0, `no page errors: ${errors.join('; ')}`));
  } finally {
    await context.close();
  }
});

test('"Scan barcode" brings its code on the first click, and "Add sample books" works from its part', { timeout: 120_000 }, async () => {
  const { context, page, errors, urls } = await openCatalogue();
  try {
    await heading(page, 'Import and export').waitFor();
    assert.ok(!partsFetched(urls).includes('scan'), 'the scanner\'s code is not fetched before its button is used');

    await page.getByRole('button', { name: 'Add sample books', exact: true }).click();
    await page.locator('table').waitFor();
    assert.match(await page.locator('#book-count').textContent(), /^[1-9]\d* books$/, 'the classics were added');

    // No BarcodeDetector here: the click fetches the scanner's code, which offers the photo input.
    await page.getByRole('button', { name: 'Scan barcode', exact: true }).click();
    await waitFor(() => assert.ok(partsFetched(urls).includes('scan'), 'the scanner\'s code came on the click'));
    await waitFor(() => assert.equal(errors.length, 0, `no page errors: ${errors.join('; ')}`));
  } finally {
    await context.close();
  }
});

test('"Add sample books" whose code cannot be downloaded says so and adds nothing', { timeout: 120_000 }, async () => {
  const { context, page } = await freshPage();
  try {
    await page.route(/\/split_catalogue-[0-9a-f]+\.wasm$/, (route) => route.abort());
    await page.goto(handles.server.url);
    await waitForList(page);
    await page.getByRole('button', { name: 'Add sample books', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Could not add the sample books: the code for it could not be downloaded' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add sample books', exact: true }).count(), 1, 'the catalogue is still empty');

    // Once it can be fetched, the same button adds them.
    await page.unroute(/\/split_catalogue-[0-9a-f]+\.wasm$/);
    await page.getByRole('button', { name: 'Add sample books', exact: true }).click();
    await page.locator('table').waitFor();
  } finally {
    await context.close();
  }
});

test('books an older version stored are upgraded by the catalogue\'s part, fetched before they open; code that cannot come is said', { timeout: 120_000 }, async () => {
  const { context, page } = await freshPage();
  const urls = [];
  page.on('request', (request) => urls.push(request.url()));
  try {
    // The first version's database (one store, auto-increment ids) with one book, made on the
    // app's origin before the app opens it.
    await page.goto(new URL('manifest.webmanifest', handles.server.url).href);
    await page.evaluate(() => new Promise((resolve, reject) => {
      const request = indexedDB.open('bookshelf', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('books', { keyPath: 'id', autoIncrement: true });
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const write = request.result.transaction('books', 'readwrite');
        write.objectStore('books').add({ title: 'Kept Through The Upgrade', author: 'Old Author', genre: 'Classics' });
        write.oncomplete = () => { request.result.close(); resolve(); };
        write.onerror = () => reject(write.error);
      };
    }));

    await page.route(/\/split_catalogue-[0-9a-f]+\.wasm$/, (route) => route.abort());
    await page.goto(handles.server.url);
    await page.getByRole('alert').filter({ hasText: 'Could not upgrade the stored books: the code for it could not be downloaded' }).waitFor();
    assert.equal(await page.getByRole('table').count(), 0, 'no catalogue is shown in place of the stored one');

    await page.unroute(/\/split_catalogue-[0-9a-f]+\.wasm$/);
    await page.reload();
    await page.getByRole('cell', { name: 'Kept Through The Upgrade', exact: true }).waitFor();
    assert.ok(partsFetched(urls).includes('catalogue'), 'the upgrade\'s code came for the old data');
  } finally {
    await context.close();
  }
});

test('"Do I own this?" says so when its answer\'s code cannot come, and answers once it can', { timeout: 120_000 }, async () => {
  const { context, page } = await freshPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.route(/\/split_catalogue-[0-9a-f]+\.wasm$/, (route) => route.abort());
    await page.goto(handles.server.url);
    await waitForList(page);
    const box = page.getByLabel('Do I own this?', { exact: true });
    const answer = page.locator('#check-answer');
    await box.fill('hobit');
    await waitFor(async () => assert.match(await answer.textContent(), /could not be downloaded/));

    await page.unroute(/\/split_catalogue-[0-9a-f]+\.wasm$/);
    await page.reload();
    await page.getByRole('button', { name: 'Add sample books', exact: true }).click();
    await page.locator('table').waitFor();
    await box.fill('hobit tolkien');
    await waitFor(async () => assert.match(await answer.textContent(), /Yes.*The Hobbit/s));
    await waitFor(() => assert.equal(errors.length, 0, `no page errors: ${errors.join('; ')}`));
  } finally {
    await context.close();
  }
});

test('adding or deleting a book whose code cannot be downloaded says so and loses nothing; the next try writes', { timeout: 120_000 }, async () => {
  const { context, page } = await freshPage();
  try {
    // The writes' code cannot come, not even ahead of the first write (after the first rows).
    await page.route(/\/split_catalogue-[0-9a-f]+\.wasm$/, (route) => route.abort());
    await page.goto(handles.server.url);
    await waitForList(page);
    const form = page.getByRole('form', { name: 'Add a book' });
    await form.getByLabel('Title', { exact: true }).fill('Kept In The Form');
    await form.getByLabel('Author', { exact: true }).fill('Patient Author');
    await form.getByRole('button', { name: 'Add book', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Could not add the book: the code for it could not be downloaded' }).waitFor();
    assert.equal(await form.getByLabel('Title', { exact: true }).inputValue(), 'Kept In The Form', 'what was typed is kept');
    assert.equal(await page.getByRole('table').count(), 0, 'nothing was added');

    // Once it can be fetched, the same click adds the book; a delete then works too.
    await page.unroute(/\/split_catalogue-[0-9a-f]+\.wasm$/);
    await form.getByRole('button', { name: 'Add book', exact: true }).click();
    await page.getByRole('cell', { name: 'Kept In The Form', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Delete Kept In The Form' }).click();
    await page.getByText('Deleted “Kept In The Form”.').waitFor();
  } finally {
    await context.close();
  }
});
