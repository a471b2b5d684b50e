// "A write shown as done is committed": the app shows an add, an edit, a delete or an import as
// done only after its IndexedDB transaction's `complete` event, and shows an aborted one as a
// failure, with nothing of it stored.
//
// A commit takes about a millisecond, so a test that only waits for the row to appear would pass
// even if the app showed writes before `complete`. Here an init script wraps
// `IDBDatabase.prototype.transaction` (the app writes through rexie and through a plain connection
// with a `durability` option, `src/store/strict.rs`; both go through it): while the test says so,
// every read-write transaction over `books` is held open by a request that is always pending, so it
// cannot commit, until the test lets it go — to commit, or to be aborted by the page
// (`transaction.abort()`, an abort at commit time: every request of the app has succeeded).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  useBrowserAndServer, addForm, bookCount, expectCount, field, fillAndSubmit, readTable, rowFor,
  staysTrue, storedRecords, waitFor, waitForList, TIMEOUT,
} from './helpers.mjs';

const shared = useBrowserAndServer();

/** How long "nothing is shown as done" is watched while a commit is held back. */
const HELD_MILLIS = 1_000;

/**
 * The commit gate, installed in the page before the app runs. `window.__commitGate.mode` is
 * 'pass' (no effect) or 'hold' (read-write transactions over `books` started from now on are held);
 * each held transaction is an entry of `held`, with how it ended (`ending`: null, 'complete' or
 * 'abort') and what the test asked (`release`: null, 'commit' or 'abort').
 */
function installCommitGate() {
  const original = IDBDatabase.prototype.transaction;
  const gate = { mode: 'pass', held: [] };
  window.__commitGate = gate;
  IDBDatabase.prototype.transaction = function transaction(stores, mode, options) {
    const tx = options === undefined
      ? original.call(this, stores, mode)
      : original.call(this, stores, mode, options);
    const names = typeof stores === 'string' ? [stores] : Array.from(stores);
    if (gate.mode !== 'hold' || mode !== 'readwrite' || !names.includes('books')) return tx;
    const entry = { ending: null, release: null, durability: (options && options.durability) || 'default' };
    tx.addEventListener('complete', () => { entry.ending = 'complete'; });
    tx.addEventListener('abort', () => { entry.ending = 'abort'; });
    gate.held.push(entry);
    const store = tx.objectStore('books');
    // One request of ours is always pending, so the transaction cannot commit; each one issues the
    // next from its success callback, until the test lets the transaction go.
    const keepOpen = () => {
      if (entry.ending || entry.release === 'commit') return;
      if (entry.release === 'abort') {
        tx.abort();
        return;
      }
      store.get(-1).onsuccess = keepOpen;
    };
    keepOpen();
    return tx;
  };
}

/** Opens the app in a fresh context with the gate installed; records page and console errors. */
async function start() {
  const context = await shared.browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  await context.addInitScript(installCommitGate);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/favicon\.ico/.test(message.location()?.url || '')) {
      errors.push(`console.error: ${message.text()}`);
    }
  });
  await page.goto(shared.server.url);
  await waitForList(page);
  return { context, page, errors };
}

const gate = {
  /** Holds every read-write transaction over `books` started from now on. */
  hold: (page) => page.evaluate(() => { window.__commitGate.mode = 'hold'; }),
  /** Waits until `count` transactions have been held in all. */
  async started(page, count) {
    await waitFor(async () => assert.ok(
      (await page.evaluate(() => window.__commitGate.held.length)) >= count,
      'the write transaction has started',
    ));
  },
  /** Lets every held transaction go, to commit or to be aborted; holds no more. */
  release: (page, how) => page.evaluate((release) => {
    window.__commitGate.mode = 'pass';
    for (const entry of window.__commitGate.held) if (!entry.release) entry.release = release;
  }, how),
  /** How each held transaction ended so far. */
  endings: (page) => page.evaluate(() => window.__commitGate.held.map((entry) => entry.ending)),
  /** The durability each held transaction asked for. */
  durabilities: (page) => page.evaluate(() => window.__commitGate.held.map((entry) => entry.durability)),
};

