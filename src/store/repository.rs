//! BookRepository: books in IndexedDB through rexie. One transaction per call, all or nothing;
//! at most `max_in_flight` calls at once.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use async_lock::{Semaphore, SemaphoreGuard};
use futures::future::join3;
use rexie::{Rexie, Store, Transaction, TransactionMode};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;

use super::chunks;
use super::codec::{from_js, id_of, key, to_js};
use super::error::{Result, StoreError};
use super::identity::new_uids;
use super::record::Record;
use super::schema::{self, BOOKS, BY_UID, HIGH_WATER_KEY, META, SEARCH};
use super::transaction::{browser_error, describe, end_read, settle};
use super::watch::{wait_until_unblocked, Loss, Watch};
use crate::book::{Book, BookId, BookPatch, NewBook};
use crate::search::{self, chunk_of, SearchIndex};

/// How many repository calls may run at once unless told otherwise (the original design's 50).
pub const DEFAULT_MAX_IN_FLIGHT: usize = 50;

/// How a repository is opened.
#[derive(Clone)]
pub struct OpenOptions {
    /// The most calls that may run at once; more wait their turn.
    pub max_in_flight: usize,
    /// Called if opening is blocked by other tabs holding an older version; opening goes on when
    /// they let go.
    pub on_blocked: Option<Rc<dyn Fn(StoreError)>>,
    /// Called when the database is taken away from this page without it asking (see [`Lost`]).
    pub on_lost: Option<Rc<dyn Fn(Lost)>>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            on_blocked: None,
            on_lost: None,
        }
    }
}

/// The database was taken away from this page without it asking.
#[derive(Debug, Clone, PartialEq)]
pub enum Lost {
    /// Another tab opened a newer version: this page let go, and must reload to go on.
    NewerVersion,
    /// The browser deleted the database under the page (site data cleared, or evicted); the
    /// repository opened it again, empty, and works as before.
    Reopened,
    /// As `Reopened`, but opening it again failed: every call fails until the page reloads.
    ReopenFailed(StoreError),
}

/// Why there is no connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gone {
    /// This page closed the repository.
    ClosedHere,
    /// A newer version took over.
    NewerVersion,
    /// The database was deleted under the page and is being opened again.
    Reopening,
}

/// The catalogue's storage. Cheap to clone: clones share one connection and one limit.
#[derive(Clone)]
pub struct BookRepository {
    pub(super) inner: Rc<Inner>,
}

