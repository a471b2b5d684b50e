#!/usr/bin/env node
// The benchmark (`make bench`; see bench/README.md). Prints numbers; never fails on them.
//
// Copies the app (dist/) to / and the benchmark page (target/bench-dist/) to /bench/ of one site,
// serves it on one port (one origin) for the app and one for each system, drives one headless
// Chromium session (one on-disk profile) and, for N = 1,000, 10,000 and 100,000 books (and
// 1,000,000 with BENCH_MILLION=1), times Bookshelf's repository (through src/bench.rs),
// hand-written raw IndexedDB and Dexie 4 (bench/peers.js) on the same books, each in a fresh
// database. Then it fills the app's own database and measures the real app: time to
// the first rows, long tasks while scrolling, and the bundle's size.
//
// Environment: BENCH_MILLION=1 adds 1,000,000 books; BENCH_SIZES=1000,5000 replaces the sizes;
// BENCH_SINGLE_OPS (default 200) is how many of each single-book call; BOOKSHELF_DIST and
// BENCH_DIST override the two builds; CHROMIUM_PATH (default /usr/bin/chromium).

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APP_DIST = path.resolve(ROOT, process.env.BOOKSHELF_DIST || 'dist');
const BENCH_DIST = path.resolve(ROOT, process.env.BENCH_DIST || 'target/bench-dist');
const SITE = path.join(ROOT, 'target', 'bench-site');
const CHROMIUM = CHROMIUM_PATH;
const SIZES = process.env.BENCH_SIZES
  ? process.env.BENCH_SIZES.split(',').map(Number)
  : [1_000, 10_000, 100_000, ...(process.env.BENCH_MILLION === '1' ? [1_000_000] : [])];
const APP_SIZES = SIZES.filter((n) => n === 1_000 || n >= 100_000);
const SINGLE_OPS = Number(process.env.BENCH_SINGLE_OPS) || 200;
const REPEAT = 5;
const APP_LOADS = 3;
const PAGE = 50;
const SEARCH = 'kingdom 9';
const SYSTEMS = [
  ['raw', 'raw IDB'],
  ['ours', 'ours'],
  ['dexie', 'Dexie 4'],
];

const started = Date.now();
const log = (message) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}\n`);

// ---------------------------------------------------------------------------------------------
// Formatting.

const int = (n) => Math.round(n).toLocaleString('en-US');
function ms(value) {
  if (value === undefined || value === null || Number.isNaN(value)) return '-';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
const ratio = (value, base) => (value && base ? `${(value / base).toFixed(2)}x` : '-');
const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  if (!xs.length) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const cell = (text, i) => (align[i] === 'l' ? String(text).padEnd(widths[i]) : String(text).padStart(widths[i]));
  const line = (cells) => cells.map(cell).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The site: the app at /, the benchmark page at /bench/ (copies, so that a rebuild of dist/
// during the run changes nothing).

/** Is `dir` a complete build: an index.html whose every local script and wasm file is there? */
function complete(dir) {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) return false;
  const html = readFileSync(index, 'utf8');
  // Trunk's loader: `import init, * as bindings from './x.js'` and `module_or_path: './x_bg.wasm'`.
  const files = [...html.matchAll(/(?:from|module_or_path:)\s*["']\.\/([^"']+\.(?:js|wasm))["']/g)];
  return files.length > 0 && files.every(([, file]) => existsSync(path.join(dir, file)));
}

async function buildSite() {
  for (const [dir, what] of [
    [APP_DIST, 'the app (trunk build --release)'],
    [BENCH_DIST, 'the benchmark page (see bench/README.md)'],
  ]) {
    // Another build may be replacing the directory right now: give it a few minutes.
    for (let waited = 0; !complete(dir); waited += 5) {
      if (waited >= 180) throw new Error(`${dir} is not a complete build: build ${what} first, or run \`make bench\``);
      if (waited === 0) log(`waiting for ${dir} to be a complete build`);
      await new Promise((resolve) => setTimeout(resolve, 5_000));
    }
  }
  rmSync(SITE, { recursive: true, force: true });
  cpSync(APP_DIST, SITE, { recursive: true });
  cpSync(BENCH_DIST, path.join(SITE, 'bench'), { recursive: true });
  if (!complete(SITE) || !complete(path.join(SITE, 'bench'))) throw new Error('the copied site is incomplete');
}

// ---------------------------------------------------------------------------------------------
// The library comparison, run in the benchmark page.

