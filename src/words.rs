//! The words of every title and author, each with the books that hold it: where "Do I own this?"
//! and the search's "Did you mean" look, forgiving typos ("hobit tolkein" finds The Hobbit).
//! Plain Rust.
//!
//! A query's words are matched one by one against the catalogue's vocabulary, exactly, as the
//! start of a word, or within a small edit distance (a swap of two letters counts as one edit);
//! a book answers when every query word matches one of its words. Each match has a cost, so the
//! exact matches rank first, then the prefixes, then the typos.

use std::collections::HashMap;
use std::hash::Hasher;

use hashbrown::HashTable;

use crate::book::BookId;

mod sorting;

use sorting::StepSort;

/// A small fast hash for short words (FxHash's): the index hashes every word of every title.
#[derive(Default)]
struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        for &byte in chunks.remainder() {
            self.add(u64::from(byte));
        }
    }

    fn finish(&self) -> u64 {
        // A final mix (splitmix64's), so that the low bits the table uses depend on every byte.
        let mut h = self.0;
        h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^ (h >> 31)
    }
}

/// A word's hash, for [`Vocabulary::numbers`].
fn hash_of(word: &str) -> u64 {
    let mut hasher = WordHasher::default();
    hasher.write(word.as_bytes());
    hasher.finish()
}

/// The `number`th word of a [`Vocabulary`] (empty past its end, which no number is).
fn word_at<'a>(text: &'a str, ends: &[u32], number: u32) -> &'a str {
    let number = number as usize;
    let start = match number.checked_sub(1) {
        Some(before) => ends.get(before).copied().unwrap_or_default(),
        None => 0,
    };
    let end = ends.get(number).copied().unwrap_or(start);
    text.get(start as usize..end as usize).unwrap_or_default()
}

/// Every word of the catalogue once, numbered in the order first seen: all in one string, found
/// through a table of numbers. A big catalogue has about as many words as books (a title's
/// number, a rare name), and a box for each word, twice (the list and a map's key), cost more
/// than the words themselves.
#[derive(Clone, Default)]
struct Vocabulary {
    /// The words, one after the other.
    text: String,
    /// Where each word ends in `text`, by number (it starts where the one before ends).
    ends: Vec<u32>,
    /// The words' numbers, by the hash of the word.
    numbers: HashTable<u32>,
}

impl Vocabulary {
    /// How many words.
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The word of `number`.
    fn get(&self, number: u32) -> &str {
        word_at(&self.text, &self.ends, number)
    }

    /// The number of `word`, if it is here.
    fn number(&self, word: &str) -> Option<u32> {
        self.numbers
            .find(hash_of(word), |&number| self.get(number) == word)
            .copied()
    }

    /// Adds a word that is not here yet; its number.
    fn add(&mut self, word: &str) -> u32 {
        let number = self.ends.len() as u32;
        self.text.push_str(word);
        self.ends.push(self.text.len() as u32);
        let Self {
            text,
            ends,
            numbers,
        } = self;
        numbers.insert_unique(hash_of(word), number, |&other| {
            hash_of(word_at(text, ends, other))
        });
        number
    }
}

/// The books holding a word, ascending. Most words of a big catalogue are held by one book,
/// kept here without an allocation of its own.
#[derive(Clone, Debug)]
enum Holders {
    One(u32),
    /// Empty once the word's last book is gone.
    Many(Vec<u32>),
}

impl Default for Holders {
    fn default() -> Self {
        Holders::Many(Vec::new())
    }
}

