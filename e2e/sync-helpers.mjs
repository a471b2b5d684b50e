// What the sync tests share (not a test file itself): a "device" (a browser context of its own,
// so an IndexedDB of its own) with the app open, the Sync page driven by its labels, the
// catalogue of a device and of the server in one comparable form, and the conflict section of a
// book's page.
//
// The UI contract these follow (issue 17): page #/sync, linked as "Sync" in <nav aria-label="Site">,
// heading h2 "Sync"; fields "Server", "Database", "User name", "Password"; buttons "Sync now",
// "Keep in sync", "Stop syncing"; status role=status#sync-status ("Syncing…" with a <progress>
// labelled "Sync progress", "Last synced at <time>", "Changes waiting to go up: N", "Books
// received: N", "Keeping in sync"); errors role=alert#sync-error. A book is the CouchDB document
// whose _id is its uid and whose other members are the export's fields minus id and uid.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { openApp, waitFor, field, openEditDialog, rowFor, storedRecords, TIMEOUT, ARTIFACTS } from './helpers.mjs';
import { bookDocs } from './couch.mjs';

/** How long one "Sync now" may take, for a handful of books, before it is a failure. */
export const SYNC_MS = 30_000;

/** The book fields a document carries (the export's names; `rating` is `stars` in IndexedDB). */
export const BOOK_FIELDS = [
  'title', 'author', 'genre', 'isbn', 'year', 'rating', 'status', 'readings', 'tags', 'series',
  'pages', 'publisher', 'format', 'added', 'copies', 'location', 'loans', 'note',
];

/** A value the export leaves out (none, empty text, an empty list) counts as absent. */
const absent = (value) => value === null || value === undefined || value === ''
  || (Array.isArray(value) && value.length === 0);

/** `fields` reduced to BOOK_FIELDS, absent values left out. */
function pick(source) {
  const out = {};
  for (const name of BOOK_FIELDS) {
    if (!absent(source[name])) out[name] = source[name];
  }
  return out;
}

/** A stored IndexedDB record as the book it is: { uid, ...fields } (no local id, no sort keys). */
export const bookOfRecord = (record) => ({ uid: record.uid, ...pick({ ...record, rating: record.stars }) });

/** A CouchDB/PouchDB document as a book: { uid: _id, ...fields } (no _rev, no _conflicts). */
export const bookOfDoc = (doc) => ({ uid: doc._id, ...pick(doc) });

const byUid = (a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);

/** The books a device holds, from its IndexedDB, sorted by uid. */
export async function deviceBooks(page) {
  return (await storedRecords(page)).map(bookOfRecord).sort(byUid);
}

/** The books the server's database holds (documents not deleted, winners), sorted by uid. */
export async function serverBooks(url, db, auth) {
  return (await bookDocs(url, db, auth)).map(bookOfDoc).sort(byUid);
}

/** Titles of a list of books, sorted (for messages that a person can read). */
export const titles = (books) => books.map((b) => b.title).sort();

// ---------------------------------------------------------------------------------------------
// Devices.

/**
 * Console errors that are the replication protocol at work, not faults: the browser logs every
 * fetch answered 404 ("Failed to load resource"), and a replicator asks for its checkpoint
 * (_local/<id>) and for documents that may not be there yet.
 */
const NOT_FOUND = /Failed to load resource: the server responded with a status of 404/;

/**
 * Opens the app in a fresh context (a device of its own). `couchUrls` are the servers whose 404
 * answers are expected in the console. Adds to openApp's object: `name`, `console` (every console
 * message, any type, for the credentials test), `requests` (every request URL), `allow(pattern)`
 * (console errors matching it are expected in this test), and an `assertClean()` that leaves
 * those out.
 */
