//! The three labelled book fields with their error messages, shared by the add form and the edit dialog.

use leptos::html;
use leptos::prelude::*;

use crate::book::{Field, NewBook, ValidationError};

/// The values being typed into the three fields and what is wrong with them.
#[derive(Clone, Copy)]
pub struct FieldValues {
    /// The Title field.
    pub title: RwSignal<String>,
    /// The Author field.
    pub author: RwSignal<String>,
    /// The Genre field.
    pub genre: RwSignal<String>,
    /// The problems found at the last attempt to save.
    pub errors: RwSignal<Vec<ValidationError>>,
}

impl FieldValues {
    /// Fields holding `book`'s values.
    pub fn new(book: &NewBook) -> Self {
        Self {
            title: RwSignal::new(book.title.clone()),
            author: RwSignal::new(book.author.clone()),
            genre: RwSignal::new(book.genre.clone()),
            errors: RwSignal::new(Vec::new()),
        }
    }

    /// The book as typed (not yet trimmed or checked).
    pub fn book(&self) -> NewBook {
        NewBook::new(
            self.title.get_untracked(),
            self.author.get_untracked(),
            self.genre.get_untracked(),
        )
    }

    /// Empties the fields and their errors.
    pub fn clear(&self) {
        for value in [self.title, self.author, self.genre] {
            value.set(String::new());
        }
        self.errors.set(Vec::new());
    }

    fn error(&self, field: Field) -> Option<String> {
        self.errors
            .get()
            .into_iter()
            .find(|error| error.field == field)
            .map(|error| error.to_string())
    }
}

/// Three labelled inputs; ids start with `prefix` so two sets can share a page.
#[component]
pub fn BookFields(
    /// What is typed and what is wrong.
    values: FieldValues,
    /// Starts every element id, e.g. "new" or "edit".
    prefix: &'static str,
    /// Receives the Title input, to focus it.
    #[prop(optional)]
    title_ref: Option<NodeRef<html::Input>>,
) -> impl IntoView {
    let title_ref = title_ref.unwrap_or_default();
    let field = move |field: Field, value: RwSignal<String>, node: NodeRef<html::Input>| {
        let id = format!("{prefix}-{}", field.label().to_lowercase());
        let error_id = format!("{id}-error");
        let error = move || values.error(field);
        let required = field != Field::Genre;
        let input = view! {
            <input
                node_ref=node
                id=id.clone()
                type="text"
                autocomplete="off"
                required=required
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || error().map(|_| "true")
                aria-describedby=error_id.clone()
            />
        };
        view! {
            <div class="field">
                <label for=id>{field.label()}</label>
                {input}
                <p id=error_id class="field-error">{error}</p>
            </div>
        }
    };
    view! {
        {field(Field::Title, values.title, title_ref)}
        {field(Field::Author, values.author, NodeRef::new())}
        {field(Field::Genre, values.genre, NodeRef::new())}
    }
}
