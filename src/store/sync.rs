//! Sync's side of the repository: every book's revision tree (`revs`, by uid), the queue of local
//! changes that every write adds to in its own transaction (`changes`), and the transactions that
//! give those changes revisions, read what to send, and take in what came — each one IndexedDB
//! transaction over the books, their search chunks and their revision trees together, so that a
//! sync cut short never leaves a book without its revision or a revision without its book.
//! What each change means for a book is decided in plain Rust (`crate::sync::state`).

#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use futures::future::join_all;
use rexie::{KeyRange, Store, Transaction, TransactionMode};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_bindgen::JsValue;

use super::chunks;
use super::codec::{from_js, id_of, key, to_js};
use super::connection::BookRepository;
use super::error::{Result, StoreError};
use super::identity::new_uids;
use super::record::Record;
use super::repository::{raise_high_water, read_book};
use super::schema::{BOOKS, BY_SEQ, BY_UID, CHANGES, META, REVS, SEARCH};
use super::transaction::{browser_error, end_read, settle};
use crate::book::{Book, BookId, NewBook};
use crate::search::{self, chunk_of};
use crate::sync::doc::{self, Incoming};
use crate::sync::state::{hash_of, BookChange, DocState, REVS_LIMIT};
use crate::sync::tree::Rev;

/// The most uids one queue entry holds (a large import writes several).
pub(crate) const UIDS_PER_CHANGE: usize = 10_000;
/// How many books one sync transaction handles.
const BATCH: usize = 500;
const SEQ_KEY: &str = "sync_seq";
const PEER_KEY: &str = "sync_peer";
const CHECKPOINT_PREFIX: &str = "sync_checkpoint:";

/// An entry of the queue of local changes.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Change {
    /// The books (by uid) one write changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    uids: Vec<String>,
    /// Every book stored (the upgrade to version 6 queued them all); walked by id.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    all: bool,
    /// Every book was deleted: every revision tree is looked at; walked by uid.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    cleared: bool,
    /// How far a walk has gone: the last book id (`all`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after_id: Option<f64>,
    /// How far a walk has gone: the last uid (`cleared`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after_uid: Option<String>,
}

/// The queue entry of a write that changed these books.
pub(crate) fn change_of(uids: &[&str]) -> JsValue {
    let list: js_sys::Array = uids.iter().map(|uid| JsValue::from_str(uid)).collect();
    let entry = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&entry, &JsValue::from_str("uids"), &list);
    entry.into()
}

/// The queue entry that says every stored book is to be looked at.
pub(crate) fn every_book_change(operation: &'static str) -> Result<JsValue> {
    to_js(
        &Change {
            all: true,
            ..Change::default()
        },
        operation,
    )
}

/// The queue entry that says every book was deleted.
pub(crate) fn cleared_change() -> JsValue {
    let entry = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&entry, &JsValue::from_str("cleared"), &JsValue::TRUE);
    entry.into()
}

/// A book in conflict: the version it shows and the others kept, to choose from.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The book as shown (CouchDB's winner).
    pub shown: Book,
    /// The other versions, each with its revision.
    pub others: Vec<(String, NewBook)>,
}

/// One book loaded in a sync transaction: the book here (if any) and its sync state.
struct Loaded {
    book: Option<Book>,
    state: DocState,
    stored: Option<DocState>,
}

/// What a sync transaction wrote: books stored and books removed (for the search index).
#[derive(Default)]
struct Written {
    stored: Vec<Book>,
    removed: Vec<BookId>,
    changed_states: usize,
}

fn fail(operation: &'static str) -> impl Fn(rexie::Error) -> StoreError {
    move |error| browser_error(operation, error)
}

fn store(transaction: &Transaction, name: &str, operation: &'static str) -> Result<Store> {
    transaction.store(name).map_err(fail(operation))
}

fn only(text: &str, operation: &'static str) -> Result<KeyRange> {
    KeyRange::only(&JsValue::from_str(text)).map_err(|error| browser_error(operation, error.into()))
}