const confirmations = (page) => page.locator('.notices [role="status"] .notice');
const confirmation = (page, text) => confirmations(page).filter({ hasText: text });
/** Error notices: the notice list's alerts, and the Import section's own. */
const errorNotices = (page) => page.locator('[role="alert"] .notice-error, p.notice-error[role="alert"]');
const importControl = (page) => page.getByLabel('Import', { exact: true });
const importButton = (page) => page.getByRole('button', { name: /^Import \d+ books?$/ });
const editDialog = (page) => page.getByRole('dialog');
const titleField = (page) => field(addForm(page), 'Title');
const genreOf = async (page, title) => (await readTable(page)).find((row) => row.Title === title)?.Genre;

/** The books a CSV of `titles` (by "Imported Author") becomes. */
const csvOf = (titles) => `title,author\n${titles.map((title) => `${title},Imported Author`).join('\n')}\n`;

/** Adds books without holding anything, and waits until the count says `count`. */
async function seed(page, titles, count) {
  await importControl(page).setInputFiles({ name: 'seed.csv', mimeType: 'text/csv', buffer: Buffer.from(csvOf(titles)) });
  await importButton(page).click();
  await expectCount(page, count);
  // The seed's own confirmation is not the one the test looks for.
  await confirmations(page).getByRole('button', { name: 'Dismiss' }).click();
}

/**
 * Is `text` in Chromium's accessibility tree, what a screen reader can read? (A modal dialog takes
 * the rest of the page out of it.)
 */
async function readable(page, text) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  await cdp.detach();
  return nodes.some((node) => !node.ignored && String(node.name?.value ?? '').includes(text));
}

/**
 * Waits until the page shows one error, checks that it says nothing changed and that a screen
 * reader can read it, and returns its text.
 */
async function oneError(page) {
  await waitFor(async () => assert.equal(await errorNotices(page).count(), 1, 'one error notice'));
  // (A notice of the list holds its text in a span, beside its Dismiss button.)
  const text = await errorNotices(page).first().evaluate((el) => (el.querySelector('span') ?? el).textContent.trim());
  assert.match(text, /Nothing was changed|Nothing was imported|nothing was written/i, `the notice says nothing changed: ${text}`);
  assert.ok(await readable(page, text), `the error is in the accessibility tree: ${text}`);
  // The page aborted it with plenty of room: the cause is not guessed as a full disk.
  assert.doesNotMatch(text, /Storage is full/, 'an abort with room to spare is not "storage is full"');
  return text;
}

// Each write the person can make, on a catalogue seeded with "Kept Book" and "Other Book":
// `prepare` does what comes before and writes nothing (an import's preview), `act` is what writes
// (the click on Add, Save, Delete or "Import N books"); `notDone` is true while nothing on the
// page says it is done; `done` waits until all of it is shown; `failed` checks the page after an
// abort (the error is already checked); `left` is what the table must show after a reload.
const WRITES = {
  add: {
    act: (page) => fillAndSubmit(page, { title: 'New Book', author: 'Someone', genre: '' }),
    // The form keeps what was typed, no row, no "Added".
    notDone: async (page) => await titleField(page).inputValue() === 'New Book'
      && await rowFor(page, 'New Book').count() === 0
      && await confirmation(page, 'Added').count() === 0,
    async done(page) {
      await rowFor(page, 'New Book').waitFor({ state: 'visible' });
      await confirmation(page, 'Added “New Book”').waitFor();
      assert.equal(await titleField(page).inputValue(), '', 'the form is cleared');
    },
    async failed(page) {
      assert.equal(await titleField(page).inputValue(), 'New Book', 'what was typed is kept, to try again');
      assert.equal(await confirmation(page, 'Added').count(), 0);
      assert.equal(await rowFor(page, 'New Book').count(), 0);
    },
  },
  edit: {
    async act(page) {
      await page.getByRole('button', { name: 'Edit Kept Book', exact: true }).click();
      await field(editDialog(page), 'Genre').fill('Edited Genre');
      await editDialog(page).getByRole('button', { name: 'Save' }).click();
    },
    // The dialog stays open; the row keeps its old genre.
    notDone: async (page) => await editDialog(page).isVisible() && await genreOf(page, 'Kept Book') === '',
    async done(page) {
      await editDialog(page).waitFor({ state: 'hidden' });
      await waitFor(async () => assert.equal(await genreOf(page, 'Kept Book'), 'Edited Genre'));
    },
    async failed(page, error) {
      assert.ok(await editDialog(page).isVisible(), 'the dialog stays open');
      assert.equal((await editDialog(page).getByRole('alert').textContent()).trim(), error, 'the error is said in the dialog');
      assert.equal(await field(editDialog(page), 'Genre').inputValue(), 'Edited Genre', 'what was typed is kept');
      await editDialog(page).getByRole('button', { name: 'Cancel' }).click();
      await editDialog(page).waitFor({ state: 'hidden' });
      assert.equal(await genreOf(page, 'Kept Book'), '');
    },
  },
  delete: {
    act: (page) => page.getByRole('button', { name: 'Delete Kept Book', exact: true }).click(),
    // The row stays; no "Deleted" with its Undo.
    notDone: async (page) => await rowFor(page, 'Kept Book').count() === 1
      && await confirmation(page, 'Deleted').count() === 0,
    async done(page) {
      await confirmation(page, 'Deleted “Kept Book”').waitFor();
      await rowFor(page, 'Kept Book').waitFor({ state: 'detached' });
    },
    async failed(page) {
      assert.equal(await confirmation(page, 'Deleted').count(), 0);
      await rowFor(page, 'Kept Book').waitFor({ state: 'visible' });
    },
  },
  import: {
    async prepare(page) {
      await importControl(page).setInputFiles({ name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from(csvOf(['New One', 'New Two'])) });
      await importButton(page).waitFor();
    },
    act: (page) => importButton(page).click(),
    // No "Imported N books", no new rows.
    notDone: async (page) => await confirmation(page, 'Imported').count() === 0
      && await rowFor(page, 'New One').count() === 0,
    async done(page) {
      await confirmation(page, 'Imported 2 books.').waitFor();
      await expectCount(page, '4 books');
    },
    async failed(page) {
      assert.equal(await confirmation(page, 'Imported').count(), 0);
      await importControl(page).waitFor(); // ready for the next file
    },
  },
};
// (The seed import's own transaction is not held: the gate closes only once it is done.)
const SEEDED = [['Kept Book', ''], ['Other Book', '']];