impl Holders {
    fn as_slice(&self) -> &[u32] {
        match self {
            Holders::One(id) => std::slice::from_ref(id),
            Holders::Many(ids) => ids,
        }
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn insert(&mut self, id: u32) {
        match self {
            Holders::Many(ids) if ids.is_empty() => *self = Holders::One(id),
            Holders::Many(ids) => insert_sorted(ids, id),
            Holders::One(only) if *only == id => {}
            Holders::One(only) => {
                *self = Holders::Many(vec![(*only).min(id), (*only).max(id)]);
            }
        }
    }

    fn remove(&mut self, id: u32) {
        match self {
            Holders::One(only) if *only == id => *self = Holders::default(),
            Holders::One(_) => {}
            Holders::Many(ids) => remove_sorted(ids, &id),
        }
    }
}

/// The cost of a query word that is the start of a book's word ("hob" for "hobbit").
const PREFIX_COST: u32 = 1;
/// The cost of each edit between a query word and a book's word.
const EDIT_COST: u32 = 2;

/// The words of a folded text: its runs of letters and digits.
pub fn words_of(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
}

/// Words sorted at once before they are merged, and words placed by a merge, in one
/// [`WordIndex::sort_step`]: each well under a millisecond.
const SORT_RUN: usize = 2_048;
const SORT_STEP: usize = 16_384;

/// Words of this many characters and more share the last list of [`WordIndex::by_length`].
const LONG: usize = 32;
/// At most this many of the catalogue's words are taken for one query word (the cheapest, then
/// the commonest), so that a short start of a word does not stand for thousands.
const CANDIDATES: usize = 200;

/// How many edits a query word of this many characters may be from a book's word: none for the
/// shortest words, where one edit makes another word, more for longer ones.
fn edits_allowed(chars: usize) -> usize {
    match chars {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    }
}

/// A book that answers a query, and how far its words are from the query's (0 is exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordMatch {
    /// The book.
    pub id: BookId,
    /// The sum of the query words' costs: 0 when every word is exact.
    pub cost: u32,
}

/// Every word of the catalogue's titles and authors, with the ids of the books that hold it.
#[derive(Clone, Default)]
pub struct WordIndex {
    /// The words, by number.
    words: Vocabulary,
    /// The books holding each word, by number. Ids are kept in 32 bits, half the memory; the
    /// rare larger id goes in `wide`.
    books: Vec<Holders>,
    /// The books with ids beyond 32 bits, by word number, ascending.
    wide: HashMap<u32, Vec<BookId>>,
    /// Every word's number in the words' order (for the starts of words), made at the first
    /// search and kept in order since.
    sorted: Option<Vec<u32>>,
    /// `sorted` being made, a step at a time ([`WordIndex::sort_step`]).
    sorting: Option<StepSort>,
    /// The numbers of the words that start with a letter, by their length in characters (the
    /// last holds every longer word): the only words a typo can be of.
    by_length: Vec<Vec<u32>>,
}

impl std::fmt::Debug for WordIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WordIndex({} words)", self.words.len())
    }
}

/// Puts `id` in an ascending list, once.
fn insert_sorted<T: Ord + Copy>(ids: &mut Vec<T>, id: T) {
    // Books mostly come in id order: then this is a push.
    match ids.last() {
        Some(&last) if last >= id => {
            if let Err(at) = ids.binary_search(&id) {
                ids.insert(at, id);
            }
        }
        _ => ids.push(id),
    }
}

/// Takes `id` out of an ascending list.
fn remove_sorted<T: Ord>(ids: &mut Vec<T>, id: &T) {
    if let Ok(at) = ids.binary_search(id) {
        ids.remove(at);
    }
}

/// Calls `visit` once with each distinct word of a book's folded title and author.
fn for_book_words<'a>(title: &'a str, author: &'a str, mut visit: impl FnMut(&'a str)) {
    // A book has a handful of words: a small list on the stack finds repeats faster than a set.
    let mut seen: [&str; 16] = [""; 16];
    let mut count = 0;
    for word in words_of(title).chain(words_of(author)) {
        if seen[..count.min(16)].contains(&word) {
            continue;
        }
        if count < 16 {
            seen[count] = word;
        }
        count += 1;
        visit(word);
    }
}

impl WordIndex {
    /// Records a book's folded title and author.
    pub fn add(&mut self, id: BookId, title: &str, author: &str) {
        for_book_words(title, author, |word| {
            let number = match self.words.number(word) {
                Some(number) => number,
                None => self.new_word(word),
            };
            match u32::try_from(id) {
                Ok(narrow) => {
                    if let Some(holders) = self.books.get_mut(number as usize) {
                        holders.insert(narrow);
                    }
                }
                Err(_) => insert_sorted(self.wide.entry(number).or_default(), id),
            }
        });
    }

