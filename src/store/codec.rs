//! Conversions between Rust values and the JS values IndexedDB stores, with errors that say which.

#![cfg(target_arch = "wasm32")]

use js_sys::Array;
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::{JsCast, JsValue};

use super::error::{Result, StoreError};
use super::record::Record;
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

/// Records handed to JavaScript many at a time: written as one JSON array in Rust and turned
/// into objects by one `JSON.parse`, instead of a call across to JavaScript for every field of
/// every record (`serde_wasm_bindgen`), which is most of the cost of storing a million books.
/// The objects are the same: a record holds only text, numbers, lists and objects (no maps, no
/// bytes, no `undefined`), which JSON carries exactly, in the same order of fields.
pub struct JsonRecords {
    text: Vec<u8>,
    count: usize,
}

impl Default for JsonRecords {
    fn default() -> Self {
        Self::new()
    }
}

impl JsonRecords {
    /// An empty batch.
    pub fn new() -> Self {
        Self {
            text: vec![b'['],
            count: 0,
        }
    }

    /// Adds a record to the batch.
    pub fn push(&mut self, record: &Record, operation: &'static str) -> Result<()> {
        // serde_wasm_bindgen refuses ids a JS number cannot hold exactly; so does this.
        if record.id.is_some_and(|id| id > MAX_SAFE_ID) {
            return Err(StoreError::Other {
                operation,
                detail: "a value could not be prepared for storage (an id beyond 2^53)".into(),
            });
        }
        if self.count > 0 {
            self.text.push(b',');
        }
        serde_json::to_writer(&mut self.text, record).map_err(|error| StoreError::Other {
            operation,
            detail: format!("a value could not be prepared for storage ({error})"),
        })?;
        self.count += 1;
        Ok(())
    }

    /// The batch's records as JS objects, in order; the batch is empty again.
    pub fn take(&mut self, operation: &'static str) -> Result<Array> {
        self.text.push(b']');
        let parsed = std::str::from_utf8(&self.text)
            .map_err(|error| error.to_string())
            .and_then(|text| js_sys::JSON::parse(text).map_err(|error| format!("{error:?}")))
            .and_then(|value| {
                value
                    .dyn_into::<Array>()
                    .map_err(|_| "not a list".to_owned())
            });
        self.text.truncate(1);
        self.count = 0;
        parsed.map_err(|error| StoreError::Other {
            operation,
            detail: format!("a value could not be prepared for storage ({error})"),
        })
    }
}

/// The largest id a JS number holds exactly (2^53 - 1).
const MAX_SAFE_ID: BookId = (1 << 53) - 1;

/// Records as the JS objects a bulk write stores, in order ([`JsonRecords`]): the same objects
/// [`to_js`] makes of each.
pub fn records_to_js(records: &[Record], operation: &'static str) -> Result<Array> {
    let mut batch = JsonRecords::new();
    for record in records {
        batch.push(record, operation)?;
    }
    batch.take(operation)
}
