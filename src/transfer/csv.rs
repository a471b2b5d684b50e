//! Bookshelf's own CSV: its columns, found in a header gathered a name at a time ([`Header`]),
//! and the book on each row (the rows themselves come from [`records`](super::records)).
//!
//! The columns, in the order Bookshelf writes them (those of older versions first, so that an
//! older file reads as it always did): id, title, author, genre, isbn, year, rating (quarter
//! stars, "4.25"), status (its key, "want-to-read"; older files' `shelf` column is read too),
//! uid, tags, series, series_number ("2.5"), pages, publisher, format ("Paperback"), added
//! (year-month-day), copies, location, readings, loans and note. How tags, readings and loans
//! share one cell: [`cells`](super::cells).

use super::cells;
use super::error::{ImportError, ImportErrorKind, RefusalReason};
use super::formula;
use super::goodreads;
use super::ignored::IgnoredColumns;
use super::records::Wanted;
use super::{RowOutcome, MAX_IMPORT_ID};
use crate::book::{
    check_copies, check_pages, parse_count, parse_isbn, parse_year, BookId, Field, Format, NewBook,
    Series, Stars, Status,
};

/// Bookshelf's CSV columns, in the order it writes them.
pub const COLUMNS: [&str; 21] = [
    "id",
    "title",
    "author",
    "genre",
    "isbn",
    "year",
    "rating",
    "status",
    "uid",
    "tags",
    "series",
    "series_number",
    "pages",
    "publisher",
    "format",
    "added",
    "copies",
    "location",
    "readings",
    "loans",
    "note",
];

/// The column older versions wrote the status in (as a shelf: "to-read"), still read.
const SHELF: &str = "shelf";

/// Every column Bookshelf's CSV import reads: [`COLUMNS`], then [`SHELF`].
pub(super) const READ: [&str; COLUMNS.len() + 1] = {
    let mut names = [SHELF; COLUMNS.len() + 1];
    let mut index = 0;
    while index < COLUMNS.len() {
        names[index] = COLUMNS[index];
        index += 1;
    }
    names
};

/// Where each column is in [`READ`].
mod at {
    pub const ID: usize = 0;
    pub const TITLE: usize = 1;
    pub const AUTHOR: usize = 2;
    pub const GENRE: usize = 3;
    pub const ISBN: usize = 4;
    pub const YEAR: usize = 5;
    pub const RATING: usize = 6;
    pub const STATUS: usize = 7;
    pub const UID: usize = 8;
    pub const TAGS: usize = 9;
    pub const SERIES: usize = 10;
    pub const SERIES_NUMBER: usize = 11;
    pub const PAGES: usize = 12;
    pub const PUBLISHER: usize = 13;
    pub const FORMAT: usize = 14;
    pub const ADDED: usize = 15;
    pub const COPIES: usize = 16;
    pub const LOCATION: usize = 17;
    pub const READINGS: usize = 18;
    pub const LOANS: usize = 19;
    pub const NOTE: usize = 20;
    pub const SHELF: usize = 21;
}

/// The column a field's problem is named by.
fn column_of(field: Field) -> usize {
    match field {
        Field::Title => at::TITLE,
        Field::Author => at::AUTHOR,
        Field::Genre => at::GENRE,
        Field::Isbn => at::ISBN,
        Field::Year => at::YEAR,
        Field::Rating => at::RATING,
        Field::Status | Field::Shelf => at::STATUS,
        Field::Uid => at::UID,
        Field::Tags => at::TAGS,
        Field::Series => at::SERIES,
        Field::SeriesNumber => at::SERIES_NUMBER,
        Field::Pages => at::PAGES,
        Field::Publisher => at::PUBLISHER,
        Field::Format => at::FORMAT,
        Field::Copies => at::COPIES,
        Field::Location => at::LOCATION,
        Field::Started | Field::Finished => at::READINGS,
        Field::Borrower | Field::Due => at::LOANS,
        Field::Note => at::NOTE,
    }
}

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
        let is_read = READ
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
    /// The index of each of [`READ`], if present.
    at: [Option<usize>; READ.len()],
    /// Columns of the file that are not Bookshelf's.
    pub ignored: IgnoredColumns,
}

