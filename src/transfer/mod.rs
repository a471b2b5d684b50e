//! Import and export: reading JSON, CSV and Goodreads CSV into checked books (what each line
//! became, or why it was refused), planning an import against what is stored, and writing the
//! catalogue as JSON, CSV or in Goodreads' layout a page at a time. Plain Rust: the interface
//! feeds it text a slice at a time, and pages.

mod cells;
mod csv;
mod element;
mod error;
mod export;
mod file;
mod formula;
mod goodreads;
pub mod goodreads_export;
mod ignored;
mod input;
mod json;
mod plan;
mod records;
mod sharded;
mod text;

use std::fmt;

pub use error::{ImportError, ImportErrorKind, JsonFault, QuotingFault, Refusal, RefusalReason};
pub use export::{ExportError, ExportFormat, Exporter};
pub use file::FileReader;
pub use ignored::{IgnoredColumns, LISTED_IGNORED};
pub use plan::{import_label, Duplicate, DuplicateReason, ImportPlan, Planner, ProbeBuilder};
pub use text::{decode, Decoder};

use crate::book::{BookId, NewBook};
use input::{out_of_memory, Budget, Input};

/// The largest file an import accepts, in bytes.
pub const MAX_IMPORT_BYTES: u64 = 200 * 1024 * 1024;
/// The largest id an import may restore (IndexedDB's key generator stops at 2^53).
pub const MAX_IMPORT_ID: BookId = 1_000_000_000_000;
/// The most books one import takes (what a catalogue is built for), so that the books of a
/// file, all held until they are written in one transaction, fit in a tab's memory.
pub const MAX_IMPORT_BOOKS: usize = 1_000_000;
/// The refused lines a report keeps in full, in file order; the rest are counted.
pub const MAX_KEPT_REFUSALS: usize = 1_000;

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
    /// The book, validated (trimmed, ISBN as 13 digits). Boxed: a million candidates then
    /// make a list of 32-byte items (on wasm32), which grows without moving hundreds of
    /// megabytes at once (a long task in the page).
    pub book: Box<NewBook>,
}

/// What reading a whole file found: the books, the refused lines, the columns not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// What the file turned out to be.
    pub format: Format,
    /// Every book that passed its checks, in file order.
    pub books: Vec<Candidate>,
    /// The first refused lines (at most [`MAX_KEPT_REFUSALS`]), and why, in file order.
    pub refused: Vec<Refusal>,
    /// How many lines were refused in all.
    pub refused_total: usize,
    /// Columns (or JSON keys) the file has that Bookshelf does not keep.
    pub ignored_columns: IgnoredColumns,
}

#[cfg(test)]
impl ImportReport {
    /// Where each kept refusal is: its line, and its column's name where one is to blame.
    fn refused_places(&self) -> Vec<(u64, Option<&str>)> {
        self.refused
            .iter()
            .map(|refusal| (refusal.line, refusal.column.as_deref()))
            .collect()
    }
}

/// Checks a file's size before it is read.
pub fn check_size(bytes: u64) -> Result<(), ImportError> {
    match bytes {
        0 => Err(ImportError::new(ImportErrorKind::Empty)),
        n if n > MAX_IMPORT_BYTES => Err(ImportError::new(ImportErrorKind::TooLarge { bytes: n })),
        _ => Ok(()),
    }
}

/// Where the reading is: before the first character that is not whitespace (which tells JSON from
/// CSV), in a JSON array, in a CSV header, or in CSV rows of one of the two kinds.
enum Source {
    Undecided {
        scanned: usize,
    },
    Json(json::Elements),
    Header(records::Rows, csv::Header),
    /// CSV rows after the header, of `width` fields each, read as one of the two formats.
    Rows(records::Rows, Box<Columns>, usize),
}

/// Which CSV a file is, and where its columns are.
enum Columns {
    Bookshelf(csv::Columns),
    Goodreads(goodreads::Columns),
}

impl Columns {
    /// The book on one row, read as its format reads it.
    fn book(&self, record: &csv::Record) -> RowOutcome {
        match self {
            Columns::Bookshelf(columns) => columns.book(record),
            Columns::Goodreads(columns) => columns.book(record),
        }
    }
}

