//! Bulk writes: many books in one transaction, all or nothing, with progress — new books that
//! get ids from the key generator, and books that keep ids they already have (an import that
//! restores an export). The search chunks are rewritten in the same transaction.

#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use rexie::Store;
use wasm_bindgen::JsValue;

use super::chunks::{self, ChunkStore};
use super::codec::{id_of, to_js};
use super::connection::BookRepository;
use super::error::{Result, StoreError};
use super::identity::new_uids;
use super::record::Record;
use super::repository::{books_store, search_store};
use super::schema::{BOOKS, CHANGES, SEARCH};
use super::strict::{RawStore, StrictTransaction};
use super::sync;
use super::transaction::{browser_error, settle};
use crate::book::{Book, BookId, NewBook};

/// How many books a bulk write issues between progress reports.
const PROGRESS_STEP: usize = 5_000;
/// How many books are converted for storage between turns of the event loop (about 40 ms).
const CONVERT_STEP: usize = 2_000;

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
        const OPERATION: &str = "add the books";
        let invalid = |position, error| StoreError::InvalidBook { position, error };
        let mut restored = Vec::with_capacity(with_ids.len());
        for (position, book) in with_ids.iter().enumerate() {
            let valid = book
                .to_new()
                .validated()
                .map_err(|e| invalid(position, e))?;
            restored.push(valid.with_id(book.id));
            every_step_a_turn(position).await;
        }
        let mut created = Vec::with_capacity(new.len());
        for (position, book) in new.iter().enumerate() {
            let valid = book
                .validated()
                .map_err(|e| invalid(restored.len() + position, e))?;
            created.push(valid);
            every_step_a_turn(position).await;
        }
        let total = restored.len() + created.len();
        if total == 0 {
            return Ok(Vec::new());
        }
        give_uids(&mut restored, &mut created)?;
        // Everything that is not an IndexedDB request happens before the transaction opens,
        // including the turns of the event loop that keep a long conversion from freezing the page.
        let mut values = Vec::with_capacity(total);
        let records = restored
            .iter()
            .map(Record::from_book)
            .chain(created.iter().map(Record::from_new));
        for (converted, record) in records.enumerate() {
            values.push(to_js(&record, OPERATION)?);
            every_step_a_turn(converted).await;
        }
        let new_values = values.split_off(restored.len());
        let restored_values = values;

        let batch = Batch {
            restored,
            restored_values,
            created,
            new_values,
            total,
        };
        let _slot = self.slot().await;
        // On the watcher's plain connection, because rexie offers neither strict durability (an
        // import must be on disk before it is shown as done) nor the cause of an abort at commit
        // (a big write is where the quota runs out). Without a watch, rexie's transaction.
        let stored = match self.plain_connection() {
            Some(connection) => {
                let transaction = StrictTransaction::begin(
                    &connection,
                    &[BOOKS, SEARCH, CHANGES],
                    durable,
                    OPERATION,
                )?;
                let outcome = async {
                    let (books, search) = (transaction.store(BOOKS)?, transaction.store(SEARCH)?);
                    let changes = transaction.store(CHANGES)?;
                    batch.write(&books, &search, &changes, progress).await
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
                    batch.write(&books, &search, &changes, progress).await
                }
                .await;
                settle(transaction, outcome, OPERATION).await?
            }
        };
        self.remember(|index| index.upsert_all(&stored));
        progress(stored.len(), stored.len());
        Ok(stored)
    }
}

/// Gives the event loop a turn after every [`CONVERT_STEP`] books of a loop (at `position`), so
/// that checking and converting a large batch never freezes the page.
async fn every_step_a_turn(position: usize) {
    if position % CONVERT_STEP == CONVERT_STEP - 1 {
        TimeoutFuture::new(0).await;
    }
}

/// A bulk write ready to go: the books checked, their records converted, before the transaction.
struct Batch {
    restored: Vec<Book>,
    restored_values: Vec<JsValue>,
    created: Vec<NewBook>,
    new_values: Vec<JsValue>,
    total: usize,
}

