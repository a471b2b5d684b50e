//! Export writers: the catalogue as Bookshelf JSON or CSV, or in Goodreads' layout, written a
//! page of books at a time so that the file can be assembled from parts and never held as one
//! string. CSV text cells are spreadsheet-safe ([`formula`]).

use std::fmt;

use super::cells;
use super::csv::COLUMNS;
use super::formula;
use super::goodreads_export;
use crate::book::Book;

/// The formats an export can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// A JSON array of books, one per line: exactly what was stored, ids included.
    Json,
    /// A CSV with Bookshelf's columns and a header row.
    Csv,
    /// A CSV in Goodreads' own library-export layout, which Goodreads and StoryGraph import
    /// ([`goodreads_export`]).
    Goodreads,
}

impl ExportFormat {
    /// The file's media type.
    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::Json => "application/json",
            ExportFormat::Csv | ExportFormat::Goodreads => "text/csv;charset=utf-8",
        }
    }

    /// A file name for an export made on `date` (such as "2026-05-01").
    pub fn file_name(self, date: &str) -> String {
        match self {
            ExportFormat::Json => format!("bookshelf-{date}.json"),
            ExportFormat::Csv => format!("bookshelf-{date}.csv"),
            ExportFormat::Goodreads => format!("bookshelf-goodreads-{date}.csv"),
        }
    }
}

/// Why a page could not be written (only if serde_json itself refuses a book).
#[derive(Debug)]
#[non_exhaustive]
pub enum ExportError {
    /// serde_json refused a book.
    Json(serde_json::Error),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Json(error) => write!(f, "A book could not be written as JSON: {error}"),
        }
    }
}

impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExportError::Json(error) => Some(error),
        }
    }
}

/// Writes an export in parts: [`start`](Self::start), a [`page`](Self::page) per page of books,
/// then [`finish`](Self::finish). The parts joined are the whole file.
#[derive(Debug, Clone)]
pub struct Exporter {
    format: ExportFormat,
    written: u64,
}

impl Exporter {
    /// A writer of `format`.
    pub fn new(format: ExportFormat) -> Self {
        Self { format, written: 0 }
    }

    /// How many books have been written.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// The file's opening: `[` for JSON, the header row for CSV.
    pub fn start(&self) -> String {
        match self.format {
            ExportFormat::Json => "[".to_owned(),
            ExportFormat::Csv => format!("{}\r\n", COLUMNS.join(",")),
            ExportFormat::Goodreads => goodreads_export::header(),
        }
    }

    /// The part of the file that holds `books`.
    pub fn page(&mut self, books: &[Book]) -> Result<String, ExportError> {
        let part = match self.format {
            ExportFormat::Json => self.json_page(books)?,
            ExportFormat::Csv => csv_page(books),
            ExportFormat::Goodreads => books.iter().map(goodreads_export::book_row).collect(),
        };
        self.written += books.len() as u64;
        Ok(part)
    }

    /// The file's ending.
    pub fn finish(&self) -> String {
        match (self.format, self.written) {
            (ExportFormat::Json, 0) => "]\n".to_owned(),
            (ExportFormat::Json, _) => "\n]\n".to_owned(),
            (ExportFormat::Csv | ExportFormat::Goodreads, _) => String::new(),
        }
    }

    fn json_page(&self, books: &[Book]) -> Result<String, ExportError> {
        let mut part = String::with_capacity(books.len() * 160);
        for (index, book) in books.iter().enumerate() {
            if self.written > 0 || index > 0 {
                part.push(',');
            }
            part.push('\n');
            part.push_str(&serde_json::to_string(book).map_err(ExportError::Json)?);
        }
        Ok(part)
    }
}