/// How far a call to [`Reader::read`] got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadStep {
    /// The budget is spent: call again (after letting the page breathe).
    Paused,
    /// The text given so far is read: give more, or say that it has ended.
    NeedsText,
    /// The file is read: [`finish`](Reader::finish) gives the report.
    Finished,
}

/// Reads a file given a slice of text at a time ([`push`](Self::push), then [`end`](Self::end)),
/// a budget at a time ([`read`](Self::read)), so that a caller can read the file from disk in
/// slices and let the page breathe between budgets. Text is dropped once read, and every book
/// knows its line whatever the slices.
pub struct Reader {
    input: Input,
    source: Source,
    record: csv::Record,
    report: ImportReport,
    first_line_of_id: sharded::ShardedMap<u64>,
    max_books: usize,
}

/// What one row became: a book (with the id it carried) or the reason it was refused, by column.
type RowOutcome = Result<(Option<BookId>, NewBook), (Option<String>, RefusalReason)>;

impl Default for Reader {
    fn default() -> Self {
        Self::new()
    }
}

impl Reader {
    /// A reader waiting for text.
    pub fn new() -> Self {
        Self {
            input: Input::default(),
            source: Source::Undecided { scanned: 0 },
            record: csv::Record::default(),
            report: ImportReport {
                format: Format::Csv,
                books: Vec::new(),
                refused: Vec::new(),
                refused_total: 0,
                ignored_columns: IgnoredColumns::default(),
            },
            first_line_of_id: sharded::ShardedMap::default(),
            max_books: MAX_IMPORT_BOOKS,
        }
    }

    /// A reader that takes at most `max_books` books (for tests of the limit).
    #[cfg(all(test, not(target_arch = "wasm32")))]
    fn with_max_books(max_books: usize) -> Self {
        Self {
            max_books,
            ..Self::new()
        }
    }

    /// Gives the next slice of the file's text.
    pub fn push(&mut self, text: &str) -> Result<(), ImportError> {
        self.input.push(text)
    }

    /// Says that the whole file has been given.
    pub fn end(&mut self) {
        self.input.end();
    }

    /// The format the file was recognised as, once its first characters have been read.
    pub fn format(&self) -> Option<Format> {
        match self.source {
            Source::Undecided { .. } | Source::Header(..) => None,
            _ => Some(self.report.format),
        }
    }

    /// Reads on, for a budget of about `budget` bytes of text (each row costs a little more).
    pub fn read(&mut self, budget: usize) -> Result<ReadStep, ImportError> {
        let mut budget = Budget::new(budget);
        loop {
            let (line, outcome) = match &mut self.source {
                Source::Undecided { scanned } => {
                    let rest = self.input.rest();
                    let first = rest
                        .get(*scanned..)
                        .and_then(|text| text.char_indices().find(|(_, c)| !c.is_whitespace()));
                    match first {
                        Some((_, '[' | '{')) => {
                            self.report.format = Format::Json;
                            self.source = Source::Json(json::Elements::new());
                        }
                        Some(_) => {
                            self.source =
                                Source::Header(records::Rows::new(), csv::Header::default())
                        }
                        None if self.input.ended() => {
                            return Err(ImportError::new(ImportErrorKind::Empty))
                        }
                        None => {
                            *scanned = rest.len();
                            return Ok(ReadStep::NeedsText);
                        }
                    }
                    continue;
                }
                Source::Json(elements) => match elements.next(&mut self.input, &mut budget)? {
                    json::Next::Element(line, outcome) => (line, outcome),
                    json::Next::Pending => return Ok(self.paused(&budget)),
                    json::Next::End => {
                        self.report.ignored_columns = elements.ignored().columns().clone();
                        return Ok(ReadStep::Finished);
                    }
                },
                Source::Header(rows, header) => {
                    let mut name = |_, text: &str| header.push(text);
                    match rows.next(&mut self.input, &mut budget, &mut name)? {
                        records::Next::Record { .. } => self.start_rows()?,
                        records::Next::Pending => return Ok(self.paused(&budget)),
                        records::Next::End => return Err(ImportError::new(ImportErrorKind::Empty)),
                    }
                    continue;
                }
                Source::Rows(rows, columns, width) => {
                    let record = &mut self.record;
                    let mut keep = |index, text: &str| record.keep(index, text);
                    match rows.next(&mut self.input, &mut budget, &mut keep)? {
                        records::Next::Record { line, fields } => {
                            let outcome = csv::row(fields, *width, record, |r| columns.book(r));
                            record.clear();
                            (line, outcome)
                        }
                        records::Next::Pending => return Ok(self.paused(&budget)),
                        records::Next::End => return Ok(ReadStep::Finished),
                    }
                }
            };
            self.keep(line, outcome)?;
            if budget.spent() {
                return Ok(ReadStep::Paused);
            }
        }
    }

