//! CSV rows with their line numbers and strict quoting (the `csv` crate is lenient: an unclosed
//! quote would swallow the rest of the file), and Bookshelf's own CSV columns.

use ::csv::{ReaderBuilder, StringRecord};

use super::error::{ImportError, ImportErrorKind, QuotingFault, RefusalReason};
use super::{line_and_column, line_breaks, RowOutcome, MAX_IMPORT_ID};
use crate::book::{parse_isbn, parse_rating, parse_year, BookId, Field, NewBook, Shelf};

/// Bookshelf's CSV columns, in the order it writes them.
pub const COLUMNS: [&str; 9] = [
    "id", "title", "author", "genre", "isbn", "year", "rating", "shelf", "uid",
];

/// The rows of a CSV text, one record at a time.
pub(super) struct Rows<'a> {
    text: &'a str,
    reader: ::csv::Reader<&'a [u8]>,
    record: StringRecord,
    width: usize,
    /// Line breaks counted so far, up to `counted_to` (the csv crate's own line numbers go wrong
    /// with CR LF line ends and after blank lines).
    line: u64,
    counted_to: usize,
}

impl<'a> Rows<'a> {
    /// Reads the header; returns the rows after it and the header.
    pub fn new(text: &'a str) -> Result<(Self, StringRecord), ImportError> {
        let reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut rows = Self {
            text,
            reader,
            record: StringRecord::new(),
            width: 0,
            line: 1,
            counted_to: 0,
        };
        let header = match rows.next()? {
            Some(_) => rows.record.clone(),
            None => return Err(ImportError::new(ImportErrorKind::Empty)),
        };
        rows.width = header.len();
        Ok((rows, header))
    }

    /// Bytes read so far.
    pub fn position(&self) -> usize {
        self.reader.position().byte() as usize
    }

    /// The line the text at `at` is on, counting from where the last call stopped. A record's
    /// start may sit on the line break that ended the one before (or on blank lines): those
    /// breaks belong before it.
    fn line_at(&mut self, at: usize) -> u64 {
        let bytes = self.text.as_bytes();
        let mut at = at.min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        if at > self.counted_to {
            self.line += line_breaks(&bytes[self.counted_to..at]);
            self.counted_to = at;
        }
        self.line
    }

    /// Reads the next record; returns the line it starts on, or `None` at the end.
    pub fn next(&mut self) -> Result<Option<u64>, ImportError> {
        let start = self.reader.position().byte() as usize;
        let more = self.reader.read_record(&mut self.record);
        let more = match more {
            Ok(more) => more,
            Err(error) => {
                let line = self.line_at(start);
                return Err(ImportError::at(ImportErrorKind::Csv(error), line, None));
            }
        };
        if !more {
            return Ok(None);
        }
        let from = self
            .record
            .position()
            .map_or(start, |position| position.byte() as usize);
        let line = self.line_at(from);
        let to = self.position();
        if let Some(raw) = self.text.get(from..to) {
            if let Err((offset, fault)) = check_quoting(raw) {
                let (at_line, column) = line_and_column(self.text, from + offset);
                return Err(ImportError::at(
                    ImportErrorKind::Quoting(fault),
                    at_line,
                    Some(column),
                ));
            }
        }
        Ok(Some(line))
    }
}

/// Checks one record's raw text: every quoted field closes, and nothing follows its closing quote.
pub(super) fn check_quoting(raw: &str) -> Result<(), (usize, QuotingFault)> {
    #[derive(Clone, Copy)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted { opened: usize },
        AfterQuote,
    }
    let mut state = State::FieldStart;
    for (at, byte) in raw.bytes().enumerate() {
        let ends_field = matches!(byte, b',' | b'\n' | b'\r');
        state = match (state, byte) {
            (State::FieldStart, b'"') => State::Quoted { opened: at },
            (State::FieldStart | State::Unquoted, _) if ends_field => State::FieldStart,
            (State::FieldStart | State::Unquoted, _) => State::Unquoted,
            (State::Quoted { .. }, b'"') => State::AfterQuote,
            (quoted @ State::Quoted { .. }, _) => quoted,
            (State::AfterQuote, b'"') => State::Quoted { opened: at },
            (State::AfterQuote, _) if ends_field => State::FieldStart,
            (State::AfterQuote, _) => return Err((at, QuotingFault::TextAfterQuote)),
        };
    }
    match state {
        State::Quoted { opened } => Err((opened, QuotingFault::Unclosed)),
        _ => Ok(()),
    }
}

