//! What the store already holds of an import's books — ids in use and ever used, uids and
//! ISBNs (by their indexes),
//! folded titles and authors (by the in-memory search index) — so that its preview can say which
//! books look like duplicates before anything is written.

#![cfg(target_arch = "wasm32")]

use futures::future::join_all;
use rexie::{Direction, KeyRange, TransactionMode};
use wasm_bindgen::JsValue;

use super::codec::id_of;
use super::connection::BookRepository;
use super::error::Result;
use super::repository::{books_store, high_water};
use super::schema::{BOOKS, BY_ISBN, BY_UID, META};
use super::transaction::{browser_error, end_read};
use crate::book::BookId;
use crate::lookup::{Existing, Probe};

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
        if let Some(index) = self.inner.search.index.borrow().as_ref() {
            index.for_each_entry(|id, title, author| existing.note(probe, id, title, author));
        }
        for batch in probe.isbns.chunks(ISBN_BATCH) {
            for (isbn, id) in batch.iter().zip(self.owners(BY_ISBN, batch).await?) {
                if let Some(id) = id {
                    existing.isbns.insert(isbn.clone(), id);
                }
            }
        }
        for batch in probe.uids.chunks(ISBN_BATCH) {
            for (uid, id) in batch.iter().zip(self.owners(BY_UID, batch).await?) {
                if let Some(id) = id {
                    existing.uids.insert(uid.clone(), id);
                }
            }
        }
        existing.high_water = self.high_water().await?;
        Ok(existing)
    }

    /// The largest id any book has had here: the last stored one, or a larger one deleted.
    async fn high_water(&self) -> Result<BookId> {
        let _slot = self.slot().await;
        let transaction = self.transaction(&[BOOKS, META], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = async {
            let last = books_store(&transaction, OPERATION)?
                .scan(None, Some(1), None, Some(Direction::Prev))
                .await
                .map_err(|error| browser_error(OPERATION, error))?;
            let last = match last.first() {
                Some((key, _)) => id_of(key, OPERATION)?,
                None => 0,
            };
            Ok(last.max(high_water(&transaction, OPERATION).await?))
        }
        .await;
        end_read(transaction, outcome).await
    }

    /// For each value, a stored book that has it in the index `index`, if any; one read-only
    /// transaction.
    async fn owners(&self, index: &str, values: &[String]) -> Result<Vec<Option<BookId>>> {
        let _slot = self.slot().await;
        let transaction = self.transaction(&[BOOKS], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = async {
            let index = books_store(&transaction, OPERATION)?
                .index(index)
                .map_err(|error| browser_error(OPERATION, error))?;
            let lookups = values.iter().map(|isbn| {
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
        .await;
        end_read(transaction, outcome).await
    }
}