    /// Gives a word first seen its number, and files it.
    fn new_word(&mut self, word: &str) -> u32 {
        let number = self.words.add(word);
        self.books.push(Holders::default());
        if word.chars().next().is_some_and(char::is_alphabetic) {
            let length = word.chars().count().min(LONG);
            if self.by_length.len() <= length {
                self.by_length.resize(length + 1, Vec::new());
            }
            self.by_length[length].push(number);
        }
        if let Some(sorted) = self.sorted.as_mut() {
            let words = &self.words;
            let at = sorted.partition_point(|&other| words.get(other) < word);
            sorted.insert(at, number);
        }
        number
    }

    /// A bounded step (a fraction of a millisecond) of putting the words in order, which the
    /// starts of words are found by; true once they are. Words first seen meanwhile are filed
    /// when the rest are in order.
    pub fn sort_step(&mut self) -> bool {
        if self.sorted.is_some() {
            return true;
        }
        let words = &self.words;
        let sorting = self
            .sorting
            .get_or_insert_with(|| StepSort::new(words.len(), SORT_RUN));
        if !sorting.step(SORT_STEP, |a, b| words.get(a).cmp(words.get(b))) {
            return false;
        }
        let Some(sorting) = self.sorting.take() else {
            return false;
        };
        let first_unsorted = sorting.len() as u32;
        let mut sorted = sorting.into_order();
        for number in first_unsorted..self.words.len() as u32 {
            let word = self.words.get(number);
            let at = sorted.partition_point(|&other| self.words.get(other) < word);
            sorted.insert(at, number);
        }
        self.sorted = Some(sorted);
        true
    }

    /// How many books hold the word.
    fn count(&self, number: u32) -> usize {
        let wide = match self.wide.is_empty() {
            true => 0,
            false => self.wide.get(&number).map_or(0, Vec::len),
        };
        self.books.get(number as usize).map_or(0, Holders::len) + wide
    }

