//! After Add: the new book's row is found in what the table shows, scrolled to the middle of the
//! screen and marked for a moment; or the person is told that the search hides it.

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::TableState;
use crate::book::BookId;
use crate::route::Route;
use crate::ui::boxed::effect;
use crate::ui::context::{Catalogue, CatalogueQuery};
use crate::ui::notices::Notices;

/// How long a book just added stays marked.
const MARK_MILLIS: u32 = 4_000;

/// Follows the books added here; returns the one marked just now, if any.
pub fn follow_added(
    table: TableState,
    catalogue: Catalogue,
    notices: Notices,
    query: CatalogueQuery,
) -> RwSignal<Option<BookId>> {
    let just_added = RwSignal::new(None::<BookId>);
    // Where a book just added stands (id, row), and the change count its result must reach.
    let reveal = RwSignal::new(None::<(BookId, u64, u64)>);

    effect(move |_| {
        let Some(book) = query.added.get() else {
            return;
        };
        query.added.set(None);
        let changes = untrack(|| catalogue.track());
        let sort = query.sort.get_untracked();
        let filter = query.filter.get_untracked();
        spawn_local(async move {
            let title = book.title.clone();
            let filtered = !filter.is_empty();
            // Its place is the search's code (in the catalogue page's part), as the add was.
            let row = catalogue
                .place(filter, sort, book.clone())
                .await
                .ok()
                .flatten();
            match row {
                Some(row) => {
                    notices.info(format!("Added “{title}”."), None);
                    reveal.try_set(Some((book.id, row, changes)));
                }
                // Its place could not be read: it is added all the same.
                None if !filtered => notices.info(format!("Added “{title}”."), None),
                None => notices.info_with_link(
                    format!("Added “{title}”: your search or filter hides it."),
                    format!("Open “{title}”"),
                    Route::Book(book.id).href(),
                ),
            }
        });
    });

    // Once the result holds the new book: scroll it to the middle of the screen and mark it.
    effect(move |_| {
        let Some((id, row, changes)) = reveal.get() else {
            return;
        };
        table.arrived.track();
        let Some(set) = table.current() else { return };
        if set.changes < changes || table.rows(&set) <= row {
            return;
        }
        reveal.set(None);
        table.scroll_to(&set, table.viewport(&set).first_row_centering(row));
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
    just_added
}
