//! The interface: Leptos components, one file per visible part, and the small hash router.
//! Nothing here touches IndexedDB: components ask the repository through [`context::Catalogue`].

mod app;
mod book_page;
mod bulk;
pub mod context;
mod crash;
mod edit;
mod fields;
mod files;
mod form;
pub mod notices;
mod router;
mod rows;
mod status;
mod table;
mod toolbar;
mod transfer;

pub use app::App;
pub use crash::install_panic_hook;
