//! The two halves of every sync transaction that changes books: loading the books (by uid) with
//! their sync states, and writing back what the states decided — books, states with new sequence
//! numbers, and the search chunks of the books touched.

use std::collections::BTreeMap;

use futures::future::join_all;
use rexie::Transaction;
use wasm_bindgen::JsValue;

use super::{fail, only, store, SEQ_KEY};
use crate::book::{Book, BookId};
use crate::search::{self, chunk_of};
use crate::store::chunks;
use crate::store::codec::{from_js, id_of, key, to_js};
use crate::store::counter;
use crate::store::error::Result;
use crate::store::record::Record;
use crate::store::repository::raise_high_water;
use crate::store::schema::{BOOKS, BY_UID, META, REVS, SEARCH};
use crate::sync::doc;
use crate::sync::state::{hash_of, BookChange, DocState};

/// One book loaded in a sync transaction: the book here (if any) and its sync state.
pub(super) struct Loaded {
    pub(super) book: Option<Book>,
    pub(super) state: DocState,
    pub(super) stored: Option<DocState>,
}

/// What a sync transaction wrote: books stored and books removed (for the search index).
#[derive(Default)]
pub(super) struct Written {
    pub(super) stored: Vec<Book>,
    pub(super) removed: Vec<BookId>,
    /// How many of `stored` are new books (the others were here).
    pub(super) added: usize,
    pub(super) changed_states: usize,
}

/// Loads the books (by uid) and their sync states, every read issued at once.
pub(super) async fn load(
    transaction: &Transaction,
    uids: &[String],
    operation: &'static str,
) -> Result<Vec<Loaded>> {
    let books = store(transaction, BOOKS, operation)?;
    let by_uid = books.index(BY_UID).map_err(fail(operation))?;
    let revs = store(transaction, REVS, operation)?;
    let mut ranges = Vec::with_capacity(uids.len());
    for uid in uids {
        ranges.push(only(uid, operation)?);
    }
    let found_books = join_all(
        ranges
            .into_iter()
            .map(|range| by_uid.get_all(Some(range), Some(1))),
    );
    let found_states = join_all(uids.iter().map(|uid| revs.get(JsValue::from_str(uid))));
    let (found_books, found_states) = futures::join!(found_books, found_states);
    let mut loaded = Vec::with_capacity(uids.len());
    for ((uid, book), state) in uids.iter().zip(found_books).zip(found_states) {
        let book = match book.map_err(fail(operation))?.into_iter().next() {
            Some(value) => from_js::<Record>(value, operation)?.into_book(),
            None => None,
        };
        let stored = match state.map_err(fail(operation))? {
            Some(value) => Some(from_js::<DocState>(value, operation)?),
            None => None,
        };
        let state = stored.clone().unwrap_or_else(|| DocState::new(uid));
        loaded.push(Loaded {
            book,
            state,
            stored,
        });
    }
    Ok(loaded)
}

/// Writes what the sync states decided: each book as its change says, each changed state with a
/// new sequence number, and the search chunks of the books touched.
pub(super) async fn write(
    transaction: &Transaction,
    mut loaded: Vec<(Loaded, BookChange)>,
    operation: &'static str,
) -> Result<Written> {
    let books = store(transaction, BOOKS, operation)?;
    let revs = store(transaction, REVS, operation)?;
    let meta = store(transaction, META, operation)?;
    let mut seq = meta
        .get(JsValue::from_str(SEQ_KEY))
        .await
        .map_err(fail(operation))?
        .and_then(|value| value.as_f64())
        .unwrap_or(0.0) as u64;
    let mut written = Written::default();
    for (item, change) in &mut loaded {
        match std::mem::replace(change, BookChange::Keep) {
            BookChange::Keep => {}
            BookChange::Put(body) => {
                let Some(new) =
                    doc::book_of(&item.state.id, &body).and_then(|book| book.validated().ok())
                else {
                    continue;
                };
                let book = match &item.book {
                    Some(existing) => {
                        let book = new.with_id(existing.id);
                        books
                            .put(&to_js(&Record::from_book(&book), operation)?, None)
                            .await
                            .map_err(fail(operation))?;
                        book
                    }
                    None => {
                        let key = books
                            .add(&to_js(&Record::from_new(&new), operation)?, None)
                            .await
                            .map_err(fail(operation))?;
                        written.added += 1;
                        new.with_id(id_of(&key, operation)?)
                    }
                };
                // The hash of the book as stored, read back the way a later edit will be.
                item.state.hash = hash_of(&doc::body_of(&book));
                written.stored.push(book.clone());
                item.book = Some(book);
            }
            BookChange::Remove => {
                if let Some(book) = item.book.take() {
                    books.delete(key(book.id)).await.map_err(fail(operation))?;
                    raise_high_water(transaction, book.id, operation).await?;
                    written.removed.push(book.id);
                }
            }
        }
        if item.stored.as_ref() != Some(&item.state) {
            seq += 1;
            item.state.seq = seq;
            revs.put(
                &to_js(&item.state, operation)?,
                Some(&JsValue::from_str(&item.state.id)),
            )
            .await
            .map_err(fail(operation))?;
            written.changed_states += 1;
        }
    }
    meta.put(
        &JsValue::from_f64(seq as f64),
        Some(&JsValue::from_str(SEQ_KEY)),
    )
    .await
    .map_err(fail(operation))?;
    counter::change(&meta, written.added, written.removed.len(), operation).await?;
    let search = store(transaction, SEARCH, operation)?;
    chunks::upsert_all(&search, &written.stored, operation).await?;
    let mut by_chunk: BTreeMap<u64, Vec<BookId>> = BTreeMap::new();
    for id in &written.removed {
        by_chunk.entry(chunk_of(*id)).or_default().push(*id);
    }
    for (chunk, ids) in by_chunk {
        let mut bytes = chunks::read(&search, chunk, operation).await?;
        for id in ids {
            search::remove(&mut bytes, id);
        }
        chunks::write(&search, chunk, &bytes, operation).await?;
    }
    Ok(written)
}
