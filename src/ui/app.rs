//! The App: opens the repository, provides the shared handles, and shows the page for the route.

use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::book_page::UnknownPage;
use super::check::CheckBox;
use super::context::{Catalogue, CatalogueQuery};
use super::form::AddBookForm;
use super::later::next_turn;
use super::lazy::{show_page, show_section, Parts};
use super::notices::{NoticeList, Notices};
use super::router::use_route;
use super::sync::SyncEngine;
use super::table::BookTable;
use super::toolbar::Toolbar;
use crate::route::Route;
use crate::store::schema::DATABASE_NAME;
use crate::store::{BookRepository, Lost, OpenOptions, StoreError};
use crate::ui::boxed::{effect, handler};

/// How many times opening the store is tried before the app says it cannot store books here.
const OPEN_ATTEMPTS: u32 = 3;
/// The pause before the second try (longer before each next one).
const OPEN_RETRY_MILLIS: u32 = 300;

/// Said when the browser deleted the store under the running page and it was opened again.
const CLEARED: &str = "The browser cleared Bookshelf's storage (the site's data was deleted, or \
    the browser reclaimed the space), so the books stored in this browser are gone. Bookshelf \
    opened its storage again and works as before; to get your books back, import an export.";
/// Said when, after that, opening it again failed.
const CLEARED_FAILED: &str =
    "The browser cleared Bookshelf's storage, and opening it again failed:";

/// Where opening the catalogue stands.
#[derive(Clone)]
enum Phase {
    Opening,
    /// Other tabs hold an older version open; opening goes on when they let go.
    Blocked(StoreError),
    Ready(BookRepository),
    /// A newer version of the app took over the database in another tab.
    Replaced,
    /// Opening failed: the page says why and stores nothing.
    Failed(StoreError),
    /// The browser cleared the store under the page, and opening it again failed.
    ReopenFailed(StoreError),
}

/// The page below the static header of index.html.
#[component]
pub fn App(
    /// Where the parts off the catalogue's first screen come from (the app's binary splits them
    /// off).
    parts: Parts,
) -> impl IntoView {
    let notices = Notices::default();
    provide_context(notices);
    // "Scan barcode" and "Do I own this?" (its answer) are on the catalogue's first page and on
    // "Check a book".
    provide_context(parts.scan);
    provide_context(parts.answer);
    // A turn later: the page's first view comes first (`later.rs`).
    spawn_local(async move {
        crate::browser::yield_to_page().await;
        crate::offline::register(move || {
            notices.offer(
                "A new version of Bookshelf is ready.",
                "Reload",
                Callback::new(|()| crate::offline::apply_update()),
            );
        });
    });
    let phase = RwSignal::new_local(Phase::Opening);
    // Counts the times the browser cleared the store under the page (it was opened again, empty).
    let cleared = RwSignal::new(0_u32);
    spawn_local(async move {
        let on_blocked = Rc::new(move |error: StoreError| {
            phase.try_set(Phase::Blocked(error));
        });
        let on_lost = Rc::new(move |lost: Lost| match lost {
            Lost::NewerVersion => {
                phase.try_set(Phase::Replaced);
            }
            Lost::Reopened => {
                notices.error(CLEARED);
                cleared.try_update(|count| *count += 1);
            }
            Lost::ReopenFailed(error) => {
                phase.try_set(Phase::ReopenFailed(error));
            }
        });
        let options = OpenOptions {
            on_blocked: Some(on_blocked),
            on_lost: Some(on_lost),
            // The upgrade of older data is a part: not the default's, linked in.
            ..OpenOptions::new(parts.upgrade)
        };
        // A store that will not open is often busy for a moment (another tab upgrading, a slow
        // disk): try a few times before saying so. Never show an empty catalogue instead.
        let mut attempt = 0;
        let opened = loop {
            match BookRepository::open_with(DATABASE_NAME, options.clone()).await {
                Ok(repository) => break Phase::Ready(repository),
                Err(_) if attempt + 1 < OPEN_ATTEMPTS => {
                    attempt += 1;
                    TimeoutFuture::new(OPEN_RETRY_MILLIS * attempt).await;
                }
                Err(error) => break Phase::Failed(error),
            }
        };
        phase.try_set(opened);
    });

    let main = move || {
        match phase.get() {
        Phase::Opening => view! { <p class="muted">"Opening your catalogue…"</p> }.into_any(),
        Phase::Blocked(error) | Phase::Failed(error) => {
            view! { <p role="alert" class="notice notice-error">{error.to_string()}</p> }.into_any()
        }
        Phase::ReopenFailed(error) => {
            let text = format!("{CLEARED_FAILED} {error}");
            view! { <p role="alert" class="notice notice-error">{text}</p> }.into_any()
        }
        Phase::Ready(repository) => view! { <Ready repository cleared parts /> }.into_any(),
        Phase::Replaced => view! {
            <div role="alert" class="notice notice-error">
                <p>{StoreError::ClosedElsewhere.to_string()}</p>
                <button type="button" on:click=handler(|_| crate::browser::reload())>"Reload"</button>
            </div>
        }
        .into_any(),
    }
    };
    view! {
        // The header is static, in index.html: it paints before the wasm arrives.
        <main id="main">{main}</main>
        <NoticeList />
    }
}

