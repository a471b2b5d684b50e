//! New uids for books that have none yet, from the browser's cryptographic random numbers.

#![cfg(target_arch = "wasm32")]

use super::error::{Result, StoreError};
use crate::book::uuid_from_random;

/// The most bytes `crypto.getRandomValues` fills in one call.
const RANDOM_BYTES_PER_CALL: usize = 65_536;

/// `count` new random uids (version 4 UUIDs).
pub(crate) fn new_uids(count: usize, operation: &'static str) -> Result<Vec<String>> {
    let crypto = web_sys::window()
        .and_then(|window| window.crypto().ok())
        .ok_or(StoreError::Other {
            operation,
            detail: "the browser offers no random numbers (crypto)".into(),
        })?;
    let mut random = vec![0u8; count * 16];
    for slice in random.chunks_mut(RANDOM_BYTES_PER_CALL) {
        crypto
            .get_random_values_with_u8_array(slice)
            .map_err(|error| StoreError::Other {
                operation,
                detail: format!("the browser gave no random numbers ({error:?})"),
            })?;
    }
    Ok(random
        .chunks_exact(16)
        .map(|bytes| {
            let mut uuid = [0u8; 16];
            uuid.copy_from_slice(bytes);
            uuid_from_random(uuid)
        })
        .collect())
}
