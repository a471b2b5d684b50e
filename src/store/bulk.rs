//! Bulk writes: many books in one transaction, all or nothing, with progress — new books that
//! get ids from the key generator, and books that keep ids they already have (an import that
//! restores an export). The search chunks and the sync queue are written in the same transaction.
//!
//! A million books is a long transaction, and IndexedDB does its part of the work (copying each
//! record, updating eleven indexes, writing to disk) away from the page, in the browser's storage
//! process. So the page's part — checking each book, folding its texts, making its record and its
//! search line — is done a group of books at a time *while the transaction is open*, each group
//! added as soon as it is made: the storage works on one group while the page makes the next, and
//! the page gets a turn of the event loop (it waits for a request of its own) every
//! [`WORK_MILLIS`]. Nothing but IndexedDB requests is awaited while the transaction is open.

#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use futures::future::join_all;
use js_sys::Array;
use rexie::Store;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::IdbRequest;

use super::codec::{id_of, JsonRecords};
use super::connection::BookRepository;
use super::counter;
use super::error::{Result, StoreError};
use super::identity::new_uids;
use super::record::Record;
use super::repository::{books_store, meta_store, search_store};
use super::schema::{BOOKS, CHANGES, META, SEARCH};
use super::strict::{RawStore, StrictTransaction};
use super::sync;
use super::transaction::{browser_error, settle};
use crate::book::{Book, BookId, NewBook};
use crate::search::{self, chunk_of};

/// How long the page works on a bulk write before it waits for the storage (its turn of the
/// event loop): well under the 50 ms of a long task.
const WORK_MILLIS: f64 = 20.0;
/// Search chunks made and put between two turns of the page at the end of a bulk write: each
/// holds up to 1,024 books' lines (about 80 KB with a title, author and genre), so the eight
/// take a few milliseconds.
const CHUNKS_PER_TURN: usize = 8;
/// Books made into records and added between two looks at the clock.
const GROUP: usize = 100;
/// New uids asked of the browser's random numbers at a time.
const UIDS_AT_ONCE: usize = 4_096;
const OPERATION: &str = "add the books";

impl BookRepository {
    /// Stores every book in one transaction: all of them, or (on any error) none.
    pub async fn create_many(&self, books: Vec<NewBook>) -> Result<Vec<Book>> {
        self.create_many_with_progress(books, |_, _| {}).await
    }

    /// Like [`create_many`](Self::create_many), calling `progress(done, total)` as the write goes on.
    pub async fn create_many_with_progress(
        &self,
        books: Vec<NewBook>,
        progress: impl Fn(usize, usize),
    ) -> Result<Vec<Book>> {
        self.write_many(Vec::new(), books, &progress, false).await
    }

    /// Stores books with the ids they carry, in one transaction: all of them, or none (an id
    /// already in use fails the whole batch).
    pub async fn restore_many(&self, books: Vec<Book>) -> Result<Vec<Book>> {
        self.write_many_with_progress(books, Vec::new(), |_, _| {})
            .await
    }

    /// Stores `with_ids` under their own ids and `new` under fresh ones, in ONE transaction: all
    /// of them, or (on any error, such as an id in use) none. Returns them stored, in that order.
    /// An import: the transaction asks for strict durability, so it is on disk when this returns.
    pub async fn write_many_with_progress(
        &self,
        with_ids: Vec<Book>,
        new: Vec<NewBook>,
        progress: impl Fn(usize, usize),
    ) -> Result<Vec<Book>> {
        // One body for every caller's kind of progress closure (it is large, and this is wasm).
        self.write_many(with_ids, new, &progress, true).await
    }

