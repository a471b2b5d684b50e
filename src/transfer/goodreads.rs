//! Goodreads library exports: what a reader cares about from their 31 columns, with Goodreads'
//! quirks undone (ISBNs written `="0141026162"`, HTML entities such as `&amp;`, 0 meaning "none"
//! for a rating, pages or copies, the series inside the title).
//!
//! What becomes of each column read: Title → the title, and the series with its number when
//! the title ends with one ("Iron Widow (Iron Widow, #1)"); Author; ISBN13, else ISBN; My
//! Rating → whole stars; Original Publication Year, else Year Published; Exclusive Shelf → the
//! status (to-read, currently-reading, read, and the names readers give a did-not-finish
//! shelf); Bookshelves → the tags (every shelf but the three reading states and the exclusive
//! shelf when it is a status; an exclusive shelf that is no status, "on-hold", is a tag too);
//! Publisher; Binding → the format; Number of Pages; Date Read and Read Count → the readings
//! (Read Count readings, the last finished on the Date Read; a Date Read with a Read Count of 0
//! is still one reading); Date Added; Owned Copies; Private Notes → the note. Goodreads has no
//! genre: the genre is left empty. Text a spreadsheet would take for a formula, written behind a
//! quote by Bookshelf's own Goodreads export, gets that quote back off ([`formula`]).

use std::borrow::Cow;

use super::cells;
use super::csv::{wanted, Header, Record};
use super::error::{ImportError, RefusalReason};
use super::formula;
use super::ignored::IgnoredColumns;
use super::records::Wanted;
use super::RowOutcome;
use crate::book::{
    check_copies, check_pages, parse_count, parse_isbn, parse_year, split_goodreads_title, Date,
    Field, Format, IsbnError, NewBook, Reading, Stars, Status, ValidationError,
    ValidationErrorKind,
};

const TITLE: &str = "Title";
const AUTHOR: &str = "Author";
const ISBN: &str = "ISBN";
const ISBN13: &str = "ISBN13";
const MY_RATING: &str = "My Rating";
const YEAR_PUBLISHED: &str = "Year Published";
const ORIGINAL_YEAR: &str = "Original Publication Year";
const EXCLUSIVE_SHELF: &str = "Exclusive Shelf";
const BOOKSHELVES: &str = "Bookshelves";
const PUBLISHER: &str = "Publisher";
const BINDING: &str = "Binding";
const PAGES: &str = "Number of Pages";
const DATE_READ: &str = "Date Read";
const DATE_ADDED: &str = "Date Added";
const READ_COUNT: &str = "Read Count";
const OWNED_COPIES: &str = "Owned Copies";
const PRIVATE_NOTES: &str = "Private Notes";

/// The columns Bookshelf reads, in the order of [`Columns::at`].
const USED: [&str; 17] = [
    TITLE,
    AUTHOR,
    ISBN,
    ISBN13,
    MY_RATING,
    YEAR_PUBLISHED,
    ORIGINAL_YEAR,
    EXCLUSIVE_SHELF,
    BOOKSHELVES,
    PUBLISHER,
    BINDING,
    PAGES,
    DATE_READ,
    DATE_ADDED,
    READ_COUNT,
    OWNED_COPIES,
    PRIVATE_NOTES,
];

/// The most readings a Read Count makes.
const MAX_READ_COUNT: u32 = 1_000;

/// The shelves that are reading states, never tags.
const READING_STATES: [&str; 3] = ["to-read", "currently-reading", "read"];

/// The column that, beside Title and Author, tells a Goodreads export.
const BOOK_ID: &str = "Book Id";

/// The Goodreads columns a header is looked at for: the one that tells the format, then those
/// read ([`USED`]).
pub(super) const NAMES: [&str; USED.len() + 1] = {
    let mut names = [BOOK_ID; USED.len() + 1];
    let mut index = 0;
    while index < USED.len() {
        names[index + 1] = USED[index];
        index += 1;
    }
    names
};

/// True when a CSV header is a Goodreads library export's.
pub(super) fn is_goodreads(header: &Header) -> bool {
    let has = |name: &str| header.has(name);
    has(BOOK_ID) && has(TITLE) && has(AUTHOR) && (has(EXCLUSIVE_SHELF) || has(MY_RATING))
}

