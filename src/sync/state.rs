//! What this replica knows of one synced book: its revision tree, the hash of the body the
//! book holds (the winner's), and the bodies of the other versions kept while in conflict. The
//! decisions sync makes per book are here, in plain Rust: a local edit becomes a revision,
//! revisions from elsewhere merge in and may change which version the book shows, a conflict is
//! resolved.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::doc::Incoming;
use super::tree::{sig_of, Leaf, Rev, RevTree};

/// How many ancestors a revision tree keeps (CouchDB's `revs_limit` is 1000; a book rarely
/// has more than a few revisions, and a short history is enough to merge on).
pub const REVS_LIMIT: usize = 100;

/// A book's sync state, stored beside the book (under its uid).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocState {
    /// The document's `_id`: the book's uid.
    #[serde(default)]
    pub id: String,
    /// The document's revision tree.
    pub tree: RevTree,
    /// This database's sequence number of the state's last change (its `_changes` order).
    #[serde(default)]
    pub seq: u64,
    /// The hash of the winner's body, which the book holds ("" when the winner is deleted).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hash: String,
    /// The bodies of the leaves that are neither the winner nor deleted (the conflicts), by rev.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub others: BTreeMap<String, String>,
    /// The server (its tag) whose pull made this state, while nothing in it is unsent there.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub from: String,
}

/// What the book itself must become after a change to its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookChange {
    /// The book stays as it is.
    Keep,
    /// The book now holds this canonical body.
    Put(String),
    /// The book is gone (every version is deleted).
    Remove,
}

/// The hash of a canonical body, to tell whether a book changed since its last revision.
pub fn hash_of(body: &str) -> String {
    sig_of(None, false, body)
}

