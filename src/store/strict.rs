//! Writes that must be on disk before they count (an import, an upgrade's rewrite): transactions
//! opened with `durability: 'strict'` on a plain IndexedDB connection, because rexie 0.6 offers
//! neither the option nor the transaction's own error. Chrome commits with relaxed durability by
//! default (since 121): `complete` may fire before the data reaches the disk.
//!
//! Requests are awaited here one by one (or only the last of a batch, as rexie does), and the end
//! of the transaction is heard from its own `complete` and `abort` events, so an abort is reported
//! with the browser's cause (`transaction.error`), never guessed.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;
use gloo_events::EventListener;
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    IdbDatabase, IdbKeyRange, IdbObjectStore, IdbRequest, IdbRequestReadyState, IdbTransaction,
};

use super::error::{ExceptionName, Result, Step, StoreError};
use super::transaction::{exception, thrown, with_usage};

/// How a transaction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Complete,
    Abort,
}

/// A read-write transaction on a plain connection (strict durability where asked), and the means
/// to hear how it ends.
pub(crate) struct StrictTransaction {
    transaction: IdbTransaction,
    ended: oneshot::Receiver<Ending>,
    _listeners: [EventListener; 2],
    operation: &'static str,
}

impl StrictTransaction {
    /// Starts a read-write transaction over `stores`, asking for strict durability (or, with
    /// `strict` false, the browser's default).
    pub fn begin(
        database: &IdbDatabase,
        stores: &[&str],
        strict: bool,
        operation: &'static str,
    ) -> Result<Self> {
        let fail = |error: JsValue| StoreError::from_browser(operation, Step::Call, thrown(&error));
        // Thrown by `transaction()` itself: InvalidStateError there means the connection closes.
        let refused =
            |error: JsValue| StoreError::from_browser(operation, Step::Begin, thrown(&error));
        let names: Array = stores.iter().map(|name| JsValue::from_str(name)).collect();
        let options = Object::new();
        let durability = if strict { "strict" } else { "default" };
        Reflect::set(&options, &"durability".into(), &durability.into()).map_err(fail)?;
        // `transaction(stores, mode, options)`: web-sys has it only behind unstable APIs.
        let open: Function = Reflect::get(database, &"transaction".into())
            .map_err(fail)?
            .dyn_into()
            .map_err(fail)?;
        let transaction: IdbTransaction = open
            .call3(database, &names, &"readwrite".into(), &options)
            .map_err(refused)?
            .dyn_into()
            .map_err(fail)?;
        let (send, ended) = oneshot::channel();
        let send = Rc::new(RefCell::new(Some(send)));
        let listener = |event: &'static str, ending: Ending| {
            let send = send.clone();
            EventListener::new(&transaction, event, move |_| {
                if let Some(send) = send.borrow_mut().take() {
                    let _ = send.send(ending);
                }
            })
        };
        let listeners = [
            listener("complete", Ending::Complete),
            listener("abort", Ending::Abort),
        ];
        Ok(Self {
            transaction,
            ended,
            _listeners: listeners,
            operation,
        })
    }

    /// One of the transaction's stores.
    pub fn store(&self, name: &str) -> Result<RawStore> {
        let operation = self.operation;
        let store = self
            .transaction
            .object_store(name)
            .map_err(|error| StoreError::from_browser(operation, Step::Call, thrown(&error)))?;
        Ok(RawStore { store, operation })
    }

    /// Ends a write: on success waits for the commit, reporting an abort with its real cause; on
    /// failure aborts, so that nothing of it stays behind.
    pub async fn settle<T>(self, outcome: Result<T>) -> Result<T> {
        let Self {
            transaction,
            ended,
            _listeners,
            operation,
        } = self;
        match outcome {
            Ok(value) => match ended.await {
                Ok(Ending::Complete) => Ok(value),
                _ => Err(with_usage(cause(&transaction, operation)).await),
            },
            Err(error) => {
                // A request issued after the one that failed says only that the transaction was
                // aborted; the transaction says why (a constraint, say).
                let error = match &error {
                    StoreError::Browser { cause: said, .. }
                        if said.name == ExceptionName::Abort =>
                    {
                        match transaction.error() {
                            Some(_) => cause(&transaction, operation),
                            None => error,
                        }
                    }
                    _ => error,
                };
                // A failed request may have aborted it already; then this abort throws, which is fine.
                let _ = transaction.abort();
                Err(with_usage(error).await)
            }
        }
    }
}

/// Why the browser aborted `transaction`, in its own words.
fn cause(transaction: &IdbTransaction, operation: &'static str) -> StoreError {
    match transaction.error() {
        Some(error) => StoreError::from_browser(operation, Step::Call, exception(&error)),
        None => StoreError::Other {
            operation,
            detail: "the browser ended the write without saying why".into(),
        },
    }
}

/// An object store of a [`StrictTransaction`].
pub(crate) struct RawStore {
    store: IdbObjectStore,
    operation: &'static str,
}

