//! BookRepository: books in IndexedDB through rexie. One transaction per call, all or nothing;
//! at most `max_in_flight` calls at once.

use std::cell::{Cell, RefCell};
use std::pin::pin;
use std::rc::Rc;

use async_lock::{Semaphore, SemaphoreGuard};
use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use rexie::{KeyRange, Rexie, Transaction, TransactionMode, TransactionResult};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::codec::{from_js, id_of, key, to_js};
use super::error::{Result, StoreError};
use super::record::Record;
use super::schema::{self, BOOKS};
use crate::book::{Book, BookId, BookPatch, NewBook};

/// How many repository calls may run at once unless told otherwise (the original design's 50).
pub const DEFAULT_MAX_IN_FLIGHT: usize = 50;

/// How a repository is opened.
#[derive(Clone)]
pub struct OpenOptions {
    /// The most calls that may run at once; more wait their turn.
    pub max_in_flight: usize,
    /// How long opening may wait before other tabs are taken to be blocking an upgrade.
    pub blocked_after_ms: u32,
    /// Called once if opening is blocked by other tabs; opening goes on when they close.
    pub on_blocked: Option<Rc<dyn Fn(StoreError)>>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            blocked_after_ms: 1_500,
            on_blocked: None,
        }
    }
}

/// The catalogue's storage. Cheap to clone: clones share one connection and one limit.
#[derive(Clone)]
pub struct BookRepository {
    inner: Rc<Inner>,
}

struct Inner {
    name: String,
    database: RefCell<Option<Rexie>>,
    permits: Semaphore,
    in_flight: Cell<usize>,
    peak_in_flight: Cell<usize>,
}

