// The catalogue at scale, as a person meets it: N books in the app (a million with
// BENCH_MILLION=1), against the same app with 1,000 books in the same browser run.
//
//   node bench/scale.mjs                 # standalone: dist/ (BOOKSHELF_DIST), SCALE_N (100000)
//   SCALE_FILL=import node bench/scale.mjs   # the books imported from a CSV (faster to fill)
//
// `bench/run.mjs` calls `scaleTable` for the Performance table of issue 18's rows:
// - reload -> first rows painted, and the same with 1,000 books (ratio);
// - reload -> the count "N books" shown, after the first rows;
// - the scrollbar dragged to 25% / 50% / 75% -> real rows (not "Loading…"), in every sort order
//   (each sortable column, ascending and descending); each landing is checked against the
//   store's own index walked to that rank (outside the timing);
// - the first search after a reload ("Zymurgy", one book) typed -> its row, and later searches
//   typed -> rows (one input event each, as a paste or the last key), and a burst of keystrokes
//   that must end showing the last text's rows;
// - the page's memory with N books open, searched and scrolled: the JS heap (CDP
//   Runtime.getHeapUsage) and the wasm linear memory (every WebAssembly.Memory, via
//   Runtime.queryObjects).
// Every wait is bounded; an answer that disagrees is returned in `disagreements`.

import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The sortable columns: header label, the store's index (null: the store itself, by id). */
export const SORTS = [
  ['ID', null],
  ['Title', 'by_title'],
  ['Author', 'by_author'],
  ['Genre', 'by_genre'],
  ['Status', 'by_status'],
  ['Rating', 'by_rating'],
  ['Date read', 'by_read'],
  ['Series', 'by_series'],
  ['Pages', 'by_pages'],
  ['Year', 'by_year'],
];

const COLUMNS = 'id,title,author,genre,status,rating,read,series,pages,year';
export const RARE_TITLE = 'Zymurgy';
const LATER_SEARCHES = ['kingdom', 'kingdom 9', 'the', 'zym', 'dragon 12'];
const BURST = ['d', 'dr', 'dra', 'drag', 'drago', 'dragon', 'dragon ', 'dragon 1'];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

/** In the page: resolves when the count matches `want` and the shown rows are all loaded. */
function waitRowsInPage({ start, want, rows, deadlineMs }) {
  const pattern = new RegExp(want);
  const count = () => document.getElementById('book-count')?.textContent.trim() ?? '';
  const ready = () => {
    const match = count().match(pattern);
    if (!match) return false;
    if (rows === 0 || match[1] === '0') return true;
    const shown = [...document.querySelectorAll('tr[data-id]')];
    return shown.length >= Math.min(rows, 1) && ![...document.querySelectorAll('tbody td')].some((td) => td.textContent === 'Loading…');
  };
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (ready()) {
        const shown = performance.now() - start;
        requestAnimationFrame(() => setTimeout(() => resolve({ shown, painted: performance.now() - start, text: count() })));
      } else if (performance.now() - start > deadlineMs) {
        reject(new Error(`the count did not read ${want} within ${deadlineMs} ms (it reads "${count()}")`));
      } else {
        requestAnimationFrame(poll);
      }
    };
    poll();
  });
}

/** Marks the first rows' paint and the count's first whole number, from navigation start. */
function instrument() {
  const mark = performance.mark.bind(performance);
  performance.mark = (name, options) => {
    const entry = mark(name, options);
    if (name === 'bookshelf:first-rows') requestAnimationFrame(() => setTimeout(() => mark('scale:painted'), 0));
    return entry;
  };
  const counted = new MutationObserver(() => {
    const text = document.getElementById('book-count')?.textContent.trim() ?? '';
    if (/^[\d,]+ books?$/.test(text)) {
      mark('scale:counted');
      window.scaleCountText = text;
      counted.disconnect();
    }
  });
  counted.observe(document, { subtree: true, childList: true, characterData: true });
  window.scaleWaitRows = waitRowsInPage;
}

