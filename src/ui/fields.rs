//! The labelled book fields with their error messages, shared by the add form (title, author,
//! genre), the edit dialog and the book's page (every field a reader keeps).

use leptos::html;
use leptos::prelude::*;

use crate::book::{
    check_copies, check_pages, parse_count, parse_isbn, parse_tags, parse_year, validate_field,
    Field, Format, NewBook, Reading, Series, Stars, Status, ValidationError,
};
use crate::ui::boxed::handler;

/// The values being typed into the fields and what is wrong with them; `default()`, every field
/// empty (the add form's).
#[derive(Clone, Copy, Default)]
pub struct FieldValues {
    /// The Title field.
    pub title: RwSignal<String>,
    /// The Author field.
    pub author: RwSignal<String>,
    /// The Genre field.
    pub genre: RwSignal<String>,
    isbn: RwSignal<String>,
    year: RwSignal<String>,
    rating: RwSignal<String>,
    status: RwSignal<String>,
    started: RwSignal<String>,
    finished: RwSignal<String>,
    /// The readings before the one in Started and Finished.
    earlier: RwSignal<Vec<Reading>>,
    tags: RwSignal<String>,
    series: RwSignal<String>,
    number: RwSignal<String>,
    pages: RwSignal<String>,
    publisher: RwSignal<String>,
    format: RwSignal<String>,
    copies: RwSignal<String>,
    location: RwSignal<String>,
    note: RwSignal<String>,
    /// The problems found at the last attempt to save.
    pub errors: RwSignal<Vec<ValidationError>>,
}

/// Gathers the problems of fields read one after another.
struct Keep<'p>(&'p mut Vec<ValidationError>);

impl Keep<'_> {
    fn ok<T>(&mut self, result: Result<T, ValidationError>) -> Option<T> {
        result.map_err(|error| self.0.push(error)).ok()
    }
}

fn shown<T: ToString>(value: Option<T>) -> RwSignal<String> {
    RwSignal::new(value.map(|value| value.to_string()).unwrap_or_default())
}

impl FieldValues {
    /// Fields holding `book`'s values.
    pub fn new(book: &NewBook) -> Self {
        // The last reading goes in Started and Finished, unless it has no dates (a Goodreads
        // Read Count): then it stays listed, so that saving keeps it.
        let (earlier, last) = match book.readings.split_last() {
            Some((last, earlier)) if *last != Reading::default() => (earlier.to_vec(), *last),
            _ => (book.readings.clone(), Reading::default()),
        };
        let series = book.series.as_ref();
        Self {
            title: RwSignal::new(book.title.clone()),
            author: RwSignal::new(book.author.clone()),
            genre: RwSignal::new(book.genre.clone()),
            isbn: shown(book.isbn.clone()),
            year: shown(book.year),
            rating: shown(book.rating),
            status: shown(book.status.map(Status::key)),
            started: shown(last.started),
            finished: shown(last.finished),
            earlier: RwSignal::new(earlier),
            tags: RwSignal::new(book.tags.join(", ")),
            series: shown(series.map(|series| series.name.clone())),
            number: shown(series.and_then(|series| series.number)),
            pages: shown(book.pages),
            publisher: RwSignal::new(book.publisher.clone()),
            format: shown(book.format.map(Format::label)),
            copies: shown(book.copies),
            location: RwSignal::new(book.location.clone()),
            note: RwSignal::new(book.note.clone()),
            errors: RwSignal::new(Vec::new()),
        }
    }

    /// Puts a book's title, author and ISBN in their fields (what "Add it" knows).
    pub fn prefill(&self, book: &NewBook) {
        self.title.set(book.title.clone());
        self.author.set(book.author.clone());
        self.isbn.set(book.isbn.clone().unwrap_or_default());
        self.errors.set(Vec::new());
    }

    /// The reading in Started and Finished, if either is filled.
    fn current_reading(&self) -> Result<Option<Reading>, ValidationError> {
        let reading = Reading::parse(
            &self.started.get_untracked(),
            &self.finished.get_untracked(),
        )?;
        Ok((reading != Reading::default()).then_some(reading))
    }

