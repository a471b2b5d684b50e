//! The rank index against a model: the sorted list of every stored key. Whatever was inserted
//! or deleted, and wherever, reading from where [`Ranks::start`] says must land on the row asked
//! for.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;
use crate::book::BookId;

fn key(text: &str, id: BookId) -> SortKey {
    SortKey {
        text: text.to_owned(),
        id,
    }
}

/// The row a read from `start` lands on in `sorted`: the first key at or after `from`, then
/// `skip` more.
fn landing(sorted: &[SortKey], start: &Start) -> usize {
    let first = match &start.from {
        Some(from) => sorted.partition_point(|key| key < from),
        None => 0,
    };
    first + start.skip as usize
}

fn assert_every_row(ranks: &Ranks, model: &BTreeSet<SortKey>) {
    let sorted: Vec<SortKey> = model.iter().cloned().collect();
    assert_eq!(ranks.total(), sorted.len() as u64);
    for row in 0..sorted.len() {
        assert_eq!(landing(&sorted, &ranks.start(row as u64)), row, "row {row}");
    }
}

#[derive(Debug, Clone)]
enum Op {
    /// A new key: its text, and a fresh id.
    Insert(String),
    /// Deletes the stored key at this fraction of the order.
    Remove(f64),
    /// Deletes a run of this many keys from this fraction on (a bulk delete in one place).
    RemoveRun(f64, usize),
    /// Inserts this many keys with the same text (a run of writes between two anchors).
    InsertRun(String, usize),
}

