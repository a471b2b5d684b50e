// Sync soak: two devices (two browser contexts, so two IndexedDBs) and one pouchdb-server. A few
// thousand random operations — adds (the add form, or JSON imports of 5–80 books through the
// Import control), edits (the book page's Save), deletes (the row's Delete button, found with the
// search box) — on either device, with "Sync now" on a random device every few operations (now
// and then on both at once, or with books added while the sync runs), now and then a device's app
// reloaded (what waits to go up must outlive it), devices going offline for a while
// (context.setOffline: their syncs must say "Offline…", their edits wait), and the server stopped
// once mid-run and started again on the same data (syncs meanwhile must say that nothing
// answered). Every write goes through the app, so its change queue sees each one.
//
// The model: every write is a version of a book (its uid) whose parent is the version the device
// showed when it was written (read from the device's IndexedDB before the write: a device in
// conflict shows CouchDB's winner, which the model cannot foresee). Once every replica has every
// revision, CouchDB's rules fix what each book must be: the leaves of its tree are the versions
// nothing was written over; no living leaf: deleted everywhere; one: exactly that version; more
// (edited on both devices while apart): any one of them, the same everywhere, listed as a
// conflict. A book deleted on one device and edited on the other thus survives with the edit.
//
// At the end both devices go online and sync alternately until two rounds in a row change
// nothing (bounded), then: both devices' books (IndexedDB, minus the local id) equal each other
// and the server's documents; none lost, duplicated (a uid or a title twice) or resurrected; each
// book is the model's version, or one of its versions where it is in conflict; the books in
// conflict are exactly those the server lists with _conflicts, and their pages on both devices
// show "Edited on two devices" (at most CONFLICT_PAGES of them looked at); a few are then resolved
// with "Keep version 2" and, after syncing, are the same everywhere and in conflict nowhere.
//
// Deterministic choices for a seed: SYNC_SOAK_SEED=<number> (SYNC_SOAK_SEED=random picks one) and
// SYNC_SOAK_OPS (default 2000 operations; an import of 20 books counts 20), stopped early if the
// random part has run SYNC_SOAK_BUDGET_S seconds (default 150; the summary says so). Timing (how
// fast a sync ends, what it finds on the server) is not deterministic, so a seed replays the
// operations, not necessarily the conflicts. The seed and a summary are printed; every step is written to
// artifacts/sync-soak-ops.log.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser, openApp, seeded, storedRecords, ARTIFACTS, DIST } from './helpers.mjs';
import { startCouch, bookDocs, dbInfo } from './couch.mjs';
import { startServer } from '../scripts/serve.mjs';

const DEFAULT_SEED = 20261202;
const SEED = process.env.SYNC_SOAK_SEED === 'random'
  ? Math.floor(Math.random() * 2 ** 32)
  : Number(process.env.SYNC_SOAK_SEED || DEFAULT_SEED) >>> 0;
const OPS = Number(process.env.SYNC_SOAK_OPS) || 2000;
/**
 * The random part stops early when it has run this long (SYNC_SOAK_BUDGET_S, default 150 s), so
 * that the file stays near three minutes on a loaded machine; the summary says so.
 */
const BUDGET_MS = (Number(process.env.SYNC_SOAK_BUDGET_S) || 150) * 1000;
const DB = 'soak';
/** How long one sync may take (a few hundred books at most go each way). */
const SYNC_MS = 60_000;
/** How long one UI operation may take before it is a failure. */
const OP_MS = 15_000;
/** Final rounds (sync A, then B) at most before the devices must agree. */
const MAX_ROUNDS = 10;
/** Books in conflict whose pages are opened on both devices at the end (all, if fewer). */
const CONFLICT_PAGES = 12;
/** Conflicts resolved with "Keep version 2" at the end. */
const RESOLVE = 3;
const LOG_FILE = path.join(ARTIFACTS, 'sync-soak-ops.log');

// ---------------------------------------------------------------------------------------------
// Randomness: mulberry32, seeded (helpers.mjs).

const { random, chance, int, pick, weighted } = seeded(SEED);

// ---------------------------------------------------------------------------------------------
// Books: every title carries a token of its own ("z00042"), so a title names one version of one
// book, and the search box finds exactly that book; every edit puts something new in at least
// one field, so no two versions are the same.

const ADJECTIVES = ['Silent', 'Hidden', 'Broken', 'Golden', 'Last', 'Winter', 'Distant', 'Crimson', 'Hollow', 'Quiet'];
const NOUNS = ['River', 'Garden', 'Kingdom', 'Harbour', 'Mirror', 'Forest', 'Letter', 'Bridge', 'Voyage', 'Orchard'];
const FIRST = ['Ada', 'Ben', 'Chiara', 'Dmitri', 'Elif', 'Femi', 'Greta', 'Hiro', 'Ines', 'Jonas'];
const LAST = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Novak', 'Silva', 'Brennan', 'Haddad', 'Kowalski', 'Reyes'];
const GENRES = ['Fiction', 'Poetry', 'History', 'Science', 'Travel', 'Crime', ''];
const FIELDS = ['title', 'author', 'genre', 'note', 'year'];
/** The book page's label of each model field. */
const LABELS = { title: 'Title', author: 'Author', genre: 'Genre', note: 'Note', year: 'Year' };

