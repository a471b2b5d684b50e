//! Databases exactly as older versions of Bookshelf left them: the object stores, indexes, key
//! paths, records, search chunks and meta values that versions 1, 2 and 3 wrote, made with plain
//! IndexedDB calls in JS. Nothing here calls `bookshelf::`: the upgrade tests open these with
//! today's `BookRepository`, and what "old" means must not move when today's code does.
//!
//! THIS FILE MUST NEVER CHANGE. It is a record of what was, taken from the git history
//! (`git show <rev>:src/store/schema.rs`, `record.rs`, `search.rs`, `codec.rs`):
//! - version 1, the original design (before the first commit; `schema.rs` describes it): one
//!   store `books`, key path `id`, ids from the key generator, no index, no other store; records
//!   `{title, author, genre}` written with no checks, so any field may be missing or not text;
//! - version 2 (54f0b42 to 91fae39): records `{id, title, author, genre, title_key, author_key,
//!   genre_key}`, the keys folded (NFD, marks dropped, lowercased, spaces collapsed); indexes
//!   `by_title`, `by_author`, `by_genre` on `[key, id]`; a `search` store of chunks (key: id /
//!   1024, value: a Uint8Array of lines `id␟title key␟author key␟genre key␟genre⏎`); a `meta`
//!   store with `data_version` = 2;
//! - version 3 (67c33c9 to bc1eef6): as 2, plus optional `isbn` (ISBN-13 text), `year`,
//!   `rating` (numbers) and `shelf` ("to-read", "currently-reading", "read") in records, absent
//!   when not set (records kept from version 2 have none), an index `by_isbn` on `isbn`, and
//!   `data_version` = 3.
//!
//! To test a newer version's upgrade, add its own builder below; never edit one that is here.

