//! The repository's connection through its life: opening (after other tabs let go, upgrading as
//! needed), watching for the database being taken away, letting go and reopening, closing; and
//! the transactions every call runs in, at most `max_in_flight` at once.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use async_lock::{Semaphore, SemaphoreGuard};
use rexie::{Rexie, Transaction, TransactionMode};
use wasm_bindgen_futures::spawn_local;

use super::error::{Result, StoreError};
use super::schema::{self, BOOKS, CHANGES, META, SEARCH};
use super::searching::SearchState;
use super::transaction::{begin_error, reported};
use super::watch::{wait_until_unblocked, Watch};

/// How many repository calls may run at once unless told otherwise (the original design's 50).
pub const DEFAULT_MAX_IN_FLIGHT: usize = 50;

/// Brings the data an older version stored in the database of this name up to this version
/// ([`schema::migrate`]). Few people ever need it, so the app fetches its code only then (a part).
pub type Upgrade = fn(String) -> Pin<Box<dyn Future<Output = Result<()>>>>;

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
    /// Upgrades data stored by an older version (see [`Upgrade`]).
    pub upgrade: Upgrade,
}

impl OpenOptions {
    /// The default options, upgrading older data with `upgrade`.
    pub fn new(upgrade: Upgrade) -> Self {
        Self {
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            on_blocked: None,
            on_lost: None,
            upgrade,
        }
    }
}

impl Default for OpenOptions {
    /// Upgrades older data with the code linked in (the app passes a part instead).
    fn default() -> Self {
        Self::new(|name| Box::pin(async move { schema::migrate(&name).await }))
    }
}

/// The database was taken away from this page without it asking (the event `on_lost` hears).
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

/// Why the repository holds no connection. The watch reports the last two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Gone {
    /// This page closed the repository.
    ClosedHere,
    /// Another tab opened a newer version of the database.
    NewerVersion,
    /// The database was deleted under the page (site data cleared, or the browser evicted it):
    /// it is being opened again, or opening it again failed.
    Deleted,
}

impl Gone {
    /// What a call is told while the connection is gone for this reason.
    fn error(self) -> StoreError {
        match self {
            Gone::ClosedHere => StoreError::Closed,
            Gone::NewerVersion => StoreError::ClosedElsewhere,
            Gone::Deleted => StoreError::Reopening,
        }
    }
}

/// The repository's hold on the database: open, or let go of and why.
enum Connection {
    Open(Rexie),
    Gone(Gone),
}

/// The catalogue's storage. Cheap to clone: clones share one connection and one limit.
#[derive(Clone)]
pub struct BookRepository {
    pub(super) inner: Rc<Inner>,
}

pub(super) struct Inner {
    name: String,
    connection: RefCell<Connection>,
    /// Watches for the database being taken away.
    watch: RefCell<Option<Watch>>,
    on_lost: Option<Rc<dyn Fn(Lost)>>,
    upgrade: Upgrade,
    permits: Semaphore,
    /// The search index in memory, loaded at the first search and kept in step with writes.
    pub(super) search: SearchState,
}

impl BookRepository {
    /// Opens (creating or upgrading as needed) the database `name` with default options.
    pub async fn open(name: &str) -> Result<Self> {
        Self::open_with(name, OpenOptions::default()).await
    }

    /// Opens the database `name`: creates it, or upgrades it from any older version keeping every record.
    pub async fn open_with(name: &str, options: OpenOptions) -> Result<Self> {
        let database = connect(name, options.on_blocked, options.upgrade).await?;
        let repository = Self {
            inner: Rc::new(Inner {
                name: name.to_owned(),
                connection: RefCell::new(Connection::Open(database)),
                watch: RefCell::new(None),
                on_lost: options.on_lost,
                upgrade: options.upgrade,
                permits: Semaphore::new(options.max_in_flight.max(1)),
                search: SearchState::default(),
            }),
        };
        repository.watch().await;
        Ok(repository)
    }