    /// The books holding the word, ascending.
    fn holders(&self, number: u32) -> impl Iterator<Item = BookId> + '_ {
        let wide = match self.wide.is_empty() {
            true => &[][..],
            false => self
                .wide
                .get(&number)
                .map(Vec::as_slice)
                .unwrap_or_default(),
        };
        self.books
            .get(number as usize)
            .map_or(&[][..], Holders::as_slice)
            .iter()
            .map(|&id| BookId::from(id))
            .chain(wide.iter().copied())
    }

    /// Forgets a book, given the folded title and author it was recorded with.
    pub fn remove(&mut self, id: BookId, title: &str, author: &str) {
        for_book_words(title, author, |word| {
            if let Some(number) = self.words.number(word) {
                match u32::try_from(id) {
                    Ok(narrow) => {
                        if let Some(holders) = self.books.get_mut(number as usize) {
                            holders.remove(narrow);
                        }
                    }
                    Err(_) => {
                        if let Some(ids) = self.wide.get_mut(&number) {
                            remove_sorted(ids, &id);
                        }
                    }
                }
            }
        });
    }

    /// The books whose words match every word of the folded query, each with its cost, in no
    /// particular order. Nothing when the query has no words.
    pub fn find(&mut self, query: &str) -> Vec<WordMatch> {
        while !self.sort_step() {}
        let mut terms: Vec<&str> = words_of(query).collect();
        terms.sort_unstable();
        terms.dedup();
        let mut candidates: Vec<Vec<(u32, u32)>> =
            terms.iter().map(|term| self.candidates(term)).collect();
        if candidates.is_empty() || candidates.iter().any(Vec::is_empty) {
            return Vec::new();
        }
        // The rarest term first: the answer can only shrink from there.
        let size = |words: &Vec<(u32, u32)>| -> usize {
            words.iter().map(|&(number, _)| self.count(number)).sum()
        };
        candidates.sort_by_cached_key(size);
        let mut found: Vec<WordMatch> = Vec::new();
        for &(number, cost) in &candidates[0] {
            found.extend(self.holders(number).map(|id| WordMatch { id, cost }));
        }
        if candidates[0].len() > 1 {
            // One entry per book, at its cheapest word.
            found.sort_unstable_by_key(|m| (m.id, m.cost));
            found.dedup_by_key(|m| m.id);
        }
        for words in &candidates[1..] {
            self.narrow(&mut found, words);
            if found.is_empty() {
                break;
            }
        }
        found
    }

    /// Keeps the books (ascending by id) that hold one of `words`, adding the cheapest one's
    /// cost. Each word's list is merged with the books, or, when it is much shorter, its books
    /// are looked up among them.
    fn narrow(&self, found: &mut Vec<WordMatch>, words: &[(u32, u32)]) {
        let mut best = vec![u32::MAX; found.len()];
        for &(number, cost) in words {
            let mut keep = |at: usize| best[at] = best[at].min(cost);
            if self.count(number).saturating_mul(16) < found.len() {
                for id in self.holders(number) {
                    if let Ok(at) = found.binary_search_by_key(&id, |m| m.id) {
                        keep(at);
                    }
                }
                continue;
            }
            let mut holders = self.holders(number).peekable();
            for (at, m) in found.iter().enumerate() {
                while holders.next_if(|&id| id < m.id).is_some() {}
                match holders.peek() {
                    Some(&id) if id == m.id => keep(at),
                    Some(_) => {}
                    None => break,
                }
            }
        }
        let mut costs = best.into_iter();
        found.retain_mut(|m| match costs.next() {
            Some(cost) if cost != u32::MAX => {
                m.cost += cost;
                true
            }
            _ => false,
        });
    }

    /// The catalogue's words a query word may mean, as (word number, cost): itself, the words it
    /// starts (from two characters), and words within a few edits (from four letters). Numbers
    /// are never typos: "1985" is not "1984".
    fn candidates(&self, term: &str) -> Vec<(u32, u32)> {
        let mut found: Vec<(u32, u32)> = Vec::new();
        if let Some(number) = self.words.number(term) {
            found.push((number, 0));
        }
        let term_chars: Vec<char> = term.chars().collect();
        if term_chars.len() >= 2 {
            if let Some(sorted) = &self.sorted {
                let words = &self.words;
                let from = sorted.partition_point(|&number| words.get(number) <= term);
                found.extend(
                    sorted[from..]
                        .iter()
                        .take_while(|&&number| words.get(number).starts_with(term))
                        .map(|&number| (number, PREFIX_COST)),
                );
            }
        }
        let allowed = edits_allowed(term_chars.len());
        if allowed > 0 && term_chars.iter().all(|c| c.is_alphabetic()) {
            let mut table = Table::default();
            let lengths =
                term_chars.len().saturating_sub(allowed)..=(term_chars.len() + allowed).min(LONG);
            for length in lengths {
                let Some(numbers) = self.by_length.get(length) else {
                    continue;
                };
                for &number in numbers {
                    let word = self.words.get(number);
                    if word.starts_with(term) {
                        continue; // already there, exact or as a start
                    }
                    if let Some(edits) = table.distance(&term_chars, word, allowed) {
                        found.push((number, EDIT_COST * edits as u32));
                    }
                }
            }
        }
        found.retain(|&(number, _)| self.count(number) > 0);
        if found.len() > CANDIDATES {
            found.sort_unstable_by_key(|&(number, cost)| {
                (cost, std::cmp::Reverse(self.count(number)))
            });
            found.truncate(CANDIDATES);
        }
        found
    }
}

/// The working rows of [`Table::distance`], kept from one word to the next.
#[derive(Default)]
struct Table {
    word: Vec<char>,
    rows: [Vec<usize>; 3],
}

