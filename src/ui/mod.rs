//! The interface: Leptos components, one file per visible part, and the small hash router.
//! Nothing here touches IndexedDB: components read through [`context::Catalogue`] and change the
//! catalogue only through its commands (`commands.rs`).

mod app;
mod book_page;
mod boxed;
mod breather;
mod bulk;
mod check;
pub mod commands;
mod conflict;
pub mod context;
mod crash;
mod edit;
mod fields;
mod files;
mod footer;
mod form;
mod later;
pub mod lazy;
pub mod notices;
mod router;
pub mod scan;
pub mod stats;
pub mod sync;
mod table;
mod toolbar;
mod transfer;

pub use app::App;
pub use crash::install_panic_hook;