/// The column a field's problem is named by.
fn column_of(field: Field) -> &'static str {
    match field {
        Field::Author => AUTHOR,
        Field::Isbn => ISBN13,
        Field::Year => ORIGINAL_YEAR,
        Field::Rating => MY_RATING,
        Field::Status | Field::Shelf => EXCLUSIVE_SHELF,
        Field::Genre | Field::Tags => BOOKSHELVES,
        Field::Pages => PAGES,
        Field::Publisher => PUBLISHER,
        Field::Format => BINDING,
        Field::Copies => OWNED_COPIES,
        Field::Note => PRIVATE_NOTES,
        Field::Started | Field::Finished => DATE_READ,
        // The series is read from the title; the rest have no column.
        Field::Title
        | Field::Series
        | Field::SeriesNumber
        | Field::Uid
        | Field::Location
        | Field::Borrower
        | Field::Due => TITLE,
    }
}

/// Where the columns Bookshelf reads are in a Goodreads header.
pub(super) struct Columns {
    at: [Option<usize>; USED.len()],
    /// The Goodreads columns Bookshelf does not keep.
    pub ignored: IgnoredColumns,
}

impl Columns {
    /// Finds the columns (named exactly as Goodreads does); Title and Author are required.
    pub fn new(header: &Header) -> Result<Self, ImportError> {
        let mut at = [None; USED.len()];
        for (index, used) in USED.iter().enumerate() {
            at[index] = header
                .find(used)?
                .and_then(|(found, name)| (name == *used).then_some(found));
        }
        header.require(&at, [(0, TITLE), (1, AUTHOR)])?;
        let is_read = |name: &str| USED.contains(&name);
        let ignored = header.ignored(is_read, at.iter().flatten().count());
        Ok(Self { at, ignored })
    }

    /// Which fields of a row to keep.
    pub fn wanted(&self, width: usize) -> Wanted {
        wanted(width, &self.at)
    }

    fn value<'r>(&self, record: &'r Record, column: &str) -> &'r str {
        USED.iter()
            .position(|used| *used == column)
            .and_then(|index| self.at[index])
            .and_then(|at| record.get(at))
            .unwrap_or_default()
            .trim()
    }

    /// A text column: its formula quote taken off, then its entities undone.
    fn text(&self, record: &Record, column: &str) -> String {
        decode_entities(formula::unescape(self.value(record, column))).into_owned()
    }

    /// The ISBN of a row: ISBN13 if it is one, else the ISBN-10 converted. Goodreads sometimes
    /// puts another barcode (an EAN starting 0785…) in ISBN13: that is no ISBN, not an error.
    fn isbn(&self, record: &Record) -> Result<Option<String>, (&'static str, ValidationError)> {
        let mut first_error = None;
        for column in [ISBN13, ISBN] {
            match parse_isbn(unwrap_formula(self.value(record, column))) {
                Ok(Some(isbn)) => return Ok(Some(isbn)),
                Ok(None) => {}
                Err(error) if error.kind == ValidationErrorKind::Isbn(IsbnError::NotBookland) => {}
                Err(error) => {
                    first_error.get_or_insert((column, error));
                }
            }
        }
        first_error.map_or(Ok(None), Err)
    }

    /// The readings: Read Count of them, the last finished on the Date Read (a Date Read with
    /// no Read Count is one reading).
    fn readings(&self, record: &Record) -> Result<Vec<Reading>, (Option<String>, RefusalReason)> {
        let column = |column: &str| Some(column.to_owned());
        let finished = Date::parse(Field::Finished, self.value(record, DATE_READ))
            .map_err(|error| (column(DATE_READ), RefusalReason::Invalid(error)))?;
        let count = match self.value(record, READ_COUNT) {
            "" => 0,
            count => count
                .parse::<u32>()
                .ok()
                .filter(|count| *count <= MAX_READ_COUNT)
                .ok_or_else(|| {
                    let expected = "a read count: a whole number from 0 to 1000";
                    (column(READ_COUNT), RefusalReason::Malformed { expected })
                })?,
        };
        let count = count.max(u32::from(finished.is_some())) as usize;
        let mut readings = vec![Reading::default(); count];
        if let Some(last) = readings.last_mut() {
            last.finished = finished;
        }
        Ok(readings)
    }

    /// The book on one row of a Goodreads export (Goodreads' own ids are not Bookshelf's).
    pub fn book(&self, record: &Record) -> RowOutcome {
        let invalid = |column: &str| {
            let column = column.to_owned();
            move |error| (Some(column), RefusalReason::Invalid(error))
        };
        let (year_column, year) = match self.value(record, ORIGINAL_YEAR) {
            "" => (YEAR_PUBLISHED, self.value(record, YEAR_PUBLISHED)),
            original => (ORIGINAL_YEAR, original),
        };
        // Goodreads writes 0 for "not rated", and for no pages or copies known.
        let unless_zero = |column: &str| match self.value(record, column) {
            "0" => "",
            value => value,
        };
        let exclusive = self.text(record, EXCLUSIVE_SHELF);
        let status = Status::from_shelf_name(&exclusive);
        let (title, series) = split_goodreads_title(&self.text(record, TITLE));
        let added = cells::date(self.value(record, DATE_ADDED))
            .map_err(|reason| (Some(DATE_ADDED.to_owned()), reason))?;
        let book = NewBook {
            uid: String::new(),
            title,
            author: self.text(record, AUTHOR),
            genre: String::new(),
            isbn: self
                .isbn(record)
                .map_err(|(column, error)| invalid(column)(error))?,
            year: parse_year(year).map_err(invalid(year_column))?,
            rating: Stars::parse(unless_zero(MY_RATING)).map_err(invalid(MY_RATING))?,
            status,
            readings: self.readings(record)?,
            tags: tags_of(
                formula::unescape(self.value(record, BOOKSHELVES)),
                &exclusive,
                status,
            ),
            series,
            pages: parse_count(Field::Pages, unless_zero(PAGES), check_pages)
                .map_err(invalid(PAGES))?,
            publisher: self.text(record, PUBLISHER),
            format: Format::from_binding(&self.text(record, BINDING)),
            added,
            copies: parse_count(Field::Copies, unless_zero(OWNED_COPIES), check_copies)
                .map_err(invalid(OWNED_COPIES))?,
            location: String::new(),
            loans: Vec::new(),
            note: self.text(record, PRIVATE_NOTES),
        };
        let book = book
            .validated()
            .map_err(|error| invalid(column_of(error.field))(error))?;
        Ok((None, book))
    }
}

