//! The catalogue table, virtualized: only the rows on screen are in the DOM; rows come from the
//! repository a block at a time (by index and key range, or by id for a search result), and the
//! scrollbar stands for the whole result, however long. What to read is decided in plain Rust
//! (`crate::blocks`, `crate::viewport`); this draws.

pub(crate) mod columns;
mod reveal;
mod row;
mod state;

use leptos::prelude::*;

use super::context::{Catalogue, CatalogueQuery};
use super::lazy::{show_section, Parts};
use super::notices::Notices;
use crate::blocks::Rows;
use crate::book::Book;
use crate::columns::Column;
use crate::ui::boxed::{effect, handler};
use crate::viewport::Viewport;
use columns::ColumnChooser;
use reveal::follow_added;
use row::{BookRow, HeaderRow};
use state::{TableState, ROW_PX};

fn mark_first_rows() {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark("bookshelf:first-rows");
    }
}

/// What the table area shows; the table itself is built once and only its numbers change, so a
/// write (here or in another tab) never resets the scroll position.
#[derive(Clone, Copy, PartialEq)]
enum Shown {
    Loading,
    Failed,
    Empty,
    NoMatches,
    Table,
}

/// The table, its empty states, and the edit dialog. `answered` turns true once the first answer
/// (rows, the empty catalogue, or an error) is shown: from then on the table's height is its own,
/// and what is below it can be shown without being moved.
#[component]
pub fn BookTable(
    answered: RwSignal<bool>,
    /// Where the code of "Add sample books" and of the Edit dialog comes from.
    parts: Parts,
) -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let notices = expect_context::<Notices>();
    let query = expect_context::<CatalogueQuery>();
    let table = TableState::new(catalogue, notices, query);
    let just_added = follow_added(table, catalogue, notices, query);
    let editing = RwSignal::new(None::<Book>);
    let delete = catalogue.delete();
    let samples = catalogue.add_classics(parts.add_classics);
    let marked = StoredValue::new(false);

    let visible_rows = move || {
        table.arrived.track();
        let rows = table
            .current()
            .map(|set| table.shown(&set))
            .unwrap_or_default();
        if !marked.get_value() && rows.iter().any(|(_, book)| book.is_some()) {
            marked.set_value(true);
            mark_first_rows();
        }
        rows
    };
    let on_edit = Callback::new(move |book| editing.set(Some(book)));
    let on_delete = Callback::new(move |id| {
        delete.dispatch_local(id);
    });
    // The columns chosen; with the "On loan" filter on, the On loan column too: the list of what
    // is out, and to whom.
    let columns = Memo::new(move |_| {
        let chosen = query.columns.get();
        match query.filter.with(|filter| filter.on_loan) {
            true => Column::toggled(&chosen, Column::Loan, true),
            false => chosen,
        }
    });
    let body = move || {
        let columns = columns.get();
        let head = columns.clone();
        let row_view = move |(position, book): (u64, Option<Book>)| {
            let columns = columns.clone();
            view! { <BookRow position book columns just_added on_edit on_delete /> }
        };
        view! {
            <thead><HeaderRow query columns=head /></thead>
            <tbody>
                <For each=visible_rows key=|row| row.clone() children=row_view />
            </tbody>
        }
        .into_any()
    };

    let shown = Memo::new(move |_| match table.result.get() {
        None => Shown::Loading,
        Some(Err(_)) => Shown::Failed,
        Some(Ok(_)) => match table.current() {
            Some(set) if set.total == Some(0) => Shown::Empty,
            Some(set) if matches!(set.rows, Rows::Matches(_)) && table.rows(&set) == 0 => {
                Shown::NoMatches
            }
            // Until the first rows are in, no table of empty rows to build and take down again;
            // a first block that is empty is an empty catalogue (before any count is in).
            Some(set) if matches!(set.rows, Rows::All) && !table.rows_in() => Shown::Loading,
            Some(set) if set.estimate.is_none() && table.rows(&set) == 0 => Shown::Empty,
            Some(_) => Shown::Table,
            None => Shown::Loading,
        },
    });
    effect(move |_| {
        if shown.get() != Shown::Loading && !answered.get_untracked() {
            answered.set(true);
        }
    });
    let failure = move || match table.result.get() {
        Some(Err(error)) => error.to_string(),
        _ => String::new(),
    };
    let measure = move |pick: fn(&Viewport) -> f64| {
        move || {
            table.arrived.track();
            let px = table
                .current()
                .map_or(0.0, |set| pick(&table.viewport(&set)));
            // Whole pixels: formatting an `f64` would bring its code and tables into the wasm.
            format!("{}px", px.round() as u64)
        }
    };
    let row_count = move || {
        table.arrived.track();
        table.current().map_or(1, |set| table.rows(&set) + 1)
    };
    let count = move || {
        table.arrived.track();
        table
            .current()
            .map(|set| set.count_text())
            .unwrap_or_default()
    };

    let area = move || {
        match shown.get() {
            Shown::Loading => view! { <p class="muted">"Loading your books…"</p> }.into_any(),
            Shown::Failed => view! { <p role="alert">{failure}</p> }.into_any(),
            Shown::Empty => view! {
                <div class="empty">
                    <p>"No books yet. Add one above, or start with a few classics."</p>
                    <button type="button" on:click=handler(move |_| { samples.dispatch_local(()); })>
                        "Add sample books"
                    </button>
                </div>
            }
            .into_any(),
            Shown::NoMatches => {
                show_section(parts.no_matches.fetch, parts.no_matches.make).into_any()
            }
            Shown::Table => view! {
                <div
                    class="scroller"
                    node_ref=table.scroller
                    tabindex="0"
                    role="region"
                    aria-label="Books, scrollable"
                    // Borders are inside the height (border-box): the client area is header + rows.
                    style:height=measure(|view| view.viewport_px + ROW_PX + 3.0)
                    on:scroll=handler(move |_| table.scrolled())
                >
                    <div class="spacer" style:height=measure(|view| view.scroll_height() + ROW_PX)>
                        <table aria-rowcount=row_count>
                            <caption class="visually-hidden">"Your books"</caption>
                            {body}
                        </table>
                    </div>
                </div>
            }
            .into_any(),
        }
    };

    view! {
        <div class="table-head">
            <p id="book-count" class="count" role="status">{count}</p>
            <ColumnChooser choices=parts.columns />
        </div>
        <div class="table-area">{area}</div>
        {move || editing.get().map(|book| {
            let on_close = Callback::new(move |()| editing.set(None));
            show_section(parts.edit.fetch, move || (parts.edit.make)(book.clone(), on_close))
                .into_any()
        })}
    }
}
