//! The toolbar above the table: search as you type (each input starts its search at once; the
//! table stops older ones), and filters by genre, status, tag, format, series and "on loan",
//! which a book must all pass.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use super::context::{Catalogue, CatalogueQuery};
use crate::book::{Format, Status};
use crate::query::{fold, Filter};
use crate::store::StoreError;

/// The genre list waits this long, so that it never delays the first rows.
const GENRES_AFTER_MILLIS: u32 = 300;

/// Search and genre filter.
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
        LocalResource::new(move || {
            catalogue.track();
            async move {
                TimeoutFuture::new(GENRES_AFTER_MILLIS).await;
                read(catalogue).await.unwrap_or_default()
            }
        })
    };
    let genres = names(|catalogue| Box::pin(async move { catalogue.genres().await }));
    let tags = names(|catalogue| Box::pin(async move { catalogue.tags().await }));
    let series = names(|catalogue| Box::pin(async move { catalogue.series().await }));
    // A select of names read from the store: its choice sets one part of the filter.
    let name_filter = move |id: &'static str,
                            label: &'static str,
                            all: &'static str,
                            names: LocalResource<Vec<(String, String)>>,
                            part: fn(&mut Filter) -> &mut Option<String>| {
        let on_change = move |ev| {
            let key = event_target_value(&ev);
            query
                .filter
                .update(|filter| *part(filter) = (!key.is_empty()).then_some(key));
        };
        let options = move || {
            let chosen = query
                .filter
                .with(|filter| part(&mut filter.clone()).clone());
            names
                .get()
                .unwrap_or_default()
                .into_iter()
                .map(|(key, label)| {
                    let selected = chosen.as_deref() == Some(key.as_str());
                    view! { <option value=key selected=selected>{label}</option> }
                })
                .collect_view()
        };
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id on:change=on_change>
                    <option value="">{all}</option>
                    {options}
                </select>
            </div>
        }
    };
    let on_status = move |ev| {
        let key = event_target_value(&ev);
        let status = Status::parse(&key).ok().flatten();
        query.filter.update(|filter| filter.status = status);
    };
    let on_format = move |ev| {
        let key = event_target_value(&ev);
        let format = Format::parse(&key).ok().flatten();
        query.filter.update(|filter| filter.format = format);
    };
    let on_loan = move |ev| {
        let checked = event_target_checked(&ev);
        query.filter.update(|filter| filter.on_loan = checked);
    };
    let statuses: Vec<_> = Status::ALL
        .into_iter()
        .map(|status| {
            let selected = move || query.filter.with(|f| f.status == Some(status));
            view! { <option value=status.key() selected=selected>{status.label()}</option> }
        })
        .collect();
    let formats: Vec<_> = Format::ALL
        .into_iter()
        .map(|format| {
            let selected = move || query.filter.with(|f| f.format == Some(format));
            view! { <option value=format.label() selected=selected>{format.label()}</option> }
        })
        .collect();

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
                    on:input=on_search
                />
            </div>
            {name_filter("genre-filter", "Filter by genre", "All genres", genres, |f| &mut f.genre)}
            <div class="field">
                <label for="status-filter">"Status"</label>
                <select id="status-filter" on:change=on_status>
                    <option value="">"Any status"</option>
                    {statuses}
                </select>
            </div>
            {name_filter("tag-filter", "Tag", "Any tag", tags, |f| &mut f.tag)}
            <div class="field">
                <label for="format-filter">"Format"</label>
                <select id="format-filter" on:change=on_format>
                    <option value="">"Any format"</option>
                    {formats}
                </select>
            </div>
            {name_filter("series-filter", "Series", "Any series", series, |f| &mut f.series)}
            <div class="field checkbox">
                <input
                    id="loan-filter"
                    type="checkbox"
                    prop:checked=move || query.filter.with(|f| f.on_loan)
                    on:change=on_loan
                />
                <label for="loan-filter">"On loan"</label>
            </div>
        </div>
    }
}

/// What reads a list of names from the store.
type NamesFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<(String, String)>, StoreError>>>>;