/// Goodreads writes ISBNs as spreadsheet formulas, `="0141026162"`, so that leading zeros survive.
fn unwrap_formula(value: &str) -> &str {
    value
        .strip_prefix("=\"")
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(value)
        .trim()
}

/// The reader's tags: Goodreads' "Bookshelves" (separated by commas, then their entities undone)
/// without the three reading states and without the exclusive shelf when it is a status; an
/// exclusive shelf that is no status is a tag too. (Tags are trimmed and kept once when the
/// book is checked.)
fn tags_of(bookshelves: &str, exclusive: &str, status: Option<Status>) -> Vec<String> {
    let mut tags: Vec<String> = bookshelves
        .split(',')
        .map(str::trim)
        .filter(|shelf| !shelf.is_empty() && !READING_STATES.contains(shelf))
        .map(|shelf| decode_entities(shelf).into_owned())
        .filter(|shelf| status.is_none() || shelf != exclusive)
        .collect();
    if status.is_none() && !exclusive.is_empty() && !tags.iter().any(|tag| tag == exclusive) {
        tags.push(exclusive.to_owned());
    }
    tags
}

/// Text with its HTML entities (named, decimal and hexadecimal) replaced by their characters.
pub(super) fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.bytes().take(12).position(|byte| byte == b';');
        match end.and_then(|end| Some((entity(&tail[1..end])?, end))) {
            Some((character, end)) => {
                decoded.push(character);
                rest = &tail[end + 1..];
            }
            None => {
                decoded.push('&');
                rest = &tail[1..];
            }
        }
    }
    decoded.push_str(rest);
    Cow::Owned(decoded)
}

