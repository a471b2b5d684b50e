//! How a repository call ends its transaction: commit and insist that it committed, or abort so
//! that nothing of a failed call stays behind. And the browser's words for what went wrong.

#![cfg(target_arch = "wasm32")]

use rexie::{Transaction, TransactionResult};

use super::error::{Result, StoreError};
use super::storage::storage_estimate;

/// The browser's own words for a rexie error (rexie's Display drops them: "idb error").
pub(crate) fn describe(error: &rexie::Error) -> String {
    match error {
        rexie::Error::IdbError(cause) => cause.to_string(),
        other => other.to_string(),
    }
}

/// A rexie error from `operation`, classified by the DOMException it carries.
pub(crate) fn browser_error(operation: &'static str, error: rexie::Error) -> StoreError {
    StoreError::from_browser(operation, describe(&error))
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
                StoreError::QuotaExceeded { used, quota }
            }
        }),
        Err(error) => Err(with_usage(browser_error(operation, error)).await),
    }
}

/// Fills a quota error with how much storage is used, as far as the browser says.
pub(crate) async fn with_usage(error: StoreError) -> StoreError {
    if !matches!(error, StoreError::QuotaExceeded { .. }) {
        return error;
    }
    let (used, quota) = storage_estimate().await.unwrap_or((None, None));
    StoreError::QuotaExceeded { used, quota }
}