/// A row's outcome: refused if its field count differs from the header's, else what `book` says.
pub(super) fn row(rows: &Rows<'_>, book: impl FnOnce(&StringRecord) -> RowOutcome) -> RowOutcome {
    if rows.record.len() != rows.width {
        return Err((
            None,
            RefusalReason::FieldCount {
                expected: rows.width,
                found: rows.record.len(),
            },
        ));
    }
    book(&rows.record)
}

/// The header's names, trimmed; refuses a name given twice.
pub(super) fn header_names(header: &StringRecord) -> Result<Vec<String>, ImportError> {
    let names: Vec<String> = header.iter().map(|name| name.trim().to_owned()).collect();
    for (index, name) in names.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        if !name.is_empty()
            && names[..index]
                .iter()
                .any(|n| n.to_ascii_lowercase() == lower)
        {
            return Err(ImportError::at(
                ImportErrorKind::RepeatedColumn { name: name.clone() },
                1,
                None,
            ));
        }
    }
    Ok(names)
}

/// Where each of Bookshelf's columns is in a CSV's header.
pub(super) struct Columns {
    /// The index of each of [`COLUMNS`], if present.
    at: [Option<usize>; 9],
    /// Columns of the file that are not Bookshelf's.
    pub ignored: Vec<String>,
}

impl Columns {
    /// Finds Bookshelf's columns in a header (ignoring case); title and author are required.
    pub fn new(header: &StringRecord) -> Result<Self, ImportError> {
        let names = header_names(header)?;
        let find = |column: &str| names.iter().position(|n| n.eq_ignore_ascii_case(column));
        let at = COLUMNS.map(find);
        let missing: Vec<&'static str> = [("title", "Title"), ("author", "Author")]
            .into_iter()
            .filter(|(column, _)| find(column).is_none())
            .map(|(_, label)| label)
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::at(
                ImportErrorKind::MissingColumns {
                    missing,
                    found: names,
                },
                1,
                None,
            ));
        }
        let ignored = names
            .into_iter()
            .filter(|name| !COLUMNS.iter().any(|c| name.eq_ignore_ascii_case(c)))
            .collect();
        Ok(Self { at, ignored })
    }

    /// The book on one row (the id it carries, if any).
    pub fn book(&self, record: &StringRecord) -> RowOutcome {
        let value = |index: usize| {
            self.at[index]
                .and_then(|at| record.get(at))
                .unwrap_or_default()
        };
        let column = |index: usize| Some(COLUMNS[index].to_owned());
        let invalid = |index: usize| move |error| (column(index), RefusalReason::Invalid(error));
        let id = parse_id(value(0)).map_err(|reason| (column(0), reason))?;
        let book = NewBook {
            uid: value(8).to_owned(),
            title: value(1).to_owned(),
            author: value(2).to_owned(),
            genre: value(3).to_owned(),
            isbn: parse_isbn(value(4)).map_err(invalid(4))?,
            year: parse_year(value(5)).map_err(invalid(5))?,
            rating: parse_rating(value(6)).map_err(invalid(6))?,
            shelf: Shelf::parse(value(7)).map_err(invalid(7))?,
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
    use crate::transfer::{read_all, Format};

    #[test]
    fn quoting_is_checked_strictly() {
        assert_eq!(check_quoting("a,\"b,c\",\"d\"\"e\"\n"), Ok(()));
        assert_eq!(check_quoting("a,b \"c\" d\r\n"), Ok(()));
        assert_eq!(
            check_quoting("a,\"b\nc,d\n"),
            Err((2, QuotingFault::Unclosed))
        );
        assert_eq!(
            check_quoting("a,\"b\"c,d\n"),
            Err((5, QuotingFault::TextAfterQuote))
        );
    }

    #[test]
    fn a_bookshelf_csv_reads_every_column_in_any_order_and_case() {
        let text = "Title,AUTHOR,year,isbn,shelf,rating,genre,id,Notes\n\
                    \"Dune, Part 1\",Frank Herbert,1965,0-441-17271-7,read,5,SF,7,kept?\n\
                    Emma,Jane Austen,,,,,,,\n";
        let report = read_all(text).unwrap();
        assert_eq!(report.format, Format::Csv);
        assert_eq!(report.ignored_columns, vec!["Notes".to_owned()]);
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
        let refused: Vec<(u64, Option<&str>)> = report
            .refused
            .iter()
            .map(|r| (r.line, r.column.as_deref()))
            .collect();
        assert_eq!(
            refused,
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
