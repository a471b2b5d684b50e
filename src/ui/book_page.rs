//! One book's page (`#/books/<id>`): its title as a heading, whether a copy is out on loan (with
//! "Returned") and "Lend…", "Mark as read", and every field, editable, with Save; or "Book not
//! found".

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::commands::{on_outcome, Errors};
use super::conflict::Conflict;
use super::context::Catalogue;
use super::edit::checked_patch;
use super::fields::{BookDetails, BookFields, FieldValues};
use super::notices::Notices;
use crate::book::{
    missing_numbers, Book, BookId, BookPatch, Field, Loan, LoanChange, ValidationError,
};
use crate::browser::today;
use crate::query::{fold, Direction, Filter, Sort, SortField};
use crate::route::Route;
use crate::store::StoreError;
use crate::ui::boxed::effect;

/// The page of the book with this id.
#[component]
pub fn BookPage(id: BookId) -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let book = LocalResource::new(move || {
        catalogue.track();
        async move { catalogue.book(id).await }
    });
    // Outlives the re-reads that other tabs' writes cause.
    let lending = RwSignal::new(false);
    let content = move || match book.get() {
        None => view! { <p class="muted">"Loading…"</p> }.into_any(),
        Some(Err(error)) => view! { <p role="alert">{error.to_string()}</p> }.into_any(),
        Some(Ok(None)) => view! {
            <h2>"Book not found"</h2>
            <p>{format!("There is no book with id {id}. It may have been deleted.")}</p>
        }
        .into_any(),
        Some(Ok(Some(book))) => view! { <BookView book lending /> }.into_any(),
    };
    view! {
        <article class="book-page">
            <p><a href=Route::Catalogue.href()>"← All books"</a></p>
            {content}
        </article>
    }
}

/// A stored book: loans, reading, and its fields.
#[component]
fn BookView(book: Book, lending: RwSignal<bool>) -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let notices = expect_context::<Notices>();
    let id = book.id;
    let title = book.title.clone();
    let mark_read = catalogue.update(Errors::Notice);
    on_outcome(mark_read, move |outcome| {
        if let Ok(book) = outcome {
            notices.info(format!("Marked “{}” as read.", book.title), None);
        }
    });
    view! {
        <h2>{title}</h2>
        <Conflict book=book.clone() />
        <BookFacts book=book.clone() />
        <SeriesList book=book.clone() />
        <Loans book=book.clone() lending />
        <p>
            <button type="button" on:click=move |_| {
                let patch = BookPatch { read_on: Some(today()), ..BookPatch::default() };
                mark_read.dispatch_local((id, patch));
            }>"Mark as read"</button>
        </p>
        <section class="book-edit" aria-labelledby="book-edit-heading">
            <h3 id="book-edit-heading">"Edit"</h3>
            <BookForm book />
        </section>
    }
}

