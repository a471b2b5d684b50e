#!/usr/bin/env node
// The benchmark (`make bench`; see bench/README.md). Prints numbers; fails (exit 1) only when the
// systems compared disagree about an answer, never because of a number.
//
// Copies the app (dist/) to / and the benchmark page (target/bench-dist/) to /bench/ of one site
// (a temporary directory),
// serves it on one port (one origin) for the app and one for each system, drives one headless
// Chromium session (one on-disk profile) and, for N = 1,000, 10,000 and 100,000 books (and
// 1,000,000 with BENCH_MILLION=1), times Bookshelf's repository (through src/bench.rs),
// hand-written raw IndexedDB and Dexie 4 (bench/peers.js) on the same books: several runs, each
// in fresh databases, the order of the three systems rotated from run to run; every figure is a
// median with its spread (min-max). Every answer (counts, a page's ids and titles, a search's
// count and first matches) is compared between the systems. Then it measures the real app:
// generating books in it, reloads to the first rows and to the count, a typed search, long tasks
// while scrolling, the Statistics page's count, and the bundle's size.
//
// Environment: BENCH_MILLION=1 adds 1,000,000 books; BENCH_SIZES=1000,5000 replaces the sizes;
// BENCH_RUNS (default 5 up to 10,000 books, 3 above) runs per size; BENCH_SINGLE_OPS (default
// 200) is how many of each single-book call per run; BENCH_TRANSFER_BOOKS (default 100,000) the
// size of the import and export; BOOKSHELF_DIST and BENCH_DIST override the
// two builds; CHROMIUM_PATH (default /usr/bin/chromium). For a quicker look at the app alone:
// BENCH_APP_ONLY=1 skips the library runs and the import and export, BENCH_APP_SIZES=100000
// picks the app's sizes, BENCH_APP_GENERATIONS and BENCH_APP_LOADS its repetitions (3 and 5).
// Sync (on by default; BENCH_SYNC=0 skips it, BENCH_SYNC_ONLY=1 runs it alone): against a
// pouchdb-server the benchmark starts on 127.0.0.1 and stops, for each of BENCH_SYNC_SIZES
// (default 10000,100000) books: the first sync up from device A, the first sync down into an empty
// device B, and an edit's round trip from A to B with "Keep in sync" on both.
// Import (bench/import.mjs; BENCH_IMPORT=0 skips it, BENCH_IMPORT_ONLY=1 runs it alone, on dist/): a
// CSV of BENCH_IMPORT_ROWS (default 100,000, and 1,000,000 too with BENCH_MILLION=1) books through
// the app's Import control, against raw IndexedDB writing the same records, BENCH_IMPORT_RUNS (3).

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';
import { startCouch, couchRequest, dbInfo } from '../e2e/couch.mjs';
import { fill as fillScale, measureScale, scaleRows } from './scale.mjs';
import { importTable } from './import.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APP_DIST = path.resolve(ROOT, process.env.BOOKSHELF_DIST || 'dist');
const BENCH_DIST = path.resolve(ROOT, process.env.BENCH_DIST || 'target/bench-dist');
/** The site served: a copy of its own for each run, so that two runs never share one. */
const SITE = mkdtempSync(path.join(os.tmpdir(), 'bookshelf-bench-site-'));
const CHROMIUM = CHROMIUM_PATH;
const SIZES = process.env.BENCH_SIZES
  ? process.env.BENCH_SIZES.split(',').map(Number)
  : [1_000, 10_000, 100_000, ...(process.env.BENCH_MILLION === '1' ? [1_000_000] : [])];
const APP_SIZES = process.env.BENCH_APP_SIZES
  ? process.env.BENCH_APP_SIZES.split(',').map(Number)
  : SIZES.filter((n) => n === 1_000 || n >= 100_000);
// BENCH_APP_ONLY=1: only the app's part (no library runs, no import and export).
const APP_ONLY = process.env.BENCH_APP_ONLY === '1';
// BENCH_SYNC_ONLY=1: only the sync part; BENCH_SYNC=0: no sync part.
const SYNC_ONLY = process.env.BENCH_SYNC_ONLY === '1';
const SYNC = SYNC_ONLY || process.env.BENCH_SYNC !== '0';
// The catalogue at scale (bench/scale.mjs): a million books with BENCH_MILLION=1, else 100,000
// (BENCH_SCALE_N); BENCH_SCALE=0 skips it.
const SCALE = !SYNC_ONLY && process.env.BENCH_IMPORT_ONLY !== "1" && process.env.BENCH_SCALE !== '0';
const SCALE_N = Number(process.env.BENCH_SCALE_N || (process.env.BENCH_MILLION === '1' ? 1_000_000 : 100_000));
// BENCH_IMPORT_ONLY=1: only the import through the app's Import control; BENCH_IMPORT=0: without it.
const IMPORT_ONLY = process.env.BENCH_IMPORT_ONLY === '1';
const IMPORT = IMPORT_ONLY || process.env.BENCH_IMPORT !== '0';
const IMPORT_SIZES = process.env.BENCH_IMPORT_ROWS
  ? process.env.BENCH_IMPORT_ROWS.split(',').map(Number)
  : [100_000, ...(process.env.BENCH_MILLION === '1' ? [1_000_000] : [])];
const IMPORT_RUNS = Number(process.env.BENCH_IMPORT_RUNS) || 3;
/** Only dist/ is needed: no library runs, no app part, no benchmark page. */
const DIST_ONLY = SYNC_ONLY || IMPORT_ONLY;
const SYNC_SIZES = process.env.BENCH_SYNC_SIZES
  ? process.env.BENCH_SYNC_SIZES.split(',').map(Number)
  : [10_000, 100_000];
/** Round trips of one edit from device A to device B, with "Keep in sync" on both. */
const SYNC_ROUND_TRIPS = 5;
const SINGLE_OPS = Number(process.env.BENCH_SINGLE_OPS) || 200;
/** Runs per size: each in fresh databases, the systems' order rotated. */
const runsFor = (n) => Number(process.env.BENCH_RUNS) || (n <= 10_000 ? 5 : 3);
/** Samples of each cheap read within a run (a bulk insert is one sample a run). */
const REPEAT = 3;
/** Generations of N books in the app, and reloads of the app, per size. */
const APP_GENERATIONS = Number(process.env.BENCH_APP_GENERATIONS) || 3;
const APP_LOADS = Number(process.env.BENCH_APP_LOADS) || 5;
const TRANSFER_RUNS = 3;
/** Times the Statistics page is opened, each in a fresh tab. */
const STATS_LOADS = 3;
const PAGE = 50;
const SEARCH = 'kingdom 9';
const SYSTEMS = [
  ['raw', 'raw IDB'],
  ['ours', 'ours'],
  ['dexie', 'Dexie 4'],
];

