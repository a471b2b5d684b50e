//! The form that adds a book: Enter submits; after adding, the fields clear and Title takes focus.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::context::{Catalogue, CatalogueQuery};
use super::fields::{BookFields, FieldValues};
use super::notices::Notices;
use crate::book::NewBook;
use crate::store::StoreError;

/// "Add a book".
#[component]
pub fn AddBookForm() -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let notices = expect_context::<Notices>();
    let query = expect_context::<CatalogueQuery>();
    let values = FieldValues::new(&NewBook::default());
    let title_ref = NodeRef::<html::Input>::new();
    let saving = RwSignal::new(false);
    let focus_title = move || {
        if let Some(input) = title_ref.get_untracked() {
            let _ = input.focus();
        }
    };

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let book = values.book();
        let problems = book.problems();
        if !problems.is_empty() {
            values.errors.set(problems);
            return;
        }
        let Some(repository) = catalogue.repository() else {
            return;
        };
        saving.set(true);
        spawn_local(async move {
            match repository.create(book).await {
                Ok(book) => {
                    values.clear();
                    catalogue.changed();
                    query.added.try_set(Some(book));
                    focus_title();
                }
                Err(StoreError::Invalid(error)) => values.errors.set(vec![error]),
                Err(error) => notices.error(error.to_string()),
            }
            saving.try_set(false);
        });
    };

    view! {
        <form class="add-book" aria-label="Add a book" novalidate on:submit=submit>
            <h2>"Add a book"</h2>
            <div class="fields">
                <BookFields values prefix="new" title_ref />
                <button type="submit" class="primary" aria-disabled=move || saving.get().then_some("true")>
                    "Add book"
                </button>
            </div>
        </form>
    }
}