async function openApp(context, url) {
  const page = await context.newPage();
  await page.addInitScript(`${waitRowsInPage.toString()}; (${instrument.toString()})();`);
  await page.goto(url);
  await page.waitForFunction(
    () => performance.getEntriesByName('scale:painted').length > 0 && performance.getEntriesByName('scale:counted').length > 0,
    null,
    { timeout: 600_000, polling: 20 },
  );
  const times = await page.evaluate(() => ({
    painted: performance.getEntriesByName('scale:painted')[0].startTime,
    counted: performance.getEntriesByName('scale:counted')[0].startTime,
    text: window.scaleCountText,
  }));
  return { page, times };
}

/** Waits until the page has had no long task for `quietMs` (at most `deadlineMs`). */
function quiet(page, quietMs = 500, deadlineMs = 60_000) {
  return page.evaluate(
    ({ quietMs, deadlineMs }) =>
      new Promise((resolve) => {
        const start = performance.now();
        let last = performance.now();
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) last = Math.max(last, entry.startTime + entry.duration);
        });
        observer.observe({ type: 'longtask' });
        const poll = () => {
          const now = performance.now();
          if (now - last >= quietMs || now - start > deadlineMs) {
            observer.disconnect();
            resolve(now - start);
          } else setTimeout(poll, 50);
        };
        setTimeout(poll, quietMs);
      }),
    { quietMs, deadlineMs },
  );
}

/** Types `text` in the search box as one input event and times it to the rows. */
function typeSearch(page, text, want, rows = 1, rowTitle = null) {
  return page.evaluate(
    async ({ text, want, rows, rowTitle }) => {
      const box = document.getElementById('search');
      if (!box) throw new Error('no search box');
      // With `rowTitle`: also when a row of that title is first painted (a search shows the
      // matches found so far while the index still arrives, before its whole answer).
      let rowPainted = null;
      const observer = rowTitle && new MutationObserver(() => {
        const found = [...document.querySelectorAll('tr[data-id] td.title')].some((td) => td.textContent.trim() === rowTitle);
        if (found && rowPainted === null) {
          rowPainted = -1;
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(() => { rowPainted = performance.now() - start; }));
        }
      });
      observer?.observe(document.body, { subtree: true, childList: true, characterData: true });
      const start = performance.now();
      box.value = text;
      box.dispatchEvent(new Event('input', { bubbles: true }));
      const whole = await window.scaleWaitRows({ start, want, rows, deadlineMs: 120_000 });
      observer?.disconnect();
      while (rowPainted === -1) await new Promise((resolve) => setTimeout(resolve, 5));
      return { ...whole, row: rowPainted ?? whole.painted };
    },
    { text, want, rows, rowTitle },
  );
}

/** A burst of keystrokes, one a frame; the page must end showing the last text's answer. */
function burst(page, texts) {
  return page.evaluate(async (texts) => {
    const box = document.getElementById('search');
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const seen = [];
    const observer = new MutationObserver(() => seen.push(document.getElementById('book-count')?.textContent.trim()));
    observer.observe(document.getElementById('book-count'), { subtree: true, childList: true, characterData: true });
    const start = performance.now();
    for (const text of texts) {
      box.value = text;
      box.dispatchEvent(new Event('input', { bubbles: true }));
      await frame();
    }
    // Settled: no change of the count for half a second.
    let last = seen.length;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (seen.length === last) break;
      last = seen.length;
    }
    observer.disconnect();
    return { ms: performance.now() - start, seen, last: document.getElementById('book-count')?.textContent.trim() };
  }, texts);
}

/** Clicks a sort header until `aria-sort` reads `direction`; waits for the first rows. */
async function sortBy(page, label, direction) {
  for (let i = 0; i < 3; i += 1) {
    const state = await page.evaluate((label) => {
      const th = [...document.querySelectorAll('th')].find((th) => th.querySelector('button.sort')?.textContent.trim() === label);
      return th?.getAttribute('aria-sort') ?? null;
    }, label);
    if (state === direction) break;
    await page.evaluate((label) => {
      [...document.querySelectorAll('th button.sort')].find((b) => b.textContent.trim() === label)?.click();
    }, label);
    await page.waitForTimeout(50);
  }
  await page.waitForFunction(() => document.querySelector('tr[data-id]') && ![...document.querySelectorAll('tbody td')].some((td) => td.textContent === 'Loading…'), null, { timeout: 120_000, polling: 20 });
}

