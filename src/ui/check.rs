//! "Do I own this?": one box that answers from the catalogue as you type, on the main page and on
//! its own page (`#/check`).

use leptos::prelude::*;

/// The box and its answer, as it stands on the catalogue page.
#[component]
pub fn CheckBox() -> impl IntoView {
    view! {
        <section class="check">
            <label for="check-text">"Do I own this?"</label>
            <input id="check-text" type="search" autocomplete="off" />
            <super::scan::ScanBarcode on_isbn=Callback::new(|isbn: String| { if let Some(box_) = document().get_element_by_id("check-text").and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok()) { box_.set_value(&isbn) } }) on_problem=Callback::new(|problem: String| leptos::logging::log!("{problem}")) />
        </section>
    }
}

/// `#/check`: the box on its own page.
#[component]
pub fn CheckPage() -> impl IntoView {
    view! {
        <CheckBox />
    }
}
