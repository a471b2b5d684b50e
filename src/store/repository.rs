//! The catalogue's books in IndexedDB through rexie: add, restore, read, list, count, change,
//! delete and clear, one transaction per call, all or nothing (the connection and its limit of
//! calls at once: `connection.rs`).

#![cfg(target_arch = "wasm32")]

use futures::future::join3;
use rexie::{Store, Transaction, TransactionMode};
use wasm_bindgen::JsValue;

use super::chunks;
use super::codec::{from_js, id_of, key, to_js};
use super::connection::BookRepository;
use super::counter;
use super::error::{Result, StoreError};
use super::identity::new_uids;
use super::record::Record;
use super::schema::{BOOKS, BY_UID, CHANGES, HIGH_WATER_KEY, META, SEARCH};
use super::sync;
use super::transaction::{browser_error, end_read, settle};
use crate::book::{Book, BookId, BookPatch, NewBook};
use crate::search::{self, chunk_of, SearchIndex};

/// Where a page of books starts and how long it is (primary-key order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Start after this id; `None` starts at the first book.
    pub after: Option<BookId>,
    /// The most books to return.
    pub limit: u32,
}

/// Walks every book in id order, a page at a time, never holding more than one page.
pub struct BookPages {
    repository: BookRepository,
    next: Option<PageRequest>,
}

impl BookPages {
    /// The next page, or `None` once every book has been returned.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Book>>> {
        let Some(request) = self.next else {
            return Ok(None);
        };
        let page = self.repository.list(request).await?;
        self.next = match page.last() {
            Some(last) if page.len() as u32 == request.limit => Some(PageRequest {
                after: Some(last.id),
                limit: request.limit,
            }),
            _ => None,
        };
        Ok((!page.is_empty()).then_some(page))
    }
}

impl BookRepository {
    /// Stores a new book and returns it with its id. One book's own write (not the bulk path of
    /// `bulk.rs`, which is code the first page does not need).
    pub async fn create(&self, book: NewBook) -> Result<Book> {
        const OPERATION: &str = "add the book";
        let mut checked = book.validated()?;
        give_uid(&mut checked.uid, OPERATION)?;
        let value = to_js(&Record::from_new(&checked), OPERATION)?;
        let _slot = self.slot().await;
        let transaction = self.write_transaction(OPERATION)?;
        let outcome = async {
            let key = books_store(&transaction, OPERATION)?
                .add(&value, None)
                .await
                .map_err(|error| browser_error(OPERATION, error))?;
            let book = checked.with_id(id_of(&key, OPERATION)?);
            counter::change(&meta_store(&transaction, OPERATION)?, 1, 0, OPERATION).await?;
            written(&transaction, &book, OPERATION).await?;
            Ok(book)
        }
        .await;
        let book = settle(transaction, outcome, OPERATION).await?;
        self.remember(|index| index.upsert(&book));
        Ok(book)
    }

    /// Puts a deleted book back with its own id and uid (undo). Fails if that id is in use again,
    /// or if an import has brought the same book (its uid) back meanwhile.
    pub async fn restore(&self, book: Book) -> Result<Book> {
        const OPERATION: &str = "restore the book";
        let mut checked = book.to_new().validated()?.with_id(book.id);
        give_uid(&mut checked.uid, OPERATION)?;
        let value = to_js(&Record::from_book(&checked), OPERATION)?;
        let _slot = self.slot().await;
        let transaction = self.write_transaction(OPERATION)?;
        let outcome = async {
            let books = books_store(&transaction, OPERATION)?;
            // An import may have brought the same book back meanwhile: it is not put back twice.
            let only = rexie::KeyRange::only(&JsValue::from_str(&checked.uid))
                .map_err(|error| browser_error(OPERATION, error.into()))?;
            let same = books
                .index(BY_UID)
                .map_err(|error| browser_error(OPERATION, error))?
                .get_all_keys(Some(only), Some(1))
                .await
                .map_err(|error| browser_error(OPERATION, error))?;
            if let Some(key) = same.first() {
                return Err(StoreError::AlreadyStored(id_of(key, OPERATION)?));
            }
            books
                .add(&value, None)
                .await
                .map_err(|error| browser_error(OPERATION, error))?;
            counter::change(&meta_store(&transaction, OPERATION)?, 1, 0, OPERATION).await?;
            written(&transaction, &checked, OPERATION).await
        }
        .await;
        settle(transaction, outcome, OPERATION).await?;
        self.remember(|index| index.upsert(&checked));
        Ok(checked)
    }

