//! The import preview: what a checked file will add, what was refused, what looks like books
//! already here (with "Import them too"), and the buttons that confirm or cancel.

use leptos::prelude::*;

use crate::query::count_label;
use crate::transfer::{import_label, IgnoredColumns, ImportPlan};

/// Lines of refusals or duplicates listed in the preview (the counts are always whole).
const LISTED: usize = 100;

/// What the preview shows of a plan (the plan itself waits in a stored value).
#[derive(Clone, PartialEq)]
pub struct Summary {
    heading: String,
    adds: usize,
    renumbered: usize,
    refused_total: usize,
    refused: Vec<String>,
    duplicates_total: usize,
    duplicates: Vec<String>,
    ignored_columns: IgnoredColumns,
}

impl Summary {
    /// What to show of `plan`, read from the file `file_name`.
    pub fn of(plan: &ImportPlan, file_name: &str) -> Self {
        Self {
            heading: format!("Import preview: {file_name} ({})", plan.format),
            adds: plan.count(false),
            renumbered: plan.renumbered,
            refused_total: plan.refused_total,
            refused: plan
                .refused
                .iter()
                .take(LISTED)
                .map(ToString::to_string)
                .collect(),
            duplicates_total: plan.duplicates.len(),
            duplicates: plan
                .duplicates
                .iter()
                .take(LISTED)
                .map(ToString::to_string)
                .collect(),
            ignored_columns: plan.ignored_columns.clone(),
        }
    }
}

/// "1 line", "3 lines".
fn lines_label(count: usize) -> String {
    match count {
        1 => "1 line".to_owned(),
        n => format!("{n} lines"),
    }
}

/// The preview of a checked import: what will be added, what was refused, what looks duplicated.
pub fn preview(
    summary: Summary,
    include_duplicates: RwSignal<bool>,
    confirm: impl Fn(leptos::ev::MouseEvent) + 'static,
    cancel: impl Fn(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    let adds = summary.adds;
    let duplicates_total = summary.duplicates_total;
    let count = move || {
        adds + if include_duplicates.get() {
            duplicates_total
        } else {
            0
        }
    };
    let more = |total: usize, listed: usize| {
        (total > listed).then(|| view! { <li>{format!("…and {} more.", total - listed)}</li> })
    };
    let refused = (summary.refused_total > 0).then(|| {
        let listed = summary.refused.len();
        view! {
            <h4>{format!("{} refused", lines_label(summary.refused_total))}</h4>
            <ul class="import-lines">
                {summary.refused.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                {more(summary.refused_total, listed)}
            </ul>
        }
    });
    let duplicates = (duplicates_total > 0).then(|| {
        let listed = summary.duplicates.len();
        view! {
            <h4>{format!("{} look like books you already have", count_label(duplicates_total as u64))}</h4>
            <p>"They are skipped unless you tick the box."</p>
            <label class="checkbox">
                <input
                    type="checkbox"
                    prop:checked=move || include_duplicates.get()
                    on:change=move |ev| include_duplicates.set(event_target_checked(&ev))
                />
                "Import them too"
            </label>
            <ul class="import-lines">
                {summary.duplicates.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                {more(duplicates_total, listed)}
            </ul>
        }
    });
    let renumbered = (summary.renumbered > 0).then(|| {
        view! { <p>{format!("{} carry an id that a book here has, or once had: they get new ids, so that an id never names two books.", count_label(summary.renumbered as u64))}</p> }
    });
    let ignored = (!summary.ignored_columns.is_empty()).then(|| {
        view! { <p class="muted">{format!("Not imported (Bookshelf does not keep them): {}.", summary.ignored_columns.label())}</p> }
    });
    view! {
        <div class="import-preview" role="group" aria-labelledby="import-preview-heading">
            <h3 id="import-preview-heading">{summary.heading}</h3>
            <p>{move || format!("{} will be added.", count_label(count() as u64))}</p>
            {renumbered}
            {refused}
            {duplicates}
            {ignored}
            <div class="dialog-actions">
                <button type="button" class="primary" on:click=confirm disabled=move || count() == 0>
                    {move || import_label(count())}
                </button>
                <button type="button" on:click=cancel>"Cancel"</button>
            </div>
        </div>
    }
}
