//! The statistics page (`#/stats`): books and pages read per month and per year, the year's
//! reading goal, the catalogue by status, author, genre, tag, rating and format, series progress
//! and loans; counted in the browser a page of books at a time, counted again whenever the books
//! change (here or in another tab).

mod chart;
pub mod counting;
mod goal;

use std::sync::Arc;

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use self::chart::{BarChart, OpenTables};
use self::counting::count_books;
use self::goal::ReadingGoal;
use super::context::Catalogue;
use crate::browser::today;
use crate::stats::charts::{charts, Chart};
use crate::stats::{Report, Stats};
use crate::ui::boxed::effect;

/// Where counting stands: how many books so far, of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Progress {
    counted: u64,
    total: u64,
}

/// Marks a moment on the page's timeline (the benchmark times counting by these marks).
fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark(name);
    }
}

/// "Statistics".
#[component]
pub fn StatsPage() -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    provide_context(OpenTables::default());
    let this_year = i32::from(today().year());
    let stats = RwSignal::new(None::<Stats>);
    let progress = RwSignal::new(None::<Progress>);
    let failure = RwSignal::new(None::<String>);
    let chosen = RwSignal::new(this_year);
    // The run that may still write its answer; an older one stops at its next page. Gone with
    // the page, which stops every run.
    let generation = StoredValue::new(0_u64);

    effect(move |_| {
        catalogue.track();
        let Some(mine) = generation.try_update_value(|current| {
            *current += 1;
            *current
        }) else {
            return;
        };
        let current = move || generation.try_get_value() == Some(mine);
        spawn_local(async move {
            let Ok(repository) = catalogue.repository() else {
                return;
            };
            mark("bookshelf:stats-start");
            let outcome = count_books(&repository, today(), |counted, total| {
                current()
                    && progress
                        .try_set(Some(Progress { counted, total }))
                        .is_none()
            })
            .await;
            if !current() {
                return;
            }
            match outcome {
                Ok(Some(counted)) => {
                    stats.try_set(Some(counted));
                    failure.try_set(None);
                    mark("bookshelf:stats-done");
                }
                Ok(None) => {}
                Err(error) => {
                    failure.try_set(Some(error.to_string()));
                }
            }
            progress.try_set(None);
        });
    });

    let year = Signal::derive(move || chosen.get());
    let report = Memo::new(move |_| {
        let year = chosen.get();
        stats.with(|stats| stats.as_ref().map(|stats| stats.report(year)))
    });
    let years = Memo::new(move |_| {
        let chosen = chosen.get();
        let mut years = stats.with(|stats| {
            stats
                .as_ref()
                .map_or_else(|| vec![this_year], |stats| stats.years(this_year))
        });
        if !years.contains(&chosen) {
            years.push(chosen);
            years.sort_unstable_by(|a, b| b.cmp(a));
        }
        years
    });
    let status = move || {
        if let Some(error) = failure.get() {
            return format!("The statistics could not be counted: {error}");
        }
        match progress.get() {
            Some(Progress { counted, total }) => format!("Counting… {counted} of {total} books"),
            None => report.with(|report| match report {
                Some(report) if report.books == 1 => "Counted 1 book.".to_owned(),
                Some(report) => format!("Counted {} books.", report.books),
                None => String::new(),
            }),
        }
    };
    let options = move || {
        years
            .get()
            .into_iter()
            .map(|year| {
                let selected = move || chosen.get() == year;
                view! { <option value=year.to_string() selected=selected>{year.to_string()}</option> }
            })
            .collect_view()
    };
    let on_year = move |event: leptos::ev::Event| {
        if let Ok(year) = event_target_value(&event).parse::<i32>() {
            chosen.set(year);
        }
    };
    let body = move || report.get().map(|report| view! { <StatsBody report /> });

    view! {
        <section class="stats" aria-labelledby="stats-heading">
            <h2 id="stats-heading">"Statistics"</h2>
            <p class="muted" role="status" id="stats-progress">{status}</p>
            <div class="stats-controls">
                <div class="field">
                    <label for="stats-year">"Year"</label>
                    <select id="stats-year" on:change=on_year prop:value=move || chosen.get().to_string()>
                        {options}
                    </select>
                </div>
                <ReadingGoal year report />
            </div>
            {body}
        </section>
    }
}

/// The charts of `ids`, in that order, once `stage` has reached `from`: drawing every chart at
/// once is a long task of its own on a slow machine, so they are drawn a few at a time.
fn figures(
    all: &Arc<Vec<Chart>>,
    ids: &'static [&'static str],
    stage: RwSignal<u8>,
    from: u8,
) -> impl IntoView {
    let shown = Memo::new(move |_| stage.get() >= from);
    let all = Arc::clone(all);
    move || {
        shown.get().then(|| {
            ids.iter()
                .filter_map(|id| all.iter().find(|chart| chart.id == *id))
                .map(|chart| view! { <BarChart chart=chart.clone() /> })
                .collect_view()
        })
    }
}

/// How many turns the charts are drawn in (after the first few, drawn at once).
const STAGES: u8 = 3;

/// Everything counted, for the chosen year.
#[component]
fn StatsBody(report: Report) -> impl IntoView {
    let all = Arc::new(charts(&report));
    let year = report.year;
    let stage = RwSignal::new(0_u8);
    spawn_local(async move {
        for next in 1..=STAGES {
            TimeoutFuture::new(0).await;
            if stage.try_set(next).is_some() {
                return;
            }
        }
    });
    let series = report
        .series
        .iter()
        .map(|series| view! { <li>{series.text()}</li> })
        .collect_view();
    let series_note = match (report.series_count, report.series.len()) {
        (0, _) => "No series yet.".to_owned(),
        (all, shown) if all > shown => {
            format!("The {shown} series with the most books, of {all}.")
        }
        (1, _) => "1 series.".to_owned(),
        (all, _) => format!("{all} series."),
    };
    let unrated = format!("Not rated: {}", report.unrated);
    view! {
        <section class="stats-part" aria-labelledby="stats-year-heading">
            <h3 id="stats-year-heading">{format!("Reading in {year}")}</h3>
            <div class="stats-charts">{figures(&all, &["books-per-month", "pages-per-month"], stage, 0)}</div>
        </section>
        <section class="stats-part" aria-labelledby="stats-years-heading">
            <h3 id="stats-years-heading">"Over the years"</h3>
            <div class="stats-charts">{figures(&all, &["books-per-year", "pages-per-year"], stage, 1)}</div>
        </section>
        <section class="stats-part" aria-labelledby="stats-catalogue-heading">
            <h3 id="stats-catalogue-heading">"The catalogue"</h3>
            <ul class="stats-facts">
                <li>{format!("Books: {}", report.books)}</li>
                <li>{format!("On loan: {}", report.on_loan)}</li>
                <li>{format!("Overdue: {}", report.overdue)}</li>
                <li>{unrated}</li>
            </ul>
            <div class="stats-charts">
                {figures(&all, &["statuses", "ratings", "formats"], stage, 2)}
                {figures(&all, &["authors", "genres", "tags"], stage, 3)}
            </div>
        </section>
        <section class="stats-part" aria-labelledby="stats-series-heading">
            <h3 id="stats-series-heading">"Series"</h3>
            <p class="muted">{series_note}</p>
            <ul class="series-progress">{series}</ul>
        </section>
    }
}