fn op() -> impl Strategy<Value = Op> {
    let text = "[a-d]{0,3}";
    prop_oneof![
        4 => text.prop_map(Op::Insert),
        3 => (0.0..1.0f64).prop_map(Op::Remove),
        1 => (0.0..1.0f64, 1..600usize).prop_map(|(at, n)| Op::RemoveRun(at, n)),
        1 => (text, 1..600usize).prop_map(|(t, n)| Op::InsertRun(t, n)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_row_is_reached_after_inserts_and_deletes_anywhere(
        texts in proptest::collection::vec("[a-d]{0,3}", 0..2_000),
        ops in proptest::collection::vec(op(), 0..60),
    ) {
        let mut next_id: BookId = 1;
        let mut model = BTreeSet::new();
        for text in &texts {
            model.insert(key(text, next_id));
            next_id += 1;
        }
        let sorted: Vec<SortKey> = model.iter().cloned().collect();
        let mut ranks = Ranks::from_sorted(&sorted, SortKey::clone);
        assert_every_row(&ranks, &model);
        for op in ops {
            match op {
                Op::Insert(text) => {
                    let new = key(&text, next_id);
                    next_id += 1;
                    ranks.inserted(&new);
                    model.insert(new);
                }
                Op::InsertRun(text, n) => {
                    for _ in 0..n {
                        let new = key(&text, next_id);
                        next_id += 1;
                        ranks.inserted(&new);
                        model.insert(new);
                    }
                }
                Op::Remove(at) | Op::RemoveRun(at, _) if model.is_empty() => {
                    let _ = at;
                }
                Op::Remove(at) => {
                    let gone = model.iter().nth((at * model.len() as f64) as usize).cloned();
                    if let Some(gone) = gone {
                        ranks.removed(&gone);
                        model.remove(&gone);
                    }
                }
                Op::RemoveRun(at, n) => {
                    let from = (at * model.len() as f64) as usize;
                    let gone: Vec<SortKey> = model.iter().skip(from).take(n).cloned().collect();
                    for key in gone {
                        ranks.removed(&key);
                        model.remove(&key);
                    }
                }
            }
            assert_every_row(&ranks, &model);
        }
    }
}

#[test]
fn a_fresh_index_keeps_every_256th_key_and_walks_less_than_that() {
    let keys: Vec<SortKey> = (1..=10_000).map(|id| key("", id)).collect();
    let ranks = Ranks::from_sorted(&keys, SortKey::clone);
    assert_eq!(ranks.anchors(), 39);
    assert_eq!(ranks.total(), 10_000);
    for row in [0, 1, 255, 256, 257, 5_000, 9_999] {
        let start = ranks.start(row);
        assert!(start.skip < EVERY, "row {row}: {start:?}");
    }
    assert_eq!(
        ranks.start(5_000),
        Start {
            from: Some(key("", 4_865)),
            skip: 136
        }
    );
    assert_eq!(
        ranks.start(3),
        Start {
            from: None,
            skip: 3
        }
    );
}

#[test]
fn writes_bunched_between_two_anchors_make_the_walk_long() {
    let keys: Vec<SortKey> = (1..=1_000).map(|id| key("m", id)).collect();
    let mut ranks = Ranks::from_sorted(&keys, SortKey::clone);
    for id in 0..3_000 {
        ranks.inserted(&key("a", 10_000 + id));
    }
    assert!(ranks.start(2_999).skip > STALE_WALK);
    let start = ranks.start(3_000 + 600);
    assert_eq!(start.from, Some(key("m", 513)));
    assert_eq!(start.skip, 88);
}

#[test]
fn an_empty_order_starts_at_the_top() {
    let mut ranks = Ranks::from_sorted(&[], SortKey::clone);
    assert_eq!(
        ranks.start(0),
        Start {
            from: None,
            skip: 0
        }
    );
    ranks.removed(&key("x", 1));
    assert_eq!(ranks.total(), 0);
}

/// Through the search index, as the app uses it: books added, retitled, re-dated and deleted
/// anywhere; in every sort field asked, every row is reached, and the index's own order agrees
/// with the keys the store's indexes hold.
mod through_the_search_index {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use crate::book::{Book, BookId, NewBook};
    use crate::query::{Direction, Filter, Sort, SortField, SortKey};
    use crate::ranks::Start;
    use crate::search::SearchIndex;

    fn book(id: BookId, title: &str, year: Option<i32>) -> Book {
        let mut book = NewBook::new(title, "Someone", "Fiction").with_id(id);
        book.year = year;
        book
    }

    const FIELDS: [SortField; 4] = [
        SortField::Id,
        SortField::Title,
        SortField::Year,
        SortField::Genre,
    ];

    fn landing(sorted: &[SortKey], start: &Start) -> usize {
        super::landing(sorted, start)
    }

    fn check(index: &mut SearchIndex, model: &BTreeMap<BookId, Book>) {
        for field in FIELDS {
            let sort = Sort {
                field,
                direction: Direction::Ascending,
            };
            let mut sorted: Vec<SortKey> = model.values().map(|b| sort.key_of(b)).collect();
            sorted.sort();
            let ids: Vec<BookId> = sorted.iter().map(|key| key.id).collect();
            assert_eq!(index.matching(&Filter::default(), sort), ids, "{field:?}");
            for row in 0..sorted.len() as u64 {
                let (start, total) = index.start_of_row(field, row);
                assert_eq!(total, sorted.len() as u64);
                assert_eq!(
                    landing(&sorted, &start),
                    row as usize,
                    "{field:?} row {row}"
                );
            }
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Add(String, Option<i32>),
        Retitle(f64, String),
        Remove(f64),
        AddMany(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        let title = "[a-cé]{0,3}";
        let year = proptest::option::of(1990..1995i32);
        prop_oneof![
            3 => (title, year).prop_map(|(t, y)| Op::Add(t, y)),
            3 => (0.0..1.0f64, title).prop_map(|(at, t)| Op::Retitle(at, t)),
            3 => (0.0..1.0f64).prop_map(Op::Remove),
            1 => (1..400usize).prop_map(Op::AddMany),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        #[test]
        fn jumps_land_on_the_sorted_row(
            first in 0..1_200usize,
            ops in proptest::collection::vec(op(), 0..24),
        ) {
            let mut model: BTreeMap<BookId, Book> = BTreeMap::new();
            let mut next: BookId = 1;
            for n in 0..first {
                model.insert(next, book(next, &format!("t{}", n % 37), Some(1990 + (n % 5) as i32)));
                next += 1;
            }
            let all: Vec<Book> = model.values().cloned().collect();
            let mut index = SearchIndex::from_chunks(SearchIndex::chunks_of(&all));
            check(&mut index, &model);
            for op in ops {
                match op {
                    Op::Add(title, year) => {
                        let new = book(next, &title, year);
                        next += 1;
                        index.upsert(&new);
                        model.insert(new.id, new);
                    }
                    Op::AddMany(n) => {
                        let new: Vec<Book> = (0..n as BookId).map(|i| book(next + i, "b", None)).collect();
                        next += n as BookId;
                        index.upsert_all(&new);
                        model.extend(new.into_iter().map(|b| (b.id, b)));
                    }
                    Op::Retitle(at, title) => {
                        let id = model.keys().nth((at * model.len() as f64) as usize).copied();
                        if let Some(id) = id {
                            let mut changed = model[&id].clone();
                            changed.title = title;
                            index.upsert(&changed);
                            model.insert(id, changed);
                        }
                    }
                    Op::Remove(at) => {
                        let id = model.keys().nth((at * model.len() as f64) as usize).copied();
                        if let Some(id) = id {
                            index.remove(id);
                            model.remove(&id);
                        }
                    }
                }
                check(&mut index, &model);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The eight-bytes-at-a-time sort orders as the indexes do, whatever the texts: shared
    /// prefixes longer than eight bytes, equal texts, and characters where UTF-8 and UTF-16 order
    /// disagree (U+E000–U+FFFF against those above U+FFFF).
    #[test]
    fn sorting_by_eight_bytes_orders_as_the_indexes_do(
        texts in proptest::collection::vec("(the hidden winter |abcdefgh)?[a-c\u{e000}\u{ff21}\u{1f600}é]{0,12}", 0..300),
    ) {
        let mut keys: Vec<(&[u8], BookId)> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| (text.as_bytes(), (i * 7919 % 1000) as BookId))
            .collect();
        let mut expected = keys.clone();
        expected.sort_by(|a, b| cmp_utf16_bytes(a.0, b.0).then(a.1.cmp(&b.1)));
        sort_as_indexes(&mut keys);
        prop_assert_eq!(keys, expected);
    }
}