impl Table {
    /// The edits (insertions, deletions, substitutions, and swaps of two neighbours) between a
    /// query word and a word, when there are at most `limit`.
    fn distance(&mut self, term: &[char], word: &str, limit: usize) -> Option<usize> {
        // Cheap refusals first: most words of a catalogue are far too long or short.
        let bytes = word.len();
        if bytes + limit < term.len() || (word.is_ascii() && bytes > term.len() + limit) {
            return None;
        }
        self.word.clear();
        self.word.extend(word.chars());
        let word = &self.word;
        if word.len().abs_diff(term.len()) > limit {
            return None;
        }
        let width = word.len() + 1;
        let [before, previous, current] = &mut self.rows;
        for row in [&mut *before, &mut *previous, &mut *current] {
            row.clear();
            row.resize(width, 0);
        }
        for (j, cell) in previous.iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=term.len() {
            current[0] = i;
            let mut row_min = i;
            for j in 1..width {
                let same = term[i - 1] == word[j - 1];
                let mut cell = (previous[j] + 1)
                    .min(current[j - 1] + 1)
                    .min(previous[j - 1] + usize::from(!same));
                if i > 1 && j > 1 && term[i - 1] == word[j - 2] && term[i - 2] == word[j - 1] {
                    cell = cell.min(before[j - 2] + 1);
                }
                current[j] = cell;
                row_min = row_min.min(cell);
            }
            if row_min > limit {
                return None;
            }
            std::mem::swap(before, previous);
            std::mem::swap(previous, current);
        }
        let edits = previous[width - 1];
        (edits <= limit).then_some(edits)
    }
}

