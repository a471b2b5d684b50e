// Sync against a replicator nobody here wrote (issue 17): the `pouchdb` npm package in Node,
// replicating the same server database, sees exactly the app's books, field by field; a document
// PouchDB writes appears in the app after "Sync now", one it deletes disappears; and a conflict
// PouchDB makes (two branches, new_edits: false) shows in the app as "Edited on two devices" with
// the winner PouchDB reports, and keeping a version resolves it for PouchDB too.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { useBrowserAndServer, addBook, rowFor, storedRecords, waitFor } from './helpers.mjs';
import { startCouch, createDb, localPouch } from './couch.mjs';
import {
  withDevices, deviceBooks, serverBooks, bookOfDoc, BOOK_FIELDS, titles, goBooks, openBook, importBooks,
  syncOk, conflictHeading, readConflict, conflictRow, CONFLICT_HEADING,
} from './sync-helpers.mjs';

const shared = useBrowserAndServer();
let couch;
before(async () => { couch = await startCouch(); });
after(async () => { await couch?.stop(); });

let dbNumber = 0;
async function freshDb(label) {
  dbNumber += 1;
  const name = `interop-${label}-${dbNumber}`;
  await createDb(couch.url, name);
  return name;
}

/** A Node PouchDB replica of the server database `db`: `pull()` and `push()` replicate once. */
async function nodeReplica(db) {
  const local = await localPouch();
  const remote = local.remote(couch.url, db);
  return {
    db: local.db,
    pull: () => local.PouchDB.replicate(remote, local.db),
    push: () => local.PouchDB.replicate(local.db, remote),
    /** Its documents (winners, not deleted, no _design/), sorted by _id as JS compares text. */
    async docs() {
      const { rows } = await local.db.allDocs({ include_docs: true, conflicts: true });
      return rows.filter((r) => !r.id.startsWith('_design/')).map((r) => r.doc)
        .sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    },
    async close() {
      await remote.close().catch(() => {});
      await local.destroy();
    },
  };
}

const device = (t, fn) => withDevices(t, shared.browser, shared.server.url, [couch.url], ['A'], fn);

/** Books with every field the export writes, as a Bookshelf JSON file holds them. */
const FULL_BOOKS = [
  {
    uid: 'interop-edgedancer', title: 'Edgedancer', author: 'Brandon Sanderson', genre: 'Fantasy',
    isbn: '9781250166548', year: 2016, rating: 4.25, status: 'did-not-finish',
    readings: [{ started: '2024-01-06', finished: '2024-01-20' }, { started: '2024-05-01' }],
    tags: ['fantasy', 'novella; short'], series: { name: 'The Stormlight Archive', number: 2.5 },
    pages: 272, publisher: 'Tor', format: 'hardcover', added: '2024-01-05', copies: 2, location: 'Study',
    loans: [
      { borrower: 'Ada', lent_on: '2024-02-01', due: '2024-02-15', returned: '2024-02-10' },
      { borrower: 'Bo', lent_on: '2024-03-01', due: '2099-03-15' },
    ],
    note: 'line one\nline two, "quoted" — ünïcødé 📚',
  },
  {
    uid: 'interop-hobbit', title: 'The Hobbit', author: 'J. R. R. Tolkien', genre: '',
    isbn: '9780261102217', year: 1937, rating: 5, status: 'read', added: '2023-12-24', format: 'paperback',
    copies: 0,
  },
  { uid: 'interop-plain', title: '村上春樹', author: 'Лев Толстой', genre: 'שלום' },
];

test('i1: PouchDB in Node replicates exactly the app\'s books, every field', { timeout: 90_000 }, async (t) => {
  const db = await freshDb('fields');
  const replica = await nodeReplica(db);
  try {
    await device(t, async (A) => {
      await importBooks(A.page, FULL_BOOKS);
      await addBook(A.page, { title: 'Typed In', author: 'By Hand', genre: 'Form' });
      await syncOk(A, { server: couch.url, db });
      await replica.pull();
      const docs = await replica.docs();
      const app = await deviceBooks(A.page);
      assert.equal(docs.length, 4);
      assert.deepEqual(docs.map(bookOfDoc), app, 'PouchDB holds the app\'s books, field by field');
      // As written: the imported books' fields are the documents' members, nothing else.
      for (const book of FULL_BOOKS) {
        const doc = docs.find((d) => d._id === book.uid);
        assert.ok(doc, `a document with _id ${book.uid}`);
        const { _id, _rev, ...fields } = doc;
        const { uid, ...expected } = book;
        for (const name of Object.keys(fields)) assert.ok(BOOK_FIELDS.includes(name), `member ${name} is a book field`);
        assert.deepEqual(bookOfDoc(doc), { uid, ...bookOfDoc({ _id: uid, ...expected }) }, `${book.title}: every field`);
      }
      assert.deepEqual(await serverBooks(couch.url, db), app);
    });
  } finally {
    await replica.close();
  }
});

