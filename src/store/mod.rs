//! The repository: the only code that talks to IndexedDB.

pub mod error;
pub mod record;

#[cfg(target_arch = "wasm32")]
mod bulk;
#[cfg(target_arch = "wasm32")]
mod chunks;
#[cfg(target_arch = "wasm32")]
mod codec;
#[cfg(target_arch = "wasm32")]
mod identity;
#[cfg(target_arch = "wasm32")]
mod lookup;
#[cfg(target_arch = "wasm32")]
mod read;
#[cfg(target_arch = "wasm32")]
mod repository;
#[cfg(target_arch = "wasm32")]
pub mod schema;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
mod strict;
#[cfg(target_arch = "wasm32")]
mod transaction;
#[cfg(target_arch = "wasm32")]
mod watch;

pub use error::{Result, StoreError};
#[cfg(target_arch = "wasm32")]
pub use repository::*;
#[cfg(target_arch = "wasm32")]
pub use storage::{request_persistence, storage_status, StorageStatus};
#[cfg(target_arch = "wasm32")]
pub use transaction::storage_estimate;
