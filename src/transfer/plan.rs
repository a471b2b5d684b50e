//! Planning an import against what is stored: which books look like ones already there (same
//! ISBN, or same folded title and author), which keep the ids the file gave them, and which get
//! new ones because theirs are taken. Nothing is written here; the plan is what the preview shows.

use std::collections::HashSet;
use std::fmt;

use super::input::out_of_memory;
use super::{Candidate, Format, IgnoredColumns, ImportError, ImportReport, Refusal};
use crate::book::{Book, BookId, NewBook};
use crate::lookup::{name_key, Existing, Probe};
use crate::query::{count_label, fold};

/// Gathers a [`Probe`] a book at a time (a caller with many books adds them a slice at a time).
#[derive(Debug, Default)]
pub struct ProbeBuilder {
    probe: Probe,
    /// The ISBNs already asked about (as numbers: an ISBN is 13 digits).
    seen_isbns: HashSet<u64>,
}

impl ProbeBuilder {
    /// A builder with room for the questions about `books` (a table grown a step at a time to
    /// a million entries would, at each step, move them all in one go).
    pub fn for_books(books: &[Candidate]) -> Result<Self, ImportError> {
        let mut builder = Self::default();
        let ids = books.iter().filter(|c| c.id.is_some()).count();
        let isbns = books.iter().filter(|c| c.book.isbn.is_some()).count();
        let uids = books.iter().filter(|c| !c.book.uid.is_empty()).count();
        let probe = &mut builder.probe;
        let room = probe
            .ids
            .try_reserve(ids)
            .and_then(|()| builder.seen_isbns.try_reserve(isbns))
            .and_then(|()| probe.uids.try_reserve(uids))
            .and_then(|()| probe.names.try_reserve(books.len()));
        room.map_err(|_| out_of_memory(books.first().map_or(1, |c| c.line)))?;
        Ok(builder)
    }

    /// Adds the questions for one book; refused if memory runs out.
    pub fn add(&mut self, candidate: &Candidate) -> Result<(), ImportError> {
        let probe = &mut self.probe;
        let room = probe
            .ids
            .try_reserve(1)
            .and_then(|()| probe.isbns.try_reserve(1))
            .and_then(|()| probe.uids.try_reserve(1))
            .and_then(|()| self.seen_isbns.try_reserve(1))
            .and_then(|()| probe.names.try_reserve(1));
        room.map_err(|_| out_of_memory(candidate.line))?;
        self.ask(candidate);
        Ok(())
    }

    fn ask(&mut self, candidate: &Candidate) {
        let probe = &mut self.probe;
        probe.ids.extend(candidate.id);
        if !candidate.book.uid.is_empty() {
            probe.uids.push(candidate.book.uid.clone());
        }
        if let Some(isbn) = &candidate.book.isbn {
            let new = match isbn.parse::<u64>() {
                Ok(number) => self.seen_isbns.insert(number),
                Err(_) => !probe.isbns.contains(isbn),
            };
            if new {
                probe.isbns.push(isbn.clone());
            }
        }
        let key = name_key(&fold(&candidate.book.title), &fold(&candidate.book.author));
        probe.names.insert(key);
    }

    /// The questions gathered.
    pub fn finish(self) -> Probe {
        self.probe
    }
}

// Inherent, though `Probe` lives in `crate::lookup`: building it from an import is the import's.
impl Probe {
    /// The questions for the books of `report`.
    pub fn of(report: &ImportReport) -> Self {
        let mut builder = ProbeBuilder::default();
        for candidate in &report.books {
            builder.ask(candidate);
        }
        builder.finish()
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
    /// The first lines refused, and why (the report's).
    pub refused: Vec<Refusal>,
    /// How many lines were refused in all.
    pub refused_total: usize,
    /// Columns of the file that Bookshelf does not keep.
    pub ignored_columns: IgnoredColumns,
}

/// Makes an [`ImportPlan`] a slice of books at a time, so that a caller can let the page
/// breathe between slices.
pub struct Planner {
    plan: ImportPlan,
    books: std::vec::IntoIter<Candidate>,
    /// The uids of the books filed so far.
    uids_seen: HashSet<String>,
}

impl Planner {
    /// Starts the plan for `report`, given what the store answered to the [`Probe`].
    pub fn new(report: ImportReport, existing: &Existing) -> Self {
        let mut plan = ImportPlan {
            format: report.format,
            restored: Vec::new(),
            added: Vec::new(),
            renumbered: 0,
            duplicates: Vec::new(),
            refused: report.refused,
            refused_total: report.refused_total,
            ignored_columns: report.ignored_columns,
        };
        // Room for the books up front, so that no step moves a million of them to grow a list
        // or a table (without it, they grow as they go: `step` says if memory runs out).
        let books = &report.books;
        let restored = books.iter().filter(|c| keeps_id(c, existing)).count();
        let _ = plan.restored.try_reserve_exact(restored);
        let _ = plan.added.try_reserve_exact(books.len() - restored);
        let mut uids_seen = HashSet::new();
        let _ = uids_seen.try_reserve(books.iter().filter(|c| !c.book.uid.is_empty()).count());
        Self {
            plan,
            books: report.books.into_iter(),
            uids_seen,
        }
    }

