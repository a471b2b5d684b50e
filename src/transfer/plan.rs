//! Planning an import against what is stored: which books look like ones already there (same
//! ISBN, or same folded title and author), which keep the ids the file gave them, and which get
//! new ones because theirs are taken. Nothing is written here; the plan is what the preview shows.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::{Candidate, Format, ImportReport, Refusal};
use crate::book::{Book, BookId, NewBook};
use crate::query::{count_label, fold};

/// What to ask the store about an import's books.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Probe {
    /// The ids the file carries.
    pub ids: HashSet<BookId>,
    /// The ISBNs the file carries, each once.
    pub isbns: Vec<String>,
    /// Folded title to the folded authors it comes with.
    pub names: HashMap<String, Vec<String>>,
}

impl Probe {
    /// The questions for the books of `report`.
    pub fn of(report: &ImportReport) -> Self {
        let mut probe = Probe::default();
        let mut isbns = HashSet::new();
        for candidate in &report.books {
            probe.ids.extend(candidate.id);
            if let Some(isbn) = &candidate.book.isbn {
                if isbns.insert(isbn.as_str()) {
                    probe.isbns.push(isbn.clone());
                }
            }
            let authors = probe.names.entry(fold(&candidate.book.title)).or_default();
            let author = fold(&candidate.book.author);
            if !authors.contains(&author) {
                authors.push(author);
            }
        }
        probe
    }

    /// True when there is nothing to ask.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty() && self.isbns.is_empty() && self.names.is_empty()
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
}

impl Existing {
    /// Records what one stored book (id, folded title, folded author) answers to `probe`.
    pub fn note(&mut self, probe: &Probe, id: BookId, title_key: &str, author_key: &str) {
        if probe.ids.contains(&id) {
            self.ids.insert(id);
        }
        let asked = probe.names.get(title_key);
        if asked.is_some_and(|authors| authors.iter().any(|a| a == author_key)) {
            self.names
                .entry((title_key.to_owned(), author_key.to_owned()))
                .or_insert(id);
        }
    }
}

/// Why a book looks like one already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateReason {
    /// A stored book has the same ISBN.
    SameIsbn,
    /// A stored book has the same title and author (ignoring case and accents).
    SameTitleAndAuthor,
}

/// A book of the file that looks like one already stored; skipped unless the person says otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The book read from the file.
    pub candidate: Candidate,
    /// The stored book it looks like.
    pub existing: BookId,
    /// Why.
    pub reason: DuplicateReason,
}

impl fmt::Display for Duplicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let book = &self.candidate.book;
        let reason = match self.reason {
            DuplicateReason::SameIsbn => "same ISBN",
            DuplicateReason::SameTitleAndAuthor => "same title and author",
        };
        write!(
            f,
            "Line {}: “{}” by {} ({reason} as book {})",
            self.candidate.line, book.title, book.author, self.existing
        )
    }
}

/// What an import will do, for the preview; the write takes it whole, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    /// What the file was.
    pub format: Format,
    /// Books that keep the ids the file gave them.
    pub restored: Vec<Book>,
    /// Books that get new ids.
    pub added: Vec<NewBook>,
    /// How many of `added` carried an id that a stored book already has.
    pub renumbered: usize,
    /// Books that look like stored ones (skipped by default).
    pub duplicates: Vec<Duplicate>,
    /// Lines refused, and why.
    pub refused: Vec<Refusal>,
    /// Columns of the file that Bookshelf does not keep.
    pub ignored_columns: Vec<String>,
}

impl ImportPlan {
    /// The plan for `report`, given what the store answered to its [`Probe`].
    pub fn new(report: ImportReport, existing: &Existing) -> Self {
        let mut plan = ImportPlan {
            format: report.format,
            restored: Vec::new(),
            added: Vec::new(),
            renumbered: 0,
            duplicates: Vec::new(),
            refused: report.refused,
            ignored_columns: report.ignored_columns,
        };
        for candidate in report.books {
            let same_isbn = candidate
                .book
                .isbn
                .as_ref()
                .and_then(|isbn| existing.isbns.get(isbn));
            let name = (fold(&candidate.book.title), fold(&candidate.book.author));
            let duplicate = match (same_isbn, existing.names.get(&name)) {
                (Some(&id), _) => Some((id, DuplicateReason::SameIsbn)),
                (None, Some(&id)) => Some((id, DuplicateReason::SameTitleAndAuthor)),
                (None, None) => None,
            };
            match duplicate {
                Some((existing, reason)) => plan.duplicates.push(Duplicate {
                    candidate,
                    existing,
                    reason,
                }),
                None => plan.take(candidate, existing),
            }
        }
        plan
    }

