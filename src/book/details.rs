//! The optional details of a book — ISBN, publication year, rating, shelf — and how each is read
//! from text and checked, with messages a person can act on.

use serde::{Deserialize, Serialize};

use super::{normalize_isbn, Field, ValidationError, ValidationErrorKind};

/// The earliest publication year accepted (negative years are BC).
pub const MIN_YEAR: i32 = -4000;
/// The latest publication year accepted.
pub const MAX_YEAR: i32 = 2100;

/// Where a book stands for its reader (Goodreads' three exclusive shelves).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shelf {
    /// Not started yet.
    ToRead,
    /// Being read.
    CurrentlyReading,
    /// Finished.
    Read,
}

impl Shelf {
    /// Every shelf, in reading order.
    pub const ALL: [Shelf; 3] = [Shelf::ToRead, Shelf::CurrentlyReading, Shelf::Read];

    /// The shelf's name in files and forms: "to-read", "currently-reading", "read".
    pub fn key(self) -> &'static str {
        match self {
            Shelf::ToRead => "to-read",
            Shelf::CurrentlyReading => "currently-reading",
            Shelf::Read => "read",
        }
    }

    /// The shelf as a person reads it: "To read", "Currently reading", "Read".
    pub fn label(self) -> &'static str {
        match self {
            Shelf::ToRead => "To read",
            Shelf::CurrentlyReading => "Currently reading",
            Shelf::Read => "Read",
        }
    }

    /// A shelf from its key or label, ignoring case, spaces and hyphens; empty text is no shelf.
    pub fn parse(text: &str) -> Result<Option<Shelf>, ValidationError> {
        let wanted: String = text
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '_' => '-',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        if wanted.is_empty() {
            return Ok(None);
        }
        Shelf::ALL
            .into_iter()
            .find(|shelf| shelf.key() == wanted)
            .map(Some)
            .ok_or(ValidationError {
                field: Field::Shelf,
                kind: ValidationErrorKind::UnknownShelf,
            })
    }
}

/// An ISBN as written: empty is none; otherwise checked and normalized to 13 digits.
pub fn parse_isbn(text: &str) -> Result<Option<String>, ValidationError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    normalize_isbn(text)
        .map(Some)
        .map_err(|error| ValidationError {
            field: Field::Isbn,
            kind: ValidationErrorKind::Isbn(error),
        })
}

/// Checks that `value` lies in `min..=max` for `field`.
fn in_range(field: Field, value: i64, min: i64, max: i64) -> Result<i64, ValidationError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ValidationError {
            field,
            kind: ValidationErrorKind::OutOfRange { min, max },
        })
    }
}

/// Checks a publication year.
pub fn check_year(year: i64) -> Result<i32, ValidationError> {
    let year = in_range(Field::Year, year, MIN_YEAR.into(), MAX_YEAR.into())?;
    Ok(year as i32)
}

/// A whole number as typed for `field`: empty is none.
fn parse_number(field: Field, text: &str) -> Result<Option<i64>, ValidationError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>().map(Some).map_err(|_| ValidationError {
        field,
        kind: ValidationErrorKind::NotAWholeNumber,
    })
}

/// A publication year as typed: empty is none.
pub fn parse_year(text: &str) -> Result<Option<i32>, ValidationError> {
    parse_number(Field::Year, text)?.map(check_year).transpose()
}

/// The ISBN (13 digits) and year, checked.
pub(super) type CheckedDetails = (Option<String>, Option<i32>);

/// The checked forms of the optional fields: the ISBN normalized, the numbers in range.
pub(super) fn checked_details(
    isbn: Option<&str>,
    year: Option<i32>,
) -> Result<CheckedDetails, ValidationError> {
    let isbn = match isbn {
        Some(text) => parse_isbn(text)?,
        None => None,
    };
    let year = year.map(|year| check_year(year.into())).transpose()?;
    Ok((isbn, year))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::{BookPatch, NewBook, Stars, Status};

    #[test]
    fn isbns_are_normalized_to_thirteen_digits_or_refused_with_a_reason() {
        assert_eq!(
            parse_isbn(" 0-14-102616-2 "),
            Ok(Some("9780141026169".into()))
        );
        assert_eq!(parse_isbn("  "), Ok(None));
        let error = parse_isbn("9780141026160").unwrap_err();
        assert_eq!(error.field, Field::Isbn);
        assert_eq!(
            error.to_string(),
            "ISBN is not valid: the check digit is 0 but the other digits call for 9: look for a \
             mistyped digit."
        );
        let book = NewBook {
            isbn: Some("0141026162".into()),
            ..NewBook::new("T", "A", "")
        };
        assert_eq!(
            book.validated().unwrap().isbn.as_deref(),
            Some("9780141026169")
        );
    }

    #[test]
    fn years_are_whole_numbers_in_range() {
        assert_eq!(parse_year(" 1954 "), Ok(Some(1954)));
        assert_eq!(parse_year("-380"), Ok(Some(-380)));
        assert_eq!(parse_year(""), Ok(None));
        assert_eq!(
            parse_year("1954a").unwrap_err().to_string(),
            "Year must be a whole number, such as 1954."
        );
        assert_eq!(
            parse_year("3000").unwrap_err().to_string(),
            "Year must be from -4000 to 2100 (negative years are BC)."
        );
        let problems = NewBook {
            year: Some(9999),
            pages: Some(0),
            ..NewBook::new("", "A", "")
        }
        .problems();
        let fields: Vec<Field> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, vec![Field::Title, Field::Year, Field::Pages]);
    }

    #[test]
    fn shelves_parse_from_keys_and_labels() {
        assert_eq!(Shelf::parse("to-read"), Ok(Some(Shelf::ToRead)));
        assert_eq!(
            Shelf::parse("Currently reading"),
            Ok(Some(Shelf::CurrentlyReading))
        );
        assert_eq!(Shelf::parse(" READ "), Ok(Some(Shelf::Read)));
        assert_eq!(Shelf::parse(""), Ok(None));
        assert_eq!(
            Shelf::parse("someday").unwrap_err().to_string(),
            "Shelf must be to-read, currently-reading or read."
        );
        for shelf in Shelf::ALL {
            assert_eq!(Shelf::parse(shelf.label()), Ok(Some(shelf)));
        }
    }

    #[test]
    fn a_patch_sets_and_clears_the_optional_fields() {
        let three = Stars::from_whole(3);
        let book = NewBook {
            year: Some(1965),
            rating: three,
            ..NewBook::new("Dune", "Frank Herbert", "SF")
        }
        .with_id(7);
        let patch = BookPatch {
            isbn: Some(Some("0441172717".into())),
            year: Some(None),
            status: Some(Some(Status::Read)),
            ..BookPatch::default()
        };
        let patched = book.patched(&patch).unwrap();
        assert_eq!(patched.isbn.as_deref(), Some("9780441172719"));
        assert_eq!((patched.year, patched.rating), (None, three));
        assert_eq!(patched.status, Some(Status::Read));
        assert_eq!(patched.to_new().with_id(7), patched);
        let bad = BookPatch {
            pages: Some(Some(0)),
            ..BookPatch::default()
        };
        assert_eq!(book.patched(&bad).unwrap_err().field, Field::Pages);
        assert!(!bad.is_empty());
    }
}
