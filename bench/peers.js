// The benchmark's JavaScript peers: the same operations as src/bench.rs, on the same record shape
// and the same indexes, once in raw IndexedDB written by hand (the fastest honest way: one
// transaction per call, every request issued before any is awaited) and once in Dexie 4.
//
// Each system is an object with open(name), close(), insert(records), readAll(), page(position,
// limit, total), pageAfter(titleKey, id, limit), count(), search(text, limit) (a scan of the
// store), searchIndexed(text, limit, cold) (the same search over an in-memory index like ours:
// every book's folded title, author and genre as one string, built from one getAll) and
// singleOps(records, ids). The timed calls resolve to { ms, rows, first, ids } like src/bench.rs:
// milliseconds, how many rows came back, the first id, and the ids shown (a page's, a search's
// first matches; first and last otherwise). Records come from the wasm's sample_records(), so
// every system stores exactly the same books.

import Dexie from './dexie.mjs';

/** Folds like src/query.rs `fold`: accents dropped, lowercased, spaces collapsed. */
export function fold(text) {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim().replace(/\s+/g, ' ');
}

/** Resolves with a request's result once it succeeds. */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves once a transaction has committed. */
function committed(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
  });
}

/** Deletes a database (every connection to it must be closed first). */
export function deleteDb(name) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error(`deleting ${name} is blocked by an open connection`));
  });
}

/** Does a stored record match a folded search text (title, author or genre, folded)? */
function matches(record, text) {
  return (
    record.title_key.includes(text) || record.author_key.includes(text) || record.genre_key.includes(text)
  );
}

/** A read's answer: its rows, first id, and first and last ids. */
function answer(ms, rows) {
  const ids = rows.length ? [rows[0].id, rows[rows.length - 1].id] : [];
  return { ms, rows: rows.length, first: rows[0]?.id ?? null, ids };
}

/** A page's answer: every id and title on it, and where the next page starts. */
function pageAnswer(ms, rows) {
  return {
    ms,
    rows: rows.length,
    first: rows[0]?.id ?? null,
    ids: rows.map((r) => r.id),
    titles: rows.map((r) => r.title),
    last_key: rows.length ? rows[rows.length - 1].title_key : null,
  };
}

/** The separator between fields of the in-memory index (fold() never leaves one in a field). */
const FIELD = '\u001f';

/**
 * An in-memory search index as src/search.rs keeps it: ids, and every book's folded title, author
 * and genre joined by a separator (so a match never spans two fields), in id order.
 */
function buildIndex(records) {
  const ids = new Array(records.length);
  const lines = new Array(records.length);
  for (let i = 0; i < records.length; i += 1) {
    const r = records[i];
    ids[i] = r.id;
    lines[i] = `${r.title_key}${FIELD}${r.author_key}${FIELD}${r.genre_key}`;
  }
  return { ids, lines };
}

/** Every id whose line contains `query` (id order). */
function scanIndex(index, query) {
  const found = [];
  for (let i = 0; i < index.lines.length; i += 1) if (index.lines[i].includes(query)) found.push(index.ids[i]);
  return found;
}

const SEARCH_BATCH = 10_000;

