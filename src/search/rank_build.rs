//! A sort's rank index made a slice at a time ([`RankBuild`]): sorting a million keys at once
//! is a task of about a second, and the page (typing, the first search) would wait behind it.
//! The keys are gathered and sorted a run of [`RUN_CHUNKS`] chunks at a time, then the runs are
//! merged, keeping only every [`EVERY`]-th key as an anchor. Each step ends when the caller's
//! clock says so. It reads the index it is given at every step, which must hold the same chunks
//! as when it began: a write meanwhile makes its answer wrong, and the caller starts over.

use std::cmp::Ordering;

use super::{field, id_of_line, lines, sort_text_at, SearchIndex};
use crate::book::BookId;
use crate::query::{cmp_utf16_bytes, SortField, SortKey};
use crate::ranks::{Anchor, Ranks, EVERY};

/// Chunks gathered and sorted into one run between two looks at the clock.
const RUN_CHUNKS: usize = 16;
/// Keys merged between two looks at the clock.
const MERGE_STEP: usize = 2048;

/// One book's key: where its text lies in the index (the chunk's place among the chunks, and
/// the bytes), and its id.
#[derive(Debug, Clone, Copy)]
struct Entry {
    slot: u32,
    start: u32,
    len: u32,
    id: BookId,
}

fn text<'a>(chunks: &[&'a [u8]], entry: &Entry) -> &'a [u8] {
    let start = entry.start as usize;
    chunks
        .get(entry.slot as usize)
        .and_then(|chunk| chunk.get(start..start + entry.len as usize))
        .unwrap_or_default()
}

/// The order of the store's indexes: text by UTF-16 code units, then id.
fn compare(chunks: &[&[u8]], a: &Entry, b: &Entry) -> Ordering {
    cmp_utf16_bytes(text(chunks, a), text(chunks, b)).then(a.id.cmp(&b.id))
}

/// A rank index being made (see the module's words).
#[derive(Debug)]
pub struct RankBuild {
    field: SortField,
    text_at: Option<usize>,
    /// How many chunks are gathered into runs so far.
    gathered: usize,
    /// Sorted runs of keys.
    runs: Vec<Vec<Entry>>,
    /// While merging: the next key of each run.
    heads: Vec<usize>,
    /// While merging: the runs with keys left, a binary heap by their next key (least first).
    heap: Option<Vec<usize>>,
    merged: u64,
    anchors: Vec<Anchor>,
}

impl RankBuild {
    /// Starts making `field`'s rank index.
    pub fn new(field: SortField) -> Self {
        RankBuild {
            field,
            text_at: sort_text_at(field),
            gathered: 0,
            runs: Vec::new(),
            heads: Vec::new(),
            heap: None,
            merged: 0,
            anchors: Vec::new(),
        }
    }

    /// The sort field it makes the index of.
    pub fn field(&self) -> SortField {
        self.field
    }

