//! What the browser tests of the repository share: a freshly deleted database, opened; every
//! book in id order; a database as version 1 left it, with the records given.
#![allow(dead_code)]

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
