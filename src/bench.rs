//! Benchmark hooks (cargo feature `bench`): Bookshelf's repository timed from JavaScript.
//!
//! `bench/index.html` builds the crate with this feature; `src/main.rs` then mounts nothing and
//! Trunk exposes these exports on `window.wasmBindings`. Each call works on the repository that
//! [`ours_open`] opened and returns `{ ms, rows, first, ids }`: the milliseconds the measured
//! calls took (`performance.now()`), how many rows they produced, the first id among them and the
//! ids of the rows shown (a page, a search's first matches), so that the harness can check that
//! every system gave the same answer. Only the repository calls are
//! timed; making the sample books is not. `bench/run.mjs` drives it all.

use std::cell::RefCell;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::book::{Book, BookId, BookPatch};
use crate::query::{Direction, Filter, PageStart, Sort, SortField, SortKey};
use crate::sample::sample_catalogue;
use crate::store::record::Record;
use crate::store::{BookRepository, PageRequest, StoreError};

thread_local! {
    /// The repository the timed calls use, opened by [`ours_open`].
    static OPEN: RefCell<Option<BookRepository>> = const { RefCell::new(None) };
}

/// What one timed call reports to JavaScript. For a bulk insert and read all, `ids` are the
/// first and last ids.
#[derive(Serialize)]
struct Timed {
    ms: f64,
    rows: f64,
    first: Option<f64>,
    /// The ids of the rows shown: a page's, a search's first matches (first and last otherwise).
    ids: Vec<f64>,
}

/// The samples of the single-book operations, in milliseconds each.
#[derive(Serialize)]
struct SingleOps {
    create: Vec<f64>,
    get: Vec<f64>,
    update: Vec<f64>,
    delete: Vec<f64>,
}

fn now() -> Result<f64, JsValue> {
    web_sys::window()
        .and_then(|window| window.performance())
        .map(|performance| performance.now())
        .ok_or_else(|| JsValue::from_str("performance.now() is not available"))
}

fn failed(error: StoreError) -> JsValue {
    JsValue::from_str(&error.to_string())
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    serde_wasm_bindgen::to_value(value).map_err(|error| JsValue::from_str(&error.to_string()))
}

fn timed(ms: f64, books: &[Book]) -> Result<JsValue, JsValue> {
    to_js(&Timed {
        ms,
        rows: books.len() as f64,
        first: books.first().map(|book| book.id as f64),
        ids: books
            .first()
            .into_iter()
            .chain(books.last())
            .map(|book| book.id as f64)
            .collect(),
    })
}

/// A page's answer: its rows and every id on it, plus the last row's title key (where the next
/// page starts, for [`ours_page_after`]).
fn timed_page(ms: f64, books: &[Book]) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Page {
        ms: f64,
        rows: f64,
        first: Option<f64>,
        ids: Vec<f64>,
        last_key: Option<String>,
        titles: Vec<String>,
    }
    to_js(&Page {
        ms,
        rows: books.len() as f64,
        first: books.first().map(|book| book.id as f64),
        ids: books.iter().map(|book| book.id as f64).collect(),
        last_key: books.last().map(|book| sort_by_title().key_of(book).text),
        titles: books.iter().map(|book| book.title.clone()).collect(),
    })
}

fn repository() -> Result<BookRepository, JsValue> {
    OPEN.with(|open| open.borrow().clone())
        .ok_or_else(|| JsValue::from_str("no repository is open: call ours_open first"))
}

fn sort_by_title() -> Sort {
    Sort {
        field: SortField::Title,
        direction: Direction::Ascending,
    }
}

/// The sample records JavaScript peers store: the same books as `ours_insert(count, seed)`, in
/// the shape the repository stores (no id; folded keys).
#[wasm_bindgen]
pub fn sample_records(count: u32, seed: u32) -> Result<js_sys::Array, JsValue> {
    let records = js_sys::Array::new();
    for book in sample_catalogue(count as usize, u64::from(seed)) {
        records.push(&to_js(&Record::from_new(&book))?);
    }
    Ok(records)
}

/// Opens (creating if needed) the database `name` as the repository the timed calls use.
#[wasm_bindgen]
pub async fn ours_open(name: String) -> Result<(), JsValue> {
    ours_close();
    let repository = BookRepository::open(&name).await.map_err(failed)?;
    OPEN.with(|open| open.replace(Some(repository)));
    Ok(())
}