const started = Date.now();
const log = (message) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}\n`);

/** Disagreements between the systems (or between runs): any makes the run fail at the end. */
const disagreements = [];

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

/** "median (min-max)" of a list of milliseconds. */
function spread(xs) {
  if (!xs?.length) return '-';
  if (xs.length === 1) return ms(xs[0]);
  return `${ms(median(xs))} (${ms(Math.min(...xs))}-${ms(Math.max(...xs))})`;
}

/** The systems in the order of run `run`: rotated by one each run. */
function rotated(run) {
  const k = run % SYSTEMS.length;
  return [...SYSTEMS.slice(k), ...SYSTEMS.slice(0, k)];
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
  const needed = [[APP_DIST, 'the app (trunk build --release)']];
  if (!DIST_ONLY) needed.push([BENCH_DIST, 'the benchmark page (see bench/README.md)']);
  for (const [dir, what] of needed) {
    // Another build may be replacing the directory right now: give it a few minutes.
    for (let waited = 0; !complete(dir); waited += 5) {
      if (waited >= 180) throw new Error(`${dir} is not a complete build: build ${what} first, or run \`make bench\``);
      if (waited === 0) log(`waiting for ${dir} to be a complete build`);
      await new Promise((resolve) => setTimeout(resolve, 5_000));
    }
  }
  rmSync(SITE, { recursive: true, force: true });
  cpSync(APP_DIST, SITE, { recursive: true });
  if (!DIST_ONLY) cpSync(BENCH_DIST, path.join(SITE, 'bench'), { recursive: true });
  if (!complete(SITE) || (!DIST_ONLY && !complete(path.join(SITE, 'bench')))) throw new Error('the copied site is incomplete');
  // A page of every origin that is not the app: where raw IndexedDB writes, and databases are deleted.
  writeFileSync(path.join(SITE, 'blank.html'), '<!doctype html><meta charset="utf-8"><title>blank</title>');
}

// ---------------------------------------------------------------------------------------------
// Waiting for the browser to settle: a condition, not a pause.

/** CPU time (clock ticks) used so far by every process this script started (the browser's). */
function browserTicks() {
  const parents = new Map();
  const ticks = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid ... utime(14) stime(15): fields after the ")" of comm.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parents.set(Number(entry), Number(fields[1]));
    ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
  }
  let total = 0;
  for (const [pid, used] of ticks) {
    for (let at = parents.get(pid), hops = 0; at !== undefined && hops < 10; at = parents.get(at), hops += 1) {
      if (at === process.pid) {
        total += used;
        break;
      }
    }
  }
  return total;
}

/**
 * Waits until the browser is idle: its processes used under 5% of a core in each of two
 * consecutive quarter seconds (IndexedDB's storage compacting after a big write, a closed tab
 * shutting down). Bounded: after `deadlineMs` it says so and goes on.
 */
