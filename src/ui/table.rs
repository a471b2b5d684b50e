//! The catalogue table, virtualized: only the rows on screen are in the DOM; rows come from the
//! repository a block at a time (by index and key range, or by id for a search result), and the
//! scrollbar stands for the whole result, however long.

use std::sync::Arc;

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::context::{Catalogue, CatalogueQuery};
use super::edit::EditDialog;
use super::notices::Notices;
use super::rows::{Block, BlockCache, ResultSet, Rows};
use crate::book::{Book, BookId};
use crate::query::{count_label, result_label, Direction, Filter, PageStart, Sort, SortField};
use crate::route::Route;
use crate::sample::sample_books;
use crate::viewport::{blocks, Viewport, BLOCK_ROWS, MARGIN_ROWS};

/// A row's height in pixels; the stylesheet gives rows exactly this height (`--row`).
const ROW_PX: f64 = 44.0;
/// How long a book just added stays marked.
const MARK_MILLIS: u32 = 4_000;

fn aria_sort(sort: Sort, field: SortField) -> &'static str {
    match (sort.field == field, sort.direction) {
        (false, _) => "none",
        (true, Direction::Ascending) => "ascending",
        (true, Direction::Descending) => "descending",
    }
}

fn window_height() -> f64 {
    web_sys::window()
        .and_then(|window| window.inner_height().ok())
        .and_then(|height| height.as_f64())
        .unwrap_or(800.0)
}

fn mark_first_rows() {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark("bookshelf:first-rows");
    }
}

/// What "Undo" does after a delete: puts the book back with its own id.
fn restore_callback(catalogue: Catalogue, notices: Notices, book: Book) -> Callback<()> {
    Callback::new(move |()| {
        let Some(repository) = catalogue.repository() else {
            return;
        };
        let book = book.clone();
        spawn_local(async move {
            let title = book.title.clone();
            match repository.restore(book).await {
                Ok(_) => {
                    catalogue.changed();
                    notices.info(format!("Restored “{title}”."), None);
                }
                Err(error) => notices.error(error.to_string()),
            }
        });
    })
}

