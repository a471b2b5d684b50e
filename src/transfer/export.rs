//! Export writers: the catalogue as Bookshelf JSON or CSV, written a page of books at a time so
//! that the file can be assembled from parts and never held as one string. CSV text cells are
//! spreadsheet-safe ([`formula`]).

use std::fmt;

use super::csv::COLUMNS;
use super::formula;
use crate::book::Book;

/// The two formats an export can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// A JSON array of books, one per line: exactly what was stored, ids included.
    Json,
    /// A CSV with Bookshelf's columns and a header row.
    Csv,
}

impl ExportFormat {
    /// The file's media type.
    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::Json => "application/json",
            ExportFormat::Csv => "text/csv;charset=utf-8",
        }
    }

    /// A file name for an export made on `date` (such as "2026-05-01").
    pub fn file_name(self, date: &str) -> String {
        let extension = match self {
            ExportFormat::Json => "json",
            ExportFormat::Csv => "csv",
        };
        format!("bookshelf-{date}.{extension}")
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
        }
    }

    /// The part of the file that holds `books`.
    pub fn page(&mut self, books: &[Book]) -> Result<String, ExportError> {
        let part = match self.format {
            ExportFormat::Json => self.json_page(books)?,
            ExportFormat::Csv => csv_page(books),
        };
        self.written += books.len() as u64;
        Ok(part)
    }

    /// The file's ending.
    pub fn finish(&self) -> String {
        match (self.format, self.written) {
            (ExportFormat::Json, 0) => "]\n".to_owned(),
            (ExportFormat::Json, _) => "\n]\n".to_owned(),
            (ExportFormat::Csv, _) => String::new(),
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

/// The CSV rows of `books` (the header is written by [`Exporter::start`]).
fn csv_page(books: &[Book]) -> String {
    let mut part = String::with_capacity(books.len() * 120);
    for book in books {
        let fields = [
            &book.id.to_string(),
            &*formula::escape(&book.title),
            &formula::escape(&book.author),
            &formula::escape(&book.genre),
            book.isbn.as_deref().unwrap_or_default(),
            &book.year.map(|year| year.to_string()).unwrap_or_default(),
            &book
                .rating
                .map(|rating| rating.to_string())
                .unwrap_or_default(),
            book.status.map(|status| status.key()).unwrap_or_default(),
            &book.uid,
        ];
        for (index, field) in fields.into_iter().enumerate() {
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
fn push_csv_field(part: &mut String, field: &str) {
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
    use crate::book::{NewBook, Shelf};

    fn books() -> Vec<Book> {
        vec![
            NewBook::new("Dune, \"the\" novel", "Frank Herbert", "SF").with_id(1),
            NewBook {
                isbn: Some("9780141026169".into()),
                year: Some(-380),
                rating: Some(4),
                shelf: Some(Shelf::CurrentlyReading),
                ..NewBook::new("Республика", "Πλάτων", "")
            }
            .with_id(12),
        ]
    }

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
             \"year\":-380,\"rating\":4,\"shelf\":\"currently-reading\"}\n]\n"
        );
        assert_eq!(written(ExportFormat::Json, &[]), "[]\n");
        assert_eq!(written(ExportFormat::Json, &[&books]), file);
    }

    #[test]
    fn csv_has_a_header_and_quotes_what_needs_it() {
        let file = written(ExportFormat::Csv, &[&books()]);
        assert_eq!(
            file,
            "id,title,author,genre,isbn,year,rating,shelf,uid\r\n\
             1,\"Dune, \"\"the\"\" novel\",Frank Herbert,SF,,,,,\r\n\
             12,Республика,Πλάτων,,9780141026169,-380,4,currently-reading,\r\n"
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
            "id,title,author,genre,isbn,year,rating,shelf,uid\r\n\
             1,\"'=HYPERLINK(\"\"http://example.com\"\",\"\"click\"\")\",\"'@SUM(1+1)\",\"'-5 ways\",,-5,,,\r\n\
             2,\"''=1+1\",\"'+1\",\"'quoted'\",,-5,,,\r\n",
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
                rating: Some(5),
                shelf: Some(Shelf::Read),
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
            "id,title,author,genre,isbn,year,rating,shelf,uid\r\n\
             3,\"He said \"\"no\"\", twice\",Flann O'Brien,\"Ünïcødé, 📚\",9780141026169,1940,5,read,b-1\r\n\
             4,\"line one\nline two\",\"'=1+2\",\"'+cheap\",,,,,\r\n\
             5,\"windows\r\nline\",\"'-minus\",\"'@home\",,,,,\r\n\
             6,\"'already quoted\", =1,a=b,,,,,\r\n\
             7,\"\"\"\",\",\",\"'\t\",,,,,\r\n"
        );
    }

    #[test]
    fn file_names_and_types() {
        assert_eq!(
            ExportFormat::Json.file_name("2026-05-01"),
            "bookshelf-2026-05-01.json"
        );
        assert!(ExportFormat::Csv.media_type().starts_with("text/csv"));
    }
}