/** Deterministic ids spread over 1..n (the same for every system). */
function spreadIds(n, count) {
  let state = 0x9e3779b9;
  const ids = [];
  for (let i = 0; i < count; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    ids.push(1 + (state % n));
  }
  return ids;
}

/** Runs one operation of one system in the page: ours through wasmBindings, the peers directly. */
function operation(page, system, name, args = []) {
  return page.evaluate(
    async ({ system, name, args }) => {
      const ours = window.wasmBindings;
      const peer = window.peers[system];
      const records = (n) => ours.sample_records(n, 7);
      switch (`${system === 'ours' ? 'ours' : 'peer'}:${name}`) {
        case 'ours:open':
          return ours.ours_open(args[0]);
        case 'peer:open':
          return peer.open(args[0]);
        case 'ours:close':
          return ours.ours_close();
        case 'peer:close':
          return peer.close();
        case 'ours:prepare':
        case 'peer:prepare':
          // The peers' records are made before, and outside, the timed call.
          window.benchRecords = system === 'ours' ? null : records(args[0]);
          return null;
        case 'ours:insert':
          return ours.ours_insert(args[0], 7);
        case 'peer:insert': {
          const batch = window.benchRecords;
          window.benchRecords = null;
          return peer.insert(batch);
        }
        case 'ours:readAll':
          return ours.ours_read_all();
        case 'peer:readAll':
          return peer.readAll();
        case 'ours:page':
          return ours.ours_page(args[0], args[1]);
        case 'peer:page':
          return peer.page(args[0], args[1]);
        case 'ours:count':
          return ours.ours_count();
        case 'peer:count':
          return peer.count();
        case 'ours:search':
          return ours.ours_search(args[0], args[1]);
        case 'peer:search':
          return peer.search(args[0], args[1]);
        case 'ours:singleOps':
          return ours.ours_single_ops(args[0], 11, Float64Array.from(args[1]));
        case 'peer:singleOps':
          return peer.singleOps(ours.sample_records(args[0], 11), args[1]);
        default:
          throw new Error(`no operation ${name} for ${system}`);
      }
    },
    { system, name, args },
  );
}

async function repeated(page, system, name, args) {
  const runs = [];
  for (let i = 0; i < REPEAT; i += 1) runs.push(await operation(page, system, name, args));
  return runs;
}

/**
 * Every measurement of one system at one size, in a fresh database. Databases are not deleted
 * during the run (the whole profile is, at the end): deleting 100,000 records sets the browser's
 * storage compacting in the background, which would slow whatever is measured next.
 */
async function measureSystem(page, system, n, singleOps = SINGLE_OPS) {
  const db = `bench-${n}`;
  await page.bringToFront();
  await page.evaluate((name) => window.peers.deleteDb(name), db);
  await operation(page, system, 'open', [db]);
  const result = {};
  await operation(page, system, 'prepare', [n]);
  result.insert = [await operation(page, system, 'insert', [n])];
  // The same pause for every system, for the storage to settle after the big write.
  await page.waitForTimeout(Math.max(1_000, n / 50));
  result.readAll = await repeated(page, system, 'readAll');
  result.page = await repeated(page, system, 'page', [Math.floor(n / 2), PAGE]);
  result.count = await repeated(page, system, 'count');
  // The first search is reported on its own: ours loads its search index then (once per open).
  result.searchCold = [await operation(page, system, 'search', [SEARCH, PAGE])];
  result.search = await repeated(page, system, 'search', [SEARCH, PAGE]);
  result.single = await operation(page, system, 'singleOps', [singleOps, spreadIds(n, singleOps)]);
  await operation(page, system, 'close');
  return result;
}

const BULK_ROWS = [
  ['insert', 'bulk insert (1 transaction)'],
  ['readAll', 'read all'],
  ['page', `page of ${PAGE} by title, middle`],
  ['count', 'count'],
  ['searchCold', `search "${SEARCH}" (1st)`],
  ['search', `search "${SEARCH}" (next ${REPEAT})`],
];