/// The book's fields as a list of terms: ID, Title, Author and Genre always, the rest when set.
#[component]
fn BookFacts(book: Book) -> impl IntoView {
    let series = book.series.as_ref().map(|series| match series.number {
        Some(number) => format!("{}, #{number}", series.name),
        None => series.name.clone(),
    });
    let readings = book
        .readings
        .iter()
        .filter_map(|reading| reading.finished)
        .map(|day| day.to_string())
        .collect::<Vec<_>>();
    let text = |value: &str| (!value.is_empty()).then(|| value.to_owned());
    let details = [
        ("ISBN", book.isbn.clone()),
        ("Year", book.year.map(|year| year.to_string())),
        (
            "Status",
            book.status.map(|status| status.label().to_owned()),
        ),
        ("Rating", book.rating.map(|stars| format!("{stars} of 5"))),
        ("Read", (!readings.is_empty()).then(|| readings.join(", "))),
        ("Series", series),
        ("Tags", text(&book.tags.join(", "))),
        ("Pages", book.pages.map(|pages| pages.to_string())),
        (
            "Format",
            book.format.map(|format| format.label().to_owned()),
        ),
        ("Publisher", text(&book.publisher)),
        ("Copies", book.copies.map(|copies| copies.to_string())),
        ("Location", text(&book.location)),
        ("Note", text(&book.note)),
    ]
    .into_iter()
    .filter_map(|(term, value)| Some(view! { <dt>{term}</dt><dd>{value?}</dd> }))
    .collect_view();
    let added = book
        .added
        .map(|day| view! { <p class="muted">{format!("Added on {day}.")}</p> });
    view! {
        {added}
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
}

/// The most books of one series listed on a book's page.
const SERIES_SHOWN: usize = 200;

/// "In this series": every book of the book's series in order, with the numbers missing.
#[component]
fn SeriesList(book: Book) -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let Some(series) = book.series.clone() else {
        return ().into_any();
    };
    let name = series.name.clone();
    let books = LocalResource::new(move || {
        let filter = Filter {
            series: Some(fold(&name)),
            ..Filter::default()
        };
        async move {
            let repository = catalogue.repository()?;
            let sort = Sort {
                field: SortField::Series,
                direction: Direction::Ascending,
            };
            let ids = repository.matching(&filter, sort).await?;
            repository
                .get_many(&ids[..ids.len().min(SERIES_SHOWN)])
                .await
        }
    });
    let list = move || {
        let books = books.get()?.ok()?;
        let numbers: Vec<_> = books
            .iter()
            .filter_map(|book| book.series.as_ref()?.number)
            .collect();
        let missing = missing_numbers(&numbers);
        let items = books
            .into_iter()
            .map(|book| {
                let number = book
                    .series
                    .as_ref()
                    .and_then(|series| series.number)
                    .map(|number| format!("#{number} "));
                view! {
                    <li>{number}<a href=Route::Book(book.id).href()>{book.title}</a></li>
                }
            })
            .collect_view();
        let gaps = (!missing.is_empty()).then(|| {
            let list = missing
                .iter()
                .map(|n| format!("#{n}"))
                .collect::<Vec<_>>()
                .join(", ");
            view! { <p class="muted">{format!("Not in your catalogue: {list}.")}</p> }
        });
        Some(view! { <ul class="series-books">{items}</ul>{gaps} })
    };
    view! {
        <section class="series" aria-labelledby="series-heading">
            <h3 id="series-heading">{format!("In the series {}", series.name)}</h3>
            {list}
        </section>
    }
    .into_any()
}

/// "On loan to NAME" with "Returned" for each copy out, "Lend…" with its form, and the history.
#[component]
fn Loans(book: Book, lending: RwSignal<bool>) -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let notices = expect_context::<Notices>();
    let id = book.id;
    let returned = catalogue.update(Errors::Notice);
    on_outcome(returned, move |outcome| {
        if let Ok(book) = outcome {
            notices.info(format!("“{}” is back.", book.title), None);
        }
    });
    let now = today();
    let out = book
        .loans_out()
        .map(|loan| {
            let overdue = loan.is_overdue(now).then_some(" (overdue)");
            let text = format!("On loan to {}", loan.borrower);
            let since = format!(" since {}, due {}", loan.lent_on, loan.due);
            let lent = loan.clone();
            view! {
                <p class="loan" class:overdue=overdue.is_some()>
                    <strong>{text}</strong>{since}{overdue}" "
                    <button type="button" on:click=move |_| {
                        let patch = BookPatch {
                            loan: Some(LoanChange::returned(&lent, today())),
                            ..BookPatch::default()
                        };
                        returned.dispatch_local((id, patch));
                    }>"Returned"</button>
                </p>
            }
        })
        .collect_view();
    let history: Vec<Loan> = book.loans.iter().filter(|l| !l.is_out()).cloned().collect();
    let history = (!history.is_empty()).then(|| {
        let items = history
            .into_iter()
            .map(|loan| {
                let back = loan.returned.map(|day| day.to_string()).unwrap_or_default();
                view! { <li>{format!("{}: {} to {}", loan.borrower, loan.lent_on, back)}</li> }
            })
            .collect_view();
        view! {
            <details>
                <summary>"Lent before"</summary>
                <ul>{items}</ul>
            </details>
        }
    });
    let form = move || {
        if lending.get() {
            view! { <LendForm id lending /> }.into_any()
        } else {
            view! {
                <p>
                    <button type="button" aria-expanded="false" on:click=move |_| lending.set(true)>
                        "Lend…"
                    </button>
                </p>
            }
            .into_any()
        }
    };
    view! {
        <section class="loans" aria-label="Lending">
            {out}
            {form}
            {history}
        </section>
    }
}

