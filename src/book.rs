//! The book model: what a book is, how a new one and a partial change are described, and the
//! validation every write passes through. Plain Rust, no web APIs.

use std::fmt;

use serde::{Deserialize, Serialize};

mod copy;
mod date;
mod details;
mod isbn;
mod reader;
mod series;
mod uid;

pub use copy::{Format, Loan, LOAN_DAYS};
pub use date::Date;
use details::checked_details;
pub use details::{check_year, parse_isbn, parse_year, Shelf, MAX_YEAR, MIN_YEAR};
pub(crate) use isbn::check10 as isbn10_check_digit;
pub use isbn::{normalize as normalize_isbn, IsbnError};
pub use reader::{parse_tags, Reading, Stars, Status};
pub use series::{missing_numbers, split_goodreads_title, Series, SeriesNumber};
pub use uid::{check_uid, uuid_from_random, MAX_UID_CHARS};

/// The identifier IndexedDB's key generator assigns to a stored book.
pub type BookId = u64;

/// The longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 500;
/// The longest author accepted, in characters.
pub const MAX_AUTHOR_CHARS: usize = 300;
/// The longest genre accepted, in characters.
pub const MAX_GENRE_CHARS: usize = 200;
/// The longest tag, series, publisher, location or borrower accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest note accepted, in characters (a note may run to many pages).
pub const MAX_NOTE_CHARS: usize = 100_000;
/// A stored book.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Book {
    /// Assigned by the store; never reused.
    pub id: BookId,
    /// The book's lasting identity (see [`check_uid`]); the store gives one to every book.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// Required, trimmed, at most [`MAX_TITLE_CHARS`].
    pub title: String,
    /// Required, trimmed, at most [`MAX_AUTHOR_CHARS`].
    pub author: String,
    /// Optional (may be empty), trimmed, at most [`MAX_GENRE_CHARS`].
    pub genre: String,
    /// The ISBN as the 13 digits of an ISBN-13 (checked), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isbn: Option<String>,
    /// The publication year, from [`MIN_YEAR`] to [`MAX_YEAR`], if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// The reader's rating in quarter stars, if rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Stars>,
    /// Where the reader stands with the book, if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Every reading, in the order recorded (a re-read is another one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<Reading>,
    /// The reader's own tags, each at most [`MAX_NAME_CHARS`], none twice (ignoring case).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The series and the book's number in it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<Series>,
    /// How many pages, from 1 to [`MAX_PAGES`], if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// The publisher; may be empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub publisher: String,
    /// The kind of copy, if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// The day the book joined the catalogue, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added: Option<Date>,
    /// How many copies the reader owns (0 to [`MAX_COPIES`]), if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<u32>,
    /// Where the copies are kept ("Study, shelf 3"); may be empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
    /// Every loan, oldest first; those not yet returned are out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loans: Vec<Loan>,
    /// The reader's private note, of any length up to [`MAX_NOTE_CHARS`]; may hold line breaks.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A book to be created: everything but the id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBook {
    /// The identity the book already has (an import of an export); empty: the store gives one.
    #[serde(default)]
    pub uid: String,
    /// The title as typed.
    pub title: String,
    /// The author as typed.
    pub author: String,
    /// The genre as typed; may be empty.
    pub genre: String,
    /// The ISBN as written (ISBN-10 or ISBN-13, hyphens allowed), if any.
    #[serde(default)]
    pub isbn: Option<String>,
    /// The publication year, if known.
    #[serde(default)]
    pub year: Option<i32>,
    /// The rating in quarter stars, if rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Stars>,
    /// Where the reader stands with the book, if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Every reading, in the order recorded (a re-read is another one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<Reading>,
    /// The reader's own tags, each at most [`MAX_NAME_CHARS`], none twice (ignoring case).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The series and the book's number in it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<Series>,
    /// How many pages, from 1 to [`MAX_PAGES`], if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// The publisher; may be empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub publisher: String,
    /// The kind of copy, if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// The day the book joined the catalogue, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added: Option<Date>,
    /// How many copies the reader owns (0 to [`MAX_COPIES`]), if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<u32>,
    /// Where the copies are kept ("Study, shelf 3"); may be empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
    /// Every loan, oldest first; those not yet returned are out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loans: Vec<Loan>,
    /// The reader's private note, of any length up to [`MAX_NOTE_CHARS`]; may hold line breaks.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A change to any subset of a book's fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookPatch {
    /// A new title, if it changes.
    pub title: Option<String>,
    /// A new author, if it changes.
    pub author: Option<String>,
    /// A new genre, if it changes.
    pub genre: Option<String>,
    /// A new ISBN as written (`Some(None)` removes it), if it changes.
    pub isbn: Option<Option<String>>,
    /// A new publication year (`Some(None)` removes it), if it changes.
    pub year: Option<Option<i32>>,
    /// A new rating (`Some(None)` removes it), if it changes.
    pub rating: Option<Option<Stars>>,
    /// A new status (`Some(None)` removes it), if it changes.
    pub status: Option<Option<Status>>,
    /// The readings, all of them, if they change.
    pub readings: Option<Vec<Reading>>,
    /// The tags, all of them, if they change.
    pub tags: Option<Vec<String>>,
    /// A new series (`Some(None)` removes it), if it changes.
    pub series: Option<Option<Series>>,
    /// A new page count (`Some(None)` removes it), if it changes.
    pub pages: Option<Option<u32>>,
    /// A new publisher, if it changes.
    pub publisher: Option<String>,
    /// A new format (`Some(None)` removes it), if it changes.
    pub format: Option<Option<Format>>,
    /// A new count of copies (`Some(None)` removes it), if it changes.
    pub copies: Option<Option<u32>>,
    /// A new location, if it changes.
    pub location: Option<String>,
    /// A new note, if it changes.
    pub note: Option<String>,
    /// A copy lent or returned, applied to the loans as they are when the change is written (so
    /// that two tabs lending at once cannot both succeed).
    pub loan: Option<LoanChange>,
    /// "Mark as read" on this day: the open reading finishes (or a new one is recorded finished)
    /// and the status becomes Read, against the readings as they are when the change is written.
    pub read_on: Option<Date>,
}

