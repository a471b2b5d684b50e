//! How a repository call ends its transaction: commit and insist that it committed, or abort so
//! that nothing of a failed call stays behind. And the browser's words for what went wrong.

#![cfg(target_arch = "wasm32")]

use rexie::{Transaction, TransactionResult};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::DomException;

use super::error::{BrowserError, Result, Step, StoreError};
use super::storage::storage_estimate;

/// What the browser reported in a rexie error: the DOMException inside it (its name), in the
/// words of rexie's IndexedDB layer (rexie's own Display drops them: "idb error").
pub(crate) fn reported(error: &rexie::Error) -> BrowserError {
    let message = match error {
        rexie::Error::IdbError(cause) => cause.to_string(),
        other => other.to_string(),
    };
    let name = exception_in(error).map(|exception| exception.name());
    BrowserError::new(name.as_deref().unwrap_or_default(), message)
}

/// The DOMException a rexie error carries: reported by a request or transaction, or thrown by
/// the call that failed.
fn exception_in(error: &rexie::Error) -> Option<DomException> {
    use idb::Error as Idb;
    let rexie::Error::IdbError(error) = error else {
        return None;
    };
    let thrown = match error {
        Idb::DomException(exception) => return Some(exception.clone()),
        Idb::AddFailed(thrown)
        | Idb::ClearFailed(thrown)
        | Idb::CountFailed(thrown)
        | Idb::CursorAdvanceFailed(thrown)
        | Idb::CursorContinueFailed(thrown)
        | Idb::DeleteFailed(thrown)
        | Idb::GetAllFailed(thrown)
        | Idb::GetAllKeysFailed(thrown)
        | Idb::GetFailed(thrown)
        | Idb::GetKeyFailed(thrown)
        | Idb::IndexNotFound(thrown)
        | Idb::IndexedDbDeleteFailed(thrown)
        | Idb::IndexedDbOpenFailed(thrown)
        | Idb::KeyRangeCreateFailed(thrown)
        | Idb::ObjectStoreNotFound(thrown)
        | Idb::OpenCursorFailed(thrown)
        | Idb::OpenKeyCursorFailed(thrown)
        | Idb::TransactionAbortError(thrown)
        | Idb::TransactionCommitError(thrown)
        | Idb::TransactionOpenFailed(thrown)
        | Idb::UpdateFailed(thrown) => thrown,
        _ => return None,
    };
    thrown.dyn_ref::<DomException>().cloned()
}

/// A DOMException the browser reported, in its words ("name: message").
pub(crate) fn exception(exception: &DomException) -> BrowserError {
    let name = exception.name();
    let message = format!("{name}: {}", exception.message());
    BrowserError::new(&name, message)
}

/// What a browser call threw: a DOMException, or whatever else it was (then without a name).
pub(crate) fn thrown(error: &JsValue) -> BrowserError {
    match error.dyn_ref::<DomException>() {
        Some(thrown) => exception(thrown),
        None => BrowserError::new(
            "",
            error.as_string().unwrap_or_else(|| format!("{error:?}")),
        ),
    }
}

/// A rexie error from `operation`, classified by the DOMException it carries.
pub(crate) fn browser_error(operation: &'static str, error: rexie::Error) -> StoreError {
    StoreError::from_browser(operation, Step::Call, reported(&error))
}

/// A rexie error from starting a transaction for `operation`, classified by its DOMException.
pub(crate) fn begin_error(operation: &'static str, error: rexie::Error) -> StoreError {
    StoreError::from_browser(operation, Step::Begin, reported(&error))
}

/// Ends a write: on success waits for the commit (an abort is never success); on failure aborts,
/// so that requests already issued are undone.
pub(crate) async fn settle<T>(
    transaction: Transaction,
    outcome: Result<T>,
    operation: &'static str,
) -> Result<T> {
    match outcome {
        Ok(value) => finish(transaction, operation).await.map(|()| value),
        Err(error) => {
            // A failed request has already aborted it; then this abort fails, which is fine.
            let _ = transaction.abort().await;
            Err(with_usage(error).await)
        }
    }
}

/// Waits for a read-only transaction to end before its call gives up its permit, and passes on
/// the call's answer. A read's answer comes before its transaction's `complete`: without this
/// wait, a thousand reads fired at once would hold twice the limit of transactions open.
pub(crate) async fn end_read<T>(transaction: Transaction, outcome: Result<T>) -> Result<T> {
    // Nothing can be lost by how a read-only transaction ends: only the answer counts.
    let _ = transaction.done().await;
    outcome
}

/// Waits for a write transaction to end and insists that it committed.
pub(crate) async fn finish(transaction: Transaction, operation: &'static str) -> Result<()> {
    match transaction.done().await {
        Ok(TransactionResult::Committed) => Ok(()),
        // rexie does not say why. Chrome may abort a transaction that overflows the quota without
        // any request failing; but with more than half the quota free, that was not the cause.
        Ok(TransactionResult::Aborted) => Err(match storage_estimate().await {
            Some((Some(used), Some(quota))) if used < quota / 2.0 => StoreError::Other {
                operation,
                detail: "the browser ended the write without saying why".into(),
            },
            estimate => {
                let (used, quota) = estimate.unwrap_or((None, None));
                StoreError::QuotaExceeded {
                    used,
                    quota,
                    cause: None,
                }
            }
        }),
        Err(error) => Err(with_usage(browser_error(operation, error)).await),
    }
}

/// Fills a quota error with how much storage is used, as far as the browser says.
pub(crate) async fn with_usage(error: StoreError) -> StoreError {
    let StoreError::QuotaExceeded { cause, .. } = error else {
        return error;
    };
    let (used, quota) = storage_estimate().await.unwrap_or((None, None));
    StoreError::QuotaExceeded { used, quota, cause }
}
