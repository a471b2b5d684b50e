//! The table's reactive state, shared by its parts: the current result and count, the blocks of
//! rows read so far (the plain-Rust [`Blocks`] decides what to read), and the scroll place. It
//! runs the reads the blocks ask for; it draws nothing.

use std::rc::Rc;
use std::sync::Arc;

use gloo_events::EventListener;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::blocks::{BlockRead, Blocks, Read, ResultSet, Rows};
use crate::book::Book;
use crate::query::{Filter, Sort};
use crate::search::{Searches, Ticket};
use crate::store::StoreError;
use crate::ui::boxed::effect;
use crate::ui::context::{Catalogue, CatalogueQuery};
use crate::ui::notices::Notices;
use crate::viewport::Viewport;

/// A row's height in pixels; the stylesheet gives rows exactly this height (`--row`).
pub const ROW_PX: f64 = 44.0;

fn window_height() -> f64 {
    web_sys::window()
        .and_then(|window| window.inner_height().ok())
        .and_then(|height| height.as_f64())
        .unwrap_or(800.0)
}

/// The table's state; `Copy`, so every closure of the table can hold it.
#[derive(Clone, Copy)]
pub struct TableState {
    catalogue: Catalogue,
    notices: Notices,
    blocks: StoredValue<Blocks, LocalStorage>,
    /// Goes up each time a block arrives.
    pub arrived: RwSignal<u64>,
    /// The first row the scroll place asks for (kept within the rows by [`Viewport::shown`]).
    pub first_row: RwSignal<u64>,
    window_px: RwSignal<f64>,
    /// The scrolling box, once drawn.
    pub scroller: NodeRef<html::Div>,
    /// The rows of the current sort and search (ids for a search), found again after every
    /// change: the newest search's answer (see [`Searches`]); `None` until the first.
    pub result: RwSignal<Option<Result<ResultSet, StoreError>>>,
    /// Which search is the newest, and which answer is shown.
    searches: StoredValue<Searches>,
    /// The count, tagged with the change it was read at, so that it only ever joins its own
    /// result.
    total: RwSignal<Option<(u64, u64)>>,
    /// True once the first rows are in (the count waits for them).
    first_rows_in: RwSignal<bool>,
}

impl TableState {
    /// The state of a new table, reading the catalogue as `query` says.
    pub fn new(catalogue: Catalogue, notices: Notices, query: CatalogueQuery) -> Self {
        let window_px = RwSignal::new(window_height());
        if let Some(window) = web_sys::window() {
            let resize = EventListener::new(&window, "resize", move |_| {
                window_px.try_set(window_height());
            });
            // Dropped (and so removed) when the table goes away.
            StoredValue::new_local(resize);
        }
        let blocks = StoredValue::new_local(Blocks::default());
        // The count is one read (every write keeps it), but it starts once the first rows are
        // in: the first rows come first, and the work that waits for the count (the rank index
        // below) must not delay them.
        let first_rows_in = RwSignal::new(false);
        let total = catalogue.read_on_change(move || {
            let ready = first_rows_in.get();
            let repository = catalogue.repository();
            async move {
                if !ready {
                    return None;
                }
                repository.ok()?.count().await.ok()
            }
        });
        let state = Self {
            catalogue,
            notices,
            blocks,
            arrived: RwSignal::new(0),
            first_row: RwSignal::new(0),
            window_px,
            scroller: NodeRef::new(),
            result: RwSignal::new(None),
            searches: StoredValue::new(Searches::default()),
            total,
            first_rows_in,
        };
        // Every change of the sort, the search or the books starts a search at once (no
        // debounce): the newest one stops the older ones, and only its answers are shown.
        effect(move |_| {
            let changes = catalogue.track();
            let sort = query.sort.get();
            let filter = query.filter.get();
            let Some(ticket) = state.searches.try_update_value(|searches| searches.start()) else {
                return;
            };
            let answer = move |rows, whole| Answer {
                ticket,
                changes,
                sort,
                rows,
                whole,
            };
            if filter.is_empty() {
                state.show(answer(Ok(Rows::All), true), &filter);
                return;
            }
            spawn_local(async move {
                let wanted = move || {
                    state
                        .searches
                        .try_with_value(|searches| searches.wanted(ticket))
                        .unwrap_or(false)
                };
                let shown = filter.clone();
                let so_far = move |ids| {
                    let rows = Ok(Rows::Matches(Arc::new(ids)));
                    state.show(answer(rows, false), &shown);
                };
                let found = catalogue
                    .search(filter.clone(), sort, Rc::new(wanted), Box::new(so_far))
                    .await;
                match found {
                    Ok(Some(ids)) => {
                        let rows = Ok(Rows::Matches(Arc::new(ids)));
                        state.show(answer(rows, true), &filter);
                    }
                    // No longer wanted: a newer search is under way.
                    Ok(None) => {}
                    Err(error) => state.show(answer(Err(error), true), &filter),
                }
            });
        });
        // A new sort or search starts at the top; a change to the books keeps the place.
        effect(move |first| {
            query.sort.track();
            query.filter.track();
            if !first {
                state.first_row.set(0);
                if let Some(element) = state.scroller.get_untracked() {
                    element.set_scroll_top(0);
                }
            }
        });
        // Read the blocks around the screen whenever the result or the place changes.
        effect(move |_| {
            state.arrived.track();
            if let Some(set) = state.current() {
                state.read_around(&set);
            }
        });
        // Once the count is in, the search index is loaded and the sort's rank index made, in
        // the background: from then on a jump anywhere (a scrollbar dragged) is a short read.
        effect(move |_| {
            let field = query.sort.get().field;
            if state.total.get().is_none() {
                return;
            }
            spawn_local(async move {
                // A failure only leaves jumps walking a cursor, as before; reads report theirs.
                let _ = catalogue.prepare_jumps(field).await;
            });
        });
        // A search that matches nothing reads no rows: its count may start at once.
        effect(move |_| {
            if state.current().is_some_and(|set| set.found_nothing()) {
                state.first_rows_are_in();
            }
        });
        state
    }

