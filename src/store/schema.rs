//! The database's name, versions, stores and indexes, and the upgrade from every older version.
//!
//! Structure is declared per version (rexie creates what is missing and drops what is not
//! declared); data that must change with a version is rewritten by [`migrate`] in one transaction
//! right after opening, and the version it reached is kept in the `meta` store, so an upgrade that
//! is interrupted simply runs again.

#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use rexie::{Index, ObjectStore, Rexie, RexieBuilder, TransactionMode};
use wasm_bindgen::{JsCast, JsValue};

use super::chunks;
use super::codec::{from_js, to_js};
use super::counter;
use super::error::{Result, StoreError};
use super::identity::new_uids;
use super::record::Record;
use super::strict::StrictTransaction;
use super::transaction::{begin_error, browser_error, settle};
use super::watch::open_without_upgrade;
use crate::query::SortField;
use crate::search;

/// The database name the app uses.
pub const DATABASE_NAME: &str = "bookshelf";
/// The schema version this build writes.
pub const VERSION: u32 = 7;
/// The object store of books, keyed by an auto-incremented `id`.
pub const BOOKS: &str = "books";
/// The object store of the search index's chunks, keyed by chunk number.
pub const SEARCH: &str = "search";
/// The object store of bookkeeping values (`data_version`).
pub const META: &str = "meta";
/// The object store of every synced book's revision tree, keyed by uid (the document's `_id`),
/// kept even after the book is deleted (its tombstone must travel). See [`crate::store::sync`].
pub const REVS: &str = "revs";
/// The index of revision trees by the local sequence number of their last change: this
/// database's own `_changes` feed.
pub const BY_SEQ: &str = "by_seq";
/// The object store of local changes not yet given revisions: each entry (auto-incremented key)
/// names the uids one write touched, written in that write's own transaction.
pub const CHANGES: &str = "changes";
/// The index of books by folded title, then id.
pub const BY_TITLE: &str = "by_title";
/// The index of books by folded author, then id.
pub const BY_AUTHOR: &str = "by_author";
/// The index of books by folded genre, then id.
pub const BY_GENRE: &str = "by_genre";
/// The index of books by ISBN-13 (books without one are not in it), to find duplicates.
pub const BY_ISBN: &str = "by_isbn";
/// The index of books by their lasting identity (`uid`), to find an import's books already here.
/// Not a unique index: IndexedDB would then look up every uid as it writes, which doubles the
/// cost of a large import; uids are random, an import's plan sets aside the ones already stored,
/// and Undo checks its own ([`crate::store::BookRepository::restore`]).
pub const BY_UID: &str = "by_uid";
/// The indexes of version 5's columns, by `[keys.<column>, id]` (see
/// [`crate::store::record::SortKeys`]), with the sort each serves.
pub const BY_READER_COLUMNS: [(&str, &str, SortField); 6] = [
    ("by_status", "keys.status", SortField::Status),
    ("by_rating", "keys.rating", SortField::Rating),
    ("by_read", "keys.read", SortField::Read),
    ("by_series", "keys.series", SortField::Series),
    ("by_pages", "keys.pages", SortField::Pages),
    ("by_year", "keys.year", SortField::Year),
];
/// The `meta` key of the largest id any book has ever had here (deleted ones included).
pub const HIGH_WATER_KEY: &str = "high_water";

const DATA_VERSION_KEY: &str = "data_version";
const MIGRATION_BATCH: u32 = 5_000;

