//! The App: opens the repository, provides the shared handles, and shows the page for the route.

use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::book_page::{BookPage, UnknownPage};
use super::bulk::BulkGenerator;
use super::context::{Catalogue, CatalogueQuery};
use super::form::AddBookForm;
use super::notices::{NoticeList, Notices};
use super::router::use_route;
use super::status::StorageInfo;
use super::table::BookTable;
use super::toolbar::Toolbar;
use super::transfer::Transfer;
use crate::route::Route;
use crate::store::schema::DATABASE_NAME;
use crate::store::{BookRepository, OpenOptions};

/// How many times opening the store is tried before the app says it cannot store books here.
const OPEN_ATTEMPTS: u32 = 3;
/// The pause before the second try (longer before each next one).
const OPEN_RETRY_MILLIS: u32 = 300;

/// Where opening the catalogue stands.
#[derive(Clone)]
enum Storage {
    Opening,
    Blocked(String),
    Ready(BookRepository),
    Failed(String),
}

/// The page below the static header of index.html.
#[component]
pub fn App() -> impl IntoView {
    let notices = Notices::default();
    provide_context(notices);
    crate::offline::register(move || {
        notices.offer(
            "A new version of Bookshelf is ready.",
            "Reload",
            Callback::new(|()| crate::offline::apply_update()),
        );
    });
    let storage = RwSignal::new_local(Storage::Opening);
    spawn_local(async move {
        let on_blocked = Rc::new(move |error: crate::store::StoreError| {
            storage.try_set(Storage::Blocked(error.to_string()));
        });
        let options = OpenOptions {
            on_blocked: Some(on_blocked),
            ..OpenOptions::default()
        };
        // A store that will not open is often busy for a moment (another tab upgrading, a slow
        // disk): try a few times before saying so. Never show an empty catalogue instead.
        let mut attempt = 0;
        let opened = loop {
            match BookRepository::open_with(DATABASE_NAME, options.clone()).await {
                Ok(repository) => break Storage::Ready(repository),
                Err(_) if attempt + 1 < OPEN_ATTEMPTS => {
                    attempt += 1;
                    TimeoutFuture::new(OPEN_RETRY_MILLIS * attempt).await;
                }
                Err(error) => break Storage::Failed(error.to_string()),
            }
        };
        storage.try_set(opened);
    });

    let main = move || match storage.get() {
        Storage::Opening => view! { <p class="muted">"Opening your catalogue…"</p> }.into_any(),
        Storage::Blocked(message) | Storage::Failed(message) => {
            view! { <p role="alert" class="notice notice-error">{message}</p> }.into_any()
        }
        Storage::Ready(repository) => view! { <Ready repository /> }.into_any(),
    };
    view! {
        // The header is static, in index.html: it paints before the wasm arrives.
        <main id="main">{main}</main>
        <NoticeList />
    }
}

/// The app once storage is open: provides the catalogue and follows the route.
#[component]
fn Ready(repository: BookRepository) -> impl IntoView {
    provide_context(Catalogue::new(repository, expect_context::<Notices>()));
    // Kept above the route so that a visit to a book's page keeps the search and sort.
    provide_context(CatalogueQuery::default());
    let route = use_route();
    move || match route.get() {
        Route::Catalogue => view! {
            <AddBookForm />
            <section class="catalogue" aria-labelledby="catalogue-heading">
                <h2 id="catalogue-heading">"Catalogue"</h2>
                <Toolbar />
                <BookTable />
            </section>
            <Transfer />
            <BulkGenerator />
            <StorageInfo />
        }
        .into_any(),
        Route::Book(id) => view! { <BookPage id /> }.into_any(),
        Route::Unknown => view! { <UnknownPage /> }.into_any(),
    }
}