    /// Shows a search's answer if that search is still the newest (and this is not a partial
    /// answer after its whole one), as a new answer to the table's question.
    fn show(&self, answer: Answer, filter: &Filter) {
        let Answer {
            ticket,
            changes,
            sort,
            rows,
            whole,
        } = answer;
        let shown = self
            .searches
            .try_update_value(|searches| searches.offer(ticket, whole))
            .unwrap_or(false);
        if !shown {
            return;
        }
        let set = rows.map(|rows| {
            let (generation, question) = self
                .blocks
                .try_update_value(|blocks| blocks.ask(sort, filter))
                .unwrap_or_default();
            ResultSet {
                generation,
                question,
                changes,
                sort,
                rows,
                total: None,
                estimate: None,
                searching: !whole,
            }
        });
        self.result.try_set(Some(set));
    }

    /// The current result with the count read at its change (and the latest count as an
    /// estimate); `None` while it is read or if reading it failed.
    pub fn current(&self) -> Option<ResultSet> {
        let mut set = self.result.get()?.ok()?;
        let counted = self.total.get();
        set.total = counted
            .filter(|(changes, _)| *changes == set.changes)
            .map(|(_, total)| total);
        set.estimate = counted.map(|(_, total)| total);
        Some(set)
    }

    /// How many rows `set` has (a first guess until the count is in).
    pub fn rows(&self, set: &ResultSet) -> u64 {
        self.blocks.with_value(|blocks| blocks.len(set))
    }

    /// The scroll geometry of `set` in the window as it is now.
    pub fn viewport(&self, set: &ResultSet) -> Viewport {
        Viewport::for_window(self.rows(set), ROW_PX, self.window_px.get())
    }

    /// The rows on screen, each with its book if read (for this question), for drawing.
    pub fn shown(&self, set: &ResultSet) -> Vec<(u64, Option<Book>)> {
        let shown = self.viewport(set).shown(self.first_row.get());
        self.blocks.with_value(|blocks| blocks.rows(set, shown))
    }

    /// Starts reading the blocks around the screen that are not at hand yet.
    fn read_around(&self, set: &ResultSet) {
        let wanted = self.viewport(set).wanted(self.first_row.get());
        let reads = self
            .blocks
            .try_update_value(|blocks| blocks.reads(set, wanted))
            .unwrap_or_default();
        for read in reads {
            self.read(read);
        }
    }

    fn read(self, read: BlockRead) {
        let catalogue = self.catalogue;
        spawn_local(async move {
            let books = match &read.read {
                Read::Page { sort, start, limit } => match catalogue.repository() {
                    Ok(repository) => repository.page(*sort, start.clone(), *limit).await,
                    Err(error) => Err(error),
                },
                // A search's rows: read by the search's code, in the catalogue page's part.
                Read::Ids(ids) => catalogue.books(ids.clone()).await,
            };
            match books {
                Ok(books) => {
                    self.blocks
                        .try_update_value(|blocks| blocks.arrived(read, books));
                    self.arrived.try_update(|count| *count += 1);
                    self.first_rows_are_in();
                }
                Err(error) => {
                    self.blocks.try_update_value(|blocks| blocks.failed(&read));
                    self.notices.error(error);
                    // The table shows, its rows unread, rather than waiting for them forever.
                    self.first_rows_are_in();
                }
            }
        });
    }

    /// True once the first read of rows answered (or a search found none).
    pub fn rows_in(&self) -> bool {
        self.first_rows_in.get()
    }

    fn first_rows_are_in(&self) {
        if self.first_rows_in.try_get_untracked() == Some(false) {
            self.first_rows_in.try_set(true);
        }
    }

    /// Puts `first` at the top of the screen, scrolling the box there.
    pub fn scroll_to(&self, set: &ResultSet, first: u64) {
        self.first_row.set(first);
        if let Some(element) = self.scroller.get_untracked() {
            element.set_scroll_top(self.viewport(set).scroll_top_for(first) as i32);
        }
    }

    /// Follows the box's scroll position.
    pub fn scrolled(&self) {
        let (Some(element), Some(set)) = (self.scroller.get_untracked(), self.current()) else {
            return;
        };
        let row = self
            .viewport(&set)
            .first_row(f64::from(element.scroll_top()));
        if row != self.first_row.get_untracked() {
            self.first_row.set(row);
        }
    }
}

/// An answer of one search: its rows (or why there are none), and whether they are all of them.
struct Answer {
    ticket: Ticket,
    /// The catalogue's change count the search started at.
    changes: u64,
    sort: Sort,
    rows: Result<Rows, StoreError>,
    whole: bool,
}
