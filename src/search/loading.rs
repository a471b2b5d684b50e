//! Properties of the index read a range of chunks at a time (as the store loads it): whatever
//! order the ranges arrive in, and whatever writes are remembered meanwhile, it answers every
//! search as the whole index does; and a search that scans the chunks in any order, a few at a
//! time, finds what `matching` finds.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::book::NewBook;

/// The ids books may have: a few chunks' worth, so that ranges hold several chunks.
const IDS: u64 = IDS_PER_CHUNK * 5;

/// A write to the catalogue: a book stored (added or changed) or deleted.
#[derive(Debug, Clone)]
enum Write {
    Put(Box<Book>),
    Delete(BookId),
}

fn book() -> impl Strategy<Value = Book> {
    let word = prop::sample::select(vec![
        "apple",
        "Émile",
        "zebra",
        "b",
        "kingdom 9",
        "Ça",
        "ab",
    ]);
    (0..IDS, word.clone(), word.clone(), word).prop_map(|(id, title, author, genre)| {
        NewBook::new(format!("{title} {id}"), author, genre).with_id(id)
    })
}

fn writes(most: usize) -> impl Strategy<Value = Vec<Write>> {
    let write = prop_oneof![
        3 => book().prop_map(|book| Write::Put(Box::new(book))),
        1 => (0..IDS).prop_map(Write::Delete),
    ];
    prop::collection::vec(write, 0..most)
}

/// The stored chunks, written as the store writes them (a chunk left empty is deleted).
fn store(chunks: &mut BTreeMap<u64, Vec<u8>>, write: &Write) {
    let (number, changed) = match write {
        Write::Put(book) => {
            let chunk = chunks.entry(chunk_of(book.id)).or_default();
            upsert_all(chunk, [book.as_ref()]);
            (chunk_of(book.id), true)
        }
        Write::Delete(id) => match chunks.get_mut(&chunk_of(*id)) {
            Some(chunk) => (chunk_of(*id), remove(chunk, *id)),
            None => return,
        },
    };
    if changed && chunks.get(&number).is_some_and(Vec::is_empty) {
        chunks.remove(&number);
    }
}

/// A committed write, remembered by the index in memory.
fn remember(index: &mut SearchIndex, write: &Write) {
    match write {
        Write::Put(book) => index.upsert(book),
        Write::Delete(id) => index.remove(*id),
    }
}

/// The questions every index is asked.
fn questions() -> Vec<(Filter, Sort)> {
    let sorts = [
        (SortField::Id, Direction::Ascending),
        (SortField::Title, Direction::Ascending),
        (SortField::Title, Direction::Descending),
        (SortField::Author, Direction::Ascending),
        (SortField::Genre, Direction::Descending),
    ];
    let filters = [
        Filter::default(),
        Filter::new("a", None),
        Filter::new("kingdom 9", None),
        Filter::new("emile", None),
        Filter::new("b", Some("zebra")),
        Filter::new("", Some("ca")),
        Filter::new("nothing like it", None),
    ];
    filters
        .iter()
        .flat_map(|filter| {
            sorts
                .iter()
                .map(move |&(field, direction)| (filter.clone(), Sort { field, direction }))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The store holds the chunks `before` wrote, then those of `during` (committed before the
    /// load's read, so in what it reads, but remembered by the index at any moment of the load)
    /// and of `after` (committed once every range was read). The index loaded in `parts` ranges
    /// arriving in any order answers every question as the whole index of the final store.
    #[test]
    fn an_index_loaded_in_ranges_in_any_order_answers_as_the_whole(
        before in writes(40),
        during in writes(12),
        after in writes(12),
        parts in 1..8usize,
        order in Just((0..8usize).collect::<Vec<_>>()).prop_shuffle(),
        moments in prop::collection::vec(0..9usize, 12),
    ) {
        // The index hears of each write when it commits, in the order they commit: the moment
        // a write is remembered never comes before an earlier write's.
        let mut moments = moments;
        moments.sort_unstable();
        let mut stored = BTreeMap::new();
        for write in before.iter().chain(&during) {
            store(&mut stored, write);
        }
        let numbers: Vec<u64> = stored.keys().copied().collect();
        let ranges = ranges(&numbers, parts);
        let arrival: Vec<(u64, u64)> = order
            .iter()
            .filter_map(|&at| ranges.get(at).copied())
            .collect();
        prop_assert_eq!(arrival.len(), ranges.len());

        let mut loading = SearchIndex::default();
        for (step, (first, last)) in arrival.iter().enumerate() {
            // The writes whose moment is now are remembered before this range arrives.
            for (write, _) in during.iter().zip(&moments).filter(|(_, &at)| at == step) {
                remember(&mut loading, write);
            }
            for (&number, bytes) in stored.range(first..=last) {
                loading.insert_chunk(number, bytes.clone());
            }
        }
        for (write, _) in during.iter().zip(&moments).filter(|(_, &at)| at >= arrival.len()) {
            remember(&mut loading, write);
        }
        for write in &after {
            store(&mut stored, write);
            remember(&mut loading, write);
        }

        let whole = SearchIndex::from_chunks(stored.clone());
        prop_assert_eq!(loading.len(), whole.len());
        for (filter, sort) in questions() {
            let expected = whole.matching(&filter, sort);
            prop_assert_eq!(loading.matching(&filter, sort), expected.clone(), "{:?} {:?}", filter, sort);
            // As a search scans it: chunk by chunk, in the order the ranges arrived.
            let matcher = Matcher::new(&filter, sort);
            let mut hits = Hits::new();
            for (first, last) in &arrival {
                for number in loading.chunk_numbers().filter(|n| (first..=last).contains(&n)) {
                    matcher.scan(loading.chunk(number).unwrap_or_default(), &mut hits);
                }
            }
            // Chunks the writes made that no range held.
            for number in loading.chunk_numbers() {
                if !arrival.iter().any(|(first, last)| (first..=last).contains(&&number)) {
                    matcher.scan(loading.chunk(number).unwrap_or_default(), &mut hits);
                }
            }
            hits.sort();
            prop_assert_eq!(hits.ids(sort.direction), expected);
        }
    }
}
