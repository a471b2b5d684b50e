//! Mounts the app: install the panic hook, then hand the page to Leptos.
//! (The `bench` build mounts nothing: its page drives the exports of `bookshelf::bench`.)

#[cfg(all(target_arch = "wasm32", not(feature = "bench")))]
fn main() {
    use bookshelf::ui::commands::Writes;
    use bookshelf::ui::context::Lookups;
    use bookshelf::ui::lazy::{not_loaded, with_part, Part, Parts};
    use bookshelf::ui::App;
    use leptos::prelude::*;

    bookshelf::ui::install_panic_hook();
    // A part: how to fetch its code, and how to make its view (`split`'s two functions for it).
    macro_rules! part {
        ($make:ident, $fetch:ident $(, $arg:ident)*) => {
            Part {
                fetch: || Box::pin(split::$fetch()),
                make: |$($arg),*| Box::pin(split::$make($($arg),*)),
            }
        };
    }
    let parts = Parts {
        transfer: part!(transfer, fetch_transfer),
        bulk: part!(bulk, fetch_bulk),
        footer: part!(footer, fetch_footer),
        book: part!(book, fetch_book, id),
        edit: part!(edit, fetch_edit, book, on_close),
        check: part!(check, fetch_check),
        answer: part!(answer, fetch_answer, text),
        stats: part!(stats, fetch_stats),
        sync: part!(sync, fetch_sync),
        resume_sync: |engine, settings| Box::pin(split::keep_in_sync(engine, settings)),
        add_classics: |repository| Box::pin(split::add_classics(repository)),
        scan: |scanner, ask| Box::pin(split::scan(scanner, ask)),
        no_matches: part!(no_matches, fetch_no_matches),
        columns: part!(columns, fetch_columns, open),
        writes: Writes {
            create: |repository, book| with_part("add the book", split::create(repository, book)),
            delete: |repository, id| with_part("delete the book", split::delete(repository, id)),
            restore: |repository, book| {
                with_part("restore the book", split::restore(repository, book))
            },
        },
        lookups: Lookups {
            search: |repository, filter, sort, wanted, so_far| {
                let search = split::search(repository, filter, sort, wanted, so_far);
                with_part("search the books", search)
            },
            prepare_jumps: |repository, field| {
                with_part("index the order", split::prepare_jumps(repository, field))
            },
            matching: |repository, filter, sort| {
                with_part(
                    "search the books",
                    split::matching(repository, filter, sort),
                )
            },
            names: |repository, list| with_part("list the names", split::names(repository, list)),
            books: |repository, ids| {
                with_part("read the books found", split::books(repository, ids))
            },
            place: |repository, filter, sort, book| {
                with_part(
                    "find the book's place",
                    split::place(repository, filter, sort, book),
                )
            },
        },
        upgrade: |name| {
            Box::pin(async move {
                let upgrading = split::upgrade(name).await;
                upgrading
                    .map_err(|_| not_loaded("upgrade the stored books"))?
                    .await
            })
        },
    };
    // In a task of its own, not the one that compiled and started the wasm (src/ui/later.rs).
    // (Leptos's own `spawn_local` runs nothing before it is mounted.)
    wasm_bindgen_futures::spawn_local(async move {
        bookshelf::browser::yield_to_page().await;
        leptos::mount::mount_to_body(move || view! { <App parts /> });
    });
}

/// The parts of the app the build (scripts/split-wasm.mjs) moves out of its wasm, each with the
/// code only it reaches, into modules fetched when the part is first shown (src/ui/lazy.rs).
/// Here, not in the library, so that no other binary (the barcode worker) links them.
#[cfg(all(target_arch = "wasm32", not(feature = "bench")))]
mod split {
    use bookshelf::book::{Book, BookId, NewBook};
    use bookshelf::query::{Filter, Sort, SortField};
    use bookshelf::store::{migrate, BookRepository, Result as Stored};
    use bookshelf::sync::replicate::Settings;
    use bookshelf::ui::commands::{write_classics, Writes, Writing, Written};
    use bookshelf::ui::context::{Found, Lookups, NameList, Names, Reading, SoFar, Wanted};
    use bookshelf::ui::lazy::{views, NotLoaded};
    use bookshelf::ui::scan::{Ask, Scanner};
    use bookshelf::ui::sync::SyncEngine;
    use leptos::prelude::{AnyView, Callback, RwSignal};
    use leptos::wasm_split::wasm_split;
    use std::future::Future;
    use std::pin::Pin;

    /// The upgrade under way, once its code is here.
    type Upgrading = Pin<Box<dyn Future<Output = Stored<()>>>>;