/// The edits between a query word and a word, when there are at most `limit` (for tests).
#[cfg(test)]
fn edit_distance(term: &[char], word: &str, limit: usize) -> Option<usize> {
    Table::default().distance(term, word, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_put_in_order_in_steps_take_in_words_first_seen_meanwhile() {
        let mut words = WordIndex::default();
        for id in 0..20_000u64 {
            words.add(id, &format!("volume{}", id * 7919 % 20_000), "anon");
        }
        let mut steps = 0;
        while !words.sort_step() {
            steps += 1;
            if steps == 3 {
                // A write in the middle of the sort: a new word, and a new book of an old word.
                words.add(7_000, "aardvark volume5", "zed");
            }
        }
        assert!(
            steps > 10,
            "twenty thousand words take several steps: {steps}"
        );
        let sorted = words.sorted.clone().unwrap_or_default();
        assert_eq!(sorted.len(), words.words.len(), "every word, once");
        assert!(sorted
            .windows(2)
            .all(|pair| words.words.get(pair[0]) < words.words.get(pair[1])));
        let found = |words: &mut WordIndex, query| {
            let mut ids: Vec<BookId> = words.find(query).into_iter().map(|m| m.id).collect();
            ids.sort_unstable();
            ids
        };
        assert_eq!(
            found(&mut words, "aardv"),
            vec![7_000],
            "the start of a word seen mid-sort"
        );
        assert_eq!(found(&mut words, "volume19999").len(), 1);
    }

    fn index(books: &[(BookId, &str, &str)]) -> WordIndex {
        let mut index = WordIndex::default();
        for (id, title, author) in books {
            index.add(*id, title, author);
        }
        index
    }

    fn ids(mut found: Vec<WordMatch>) -> Vec<(BookId, u32)> {
        found.sort_by_key(|m| (m.cost, m.id));
        found.into_iter().map(|m| (m.id, m.cost)).collect()
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(edit_distance(&chars("hobit"), "hobbit", 2), Some(1));
        assert_eq!(edit_distance(&chars("tolkein"), "tolkien", 2), Some(1));
        assert_eq!(edit_distance(&chars("tolkien"), "tolkien", 2), Some(0));
        assert_eq!(edit_distance(&chars("dune"), "rune", 1), Some(1));
        assert_eq!(edit_distance(&chars("dune"), "door", 1), None);
        assert_eq!(edit_distance(&chars("émile"), "emile", 1), Some(1));
        assert_eq!(edit_distance(&chars("abc"), "abcdef", 2), None);
    }

    #[test]
    fn typos_find_the_book() {
        let mut index = index(&[
            (1, "the hobbit", "j. r. r. tolkien"),
            (2, "the lord of the rings", "j. r. r. tolkien"),
            (3, "dune", "frank herbert"),
        ]);
        assert_eq!(ids(index.find("hobit tolkein")), vec![(1, 4)]);
        assert_eq!(ids(index.find("the hobbit")), vec![(1, 0)]);
        assert_eq!(ids(index.find("tolkien")), vec![(1, 0), (2, 0)]);
        // Every word must match something.
        assert!(index.find("hobbit herbert").is_empty());
        assert!(index.find("").is_empty());
        assert!(index.find(" , ").is_empty());
        // Short words must be exact or a prefix: "dun" is the start of "dune", "rune" is not there.
        assert_eq!(ids(index.find("dun")), vec![(3, 1)]);
        assert!(index.find("xyz").is_empty());
    }

    #[test]
    fn numbers_match_exactly_or_as_a_start() {
        let mut index = index(&[
            (1, "1984", "orwell"),
            (2, "1985", "burgess"),
            (3, "19845", "x"),
        ]);
        assert_eq!(ids(index.find("1984")), vec![(1, 0), (3, 1)]);
        assert_eq!(ids(index.find("198")), vec![(1, 1), (2, 1), (3, 1)]);
    }

    #[test]
    fn ids_beyond_32_bits_are_found_too() {
        let big = u64::from(u32::MAX) + 7;
        let mut index = index(&[(1, "dune", "herbert"), (big, "dune messiah", "herbert")]);
        assert_eq!(ids(index.find("dune herbert")), vec![(1, 0), (big, 0)]);
        assert_eq!(ids(index.find("messiah")), vec![(big, 0)]);
        index.remove(big, "dune messiah", "herbert");
        assert_eq!(ids(index.find("dune")), vec![(1, 0)]);
    }

    #[test]
    fn exact_words_cost_less_than_prefixes_and_typos() {
        let mut index = index(&[
            (1, "dune", "frank herbert"),
            (2, "dunes of sand", "a. writer"),
            (3, "rune magic", "someone"),
        ]);
        assert_eq!(ids(index.find("dune")), vec![(1, 0), (2, 1), (3, 2)]);
    }

    #[test]
    fn a_word_held_by_one_book_then_more_then_none_keeps_its_books_in_order() {
        let mut holders = Holders::default();
        assert_eq!(holders.len(), 0);
        holders.insert(9);
        assert!(matches!(holders, Holders::One(9)), "one book needs no list");
        holders.insert(9);
        assert_eq!(holders.as_slice(), &[9]);
        holders.insert(4);
        holders.insert(12);
        assert_eq!(holders.as_slice(), &[4, 9, 12]);
        holders.remove(9);
        holders.remove(100);
        assert_eq!(holders.as_slice(), &[4, 12]);
        holders.remove(4);
        holders.remove(12);
        assert_eq!(holders.len(), 0);
        holders.insert(3);
        holders.remove(5);
        assert_eq!(holders.as_slice(), &[3]);
        holders.remove(3);
        assert_eq!(holders.len(), 0);
    }

    #[test]
    fn the_vocabulary_finds_each_word_by_its_text_and_number() {
        let mut vocabulary = Vocabulary::default();
        let words: Vec<String> = (0..5_000)
            .map(|n| format!("w{}", n * 7919 % 5_000))
            .collect();
        for (n, word) in words.iter().enumerate() {
            assert_eq!(vocabulary.number(word), None);
            assert_eq!(vocabulary.add(word), n as u32);
        }
        for (n, word) in words.iter().enumerate() {
            assert_eq!(vocabulary.number(word), Some(n as u32));
            assert_eq!(vocabulary.get(n as u32), word);
        }
        assert_eq!(vocabulary.len(), 5_000);
        assert_eq!(
            vocabulary.number("w"),
            None,
            "a start of a word is not the word"
        );
        assert_eq!(vocabulary.number("émile"), None);
        assert_eq!(vocabulary.get(5_000), "", "no word past the last");
    }

    #[test]
    fn removed_and_changed_books_are_forgotten() {
        let mut index = index(&[(1, "the hobbit", "tolkien"), (2, "dune", "herbert")]);
        index.remove(1, "the hobbit", "tolkien");
        assert!(index.find("hobbit").is_empty());
        index.add(1, "the silmarillion", "tolkien");
        assert_eq!(ids(index.find("silmarilion")), vec![(1, 2)]);
        // A book added out of order keeps the lists sorted.
        index.add(0, "dune messiah", "herbert");
        assert_eq!(ids(index.find("dune")), vec![(0, 0), (2, 0)]);
    }
}