/// Closes the repository the timed calls use, if one is open.
#[wasm_bindgen]
pub fn ours_close() {
    if let Some(repository) = OPEN.with(|open| open.borrow_mut().take()) {
        repository.close();
    }
}

/// Times `create_many` of `count` sample books (made beforehand, untimed).
#[wasm_bindgen]
pub async fn ours_insert(count: u32, seed: u32) -> Result<JsValue, JsValue> {
    let repository = repository()?;
    let books = sample_catalogue(count as usize, u64::from(seed));
    let start = now()?;
    let created = repository.create_many(books).await.map_err(failed)?;
    timed(now()? - start, &created)
}

/// Times reading every book in id order (one `list` call with no limit).
#[wasm_bindgen]
pub async fn ours_read_all() -> Result<JsValue, JsValue> {
    let repository = repository()?;
    let start = now()?;
    let books = repository
        .list(PageRequest {
            after: None,
            limit: u32::MAX,
        })
        .await
        .map_err(failed)?;
    timed(now()? - start, &books)
}

/// Times a jump: one page of `limit` books sorted by title, starting at row `position` of
/// `total`, its cursor walking from the nearer end as the app's table does.
#[wasm_bindgen]
pub async fn ours_page(position: f64, limit: u32, total: f64) -> Result<JsValue, JsValue> {
    let repository = repository()?;
    let (position, total) = (position as u64, total as u64);
    let start_at = if position > total / 2 {
        PageStart::FromEnd(total.saturating_sub(position + u64::from(limit)))
    } else {
        PageStart::Position(position)
    };
    let start = now()?;
    let books = repository
        .page(sort_by_title(), start_at, limit)
        .await
        .map_err(failed)?;
    timed_page(now()? - start, &books)
}

/// Times reading a page by key: the `limit` books by title right after the row whose folded
/// title is `title_key` and id is `id` (the last row of the page before), as the table pages.
#[wasm_bindgen]
pub async fn ours_page_after(title_key: String, id: f64, limit: u32) -> Result<JsValue, JsValue> {
    let repository = repository()?;
    let after = SortKey {
        text: title_key,
        id: id as BookId,
    };
    let start = now()?;
    let books = repository
        .page(sort_by_title(), PageStart::After(after), limit)
        .await
        .map_err(failed)?;
    timed_page(now()? - start, &books)
}

/// Times counting the books.
#[wasm_bindgen]
pub async fn ours_count() -> Result<JsValue, JsValue> {
    let repository = repository()?;
    let start = now()?;
    let count = repository.count().await.map_err(failed)?;
    to_js(&Timed {
        ms: now()? - start,
        rows: count as f64,
        first: None,
        ids: Vec::new(),
    })
}

/// Times a search as the app runs it: every match's id (id order), then the first `limit` books.
/// `rows` is the number of matches, `first` the first match's id, `ids` the first `limit`.
/// With `cold`, the in-memory index is dropped first, so the search loads it from IndexedDB
/// again, as the first search after opening does.
#[wasm_bindgen]
pub async fn ours_search(text: String, limit: u32, cold: bool) -> Result<JsValue, JsValue> {
    let repository = repository()?;
    let filter = Filter::new(&text, None);
    if cold {
        repository.forget_search_index();
    }
    let start = now()?;
    let ids = repository
        .matching(&filter, Sort::default())
        .await
        .map_err(failed)?;
    let shown = &ids[..ids.len().min(limit as usize)];
    let books = repository.get_many(shown).await.map_err(failed)?;
    let ms = now()? - start;
    if books.len() != shown.len() {
        return Err(JsValue::from_str(
            "search: some matching books could not be read",
        ));
    }
    to_js(&Timed {
        ms,
        rows: ids.len() as f64,
        first: ids.first().map(|&id| id as f64),
        ids: books.iter().map(|book| book.id as f64).collect(),
    })
}