async function browserIdle(deadlineMs = 120_000) {
  const window = 250;
  const hz = 100; // Linux clock ticks per second (USER_HZ)
  const start = Date.now();
  let before = browserTicks();
  let quiet = 0;
  while (quiet < 2) {
    if (Date.now() - start > deadlineMs) {
      log(`  the browser was still busy after ${deadlineMs / 1000} s; going on`);
      return Date.now() - start;
    }
    await new Promise((resolve) => setTimeout(resolve, window));
    const now = browserTicks();
    quiet = (now - before) / hz < 0.05 * (window / 1000) ? quiet + 1 : 0;
    before = now;
  }
  return Date.now() - start;
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
          return ours.ours_page(args[0], args[1], args[2]);
        case 'peer:page':
          return peer.page(args[0], args[1], args[2]);
        case 'ours:pageAfter':
          return ours.ours_page_after(args[0], args[1], args[2]);
        case 'peer:pageAfter':
          return peer.pageAfter(args[0], args[1], args[2]);
        case 'ours:count':
          return ours.ours_count();
        case 'peer:count':
          return peer.count();
        case 'ours:searchWarm':
          return ours.ours_search(args[0], args[1], false);
        case 'ours:searchCold':
          return ours.ours_search(args[0], args[1], true);
        case 'peer:searchScan':
          return peer.search(args[0], args[1]);
        case 'peer:searchIndexedWarm':
          return peer.searchIndexed(args[0], args[1], false);
        case 'peer:searchIndexedCold':
          return peer.searchIndexed(args[0], args[1], true);
        case 'ours:statsTotal':
          return ours.ours_stats_total();
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

/** Where pages are read: the second page, the middle, the last page. */
const places = (n) => [
  ['start', PAGE],
  ['middle', Math.floor(n / 2)],
  ['end', n - PAGE],
];

/**
 * One run of one system at one size, in a fresh database. Databases are not deleted during a
 * size's runs (the whole profile is, at the end): deleting 100,000 records sets the browser's
 * storage compacting in the background, which would slow whatever is measured next.
 */
async function measureSystem(page, system, n, run, singleOps = SINGLE_OPS) {
  const db = `bench-${n}-${run}`;
  await page.bringToFront();
  await page.evaluate((name) => window.peers.deleteDb(name), db);
  await operation(page, system, 'open', [db]);
  const result = {};
  await operation(page, system, 'prepare', [n]);
  result.insert = [await operation(page, system, 'insert', [n])];
  // For the storage to settle after the big write (the same condition for every system).
  await browserIdle();
  result.readAll = await repeated(page, system, 'readAll');
  for (const [place, position] of places(n)) {
    result[`jump:${place}`] = await repeated(page, system, 'page', [position, PAGE, n]);
    // The row before the page, read by an untimed jump to the page before: where paging by key
    // starts from, as the table does when it scrolls on from the block before.
    const before = await operation(page, system, 'page', [position - PAGE, PAGE, n]);
    result[`byKey:${place}`] = await repeated(page, system, 'pageAfter', [before.last_key, before.ids.at(-1), PAGE]);
  }
  result.count = await repeated(page, system, 'count');
  if (system === 'ours') {
    result.searchCold = await repeated(page, system, 'searchCold', [SEARCH, PAGE]);
    result.searchWarm = await repeated(page, system, 'searchWarm', [SEARCH, PAGE]);
  } else {
    result.searchScan = await repeated(page, system, 'searchScan', [SEARCH, PAGE]);
    result.searchCold = await repeated(page, system, 'searchIndexedCold', [SEARCH, PAGE]);
    result.searchWarm = await repeated(page, system, 'searchIndexedWarm', [SEARCH, PAGE]);
  }
  // The Statistics page's count over the whole store (ours only: the page's own code path).
  if (system === 'ours') result.stats = await repeated(page, system, 'statsTotal');
  result.single = await operation(page, system, 'singleOps', [singleOps, spreadIds(n, singleOps)]);
  await operation(page, system, 'close');
  return result;
}

/** The rows of the library table: label, and which result each system's cell comes from. */
function bulkRows(n) {
  const rows = [
    ['insert', 'bulk insert (1 transaction)'],
    ['readAll', 'read all'],
  ];
  for (const [place, position] of places(n)) {
    rows.push([`jump:${place}`, `page of ${PAGE} by title at row ${int(position)}: a jump`]);
    rows.push([`byKey:${place}`, `page of ${PAGE} by title at row ${int(position)}: by key`]);
  }
  rows.push(
    ['count', 'count'],
    [{ ours: 'searchWarm', peer: 'searchScan' }, `search "${SEARCH}": ours in-memory index, peers scan the store`],
    [{ ours: 'searchWarm', peer: 'searchWarm' }, `search "${SEARCH}": all with an in-memory index`],
    [{ ours: 'searchCold', peer: 'searchCold' }, `search "${SEARCH}", cold: the index loaded first`],
  );
  return rows;
}

const keyFor = (key, system) => (typeof key === 'string' ? key : key[system === 'ours' ? 'ours' : 'peer']);

/** What an answer must agree on: rows (a count), ids shown, titles shown. */
const signature = (run) => JSON.stringify({ rows: run.rows, ids: run.ids ?? [], titles: run.titles ?? [] });

/**
 * Checks that every system, in every run, gave the same answer to each question: a bulk
 * insert's and a read's rows and first/last ids, a count (N), a page's ids and titles (by jump
 * or by key alike), a search's match count and first matches (however it searched).
 */
function checkAgreement(n, results) {
  const groups = { insert: ['insert'], readAll: ['readAll'], count: ['count'] };
  for (const [place] of places(n)) groups[`page at ${place}`] = [`jump:${place}`, `byKey:${place}`];
  groups.search = ['searchWarm', 'searchCold', 'searchScan'];
  for (const [group, keys] of Object.entries(groups)) {
    const answers = [];
    for (const [system, label] of SYSTEMS) {
      for (const [run, result] of results[system].entries()) {
        for (const key of keys) {
          for (const sample of result[key] ?? []) answers.push([`${label} run ${run + 1} ${key}`, signature(sample), sample]);
        }
      }
    }
    const [firstWho, expected] = answers[0];
    for (const [who, got] of answers) {
      if (got !== expected) {
        disagreements.push(`N=${int(n)}, ${group}: ${who} answered ${got.slice(0, 300)}, but ${firstWho} answered ${expected.slice(0, 300)}`);
        break;
      }
    }
  }
  for (const key of ['count', 'readAll']) {
    const rows = results.ours[0][key][0].rows;
    if (rows !== n) disagreements.push(`N=${int(n)}, ${key}: ${rows} rows where ${int(n)} books were stored`);
  }
  if (!(results.ours[0].searchWarm[0].rows > 0)) disagreements.push(`N=${int(n)}: the search "${SEARCH}" found nothing`);
}

function libraryTable(n, results, agreed) {
  const rows = [];
  const samples = (system, key) => results[system].flatMap((run) => run[keyFor(key, system)] ?? []).map((x) => x.ms);
  for (const [key, label] of bulkRows(n)) {
    const [raw, ours, dexie] = SYSTEMS.map(([system]) => samples(system, key));
    rows.push([label, spread(ours), spread(raw), spread(dexie), ratio(median(ours), median(raw)), ratio(median(dexie), median(raw))]);
  }
  for (const op of ['create', 'get', 'update', 'delete']) {
    const pooled = SYSTEMS.map(([system]) => results[system].flatMap((run) => run.single[op]));
    const perRun = SYSTEMS.map(([system]) => results[system].map((run) => median(run.single[op])));
    const [raw, ours, dexie] = pooled.map((xs) => median(xs));
    const cell = (i) => `${ms(median(pooled[i]))} (${ms(Math.min(...perRun[i]))}-${ms(Math.max(...perRun[i]))})`;
    rows.push([`single ${op}, median`, cell(1), cell(0), cell(2), ratio(ours, raw), ratio(dexie, raw)]);
    const [raw95, ours95, dexie95] = pooled.map((xs) => quantile(xs, 0.95));
    rows.push([`single ${op}, p95`, ms(ours95), ms(raw95), ms(dexie95), ratio(ours95, raw95), ratio(dexie95, raw95)]);
  }
  const runs = results.ours.length;
  const search = results.ours[0].searchWarm[0];
  const heading = [
    `N = ${int(n)} books: ${runs} runs, each in fresh databases, the systems' order rotated; times in ms,`,
    `median (min-max) of ${runs} bulk inserts and of ${runs * REPEAT} samples (${REPEAT} a run) of every other row;`,
    `single ops: ${SINGLE_OPS} calls a run, median of all (min-max of the runs' medians) and p95.`,
    agreed
      ? `The search matches ${int(search.rows)} books. Every system gave the same answers in every run (checked).`
      : 'THE SYSTEMS DISAGREE: see the end of the output.',
  ].join('\n');
  return [
    heading,
    table(['operation', 'ours', 'raw IDB', 'Dexie 4', 'ours/raw', 'Dexie/raw'], rows, ['l', 'r', 'r', 'r', 'r', 'r']),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The statistics (ours only).

/**
 * The Statistics page's count over N books through `ours_stats_total` (src/bench.rs: the page's
 * own `count_books`, 1,000 books a page, then the report for this year): total milliseconds, and
 * the longest stretch between two pages (a page read from IndexedDB and counted).
 */
function statsTable(n, runs) {
  const samples = runs.flatMap((run) => run.stats ?? []);
  if (!samples.length) return '';
  for (const sample of samples) {
    if (sample.rows !== n) disagreements.push(`statistics, ${int(n)} books: counted ${sample.rows}`);
  }
  return [
    `Statistics over ${int(n)} books (ours: the Statistics page's count, a page of 250 books at a time, and its report; ${samples.length} samples)`,
    table(['measure', 'ms, median (min-max)'], [
      ['total: count every book and report', spread(samples.map((s) => s.ms))],
      ['longest page: read from IndexedDB and counted', spread(samples.map((s) => s.longest_page_ms))],
    ], ['l', 'r']),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The real app.

/**
 * Marks when the app's wasm started, (approximately) when the first rows were painted, and when
 * the count first showed a whole number of books ("100000 books": counting done).
 */
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
  const counted = new MutationObserver(() => {
    const text = document.getElementById('book-count')?.textContent.trim() ?? '';
    if (/^\d+ books?$/.test(text)) {
      mark('bench:counted');
      window.benchCountText = text;
      counted.disconnect();
    }
  });
  counted.observe(document, { subtree: true, childList: true, characterData: true });
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

/**
 * In the page: waits (bounded) until the count reads `want` (a RegExp whose first group is the
 * number of rows), the table's row count says the same and its rows are loaded (none says
 * "Loading…"), then for the next frame's paint. Returns milliseconds from
 * `start` to the count and to the paint, the count's text and the ids of the rows shown.
 */
function waitForRowsInPage({ start, want, deadlineMs }) {
  const pattern = new RegExp(want);
  const count = () => document.getElementById('book-count')?.textContent.trim() ?? '';
  const ready = () => {
    const match = count().match(pattern);
    if (!match) return false;
    if (match[1] === '0') return true;
    // The table stands for the result (a row count of matches + the header), its rows loaded.
    const table = document.querySelector('table[aria-rowcount]');
    if (Number(table?.getAttribute('aria-rowcount')) !== Number(match[1]) + 1) return false;
    const rows = [...document.querySelectorAll('tr[data-id]')];
    return rows.length > 0 && ![...document.querySelectorAll('tbody td')].some((td) => td.textContent === 'Loading…');
  };
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (ready()) {
        const shown = performance.now() - start;
        requestAnimationFrame(() =>
          setTimeout(() =>
            resolve({
              shown,
              painted: performance.now() - start,
              text: count(),
              ids: [...document.querySelectorAll('tr[data-id]')].slice(0, 5).map((tr) => tr.dataset.id),
            }),
          ),
        );
      } else if (performance.now() - start > deadlineMs) {
        reject(new Error(`the count did not read ${want} within ${deadlineMs} ms (it reads "${count()}")`));
      } else {
        setTimeout(poll, 5);
      }
    };
    poll();
  });
}

/**
 * A tab for the app, with the waiting above defined in its page by an init script (the app's CSP
 * allows no eval, and init scripts are not subject to it).
 */
async function appPage(context) {
  const page = await context.newPage();
  page.on('pageerror', (error) => log(`app page error: ${error.message}`));
  await page.addInitScript(`window.benchWaitForRows = ${waitForRowsInPage.toString()};`);
  return page;
}

/** Types `text` into the search box (one input event, as a paste or the last key) and times it. */
function typeSearch(page, text, want) {
  return page.evaluate(
    async ({ text, want }) => {
      const box = document.getElementById('search');
      if (!box) throw new Error('no search box');
      const start = performance.now();
      box.value = text;
      box.dispatchEvent(new Event('input', { bubbles: true }));
      return window.benchWaitForRows({ start, want, deadlineMs: 120_000 });
    },
    { text, want },
  );
}

async function loadApp(context, url, n, { logRequests = false } = {}) {
  const page = await appPage(context);
  await page.addInitScript(instrumentApp);
  if (logRequests) await page.addInitScript(logIndexedDb);
  await page.goto(url);
  await page.waitForFunction(
    () => performance.getEntriesByName('bench:painted').length > 0 && performance.getEntriesByName('bench:counted').length > 0,
    null,
    { timeout: 600_000, polling: 50 },
  );
  const times = await page.evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
    return {
      wasm: at('bench:wasm-started'),
      rows: at('bookshelf:first-rows'),
      painted: at('bench:painted'),
      counted: at('bench:counted'),
      countText: window.benchCountText,
      requests: window.benchIdbLog,
    };
  });
  if (times.countText !== `${n} books`) disagreements.push(`app, ${int(n)} books: after a reload the count read "${times.countText}"`);
  return { page, times };
}

