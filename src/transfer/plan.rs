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
    /// The uids the file carries.
    pub uids: Vec<String>,
}

impl Probe {
    /// The questions for the books of `report`.
    pub fn of(report: &ImportReport) -> Self {
        let mut probe = Probe::default();
        let mut isbns = HashSet::new();
        for candidate in &report.books {
            probe.ids.extend(candidate.id);
            if !candidate.book.uid.is_empty() {
                probe.uids.push(candidate.book.uid.clone());
            }
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
    /// A stored book is this very book (the same uid): the file was exported from here.
    SameBook,
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
            DuplicateReason::SameBook => "already stored",
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
    /// How many of `added` carried an id that a book here has, or once had.
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
        let mut uids_seen = HashSet::new();
        for mut candidate in report.books {
            // A uid the file gives twice names one book: the later rows are copies of it.
            if !candidate.book.uid.is_empty() && !uids_seen.insert(candidate.book.uid.clone()) {
                candidate.book.uid.clear();
            }
            let same_book = existing.uids.get(&candidate.book.uid);
            let same_isbn = candidate
                .book
                .isbn
                .as_ref()
                .and_then(|isbn| existing.isbns.get(isbn));
            let name = (fold(&candidate.book.title), fold(&candidate.book.author));
            let duplicate = match (same_book, same_isbn, existing.names.get(&name)) {
                (Some(&id), _, _) => Some((id, DuplicateReason::SameBook)),
                (None, Some(&id), _) => Some((id, DuplicateReason::SameIsbn)),
                (None, None, Some(&id)) => Some((id, DuplicateReason::SameTitleAndAuthor)),
                (None, None, None) => None,
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

    /// Files a book that will be written: with its own id if no book here ever had that id.
    fn take(&mut self, candidate: Candidate, existing: &Existing) {
        match candidate.id {
            Some(id) if id > existing.high_water && !existing.ids.contains(&id) => {
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
            for mut duplicate in std::mem::take(&mut plan.duplicates) {
                if duplicate.reason == DuplicateReason::SameBook {
                    // A second copy of a stored book is a book of its own.
                    duplicate.candidate.book.uid.clear();
                }
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

    #[test]
    fn ids_ever_used_here_are_never_kept_and_uids_find_the_same_book() {
        let mut report = report();
        report.books[0].book.uid = "uid-dune".into();
        report.books[1].book.uid = "uid-emma".into();
        report.books[2].book.uid = "uid-dune".into();
        let existing = Existing {
            // Book 2 was deleted here; book 1's uid is stored as book 9.
            high_water: 2,
            uids: HashMap::from([("uid-dune".to_owned(), 9)]),
            ..Existing::default()
        };
        let plan = ImportPlan::new(report, &existing);
        assert_eq!(plan.duplicates.len(), 1);
        assert_eq!(plan.duplicates[0].reason, DuplicateReason::SameBook);
        assert!(plan.duplicates[0]
            .to_string()
            .contains("already stored as book 9"));
        // Emma's id 2 was used here before: a new id, but her uid goes with her.
        assert_eq!(plan.renumbered, 1);
        assert!(plan.added.iter().any(|book| book.uid == "uid-emma"));
        // The second row with Dune's uid is a copy of its own: its uid is dropped, its id 3 kept.
        assert_eq!(plan.restored.len(), 1);
        assert_eq!(
            (plan.restored[0].id, plan.restored[0].uid.as_str()),
            (3, "")
        );
        // Imported anyway, the stored book's copy gets a uid of its own.
        let (restored, added) = plan.into_batch(true, &existing);
        assert_eq!(restored.len() + added.len(), 4);
        let uids: Vec<&str> = restored
            .iter()
            .map(|book| book.uid.as_str())
            .chain(added.iter().map(|book| book.uid.as_str()))
            .collect();
        assert!(!uids.contains(&"uid-dune"), "{uids:?}");
    }
}
