//! The edit dialog: a native modal `<dialog>` with the book's fields, Save and Cancel; Escape cancels.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;

use super::commands::{on_outcome, Errors};
use super::context::Catalogue;
use super::fields::{BookDetails, BookFields, FieldValues};
use super::notices::Notices;
use crate::book::{Book, BookPatch, ValidationError};
use crate::store::StoreError;
use crate::ui::boxed::effect;

/// The patch that turns `book` into what was typed: only the fields that differ; or what is
/// wrong with what was typed.
fn patch_between(book: &Book, values: &FieldValues) -> Result<BookPatch, Vec<ValidationError>> {
    let typed = values.typed(&book.to_new())?;
    fn changed<T: PartialEq>(new: T, old: &T) -> Option<T> {
        (new != *old).then_some(new)
    }
    Ok(BookPatch {
        title: changed(typed.title, &book.title),
        author: changed(typed.author, &book.author),
        genre: changed(typed.genre, &book.genre),
        isbn: changed(typed.isbn, &book.isbn),
        year: changed(typed.year, &book.year),
        rating: changed(typed.rating, &book.rating),
        status: changed(typed.status, &book.status),
        readings: changed(typed.readings, &book.readings),
        tags: changed(typed.tags, &book.tags),
        series: changed(typed.series, &book.series),
        pages: changed(typed.pages, &book.pages),
        publisher: changed(typed.publisher, &book.publisher),
        format: changed(typed.format, &book.format),
        copies: changed(typed.copies, &book.copies),
        location: changed(typed.location, &book.location),
        note: changed(typed.note, &book.note),
        loan: None,
        read_on: None,
    })
}

/// The patch that turns `book` into what was typed, checked whole; or `None`, the problems shown
/// under their fields.
pub fn checked_patch(book: &Book, values: &FieldValues) -> Option<BookPatch> {
    let checked = patch_between(book, values).and_then(|patch| {
        book.patched(&patch)
            .map(|_| patch)
            .map_err(|error| vec![error])
    });
    match checked {
        Ok(patch) => Some(patch),
        Err(errors) => {
            values.errors.set(errors);
            None
        }
    }
}

/// Edits `book`; calls `on_close` when the dialog closes (saved, cancelled or Escape).
#[component]
pub fn EditDialog(book: Book, on_close: Callback<()>) -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let notices = expect_context::<Notices>();
    let values = FieldValues::new(&book.to_new());
    let dialog_ref = NodeRef::<html::Dialog>::new();
    let title_ref = NodeRef::<html::Input>::new();
    let save = catalogue.update(Errors::Caller);
    let saving = save.pending();
    // A save that failed while the dialog stays open is said inside it: a modal dialog makes the
    // rest of the page inert, so a notice there could be neither read out nor dismissed.
    let problem = RwSignal::new(None::<StoreError>);
    let heading = format!("Edit {}", book.title);

    effect(move |_| {
        if let Some(dialog) = dialog_ref.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
            if let Some(input) = title_ref.get_untracked() {
                let _ = input.focus();
            }
        }
    });
    let close = move || {
        if let Some(dialog) = dialog_ref.get_untracked() {
            dialog.close();
        }
    };
    on_outcome(save, move |saved| match saved {
        Ok(_) => close(),
        Err(StoreError::Invalid(error)) => values.errors.set(vec![error]),
        // Deleted meanwhile (here or in another tab): said behind the dialog, which closes.
        Err(error @ StoreError::NotFound(_)) => {
            notices.error(error);
            close();
        }
        Err(error) => {
            problem.try_set(Some(error));
        }
    });

    let id = book.id;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let Some(patch) = checked_patch(&book, &values) else {
            return;
        };
        if patch.is_empty() {
            close();
            return;
        }
        problem.set(None);
        save.dispatch_local((id, patch));
    };

    view! {
        <dialog node_ref=dialog_ref aria-labelledby="edit-heading" on:close=move |_| on_close.run(())>
            <form novalidate on:submit=submit>
                <h2 id="edit-heading">{heading}</h2>
                <BookFields values prefix="edit" title_ref />
                <BookDetails values prefix="edit" />
                {move || problem.get().map(|error| view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> })}
                <div class="dialog-actions">
                    <button type="submit" class="primary">"Save"</button>
                    <button type="button" on:click=move |_| close()>"Cancel"</button>
                </div>
            </form>
        </dialog>
    }
}