    /// A view, split off into the part `$part` with the code only that part reaches; `$fetch`
    /// fetches the part's code.
    macro_rules! split_view {
        ($part:ident: $name:ident, $fetch:ident $(, $arg:ident: $type:ty)*) => {
            #[wasm_split($part, wasm_split_path = ::leptos::wasm_split, fallible, preload($fetch))]
            pub fn $name($($arg: $type),*) -> Result<AnyView, NotLoaded> {
                Ok(views::$name($($arg),*))
            }
        };
    }

    // The rest of the catalogue page, fetched once its rows are shown: what is below them
    // (Import and export, the sample books, the storage line), one book's writes, the search,
    // the Edit dialog, the answer of "Do I own this?", "Did you mean", and the upgrade of an
    // older version's data (fetched before opening when there is such data). One part, not
    // nine: wasm-split makes a module of each set of parts that share code, and every module is
    // a request and an instantiation while the page should answer (32 modules after the rows as
    // separate parts, 9 as one).
    split_view!(catalogue: transfer, fetch_transfer);
    split_view!(catalogue: bulk, fetch_bulk);
    split_view!(catalogue: footer, fetch_footer);
    split_view!(book: book, fetch_book, id: BookId);
    split_view!(catalogue: edit, fetch_edit, book: Book, on_close: Callback<()>);
    split_view!(check: check, fetch_check);
    split_view!(catalogue: answer, fetch_answer, text: RwSignal<String>);
    split_view!(catalogue: no_matches, fetch_no_matches);
    split_view!(catalogue: columns, fetch_columns, open: RwSignal<bool>);
    split_view!(stats: stats, fetch_stats);
    split_view!(sync: sync, fetch_sync);

    #[wasm_split(catalogue, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn add_classics(repository: BookRepository) -> Result<Writing, NotLoaded> {
        Ok(write_classics(repository))
    }

    #[wasm_split(scan, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn scan(scanner: Scanner, ask: Ask) -> Result<(), NotLoaded> {
        bookshelf::ui::scan::run(scanner, ask);
        Ok(())
    }

    /// One book added, deleted or put back: the write path (checking, the record, the search
    /// line, the sync log) is code reading the catalogue does not need.
    #[wasm_split(catalogue, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn create(repository: BookRepository, book: NewBook) -> Result<Written, NotLoaded> {
        Ok((Writes::default().create)(repository, book))
    }

    #[wasm_split(catalogue, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn delete(repository: BookRepository, id: BookId) -> Result<Written, NotLoaded> {
        Ok((Writes::default().delete)(repository, id))
    }

    #[wasm_split(catalogue, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn restore(repository: BookRepository, book: Book) -> Result<Written, NotLoaded> {
        Ok((Writes::default().restore)(repository, book))
    }

    /// What reads the search index (a search, the rank index, the ids that pass a filter, the
    /// lists of names): reading the first rows needs none of it.
    #[wasm_split(catalogue, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn search(
        repository: BookRepository,
        filter: Filter,
        sort: Sort,
        wanted: Wanted,
        so_far: SoFar,
    ) -> Result<Found, NotLoaded> {
        Ok((Lookups::default().search)(
            repository, filter, sort, wanted, so_far,
        ))
    }

    #[wasm_split(catalogue, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn prepare_jumps(
        repository: BookRepository,
        field: SortField,
    ) -> Result<Reading<()>, NotLoaded> {
        Ok((Lookups::default().prepare_jumps)(repository, field))
    }

    #[wasm_split(catalogue, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn matching(
        repository: BookRepository,
        filter: Filter,
        sort: Sort,
    ) -> Result<Reading<Vec<BookId>>, NotLoaded> {
        Ok((Lookups::default().matching)(repository, filter, sort))
    }

    #[wasm_split(catalogue, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn names(repository: BookRepository, list: NameList) -> Result<Names, NotLoaded> {
        Ok((Lookups::default().names)(repository, list))
    }

    #[wasm_split(catalogue, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn books(
        repository: BookRepository,
        ids: Vec<BookId>,
    ) -> Result<Reading<Vec<Book>>, NotLoaded> {
        Ok((Lookups::default().books)(repository, ids))
    }

    #[wasm_split(catalogue, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn place(
        repository: BookRepository,
        filter: Filter,
        sort: Sort,
        book: Book,
    ) -> Result<Reading<Option<u64>>, NotLoaded> {
        Ok((Lookups::default().place)(repository, filter, sort, book))
    }

    /// The upgrade of data stored by an older version.
    #[wasm_split(catalogue, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn upgrade(name: String) -> Result<Upgrading, NotLoaded> {
        Ok(Box::pin(async move { migrate(&name).await }))
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