/// The CSV rows of `books` (the header is written by [`Exporter::start`]), in the order of
/// [`COLUMNS`].
fn csv_page(books: &[Book]) -> String {
    let mut part = String::with_capacity(books.len() * 160);
    for book in books {
        let text = |text: &str| formula::escape(text).into_owned();
        let shown = |value: Option<String>| value.unwrap_or_default();
        let fields: [String; COLUMNS.len()] = [
            book.id.to_string(),
            text(&book.title),
            text(&book.author),
            text(&book.genre),
            shown(book.isbn.clone()),
            shown(book.year.map(|year| year.to_string())),
            shown(book.rating.map(|rating| rating.to_string())),
            shown(book.status.map(|status| status.key().to_owned())),
            book.uid.clone(),
            text(&cells::write_tags(&book.tags)),
            text(
                book.series
                    .as_ref()
                    .map_or("", |series| series.name.as_str()),
            ),
            shown(
                book.series
                    .as_ref()
                    .and_then(|series| series.number)
                    .map(|number| number.to_string()),
            ),
            shown(book.pages.map(|pages| pages.to_string())),
            text(&book.publisher),
            shown(book.format.map(|format| format.label().to_owned())),
            shown(book.added.map(|added| added.to_string())),
            shown(book.copies.map(|copies| copies.to_string())),
            text(&book.location),
            cells::write_readings(&book.readings),
            text(&cells::write_loans(&book.loans)),
            text(&book.note),
        ];
        for (index, field) in fields.iter().enumerate() {
            if index > 0 {
                part.push(',');
            }
            push_csv_field(&mut part, field);
        }
        part.push_str("\r\n");
    }
    part
}