export async function openDevice(browser, baseUrl, name, couchUrls = []) {
  const app = await openApp(browser, baseUrl);
  const allowed = [];
  const consoleLines = [];
  const requests = [];
  app.page.on('console', (msg) => consoleLines.push(`${msg.type()}: ${msg.text()}`));
  app.page.on('request', (request) => requests.push(request));
  const fromCouch = (line) => couchUrls.some((url) => line.includes(url));
  const expected = (line) => (NOT_FOUND.test(line) && fromCouch(line)) || allowed.some((p) => p.test(line));
  const strict = app.assertClean;
  return {
    ...app,
    name,
    console: consoleLines,
    requests,
    allow(pattern) { allowed.push(pattern); },
    assertClean() {
      const kept = app.errors.filter((line) => !expected(line));
      for (const line of app.errors.filter(expected)) app.notes.push(`expected: ${line}`);
      app.errors.splice(0, app.errors.length, ...kept);
      strict();
    },
  };
}

/** Runs `fn(devices...)` with `n` devices open, checks each is clean, and closes them all. */
export async function withDevices(t, browser, baseUrl, couchUrls, names, fn) {
  const devices = [];
  // Only the failures of the latest run are left.
  for (const file of readdirSync(ARTIFACTS)) {
    if (file.startsWith(`failure-sync-${slug(t.name)}-`)) rmSync(path.join(ARTIFACTS, file), { force: true });
  }
  try {
    for (const name of names) devices.push(await openDevice(browser, baseUrl, name, couchUrls));
    await fn(...devices);
    for (const device of devices) {
      try {
        device.assertClean();
      } catch (err) {
        err.message = `${device.name}: ${err.message}`;
        throw err;
      }
    }
  } catch (err) {
    for (const device of devices) {
      const shot = path.join(ARTIFACTS, `failure-sync-${slug(t.name)}-${device.name}.png`);
      await device.page.screenshot({ path: shot, fullPage: true }).catch(() => {});
      t.diagnostic(`${device.name}: screenshot ${shot}; status ${JSON.stringify(await statusText(device.page).catch(() => '?'))}; alert ${JSON.stringify(await errorText(device.page).catch(() => '?'))}`);
      for (const line of device.errors) t.diagnostic(`${device.name}: page/console error: ${line}`);
    }
    throw err;
  } finally {
    for (const device of devices) {
      for (const line of device.notes) t.diagnostic(`${device.name}: note (not a failure): ${line}`);
      await device.close().catch(() => {});
    }
  }
}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

// ---------------------------------------------------------------------------------------------
// Navigation and the catalogue.

const siteNav = (page) => page.getByRole('navigation', { name: 'Site' });

/** Goes to the list through the site nav ("Books") and waits for it. */
export async function goBooks(page) {
  await siteNav(page).getByRole('link', { name: 'Books', exact: true }).click();
  await page.getByRole('table').or(page.getByText('No books yet')).first().waitFor({ state: 'visible' });
}

/** Goes to the Sync page through the site nav ("Sync") and waits for its heading. */
export async function goSync(page) {
  const link = siteNav(page).getByRole('link', { name: 'Sync', exact: true });
  await link.waitFor({ state: 'visible' }).catch((err) => {
    throw new Error(`the site nav (<nav aria-label="Site">) has no link "Sync": ${err.message.split('\n')[0]}`);
  });
  await link.click();
  await page.getByRole('heading', { name: 'Sync', level: 2, exact: true }).waitFor({ state: 'visible' });
}