impl RawStore {
    fn fail(&self) -> impl Fn(JsValue) -> StoreError {
        let operation = self.operation;
        move |error| StoreError::from_browser(operation, Step::Call, thrown(&error))
    }

    /// The value under `key`, if any.
    pub async fn get(&self, key: &JsValue) -> Result<Option<JsValue>> {
        let request = self.store.get(key).map_err(self.fail())?;
        let value = outcome(&request, self.operation).await?;
        Ok((!value.is_undefined()).then_some(value))
    }

    /// Up to `count` values from `after` (exclusive) on, in key order.
    pub async fn get_all_after(&self, after: Option<&JsValue>, count: u32) -> Result<Vec<JsValue>> {
        let range = match after {
            Some(after) => IdbKeyRange::lower_bound_with_open(after, true)
                .map_err(self.fail())?
                .into(),
            None => JsValue::UNDEFINED,
        };
        let request = self
            .store
            .get_all_with_key_and_limit(&range, count)
            .map_err(self.fail())?;
        let values: Array = outcome(&request, self.operation)
            .await?
            .dyn_into()
            .map_err(self.fail())?;
        Ok(values.iter().collect())
    }

    /// Stores `value` (under `key`, for a store without a key path) and waits for it.
    pub async fn put(&self, value: &JsValue, key: Option<&JsValue>) -> Result<()> {
        let request = self.put_unawaited(value, key)?;
        outcome(&request, self.operation).await.map(|_| ())
    }

    /// Issues a put without waiting for it (its failure aborts the transaction); returns the request.
    pub fn put_unawaited(&self, value: &JsValue, key: Option<&JsValue>) -> Result<IdbRequest> {
        match key {
            Some(key) => self.store.put_with_key(value, key),
            None => self.store.put(value),
        }
        .map_err(self.fail())
    }

    /// Issues an add without waiting for it (its failure aborts the transaction); returns the request.
    pub fn add_unawaited(&self, value: &JsValue) -> Result<IdbRequest> {
        self.store.add(value).map_err(self.fail())
    }

    /// Issues a get without waiting for it; returns the request ([`RawStore::result_of`] reads
    /// its value once a later request of the transaction is done).
    pub fn get_unawaited(&self, key: &JsValue) -> Result<IdbRequest> {
        self.store.get(key).map_err(self.fail())
    }

    /// Waits for a request issued earlier and returns its result (the key, for an add or put).
    pub async fn wait(&self, request: &IdbRequest) -> Result<JsValue> {
        outcome(request, self.operation).await
    }

    /// The result of a request that has finished (requests of a transaction finish in order: one
    /// issued before a request already waited for).
    pub fn result_of(&self, request: &IdbRequest) -> Result<JsValue> {
        request.result().map_err(self.fail())
    }

    /// Deletes the value under `key`.
    pub async fn delete(&self, key: &JsValue) -> Result<()> {
        let request = self.store.delete(key).map_err(self.fail())?;
        outcome(&request, self.operation).await.map(|_| ())
    }

    /// How many values the store holds.
    pub async fn count(&self) -> Result<u64> {
        let request = self.store.count().map_err(self.fail())?;
        let value = outcome(&request, self.operation).await?;
        Ok(value.as_f64().unwrap_or(0.0) as u64)
    }

    /// Deletes every value.
    pub async fn clear(&self) -> Result<()> {
        let request = self.store.clear().map_err(self.fail())?;
        outcome(&request, self.operation).await.map(|_| ())
    }
}

/// Waits for `request` to succeed (its result) or fail (the browser's error, classified).
async fn outcome(request: &IdbRequest, operation: &'static str) -> Result<JsValue> {
    if request.ready_state() == IdbRequestReadyState::Done {
        // Finished already (issued in an earlier task): its events will not come again.
        return match request.error() {
            Ok(Some(error)) => Err(StoreError::from_browser(
                operation,
                Step::Call,
                exception(&error),
            )),
            _ => request
                .result()
                .map_err(|error| StoreError::from_browser(operation, Step::Call, thrown(&error))),
        };
    }
    let (send, receive) = oneshot::channel();
    let send = Rc::new(RefCell::new(Some(send)));
    let listener = |event: &'static str, succeeded: bool| {
        let send = send.clone();
        EventListener::new(request, event, move |_| {
            if let Some(send) = send.borrow_mut().take() {
                let _ = send.send(succeeded);
            }
        })
    };
    let _listeners = [listener("success", true), listener("error", false)];
    match receive.await {
        Ok(true) => request
            .result()
            .map_err(|error| StoreError::from_browser(operation, Step::Call, thrown(&error))),
        Ok(false) => Err(match request.error() {
            Ok(Some(error)) => StoreError::from_browser(operation, Step::Call, exception(&error)),
            _ => StoreError::Other {
                operation,
                detail: "a request failed without a reason".into(),
            },
        }),
        Err(_) => Err(StoreError::Other {
            operation,
            detail: "a request never finished".into(),
        }),
    }
}
