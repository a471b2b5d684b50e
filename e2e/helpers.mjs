// Shared harness for the end-to-end tests (not a test file itself: the runner picks up *.test.mjs).
//
// Each test file calls `useApp()` once: it starts the static server on dist/ (random port) and one
// Chromium for the whole file. Each test then gets a fresh browser context (so a fresh, empty
// IndexedDB) through `appTest(name, async (app) => { ... })`, which opens the app, waits until it is
// ready, records every page error, console error and JS dialog, asserts at the end that there were
// none, and saves a screenshot to artifacts/ when the test fails.
//
// Environment overrides: BOOKSHELF_DIST (the directory to serve, default <repo>/dist),
// CHROMIUM_PATH (default /usr/bin/chromium), E2E_TIMEOUT_MS (default wait, 10000).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.resolve(REPO_ROOT, process.env.BOOKSHELF_DIST || 'dist');
export const ARTIFACTS = path.join(REPO_ROOT, 'artifacts');
export const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS) || 10_000;

mkdirSync(ARTIFACTS, { recursive: true });

/**
 * Launches Debian's Chromium, headless. `scrollbars: true` shows scrollbars as a person's browser
 * has them (Playwright hides them by default, and a hidden scrollbar takes no room).
 */
export function launchBrowser({ scrollbars = false } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    ...(scrollbars ? { ignoreDefaultArgs: ['--hide-scrollbars'] } : {}),
  });
}

/**
 * Polls `fn` until it returns without throwing (and does not return `false`), then returns its
 * value. Put `assert` calls inside: on timeout the last assertion error is thrown, so the failure
 * says what was expected and what was there.
 */