/// Borrower and Due (14 days from today unless changed), confirmed with "Lend".
#[component]
fn LendForm(id: BookId, lending: RwSignal<bool>) -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let notices = expect_context::<Notices>();
    let borrower = RwSignal::new(String::new());
    let due = RwSignal::new(Loan::default_due(today()).to_string());
    let errors = RwSignal::new(Vec::<ValidationError>::new());
    let problem = RwSignal::new(None::<StoreError>);
    let lend = catalogue.update(Errors::Caller);
    let borrower_ref = NodeRef::<leptos::html::Input>::new();
    effect(move |_| {
        if let Some(input) = borrower_ref.get() {
            let _ = input.focus();
        }
    });
    on_outcome(lend, move |outcome| match outcome {
        Ok(book) => {
            if let Some(loan) = book.loans_out().last() {
                let text = format!(
                    "Lent “{}” to {}, due {}.",
                    book.title, loan.borrower, loan.due
                );
                notices.info(text, None);
            }
            lending.try_set(false);
        }
        Err(StoreError::Invalid(error)) => {
            errors.try_set(vec![error]);
        }
        Err(error) => {
            problem.try_set(Some(error));
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match Loan::lend(&borrower.get_untracked(), &due.get_untracked(), today()) {
            Ok(loan) => {
                errors.set(Vec::new());
                problem.set(None);
                let patch = BookPatch {
                    loan: Some(LoanChange::Lend(loan)),
                    ..BookPatch::default()
                };
                lend.dispatch_local((id, patch));
            }
            Err(error) => errors.set(vec![error]),
        }
    };
    let error = move |field: Field| {
        errors
            .get()
            .into_iter()
            .find(|error| error.field == field)
            .map(|error| error.to_string())
    };
    view! {
        <form class="lend" aria-label="Lend a copy" novalidate on:submit=submit>
            <div class="field">
                <label for="lend-borrower">"Borrower"</label>
                <input
                    id="lend-borrower"
                    type="text"
                    autocomplete="off"
                    required
                    node_ref=borrower_ref
                    prop:value=move || borrower.get()
                    on:input=move |ev| borrower.set(event_target_value(&ev))
                    aria-invalid=move || error(Field::Borrower).map(|_| "true")
                    aria-describedby="lend-borrower-error"
                />
                <p id="lend-borrower-error" class="field-error">{move || error(Field::Borrower)}</p>
            </div>
            <div class="field">
                <label for="lend-due">"Due"</label>
                <input
                    id="lend-due"
                    type="date"
                    prop:value=move || due.get()
                    on:input=move |ev| due.set(event_target_value(&ev))
                    aria-invalid=move || error(Field::Due).map(|_| "true")
                    aria-describedby="lend-due-error"
                />
                <p id="lend-due-error" class="field-error">{move || error(Field::Due)}</p>
            </div>
            {move || problem.get().map(|error| view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> })}
            <div class="dialog-actions">
                <button type="submit" class="primary">"Lend"</button>
                <button type="button" on:click=move |_| lending.set(false)>"Cancel"</button>
            </div>
        </form>
    }
}

/// Every field of the book, editable, saved with "Save".
#[component]
fn BookForm(book: Book) -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let notices = expect_context::<Notices>();
    let values = FieldValues::new(&book.to_new());
    let save = catalogue.update(Errors::Notice);
    let saving = save.pending();
    on_outcome(save, move |saved| match saved {
        Ok(book) => notices.info(format!("Saved “{}”.", book.title), None),
        Err(StoreError::Invalid(error)) => {
            values.errors.try_set(vec![error]);
        }
        Err(_) => {}
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
        values.errors.set(Vec::new());
        if !patch.is_empty() {
            save.dispatch_local((id, patch));
        }
    };
    view! {
        <form class="book-form" aria-label="The book's fields" novalidate on:submit=submit>
            <BookFields values prefix="page" />
            <BookDetails values prefix="page" />
            <div class="dialog-actions">
                <button type="submit" class="primary">"Save"</button>
            </div>
        </form>
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