/** Hand-written IndexedDB: store "books", keyPath "id", autoIncrement, [key, id] indexes, isbn. */
export const raw = {
  db: null,

  async open(name) {
    this.close();
    this.db = await new Promise((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => {
        const books = request.result.createObjectStore('books', { keyPath: 'id', autoIncrement: true });
        books.createIndex('by_title', ['title_key', 'id']);
        books.createIndex('by_author', ['author_key', 'id']);
        books.createIndex('by_genre', ['genre_key', 'id']);
        books.createIndex('by_isbn', 'isbn');
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error(`opening ${name} is blocked`));
    });
  },

  close() {
    this.db?.close();
    this.db = null;
    this.index = null;
  },

  /** One read-write transaction, every add issued at once, timed until it commits. */
  async insert(records) {
    const start = performance.now();
    const tx = this.db.transaction('books', 'readwrite');
    const commit = committed(tx);
    const store = tx.objectStore('books');
    let last;
    for (const record of records) last = store.add(record);
    const lastKey = await done(last);
    await commit;
    const ms = performance.now() - start;
    const first = lastKey - records.length + 1;
    return { ms, rows: records.length, first, ids: [first, lastKey] };
  },

  async readAll() {
    const start = performance.now();
    const tx = this.db.transaction('books', 'readonly');
    const rows = await done(tx.objectStore('books').getAll());
    return answer(performance.now() - start, rows);
  },

  /**
   * A jump: skips index keys with a key cursor from the nearer end of `total` (as ours does),
   * then reads the page with one getAll from the key it stops on.
   */
  async page(position, limit, total) {
    const start = performance.now();
    const tx = this.db.transaction('books', 'readonly');
    const index = tx.objectStore('books').index('by_title');
    const backwards = position > Math.floor(total / 2);
    const skip = backwards ? total - position - 1 : position;
    let range = null;
    if (skip > 0 || backwards) {
      const key = await new Promise((resolve, reject) => {
        const request = index.openKeyCursor(null, backwards ? 'prev' : 'next');
        let skipped = skip === 0;
        request.onsuccess = () => {
          const cursor = request.result;
          if (!cursor) return resolve(undefined);
          if (!skipped) {
            skipped = true;
            cursor.advance(skip);
          } else {
            resolve(cursor.key);
          }
        };
        request.onerror = () => reject(request.error);
      });
      if (key === undefined) return pageAnswer(performance.now() - start, []);
      range = IDBKeyRange.lowerBound(key);
    }
    const rows = await done(index.getAll(range, limit));
    return pageAnswer(performance.now() - start, rows);
  },

  /** A page by key: one getAll on the title index from just after the row before. */
  async pageAfter(titleKey, id, limit) {
    const start = performance.now();
    const tx = this.db.transaction('books', 'readonly');
    const index = tx.objectStore('books').index('by_title');
    const rows = await done(index.getAll(IDBKeyRange.lowerBound([titleKey, id], true), limit));
    return pageAnswer(performance.now() - start, rows);
  },

  async count() {
    const start = performance.now();
    const tx = this.db.transaction('books', 'readonly');
    const count = await done(tx.objectStore('books').count());
    return { ms: performance.now() - start, rows: count, first: null };
  },

  /** Scans every record (getAll in batches, id order) filtering in JS: all matches, first `limit` kept. */
  async search(text, limit) {
    const query = fold(text);
    const start = performance.now();
    const tx = this.db.transaction('books', 'readonly');
    const store = tx.objectStore('books');
    let after = null;
    let count = 0;
    const shown = [];
    for (;;) {
      const range = after === null ? null : IDBKeyRange.lowerBound(after, true);
      const batch = await done(store.getAll(range, SEARCH_BATCH));
      for (const record of batch) {
        if (matches(record, query)) {
          count += 1;
          if (shown.length < limit) shown.push(record);
        }
      }
      if (batch.length < SEARCH_BATCH) break;
      after = batch[batch.length - 1].id;
    }
    const ms = performance.now() - start;
    return { ms, rows: count, first: shown[0]?.id ?? null, ids: shown.map((r) => r.id) };
  },

  index: null,

  /**
   * The same search over an in-memory index, as ours runs it: every matching id from the index,
   * then the first `limit` books read by id in one transaction (every get issued at once). With
   * `cold`, the index is first built from one getAll of the store (ours loads its own then).
   */
  async searchIndexed(text, limit, cold) {
    const query = fold(text);
    if (cold) this.index = null;
    const start = performance.now();
    if (!this.index) {
      const tx = this.db.transaction('books', 'readonly');
      this.index = buildIndex(await done(tx.objectStore('books').getAll()));
    }
    const found = scanIndex(this.index, query);
    const shown = found.slice(0, limit);
    const tx = this.db.transaction('books', 'readonly');
    const store = tx.objectStore('books');
    const rows = await Promise.all(shown.map((id) => done(store.get(id))));
    const ms = performance.now() - start;
    return { ms, rows: found.length, first: found[0] ?? null, ids: rows.map((r) => r.id) };
  },

  /** One transaction per call: add; get; get + put (read-modify-write); delete. */
  async singleOps(records, ids) {
    const samples = { create: [], get: [], update: [], delete: [] };
    const created = [];
    for (const record of records) {
      const start = performance.now();
      const tx = this.db.transaction('books', 'readwrite');
      const key = done(tx.objectStore('books').add(record));
      await committed(tx);
      samples.create.push(performance.now() - start);
      created.push(await key);
    }
    for (const id of ids) {
      const start = performance.now();
      const tx = this.db.transaction('books', 'readonly');
      const book = await done(tx.objectStore('books').get(id));
      samples.get.push(performance.now() - start);
      if (!book) throw new Error(`get: book ${id} is missing`);
    }
    for (const [n, id] of ids.entries()) {
      const start = performance.now();
      const tx = this.db.transaction('books', 'readwrite');
      const commit = committed(tx);
      const store = tx.objectStore('books');
      const book = await done(store.get(id));
      book.title = `Updated Title ${n}`;
      book.title_key = fold(book.title);
      store.put(book);
      await commit;
      samples.update.push(performance.now() - start);
    }
    for (const id of created) {
      const start = performance.now();
      const tx = this.db.transaction('books', 'readwrite');
      tx.objectStore('books').delete(id);
      await committed(tx);
      samples.delete.push(performance.now() - start);
    }
    return samples;
  },
};