/**
 * Drags the scrollbar of "Books, scrollable" to `fraction` and times it until every row on
 * screen is a real row. Returns the time and the first row on screen (its rank and id).
 */
function drag(page, fraction) {
  return page.evaluate((fraction) => {
    const region = document.querySelector('[role="region"][aria-label="Books, scrollable"]');
    if (!region) throw new Error('no region "Books, scrollable"');
    const start = performance.now();
    region.scrollTop = Math.round((region.scrollHeight - region.clientHeight) * fraction);
    return new Promise((resolve, reject) => {
      const poll = () => {
        const top = region.getBoundingClientRect().top;
        const rows = [...region.querySelectorAll('tbody tr')].filter((tr) => {
          const box = tr.getBoundingClientRect();
          return box.bottom > top + 1 && box.top < top + region.clientHeight;
        });
        const loaded = rows.length > 0 && rows.every((tr) => tr.dataset.id && !tr.textContent.includes('Loading…'));
        if (loaded) {
          const shown = performance.now() - start;
          const first = rows.find((tr) => tr.getBoundingClientRect().top >= top - 1) ?? rows[0];
          resolve({ shown, rank: Number(first.getAttribute('aria-rowindex')) - 2, id: Number(first.dataset.id) });
        } else if (performance.now() - start > 120_000) {
          reject(new Error(`dragging to ${fraction} showed no rows in 2 minutes`));
        } else {
          requestAnimationFrame(poll);
        }
      };
      requestAnimationFrame(poll);
    });
  }, fraction);
}

/** The id the store itself puts at `rank` of `index` (null: the store), walked by a cursor. */
function idAtRank(page, index, rank, descending) {
  return page.evaluate(
    ({ index, rank, descending }) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('bookshelf');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const store = db.transaction('books').objectStore('books');
          const source = index ? store.index(index) : store;
          const request = source.openKeyCursor(null, descending ? 'prev' : 'next');
          let advanced = rank === 0;
          request.onsuccess = () => {
            const cursor = request.result;
            if (!cursor) {
              db.close();
              resolve(null);
            } else if (!advanced) {
              advanced = true;
              cursor.advance(rank);
            } else {
              db.close();
              resolve(Number(cursor.primaryKey));
            }
          };
          request.onerror = () => reject(request.error);
        };
      }),
    { index, rank, descending },
  );
}

/**
 * The page's memory: JS heap used (after a collection), and the bytes of the app's wasm linear
 * memory (one for the app and its split-off parts; `wasmBindings` is the glue Trunk's loader
 * exposes, whose `initSync` hands back the running module's exports). Not `Runtime.queryObjects`:
 * it crashed the renderer holding a million books (Chromium, 2026-12-03).
 */
export async function pageMemory(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const wasm = await page.evaluate(() => window.wasmBindings.initSync().memory.buffer.byteLength);
    return { jsHeap: heap.usedSize, wasm, total: heap.usedSize + wasm };
  } finally {
    await cdp.detach();
  }
}

/**
 * Measures the app at `url` (an origin holding `n` books, one of them titled RARE_TITLE) against
 * `smallUrl` (an origin holding 1,000). `loads` reloads of each.
 */
