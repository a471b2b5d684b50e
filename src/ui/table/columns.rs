//! "Columns": a button that opens a list of every column with a checkbox each; the choice shows
//! at once and is remembered in this browser. The list is in the catalogue page's part (most
//! visits never open it): the button shows it once that part is here.

use leptos::prelude::*;

use crate::columns::Column;
use crate::ui::boxed::handler;
use crate::ui::context::CatalogueQuery;
use crate::ui::lazy::{show_section, Loading, Part};

/// The list of columns, open while the signal is true (the app's is a part, src/main.rs).
pub type ColumnsPart = Part<fn(RwSignal<bool>) -> Loading>;

/// The "Columns" button and, while open, its checkboxes.
#[component]
pub fn ColumnChooser(choices: ColumnsPart) -> impl IntoView {
    let open = RwSignal::new(false);
    let shown = move || {
        open.get()
            .then(|| show_section(choices.fetch, move || (choices.make)(open)).into_any())
    };
    view! {
        <div class="column-chooser">
            <button
                type="button"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls="column-choices"
                on:click=handler(move |_| open.update(|open| *open = !*open))
            >
                "Columns"
            </button>
            {shown}
        </div>
    }
}

/// Every column with a checkbox (the title's always on), and "Done", which sets `open` false.
#[component]
pub fn ColumnChoices(open: RwSignal<bool>) -> impl IntoView {
    let query = expect_context::<CatalogueQuery>();
    let boxes = Column::ALL
        .into_iter()
        .map(|column| {
            let id = format!("column-{}", column.key());
            let checked = move || query.columns.with(|shown| shown.contains(&column));
            let change = move |ev| {
                let shown = event_target_checked(&ev);
                let columns = query
                    .columns
                    .with_untracked(|now| Column::toggled(now, column, shown));
                query.choose_columns(columns);
            };
            view! {
                <li>
                    <input
                        type="checkbox"
                        id=id.clone()
                        prop:checked=checked
                        disabled=column == Column::Title
                        on:change=change
                    />
                    <label for=id>{column.label()}</label>
                </li>
            }
        })
        .collect_view();
    view! {
        <fieldset id="column-choices" class="column-choices">
            <legend>"Columns to show"</legend>
            <ul>{boxes}</ul>
            <button type="button" on:click=move |_| open.set(false)>"Done"</button>
        </fieldset>
    }
}
