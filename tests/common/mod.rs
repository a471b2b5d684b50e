//! What the browser tests of the repository share: a freshly deleted database, opened; every
//! book in id order; databases as older versions left them (`old_versions`, frozen) and checks
//! that an upgrade kept every record and sorts and searches them; and a wrapped
//! `IDBDatabase.prototype.transaction` that counts the transactions still open, seen from JS.
#![allow(dead_code)]

use std::collections::HashSet;

use bookshelf::book::{Book, NewBook, Status};
use bookshelf::query::{Direction, Filter, PageStart, Sort, SortField};
use bookshelf::store::{BookRepository, PageRequest};
use js_sys::{Array, Function, Reflect};
use rexie::Rexie;
use wasm_bindgen::JsValue;

pub mod old_versions;

/// The database `name`, deleted and opened afresh (empty, at this build's version).
pub async fn fresh(name: &str) -> BookRepository {
    let _ = Rexie::delete(name).await;
    match BookRepository::open(name).await {
        Ok(repository) => repository,
        Err(error) => panic!("open {name}: {error}"),
    }
}

/// The database `name`, deleted and opened afresh, holding `book` alone (returned as stored).
pub async fn fresh_with(name: &str, book: NewBook) -> (BookRepository, Book) {
    let repository = fresh(name).await;
    let stored = repository.create(book).await.unwrap();
    (repository, stored)
}

/// The strings a test's JS collected in the global array `name` (`globalThis[name]`).
pub fn global_strings(name: &str) -> Vec<String> {
    let list = Reflect::get(&js_sys::global(), &name.into()).unwrap();
    Array::from(&list)
        .iter()
        .filter_map(|value| value.as_string())
        .collect()
}

/// Every stored book, in id order.
pub async fn all(repository: &BookRepository) -> Vec<Book> {
    let request = PageRequest {
        after: None,
        limit: 100_000,
    };
    repository.list(request).await.unwrap()
}

/// Asserts that `books` are the `records` an old version stored (JSON, as in [`old_versions`]),
/// one for one in id order: ids, text fields and details as they were, and now a uid each.
pub fn assert_kept(books: &[Book], records: &str) {
    let records: Vec<serde_json::Value> = serde_json::from_str(records).unwrap();
    assert_eq!(books.len(), records.len(), "every record kept, none added");
    for (book, record) in books.iter().zip(&records) {
        let text = |field: &str| record[field].as_str().map(str::to_owned);
        let number = |field: &str| record[field].as_i64();
        assert_eq!(Some(book.id as i64), number("id"), "{record}");
        assert_eq!(Some(&book.title), text("title").as_ref(), "{record}");
        assert_eq!(Some(&book.author), text("author").as_ref(), "{record}");
        assert_eq!(Some(&book.genre), text("genre").as_ref(), "{record}");
        assert_eq!(book.isbn, text("isbn"), "{record}");
        assert_eq!(book.year.map(i64::from), number("year"), "{record}");
        // Whole stars then, quarter stars now; the shelf is now the status.
        let rating = record["rating"].as_f64();
        assert_eq!(book.rating.map(|stars| stars.stars()), rating, "{record}");
        let status = text("shelf").and_then(|shelf| Status::from_shelf_name(&shelf));
        assert_eq!(book.status, status, "{record}");
    }
    let uids: HashSet<&str> = books.iter().map(|book| book.uid.as_str()).collect();
    assert_eq!(uids.len(), books.len(), "a uid of its own for every record");
    assert!(!uids.contains(""));
}

/// Asserts that searching for everything lists the books in the index's order, in every sort
/// field and direction, and returns the titles in each of those orders.
pub async fn assert_search_agrees_with_the_index(
    repository: &BookRepository,
) -> Vec<(Sort, Vec<String>)> {
    let mut orders = Vec::new();
    for sort in all_sorts() {
        let page = repository
            .page(sort, PageStart::Position(0), 100_000)
            .await
            .unwrap();
        let by_index: Vec<u64> = page.iter().map(|book| book.id).collect();
        let by_search = repository.matching(&Filter::default(), sort).await.unwrap();
        assert_eq!(by_search, by_index, "search against the index, {sort:?}");
        orders.push((sort, page.into_iter().map(|book| book.title).collect()));
    }
    orders
}

