//! The replicator: one server database, both ways, by the CouchDB replication protocol
//! (version 3). Up: the local changes since the checkpoint, `_revs_diff`, then `_bulk_docs` with
//! `new_edits: false`. Down: `_changes` (`style=all_docs`, `feed=longpoll` when keeping in sync)
//! since the checkpoint, the revisions missing here, `_bulk_get` (or `open_revs` where the
//! server lacks it), then one transaction per batch. A checkpoint is written on both sides
//! after every batch, so a sync cut short resumes where it stopped, sending nothing twice that
//! was acknowledged.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::{json, Value};

use super::doc;
use super::error::{database_path, Result, ServerAddress, SyncError};
use super::http::Remote;
use super::protocol::{
    bulk_get_documents, replication_id, resume_from, revs_diff_missing, revs_diff_request, Changes,
    Checkpoint, Direction,
};
use super::tree::{sig_of, Rev};
use crate::store::{BookRepository, StoreError};

/// How many changes one batch carries, each way.
const BATCH: usize = 500;
/// How long a request may take.
const REQUEST_MS: u32 = 120_000;
/// How long the server holds a long poll open (and a little more for the request).
const LONG_POLL_MS: u32 = 25_000;
/// How much longer than that the request may take before it counts as "nothing changed".
const LONG_POLL_GRACE_MS: u32 = 10_000;

/// Where and as whom to sync, as the person typed it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    /// The server's address.
    pub server: String,
    /// The database's name.
    pub database: String,
    /// The user name (empty: none).
    pub user: String,
    /// The password.
    pub password: String,
    /// "Keep in sync" was on when the app was last open (it starts again with the app).
    #[serde(default)]
    pub keep: bool,
}

/// How far a direction has got: changes handled of those known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Changes handled so far.
    pub done: u64,
    /// Changes known to be there in all (at least `done`).
    pub total: u64,
}

fn store_error(error: StoreError) -> SyncError {
    SyncError::Store(error.to_string())
}

/// One server database's replications with this catalogue.
pub struct Replicator {
    repository: BookRepository,
    remote: Remote,
    /// The server's short name in sync states ("this came from there").
    tag: String,
    up: String,
    down: String,
    session: String,
    /// The checkpoints as last written here, and the server's revision of its own.
    checkpoints: RefCell<HashMap<String, (Checkpoint, Option<String>)>>,
    /// Whether the server answered `_bulk_get` (CouchDB 2+; others get `open_revs`).
    bulk_get: RefCell<bool>,
}

impl Replicator {
    /// A replicator for these settings, checked (nothing is sent yet).
    pub async fn new(repository: BookRepository, settings: &Settings) -> Result<Replicator> {
        let server = ServerAddress::parse(&settings.server)?;
        let path = database_path(&settings.database)?;
        let remote = Remote::new(&server, &path, settings.user.trim(), &settings.password);
        let peer = repository.sync_peer().await.map_err(store_error)?;
        let address = remote.address().to_owned();
        let session = sig_of(None, false, &format!("{peer}{}", js_sys::Math::random()));
        Ok(Replicator {
            repository,
            tag: sig_of(None, false, &address)[..16].to_owned(),
            up: replication_id(&peer, &address, Direction::Up),
            down: replication_id(&peer, &address, Direction::Down),
            remote,
            session,
            checkpoints: RefCell::default(),
            bulk_get: RefCell::new(true),
        })
    }

    /// Stops every request in flight; the replicator is done.
    pub fn stop(&self) {
        self.remote.stop();
    }

    /// Makes sure the database is there, making it when missing (as PouchDB does) if this user
    /// may.
    pub async fn prepare(&self) -> Result<()> {
        let reply = self.remote.get("", REQUEST_MS).await?;
        if reply.status != 404 {
            reply.ok()?;
            return Ok(());
        }
        let made = self.remote.create(REQUEST_MS).await?;
        match made.status {
            200..=299 | 412 => Ok(()),
            status @ (401 | 403) => Err(SyncError::NoDatabase { status }),
            _ => made.ok().map(|_| ()),
        }
    }

    /// How many books changed here that have not gone up yet (local changes are given
    /// revisions first). At most `cap`.
    pub async fn waiting(&self, cap: u32) -> Result<u64> {
        let since = self.local_checkpoint(&self.up).await?;
        let since = since.map_or(0, |checkpoint| {
            checkpoint.source_last_seq.as_u64().unwrap_or(0)
        });
        self.repository
            .sync_waiting(since, &self.tag, cap)
            .await
            .map_err(store_error)
    }

