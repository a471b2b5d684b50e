//! The sparse rank index that makes a jump anywhere in a large catalogue cost what a page at the
//! top costs. IndexedDB has no offset: reaching row 500,000 of an index means walking a cursor
//! over 500,000 entries. So for one sort field this keeps every [`EVERY`]-th key of the
//! ascending order, each with how many books come before it (an *anchor*): a jump is a lookup
//! here and a read from the nearest anchor's key, walking at most a few hundred entries.
//!
//! It stays exact across writes without being rebuilt: an anchor counts the books whose keys
//! are *below* its key, so an insert or a delete only moves the counts of the anchors above the
//! key written, and an anchor whose own book is deleted still marks the right place (the first
//! key at or after it is at its rank). When writes bunch up between two anchors, the walk from
//! the anchor below grows; [`Ranks::start`] says so and the caller makes it again. Plain Rust.

use crate::book::BookId;
use crate::query::{cmp_utf16_bytes, SortKey};

/// How many rows lie between two anchors when the index is made.
pub const EVERY: u64 = 256;

/// A walk longer than this (rows past the nearest anchor) asks for the index to be made again.
pub const STALE_WALK: u64 = 8 * EVERY;

/// One kept key: the key, and how many stored keys are below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// A key of the sort (whose book may since have been deleted).
    pub key: SortKey,
    /// How many stored keys are below `key`: the row at which a read from `key` starts.
    pub before: u64,
}

/// Where a read of the ascending order starts to reach a row: at the first key from `from` on
/// (from the first key when `None`), then `skip` keys further.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    /// The anchor's key, if the row is past the first anchor.
    pub from: Option<SortKey>,
    /// How many keys to walk past from there.
    pub skip: u64,
}

/// The anchors of one sort field's ascending order, and how many keys it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ranks {
    /// In ascending key order; their `before`s ascend too.
    anchors: Vec<Anchor>,
    total: u64,
}

impl Ranks {
    /// The index of `keys`, which must be in ascending order, each made a [`SortKey`] by `key_of`
    /// (only the anchors' are).
    pub fn from_sorted<K>(keys: &[K], key_of: impl Fn(&K) -> SortKey) -> Self {
        let anchors = keys
            .iter()
            .enumerate()
            .skip(EVERY as usize)
            .step_by(EVERY as usize)
            .map(|(at, key)| Anchor {
                key: key_of(key),
                before: at as u64,
            })
            .collect();
        Self {
            anchors,
            total: keys.len() as u64,
        }
    }

    /// The index of an order of `total` keys from its anchors (every [`EVERY`]-th key of the
    /// ascending order from the 256th, each with its rank), as [`Ranks::from_sorted`] keeps them.
    pub fn from_anchors(anchors: Vec<Anchor>, total: u64) -> Self {
        Self { anchors, total }
    }

    /// How many keys the order holds.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// How many anchors are kept.
    pub fn anchors(&self) -> usize {
        self.anchors.len()
    }

    /// The first anchor whose key is above `key`.
    fn first_above(&self, key: &SortKey) -> usize {
        self.anchors.partition_point(|anchor| anchor.key <= *key)
    }

    /// A key was stored (it was not before).
    pub fn inserted(&mut self, key: &SortKey) {
        let from = self.first_above(key);
        for anchor in &mut self.anchors[from..] {
            anchor.before += 1;
        }
        self.total += 1;
    }

    /// A stored key was deleted.
    pub fn removed(&mut self, key: &SortKey) {
        let from = self.first_above(key);
        for anchor in &mut self.anchors[from..] {
            anchor.before = anchor.before.saturating_sub(1);
        }
        self.total = self.total.saturating_sub(1);
    }

    /// Where to start reading to reach ascending row `row`: from the last anchor at or before
    /// it. A `skip` above [`STALE_WALK`] says the index should be made again.
    pub fn start(&self, row: u64) -> Start {
        let at = self.anchors.partition_point(|anchor| anchor.before <= row);
        match at.checked_sub(1).map(|at| &self.anchors[at]) {
            Some(anchor) => Start {
                from: Some(anchor.key.clone()),
                skip: row - anchor.before,
            },
            None => Start {
                from: None,
                skip: row,
            },
        }
    }
}

/// Runs shorter than this are sorted by comparing their texts.
const SHORT_RUN: usize = 32;

/// Sorts `(text, id)` pairs as the store's indexes order `[text, id]`: text by UTF-16 code
/// units (as [`cmp_utf16_bytes`]), then id. A million texts lie scattered in a large index, so
/// comparing them pair by pair would wait on memory at every step; this sorts by eight bytes of
/// text at a time held as a number, then sorts each run of equal eight bytes by the next eight.
pub fn sort_as_indexes(keys: &mut [(&[u8], BookId)]) {
    sort_from(keys, 0);
}

/// Eight bytes of `text` from `at` as a number that orders as the texts do: missing bytes are
/// 0 (validation keeps control characters out of every text, so no text holds one), and the
/// lead bytes 0xEE and 0xEF move past 0xF4 as [`cmp_utf16_bytes`] moves them.
fn word(text: &[u8], at: usize) -> u64 {
    (0..8).fold(0, |word, i| {
        let byte = text.get(at + i).copied().unwrap_or(0);
        let unit = match byte {
            0xEE | 0xEF => byte + 7,
            _ => byte,
        };
        (word << 8) | u64::from(unit)
    })
}

/// Sorts `keys`, whose texts agree on their first `at` bytes.
fn sort_from(keys: &mut [(&[u8], BookId)], at: usize) {
    if keys.len() < SHORT_RUN {
        keys.sort_unstable_by(|a, b| cmp_utf16_bytes(&a.0[at..], &b.0[at..]).then(a.1.cmp(&b.1)));
        return;
    }
    let mut words: Vec<(u64, usize)> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| (word(key.0, at), i))
        .collect();
    words.sort_unstable();
    // keys[k] becomes what was at words[k].1, in place (following each cycle of the
    // permutation, marking the places filled), so that a million keys are not held twice.
    for first in 0..keys.len() {
        if words[first].1 == usize::MAX {
            continue;
        }
        let held = keys[first];
        let mut at = first;
        loop {
            let from = std::mem::replace(&mut words[at].1, usize::MAX);
            if from == first {
                keys[at] = held;
                break;
            }
            keys[at] = keys[from];
            at = from;
        }
    }
    let mut start = 0;
    while start < keys.len() {
        let end = start + words[start..].partition_point(|w| w.0 == words[start].0);
        let run = &mut keys[start..end];
        if run.len() > 1 {
            // Equal eight bytes, and no text goes on past them: the texts are the same (a text
            // holds no 0 byte, so one cannot end where another goes on with zeros), ordered by
            // id. Else the texts that end exactly here sort first at the next eight bytes.
            if run.iter().all(|key| key.0.len() <= at + 8) {
                run.sort_unstable_by_key(|key| key.1);
            } else {
                sort_from(run, at + 8);
            }
        }
        start = end;
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