/// The database as version `version` declares it.
///
/// 1. the original store: `books` with an auto-incremented `id`, no indexes;
/// 2. folded sort keys in every record, an index per column ending with the id (so that a page
///    can start right after the last row of the previous one), the search index's chunks, and
///    the `meta` store;
/// 3. optional `isbn`, `year`, `rating` and `shelf` in records (absent in older ones, read as
///    none) and an index on `isbn`, which IndexedDB fills from the stored records as it creates it;
/// 4. a `uid` in every record (the upgrade gives one to each older record) under an index,
///    and the ids' high-water mark in `meta`, so that no id or uid is ever another book's;
/// 6. the revision tree of every synced book (`revs`, by uid, with its local sequence under
///    `by_seq`) and the queue of local changes (`changes`) for sync; the upgrade queues every
///    book already stored;
/// 5. the reader's fields (status in place of the shelf, the rating in quarter stars, readings,
///    tags, series, pages, publisher, format, date added, copies, location, loans, note), an
///    index per new sortable column, and search lines that hold tags, series, location and
///    borrowers; the upgrade rewrites every record and line;
/// 7. the number of books in `meta`, kept by every write (`counter.rs`); the upgrade counts them.
pub fn builder(name: &str, version: u32) -> RexieBuilder {
    let books = ObjectStore::new(BOOKS).key_path("id").auto_increment(true);
    let builder = Rexie::builder(name).version(version);
    if version < 2 {
        return builder.add_object_store(books);
    }
    let mut books = books
        .add_index(Index::new_array(BY_TITLE, ["title_key", "id"]))
        .add_index(Index::new_array(BY_AUTHOR, ["author_key", "id"]))
        .add_index(Index::new_array(BY_GENRE, ["genre_key", "id"]));
    if version >= 3 {
        books = books.add_index(Index::new(BY_ISBN, "isbn"));
    }
    if version >= 4 {
        books = books.add_index(Index::new(BY_UID, "uid"));
    }
    if version >= 5 {
        for (name, path, _) in BY_READER_COLUMNS {
            books = books.add_index(Index::new_array(name, [path, "id"]));
        }
    }
    let builder = builder
        .add_object_store(books)
        .add_object_store(ObjectStore::new(SEARCH))
        .add_object_store(ObjectStore::new(META));
    if version < 6 {
        return builder;
    }
    builder
        .add_object_store(ObjectStore::new(REVS).add_index(Index::new(BY_SEQ, "seq").unique(true)))
        .add_object_store(ObjectStore::new(CHANGES).auto_increment(true))
}

/// Whether the data needs [`migrate`]: it does when an older version stored books in it. A
/// database without books (a new one, or one whose books are all gone) is marked current here,
/// in one transaction, without the upgrade's code (which the app fetches only when needed).
pub(crate) async fn needs_migrate(database: &Rexie) -> Result<bool> {
    const OPERATION: &str = "upgrade the stored books";
    if data_version(database, OPERATION).await? >= f64::from(VERSION) {
        return Ok(false);
    }
    let fail = |error| browser_error(OPERATION, error);
    // Counted only for older data (a count walks every record).
    let books = database
        .transaction(&[BOOKS], TransactionMode::ReadOnly)
        .map_err(|error| begin_error(OPERATION, error))?
        .store(BOOKS)
        .map_err(fail)?
        .count(None)
        .await
        .map_err(fail)?;
    if books > 0 {
        return Ok(true);
    }
    // No book: nothing to rewrite or to queue for sync, no line to search, none to count. (A
    // tab of this version writes books only once it has opened, so after marking them current.)
    let transaction = database
        .transaction(&[SEARCH, META], TransactionMode::ReadWrite)
        .map_err(|error| begin_error(OPERATION, error))?;
    let outcome = async {
        let meta = transaction.store(META).map_err(fail)?;
        let key = JsValue::from_str(DATA_VERSION_KEY);
        // Asked again inside the write: another tab may have marked it meanwhile.
        let reached = meta.get(key.clone()).await.map_err(fail)?;
        if reached.and_then(|value| value.as_f64()).unwrap_or(1.0) >= f64::from(VERSION) {
            return Ok(());
        }
        let search = transaction.store(SEARCH).map_err(fail)?;
        search.clear().await.map_err(fail)?;
        counter::set(&meta, 0, OPERATION).await?;
        meta.put(&JsValue::from(VERSION), Some(&key))
            .await
            .map_err(fail)?;
        Ok(())
    }
    .await;
    settle(transaction, outcome, OPERATION).await?;
    Ok(false)
}

/// Brings the data of the database `name` up to [`VERSION`]: one transaction, all or nothing,
/// only IndexedDB awaits, with strict durability (the rewrite must be on disk before the app
/// counts on it), on a plain connection beside rexie's (which has no such option).
pub async fn migrate(name: &str) -> Result<()> {
    let operation = "upgrade the stored books";
    let Some(connection) = open_without_upgrade(name, VERSION, || {}).await? else {
        return Err(StoreError::ClosedElsewhere);
    };
    let result = match StrictTransaction::begin(
        &connection,
        &[BOOKS, SEARCH, META, CHANGES],
        true,
        operation,
    ) {
        Ok(transaction) => {
            let outcome = migrate_in(&transaction, operation).await;
            transaction.settle(outcome).await
        }
        Err(error) => Err(error),
    };
    connection.close();
    result
}

