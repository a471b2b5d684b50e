//! The words of every title and author, each with the books that hold it: where "Do I own this?"
//! and the search's "Did you mean" look, forgiving typos ("hobit tolkein" finds The Hobbit).
//! Plain Rust.
//!
//! A query's words are matched one by one against the catalogue's vocabulary, exactly, as the
//! start of a word, or within a small edit distance (a swap of two letters counts as one edit);
//! a book answers when every query word matches one of its words. Each match has a cost, so the
//! exact matches rank first, then the prefixes, then the typos.

use std::collections::HashMap;

use crate::book::BookId;

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
#[derive(Debug, Clone, Default)]
pub struct WordIndex {
    /// A word's number in `words`.
    numbers: HashMap<Box<str>, u32>,
    /// The words, by number.
    words: Vec<Box<str>>,
    /// The books holding each word, by number, ascending (empty once its last book is gone).
    books: Vec<Vec<BookId>>,
}

/// The distinct words of a book's folded title and author.
fn book_words<'a>(title: &'a str, author: &'a str) -> Vec<&'a str> {
    let mut words: Vec<&str> = words_of(title).chain(words_of(author)).collect();
    words.sort_unstable();
    words.dedup();
    words
}

impl WordIndex {
    /// Records a book's folded title and author.
    pub fn add(&mut self, id: BookId, title: &str, author: &str) {
        for word in book_words(title, author) {
            let number = match self.numbers.get(word) {
                Some(&number) => number,
                None => {
                    let number = self.words.len() as u32;
                    self.numbers.insert(word.into(), number);
                    self.words.push(word.into());
                    self.books.push(Vec::new());
                    number
                }
            };
            let ids = &mut self.books[number as usize];
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
    }

    /// Forgets a book, given the folded title and author it was recorded with.
    pub fn remove(&mut self, id: BookId, title: &str, author: &str) {
        for word in book_words(title, author) {
            if let Some(&number) = self.numbers.get(word) {
                let ids = &mut self.books[number as usize];
                if let Ok(at) = ids.binary_search(&id) {
                    ids.remove(at);
                }
            }
        }
    }

    /// The books whose words match every word of the folded query, each with its cost, in no
    /// particular order. Nothing when the query has no words.
    pub fn find(&self, query: &str) -> Vec<WordMatch> {
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
            words
                .iter()
                .map(|&(number, _)| self.books[number as usize].len())
                .sum()
        };
        candidates.sort_by_cached_key(size);
        let mut found: Vec<WordMatch> = Vec::new();
        for &(number, cost) in &candidates[0] {
            found.extend(
                self.books[number as usize]
                    .iter()
                    .map(|&id| WordMatch { id, cost }),
            );
        }
        // One entry per book, at its cheapest word.
        found.sort_unstable_by_key(|m| (m.id, m.cost));
        found.dedup_by_key(|m| m.id);
        for words in &candidates[1..] {
            found.retain_mut(|m| {
                let cheapest = words
                    .iter()
                    .filter(|&&(number, _)| {
                        self.books[number as usize].binary_search(&m.id).is_ok()
                    })
                    .map(|&(_, cost)| cost)
                    .min();
                match cheapest {
                    Some(cost) => {
                        m.cost += cost;
                        true
                    }
                    None => false,
                }
            });
            if found.is_empty() {
                break;
            }
        }
        found
    }

    /// The catalogue's words a query word may mean, as (word number, cost).
    fn candidates(&self, term: &str) -> Vec<(u32, u32)> {
        let term_chars: Vec<char> = term.chars().collect();
        let allowed = edits_allowed(term_chars.len());
        let mut found = Vec::new();
        for (number, word) in self.words.iter().enumerate() {
            if self.books[number].is_empty() {
                continue;
            }
            let cost = if **word == *term {
                0
            } else if word.starts_with(term) {
                PREFIX_COST
            } else if allowed == 0 || word.len().abs_diff(term.len()) > allowed * 4 {
                continue;
            } else {
                match edit_distance(&term_chars, word, allowed) {
                    Some(edits) => EDIT_COST * edits as u32,
                    None => continue,
                }
            };
            found.push((number as u32, cost));
        }
        found
    }
}

/// The edits (insertions, deletions, substitutions, and swaps of two neighbours) between a query
/// word and a word, when there are at most `limit`.
fn edit_distance(term: &[char], word: &str, limit: usize) -> Option<usize> {
    let word: Vec<char> = word.chars().collect();
    if word.len().abs_diff(term.len()) > limit {
        return None;
    }
    let width = word.len() + 1;
    // Three rows of the optimal string alignment table: two back, one back, this one.
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
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
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let edits = previous[width - 1];
    (edits <= limit).then_some(edits)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let index = index(&[
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
    fn exact_words_cost_less_than_prefixes_and_typos() {
        let index = index(&[
            (1, "dune", "frank herbert"),
            (2, "dunes of sand", "a. writer"),
            (3, "rune magic", "someone"),
        ]);
        assert_eq!(ids(index.find("dune")), vec![(1, 0), (2, 1), (3, 2)]);
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