    /// Sends every change made here since the last checkpoint; returns how many revisions went.
    pub async fn push(&self, progress: &dyn Fn(Progress)) -> Result<u64> {
        self.repository
            .take_in_local_changes()
            .await
            .map_err(store_error)?;
        let mut since = self.resume(&self.up).await?.as_u64().unwrap_or(0);
        let total = self
            .repository
            .sync_waiting(since, &self.tag, u32::MAX)
            .await
            .map_err(store_error)?;
        let mut done = Progress { done: 0, total };
        progress(done);
        let mut sent = 0;
        loop {
            let states = self
                .repository
                .sync_changes_since(since, BATCH as u32)
                .await
                .map_err(store_error)?;
            let Some(last) = states.last().map(|state| state.seq) else {
                break;
            };
            let wanted: Vec<(String, Vec<Rev>)> = states
                .iter()
                .filter(|state| state.from != self.tag)
                .map(|state| {
                    let leaves = state.tree.leaves().into_iter().map(|leaf| leaf.rev);
                    (state.id.clone(), leaves.collect())
                })
                .collect();
            if !wanted.is_empty() {
                let diff = self
                    .remote
                    .send(
                        "POST",
                        "_revs_diff",
                        &revs_diff_request(&wanted),
                        REQUEST_MS,
                    )
                    .await?
                    .ok()?;
                let missing = revs_diff_missing(&diff);
                if !missing.is_empty() {
                    let documents = self
                        .repository
                        .sync_documents(&missing)
                        .await
                        .map_err(store_error)?;
                    let count = documents.len() as u64;
                    let body = json!({ "docs": documents, "new_edits": false });
                    let answer = self
                        .remote
                        .send("POST", "_bulk_docs", &body, REQUEST_MS)
                        .await?
                        .ok()?;
                    refused_documents(&answer)?;
                    sent += count;
                }
                done.done += wanted.len() as u64;
                done.total = done.total.max(done.done);
            }
            since = last;
            self.save(&self.up, Value::from(since)).await?;
            progress(done);
        }
        Ok(sent)
    }

    /// Takes in every change on the server since the last checkpoint; with `wait`, asks once and
    /// lets the server hold the question until something changes (a long poll). Returns how
    /// many books were added, changed or removed here.
    pub async fn pull(&self, wait: bool, progress: &dyn Fn(Progress)) -> Result<u64> {
        let mut since = self.resume(&self.down).await?;
        let mut done = Progress::default();
        if !wait {
            done.total = self.remaining(&since).await?;
            progress(done);
        }
        let mut received = 0;
        loop {
            let mut path = format!(
                "_changes?style=all_docs&limit={BATCH}&since={}",
                seq_in_url(&since)
            );
            let mut timeout = REQUEST_MS;
            if wait {
                path.push_str(&format!("&feed=longpoll&timeout={LONG_POLL_MS}"));
                timeout = LONG_POLL_MS + LONG_POLL_GRACE_MS;
            }
            let answer = match self.remote.get(&path, timeout).await {
                // Some servers (PouchDB Server) hold a long poll open past its `timeout` while
                // nothing changes: after a little longer, that is what it means.
                Err(SyncError::TimedOut) if wait => return Ok(received),
                answer => answer?.ok()?,
            };
            let changes: Changes = serde_json::from_value(answer)
                .map_err(|_| SyncError::BadReply("_changes".into()))?;
            if changes.results.is_empty() {
                if changes.last_seq != since {
                    self.save(&self.down, changes.last_seq).await?;
                }
                break;
            }
            let wanted = changes.wanted();
            let missing = self
                .repository
                .sync_missing(&wanted)
                .await
                .map_err(store_error)?;
            if !missing.is_empty() {
                let documents = self.fetch(&missing).await?;
                let incoming: Vec<doc::Incoming> = documents
                    .iter()
                    .filter_map(|document| doc::incoming(document).ok())
                    .collect();
                received += self
                    .repository
                    .sync_apply(&self.tag, incoming)
                    .await
                    .map_err(store_error)? as u64;
            }
            done.done += changes.results.len() as u64;
            done.total = (done.done + changes.pending.unwrap_or(0))
                .max(done.total)
                .max(done.done);
            since = changes.last_seq.clone();
            self.save(&self.down, since.clone()).await?;
            progress(done);
            if wait {
                break;
            }
        }
        Ok(received)
    }

    /// About how many changes the server has after `since`, for the progress bar.
    async fn remaining(&self, since: &Value) -> Result<u64> {
        let path = format!("_changes?limit=0&since={}", seq_in_url(since));
        let answer = self.remote.get(&path, REQUEST_MS).await?;
        if let Some(pending) = answer.body.get("pending").and_then(Value::as_u64) {
            return Ok(pending);
        }
        // Servers without `pending`: the database's size is an upper bound at the start.
        let info = self.remote.get("", REQUEST_MS).await?.ok()?;
        let count = |field: &str| info.get(field).and_then(Value::as_u64).unwrap_or(0);
        Ok(if since == &Value::from(0) {
            count("doc_count") + count("doc_del_count")
        } else {
            0
        })
    }

