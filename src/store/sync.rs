//! Sync's side of the repository: every book's revision tree (`revs`, by uid), the queue of local
//! changes that every write adds to in its own transaction (`changes`: `queue.rs`), and the
//! transactions that give those changes revisions, read what to send, and take in what came
//! (their two halves: `books.rs`) — each one IndexedDB transaction over the books, their search
//! chunks and their revision trees together, so that a sync cut short never leaves a book without
//! its revision or a revision without its book. What each change means for a book is decided in
//! plain Rust (`crate::sync::state`).

#![cfg(target_arch = "wasm32")]

mod books;
mod queue;

use books::{load, write, Written};
use queue::next_queued;
pub(crate) use queue::{change_of, cleared_change, every_book_change, UIDS_PER_CHANGE};

use std::collections::BTreeMap;

use futures::future::join_all;
use rexie::{KeyRange, Store, Transaction, TransactionMode};
use serde_json::Value;
use wasm_bindgen::JsValue;

use super::codec::from_js;
use super::connection::BookRepository;
use super::error::{Result, StoreError};
use super::identity::new_uids;
use super::repository::read_book;
use super::schema::{BOOKS, BY_SEQ, CHANGES, META, REVS, SEARCH};
use super::transaction::{browser_error, end_read, settle};
use crate::book::{Book, BookId, NewBook};
use crate::sync::doc::{self, Incoming};
use crate::sync::state::{BookChange, DocState, REVS_LIMIT};
use crate::sync::tree::Rev;

/// How many books one sync transaction handles.
const BATCH: usize = 500;
const SEQ_KEY: &str = "sync_seq";
const PEER_KEY: &str = "sync_peer";
const CHECKPOINT_PREFIX: &str = "sync_checkpoint:";

/// A book in conflict: the version it shows and the others kept, to choose from.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The book as shown (CouchDB's winner).
    pub shown: Book,
    /// The other versions, each with its revision.
    pub others: Vec<(String, NewBook)>,
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
