//! "Columns": a button that opens a list of every column with a checkbox each; the choice shows
//! at once and is remembered in this browser.

use leptos::prelude::*;

use crate::columns::Column;
use crate::ui::context::CatalogueQuery;

/// The "Columns" button and, while open, its checkboxes.
#[component]
pub fn ColumnChooser(query: CatalogueQuery) -> impl IntoView {
    let open = RwSignal::new(false);
    let choices = move || {
        open.get().then(|| {
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
            .into_any()
        })
    };
    view! {
        <div class="column-chooser">
            <button
                type="button"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls="column-choices"
                on:click=move |_| open.update(|open| *open = !*open)
            >
                "Columns"
            </button>
            {choices}
        </div>
    }
}