pub(super) struct Inner {
    name: String,
    database: RefCell<Option<Rexie>>,
    /// Why `database` is `None`.
    gone: Cell<Gone>,
    /// Watches for the database being taken away.
    watch: RefCell<Option<Watch>>,
    on_lost: Option<Rc<dyn Fn(Lost)>>,
    permits: Semaphore,
    /// The search index in memory, loaded at the first search and kept in step with writes.
    pub(super) search: RefCell<Option<SearchIndex>>,
}

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
    /// Opens (creating or upgrading as needed) the database `name` with default options.
    pub async fn open(name: &str) -> Result<Self> {
        Self::open_with(name, OpenOptions::default()).await
    }

    /// Opens the database `name`: creates it, or upgrades it from any older version keeping every record.
    pub async fn open_with(name: &str, options: OpenOptions) -> Result<Self> {
        let database = connect(name, options.on_blocked).await?;
        let repository = Self {
            inner: Rc::new(Inner {
                name: name.to_owned(),
                database: RefCell::new(Some(database)),
                gone: Cell::new(Gone::ClosedHere),
                watch: RefCell::new(None),
                on_lost: options.on_lost,
                permits: Semaphore::new(options.max_in_flight.max(1)),
                search: RefCell::new(None),
            }),
        };
        repository.watch().await;
        Ok(repository)
    }

    /// Starts watching for the database being taken away. Best effort: without a watch the
    /// repository still works, and a lost connection shows as errors of the calls.
    async fn watch(&self) {
        let repository = Rc::downgrade(&self.inner);
        let watch = Watch::start(&self.inner.name, schema::VERSION, move |loss| {
            if let Some(inner) = repository.upgrade() {
                // After the event: the watch that called this is dropped on the way.
                spawn_local(async move { BookRepository { inner }.lost(loss).await });
            }
        })
        .await;
        match watch {
            Ok(watch) => *self.inner.watch.borrow_mut() = watch,
            Err(error) => web_sys::console::warn_1(&format!("Bookshelf: {error}").into()),
        }
    }

    /// The database was taken away: let go of it, then reopen it if it was deleted.
    async fn lost(self, loss: Loss) {
        if self.inner.database.borrow().is_none() {
            // Already let go: closed here, or a loss heard twice (both of the watch's events).
            return;
        }
        self.disconnect(match loss {
            Loss::NewerVersion => Gone::NewerVersion,
            Loss::Deleted => Gone::Reopening,
        });
        let event = match loss {
            Loss::NewerVersion => Lost::NewerVersion,
            Loss::Deleted => match connect(&self.inner.name, None).await {
                Ok(database) => {
                    *self.inner.database.borrow_mut() = Some(database);
                    self.watch().await;
                    Lost::Reopened
                }
                Err(error) => Lost::ReopenFailed(error),
            },
        };
        if let Some(on_lost) = &self.inner.on_lost {
            on_lost(event);
        }
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Stores a new book and returns it with its id.
    pub async fn create(&self, book: NewBook) -> Result<Book> {
        let mut created = self
            .create_many(vec![book])
            .await
            .map_err(|error| match error {
                StoreError::InvalidBook { error, .. } => StoreError::Invalid(error),
                other => other,
            })?;
        created.pop().ok_or(StoreError::Other {
            operation: "add the book",
            detail: "the store returned no book".into(),
        })
    }

    /// Puts a deleted book back with its own id and uid (undo). Fails if that id is in use again,
    /// or if an import has brought the same book (its uid) back meanwhile.
    pub async fn restore(&self, book: Book) -> Result<Book> {
        const OPERATION: &str = "restore the book";
        let mut checked = book.to_new().validated()?.with_id(book.id);
        if checked.uid.is_empty() {
            checked.uid = new_uids(1, OPERATION)?.pop().unwrap_or_default();
        }
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
            let search = search_store(&transaction, OPERATION)?;
            chunks::upsert_all(&search, std::slice::from_ref(&checked), OPERATION).await
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

    /// How many books are stored.
    pub async fn count(&self) -> Result<u64> {
        const OPERATION: &str = "count the books";
        let _slot = self.slot().await;
        let transaction = self.transaction(&[BOOKS], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = async {
            books_store(&transaction, OPERATION)?
                .count(None)
                .await
                .map_err(|error| browser_error(OPERATION, error))
        }
        .await;
        Ok(u64::from(end_read(transaction, outcome).await?))
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
                let search = search_store(&transaction, OPERATION)?;
                chunks::upsert_all(&search, std::slice::from_ref(&updated), OPERATION).await?;
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
            for store in [BOOKS, SEARCH] {
                transaction
                    .store(store)
                    .map_err(|error| browser_error(OPERATION, error))?
                    .clear()
                    .await
                    .map_err(|error| browser_error(OPERATION, error))?;
            }
            Ok(())
        }
        .await;
        settle(transaction, outcome, OPERATION).await?;
        self.remember(|index| *index = SearchIndex::default());
        Ok(())
    }

    /// Closes the connection; later calls on any clone fail with [`StoreError::Closed`].
    pub fn close(&self) {
        self.disconnect(Gone::ClosedHere);
    }

    fn disconnect(&self, why: Gone) {
        self.inner.gone.set(why);
        self.inner.watch.borrow_mut().take();
        if let Some(database) = self.inner.database.borrow_mut().take() {
            database.close();
        }
        self.inner.search.borrow_mut().take();
    }

    /// A permit to run one call (one transaction); held until the call is done.
    pub(super) async fn slot(&self) -> SemaphoreGuard<'_> {
        self.inner.permits.acquire().await
    }

    pub(super) fn transaction(
        &self,
        stores: &[&str],
        mode: TransactionMode,
        operation: &'static str,
    ) -> Result<Transaction> {
        let database = self.inner.database.borrow();
        let database = database.as_ref().ok_or(match self.inner.gone.get() {
            Gone::ClosedHere => StoreError::Closed,
            Gone::NewerVersion => StoreError::ClosedElsewhere,
            Gone::Reopening => StoreError::Reopening,
        })?;
        database
            .transaction(stores, mode)
            .map_err(|error| browser_error(operation, error))
    }

    pub(super) fn write_transaction(&self, operation: &'static str) -> Result<Transaction> {
        self.transaction(
            &[BOOKS, SEARCH, META],
            TransactionMode::ReadWrite,
            operation,
        )
    }

    /// The watcher's plain connection, for writes rexie cannot make (strict durability); `None`
    /// when there is no watch (closed, gone, or the watch could not start).
    pub(super) fn plain_connection(&self) -> Option<web_sys::IdbDatabase> {
        let watch = self.inner.watch.borrow();
        watch.as_ref().map(|watch| watch.connection().clone())
    }

    /// Applies a committed change to the in-memory search index, if it is loaded.
    pub(super) fn remember(&self, change: impl FnOnce(&mut SearchIndex)) {
        if let Some(index) = self.inner.search.borrow_mut().as_mut() {
            change(index);
        }
    }
}

/// Opens `name` at this build's schema version, after other tabs have let go of older versions,
/// and brings its data up to date.
async fn connect(name: &str, on_blocked: Option<Rc<dyn Fn(StoreError)>>) -> Result<Rexie> {
    wait_until_unblocked(name, schema::VERSION, move || {
        if let Some(on_blocked) = &on_blocked {
            on_blocked(StoreError::Blocked);
        }
    })
    .await?;
    let database = schema::builder(name, schema::VERSION)
        .build()
        .await
        .map_err(|error| StoreError::Unavailable {
            detail: describe(&error),
        })?;
    schema::migrate(name, &database).await?;
    Ok(database)
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
async fn raise_high_water(
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

pub(super) fn books_store(transaction: &Transaction, operation: &'static str) -> Result<Store> {
    transaction
        .store(BOOKS)
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