    /// The one body of every bulk write; `durable` asks for strict durability (an import).
    async fn write_many(
        &self,
        with_ids: Vec<Book>,
        new: Vec<NewBook>,
        progress: &dyn Fn(usize, usize),
        durable: bool,
    ) -> Result<Vec<Book>> {
        let total = with_ids.len() + new.len();
        if total == 0 {
            return Ok(Vec::new());
        }
        mark("bookshelf:write-start");
        let _slot = self.slot().await;
        // On the watcher's plain connection, because rexie offers neither strict durability (an
        // import must be on disk before it is shown as done) nor the cause of an abort at commit
        // (a big write is where the quota runs out), nor requests issued without being awaited.
        // Without a watch, rexie's transaction (each group then waits for its own requests).
        let written = match self.plain_connection() {
            Some(connection) => {
                let transaction = StrictTransaction::begin(
                    &connection,
                    &[BOOKS, SEARCH, META, CHANGES],
                    durable,
                    OPERATION,
                )?;
                let outcome = async {
                    let (books, search) = (transaction.store(BOOKS)?, transaction.store(SEARCH)?);
                    let changes = transaction.store(CHANGES)?;
                    let writer = Writer::new([&books, &search, &changes], total, progress);
                    let written = writer.write(with_ids, new).await?;
                    let meta = transaction.store(META)?;
                    counter::change(&meta, written.stored.len(), 0, OPERATION).await?;
                    Ok(written)
                }
                .await;
                transaction.settle(outcome).await?
            }
            None => {
                let transaction = self.write_transaction(OPERATION)?;
                let outcome = async {
                    let books = books_store(&transaction, OPERATION)?;
                    let search = search_store(&transaction, OPERATION)?;
                    let changes = transaction
                        .store(CHANGES)
                        .map_err(|error| browser_error(OPERATION, error))?;
                    let writer = Writer::new([&books, &search, &changes], total, progress);
                    let written = writer.write(with_ids, new).await?;
                    let meta = meta_store(&transaction, OPERATION)?;
                    counter::change(&meta, written.stored.len(), 0, OPERATION).await?;
                    Ok(written)
                }
                .await;
                settle(transaction, outcome, OPERATION).await?
            }
        };
        mark("bookshelf:write-committed");
        let Written { stored, chunks } = written;
        self.remember(|index| index.upsert_written(&stored, chunks));
        progress(stored.len(), stored.len());
        Ok(stored)
    }
}

/// Marks a moment of a bulk write on the page's timeline (the benchmark reads these).
fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark(name);
    }
}

/// Milliseconds on the page's clock.
fn now() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or_else(js_sys::Date::now, |performance| performance.now())
}

/// What a bulk write stored: the books with their ids, and the search chunks it wrote (whole).
struct Written {
    stored: Vec<Book>,
    chunks: BTreeMap<u64, Vec<u8>>,
}

/// A request issued and not yet awaited (a strict transaction's store), or the result of one
/// already awaited (rexie's: it issues a request only when it is awaited).
enum Issued {
    Pending(IdbRequest),
    Done(JsValue),
}

/// A store of the bulk write's transaction: books, search chunks or the sync queue.
trait BulkStore {
    /// Adds each value (under the key generator's keys, or the values' own); returns the first
    /// and the last request, or `None` for no value.
    async fn add_each(&self, values: &Array) -> Result<Option<(Issued, Issued)>>;
    /// Puts each value under its key; returns the last request.
    async fn put_each(&self, entries: Vec<(JsValue, JsValue)>) -> Result<Option<Issued>>;
    /// The value under each key (`undefined` where there is none), all asked at once.
    async fn get_each(&self, keys: &[JsValue]) -> Result<Vec<JsValue>>;
    /// Waits for a request issued earlier, and gives its result.
    async fn wait(&self, issued: Issued) -> Result<JsValue>;
}

impl BulkStore for RawStore {
    async fn add_each(&self, values: &Array) -> Result<Option<(Issued, Issued)>> {
        let mut ends = None;
        for value in values.iter() {
            let request = self.add_unawaited(&value)?;
            ends = match ends {
                None => Some((request.clone(), request)),
                Some((first, _)) => Some((first, request)),
            };
        }
        Ok(ends.map(|(first, last)| (Issued::Pending(first), Issued::Pending(last))))
    }

    async fn put_each(&self, entries: Vec<(JsValue, JsValue)>) -> Result<Option<Issued>> {
        let mut last = None;
        for (key, value) in &entries {
            last = Some(Issued::Pending(self.put_unawaited(value, Some(key))?));
        }
        Ok(last)
    }

    async fn get_each(&self, keys: &[JsValue]) -> Result<Vec<JsValue>> {
        let requests = keys
            .iter()
            .map(|key| self.get_unawaited(key))
            .collect::<Result<Vec<_>>>()?;
        if let Some(last) = requests.last() {
            // Requests of a transaction finish in order: the last done means all are.
            self.wait(last).await?;
        }
        requests
            .iter()
            .map(|request| self.result_of(request))
            .collect()
    }

    async fn wait(&self, issued: Issued) -> Result<JsValue> {
        match issued {
            Issued::Pending(request) => RawStore::wait(self, &request).await,
            Issued::Done(result) => Ok(result),
        }
    }
}

impl BulkStore for Store {
    async fn add_each(&self, values: &Array) -> Result<Option<(Issued, Issued)>> {
        // join_all polls every add once before any is done: all are issued, then awaited.
        let adds = values.iter().map(|value| async move {
            self.add(&value, None)
                .await
                .map_err(|error| browser_error(OPERATION, error))
        });
        let keys = join_all(adds)
            .await
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        Ok(match (keys.first(), keys.last()) {
            (Some(first), Some(last)) => {
                Some((Issued::Done(first.clone()), Issued::Done(last.clone())))
            }
            _ => None,
        })
    }

