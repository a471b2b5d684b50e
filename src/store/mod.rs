//! The repository: the only code that talks to IndexedDB.
//!
//! `error` and `record` are plain Rust, built and tested natively. Every other module talks to
//! the browser and exists only for `wasm32`: each says so in its first attribute,
//! `#![cfg(target_arch = "wasm32")]`.

pub mod error;
pub mod record;

mod bulk;
mod chunks;
mod codec;
mod connection;
mod counter;
mod identity;
mod lookup;
mod read;
mod repository;
pub mod schema;
mod searching;
mod storage;
mod strict;
pub mod sync;
mod transaction;
mod watch;

#[cfg(target_arch = "wasm32")]
pub use self::{
    codec::records_to_js,
    connection::{BookRepository, Lost, OpenOptions, Upgrade, DEFAULT_MAX_IN_FLIGHT},
    repository::{BookPages, PageRequest},
    schema::migrate,
    storage::{request_persistence, storage_estimate, storage_status, StorageStatus},
    sync::Conflict,
};
pub use error::{Result, StoreError};