    /// Files up to `count` more books, given what the store answered to the [`Probe`]; true
    /// once every book is filed. Refused if memory runs out.
    pub fn step(&mut self, existing: &Existing, count: usize) -> Result<bool, ImportError> {
        for mut candidate in self.books.by_ref().take(count) {
            let plan = &mut self.plan;
            self.uids_seen
                .try_reserve(1)
                .map_err(|_| out_of_memory(candidate.line))?;
            forget_repeated_uid(&mut candidate, &mut self.uids_seen);
            let duplicate = duplicate_of(&candidate, existing);
            let room = match duplicate {
                Some(_) => plan.duplicates.try_reserve(1),
                None if keeps_id(&candidate, existing) => plan.restored.try_reserve(1),
                None => plan.added.try_reserve(1),
            };
            room.map_err(|_| out_of_memory(candidate.line))?;
            plan.file(candidate, duplicate, existing);
        }
        Ok(self.books.len() == 0)
    }

    /// The plan, once [`step`](Self::step) has said every book is filed.
    pub fn finish(self) -> ImportPlan {
        self.plan
    }

    /// The plan so far and the books not yet filed (to free them a slice at a time when the
    /// planning is given up).
    pub fn into_parts(self) -> (ImportPlan, impl Iterator<Item = Candidate>) {
        (self.plan, self.books)
    }
}

impl ImportPlan {
    /// The plan for `report`, given what the store answered to its [`Probe`], all at once.
    pub fn new(report: ImportReport, existing: &Existing) -> Self {
        let mut planner = Planner::new(report, existing);
        for mut candidate in planner.books.by_ref() {
            forget_repeated_uid(&mut candidate, &mut planner.uids_seen);
            let duplicate = duplicate_of(&candidate, existing);
            planner.plan.file(candidate, duplicate, existing);
        }
        planner.finish()
    }

    /// Files a book: a duplicate of a stored book, or one that will be written.
    fn file(
        &mut self,
        candidate: Candidate,
        duplicate: Option<(BookId, DuplicateReason)>,
        existing: &Existing,
    ) {
        match duplicate {
            Some((existing, reason)) => self.duplicates.push(Duplicate {
                candidate,
                existing,
                reason,
            }),
            None => self.take(candidate, existing),
        }
    }

    /// Files a book that will be written: with its own id if no book here ever had that id.
    fn take(&mut self, candidate: Candidate, existing: &Existing) {
        match candidate.id {
            Some(id) if keeps_id(&candidate, existing) => {
                self.restored.push(candidate.book.with_id(id))
            }
            Some(_) => {
                self.renumbered += 1;
                self.added.push(*candidate.book);
            }
            None => self.added.push(*candidate.book),
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

/// True when `candidate` keeps the id the file gave it: no book here ever had that id.
fn keeps_id(candidate: &Candidate, existing: &Existing) -> bool {
    candidate
        .id
        .is_some_and(|id| id > existing.high_water && !existing.ids.contains(&id))
}

/// A uid the file gives twice names one book: the later rows are copies of it, without it.
fn forget_repeated_uid(candidate: &mut Candidate, uids_seen: &mut HashSet<String>) {
    let uid = &mut candidate.book.uid;
    if !uid.is_empty() && !uids_seen.insert(uid.clone()) {
        uid.clear();
    }
}

/// The stored book `candidate` looks like, and why, if any.
fn duplicate_of(candidate: &Candidate, existing: &Existing) -> Option<(BookId, DuplicateReason)> {
    let book = &candidate.book;
    if let Some(&id) = existing.uids.get(&book.uid) {
        return Some((id, DuplicateReason::SameBook));
    }
    if let Some(&id) = book.isbn.as_ref().and_then(|isbn| existing.isbns.get(isbn)) {
        return Some((id, DuplicateReason::SameIsbn));
    }
    // Folding costs: only done when some stored book shares a title and author.
    if existing.names.is_empty() {
        return None;
    }
    let name = (fold(&book.title), fold(&book.author));
    let id = existing.names.get(&name)?;
    Some((*id, DuplicateReason::SameTitleAndAuthor))
}

/// The confirm button's name: "Import 232 books".
pub fn import_label(count: usize) -> String {
    format!("Import {}", count_label(count as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::read_all;
    use std::collections::HashMap;

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
        assert!(probe.names.contains(&name_key("emile", "rousseau")));
        assert_eq!(probe.names.len(), 4);
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