function libraryTable(n, results) {
  const rows = [];
  const notes = [];
  for (const [key, label] of BULK_ROWS) {
    const times = SYSTEMS.map(([system]) => median(results[system][key].map((run) => run.ms)));
    // Every system must have given the same answer (rows, and first id where it is defined).
    const answers = SYSTEMS.map(([system]) => {
      const run = results[system][key][0];
      return key === 'insert' ? `${run.rows}` : `${run.rows}/${run.first ?? ''}`;
    });
    const agree = answers.every((answer) => answer === answers[0]);
    if (!agree) notes.push(`  ! ${label}: the systems disagree (rows/first id: ${answers.join(' vs ')})`);
    const [raw, ours, dexie] = times;
    rows.push([label + (agree ? '' : ' !'), ms(ours), ms(raw), ms(dexie), ratio(ours, raw), ratio(dexie, raw)]);
  }
  for (const op of ['create', 'get', 'update', 'delete']) {
    for (const [stat, q] of [
      ['median', 0.5],
      ['p95', 0.95],
    ]) {
      const [raw, ours, dexie] = SYSTEMS.map(([system]) => quantile(results[system].single[op], q));
      rows.push([`single ${op}, ${stat}`, ms(ours), ms(raw), ms(dexie), ratio(ours, raw), ratio(dexie, raw)]);
    }
  }
  const search = results.ours.search[0];
  const heading = `N = ${int(n)} books (search matches ${int(search.rows)}; times in ms, median of ${REPEAT} unless "1st"; single ops: ${SINGLE_OPS} each)`;
  return [
    heading,
    table(['operation', 'ours', 'raw IDB', 'Dexie 4', 'ours/raw', 'Dexie/raw'], rows, ['l', 'r', 'r', 'r', 'r', 'r']),
    ...notes,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The real app.

/** Marks when the app's wasm started, and (approximately) when the first rows were painted. */
function instrumentApp() {
  addEventListener('TrunkApplicationStarted', () => performance.mark('bench:wasm-started'));
  const mark = performance.mark.bind(performance);
  performance.mark = (name, options) => {
    const entry = mark(name, options);
    if (name === 'bookshelf:first-rows') {
      // The frame that shows the rows, then the first task after its paint.
      requestAnimationFrame(() => setTimeout(() => mark('bench:painted'), 0));
    }
    return entry;
  };
}

/** Logs every IndexedDB request the page makes: what, when issued, when it first succeeded. */
function logIndexedDb() {
  const log = (window.benchIdbLog = []);
  const wrap = (proto, label, names) => {
    for (const name of names) {
      const original = proto[name];
      proto[name] = function (...args) {
        const request = original.apply(this, args);
        const entry = { what: `${label}${this.name ? `(${this.name})` : ''}.${name}`, start: performance.now() };
        log.push(entry);
        request.addEventListener('success', () => (entry.end ??= performance.now()));
        return request;
      };
    }
  };
  const reads = ['get', 'getAll', 'getAllKeys', 'count', 'openCursor', 'openKeyCursor'];
  wrap(IDBObjectStore.prototype, 'store', [...reads, 'put', 'add', 'delete']);
  wrap(IDBIndex.prototype, 'index', reads);
  wrap(IDBFactory.prototype, 'indexedDB', ['open']);
}

async function loadApp(context, url, { logRequests = false } = {}) {
  const page = await context.newPage();
  await page.addInitScript(instrumentApp);
  if (logRequests) await page.addInitScript(logIndexedDb);
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('bench:painted').length > 0, null, {
    timeout: 300_000,
    polling: 50,
  });
  const times = await page.evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
    return {
      wasm: at('bench:wasm-started'),
      rows: at('bookshelf:first-rows'),
      painted: at('bench:painted'),
      requests: window.benchIdbLog,
    };
  });
  return { page, times };
}

/** Scrolls the table 60 frames, a screen a frame, then jumps to the end, watching long tasks. */
function scrollWatchingLongTasks(page) {
  return page.evaluate(async () => {
    const region = document.querySelector('[role="region"][aria-label="Books, scrollable"]');
    if (!region) throw new Error('no region "Books, scrollable"');
    const total = Number(region.querySelector('table')?.getAttribute('aria-rowcount'));
    const tasks = [];
    const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: 'longtask' });
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
    const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    await settle(200);
    const scrollStart = performance.now();
    for (let i = 0; i < 60; i += 1) {
      region.scrollTop += region.clientHeight;
      await frame();
    }
    const scrollMs = performance.now() - scrollStart;
    const jumpStart = performance.now();
    region.scrollTop = region.scrollHeight;
    let lastRowMs = null;
    while (performance.now() - jumpStart < 30_000) {
      await frame();
      if (region.querySelector(`tr[aria-rowindex="${total}"][data-id]`)) {
        lastRowMs = performance.now() - jumpStart;
        break;
      }
    }
    await settle(1_000);
    tasks.push(...observer.takeRecords().map((e) => e.duration));
    observer.disconnect();
    return {
      longest: tasks.length ? Math.max(...tasks) : 0,
      over50: tasks.filter((d) => d > 50).length,
      scrollMs,
      lastRowMs,
      rows: total - 1,
    };
  });
}

