// Hostile files through the Import control: a CSV header of 100,000 columns, JSON with a million
// keys Bookshelf does not keep (in one object, and across 100,000 books), 100,000 rows of one
// title and author already in the catalogue, a million refused lines, and a 200 MB file. Each
// ends in a preview or a message; the preview names a few dozen ignored columns at most; no task
// blocks the page for 200 ms; and memory stays bounded. With the tab's memory capped, a file too
// big for it is refused with a message, and the Import control works again at once.
//
// The files are written to a temporary directory and chosen by path (the browser reads them from
// disk, as it would a person's), so that neither this process nor the page holds them.

import { after } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';
import { useApp, openApp, addBook, expectCount } from './helpers.mjs';

const appTest = useApp();
const DIR = mkdtempSync(path.join(os.tmpdir(), 'bookshelf-hostile-'));
after(() => rmSync(DIR, { recursive: true, force: true }));

/** The longest a task may block the page while a file is read, checked and planned. */
const LONGEST_TASK_MS = 200;
/** How many ignored columns the preview may name. */
const NAMED_COLUMNS = 30;

/** Writes the strings `parts` yields to a file in DIR, a megabyte at a time; returns its path. */
async function write(name, parts) {
  const file = path.join(DIR, name);
  const out = createWriteStream(file);
  let chunk = '';
  for (const part of parts) {
    chunk += part;
    if (chunk.length >= 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return file;
}

function* wideCsv() {
  yield 'title,author';
  for (let i = 0; i < 100_000; i++) yield `,Column ${i}`;
  yield '\n';
  for (let row = 0; row < 20; row++) yield `Title ${row},Author${',x'.repeat(100_000)}\n`;
}

function* keysInOneObject() {
  yield '[{"title": "One Object", "author": "Many Keys"';
  for (let i = 0; i < 1_000_000; i++) yield `, "key ${i}": ${i}`;
  yield '}]\n';
}

function* keysAcrossBooks() {
  yield '[\n';
  for (let book = 0; book < 100_000; book++) {
    let keys = '';
    for (let k = 0; k < 10; k++) keys += `, "k${book * 10 + k}": ${k}`;
    yield `${book ? ',\n' : ''}{"title": "Book ${book}", "author": "Author"${keys}}`;
  }
  yield '\n]\n';
}

function* oneTitle(rows = 100_000) {
  yield 'title,author\n';
  for (let i = 0; i < rows; i++) yield 'The Same Title,The Same Author\n';
}

function* badLines() {
  yield 'title,author\n';
  for (let i = 0; i < 1_000_000; i++) yield `only one field ${i}\n`;
}

/** About 195 MiB (under the 200 MB limit): a million books, each with a long note Bookshelf ignores. */
function* twoHundredMegabytes() {
  yield 'title,author,genre,notes\n';
  const note = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor '
    + 'incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud';
  for (let i = 0; i < 1_000_000; i++) yield `Book ${i},Author ${i % 5000},Genre ${i % 13},"${note} ${i}"\n`;
}

/** Records, in the page, every long task from now on (none over 50 ms: then 0). */
const watchLongTasks = (page) => page.evaluate(() => {
  window.__longest = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longest = Math.max(window.__longest, entry.duration);
  }).observe({ type: 'longtask' });
});

const importControl = (page) => page.getByLabel('Import', { exact: true });
const preview = (page) => page.getByRole('group', { name: /^Import preview/ });
const problem = (page) => page.locator('.transfer').getByRole('alert');

/**
 * Chooses `file` in the Import control and waits for the preview or a message; returns which,
 * its text, how long it took and the longest task meanwhile.
 */
async function importFile(page, file, { timeout = 60_000 } = {}) {
  await watchLongTasks(page);
  const started = Date.now();
  await importControl(page).setInputFiles(file);
  const outcome = preview(page).or(problem(page));
  await outcome.waitFor({ state: 'visible', timeout });
  const ms = Date.now() - started;
  const isPreview = (await preview(page).count()) > 0;
  const text = (await outcome.textContent()).replace(/\s+/g, ' ');
  const longest = await page.evaluate(() => window.__longest);
  return { isPreview, text, ms, longest };
}

