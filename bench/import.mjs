// The import benchmark (bench/run.mjs calls `importTable`; see bench/README.md): a CSV of N sample
// books (bench/million-csv.mjs: 100,000 by default, 1,000,000 with BENCH_MILLION=1, one of them
// "Zymurgy") imported through the app's own Import control, as a person does it (choose the file,
// wait for the preview, "Import N books"), against raw IndexedDB writing exactly what the import
// wrote: the stored records, the search chunks and the sync queue's entries, read back from the
// app's database after the first import, then written by hand-written IndexedDB in one
// transaction, strict durability like the import's, every request issued before any is awaited.
//
// Each run gets fresh origins (a fresh IndexedDB) for both systems; the previous run's databases
// are deleted, and the browser left to settle, before anything else is measured. The order of the
// two systems alternates from run to run (the first run imports first: its data is what raw
// writes). Long tasks are watched with PerformanceObserver('longtask') from the moment the file
// is chosen; the progress bar's updates are recorded as they happen.
//
// BENCH_IMPORT_PROFILE=<dir> also records a CPU profile (Chrome DevTools Protocol) of the check
// and of the write of each run into <dir>, and prints their heaviest functions to stderr.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeBooksCsv, ZYMURGY } from './million-csv.mjs';

/** Books read back from the app's database (or written by raw) per round trip. */
const BATCH = 50_000;
/** Search chunks per round trip (about 60 KB each). */
const CHUNK_BATCH = 100;
/** The stores an import writes, in the order it writes them. */
const WRITTEN = ['books', 'search', 'changes'];

/**
 * In the app's page, from its start (an init script): marks when the file is chosen, when the
 * preview offers "Import N books", when the import's notice says it is done; records long tasks
 * and every change of the progress bar.
 */
function watchImport() {
  window.benchLongTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.benchLongTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  window.benchProgress = [];
  addEventListener('change', (event) => {
    if (event.target?.id === 'import-file') performance.mark('bench:file-chosen');
  }, true);
  const seen = new Set();
  const once = (name) => {
    if (!seen.has(name)) {
      seen.add(name);
      performance.mark(name);
    }
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === 'attributes' && m.target.id === 'transfer-progress') {
        window.benchProgress.push({ at: performance.now(), value: Number(m.target.getAttribute('value')), max: Number(m.target.getAttribute('max')) });
      }
    }
    if (!seen.has('bench:preview') && [...document.querySelectorAll('button')].some((b) => /^Import \d+ books?$/.test(b.textContent.trim()))) {
      once('bench:preview');
    }
    if (!seen.has('bench:imported') && performance.getEntriesByName('bench:confirm').length) {
      const notices = document.querySelector('section.notices')?.textContent ?? '';
      if (/Imported \d+ books?\./.test(notices)) once('bench:imported');
      const alert = document.querySelector('.transfer [role=alert]')?.textContent;
      if (alert) {
        window.benchImportError = alert;
        once('bench:imported');
      }
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['value'] });
}

/** In a page: the schema of the database `name` (every store, its key and its indexes). */
function readSchema(name) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const names = [...db.objectStoreNames];
      const tx = db.transaction(names);
      const stores = names.map((store) => {
        const s = tx.objectStore(store);
        const indexes = [...s.indexNames].map((index) => {
          const i = s.index(index);
          return { name: index, keyPath: i.keyPath, unique: i.unique, multiEntry: i.multiEntry };
        });
        return { name: store, keyPath: s.keyPath, autoIncrement: s.autoIncrement, indexes };
      });
      db.close();
      resolve({ version: db.version, stores });
    };
  });
}

/**
 * In a page: up to `limit` values of `store` in database `name` after key `after`, as JSON (books
 * without the `id` the key generator put in them: the import added them without one) or, for the
 * search chunks, as [key, base64] pairs.
 */