/// Every sort: each field, both ways.
pub fn all_sorts() -> Vec<Sort> {
    let mut sorts = Vec::new();
    for field in SortField::ALL {
        for direction in [Direction::Ascending, Direction::Descending] {
            sorts.push(Sort { field, direction });
        }
    }
    sorts
}

/// The titles in `sort` order, from what [`assert_search_agrees_with_the_index`] returned.
pub fn titles_in(orders: &[(Sort, Vec<String>)], field: SortField) -> Vec<&str> {
    let ascending = Sort {
        field,
        direction: Direction::Ascending,
    };
    orders
        .iter()
        .find(|(sort, _)| *sort == ascending)
        .map(|(_, titles)| titles.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

/// Wraps `IDBDatabase.prototype.transaction` (on every connection, rexie's or plain) to count,
/// from outside the repository, the transactions created and not yet ended (`complete` or
/// `abort`: a transaction always ends in one of them), and the most ever open at once. Read it
/// with [`peak_open_transactions`]; undo it with [`restore_transactions`].
pub fn count_open_transactions() {
    Function::new_no_args(
        r#"
        const proto = IDBDatabase.prototype;
        if (!proto.__original) proto.__original = proto.transaction;
        globalThis.__open = 0;
        globalThis.__peak = 0;
        proto.transaction = function (...args) {
          const tx = proto.__original.apply(this, args);
          globalThis.__open += 1;
          globalThis.__peak = Math.max(globalThis.__peak, globalThis.__open);
          let ended = false;
          const end = () => { if (!ended) { ended = true; globalThis.__open -= 1; } };
          tx.addEventListener('complete', end);
          tx.addEventListener('abort', end);
          return tx;
        };
        "#,
    )
    .call0(&JsValue::NULL)
    .unwrap();
}

/// The most transactions open at once since [`count_open_transactions`], and how many are open now.
pub fn peak_open_transactions() -> (u32, u32) {
    let read = |name: &str| {
        Reflect::get(&js_sys::global(), &name.into())
            .unwrap()
            .as_f64()
            .unwrap() as u32
    };
    (read("__peak"), read("__open"))
}

/// Puts back the browser's own `IDBDatabase.prototype.transaction`.
pub fn restore_transactions() {
    Function::new_no_args(
        "const p = IDBDatabase.prototype; if (p.__original) { p.transaction = p.__original; delete p.__original; }",
    )
    .call0(&JsValue::NULL)
    .unwrap();
}

/// The number of books the database `name` keeps in `meta` (`None` if it keeps none) and
/// IndexedDB's own count of its books, read on a connection of their own.
pub async fn kept_and_counted(name: &str) -> (Option<u64>, u64) {
    use bookshelf::store::schema::{self, BOOKS, META};
    let database = schema::builder(name, schema::VERSION)
        .build()
        .await
        .unwrap();
    let transaction = database
        .transaction(&[BOOKS, META], rexie::TransactionMode::ReadOnly)
        .unwrap();
    let kept = transaction
        .store(META)
        .unwrap()
        .get(JsValue::from_str("count"))
        .await
        .unwrap()
        .and_then(|value| value.as_f64())
        .map(|count| count as u64);
    let counted = transaction.store(BOOKS).unwrap().count(None).await.unwrap();
    transaction.done().await.unwrap();
    database.close();
    (kept, u64::from(counted))
}

/// Asserts that the repository's count, the number `name` keeps and IndexedDB's own count are
/// all `want` (after `step`).
pub async fn assert_count(repository: &BookRepository, name: &str, want: u64, step: &str) {
    assert_eq!(
        repository.count().await.unwrap(),
        want,
        "count after {step}"
    );
    let (kept, counted) = kept_and_counted(name).await;
    assert_eq!(counted, want, "IndexedDB's count after {step}");
    assert_eq!(kept, Some(want), "the number kept after {step}");
}