/// The character an entity's name (between `&` and `;`) stands for.
fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::{read_all, Format};

    const HEADER: &str =
        "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,\
        Average Rating,Publisher,Binding,Number of Pages,Year Published,Original Publication Year,\
        Date Read,Date Added,Bookshelves,Bookshelves with positions,Exclusive Shelf,My Review,\
        Spoiler,Private Notes,Read Count,Recommended For,Recommended By,Owned Copies,\
        Original Purchase Date,Original Purchase Location,Condition,Condition Description,BCID";

    #[test]
    fn entities_are_decoded_and_stray_ampersands_kept() {
        assert_eq!(decode_entities("Brinkmann &amp; Bose"), "Brinkmann & Bose");
        assert_eq!(
            decode_entities("&lt;b&gt; &quot;x&quot; &#39;y&#x27;"),
            "<b> \"x\" 'y'"
        );
        assert_eq!(
            decode_entities("Black Holes & Time Warps"),
            "Black Holes & Time Warps"
        );
        assert_eq!(decode_entities("&bogus; &#xZZ; &"), "&bogus; &#xZZ; &");
        assert!(matches!(decode_entities("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn formulas_are_unwrapped() {
        assert_eq!(unwrap_formula("=\"0141026162\""), "0141026162");
        assert_eq!(unwrap_formula("=\"\""), "");
        assert_eq!(unwrap_formula("9780141026169"), "9780141026169");
    }

    #[test]
    fn a_row_maps_to_what_a_reader_cares_about() {
        let row = "3118806,Intelligence Service: Schriften,Alan Turing,\"Turing, Alan\",,\
            \"=\"\"3922660223\"\"\",\"=\"\"\"\"\",0,5.00,Brinkmann &amp; Bose,,,1987,1950,,\
            2019/01/16,\"favorites, to-read, sci&amp;fi\",to-read (#83),to-read,,,,0,,,0,,,,,";
        let report = read_all(&format!("{HEADER}\n{row}\n")).unwrap();
        assert_eq!(report.format, Format::Goodreads);
        assert_eq!(report.refused, vec![]);
        let book = &report.books[0].book;
        assert_eq!(book.title, "Intelligence Service: Schriften");
        // ISBN13 is empty: the ISBN-10 is converted.
        assert_eq!(book.isbn.as_deref(), Some("9783922660224"));
        assert_eq!(book.year, Some(1950), "the original publication year");
        assert_eq!(book.rating, None, "0 is not rated");
        assert_eq!(book.status, Some(Status::WantToRead));
        assert_eq!(book.tags, ["favorites", "sci&fi"]);
        assert_eq!(book.genre, "");
        assert_eq!(
            book.added.map(|d| d.to_string()).as_deref(),
            Some("2019-01-16")
        );
        assert_eq!(book.publisher, "Brinkmann & Bose");
        assert_eq!(
            (book.readings.len(), book.copies, book.pages),
            (0, None, None)
        );
        assert!(report
            .ignored_columns
            .names()
            .contains(&"Book Id".to_owned()));
        assert!(!report.ignored_columns.names().contains(&"Title".to_owned()));
        assert_eq!(report.ignored_columns.total(), 31 - 17);
    }

    /// A row of `HEADER` with the columns named set.
    fn row_with(cells: &[(&str, &str)]) -> String {
        let names: Vec<&str> = HEADER.split(',').collect();
        let mut row = vec![String::new(); names.len()];
        row[1] = "T".into();
        row[2] = "A".into();
        for (name, cell) in cells {
            let at = names.iter().position(|n| n == name).unwrap();
            row[at] = format!("\"{}\"", cell.replace('"', "\"\""));
        }
        row.join(",")
    }

    fn book_of(cells: &[(&str, &str)]) -> NewBook {
        let report = read_all(&format!("{HEADER}\n{}\n", row_with(cells))).unwrap();
        assert_eq!(report.refused, vec![], "{cells:?}");
        (*report.books[0].book).clone()
    }

    #[test]
    fn read_count_and_date_read_make_the_readings() {
        let finished = |book: &NewBook| -> Vec<Option<String>> {
            book.readings
                .iter()
                .map(|r| r.finished.map(|d| d.to_string()))
                .collect()
        };
        let book = book_of(&[("Read Count", "3"), ("Date Read", "2024/03/01")]);
        assert_eq!(finished(&book), [None, None, Some("2024-03-01".into())]);
        assert!(book.readings.iter().all(|r| r.started.is_none()));
        let once = book_of(&[("Read Count", "0"), ("Date Read", "2024/03/01")]);
        assert_eq!(finished(&once), [Some("2024-03-01".into())]);
        let once = book_of(&[("Read Count", ""), ("Date Read", "2024/03/01")]);
        assert_eq!(finished(&once), [Some("2024-03-01".into())]);
        assert_eq!(book_of(&[("Read Count", "2")]).readings.len(), 2);
        assert_eq!(book_of(&[("Read Count", "0")]).readings.len(), 0);
    }

    #[test]
    fn shelves_become_the_status_and_tags() {
        for (exclusive, shelves, status, tags) in [
            (
                "read",
                "read, favourites",
                Some(Status::Read),
                vec!["favourites"],
            ),
            (
                "currently-reading",
                "currently-reading",
                Some(Status::Reading),
                vec![],
            ),
            (
                "dnf",
                "dnf, to-read, gave-up",
                Some(Status::DidNotFinish),
                vec!["gave-up"],
            ),
            ("did-not-finish", "", Some(Status::DidNotFinish), vec![]),
            (
                "abandoned",
                "abandoned, sci-fi",
                Some(Status::DidNotFinish),
                vec!["sci-fi"],
            ),
            (
                "on-hold",
                "on-hold, sci-fi",
                None,
                vec!["on-hold", "sci-fi"],
            ),
            ("on-hold", "sci-fi", None, vec!["sci-fi", "on-hold"]),
            (
                "",
                "Sci-Fi, sci-fi,  , history",
                None,
                vec!["Sci-Fi", "history"],
            ),
        ] {
            let book = book_of(&[("Exclusive Shelf", exclusive), ("Bookshelves", shelves)]);
            assert_eq!(
                (book.status, book.tags),
                (status, tags.iter().map(|t| t.to_string()).collect()),
                "{exclusive}"
            );
        }
    }

    #[test]
    fn zero_is_none_for_rating_pages_and_copies() {
        let zero = book_of(&[
            ("My Rating", "0"),
            ("Number of Pages", "0"),
            ("Owned Copies", "0"),
        ]);
        assert_eq!((zero.rating, zero.pages, zero.copies), (None, None, None));
        let some = book_of(&[
            ("My Rating", "4"),
            ("Number of Pages", "321"),
            ("Owned Copies", "2"),
        ]);
        assert_eq!(
            (some.rating, some.pages, some.copies),
            (Stars::from_whole(4), Some(321), Some(2))
        );
    }

    #[test]
    fn bad_cells_refuse_the_line_naming_their_column() {
        for (column, cell) in [
            ("My Rating", "6"),
            ("Number of Pages", "-3"),
            ("Owned Copies", "many"),
            ("Read Count", "1001"),
            ("Read Count", "once"),
            ("Date Read", "01/03/2024"),
            ("Date Added", "yesterday"),
            ("Bookshelves", &"x".repeat(201)),
            ("Publisher", "a\u{1}b"),
            ("Private Notes", "a\u{0}b"),
        ] {
            let report = read_all(&format!("{HEADER}\n{}\n", row_with(&[(column, cell)]))).unwrap();
            assert_eq!(
                report.refused_places(),
                vec![(2, Some(column))],
                "{column}: {cell}"
            );
        }
    }

    #[test]
    fn a_bad_isbn_refuses_the_line_naming_the_column() {
        let row = "1,T,A,,,,\"=\"\"9780141026160\"\"\",5,,,,,,,,,,,read,,,,,,,,,,,,";
        let report = read_all(&format!("{HEADER}\n{row}\n")).unwrap();
        assert_eq!(report.books.len(), 0);
        assert_eq!(report.refused[0].line, 2);
        assert_eq!(report.refused[0].column.as_deref(), Some("ISBN13"));
    }

    #[test]
    fn another_barcode_in_isbn13_gives_way_to_the_isbn_10() {
        let row = |isbn10: &str| {
            format!("1,T,A,,,\"=\"\"{isbn10}\"\"\",\"=\"\"0785342510591\"\"\",4,,,,,,,,,,,read,,,,,,,,,,,,")
        };
        let report = read_all(&format!("{HEADER}\n{}\n{}\n", row("0201510596"), row(""))).unwrap();
        assert_eq!(report.refused, vec![]);
        assert_eq!(report.books[0].book.isbn.as_deref(), Some("9780201510591"));
        assert_eq!(
            report.books[1].book.isbn, None,
            "a barcode that is not an ISBN is no ISBN"
        );
    }
}
