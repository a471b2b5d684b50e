//! "Do I own this?": one box that answers from the catalogue as you type (an ISBN in any form, or
//! a few words of title and author, typos forgiven), on the catalogue page and on its own page
//! (`#/check`, a home-screen shortcut). A barcode scanner types digits and Enter: that just works.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;

use super::context::{Catalogue, CatalogueQuery};
use super::lazy::{show_section, Loading, Part};
use super::scan::ScanBarcode;
use crate::book::{Book, NewBook};
use crate::browser::today;
use crate::check::{isbn10_of, Question};
use crate::query::count_label;
use crate::route::Route;
use crate::ui::boxed::{effect, handler};

/// How many books an answer lists.
const SHOWN: usize = 5;

/// What the catalogue answers to the box.
#[derive(Clone)]
enum Answer {
    /// Nothing asked.
    Nothing,
    /// Digits on their way to an ISBN.
    Typing(usize),
    /// Not an ISBN, and why.
    NotAnIsbn(String),
    /// Owned: the books (the best few) and how many answer in all.
    Yes { books: Vec<Book>, total: usize },
    /// Not owned: what "Add it" puts in the add form.
    No(NewBook),
    /// Reading the catalogue failed.
    Failed(String),
}

/// Asks the catalogue what the text asks.
async fn answer(catalogue: Catalogue, text: String) -> Answer {
    let found = async {
        let repository = catalogue.repository()?;
        match Question::of(&text) {
            Question::Nothing => Ok(Answer::Nothing),
            Question::TypingIsbn(digits) => Ok(Answer::Typing(digits)),
            Question::NotAnIsbn(error) => {
                Ok(Answer::NotAnIsbn(format!("That is not an ISBN: {error}.")))
            }
            Question::Isbn(isbn) => {
                let books = repository.with_isbn(&isbn).await?;
                Ok(match books.len() {
                    0 => Answer::No(NewBook {
                        isbn: Some(isbn),
                        ..NewBook::default()
                    }),
                    total => Answer::Yes { books, total },
                })
            }
            Question::Words(words) => {
                let closest = repository.closest(&words, SHOWN).await?;
                let books = repository.get_many(&closest.ids).await?;
                Ok(match books.len() {
                    0 => Answer::No(NewBook {
                        title: words,
                        ..NewBook::default()
                    }),
                    _ => Answer::Yes {
                        books,
                        total: closest.total,
                    },
                })
            }
        }
    };
    found
        .await
        .unwrap_or_else(|error: crate::store::StoreError| Answer::Failed(error.to_string()))
}

/// One owned book: title (a link to its page), author, ISBNs, copies, where, and any loan.
fn owned_book(book: Book) -> impl IntoView {
    let now = today();
    let href = Route::Book(book.id).href();
    let mut facts: Vec<String> = Vec::new();
    if let Some(isbn) = &book.isbn {
        facts.push(match isbn10_of(isbn) {
            Some(isbn10) => format!("ISBN {isbn} (ISBN-10 {isbn10})"),
            None => format!("ISBN {isbn}"),
        });
    }
    match book.copies {
        Some(0) => facts.push("no copy kept".to_owned()),
        Some(1) => facts.push("1 copy".to_owned()),
        Some(n) => facts.push(format!("{n} copies")),
        None => {}
    }
    if !book.location.is_empty() {
        facts.push(format!("at {}", book.location));
    }
    let loans: Vec<String> = book
        .loans_out()
        .map(|loan| {
            let overdue = if loan.is_overdue(now) {
                ", overdue"
            } else {
                ""
            };
            format!("on loan to {} until {}{overdue}", loan.borrower, loan.due)
        })
        .collect();
    facts.extend(loans);
    let facts = (!facts.is_empty()).then(|| format!(" — {}", facts.join("; ")));
    view! {
        <li>
            <a href=href>{book.title}</a>
            " by "{book.author}
            {facts}
        </li>
    }
}

/// The answer to "Do I own this?", for the text in the box: in the catalogue page's part
/// (src/main.rs), fetched after the rows (or with the first thing typed, if that is sooner), since
/// asking the catalogue and showing what it owns is code a page that is only read does not need.
/// The app provides it as a context.
pub type AnswerPart = Part<fn(RwSignal<String>) -> Loading>;