/// A running call: holds a permit and counts itself in flight until dropped.
struct Slot<'a> {
    _permit: SemaphoreGuard<'a>,
    inner: &'a Inner,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.inner.in_flight.set(self.inner.in_flight.get() - 1);
    }
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
        let mut opening = pin!(schema::builder(name, schema::VERSION).build());
        let waited = select(
            opening.as_mut(),
            TimeoutFuture::new(options.blocked_after_ms),
        )
        .await;
        let opened = match waited {
            Either::Left((opened, _)) => opened,
            Either::Right(((), opening)) => {
                if let Some(on_blocked) = &options.on_blocked {
                    on_blocked(StoreError::Blocked);
                }
                opening.await
            }
        };
        let database = opened.map_err(|error| StoreError::Unavailable {
            detail: describe(&error),
        })?;
        schema::migrate(&database).await?;
        Ok(Self {
            inner: Rc::new(Inner {
                name: name.to_owned(),
                database: RefCell::new(Some(database)),
                permits: Semaphore::new(options.max_in_flight.max(1)),
                in_flight: Cell::new(0),
                peak_in_flight: Cell::new(0),
            }),
        })
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The most calls that were ever running at the same time.
    pub fn peak_in_flight(&self) -> usize {
        self.inner.peak_in_flight.get()
    }

    /// Stores a new book and returns it with its id.
    pub async fn create(&self, book: NewBook) -> Result<Book> {
        const OPERATION: &str = "add the book";
        let book = book.validated()?;
        let value = to_js(&Record::from_new(&book), OPERATION)?;
        let _slot = self.slot().await;
        let transaction = self.transaction(TransactionMode::ReadWrite, OPERATION)?;
        let store = books(&transaction, OPERATION)?;
        let stored_key = store
            .add(&value, None)
            .await
            .map_err(|error| browser_error(OPERATION, error))?;
        finish(transaction, OPERATION).await?;
        Ok(book.with_id(id_of(&stored_key, OPERATION)?))
    }

    /// Stores every book in one transaction: all of them, or (on any error) none.
    pub async fn create_many(&self, books_to_add: Vec<NewBook>) -> Result<Vec<Book>> {
        const OPERATION: &str = "add the books";
        let mut valid = Vec::with_capacity(books_to_add.len());
        for (position, book) in books_to_add.iter().enumerate() {
            valid.push(
                book.validated()
                    .map_err(|error| StoreError::InvalidBook { position, error })?,
            );
        }
        if valid.is_empty() {
            return Ok(Vec::new());
        }
        let mut values = Vec::with_capacity(valid.len());
        for book in &valid {
            values.push((to_js(&Record::from_new(book), OPERATION)?, None));
        }
        let _slot = self.slot().await;
        let transaction = self.transaction(TransactionMode::ReadWrite, OPERATION)?;
        let store = books(&transaction, OPERATION)?;
        // Every add is issued before awaiting (rexie awaits only the last): the fast pattern.
        // Generated keys within one transaction are consecutive, so the last one gives them all.
        let count = values.len() as BookId;
        let mut requests = values.into_iter();
        let last = requests.next_back();
        store
            .add_all(requests)
            .await
            .map_err(|error| browser_error(OPERATION, error))?;
        let last_key = match last {
            Some((value, _)) => store
                .add(&value, None)
                .await
                .map_err(|error| browser_error(OPERATION, error))?,
            None => return Ok(Vec::new()),
        };
        finish(transaction, OPERATION).await?;
        let first = id_of(&last_key, OPERATION)? + 1 - count;
        Ok(valid
            .into_iter()
            .zip(first..)
            .map(|(book, id)| book.with_id(id))
            .collect())
    }

    /// Puts a deleted book back with its own id (undo). Fails if that id is in use again.
    pub async fn restore(&self, book: Book) -> Result<Book> {
        const OPERATION: &str = "restore the book";
        let checked = book.to_new().validated()?.with_id(book.id);
        let value = to_js(&Record::from_book(&checked), OPERATION)?;
        let _slot = self.slot().await;
        let transaction = self.transaction(TransactionMode::ReadWrite, OPERATION)?;
        books(&transaction, OPERATION)?
            .add(&value, None)
            .await
            .map_err(|error| browser_error(OPERATION, error))?;
        finish(transaction, OPERATION).await?;
        Ok(checked)
    }

    /// The book with this id, or `None`.
    pub async fn get(&self, id: BookId) -> Result<Option<Book>> {
        const OPERATION: &str = "read the book";
        let _slot = self.slot().await;
        let transaction = self.transaction(TransactionMode::ReadOnly, OPERATION)?;
        let value = books(&transaction, OPERATION)?
            .get(key(id))
            .await
            .map_err(|error| browser_error(OPERATION, error))?;
        match value {
            Some(value) => Ok(from_js::<Record>(value, OPERATION)?.into_book()),
            None => Ok(None),
        }
    }

    /// One page of books in id order.
    pub async fn list(&self, request: PageRequest) -> Result<Vec<Book>> {
        const OPERATION: &str = "list the books";
        let range = match request.after {
            Some(after) => Some(
                KeyRange::lower_bound(&key(after), Some(true))
                    .map_err(|error| browser_error(OPERATION, error.into()))?,
            ),
            None => None,
        };
        let _slot = self.slot().await;
        let transaction = self.transaction(TransactionMode::ReadOnly, OPERATION)?;
        let values = books(&transaction, OPERATION)?
            .get_all(range, Some(request.limit.max(1)))
            .await
            .map_err(|error| browser_error(OPERATION, error))?;
        drop(transaction);
        values
            .into_iter()
            .filter_map(|value| {
                from_js::<Record>(value, OPERATION)
                    .map(Record::into_book)
                    .transpose()
            })
            .collect()
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
        let transaction = self.transaction(TransactionMode::ReadOnly, OPERATION)?;
        let count = books(&transaction, OPERATION)?
            .count(None)
            .await
            .map_err(|error| browser_error(OPERATION, error))?;
        Ok(u64::from(count))
    }

    /// Changes the fields `patch` names in one read-modify-write transaction; returns the new book.
    pub async fn update(&self, id: BookId, patch: BookPatch) -> Result<Book> {
        const OPERATION: &str = "save the book";
        let _slot = self.slot().await;
        let transaction = self.transaction(TransactionMode::ReadWrite, OPERATION)?;
        let store = books(&transaction, OPERATION)?;
        let current = store
            .get(key(id))
            .await
            .map_err(|error| browser_error(OPERATION, error))?
            .map(|value| from_js::<Record>(value, OPERATION))
            .transpose()?
            .and_then(Record::into_book)
            .ok_or(StoreError::NotFound(id))?;
        let updated = current.patched(&patch).map_err(StoreError::from)?;
        if updated != current {
            let value = to_js(&Record::from_book(&updated), OPERATION)?;
            store
                .put(&value, None)
                .await
                .map_err(|error| browser_error(OPERATION, error))?;
        }
        finish(transaction, OPERATION).await?;
        Ok(updated)
    }

    /// Deletes the book with this id and returns it (so that it can be restored).
    pub async fn delete(&self, id: BookId) -> Result<Book> {
        const OPERATION: &str = "delete the book";
        let _slot = self.slot().await;
        let transaction = self.transaction(TransactionMode::ReadWrite, OPERATION)?;
        let store = books(&transaction, OPERATION)?;
        let current = store
            .get(key(id))
            .await
            .map_err(|error| browser_error(OPERATION, error))?
            .map(|value| from_js::<Record>(value, OPERATION))
            .transpose()?
            .and_then(Record::into_book)
            .ok_or(StoreError::NotFound(id))?;
        store
            .delete(key(id))
            .await
            .map_err(|error| browser_error(OPERATION, error))?;
        finish(transaction, OPERATION).await?;
        Ok(current)
    }

    /// Deletes every book.
    pub async fn clear(&self) -> Result<()> {
        const OPERATION: &str = "delete all books";
        let _slot = self.slot().await;
        let transaction = self.transaction(TransactionMode::ReadWrite, OPERATION)?;
        books(&transaction, OPERATION)?
            .clear()
            .await
            .map_err(|error| browser_error(OPERATION, error))?;
        finish(transaction, OPERATION).await
    }

    /// Closes the connection; later calls on any clone fail with [`StoreError::Closed`].
    pub fn close(&self) {
        if let Some(database) = self.inner.database.borrow_mut().take() {
            database.close();
        }
    }

    async fn slot(&self) -> Slot<'_> {
        let permit = self.inner.permits.acquire().await;
        let inner = &*self.inner;
        inner.in_flight.set(inner.in_flight.get() + 1);
        inner
            .peak_in_flight
            .set(inner.peak_in_flight.get().max(inner.in_flight.get()));
        Slot {
            _permit: permit,
            inner,
        }
    }

    fn transaction(&self, mode: TransactionMode, operation: &'static str) -> Result<Transaction> {
        let database = self.inner.database.borrow();
        let database = database.as_ref().ok_or(StoreError::Closed)?;
        database
            .transaction(&[BOOKS], mode)
            .map_err(|error| browser_error(operation, error))
    }
}

