//! Parts of the interface whose code is not in the app's wasm: the build
//! (`scripts/split-wasm.mjs`) moves each `#[wasm_split(..)]` function of src/main.rs, with the
//! code only it reaches, into a module of its own. The first page's module shows the catalogue's
//! rows; the rest of the catalogue page (its sections, writes, search, Edit dialog, "Do I own
//! this?" answer) is one part fetched once the rows are shown, or sooner by its first use; the
//! other pages and the scanner follow when asked for, or from the service worker's cache offline.
//!
//! A part that cannot be fetched (the network went away before the service worker had cached
//! it) says so in place of the part and loses nothing; showing it again tries again.

use std::future::Future;
use std::pin::Pin;

use futures::FutureExt;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::SplitLoaderError;

use super::check::AnswerPart;
use super::commands::{AddClassics, Writes};
use super::context::{Lookups, Reading};
use super::scan::ScanPart;
use super::sync::SyncEngine;
use super::table::columns::ColumnsPart;
use crate::book::{Book, BookId};
use crate::store::{StoreError, Upgrade};
use crate::sync::replicate::Settings;

/// The code of a part could not be fetched.
pub struct NotLoaded;

impl From<SplitLoaderError> for NotLoaded {
    fn from(_: SplitLoaderError) -> Self {
        NotLoaded
    }
}

/// Fetches a part's code (at once if it is here already).
pub type Fetch = fn() -> Pin<Box<dyn Future<Output = Result<(), SplitLoaderError>>>>;

/// Makes a part's view. Once its code is here, the future is ready when first polled: the view
/// is made then, synchronously, by the reactive closure that shows it, so that the part's signals,
/// effects and cleanups all belong to that closure and go together when the page changes.
pub type Loading = Pin<Box<dyn Future<Output = Result<AnyView, NotLoaded>>>>;

/// A part: how to fetch its code, and how to make its view.
#[derive(Clone, Copy)]
pub struct Part<M> {
    /// Fetches the code.
    pub fetch: Fetch,
    /// Makes the view (see [`Loading`]).
    pub make: M,
}

/// How the app gets each part that is not on the catalogue's first screen: the app's binary
/// (src/main.rs) passes functions the build splits off, which call [`views`].
#[derive(Clone, Copy)]
pub struct Parts {
    /// The Import and export section of the catalogue page.
    pub transfer: Part<fn() -> Loading>,
    /// The sample-books section of the catalogue page.
    pub bulk: Part<fn() -> Loading>,
    /// The storage line at the foot of the catalogue page.
    pub footer: Part<fn() -> Loading>,
    /// A book's own page.
    pub book: Part<fn(BookId) -> Loading>,
    /// The Edit dialog of a book, closing with the callback.
    pub edit: Part<fn(Book, Callback<()>) -> Loading>,
    /// The "Check a book" page.
    pub check: Part<fn() -> Loading>,
    /// The Statistics page.
    pub stats: Part<fn() -> Loading>,
    /// The Sync page.
    pub sync: Part<fn() -> Loading>,
    /// "Keep in sync" going on as the app opens.
    pub resume_sync: Resume,
    /// "Add sample books" in an empty catalogue (the bulk write path is in the sample-books
    /// section's part).
    pub add_classics: AddClassics,
    /// What "Scan barcode" does (the camera, the detector, the photo's reading).
    pub scan: ScanPart,
    /// The upgrade of data an older version stored (in the catalogue page's part: most people
    /// never need it, and it runs before the rows, so the part comes first then).
    pub upgrade: Upgrade,
    /// "No books match …. Did you mean …?", the table's answer to a search that finds nothing
    /// (a search needs the catalogue page's part, so it is here by then).
    pub no_matches: Part<fn() -> Loading>,
    /// Adding, deleting and putting back one book.
    pub writes: Writes,
    /// Reading the search index.
    pub lookups: Lookups,
    /// The answer to "Do I own this?".
    pub answer: AnswerPart,
    /// The list of columns "Columns" opens.
    pub columns: ColumnsPart,
}

/// Goes on keeping in sync, once sync's code is here.
pub type Resume = fn(SyncEngine, Settings) -> Pin<Box<dyn Future<Output = Result<(), NotLoaded>>>>;

/// The parts' views, for the functions the build splits off.
pub mod views {
    use leptos::prelude::*;

    use super::super::book_page::BookPage;
    use super::super::bulk::BulkGenerator;
    use super::super::check::{CheckAnswer, CheckPage, NoMatches};
    use super::super::edit::EditDialog;
    use super::super::footer::StorageFooter;
    use super::super::stats::StatsPage;
    use super::super::sync::SyncPage;
    use super::super::table::columns::ColumnChoices;
    use super::super::transfer::Transfer;
    use crate::book::{Book, BookId};

