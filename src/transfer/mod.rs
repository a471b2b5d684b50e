//! Import and export: reading JSON, CSV and Goodreads CSV into checked books (what each line
//! became, or why it was refused), planning an import against what is stored, and writing the
//! catalogue as JSON or CSV a page at a time. Plain Rust: the interface feeds it text and pages.

mod csv;
mod element;
mod error;
mod export;
mod goodreads;
mod json;
mod plan;

use std::collections::HashMap;
use std::fmt;

pub use error::{ImportError, ImportErrorKind, QuotingFault, Refusal, RefusalReason};
pub use export::{ExportError, ExportFormat, Exporter};
pub use plan::{import_label, Duplicate, DuplicateReason, Existing, ImportPlan, Probe};

use crate::book::{BookId, NewBook};

/// The largest file an import accepts, in bytes (the whole file is read into memory).
pub const MAX_IMPORT_BYTES: u64 = 200 * 1024 * 1024;
/// The largest id an import may restore (IndexedDB's key generator stops at 2^53).
pub const MAX_IMPORT_ID: BookId = 1_000_000_000_000;

/// What kind of file an import is, recognised by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A JSON array of books, as Bookshelf exports it.
    Json,
    /// A CSV with a header naming Bookshelf's columns (title and author at least).
    Csv,
    /// A Goodreads library export (CSV).
    Goodreads,
}

impl Format {
    /// The format as a person names it.
    pub fn label(self) -> &'static str {
        match self {
            Format::Json => "Bookshelf JSON",
            Format::Csv => "CSV",
            Format::Goodreads => "Goodreads library export",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A book read from the file: checked, with the line it came from and the id it carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The line of the file where the book starts (1-based).
    pub line: u64,
    /// The id the file gave the book, if any (JSON and Bookshelf CSV carry them).
    pub id: Option<BookId>,
    /// The book, validated (trimmed, ISBN as 13 digits).
    pub book: NewBook,
}

/// What reading a whole file found: the books, the refused lines, the columns not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// What the file turned out to be.
    pub format: Format,
    /// Every book that passed its checks, in file order.
    pub books: Vec<Candidate>,
    /// Every line that was refused, and why, in file order.
    pub refused: Vec<Refusal>,
    /// Columns (or JSON keys) the file has that Bookshelf does not keep.
    pub ignored_columns: Vec<String>,
}

/// Checks a file's size before it is read.
pub fn check_size(bytes: u64) -> Result<(), ImportError> {
    match bytes {
        0 => Err(ImportError::new(ImportErrorKind::Empty)),
        n if n > MAX_IMPORT_BYTES => Err(ImportError::new(ImportErrorKind::TooLarge { bytes: n })),
        _ => Ok(()),
    }
}

/// The file's bytes as text: refused if too large, empty, binary or not UTF-8; a BOM is dropped.
pub fn decode(bytes: Vec<u8>) -> Result<String, ImportError> {
    check_size(bytes.len() as u64)?;
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        return Err(ImportError::new(ImportErrorKind::Binary));
    }
    let text = String::from_utf8(bytes).map_err(|error| {
        let bad = error.utf8_error().valid_up_to();
        let bytes = error.as_bytes();
        // A file that goes wrong in its first bytes is most likely not text at all.
        let kind = if bad < 4 && !bytes.is_ascii() && bytes.len() > 4 {
            ImportErrorKind::Binary
        } else {
            ImportErrorKind::NotUtf8
        };
        let (line, column) = line_and_column(&String::from_utf8_lossy(&bytes[..bad]), bad);
        ImportError::at(kind, line, Some(column))
    })?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    if text.trim().is_empty() {
        return Err(ImportError::new(ImportErrorKind::Empty));
    }
    Ok(text)
}

/// The line and column (both 1-based, the column in characters) of a byte offset in `text`.
pub(crate) fn line_and_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = line_breaks(before) + 1;
    let line_start = memchr::memrchr2(b'\n', b'\r', before).map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count() as u64
        + 1;
    (line, column)
}

/// How many line breaks `bytes` holds: "\n", "\r\n" and a lone "\r" count one each.
pub(crate) fn line_breaks(bytes: &[u8]) -> u64 {
    memchr::memchr2_iter(b'\n', b'\r', bytes)
        .filter(|&at| bytes[at] == b'\n' || bytes.get(at + 1) != Some(&b'\n'))
        .count() as u64
}