/// Loads the books (by uid) and their sync states, every read issued at once.
async fn load(
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
async fn write(
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

impl BookRepository {
    /// A transaction that writes books as sync decides: the books, their search chunks, the
    /// sequence number in `meta` and the revision trees.
    fn sync_write(&self, operation: &'static str) -> Result<Transaction> {
        self.transaction(
            &[BOOKS, SEARCH, META, REVS],
            TransactionMode::ReadWrite,
            operation,
        )
    }

    /// This database's own name as a sync peer (random, made once, kept).
    pub async fn sync_peer(&self) -> Result<String> {
        const OPERATION: &str = "read this catalogue's sync identity";
        if let Some(peer) = self.meta_text(PEER_KEY, OPERATION).await? {
            return Ok(peer);
        }
        let peer = new_uids(1, OPERATION)?.pop().unwrap_or_default();
        self.set_meta_text(PEER_KEY, &peer, OPERATION).await?;
        Ok(peer)
    }

    /// The checkpoint kept here for replication `id` (a JSON document), if any.
    pub async fn sync_checkpoint(&self, id: &str) -> Result<Option<Value>> {
        const OPERATION: &str = "read the sync checkpoint";
        let text = self
            .meta_text(&format!("{CHECKPOINT_PREFIX}{id}"), OPERATION)
            .await?;
        Ok(text.and_then(|text| serde_json::from_str(&text).ok()))
    }

    /// Keeps the checkpoint of replication `id`.
    pub async fn set_sync_checkpoint(&self, id: &str, checkpoint: &Value) -> Result<()> {
        const OPERATION: &str = "keep the sync checkpoint";
        let key = format!("{CHECKPOINT_PREFIX}{id}");
        self.set_meta_text(&key, &checkpoint.to_string(), OPERATION)
            .await
    }

    async fn meta_text(&self, key: &str, operation: &'static str) -> Result<Option<String>> {
        let _slot = self.slot().await;
        let transaction = self.transaction(&[META], TransactionMode::ReadOnly, operation)?;
        let outcome = async {
            let meta = store(&transaction, META, operation)?;
            let value = meta
                .get(JsValue::from_str(key))
                .await
                .map_err(fail(operation))?;
            Ok(value.and_then(|value| value.as_string()))
        }
        .await;
        end_read(transaction, outcome).await
    }

    async fn set_meta_text(&self, key: &str, text: &str, operation: &'static str) -> Result<()> {
        let _slot = self.slot().await;
        let transaction = self.transaction(&[META], TransactionMode::ReadWrite, operation)?;
        let outcome = async {
            store(&transaction, META, operation)?
                .put(&JsValue::from_str(text), Some(&JsValue::from_str(key)))
                .await
                .map_err(fail(operation))?;
            Ok(())
        }
        .await;
        settle(transaction, outcome, operation).await
    }

    /// Gives a revision to every local change queued since the last time (an edit becomes a
    /// new revision, a deletion a tombstone); returns how many books got one.
    pub async fn take_in_local_changes(&self) -> Result<usize> {
        let mut total = 0;
        loop {
            let (revised, more) = self.take_in_some().await?;
            total += revised;
            if !more {
                return Ok(total);
            }
        }
    }

    /// One transaction of [`take_in_local_changes`](Self::take_in_local_changes): up to
    /// [`BATCH`] books from the front of the queue. Returns (books revised, more to do).
    async fn take_in_some(&self) -> Result<(usize, bool)> {
        const OPERATION: &str = "prepare the changes for sync";
        let _slot = self.slot().await;
        let transaction = self.transaction(
            &[BOOKS, SEARCH, META, REVS, CHANGES],
            TransactionMode::ReadWrite,
            OPERATION,
        )?;
        let outcome = async {
            let uids = next_queued(&transaction, OPERATION).await?;
            let Some(uids) = uids else {
                return Ok((Written::default(), false));
            };
            let loaded = load(&transaction, &uids, OPERATION).await?;
            let decided = loaded
                .into_iter()
                .map(|mut item| {
                    let change = match &item.book {
                        Some(book) => {
                            item.state.local_edit(Some(&doc::body_of(book)));
                            BookChange::Keep
                        }
                        None => item.state.local_delete(),
                    };
                    (item, change)
                })
                .collect();
            Ok((write(&transaction, decided, OPERATION).await?, true))
        }
        .await;
        let (written, more) = settle(transaction, outcome, OPERATION).await?;
        self.remember_written(&written);
        Ok((written.changed_states, more))
    }

    fn remember_written(&self, written: &Written) {
        if written.stored.is_empty() && written.removed.is_empty() {
            return;
        }
        self.remember(|index| {
            index.upsert_all(&written.stored);
            for id in &written.removed {
                index.remove(*id);
            }
        });
    }

    /// The sync states changed after local sequence `since`, in sequence order, at most `limit`.
    pub async fn sync_changes_since(&self, since: u64, limit: u32) -> Result<Vec<DocState>> {
        const OPERATION: &str = "read the changes to sync";
        let _slot = self.slot().await;
        let transaction = self.transaction(&[REVS], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = async {
            let range = KeyRange::lower_bound(&JsValue::from_f64(since as f64), Some(true))
                .map_err(|error| browser_error(OPERATION, error.into()))?;
            store(&transaction, REVS, OPERATION)?
                .index(BY_SEQ)
                .map_err(fail(OPERATION))?
                .get_all(Some(range), Some(limit.max(1)))
                .await
                .map_err(fail(OPERATION))
        }
        .await;
        end_read(transaction, outcome)
            .await?
            .into_iter()
            .map(|value| from_js::<DocState>(value, OPERATION))
            .collect()
    }

    /// How many books changed here after `since` that server `from` does not already have (at
    /// most `cap`; more is reported as `cap`). Local changes are given revisions first.
    pub async fn sync_waiting(&self, since: u64, from: &str, cap: u32) -> Result<u64> {
        self.take_in_local_changes().await?;
        let states = self.sync_changes_since(since, cap).await?;
        Ok(states.iter().filter(|state| state.from != from).count() as u64)
    }

    /// Of these revisions (by document), the ones this database lacks (a local `_revs_diff`).
    pub async fn sync_missing(
        &self,
        wanted: &[(String, Vec<Rev>)],
    ) -> Result<Vec<(String, Vec<Rev>)>> {
        const OPERATION: &str = "compare revisions";
        let _slot = self.slot().await;
        let transaction = self.transaction(&[REVS], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = async {
            let revs = store(&transaction, REVS, OPERATION)?;
            let states =
                join_all(wanted.iter().map(|(id, _)| revs.get(JsValue::from_str(id)))).await;
            let mut missing = Vec::new();
            for ((id, wanted), state) in wanted.iter().zip(states) {
                let lacking: Vec<Rev> = match state.map_err(fail(OPERATION))? {
                    Some(value) => from_js::<DocState>(value, OPERATION)?
                        .tree
                        .missing(wanted)
                        .into_iter()
                        .cloned()
                        .collect(),
                    None => wanted.clone(),
                };
                if !lacking.is_empty() {
                    missing.push((id.clone(), lacking));
                }
            }
            Ok(missing)
        }
        .await;
        end_read(transaction, outcome).await
    }

    /// The documents to send for these revisions (by document id): each with its body and
    /// history, ready for `_bulk_docs` with `new_edits: false`.
    pub async fn sync_documents(&self, wanted: &[(String, Vec<Rev>)]) -> Result<Vec<Value>> {
        const OPERATION: &str = "read the books to send";
        let uids: Vec<String> = wanted.iter().map(|(id, _)| id.clone()).collect();
        let _slot = self.slot().await;
        let transaction = self.transaction(&[BOOKS, REVS], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = load(&transaction, &uids, OPERATION).await;
        let loaded = end_read(transaction, outcome).await?;
        let mut documents = Vec::new();
        for (item, (_, revs)) in loaded.iter().zip(wanted) {
            let current = item.book.as_ref().map(doc::body_of);
            for rev in revs {
                let (Ok(body), Some(history)) = (
                    item.state.body_for(rev, current.as_deref()),
                    item.state.tree.history(rev, REVS_LIMIT),
                ) else {
                    continue;
                };
                documents.push(doc::outgoing(
                    &item.state.id,
                    rev,
                    &history,
                    body.as_deref(),
                ));
            }
        }
        Ok(documents)
    }

    /// Takes in documents from server `from`: merges each into its book's revision tree (after
    /// any local edit of it) and makes the book what the winner says, in one transaction.
    /// Returns how many books were added, changed or removed here.
    pub async fn sync_apply(&self, from: &str, incoming: Vec<Incoming>) -> Result<usize> {
        const OPERATION: &str = "store the books received";
        let mut by_id: BTreeMap<String, Vec<Incoming>> = BTreeMap::new();
        for document in incoming {
            by_id.entry(document.id.clone()).or_default().push(document);
        }
        let uids: Vec<String> = by_id.keys().cloned().collect();
        let _slot = self.slot().await;
        let transaction = self.sync_write(OPERATION)?;
        let outcome = async {
            let loaded = load(&transaction, &uids, OPERATION).await?;
            let decided = loaded
                .into_iter()
                .zip(by_id.values())
                .map(|(mut item, incoming)| {
                    let current = item.book.as_ref().map(doc::body_of);
                    let change = item.state.merge(incoming, current.as_deref());
                    let sent: Vec<Rev> = incoming
                        .iter()
                        .filter_map(|document| document.revisions.newest())
                        .collect();
                    let all_sent = item
                        .state
                        .tree
                        .leaves()
                        .iter()
                        .all(|leaf| sent.contains(&leaf.rev));
                    item.state.from = if all_sent {
                        from.to_owned()
                    } else {
                        String::new()
                    };
                    (item, change)
                })
                .collect();
            write(&transaction, decided, OPERATION).await
        }
        .await;
        let written = settle(transaction, outcome, OPERATION).await?;
        self.remember_written(&written);
        Ok(written.stored.len() + written.removed.len())
    }

    /// The book's versions to choose from, when it was edited on two devices while apart.
    pub async fn conflict(&self, id: BookId) -> Result<Option<Conflict>> {
        const OPERATION: &str = "read the book's versions";
        let _slot = self.slot().await;
        let transaction = self.transaction(&[BOOKS, REVS], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = async {
            let books = store(&transaction, BOOKS, OPERATION)?;
            let Some(book) = read_book(&books, id, OPERATION).await? else {
                return Ok(None);
            };
            let state = store(&transaction, REVS, OPERATION)?
                .get(JsValue::from_str(&book.uid))
                .await
                .map_err(fail(OPERATION))?;
            let Some(state) = state else {
                return Ok(None);
            };
            let state: DocState = from_js(state, OPERATION)?;
            let others: Vec<(String, NewBook)> = state
                .conflicting_bodies()
                .into_iter()
                .filter_map(|(rev, body)| Some((rev.to_string(), doc::book_of(&book.uid, &body)?)))
                .collect();
            Ok((!others.is_empty()).then_some(Conflict {
                shown: book,
                others,
            }))
        }
        .await;
        end_read(transaction, outcome).await
    }

    /// Resolves the book's conflict: it becomes the version of revision `keep` (`None`: the one
    /// shown) and every other version is deleted, here now and everywhere once synced.
    pub async fn resolve_conflict(&self, id: BookId, keep: Option<&str>) -> Result<Book> {
        const OPERATION: &str = "keep the chosen version";
        let _slot = self.slot().await;
        let transaction = self.sync_write(OPERATION)?;
        let outcome = async {
            let books = store(&transaction, BOOKS, OPERATION)?;
            let book = read_book(&books, id, OPERATION)
                .await?
                .ok_or(StoreError::NotFound(id))?;
            let mut loaded = load(&transaction, std::slice::from_ref(&book.uid), OPERATION).await?;
            let Some(mut item) = loaded.pop() else {
                return Err(StoreError::NotFound(id));
            };
            let current = doc::body_of(&book);
            let chosen = match keep {
                Some(rev) => item
                    .state
                    .others
                    .get(rev)
                    .cloned()
                    .ok_or(StoreError::NotFound(id))?,
                None => current.clone(),
            };
            let change = item.state.resolve(&chosen, Some(&current));
            let written = write(&transaction, vec![(item, change)], OPERATION).await?;
            Ok((written.stored.first().cloned().unwrap_or(book), written))
        }
        .await;
        let (book, written) = settle(transaction, outcome, OPERATION).await?;
        self.remember_written(&written);
        Ok(book)
    }
}

/// Takes up to [`BATCH`] uids from the front of the queue of local changes, deleting or
/// shortening the entries taken; `None` when the queue is empty.
async fn next_queued(
    transaction: &Transaction,
    operation: &'static str,
) -> Result<Option<Vec<String>>> {
    let changes = store(transaction, CHANGES, operation)?;
    let entries = changes
        .scan(None, Some(20), None, None)
        .await
        .map_err(fail(operation))?;
    if entries.is_empty() {
        return Ok(None);
    }
    let mut uids: Vec<String> = Vec::new();
    for (entry_key, value) in entries {
        let room = BATCH.saturating_sub(uids.len());
        if room == 0 {
            break;
        }
        let mut change: Change = from_js(value, operation)?;
        let done = if change.all {
            let range = match change.after_id {
                Some(after) => Some(
                    KeyRange::lower_bound(&JsValue::from_f64(after), Some(true))
                        .map_err(|error| browser_error(operation, error.into()))?,
                ),
                None => None,
            };
            let page = store(transaction, BOOKS, operation)?
                .scan(range, Some(room as u32), None, None)
                .await
                .map_err(fail(operation))?;
            let count = page.len();
            for (book_key, value) in page {
                change.after_id = book_key.as_f64().or(change.after_id);
                if let Some(book) = from_js::<Record>(value, operation)?.into_book() {
                    uids.push(book.uid);
                }
            }
            count < room
        } else if change.cleared {
            let range = match &change.after_uid {
                Some(after) => Some(
                    KeyRange::lower_bound(&JsValue::from_str(after), Some(true))
                        .map_err(|error| browser_error(operation, error.into()))?,
                ),
                None => None,
            };
            let keys = store(transaction, REVS, operation)?
                .get_all_keys(range, Some(room as u32))
                .await
                .map_err(fail(operation))?;
            let count = keys.len();
            for uid in keys.into_iter().filter_map(|key| key.as_string()) {
                change.after_uid = Some(uid.clone());
                uids.push(uid);
            }
            count < room
        } else {
            let rest = change.uids.split_off(change.uids.len().min(room));
            uids.append(&mut change.uids);
            change.uids = rest;
            change.uids.is_empty()
        };
        if done {
            changes.delete(entry_key).await.map_err(fail(operation))?;
        } else {
            changes
                .put(&to_js(&change, operation)?, Some(&entry_key))
                .await
                .map_err(fail(operation))?;
        }
    }
    uids.retain(|uid| !uid.is_empty());
    uids.sort_unstable();
    uids.dedup();
    Ok(Some(uids))
}
