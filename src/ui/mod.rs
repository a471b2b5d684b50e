//! The interface: Leptos components, one file per visible part.

mod app;

pub use app::App;