    /// Works on `index` until `time_up` says so (asked between pieces of work of a few
    /// milliseconds); the rank index once it is made.
    pub fn step(&mut self, index: &SearchIndex, time_up: &dyn Fn() -> bool) -> Option<Ranks> {
        let chunks: Vec<&[u8]> = index.chunks.values().map(Vec::as_slice).collect();
        while self.gathered < chunks.len() {
            let end = (self.gathered + RUN_CHUNKS).min(chunks.len());
            let mut run = Vec::new();
            for (slot, chunk) in chunks.iter().enumerate().take(end).skip(self.gathered) {
                for line in lines(chunk) {
                    let Some(id) = id_of_line(line) else {
                        continue;
                    };
                    let key = self.text_at.map_or(&[][..], |at| field(line, at));
                    // Where the key lies in its chunk (an empty one anywhere).
                    let start = match key.is_empty() {
                        true => 0,
                        false => key.as_ptr() as usize - chunk.as_ptr() as usize,
                    };
                    run.push(Entry {
                        slot: slot as u32,
                        start: start as u32,
                        len: key.len() as u32,
                        id,
                    });
                }
            }
            run.sort_unstable_by(|a, b| compare(&chunks, a, b));
            self.runs.push(run);
            self.gathered = end;
            if time_up() {
                return None;
            }
        }
        let Self {
            runs,
            heads,
            heap,
            merged,
            anchors,
            ..
        } = self;
        let heap = heap.get_or_insert_with(|| {
            *heads = vec![0; runs.len()];
            let mut heap: Vec<usize> = (0..runs.len()).filter(|&r| !runs[r].is_empty()).collect();
            for at in (0..heap.len() / 2).rev() {
                sift_down(&mut heap, at, &|a, b| {
                    compare(&chunks, &runs[a][heads[a]], &runs[b][heads[b]]).is_lt()
                });
            }
            heap
        });
        loop {
            for _ in 0..MERGE_STEP {
                let Some(&run) = heap.first() else {
                    return Some(Ranks::from_anchors(std::mem::take(anchors), *merged));
                };
                let entry = runs[run][heads[run]];
                if *merged > 0 && *merged % EVERY == 0 {
                    anchors.push(Anchor {
                        key: SortKey {
                            text: String::from_utf8_lossy(text(&chunks, &entry)).into_owned(),
                            id: entry.id,
                        },
                        before: *merged,
                    });
                }
                *merged += 1;
                heads[run] += 1;
                if heads[run] == runs[run].len() {
                    // The run is done: the last of the heap takes its place.
                    heap.swap_remove(0);
                }
                sift_down(heap, 0, &|a, b| {
                    compare(&chunks, &runs[a][heads[a]], &runs[b][heads[b]]).is_lt()
                });
            }
            if time_up() {
                return None;
            }
        }
    }
}

/// Moves the run at `at` down the heap until no child's key is less than its own.
fn sift_down(heap: &mut [usize], mut at: usize, less: &dyn Fn(usize, usize) -> bool) {
    loop {
        let (left, right) = (2 * at + 1, 2 * at + 2);
        let mut least = at;
        if left < heap.len() && less(heap[left], heap[least]) {
            least = left;
        }
        if right < heap.len() && less(heap[right], heap[least]) {
            least = right;
        }
        if least == at {
            return;
        }
        heap.swap(at, least);
        at = least;
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::book::NewBook;

    /// Made a piece at a time, the clock saying "time up" after every piece.
    fn made_in_slices(index: &SearchIndex, field: SortField) -> (Ranks, usize) {
        let mut build = RankBuild::new(field);
        let mut steps = 1;
        loop {
            if let Some(ranks) = build.step(index, &|| true) {
                return (ranks, steps);
            }
            steps += 1;
        }
    }

    const FIELDS: [SortField; 5] = [
        SortField::Id,
        SortField::Title,
        SortField::Author,
        SortField::Year,
        SortField::Status,
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Whatever the books and however far apart their ids (many chunks, so many runs), the
        /// index made in slices is the one made at once: the same anchors, the same total.
        #[test]
        fn made_in_slices_it_is_the_index_made_at_once(
            books in proptest::collection::vec(
                (0..300_000u64, "[a-cé😀]{0,10}", "[ab]{0,2}", proptest::option::of(1990..1993i32)),
                0..1_500,
            ),
        ) {
            let books: Vec<_> = books
                .into_iter()
                .map(|(id, title, author, year)| {
                    let mut book = NewBook::new(&title, &author, "Fiction").with_id(id + 1);
                    book.year = year;
                    book
                })
                .collect();
            let index = SearchIndex::from_chunks(SearchIndex::chunks_of(&books));
            for field in FIELDS {
                let (ranks, steps) = made_in_slices(&index, field);
                prop_assert_eq!(&ranks, &index.make_ranks(field), "{:?}", field);
                let runs = index.chunks.len().div_ceil(RUN_CHUNKS);
                prop_assert!(steps > runs.saturating_sub(1), "{} steps for {} runs", steps, runs);
            }
        }
    }
}