    /// Paused with the budget spent, or waiting for more text.
    fn paused(&self, budget: &Budget) -> ReadStep {
        match (budget.spent(), self.input.ended()) {
            (true, _) => ReadStep::Paused,
            // Every reader says `End` once the text has ended and is used up.
            (false, true) => ReadStep::Paused,
            (false, false) => ReadStep::NeedsText,
        }
    }

    /// The header is read: recognise the format and find the columns.
    fn start_rows(&mut self) -> Result<(), ImportError> {
        let Source::Header(mut rows, header) =
            std::mem::replace(&mut self.source, Source::Undecided { scanned: 0 })
        else {
            return Ok(());
        };
        let width = header.len();
        self.source = if goodreads::is_goodreads(&header) {
            let columns = goodreads::Columns::new(&header)?;
            rows.want(columns.wanted(width));
            self.report.format = Format::Goodreads;
            self.report.ignored_columns = columns.ignored.clone();
            Source::Rows(rows, Box::new(Columns::Goodreads(columns)), width)
        } else {
            let columns = csv::Columns::new(&header)?;
            rows.want(columns.wanted(width));
            self.report.format = Format::Csv;
            self.report.ignored_columns = columns.ignored.clone();
            Source::Rows(rows, Box::new(Columns::Bookshelf(columns)), width)
        };
        Ok(())
    }

    /// Adds one row's outcome to the report, refusing an id the file already used; refuses the
    /// file past [`MAX_IMPORT_BOOKS`] books or when memory runs out.
    fn keep(&mut self, line: u64, outcome: RowOutcome) -> Result<(), ImportError> {
        let refuse = |column, reason| Refusal {
            line,
            column,
            reason,
        };
        match outcome {
            Ok((Some(id), _)) if self.first_line_of_id.get(id).is_some() => {
                let first_line = self.first_line_of_id.get(id).copied().unwrap_or_default();
                let reason = RefusalReason::RepeatedId { id, first_line };
                self.refuse(refuse(Some("id".into()), reason));
            }
            Ok((id, book)) => {
                let books = &mut self.report.books;
                if books.len() >= self.max_books {
                    let kind = ImportErrorKind::TooManyBooks {
                        max: self.max_books,
                    };
                    return Err(ImportError::at(kind, line, None));
                }
                books.try_reserve(1).map_err(|_| out_of_memory(line))?;
                if let Some(id) = id {
                    self.first_line_of_id
                        .insert_new(id, line)
                        .map_err(|_| out_of_memory(line))?;
                }
                books.push(Candidate {
                    line,
                    id,
                    book: Box::new(book),
                });
            }
            Err((column, reason)) => self.refuse(refuse(column, reason)),
        }
        Ok(())
    }

    /// Counts a refused line, and keeps it if it is among the first.
    fn refuse(&mut self, refusal: Refusal) {
        self.report.refused_total += 1;
        if self.report.refused.len() < MAX_KEPT_REFUSALS {
            self.report.refused.push(refusal);
        }
    }

    /// Everything read, once [`read`](Self::read) has said [`ReadStep::Finished`].
    pub fn finish(self) -> ImportReport {
        self.report
    }
}

/// Reads a whole text at once (what the tests and small files use).
pub fn read_all(text: &str) -> Result<ImportReport, ImportError> {
    let mut reader = Reader::new();
    reader.push(text)?;
    reader.end();
    while reader.read(1 << 20)? != ReadStep::Finished {}
    Ok(reader.finish())
}

#[cfg(test)]
pub(crate) mod fuzz;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