    /// Starts watching for the database being taken away. Best effort: without a watch the
    /// repository still works, and a lost connection shows as errors of the calls.
    async fn watch(&self) {
        let repository = Rc::downgrade(&self.inner);
        let watch = Watch::start(&self.inner.name, schema::VERSION, move |gone| {
            if let Some(inner) = repository.upgrade() {
                // After the event: the watch that called this is dropped on the way.
                spawn_local(async move { BookRepository { inner }.lost(gone).await });
            }
        })
        .await;
        match watch {
            Ok(watch) => *self.inner.watch.borrow_mut() = watch,
            Err(error) => web_sys::console::warn_1(&format!("Bookshelf: {error}").into()),
        }
    }

    /// The database was taken away: let go of it, then reopen it if it was deleted.
    ///
    /// While `connect` runs the state stays `Gone(Deleted)`: calls are told [`StoreError::Reopening`],
    /// and a second report (both of the watch's events) finds nothing open and returns.
    async fn lost(self, gone: Gone) {
        let open = matches!(*self.inner.connection.borrow(), Connection::Open(_));
        // Already let go: closed here, or a loss heard twice (both of the watch's events). (The
        // watch never reports `ClosedHere`.)
        if !open || gone == Gone::ClosedHere {
            return;
        }
        self.disconnect(gone);
        let event = match gone {
            Gone::Deleted => match connect(&self.inner.name, None, self.inner.upgrade).await {
                Ok(database) => {
                    if !self.reconnect(database) {
                        // Closed here (or replaced) while opening again: nothing to tell.
                        return;
                    }
                    self.watch().await;
                    Lost::Reopened
                }
                Err(error) => Lost::ReopenFailed(error),
            },
            _ => Lost::NewerVersion,
        };
        if let Some(on_lost) = &self.inner.on_lost {
            on_lost(event);
        }
    }

    /// Takes `database` as the connection if the repository is still waiting for it (deleted and
    /// being opened again); otherwise closes it, so that no connection is left open unheld.
    fn reconnect(&self, database: Rexie) -> bool {
        let mut connection = self.inner.connection.borrow_mut();
        if matches!(*connection, Connection::Gone(Gone::Deleted)) {
            *connection = Connection::Open(database);
            true
        } else {
            database.close();
            false
        }
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Closes the connection; later calls on any clone fail with [`StoreError::Closed`].
    pub fn close(&self) {
        self.disconnect(Gone::ClosedHere);
    }

    /// Lets go of the database and its watch; calls are told why from now on.
    fn disconnect(&self, why: Gone) {
        self.inner.watch.borrow_mut().take();
        let before = self.inner.connection.replace(Connection::Gone(why));
        if let Connection::Open(database) = before {
            database.close();
        }
        self.inner.search.forget();
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
        match &*self.inner.connection.borrow() {
            Connection::Open(database) => database
                .transaction(stores, mode)
                .map_err(|error| begin_error(operation, error)),
            Connection::Gone(why) => Err(why.error()),
        }
    }

    pub(super) fn write_transaction(&self, operation: &'static str) -> Result<Transaction> {
        self.transaction(
            &[BOOKS, SEARCH, META, CHANGES],
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
}

/// Opens `name` at this build's schema version, after other tabs have let go of older versions,
/// and brings its data up to date.
async fn connect(
    name: &str,
    on_blocked: Option<Rc<dyn Fn(StoreError)>>,
    upgrade: Upgrade,
) -> Result<Rexie> {
    wait_until_unblocked(name, schema::VERSION, move || {
        if let Some(on_blocked) = &on_blocked {
            on_blocked(StoreError::Blocked);
        }
    })
    .await?;
    let database = schema::builder(name, schema::VERSION)
        .build()
        .await
        .map_err(|error| StoreError::unavailable(reported(&error)))?;
    let upgraded = match schema::needs_migrate(&database).await {
        Ok(true) => upgrade(name.to_owned()).await,
        Ok(false) => Ok(()),
        Err(error) => Err(error),
    };
    if let Err(error) = upgraded {
        // Left open, it would block every later upgrade and deletion until the page goes.
        database.close();
        return Err(error);
    }
    Ok(database)
}
