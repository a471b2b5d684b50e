//! The columns (or JSON keys) of a file that Bookshelf does not keep: the first few by name, for
//! the preview, and how many there are in all — counted at a constant cost per column and in
//! bounded memory, however many a file has.

use std::hash::{DefaultHasher, Hash, Hasher};

use super::sharded::ShardedMap;

/// How many ignored columns are named; the rest are counted.
pub const LISTED_IGNORED: usize = 30;
/// How many distinct JSON keys are told apart; past that, the count says "more than".
const MAX_COUNTED_KEYS: usize = 1_000_000;

/// Columns of a file that Bookshelf does not keep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoredColumns {
    names: Vec<String>,
    total: usize,
    /// The total is a lower bound: there were too many to count.
    at_least: bool,
}

impl IgnoredColumns {
    /// The first of them (at most [`LISTED_IGNORED`]), in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// How many there are in all (or at least, when there were too many to count).
    pub fn total(&self) -> usize {
        self.total
    }

    /// True when the file has none.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The names, and how many more there are: "Notes, Shelf 2 and 12 more".
    pub fn label(&self) -> String {
        let names = self.names.join(", ");
        let more = self.total.saturating_sub(self.names.len());
        match (more, self.at_least) {
            (0, false) => names,
            (more, false) => format!("{names} and {more} more"),
            (more, true) => format!("{names} and over {more} more"),
        }
    }

    /// The first `names` (as many as are listed) of `total` columns.
    pub(super) fn new<'n>(names: impl Iterator<Item = &'n String>, total: usize) -> Self {
        let names: Vec<String> = names.take(LISTED_IGNORED.min(total)).cloned().collect();
        Self {
            total: total.max(names.len()),
            names,
            at_least: false,
        }
    }

    /// Notes a column: named if it is among the first, counted in any case.
    pub(super) fn push(&mut self, name: &str) {
        if self.names.len() < LISTED_IGNORED {
            self.names.push(name.to_owned());
        }
        self.total += 1;
    }
}

/// The keys Bookshelf does not keep of a JSON file's objects, each counted once however often it
/// comes: a set of the keys' 64-bit hashes (two different keys are taken for one with a chance
/// of about one in 10^7 at a million keys, which can only make the count one short).
#[derive(Debug, Default)]
pub(super) struct KeyTally {
    columns: IgnoredColumns,
    seen: ShardedMap<()>,
}

impl KeyTally {
    /// Notes a key; a key seen before is not counted again.
    pub fn note(&mut self, key: &str) {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        let hash = hasher.finish();
        if self.seen.get(hash).is_some() {
            return;
        }
        // Past the limit, or when memory for more runs out, the count becomes a lower bound.
        let added = self.seen.len() < MAX_COUNTED_KEYS && self.seen.insert_new(hash, ()).is_ok();
        if added {
            self.columns.push(key);
        } else {
            self.columns.at_least = true;
        }
    }

    /// The keys noted.
    pub fn columns(&self) -> &IgnoredColumns {
        &self.columns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_are_named_and_the_rest_counted() {
        let mut ignored = IgnoredColumns::default();
        assert!(ignored.is_empty());
        ignored.push("Notes");
        assert_eq!(ignored.label(), "Notes");
        for index in 0..100 {
            ignored.push(&format!("c{index}"));
        }
        assert_eq!(ignored.names().len(), LISTED_IGNORED);
        assert_eq!(ignored.total(), 101);
        assert!(ignored.label().starts_with("Notes, c0, c1"));
        assert!(
            ignored.label().ends_with(", c28 and 71 more"),
            "{}",
            ignored.label()
        );
    }

    #[test]
    fn keys_are_counted_once() {
        let mut tally = KeyTally::default();
        for round in 0..3 {
            for index in 0..50 {
                tally.note(&format!("k{index}"));
            }
            assert_eq!(tally.columns().total(), 50, "round {round}");
        }
        assert_eq!(
            tally.columns().names()[..2],
            ["k0".to_owned(), "k1".to_owned()]
        );
    }
}