    /// Every field read from what is typed (identity, day added and loans taken from `base`),
    /// or every problem found in reading them; the caller checks the whole book after.
    pub fn typed(&self, base: &NewBook) -> Result<NewBook, Vec<ValidationError>> {
        let mut problems = Vec::new();
        let mut keep = Keep(&mut problems);
        let text = |value: RwSignal<String>| value.get_untracked();
        let isbn = keep.ok(parse_isbn(&text(self.isbn)));
        let year = keep.ok(parse_year(&text(self.year)));
        let rating = keep.ok(Stars::parse(&text(self.rating)));
        let status = keep.ok(Status::parse(&text(self.status)));
        let current = keep.ok(self.current_reading());
        let tags = keep.ok(parse_tags(&text(self.tags)));
        let series = keep.ok(Series::parse(&text(self.series), &text(self.number)));
        let pages = keep.ok(parse_count(Field::Pages, &text(self.pages), check_pages));
        let format = keep.ok(Format::parse(&text(self.format)));
        let copies = keep.ok(parse_count(Field::Copies, &text(self.copies), check_copies));
        if !keep.0.is_empty() {
            return Err(problems);
        }
        let mut readings = self.earlier.get_untracked();
        readings.extend(current.flatten());
        Ok(NewBook {
            title: text(self.title),
            author: text(self.author),
            genre: text(self.genre),
            isbn: isbn.flatten(),
            year: year.flatten(),
            rating: rating.flatten(),
            status: status.flatten(),
            readings,
            tags: tags.unwrap_or_default(),
            series: series.flatten(),
            pages: pages.flatten(),
            publisher: text(self.publisher),
            format: format.flatten(),
            copies: copies.flatten(),
            location: text(self.location),
            note: text(self.note),
            ..base.clone()
        })
    }

    /// The book in the add form's fields (title, author, genre, ISBN: it shows no others), or
    /// every problem with them, in form order. Only these four are checked here: the write path
    /// checks the whole book again, and the checks of the fields the form does not show (the
    /// reader's, with their case folding) stay out of the first page's code.
    pub fn typed_new(&self) -> Result<NewBook, Vec<ValidationError>> {
        let mut problems = Vec::new();
        let mut keep = Keep(&mut problems);
        let text = |value: RwSignal<String>| value.get_untracked();
        for (field, value) in [
            (Field::Title, self.title),
            (Field::Author, self.author),
            (Field::Genre, self.genre),
        ] {
            keep.ok(validate_field(field, &text(value)));
        }
        let isbn = keep.ok(parse_isbn(&text(self.isbn)));
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(NewBook {
            title: text(self.title),
            author: text(self.author),
            genre: text(self.genre),
            isbn: isbn.flatten(),
            ..NewBook::default()
        })
    }

    /// Keeps the reading in Started and Finished and empties them for another (a re-read).
    fn add_reading(&self) {
        match self.current_reading() {
            Ok(Some(reading)) => {
                self.earlier.update(|earlier| earlier.push(reading));
                self.started.set(String::new());
                self.finished.set(String::new());
                self.errors.set(Vec::new());
            }
            Ok(None) => {}
            Err(error) => self.errors.set(vec![error]),
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
            self.status,
            self.started,
            self.finished,
            self.tags,
            self.series,
            self.number,
            self.pages,
            self.publisher,
            self.format,
            self.copies,
            self.location,
            self.note,
        ] {
            value.set(String::new());
        }
        self.earlier.set(Vec::new());
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
    let name = field.label().to_ascii_lowercase().replace(' ', "-");
    format!("{prefix}-{name}")
}

/// How a field is typed into.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    /// Whole numbers.
    Number,
    /// Numbers with a point (a rating, a number in a series).
    Decimal,
    Date,
}

/// "2024-03-01 to 2024-03-20", "finished 2024-03-20", "started 2024-03-01".
fn reading_label(reading: &Reading) -> String {
    match (reading.started, reading.finished) {
        (Some(started), Some(finished)) => format!("{started} to {finished}"),
        (None, Some(finished)) => format!("finished {finished}"),
        (Some(started), None) => format!("started {started}"),
        (None, None) => "dates unknown".to_owned(),
    }
}

/// A labelled input for `field`, with its error message; its id starts with `prefix`.
fn labelled_input(
    values: FieldValues,
    prefix: &'static str,
    field: Field,
    value: RwSignal<String>,
    kind: Kind,
    node: NodeRef<html::Input>,
) -> impl IntoView {
    let id = control_id(prefix, field);
    let error_id = format!("{id}-error");
    let error = move || values.error(field);
    let required = matches!(field, Field::Title | Field::Author);
    let (kind_attr, mode) = match kind {
        Kind::Text => ("text", None),
        Kind::Number => ("text", Some("numeric")),
        Kind::Decimal => ("text", Some("decimal")),
        Kind::Date => ("date", None),
    };
    view! {
        <div class="field">
            <label for=id.clone()>{field.label()}</label>
            <input
                node_ref=node
                id=id
                type=kind_attr
                autocomplete="off"
                inputmode=mode
                required=required
                prop:value=move || value.get()
                on:input=handler(move |ev| value.set(event_target_value(&ev)))
                aria-invalid=move || error().map(|_| "true")
                aria-describedby=error_id.clone()
            />
            <p id=error_id class="field-error">{error}</p>
        </div>
    }
}