/** Edits the book titled `title` through the list's Edit dialog: { Label: value, ... }. */
export async function editBook(page, title, changes) {
  await goBooksIfAway(page);
  const dialog = await openEditDialog(page, title);
  for (const [label, value] of Object.entries(changes)) await field(dialog, label).fill(value);
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** Deletes the book titled `title` from the list, and waits until its row is gone. */
export async function deleteBook(page, title) {
  await goBooksIfAway(page);
  await page.getByRole('button', { name: `Delete ${title}`, exact: true }).click();
  await rowFor(page, title).waitFor({ state: 'detached' });
}

async function goBooksIfAway(page) {
  if (!/#\/?$|\/$/.test(page.url()) || (await page.getByRole('heading', { name: 'Sync', level: 2, exact: true }).count())) {
    await goBooks(page);
  }
}

/** Opens the book's page by clicking its title in the table; waits for its h2. */
export async function openBook(page, title) {
  await goBooksIfAway(page);
  await page.getByRole('table').getByRole('link', { name: title, exact: true }).click();
  await page.getByRole('heading', { name: title, level: 2, exact: true }).waitFor({ state: 'visible' });
}

/** Imports `books` (objects as the JSON export writes them) through the Import control. */
export async function importBooks(page, books, { timeout = 60_000 } = {}) {
  await goBooksIfAway(page);
  await page.getByLabel('Import', { exact: true }).setInputFiles({
    name: 'books.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(books)),
  });
  const button = page.getByRole('button', { name: `Import ${books.length} book${books.length === 1 ? '' : 's'}`, exact: true });
  await button.waitFor({ state: 'visible', timeout });
  await button.click();
  await waitFor(async () => assert.equal(
    ((await page.locator('#book-count').textContent()) || '').trim(),
    `${books.length} book${books.length === 1 ? '' : 's'}`,
  ), { timeout, message: `after importing ${books.length} books` });
}

/** Clicks "Export JSON" on the list and returns the file's text. */
export async function exportJson(page) {
  await goBooksIfAway(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export JSON', exact: true }).click(),
  ]);
  return readFileSync(await download.path(), 'utf8');
}

// ---------------------------------------------------------------------------------------------
// The Sync page.

export const syncStatus = (page) => page.getByRole('status').and(page.locator('#sync-status'));
export const syncError = (page) => page.getByRole('alert').and(page.locator('#sync-error'));
const syncButton = (page, name) => page.getByRole('button', { name, exact: true });

/** The status region's text, whitespace collapsed ('' when it is not there). */
export async function statusText(page) {
  return page.evaluate(() => (document.getElementById('sync-status')?.textContent ?? '').replace(/\s+/g, ' ').trim());
}

/** The alert's text, whitespace collapsed ('' when there is none). */
export async function errorText(page) {
  return page.evaluate(() => (document.getElementById('sync-error')?.textContent ?? '').replace(/\s+/g, ' ').trim());
}

/**
 * Fills the Sync form: `settings` = { server, db, user = '', password = '' }. Goes to the Sync
 * page first if it is not showing.
 */
export async function fillSync(page, { server, db, user = '', password = '' }) {
  if (!(await page.getByRole('heading', { name: 'Sync', level: 2, exact: true }).count())) await goSync(page);
  await field(page, 'Server').fill(server);
  await field(page, 'Database').fill(db);
  await field(page, 'User name').fill(user);
  await field(page, 'Password').fill(password);
}

/**
 * Starts recording every state of the status and the alert (a MutationObserver on the whole
 * page), so that a sync too quick to be seen by polling is still seen to have run.
 */
