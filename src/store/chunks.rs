//! The search index's chunks in IndexedDB, rewritten inside the same transaction as the books
//! they describe, so that the index can never disagree with the store.

#![cfg(target_arch = "wasm32")]

use js_sys::Uint8Array;
use rexie::Store;
use wasm_bindgen::{JsCast, JsValue};

use super::error::Result;
use super::strict::RawStore;
use super::transaction::browser_error;
use crate::book::Book;
use crate::search;

fn chunk_key(chunk: u64) -> JsValue {
    JsValue::from_f64(chunk as f64)
}

/// Where the chunks are written: the search store of a rexie transaction, or of a strict one.
pub(crate) trait ChunkStore {
    /// The value under `key`, if any.
    async fn get_value(&self, key: JsValue, operation: &'static str) -> Result<Option<JsValue>>;
    /// Stores `value` under `key`.
    async fn put_value(&self, value: JsValue, key: JsValue, operation: &'static str) -> Result<()>;
    /// Deletes the value under `key`.
    async fn delete_value(&self, key: JsValue, operation: &'static str) -> Result<()>;
}

impl ChunkStore for Store {
    async fn get_value(&self, key: JsValue, operation: &'static str) -> Result<Option<JsValue>> {
        self.get(key)
            .await
            .map_err(|error| browser_error(operation, error))
    }

    async fn put_value(&self, value: JsValue, key: JsValue, operation: &'static str) -> Result<()> {
        self.put(&value, Some(&key))
            .await
            .map(|_| ())
            .map_err(|error| browser_error(operation, error))
    }

    async fn delete_value(&self, key: JsValue, operation: &'static str) -> Result<()> {
        self.delete(key)
            .await
            .map_err(|error| browser_error(operation, error))
    }
}

impl ChunkStore for RawStore {
    async fn get_value(&self, key: JsValue, _: &'static str) -> Result<Option<JsValue>> {
        self.get(&key).await
    }

    async fn put_value(&self, value: JsValue, key: JsValue, _: &'static str) -> Result<()> {
        self.put(&value, Some(&key)).await
    }

    async fn delete_value(&self, key: JsValue, _: &'static str) -> Result<()> {
        self.delete(&key).await
    }
}

/// Reads one chunk (empty if there is none yet).
pub(crate) async fn read(
    store: &impl ChunkStore,
    chunk: u64,
    operation: &'static str,
) -> Result<Vec<u8>> {
    let value = store.get_value(chunk_key(chunk), operation).await?;
    Ok(value
        .and_then(|value| value.dyn_into::<Uint8Array>().ok())
        .map(|bytes| bytes.to_vec())
        .unwrap_or_default())
}

/// Writes one chunk back (deleting it when it holds no book).
pub(crate) async fn write(
    store: &impl ChunkStore,
    chunk: u64,
    bytes: &[u8],
    operation: &'static str,
) -> Result<()> {
    if bytes.is_empty() {
        store.delete_value(chunk_key(chunk), operation).await
    } else {
        let value = Uint8Array::from(bytes).into();
        store.put_value(value, chunk_key(chunk), operation).await
    }
}

/// Records stored or changed books in their chunks.
pub(crate) async fn upsert_all(
    store: &impl ChunkStore,
    books: &[Book],
    operation: &'static str,
) -> Result<()> {
    for (chunk, books) in search::by_chunk(books) {
        let mut bytes = read(store, chunk, operation).await?;
        search::upsert_all(&mut bytes, books);
        write(store, chunk, &bytes, operation).await?;
    }
    Ok(())
}