/// A change to a book's loans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoanChange {
    /// A copy goes out (refused when every copy already is).
    Lend(Loan),
    /// A copy came back on this day: the one lent to `borrower` on `lent_on`, if it is still out
    /// (else nothing happens: it came back elsewhere).
    Returned {
        /// Who had it.
        borrower: String,
        /// When it was lent (with the borrower, which loan it is).
        lent_on: Date,
        /// The day it came back.
        on: Date,
    },
}

impl LoanChange {
    /// `loan` came back on `on`.
    pub fn returned(loan: &Loan, on: Date) -> Self {
        LoanChange::Returned {
            borrower: loan.borrower.clone(),
            lent_on: loan.lent_on,
            on,
        }
    }
}

/// One of a book's editable fields, named in validation errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The title.
    Title,
    /// The author.
    Author,
    /// The genre.
    Genre,
    /// The ISBN.
    Isbn,
    /// The publication year.
    Year,
    /// The rating.
    Rating,
    /// The shelf.
    Shelf,
    /// The lasting identity (`uid`), which only files carry.
    Uid,
    /// Where the reader stands with the book (Want to read, Reading, Read, Did not finish).
    Status,
    /// The day a reading started.
    Started,
    /// The day a reading finished.
    Finished,
    /// The reader's own tags.
    Tags,
    /// The series the book belongs to.
    Series,
    /// The book's number in its series.
    SeriesNumber,
    /// How many pages.
    Pages,
    /// The publisher.
    Publisher,
    /// The kind of copy (Hardcover, Paperback, Ebook, Audiobook, Other).
    Format,
    /// How many copies the reader owns.
    Copies,
    /// Where the copies are kept.
    Location,
    /// The reader's private note.
    Note,
    /// Who a copy is lent to.
    Borrower,
    /// When a lent copy is due back.
    Due,
}

