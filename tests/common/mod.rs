//! What the browser tests of the repository share: a freshly deleted database, opened; every
//! book in id order; a database as version 1 left it, with the records given; and a wrapped
//! `IDBDatabase.prototype.transaction` that counts the transactions still open, seen from JS.
#![allow(dead_code)]

use js_sys::{Function, Reflect};
use wasm_bindgen::JsValue;

use bookshelf::book::Book;
use bookshelf::store::schema::{self, BOOKS};
use bookshelf::store::{BookRepository, PageRequest};
use rexie::{Rexie, TransactionMode};

/// The database `name`, deleted and opened afresh (empty, at this build's version).
pub async fn fresh(name: &str) -> BookRepository {
    let _ = Rexie::delete(name).await;
    match BookRepository::open(name).await {
        Ok(repository) => repository,
        Err(error) => panic!("open {name}: {error}"),
    }
}

/// Every stored book, in id order.
pub async fn all(repository: &BookRepository) -> Vec<Book> {
    let request = PageRequest {
        after: None,
        limit: 100_000,
    };
    repository.list(request).await.unwrap()
}

/// The database `name` as version 1 left it, holding `records` (JSON text, ids from the key
/// generator), closed again.
pub async fn version_one(name: &str, records: &[&str]) {
    let _ = Rexie::delete(name).await;
    let old = schema::builder(name, 1).build().await.unwrap();
    let transaction = old
        .transaction(&[BOOKS], TransactionMode::ReadWrite)
        .unwrap();
    let store = transaction.store(BOOKS).unwrap();
    for record in records {
        let value = js_sys::JSON::parse(record).unwrap();
        store.add(&value, None).await.unwrap();
    }
    transaction.done().await.unwrap();
    old.close();
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
