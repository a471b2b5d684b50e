//! What rexie does not expose of a connection: whether opening is blocked by other tabs, and when
//! the browser takes the database away (a newer version opened elsewhere, site data cleared).
//!
//! Both use plain `indexedDB.open` requests beside rexie's connection: a probe before opening that
//! never upgrades anything, and a watcher connection that listens for `versionchange` and `close`.
//!
//! Plain `web_sys` rather than the `idb` crate under rexie: idb's handlers are one-shot closures
//! that live in its wrappers and cannot be taken off (gloo's listeners are removed when dropped),
//! its open future does not cancel the expected `error` event of the aborted upgrade, and the
//! strict writes need the raw `IdbDatabase` anyway.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;
use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbVersionChangeEvent};

use super::connection::Gone;
use super::error::{BrowserError, ExceptionName, Result, StoreError};
use super::transaction::{exception, thrown};

/// Opens `name` at `version` the way rexie will, but never upgrades: an upgrade it would need is
/// aborted at once, leaving everything as it was. Calls `on_blocked` if other connections hold an
/// older version open, and returns once they have let go: rexie's open that follows is not blocked.
pub async fn wait_until_unblocked(
    name: &str,
    version: u32,
    on_blocked: impl Fn() + 'static,
) -> Result<()> {
    if let Some(database) = open_without_upgrade(name, version, on_blocked).await? {
        database.close();
    }
    Ok(())
}

/// Watches the database for being taken away; the watch ends when this is dropped.
pub struct Watch {
    database: IdbDatabase,
    _listeners: [EventListener; 2],
}

impl Watch {
    /// A watcher connection to `name` at `version`; `on_gone` is called once, after the watcher has
    /// closed itself (so that it never blocks the newer version), with why: `NewerVersion` or
    /// `Deleted`. `None` if the database is not at `version` any more.
    pub async fn start(
        name: &str,
        version: u32,
        on_gone: impl Fn(Gone) + 'static,
    ) -> Result<Option<Watch>> {
        let Some(database) = open_without_upgrade(name, version, || {}).await? else {
            return Ok(None);
        };
        let on_gone = Rc::new(on_gone);
        let version_change = EventListener::new(&database, "versionchange", {
            let (database, on_gone) = (database.clone(), on_gone.clone());
            move |event| {
                database.close();
                let deleted = event
                    .dyn_ref::<IdbVersionChangeEvent>()
                    .is_some_and(|event| event.new_version().is_none());
                on_gone(if deleted {
                    Gone::Deleted
                } else {
                    Gone::NewerVersion
                });
            }
        });
        // Fired only when the browser closes the connection itself (data cleared, disk trouble).
        let closed = EventListener::new(&database, "close", move |_| on_gone(Gone::Deleted));
        Ok(Some(Watch {
            database,
            _listeners: [version_change, closed],
        }))
    }
}

impl Watch {
    /// The watcher's own connection, for writes that rexie cannot make (strict durability).
    pub fn connection(&self) -> &IdbDatabase {
        &self.database
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.database.close();
    }
}

/// How an open request ended.
enum Outcome {
    Opened,
    Failed,
}

/// Opens `name` at `version`: the connection, or `None` if that would need an upgrade (aborted).
pub(crate) async fn open_without_upgrade(
    name: &str,
    version: u32,
    on_blocked: impl Fn() + 'static,
) -> Result<Option<IdbDatabase>> {
    let missing = |detail: &str| StoreError::Unavailable {
        detail: detail.into(),
        cause: None,
    };
    let refused = |error: JsValue| StoreError::unavailable(thrown(&error));
    let factory = web_sys::window()
        .ok_or_else(|| missing("no window"))?
        .indexed_db()
        .map_err(refused)?
        .ok_or_else(|| missing("IndexedDB is missing"))?;
    let request = factory.open_with_u32(name, version).map_err(refused)?;

    let (send, receive) = oneshot::channel();
    let send = Rc::new(RefCell::new(Some(send)));
    let finish = move |outcome: Outcome| {
        if let Some(send) = send.borrow_mut().take() {
            let _ = send.send(outcome);
        }
    };
    let _listeners = [
        EventListener::new(&request, "success", {
            let finish = finish.clone();
            move |_| finish(Outcome::Opened)
        }),
        EventListener::new(&request, "error", move |event| {
            // Handled here: the aborted upgrade is expected, and must not surface as an error.
            event.prevent_default();
            finish(Outcome::Failed)
        }),
        EventListener::new(&request, "upgradeneeded", {
            let request = request.clone();
            move |_| {
                if let Some(transaction) = request.transaction() {
                    let _ = transaction.abort();
                }
            }
        }),
        EventListener::new(&request, "blocked", move |_| on_blocked()),
    ];
    let outcome = receive.await.unwrap_or(Outcome::Failed);
    match outcome {
        Outcome::Opened => Ok(request
            .result()
            .ok()
            .and_then(|result| result.dyn_into::<IdbDatabase>().ok())),
        Outcome::Failed => failure(&request),
    }
}

/// An open request that failed: `None` for the aborted upgrade, or why the browser refused.
fn failure(request: &IdbOpenDbRequest) -> Result<Option<IdbDatabase>> {
    let cause: Option<BrowserError> = request
        .error()
        .ok()
        .flatten()
        .map(|error| exception(&error));
    match cause {
        Some(cause) => match cause.name {
            ExceptionName::Abort => Ok(None),
            // The database is newer than this build: another tab runs a newer version of the app.
            ExceptionName::Version => Err(StoreError::ClosedElsewhere),
            _ => Err(StoreError::unavailable(cause)),
        },
        None => Err(StoreError::Unavailable {
            detail: "opening failed without a reason".into(),
            cause: None,
        }),
    }
}