impl Field {
    /// The field's name as a person reads it on the form.
    pub fn label(self) -> &'static str {
        match self {
            Field::Title => "Title",
            Field::Author => "Author",
            Field::Genre => "Genre",
            Field::Isbn => "ISBN",
            Field::Year => "Year",
            Field::Rating => "Rating",
            Field::Shelf => "Shelf",
            Field::Uid => "Identity (uid)",
            Field::Status => "Status",
            Field::Started => "Started",
            Field::Finished => "Finished",
            Field::Tags => "Tags",
            Field::Series => "Series",
            Field::SeriesNumber => "Number in series",
            Field::Pages => "Pages",
            Field::Publisher => "Publisher",
            Field::Format => "Format",
            Field::Copies => "Copies",
            Field::Location => "Location",
            Field::Note => "Note",
            Field::Borrower => "Borrower",
            Field::Due => "Due",
        }
    }

    fn limit(self) -> usize {
        match self {
            Field::Title => MAX_TITLE_CHARS,
            Field::Author => MAX_AUTHOR_CHARS,
            Field::Genre => MAX_GENRE_CHARS,
            Field::Tags | Field::Series | Field::Publisher | Field::Location | Field::Borrower => {
                MAX_NAME_CHARS
            }
            Field::Note => MAX_NOTE_CHARS,
            // Checked by their own rules, never by length.
            Field::Isbn
            | Field::Year
            | Field::Rating
            | Field::Shelf
            | Field::Uid
            | Field::Status
            | Field::Started
            | Field::Finished
            | Field::SeriesNumber
            | Field::Pages
            | Field::Format
            | Field::Copies
            | Field::Due => usize::MAX,
        }
    }

    fn required(self) -> bool {
        matches!(self, Field::Title | Field::Author)
    }
}

/// Why a field's value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidationErrorKind {
    /// The field is required and is empty after trimming.
    Required,
    /// The field is longer than its limit.
    TooLong {
        /// The limit, in characters.
        max: usize,
        /// The length given, in characters.
        actual: usize,
    },
    /// The field holds a control character (a tab, a newline, a NUL...).
    ControlCharacter {
        /// The character's position (1-based, in characters).
        position: usize,
    },
    /// The ISBN is not one.
    Isbn(IsbnError),
    /// A number was expected.
    NotAWholeNumber,
    /// The number is outside what the field allows.
    OutOfRange {
        /// The smallest allowed.
        min: i64,
        /// The largest allowed.
        max: i64,
    },
    /// The shelf is none of the three.
    UnknownShelf,
    /// The uid has characters or a length that no uid has.
    MalformedUid,
    /// A date was expected, written as year-month-day.
    NotADate,
    /// A reading finished before it started.
    FinishedBeforeStarted,
    /// A loan would be due before today.
    DueInPast,
    /// A loan is due before the day it was lent.
    DueBeforeLent,
    /// The status is none of the four.
    UnknownStatus,
    /// The format is none of the five.
    UnknownFormat,
    /// A rating was not a whole or quarter star from 0.25 to 5.
    NotAQuarterStar,
    /// A number in a series was not a number such as 2 or 2.5.
    NotASeriesNumber,
    /// Every copy is already lent (the last to this borrower).
    AlreadyOnLoan {
        /// Who has the copy lent last.
        borrower: String,
    },
}