/// The app once storage is open: provides the catalogue and follows the route.
#[component]
fn Ready(repository: BookRepository, cleared: RwSignal<u32>, parts: Parts) -> impl IntoView {
    let notices = expect_context::<Notices>();
    let catalogue = Catalogue::with_parts(repository, notices, parts.writes, parts.lookups);
    provide_context(catalogue);
    // The store was cleared and opened again: every view reads it afresh.
    effect(move |first| {
        cleared.track();
        if !first {
            untrack(|| catalogue.changed_elsewhere());
        }
    });
    // Above the route: "Keep in sync" goes on while the person moves between pages.
    provide_context(SyncEngine::new(catalogue, parts.resume_sync));
    // Kept above the route so that a visit to a book's page keeps the search and sort.
    provide_context(CatalogueQuery::default());
    let route = use_route();
    let page = move || match route.get() {
        Route::Catalogue => {
            // What is below the table comes once the table has its first answer: arriving
            // before it, it would be pushed down (a layout shift), and the parts' code is
            // fetched after the rows, not beside them.
            let answered = RwSignal::new(false);
            let sections = move || {
                view! {
                    {show_section(parts.transfer.fetch, parts.transfer.make)}
                    {show_section(parts.bulk.fetch, parts.bulk.make)}
                    {show_section(parts.footer.fetch, parts.footer.make)}
                }
                .into_any()
            };
            let below = move || answered.get().then(|| next_turn(sections));
            // In slices, top to bottom, a task each (`later.rs`).
            let table = move || view! { <BookTable answered parts /> }.into_any();
            let catalogue = move || {
                view! {
                    <section class="catalogue" aria-labelledby="catalogue-heading">
                        <h2 id="catalogue-heading">"Catalogue"</h2>
                        <Toolbar />
                        {next_turn(table)}
                    </section>
                    {below}
                }
                .into_any()
            };
            let form = move || view! { <AddBookForm /> {next_turn(catalogue)} }.into_any();
            let check = move || view! { <CheckBox /> {next_turn(form)} }.into_any();
            next_turn(check)
        }
        Route::Book(id) => show_page(parts.book.fetch, move || (parts.book.make)(id)).into_any(),
        Route::Check => show_page(parts.check.fetch, parts.check.make).into_any(),
        Route::Stats => show_page(parts.stats.fetch, parts.stats.make).into_any(),
        Route::Sync => show_page(parts.sync.fetch, parts.sync.make).into_any(),
        Route::Unknown => view! { <UnknownPage /> }.into_any(),
    };
    view! {
        <PageLinks route />
        {page}
    }
}

/// The links between the app's pages; the current one is marked for assistive technology.
#[component]
fn PageLinks(route: ReadSignal<Route>) -> impl IntoView {
    let link = move |to: Route, text: &'static str| {
        let current = move || (route.get() == to).then_some("page");
        view! { <li><a href=to.href() aria-current=current>{text}</a></li> }
    };
    view! {
        <nav class="page-links" aria-label="Site">
            <ul>
                {link(Route::Catalogue, "Books")}
                {link(Route::Check, "Check a book")}
                {link(Route::Stats, "Statistics")}
                {link(Route::Sync, "Sync")}
            </ul>
        </nav>
    }
}