/** The preview's sentence of ignored columns: the names listed, and the count of the rest. */
async function ignoredColumns(page) {
  const sentence = preview(page).getByText(/^Not imported \(Bookshelf does not keep them\)/);
  const text = (await sentence.textContent()).trim();
  const match = /^Not imported \(Bookshelf does not keep them\): (.*?)(?: and (\d+) more)?\.$/.exec(text);
  assert.ok(match, `the preview names the ignored columns: ${text.slice(0, 300)}`);
  return { named: match[1].split(', '), more: Number(match[2] || 0) };
}

/** Cancels the preview, leaving the Import control ready for the next file. */
async function cancel(page) {
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await importControl(page).waitFor({ state: 'visible' });
}

/** The size of the page's WebAssembly memory (it only grows: after an import, the peak). */
const wasmBytes = (page) => page.evaluate(() => window.__wasmMemory?.buffer.byteLength ?? null);

/** Peak and current resident memory of the browser's renderer processes, from /proc (Linux). */
async function rendererMemory(browser) {
  const session = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await session.send('SystemInfo.getProcessInfo');
    const kilobytes = (status, field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] || 0);
    let peak = 0;
    let now = 0;
    for (const { type, id } of processInfo) {
      if (type !== 'renderer') continue;
      try {
        const status = readFileSync(`/proc/${id}/status`, 'utf8');
        peak = Math.max(peak, kilobytes(status, 'VmHWM') * 1024);
        now = Math.max(now, kilobytes(status, 'VmRSS') * 1024);
      } catch {
        // A renderer gone meanwhile.
      }
    }
    return { peak, now };
  } finally {
    await session.detach();
  }
}

/** Keeps the page's WebAssembly memory where the tests can measure it, then reloads. */
async function measuringMemory(app) {
  await app.page.context().addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (event) => { window.__wasmMemory = event.detail.wasm.memory; });
  });
  await app.reload();
}

const MB = (bytes) => `${(bytes / 1_048_576).toFixed(0)} MB`;

appTest('hostile files preview quickly, name a few dozen ignored columns and never block the page', async (app, t) => {
  const { page } = app;
  await addBook(page, { title: 'The Same Title', author: 'The Same Author', genre: '' });

  const wide = await importFile(page, await write('wide.csv', wideCsv()));
  t.diagnostic(`100,000 columns: ${wide.ms} ms, longest task ${wide.longest} ms`);
  assert.ok(wide.isPreview, wide.text);
  assert.match(wide.text, /20 books will be added/);
  const columns = await ignoredColumns(page);
  assert.deepEqual(columns.named.slice(0, 2), ['Column 0', 'Column 1']);
  assert.ok(columns.named.length <= NAMED_COLUMNS, `${columns.named.length} columns named`);
  assert.equal(columns.named.length + columns.more, 100_000);
  assert.ok(wide.longest < LONGEST_TASK_MS, `a task took ${wide.longest} ms`);
  await cancel(page);

  for (const [name, parts, books] of [
    ['one-object.json', keysInOneObject(), 1],
    ['across-books.json', keysAcrossBooks(), 100_000],
  ]) {
    const keys = await importFile(page, await write(name, parts));
    t.diagnostic(`${name}, a million keys: ${keys.ms} ms, longest task ${keys.longest} ms`);
    assert.ok(keys.isPreview, keys.text);
    assert.match(keys.text, new RegExp(`${books} books? will be added`));
    const ignored = await ignoredColumns(page);
    assert.ok(ignored.named.length <= NAMED_COLUMNS, `${ignored.named.length} keys named`);
    assert.equal(ignored.named.length + ignored.more, 1_000_000, 'each key counted once');
    assert.ok(keys.longest < LONGEST_TASK_MS, `a task took ${keys.longest} ms`);
    await cancel(page);
  }

  const same = await importFile(page, await write('one-title.csv', oneTitle()));
  t.diagnostic(`100,000 rows of one title and author: ${same.ms} ms, longest task ${same.longest} ms`);
  assert.ok(same.isPreview, same.text);
  assert.match(same.text, /0 books will be added/);
  assert.match(same.text, /100000 books look like books you already have/);
  assert.match(same.text, /…and 99900 more\./, 'a hundred listed, the rest counted');
  assert.ok(same.longest < LONGEST_TASK_MS, `a task took ${same.longest} ms`);
  await cancel(page);

  const bad = await importFile(page, await write('bad-lines.csv', badLines()));
  t.diagnostic(`a million refused lines: ${bad.ms} ms, longest task ${bad.longest} ms`);
  assert.ok(bad.isPreview, bad.text);
  assert.match(bad.text, /1000000 lines refused/);
  assert.match(bad.text, /Line 2: the line has 1 field where the header has 2/);
  assert.match(bad.text, /…and 999900 more\./);
  assert.ok(bad.longest < LONGEST_TASK_MS, `a task took ${bad.longest} ms`);
  await cancel(page);
  await expectCount(page, '1 book');
}, { timeout: 240_000 });