export async function measureScale({ context, url, smallUrl, n, loads = 3, log = () => {} }) {
  const disagreements = [];
  const result = { n, small: [], large: [], firstSearch: [], later: [], bursts: [], drags: [], memory: null };
  // The columns of every sort shown, as a person chooses them with "Columns".
  for (const origin of [url, smallUrl]) {
    const page = await context.newPage();
    await page.goto(origin);
    await page.evaluate((columns) => localStorage.setItem('bookshelf-columns', columns), COLUMNS);
    await page.close();
  }
  for (let i = 0; i < loads; i += 1) {
    const small = await openApp(context, smallUrl);
    result.small.push(small.times);
    await small.page.close();
    const { page, times } = await openApp(context, url);
    result.large.push(times);
    if (times.text.replace(/,/g, '') !== `${n} books`) disagreements.push(`scale: after a reload the count read "${times.text}"`);
    log(`  reload ${i + 1}: rows painted ${times.painted.toFixed(0)} ms, count ${times.counted.toFixed(0)} ms (1,000 books: ${result.small.at(-1).painted.toFixed(0)} ms)`);
    // The first search after the reload: one book.
    const first = await typeSearch(page, RARE_TITLE, `^1 of ${n} books$`, 1, RARE_TITLE);
    result.firstSearch.push(first);
    log(`  first search "${RARE_TITLE}": its row painted ${first.row.toFixed(0)} ms, the whole answer ${first.painted.toFixed(0)} ms`);
    await typeSearch(page, '', `^${n} books$`);
    // Later searches after every reload (one sample each is too few: the background work after
    // a reload, the word and rank indexes, varies from one to the next).
    {
      const later = [];
      for (const text of LATER_SEARCHES) {
        const answer = await typeSearch(page, text, `^([\\d,]+) of ${n} books$`, 1);
        later.push({ ...answer, query: text });
        // The answer shown must be the answer: the same count a second later.
        await page.waitForTimeout(1_000);
        const settled = (await page.locator('#book-count').textContent()).trim();
        if (settled !== answer.text) disagreements.push(`scale: the search "${text}" showed "${answer.text}", then "${settled}"`);
        await typeSearch(page, '', `^${n} books$`);
      }
      result.later.push(...later);
      log(`  later searches: ${later.map((s) => `"${s.query}" ${s.painted.toFixed(0)} ms`).join(', ')}`);
    }
    if (i === 0) {
      const typed = await burst(page, BURST);
      const alone = await typeSearch(page, BURST.at(-1), `^([\\d,]+) of ${n} books$`);
      if (typed.last !== alone.text) disagreements.push(`scale: after typing "${BURST.join('", "')}" the count read "${typed.last}", not "${alone.text}"`);
      result.bursts.push(typed);
      await typeSearch(page, '', `^${n} books$`);
    }
    if (i === loads - 1) {
      for (const [label, index] of SORTS) {
        for (const direction of ['ascending', 'descending']) {
          await sortBy(page, label, direction);
          await quiet(page);
          for (const fraction of [0.25, 0.5, 0.75]) {
            const landed = await drag(page, fraction);
            result.drags.push({ label, direction, fraction, ...landed });
            if (fraction === 0.5) {
              const expected = await idAtRank(page, index, landed.rank, direction === 'descending');
              if (expected !== landed.id) disagreements.push(`scale: ${label} ${direction} at ${fraction}: row ${landed.rank} showed book ${landed.id}, the store has ${expected}`);
            }
          }
          log(`  drags by ${label} ${direction}: ${result.drags.slice(-3).map((d) => d.shown.toFixed(0)).join(' / ')} ms`);
        }
      }
      await sortBy(page, 'ID', 'ascending');
      await typeSearch(page, RARE_TITLE, `^1 of ${n} books$`);
      result.memory = await pageMemory(page);
      log(`  memory: JS heap ${(result.memory.jsHeap / 1e6).toFixed(1)} MB, wasm ${(result.memory.wasm / 1e6).toFixed(1)} MB`);
    }
    await page.close();
  }
  // Raw IndexedDB's own part of a reload: opening the database, and reading the first 50 books
  // and the kept count, in a page of the origin that runs no app (the icon), after 3 s with no
  // page of the origin open (Chromium then closes the database's files: this is what a reload
  // after a while, or the first visit after the browser starts, waits for).
  result.raw = [];
  for (let i = 0; i < loads; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const page = await context.newPage();
    await page.goto(new URL('icon.svg', url).href);
    result.raw.push(await page.evaluate(rawOpen));
    await page.close();
  }
  log(`  raw IndexedDB, the database opened: ${result.raw.map((r) => r.open.toFixed(0)).join(' / ')} ms`);
  return { result, disagreements };
}