/// The box and its answer, as it stands on the catalogue page and on `#/check` (where it takes
/// the focus, ready for a scanner).
#[component]
pub fn CheckBox(#[prop(optional)] focus: bool) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let input_ref = NodeRef::<html::Input>::new();
    // Enter (a barcode scanner's last key) answers at once and selects the text, so that the
    // next scan or typing replaces it.
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = input_ref.get_untracked() {
            text.set(input.value());
            input.select();
        }
    };
    if focus {
        effect(move |_| {
            if let Some(input) = input_ref.get() {
                let _ = input.focus();
            }
        });
    }
    // The answer (its code is in the catalogue page's part) is shown from the first thing typed or
    // scanned on: never asked for sooner, so it never fetches the part before the rows.
    let asked = Memo::new(move |before: Option<&bool>| {
        before.copied().unwrap_or(false) || !text.with(String::is_empty)
    });
    let part = use_context::<AnswerPart>();
    let answer = move || {
        let part = part.filter(|_| asked.get())?;
        Some(show_section(part.fetch, move || (part.make)(text)).into_any())
    };
    view! {
        <form class="check" on:submit=handler(submit)>
            <label for="check-text">"Do I own this?"</label>
            <div class="check-row">
                <input
                    id="check-text"
                    node_ref=input_ref
                    type="search"
                    inputmode="search"
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby="check-hint check-answer"
                    prop:value=move || text.get()
                    on:input=handler(move |ev| text.set(event_target_value(&ev)))
                />
            </div>
            // A read barcode is answered as if typed; why none was read, the scanner says itself.
            <ScanBarcode on_isbn=Callback::new(move |isbn: String| text.set(isbn)) on_problem=Callback::new(|_: String| {}) />
            <p id="check-hint" class="hint">"An ISBN (10 or 13 digits), or words of the title and author."</p>
            <div id="check-answer" class="check-answer" aria-live="polite">{answer}</div>
        </form>
    }
}

/// What the catalogue answers to the text in the box, asked again whenever the text or the
/// catalogue changes (only the newest answer is shown); "Add it" puts the book in the add form
/// and brings the person to it.
#[component]
pub fn CheckAnswer(text: RwSignal<String>) -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let query = expect_context::<CatalogueQuery>();
    let add_it = move |book: NewBook| {
        query.prefill.set(Some(book));
        if let Some(window) = web_sys::window() {
            let hash = window.location().hash().unwrap_or_default();
            if Route::parse(&hash) != Route::Catalogue {
                let _ = window.location().set_hash(&Route::Catalogue.href());
            }
        }
    };
    let answered = LocalResource::new(move || {
        let typed = text.get();
        catalogue.track();
        answer(catalogue, typed)
    });
    move || {
        let answer = answered.get().unwrap_or(Answer::Nothing);
        match answer {
            Answer::Nothing => ().into_any(),
            Answer::Typing(digits) => view! {
                <p class="muted">{format!("An ISBN has 10 or 13 digits: {digits} so far.")}</p>
            }
            .into_any(),
            Answer::NotAnIsbn(why) | Answer::Failed(why) => {
                view! { <p class="check-problem">{why}</p> }.into_any()
            }
            Answer::Yes { books, total } => {
                let more = (total > books.len()).then(|| {
                    format!(
                        "{} answer in all; the closest are listed.",
                        count_label(total as u64)
                    )
                });
                view! {
                    <p class="check-yes"><strong>"Yes"</strong>", in your catalogue:"</p>
                    <ul class="check-books">{books.into_iter().map(owned_book).collect_view()}</ul>
                    {more.map(|more| view! { <p class="muted">{more}</p> })}
                }
                .into_any()
            }
            Answer::No(book) => {
                let add = StoredValue::new(book);
                view! {
                    <p class="check-no"><strong>"Not in your catalogue"</strong></p>
                    <button type="button" on:click=move |_| add_it(add.get_value())>"Add it"</button>
                }
                .into_any()
            }
        }
    }
}

/// `#/check`: the box on its own page, ready to type or scan into.
#[component]
pub fn CheckPage() -> impl IntoView {
    view! {
        <section class="check-page" aria-labelledby="check-heading">
            <h2 id="check-heading">"Check a book"</h2>
            <CheckBox focus=true />
        </section>
    }
}

/// "No books match “hobit”. Did you mean The Hobbit?": the table's answer to a search that finds
/// nothing, with the closest title, forgiving typos, as a search to run instead (in the catalogue
/// page's part, with the search).
#[component]
pub fn NoMatches() -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let query = expect_context::<CatalogueQuery>();
    // Keyed on the search that found nothing (the filter is what the table ran).
    let searched = Memo::new(move |_| query.filter.with(|filter| filter.text.clone()));
    let closest = LocalResource::new(move || {
        let text = searched.get();
        async move {
            if text.is_empty() {
                return None;
            }
            let repository = catalogue.repository().ok()?;
            let closest = repository.closest(&text, 1).await.ok()?;
            let books = repository.get_many(&closest.ids).await.ok()?;
            books.into_iter().next().map(|book| book.title)
        }
    });
    let search_for = move |title: String| {
        query.search_text.set(title.clone());
        query
            .filter
            .update(|filter| filter.text = crate::query::fold(&title));
    };
    let suggestion = move || {
        closest.get().flatten().map(|title| {
            let label = title.clone();
            view! {
                " Did you mean "
                <button type="button" class="link" on:click=move |_| search_for(title.clone())>
                    {label}
                </button>
                "?"
            }
        })
    };
    let said = move || {
        searched.track();
        let typed = query.search_text.get_untracked();
        if typed.trim().is_empty() {
            "No books match your search.".to_owned()
        } else {
            format!("No books match “{}”.", typed.trim())
        }
    };
    view! { <p class="empty">{said}{suggestion}</p> }
}