appTest('a 200 MB file is read in slices, in bounded memory, without blocking the page', async (app, t) => {
  await measuringMemory(app);
  const { page } = app;
  const browser = page.context().browser();
  const file = await write('200mb.csv', twoHundredMegabytes());
  const size = statSync(file).size;
  assert.ok(size > 190 * 1_048_576 && size <= 200 * 1_048_576, `${size} bytes`);
  const before = { wasm: await wasmBytes(page), renderer: await rendererMemory(browser) };
  const big = await importFile(page, file, { timeout: 180_000 });
  const afterwards = { wasm: await wasmBytes(page), renderer: await rendererMemory(browser) };
  t.diagnostic(`${MB(size)}: ${big.ms} ms to the preview, longest task ${big.longest} ms`);
  t.diagnostic(`WebAssembly memory ${MB(before.wasm)} before, ${MB(afterwards.wasm)} at its peak; `
    + `renderer peak resident ${MB(before.renderer.peak)} before, ${MB(afterwards.renderer.peak)} after`);
  assert.ok(big.isPreview, big.text);
  assert.match(big.text, /1000000 books will be added/);
  assert.match(big.text, /Not imported \(Bookshelf does not keep them\): notes\./);
  assert.ok(big.longest < LONGEST_TASK_MS, `a task took ${big.longest} ms`);
  // The file is never in the page's memory whole: the WebAssembly memory holds the million books
  // (each with its strings), not the 200 MB of text they came from.
  assert.ok(afterwards.wasm < 640 * 1_048_576, `WebAssembly memory grew to ${MB(afterwards.wasm)}`);
  await cancel(page);
}, { timeout: 300_000 });

appTest('out of memory, a file is refused with a message and the Import control works again', async (app, t) => {
  // A browser whose WebAssembly memories may not grow past 160 MB: the million books of the
  // 200 MB file do not fit.
  const limited = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--js-flags=--wasm-max-mem-pages=2560'],
  });
  try {
    const small = await openApp(limited, app.baseUrl);
    try {
      const { page } = small;
      const file = path.join(DIR, '200mb.csv');
      const refused = await importFile(page, file, { timeout: 180_000 });
      t.diagnostic(`refused after ${refused.ms} ms, longest task ${refused.longest} ms: ${refused.text}`);
      assert.ok(!refused.isPreview, 'no preview');
      assert.match(refused.text, /This tab ran out of memory reading the file/);
      assert.match(refused.text, /Nothing was imported\.$/);
      assert.equal(await page.getByRole('progressbar').count(), 0, 'not stuck on "Checking…"');
      // The same control, at once: a file that fits.
      const fits = await importFile(page, await write('fits.csv', oneTitle(1_000)));
      assert.ok(fits.isPreview, fits.text);
      assert.match(fits.text, /1000 books will be added/);
      await page.getByRole('button', { name: 'Import 1000 books', exact: true }).click();
      await expectCount(page, '1000 books');
      small.assertClean();
    } finally {
      await small.close();
    }
  } finally {
    await limited.close();
  }
}, { timeout: 300_000 });
