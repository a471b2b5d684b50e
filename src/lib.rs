//! Bookshelf: a book catalogue that lives entirely in the browser, in three layers (the core uses
//! neither of the others):
//!
//! - The core, plain Rust that builds and is tested natively: [`book`] (the book model and its
//!   validation), [`query`] (sorting and matching keys), [`search`] (the search index's chunks),
//!   [`lookup`] (which of an import's books the store already holds), [`size`] (byte sizes
//!   written for people), [`sample`] (sample books), [`viewport`] (the virtual table's
//!   arithmetic), [`blocks`] (what the virtual table reads, and how), [`memory`] (running out of
//!   memory, noticed instead of fatal), [`route`] (the hash routes), [`words`] (the forgiving
//!   search of titles and authors), [`check`] (what a "Do I own this?" text asks), [`barcode`]
//!   (EAN-13 barcodes read from pictures), [`tabs`] (messages between open tabs), [`stats`]
//!   (reading statistics), [`transfer`] (import and export) and [`sync`] (two-way sync with
//!   CouchDB: revision trees and documents; its HTTP client and replicator are `wasm32` only).
//! - [`store`]: the repository, the only code that talks to IndexedDB (its records and errors
//!   build natively, the rest only for `wasm32`).
//! - Only for `wasm32`: `ui` (the Leptos interface), `offline` (the service worker) and `browser`
//!   (small browser helpers the store and the interface share).
//!
//! With the cargo feature `bench`, `bench` holds the benchmark hooks `make bench` times.

pub mod barcode;
#[cfg(all(target_arch = "wasm32", feature = "bench"))]
pub mod bench;
pub mod blocks;
pub mod book;
pub mod check;
pub mod columns;
pub mod lookup;
pub mod memory;
pub mod query;
pub mod ranks;
pub mod route;
pub mod sample;
pub mod search;
pub mod size;
pub mod stats;
pub mod sync;
pub mod tabs;
pub mod transfer;
pub mod viewport;
pub mod words;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod offline;
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod ui;
