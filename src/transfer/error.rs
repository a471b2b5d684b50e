//! What can go wrong in an import: the whole file refused ([`ImportError`], nothing is imported),
//! or one line refused ([`Refusal`], the rest can still be imported). Both know where.

use std::fmt;

use crate::size::size_label;

use crate::book::{BookId, ValidationError};

/// Why a file cannot be imported at all.
#[derive(Debug)]
#[non_exhaustive]
pub enum ImportErrorKind {
    /// The file is larger than [`MAX_IMPORT_BYTES`](super::MAX_IMPORT_BYTES).
    TooLarge {
        /// Its size.
        bytes: u64,
    },
    /// The file holds nothing (or only spaces).
    Empty,
    /// The file is not text.
    Binary,
    /// The file is text in another encoding than UTF-8.
    NotUtf8,
    /// A CSV whose header lacks columns every book needs.
    MissingColumns {
        /// The columns that are missing.
        missing: Vec<&'static str>,
        /// The columns the header has.
        found: Vec<String>,
    },
    /// A CSV header that names a column twice.
    RepeatedColumn {
        /// The column.
        name: String,
    },
    /// CSV quoting that does not close or is followed by stray text.
    Quoting(QuotingFault),
    /// A JSON value (a key, a value, an element) that does not parse.
    Json(serde_json::Error),
    /// JSON whose structure is broken between values.
    JsonSyntax(JsonFault),
    /// JSON that is not an array of books.
    NotAnArray,
    /// Text after the end of the JSON array.
    TrailingText,
    /// More books than one import takes.
    TooManyBooks {
        /// How many it takes ([`MAX_IMPORT_BOOKS`](super::MAX_IMPORT_BOOKS)).
        max: usize,
    },
    /// The tab ran out of memory while reading the file.
    OutOfMemory,
}

/// What is wrong with a JSON file's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonFault {
    /// Something else than `,` or `]` after a book.
    ExpectedComma,
    /// Something else than `,` or `}` after a key's value.
    ExpectedCommaInBook,
    /// No book where one should be (after `[` or `,`).
    ExpectedBook,
    /// Something else than a key (in quotes) where one should be.
    ExpectedKey,
    /// Something else than `:` after a key.
    ExpectedColon,
    /// A string, array or object that opens here is never closed.
    Unclosed,
    /// The file ends before the list of books does.
    Unfinished,
}

impl fmt::Display for JsonFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonFault::ExpectedComma => "expected “,” or “]” after a book",
            JsonFault::ExpectedCommaInBook => "expected “,” or “}” after a value",
            JsonFault::ExpectedBook => "expected a book (a trailing comma, or two in a row?)",
            JsonFault::ExpectedKey => "expected a key in double quotes (a trailing comma?)",
            JsonFault::ExpectedColon => "expected “:” after a key",
            JsonFault::Unclosed => "a value opens here and is never closed",
            JsonFault::Unfinished => "the file ends before its list of books does",
        })
    }
}

/// What is wrong with a CSV field's quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotingFault {
    /// A quoted field is never closed: the rest of the file would be one field.
    Unclosed,
    /// Text follows a closing quote inside a field.
    TextAfterQuote,
}

/// A file refused as a whole, with where the problem is when that is known.
#[derive(Debug)]
pub struct ImportError {
    /// The line (1-based), if the problem has one.
    pub line: Option<u64>,
    /// The column (1-based, in characters), if the problem has one.
    pub column: Option<u64>,
    /// What is wrong.
    pub kind: ImportErrorKind,
}

impl ImportError {
    /// A problem with the whole file.
    pub fn new(kind: ImportErrorKind) -> Self {
        Self {
            line: None,
            column: None,
            kind,
        }
    }

    /// A problem at a place in the file.
    pub fn at(kind: ImportErrorKind, line: u64, column: Option<u64>) -> Self {
        Self {
            line: Some(line),
            column,
            kind,
        }
    }
}