/// Labelled inputs for title, author and genre (and, with `isbn`, the ISBN after them). Ids start
/// with `prefix` so two sets can share a page; [`BookDetails`] has every other field a reader
/// keeps.
#[component]
pub fn BookFields(
    /// What is typed and what is wrong.
    values: FieldValues,
    /// Starts every element id, e.g. "new" or "edit".
    prefix: &'static str,
    /// Receives the Title input, to focus it.
    #[prop(optional)]
    title_ref: Option<NodeRef<html::Input>>,
    /// Shows the ISBN after the genre (the add form: "Add it" fills it in).
    #[prop(optional)]
    isbn: bool,
) -> impl IntoView {
    let title_ref = title_ref.unwrap_or_default();
    let text = move |field, value| {
        labelled_input(values, prefix, field, value, Kind::Text, NodeRef::new())
    };
    view! {
        {labelled_input(values, prefix, Field::Title, values.title, Kind::Text, title_ref)}
        {text(Field::Author, values.author)}
        {text(Field::Genre, values.genre)}
        {isbn.then(|| text(Field::Isbn, values.isbn))}
    }
}

/// Every field a reader keeps besides title, author and genre (the edit dialog and the book's
/// page show them after [`BookFields`]).
#[component]
pub fn BookDetails(
    /// What is typed and what is wrong.
    values: FieldValues,
    /// Starts every element id, as for the [`BookFields`] before them.
    prefix: &'static str,
) -> impl IntoView {
    let input = move |field, value, kind| {
        labelled_input(values, prefix, field, value, kind, NodeRef::new())
    };
    let text = move |field, value| input(field, value, Kind::Text);
    let choice = move |field: Field,
                       value: RwSignal<String>,
                       none: &'static str,
                       options: Vec<(&'static str, &'static str)>| {
        let id = control_id(prefix, field);
        let error_id = format!("{id}-error");
        let error = move || values.error(field);
        let options = std::iter::once(("", none))
            .chain(options)
            .map(|(key, label)| {
                view! { <option value=key selected=move || value.get() == key>{label}</option> }
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
    let statuses = Status::ALL.map(|s| (s.key(), s.label())).to_vec();
    let formats = Format::ALL.map(|f| (f.label(), f.label())).to_vec();
    let note_id = control_id(prefix, Field::Note);
    let note_error = format!("{note_id}-error");
    let earlier = move || {
        values
            .earlier
            .get()
            .into_iter()
            .enumerate()
            .map(|(at, reading)| {
                let label = reading_label(&reading);
                let remove = move |_| {
                    values.earlier.update(|earlier| {
                        if at < earlier.len() {
                            earlier.remove(at);
                        }
                    })
                };
                view! {
                    <li>
                        {format!("Read {label}")}
                        " "
                        <button type="button" class="link" aria-label=format!("Remove the reading {label}") on:click=remove>
                            "Remove"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="book-details">
            <legend>"Reading"</legend>
            {choice(Field::Status, values.status, "No status", statuses)}
            {input(Field::Rating, values.rating, Kind::Decimal)}
            {input(Field::Started, values.started, Kind::Date)}
            {input(Field::Finished, values.finished, Kind::Date)}
            <ul class="readings">{earlier}</ul>
            <button type="button" on:click=move |_| values.add_reading()>"Add a reading"</button>
        </fieldset>
        <fieldset class="book-details">
            <legend>"Edition"</legend>
            {text(Field::Isbn, values.isbn)}
            {input(Field::Year, values.year, Kind::Number)}
            {text(Field::Publisher, values.publisher)}
            {input(Field::Pages, values.pages, Kind::Number)}
            {choice(Field::Format, values.format, "Not said", formats)}
            {text(Field::Series, values.series)}
            {input(Field::SeriesNumber, values.number, Kind::Decimal)}
        </fieldset>
        <fieldset class="book-details">
            <legend>"Your copies"</legend>
            {input(Field::Copies, values.copies, Kind::Number)}
            {text(Field::Location, values.location)}
            {text(Field::Tags, values.tags)}
            <div class="field note">
                <label for=note_id.clone()>{Field::Note.label()}</label>
                <textarea
                    id=note_id
                    rows="4"
                    prop:value=move || values.note.get()
                    on:input=move |ev| values.note.set(event_target_value(&ev))
                    aria-invalid=move || values.error(Field::Note).map(|_| "true")
                    aria-describedby=note_error.clone()
                ></textarea>
                <p id=note_error class="field-error">{move || values.error(Field::Note)}</p>
            </div>
        </fieldset>
    }
}