    async fn put_each(&self, entries: Vec<(JsValue, JsValue)>) -> Result<Option<Issued>> {
        let puts = entries.iter().map(|(key, value)| async move {
            self.put(value, Some(key))
                .await
                .map_err(|error| browser_error(OPERATION, error))
        });
        let keys = join_all(puts)
            .await
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        Ok(keys.last().cloned().map(Issued::Done))
    }

    async fn get_each(&self, keys: &[JsValue]) -> Result<Vec<JsValue>> {
        let gets = keys.iter().map(|key| async move {
            self.get(key.clone())
                .await
                .map(Option::unwrap_or_default)
                .map_err(|error| browser_error(OPERATION, error))
        });
        join_all(gets).await.into_iter().collect()
    }

    async fn wait(&self, issued: Issued) -> Result<JsValue> {
        match issued {
            Issued::Pending(_) => Err(StoreError::Other {
                operation: OPERATION,
                detail: "a request was left unawaited".into(),
            }),
            Issued::Done(result) => Ok(result),
        }
    }
}

/// A bulk write under way in an open transaction: the books checked, made into records and
/// added a group at a time, their search lines gathered by chunk, the sync queue fed.
struct Writer<'a, S: BulkStore> {
    books: &'a S,
    search: &'a S,
    changes: &'a S,
    progress: &'a dyn Fn(usize, usize),
    total: usize,
    /// The group being made: its records as JSON, and as records with their ids.
    json: JsonRecords,
    group: Vec<(BookId, Record)>,
    /// The new books' lines, by chunk, in the order they were stored.
    lines: BTreeMap<u64, Vec<u8>>,
    stored: Vec<Book>,
    /// How many of `stored` the sync queue has.
    queued: usize,
    uids: Vec<String>,
    /// When the page's current stretch of work began, and the first request issued in it.
    since: f64,
    first_of_turn: Option<Issued>,
    last: Option<Issued>,
}

