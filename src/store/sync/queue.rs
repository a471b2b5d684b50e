//! The queue of local changes for sync (`changes`): the entry every write adds in its own
//! transaction, and the taking of uids from its front when they are given revisions.

use rexie::{KeyRange, Transaction};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use super::{fail, store, BATCH};
use crate::store::codec::{from_js, to_js};
use crate::store::error::Result;
use crate::store::record::Record;
use crate::store::schema::{BOOKS, CHANGES, REVS};
use crate::store::transaction::browser_error;

/// The most uids one queue entry holds (a large import writes several).
pub(crate) const UIDS_PER_CHANGE: usize = 10_000;

/// An entry of the queue of local changes.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Change {
    /// The books (by uid) one write changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    uids: Vec<String>,
    /// Every book stored (the upgrade to version 6 queued them all); walked by id.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    all: bool,
    /// Every book was deleted: every revision tree is looked at; walked by uid.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    cleared: bool,
    /// How far a walk has gone: the last book id (`all`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after_id: Option<f64>,
    /// How far a walk has gone: the last uid (`cleared`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after_uid: Option<String>,
}

/// The queue entry of a write that changed these books.
pub(crate) fn change_of(uids: &[&str]) -> JsValue {
    let list: js_sys::Array = uids.iter().map(|uid| JsValue::from_str(uid)).collect();
    let entry = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&entry, &JsValue::from_str("uids"), &list);
    entry.into()
}

/// The queue entry that says every stored book is to be looked at.
pub(crate) fn every_book_change(operation: &'static str) -> Result<JsValue> {
    to_js(
        &Change {
            all: true,
            ..Change::default()
        },
        operation,
    )
}

/// The queue entry that says every book was deleted.
pub(crate) fn cleared_change() -> JsValue {
    let entry = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&entry, &JsValue::from_str("cleared"), &JsValue::TRUE);
    entry.into()
}

/// Takes up to [`BATCH`] uids from the front of the queue of local changes, deleting or
/// shortening the entries taken; `None` when the queue is empty.
pub(super) async fn next_queued(
    transaction: &Transaction,
    operation: &'static str,
) -> Result<Option<Vec<String>>> {
    let changes = store(transaction, CHANGES, operation)?;
    let entries = changes
        .scan(None, Some(20), None, None)
        .await
        .map_err(fail(operation))?;
    if entries.is_empty() {
        return Ok(None);
    }
    let mut uids: Vec<String> = Vec::new();
    for (entry_key, value) in entries {
        let room = BATCH.saturating_sub(uids.len());
        if room == 0 {
            break;
        }
        let mut change: Change = from_js(value, operation)?;
        let done = if change.all {
            let range = match change.after_id {
                Some(after) => Some(
                    KeyRange::lower_bound(&JsValue::from_f64(after), Some(true))
                        .map_err(|error| browser_error(operation, error.into()))?,
                ),
                None => None,
            };
            let page = store(transaction, BOOKS, operation)?
                .scan(range, Some(room as u32), None, None)
                .await
                .map_err(fail(operation))?;
            let count = page.len();
            for (book_key, value) in page {
                change.after_id = book_key.as_f64().or(change.after_id);
                if let Some(book) = from_js::<Record>(value, operation)?.into_book() {
                    uids.push(book.uid);
                }
            }
            count < room
        } else if change.cleared {
            let range = match &change.after_uid {
                Some(after) => Some(
                    KeyRange::lower_bound(&JsValue::from_str(after), Some(true))
                        .map_err(|error| browser_error(operation, error.into()))?,
                ),
                None => None,
            };
            let keys = store(transaction, REVS, operation)?
                .get_all_keys(range, Some(room as u32))
                .await
                .map_err(fail(operation))?;
            let count = keys.len();
            for uid in keys.into_iter().filter_map(|key| key.as_string()) {
                change.after_uid = Some(uid.clone());
                uids.push(uid);
            }
            count < room
        } else {
            let rest = change.uids.split_off(change.uids.len().min(room));
            uids.append(&mut change.uids);
            change.uids = rest;
            change.uids.is_empty()
        };
        if done {
            changes.delete(entry_key).await.map_err(fail(operation))?;
        } else {
            changes
                .put(&to_js(&change, operation)?, Some(&entry_key))
                .await
                .map_err(fail(operation))?;
        }
    }
    uids.retain(|uid| !uid.is_empty());
    uids.sort_unstable();
    uids.dedup();
    Ok(Some(uids))
}