impl Batch {
    /// Issues the whole batch in an open transaction: books, their search chunks, and the
    /// queue entries that tell sync which books changed.
    async fn write<S: AddStore>(
        self,
        books: &S,
        search: &impl ChunkStore,
        changes: &S,
        progress: &dyn Fn(usize, usize),
    ) -> Result<Vec<Book>> {
        const OPERATION: &str = "add the books";
        let Batch {
            restored,
            restored_values,
            created,
            new_values,
            total,
        } = self;
        // Explicit ids first: the key generator then continues above the largest of them,
        // so the generated keys that follow are consecutive.
        add_all(books, restored_values, 0, total, progress).await?;
        let mut stored = restored;
        if !created.is_empty() {
            let done = stored.len();
            let last = add_all(books, new_values, done, total, progress)
                .await?
                .ok_or(StoreError::Other {
                    operation: OPERATION,
                    detail: "the store returned no key".into(),
                })?;
            let first = id_of(&last, OPERATION)? + 1 - created.len() as BookId;
            stored.extend(
                created
                    .into_iter()
                    .zip(first..)
                    .map(|(book, id)| book.with_id(id)),
            );
        }
        chunks::upsert_all(search, &stored, OPERATION).await?;
        let queued = stored
            .chunks(sync::UIDS_PER_CHANGE)
            .map(|books| {
                let uids: Vec<&str> = books.iter().map(|book| book.uid.as_str()).collect();
                sync::change_of(&uids)
            })
            .collect();
        changes.add_slice(queued).await?;
        Ok(stored)
    }
}

/// A books store that takes a slice of adds, issued before any is awaited.
trait AddStore {
    /// Adds every value; returns the key of the last.
    async fn add_slice(&self, values: Vec<JsValue>) -> Result<Option<JsValue>>;
}

impl AddStore for Store {
    async fn add_slice(&self, values: Vec<JsValue>) -> Result<Option<JsValue>> {
        const OPERATION: &str = "add the books";
        let mut values = values.into_iter();
        let Some(last) = values.next_back() else {
            return Ok(None);
        };
        // rexie issues the whole slice, then awaits only its last request.
        self.add_all(values.map(|value| (value, None)))
            .await
            .map_err(|error| browser_error(OPERATION, error))?;
        let key = self
            .add(&last, None)
            .await
            .map_err(|error| browser_error(OPERATION, error))?;
        Ok(Some(key))
    }
}

impl AddStore for RawStore {
    async fn add_slice(&self, values: Vec<JsValue>) -> Result<Option<JsValue>> {
        let mut last = None;
        for value in &values {
            last = Some(self.add_unawaited(value)?);
        }
        match last {
            // Requests of a transaction finish in order: the last done means all are.
            Some(request) => self.wait(&request).await.map(Some),
            None => Ok(None),
        }
    }
}

/// Gives a new uid to every book of the batch that has none yet (one call for all of them).
fn give_uids(restored: &mut [Book], created: &mut [NewBook]) -> Result<()> {
    let missing = restored.iter().filter(|book| book.uid.is_empty()).count()
        + created.iter().filter(|book| book.uid.is_empty()).count();
    if missing == 0 {
        return Ok(());
    }
    let mut uids = new_uids(missing, "add the books")?.into_iter();
    let slots = restored
        .iter_mut()
        .map(|book| &mut book.uid)
        .chain(created.iter_mut().map(|book| &mut book.uid));
    for uid in slots.filter(|uid| uid.is_empty()) {
        *uid = uids.next().unwrap_or_default();
    }
    Ok(())
}

/// Issues every add before awaiting any (awaiting one slice at a time to report progress);
/// returns the last key the store gave, if any value was added.
async fn add_all(
    store: &impl AddStore,
    values: Vec<JsValue>,
    done_before: usize,
    total: usize,
    progress: &dyn Fn(usize, usize),
) -> Result<Option<JsValue>> {
    let mut last_key = None;
    let mut done = done_before;
    let mut values = values.into_iter().peekable();
    while values.peek().is_some() {
        let slice: Vec<_> = values.by_ref().take(PROGRESS_STEP).collect();
        done += slice.len();
        last_key = store.add_slice(slice).await?.or(last_key);
        progress(done, total);
    }
    Ok(last_key)
}
