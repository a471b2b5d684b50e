//! Mounts the app: install the panic hook, then hand the page to Leptos.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(bookshelf::ui::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Bookshelf runs in the browser: build it with `trunk build --release`.");
}