/** In a page: opens the app's database and reads the first 50 books (raw IndexedDB). */
function rawOpen() {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const open = indexedDB.open('bookshelf');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const opened = performance.now() - start;
      const db = open.result;
      const request = db.transaction('books').objectStore('books').getAll(null, 50);
      request.onsuccess = () => {
        db.close();
        resolve({ open: opened, rows: performance.now() - start });
      };
      request.onerror = () => reject(request.error);
    };
  });
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const ms = (x) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const spread = (xs) => `${ms(median(xs))} (${ms(Math.min(...xs))}–${ms(Math.max(...xs))})`;

/** The rows of the table, as [measure, value, goal]. */
export function scaleRows({ n, small, large, firstSearch, later, bursts, drags, memory, raw = [] }) {
  const painted = large.map((t) => t.painted);
  const smallPainted = small.map((t) => t.painted);
  const rows = [
    [`reload -> first rows painted, ${n.toLocaleString('en')} books (ms)`, spread(painted), ''],
    ['reload -> first rows painted, 1,000 books (ms)', spread(smallPainted), ''],
    ['  ratio', (median(painted) / median(smallPainted)).toFixed(2), '<= 1.2'],
  ];
  if (raw.length) {
    rows.push([`  raw IndexedDB: open the ${n.toLocaleString('en')}-book database, closed 3 s before (ms)`, spread(raw.map((r) => r.open)), '']);
    rows.push(['  raw IndexedDB: … and read its first 50 books (ms)', spread(raw.map((r) => r.rows)), '']);
  }
  rows.push(
    ['reload -> count shown, after the first rows (ms)', spread(large.map((t) => t.counted - t.painted)), '< 100'],
  );
  for (const fraction of [0.25, 0.5, 0.75]) {
    const at = drags.filter((d) => d.fraction === fraction).map((d) => d.shown);
    if (at.length) rows.push([`drag to ${fraction * 100}% -> real rows, ${at.length} sort orders (ms): median (min-max)`, spread(at), '< 200']);
  }
  if (drags.length) {
    const worst = drags.reduce((a, b) => (b.shown > a.shown ? b : a));
    rows.push(['  slowest drag', `${ms(worst.shown)} (${worst.label} ${worst.direction}, ${worst.fraction * 100}%)`, '']);
  }
  rows.push([`first search after a reload ("${RARE_TITLE}") -> its row painted (ms)`, spread(firstSearch.map((s) => s.row)), '< 300']);
  rows.push([`  … -> the whole answer ("1 of ${n.toLocaleString('en')} books")`, spread(firstSearch.map((s) => s.painted)), '']);
  if (later.length) rows.push([`later searches typed -> rows painted (ms; ${later.map((s) => `"${s.query}"`).join(', ')})`, spread(later.map((s) => s.painted)), '< 80']);
  if (bursts.length) rows.push([`  ${BURST.length} keystrokes a frame apart -> the last one's answer`, `${bursts[0].last}`, '']);
  if (memory) {
    rows.push(['memory, open + searched + scrolled: JS heap', mb(memory.jsHeap), '']);
    rows.push(['  wasm linear memory', mb(memory.wasm), '']);
    rows.push(['  total', mb(memory.total), '< 200 MB']);
  }
  return rows;
}

