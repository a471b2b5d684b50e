//! Bookshelf's own CSV: its columns, found in a header gathered a name at a time ([`Header`]),
//! and the book on each row (the rows themselves come from [`records`](super::records)).

use super::error::{ImportError, ImportErrorKind, RefusalReason};
use super::formula;
use super::goodreads;
use super::ignored::IgnoredColumns;
use super::records::Wanted;
use super::{RowOutcome, MAX_IMPORT_ID};
use crate::book::{parse_isbn, parse_year, BookId, Field, NewBook, Stars, Status};

/// Bookshelf's CSV columns, in the order it writes them.
pub const COLUMNS: [&str; 9] = [
    "id", "title", "author", "genre", "isbn", "year", "rating", "shelf", "uid",
];

/// How many of a header's first names are kept, to name in the preview and in messages.
const FIRST_NAMES: usize = 60;

/// A CSV header, gathered a name at a time (so that a header of a million columns costs little):
/// how many columns it has, its first names, and where the names Bookshelf or Goodreads read
/// are (each kept twice at most: twice is already once too many).
#[derive(Debug, Default)]
pub(super) struct Header {
    count: usize,
    first: Vec<String>,
    read: Vec<(String, usize)>,
}

impl Header {
    /// Adds the next column's name (trimmed).
    pub fn push(&mut self, name: &str) {
        let name = name.trim();
        if self.first.len() < FIRST_NAMES {
            self.first.push(name.to_owned());
        }
        let is_read = COLUMNS
            .iter()
            .chain(goodreads::NAMES.iter())
            .any(|column| column.eq_ignore_ascii_case(name));
        let same = |(other, _): &&(String, usize)| other.eq_ignore_ascii_case(name);
        if is_read && self.read.iter().filter(same).count() < 2 {
            self.read.push((name.to_owned(), self.count));
        }
        self.count += 1;
    }

