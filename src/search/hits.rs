//! The books a search has found so far, with the text each sorts by, kept apart from the index
//! (the keys are copied) so that a search can find them a few chunks at a time, show the ones
//! found so far, and sort them all once the last chunk is scanned. Plain Rust.

use crate::book::BookId;
use crate::query::Direction;

/// A found book: where its key sits in [`Hits::keys`], its first bytes as a number (most
/// comparisons end there), and its id.
#[derive(Debug, Clone, Copy)]
struct Hit {
    prefix: u64,
    start: u32,
    len: u32,
    id: BookId,
}

/// Books found, in the order found, and each one's sort key.
///
/// The keys are stored with the two lead bytes that UTF-16 orders after the others moved past
/// them (see [`crate::query::cmp_utf16_bytes`]), so that a plain comparison of bytes orders them
/// as the store's indexes order text.
#[derive(Debug, Clone, Default)]
pub struct Hits {
    keys: Vec<u8>,
    hits: Vec<Hit>,
}

/// A key byte as it orders: `EE` and `EF` (U+E000–U+FFFF, one UTF-16 unit) after `F0`–`F4`
/// (U+10000 and up, a surrogate pair); no other byte moves, and none lands on a byte UTF-8 uses.
fn in_utf16_order(byte: u8) -> u8 {
    match byte {
        0xEE | 0xEF => byte + 7,
        _ => byte,
    }
}

impl Hits {
    /// No books found yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many books were found.
    pub fn len(&self) -> usize {
        self.hits.len()
    }

    /// True when no book was found.
    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }

    /// Records a found book and the text it sorts by.
    pub fn push(&mut self, id: BookId, key: &[u8]) {
        let start = self.keys.len();
        self.keys
            .extend(key.iter().map(|&byte| in_utf16_order(byte)));
        let mut prefix = [0u8; 8];
        for (slot, byte) in prefix.iter_mut().zip(&self.keys[start..]) {
            *slot = *byte;
        }
        self.hits.push(Hit {
            prefix: u64::from_be_bytes(prefix),
            // An index holds far less than 4 GiB of text (it lives in a wasm32 memory).
            start: start as u32,
            len: key.len() as u32,
            id,
        });
    }

    /// Adds every book `other` found.
    pub fn append(&mut self, other: &Hits) {
        let shift = self.keys.len() as u32;
        self.keys.extend_from_slice(&other.keys);
        self.hits.extend(other.hits.iter().map(|hit| Hit {
            start: hit.start + shift,
            ..*hit
        }));
    }

    fn key(&self, hit: &Hit) -> &[u8] {
        let start = hit.start as usize;
        &self.keys[start..start + hit.len as usize]
    }

    /// Sorts the books found by their keys, then by id (the order of the store's indexes).
    pub fn sort(&mut self) {
        let mut hits = std::mem::take(&mut self.hits);
        // A number's order is its first 8 bytes' order (a shorter key is padded with 0, which
        // sorts first, as a prefix does); only equal numbers need the rest of their keys.
        hits.sort_unstable_by(|a, b| {
            a.prefix
                .cmp(&b.prefix)
                .then_with(|| self.key(a).cmp(self.key(b)))
                .then(a.id.cmp(&b.id))
        });
        self.hits = hits;
    }

    /// The ids of the books found, in `direction` of the order they are in (sorted, after
    /// [`Hits::sort`]).
    pub fn ids(&self, direction: Direction) -> Vec<BookId> {
        let ids = self.hits.iter().map(|hit| hit.id);
        match direction {
            Direction::Ascending => ids.collect(),
            Direction::Descending => ids.rev().collect(),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::query::cmp_utf16_bytes;
    use proptest::prelude::*;

    proptest! {
        /// Sorted hits are in the order of `cmp_utf16_bytes`, then id: the order of the store's
        /// indexes, for any text (emoji, private-use and fullwidth characters included).
        #[test]
        fn hits_sort_as_the_indexes_do(
            found in proptest::collection::vec(
                ("[a-c\u{e000}\u{ff21}\u{1f4da}é\u{1}]{0,12}", 0..50u64), 0..60),
            split in 0..60usize,
        ) {
            let split = split.min(found.len());
            let mut first = Hits::new();
            let mut second = Hits::new();
            for (at, (key, id)) in found.iter().enumerate() {
                let hits = if at < split { &mut first } else { &mut second };
                hits.push(*id, key.as_bytes());
            }
            first.append(&second);
            first.sort();
            let mut expected = found.clone();
            expected.sort_by(|a, b| cmp_utf16_bytes(a.0.as_bytes(), b.0.as_bytes()).then(a.1.cmp(&b.1)));
            let ids: Vec<BookId> = expected.iter().map(|(_, id)| *id).collect();
            prop_assert_eq!(first.ids(Direction::Ascending), ids.clone());
            let reversed: Vec<BookId> = ids.into_iter().rev().collect();
            prop_assert_eq!(first.ids(Direction::Descending), reversed);
            prop_assert_eq!(first.len(), found.len());
        }
    }
}
