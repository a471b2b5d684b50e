//! The labelled book fields with their error messages, shared by the add form (title, author,
//! genre) and the edit dialog (those, and ISBN, year, rating and shelf).

use leptos::html;
use leptos::prelude::*;

use crate::book::{
    parse_isbn, parse_rating, parse_year, Field, NewBook, Shelf, ValidationError, MAX_RATING,
    MIN_RATING,
};

/// The optional details as typed and parsed: ISBN (13 digits), year, rating, shelf.
pub type Details = (Option<String>, Option<i32>, Option<u8>, Option<Shelf>);

/// The values being typed into the fields and what is wrong with them.
#[derive(Clone, Copy)]
pub struct FieldValues {
    /// The Title field.
    pub title: RwSignal<String>,
    /// The Author field.
    pub author: RwSignal<String>,
    /// The Genre field.
    pub genre: RwSignal<String>,
    /// The ISBN field.
    pub isbn: RwSignal<String>,
    /// The Year field.
    pub year: RwSignal<String>,
    /// The Rating choice ("" for none).
    pub rating: RwSignal<String>,
    /// The Shelf choice (its key, "" for none).
    pub shelf: RwSignal<String>,
    /// The problems found at the last attempt to save.
    pub errors: RwSignal<Vec<ValidationError>>,
}

impl FieldValues {
    /// Fields holding `book`'s values.
    pub fn new(book: &NewBook) -> Self {
        let text = |value: Option<String>| RwSignal::new(value.unwrap_or_default());
        Self {
            title: RwSignal::new(book.title.clone()),
            author: RwSignal::new(book.author.clone()),
            genre: RwSignal::new(book.genre.clone()),
            isbn: text(book.isbn.clone()),
            year: text(book.year.map(|year| year.to_string())),
            rating: text(book.rating.map(|rating| rating.to_string())),
            shelf: text(book.shelf.map(|shelf| shelf.key().to_owned())),
            errors: RwSignal::new(Vec::new()),
        }
    }

    /// The title, author and genre as typed (not yet trimmed or checked).
    pub fn book(&self) -> NewBook {
        NewBook::new(
            self.title.get_untracked(),
            self.author.get_untracked(),
            self.genre.get_untracked(),
        )
    }

    /// The ISBN, year, rating and shelf read from what is typed, or every problem with them.
    pub fn details(&self) -> Result<Details, Vec<ValidationError>> {
        let isbn = parse_isbn(&self.isbn.get_untracked());
        let year = parse_year(&self.year.get_untracked());
        let rating = parse_rating(&self.rating.get_untracked());
        let shelf = Shelf::parse(&self.shelf.get_untracked());
        match (isbn, year, rating, shelf) {
            (Ok(isbn), Ok(year), Ok(rating), Ok(shelf)) => Ok((isbn, year, rating, shelf)),
            (isbn, year, rating, shelf) => Err([isbn.err(), year.err(), rating.err(), shelf.err()]
                .into_iter()
                .flatten()
                .collect()),
        }
    }

    /// Empties the fields and their errors.
    pub fn clear(&self) {
        for value in [
            self.title,
            self.author,
            self.genre,
            self.isbn,
            self.year,
            self.rating,
            self.shelf,
        ] {
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

/// The id of `field`'s control in a set of fields that starts its ids with `prefix`.
fn control_id(prefix: &str, field: Field) -> String {
    format!("{prefix}-{}", field.label().to_ascii_lowercase())
}

/// Labelled text inputs for title, author and genre; with `details`, also ISBN, year, rating and
/// shelf. Ids start with `prefix` so two sets can share a page.
#[component]
pub fn BookFields(
    /// What is typed and what is wrong.
    values: FieldValues,
    /// Starts every element id, e.g. "new" or "edit".
    prefix: &'static str,
    /// Receives the Title input, to focus it.
    #[prop(optional)]
    title_ref: Option<NodeRef<html::Input>>,
    /// Shows ISBN, year, rating and shelf too.
    #[prop(optional)]
    details: bool,
) -> impl IntoView {
    let title_ref = title_ref.unwrap_or_default();
    let field = move |field: Field, value: RwSignal<String>, node: NodeRef<html::Input>| {
        let id = control_id(prefix, field);
        let error_id = format!("{id}-error");
        let error = move || values.error(field);
        let required = matches!(field, Field::Title | Field::Author);
        let numeric = matches!(field, Field::Year).then_some("numeric");
        let input = view! {
            <input
                node_ref=node
                id=id.clone()
                type="text"
                autocomplete="off"
                inputmode=numeric
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
    let choice = move |field: Field, value: RwSignal<String>, options: Vec<(String, String)>| {
        let id = control_id(prefix, field);
        let error_id = format!("{id}-error");
        let error = move || values.error(field);
        let options = options
            .into_iter()
            .map(|(key, label)| {
                let selected = {
                    let key = key.clone();
                    move || value.get() == key
                };
                view! { <option value=key selected=selected>{label}</option> }
            })
            .collect_view();
        view! {
            <div class="field">
                <label for=id.clone()>{field.label()}</label>
                <select
                    id=id
                    on:change=move |ev| value.set(event_target_value(&ev))
                    aria-invalid=move || error().map(|_| "true")
                    aria-describedby=error_id.clone()
                >
                    {options}
                </select>
                <p id=error_id class="field-error">{error}</p>
            </div>
        }
    };
    let details = details.then(|| {
        let ratings = std::iter::once((String::new(), "No rating".to_owned()))
            .chain(
                (MIN_RATING..=MAX_RATING).map(|n| (n.to_string(), format!("{n} of {MAX_RATING}"))),
            )
            .collect();
        let shelves = std::iter::once((String::new(), "No shelf".to_owned()))
            .chain(Shelf::ALL.map(|shelf| (shelf.key().to_owned(), shelf.label().to_owned())))
            .collect();
        view! {
            <div class="book-details">
                {field(Field::Isbn, values.isbn, NodeRef::new())}
                {field(Field::Year, values.year, NodeRef::new())}
                {choice(Field::Rating, values.rating, ratings)}
                {choice(Field::Shelf, values.shelf, shelves)}
            </div>
        }
    });
    view! {
        {field(Field::Title, values.title, title_ref)}
        {field(Field::Author, values.author, NodeRef::new())}
        {field(Field::Genre, values.genre, NodeRef::new())}
        {details}
    }
}
