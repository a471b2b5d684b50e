//! The toolbar above the table: search as you type (each input starts its search at once; the
//! table stops older ones), and filters by genre, status, tag, format, series and "on loan",
//! which a book must all pass.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use super::context::{Catalogue, CatalogueQuery};
use crate::book::{Format, Status};
use crate::query::{fold, Filter};
use crate::store::StoreError;
use crate::ui::boxed::handler;

/// The genre list waits this long, so that it never delays the first rows.
const GENRES_AFTER_MILLIS: u32 = 300;

/// Search, and the filters by genre, status, tag, format, series and loan.
#[component]
pub fn Toolbar() -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let query = expect_context::<CatalogueQuery>();
    let on_search = move |ev| {
        let typed = event_target_value(&ev);
        let text = fold(&typed);
        query.search_text.set(typed);
        // A change that folds to the same text ("dune" to "Dune ") asks nothing new.
        if query.filter.with_untracked(|filter| filter.text != text) {
            query.filter.update(|filter| filter.text = text);
        }
    };

    let names = move |read: fn(Catalogue) -> NamesFuture| {
        let list = catalogue.read_on_change(move || async move {
            TimeoutFuture::new(GENRES_AFTER_MILLIS).await;
            Some(read(catalogue).await.unwrap_or_default())
        });
        Signal::derive(move || {
            list.with(|list| list.as_ref().map(|(_, names)| names.clone()))
                .unwrap_or_default()
        })
    };
    let genres = names(|catalogue| Box::pin(async move { catalogue.genres().await }));
    let tags = names(|catalogue| Box::pin(async move { catalogue.tags().await }));
    let series = names(|catalogue| Box::pin(async move { catalogue.series().await }));
    // A select whose choice sets one part of the filter: `chosen` reads that part as an option's
    // key, `choose` sets it from one ("" is any). One helper for all five, so one view's code.
    let select = move |id: &'static str,
                       label: &'static str,
                       all: &'static str,
                       keys: Signal<Vec<(String, String)>>,
                       chosen: fn(&Filter) -> Option<String>,
                       choose: fn(&mut Filter, &str)| {
        let on_change = move |ev| {
            let key = event_target_value(&ev);
            query.filter.update(|filter| choose(filter, &key));
        };
        let options = move || {
            let chosen = query.filter.with(chosen);
            keys.get()
                .into_iter()
                .map(|(key, label)| {
                    let selected = chosen.as_deref() == Some(key.as_str());
                    view! { <option value=key selected=selected>{label}</option> }
                })
                .collect_view()
                .into_any()
        };
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id on:change=handler(on_change)>
                    <option value="">{all}</option>
                    {options}
                </select>
            </div>
        }
    };
    let statuses = Signal::stored(
        Status::ALL
            .map(|status| (status.key().to_owned(), status.label().to_owned()))
            .to_vec(),
    );
    let formats = Signal::stored(
        Format::ALL
            .map(|format| (format.label().to_owned(), format.label().to_owned()))
            .to_vec(),
    );
    let on_loan = move |ev| {
        let checked = event_target_checked(&ev);
        query.filter.update(|filter| filter.on_loan = checked);
    };

    view! {
        <div class="toolbar" role="search">
            <div class="field">
                <label for="search">"Search"</label>
                <input
                    id="search"
                    type="search"
                    placeholder="Title, author, genre, tag, series, location or borrower"
                    autocomplete="off"
                    prop:value=move || query.search_text.get()
                    on:input=handler(on_search)
                />
            </div>
            {select("genre-filter", "Filter by genre", "All genres", genres,
                |f| f.genre.clone(), |f, key| f.genre = named(key))}
            {select("status-filter", "Status", "Any status", statuses,
                |f| f.status.map(|status| status.key().to_owned()),
                |f, key| f.status = Status::parse(key).ok().flatten())}
            {select("tag-filter", "Tag", "Any tag", tags,
                |f| f.tag.clone(), |f, key| f.tag = named(key))}
            {select("format-filter", "Format", "Any format", formats,
                |f| f.format.map(|format| format.label().to_owned()),
                |f, key| f.format = Format::parse(key).ok().flatten())}
            {select("series-filter", "Series", "Any series", series,
                |f| f.series.clone(), |f, key| f.series = named(key))}
            <div class="field checkbox">
                <input
                    id="loan-filter"
                    type="checkbox"
                    prop:checked=move || query.filter.with(|f| f.on_loan)
                    on:change=handler(on_loan)
                />
                <label for="loan-filter">"On loan"</label>
            </div>
        </div>
    }
}

/// A name chosen in a select; none for "" (any).
fn named(key: &str) -> Option<String> {
    (!key.is_empty()).then(|| key.to_owned())
}

/// What reads a list of names from the store.
type NamesFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<(String, String)>, StoreError>>>>;