let tokens = 0;
const newTitle = () => `${pick(ADJECTIVES)} ${pick(NOUNS)} z${String((tokens += 1)).padStart(5, '0')}`;
const tokenOf = (title) => title.split(' ').at(-1);
const newAuthor = () => `${pick(FIRST)} ${pick(LAST)}`;

/** A device record or a version's fields, reduced to what the model writes. */
const fieldsOf = (r) => ({
  title: r.title ?? '', author: r.author ?? '', genre: r.genre ?? '', note: r.note ?? '', year: r.year ?? null,
});
const sameFields = (a, b) => FIELDS.every((f) => (a[f] ?? null) === (b[f] ?? null) || ((a[f] ?? '') === '' && (b[f] ?? '') === ''));
const show = (f) => (f ? `“${f.title}” by ${f.author}${f.genre ? ` [${f.genre}]` : ''}${f.year ? ` (${f.year})` : ''}${f.note ? ` note “${f.note}”` : ''}` : 'deleted');

// ---------------------------------------------------------------------------------------------
// The model: versions and their parents.

/** vid → { vid, uid, parent, fields (null: a deletion), device, step } */
const versions = new Map();
const childCount = new Map();
const versionsOf = new Map(); // uid → [vid]
let nextVid = 0;

function newVersion(uid, parent, fields, device, step) {
  nextVid += 1;
  const version = { vid: nextVid, uid, parent, fields, device, step };
  versions.set(nextVid, version);
  if (parent !== null) childCount.set(parent, (childCount.get(parent) ?? 0) + 1);
  if (!versionsOf.has(uid)) versionsOf.set(uid, []);
  versionsOf.get(uid).push(nextVid);
  return version;
}

/** The version of `uid` a device shows (its record's fields): exactly one must match. */
function shownVersion(device, record) {
  const matches = (versionsOf.get(record.uid) ?? [])
    .map((vid) => versions.get(vid))
    .filter((v) => v.fields && sameFields(v.fields, fieldsOf(record)));
  if (matches.length !== 1) {
    const known = (versionsOf.get(record.uid) ?? []).map((vid) => `v${vid} ${show(versions.get(vid).fields)}`).join('; ');
    throw new Error(`${device} shows book ${record.uid} as ${show(fieldsOf(record))}: ${matches.length} versions written match it (versions: ${known || 'none'})`);
  }
  return matches[0];
}

/** What every replica must hold for `uid` once all have all revisions. */
function expected(uid) {
  const all = versionsOf.get(uid).map((vid) => versions.get(vid));
  const leaves = all.filter((v) => !childCount.get(v.vid));
  const live = leaves.filter((v) => v.fields);
  return { leaves, live, deletedLeaves: leaves.filter((v) => !v.fields) };
}

// ---------------------------------------------------------------------------------------------
// In the page: the operations, each in one round trip (DOM events the app handles, as a person's
// typing and clicks are; IndexedDB only read, to know when a write is done).