    /// The documents of these revisions, with their histories.
    async fn fetch(&self, missing: &[(String, Vec<Rev>)]) -> Result<Vec<Value>> {
        if *self.bulk_get.borrow() {
            let docs: Vec<Value> = missing
                .iter()
                .flat_map(|(id, revs)| {
                    revs.iter()
                        .map(move |rev| json!({ "id": id, "rev": rev.to_string() }))
                })
                .collect();
            let reply = self
                .remote
                .send(
                    "POST",
                    "_bulk_get?revs=true",
                    &json!({ "docs": docs }),
                    REQUEST_MS,
                )
                .await?;
            match reply.status {
                400 | 404 | 405 | 501 => *self.bulk_get.borrow_mut() = false,
                _ => return Ok(bulk_get_documents(&reply.ok()?)),
            }
        }
        let mut documents = Vec::new();
        for (id, revs) in missing {
            let revs: Vec<String> = revs.iter().map(Rev::to_string).collect();
            let open = serde_json::to_string(&revs).unwrap_or_default();
            let path = format!(
                "{id}?revs=true&latest=true&open_revs={}",
                js_sys::encode_uri_component(&open)
            );
            let answer = self.remote.get(&path, REQUEST_MS).await?.ok()?;
            documents.extend(
                answer
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|entry| entry.get("ok").cloned()),
            );
        }
        Ok(documents)
    }

    async fn local_checkpoint(&self, id: &str) -> Result<Option<Checkpoint>> {
        let stored = self
            .repository
            .sync_checkpoint(id)
            .await
            .map_err(store_error)?;
        Ok(stored.as_ref().and_then(Checkpoint::from_document))
    }

    /// Where replication `id` resumes: from the checkpoints on both sides.
    async fn resume(&self, id: &str) -> Result<Value> {
        let here = self.local_checkpoint(id).await?;
        let reply = self.remote.get(&format!("_local/{id}"), REQUEST_MS).await?;
        let (there, rev) = match reply.status {
            404 => (None, None),
            _ => {
                let body = reply.ok()?;
                let rev = body.get("_rev").and_then(Value::as_str).map(str::to_owned);
                (Checkpoint::from_document(&body), rev)
            }
        };
        let since = resume_from(here.as_ref(), there.as_ref());
        let base = here.unwrap_or_default();
        self.checkpoints
            .borrow_mut()
            .insert(id.to_owned(), (base, rev));
        Ok(since)
    }

    /// Records on both sides that replication `id` got to `seq` (the server's first: a
    /// checkpoint here never runs ahead of the server's).
    async fn save(&self, id: &str, seq: Value) -> Result<()> {
        let (base, rev) = self
            .checkpoints
            .borrow()
            .get(id)
            .cloned()
            .unwrap_or_default();
        let next = base.next(&self.session, seq);
        let path = format!("_local/{id}");
        let mut reply = self
            .remote
            .send("PUT", &path, &next.document(id, rev.as_deref()), REQUEST_MS)
            .await?;
        if reply.status == 409 {
            // Another session wrote it meanwhile: write over its revision.
            let current = self.remote.get(&path, REQUEST_MS).await?.ok()?;
            let rev = current.get("_rev").and_then(Value::as_str);
            reply = self
                .remote
                .send("PUT", &path, &next.document(id, rev), REQUEST_MS)
                .await?;
        }
        let answer = reply.ok()?;
        let rev = answer.get("rev").and_then(Value::as_str).map(str::to_owned);
        self.repository
            .set_sync_checkpoint(id, &serde_json::to_value(&next).unwrap_or(Value::Null))
            .await
            .map_err(store_error)?;
        self.checkpoints
            .borrow_mut()
            .insert(id.to_owned(), (next, rev));
        Ok(())
    }
}

/// A sequence as a URL's query value (CouchDB 2+'s are strings, others' numbers).
fn seq_in_url(seq: &Value) -> String {
    match seq {
        Value::String(text) => String::from(js_sys::encode_uri_component(text)),
        Value::Null => "0".to_owned(),
        other => String::from(js_sys::encode_uri_component(&other.to_string())),
    }
}

/// `_bulk_docs` with `new_edits: false` answers `[]` when all went in; any entry with an
/// `error` is a document the server refused.
fn refused_documents(answer: &Value) -> Result<()> {
    let refused = answer
        .as_array()
        .into_iter()
        .flatten()
        .find(|entry| entry.get("error").is_some());
    match refused {
        None => Ok(()),
        Some(entry) => {
            let error = entry
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if matches!(error, "unauthorized" | "forbidden") {
                return Err(SyncError::Refused);
            }
            Err(SyncError::Server {
                status: 0,
                reason: format!(
                    "it refused a book ({error}: {})",
                    entry
                        .get("reason")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                ),
            })
        }
    }
}