/// A refused value, with the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The field that is wrong.
    pub field: Field,
    /// What is wrong with it.
    pub kind: ValidationErrorKind,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = self.field.label();
        match &self.kind {
            ValidationErrorKind::Required => write!(f, "{label} is required."),
            ValidationErrorKind::TooLong { max, actual } => write!(
                f,
                "{label} is too long: {actual} characters, at most {max} are allowed."
            ),
            ValidationErrorKind::ControlCharacter { position } => write!(
                f,
                "{label} contains an invisible control character (at character {position}); \
                 use plain text on one line."
            ),
            ValidationErrorKind::Isbn(error) => write!(f, "{label} is not valid: {error}."),
            ValidationErrorKind::NotAWholeNumber => {
                let example = if self.field == Field::Year {
                    "1954"
                } else {
                    "4"
                };
                write!(f, "{label} must be a whole number, such as {example}.")
            }
            ValidationErrorKind::OutOfRange { min, max } => match self.field {
                Field::Year => write!(
                    f,
                    "{label} must be from {min} to {max} (negative years are BC)."
                ),
                Field::Rating => write!(
                    f,
                    "{label} must be from {min} to {max}; leave it empty for no rating."
                ),
                _ => write!(f, "{label} must be from {min} to {max}."),
            },
            ValidationErrorKind::UnknownShelf => {
                write!(f, "{label} must be to-read, currently-reading or read.")
            }
            ValidationErrorKind::NotADate => {
                write!(f, "{label} must be a date written as year-month-day, such as 2026-03-14.")
            }
            ValidationErrorKind::FinishedBeforeStarted => {
                write!(f, "{label} is before the day the reading started.")
            }
            ValidationErrorKind::DueInPast => {
                write!(f, "{label} is in the past: a loan must be due today or later.")
            }
            ValidationErrorKind::DueBeforeLent => {
                write!(f, "{label} is before the day the book was lent.")
            }
            ValidationErrorKind::UnknownStatus => write!(
                f,
                "{label} must be Want to read, Reading, Read or Did not finish."
            ),
            ValidationErrorKind::UnknownFormat => write!(
                f,
                "{label} must be Hardcover, Paperback, Ebook, Audiobook or Other."
            ),
            ValidationErrorKind::NotAQuarterStar => write!(
                f,
                "{label} must be from 0.25 to 5 in quarter stars, such as 4 or 3.75; leave it \
                 empty for no rating."
            ),
            ValidationErrorKind::NotASeriesNumber => write!(
                f,
                "{label} must be a number from 0 to 9999, with at most two decimals, such as 2 or 2.5."
            ),
            ValidationErrorKind::AlreadyOnLoan { borrower } => write!(
                f,
                "The book is already on loan to {borrower}: mark it returned first, or say \
                 how many copies you own."
            ),
            ValidationErrorKind::MalformedUid => write!(
                f,
                "{label} must be at most {MAX_UID_CHARS} letters, digits, '-' or '_', \
                 not starting with '_'."
            ),
        }
    }
}

impl std::error::Error for ValidationError {}

/// Checks one field and returns it trimmed.
pub fn validate_field(field: Field, value: &str) -> Result<String, ValidationError> {
    let fail = |kind| Err(ValidationError { field, kind });
    let trimmed = value.trim();
    if let Some(index) = trimmed.chars().position(char::is_control) {
        return fail(ValidationErrorKind::ControlCharacter {
            position: index + 1,
        });
    }
    if field.required() && trimmed.is_empty() {
        return fail(ValidationErrorKind::Required);
    }
    let actual = trimmed.chars().count();
    if actual > field.limit() {
        return fail(ValidationErrorKind::TooLong {
            max: field.limit(),
            actual,
        });
    }
    Ok(trimmed.to_owned())
}

impl NewBook {
    /// A new book from its three text fields, with nothing else said.
    pub fn new(
        title: impl Into<String>,
        author: impl Into<String>,
        genre: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            author: author.into(),
            genre: genre.into(),
            ..Self::default()
        }
    }

    /// Every problem with this book, at most one per field, in form order.
    pub fn problems(&self) -> Vec<ValidationError> {
        let mut problems: Vec<ValidationError> = [
            (Field::Title, &self.title),
            (Field::Author, &self.author),
            (Field::Genre, &self.genre),
        ]
        .into_iter()
        .filter_map(|(field, value)| validate_field(field, value).err())
        .collect();
        let details = [
            checked_details(self.isbn.as_deref(), None).err(),
            checked_details(None, self.year).err(),
        ];
        problems.extend(details.into_iter().flatten());
        problems.extend(self.reader_fields().err());
        problems.extend(check_uid(&self.uid).err());
        problems
    }

    /// The book trimmed and checked (the ISBN as 13 digits), or the first problem found.
    pub fn validated(&self) -> Result<NewBook, ValidationError> {
        let title = validate_field(Field::Title, &self.title)?;
        let author = validate_field(Field::Author, &self.author)?;
        let genre = validate_field(Field::Genre, &self.genre)?;
        let (isbn, year) = checked_details(self.isbn.as_deref(), self.year)?;
        let reader = self.reader_fields()?;
        Ok(NewBook {
            uid: check_uid(&self.uid)?,
            title,
            author,
            genre,
            isbn,
            year,
            ..reader
        })
    }

    /// The reader's fields checked and trimmed (the others left empty: [`NewBook::validated`]
    /// fills them).
    fn reader_fields(&self) -> Result<NewBook, ValidationError> {
        let readings = self
            .readings
            .iter()
            .map(|reading| reading.checked())
            .collect::<Result<Vec<_>, _>>()?;
        let series = match &self.series {
            Some(series) => Series::parse(&series.name, "")?.map(|checked| Series {
                number: series.number,
                ..checked
            }),
            None => None,
        };
        let pages = self.pages.map(check_pages).transpose()?;
        let copies = self.copies.map(check_copies).transpose()?;
        let loans = self
            .loans
            .iter()
            .map(Loan::checked)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NewBook {
            readings,
            tags: check_tags(&self.tags)?,
            series,
            pages,
            publisher: validate_field(Field::Publisher, &self.publisher)?,
            copies,
            location: validate_field(Field::Location, &self.location)?,
            loans,
            note: check_note(&self.note)?,
            rating: self.rating,
            status: self.status,
            format: self.format,
            added: self.added,
            ..NewBook::default()
        })
    }

    /// The stored book this becomes once the store gives it an id.
    pub fn with_id(self, id: BookId) -> Book {
        Book {
            id,
            uid: self.uid,
            title: self.title,
            author: self.author,
            genre: self.genre,
            isbn: self.isbn,
            year: self.year,
            rating: self.rating,
            status: self.status,
            readings: self.readings,
            tags: self.tags,
            series: self.series,
            pages: self.pages,
            publisher: self.publisher,
            format: self.format,
            added: self.added,
            copies: self.copies,
            location: self.location,
            loans: self.loans,
            note: self.note,
        }
    }
}

