//! Two-way sync with the person's own CouchDB (the CouchDB replication protocol, version 3):
//! revision trees, documents and each document's state here in plain Rust; the HTTP client and
//! the replicator for wasm.

pub mod doc;
pub mod error;
pub mod protocol;
pub mod state;
pub mod tree;

#[cfg(target_arch = "wasm32")]
pub mod http;
#[cfg(target_arch = "wasm32")]
pub mod replicate;
