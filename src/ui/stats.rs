//! The statistics page (`#/stats`).

use leptos::prelude::*;

/// "Statistics".
#[component]
pub fn StatsPage() -> impl IntoView {
    view! {
        <section class="stats" aria-labelledby="stats-heading">
            <h2 id="stats-heading">"Statistics"</h2>
        </section>
    }
}