/// The most pages a book may have.
pub const MAX_PAGES: u32 = 100_000;
/// The most copies of a book a reader may own.
pub const MAX_COPIES: u32 = 9_999;

fn out_of_range(field: Field, min: u32, max: u32) -> ValidationError {
    ValidationError {
        field,
        kind: ValidationErrorKind::OutOfRange {
            min: min.into(),
            max: max.into(),
        },
    }
}

/// Checks a page count (1 to [`MAX_PAGES`]).
pub fn check_pages(pages: u32) -> Result<u32, ValidationError> {
    match pages {
        1..=MAX_PAGES => Ok(pages),
        _ => Err(out_of_range(Field::Pages, 1, MAX_PAGES)),
    }
}

/// Checks a count of copies (0 to [`MAX_COPIES`]).
pub fn check_copies(copies: u32) -> Result<u32, ValidationError> {
    match copies {
        0..=MAX_COPIES => Ok(copies),
        _ => Err(out_of_range(Field::Copies, 0, MAX_COPIES)),
    }
}

/// A whole number typed for `field` (pages, copies), checked by `check`; empty is none.
pub fn parse_count(
    field: Field,
    text: &str,
    check: fn(u32) -> Result<u32, ValidationError>,
) -> Result<Option<u32>, ValidationError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(number) => check(u32::try_from(number).unwrap_or(u32::MAX)).map(Some),
        Err(_) => Err(ValidationError {
            field,
            kind: ValidationErrorKind::NotAWholeNumber,
        }),
    }
}

/// Tags checked one by one: trimmed, empty ones dropped, one given twice (ignoring case) kept
/// once, as first written.
pub fn check_tags(tags: &[String]) -> Result<Vec<String>, ValidationError> {
    let mut kept: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = validate_field(Field::Tags, tag)?;
        let seen = kept
            .iter()
            .any(|old| old.to_lowercase() == tag.to_lowercase());
        if !tag.is_empty() && !seen {
            kept.push(tag);
        }
    }
    Ok(kept)
}

/// A note trimmed and checked: line breaks and tabs are welcome, other control characters
/// (a NUL, an escape) are not.
pub fn check_note(note: &str) -> Result<String, ValidationError> {
    let fail = |kind| {
        Err(ValidationError {
            field: Field::Note,
            kind,
        })
    };
    let note = note.trim();
    let invisible = |c: &char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
    if let Some(index) = note.chars().position(|c| invisible(&c)) {
        return fail(ValidationErrorKind::ControlCharacter {
            position: index + 1,
        });
    }
    let actual = note.chars().count();
    if actual > MAX_NOTE_CHARS {
        return fail(ValidationErrorKind::TooLong {
            max: MAX_NOTE_CHARS,
            actual,
        });
    }
    Ok(note.to_owned())
}