    /// How many columns the header has.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Where `column` is (ignoring case), and how the header spells it; a column that Bookshelf
    /// reads named twice is refused (which one would count?).
    pub fn find(&self, column: &str) -> Result<Option<(usize, &str)>, ImportError> {
        let mut found = self
            .read
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case(column));
        match (found.next(), found.next()) {
            (_, Some((name, _))) => Err(ImportError::at(
                ImportErrorKind::RepeatedColumn { name: name.clone() },
                1,
                None,
            )),
            (Some((name, index)), None) => Ok(Some((*index, name))),
            (None, _) => Ok(None),
        }
    }

    /// True when the header has a column named exactly `name`.
    pub fn has(&self, name: &str) -> bool {
        self.read.iter().any(|(column, _)| column == name)
    }

    /// The first names (all of them for a header of up to [`FIRST_NAMES`] columns).
    pub fn first(&self) -> &[String] {
        &self.first
    }

    /// Refuses the header when a column a reader requires was not found: `required` gives each
    /// one's index in `at` (where the reader found its columns; past its end is not found) and
    /// the name to say.
    pub fn require(
        &self,
        at: &[Option<usize>],
        required: [(usize, &'static str); 2],
    ) -> Result<(), ImportError> {
        let missing: Vec<&'static str> = required
            .into_iter()
            .filter(|(index, _)| at.get(*index).copied().flatten().is_none())
            .map(|(_, name)| name)
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let kind = ImportErrorKind::MissingColumns {
            missing,
            found: self.first().to_vec(),
        };
        Err(ImportError::at(kind, 1, None))
    }

    /// The columns a reader does not keep, given which names it reads and how many columns it
    /// found.
    pub fn ignored(&self, is_read: impl Fn(&str) -> bool, found: usize) -> IgnoredColumns {
        let names = self.first.iter().filter(|name| !is_read(name));
        IgnoredColumns::new(names, self.count.saturating_sub(found))
    }
}

/// The fields of a row that a reader keeps, by index.
#[derive(Debug, Default)]
pub(super) struct Record {
    fields: Vec<(usize, String)>,
}

impl Record {
    /// The field at `index`, if it was kept.
    pub fn get(&self, index: usize) -> Option<&str> {
        self.fields
            .iter()
            .find(|(at, _)| *at == index)
            .map(|(_, text)| text.as_str())
    }

    /// Keeps a field.
    pub fn keep(&mut self, index: usize, text: &str) {
        self.fields.push((index, text.to_owned()));
    }

    /// Forgets every field, for the next row.
    pub fn clear(&mut self) {
        self.fields.clear();
    }
}

/// Which fields of a row of `width` to keep: those at the indexes of `at`.
pub(super) fn wanted(width: usize, at: &[Option<usize>]) -> Wanted {
    let mut marks = vec![false; width];
    for &index in at.iter().flatten() {
        if let Some(mark) = marks.get_mut(index) {
            *mark = true;
        }
    }
    Wanted::Only(marks)
}

/// A row's outcome: refused if its field count differs from the header's, else what `book` says.
pub(super) fn row(
    fields: usize,
    width: usize,
    record: &Record,
    book: impl FnOnce(&Record) -> RowOutcome,
) -> RowOutcome {
    if fields != width {
        return Err((
            None,
            RefusalReason::FieldCount {
                expected: width,
                found: fields,
            },
        ));
    }
    book(record)
}

/// Where each of Bookshelf's columns is in a CSV's header.
pub(super) struct Columns {
    /// The index of each of [`COLUMNS`], if present.
    at: [Option<usize>; 9],
    /// Columns of the file that are not Bookshelf's.
    pub ignored: IgnoredColumns,
}

impl Columns {
    /// Finds Bookshelf's columns in a header (ignoring case); title and author are required.
    pub fn new(header: &Header) -> Result<Self, ImportError> {
        let mut at = [None; COLUMNS.len()];
        for (index, column) in COLUMNS.iter().enumerate() {
            at[index] = header.find(column)?.map(|(found, _)| found);
        }
        header.require(&at, [(1, "Title"), (2, "Author")])?;
        let is_read = |name: &str| COLUMNS.iter().any(|c| name.eq_ignore_ascii_case(c));
        let ignored = header.ignored(is_read, at.iter().flatten().count());
        Ok(Self { at, ignored })
    }

    /// Which fields of a row to keep.
    pub fn wanted(&self, width: usize) -> Wanted {
        wanted(width, &self.at)
    }

    /// The book on one row (the id it carries, if any). Text written behind a quote because a
    /// spreadsheet would take it for a formula gets that quote back off ([`formula`]).
    pub fn book(&self, record: &Record) -> RowOutcome {
        let value = |index: usize| {
            self.at[index]
                .and_then(|at| record.get(at))
                .unwrap_or_default()
        };
        let text = |index: usize| formula::unescape(value(index)).to_owned();
        let column = |index: usize| Some(COLUMNS[index].to_owned());
        let invalid = |index: usize| move |error| (column(index), RefusalReason::Invalid(error));
        let id = parse_id(value(0)).map_err(|reason| (column(0), reason))?;
        let book = NewBook {
            uid: value(8).to_owned(),
            title: text(1),
            author: text(2),
            genre: text(3),
            isbn: parse_isbn(value(4)).map_err(invalid(4))?,
            year: parse_year(value(5)).map_err(invalid(5))?,
            rating: Stars::parse(value(6)).map_err(invalid(6))?,
            status: Status::parse(value(7)).map_err(invalid(7))?,
            ..NewBook::default()
        };
        let book = book.validated().map_err(|error| {
            let index = match error.field {
                Field::Title => 1,
                Field::Author => 2,
                Field::Uid => 8,
                _ => 3,
            };
            invalid(index)(error)
        })?;
        Ok((id, book))
    }
}

/// An id as written: empty is none; otherwise a whole number from 1 to [`MAX_IMPORT_ID`].
pub(super) fn parse_id(text: &str) -> Result<Option<BookId>, RefusalReason> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<BookId>() {
        Ok(id) if (1..=MAX_IMPORT_ID).contains(&id) => Ok(Some(id)),
        _ => Err(RefusalReason::BadId),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::{read_all, Format, QuotingFault};

    #[test]
    fn a_bookshelf_csv_reads_every_column_in_any_order_and_case() {
        let text = "Title,AUTHOR,year,isbn,shelf,rating,genre,id,Notes\n\
                    \"Dune, Part 1\",Frank Herbert,1965,0-441-17271-7,read,5,SF,7,kept?\n\
                    Emma,Jane Austen,,,,,,,\n";
        let report = read_all(text).unwrap();
        assert_eq!(report.format, Format::Csv);
        assert_eq!(report.ignored_columns.names(), ["Notes".to_owned()]);
        assert_eq!(report.refused, vec![]);
        let dune = &report.books[0];
        assert_eq!((dune.line, dune.id), (2, Some(7)));
        assert_eq!(dune.book.title, "Dune, Part 1");
        assert_eq!(dune.book.isbn.as_deref(), Some("9780441172719"));
        assert_eq!(
            (dune.book.year, dune.book.rating, dune.book.shelf),
            (Some(1965), Some(5), Some(Shelf::Read))
        );
        let emma = &report.books[1];
        assert_eq!(
            (emma.line, emma.id, emma.book.isbn.clone()),
            (3, None, None)
        );
    }

    #[test]
    fn bad_lines_are_refused_with_line_column_and_reason() {
        let text = "title,author,isbn,year,rating,id\n\
                    Good,One,,,,\n\
                    Bad Isbn,Two,9780141026160,,,\n\
                    Bad Year,Three,,nineteen,,\n\
                    ,Four,,,,\n\
                    Short,Five\n\
                    Bad Rating,Six,,,0,\n\
                    Bad Id,Seven,,,,-3\n";
        let report = read_all(text).unwrap();
        assert_eq!(report.books.len(), 1);
        assert_eq!(
            report.refused_places(),
            vec![
                (3, Some("isbn")),
                (4, Some("year")),
                (5, Some("title")),
                (6, None),
                (7, Some("rating")),
                (8, Some("id")),
            ]
        );
        let isbn = report.refused[0].to_string();
        assert!(
            isbn.starts_with("Line 3, column “isbn”: ISBN is not valid"),
            "{isbn}"
        );
        let count = report.refused[3].to_string();
        assert!(count.contains("2 fields where the header has 6"), "{count}");
    }

    #[test]
    fn a_csv_without_title_and_author_is_refused_whole() {
        let error = read_all("name,writer\nDune,Herbert\n").err().unwrap();
        assert!(matches!(error.kind, ImportErrorKind::MissingColumns { .. }));
        let text = error.to_string();
        assert!(text.contains("no Title or Author column"), "{text}");
        assert!(text.contains("name, writer"), "{text}");
    }

    #[test]
    fn broken_quoting_is_refused_whole_with_its_place() {
        let error = read_all("title,author\nA,B\n\"C,D\nE,F\n").err().unwrap();
        assert!(matches!(
            error.kind,
            ImportErrorKind::Quoting(QuotingFault::Unclosed)
        ));
        assert_eq!((error.line, error.column), (Some(3), Some(1)));
        let error = read_all("title,author\n\"A\"x,B\n").err().unwrap();
        assert_eq!((error.line, error.column), (Some(2), Some(4)));
    }

    #[test]
    fn repeated_ids_and_columns_are_refused() {
        let report = read_all("id,title,author\n1,A,B\n1,C,D\n").unwrap();
        assert_eq!(report.books.len(), 1);
        assert_eq!(
            report.refused[0].reason,
            RefusalReason::RepeatedId {
                id: 1,
                first_line: 2
            }
        );
        let error = read_all("title,author,Title\nA,B,C\n").err().unwrap();
        assert!(matches!(error.kind, ImportErrorKind::RepeatedColumn { .. }));
    }
}