function readStored({ name, store, after, limit }) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const s = db.transaction(store).objectStore(store);
      const range = after === null ? null : IDBKeyRange.lowerBound(after, true);
      const keys = s.getAllKeys(range, limit);
      const values = s.getAll(range, limit);
      values.onerror = () => reject(values.error);
      values.onsuccess = () => {
        db.close();
        const all = values.result;
        const last = keys.result.at(-1) ?? null;
        if (store === 'search') {
          const base64 = (bytes) => {
            let text = '';
            for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
            return btoa(text);
          };
          resolve({ json: JSON.stringify(keys.result.map((key, i) => [key, base64(all[i])])), last, count: all.length });
          return;
        }
        if (store === 'books') for (const record of all) delete record.id;
        resolve({ json: JSON.stringify(all), last, count: all.length });
      };
    };
  });
}

/** In a page: deletes the database `name` (resolves once it is gone, or after 60 s blocked). */
function deleteDatabase(name) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve(true);
    request.onerror = () => reject(request.error);
    setTimeout(() => resolve(false), 60_000);
  });
}

/** In raw's page: creates the database `name` with `schema` (the app's, read back). */
function createDatabase({ name, schema }) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name, schema.version);
    open.onerror = () => reject(open.error);
    open.onupgradeneeded = () => {
      const db = open.result;
      for (const store of schema.stores) {
        const options = { autoIncrement: store.autoIncrement };
        if (store.keyPath !== null) options.keyPath = store.keyPath;
        const s = db.createObjectStore(store.name, options);
        for (const index of store.indexes) s.createIndex(index.name, index.keyPath, { unique: index.unique, multiEntry: index.multiEntry });
      }
    };
    open.onsuccess = () => {
      open.result.close();
      resolve();
    };
  });
}

/** In raw's page: takes a batch of what raw will write (untimed). */
function holdForRaw({ store, json }) {
  window.rawData ??= { books: [], search: [], changes: [] };
  const values = JSON.parse(json);
  const held = window.rawData[store];
  if (store === 'search') {
    for (const [key, text] of values) {
      const binary = atob(text);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
      held.push([key, bytes]);
    }
  } else {
    for (const value of values) held.push(value);
  }
  return held.length;
}

/**
 * In raw's page, timed: one transaction (strict durability, as the import's), every book added,
 * every chunk put under its key, every queue entry added, all issued before any is awaited; then
 * the count, as a check. Returns milliseconds to `complete`, and to the last request issued.
 */
function rawWrite(name) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const { books, search, changes } = window.rawData;
      const start = performance.now();
      const tx = db.transaction(['books', 'search', 'changes'], 'readwrite', { durability: 'strict' });
      const bookStore = tx.objectStore('books');
      for (const record of books) bookStore.add(record);
      const searchStore = tx.objectStore('search');
      for (const [key, bytes] of search) searchStore.put(bytes, key);
      const changeStore = tx.objectStore('changes');
      for (const entry of changes) changeStore.add(entry);
      const issued = performance.now() - start;
      tx.onabort = () => reject(tx.error ?? new Error('raw: the transaction aborted'));
      tx.oncomplete = () => {
        const ms = performance.now() - start;
        window.rawData = null;
        const count = db.transaction('books').objectStore('books').count();
        count.onsuccess = () => {
          db.close();
          resolve({ ms, issued, books: count.result });
        };
      };
    };
  });
}

/** Milliseconds between two marks of the page (the last of each name). */
const between = (marks, from, to) => (marks[to] ?? NaN) - (marks[from] ?? NaN);

/** Sums a CPU profile's self time by function over the samples, heaviest first. */
function heaviest(profile, top = 25) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id).callFrame;
    const name = frame.functionName || `(anonymous ${frame.url.split('/').pop()}:${frame.lineNumber})`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return { total, top: [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top) };
}

/**
 * One import through the Import control at a fresh origin. Returns the times (from the page's
 * marks), the long tasks and the progress bar's updates; with `capture`, also what was stored.
 */
