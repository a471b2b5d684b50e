//! Mounts the app: install the panic hook, then hand the page to Leptos.
//! (The `bench` build mounts nothing: its page drives the exports of `bookshelf::bench`.)

#[cfg(all(target_arch = "wasm32", not(feature = "bench")))]
fn main() {
    use bookshelf::ui::lazy::{Part, Parts};
    use bookshelf::ui::App;
    use leptos::prelude::*;

    bookshelf::ui::install_panic_hook();
    let parts = Parts {
        transfer: Part {
            fetch: || Box::pin(split::fetch_transfer()),
            make: || Box::pin(split::transfer()),
        },
        bulk: Part {
            fetch: || Box::pin(split::fetch_bulk()),
            make: || Box::pin(split::bulk()),
        },
        book: Part {
            fetch: || Box::pin(split::fetch_book()),
            make: |id| Box::pin(split::book(id)),
        },
        check: Part {
            fetch: || Box::pin(split::fetch_check()),
            make: || Box::pin(split::check()),
        },
        stats: Part {
            fetch: || Box::pin(split::fetch_stats()),
            make: || Box::pin(split::stats()),
        },
        sync: Part {
            fetch: || Box::pin(split::fetch_sync()),
            make: || Box::pin(split::sync()),
        },
        resume_sync: |engine, settings| Box::pin(split::keep_in_sync(engine, settings)),
    };
    leptos::mount::mount_to_body(move || view! { <App parts /> });
}

/// The parts of the app the build (scripts/split-wasm.mjs) moves out of its wasm, each with the
/// code only it reaches, into modules fetched when the part is first shown (src/ui/lazy.rs).
/// Here, not in the library, so that no other binary (the barcode worker) links them.
#[cfg(all(target_arch = "wasm32", not(feature = "bench")))]
mod split {
    use bookshelf::book::BookId;
    use bookshelf::sync::replicate::Settings;
    use bookshelf::ui::lazy::{views, NotLoaded};
    use bookshelf::ui::sync::SyncEngine;
    use leptos::prelude::AnyView;
    use leptos::wasm_split::wasm_split;

    #[wasm_split(transfer, wasm_split_path = ::leptos::wasm_split, fallible, preload(fetch_transfer))]
    pub fn transfer() -> Result<AnyView, NotLoaded> {
        Ok(views::transfer())
    }

    #[wasm_split(bulk, wasm_split_path = ::leptos::wasm_split, fallible, preload(fetch_bulk))]
    pub fn bulk() -> Result<AnyView, NotLoaded> {
        Ok(views::bulk())
    }

    #[wasm_split(book, wasm_split_path = ::leptos::wasm_split, fallible, preload(fetch_book))]
    pub fn book(id: BookId) -> Result<AnyView, NotLoaded> {
        Ok(views::book(id))
    }

    #[wasm_split(check, wasm_split_path = ::leptos::wasm_split, fallible, preload(fetch_check))]
    pub fn check() -> Result<AnyView, NotLoaded> {
        Ok(views::check())
    }

    #[wasm_split(stats, wasm_split_path = ::leptos::wasm_split, fallible, preload(fetch_stats))]
    pub fn stats() -> Result<AnyView, NotLoaded> {
        Ok(views::stats())
    }

    #[wasm_split(sync, wasm_split_path = ::leptos::wasm_split, fallible, preload(fetch_sync))]
    pub fn sync() -> Result<AnyView, NotLoaded> {
        Ok(views::sync())
    }

    #[wasm_split(sync, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn keep_in_sync(engine: SyncEngine, settings: Settings) -> Result<(), NotLoaded> {
        engine.keep_in_sync(settings);
        Ok(())
    }
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
