//! One book's page (`#/books/<id>`): its title as a heading and every field; or "Book not found".

use leptos::prelude::*;

use super::context::Catalogue;
use crate::book::{BookId, MAX_RATING};
use crate::route::Route;

/// The page of the book with this id.
#[component]
pub fn BookPage(id: BookId) -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let book = LocalResource::new(move || {
        catalogue.track();
        async move { catalogue.book(id).await }
    });
    let content = move || {
        match book.get() {
            None => view! { <p class="muted">"Loading…"</p> }.into_any(),
            Some(Err(error)) => view! { <p role="alert">{error.to_string()}</p> }.into_any(),
            Some(Ok(None)) => view! {
                <h2>"Book not found"</h2>
                <p>{format!("There is no book with id {id}. It may have been deleted.")}</p>
            }
            .into_any(),
            Some(Ok(Some(book))) => {
                // ISBN, year, rating and shelf are listed when the book has them.
                let details = [
                    ("ISBN", book.isbn.clone()),
                    ("Year", book.year.map(|year| year.to_string())),
                    (
                        "Rating",
                        book.rating
                            .map(|rating| format!("{rating} of {MAX_RATING}")),
                    ),
                    ("Shelf", book.shelf.map(|shelf| shelf.label().to_owned())),
                ]
                .into_iter()
                .filter_map(|(term, value)| Some(view! { <dt>{term}</dt><dd>{value?}</dd> }))
                .collect_view();
                view! {
                    <h2>{book.title.clone()}</h2>
                    <dl class="book-fields">
                        <dt>"ID"</dt>
                        <dd>{book.id}</dd>
                        <dt>"Title"</dt>
                        <dd>{book.title}</dd>
                        <dt>"Author"</dt>
                        <dd>{book.author}</dd>
                        <dt>"Genre"</dt>
                        <dd>{if book.genre.is_empty() { "—".to_owned() } else { book.genre }}</dd>
                        {details}
                    </dl>
                }
                .into_any()
            }
        }
    };
    view! {
        <article class="book-page">
            <p><a href=Route::Catalogue.href()>"← All books"</a></p>
            {content}
        </article>
    }
}

/// A hash that names no page.
#[component]
pub fn UnknownPage() -> impl IntoView {
    view! {
        <article class="book-page">
            <h2>"Page not found"</h2>
            <p><a href=Route::Catalogue.href()>"All books"</a></p>
        </article>
    }
}