    /// The Import and export section.
    pub fn transfer() -> AnyView {
        view! { <Transfer /> }.into_any()
    }
    /// The sample-books section.
    pub fn bulk() -> AnyView {
        view! { <BulkGenerator /> }.into_any()
    }
    /// The storage line.
    pub fn footer() -> AnyView {
        view! { <StorageFooter /> }.into_any()
    }
    /// A book's page.
    pub fn book(id: BookId) -> AnyView {
        view! { <BookPage id /> }.into_any()
    }
    /// The Edit dialog.
    pub fn edit(book: Book, on_close: Callback<()>) -> AnyView {
        view! { <EditDialog book on_close /> }.into_any()
    }
    /// The "Check a book" page.
    pub fn check() -> AnyView {
        view! { <CheckPage /> }.into_any()
    }
    /// The answer to "Do I own this?".
    pub fn answer(text: RwSignal<String>) -> AnyView {
        view! { <CheckAnswer text /> }.into_any()
    }
    /// The list of columns, open while `open` is true.
    pub fn columns(open: RwSignal<bool>) -> AnyView {
        view! { <ColumnChoices open /> }.into_any()
    }
    /// The table's answer to a search that finds nothing.
    pub fn no_matches() -> AnyView {
        view! { <NoMatches /> }.into_any()
    }
    /// The Statistics page.
    pub fn stats() -> AnyView {
        view! { <StatsPage /> }.into_any()
    }
    /// The Sync page.
    pub fn sync() -> AnyView {
        view! { <SyncPage /> }.into_any()
    }
}

/// Said in place of a part whose code could not be fetched.
pub const NOT_LOADED: &str = "This part of Bookshelf could not be downloaded (are you offline?). \
    Your books are safe; reload the page to try again.";

/// Said (after "Could not …:") when an action's code could not be fetched.
const NOT_LOADED_CODE: &str =
    "the code for it could not be downloaded (are you offline?); reload the page to try again";

/// "Could not `operation`": the code for it could not be downloaded.
pub fn not_loaded(operation: &'static str) -> StoreError {
    StoreError::Other {
        operation,
        detail: NOT_LOADED_CODE.into(),
    }
}

/// Work on the store whose code is a part: `fetched` is the part's function, run once its code
/// is here; if it cannot be fetched, "Could not `operation`: the code for it could not be
/// downloaded…".
pub fn with_part<T: 'static>(
    operation: &'static str,
    fetched: impl Future<Output = Result<Reading<T>, NotLoaded>> + 'static,
) -> Reading<T> {
    Box::pin(async move {
        let work = fetched.await.map_err(|NotLoaded| not_loaded(operation));
        work?.await
    })
}

/// How long a page's part may take to arrive before the page says it is coming (most arrive well
/// within it, and a "Loading…" flash would only distract).
const PATIENCE_MILLIS: u32 = 400;

/// Shows a page whose code is a part (see [`show`]); still on its way after
/// [`PATIENCE_MILLIS`], it says "Loading…" in its place.
pub fn show_page(fetch: Fetch, make: impl Fn() -> Loading + Send + 'static) -> impl IntoView {
    show(fetch, make, true)
}

/// Shows a section of the catalogue page whose code is a part (see [`show`]), nothing before it
/// is here: the sections are below the rows, and a "Loading…" there would only move the page.
pub fn show_section(fetch: Fetch, make: impl Fn() -> Loading + Send + 'static) -> impl IntoView {
    show(fetch, make, false)
}

/// Shows a part once its code is here: `fetch` brings the code, then `make` makes the view.
fn show(
    fetch: Fetch,
    make: impl Fn() -> Loading + Send + 'static,
    say_loading: bool,
) -> impl IntoView {
    let fetched = RwSignal::new_local(None::<bool>);
    let slow = RwSignal::new(false);
    spawn_local(async move {
        let mut fetching = fetch();
        let fetched_ok = match (&mut fetching).now_or_never() {
            // The code is here: the view comes at once.
            Some(fetched) => fetched.is_ok(),
            // Parts that arrive together (the catalogue page's three sections) are shown a task
            // each, not all in the task that brought their code.
            None => {
                let fetched_ok = fetching.await.is_ok();
                crate::browser::yield_to_page().await;
                fetched_ok
            }
        };
        fetched.try_set(Some(fetched_ok));
    });
    if say_loading {
        spawn_local(async move {
            TimeoutFuture::new(PATIENCE_MILLIS).await;
            slow.try_set(true);
        });
    }
    let not_loaded =
        || view! { <p role="alert" class="notice notice-error">{NOT_LOADED}</p> }.into_any();
    move || match fetched.get() {
        None if slow.get() => view! { <p class="muted" role="status">"Loading…"</p> }.into_any(),
        None => ().into_any(),
        Some(false) => not_loaded(),
        Some(true) => match make().now_or_never() {
            Some(Ok(view)) => view,
            _ => not_loaded(),
        },
    }
}