async function importOnce(context, env, { url, file, n, capture, profileDir, label }) {
  const { log, browserIdle } = env;
  const page = await context.newPage();
  page.on('pageerror', (error) => log(`import page error: ${error.message}`));
  await page.addInitScript(watchImport);
  await page.goto(url);
  await page.locator('#book-count', { hasText: /^0 books$/ }).waitFor({ timeout: 60_000 });
  await browserIdle();
  const cdp = profileDir ? await context.newCDPSession(page) : null;
  const profile = async (part) => {
    if (!cdp) return;
    const { profile: recorded } = await cdp.send('Profiler.stop');
    writeFileSync(path.join(profileDir, `${label}-${part}.cpuprofile`), JSON.stringify(recorded));
    const { total, top } = heaviest(recorded);
    log(`  profile of the ${part} (${(total / 1000).toFixed(1)} s of samples), heaviest functions (self ms):`);
    for (const [name, self] of top) log(`    ${self.toFixed(0).padStart(7)}  ${name}`);
  };
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  }
  await page.getByLabel('Import', { exact: true }).setInputFiles(file);
  const button = page.getByRole('button', { name: `Import ${n} books`, exact: true });
  await button.waitFor({ state: 'visible', timeout: 3_600_000 });
  await profile('check');
  await browserIdle(30_000);
  if (cdp) await cdp.send('Profiler.start');
  await page.evaluate(() => {
    const button = [...document.querySelectorAll('button')].find((b) => /^Import \d+ books?$/.test(b.textContent.trim()));
    performance.mark('bench:confirm');
    button.click();
  });
  await page.waitForFunction(() => performance.getEntriesByName('bench:imported').length > 0, null, { timeout: 3_600_000, polling: 200 });
  await profile('write');
  const error = await page.evaluate(() => window.benchImportError);
  if (error) throw new Error(`the import failed: ${error}`);
  await page.locator('#book-count', { hasText: new RegExp(`^${n} books$`) }).waitFor({ timeout: 600_000 });
  const result = await page.evaluate(() => {
    const marks = {};
    for (const entry of performance.getEntriesByType('mark')) marks[entry.name] = entry.startTime;
    return { marks, longTasks: window.benchLongTasks, progress: window.benchProgress };
  });
  // "Zymurgy" is one book of the N: the search finds it (the index written with the books).
  await page.locator('#search').fill(ZYMURGY.title.toLowerCase());
  await page.locator('#book-count', { hasText: new RegExp(`^1 of ${n} books$`) }).waitFor({ timeout: 120_000 });
  result.found = await page.locator('tr[data-id]').first().textContent();
  if (capture) result.stored = await captureStored(page, log);
  await page.close();
  return result;
}

/** What the import stored, read back from the app's database: schema, books, chunks, queue. */
async function captureStored(page, log) {
  const schema = await page.evaluate(readSchema, 'bookshelf');
  const stored = { schema };
  for (const store of WRITTEN) {
    const parts = [];
    let after = null;
    let count = 0;
    for (;;) {
      const limit = store === 'search' ? CHUNK_BATCH : store === 'changes' ? 10 : BATCH;
      const part = await page.evaluate(readStored, { name: 'bookshelf', store, after, limit });
      if (!part.count) break;
      parts.push(part.json);
      count += part.count;
      after = part.last;
    }
    stored[store] = { parts, count };
  }
  log(`  read back for raw: ${stored.books.count} books, ${stored.search.count} search chunks, ${stored.changes.count} queue entries`);
  return stored;
}

/** Raw IndexedDB writing `stored` into a fresh database at the origin of `url`. */
async function rawOnce(context, env, { url, stored }) {
  const page = await context.newPage();
  page.on('pageerror', (error) => env.log(`raw page error: ${error.message}`));
  await page.goto(`${url}blank.html`);
  await page.evaluate(createDatabase, { name: 'raw-import', schema: stored.schema });
  for (const store of WRITTEN) {
    for (const json of stored[store].parts) await page.evaluate(holdForRaw, { store, json });
  }
  await env.browserIdle();
  const result = await page.evaluate(rawWrite, 'raw-import');
  await page.close();
  return result;
}

/** Deletes the database `name` at the origin of `url`, then lets the browser settle. */
async function dropDatabase(context, env, url, name) {
  const page = await context.newPage();
  await page.goto(`${url}blank.html`);
  const deleted = await page.evaluate(deleteDatabase, name);
  if (!deleted) env.log(`  deleting ${name} at ${url} was blocked`);
  await page.close();
  await env.browserIdle();
}