for (const [name, write] of Object.entries(WRITES)) {
  test(`${name}: held back, it is not shown as done until its commit; let go, it is`, { timeout: 60_000 }, async () => {
    const { context, page, errors } = await start();
    await seed(page, SEEDED.map(([title]) => title), '2 books');
    await write.prepare?.(page);
    await gate.hold(page);
    await write.act(page);
    await gate.started(page, 1);
    await staysTrue(() => write.notDone(page), { duration: HELD_MILLIS, message: `a held ${name} is shown as done` });
    assert.deepEqual(await gate.endings(page), [null], 'still held: not committed, not aborted');
    await gate.release(page, 'commit');
    await write.done(page);
    assert.deepEqual(await gate.endings(page), ['complete']);
    // An import asks for strict durability; single writes keep the browser's default.
    assert.deepEqual(await gate.durabilities(page), [name === 'import' ? 'strict' : 'default']);
    assert.equal(await errorNotices(page).count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`${name}: aborted at commit, it is shown as a failure and leaves nothing`, { timeout: 60_000 }, async () => {
    const { context, page, errors } = await start();
    await seed(page, SEEDED.map(([title]) => title), '2 books');
    const before = await storedRecords(page);
    await write.prepare?.(page);
    await gate.hold(page);
    await write.act(page);
    await gate.started(page, 1);
    // Held a moment first, so that the app's own requests have all succeeded: the abort comes at
    // commit time (and nothing is shown as done meanwhile, as above).
    await staysTrue(() => write.notDone(page), { duration: HELD_MILLIS, message: `a held ${name} is shown as done` });
    await gate.release(page, 'abort');
    const error = await oneError(page);
    assert.match(error, /without saying why/, 'the abort came at commit, with no cause given');
    await write.failed(page, error);
    assert.deepEqual(await gate.endings(page), ['abort']);

    // After a reload the store holds exactly what it held before, and the app shows just that.
    await page.reload();
    await waitForList(page);
    await expectCount(page, '2 books');
    assert.deepEqual(await storedRecords(page), before, `nothing of the aborted ${name} is stored`);
    assert.deepEqual((await readTable(page)).map((row) => [row.Title, row.Genre]), SEEDED);
    // Nor in the search index, which every write rewrites in the same transaction.
    await page.getByRole('searchbox', { name: 'Search' }).fill('new');
    await waitFor(async () => assert.equal((await bookCount(page).textContent()).trim(), '0 of 2 books'));
    assert.deepEqual(errors, []);
    await context.close();
  });
}