function installDriver() {
  const until = (fn, ms, what) => new Promise((resolve, reject) => {
    const start = performance.now();
    const poll = async () => {
      let value;
      try {
        value = await fn();
      } catch (err) {
        value = undefined;
        if (performance.now() - start > ms) return reject(err);
      }
      if (value) return resolve(value);
      if (performance.now() - start > ms) return reject(new Error(`timed out after ${ms} ms: ${typeof what === 'function' ? what() : what}`));
      setTimeout(poll, 10);
    };
    poll();
  });
  const request = (store, fn) => new Promise((resolve, reject) => {
    const open = indexedDB.open('bookshelf');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const req = fn(db.transaction(store, 'readonly').objectStore(store));
      req.onsuccess = () => { db.close(); resolve(req.result); };
      req.onerror = () => { db.close(); reject(req.error); };
    };
  });
  const slim = (r) => r && ({ id: r.id, uid: r.uid, title: r.title, author: r.author, genre: r.genre ?? '', note: r.note ?? '', year: r.year ?? null });
  const get = async (id) => slim(await request('books', (s) => s.get(id)));
  const ids = () => request('books', (s) => s.getAllKeys());
  const byUid = async (uid) => slim(await request('books', (s) => s.index('by_uid').get(uid)));
  const all = async () => (await request('books', (s) => s.getAll())).map(slim);
  const setValue = (el, value) => {
    const proto = Object.getPrototypeOf(el);
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const fieldIn = (form, label) => {
    const l = [...form.querySelectorAll('label')].find((x) => x.textContent.trim() === label);
    const el = l && document.getElementById(l.htmlFor);
    if (!el) throw new Error(`no field labelled "${label}"`);
    return el;
  };
  const button = (scope, name) => {
    const b = [...scope.querySelectorAll('button')].find((x) => x.textContent.trim() === name || x.getAttribute('aria-label') === name);
    if (!b) throw new Error(`no button "${name}"`);
    return b;
  };
  const go = (hash) => { if (location.hash !== hash) location.hash = hash; };
  const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const syncState = () => ({ status: text(document.getElementById('sync-status')), error: text(document.getElementById('sync-error')) });
  const received = (status) => Number((status.match(/Books received: (\d+)/) ?? [])[1] ?? NaN);

  window.__soak = {
    all,
    get,
    ids,
    byUid,
    /** The book page of `id`: waits until it shows `before`, fills `changes`, Save, and waits for IndexedDB. */
    async edit(id, before, changes, labels, ms) {
      go(`#/books/${id}`);
      const form = await until(() => {
        const h2 = document.querySelector('article.book-page h2');
        const f = document.querySelector('form[aria-label="The book\'s fields"]');
        if (!f || text(h2) !== before.title) return null;
        // The form shows the book as stored (not an older rendering).
        return fieldIn(f, labels.title).value === before.title && fieldIn(f, labels.author).value === before.author
          && fieldIn(f, labels.note).value === before.note ? f : null;
      }, ms, () => `the page of book ${id} showing “${before.title}” (it shows “${text(document.querySelector('article.book-page h2'))}”)`);
      for (const [name, value] of Object.entries(changes)) setValue(fieldIn(form, labels[name]), value === null ? '' : String(value));
      button(form, 'Save').click();
      return until(async () => {
        const now = await get(id);
        return now && Object.entries(changes).every(([k, v]) => (now[k] ?? null) === v) ? now : null;
      }, ms, () => `book ${id} saved with ${JSON.stringify(changes)} (alert: ${text(document.querySelector('[role=alert]'))})`);
    },
    /** Finds book `id` with the search box (its title's token) and clicks its row's Delete. */
    async remove(id, title, token, ms) {
      go('#/');
      const search = await until(() => document.getElementById('search'), ms, 'the search box');
      if (search.value !== token) setValue(search, token);
      // Found and clicked in one step, as a person clicks what is on screen: the search answers
      // at once (no debounce), and the row found a moment ago may be the unfiltered table's,
      // already replaced by the search's own row for the same book.
      const clicked = await until(() => {
        const row = document.querySelector(`tr[data-id="${id}"]`);
        if (!row) return null;
        const b = button(row, `Delete ${title}`);
        b.click();
        return b;
      }, ms, () => `the row of book ${id} after searching ${token} (count: ${text(document.getElementById('book-count'))})`);
      await until(async () => !(await get(id)), ms, () => `book ${id} deleted (the button clicked ${clicked.isConnected ? 'is' : 'is no longer'} in the page; `
        + `its row now: ${document.querySelector(`tr[data-id="${id}"]`) ? 'shown' : 'not shown'}; alert: ${text(document.querySelector('[role=alert]'))}; count: ${text(document.getElementById('book-count'))})`);
    },
    /** The add form: Title, Author, Genre, Add book; returns the stored record. */
    async add(book, ms) {
      go('#/');
      const form = await until(() => document.querySelector('form[aria-label="Add a book"]'), ms, 'the add form');
      setValue(fieldIn(form, 'Title'), book.title);
      setValue(fieldIn(form, 'Author'), book.author);
      setValue(fieldIn(form, 'Genre'), book.genre);
      button(form, 'Add book').click();
      return until(async () => (await all()).find((r) => r.title === book.title), ms, `“${book.title}” added`);
    },
    /** Waits until every title is stored; returns their records. */
    async stored(titles, ms) {
      return until(async () => {
        const records = await all();
        const found = titles.map((t) => records.find((r) => r.title === t));
        return found.every(Boolean) ? found : null;
      }, ms, () => `${titles.length} imported books stored`);
    },
    /** Opens the Sync page, fills Server and Database if asked, clicks "Sync now" and waits until it runs. */
    async syncStart(settings, ms) {
      go('#/sync');
      const status = await until(() => document.getElementById('sync-status'), ms, 'the Sync page');
      const form = document.querySelector('form[aria-label="Sync settings"]');
      if (settings) {
        setValue(fieldIn(form, 'Server'), settings.server);
        setValue(fieldIn(form, 'Database'), settings.database);
      }
      await until(() => !/Syncing…/.test(text(status)), ms, 'no sync running before "Sync now"');
      const before = syncState();
      let seen = false;
      const observer = new MutationObserver(() => { if (/Syncing…/.test(text(status))) seen = true; });
      observer.observe(status, { subtree: true, childList: true, characterData: true });
      button(form, 'Sync now').click();
      try {
        await until(() => seen || /Syncing…/.test(text(status)), 5_000, '"Syncing…" after "Sync now"');
      } finally {
        observer.disconnect();
      }
      return { before: received(before.status) };
    },
    /** Waits (on the Sync page) until no sync runs; returns the status and the alert. */
    async syncFinish(ms) {
      go('#/sync');
      await until(() => document.getElementById('sync-status'), ms, 'the Sync page');
      await until(() => !/Syncing…/.test(syncState().status), ms, () => `the sync to end (status: ${syncState().status})`);
      const state = syncState();
      return { ...state, received: received(state.status) };
    },
    /** The book page of `id`: its h2 and whether it shows "Edited on two devices" (waits up to `ms` for it). */
    async conflictShown(id, title, want, ms) {
      go(`#/books/${id}`);
      await until(() => text(document.querySelector('article.book-page h2')) === title, ms, () => `the page of book ${id} (“${title}”)`);
      const heading = () => [...document.querySelectorAll('article.book-page h3')].some((h) => text(h) === 'Edited on two devices');
      if (want) return until(heading, ms, '"Edited on two devices"').then(() => true, () => false);
      await new Promise((r) => setTimeout(r, 300));
      return heading();
    },
    /** Clicks "Keep version N" on book `id`'s page and waits until the section is gone. */
    async keep(id, number, ms) {
      go(`#/books/${id}`);
      const b = await until(() => [...document.querySelectorAll('article.book-page button')].find((x) => text(x) === `Keep version ${number}`), ms, `"Keep version ${number}"`);
      b.click();
      await until(() => ![...document.querySelectorAll('article.book-page h3')].some((h) => text(h) === 'Edited on two devices'), ms, 'the conflict section gone after keeping a version');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The run.

let browser;
let server;
let couch;

before(async () => {
  if (!existsSync(path.join(DIST, 'index.html'))) throw new Error(`${DIST}/index.html is missing: build the app first`);
  server = await startServer({ dir: DIST });
  browser = await launchBrowser();
  couch = await startCouch();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await couch?.stop();
});

test(`sync soak: two devices, ${OPS} operations, seed ${SEED}`, { timeout: 600_000 }, async (t) => {
  const started = Date.now();
  writeFileSync(LOG_FILE, `seed ${SEED}, ${OPS} operations\n`);
  const log = (line) => appendFileSync(LOG_FILE, `${((Date.now() - started) / 1000).toFixed(1)}s ${line}\n`);
  t.diagnostic(`seed ${SEED} (replay: SYNC_SOAK_SEED=${SEED} SYNC_SOAK_OPS=${OPS})`);

  const stats = {
    ops: 0, steps: 0, imports: 0, imported: 0, formAdds: 0, edits: 0, deletes: 0, bothEdited: 0, editVsDelete: 0,
    syncs: 0, syncsOk: 0, syncsOffline: 0, syncsDown: 0, concurrentSyncs: 0, addsDuringSync: 0,
    offlinePeriods: 0, serverRestarts: 0, reloads: 0, couchConsoleErrors: 0,
  };

  // Two devices. Console errors about the CouchDB server's address are the protocol at work (a
  // 404 for a checkpoint not yet written; connection refused while the server is down); every
  // other one fails the run.
  const devices = [];
  for (const name of ['A', 'B']) {
    const app = await openApp(browser, server.url);
    await app.page.evaluate(installDriver);
    devices.push({ name, app, page: app.page, offlineUntil: -1, settled: false });
  }
  const [A, B] = devices;
  const other = (d) => (d === A ? B : A);
  const checkErrors = (d) => {
    const fromCouch = (line) => line.includes(`(${couch.url}/`);
    stats.couchConsoleErrors += d.app.errors.filter(fromCouch).length;
    const rest = d.app.errors.filter((line) => !fromCouch(line));
    d.app.errors.length = 0;
    assert.deepEqual(rest, [], `device ${d.name}: page or console errors`);
    assert.deepEqual(d.app.dialogs, [], `device ${d.name}: dialogs`);
  };
  const run = (d, fn, ...args) => d.page.evaluate(fn, args);
  const ids = (d) => run(d, () => window.__soak.ids());
  const recordOf = (d, id) => run(d, ([x]) => window.__soak.get(x), id);
  const recordByUid = (d, uid) => run(d, ([x]) => window.__soak.byUid(x), uid);

  let serverDownUntil = -1;
  /** Milliseconds spent in each kind of step, for the summary. */
  const timing = {};
  const isOffline = (d, step) => step < d.offlineUntil;

  // ---- operations -----------------------------------------------------------------------------

  async function importBooks(d, step, count) {
    const books = Array.from({ length: count }, () => {
      const book = { title: newTitle(), author: newAuthor(), genre: pick(GENRES) };
      if (chance(0.5)) book.note = `imported at step ${step}`;
      if (chance(0.4)) book.year = int(1900, 2024);
      return book;
    });
    const page = d.page;
    await run(d, () => { if (location.hash !== '#/') location.hash = '#/'; });
    await page.getByLabel('Import', { exact: true }).setInputFiles({
      name: `step-${step}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(books)),
    });
    const confirm = page.getByRole('button', { name: `Import ${count} book${count === 1 ? '' : 's'}`, exact: true });
    // Clicked in the page: notices sticking to the bottom of the window may cover the button,
    // which Playwright's click would wait out.
    await confirm.evaluate((b) => b.click(), null, { timeout: OP_MS });
    const stored = await run(d, ([titles, ms]) => window.__soak.stored(titles, ms), books.map((b) => b.title), OP_MS);
    for (const [i, record] of stored.entries()) {
      assert.ok(sameFields(fieldsOf(record), { note: '', year: null, ...books[i] }), `device ${d.name}: imported ${show(books[i])} stored as ${show(record)}`);
      newVersion(record.uid, null, fieldsOf(record), d.name, step);
    }
    stats.imports += 1;
    stats.imported += count;
    stats.ops += count;
    log(`${d.name} import ${count}: ${stored.map((r) => `${r.uid.slice(0, 8)} “${r.title}”`).join(', ')}`);
  }

  async function formAdd(d, step) {
    const book = { title: newTitle(), author: newAuthor(), genre: pick(GENRES) };
    const record = await run(d, ([b, ms]) => window.__soak.add(b, ms), book, OP_MS);
    assert.ok(sameFields(fieldsOf(record), { note: '', year: null, ...book }), `device ${d.name}: added ${show(book)}, stored ${show(record)}`);
    newVersion(record.uid, null, fieldsOf(record), d.name, step);
    stats.formAdds += 1;
    stats.ops += 1;
    log(`${d.name} add ${record.uid.slice(0, 8)} ${show(record)}`);
  }

  /** New values for some fields; always something no version had before. */
  function changesFor(d, record, step) {
    const changes = {};
    for (const f of FIELDS) if (chance(0.35)) changes[f] = null;
    if (changes.title === null) changes.title = newTitle();
    if (changes.author === null) changes.author = `${newAuthor()}${chance(0.5) ? ` ${step}` : ''}`;
    if (changes.genre === null) changes.genre = pick(GENRES.filter((g) => g !== record.genre && g !== ''));
    if (changes.year === null) changes.year = record.year && chance(0.3) ? null : int(1900, 2024);
    if (changes.note === null || !('title' in changes)) changes.note = `${pick(['Lent to', 'Read with', 'Signed by', 'Found via'])} ${pick(FIRST)}, step ${step}${d.name}`;
    if (changes.year === null && record.year === null) delete changes.year;
    return changes;
  }

  async function edit(d, step, record) {
    const parent = shownVersion(d.name, record);
    const changes = changesFor(d, record, step);
    const saved = await run(d, ([id, before, ch, labels, ms]) => window.__soak.edit(id, before, ch, labels, ms), record.id, record, changes, LABELS, OP_MS);
    const fields = { ...fieldsOf(record), ...changes };
    assert.ok(sameFields(fieldsOf(saved), fields), `device ${d.name}: edited book ${record.id} to ${show(fields)}, stored ${show(saved)}`);
    newVersion(record.uid, parent.vid, fieldsOf(saved), d.name, step);
    stats.edits += 1;
    stats.ops += 1;
    log(`${d.name} edit ${record.uid.slice(0, 8)} v${parent.vid} → ${show(fieldsOf(saved))}`);
  }

  async function remove(d, step, record) {
    const parent = shownVersion(d.name, record);
    await run(d, ([id, title, token, ms]) => window.__soak.remove(id, title, token, ms), record.id, record.title, tokenOf(record.title), OP_MS);
    newVersion(record.uid, parent.vid, null, d.name, step);
    stats.deletes += 1;
    stats.ops += 1;
    log(`${d.name} delete ${record.uid.slice(0, 8)} v${parent.vid} ${show(record)}`);
  }

  // ---- syncs ----------------------------------------------------------------------------------

  const settings = { server: couch.url, database: DB };
  /** What a sync of `d` must end with, given the step's conditions. */
  const outcomeFor = (d, step) => (isOffline(d, step) ? 'offline' : step < serverDownUntil ? 'down' : 'ok');

  async function syncStart(d) {
    const first = !d.settled;
    d.settled = true;
    return run(d, ([s, ms]) => window.__soak.syncStart(s, ms), first ? settings : null, OP_MS);
  }

  async function syncFinish(d, step, want, what = 'sync') {
    const result = await run(d, ([ms]) => window.__soak.syncFinish(ms), SYNC_MS);
    stats.syncs += 1;
    log(`${d.name} ${what} (${want}): ${result.status}${result.error ? ` | alert: ${result.error}` : ''}`);
    if (want === 'ok') {
      assert.equal(result.error, '', `device ${d.name}, step ${step}: the sync failed`);
      assert.match(result.status, /Last synced at \d\d:\d\d:\d\d\./, `device ${d.name}, step ${step}: no "Last synced at" after a sync`);
      stats.syncsOk += 1;
    } else if (want === 'offline') {
      assert.equal(result.error, 'Offline: changes will go when you are back.', `device ${d.name}, step ${step}: a sync while offline`);
      stats.syncsOffline += 1;
    } else {
      assert.match(result.error, /Nothing answered at the server's address/, `device ${d.name}, step ${step}: a sync while the server is down`);
      stats.syncsDown += 1;
    }
    checkErrors(d);
    return result;
  }

  async function sync(d, step) {
    const want = outcomeFor(d, step);
    const started = await syncStart(d);
    const result = await syncFinish(d, step, want);
    return { ...result, delta: result.received - started.before };
  }

  // ---- the random run -------------------------------------------------------------------------

  const downAt = Math.floor(OPS * (0.45 + 0.2 * random()));
  let serverWentDown = false;
  let step = 0;
  let cut = false;
  while (stats.ops < OPS) {
    if (Date.now() - started > BUDGET_MS) {
      cut = true;
      log(`time budget of ${BUDGET_MS / 1000} s reached after ${stats.ops} operations`);
      break;
    }
    step += 1;
    stats.steps = step;
    // Devices back online, the server back up.
    for (const d of devices) {
      if (d.offlineUntil === step) {
        await d.app.context.setOffline(false);
        log(`${d.name} online`);
      }
    }
    if (step === serverDownUntil) {
      await couch.up();
      log('server up');
    }
    // A device goes offline for a while; once, the server goes down for a while.
    for (const d of devices) {
      if (!isOffline(d, step) && chance(0.012)) {
        d.offlineUntil = step + int(8, 40);
        stats.offlinePeriods += 1;
        await d.app.context.setOffline(true);
        log(`${d.name} offline until step ${d.offlineUntil}`);
      }
    }
    // (Halfway through the time budget at the latest, so that a run cut short has it too.)
    if (!serverWentDown && (stats.ops >= downAt || Date.now() - started > BUDGET_MS / 2)) {
      serverWentDown = true;
      serverDownUntil = step + int(10, 25);
      stats.serverRestarts += 1;
      await couch.down();
      log(`server down until step ${serverDownUntil}`);
    }

    const d = pick(devices);
    const mine = await ids(d);
    const kind = weighted({
      import: 0.08,
      add: 0.1,
      edit: mine.length ? 0.5 : 0,
      delete: mine.length > 20 ? 0.15 : 0,
      bothEdit: mine.length ? 0.06 : 0,
      editVsDelete: mine.length ? 0.04 : 0,
      reload: isOffline(d, step) ? 0 : 0.01,
    });
    const anyOfMine = () => recordOf(d, pick(mine));
    const t0 = Date.now();
    try {
      if (kind === 'reload') {
        // The app opened again: what is queued, the checkpoints and the settings must outlive it.
        await run(d, () => { location.hash = '#/'; });
        await d.app.reload();
        await d.page.evaluate(installDriver);
        stats.reloads += 1;
        log(`${d.name} reload`);
      } else if (kind === 'import') await importBooks(d, step, int(5, 80));
      else if (kind === 'add') await formAdd(d, step);
      else if (kind === 'edit') await edit(d, step, await anyOfMine());
      else if (kind === 'delete') await remove(d, step, await anyOfMine());
      else {
        // The same book on both devices, now: edited on both, or edited on one and deleted on the
        // other (a book of this device that the other has too: a few tries).
        let record;
        let theirs;
        for (let tries = 0; tries < 5 && !theirs; tries += 1) {
          record = await anyOfMine();
          theirs = await recordByUid(other(d), record.uid);
        }
        await edit(d, step, record);
        if (theirs && kind === 'bothEdit') {
          await edit(other(d), step, theirs);
          stats.bothEdited += 1;
        } else if (theirs) {
          await remove(other(d), step, theirs);
          stats.editVsDelete += 1;
        }
      }
      checkErrors(d);
      timing[kind] = (timing[kind] ?? 0) + Date.now() - t0;

      // Sync now, every few operations: on one device; sometimes both at once; sometimes with a
      // book added on that device while its sync runs.
      if (chance(0.22)) {
        const t1 = Date.now();
        const s = weighted({ one: 0.86, both: 0.07, addDuring: 0.07 });
        if (s === 'one') {
          await sync(pick(devices), step);
        } else if (s === 'both') {
          const wants = devices.map((x) => outcomeFor(x, step));
          await Promise.all(devices.map((x) => syncStart(x)));
          await Promise.all(devices.map((x, i) => syncFinish(x, step, wants[i], 'sync (both at once)')));
          stats.concurrentSyncs += 1;
        } else {
          const x = pick(devices);
          const want = outcomeFor(x, step);
          await syncStart(x);
          await formAdd(x, step);
          await syncFinish(x, step, want, 'sync (a book added meanwhile)');
          stats.addsDuringSync += 1;
        }
        timing.sync = (timing.sync ?? 0) + Date.now() - t1;
      }
    } catch (err) {
      log(`FAILED at step ${step} (${kind} on ${d.name}): ${err.stack}`);
      for (const x of devices) {
        await x.page.screenshot({ path: path.join(ARTIFACTS, `failure-sync-soak-${x.name}.png`), fullPage: true }).catch(() => {});
        t.diagnostic(`device ${x.name} errors: ${JSON.stringify(x.app.errors)}`);
      }
      t.diagnostic(`failed at step ${step}: replay with SYNC_SOAK_SEED=${SEED} SYNC_SOAK_OPS=${OPS}; log: ${path.relative(process.cwd(), LOG_FILE)}`);
      throw err;
    }
  }
  const randomMs = Date.now() - started;

  // ---- the end: both online, server up, sync until nothing changes ----------------------------

  for (const d of devices) {
    if (isOffline(d, step)) await d.app.context.setOffline(false);
    d.offlineUntil = -1;
  }
  if (serverDownUntil > step) await couch.up();
  serverDownUntil = -1;
  const final = step + 1;
  let quiet = 0;
  let rounds = 0;
  while (quiet < 2) {
    rounds += 1;
    assert.ok(rounds <= MAX_ROUNDS, `the devices were still exchanging changes after ${MAX_ROUNDS} rounds of syncs`);
    const seqBefore = JSON.stringify((await dbInfo(couch.url, DB)).update_seq);
    const a = await sync(A, final);
    const b = await sync(B, final);
    const seqAfter = JSON.stringify((await dbInfo(couch.url, DB)).update_seq);
    const changed = a.delta > 0 || b.delta > 0 || seqBefore !== seqAfter;
    log(`final round ${rounds}: A received ${a.delta}, B received ${b.delta}, server seq ${seqBefore} → ${seqAfter}`);
    quiet = changed ? 0 : quiet + 1;
  }
  for (const d of devices) {
    const state = await run(d, ([ms]) => window.__soak.syncFinish(ms), SYNC_MS);
    assert.match(state.status, /Changes waiting to go up: 0\./, `device ${d.name} still has changes waiting after the final syncs`);
  }

  // ---- compare ----------------------------------------------------------------------------------

  /** Without the fields that say nothing (empty text, none, an empty list). */
  const clean = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => !(v === '' || v === null || v === undefined || (Array.isArray(v) && !v.length))));
  const docOf = (doc) => {
    const { _id, _rev, _conflicts, _deleted_conflicts, ...fields } = doc;
    return clean({ uid: _id, ...fields });
  };
  /** A device's records as documents: the local id and the index keys left out, `stars` as `rating`. */
  const asDoc = (record) => {
    const { id, uid, stars, keys, title_key, author_key, genre_key, ...rest } = record;
    return clean({ uid, ...rest, rating: stars });
  };
  const canonical = (o) => JSON.stringify(Object.keys(o).sort().reduce((acc, k) => ({ ...acc, [k]: o[k] }), {}));
  const byUid = (xs) => new Map(xs.map((x) => [x.uid, x]));

  const docs = await bookDocs(couch.url, DB);
  const serverBooks = docs.map(docOf);
  const deviceBooks = {};
  for (const d of devices) deviceBooks[d.name] = (await storedRecords(d.page)).map(asDoc);
  const problems = [];
  const counts = { lost: 0, duplicated: 0, resurrected: 0, wrong: 0, unknown: 0 };

  for (const [name, books] of [['A', deviceBooks.A], ['B', deviceBooks.B], ['server', serverBooks]]) {
    const uids = new Set();
    const titles = new Set();
    for (const book of books) {
      if (uids.has(book.uid)) { counts.duplicated += 1; problems.push(`${name}: uid ${book.uid} twice`); }
      if (titles.has(book.title)) { counts.duplicated += 1; problems.push(`${name}: title “${book.title}” twice`); }
      uids.add(book.uid);
      titles.add(book.title);
      if (!versionsOf.has(book.uid)) { counts.unknown += 1; problems.push(`${name}: a book nobody wrote: ${canonical(book)}`); }
    }
  }
  const maps = { A: byUid(deviceBooks.A), B: byUid(deviceBooks.B), server: byUid(serverBooks) };
  // The devices and the server hold the same books, field for field.
  for (const uid of new Set([...maps.A.keys(), ...maps.B.keys(), ...maps.server.keys()])) {
    const [a, b, s] = ['A', 'B', 'server'].map((n) => maps[n].get(uid));
    if (!a || !b || !s || canonical(a) !== canonical(b) || canonical(a) !== canonical(s)) {
      problems.push(`book ${uid} differs: A ${a ? canonical(a) : 'absent'}; B ${b ? canonical(b) : 'absent'}; server ${s ? canonical(s) : 'absent'}`);
    }
  }
  // Each as the model says.
  const inConflict = [];
  let survivedDelete = 0;
  let deleted = 0;
  for (const uid of versionsOf.keys()) {
    const { live, deletedLeaves } = expected(uid);
    const held = ['A', 'B', 'server'].map((n) => [n, maps[n].get(uid)]);
    if (!live.length) {
      deleted += 1;
      for (const [n, book] of held) {
        if (book) { counts.resurrected += 1; problems.push(`${n}: deleted book ${uid} is back: ${canonical(book)}`); }
      }
      continue;
    }
    if (deletedLeaves.length) survivedDelete += 1;
    if (live.length > 1) inConflict.push(uid);
    for (const [n, book] of held) {
      if (!book) { counts.lost += 1; problems.push(`${n}: book ${uid} lost (expected ${live.map((v) => show(v.fields)).join(' or ')})`); continue; }
      if (!live.some((v) => sameFields(v.fields, fieldsOf(book)))) {
        counts.wrong += 1;
        problems.push(`${n}: book ${uid} is ${show(fieldsOf(book))}, expected ${live.map((v) => `v${v.vid} ${show(v.fields)}`).join(' or ')}`);
      }
    }
  }
  // The books in conflict are those the server lists with _conflicts (and no others).
  const listed = new Set(docs.filter((doc) => doc._conflicts?.length).map((doc) => doc._id));
  for (const uid of inConflict) if (!listed.has(uid)) problems.push(`book ${uid} was edited on both devices while apart but the server lists no conflict for it`);
  for (const uid of listed) if (!inConflict.includes(uid)) problems.push(`the server lists a conflict for book ${uid}, which the model has as ${expected(uid).live.map((v) => show(v.fields)).join(' / ') || 'deleted'}`);
  for (const doc of docs) {
    const want = expected(doc._id).live.length - 1;
    if (versionsOf.has(doc._id) && (doc._conflicts?.length ?? 0) !== Math.max(0, want)) {
      problems.push(`book ${doc._id}: the server lists ${doc._conflicts?.length ?? 0} conflicting versions, the model ${want}`);
    }
  }
  const summary = `${stats.ops} operations${cut ? ` (of ${OPS}: the time budget of ${BUDGET_MS / 1000} s ran out)` : ''} in ${stats.steps} steps (${stats.imported} books in ${stats.imports} imports, ${stats.formAdds} added with the form, ${stats.edits} edits, ${stats.deletes} deletes; ${stats.bothEdited} books edited on both devices and ${stats.editVsDelete} edited on one and deleted on the other at once), ${stats.syncs} syncs (${stats.syncsOk} ok, ${stats.syncsOffline} offline, ${stats.syncsDown} with the server down, ${stats.concurrentSyncs} on both at once, ${stats.addsDuringSync} with a book added meanwhile), ${stats.offlinePeriods} offline periods, ${stats.serverRestarts} server restart, ${stats.reloads} reloads, ${rounds} final rounds; ${maps.server.size} books at the end, ${deleted} deleted, ${inConflict.length} in conflict, ${survivedDelete} survived a delete; lost ${counts.lost}, duplicated ${counts.duplicated}, resurrected ${counts.resurrected}, wrong ${counts.wrong}, unknown ${counts.unknown}; ${stats.couchConsoleErrors} console errors about the server's address (404s, refused)`;
  log(summary);
  for (const p of problems) log(`PROBLEM ${p}`);
  if (problems.length) {
    t.diagnostic(summary);
    for (const p of problems.slice(0, 40)) t.diagnostic(p);
    assert.fail(`${problems.length} problems after the final syncs (first: ${problems[0]}); seed ${SEED}`);
  }

  // ---- conflicts can be listed, and resolved ------------------------------------------------------

  const conflictPages = inConflict.slice(0, CONFLICT_PAGES);
  for (const uid of conflictPages) {
    for (const d of devices) {
      const record = await recordByUid(d, uid);
      const shown = await run(d, ([id, title, ms]) => window.__soak.conflictShown(id, title, true, ms), record.id, record.title, OP_MS);
      assert.ok(shown, `device ${d.name}: the page of book ${uid} (edited on both devices while apart) does not show "Edited on two devices"`);
    }
  }
  const calm = [...maps.server.keys()].filter((uid) => !listed.has(uid)).slice(0, 3);
  for (const uid of calm) {
    const record = await recordByUid(A, uid);
    const shown = await run(A, ([id, title, ms]) => window.__soak.conflictShown(id, title, false, ms), record.id, record.title, OP_MS);
    assert.ok(!shown, `device A: book ${uid} shows "Edited on two devices" though it is in conflict nowhere`);
  }
  const resolved = inConflict.slice(0, RESOLVE);
  const kept = new Map();
  for (const uid of resolved) {
    const record = await recordByUid(A, uid);
    await run(A, ([id, n, ms]) => window.__soak.keep(id, n, ms), record.id, 2, OP_MS);
    const now = await recordByUid(A, uid);
    const { live } = expected(uid);
    assert.ok(live.some((v) => sameFields(v.fields, fieldsOf(now))), `device A: after "Keep version 2", book ${uid} is ${show(fieldsOf(now))}, not one of its versions`);
    if (live.length === 2) assert.ok(!sameFields(fieldsOf(now), fieldsOf(record)), `device A: "Keep version 2" of a two-version conflict left book ${uid} as version 1`);
    kept.set(uid, fieldsOf(now));
  }
  if (resolved.length) {
    await sync(A, final);
    await sync(B, final);
    await sync(A, final);
    const after = new Map((await bookDocs(couch.url, DB)).map((doc) => [doc._id, doc]));
    for (const [uid, fields] of kept) {
      const doc = after.get(uid);
      assert.ok(doc, `book ${uid} gone from the server after keeping one of its versions`);
      assert.deepEqual(doc._conflicts ?? [], [], `book ${uid}: the server still lists conflicts after "Keep version 2" was synced`);
      assert.ok(sameFields(fieldsOf(doc), fields), `server: book ${uid} is ${show(fieldsOf(doc))} after keeping ${show(fields)}`);
      for (const d of devices) {
        const record = await recordByUid(d, uid);
        assert.ok(record && sameFields(fieldsOf(record), fields), `device ${d.name}: book ${uid} is ${show(record && fieldsOf(record))} after keeping ${show(fields)} on A and syncing`);
        const shown = await run(d, ([id, title, ms]) => window.__soak.conflictShown(id, title, false, ms), record.id, record.title, OP_MS);
        assert.ok(!shown, `device ${d.name}: book ${uid} still shows "Edited on two devices" after the choice was synced`);
      }
    }
    const a = (await storedRecords(A.page)).map(asDoc);
    const b = (await storedRecords(B.page)).map(asDoc);
    assert.deepEqual(a.map(canonical).sort(), b.map(canonical).sort(), 'after resolving, the devices differ');
  }
  for (const d of devices) checkErrors(d);

  const spent = Object.entries(timing).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(0)} s`).join(', ');
  const line = `sync soak: seed ${SEED}: ${summary}; ${conflictPages.length} conflict pages checked on both devices, ${resolved.length} resolved; random part ${(randomMs / 1000).toFixed(0)} s (${spent}), total ${((Date.now() - started) / 1000).toFixed(0)} s`;
  log(line);
  t.diagnostic(line);
  for (const d of devices) await d.app.close();
});
