// The benchmark's JavaScript peers: the same operations as src/bench.rs, on the same record shape
// and the same indexes, once in raw IndexedDB written by hand (the fastest honest way: one
// transaction per call, every request issued before any is awaited) and once in Dexie 4.
//
// Each system is an object with open(name), close(), insert(records), readAll(), page(position,
// limit), count(), search(text, limit) and singleOps(records, ids). The timed calls resolve to
// { ms, rows, first } like src/bench.rs: milliseconds, how many rows came back, the first id.
// Records come from the wasm's sample_records(), so every system stores exactly the same books.

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
    return { ms, rows: records.length, first: lastKey - records.length + 1 };
  },

  async readAll() {
    const start = performance.now();
    const tx = this.db.transaction('books', 'readonly');
    const rows = await done(tx.objectStore('books').getAll());
    const ms = performance.now() - start;
    return { ms, rows: rows.length, first: rows[0]?.id ?? null };
  },

  /** Skips `position` index keys with a key cursor, then reads the page with one getAll. */
  async page(position, limit) {
    const start = performance.now();
    const tx = this.db.transaction('books', 'readonly');
    const index = tx.objectStore('books').index('by_title');
    let range = null;
    if (position > 0) {
      const key = await new Promise((resolve, reject) => {
        const request = index.openKeyCursor();
        let skipped = false;
        request.onsuccess = () => {
          const cursor = request.result;
          if (!cursor) return resolve(undefined);
          if (!skipped) {
            skipped = true;
            cursor.advance(position);
          } else {
            resolve(cursor.key);
          }
        };
        request.onerror = () => reject(request.error);
      });
      if (key === undefined) return { ms: performance.now() - start, rows: 0, first: null };
      range = IDBKeyRange.lowerBound(key);
    }
    const rows = await done(index.getAll(range, limit));
    const ms = performance.now() - start;
    return { ms, rows: rows.length, first: rows[0]?.id ?? null };
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
    return { ms, rows: count, first: shown[0]?.id ?? null };
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
  },

  async insert(records) {
    const start = performance.now();
    const lastKey = await this.db.books.bulkAdd(records);
    const ms = performance.now() - start;
    return { ms, rows: records.length, first: lastKey - records.length + 1 };
  },

  async readAll() {
    const start = performance.now();
    const rows = await this.db.books.toArray();
    const ms = performance.now() - start;
    return { ms, rows: rows.length, first: rows[0]?.id ?? null };
  },

  async page(position, limit) {
    const start = performance.now();
    const rows = await this.db.books.orderBy('[title_key+id]').offset(position).limit(limit).toArray();
    const ms = performance.now() - start;
    return { ms, rows: rows.length, first: rows[0]?.id ?? null };
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
    return { ms, rows: found.length, first: shown[0]?.id ?? null };
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