fn books(transaction: &Transaction, operation: &'static str) -> Result<rexie::Store> {
    transaction
        .store(BOOKS)
        .map_err(|error| browser_error(operation, error))
}

/// The browser's own words for a rexie error (rexie's Display drops them: "idb error").
fn describe(error: &rexie::Error) -> String {
    match error {
        rexie::Error::IdbError(cause) => cause.to_string(),
        other => other.to_string(),
    }
}

/// A rexie error from `operation`, classified by the DOMException it carries.
pub(crate) fn browser_error(operation: &'static str, error: rexie::Error) -> StoreError {
    StoreError::from_browser(operation, describe(&error))
}

/// Waits for a write transaction to end and insists that it committed: an abort is never success.
pub(crate) async fn finish(transaction: Transaction, operation: &'static str) -> Result<()> {
    match transaction.done().await {
        Ok(TransactionResult::Committed) => Ok(()),
        // Chrome may abort a transaction that overflows the quota without any request failing.
        Ok(TransactionResult::Aborted) => Err(with_usage(StoreError::QuotaExceeded {
            used: None,
            quota: None,
        })
        .await),
        Err(error) => Err(with_usage(browser_error(operation, error)).await),
    }
}

/// Fills a quota error with how much storage is used, as far as the browser says.
async fn with_usage(error: StoreError) -> StoreError {
    if !matches!(error, StoreError::QuotaExceeded { .. }) {
        return error;
    }
    let (used, quota) = storage_estimate().await.unwrap_or((None, None));
    StoreError::QuotaExceeded { used, quota }
}

/// `navigator.storage.estimate()`: bytes used and the quota, when the browser tells.
pub async fn storage_estimate() -> Option<(Option<f64>, Option<f64>)> {
    let storage = web_sys::window()?.navigator().storage();
    let estimate = JsFuture::from(storage.estimate().ok()?).await.ok()?;
    let read = |name: &str| {
        js_sys::Reflect::get(&estimate, &JsValue::from_str(name))
            .ok()
            .and_then(|value| value.as_f64())
    };
    Some((read("usage"), read("quota")))
}