impl<'a, S: BulkStore> Writer<'a, S> {
    fn new(stores: [&'a S; 3], total: usize, progress: &'a dyn Fn(usize, usize)) -> Self {
        let [books, search, changes] = stores;
        Self {
            books,
            search,
            changes,
            progress,
            total,
            json: JsonRecords::new(),
            group: Vec::with_capacity(GROUP),
            lines: BTreeMap::new(),
            stored: Vec::with_capacity(total),
            queued: 0,
            uids: Vec::new(),
            since: now(),
            first_of_turn: None,
            last: None,
        }
    }

    /// Writes the books (those with ids first: the key generator then continues above the
    /// largest of them, so the generated keys that follow are consecutive), their chunks and
    /// their queue entries; returns them stored, in that order.
    async fn write(mut self, with_ids: Vec<Book>, new: Vec<NewBook>) -> Result<Written> {
        let invalid = |position, error| StoreError::InvalidBook { position, error };
        let restored = with_ids.len();
        for (position, book) in with_ids.into_iter().enumerate() {
            let id = book.id;
            let valid = book
                .into_new()
                .validated()
                .map_err(|e| invalid(position, e))?;
            let mut record = self.record(valid)?;
            record.id = Some(id);
            self.push(id, record).await?;
        }
        let mut new = new.into_iter().enumerate();
        if let Some((position, book)) = new.next() {
            let valid = book
                .validated()
                .map_err(|e| invalid(restored + position, e))?;
            let record = self.record(valid)?;
            // The first new book goes alone: its key says where the generated keys start.
            self.issue().await?;
            self.json.push(&record, OPERATION)?;
            let first = match self.books.add_each(&self.json.take(OPERATION)?).await? {
                Some((_, last)) => id_of(&self.books.wait(last).await?, OPERATION)?,
                None => return Err(no_key()),
            };
            // Everything issued so far is done: a new stretch of work begins.
            (self.first_of_turn, self.last) = (None, None);
            self.since = now();
            self.group.push((first, record));
            self.made();
            for (id, (position, book)) in (first + 1..).zip(new) {
                let valid = book
                    .validated()
                    .map_err(|e| invalid(restored + position, e))?;
                let record = self.record(valid)?;
                self.push(id, record).await?;
            }
            self.issue().await?;
            let last = self.stored.last().map_or(first, |book| book.id);
            let key = match self.last.take() {
                Some(issued) => id_of(&self.books.wait(issued).await?, OPERATION)?,
                None => first,
            };
            if key != last {
                return Err(StoreError::Other {
                    operation: OPERATION,
                    detail: format!("the store gave the last book the key {key}, not {last}"),
                });
            }
        } else {
            self.issue().await?;
        }
        mark("bookshelf:write-issued");
        self.queue(true).await?;
        let chunks = self.write_chunks().await?;
        Ok(Written {
            stored: self.stored,
            chunks,
        })
    }

    /// The record of a checked book, given a uid if it has none.
    fn record(&mut self, mut book: NewBook) -> Result<Record> {
        if book.uid.is_empty() {
            if self.uids.is_empty() {
                self.uids = new_uids(UIDS_AT_ONCE, OPERATION)?;
            }
            book.uid = self.uids.pop().unwrap_or_default();
        }
        Ok(Record::from_owned(book))
    }

    /// Adds a record to the group, and the group to the store once it is full.
    async fn push(&mut self, id: BookId, record: Record) -> Result<()> {
        self.json.push(&record, OPERATION)?;
        self.group.push((id, record));
        if self.group.len() >= GROUP {
            self.issue().await?;
        }
        Ok(())
    }

    /// Adds the group's records; gathers their lines; once the page has worked long enough,
    /// reports progress and waits for the first request of this stretch (the page's turn: the
    /// storage still has the rest of the stretch to do meanwhile).
    async fn issue(&mut self) -> Result<()> {
        if self.group.is_empty() {
            return Ok(());
        }
        let values = self.json.take(OPERATION)?;
        if let Some((first, last)) = self.books.add_each(&values).await? {
            self.first_of_turn.get_or_insert(first);
            self.last = Some(last);
        }
        self.made();
        self.queue(false).await?;
        if now() - self.since >= WORK_MILLIS {
            (self.progress)(self.stored.len(), self.total);
            if let Some(first) = self.first_of_turn.take() {
                self.books.wait(first).await?;
            }
            self.since = now();
        }
        Ok(())
    }

    /// Gathers the lines of the group's books, now added, and keeps the books.
    fn made(&mut self) {
        for (id, record) in self.group.drain(..) {
            let lines = self.lines.entry(chunk_of(id)).or_default();
            search::push_line(lines, &record.line_parts(id));
            self.stored.push(record.into_new().with_id(id));
        }
    }

    /// Adds the sync queue's entries for the books stored so far, a full entry at a time (and
    /// the rest, at the end).
    async fn queue(&mut self, end: bool) -> Result<()> {
        while self.stored.len() - self.queued >= sync::UIDS_PER_CHANGE
            || (end && self.queued < self.stored.len())
        {
            let until = self.stored.len().min(self.queued + sync::UIDS_PER_CHANGE);
            let uids: Vec<&str> = self.stored[self.queued..until]
                .iter()
                .map(|book| book.uid.as_str())
                .collect();
            let entry = Array::of1(&sync::change_of(&uids));
            self.changes.add_each(&entry).await?;
            self.queued = until;
        }
        Ok(())
    }

    /// Reads the chunks the books' lines go in, puts the lines in (replacing any of the same
    /// books), writes them back and waits for the last request; returns the chunks as written.
    /// A million books' chunks are tens of megabytes: they are made and put
    /// [`CHUNKS_PER_TURN`] at a time, the page getting its turn while the storage takes the
    /// ones before.
    async fn write_chunks(&mut self) -> Result<BTreeMap<u64, Vec<u8>>> {
        let lines = std::mem::take(&mut self.lines);
        let keys: Vec<JsValue> = lines
            .keys()
            .map(|&chunk| JsValue::from_f64(chunk as f64))
            .collect();
        let stored = self.search.get_each(&keys).await?;
        let mut chunks = BTreeMap::new();
        let mut entries = Vec::with_capacity(CHUNKS_PER_TURN);
        let mut turn_before: Option<Issued> = None;
        for ((chunk, new_lines), (key, value)) in
            lines.into_iter().zip(keys.into_iter().zip(stored))
        {
            let mut bytes = value
                .dyn_into::<js_sys::Uint8Array>()
                .map(|bytes| bytes.to_vec())
                .unwrap_or_default();
            search::upsert_lines(&mut bytes, &new_lines);
            entries.push((key, js_sys::Uint8Array::from(&bytes[..]).into()));
            chunks.insert(chunk, bytes);
            if entries.len() == CHUNKS_PER_TURN {
                let issued = self.search.put_each(std::mem::take(&mut entries)).await?;
                if let Some(before) = std::mem::replace(&mut turn_before, issued) {
                    self.search.wait(before).await?;
                }
            }
        }
        // Requests are done in order: the last one issued is the one to wait for.
        let last = self.search.put_each(entries).await?.or(turn_before);
        if let Some(last) = last {
            self.search.wait(last).await?;
        }
        Ok(chunks)
    }
}

fn no_key() -> StoreError {
    StoreError::Other {
        operation: OPERATION,
        detail: "the store returned no key".into(),
    }
}
