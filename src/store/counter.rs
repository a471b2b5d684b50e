//! How many books are stored, kept in `meta` under [`COUNT_KEY`] by every write that adds or
//! removes books, inside that write's own transaction, so that it can never disagree with the
//! store. IndexedDB's own `count()` walks every record in Chromium (seconds for a million books);
//! reading the kept number is one `get`. Version 7 of the schema counts the books once
//! ([`super::schema::migrate`]); a database without the number is counted when asked.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;

use super::chunks::ChunkStore;
use super::error::Result;

/// The `meta` key of the number of books.
pub(crate) const COUNT_KEY: &str = "count";

fn count_key() -> JsValue {
    JsValue::from_str(COUNT_KEY)
}

/// The number kept, if there is one.
pub(crate) async fn kept(meta: &impl ChunkStore, operation: &'static str) -> Result<Option<u64>> {
    let value = meta.get_value(count_key(), operation).await?;
    Ok(value
        .and_then(|value| value.as_f64())
        .filter(|count| count.is_finite() && *count >= 0.0)
        .map(|count| count as u64))
}

/// Keeps `count` as the number of books.
pub(crate) async fn set(meta: &impl ChunkStore, count: u64, operation: &'static str) -> Result<()> {
    meta.put_value(JsValue::from_f64(count as f64), count_key(), operation)
        .await
}

/// Adds `added` books and takes away `removed` from the number kept (a write's part). Without a
/// number kept there is nothing to change: it is counted afresh when first asked.
pub(crate) async fn change(
    meta: &impl ChunkStore,
    added: usize,
    removed: usize,
    operation: &'static str,
) -> Result<()> {
    if added == removed {
        return Ok(());
    }
    let Some(count) = kept(meta, operation).await? else {
        return Ok(());
    };
    let count = (count + added as u64).saturating_sub(removed as u64);
    set(meta, count, operation).await
}
