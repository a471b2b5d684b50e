//! The catalogue table: a row per book with its link, Edit and Delete; the count; the empty state.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::context::Catalogue;
use super::edit::EditDialog;
use super::notices::Notices;
use crate::book::{sample_books, Book};
use crate::query::count_label;
use crate::route::Route;
use crate::store::PageRequest;

/// How many rows the table shows at most (the whole catalogue scrolls in a later version).
const SHOWN: u32 = 1_000;

/// What the table shows: the total and the first rows.
#[derive(Debug, Clone, PartialEq)]
struct Listing {
    total: u64,
    books: Vec<Book>,
}

/// The books, the count, and the empty state with "Add sample books".
#[component]
pub fn BookTable() -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let notices = expect_context::<Notices>();
    let editing = RwSignal::new(None::<Book>);

    let listing = LocalResource::new(move || {
        catalogue.track();
        let repository = catalogue.repository();
        async move {
            let repository = repository?;
            let total = repository.count().await;
            let books = repository
                .list(PageRequest {
                    after: None,
                    limit: SHOWN,
                })
                .await;
            Some(total.and_then(|total| books.map(|books| Listing { total, books })))
        }
    });

    let delete = move |book: Book| {
        let Some(repository) = catalogue.repository() else {
            return;
        };
        spawn_local(async move {
            match repository.delete(book.id).await {
                Ok(deleted) => {
                    catalogue.changed();
                    notices.info(format!("Deleted “{}”.", deleted.title), Some(deleted));
                }
                Err(error) => {
                    notices.error(error.to_string());
                    catalogue.changed();
                }
            }
        });
    };

    let add_samples = move |_| {
        let Some(repository) = catalogue.repository() else {
            return;
        };
        spawn_local(async move {
            match repository.create_many(sample_books()).await {
                Ok(_) => catalogue.changed(),
                Err(error) => notices.error(error.to_string()),
            }
        });
    };

    let row = move |book: Book| {
        let title = book.title.clone();
        let for_edit = book.clone();
        let for_delete = book.clone();
        view! {
            <tr>
                <td class="id">{book.id}</td>
                <td>
                    <a href=Route::Book(book.id).href()>{book.title.clone()}</a>
                </td>
                <td>{book.author.clone()}</td>
                <td>{book.genre.clone()}</td>
                <td class="actions">
                    <button
                        type="button"
                        aria-label=format!("Edit {title}")
                        on:click=move |_| editing.set(Some(for_edit.clone()))
                    >
                        "Edit"
                    </button>
                    <button
                        type="button"
                        class="danger"
                        aria-label=format!("Delete {title}")
                        on:click=move |_| delete(for_delete.clone())
                    >
                        "Delete"
                    </button>
                </td>
            </tr>
        }
    };

    let body = move || match listing.get().flatten() {
        None => view! { <p class="muted">"Loading your books…"</p> }.into_any(),
        Some(Err(error)) => view! { <p role="alert">{error.to_string()}</p> }.into_any(),
        Some(Ok(listing)) if listing.total == 0 => view! {
            <div class="empty">
                <p>"No books yet. Add one above, or start with a few classics."</p>
                <button type="button" on:click=add_samples>"Add sample books"</button>
            </div>
        }
        .into_any(),
        Some(Ok(listing)) => {
            let more = (listing.total > listing.books.len() as u64)
                .then(|| format!("Showing the first {} books.", listing.books.len()));
            view! {
                <div class="table-wrap">
                    <table>
                        <caption class="visually-hidden">"Your books"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"ID"</th>
                                <th scope="col">"Title"</th>
                                <th scope="col">"Author"</th>
                                <th scope="col">"Genre"</th>
                                <th scope="col">"Actions"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || listing.books.clone() key=|book| book.clone() children=row />
                        </tbody>
                    </table>
                </div>
                <p class="muted">{more}</p>
            }
            .into_any()
        }
    };

    let count = move || match listing.get().flatten() {
        Some(Ok(listing)) => count_label(listing.total),
        _ => String::new(),
    };

    view! {
        <section class="catalogue" aria-labelledby="catalogue-heading">
            <div class="catalogue-head">
                <h2 id="catalogue-heading">"Catalogue"</h2>
                <p id="book-count" role="status">{count}</p>
            </div>
            {body}
            {move || editing.get().map(|book| view! {
                <EditDialog book on_close=Callback::new(move |()| editing.set(None)) />
            })}
        </section>
    }
}