    /// Files a book that will be written: with its own id if it has a free one.
    fn take(&mut self, candidate: Candidate, existing: &Existing) {
        match candidate.id {
            Some(id) if !existing.ids.contains(&id) => {
                self.restored.push(candidate.book.with_id(id))
            }
            Some(_) => {
                self.renumbered += 1;
                self.added.push(candidate.book);
            }
            None => self.added.push(candidate.book),
        }
    }

    /// How many books the import writes, with or without the duplicates.
    pub fn count(&self, include_duplicates: bool) -> usize {
        let duplicates = if include_duplicates {
            self.duplicates.len()
        } else {
            0
        };
        self.restored.len() + self.added.len() + duplicates
    }

    /// The books to write: those that keep their ids, and those that get new ones.
    pub fn into_batch(
        self,
        include_duplicates: bool,
        existing: &Existing,
    ) -> (Vec<Book>, Vec<NewBook>) {
        let mut plan = self;
        if include_duplicates {
            for duplicate in std::mem::take(&mut plan.duplicates) {
                plan.take(duplicate.candidate, existing);
            }
        }
        (plan.restored, plan.added)
    }
}

/// The confirm button's name: "Import 232 books".
pub fn import_label(count: usize) -> String {
    format!("Import {}", count_label(count as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::read_all;

    fn report() -> ImportReport {
        read_all(
            "id,title,author,isbn\n\
             1,Dune,Frank Herbert,0441172717\n\
             2,Emma,Jane Austen,\n\
             3,Émile,Rousseau,\n\
             ,New Book,Someone,\n",
        )
        .unwrap()
    }

    #[test]
    fn the_probe_asks_about_ids_isbns_and_folded_names() {
        let probe = Probe::of(&report());
        assert_eq!(probe.ids, HashSet::from([1, 2, 3]));
        assert_eq!(probe.isbns, vec!["9780441172719".to_owned()]);
        assert_eq!(probe.names["emile"], vec!["rousseau".to_owned()]);
        assert!(Probe::default().is_empty());
    }

    #[test]
    fn an_empty_store_restores_every_id() {
        let plan = ImportPlan::new(report(), &Existing::default());
        assert_eq!(
            plan.restored.iter().map(|b| b.id).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(plan.added.len(), 1);
        assert_eq!(plan.count(false), 4);
        assert_eq!(import_label(plan.count(false)), "Import 4 books");
        assert_eq!(import_label(1), "Import 1 book");
    }

    #[test]
    fn duplicates_are_found_by_isbn_or_folded_name_and_skipped_by_default() {
        let report = report();
        let probe = Probe::of(&report);
        let mut existing = Existing::default();
        existing.isbns.insert("9780441172719".into(), 70);
        existing.note(&probe, 2, "something else", "nobody");
        existing.note(&probe, 71, "emile", "rousseau");
        let plan = ImportPlan::new(report, &existing);
        let found: Vec<(u64, BookId, DuplicateReason)> = plan
            .duplicates
            .iter()
            .map(|d| (d.candidate.line, d.existing, d.reason))
            .collect();
        assert_eq!(
            found,
            vec![
                (2, 70, DuplicateReason::SameIsbn),
                (4, 71, DuplicateReason::SameTitleAndAuthor)
            ]
        );
        assert_eq!(plan.renumbered, 1, "Emma's id 2 is taken");
        assert_eq!(plan.count(false), 2);
        assert_eq!(plan.count(true), 4);
        assert!(plan.duplicates[1]
            .to_string()
            .contains("same title and author as book 71"));

        let (restored, added) = plan.clone().into_batch(false, &existing);
        assert!(restored.is_empty());
        assert_eq!(added.len(), 2);
        let (restored, added) = plan.into_batch(true, &existing);
        assert_eq!(restored.iter().map(|b| b.id).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(added.len(), 2);
    }
}