/** Long tasks of a run that started in [from, to): their count over 50 ms, the longest. */
function tasksWithin(tasks, from, to) {
  const durations = tasks.filter((t) => t.start >= from && t.start < to).map((t) => t.duration);
  return { count: durations.length, longest: durations.length ? Math.max(...durations) : 0 };
}

/** The longest wait between two updates of the progress bar while writing (and before the first). */
function progressGaps(progress, from, to) {
  const times = progress.filter((p) => p.at >= from && p.at <= to).map((p) => p.at);
  let longest = 0;
  let last = from;
  for (const at of [...times, to]) {
    longest = Math.max(longest, at - last);
    last = at;
  }
  return { updates: times.length, longest };
}

/**
 * The import table: for each of `sizes`, `runs` runs of ours (the Import control) and raw
 * IndexedDB writing the same data. `env` gives `newOrigin()` (a server of its own: a fresh
 * IndexedDB), `log`, `browserIdle`, `disagreements`, `table`, `spread`, `ms`, `int`, `median`.
 */
export async function importTable(context, env, sizes, runs) {
  const { log, disagreements, table, spread, ms, int, median } = env;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bookshelf-import-'));
  const profileDir = process.env.BENCH_IMPORT_PROFILE ? path.resolve(process.env.BENCH_IMPORT_PROFILE) : null;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const sections = [];
  try {
    for (const n of sizes) {
      const file = path.join(dir, `books-${n}.csv`);
      const bytes = await writeBooksCsv(file, n);
      log(`import: ${int(n)} books, ${int(bytes)} bytes (${file})`);
      const ours = [];
      const raw = [];
      let stored = null;
      for (let run = 0; run < runs; run += 1) {
        const order = run % 2 === 0 ? ['ours', 'raw'] : ['raw', 'ours'];
        for (const system of order) {
          const server = await env.newOrigin();
          if (system === 'ours') {
            log(`  run ${run + 1}/${runs}: ours, the Import control`);
            const result = await importOnce(context, env, {
              url: server.url, file, n, capture: stored === null, profileDir, label: `import-${n}-run${run + 1}`,
            });
            stored ??= result.stored;
            delete result.stored;
            ours.push(result);
            const { marks } = result;
            log(`    checked in ${ms(between(marks, 'bench:file-chosen', 'bench:preview'))} ms, written in ${ms(between(marks, 'bench:confirm', 'bench:imported'))} ms`);
            if (!/zymurgy/i.test(result.found ?? '')) disagreements.push(`import of ${int(n)}: the search "zymurgy" showed "${result.found}"`);
            await dropDatabase(context, env, server.url, 'bookshelf');
          } else {
            log(`  run ${run + 1}/${runs}: raw IndexedDB, the same records`);
            const result = await rawOnce(context, env, { url: server.url, stored });
            raw.push(result);
            log(`    written in ${ms(result.ms)} ms (all issued after ${ms(result.issued)} ms)`);
            if (result.books !== n) disagreements.push(`import of ${int(n)}: raw stored ${result.books} books`);
            await dropDatabase(context, env, server.url, 'raw-import');
          }
        }
      }
      sections.push(importSection(n, bytes, ours, raw, env));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return sections.join('\n\n');
}

/** The printed table of one size. */
function importSection(n, bytes, ours, raw, { table, spread, ms, int, median }) {
  const of = (f) => ours.map(f);
  const check = of(({ marks }) => between(marks, 'bench:file-chosen', 'bench:preview'));
  const write = of(({ marks }) => between(marks, 'bench:confirm', 'bench:imported'));
  const whole = check.map((c, i) => c + write[i]);
  const rawMs = raw.map((r) => r.ms);
  const base = median(rawMs);
  const ratio = (xs) => `${(median(xs) / base).toFixed(2)}x`;
  const perSecond = (xs) => int(n / (median(xs) / 1000));
  // The app's own marks of the write's phases, where it has them (bookshelf:write-*).
  const phase = (from, to) => of(({ marks }) => between(marks, from, to)).filter((x) => !Number.isNaN(x));
  const phases = [
    ['  click to the write starting (the plan made a batch)', 'bench:confirm', 'bookshelf:write-start'],
    ['  books checked, made records and lines, added as the storage keeps up', 'bookshelf:write-start', 'bookshelf:write-issued'],
    ['  queue, search chunks, the last requests and the commit (strict)', 'bookshelf:write-issued', 'bookshelf:write-committed'],
    ['  committed to "Imported N books." (the in-memory index, the view)', 'bookshelf:write-committed', 'bench:imported'],
  ].map(([label, from, to]) => [label, spread(phase(from, to)), '', '', '']).filter((row) => row[1] !== '-');
  const checkTasks = of(({ marks, longTasks }) => tasksWithin(longTasks, marks['bench:file-chosen'], marks['bench:preview']));
  const writeTasks = of(({ marks, longTasks }) => tasksWithin(longTasks, marks['bench:confirm'], marks['bench:imported'] + 1));
  const gaps = of(({ marks, progress }) => progressGaps(progress, marks['bench:confirm'], marks['bench:imported']));
  // Where in the write its long tasks fell: the same phases as the table's.
  const phaseTasks = [
    ['before the write starts', 'bench:confirm', 'bookshelf:write-start'],
    ['making and adding records', 'bookshelf:write-start', 'bookshelf:write-issued'],
    ['queue, chunks and commit', 'bookshelf:write-issued', 'bookshelf:write-committed'],
    ['after the commit', 'bookshelf:write-committed', 'bench:imported'],
  ].map(([label, from, to]) => {
    const each = of(({ marks, longTasks }) => (marks[from] === undefined || marks[to] === undefined ? null : tasksWithin(longTasks, marks[from], to === 'bench:imported' ? marks[to] + 1 : marks[to])));
    const known = each.filter(Boolean);
    return known.length ? `${label} ${Math.max(...known.map((t) => t.count))} (longest ${ms(Math.max(...known.map((t) => t.longest)))} ms)` : null;
  }).filter(Boolean);
  const checkPhases = [
    ['  the file read from disk, decoded and checked', 'bench:file-chosen', 'bookshelf:import-read'],
    ['  books already here looked for', 'bookshelf:import-read', 'bookshelf:import-existing'],
    ['  the plan made', 'bookshelf:import-existing', 'bookshelf:import-planned'],
    ['  the preview shown', 'bookshelf:import-planned', 'bench:preview'],
  ].map(([label, from, to]) => [label, spread(phase(from, to)), '', '', '']).filter((row) => row[1] !== '-');
  const rows = [
    ['read and check the file: chosen to the preview', spread(check), '', '', perSecond(check)],
    ...checkPhases,
    ['write: "Import N books" to "Imported N books."', spread(write), spread(rawMs), ratio(write), perSecond(write)],
    ...phases,
    ['whole import: check + write (raw: its write)', spread(whole), spread(rawMs), ratio(whole), perSecond(whole)],
  ];
  const max = (xs) => Math.max(...xs);
  return [
    `Import of a ${int(n)}-row CSV (${int(bytes)} bytes, bench/million-csv.mjs) through the Import control, and raw IndexedDB`,
    `writing the same data (the stored records, search chunks and queue entries, read back; one transaction, strict`,
    `durability, every request issued before any is awaited); ms, median (min-max) of ${ours.length} runs`,
    table(['step', 'ours', 'raw IDB', 'ratio', 'books/s'], rows, ['l', 'r', 'r', 'r', 'r']),
    '',
    `long tasks while checking: ${max(checkTasks.map((t) => t.count))} at most a run, the longest ${ms(max(checkTasks.map((t) => t.longest)))} ms;` +
      ` while writing: ${max(writeTasks.map((t) => t.count))} at most, the longest ${ms(max(writeTasks.map((t) => t.longest)))} ms`,
    `long tasks by phase of the write, at most a run: ${phaseTasks.join('; ')}`,
    `progress bar while writing: ${Math.min(...gaps.map((g) => g.updates))} updates at least a run, the longest wait for one ${ms(max(gaps.map((g) => g.longest)))} ms`,
    `raw: ${JSON.stringify({ n, bytes, check_ms: check.map(Math.round), write_ms: write.map(Math.round), raw_ms: rawMs.map(Math.round), raw_issued_ms: raw.map((r) => Math.round(r.issued)) })}`,
  ].join('\n');
}