/**
 * Clicks the header button `label` (a column the app was told to show) and times it until the
 * first row is the one `index`, read straight from IndexedDB beforehand, puts first, every row
 * loaded, and the next paint.
 */
async function timeSort(page, label, index) {
  const expected = await page.evaluate((index) => new Promise((resolve, reject) => {
    const open = indexedDB.open('bookshelf');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const request = db.transaction('books').objectStore('books').index(index).openKeyCursor();
      request.onsuccess = () => {
        db.close();
        resolve(String(request.result?.primaryKey));
      };
      request.onerror = () => reject(request.error);
    };
  }), index);
  return page.evaluate(({ label, expected }) => {
    const button = [...document.querySelectorAll('th button.sort')].find((b) => b.textContent.trim() === label);
    if (!button) throw new Error(`no sort button "${label}"`);
    const start = performance.now();
    button.click();
    return new Promise((resolve, reject) => {
      const poll = () => {
        const first = document.querySelector('tr[data-id]')?.dataset.id;
        const loading = [...document.querySelectorAll('tbody td')].some((td) => td.textContent === 'Loading…');
        if (first === expected && !loading) {
          const shown = performance.now() - start;
          requestAnimationFrame(() => setTimeout(() => resolve({ shown, painted: performance.now() - start, first })));
        } else if (performance.now() - start > 120_000) {
          reject(new Error(`sorting by ${label} did not show book ${expected} first`));
        } else {
          setTimeout(poll, 5);
        }
      };
      poll();
    });
  }, { label, expected });
}

/** Ticks "On loan" and times it until the count says "N of n books" and those rows are painted. */
function timeOnLoan(page, n) {
  return page.evaluate(({ n }) => {
    const box = document.getElementById('loan-filter');
    if (!box) throw new Error('no "On loan" checkbox');
    const start = performance.now();
    box.click();
    return window.benchWaitForRows({ start, want: `^(\\d+) of ${n} books$`, deadlineMs: 120_000 });
  }, { n });
}

/**
 * Types `text` into "Do I own this?" (one input event, as a scanner's last key or a paste) and
 * times it until the answer reads `want` (a regular expression) and is painted.
 */
function timeCheck(page, text, want) {
  return page.evaluate(({ text, want }) => {
    const box = document.getElementById('check-text');
    const answer = document.getElementById('check-answer');
    if (!box || !answer) throw new Error('no "Do I own this?" box');
    const start = performance.now();
    box.value = text;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    const pattern = new RegExp(want);
    return new Promise((resolve, reject) => {
      const poll = () => {
        const said = answer.textContent.replace(/\s+/g, ' ').trim();
        if (pattern.test(said)) {
          const shown = performance.now() - start;
          requestAnimationFrame(() => setTimeout(() => resolve({ shown, painted: performance.now() - start, text: said.slice(0, 60) })));
        } else if (performance.now() - start > 120_000) {
          reject(new Error(`"Do I own this?" never answered ${want} to "${text}" (it says "${said}")`));
        } else {
          setTimeout(poll, 2);
        }
      };
      poll();
    });
  }, { text, want });
}

/** The title of the book in the middle of the catalogue, with a typo: "The Silent River 42" gives "slient river 42". */
async function typoQuery(page, n) {
  const title = await page.evaluate((id) => new Promise((resolve, reject) => {
    const open = indexedDB.open('bookshelf');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const request = db.transaction('books').objectStore('books').openCursor(IDBKeyRange.lowerBound(id));
      request.onsuccess = () => {
        db.close();
        resolve(request.result?.value?.title);
      };
      request.onerror = () => reject(request.error);
    };
  }), Math.floor(n / 2));
  const words = String(title).split(' ').slice(1);
  const [first] = words;
  return [first[0] + first[2] + first[1] + first.slice(3), ...words.slice(1)].join(' ').toLowerCase();
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
    await frame();
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
    // The frame after the last row, so that a task it caused has ended and been reported.
    await frame();
    await new Promise((resolve) => setTimeout(resolve, 0));
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

/**
 * Generates `n` sample books in the app, as a person does (Developer tools, "Generate sample
 * books"), into an emptied database; milliseconds from the click to the count reading "n books".
 */
async function generateInApp(context, filler, url, n) {
  await filler.bringToFront();
  await filler.evaluate(() => window.peers.deleteDb('bookshelf'));
  const page = await appPage(context);
  await page.goto(url);
  await page.locator('#book-count', { hasText: /^0 books$/ }).waitFor({ timeout: 60_000 });
  await page.getByText('Developer tools').click();
  await page.getByLabel('Number of sample books').fill(String(n));
  await browserIdle();
  const took = await page.evaluate(
    async ({ n }) => {
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Generate sample books');
      if (!button) throw new Error('no button "Generate sample books"');
      const start = performance.now();
      button.click();
      return window.benchWaitForRows({ start, want: `^(${n}) books$`, deadlineMs: 3_600_000 });
    },
    { n },
  );
  await page.close();
  return took.shown;
}

/** Long tasks from the page's start on, kept in `window.benchLongTasks` (an init script). */
function watchLongTasks() {
  window.benchLongTasks = [];
  new PerformanceObserver((list) => window.benchLongTasks.push(...list.getEntries().map((e) => ({ start: e.startTime, duration: e.duration }))))
    .observe({ type: 'longtask', buffered: true });
}

/**
 * Opens the Statistics page (`#/stats`) in a fresh tab and times its count from the app's marks
 * `bookshelf:stats-start` to `bookshelf:stats-done` (every book counted), and the long tasks that
 * started from the first mark until half a second after the second (the charts drawn).
 */
async function timeStatsPage(context, url, n) {
  const page = await appPage(context);
  await page.addInitScript(watchLongTasks);
  await page.goto(`${url}#/stats`);
  await page.waitForFunction(() => performance.getEntriesByName('bookshelf:stats-done').length > 0, null, { timeout: 3_600_000, polling: 100 });
  // The charts are drawn after the count, a few at a time: their tasks count too.
  await page.waitForTimeout(500);
  const result = await page.evaluate(() => {
    const start = performance.getEntriesByName('bookshelf:stats-start').at(-1).startTime;
    const done = performance.getEntriesByName('bookshelf:stats-done').at(-1).startTime;
    const tasks = window.benchLongTasks.filter((t) => t.start >= start).map((t) => t.duration);
    return {
      ms: done - start,
      longest: tasks.length ? Math.max(...tasks) : 0,
      over50: tasks.filter((d) => d > 50).length,
      text: document.getElementById('stats-progress')?.textContent.trim(),
    };
  });
  if (result.text !== `Counted ${n} books.`) disagreements.push(`app, ${int(n)} books: the Statistics page said "${result.text}"`);
  await page.close();
  log(`  statistics page: ${int(n)} books counted in ${(result.ms / 1000).toFixed(1)} s, longest task ${ms(result.longest)} ms`);
  return result;
}