    /// The book with this id, or `None`.
    pub async fn get(&self, id: BookId) -> Result<Option<Book>> {
        const OPERATION: &str = "read the book";
        let _slot = self.slot().await;
        let transaction = self.transaction(&[BOOKS], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = async {
            let store = books_store(&transaction, OPERATION)?;
            read_book(&store, id, OPERATION).await
        }
        .await;
        end_read(transaction, outcome).await
    }

    /// One page of books in id order.
    pub async fn list(&self, request: PageRequest) -> Result<Vec<Book>> {
        const OPERATION: &str = "list the books";
        let range = match request.after {
            Some(after) => Some(
                rexie::KeyRange::lower_bound(&key(after), Some(true))
                    .map_err(|error| browser_error(OPERATION, error.into()))?,
            ),
            None => None,
        };
        let _slot = self.slot().await;
        let transaction = self.transaction(&[BOOKS], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = async {
            books_store(&transaction, OPERATION)?
                .get_all(range, Some(request.limit.max(1)))
                .await
                .map_err(|error| browser_error(OPERATION, error))
        }
        .await;
        values_to_books(end_read(transaction, outcome).await?, OPERATION)
    }

    /// Every book in id order, `page_size` at a time (the original streamed listing).
    pub fn pages(&self, page_size: u32) -> BookPages {
        BookPages {
            repository: self.clone(),
            next: Some(PageRequest {
                after: None,
                limit: page_size.max(1),
            }),
        }
    }

    /// How many books are stored: the number every write keeps (one read, however many books;
    /// see `counter.rs`), or, where none is kept, IndexedDB's count.
    pub async fn count(&self) -> Result<u64> {
        const OPERATION: &str = "count the books";
        let _slot = self.slot().await;
        let transaction = self.transaction(&[BOOKS, META], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = async {
            if let Some(count) =
                counter::kept(&meta_store(&transaction, OPERATION)?, OPERATION).await?
            {
                return Ok(count);
            }
            books_store(&transaction, OPERATION)?
                .count(None)
                .await
                .map(u64::from)
                .map_err(|error| browser_error(OPERATION, error))
        }
        .await;
        end_read(transaction, outcome).await
    }

    /// Changes the fields `patch` names in one read-modify-write transaction; returns the new book.
    pub async fn update(&self, id: BookId, patch: BookPatch) -> Result<Book> {
        const OPERATION: &str = "save the book";
        let _slot = self.slot().await;
        let transaction = self.write_transaction(OPERATION)?;
        let outcome = async {
            let store = books_store(&transaction, OPERATION)?;
            let current = read_existing(&store, id, OPERATION).await?;
            let updated = current.patched(&patch)?;
            if updated != current {
                let value = to_js(&Record::from_book(&updated), OPERATION)?;
                store
                    .put(&value, None)
                    .await
                    .map_err(|error| browser_error(OPERATION, error))?;
                written(&transaction, &updated, OPERATION).await?;
            }
            Ok(updated)
        }
        .await;
        let updated = settle(transaction, outcome, OPERATION).await?;
        self.remember(|index| index.upsert(&updated));
        Ok(updated)
    }

    /// Deletes the book with this id and returns it (so that it can be restored).
    pub async fn delete(&self, id: BookId) -> Result<Book> {
        const OPERATION: &str = "delete the book";
        let _slot = self.slot().await;
        let transaction = self.write_transaction(OPERATION)?;
        let outcome = async {
            let store = books_store(&transaction, OPERATION)?;
            let search = search_store(&transaction, OPERATION)?;
            // The book, the ids' high-water mark and the book's search chunk, read at once; then
            // the three writes, issued at once.
            let (current, high, chunk) = join3(
                read_existing(&store, id, OPERATION),
                high_water(&transaction, OPERATION),
                chunks::read(&search, chunk_of(id), OPERATION),
            )
            .await;
            let (current, high, mut chunk) = (current?, high?, chunk?);
            let in_chunk = search::remove(&mut chunk, id);
            let (deleted, marked, rewritten) = join3(
                async {
                    store
                        .delete(key(id))
                        .await
                        .map_err(|error| browser_error(OPERATION, error))
                },
                async {
                    if id > high {
                        set_high_water(&transaction, id, OPERATION).await
                    } else {
                        Ok(())
                    }
                },
                async {
                    if in_chunk {
                        chunks::write(&search, chunk_of(id), &chunk, OPERATION).await
                    } else {
                        Ok(())
                    }
                },
            )
            .await;
            deleted?;
            marked?;
            rewritten?;
            log_change(&transaction, &[&current.uid], OPERATION).await?;
            counter::change(&meta_store(&transaction, OPERATION)?, 0, 1, OPERATION).await?;
            Ok(current)
        }
        .await;
        let deleted = settle(transaction, outcome, OPERATION).await?;
        self.remember(|index| index.remove(id));
        Ok(deleted)
    }

    /// Deletes every book.
    pub async fn clear(&self) -> Result<()> {
        const OPERATION: &str = "delete all books";
        let _slot = self.slot().await;
        let transaction = self.write_transaction(OPERATION)?;
        let outcome = async {
            let last = books_store(&transaction, OPERATION)?
                .scan(None, Some(1), None, Some(rexie::Direction::Prev))
                .await
                .map_err(|error| browser_error(OPERATION, error))?;
            if let Some((last, _)) = last.first() {
                raise_high_water(&transaction, id_of(last, OPERATION)?, OPERATION).await?;
            }
            // Every synced book's tombstone must travel: sync walks its revision trees.
            transaction
                .store(CHANGES)
                .map_err(|error| browser_error(OPERATION, error))?
                .add(&sync::cleared_change(), None)
                .await
                .map_err(|error| browser_error(OPERATION, error))?;
            for store in [BOOKS, SEARCH] {
                transaction
                    .store(store)
                    .map_err(|error| browser_error(OPERATION, error))?
                    .clear()
                    .await
                    .map_err(|error| browser_error(OPERATION, error))?;
            }
            counter::set(&meta_store(&transaction, OPERATION)?, 0, OPERATION).await
        }
        .await;
        settle(transaction, outcome, OPERATION).await?;
        self.remember(|index| *index = SearchIndex::default());
        Ok(())
    }

    /// Applies a committed change to the in-memory search index, if it is loaded.
    pub(super) fn remember(&self, change: impl FnOnce(&mut SearchIndex)) {
        self.inner.search.remember(change);
    }
}

/// The largest id any book has ever had here, deleted books included (0 for none).
pub(super) async fn high_water(
    transaction: &Transaction,
    operation: &'static str,
) -> Result<BookId> {
    let meta = transaction
        .store(META)
        .map_err(|error| browser_error(operation, error))?;
    let stored = meta
        .get(JsValue::from_str(HIGH_WATER_KEY))
        .await
        .map_err(|error| browser_error(operation, error))?;
    Ok(stored.and_then(|value| value.as_f64()).unwrap_or(0.0) as BookId)
}

/// Remembers that `id` was used, so that no other book is ever given it (called as a book goes).
pub(super) async fn raise_high_water(
    transaction: &Transaction,
    id: BookId,
    operation: &'static str,
) -> Result<()> {
    if high_water(transaction, operation).await? >= id {
        return Ok(());
    }
    set_high_water(transaction, id, operation).await
}

/// Writes the high-water mark (only ever raised: callers have read it first).
async fn set_high_water(
    transaction: &Transaction,
    id: BookId,
    operation: &'static str,
) -> Result<()> {
    transaction
        .store(META)
        .map_err(|error| browser_error(operation, error))?
        .put(&key(id), Some(&JsValue::from_str(HIGH_WATER_KEY)))
        .await
        .map_err(|error| browser_error(operation, error))?;
    Ok(())
}

/// Queues the books (by uid) a write changed for sync, in the write's own transaction.
/// Gives a book without a uid a new one.
fn give_uid(uid: &mut String, operation: &'static str) -> Result<()> {
    if uid.is_empty() {
        *uid = new_uids(1, operation)?.pop().unwrap_or_default();
    }
    Ok(())
}

/// What every write of one book does after the book itself, in its transaction: the change
/// queued for sync, and the book's line in its search chunk.
async fn written(transaction: &Transaction, book: &Book, operation: &'static str) -> Result<()> {
    log_change(transaction, &[&book.uid], operation).await?;
    let search = search_store(transaction, operation)?;
    chunks::upsert_all(&search, std::slice::from_ref(book), operation).await
}

async fn log_change(
    transaction: &Transaction,
    uids: &[&str],
    operation: &'static str,
) -> Result<()> {
    transaction
        .store(CHANGES)
        .map_err(|error| browser_error(operation, error))?
        .add(&sync::change_of(uids), None)
        .await
        .map_err(|error| browser_error(operation, error))?;
    Ok(())
}

pub(super) fn books_store(transaction: &Transaction, operation: &'static str) -> Result<Store> {
    transaction
        .store(BOOKS)
        .map_err(|error| browser_error(operation, error))
}

pub(super) fn meta_store(transaction: &Transaction, operation: &'static str) -> Result<Store> {
    transaction
        .store(META)
        .map_err(|error| browser_error(operation, error))
}

pub(super) fn search_store(transaction: &Transaction, operation: &'static str) -> Result<Store> {
    transaction
        .store(SEARCH)
        .map_err(|error| browser_error(operation, error))
}

pub(super) async fn read_book(
    store: &Store,
    id: BookId,
    operation: &'static str,
) -> Result<Option<Book>> {
    let value = store
        .get(key(id))
        .await
        .map_err(|error| browser_error(operation, error))?;
    match value {
        Some(value) => Ok(from_js::<Record>(value, operation)?.into_book()),
        None => Ok(None),
    }
}

/// The stored book with this id; a missing one is an error (update and delete must not pass
/// silently over a book that another tab deleted).
async fn read_existing(store: &Store, id: BookId, operation: &'static str) -> Result<Book> {
    read_book(store, id, operation)
        .await?
        .ok_or(StoreError::NotFound(id))
}

pub(super) fn values_to_books(
    values: Vec<wasm_bindgen::JsValue>,
    operation: &'static str,
) -> Result<Vec<Book>> {
    values
        .into_iter()
        .filter_map(|value| {
            from_js::<Record>(value, operation)
                .map(Record::into_book)
                .transpose()
        })
        .collect()
}
