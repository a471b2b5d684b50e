//! Mounts the app: install the panic hook, then hand the page to Leptos.
//! (The `bench` build mounts nothing: its page drives the exports of `bookshelf::bench`.)

#[cfg(all(target_arch = "wasm32", not(feature = "bench")))]
fn main() {
    bookshelf::ui::install_panic_hook();
    leptos::mount::mount_to_body(bookshelf::ui::App);
}

// Re-exported so that the linker keeps the benchmark's wasm-bindgen exports in this binary.
#[cfg(all(target_arch = "wasm32", feature = "bench"))]
pub use bookshelf::bench::*;

#[cfg(all(target_arch = "wasm32", feature = "bench"))]
fn main() {
    console_error_panic_hook::set_once();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Bookshelf runs in the browser: build it with `trunk build --release`.");
}