use js_sys::{Array, Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Opening, writing and deleting with the bare IndexedDB API (shared by every version's builder).
const HELPERS: &str = r#"
const request = (r) => new Promise((resolve, reject) => {
  r.onsuccess = () => resolve(r.result);
  r.onerror = () => reject(r.error);
});
const remove = (name) => new Promise((resolve, reject) => {
  const r = indexedDB.deleteDatabase(name);
  r.onsuccess = () => resolve();
  r.onerror = () => reject(r.error);
  r.onblocked = () => reject(new Error('deleting ' + name + ' is blocked'));
});
const open = (name, version, upgrade) => new Promise((resolve, reject) => {
  const r = indexedDB.open(name, version);
  r.onupgradeneeded = () => upgrade(r.result);
  r.onsuccess = () => resolve(r.result);
  r.onerror = () => reject(r.error);
  r.onblocked = () => reject(new Error('opening ' + name + ' is blocked'));
});
const finished = (tx) => new Promise((resolve, reject) => {
  tx.oncomplete = () => resolve();
  tx.onabort = () => reject(tx.error || new Error('aborted'));
});
"#;

/// Version 1: `books` only, keyed by a generated `id`; each record added as it is given.
const VERSION_1: &str = r#"
await remove(name);
const db = await open(name, 1, (db) => {
  db.createObjectStore('books', { keyPath: 'id', autoIncrement: true });
});
const tx = db.transaction(['books'], 'readwrite');
const books = tx.objectStore('books');
for (const record of records) books.add(record);
await finished(tx);
db.close();
"#;

/// Versions 2 and 3: the books with their folded keys, the search chunks made from those keys,
/// and `data_version`; version 3 adds the ISBN index.
const VERSIONS_2_AND_3: &str = r#"
await remove(name);
const db = await open(name, version, (db) => {
  const books = db.createObjectStore('books', { keyPath: 'id', autoIncrement: true });
  books.createIndex('by_title', ['title_key', 'id']);
  books.createIndex('by_author', ['author_key', 'id']);
  books.createIndex('by_genre', ['genre_key', 'id']);
  if (version >= 3) books.createIndex('by_isbn', 'isbn');
  db.createObjectStore('search');
  db.createObjectStore('meta');
});
const tx = db.transaction(['books', 'search', 'meta'], 'readwrite');
const books = tx.objectStore('books');
const lines = new Map();
for (const record of records) {
  books.put(record);
  const chunk = Math.floor(record.id / 1024);
  const line = [record.id, record.title_key, record.author_key, record.genre_key, record.genre]
    .join('\x1f') + '\n';
  lines.set(chunk, (lines.get(chunk) || '') + line);
}
const search = tx.objectStore('search');
for (const [chunk, text] of lines) search.put(new TextEncoder().encode(text), chunk);
tx.objectStore('meta').put(version, 'data_version');
await finished(tx);
db.close();
"#;

/// The books version 2 stored, as it stored them: ids with gaps (deleted books) and one in the
/// second search chunk; accents, an emoji and fullwidth letters, whose folded keys sort
/// differently by UTF-8 bytes and by UTF-16 code units.
pub const VERSION_2_RECORDS: &str = r#"[
  {"id": 1, "title": "Émile", "author": "Zola", "genre": "",
   "title_key": "emile", "author_key": "zola", "genre_key": ""},
  {"id": 2, "title": "apple", "author": "Bee", "genre": "Fantasy",
   "title_key": "apple", "author_key": "bee", "genre_key": "fantasy"},
  {"id": 3, "title": "Zebra", "author": "Émile Ajar", "genre": "fantasy",
   "title_key": "zebra", "author_key": "emile ajar", "genre_key": "fantasy"},
  {"id": 5, "title": "📚 Atlas", "author": "Ａｎｏｎ", "genre": "Reference",
   "title_key": "📚 atlas", "author_key": "ａｎｏｎ", "genre_key": "reference"},
  {"id": 1030, "title": "Ｚｅｔａ", "author": "村上春樹", "genre": "Reference",
   "title_key": "ｚｅｔａ", "author_key": "村上春樹", "genre_key": "reference"}
]"#;

/// The books version 3 stored: some with the details it added, one kept from version 2
/// without them.
pub const VERSION_3_RECORDS: &str = r#"[
  {"id": 1, "title": "Dune", "author": "Frank Herbert", "genre": "Science Fiction",
   "title_key": "dune", "author_key": "frank herbert", "genre_key": "science fiction",
   "isbn": "9780441013593", "year": 1965, "rating": 5, "shelf": "read"},
  {"id": 2, "title": "Emma", "author": "Austen, Jane", "genre": "",
   "title_key": "emma", "author_key": "austen, jane", "genre_key": ""},
  {"id": 4, "title": "Ångström", "author": "Anders Jonas Ångström", "genre": "Physics",
   "title_key": "angstrom", "author_key": "anders jonas angstrom", "genre_key": "physics",
   "year": 1852, "shelf": "to-read"},
  {"id": 7, "title": "📕 Notes", "author": "Ｚ Writer", "genre": "",
   "title_key": "📕 notes", "author_key": "ｚ writer", "genre_key": "",
   "rating": 3, "shelf": "currently-reading"}
]"#;

/// Runs one version's builder (an async JS body) with `name`, `version` and `records` in scope.
async fn build(body: &str, name: &str, version: u32, records: JsValue) {
    let source = format!("return (async () => {{ {HELPERS} {body} }})();");
    let run = Function::new_with_args("name, version, records", &source);
    let arguments = Array::of3(&JsValue::from_str(name), &JsValue::from(version), &records);
    let promise: Promise = match run.apply(&JsValue::NULL, &arguments) {
        Ok(value) => value.into(),
        Err(error) => panic!("building version {version} of {name}: {error:?}"),
    };
    if let Err(error) = JsFuture::from(promise).await {
        panic!("building version {version} of {name}: {error:?}");
    }
}

/// The database `name` as version 1 left it, holding `records` (each a JSON object, written as
/// it is: version 1 checked nothing), ids from the key generator; closed.
pub async fn version_one(name: &str, records: &[&str]) {
    let list = Array::new();
    for record in records {
        list.push(&js_sys::JSON::parse(record).expect("a record is JSON"));
    }
    build(VERSION_1, name, 1, list.into()).await;
}