/** Dexie 4 with the same schema: ++id, the three [key+id] compound indexes, and isbn. */
export const dexie = {
  db: null,

  async open(name) {
    this.close();
    const db = new Dexie(name);
    db.version(1).stores({ books: '++id, [title_key+id], [author_key+id], [genre_key+id], isbn' });
    await db.open();
    this.db = db;
  },

  close() {
    this.db?.close();
    this.db = null;
    this.index = null;
  },

  async insert(records) {
    const start = performance.now();
    const lastKey = await this.db.books.bulkAdd(records);
    const ms = performance.now() - start;
    const first = lastKey - records.length + 1;
    return { ms, rows: records.length, first, ids: [first, lastKey] };
  },

  async readAll() {
    const start = performance.now();
    const rows = await this.db.books.toArray();
    return answer(performance.now() - start, rows);
  },

  /** A jump: offset from the nearer end of `total` (reversed from the end, as ours walks). */
  async page(position, limit, total) {
    const start = performance.now();
    const byTitle = this.db.books.orderBy('[title_key+id]');
    let rows;
    if (position > Math.floor(total / 2)) {
      const fromEnd = Math.max(0, total - position - limit);
      rows = (await byTitle.reverse().offset(fromEnd).limit(limit).toArray()).reverse();
    } else {
      rows = await byTitle.offset(position).limit(limit).toArray();
    }
    return pageAnswer(performance.now() - start, rows);
  },

  /** A page by key: the compound index above the row before. */
  async pageAfter(titleKey, id, limit) {
    const start = performance.now();
    const rows = await this.db.books.where('[title_key+id]').above([titleKey, id]).limit(limit).toArray();
    return pageAnswer(performance.now() - start, rows);
  },

  async count() {
    const start = performance.now();
    const count = await this.db.books.count();
    return { ms: performance.now() - start, rows: count, first: null };
  },

  /**
   * toArray() then Array.filter: every match counted, first `limit` kept. (Collection.filter()
   * walks a cursor and is several times slower; filter().limit(50) stops early but cannot count.)
   */
  async search(text, limit) {
    const query = fold(text);
    const start = performance.now();
    const found = (await this.db.books.toArray()).filter((record) => matches(record, query));
    const shown = found.slice(0, limit);
    const ms = performance.now() - start;
    return { ms, rows: found.length, first: shown[0]?.id ?? null, ids: shown.map((r) => r.id) };
  },

  index: null,

  /** As raw's searchIndexed: the index built from toArray(), the shown books by bulkGet. */
  async searchIndexed(text, limit, cold) {
    const query = fold(text);
    if (cold) this.index = null;
    const start = performance.now();
    if (!this.index) this.index = buildIndex(await this.db.books.toArray());
    const found = scanIndex(this.index, query);
    const rows = await this.db.books.bulkGet(found.slice(0, limit));
    const ms = performance.now() - start;
    return { ms, rows: found.length, first: found[0] ?? null, ids: rows.map((r) => r.id) };
  },

  async singleOps(records, ids) {
    const samples = { create: [], get: [], update: [], delete: [] };
    const created = [];
    for (const record of records) {
      const start = performance.now();
      const key = await this.db.books.add(record);
      samples.create.push(performance.now() - start);
      created.push(key);
    }
    for (const id of ids) {
      const start = performance.now();
      const book = await this.db.books.get(id);
      samples.get.push(performance.now() - start);
      if (!book) throw new Error(`get: book ${id} is missing`);
    }
    for (const [n, id] of ids.entries()) {
      const title = `Updated Title ${n}`;
      const start = performance.now();
      await this.db.books.update(id, { title, title_key: fold(title) });
      samples.update.push(performance.now() - start);
    }
    for (const id of created) {
      const start = performance.now();
      await this.db.books.delete(id);
      samples.delete.push(performance.now() - start);
    }
    return samples;
  },
};
