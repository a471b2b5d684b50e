//! Goodreads library exports: what a reader cares about from their 31 columns, with Goodreads'
//! quirks undone (ISBNs written `="0141026162"`, HTML entities such as `&amp;`, a rating of 0
//! meaning "not rated").

use std::borrow::Cow;

use super::csv::{wanted, Header, Record};
use super::error::{ImportError, RefusalReason};
use super::ignored::IgnoredColumns;
use super::records::Wanted;
use super::RowOutcome;
use crate::book::{
    parse_isbn, parse_year, Field, IsbnError, NewBook, Shelf, Stars, Status, ValidationError,
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

/// The columns Bookshelf reads, in the order of [`Columns::at`].
const USED: [&str; 9] = [
    TITLE,
    AUTHOR,
    ISBN,
    ISBN13,
    MY_RATING,
    YEAR_PUBLISHED,
    ORIGINAL_YEAR,
    EXCLUSIVE_SHELF,
    BOOKSHELVES,
];

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

/// Where the columns Bookshelf reads are in a Goodreads header.
pub(super) struct Columns {
    at: [Option<usize>; 9],
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
        let rating = match self.value(record, MY_RATING) {
            "0" => "",
            rating => rating,
        };
        let exclusive = self.value(record, EXCLUSIVE_SHELF);
        let status = Status::from_shelf_name(exclusive);
        let book = NewBook {
            uid: String::new(),
            title: decode_entities(self.value(record, TITLE)).into_owned(),
            author: decode_entities(self.value(record, AUTHOR)).into_owned(),
            genre: genre_of(self.value(record, BOOKSHELVES), exclusive),
            isbn: self
                .isbn(record)
                .map_err(|(column, error)| invalid(column)(error))?,
            year: parse_year(year).map_err(invalid(year_column))?,
            rating: Stars::parse(rating).map_err(invalid(MY_RATING))?,
            status,
            ..NewBook::default()
        };
        let book = book.validated().map_err(|error| {
            let column = match error.field {
                Field::Title => TITLE,
                Field::Author => AUTHOR,
                _ => BOOKSHELVES,
            };
            invalid(column)(error)
        })?;
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

/// The reader's own shelves (Goodreads' "Bookshelves" without the three reading states).
fn genre_of(bookshelves: &str, exclusive: &str) -> String {
    let shelves: Vec<Cow<'_, str>> = bookshelves
        .split(',')
        .map(str::trim)
        .filter(|shelf| !shelf.is_empty() && *shelf != exclusive)
        .filter(|shelf| !Shelf::ALL.iter().any(|known| known.key() == *shelf))
        .map(decode_entities)
        .collect();
    shelves.join(", ")
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
        assert_eq!(book.shelf, Some(Shelf::ToRead));
        assert_eq!(book.genre, "favorites, sci&fi");
        assert!(report
            .ignored_columns
            .names()
            .contains(&"Book Id".to_owned()));
        assert!(!report.ignored_columns.names().contains(&"Title".to_owned()));
        assert_eq!(report.ignored_columns.total(), 31 - 9);
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
