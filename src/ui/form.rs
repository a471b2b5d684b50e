//! The form that adds a book: Enter submits; after adding, the fields clear and Title takes focus.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;

use super::commands::{on_outcome, Errors};
use super::context::{Catalogue, CatalogueQuery};
use super::fields::{BookFields, FieldValues};
use crate::book::NewBook;
use crate::store::StoreError;
use crate::ui::boxed::{effect, handler};

/// "Add a book".
#[component]
pub fn AddBookForm() -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let query = expect_context::<CatalogueQuery>();
    let values = FieldValues::default();
    let title_ref = NodeRef::<html::Input>::new();
    // "Add it" (from "Do I own this?"): fill the fields and bring them to the person.
    effect(move |_| {
        let Some(book) = query.prefill.get() else {
            return;
        };
        query.prefill.set(None);
        values.prefill(&book);
        if let Some(input) = title_ref.get() {
            let _ = input.focus();
            input.scroll_into_view();
        }
    });
    let create = catalogue.create(Errors::Notice);
    let saving = create.pending();
    on_outcome(create, move |created| match created {
        Ok(book) => {
            values.clear();
            query.added.try_set(Some(book));
            if let Some(input) = title_ref.get_untracked() {
                let _ = input.focus();
            }
        }
        Err(StoreError::Invalid(error)) => values.errors.set(vec![error]),
        // Said in the notice area by the command.
        Err(_) => {}
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let book = match values.typed_new() {
            Ok(book) => book,
            Err(problems) => {
                values.errors.set(problems);
                return;
            }
        };
        let added = Some(crate::browser::today());
        create.dispatch_local(NewBook { added, ..book });
    };

    view! {
        <form class="add-book" aria-label="Add a book" novalidate on:submit=handler(submit)>
            <h2>"Add a book"</h2>
            <div class="fields">
                <BookFields values prefix="new" title_ref isbn=true />
                <button type="submit" class="primary" aria-disabled=move || saving.get().then_some("true")>
                    "Add book"
                </button>
            </div>
        </form>
    }
}