/// The table, its empty states, and the edit dialog.
#[component]
pub fn BookTable() -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let notices = expect_context::<Notices>();
    let query = expect_context::<CatalogueQuery>();
    let editing = RwSignal::new(None::<Book>);
    let first_row = RwSignal::new(0u64);
    let window_px = RwSignal::new(window_height());
    let scroller = NodeRef::<html::Div>::new();
    let cache = StoredValue::new_local(BlockCache::default());
    let cache_version = RwSignal::new(0u64);
    let generation = StoredValue::new(0u64);
    // The number of the current question (sort and search), and the question itself.
    let asked = StoredValue::new((0u64, None::<(Sort, Filter)>));
    let marked = StoredValue::new(false);
    // A book just added: marked for a moment once brought into view.
    let just_added = RwSignal::new(None::<BookId>);
    // Where a book just added stands (id, row), and the change count its result must reach.
    let reveal = RwSignal::new(None::<(BookId, u64, u64)>);

    if let Some(window) = web_sys::window() {
        let resize = EventListener::new(&window, "resize", move |_| {
            window_px.try_set(window_height());
        });
        // Dropped (and so removed) when the table goes away.
        StoredValue::new_local(resize);
    }

    // The count, tagged with the change it was read at, so that it only ever joins its own result.
    // It starts once the first rows are in: counting walks every record, and IndexedDB would
    // make the first page wait behind it.
    let first_rows_in = RwSignal::new(false);
    let total = LocalResource::new(move || {
        let changes = catalogue.track();
        let ready = first_rows_in.get();
        let repository = catalogue.repository();
        async move {
            if !ready {
                return None;
            }
            Some((changes, repository?.count().await.ok()?))
        }
    });
    let result = LocalResource::new(move || {
        let changes = catalogue.track();
        let sort = query.sort.get();
        let filter = query.filter.get();
        let repository = catalogue.repository();
        generation.update_value(|g| *g += 1);
        let generation = generation.get_value();
        // A new sort or search is a new question; a change to the books asks the same one again.
        let question = asked.with_value(|(number, last)| match last {
            Some(last) if *last == (sort, filter.clone()) => *number,
            _ => number + 1,
        });
        asked.set_value((question, Some((sort, filter.clone()))));
        async move {
            let rows = if filter.is_empty() {
                Ok(Rows::All)
            } else {
                let repository = repository?;
                repository
                    .matching(&filter, sort)
                    .await
                    .map(|ids| Rows::Matches(Arc::new(ids)))
            };
            Some(rows.map(|rows| ResultSet {
                generation,
                question,
                changes,
                sort,
                rows,
                total: None,
                estimate: None,
            }))
        }
    });
    // A search that matches nothing reads no rows: its count may start at once.
    Effect::new(move |_| {
        let nothing = matches!(
            result.get().flatten(),
            Some(Ok(ResultSet { rows: Rows::Matches(ids), .. })) if ids.is_empty()
        );
        if nothing && first_rows_in.try_get_untracked() == Some(false) {
            first_rows_in.try_set(true);
        }
    });
    let current = move || match result.get().flatten() {
        Some(Ok(mut set)) => {
            let counted = total.get().flatten();
            set.total = counted
                .filter(|(changes, _)| *changes == set.changes)
                .map(|(_, total)| total);
            set.estimate = counted.map(|(_, total)| total);
            Some(set)
        }
        _ => None,
    };
    // Rows of the first block of the current result, while the count is not in yet.
    let first_block = move |set: &ResultSet| {
        cache.with_value(|c| match c.fresh(0, set.generation) {
            Some(books) if books.len() < BLOCK_ROWS as usize => Some(books.len()),
            _ => None,
        })
    };
    let rows_of = move |set: &ResultSet| set.len(first_block(set));

    // Whole rows only: the sticky table is never taller than the box, so it never slides.
    let viewport = move |set: &ResultSet| {
        let rows = rows_of(set);
        let fit = ((window_px.get() * 0.7 - ROW_PX) / ROW_PX).floor().max(5.0) as u64;
        Viewport {
            rows,
            row_px: ROW_PX,
            viewport_px: fit.min(rows.max(1)) as f64 * ROW_PX,
        }
    };

    // A new sort or search starts at the top; a change to the books keeps the place.
    Effect::new(move |previous: Option<()>| {
        query.sort.track();
        query.filter.track();
        if previous.is_some() {
            first_row.set(0);
            if let Some(element) = scroller.get_untracked() {
                element.set_scroll_top(0);
            }
        }
    });

    let fetch = move |set: ResultSet, block: u64| {
        let generation = set.generation;
        let wanted = cache.with_value(|c| {
            c.fresh(block, generation).is_none() && !c.in_flight.contains(&(generation, block))
        });
        if !wanted || block * BLOCK_ROWS >= rows_of(&set) {
            return;
        }
        let Some(repository) = catalogue.repository() else {
            return;
        };
        // Right after the block before, by key, when it is at hand: as fast anywhere as at the top.
        let start = cache.with_value(|c| match c.fresh(block.wrapping_sub(1), generation) {
            Some(books) if block > 0 && books.len() as u64 == BLOCK_ROWS => books
                .last()
                .map(|last| PageStart::After(set.sort.key_of(last))),
            _ => None,
        });
        // Otherwise a jump, from the nearer end when the count says where that is.
        let start = start.unwrap_or_else(|| match set.total {
            Some(total) if block * BLOCK_ROWS > total / 2 => {
                PageStart::FromEnd(total.saturating_sub((block + 1) * BLOCK_ROWS))
            }
            _ => PageStart::Position(block * BLOCK_ROWS),
        });
        // A page counted from the end must end where the block does: the last block may be short.
        let limit = match (&start, set.total) {
            (PageStart::FromEnd(_), Some(total)) => {
                total.saturating_sub(block * BLOCK_ROWS).min(BLOCK_ROWS)
            }
            _ => BLOCK_ROWS,
        } as u32;
        cache.update_value(|c| {
            c.in_flight.insert((generation, block));
        });
        spawn_local(async move {
            let read = match &set.rows {
                Rows::All => repository.page(set.sort, start, limit.max(1)).await,
                Rows::Matches(ids) => {
                    let from = (block * BLOCK_ROWS) as usize;
                    let to = (from + BLOCK_ROWS as usize).min(ids.len());
                    repository.get_many(&ids[from.min(to)..to]).await
                }
            };
            cache.try_update_value(|c| {
                c.in_flight.remove(&(generation, block));
            });
            match read {
                Ok(books) => {
                    cache.try_update_value(|c| {
                        let newer = matches!(c.blocks.get(&block), Some(read) if read.generation > generation);
                        if !newer {
                            let question = set.question;
                            c.blocks.insert(block, Block { generation, question, books });
                        }
                    });
                    cache_version.try_update(|v| *v += 1);
                    if first_rows_in.try_get_untracked() == Some(false) {
                        first_rows_in.try_set(true);
                    }
                }
                Err(error) => notices.error(error.to_string()),
            }
        });
    };

    // Fetch the blocks around the screen whenever the result or the place changes.
    Effect::new(move |_| {
        let Some(set) = current() else { return };
        cache_version.track();
        let view = viewport(&set);
        let rows = rows_of(&set);
        let first = first_row
            .get()
            .min(rows.saturating_sub(view.visible_rows()));
        let around = first.saturating_sub(MARGIN_ROWS * 4)
            ..(first + view.visible_rows() + MARGIN_ROWS * 4).min(rows);
        for block in blocks(&around) {
            fetch(set.clone(), block);
        }
    });

    // After Add: find the new book's row in what the table shows; say where it went.
    Effect::new(move |_| {
        let Some(book) = query.added.get() else {
            return;
        };
        query.added.set(None);
        let changes = untrack(|| catalogue.track());
        let sort = query.sort.get_untracked();
        let filter = query.filter.get_untracked();
        let Some(repository) = catalogue.repository() else {
            return;
        };
        spawn_local(async move {
            let title = book.title.clone();
            let row = if filter.is_empty() {
                repository.rank(sort, &book).await.ok()
            } else {
                let ids = repository.matching(&filter, sort).await.unwrap_or_default();
                ids.iter()
                    .position(|&id| id == book.id)
                    .map(|row| row as u64)
            };
            match row {
                Some(row) => {
                    notices.info(format!("Added “{title}”."), None);
                    reveal.try_set(Some((book.id, row, changes)));
                }
                // Its place could not be read: it is added all the same.
                None if filter.is_empty() => notices.info(format!("Added “{title}”."), None),
                None => notices.info_with_link(
                    format!("Added “{title}”: your search or filter hides it."),
                    format!("Open “{title}”"),
                    Route::Book(book.id).href(),
                ),
            }
        });
    });
    // Once the result holds the new book: scroll it to the middle of the screen and mark it.
    Effect::new(move |_| {
        let Some((id, row, changes)) = reveal.get() else {
            return;
        };
        cache_version.track();
        let Some(set) = current() else { return };
        if set.changes < changes || rows_of(&set) <= row {
            return;
        }
        reveal.set(None);
        let view = viewport(&set);
        let first = view.first_row_centering(row);
        first_row.set(first);
        if let Some(element) = scroller.get_untracked() {
            element.set_scroll_top(view.scroll_top_for(first) as i32);
        }
        just_added.set(Some(id));
        Timeout::new(MARK_MILLIS, move || {
            just_added.try_update(|marked| {
                if *marked == Some(id) {
                    *marked = None;
                }
            });
        })
        .forget();
    });

    let on_scroll = move |_| {
        let (Some(element), Some(set)) = (scroller.get_untracked(), current()) else {
            return;
        };
        let row = viewport(&set).first_row(f64::from(element.scroll_top()));
        if row != first_row.get_untracked() {
            first_row.set(row);
        }
    };

    let delete = move |book: Book| {
        let Some(repository) = catalogue.repository() else {
            return;
        };
        spawn_local(async move {
            match repository.delete(book.id).await {
                Ok(deleted) => {
                    catalogue.changed();
                    let text = format!("Deleted “{}”.", deleted.title);
                    notices.info(text, Some(restore_callback(catalogue, notices, deleted)));
                }
                Err(error) => {
                    notices.error(error.to_string());
                    catalogue.changed();
                }
            }
        });
    };

    let add_samples = move |_| {
        let Some(repository) = catalogue.repository() else {
            return;
        };
        spawn_local(async move {
            match repository.create_many(sample_books()).await {
                Ok(_) => catalogue.changed(),
                Err(error) => notices.error(error.to_string()),
            }
        });
    };

    let row_view = move |(position, book): (u64, Option<Book>)| {
        let Some(book) = book else {
            return view! {
                <tr class="pending" aria-rowindex=position + 2>
                    <td colspan="5">"Loading…"</td>
                </tr>
            }
            .into_any();
        };
        let title = book.title.clone();
        let for_edit = book.clone();
        let id = book.id;
        view! {
            <tr
                aria-rowindex=position + 2
                data-id=id
                class:just-added=move || just_added.get() == Some(id)
            >
                <td class="id">{book.id}</td>
                <td class="title" title=book.title.clone()>
                    <a href=Route::Book(book.id).href()>{book.title.clone()}</a>
                </td>
                <td title=book.author.clone()>{book.author.clone()}</td>
                <td class="genre" title=book.genre.clone()>{book.genre.clone()}</td>
                <td class="actions">
                    <button
                        type="button"
                        aria-label=format!("Edit {title}")
                        on:click=move |_| editing.set(Some(for_edit.clone()))
                    >
                        "Edit"
                    </button>
                    <button
                        type="button"
                        class="danger"
                        aria-label=format!("Delete {title}")
                        on:click=move |_| delete(book.clone())
                    >
                        "Delete"
                    </button>
                </td>
            </tr>
        }
        .into_any()
    };

    let visible_rows = move || {
        cache_version.track();
        let Some(set) = current() else {
            return Vec::new();
        };
        let view = viewport(&set);
        let rows = rows_of(&set);
        let first = first_row
            .get()
            .min(rows.saturating_sub(view.visible_rows()));
        let end = (first + view.visible_rows()).min(rows);
        let rows: Vec<(u64, Option<Book>)> = cache.with_value(|c| {
            (first..end)
                .map(|row| (row, c.book_at(row, set.question)))
                .collect()
        });
        if !marked.get_value() && rows.iter().any(|(_, book)| book.is_some()) {
            marked.set_value(true);
            mark_first_rows();
        }
        rows
    };

    let header = move |field: SortField, label: &'static str| {
        view! {
            <th scope="col" aria-sort=move || aria_sort(query.sort.get(), field) class=label.to_lowercase()>
                <button type="button" class="sort" on:click=move |_| query.sort.update(|sort| *sort = sort.toggled(field))>
                    {label}
                </button>
            </th>
        }
    };

    // What the area shows; the table itself is built once and only its numbers change, so a
    // write (here or in another tab) never resets the scroll position.
    #[derive(Clone, Copy, PartialEq)]
    enum Shown {
        Loading,
        Failed,
        Empty,
        NoMatches,
        Table,
    }
    let shown = Memo::new(move |_| match result.get().flatten() {
        None => Shown::Loading,
        Some(Err(_)) => Shown::Failed,
        Some(Ok(_)) => match current() {
            Some(set) if set.total == Some(0) => Shown::Empty,
            Some(set) if matches!(set.rows, Rows::Matches(_)) && rows_of(&set) == 0 => {
                Shown::NoMatches
            }
            Some(_) => Shown::Table,
            None => Shown::Loading,
        },
    });
    let failure = move || match result.get().flatten() {
        Some(Err(error)) => error.to_string(),
        _ => String::new(),
    };
    let measure = move |pick: fn(&Viewport) -> f64| {
        move || {
            cache_version.track();
            current().map_or(String::from("0px"), |set| {
                format!("{}px", pick(&viewport(&set)))
            })
        }
    };
    let row_count = move || {
        cache_version.track();
        current().map_or(1, |set| rows_of(&set) + 1)
    };

    let table = move || match shown.get() {
        Shown::Loading => view! { <p class="muted">"Loading your books…"</p> }.into_any(),
        Shown::Failed => view! { <p role="alert">{failure}</p> }.into_any(),
        Shown::Empty => view! {
            <div class="empty">
                <p>"No books yet. Add one above, or start with a few classics."</p>
                <button type="button" on:click=add_samples>"Add sample books"</button>
            </div>
        }
        .into_any(),
        Shown::NoMatches => view! { <p class="empty">"No books match your search."</p> }.into_any(),
        Shown::Table => view! {
            <div
                class="scroller"
                node_ref=scroller
                tabindex="0"
                role="region"
                aria-label="Books, scrollable"
                // Borders are inside the height (border-box): the client area is header + rows.
                style:height=measure(|view| view.viewport_px + ROW_PX + 3.0)
                on:scroll=on_scroll
            >
                <div class="spacer" style:height=measure(|view| view.scroll_height() + ROW_PX)>
                    <table aria-rowcount=row_count>
                        <caption class="visually-hidden">"Your books"</caption>
                        <thead>
                            <tr aria-rowindex="1">
                                {header(SortField::Id, "ID")}
                                {header(SortField::Title, "Title")}
                                {header(SortField::Author, "Author")}
                                {header(SortField::Genre, "Genre")}
                                <th scope="col" class="actions">"Actions"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=visible_rows key=|row| row.clone() children=row_view />
                        </tbody>
                    </table>
                </div>
            </div>
        }
        .into_any(),
    };

    let count = move || {
        cache_version.track();
        let Some(set) = current() else {
            return String::new();
        };
        match (&set.rows, set.total) {
            (Rows::All, None) => "Counting…".to_owned(),
            (Rows::All, Some(total)) => result_label(total, total, false),
            (Rows::Matches(ids), Some(total)) => result_label(ids.len() as u64, total, true),
            (Rows::Matches(ids), None) => format!("{} found", count_label(ids.len() as u64)),
        }
    };

    view! {
        <p id="book-count" class="count" role="status">{count}</p>
        <div class="table-area">{table}</div>
        {move || editing.get().map(|book| view! {
            <EditDialog book on_close=Callback::new(move |()| editing.set(None)) />
        })}
    }
}