async function measureApp(context, filler, url, n) {
  const generated = [];
  for (let i = 0; i < APP_GENERATIONS; i += 1) {
    const ms = await generateInApp(context, filler, url, n);
    log(`  generated ${int(n)} books in the app in ${(ms / 1000).toFixed(1)} s`);
    generated.push(ms);
    await browserIdle();
  }
  // The table shows the Rating column (the choice is remembered by the origin, as a person's is).
  const chooser = await appPage(context);
  await chooser.goto(url);
  await chooser.evaluate(() => localStorage.setItem('bookshelf-columns', 'id,title,author,genre,rating'));
  await chooser.close();
  const loads = [];
  const reader = { sort: [], loan: [] };
  const checks = { cold: [], warm: [], isbn: [], query: null };
  const searches = { cold: [], warm: [] };
  const answers = new Set();
  let scroll = null;
  for (let i = 0; i < APP_LOADS; i += 1) {
    const { page, times } = await loadApp(context, url, n);
    loads.push(times);
    // The first search after the load (the app loads its search index then), then the same
    // search again once the box has been cleared (the index is in memory).
    const want = `^(\\d+) of ${n} books$`;
    const cold = await typeSearch(page, SEARCH, want);
    await typeSearch(page, '', `^(${n}) books$`);
    const warm = await typeSearch(page, SEARCH, want);
    await typeSearch(page, '', `^(${n}) books$`);
    searches.cold.push(cold);
    searches.warm.push(warm);
    // "Do I own this?": words with a typo, first after the reload (the search index is in memory,
    // the word index is made), again, and an ISBN (one index lookup).
    checks.query ??= await typoQuery(page, n);
    checks.cold.push(await timeCheck(page, checks.query, '^Yes'));
    await timeCheck(page, '', '^$');
    checks.warm.push(await timeCheck(page, checks.query, '^Yes'));
    checks.isbn.push(await timeCheck(page, '978-0-261-10334-4', '^Not in your catalogue'));
    reader.sort.push(await timeSort(page, 'Rating', 'by_rating'));
    reader.loan.push(await timeOnLoan(page, n));
    answers.add(JSON.stringify([cold.text, cold.ids]));
    answers.add(JSON.stringify([warm.text, warm.ids]));
    if (i === APP_LOADS - 1 && n >= 100_000) scroll = await scrollWatchingLongTasks(page);
    await page.close();
    await browserIdle();
  }
  const stats = [];
  for (let i = 0; i < STATS_LOADS; i += 1) {
    stats.push(await timeStatsPage(context, url, n));
    await browserIdle();
  }
  if (answers.size !== 1) disagreements.push(`app, ${int(n)} books: the search "${SEARCH}" showed different results: ${[...answers].join(' vs ')}`);
  // One more load, not timed (its wrappers cost a little): which requests come before the rows.
  let requests = null;
  if (n >= 100_000) {
    const { page, times } = await loadApp(context, url, n, { logRequests: true });
    requests = times.requests.filter((r) => r.start < times.rows).map((r) => ({ ...r, rows: times.rows }));
    await page.close();
  }
  return { n, generated, loads, searches, reader, checks, scroll, requests, stats };
}

