//! The App: opens the repository and lays out the page.

use leptos::prelude::*;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <main>
            <h1>"Bookshelf"</h1>
        </main>
    }
}