export async function waitFor(fn, { timeout = TIMEOUT, interval = 50, message } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const value = await fn();
      if (value !== false) return value;
      lastError = new Error(message || 'waitFor: condition still false');
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      if (message && lastError && lastError.message !== message) {
        lastError.message = `${message}: ${lastError.message}`;
      }
      throw lastError;
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Asserts that `condition` stays true for `duration` ms (for "nothing happens" checks). */
export async function staysTrue(fn, { duration = 500, interval = 50, message } = {}) {
  const deadline = Date.now() + duration;
  while (Date.now() < deadline) {
    assert.ok(await fn(), message || 'condition became false');
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

// ---------------------------------------------------------------------------------------------
// Page queries (by role and label, per the UI contract).

/** The "Add a book" form. */
export const addForm = (page) => page.getByRole('form', { name: 'Add a book' });

/** A labelled field, exactly ("Title", "Author", "Genre"), inside `scope` (form or dialog). */
export const field = (scope, label) => scope.getByLabel(label, { exact: true });

/** The catalogue table. */
export const table = (page) => page.getByRole('table');

/** The body rows of the table (rows holding cells, so not the header row). */
export const bookRows = (page) =>
  table(page).getByRole('row').filter({ has: page.getByRole('cell') });

/** The row whose Title cell is exactly `title`. */
export const rowFor = (page, title) =>
  bookRows(page).filter({ has: page.getByRole('cell', { name: title, exact: true }) });

/** The book count (role status, id book-count). */
export const bookCount = (page) => page.getByRole('status').and(page.locator('#book-count'));

/**
 * The link back to the list. Matched as a substring: the contract names it "All books", and a
 * decoration around it (an arrow) should not fail the test.
 */
export const allBooksLink = (page) => page.getByRole('link', { name: 'All books' });

/** The empty-state text. */
export const emptyState = (page) => page.getByText('No books yet');

/**
 * An element's text as assistive technology gets it, near enough: without aria-hidden parts (a
 * sort arrow, an icon), whitespace collapsed.
 */
const SPOKEN_TEXT = (el) => {
  const copy = el.cloneNode(true);
  for (const hidden of copy.querySelectorAll('[aria-hidden="true"]')) hidden.remove();
  return copy.textContent.replace(/\s+/g, ' ').trim();
};

/** The column headers' texts (aria-hidden decorations left out). */
export async function columnHeaders(page) {
  return table(page).getByRole('columnheader').evaluateAll((ths, fn) => {
    const spoken = new Function(`return (${fn})`)();
    return ths.map(spoken);
  }, SPOKEN_TEXT.toString());
}

/** The text of the cells of every body row, keyed by the column headers (ID, Title, ...). */
export async function readTable(page) {
  const headers = await columnHeaders(page);
  const rows = await bookRows(page).evaluateAll((trs, fn) => {
    const spoken = new Function(`return (${fn})`)();
    return trs.map((tr) => [...tr.children].map(spoken));
  }, SPOKEN_TEXT.toString());
  return rows.map((cells) => Object.fromEntries(headers.map((h, i) => [h, cells[i]])));
}

/** Waits until the book count reads exactly `text` (e.g. "3 books"). */
export async function expectCount(page, text) {
  await waitFor(async () => {
    assert.equal(((await bookCount(page).textContent({ timeout: 1000 })) || '').trim(), text);
  }, { message: `book count should read "${text}"` });
}

/** Waits until the table shows exactly `n` body rows. */
export async function expectRows(page, n) {
  await waitFor(async () => assert.equal(await bookRows(page).count(), n), {
    message: `table should have ${n} book rows`,
  });
}

/** The text of every element an input's aria-describedby points at, joined. */
export async function describedByText(input) {
  return input.evaluate((el) =>
    (el.getAttribute('aria-describedby') || '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
      .join(' '),
  );
}

/** Waits until `input` is marked invalid and its description matches `pattern`; returns the text. */
export async function expectFieldError(input, pattern) {
  return waitFor(async () => {
    assert.equal(await input.getAttribute('aria-invalid'), 'true', 'field should have aria-invalid="true"');
    const text = await describedByText(input);
    assert.match(text, pattern, 'aria-describedby should point at the error message');
    return text;
  }, { message: `field error ${pattern}` });
}

/** Is `locator` the focused element? */
export const isFocused = (locator) => locator.evaluate((el) => el === document.activeElement);

/**
 * Fills the add form and submits it, by clicking "Add book" or (how = 'enter') pressing Enter in
 * the last field. Does not wait for the result.
 */
export async function fillAndSubmit(page, { title = '', author = '', genre = '' }, how = 'click') {
  const form = addForm(page);
  await field(form, 'Title').fill(title);
  await field(form, 'Author').fill(author);
  await field(form, 'Genre').fill(genre);
  if (how === 'enter') await field(form, 'Genre').press('Enter');
  else await form.getByRole('button', { name: 'Add book', exact: true }).click();
}

/** Adds a book through the form and waits until its row is shown and the form is reset. */
export async function addBook(page, book, how = 'click') {
  await fillAndSubmit(page, book, how);
  await rowFor(page, book.title).waitFor({ state: 'visible' });
  const title = field(addForm(page), 'Title');
  await waitFor(async () => {
    assert.equal(await title.inputValue(), '', 'Title should be emptied after adding');
    assert.ok(await isFocused(title), 'Title should be focused after adding');
  }, { message: `after adding "${book.title}"` });
}

/** Waits for the heading and the list (the table or the empty state). */
export async function waitForList(page) {
  await page.getByRole('heading', { name: 'Bookshelf', level: 1, exact: true }).waitFor({ state: 'visible' });
  await table(page).or(emptyState(page)).first().waitFor({ state: 'visible' });
}

/** Reloads `page` and waits for the list again. */
export async function reloadList(page) {
  await page.reload();
  await waitForList(page);
}

/** Opens the edit dialog of the book titled `title`, waits until it shows, and returns it. */
export async function openEditDialog(page, title) {
  await page.getByRole('button', { name: `Edit ${title}`, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor({ state: 'visible' });
  return dialog;
}

/** A minimal RFC 4180 reader: rows of fields (quoted fields may hold commas, quotes, breaks). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** Every record of the books store, read straight from IndexedDB in `page` (not through the app). */
export function storedRecords(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('bookshelf');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const request = db.transaction('books', 'readonly').objectStore('books').getAll();
      request.onsuccess = () => {
        db.close();
        resolve(request.result);
      };
      request.onerror = () => {
        db.close();
        reject(request.error);
      };
    };
  }));
}

// ---------------------------------------------------------------------------------------------
// Lifecycle.

/**
 * Opens the app in a fresh context. `hash` (e.g. "#/books/1") opens a route directly; then only
 * the h1 is awaited, otherwise the list too.
 */
export async function openApp(browser, baseUrl, { hash = '' } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const errors = [];
  const dialogs = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  const notes = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    const line = `console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`;
    // Headless Chromium asks for /favicon.ico on its own, and its 404 lands in the console. That
    // is about the site's icon, not the app's behaviour: noted (printed as a test diagnostic),
    // not failed. Every other console error fails the test.
    if (/\/favicon\.ico$/.test(loc?.url || '')) notes.push(line);
    else errors.push(line);
  });
  page.on('crash', () => errors.push('page crashed'));
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  const url = baseUrl + hash;
  await page.goto(url);
  if (!hash || hash === '#/' || hash === '#') await waitForList(page);
  else await page.getByRole('heading', { name: 'Bookshelf', level: 1, exact: true }).waitFor({ state: 'visible' });
  return {
    context,
    page,
    errors,
    dialogs,
    notes,
    baseUrl,
    /** Reloads and waits for the list again. */
    async reload() {
      await reloadList(page);
    },
    /** Goes to a route of the app (hash navigation, one history entry). */
    async go(routeHash) {
      await page.goto(baseUrl + routeHash);
    },
    assertClean() {
      assert.deepEqual(errors, [], 'no page errors or console errors expected');
      assert.deepEqual(dialogs, [], 'no alert/confirm/prompt dialogs expected');
    },
    close: () => context.close(),
  };
}