function appTable(apps) {
  const rows = [];
  const each = (f) => apps.map((app) => f(app));
  rows.push([
    'generate N books in the app (ms; click to "N books")',
    ...each(({ generated }) => spread(generated)),
  ]);
  rows.push(['  books a second', ...each(({ n, generated }) => int(n / (median(generated) / 1000)))]);
  const load = (key) => each(({ loads }) => spread(loads.map((l) => l[key])));
  rows.push(['reload: wasm running (TrunkApplicationStarted)', ...load('wasm')]);
  rows.push(['reload: bookshelf:first-rows mark', ...load('rows')]);
  rows.push(['reload: first rows painted (next frame)', ...load('painted')]);
  rows.push(['reload: count shown ("N books")', ...load('counted')]);
  rows.push(['  first-rows mark after wasm running', ...each(({ loads }) => spread(loads.map((l) => l.rows - l.wasm)))]);
  for (const kind of ['cold', 'warm']) {
    const what = kind === 'cold' ? 'first after reload' : 'again';
    rows.push([`search "${SEARCH}" ${what}: to the count`, ...each(({ searches }) => spread(searches[kind].map((s) => s.shown)))]);
    rows.push([`search "${SEARCH}" ${what}: rows painted`, ...each(({ searches }) => spread(searches[kind].map((s) => s.painted)))]);
  }
  rows.push(['  the count then reads', ...each(({ searches }) => `"${searches.cold[0].text}"`)]);
  rows.push([`"Do I own this?" words with a typo, first after reload: answer painted`, ...each(({ checks }) => spread(checks.cold.map((s) => s.painted)))]);
  rows.push(['  again', ...each(({ checks }) => spread(checks.warm.map((s) => s.painted)))]);
  rows.push(['  the words, and the answer', ...each(({ checks }) => `"${checks.query}": "${checks.warm[0].text}"`)]);
  rows.push(['"Do I own this?" an ISBN (not owned): answer painted', ...each(({ checks }) => spread(checks.isbn.map((s) => s.painted)))]);
  rows.push(['sort by Rating (a new column): rows painted', ...each(({ reader }) => spread(reader.sort.map((s) => s.painted)))]);
  rows.push(['filter "On loan": rows painted', ...each(({ reader }) => spread(reader.loan.map((s) => s.painted)))]);
  rows.push(['  the count then reads', ...each(({ reader }) => `"${reader.loan[0].text}"`)]);
  rows.push([`Statistics page (#/stats, ${STATS_LOADS} fresh tabs): every book counted`, ...each(({ stats }) => spread(stats.map((s) => s.ms)))]);
  rows.push(['  longest task while counting', ...each(({ stats }) => spread(stats.map((s) => s.longest)))]);
  rows.push(['  long tasks > 50 ms while counting', ...each(({ stats }) => String(Math.max(...stats.map((s) => s.over50))))]);
  const headers = [
    `ms, median (min-max): ${APP_GENERATIONS} generations, ${APP_LOADS} reloads`,
    ...apps.map(({ n }) => `${int(n)} books`),
  ];
  const lines = [
    'App (dist/; books generated in the app; reloads from navigation start, each in a fresh tab, through the service worker;',
    'a search from its input event, 150 ms of which is the typing debounce)',
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
      `Scrolling the app with ${int(n)} books: 60 frames of one screen each, then a jump to the end (one run)`,
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
  // The copy that was measured (its top level is the app's dist/), not the service worker (which
  // caches every file in the background for offline use). The app's wasm is split
  // (scripts/split-wasm.mjs): the first page needs the page, the app module, its JS glue, the
  // parts' small loader and the stylesheet; the catalogue page fetches the rest of itself (its
  // Import and export and sample-books sections, the code of one book's writes) once its rows are
  // shown; the other pages' parts, and the barcode worker, come on first use.
  const files = readdirSync(SITE)
    .filter((f) => /\.(wasm|css)$/.test(f) || (f.endsWith('.js') && f !== 'sw.js') || f === 'index.html');
  // The loader names, above each piece the parts share, the parts that need it (its minifying
  // keeps those comments: scripts/split-wasm.mjs).
  const loader = files.find((f) => /^__wasm_split-[0-9a-f]+\.js$/.test(f));
  const sharedBy = new Map();
  if (loader) {
    const text = readFileSync(path.join(SITE, loader), 'utf8');
    for (const [, users, file] of text.matchAll(/\/\* ([a-z_, ]+) \*\/[^"]*?new URL\("\.\/([^"]+)"/g)) {
      sharedBy.set(file, users.split(', '));
    }
  }
  const catalogueParts = ['catalogue'];
  const group = (file) => {
    if (/^split_catalogue-/.test(file)) return 1;
    if (file.startsWith('chunk_') && (sharedBy.get(file) ?? []).some((user) => catalogueParts.includes(user))) return 1;
    if (/^(split_|chunk_|barcode-worker)/.test(file)) return 2;
    return 0;
  };
  const labels = ['first page', 'catalogue\'s parts, after its rows', 'on first use'];
  const rows = [];
  for (const g of [0, 1, 2]) {
    const total = [0, 0, 0];
    const mine = files.filter((f) => group(f) === g).sort();
    for (const file of mine) {
      const bytes = readFileSync(path.join(SITE, file));
      const sizes = [
        bytes.length,
        gzipSync(bytes, { level: 9 }).length,
        brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length,
      ];
      sizes.forEach((size, i) => (total[i] += size));
      // The many small shared pieces of the parts are one line.
      if (!file.startsWith('chunk_')) rows.push([file, ...sizes.map(int)]);
    }
    const chunks = mine.filter((f) => f.startsWith('chunk_'));
    if (chunks.length) {
      const sizes = [0, 0, 0];
      for (const file of chunks) {
        const bytes = readFileSync(path.join(SITE, file));
        sizes[0] += bytes.length;
        sizes[1] += gzipSync(bytes, { level: 9 }).length;
        sizes[2] += brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
      }
      rows.push([`${chunks.length} pieces the parts share`, ...sizes.map(int)]);
    }
    rows.push([`total: ${labels[g]}`, ...total.map(int)]);
  }
  return [
    'Bundle (dist/, bytes)',
    table(['file', 'raw', 'gzip -9', 'brotli 11'], rows, ['l', 'r', 'r', 'r']),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Sync: the release app and a pouchdb-server (a CouchDB-protocol server) on 127.0.0.1.

/**
 * In the page (the Sync page showing): clicks the button `button` ("Sync now") and times it until
 * the sync has run and ended: milliseconds from the click to the status no longer saying
 * "Syncing…", and when its progress first said "Sending changes" and "Receiving changes". The
 * status and the alert are returned as they then read.
 */
function timeSyncInPage({ button, deadlineMs }) {
  const status = document.getElementById('sync-status');
  if (!status) throw new Error('no #sync-status (is the Sync page showing?)');
  const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const target = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === button);
  if (!target) throw new Error(`no button "${button}"`);
  return new Promise((resolve, reject) => {
    const marks = {};
    let seen = false;
    let start;
    const finish = () => {
      observer.disconnect();
      clearTimeout(timer);
      resolve({ ms: performance.now() - start, marks, status: text(status), error: text(document.getElementById('sync-error')) });
    };
    const observer = new MutationObserver(() => {
      const now = performance.now() - start;
      const said = text(status);
      if (/Sending changes/.test(said)) marks.sending ??= now;
      if (/Receiving changes/.test(said)) marks.receiving ??= now;
      if (/Syncing…/.test(said)) seen = true;
      else if (seen) finish();
    });
    observer.observe(status, { subtree: true, childList: true, characterData: true });
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`"${button}" did not end within ${deadlineMs} ms (status: ${text(status)}; alert: ${text(document.getElementById('sync-error'))})`));
    }, deadlineMs);
    start = performance.now();
    target.click();
  });
}

/**
 * CPU seconds used so far by this script's descendants: pouchdb-server's, and the others' (the
 * browser's), so that a sync's time can be told apart: the app's or the server's.
 */
function cpuBySide() {
  const parents = new Map();
  const ticks = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // gone meanwhile
    }
  }
  const used = { browser: 0, server: 0 };
  for (const [pid, t] of ticks) {
    for (let at = parents.get(pid), hops = 0; at !== undefined && hops < 10; at = parents.get(at), hops += 1) {
      if (at !== process.pid) continue;
      let command = '';
      try {
        command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        // gone meanwhile
      }
      used[command.includes('pouchdb-server') ? 'server' : 'browser'] += t / 100; // USER_HZ
      break;
    }
  }
  return used;
}

/** In the page: the first book stored (by id), from IndexedDB; or the book of `uid`. */
function storedBook(uid) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('bookshelf');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const books = db.transaction('books').objectStore('books');
      const request = uid ? books.index('by_uid').get(uid) : books.openCursor();
      request.onsuccess = () => {
        db.close();
        const book = uid ? request.result : request.result?.value;
        resolve(book && { id: book.id, uid: book.uid, title: book.title });
      };
      request.onerror = () => reject(request.error);
    };
  });
}

/** A fresh app tab at `url`, its catalogue empty, showing the Sync page filled for `server`/`db`. */
async function syncDevice(context, url, n, server, db) {
  const page = await appPage(context);
  page.on('console', (message) => {
    // The replicator's first questions are answered 404 (no checkpoint yet): the protocol at work.
    if (message.type() === 'error' && !(message.location()?.url ?? '').startsWith(server)) log(`app console error: ${message.text()}`);
  });
  await page.goto(url);
  await page.locator('#book-count', { hasText: /^0 books$/ }).waitFor({ timeout: 60_000 });
  if (n) {
    // The books, made as a person makes sample books (Developer tools), into the empty catalogue.
    await page.getByText('Developer tools').click();
    await page.getByLabel('Number of sample books').fill(String(n));
    const made = await page.evaluate(({ n }) => {
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Generate sample books');
      const start = performance.now();
      button.click();
      return window.benchWaitForRows({ start, want: `^(${n}) books$`, deadlineMs: 3_600_000 });
    }, { n });
    log(`  device A: ${int(n)} sample books generated in ${(made.shown / 1000).toFixed(1)} s`);
  }
  await page.evaluate(() => { location.hash = '#/sync'; });
  await page.getByLabel('Server').fill(server);
  await page.getByLabel('Database').fill(db);
  return page;
}

/** Times "Sync now" on `page` (a bound: a minute and 20 ms a book); checks that it ended well. */
async function timeSyncNow(page, n, what) {
  const before = cpuBySide();
  const result = await page.evaluate(timeSyncInPage, { button: 'Sync now', deadlineMs: 60_000 + 20 * n });
  const after = cpuBySide();
  result.cpu = { browser: after.browser - before.browser, server: after.server - before.server };
  if (result.error || !/Last synced at/.test(result.status)) {
    disagreements.push(`sync, ${int(n)} books, ${what}: it ended with "${result.status}" ${result.error ? `and the alert "${result.error}"` : ''}`);
  }
  log(`  ${what}: ${(result.ms / 1000).toFixed(1)} s (${result.status})`);
  return result;
}