async function measureApp(context, benchPage, url, n) {
  await benchPage.bringToFront();
  await benchPage.evaluate(() => window.peers.deleteDb('bookshelf'));
  const filled = await benchPage.evaluate((n) => window.wasmBindings.fill('bookshelf', n, 7), n);
  log(`  app database filled with ${int(n)} books through the repository in ${ms(filled.ms)} ms`);
  // The same pause as after the bulk inserts above, for the storage to settle.
  await benchPage.waitForTimeout(Math.max(1_000, n / 50));
  const loads = [];
  let scroll = null;
  for (let i = 0; i < APP_LOADS; i += 1) {
    const { page, times } = await loadApp(context, url);
    loads.push(times);
    if (i === APP_LOADS - 1 && n >= 100_000) {
      await page.waitForTimeout(1_500);
      scroll = await scrollWatchingLongTasks(page);
    }
    await page.close();
  }
  // One more load, not timed (its wrappers cost a little): which requests come before the rows.
  let requests = null;
  if (n >= 100_000) {
    const { page, times } = await loadApp(context, url, { logRequests: true });
    requests = times.requests.filter((r) => r.start < times.rows).map((r) => ({ ...r, rows: times.rows }));
    await page.close();
  }
  return { n, loads, scroll, requests };
}

function appTable(apps) {
  const rows = [];
  const pick = (key) => apps.map(({ loads }) => loads.map((l) => ms(l[key])).join(' / '));
  rows.push(['TrunkApplicationStarted (wasm running)', ...pick('wasm')]);
  rows.push(['bookshelf:first-rows mark', ...pick('rows')]);
  rows.push(['first rows painted (next frame, approx.)', ...pick('painted')]);
  rows.push([
    'first-rows mark after wasm started',
    ...apps.map(({ loads }) => {
      return loads.map((l) => ms(l.rows - l.wasm)).join(' / ');
    }),
  ]);
  const headers = [`ms from navigation start (loads ${[...Array(APP_LOADS).keys()].map((i) => i + 1).join(' / ')})`, ...apps.map(({ n }) => `${int(n)} books`)];
  const lines = [
    'App (dist/, a fresh tab per load, database filled through the repository)',
    table(headers, rows, ['l', ...apps.map(() => 'r')]),
  ];
  for (const { n, requests } of apps) {
    if (!requests) continue;
    lines.push(
      '',
      `IndexedDB requests the app issues before its first rows, ${int(n)} books (one more load, with logging)`,
      table(
        ['request', 'issued at (ms)', 'took (ms)'],
        requests.map((r) => [r.what, ms(r.start), r.end === undefined ? 'pending' : ms(r.end - r.start)]),
        ['l', 'r', 'r'],
      ),
    );
  }
  for (const { n, scroll } of apps) {
    if (!scroll) continue;
    lines.push(
      '',
      `Scrolling the app with ${int(n)} books: 60 frames of one screen each, then a jump to the end`,
      table(
        ['measure', 'value'],
        [
          ['longest long task (ms)', scroll.longest ? ms(scroll.longest) : 'none'],
          ['long tasks > 50 ms', String(scroll.over50)],
          ['60 scroll frames took (ms; 1000 = 60 fps)', ms(scroll.scrollMs)],
          ['jump to end until the last row shows (ms)', ms(scroll.lastRowMs)],
        ],
        ['l', 'r'],
      ),
    );
  }
  return lines.join('\n');
}