impl Columns {
    /// Finds Bookshelf's columns in a header (ignoring case); title and author are required.
    pub fn new(header: &Header) -> Result<Self, ImportError> {
        let mut at = [None; READ.len()];
        for (index, column) in READ.iter().enumerate() {
            at[index] = header.find(column)?.map(|(found, _)| found);
        }
        header.require(&at, [(at::TITLE, "Title"), (at::AUTHOR, "Author")])?;
        let is_read = |name: &str| READ.iter().any(|c| name.eq_ignore_ascii_case(c));
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
        let cell = |index: usize| formula::unescape(value(index));
        let text = |index: usize| cell(index).to_owned();
        let column = |index: usize| Some(READ[index].to_owned());
        let refused = |index: usize| move |reason| (column(index), reason);
        let invalid = |index: usize| move |error| (column(index), RefusalReason::Invalid(error));
        let id = parse_id(value(at::ID)).map_err(refused(at::ID))?;
        // The status, or in an older file the shelf.
        let status_at = match value(at::STATUS).trim().is_empty() && self.at[at::SHELF].is_some() {
            true => at::SHELF,
            false => at::STATUS,
        };
        let series = Series::parse(cell(at::SERIES), value(at::SERIES_NUMBER))
            .map_err(|error| invalid(column_of(error.field))(error))?;
        let book = NewBook {
            uid: value(at::UID).to_owned(),
            title: text(at::TITLE),
            author: text(at::AUTHOR),
            genre: text(at::GENRE),
            isbn: parse_isbn(value(at::ISBN)).map_err(invalid(at::ISBN))?,
            year: parse_year(value(at::YEAR)).map_err(invalid(at::YEAR))?,
            rating: Stars::parse(value(at::RATING)).map_err(invalid(at::RATING))?,
            status: Status::parse(value(status_at)).map_err(invalid(status_at))?,
            readings: cells::read_readings(cell(at::READINGS)).map_err(refused(at::READINGS))?,
            tags: cells::read_tags(cell(at::TAGS)),
            series,
            pages: parse_count(Field::Pages, value(at::PAGES), check_pages)
                .map_err(invalid(at::PAGES))?,
            publisher: text(at::PUBLISHER),
            format: Format::parse(value(at::FORMAT)).map_err(invalid(at::FORMAT))?,
            added: cells::date(value(at::ADDED)).map_err(refused(at::ADDED))?,
            copies: parse_count(Field::Copies, value(at::COPIES), check_copies)
                .map_err(invalid(at::COPIES))?,
            location: text(at::LOCATION),
            loans: cells::read_loans(cell(at::LOANS)).map_err(refused(at::LOANS))?,
            note: text(at::NOTE),
        };
        let book = book
            .validated()
            .map_err(|error| invalid(column_of(error.field))(error))?;
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
    use crate::transfer::{read_all, Format as FileFormat, QuotingFault};

    #[test]
    fn a_bookshelf_csv_reads_every_column_in_any_order_and_case() {
        let text = "Title,AUTHOR,year,isbn,shelf,rating,genre,id,Notes\n\
                    \"Dune, Part 1\",Frank Herbert,1965,0-441-17271-7,read,5,SF,7,kept?\n\
                    Emma,Jane Austen,,,,,,,\n";
        let report = read_all(text).unwrap();
        assert_eq!(report.format, FileFormat::Csv);
        assert_eq!(report.ignored_columns.names(), ["Notes".to_owned()]);
        assert_eq!(report.refused, vec![]);
        let dune = &report.books[0];
        assert_eq!((dune.line, dune.id), (2, Some(7)));
        assert_eq!(dune.book.title, "Dune, Part 1");
        assert_eq!(dune.book.isbn.as_deref(), Some("9780441172719"));
        assert_eq!(
            (dune.book.year, dune.book.rating, dune.book.status),
            (Some(1965), Stars::from_whole(5), Some(Status::Read))
        );
        let emma = &report.books[1];
        assert_eq!(
            (emma.line, emma.id, emma.book.isbn.clone()),
            (3, None, None)
        );
    }

    #[test]
    fn every_new_column_is_read_and_an_old_shelf_column_still_is() {
        let header = COLUMNS.join(",");
        let row = "3,Edgedancer,Brandon Sanderson,,,2016,4.25,did-not-finish,,\
                   \"'=fantasy; novella\\; short\",The Stormlight Archive,2.5,272,Tor,Hardcover,\
                   2024-01-05,2,\"Study, shelf 3\",2024-01-06/2024-01-20; /,\
                   Ada|2024-02-01|2024-02-15|2024-02-10,\"line one\r\nline \"\"two\"\"\"";
        let report = read_all(&format!("{header}\n{row}\n")).unwrap();
        assert_eq!(report.refused, vec![]);
        assert!(report.ignored_columns.is_empty());
        let book = &report.books[0].book;
        assert_eq!(book.rating.map(|r| r.to_string()).as_deref(), Some("4.25"));
        assert_eq!(book.status, Some(Status::DidNotFinish));
        assert_eq!(book.tags, ["=fantasy", "novella; short"]);
        let series = book.series.clone().unwrap();
        assert_eq!(
            (series.name.as_str(), series.number.map(|n| n.to_string())),
            ("The Stormlight Archive", Some("2.5".to_owned()))
        );
        assert_eq!((book.pages, book.copies), (Some(272), Some(2)));
        assert_eq!(
            (book.publisher.as_str(), book.format),
            ("Tor", Some(Format::Hardcover))
        );
        assert_eq!(
            book.added.map(|d| d.to_string()).as_deref(),
            Some("2024-01-05")
        );
        assert_eq!(book.location, "Study, shelf 3");
        assert_eq!(book.readings.len(), 2);
        assert_eq!(book.loans[0].borrower, "Ada");
        assert_eq!(
            book.loans[0].returned.map(|d| d.to_string()).as_deref(),
            Some("2024-02-10")
        );
        assert_eq!(book.note, "line one\r\nline \"two\"");

        let old = read_all("title,author,shelf,rating\nA,B,currently-reading,4\nC,D,,\n").unwrap();
        assert_eq!(old.books[0].book.status, Some(Status::Reading));
        assert_eq!(old.books[0].book.rating, Stars::from_whole(4));
        assert_eq!(old.books[1].book.status, None);
        let both = read_all("title,author,status,shelf\nA,B,read,to-read\nC,D,,to-read\n").unwrap();
        let statuses: Vec<_> = both.books.iter().map(|c| c.book.status).collect();
        assert_eq!(statuses, [Some(Status::Read), Some(Status::WantToRead)]);
        let bad = read_all("title,author,shelf\nA,B,someday\n").unwrap();
        assert_eq!(bad.refused_places(), vec![(2, Some("shelf"))]);
    }

    #[test]
    fn each_new_column_refuses_its_row_by_name() {
        for (column, cell) in [
            ("status", "later"),
            ("rating", "4.3"),
            ("tags", "a\u{1}b"),
            ("series", "x".repeat(201).as_str()),
            ("series", ""),
            ("series_number", "two"),
            ("pages", "0"),
            ("publisher", "a\u{7}"),
            ("format", "scroll"),
            ("added", "yesterday"),
            ("copies", "-1"),
            ("location", "\u{1b}"),
            ("readings", "2024-02-01/2024-01-01"),
            ("readings", "2024-01-01"),
            ("loans", "Ada|2026-01-10|2026-01-01"),
            ("loans", "|2026-01-01|2026-01-10"),
            ("note", "a\u{0}b"),
        ] {
            // A series number with no series is the series' fault.
            let (header, cell) = match (column, cell) {
                ("series", "") => ("series,series_number".to_owned(), ",2".to_owned()),
                _ => (column.to_owned(), format!("\"{cell}\"")),
            };
            let report = read_all(&format!("title,author,{header}\nT,A,{cell}\n")).unwrap();
            assert_eq!(
                report.refused_places(),
                vec![(2, Some(column))],
                "{column}: {cell}"
            );
        }
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
        let rating = report.refused[4].to_string();
        assert!(rating.contains("quarter stars"), "{rating}");
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