/** Standalone: serves BOOKSHELF_DIST on two origins, fills them, measures, prints. */
async function standalone() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const { chromium } = await import('playwright-core');
  const { startServer } = await import('../scripts/serve.mjs');
  const { CHROMIUM_ARGS, CHROMIUM_PATH } = await import('../scripts/chromium.mjs');
  const dist = path.resolve(root, process.env.BOOKSHELF_DIST || 'dist');
  const n = Number(process.env.SCALE_N || 100_000);
  const serve = async (port = 0) => {
    const server = await startServer({ dir: dist, port });
    server.server.prependListener('request', (_request, response) => {
      response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    });
    return server;
  };
  // SCALE_PROFILE=dir and SCALE_PORT=p keep the filled origin between runs; SCALE_KEEP=1 then
  // skips filling it again.
  const large = await serve(Number(process.env.SCALE_PORT || 0));
  const small = await serve();
  const options = { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } };
  const context = process.env.SCALE_PROFILE
    ? await chromium.launchPersistentContext(process.env.SCALE_PROFILE, options)
    : await (await chromium.launch(options)).newContext({ viewport: options.viewport });
  const browser = { close: () => context.close().then(() => context.browser()?.close()) };
  const log = (line) => process.stderr.write(`${line}\n`);
  try {
    // SCALE_FILL=import imports a CSV of exactly N books (RARE_TITLE among them) in place of
    // generating N sample books and adding RARE_TITLE (N + 1).
    const byImport = process.env.SCALE_FILL === 'import';
    for (const [server, count] of [[large, n], [small, 1_000]]) {
      if (process.env.SCALE_KEEP && server === large) continue;
      log(`filling ${count} books…`);
      await (byImport ? fillByImport : fill)(context, server.url, count, log);
    }
    const total = byImport ? n : n + 1;
    const { result, disagreements } = await measureScale({ context, url: large.url, smallUrl: small.url, n: total, log });
    for (const row of scaleRows(result)) console.log(row.join(' | '));
    if (disagreements.length) {
      console.error(disagreements.join('\n'));
      process.exitCode = 1;
    }
  } finally {
    await browser.close();
    await large.close();
    await small.close();
  }
}

/**
 * Imports a CSV of `n` books (bench/million-csv.mjs: one of them titled RARE_TITLE) through the
 * Import control: minutes for a million, where generating them takes most of an hour. The books
 * carry a title, an author and a genre only (the other columns sort as ties).
 */
export async function fillByImport(context, url, n, log = () => {}) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const { writeBooksCsv } = await import('./million-csv.mjs');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scale-'));
  const file = path.join(dir, `books-${n}.csv`);
  try {
    await writeBooksCsv(file, n);
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('#book-count').filter({ hasText: /books?$/ }).waitFor({ timeout: 60_000 });
    const start = Date.now();
    await page.getByLabel('Import', { exact: true }).setInputFiles(file);
    const confirm = page.getByRole('button', { name: `Import ${n} books`, exact: true });
    await confirm.waitFor({ state: 'visible', timeout: 3_600_000 });
    await confirm.evaluate((button) => button.click());
    await page.locator('#book-count').filter({ hasText: new RegExp(`^${n.toLocaleString('en')} books$|^${n} books$`) }).waitFor({ timeout: 3_600_000 });
    log(`  ${n} books imported in ${((Date.now() - start) / 1000).toFixed(1)} s`);
    await page.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Generates `n` sample books (Developer tools) and adds one titled RARE_TITLE, in the app. */
export async function fill(context, url, n, log = () => {}) {
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('#book-count').filter({ hasText: /books?$/ }).waitFor({ timeout: 60_000 });
  await page.getByText('Developer tools').click();
  await page.getByLabel('Number of sample books').fill(String(n));
  const start = Date.now();
  await page.getByRole('button', { name: 'Generate sample books', exact: true }).click();
  await page.locator('#book-count').filter({ hasText: new RegExp(`^${n.toLocaleString('en')} books$|^${n} books$`) }).waitFor({ timeout: 3_600_000 });
  log(`  ${n} books generated in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  const form = page.getByRole('form', { name: 'Add a book' });
  await form.getByLabel('Title', { exact: true }).fill(RARE_TITLE);
  await form.getByLabel('Author', { exact: true }).fill('Ana Brewer');
  await form.getByLabel('Genre', { exact: true }).fill('Brewing');
  await form.getByRole('button', { name: 'Add book', exact: true }).click();
  await page.locator('#book-count').filter({ hasText: new RegExp(`^${(n + 1).toLocaleString('en')} books$|^${n + 1} books$`) }).waitFor({ timeout: 600_000 });
  await page.close();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  standalone().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