test('i2: a document PouchDB writes appears in the app; one PouchDB deletes disappears', { timeout: 90_000 }, async (t) => {
  const db = await freshDb('writes');
  const replica = await nodeReplica(db);
  const settings = { server: couch.url, db };
  try {
    await device(t, async (A) => {
      await addBook(A.page, { title: 'Deleted By PouchDB', author: 'App', genre: '' });
      await addBook(A.page, { title: 'Kept', author: 'App', genre: '' });
      await syncOk(A, settings);
      await replica.pull();

      const written = {
        _id: randomUUID(), title: 'Written By PouchDB', author: 'Node Script', genre: 'Tooling', isbn: '9780141026169',
        year: 1999, rating: 3.5, status: 'reading', tags: ['cli', 'node'], series: { name: 'Scripts', number: 1 },
        pages: 123, publisher: 'npm', format: 'ebook', added: '2025-06-01', copies: 1, location: 'Disk',
        readings: [{ started: '2025-06-02' }], note: 'from PouchDB',
      };
      await replica.db.put(written);
      const victim = (await replica.docs()).find((d) => d.title === 'Deleted By PouchDB');
      await replica.db.remove(victim);
      await replica.push();

      await syncOk(A, settings);
      await goBooks(A.page);
      await rowFor(A.page, 'Written By PouchDB').waitFor({ state: 'visible' });
      await waitFor(async () => assert.equal(await rowFor(A.page, 'Deleted By PouchDB').count(), 0),
        { message: 'the book PouchDB deleted is gone from the list' });
      const books = await deviceBooks(A.page);
      assert.deepEqual(titles(books), ['Kept', 'Written By PouchDB']);
      assert.deepEqual(books.find((b) => b.title === 'Written By PouchDB'), bookOfDoc(written), 'every field PouchDB wrote');
      assert.deepEqual(await serverBooks(couch.url, db), books);
    });
  } finally {
    await replica.close();
  }
});

test('i3: a conflict PouchDB makes shows as edited on two devices, with PouchDB\'s winner shown; keeping a version resolves it for PouchDB too', { timeout: 90_000 }, async (t) => {
  const db = await freshDb('conflict');
  const replica = await nodeReplica(db);
  const settings = { server: couch.url, db };
  try {
    await device(t, async (A) => {
      await addBook(A.page, { title: 'Forked', author: 'Root Author', genre: 'Root' });
      await syncOk(A, settings);
      await replica.pull();
      const root = (await replica.docs()).find((d) => d.title === 'Forked');
      const [generation, hash] = root._rev.split('-');
      assert.equal(generation, '1');
      // Two children of the root revision, as two devices apart would write them.
      const branch = (letter, author) => ({
        ...root, author, _rev: `2-${letter.repeat(32)}`, _revisions: { start: 2, ids: [letter.repeat(32), hash] },
      });
      await replica.db.bulkDocs([branch('a', 'Branch A Author'), branch('b', 'Branch B Author')], { new_edits: false });
      const forked = await replica.db.get(root._id, { conflicts: true });
      assert.equal(forked._conflicts?.length, 1, 'PouchDB holds a conflict');
      const winner = forked.author;
      const loser = winner === 'Branch A Author' ? 'Branch B Author' : 'Branch A Author';
      await replica.push();

      await syncOk(A, settings);
      await openBook(A.page, 'Forked');
      await conflictHeading(A.page).waitFor({ state: 'visible' });
      const conflict = await readConflict(A.page);
      assert.deepEqual(conflict.headers, ['Field', 'Version 1 (shown)', 'Version 2']);
      const author = conflictRow(conflict, /author/i);
      assert.deepEqual([author['Version 1 (shown)'], author['Version 2']], [winner, loser], 'version 1 (shown) is PouchDB\'s winner');
      assert.equal((await storedRecords(A.page)).find((r) => r.uid === root._id).author, winner, 'the app stores the winner');

      await A.page.getByRole('button', { name: 'Keep version 2', exact: true }).click();
      await syncOk(A, settings);
      await openBook(A.page, 'Forked');
      await waitFor(async () => assert.equal(await conflictHeading(A.page).count(), 0), { message: `"${CONFLICT_HEADING}" gone after keeping version 2 and syncing` });
      await replica.pull();
      const resolved = await replica.db.get(root._id, { conflicts: true });
      assert.equal(resolved.author, loser, 'PouchDB has version 2 (the choice made in the app went up to the server)');
      assert.equal(resolved._conflicts, undefined, `PouchDB no longer sees a conflict: ${JSON.stringify(resolved)}`);
      assert.deepEqual(await deviceBooks(A.page), (await replica.docs()).map(bookOfDoc));
    });
  } finally {
    await replica.close();
  }
});