/// The version the data was last brought up to (1 when never recorded).
async fn data_version(database: &Rexie, operation: &'static str) -> Result<f64> {
    let fail = |error| browser_error(operation, error);
    let transaction = database
        .transaction(&[META], TransactionMode::ReadOnly)
        .map_err(|error| begin_error(operation, error))?;
    let stored = transaction
        .store(META)
        .map_err(fail)?
        .get(JsValue::from_str(DATA_VERSION_KEY))
        .await
        .map_err(fail)?;
    Ok(stored.and_then(|value| value.as_f64()).unwrap_or(1.0))
}

async fn migrate_in(transaction: &StrictTransaction, operation: &'static str) -> Result<()> {
    let meta = transaction.store(META)?;
    let key = JsValue::from_str(DATA_VERSION_KEY);
    // Asked again inside the write: another tab may have upgraded the data meanwhile.
    let reached = meta
        .get(&key)
        .await?
        .and_then(|value| value.as_f64())
        .unwrap_or(1.0);
    if reached >= f64::from(VERSION) {
        return Ok(());
    }
    // Every version but 3 (whose fields were optional, its index filling itself) and 6 (new
    // stores only) rewrites every record; version 5's search lines are new, so any older data
    // gets them all.
    if reached < 5.0 {
        rewrite_records(transaction, operation).await?;
    }
    // Version 6: every book already here is a local change that sync has yet to give a revision.
    if reached < 6.0 {
        transaction
            .store(CHANGES)?
            .put(&super::sync::every_book_change(operation)?, None)
            .await?;
    }
    // Version 7: the number of books, kept from now on by every write.
    let count = transaction.store(BOOKS)?.count().await?;
    counter::set(&meta, count, operation).await?;
    meta.put(&JsValue::from(VERSION), Some(&key)).await
}

/// Makes a stored record's title, author and genre text, whatever an old version left there:
/// a number or a boolean written out, anything else (null, a list, an object) empty. Version 1
/// had no checks; a record it stored must never make the upgrade, and so every open, fail.
fn text_fields(record: &JsValue) {
    for field in ["title", "author", "genre"] {
        let key = JsValue::from_str(field);
        let Ok(value) = js_sys::Reflect::get(record, &key) else {
            continue;
        };
        if value.is_string() {
            continue;
        }
        let text = match (value.as_f64(), value.as_bool()) {
            // Written out as JavaScript writes it (Rust's float formatting is not in the wasm).
            (Some(_), _) => value
                .unchecked_ref::<js_sys::Number>()
                .to_string_with_radix(10)
                .map(String::from)
                .unwrap_or_default(),
            (None, Some(flag)) => flag.to_string(),
            (None, None) => String::new(),
        };
        let _ = js_sys::Reflect::set(record, &key, &JsValue::from_str(&text));
    }
}

/// Rewrites every record in the shape this version reads: a uid (version 4); sort keys, the
/// rating in quarter stars and the status (version 5); a title and author that a version 1
/// record lacks filled in, for the person to fix; and every search line afresh. A batch at a
/// time, in the one transaction.
async fn rewrite_records(transaction: &StrictTransaction, operation: &'static str) -> Result<()> {
    let books = transaction.store(BOOKS)?;
    let mut lines: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
    let mut after: Option<JsValue> = None;
    loop {
        let batch = books.get_all_after(after.as_ref(), MIGRATION_BATCH).await?;
        if batch.is_empty() {
            break;
        }
        after = None;
        let mut uids = new_uids(batch.len(), operation)?.into_iter();
        let mut rekeyed = Vec::with_capacity(batch.len());
        let mut rekeyed_books = Vec::new();
        for value in batch {
            text_fields(&value);
            let mut record = from_js::<Record>(value, operation)?;
            if record.title.trim().is_empty() || record.author.trim().is_empty() {
                record = record.repaired();
            } else {
                record = record.rekeyed();
            }
            if record.uid.is_empty() {
                record.uid = uids.next().unwrap_or_default();
            }
            if let Some(book) = record.clone().into_book() {
                after = Some(JsValue::from_f64(book.id as f64));
                rekeyed_books.push(book);
            }
            rekeyed.push(to_js(&record, operation)?);
        }
        search::add_lines(&mut lines, &rekeyed_books);
        // Every put is issued before any is awaited; they finish in order.
        let mut last = None;
        for value in &rekeyed {
            last = Some(books.put_unawaited(value, None)?);
        }
        if let Some(last) = last {
            books.wait(&last).await?;
        }
        if after.is_none() {
            break;
        }
    }
    let search_store = transaction.store(SEARCH)?;
    search_store.clear().await?;
    for (chunk, bytes) in lines {
        chunks::write(&search_store, chunk, &bytes, operation).await?;
    }
    Ok(())
}