/// serde_json's message without its own position (which is relative to one element).
fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = match (self.line, self.column) {
            (Some(line), Some(column)) => format!(" (line {line}, column {column})"),
            (Some(line), None) => format!(" (line {line})"),
            _ => String::new(),
        };
        match &self.kind {
            ImportErrorKind::TooLarge { bytes } => write!(
                f,
                "The file is {}; Bookshelf imports files of up to {}. Split it into smaller files",
                size_label(*bytes as f64),
                size_label(super::MAX_IMPORT_BYTES as f64)
            )?,
            ImportErrorKind::Empty => write!(f, "The file is empty: there is nothing to import")?,
            ImportErrorKind::Binary => write!(
                f,
                "This is not a text file{place}: choose a JSON or CSV file, such as a Bookshelf \
                 export or a Goodreads library export"
            )?,
            ImportErrorKind::NotUtf8 => write!(
                f,
                "The file is not UTF-8 text{place}: save it as UTF-8 (in a spreadsheet, “CSV UTF-8”) \
                 and import it again"
            )?,
            ImportErrorKind::MissingColumns { missing, found } => write!(
                f,
                "This CSV has no {} column, so it is neither a Bookshelf nor a Goodreads export. \
                 Its first line names: {}",
                missing.join(" or "),
                shorten(&found.join(", "), 200)
            )?,
            ImportErrorKind::RepeatedColumn { name } => write!(
                f,
                "The CSV header names the column “{name}” twice: keep one"
            )?,
            ImportErrorKind::Quoting(QuotingFault::Unclosed) => write!(
                f,
                "Broken CSV quoting{place}: a quoted field opens here and is never closed"
            )?,
            ImportErrorKind::Quoting(QuotingFault::TextAfterQuote) => write!(
                f,
                "Broken CSV quoting{place}: text follows a closing quote (a quote inside a quoted \
                 field must be doubled: \"\")"
            )?,
            ImportErrorKind::Json(error) => {
                write!(f, "The JSON is broken{place}: {}", json_message(error))?
            }
            ImportErrorKind::NotAnArray => write!(
                f,
                "This JSON is not a list of books{place}: a Bookshelf export is an array, [ {{…}}, {{…}} ]"
            )?,
            ImportErrorKind::JsonSyntax(fault) => write!(f, "The JSON is broken{place}: {fault}")?,
            ImportErrorKind::TrailingText => {
                write!(f, "The JSON goes on after its list of books ends{place}")?
            }
            ImportErrorKind::TooManyBooks { max } => {
                write!(f, "The file holds more than {max} books")?;
                if let Some(line) = self.line {
                    write!(f, " (book {} starts on line {line})", max + 1)?;
                }
                write!(
                    f,
                    "; Bookshelf imports up to {max} at a time. Split it into smaller files"
                )?
            }
            ImportErrorKind::OutOfMemory => write!(
                f,
                "This tab ran out of memory reading the file{place}: split it into smaller files, \
                 or close other tabs and try again"
            )?,
        }
        write!(f, ". Nothing was imported.")
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ImportErrorKind::Json(error) => Some(error),
            _ => None,
        }
    }
}

/// Why one line was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefusalReason {
    /// A value breaks a rule of the book model.
    Invalid(ValidationError),
    /// The line has more or fewer fields than the header.
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields on this line.
        found: usize,
    },
    /// A JSON value of the wrong type.
    WrongType {
        /// What was expected, such as "text".
        expected: &'static str,
    },
    /// A JSON array element that is not an object.
    NotAnObject,
    /// A value not written the way Bookshelf reads it (a date, a list of readings or loans).
    Malformed {
        /// How it should be written, such as "a date written as year-month-day".
        expected: &'static str,
    },
    /// An id that is not a whole number in range.
    BadId,
    /// An id the file gave to an earlier book too.
    RepeatedId {
        /// The id.
        id: BookId,
        /// The line of its first use.
        first_line: u64,
    },
}

/// A refused line: where, which column, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The line (1-based) where the refused book starts.
    pub line: u64,
    /// The column (CSV header name or JSON key) at fault, if one is.
    pub column: Option<String>,
    /// What is wrong.
    pub reason: RefusalReason,
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefusalReason::Invalid(error) => error.fmt(f),
            RefusalReason::FieldCount { expected, found } => write!(
                f,
                "the line has {found} field{} where the header has {expected} (a comma too many or \
                 too few, or a missing quote?)",
                if *found == 1 { "" } else { "s" }
            ),
            RefusalReason::WrongType { expected } | RefusalReason::Malformed { expected } => {
                write!(f, "expected {expected}")
            }
            RefusalReason::NotAnObject => write!(f, "expected a book, {{\"title\": …}}"),
            RefusalReason::BadId => write!(
                f,
                "an id must be a whole number from 1 to {}",
                super::MAX_IMPORT_ID
            ),
            RefusalReason::RepeatedId { id, first_line } => {
                write!(f, "id {id} was already used on line {first_line}")
            }
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Line {}", self.line)?;
        if let Some(column) = &self.column {
            write!(f, ", column “{column}”")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// `text`, cut at `max` characters with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::Field;

    #[test]
    fn file_errors_say_where_and_that_nothing_was_imported() {
        let error = ImportError::at(
            ImportErrorKind::Quoting(QuotingFault::Unclosed),
            4,
            Some(12),
        );
        let text = error.to_string();
        assert!(text.contains("line 4, column 12"), "{text}");
        assert!(text.ends_with("Nothing was imported."), "{text}");
        let large = ImportError::new(ImportErrorKind::TooLarge {
            bytes: 300 * 1_048_576,
        });
        assert!(large.to_string().contains("300 MB"), "{large}");
        assert!(large.to_string().contains("200 MB"), "{large}");
    }

    #[test]
    fn refusals_name_line_column_and_reason() {
        let refusal = Refusal {
            line: 7,
            column: Some("ISBN13".into()),
            reason: RefusalReason::Invalid(ValidationError {
                field: Field::Year,
                kind: crate::book::ValidationErrorKind::NotAWholeNumber,
            }),
        };
        assert_eq!(
            refusal.to_string(),
            "Line 7, column “ISBN13”: Year must be a whole number, such as 1954."
        );
    }
}
