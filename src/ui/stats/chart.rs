//! A bar chart drawn as SVG by the app: a `<figure>` whose picture says its finding in words
//! (its accessible name), and a "Show as table" button that reveals the same numbers as a table
//! (always shown in print).

use leptos::prelude::*;

use crate::stats::charts::Chart;

/// The drawing's width in SVG units (it scales to the page).
const WIDTH: f64 = 420.0;
/// A standing chart's height, in SVG units.
const HEIGHT: f64 = 200.0;
/// Room under standing bars for their names, and above them for their numbers.
const FOOT: f64 = 28.0;
const HEAD: f64 = 20.0;
/// A lying bar's row height, and the room its name takes on the left.
const ROW: f64 = 26.0;
const NAME_WIDTH: f64 = 140.0;
/// Room on the right of lying bars for their numbers.
const NUMBER_WIDTH: f64 = 56.0;
/// The longest name drawn in full (longer ones end in "…"; the table has them whole).
const NAME_CHARS: usize = 19;

/// `name` cut to [`NAME_CHARS`].
fn short(name: &str) -> String {
    if name.chars().count() <= NAME_CHARS {
        name.to_owned()
    } else {
        let cut: String = name.chars().take(NAME_CHARS - 1).collect();
        format!("{cut}…")
    }
}

/// A standing bar's name under it: months by their first three letters.
fn foot_name(name: &str, bars: usize) -> String {
    if bars > 6 {
        name.chars().take(3).collect()
    } else {
        name.to_owned()
    }
}

/// Bars standing up, one per row (months, years).
fn standing(chart: &Chart) -> AnyView {
    let most = chart.rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let slot = WIDTH / chart.rows.len().max(1) as f64;
    let room = HEIGHT - FOOT - HEAD;
    let bars = chart
        .rows
        .iter()
        .enumerate()
        .map(|(i, (name, n))| {
            let height = room * (*n as f64) / most;
            let x = slot * i as f64;
            let middle = x + slot / 2.0;
            let top = HEAD + room - height;
            view! {
                <rect class="bar" x=x + slot * 0.15 y=top width=slot * 0.7 height=height />
                <text class="bar-number" x=middle y=top - 5.0 text-anchor="middle">{n.to_string()}</text>
                <text class="bar-name" x=middle y=HEIGHT - 8.0 text-anchor="middle">
                    {foot_name(name, chart.rows.len())}
                </text>
            }
        })
        .collect_view();
    // Nothing to draw: the finding in words where the bars would be.
    let empty = chart.rows.iter().all(|(_, n)| *n == 0).then(|| {
        view! {
            <text class="bar-name" x=WIDTH / 2.0 y=HEIGHT / 2.0 text-anchor="middle">
                {chart.finding.clone()}
            </text>
        }
    });
    let view_box = format!("0 0 {WIDTH} {HEIGHT}");
    view! {
        <svg role="img" aria-label=chart.label.clone() viewBox=view_box class="chart">
            <g aria-hidden="true">
                <line class="axis" x1="0" x2=WIDTH y1=HEIGHT - FOOT y2=HEIGHT - FOOT />
                {bars}
                {empty}
            </g>
        </svg>
    }
    .into_any()
}

/// Bars lying down, one per row (top lists, statuses, formats, ratings).
fn lying(chart: &Chart) -> AnyView {
    let most = chart.rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let room = WIDTH - NAME_WIDTH - NUMBER_WIDTH;
    let height = (ROW * chart.rows.len().max(1) as f64).max(ROW);
    let bars = chart
        .rows
        .iter()
        .enumerate()
        .map(|(i, (name, n))| {
            let y = ROW * i as f64;
            let length = room * (*n as f64) / most;
            let middle = y + ROW / 2.0 + 5.0;
            view! {
                <text class="bar-name" x=NAME_WIDTH - 8.0 y=middle text-anchor="end">{short(name)}</text>
                <rect class="bar" x=NAME_WIDTH y=y + ROW * 0.15 width=length height=ROW * 0.7 />
                <text class="bar-number" x=NAME_WIDTH + length + 6.0 y=middle>{n.to_string()}</text>
            }
        })
        .collect_view();
    let empty = chart.rows.is_empty().then(|| {
        view! { <text class="bar-name" x="0" y=ROW / 2.0 + 5.0>{chart.finding.clone()}</text> }
    });
    let view_box = format!("0 0 {WIDTH} {height}");
    view! {
        <svg role="img" aria-label=chart.label.clone() viewBox=view_box class="chart">
            <g aria-hidden="true">{bars}{empty}</g>
        </svg>
    }
    .into_any()
}

/// The charts whose table is shown, by id: kept by the page, so that a table stays open when
/// the numbers are counted again and the charts drawn anew.
#[derive(Clone, Copy, Default)]
pub struct OpenTables(RwSignal<Vec<&'static str>>);

/// One chart, its caption, and its numbers as a table behind "Show as table".
#[component]
pub fn BarChart(chart: Chart) -> impl IntoView {
    let tables = use_context::<OpenTables>().unwrap_or_default().0;
    let id = chart.id;
    let open = Signal::derive(move || tables.with(|open| open.contains(&id)));
    let toggle = move |_| {
        tables.update(|open| match open.iter().position(|shown| *shown == id) {
            Some(at) => {
                open.remove(at);
            }
            None => open.push(id),
        })
    };
    let caption_id = format!("chart-{}-caption", chart.id);
    let table_id = format!("chart-{}-table", chart.id);
    let picture = if chart.vertical {
        standing(&chart)
    } else {
        lying(&chart)
    };
    let rows = chart
        .rows
        .iter()
        .map(|(name, n)| {
            view! { <tr><th scope="row">{name.clone()}</th><td>{n.to_string()}</td></tr> }
        })
        .collect_view();
    let title = chart.title.clone();
    let figure_labelled_by = caption_id.clone();
    let caption = caption_id.clone();
    let controls = table_id.clone();
    view! {
        <figure class="stats-chart" aria-labelledby=figure_labelled_by>
            <figcaption id=caption>{chart.title}</figcaption>
            {picture}
            <button
                type="button"
                class="table-toggle"
                aria-expanded=move || open.get().to_string()
                aria-controls=controls
                aria-describedby=caption_id
                on:click=toggle
            >
                "Show as table"
            </button>
            <table id=table_id class="chart-table" hidden=move || !open.get()>
                <caption>{title}</caption>
                <thead>
                    <tr>
                        <th scope="col">{chart.category}</th>
                        <th scope="col">{chart.measure}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </figure>
    }
}