impl DocState {
    /// A state for the document `id` that has no revision yet.
    pub fn new(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            ..Self::default()
        }
    }

    /// Takes a local edit into the tree: `body` is the book as it is now here (`None`: not
    /// here). A body that differs from the winner's becomes a new revision on the winner; a book
    /// gone while its winner lives becomes a deletion (after which a conflicting version, if
    /// any, is the winner). Returns whether anything changed.
    pub fn local_edit(&mut self, body: Option<&str>) -> bool {
        let changed = self.revise(body);
        if changed {
            // Made here: no server has it yet.
            self.from.clear();
        }
        changed
    }

    fn revise(&mut self, body: Option<&str>) -> bool {
        let winner = self.tree.winner();
        match (body, winner) {
            (None, None) | (None, Some(Leaf { deleted: true, .. })) => false,
            (None, Some(Leaf { rev, .. })) => {
                self.tree
                    .extend(Some(&rev), sig_of(Some(&rev), true, ""), true);
                self.hash = self
                    .winner_body()
                    .map(|body| hash_of(&body))
                    .unwrap_or_default();
                true
            }
            (Some(body), winner) => {
                let hash = hash_of(body);
                let live = winner.as_ref().is_some_and(|leaf| !leaf.deleted);
                if live && hash == self.hash {
                    return false;
                }
                let parent = winner.map(|leaf| leaf.rev);
                let rev =
                    self.tree
                        .extend(parent.as_ref(), sig_of(parent.as_ref(), false, body), false);
                self.hash = hash;
                self.others.remove(&rev.to_string());
                true
            }
        }
    }

    /// The kept body of the winner, when the winner is a conflict's version not yet shown.
    fn winner_body(&self) -> Option<String> {
        let winner = self.tree.winner().filter(|leaf| !leaf.deleted)?;
        self.others.get(&winner.rev.to_string()).cloned()
    }

    /// What the book becomes now that the tree changed: `shown` is the leaf the book held
    /// (`None`: no book here) and `current` its body.
    fn settle(&mut self, shown: Option<Leaf>, current: Option<&str>) -> BookChange {
        let after = self.tree.winner();
        if let (Some(old), Some(body)) = (&shown, current) {
            if after.as_ref() != Some(old) {
                // Kept as a conflict while its revision is still a leaf (dropped below if not).
                self.others.insert(old.rev.to_string(), body.to_owned());
            }
        }
        let change = match after {
            Some(leaf) if Some(&leaf) == shown.as_ref() => BookChange::Keep,
            Some(leaf) if !leaf.deleted => match self.others.get(&leaf.rev.to_string()) {
                Some(body) => {
                    self.hash = hash_of(body);
                    BookChange::Put(body.clone())
                }
                // A winner whose body never came (it cannot happen with `_bulk_get`): the book
                // stays as it was rather than becoming something unknown.
                None => BookChange::Keep,
            },
            _ if shown.is_some() => {
                self.hash.clear();
                BookChange::Remove
            }
            _ => BookChange::Keep,
        };
        self.keep_only_conflicts();
        change
    }

    /// Takes in the book's deletion here: returns what the book becomes (a conflicting
    /// version, if any, takes the deleted one's place).
    pub fn local_delete(&mut self) -> BookChange {
        if !self.local_edit(None) {
            return BookChange::Keep;
        }
        self.settle(None, None)
    }

    /// Merges revisions from another replica, the book being `current` here (taken in as a local
    /// edit first, so that nothing done here is lost). Returns what the book becomes.
    pub fn merge(&mut self, incoming: &[Incoming], current: Option<&str>) -> BookChange {
        self.local_edit(current);
        let shown = current.and(self.tree.winner());
        for revision in incoming {
            self.tree.merge(&revision.revisions, revision.deleted);
            // Kept while it is a conflicting leaf or the new winner (pruned in `settle`).
            if let (Some(body), Some(rev)) = (&revision.body, revision.revisions.newest()) {
                self.others.insert(rev.to_string(), body.clone());
            }
        }
        self.tree.stem(REVS_LIMIT);
        self.settle(shown, current)
    }

    /// Drops kept bodies that are no longer conflicting leaves.
    fn keep_only_conflicts(&mut self) {
        let conflicts: Vec<String> = self.tree.conflicts().iter().map(Rev::to_string).collect();
        self.others.retain(|rev, _| conflicts.contains(rev));
    }

    /// Whether the book has versions from two devices to choose from.
    pub fn in_conflict(&self) -> bool {
        !self.tree.conflicts().is_empty()
    }

    /// The conflicting versions' bodies, in the tree's order of conflicts.
    pub fn conflicting_bodies(&self) -> Vec<(Rev, String)> {
        self.tree
            .conflicts()
            .into_iter()
            .filter_map(|rev| {
                let body = self.others.get(&rev.to_string())?.clone();
                Some((rev, body))
            })
            .collect()
    }

    /// Resolves a conflict: the book becomes `chosen` (a canonical body) on the winning branch
    /// and every other version is deleted, so that every replica agrees once this travels.
    /// `current` is the book as it is here (a local edit first). Returns what the book becomes.
    pub fn resolve(&mut self, chosen: &str, current: Option<&str>) -> BookChange {
        self.local_edit(current);
        for rev in self.tree.conflicts() {
            self.tree
                .extend(Some(&rev), sig_of(Some(&rev), true, ""), true);
        }
        self.others.clear();
        self.from.clear();
        let changed = current != Some(chosen);
        self.local_edit(Some(chosen));
        if changed {
            BookChange::Put(chosen.to_owned())
        } else {
            BookChange::Keep
        }
    }

    /// The body to send for leaf `rev`: the book's own (`current`) for the winner, a kept one for
    /// a conflict, `None` for a deletion; `Err(())` when this replica has no body for it.
    #[allow(clippy::result_unit_err)]
    pub fn body_for(&self, rev: &Rev, current: Option<&str>) -> Result<Option<String>, ()> {
        let leaf = self
            .tree
            .leaves()
            .into_iter()
            .find(|leaf| &leaf.rev == rev)
            .ok_or(())?;
        if leaf.deleted {
            return Ok(None);
        }
        if self.tree.winner().as_ref() == Some(&leaf) {
            return current.map(|body| Some(body.to_owned())).ok_or(());
        }
        self.others
            .get(&rev.to_string())
            .cloned()
            .map(Some)
            .ok_or(())
    }
}

#[cfg(test)]
mod tests;
