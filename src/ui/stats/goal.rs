//! The reading goal for a year: a number the reader sets ("Reading goal"), remembered in this
//! browser (localStorage, `bookshelf-goal-<year>`), and the line that measures the year by it
//! ("23 of 40 books").

use leptos::prelude::*;

use crate::stats::Report;

/// Where the goal for `year` is remembered.
fn key(year: i32) -> String {
    format!("bookshelf-goal-{year}")
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The goal remembered for `year`, if one was set.
pub fn remembered(year: i32) -> Option<u64> {
    local_storage()?
        .get_item(&key(year))
        .ok()
        .flatten()?
        .trim()
        .parse()
        .ok()
        .filter(|goal| *goal > 0)
}

/// Remembers `goal` for `year` (none forgets it), where the browser lets the page remember.
fn remember(year: i32, goal: Option<u64>) {
    if let Some(storage) = local_storage() {
        let _ = match goal {
            Some(goal) => storage.set_item(&key(year), &goal.to_string()),
            None => storage.remove_item(&key(year)),
        };
    }
}

/// The goal's field and the year's line: "23 of 40 books", or "23 books read in 2026".
#[component]
pub fn ReadingGoal(year: Signal<i32>, report: Memo<Option<Report>>) -> impl IntoView {
    let goal = RwSignal::new(remembered(year.get_untracked()));
    // Another year, another goal.
    Effect::watch(
        move || year.get(),
        move |year, _, _| goal.set(remembered(*year)),
        false,
    );
    let on_input = move |event: leptos::ev::Event| {
        let text = event_target_value(&event);
        let wanted = text.trim().parse::<u64>().ok().filter(|goal| *goal > 0);
        remember(year.get_untracked(), wanted);
        goal.set(wanted);
    };
    let line =
        move || report.with(|report| report.as_ref().map(|report| report.goal_text(goal.get())));
    let value = move || goal.get().map(|goal| goal.to_string()).unwrap_or_default();
    view! {
        <div class="reading-goal">
            <p class="goal-line" id="goal-line">{line}</p>
            <div class="field">
                <label for="reading-goal">"Reading goal"</label>
                <input
                    id="reading-goal"
                    type="number"
                    min="1"
                    step="1"
                    inputmode="numeric"
                    aria-describedby="goal-line"
                    prop:value=value
                    on:input=on_input
                />
            </div>
        </div>
    }
}
