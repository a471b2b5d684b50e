//! "Edited on two devices": a book whose versions from two devices met in a sync. The version
//! shown (CouchDB's winner, the same on every device) and the others, side by side where they
//! differ, each with a button to keep it; keeping one resolves the conflict on every device once
//! synced.

use leptos::prelude::*;

use super::context::Catalogue;
use super::notices::Notices;
use crate::book::Book;
use crate::store::Conflict as Versions;
use crate::sync::doc::differences;

/// The versions of `book` to choose from, when it has more than one; nothing otherwise.
#[component]
pub fn Conflict(book: Book) -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let id = book.id;
    let versions = LocalResource::new(move || {
        catalogue.track();
        async move { catalogue.repository()?.conflict(id).await }
    });
    move || match versions.get() {
        Some(Ok(Some(versions))) => Some(view! { <Choice versions /> }),
        _ => None,
    }
}

/// The versions side by side, and a button per version.
#[component]
fn Choice(versions: Versions) -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let notices = expect_context::<Notices>();
    let resolve = catalogue.resolve_conflict();
    let id = versions.shown.id;
    let mut all = vec![versions.shown.to_new()];
    all.extend(versions.others.iter().map(|(_, book)| book.clone()));
    let differing = differences(&all);
    let count = all.len();
    let headers = (1..=count)
        .map(|number| {
            let text = if number == 1 {
                "Version 1 (shown)".to_owned()
            } else {
                format!("Version {number}")
            };
            view! { <th scope="col">{text}</th> }
        })
        .collect_view();
    let rows = differing
        .into_iter()
        .map(|(label, values)| {
            let cells = values
                .into_iter()
                .map(|value| {
                    let value = if value.is_empty() {
                        "—".to_owned()
                    } else {
                        value
                    };
                    view! { <td>{value}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{label}</th>{cells}</tr> }
        })
        .collect_view();
    let keeps: Vec<(usize, Option<String>)> = std::iter::once(None)
        .chain(versions.others.iter().map(|(rev, _)| Some(rev.clone())))
        .enumerate()
        .map(|(index, rev)| (index + 1, rev))
        .collect();
    let buttons = keeps
        .into_iter()
        .map(|(number, rev)| {
            view! {
                <button type="button" disabled=move || resolve.pending().get()
                    on:click=move |_| { resolve.dispatch_local((id, rev.clone())); }>
                    {format!("Keep version {number}")}
                </button>
            }
        })
        .collect_view();
    super::commands::on_outcome(resolve, move |outcome| {
        if let Ok(book) = outcome {
            notices.info(
                format!(
                    "Kept that version of “{}”. Sync to make it so on every device.",
                    book.title
                ),
                None,
            );
        }
    });
    view! {
        <section class="conflict" aria-labelledby="conflict-heading">
            <h3 id="conflict-heading">"Edited on two devices"</h3>
            <p>
                "This book was changed on two devices while they were apart. Every device shows \
                 version 1 for now; the other is kept. Choose the one to keep: the choice goes \
                 to every device with the next sync."
            </p>
            <table>
                <caption>"Where the versions differ"</caption>
                <thead><tr><th scope="col">"Field"</th>{headers}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="conflict-actions">{buttons}</p>
        </section>
    }
}
