//! Conversions between Rust values and the JS values IndexedDB stores, with errors that say which.

#![cfg(target_arch = "wasm32")]

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

use super::error::{Result, StoreError};
use crate::book::BookId;

/// A Rust value as a plain JS object.
pub(crate) fn to_js<T: Serialize>(value: &T, operation: &'static str) -> Result<JsValue> {
    serde_wasm_bindgen::to_value(value).map_err(|error| StoreError::Other {
        operation,
        detail: format!("a value could not be prepared for storage ({error})"),
    })
}

/// A stored JS value read back as Rust.
pub(crate) fn from_js<T: DeserializeOwned>(value: JsValue, operation: &'static str) -> Result<T> {
    serde_wasm_bindgen::from_value(value).map_err(|error| StoreError::Other {
        operation,
        detail: format!("a stored record has an unexpected shape ({error})"),
    })
}

/// A book id as an IndexedDB key.
pub(crate) fn key(id: BookId) -> JsValue {
    // Ids come from IndexedDB's key generator, which stays far below 2^53.
    JsValue::from_f64(id as f64)
}

/// An IndexedDB key read back as a book id.
pub(crate) fn id_of(key: &JsValue, operation: &'static str) -> Result<BookId> {
    match key.as_f64() {
        Some(number) if number >= 0.0 && number.fract() == 0.0 => Ok(number as BookId),
        _ => Err(StoreError::Other {
            operation,
            detail: format!("the store returned a key that is not a book id ({key:?})"),
        }),
    }
}
