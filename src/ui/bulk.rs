//! The developer control that fills the catalogue with sample books, with a progress bar.

use leptos::prelude::*;

use super::context::Catalogue;
use super::notices::Notices;

/// The most books one click may generate.
const MAX_GENERATED: usize = 1_000_000;

/// "Generate N sample books", under Developer tools.
#[component]
pub fn BulkGenerator() -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let notices = expect_context::<Notices>();
    let count = RwSignal::new(String::from("10000"));
    let progress = RwSignal::new((0_u64, 0_u64));
    let generate = catalogue.generate(Callback::new(move |done| {
        progress.try_set(done);
    }));
    let busy = generate.pending();

    let start = move |_| {
        if busy.get_untracked() {
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
        progress.set((0, wanted as u64));
        generate.dispatch_local(wanted);
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
                <button type="button" on:click=start aria-disabled=move || busy.get().then_some("true")>
                    "Generate sample books"
                </button>
            </div>
            {move || busy.get().then(|| progress.get()).map(|(done, total)| view! {
                <div class="progress">
                    <label for="generate-progress">{format!("Adding books: {done} of {total}")}</label>
                    <progress id="generate-progress" max=total value=done></progress>
                </div>
            })}
        </details>
    }
}