impl BookPatch {
    /// True when the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == BookPatch::default()
    }
}

impl Book {
    /// The book with `patch` applied and checked whole; `self` is untouched.
    pub fn patched(&self, patch: &BookPatch) -> Result<Book, ValidationError> {
        let mut new = self.to_new();
        let text = |value: &Option<String>, old: &mut String| {
            if let Some(value) = value {
                old.clone_from(value);
            }
        };
        text(&patch.title, &mut new.title);
        text(&patch.author, &mut new.author);
        text(&patch.genre, &mut new.genre);
        text(&patch.publisher, &mut new.publisher);
        text(&patch.location, &mut new.location);
        text(&patch.note, &mut new.note);
        if let Some(isbn) = &patch.isbn {
            new.isbn.clone_from(isbn);
        }
        if let Some(readings) = &patch.readings {
            new.readings.clone_from(readings);
        }
        if let Some(tags) = &patch.tags {
            new.tags.clone_from(tags);
        }
        if let Some(series) = &patch.series {
            new.series.clone_from(series);
        }
        new.year = patch.year.unwrap_or(new.year);
        new.rating = patch.rating.unwrap_or(new.rating);
        new.status = patch.status.unwrap_or(new.status);
        new.pages = patch.pages.unwrap_or(new.pages);
        new.format = patch.format.unwrap_or(new.format);
        new.copies = patch.copies.unwrap_or(new.copies);
        if let Some(day) = patch.read_on {
            new.mark_read(day);
        }
        match &patch.loan {
            Some(LoanChange::Lend(loan)) => new.lend(loan.clone())?,
            Some(LoanChange::Returned {
                borrower,
                lent_on,
                on,
            }) => new.returned(borrower, *lent_on, *on),
            None => {}
        }
        Ok(new.validated()?.with_id(self.id))
    }

    /// The book's fields (and identity) without its id, taken rather than copied.
    pub fn into_new(self) -> NewBook {
        NewBook {
            uid: self.uid,
            title: self.title,
            author: self.author,
            genre: self.genre,
            isbn: self.isbn,
            year: self.year,
            rating: self.rating,
            status: self.status,
            readings: self.readings,
            tags: self.tags,
            series: self.series,
            pages: self.pages,
            publisher: self.publisher,
            format: self.format,
            added: self.added,
            copies: self.copies,
            location: self.location,
            loans: self.loans,
            note: self.note,
        }
    }

    /// The book's fields (and identity) without its id.
    pub fn to_new(&self) -> NewBook {
        NewBook {
            uid: self.uid.clone(),
            title: self.title.clone(),
            author: self.author.clone(),
            genre: self.genre.clone(),
            isbn: self.isbn.clone(),
            year: self.year,
            rating: self.rating,
            status: self.status,
            readings: self.readings.clone(),
            tags: self.tags.clone(),
            series: self.series.clone(),
            pages: self.pages,
            publisher: self.publisher.clone(),
            format: self.format,
            added: self.added,
            copies: self.copies,
            location: self.location.clone(),
            loans: self.loans.clone(),
            note: self.note.clone(),
        }
    }

    /// The loans not yet returned.
    pub fn loans_out(&self) -> impl Iterator<Item = &Loan> {
        self.loans.iter().filter(|loan| loan.is_out())
    }

    /// The day of the last finished reading, if any.
    pub fn last_read(&self) -> Option<Date> {
        self.readings
            .iter()
            .filter_map(|reading| reading.finished)
            .max()
    }
}

impl NewBook {
    /// Finishes the reading in progress on `day` (or records one finished that day) and sets
    /// the status to Read.
    fn mark_read(&mut self, day: Date) {
        let open = self
            .readings
            .iter_mut()
            .rev()
            .find(|reading| reading.finished.is_none())
            .filter(|reading| reading.started.is_none_or(|started| started <= day));
        match open {
            Some(reading) => reading.finished = Some(day),
            None => self.readings.push(Reading::finished_on(day)),
        }
        self.status = Some(Status::Read);
    }

