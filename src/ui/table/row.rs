//! One row of the table (a book with its Edit and Delete buttons, or a row still loading) and
//! the sortable column headers.

use leptos::prelude::*;

use crate::book::{Book, BookId};
use crate::browser::today;
use crate::columns::Column;
use crate::query::{Direction, Sort, SortField};
use crate::route::Route;
use crate::ui::boxed::handler;
use crate::ui::context::CatalogueQuery;

/// A row at `position` (0 is the first book): the book, or "Loading…" until it is read.
#[component]
pub fn BookRow(
    position: u64,
    book: Option<Book>,
    columns: Vec<Column>,
    just_added: RwSignal<Option<BookId>>,
    on_edit: Callback<Book>,
    on_delete: Callback<BookId>,
) -> impl IntoView {
    // The header is row 1 (aria-rowindex counts from 1).
    let index = position + 2;
    let Some(book) = book else {
        return view! {
            <tr class="pending" aria-rowindex=index>
                <td colspan=columns.len() + 1>"Loading…"</td>
            </tr>
        }
        .into_any();
    };
    let id = book.id;
    let title = book.title.clone();
    let today = today();
    let cells = columns
        .into_iter()
        .map(|column| {
            let text = column.cell(&book, today);
            let tip = text.clone();
            let overdue = column == Column::Loan && book.loans_out().any(|l| l.is_overdue(today));
            if column == Column::Title {
                view! {
                    <td class="title" title=tip>
                        <a href=Route::Book(id).href()>{text}</a>
                    </td>
                }
                .into_any()
            } else {
                view! { <td class=column.key() class:overdue=overdue title=tip>{text}</td> }
                    .into_any()
            }
        })
        .collect_view();
    let for_edit = book.clone();
    view! {
        <tr aria-rowindex=index data-id=id class:just-added=move || just_added.get() == Some(id)>
            {cells}
            <td class="actions">
                <button type="button" aria-label=format!("Edit {title}") on:click=handler(move |_| on_edit.run(for_edit.clone()))>
                    "Edit"
                </button>
                <button type="button" class="danger" aria-label=format!("Delete {title}") on:click=handler(move |_| on_delete.run(id))>
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

/// The header row: a sort button per sortable column, its `aria-sort` saying the order.
#[component]
pub fn HeaderRow(query: CatalogueQuery, columns: Vec<Column>) -> impl IntoView {
    let header = move |column: Column| {
        let label = column.label();
        match column.sort() {
            Some(field) => {
                let toggle = move |_| query.sort.update(|sort| *sort = sort.toggled(field));
                view! {
                    <th scope="col" aria-sort=move || aria_sort(query.sort.get(), field) class=column.key()>
                        <button type="button" class="sort" on:click=handler(toggle)>{label}</button>
                    </th>
                }
                .into_any()
            }
            None => view! { <th scope="col" class=column.key()>{label}</th> }.into_any(),
        }
    };
    view! {
        <tr aria-rowindex="1">
            {columns.into_iter().map(header).collect_view()}
            <th scope="col" class="actions">"Actions"</th>
        </tr>
    }
}