/// The database `name` as version 2 left it, holding [`VERSION_2_RECORDS`]; closed.
pub async fn version_two(name: &str) {
    let records = js_sys::JSON::parse(VERSION_2_RECORDS).expect("the records are JSON");
    build(VERSIONS_2_AND_3, name, 2, records).await;
}

/// The database `name` as version 3 left it, holding [`VERSION_3_RECORDS`]; closed.
pub async fn version_three(name: &str) {
    let records = js_sys::JSON::parse(VERSION_3_RECORDS).expect("the records are JSON");
    build(VERSIONS_2_AND_3, name, 3, records).await;
}

/// Version 4 (977f3b9 to 76d772c): as 3, plus a `uid` in every record under an index `by_uid`,
/// the ids' high-water mark in `meta` (`high_water`), and `data_version` = 4; search lines as
/// in versions 2 and 3.
const VERSION_4: &str = r#"
await remove(name);
const db = await open(name, 4, (db) => {
  const books = db.createObjectStore('books', { keyPath: 'id', autoIncrement: true });
  books.createIndex('by_title', ['title_key', 'id']);
  books.createIndex('by_author', ['author_key', 'id']);
  books.createIndex('by_genre', ['genre_key', 'id']);
  books.createIndex('by_isbn', 'isbn');
  books.createIndex('by_uid', 'uid');
  db.createObjectStore('search');
  db.createObjectStore('meta');
});
const tx = db.transaction(['books', 'search', 'meta'], 'readwrite');
const books = tx.objectStore('books');
const lines = new Map();
let high = 0;
for (const record of records) {
  books.put(record);
  high = Math.max(high, record.id);
  const chunk = Math.floor(record.id / 1024);
  const line = [record.id, record.title_key, record.author_key, record.genre_key, record.genre]
    .join('\x1f') + '\n';
  lines.set(chunk, (lines.get(chunk) || '') + line);
}
const search = tx.objectStore('search');
for (const [chunk, text] of lines) search.put(new TextEncoder().encode(text), chunk);
tx.objectStore('meta').put(high, 'high_water');
tx.objectStore('meta').put(4, 'data_version');
await finished(tx);
db.close();
"#;

/// The books version 4 stored: a uid each, whole-star ratings and shelves, one with none.
pub const VERSION_4_RECORDS: &str = r#"[
  {"id": 2, "uid": "0b9d7f2e-3c1a-4e5b-8f60-1a2b3c4d5e6f", "title": "Dune",
   "author": "Frank Herbert", "genre": "Science Fiction",
   "title_key": "dune", "author_key": "frank herbert", "genre_key": "science fiction",
   "isbn": "9780441013593", "year": 1965, "rating": 5, "shelf": "read"},
  {"id": 3, "uid": "1c0e8a3f-4d2b-4f6c-9a71-2b3c4d5e6f70", "title": "Emma",
   "author": "Jane Austen", "genre": "",
   "title_key": "emma", "author_key": "jane austen", "genre_key": "",
   "year": 1815, "rating": 2, "shelf": "to-read"},
  {"id": 9, "uid": "2d1f9b40-5e3c-4a7d-8b82-3c4d5e6f7081", "title": "Ulysses",
   "author": "James Joyce", "genre": "",
   "title_key": "ulysses", "author_key": "james joyce", "genre_key": "",
   "shelf": "currently-reading"},
  {"id": 1500, "uid": "3e20ac51-6f4d-4b8e-9c93-4d5e6f708192", "title": "Zazie",
   "author": "Raymond Queneau", "genre": "Roman",
   "title_key": "zazie", "author_key": "raymond queneau", "genre_key": "roman"}
]"#;

/// The database `name` as version 4 left it, holding [`VERSION_4_RECORDS`]; closed.
pub async fn version_four(name: &str) {
    let records = js_sys::JSON::parse(VERSION_4_RECORDS).expect("the records are JSON");
    build(VERSION_4, name, 4, records).await;
}