/** Clicks "Keep in sync" and waits (bounded) until it has caught up: keeping, synced, nothing moving. */
async function keepInSync(page, n) {
  await page.evaluate(() => { location.hash = '#/sync'; });
  await page.getByRole('button', { name: 'Keep in sync', exact: true }).click();
  await page.waitForFunction(() => {
    const said = (document.getElementById('sync-status')?.textContent ?? '').replace(/\s+/g, ' ');
    return /Keeping in sync\./.test(said) && /Last synced at/.test(said) && !/(Sending|Receiving) changes/.test(said);
  }, null, { timeout: 60_000 + 20 * n, polling: 50 });
}

/**
 * One edit's round trip, "Keep in sync" on in both tabs: A's book page Save (a new title) until
 * B's page of the same book shows it as its heading. Epoch milliseconds in both tabs
 * (`performance.timeOrigin + performance.now()`), so the two clocks are one.
 */
async function roundTrip(a, b, title) {
  const shown = b.evaluate(({ title }) => new Promise((resolve, reject) => {
    const heading = () => document.querySelector('article.book-page h2')?.textContent.trim();
    const done = () => {
      observer.disconnect();
      clearTimeout(timer);
      resolve(performance.timeOrigin + performance.now());
    };
    const observer = new MutationObserver(() => { if (heading() === title) done(); });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`device B never showed "${title}" (it shows "${heading()}")`));
    }, 60_000);
  }), { title });
  const saved = await a.evaluate(({ title }) => {
    const form = document.querySelector('form[aria-label="The book\'s fields"]');
    const label = [...form.querySelectorAll('label')].find((l) => l.textContent.trim() === 'Title');
    const input = document.getElementById(label.htmlFor);
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, title);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const save = [...form.querySelectorAll('button')].find((x) => x.textContent.trim() === 'Save');
    const at = performance.timeOrigin + performance.now();
    save.click();
    return at;
  }, { title });
  return (await shown) - saved;
}

/** One size: first sync up from A, first sync down into an empty B, round trips with Keep in sync. */
async function measureSync(context, origin, couch, n) {
  const db = `bench-${n}`;
  const [originA, originB] = [await origin(), await origin()];
  const a = await syncDevice(context, originA.url, n, couch.url, db);
  await browserIdle();
  log(`  sync up: ${int(n)} books from device A`);
  const up = await timeSyncNow(a, n, 'first sync up from A');
  const info = await dbInfo(couch.url, db);
  if (info.doc_count !== n) disagreements.push(`sync, ${int(n)} books: the server holds ${info.doc_count} documents after the first sync up`);
  await browserIdle();
  const b = await syncDevice(context, originB.url, 0, couch.url, db);
  await browserIdle();
  log(`  sync down: ${int(n)} books into the empty device B`);
  const down = await timeSyncNow(b, n, 'first sync down into B');
  await b.evaluate(() => { location.hash = '#/'; });
  const counted = await b.evaluate(({ n }) => window.benchWaitForRows({ start: performance.now(), want: `^(\\d+) books$`, deadlineMs: 600_000 }), { n })
    .catch((error) => ({ text: error.message }));
  if (counted.text !== `${n} books`) disagreements.push(`sync, ${int(n)} books: device B's count reads "${counted.text}" after the first sync down`);
  await browserIdle();

  // The round trips: the first book of A, its page open in both tabs.
  log(`  round trips: "Keep in sync" on both devices`);
  await keepInSync(a, n);
  await keepInSync(b, n);
  const bookA = await a.evaluate(storedBook, null);
  const bookB = await b.evaluate(storedBook, bookA.uid);
  if (!bookB) throw new Error(`device B lacks book ${bookA.uid} after the sync down`);
  await a.evaluate((id) => { location.hash = `#/books/${id}`; }, bookA.id);
  await b.evaluate((id) => { location.hash = `#/books/${id}`; }, bookB.id);
  await a.getByRole('heading', { level: 2, name: bookA.title, exact: true }).waitFor({ timeout: 60_000 });
  await b.getByRole('heading', { level: 2, name: bookB.title, exact: true }).waitFor({ timeout: 60_000 });
  const visibility = await Promise.all([a, b].map((p) => p.evaluate(() => document.visibilityState)));
  if (visibility.some((v) => v !== 'visible')) log(`  note: tabs are ${visibility.join(' and ')} (timers of hidden tabs may be throttled)`);
  await browserIdle(10_000);
  const trips = [];
  for (let i = 0; i < SYNC_ROUND_TRIPS; i += 1) {
    const title = `${bookA.title} (round trip ${i + 1})`;
    trips.push(await roundTrip(a, b, title));
    log(`  round trip ${i + 1}: ${ms(trips.at(-1))} ms`);
    // Both quiet again (A's own change comes back to it through its long poll, and is known).
    await a.getByRole('heading', { level: 2, name: title, exact: true }).waitFor({ timeout: 60_000 });
    await browserIdle(10_000);
  }
  for (const page of [a, b]) {
    await page.evaluate(() => { location.hash = '#/sync'; });
    await page.getByRole('button', { name: 'Stop syncing', exact: true }).click();
    await page.close();
  }
  await couchRequest(couch.url, 'DELETE', `/${db}`);
  await browserIdle();
  return { n, up, down, trips };
}