    /// Lends a copy, unless every copy the reader owns (one when not said) is already out.
    fn lend(&mut self, loan: Loan) -> Result<(), ValidationError> {
        let out: Vec<&Loan> = self.loans.iter().filter(|loan| loan.is_out()).collect();
        let owned = self.copies.unwrap_or(1).max(1) as usize;
        if let Some(last) = out.last().filter(|_| out.len() >= owned) {
            return Err(ValidationError {
                field: Field::Borrower,
                kind: ValidationErrorKind::AlreadyOnLoan {
                    borrower: last.borrower.clone(),
                },
            });
        }
        self.loans.push(loan);
        Ok(())
    }

    /// Marks the copy lent to `borrower` on `lent_on` returned on `day` (no earlier than it
    /// was lent), if it is still out.
    fn returned(&mut self, borrower: &str, lent_on: Date, day: Date) {
        let out = |loan: &&mut Loan| {
            loan.is_out() && loan.borrower == borrower && loan.lent_on == lent_on
        };
        if let Some(loan) = self.loans.iter_mut().find(out) {
            *loan = loan.returned_on(day);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_book_is_trimmed() {
        let book = NewBook::new("  Dune ", "\u{a0}Frank Herbert", " ").validated();
        assert_eq!(book, Ok(NewBook::new("Dune", "Frank Herbert", "")));
    }

    #[test]
    fn title_and_author_are_required_genre_is_not() {
        let problems = NewBook::new("   ", "", "").problems();
        let fields: Vec<Field> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, vec![Field::Title, Field::Author]);
        assert!(problems
            .iter()
            .all(|p| p.kind == ValidationErrorKind::Required));
        assert_eq!(problems[0].to_string(), "Title is required.");
    }

    #[test]
    fn length_limits_count_characters_not_bytes() {
        let at_limit = "é".repeat(MAX_TITLE_CHARS);
        assert!(validate_field(Field::Title, &at_limit).is_ok());
        let over = "x".repeat(MAX_TITLE_CHARS + 1);
        assert_eq!(
            validate_field(Field::Title, &over).map_err(|e| e.kind),
            Err(ValidationErrorKind::TooLong {
                max: MAX_TITLE_CHARS,
                actual: MAX_TITLE_CHARS + 1
            })
        );
        let genre = "g".repeat(MAX_GENRE_CHARS + 1);
        assert!(validate_field(Field::Genre, &genre).is_err());
    }

    #[test]
    fn control_characters_are_refused_with_their_position() {
        for bad in ["a\u{0}b", "a\nb", "a\tb", "a\u{7f}b", "a\u{9b}b"] {
            let error = validate_field(Field::Author, bad).unwrap_err();
            assert_eq!(
                error.kind,
                ValidationErrorKind::ControlCharacter { position: 2 },
                "{bad:?}"
            );
        }
    }

    #[test]
    fn unicode_and_markup_are_plain_text() {
        for good in [
            "<script>alert(1)</script>",
            "שלום עולם",
            "📚 Ünïcødé",
            "&amp; \"q\"",
        ] {
            assert_eq!(validate_field(Field::Title, good).as_deref(), Ok(good));
        }
    }

    #[test]
    fn a_patch_changes_only_its_fields_and_validates_them() {
        let book = NewBook::new("Dune", "Frank Herbert", "SF").with_id(7);
        let patch = BookPatch {
            genre: Some(" Science Fiction ".into()),
            ..BookPatch::default()
        };
        let patched = book.patched(&patch).unwrap();
        assert_eq!(patched.title, "Dune");
        assert_eq!(patched.genre, "Science Fiction");
        assert_eq!(patched.id, 7);

        let bad = BookPatch {
            title: Some(" ".into()),
            ..BookPatch::default()
        };
        assert_eq!(book.patched(&bad).unwrap_err().field, Field::Title);
        assert!(BookPatch::default().is_empty());
        assert!(!bad.is_empty());
    }

    fn day(text: &str) -> Date {
        Date::parse(Field::Due, text).unwrap().unwrap()
    }

    #[test]
    fn lending_is_refused_while_every_copy_is_out_and_returning_frees_one() {
        let book = NewBook::new("Dune", "Frank Herbert", "").with_id(1);
        let today = day("2026-12-02");
        let lend = |book: &Book, who: &str| {
            book.patched(&BookPatch {
                loan: Some(LoanChange::Lend(Loan::lend(who, "", today).unwrap())),
                ..BookPatch::default()
            })
        };
        let lent = lend(&book, "Ada").unwrap();
        assert_eq!(lent.loans_out().count(), 1);
        assert_eq!(lent.loans[0].due, day("2026-12-16"), "14 days by default");
        let refused = lend(&lent, "Bob").unwrap_err();
        assert_eq!(
            refused.to_string(),
            "The book is already on loan to Ada: mark it returned first, or say how many \
             copies you own."
        );
        let two = lent
            .patched(&BookPatch {
                copies: Some(Some(2)),
                ..BookPatch::default()
            })
            .unwrap();
        assert_eq!(lend(&two, "Bob").unwrap().loans_out().count(), 2);
        let back = lent
            .patched(&BookPatch {
                loan: Some(LoanChange::returned(&lent.loans[0], day("2026-12-05"))),
                ..BookPatch::default()
            })
            .unwrap();
        // Returned again (from a tab that had not seen it): nothing more happens.
        let again = back
            .patched(&BookPatch {
                loan: Some(LoanChange::returned(&lent.loans[0], day("2026-12-09"))),
                ..BookPatch::default()
            })
            .unwrap();
        assert_eq!(again, back);
        assert_eq!(back.loans_out().count(), 0);
        assert_eq!(
            back.loans[0].returned,
            Some(day("2026-12-05")),
            "history kept"
        );
        assert_eq!(lend(&back, "Bob").unwrap().loans.len(), 2);
    }

    #[test]
    fn mark_as_read_finishes_the_open_reading_or_records_one() {
        let reading = NewBook {
            readings: vec![Reading {
                started: Some(day("2026-11-20")),
                finished: None,
            }],
            ..NewBook::new("Emma", "Jane Austen", "")
        }
        .with_id(2);
        let mark = BookPatch {
            read_on: Some(day("2026-12-02")),
            ..BookPatch::default()
        };
        let read = reading.patched(&mark).unwrap();
        assert_eq!(read.status, Some(Status::Read));
        assert_eq!(read.readings.len(), 1);
        assert_eq!(read.last_read(), Some(day("2026-12-02")));
        // A re-read: another reading, the first kept.
        let again = read.patched(&mark).unwrap();
        assert_eq!(again.readings.len(), 2);
    }

    #[test]
    fn the_reader_fields_are_checked_with_messages() {
        let book = NewBook::new("Dune", "Frank Herbert", "").with_id(1);
        let backwards = BookPatch {
            readings: Some(vec![Reading {
                started: Some(day("2026-03-10")),
                finished: Some(day("2026-03-01")),
            }]),
            ..BookPatch::default()
        };
        let error = book.patched(&backwards).unwrap_err();
        assert_eq!(
            error.to_string(),
            "Finished is before the day the reading started."
        );
        assert_eq!(
            Stars::parse("7").unwrap_err().to_string(),
            "Rating must be from 0.25 to 5 in quarter stars, such as 4 or 3.75; leave it empty \
             for no rating."
        );
        assert_eq!(
            Loan::lend("Ada", "2026-12-01", day("2026-12-02"))
                .unwrap_err()
                .to_string(),
            "Due is in the past: a loan must be due today or later."
        );
        let note = BookPatch {
            note: Some("Line one\n\tLine two".into()),
            ..BookPatch::default()
        };
        assert_eq!(book.patched(&note).unwrap().note, "Line one\n\tLine two");
        let nul = BookPatch {
            note: Some("a\u{0}b".into()),
            ..BookPatch::default()
        };
        assert_eq!(book.patched(&nul).unwrap_err().field, Field::Note);
        let tags = BookPatch {
            tags: Some(vec![
                " owned ".into(),
                "OWNED".into(),
                "".into(),
                "sci-fi".into(),
            ]),
            ..BookPatch::default()
        };
        assert_eq!(book.patched(&tags).unwrap().tags, ["owned", "sci-fi"]);
        assert_eq!(
            parse_count(Field::Pages, "0", check_pages)
                .unwrap_err()
                .to_string(),
            "Pages must be from 1 to 100000."
        );
        assert_eq!(
            parse_count(Field::Copies, "two", check_copies)
                .unwrap_err()
                .to_string(),
            "Copies must be a whole number, such as 4."
        );
    }
}