/// Appends one CSV field, quoted (its quotes doubled) when it holds a comma, a quote or a line
/// break, or when it was escaped as a formula (OWASP: prefix and quote).
///
/// Written by hand because the `csv` crate's writer cannot give these bytes: it decides to quote
/// by the characters a field holds anywhere, so it either leaves `'@SUM(1)` unquoted or (told
/// `'` is special) quotes `O'Brien` too.
pub(super) fn push_csv_field(part: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) || field.starts_with('\'') {
        part.push('"');
        part.push_str(&field.replace('"', "\"\""));
        part.push('"');
    } else {
        part.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::{
        Date, Field, Format, Loan, NewBook, Reading, Series, SeriesNumber, Stars, Status,
    };

    fn books() -> Vec<Book> {
        vec![
            NewBook::new("Dune, \"the\" novel", "Frank Herbert", "SF").with_id(1),
            NewBook {
                isbn: Some("9780141026169".into()),
                year: Some(-380),
                rating: Stars::from_whole(4),
                status: Some(Status::Reading),
                ..NewBook::new("Республика", "Πλάτων", "")
            }
            .with_id(12),
        ]
    }

    const HEADER: &str = "id,title,author,genre,isbn,year,rating,status,uid,tags,series,\
        series_number,pages,publisher,format,added,copies,location,readings,loans,note\r\n";

    fn written(format: ExportFormat, pages: &[&[Book]]) -> String {
        let mut exporter = Exporter::new(format);
        let mut file = exporter.start();
        for page in pages {
            file.push_str(&exporter.page(page).unwrap());
        }
        file + &exporter.finish()
    }

    #[test]
    fn json_is_an_array_of_one_book_per_line_whatever_the_pages() {
        let books = books();
        let file = written(ExportFormat::Json, &[&books[..1], &[], &books[1..]]);
        assert_eq!(
            file,
            "[\n{\"id\":1,\"title\":\"Dune, \\\"the\\\" novel\",\"author\":\"Frank Herbert\",\"genre\":\"SF\"},\n\
             {\"id\":12,\"title\":\"Республика\",\"author\":\"Πλάτων\",\"genre\":\"\",\"isbn\":\"9780141026169\",\
             \"year\":-380,\"rating\":4.0,\"status\":\"reading\"}\n]\n"
        );
        assert_eq!(written(ExportFormat::Json, &[]), "[]\n");
        assert_eq!(written(ExportFormat::Json, &[&books]), file);
    }

    #[test]
    fn csv_has_a_header_and_quotes_what_needs_it() {
        let file = written(ExportFormat::Csv, &[&books()]);
        assert_eq!(
            file,
            HEADER.to_owned()
                + "\
             1,\"Dune, \"\"the\"\" novel\",Frank Herbert,SF,,,,,,,,,,,,,,,,,\r\n\
             12,Республика,Πλάτων,,9780141026169,-380,4,reading,,,,,,,,,,,,,\r\n"
        );
    }

    #[test]
    fn csv_text_that_a_spreadsheet_would_run_is_written_as_text() {
        let book = |title: &str, author: &str, genre: &str| NewBook {
            year: Some(-5),
            ..NewBook::new(title, author, genre)
        };
        let books = [
            book(
                "=HYPERLINK(\"http://example.com\",\"click\")",
                "@SUM(1+1)",
                "-5 ways",
            )
            .with_id(1),
            book("'=1+1", "+1", "'quoted'").with_id(2),
        ];
        let file = written(ExportFormat::Csv, &[&books]);
        assert_eq!(
            file,
            HEADER.to_owned() + "\
             1,\"'=HYPERLINK(\"\"http://example.com\"\",\"\"click\"\")\",\"'@SUM(1+1)\",\"'-5 ways\",,-5,,,,,,,,,,,,,,,\r\n\
             2,\"''=1+1\",\"'+1\",\"'quoted'\",,-5,,,,,,,,,,,,,,,\r\n",
            "text cells behind a quote, the year (a number) as it is"
        );
        let report = crate::transfer::read_all(&file).unwrap();
        let titles: Vec<(&str, &str, &str)> = report
            .books
            .iter()
            .map(|c| {
                (
                    c.book.title.as_str(),
                    c.book.author.as_str(),
                    c.book.genre.as_str(),
                )
            })
            .collect();
        assert_eq!(
            titles,
            [
                (
                    "=HYPERLINK(\"http://example.com\",\"click\")",
                    "@SUM(1+1)",
                    "-5 ways"
                ),
                ("'=1+1", "+1", "'quoted'"),
            ]
        );
    }

    /// The exact bytes for awkward text, written out by hand: quotes, commas and line breaks
    /// quote a cell (its quotes doubled); formula characters put a single quote before the text
    /// and quote the cell; a cell that starts with a quote is quoted, one with a quote inside is
    /// not; other text, non-ASCII included, is written as it is.
    #[test]
    fn csv_bytes_for_awkward_text_are_exactly_these() {
        let books = [
            Book {
                isbn: Some("9780141026169".into()),
                year: Some(1940),
                rating: Stars::from_whole(5),
                status: Some(Status::Read),
                uid: "b-1".into(),
                ..NewBook::new("He said \"no\", twice", "Flann O'Brien", "Ünïcødé, 📚").with_id(3)
            },
            NewBook::new("line one\nline two", "=1+2", "+cheap").with_id(4),
            NewBook::new("windows\r\nline", "-minus", "@home").with_id(5),
            NewBook::new("'already quoted", " =1", "a=b").with_id(6),
            NewBook::new("\"", ",", "\t").with_id(7),
        ];
        let file = written(ExportFormat::Csv, &[&books[..2], &[], &books[2..]]);
        assert_eq!(
            file,
            HEADER.to_owned() + "\
             3,\"He said \"\"no\"\", twice\",Flann O'Brien,\"Ünïcødé, 📚\",9780141026169,1940,5,read,b-1,,,,,,,,,,,,\r\n\
             4,\"line one\nline two\",\"'=1+2\",\"'+cheap\",,,,,,,,,,,,,,,,,\r\n\
             5,\"windows\r\nline\",\"'-minus\",\"'@home\",,,,,,,,,,,,,,,,,\r\n\
             6,\"'already quoted\", =1,a=b,,,,,,,,,,,,,,,,,\r\n\
             7,\"\"\"\",\",\",\"'\t\",,,,,,,,,,,,,,,,,\r\n"
        );
    }

    #[test]
    fn file_names_and_types() {
        assert_eq!(
            ExportFormat::Json.file_name("2026-05-01"),
            "bookshelf-2026-05-01.json"
        );
        assert!(ExportFormat::Csv.media_type().starts_with("text/csv"));
        assert_eq!(
            ExportFormat::Goodreads.file_name("2026-05-01"),
            "bookshelf-goodreads-2026-05-01.csv"
        );
        assert_eq!(
            ExportFormat::Goodreads.media_type(),
            "text/csv;charset=utf-8"
        );
    }

    fn day(text: &str) -> Date {
        Date::parse(Field::Started, text).unwrap().unwrap()
    }

    /// A book with every field filled, free text that needs quoting or escaping in each.
    fn full_book() -> Book {
        NewBook {
            uid: "b-9".into(),
            isbn: Some("9780765326362".into()),
            year: Some(2016),
            rating: Stars::parse("4.25").unwrap(),
            status: Some(Status::DidNotFinish),
            readings: vec![
                Reading {
                    started: Some(day("2024-01-06")),
                    finished: Some(day("2024-01-20")),
                },
                Reading::default(),
                Reading {
                    started: Some(day("2025-03-01")),
                    finished: None,
                },
            ],
            tags: vec!["-fantasy".into(), "novella; short".into(), "a, b".into()],
            series: Some(Series {
                name: "=Stormlight".into(),
                number: SeriesNumber::parse("2.5").unwrap(),
            }),
            pages: Some(272),
            publisher: "@Tor".into(),
            format: Some(Format::Hardcover),
            added: Some(day("2024-01-05")),
            copies: Some(2),
            location: "Study, shelf 3".into(),
            loans: vec![
                Loan {
                    borrower: "+Ada|Lovelace".into(),
                    lent_on: day("2024-02-01"),
                    due: day("2024-02-15"),
                    returned: Some(day("2024-02-10")),
                },
                Loan {
                    borrower: "Bo".into(),
                    lent_on: day("2024-03-01"),
                    due: day("2024-03-15"),
                    returned: None,
                },
            ],
            note: "=1+2, \"quoted\"\nsecond line".into(),
            ..NewBook::new("Edgedancer", "Brandon Sanderson", "Fantasy")
        }
        .with_id(8)
    }

    #[test]
    fn csv_writes_every_field_in_its_column() {
        let file = written(ExportFormat::Csv, &[&[full_book()]]);
        assert_eq!(
            file,
            HEADER.to_owned()
                + "8,Edgedancer,Brandon Sanderson,Fantasy,9780765326362,2016,4.25,did-not-finish,\
                   b-9,\"'-fantasy; novella\\; short; a, b\",\"'=Stormlight\",2.5,272,\"'@Tor\",\
                   Hardcover,2024-01-05,2,\"Study, shelf 3\",2024-01-06/2024-01-20; /; 2025-03-01/,\
                   \"'+Ada\\|Lovelace|2024-02-01|2024-02-15|2024-02-10; Bo|2024-03-01|2024-03-15|\",\
                   \"'=1+2, \"\"quoted\"\"\nsecond line\"\r\n"
        );
        let report = crate::transfer::read_all(&file).unwrap();
        assert_eq!(report.refused, vec![]);
        assert_eq!(*report.books[0].book, full_book().to_new());
    }

    #[test]
    fn json_writes_every_field_and_reads_it_back() {
        let file = written(ExportFormat::Json, &[&[full_book()]]);
        assert!(
            file.contains("\"rating\":4.25,\"status\":\"did-not-finish\""),
            "{file}"
        );
        assert!(
            file.contains("\"series\":{\"name\":\"=Stormlight\",\"number\":2.5}"),
            "{file}"
        );
        let report = crate::transfer::read_all(&file).unwrap();
        assert_eq!(report.refused, vec![]);
        assert_eq!(*report.books[0].book, full_book().to_new());
    }

    #[test]
    fn goodreads_is_written_page_by_page_in_its_own_layout() {
        let books = [
            full_book(),
            NewBook::new("Emma", "Jane Austen", "").with_id(9),
        ];
        let file = written(ExportFormat::Goodreads, &[&books[..1], &[], &books[1..]]);
        let mut lines = file.split("\r\n");
        assert_eq!(lines.next(), Some(goodreads_export::header().trim_end()));
        assert_eq!(
            file.lines().last(),
            Some(",Emma,Jane Austen,\"Austen, Jane\",,\"=\"\"\"\"\",\"=\"\"\"\"\",0,,,,,,,,,,,to-read,,,,0,,,0,,,,,")
        );
        assert_eq!(written(ExportFormat::Goodreads, &[&books]), file);
    }
}
