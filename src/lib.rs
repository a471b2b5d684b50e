//! Bookshelf: a book catalogue that lives entirely in the browser.
//!
//! The plain-Rust core (`book`, `query`) builds and is tested natively; the repository on
//! IndexedDB (`store`) and the interface (`ui`) exist only for `wasm32`.

#[cfg(all(target_arch = "wasm32", feature = "bench"))]
pub mod bench;
pub mod book;
pub mod lookup;
pub mod memory;
pub mod query;
pub mod route;
pub mod sample;
pub mod search;
pub mod size;
pub mod tabs;
pub mod transfer;
pub mod viewport;

#[cfg(target_arch = "wasm32")]
pub mod offline;
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod ui;