/**
 * For test files that make their own contexts: starts Chromium and the server on dist/ before the
 * file's tests and stops them after. The returned object gets `browser` and `server`.
 */
export function useBrowserAndServer(browserOptions = {}) {
  const handles = {};
  before(async () => {
    handles.browser = await launchBrowser(browserOptions);
    handles.server = await startServer({ dir: DIST });
  });
  after(async () => {
    await handles.browser?.close();
    await handles.server?.close();
  });
  return handles;
}

/**
 * Call once at the top of a test file: starts the server on dist/ and Chromium for the file, and
 * returns `appTest(name, fn, { hash })`, which runs `fn(app, t)` in a fresh context.
 */
export function useApp() {
  let server;
  let browser;
  before(async () => {
    if (!existsSync(path.join(DIST, 'index.html'))) {
      throw new Error(`${DIST}/index.html is missing: build the app first (make build, or trunk build --release)`);
    }
    server = await startServer({ dir: DIST });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  return function appTest(name, fn, { hash, timeout = 120_000 } = {}) {
    test(name, { timeout }, async (t) => {
      const failureShot = path.join(ARTIFACTS, `failure-${slug(name)}.png`);
      rmSync(failureShot, { force: true }); // only failures of the latest run are left
      let app;
      try {
        app = await openApp(browser, server.url, { hash });
        await fn(app, t);
        app.assertClean();
      } catch (err) {
        if (app) {
          await app.page.screenshot({ path: failureShot, fullPage: true }).catch(() => {});
          t.diagnostic(`screenshot: ${path.relative(REPO_ROOT, failureShot)}`);
          for (const line of app.errors) t.diagnostic(`page/console error: ${line}`);
          for (const line of app.dialogs) t.diagnostic(`dialog: ${line}`);
        }
        throw err;
      } finally {
        for (const line of app?.notes ?? []) t.diagnostic(`note (not a failure): ${line}`);
        await app?.close().catch(() => {});
      }
    });
  };
}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);

/**
 * For a test that provokes console errors on purpose (a script the CSP refuses): waits until at
 * least `count` of the app's recorded errors match `pattern`, takes them out of `app.errors` (so
 * they do not fail the test) and returns them. Any other error still fails it.
 */
export async function takeExpectedErrors(app, pattern, { count = 1 } = {}) {
  await waitFor(() => assert.ok(
    app.errors.filter((line) => pattern.test(line)).length >= count,
    `expected ${count} console error(s) matching ${pattern}; got ${JSON.stringify(app.errors)}`,
  ));
  const taken = app.errors.filter((line) => pattern.test(line));
  const rest = app.errors.filter((line) => !pattern.test(line));
  app.errors.splice(0, app.errors.length, ...rest);
  return taken;
}

/**
 * Watches the image requests `page` makes from now on. Markup in a book's text made into an
 * element (`<img src=x onerror=…>`) would ask for its image, and its onerror would run once that
 * request fails. `settled()` waits until every image request so far has been answered (bounded),
 * then returns their URLs, for the test to assert that none came from the text.
 */
export function watchImageRequests(page) {
  const pending = new Set();
  const urls = [];
  page.on('request', (request) => {
    if (request.resourceType() !== 'image') return;
    pending.add(request);
    urls.push(request.url());
  });
  const answered = (request) => pending.delete(request);
  page.on('requestfinished', answered);
  page.on('requestfailed', answered);
  return {
    async settled() {
      await waitFor(() => pending.size === 0, { message: `image requests still unanswered: ${[...pending].map((r) => r.url())}` });
      return [...urls];
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness for the soaks: every choice comes from one seed, so a seed replays a run.

/**
 * mulberry32 from `seed`, with the choices the soaks make: `random()` in [0, 1), `chance(p)`,
 * `int(min, max)` (both included), `pick(list)`, and `weighted({ name: weight })` (a key with
 * probability proportional to its weight).
 */
export function seeded(seed) {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const weighted = (weights) => {
    const entries = Object.entries(weights).filter(([, w]) => w > 0);
    let r = random() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [name, w] of entries) {
      r -= w;
      if (r < 0) return name;
    }
    return entries[entries.length - 1][0];
  };
  return {
    random,
    chance: (p) => random() < p,
    int: (min, max) => min + Math.floor(random() * (max - min + 1)),
    pick: (list) => list[Math.floor(random() * list.length)],
    weighted,
  };
}
