//! One row of the table (a book with its Edit and Delete buttons, or a row still loading) and
//! the sortable column headers.

use leptos::prelude::*;

use crate::book::{Book, BookId};
use crate::query::{Direction, Sort, SortField};
use crate::route::Route;
use crate::ui::context::CatalogueQuery;

/// A row at `position` (0 is the first book): the book, or "Loading…" until it is read.
#[component]
pub fn BookRow(
    position: u64,
    book: Option<Book>,
    just_added: RwSignal<Option<BookId>>,
    on_edit: Callback<Book>,
    on_delete: Callback<BookId>,
) -> impl IntoView {
    // The header is row 1 (aria-rowindex counts from 1).
    let index = position + 2;
    let Some(book) = book else {
        return view! {
            <tr class="pending" aria-rowindex=index>
                <td colspan="5">"Loading…"</td>
            </tr>
        }
        .into_any();
    };
    let id = book.id;
    let title = book.title.clone();
    let for_edit = book.clone();
    view! {
        <tr aria-rowindex=index data-id=id class:just-added=move || just_added.get() == Some(id)>
            <td class="id">{id}</td>
            <td class="title" title=book.title.clone()>
                <a href=Route::Book(id).href()>{book.title.clone()}</a>
            </td>
            <td title=book.author.clone()>{book.author.clone()}</td>
            <td class="genre" title=book.genre.clone()>{book.genre.clone()}</td>
            <td class="actions">
                <button type="button" aria-label=format!("Edit {title}") on:click=move |_| on_edit.run(for_edit.clone())>
                    "Edit"
                </button>
                <button type="button" class="danger" aria-label=format!("Delete {title}") on:click=move |_| on_delete.run(id)>
                    "Delete"
                </button>
            </td>
        </tr>
    }
    .into_any()
}

fn aria_sort(sort: Sort, field: SortField) -> &'static str {
    match (sort.field == field, sort.direction) {
        (false, _) => "none",
        (true, Direction::Ascending) => "ascending",
        (true, Direction::Descending) => "descending",
    }
}

/// The header row: a sort button per column, its `aria-sort` saying the order.
#[component]
pub fn HeaderRow(query: CatalogueQuery) -> impl IntoView {
    let header = move |field: SortField, label: &'static str| {
        let toggle = move |_| query.sort.update(|sort| *sort = sort.toggled(field));
        view! {
            <th scope="col" aria-sort=move || aria_sort(query.sort.get(), field) class=label.to_lowercase()>
                <button type="button" class="sort" on:click=toggle>{label}</button>
            </th>
        }
    };
    view! {
        <tr aria-rowindex="1">
            {header(SortField::Id, "ID")}
            {header(SortField::Title, "Title")}
            {header(SortField::Author, "Author")}
            {header(SortField::Genre, "Genre")}
            <th scope="col" class="actions">"Actions"</th>
        </tr>
    }
}