function bundleTable() {
  // The copy that was measured (its top level is the app's dist/).
  const files = readdirSync(SITE).filter((f) => f.endsWith('.wasm') || f.endsWith('.js'));
  const rows = [];
  const total = [0, 0, 0];
  for (const file of files.sort()) {
    const bytes = readFileSync(path.join(SITE, file));
    const sizes = [
      bytes.length,
      gzipSync(bytes, { level: 9 }).length,
      brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length,
    ];
    sizes.forEach((size, i) => (total[i] += size));
    rows.push([file, ...sizes.map(int)]);
  }
  rows.push(['total', ...total.map(int)]);
  return [
    'Bundle (dist/, bytes)',
    table(['file', 'raw', 'gzip -9', 'brotli 11'], rows, ['l', 'r', 'r', 'r']),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

/** Serves the site on a port of its own: each port is an origin, with storage of its own. */
/** Import and export of a 100,000-row CSV through our code (no peer has an importer). */
async function transferTable(page) {
  const n = 100_000;
  log(`import and export of ${int(n)} books`);
  const t = await page.evaluate((count) => window.wasmBindings.ours_transfer('bench-transfer', count, 7), n);
  return [
    `Import and export, ${int(n)} books as CSV (${int(t.bytes)} bytes; ours only)`,
    table(['step', 'ms', 'books/s'], [
      ['export: walk the store, write CSV', ms(t.export_ms), int(Math.round(t.books / (t.export_ms / 1000)))],
      ['import: read and check the file', ms(t.read_ms), int(Math.round(t.books / (t.read_ms / 1000)))],
      ['import: write, one transaction', ms(t.write_ms), int(Math.round(t.books / (t.write_ms / 1000)))],
    ], ['l', 'r', 'r']),
  ].join('\n');
}

async function serve() {
  const server = await startServer({ dir: SITE });
  // Cross-origin isolation (COOP + COEP) only so that performance.now() counts in 5 µs steps,
  // not 100 µs: single gets take about a tenth of a millisecond.
  server.server.prependListener('request', (_request, response) => {
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  });
  return server;
}

/** A tab on the benchmark page of `server`, ready (wasm and peers loaded). */
async function openBenchPage(context, server) {
  const page = await context.newPage();
  page.on('pageerror', (error) => log(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') log(`console error: ${message.text()}`);
  });
  await page.goto(`${server.url}bench/`);
  await page.waitForFunction(() => window.wasmBindings && window.peers, null, { timeout: 60_000 });
  if (!(await page.evaluate(() => window.crossOriginIsolated))) log('not cross-origin isolated: timers are coarse');
  return page;
}

async function main() {
  await buildSite();
  // The app, and each system, at an origin of its own (Chromium keeps one store per origin):
  // one system's data never sits in, nor is compacted with, another's.
  const servers = [];
  const origin = async () => {
    const server = await serve();
    servers.push(server);
    return server;
  };
  const appServer = await origin();
  const profile = mkdtempSync(path.join(os.tmpdir(), 'bookshelf-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1280, height: 900 },
    args: CHROMIUM_ARGS,
  });
  const sections = [];
  const version = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const pages = {};
    for (const [system] of SYSTEMS) pages[system] = await openBenchPage(context, await origin());
    for (const blank of context.pages().filter((p) => !Object.values(pages).includes(p))) await blank.close();

    // A warm-up round, not reported: the first system measured would otherwise pay for
    // compiling the page's code paths and the browser's IndexedDB machinery.
    log('warm-up round (not reported)');
    for (const [system] of SYSTEMS) await measureSystem(pages[system], system, 2_000, 20);

    for (const n of SIZES) {
      const results = {};
      for (const [system, label] of SYSTEMS) {
        log(`N=${int(n)}: ${label}`);
        results[system] = await measureSystem(pages[system], system, n);
        const r = results[system];
        log(`  insert ${ms(r.insert[0].ms)} ms, read all ${ms(median(r.readAll.map((x) => x.ms)))} ms, search ${ms(median(r.search.map((x) => x.ms)))} ms`);
      }
      sections.push(libraryTable(n, results));
    }

    const apps = [];
    if (APP_SIZES.length) {
      const filler = await openBenchPage(context, appServer);
      for (const n of APP_SIZES) {
        log(`app with ${int(n)} books`);
        apps.push(await measureApp(context, filler, appServer.url, n));
      }
    }
    if (apps.length) sections.push(appTable(apps));
    sections.push(await transferTable(pages.ours));
    sections.push(bundleTable());
  } finally {
    await context.close();
    for (const server of servers) await server.close();
    rmSync(profile, { recursive: true, force: true });
  }

  const elapsed = ((Date.now() - started) / 1000).toFixed(0);
  console.log(
    [
      `Bookshelf benchmark: ${version}, headless, ${os.cpus().length} CPUs, on-disk profile; ran ${elapsed} s`,
      '',
      sections.join('\n\n'),
      '',
      'Notes: "ours" is BookRepository end to end (validation, folding, serde to JS, and the search',
      'index chunks written in the same transaction); the peers get records already built (keys',
      'folded) and store only the books. Search: ours = matching() over the in-memory index + get_many',
      'of the first 50 (its 1st run loads the index from IndexedDB); raw = getAll in batches of 10,000',
      'filtered in JS; Dexie = toArray() + Array.filter. All three count every match and keep the',
      'first 50. Single ops: one call each, awaited one after another (update = read-modify-write;',
      'ours also rewrites a search chunk on create/update/delete, and reads the book before deleting it).',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