/// Where the reading is: in a JSON array, or in CSV rows of one of the two kinds.
enum Source<'a> {
    Json(json::Elements<'a>),
    Csv(csv::Rows<'a>, csv::Columns),
    Goodreads(csv::Rows<'a>, goodreads::Columns),
}

/// Reads a file a slice at a time, so that a caller can yield between slices and show progress.
pub struct Reader<'a> {
    source: Source<'a>,
    length: usize,
    report: ImportReport,
    first_line_of_id: HashMap<BookId, u64>,
}

/// What one row became: a book (with the id it carried) or the reason it was refused, by column.
type RowOutcome = Result<(Option<BookId>, NewBook), (Option<String>, RefusalReason)>;

impl<'a> Reader<'a> {
    /// Recognises the format from the content and reads the header (CSV) or the opening `[` (JSON).
    pub fn new(text: &'a str) -> Result<Self, ImportError> {
        let start = text.trim_start();
        let (source, format, ignored) = if start.starts_with(['[', '{']) {
            (
                Source::Json(json::Elements::new(text)?),
                Format::Json,
                Vec::new(),
            )
        } else {
            let (rows, header) = csv::Rows::new(text)?;
            if goodreads::is_goodreads(&header) {
                let columns = goodreads::Columns::new(&header)?;
                let ignored = columns.ignored.clone();
                (Source::Goodreads(rows, columns), Format::Goodreads, ignored)
            } else {
                let columns = csv::Columns::new(&header)?;
                let ignored = columns.ignored.clone();
                (Source::Csv(rows, columns), Format::Csv, ignored)
            }
        };
        Ok(Self {
            source,
            length: text.len(),
            report: ImportReport {
                format,
                books: Vec::new(),
                refused: Vec::new(),
                ignored_columns: ignored,
            },
            first_line_of_id: HashMap::new(),
        })
    }

    /// The format the file was recognised as.
    pub fn format(&self) -> Format {
        self.report.format
    }

    /// Bytes read so far and the file's length, for a progress bar.
    pub fn progress(&self) -> (usize, usize) {
        let done = match &self.source {
            Source::Json(elements) => elements.position(),
            Source::Csv(rows, _) | Source::Goodreads(rows, _) => rows.position(),
        };
        (done.min(self.length), self.length)
    }

    /// Reads at most `rows` more books or refused lines; returns false once the file is done.
    pub fn read(&mut self, rows: usize) -> Result<bool, ImportError> {
        for _ in 0..rows {
            let (line, outcome) = match &mut self.source {
                Source::Json(elements) => match elements.next()? {
                    Some((line, value)) => {
                        let (outcome, unknown) = element::book_of(value);
                        for key in unknown {
                            if !self.report.ignored_columns.contains(&key) {
                                self.report.ignored_columns.push(key);
                            }
                        }
                        (line, outcome)
                    }
                    None => return Ok(false),
                },
                Source::Csv(rows, columns) => match rows.next()? {
                    Some(line) => (line, csv::row(rows, |record| columns.book(record))),
                    None => return Ok(false),
                },
                Source::Goodreads(rows, columns) => match rows.next()? {
                    Some(line) => (line, csv::row(rows, |record| columns.book(record))),
                    None => return Ok(false),
                },
            };
            self.keep(line, outcome);
        }
        Ok(true)
    }

    /// Adds one row's outcome to the report, refusing an id the file already used.
    fn keep(&mut self, line: u64, outcome: RowOutcome) {
        let refuse = |column, reason| Refusal {
            line,
            column,
            reason,
        };
        match outcome {
            Ok((Some(id), _)) if self.first_line_of_id.contains_key(&id) => {
                let first_line = self.first_line_of_id.get(&id).copied().unwrap_or_default();
                let reason = RefusalReason::RepeatedId { id, first_line };
                self.report.refused.push(refuse(Some("id".into()), reason));
            }
            Ok((id, book)) => {
                if let Some(id) = id {
                    self.first_line_of_id.insert(id, line);
                }
                self.report.books.push(Candidate { line, id, book });
            }
            Err((column, reason)) => self.report.refused.push(refuse(column, reason)),
        }
    }

    /// Everything read, once [`read`](Self::read) has returned false.
    pub fn finish(self) -> ImportReport {
        self.report
    }
}

/// Reads a whole file at once (what the tests and small files use).
pub fn read_all(text: &str) -> Result<ImportReport, ImportError> {
    let mut reader = Reader::new(text)?;
    while reader.read(4096)? {}
    Ok(reader.finish())
}

#[cfg(test)]
mod fuzz;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
