//! The developer control that fills the catalogue with sample books, with a progress bar.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::context::Catalogue;
use super::notices::Notices;
use crate::sample::sample_catalogue;

/// Books per transaction when generating (each batch is all or nothing).
const BATCH: usize = 100_000;
/// The most books one click may generate.
const MAX_GENERATED: usize = 1_000_000;

/// "Generate N sample books", under Developer tools.
#[component]
pub fn BulkGenerator() -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let notices = expect_context::<Notices>();
    let count = RwSignal::new(String::from("10000"));
    let progress = RwSignal::new(None::<(usize, usize)>);

    let generate = move |_| {
        if progress.get_untracked().is_some() {
            return;
        }
        let wanted = match count.get_untracked().trim().parse::<usize>() {
            Ok(n) if (1..=MAX_GENERATED).contains(&n) => n,
            _ => {
                notices.error(format!(
                    "Enter a number of books from 1 to {MAX_GENERATED}."
                ));
                return;
            }
        };
        let Some(repository) = catalogue.repository() else {
            return;
        };
        progress.set(Some((0, wanted)));
        spawn_local(async move {
            let seed = js_sys::Date::now() as u64;
            let mut done = 0;
            while done < wanted {
                let batch =
                    sample_catalogue(BATCH.min(wanted - done), seed.wrapping_add(done as u64));
                let before = done;
                let written = repository
                    .create_many_with_progress(batch, |batch_done, _| {
                        progress.try_set(Some((before + batch_done, wanted)));
                    })
                    .await;
                match written {
                    Ok(books) => done += books.len(),
                    Err(error) => {
                        notices.error(error.to_string());
                        break;
                    }
                }
                catalogue.changed();
            }
            progress.try_set(None);
            if done > 0 {
                notices.info(format!("Added {done} sample books."), None);
            }
        });
    };

    view! {
        <details class="developer">
            <summary>"Developer tools"</summary>
            <div class="fields">
                <div class="field">
                    <label for="generate-count">"Number of sample books"</label>
                    <input
                        id="generate-count"
                        type="number"
                        min="1"
                        max=MAX_GENERATED
                        prop:value=move || count.get()
                        on:input=move |ev| count.set(event_target_value(&ev))
                    />
                </div>
                <button type="button" on:click=generate aria-disabled=move || progress.get().map(|_| "true")>
                    "Generate sample books"
                </button>
            </div>
            {move || progress.get().map(|(done, total)| view! {
                <div class="progress">
                    <label for="generate-progress">{format!("Adding books: {done} of {total}")}</label>
                    <progress id="generate-progress" max=total value=done></progress>
                </div>
            })}
        </details>
    }
}