/// Times single-book calls one after another: `creates` creates (sample books of `seed`), a get
/// and a title change of each id in `ids`, then deleting the created books again.
#[wasm_bindgen]
pub async fn ours_single_ops(creates: u32, seed: u32, ids: Vec<f64>) -> Result<JsValue, JsValue> {
    let repository = repository()?;
    let mut samples = SingleOps {
        create: Vec::new(),
        get: Vec::new(),
        update: Vec::new(),
        delete: Vec::new(),
    };
    let mut created: Vec<BookId> = Vec::new();
    for book in sample_catalogue(creates as usize, u64::from(seed)) {
        let start = now()?;
        let book = repository.create(book).await.map_err(failed)?;
        samples.create.push(now()? - start);
        created.push(book.id);
    }
    for &id in &ids {
        let start = now()?;
        let found = repository.get(id as BookId).await.map_err(failed)?;
        samples.get.push(now()? - start);
        if found.is_none() {
            return Err(JsValue::from_str(&format!("get: book {id} is missing")));
        }
    }
    for (n, &id) in ids.iter().enumerate() {
        let patch = BookPatch {
            title: Some(format!("Updated Title {n}")),
            ..BookPatch::default()
        };
        let start = now()?;
        repository
            .update(id as BookId, patch)
            .await
            .map_err(failed)?;
        samples.update.push(now()? - start);
    }
    for id in created {
        let start = now()?;
        repository.delete(id).await.map_err(failed)?;
        samples.delete.push(now()? - start);
    }
    to_js(&samples)
}

/// How long moving books out and in takes (see [`ours_transfer`]).
#[derive(Serialize)]
struct TransferTimes {
    export_ms: f64,
    read_ms: f64,
    write_ms: f64,
    bytes: f64,
    books: f64,
}

/// Stores `count` sample books in the database `name` (untimed), then times: exporting them as
/// CSV (walking the store a page of 1,000 at a time, as the Export button does); reading and
/// checking that file (as Import does before its preview); and writing its books into the emptied
/// store in one transaction.
#[wasm_bindgen]
pub async fn ours_transfer(name: String, count: u32, seed: u32) -> Result<JsValue, JsValue> {
    use crate::transfer::{ExportFormat, Exporter};
    let words = |error: &dyn std::fmt::Display| JsValue::from_str(&error.to_string());
    ours_open(name).await?;
    let repository = repository()?;
    repository
        .create_many(sample_catalogue(count as usize, u64::from(seed)))
        .await
        .map_err(failed)?;

    let start = now()?;
    let mut exporter = Exporter::new(ExportFormat::Csv);
    let mut parts = vec![exporter.start()];
    let mut pages = repository.pages(1_000);
    while let Some(page) = pages.next_page().await.map_err(failed)? {
        parts.push(exporter.page(&page).map_err(|e| words(&e))?);
    }
    parts.push(exporter.finish());
    let export_ms = now()? - start;
    let file = parts.concat();
    repository.clear().await.map_err(failed)?;

    let start = now()?;
    let report = crate::transfer::read_all(&file).map_err(|e| words(&e))?;
    let read_ms = now()? - start;
    let books: Vec<_> = report
        .books
        .into_iter()
        .map(|candidate| *candidate.book)
        .collect();
    let start = now()?;
    let written = repository.create_many(books).await.map_err(failed)?;
    let write_ms = now()? - start;
    ours_close();
    to_js(&TransferTimes {
        export_ms,
        read_ms,
        write_ms,
        bytes: file.len() as f64,
        books: written.len() as f64,
    })
}

/// What counting the statistics took (see [`ours_stats_total`]).
#[derive(Serialize)]
struct StatsTimes {
    ms: f64,
    rows: f64,
    /// The longest stretch between two pages counted: the page's read from IndexedDB and its
    /// books counted (an upper bound of the longest task it caused).
    longest_page_ms: f64,
    /// Books read in the busiest year, as a check that the report was made.
    read: f64,
}

/// Times the statistics page's count over the open repository, the page's own code path
/// (`ui::stats::counting::count_books`, a page of books at a time) and the report for this year.
#[wasm_bindgen]
pub async fn ours_stats_total() -> Result<JsValue, JsValue> {
    use crate::ui::stats::counting::count_books;
    let repository = repository()?;
    let today = crate::browser::today();
    let start = now()?;
    let mut last = start;
    let mut longest = 0.0_f64;
    let stats = count_books(&repository, today, |_, _| {
        let at = now().unwrap_or(last);
        longest = longest.max(at - last);
        last = at;
        true
    })
    .await
    .map_err(failed)?
    .ok_or_else(|| JsValue::from_str("statistics: the count was given up"))?;
    let report = stats.report(i32::from(today.year()));
    let ms = now()? - start;
    let read = report
        .years
        .iter()
        .map(|(_, books, _)| *books)
        .max()
        .unwrap_or(0);
    to_js(&StatsTimes {
        ms,
        rows: report.books as f64,
        longest_page_ms: longest,
        read: read as f64,
    })
}