/** The sync part: a pouchdb-server started for it (and stopped), each size in turn. */
async function syncTable(context, origin) {
  const version = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/pouchdb-server/package.json'), 'utf8')).version;
  log(`sync: starting pouchdb-server ${version} on 127.0.0.1`);
  const couch = await startCouch();
  const results = [];
  try {
    for (const n of SYNC_SIZES) {
      log(`sync with ${int(n)} books`);
      results.push(await measureSync(context, origin, couch, n));
    }
  } finally {
    await couch.stop();
  }
  const each = (f) => results.map((r) => f(r));
  const perSecond = (n, msValue) => int(n / (msValue / 1000));
  const rows = [
    ['first sync up: device A\'s "Sync now" to "Last synced at"', ...each(({ up }) => ms(up.ms))],
    ['  books a second', ...each(({ n, up }) => perSecond(n, up.ms))],
    ['  click to "Sending changes" (revisions given to the books)', ...each(({ up }) => ms(up.marks.sending))],
    ['  "Sending changes" to "Receiving changes" (the books sent)', ...each(({ up }) => ms(up.marks.receiving - up.marks.sending))],
    ['  "Receiving changes" to the end (the server\'s changes read back)', ...each(({ up }) => ms(up.ms - up.marks.receiving))],
    ['  CPU seconds meanwhile: browser, pouchdb-server', ...each(({ up }) => `${up.cpu.browser.toFixed(1)}, ${up.cpu.server.toFixed(1)}`)],
    ['first sync down: an empty device B\'s "Sync now" to "Last synced at"', ...each(({ down }) => ms(down.ms))],
    ['  books a second', ...each(({ n, down }) => perSecond(n, down.ms))],
    ['  click to "Receiving changes"', ...each(({ down }) => ms(down.marks.receiving))],
    ['  "Receiving changes" to the end (the books received and stored)', ...each(({ down }) => ms(down.ms - down.marks.receiving))],
    ['  CPU seconds meanwhile: browser, pouchdb-server', ...each(({ down }) => `${down.cpu.browser.toFixed(1)}, ${down.cpu.server.toFixed(1)}`)],
    [`edit round trip, "Keep in sync" on both: A's Save to B's page showing it, median (min-max) of ${SYNC_ROUND_TRIPS}`, ...each(({ trips }) => spread(trips))],
    ['  each round trip', ...each(({ trips }) => trips.map(ms).join(', '))],
  ];
  return [
    `Sync (the app, dist/, with pouchdb-server ${version} on 127.0.0.1, LevelDB; one run per size; the books generated in device A,`,
    'then synced up to an empty database; device B an empty catalogue at another origin; ms)',
    table(['ms', ...results.map(({ n }) => `${int(n)} books`)], rows, ['l', ...results.map(() => 'r')]),
    '',
    `raw: ${JSON.stringify(results.map(({ n, up, down, trips }) => ({
      n,
      up_ms: Math.round(up.ms),
      up_marks: up.marks,
      up_cpu_s: up.cpu,
      down_ms: Math.round(down.ms),
      down_marks: down.marks,
      down_cpu_s: down.cpu,
      round_trips_ms: trips.map(Math.round),
    })))}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

/**
 * The catalogue at scale, as issue 18 measures it: SCALE_N books (one titled "Zymurgy") and
 * 1,000 books, each at an origin of its own, generated in the app; then bench/scale.mjs's rows.
 */
async function scaleTable(context, origin) {
  const large = await origin();
  const small = await origin();
  log(`scale: ${int(SCALE_N)} books`);
  await fillScale(context, large.url, SCALE_N, log);
  await fillScale(context, small.url, 999, log);
  await browserIdle();
  const { result, disagreements: wrong } = await measureScale({ context, url: large.url, smallUrl: small.url, n: SCALE_N + 1, log });
  disagreements.push(...wrong);
  return [
    `The catalogue at scale: ${int(SCALE_N + 1)} books against 1,000, generated in the app (3 reloads each; drags in every sort order, each way)`,
    table(['measure', 'value', 'goal'], scaleRows(result), ['l', 'r', 'r']),
  ].join('\n');
}

/** Import and export of a 100,000-row CSV (BENCH_TRANSFER_BOOKS) through our code (no peer has an importer). */
async function transferTable(page) {
  const n = Number(process.env.BENCH_TRANSFER_BOOKS) || 100_000;
  const runs = [];
  for (let i = 0; i < TRANSFER_RUNS; i += 1) {
    log(`import and export of ${int(n)} books (run ${i + 1})`);
    runs.push(await page.evaluate(([count, name]) => window.wasmBindings.ours_transfer(name, count, 7), [n, `bench-transfer-${i}`]));
    if (runs.at(-1).books !== n) disagreements.push(`import and export: ${runs.at(-1).books} books came back of ${int(n)}`);
    await browserIdle();
  }
  const row = (label, key) => {
    const times = runs.map((t) => t[key]);
    return [label, spread(times), int(Math.round(n / (median(times) / 1000)))];
  };
  return [
    `Import and export, ${int(n)} books as CSV (${int(runs[0].bytes)} bytes; ours only; ms, median (min-max) of ${TRANSFER_RUNS} runs)`,
    table(['step', 'ms', 'books/s'], [
      row('export: walk the store, write CSV', 'export_ms'),
      row('import: read and check the file', 'read_ms'),
      row('import: write, one transaction', 'write_ms'),
    ], ['l', 'r', 'r']),
  ].join('\n');
}

/** Serves the site on a port of its own: each port is an origin, with storage of its own. */
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
  const version = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  console.log(`Bookshelf benchmark, ${new Date().toISOString().slice(0, 16)} UTC: ${version}, headless, ${os.cpus().length} CPUs, on-disk profile\n`);
  // Each table is printed as soon as it is measured (a long run shows what it has).
  const section = (text) => console.log(`${text}\n`);
  try {
    const pages = {};
    if (!DIST_ONLY) for (const [system] of SYSTEMS) pages[system] = await openBenchPage(context, await origin());
    for (const blank of context.pages().filter((p) => !Object.values(pages).includes(p))) await blank.close();

    // A warm-up round, not reported: the first system measured would otherwise pay for
    // compiling the page's code paths and the browser's IndexedDB machinery.
    if (!APP_ONLY && !DIST_ONLY) {
      log('warm-up round (not reported)');
      for (const [system] of SYSTEMS) await measureSystem(pages[system], system, 2_000, 'warm-up', 20);
    }

    for (const n of APP_ONLY || DIST_ONLY ? [] : SIZES) {
      const results = Object.fromEntries(SYSTEMS.map(([system]) => [system, []]));
      for (let run = 0; run < runsFor(n); run += 1) {
        for (const [system, label] of rotated(run)) {
          log(`N=${int(n)}, run ${run + 1}/${runsFor(n)}: ${label}`);
          const r = await measureSystem(pages[system], system, n, run);
          results[system].push(r);
          const mid = (key) => ms(median((r[key] ?? []).map((x) => x.ms)));
          log(`  insert ${ms(r.insert[0].ms)} ms, read all ${mid('readAll')} ms, search ${mid(system === 'ours' ? 'searchWarm' : 'searchScan')} ms`);
          await browserIdle();
        }
      }
      const before = disagreements.length;
      checkAgreement(n, results);
      section(libraryTable(n, results, disagreements.length === before));
      section(statsTable(n, results.ours));
    }

    const apps = [];
    if (APP_SIZES.length && !DIST_ONLY) {
      const filler = await openBenchPage(context, appServer);
      for (const n of APP_SIZES) {
        log(`app with ${int(n)} books`);
        apps.push(await measureApp(context, filler, appServer.url, n));
      }
    }
    if (apps.length) section(appTable(apps));
    if (SCALE && !DIST_ONLY) section(await scaleTable(context, origin));
    if (!DIST_ONLY) section(bundleTable());
    if (SYNC && !IMPORT_ONLY) section(await syncTable(context, origin));
    if (!APP_ONLY && !DIST_ONLY) section(await transferTable(pages.ours));
    if (IMPORT && !SYNC_ONLY && !APP_ONLY) {
      const env = { newOrigin: origin, log, browserIdle, disagreements, table, spread, ms, int, median };
      section(await importTable(context, env, IMPORT_SIZES, IMPORT_RUNS));
    }
  } finally {
    await context.close();
    for (const server of servers) await server.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(SITE, { recursive: true, force: true });
  }

  const elapsed = ((Date.now() - started) / 1000).toFixed(0);
  if (DIST_ONLY) {
    console.log(`Ran ${elapsed} s.`);
  } else {
    console.log(
      [
        `Ran ${elapsed} s.`,
        'Notes: "ours" is BookRepository end to end (validation, folding, serde to JS, and the search',
        'index chunks written in the same transaction); the peers get records already built (keys',
        'folded) and store only the books. Pages: a jump walks a cursor from the nearer end (all three);',
        'by key reads the page after the row before it. Search (all count every match and read the',
        'first 50 books): ours = matching() over its in-memory index + get_many; "peers scan the store" =',
        'raw getAll in batches of 10,000 filtered in JS, Dexie toArray() + Array.filter; "all with an',
        'in-memory index" = the peers given an index like ours (folded title, author and genre a string',
        'a book), scanned, then the first 50 read by id; "cold" = the index loaded first (ours reads its',
        'chunks from IndexedDB; the peers build theirs from getAll / toArray). Single ops: one call each,',
        'awaited one after another (update = read-modify-write; ours also rewrites a search chunk on',
        'create/update/delete, and reads the book before deleting it).',
      ].join('\n'),
    );
  }
  if (disagreements.length) {
    console.error(['', 'FAILED: the systems disagree:', ...disagreements.map((d) => `  - ${d}`)].join('\n'));
    process.exit(1);
  }
}

main().catch((error) => {
  rmSync(SITE, { recursive: true, force: true });
  console.error(error);
  process.exit(1);
});
