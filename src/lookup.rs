//! The duplicate lookup's questions and answers: what an import asks the store about its books
//! ([`Probe`]: ids, ISBNs, uids, folded titles and authors) and what the store answers
//! ([`Existing`]). Plain data, below both the store, which answers, and the import, which asks.

use std::collections::{HashMap, HashSet};

use crate::book::BookId;

/// What to ask the store about an import's books.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Probe {
    /// The ids the file carries.
    pub ids: HashSet<BookId>,
    /// The ISBNs the file carries, each once.
    pub isbns: Vec<String>,
    /// Each book's folded title and author, as [`name_key`] joins them.
    pub names: HashSet<String>,
    /// The uids the file carries.
    pub uids: Vec<String>,
}

/// A folded title and author as one key: joined by a NUL, which neither can hold (control
/// characters are refused).
pub fn name_key(title_key: &str, author_key: &str) -> String {
    let mut key = String::with_capacity(title_key.len() + 1 + author_key.len());
    key.push_str(title_key);
    key.push('\0');
    key.push_str(author_key);
    key
}

impl Probe {
    /// True when there is nothing to ask.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
            && self.isbns.is_empty()
            && self.names.is_empty()
            && self.uids.is_empty()
    }
}

/// What the store answered: the asked-about ids in use, and who already has an ISBN or a name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Existing {
    /// Ids of the file that stored books already have.
    pub ids: HashSet<BookId>,
    /// ISBN to a stored book that has it.
    pub isbns: HashMap<String, BookId>,
    /// (Folded title, folded author) to a stored book that has them.
    pub names: HashMap<(String, String), BookId>,
    /// Uid of the file to the stored book that has it (the same book).
    pub uids: HashMap<String, BookId>,
    /// The largest id any book has ever had here, deleted ones included: a file's id at or
    /// below it could be another book's, so only ids above it are kept.
    pub high_water: BookId,
}

impl Existing {
    /// Records what one stored book (id, folded title, folded author) answers to `probe`.
    pub fn note(&mut self, probe: &Probe, id: BookId, title_key: &str, author_key: &str) {
        if probe.ids.contains(&id) {
            self.ids.insert(id);
        }
        if probe.names.contains(&name_key(title_key, author_key)) {
            self.names
                .entry((title_key.to_owned(), author_key.to_owned()))
                .or_insert(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_key_keeps_title_and_author_apart() {
        assert_ne!(name_key("ab", "c"), name_key("a", "bc"));
        assert_eq!(name_key("emile", "rousseau"), "emile\0rousseau");
    }

    #[test]
    fn a_stored_book_answers_only_what_was_asked() {
        let probe = Probe {
            ids: HashSet::from([2]),
            names: HashSet::from([name_key("emile", "rousseau")]),
            ..Probe::default()
        };
        assert!(!probe.is_empty());
        assert!(Probe::default().is_empty());
        let mut existing = Existing::default();
        existing.note(&probe, 2, "something else", "nobody");
        existing.note(&probe, 3, "dune", "frank herbert");
        existing.note(&probe, 71, "emile", "rousseau");
        existing.note(&probe, 72, "emile", "rousseau");
        assert_eq!(existing.ids, HashSet::from([2]));
        assert_eq!(
            existing.names,
            HashMap::from([(("emile".to_owned(), "rousseau".to_owned()), 71)]),
            "the first stored book with the name answers"
        );
    }
}