async function watchSync(page) {
  await page.evaluate(() => {
    const read = () => {
      const status = document.getElementById('sync-status');
      const progress = status?.querySelector('progress') ?? document.querySelector('progress');
      let progressLabel = null;
      if (progress) {
        const by = progress.getAttribute('aria-labelledby');
        progressLabel = progress.getAttribute('aria-label')
          ?? (by ? by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim() : null)
          ?? (progress.labels?.[0]?.textContent?.trim() ?? null);
      }
      return {
        status: (status?.textContent ?? '').replace(/\s+/g, ' ').trim(),
        error: (document.getElementById('sync-error')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
        progressLabel,
      };
    };
    window.__syncWatch?.disconnect();
    window.__syncSeen = [read()];
    window.__syncWatch = new MutationObserver(() => window.__syncSeen.push(read()));
    window.__syncWatch.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

const seenStates = (page) => page.evaluate(() => window.__syncSeen);

const isSyncing = (text) => /Syncing(…|\.\.\.)/.test(text);

/**
 * Clicks "Sync now" (filling the form first when `settings` are given) and waits until that sync
 * ended: the status showed "Syncing…" (or changed) and now shows "Last synced at" without
 * "Syncing…", or an alert came up. Returns { status, error, states } (states: every status the
 * page went through, with whether a progress bar showed and its label).
 */
export async function syncNow(page, settings, { timeout = SYNC_MS } = {}) {
  if (settings) await fillSync(page, settings);
  await watchSync(page);
  await syncButton(page, 'Sync now').click();
  const clicked = Date.now();
  return waitFor(async () => {
    const states = await seenStates(page);
    const [before] = states;
    const now = states[states.length - 1];
    // (An alert already up before the click, and still up half a second later, is its answer.)
    const ran = states.some((s) => isSyncing(s.status)) || now.status !== before.status || now.error !== before.error
      || (now.error !== '' && Date.now() - clicked > 500);
    assert.ok(ran, `the status never changed after Sync now (still ${JSON.stringify(now.status)})`);
    assert.ok(!isSyncing(now.status), `still syncing: ${JSON.stringify(now.status)}`);
    assert.ok(now.error || /Last synced at/.test(now.status), `neither "Last synced at" nor an alert: ${JSON.stringify(now)}`);
    return { status: now.status, error: now.error, states };
  }, { timeout, interval: 100, message: 'Sync now should end' });
}

/** `syncNow`, asserting that it ended without an alert. */
export async function syncOk(device, settings, options) {
  const result = await syncNow(device.page, settings, options);
  assert.equal(result.error, '', `${device.name ?? 'device'}: Sync now ended in an alert`);
  return result;
}

/** The number after `label: ` in the status ("Changes waiting to go up", "Books received"). */
export function statusNumber(status, label) {
  const match = new RegExp(`${label}:\\s*(\\d+)`).exec(status);
  return match ? Number(match[1]) : null;
}

/** Clicks "Keep in sync" (the form filled first) and waits for "Keeping in sync". */
export async function keepInSync(page, settings) {
  await fillSync(page, settings);
  await syncButton(page, 'Keep in sync').click();
  await waitFor(async () => assert.match(await statusText(page), /Keeping in sync/), { timeout: SYNC_MS, message: 'after Keep in sync' });
}

/** Clicks "Stop syncing" on the Sync page and waits until "Keeping in sync" is gone. */
export async function stopSyncing(page) {
  if (!(await page.getByRole('heading', { name: 'Sync', level: 2, exact: true }).count())) await goSync(page);
  await syncButton(page, 'Stop syncing').click();
  await waitFor(async () => assert.doesNotMatch(await statusText(page), /Keeping in sync/), { timeout: SYNC_MS, message: 'after Stop syncing' });
}

// ---------------------------------------------------------------------------------------------
// Conflicts.

export const CONFLICT_HEADING = 'Edited on two devices';

/** The conflict section's heading on the book's page (present or not). */
export const conflictHeading = (page) => page.getByRole('heading', { name: CONFLICT_HEADING, exact: true });

/**
 * The conflict table on the book page: its column headers and rows (each { Field, "Version 1
 * (shown)", "Version 2" } by header text). Throws if there is none.
 */
export async function readConflict(page) {
  const tableEl = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Version 1 (shown)', exact: true }) });
  await tableEl.waitFor({ state: 'visible', timeout: TIMEOUT });
  return tableEl.evaluate((t) => {
    const text = (el) => el.textContent.replace(/\s+/g, ' ').trim();
    const headRow = t.querySelector('thead tr') ?? t.querySelector('tr');
    const headers = [...headRow.children].map(text);
    const rows = [...t.querySelectorAll('tr')].filter((tr) => tr !== headRow).map((tr) => [...tr.children].map(text))
      .filter((cells) => cells.length === headers.length);
    return { headers, rows: rows.map((cells) => Object.fromEntries(headers.map((h, i) => [h, cells[i]]))) };
  });
}

/** The row of the conflict table for the field whose name matches `pattern` (e.g. /author/i). */
export function conflictRow(conflict, pattern) {
  const row = conflict.rows.find((r) => pattern.test(r.Field));
  assert.ok(row, `a row for ${pattern} in the conflict table: ${JSON.stringify(conflict.rows)}`);
  return row;
}
