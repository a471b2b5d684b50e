//! What the store already holds of an import's books — ids in use, ISBNs (by the ISBN index),
//! folded titles and authors (by the in-memory search index) — so that its preview can say which
//! books look like duplicates before anything is written.

use futures::future::join_all;
use rexie::{KeyRange, TransactionMode};
use wasm_bindgen::JsValue;

use super::codec::id_of;
use super::error::Result;
use super::repository::{books_store, BookRepository};
use super::schema::{BOOKS, BY_ISBN};
use super::transaction::browser_error;
use crate::book::BookId;
use crate::transfer::{Existing, Probe};

const OPERATION: &str = "look for books already stored";
/// ISBNs looked up per transaction (every lookup of a batch is issued before any is awaited).
const ISBN_BATCH: usize = 5_000;

impl BookRepository {
    /// Which of the probe's ids are in use, and which stored books share its ISBNs or names.
    pub async fn existing(&self, probe: &Probe) -> Result<Existing> {
        let mut existing = Existing::default();
        if probe.is_empty() {
            return Ok(existing);
        }
        self.load_search_index().await?;
        if let Some(index) = self.inner.search.borrow().as_ref() {
            index.for_each_entry(|id, title, author| existing.note(probe, id, title, author));
        }
        for batch in probe.isbns.chunks(ISBN_BATCH) {
            for (isbn, id) in batch.iter().zip(self.isbn_owners(batch).await?) {
                if let Some(id) = id {
                    existing.isbns.insert(isbn.clone(), id);
                }
            }
        }
        Ok(existing)
    }

    /// For each ISBN, a stored book that has it, if any; one read-only transaction.
    async fn isbn_owners(&self, isbns: &[String]) -> Result<Vec<Option<BookId>>> {
        let _slot = self.slot().await;
        let transaction = self.transaction(&[BOOKS], TransactionMode::ReadOnly, OPERATION)?;
        let index = books_store(&transaction, OPERATION)?
            .index(BY_ISBN)
            .map_err(|error| browser_error(OPERATION, error))?;
        let lookups = isbns.iter().map(|isbn| {
            let index = &index;
            async move {
                let only = KeyRange::only(&JsValue::from_str(isbn))
                    .map_err(|error| browser_error(OPERATION, error.into()))?;
                let keys = index
                    .get_all_keys(Some(only), Some(1))
                    .await
                    .map_err(|error| browser_error(OPERATION, error))?;
                keys.first().map(|key| id_of(key, OPERATION)).transpose()
            }
        });
        join_all(lookups).await.into_iter().collect()
    }
}
