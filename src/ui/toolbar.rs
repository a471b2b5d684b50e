//! The toolbar above the table: search as you type (debounced) and a filter by genre.

use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use super::context::{Catalogue, CatalogueQuery};
use crate::query::fold;

/// How long typing must pause before the search runs.
const DEBOUNCE_MILLIS: u32 = 150;
/// The genre list waits this long, so that it never delays the first rows.
const GENRES_AFTER_MILLIS: u32 = 300;

/// Search and genre filter.
#[component]
pub fn Toolbar() -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let query = expect_context::<CatalogueQuery>();
    let pending = StoredValue::new_local(None::<Timeout>);

    let on_search = move |ev| {
        let typed = event_target_value(&ev);
        let text = fold(&typed);
        query.search_text.set(typed);
        // Replacing the pending timeout drops it, which cancels it.
        let run = Timeout::new(DEBOUNCE_MILLIS, move || {
            query.filter.try_update(|filter| filter.text = text);
        });
        pending.set_value(Some(run));
    };

    let genres = LocalResource::new(move || {
        catalogue.track();
        async move {
            TimeoutFuture::new(GENRES_AFTER_MILLIS).await;
            catalogue.genres().await.unwrap_or_default()
        }
    });
    let on_genre = move |ev| {
        let genre = event_target_value(&ev);
        query
            .filter
            .update(|filter| filter.genre = (!genre.is_empty()).then_some(genre));
    };
    let options = move || {
        let chosen = query.filter.with(|filter| filter.genre.clone());
        genres
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
        <div class="toolbar" role="search">
            <div class="field">
                <label for="search">"Search"</label>
                <input
                    id="search"
                    type="search"
                    placeholder="Title, author or genre"
                    autocomplete="off"
                    prop:value=move || query.search_text.get()
                    on:input=on_search
                />
            </div>
            <div class="field">
                <label for="genre-filter">"Filter by genre"</label>
                <select id="genre-filter" on:change=on_genre>
                    <option value="">"All genres"</option>
                    {options}
                </select>
            </div>
        </div>
    }
}
