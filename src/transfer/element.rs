//! One element of a Bookshelf JSON array read as a book: its values taken straight from
//! serde_json's deserializer, each checked by key so that a refusal names the key at fault.
//! Simple values are kept as what they are; an array or object (tags, readings, loans, a
//! series) as a `serde_json::Value` of its own, only for the keys Bookshelf reads.
//!
//! Every field the export writes is read back ([`Book`](crate::book::Book)'s serde form), and
//! what older exports wrote too: whole-star ratings (`"rating": 4`) and the shelf
//! (`"shelf": "read"`, read as the status when there is none).

use std::fmt;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::cells::{self, LOANS_JSON, READINGS_JSON};
use super::csv::parse_id;
use super::error::RefusalReason;
use super::RowOutcome;
use crate::book::{
    check_copies, check_pages, check_year, Date, Field, Format, Loan, NewBook, Reading, Series,
    SeriesNumber, Stars, Status, ValidationError, ValidationErrorKind,
};

/// The keys of a book that Bookshelf reads (those its export writes, and the older `shelf`).
pub(super) const KEYS: [&str; 21] = [
    "id",
    "uid",
    "title",
    "author",
    "genre",
    "isbn",
    "year",
    "rating",
    "status",
    "shelf",
    "readings",
    "tags",
    "series",
    "pages",
    "publisher",
    "format",
    "added",
    "copies",
    "location",
    "loans",
    "note",
];

/// The key a field's problem is named by.
fn key_of(field: Field) -> &'static str {
    match field {
        Field::Title => "title",
        Field::Author => "author",
        Field::Genre => "genre",
        Field::Isbn => "isbn",
        Field::Year => "year",
        Field::Rating => "rating",
        Field::Status | Field::Shelf => "status",
        Field::Uid => "uid",
        Field::Started | Field::Finished => "readings",
        Field::Tags => "tags",
        Field::Series | Field::SeriesNumber => "series",
        Field::Pages => "pages",
        Field::Publisher => "publisher",
        Field::Format => "format",
        Field::Copies => "copies",
        Field::Location => "location",
        Field::Borrower | Field::Due => "loans",
        Field::Note => "note",
    }
}

/// A value as a book's key holds it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Scalar {
    Null,
    Text(String),
    Integer(i64),
    /// A number with a fraction (a rating of 4.25), or too large for an `i64`.
    Fraction(f64),
    /// An array or an object.
    Structured(Value),
    /// A boolean.
    Other,
}

/// Reads any value.
struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }
    fn visit_i64<E>(self, value: i64) -> Result<Scalar, E> {
        Ok(Scalar::Integer(value))
    }
    fn visit_u64<E>(self, value: u64) -> Result<Scalar, E> {
        Ok(i64::try_from(value).map_or(Scalar::Fraction(value as f64), Scalar::Integer))
    }
    fn visit_f64<E>(self, value: f64) -> Result<Scalar, E> {
        Ok(Scalar::Fraction(value))
    }
    fn visit_str<E>(self, value: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(value.to_owned()))
    }
    fn visit_string<E>(self, value: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(value))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Scalar, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Scalar::Structured)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Scalar, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Scalar::Structured)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// Why a key's value was refused.
type Refused = (Option<String>, RefusalReason);

/// The last value given for `key` (as serde_json's own maps keep the last).
fn get<'e>(entries: &'e [(String, Scalar)], key: &str) -> &'e Scalar {
    entries
        .iter()
        .rev()
        .find(|(name, _)| name == key)
        .map_or(&Scalar::Null, |(_, value)| value)
}

const TEXT: RefusalReason = RefusalReason::WrongType { expected: "text" };
const WHOLE_NUMBER: RefusalReason = RefusalReason::WrongType {
    expected: "a whole number",
};

fn text(value: &Scalar) -> Result<Option<&str>, RefusalReason> {
    match value {
        Scalar::Null => Ok(None),
        Scalar::Text(text) => Ok(Some(text)),
        _ => Err(TEXT),
    }
}

fn number(value: &Scalar) -> Result<Option<i64>, RefusalReason> {
    match value {
        Scalar::Null => Ok(None),
        Scalar::Integer(number) => Ok(Some(*number)),
        _ => Err(WHOLE_NUMBER),
    }
}

fn invalid(field: Field, kind: ValidationErrorKind) -> RefusalReason {
    RefusalReason::Invalid(ValidationError { field, kind })
}

/// A rating: a number of stars (4, 4.25), or text that reads as one.
fn rating(value: &Scalar) -> Result<Option<Stars>, RefusalReason> {
    let refused = || invalid(Field::Rating, ValidationErrorKind::NotAQuarterStar);
    match value {
        Scalar::Null => Ok(None),
        Scalar::Integer(stars) => Stars::try_from(*stars as f64)
            .map(Some)
            .map_err(|_| refused()),
        Scalar::Fraction(stars) => Stars::try_from(*stars).map(Some).map_err(|_| refused()),
        Scalar::Text(text) => Stars::parse(text).map_err(RefusalReason::Invalid),
        _ => Err(RefusalReason::WrongType {
            expected: "a number of stars, such as 4.25",
        }),
    }
}

/// A count (pages, copies), checked by `check`.
fn count(
    value: &Scalar,
    check: fn(u32) -> Result<u32, ValidationError>,
) -> Result<Option<u32>, RefusalReason> {
    let Some(number) = number(value)? else {
        return Ok(None);
    };
    check(u32::try_from(number).unwrap_or(u32::MAX))
        .map(Some)
        .map_err(RefusalReason::Invalid)
}

/// A JSON value that must be text, or null, or missing.
fn value_text(value: Option<&Value>) -> Result<&str, ()> {
    match value {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(text)) => Ok(text),
        Some(_) => Err(()),
    }
}

/// The tags: a list of text.
fn tags(value: &Scalar) -> Result<Vec<String>, RefusalReason> {
    let wrong = RefusalReason::WrongType {
        expected: "a list of tags, such as [\"classics\", \"sci-fi\"]",
    };
    match value {
        Scalar::Null => Ok(Vec::new()),
        Scalar::Structured(Value::Array(tags)) => tags
            .iter()
            .map(|tag| match tag {
                Value::String(tag) => Ok(tag.clone()),
                _ => Err(wrong.clone()),
            })
            .collect(),
        _ => Err(wrong),
    }
}

/// The readings: a list of objects of a started and a finished day, either one missing or null.
fn readings(value: &Scalar) -> Result<Vec<Reading>, RefusalReason> {
    let wrong = || RefusalReason::WrongType {
        expected: READINGS_JSON,
    };
    let readings = match value {
        Scalar::Null => return Ok(Vec::new()),
        Scalar::Structured(Value::Array(readings)) => readings,
        _ => return Err(wrong()),
    };
    readings
        .iter()
        .map(|reading| {
            let Value::Object(reading) = reading else {
                return Err(wrong());
            };
            let day = |field: Field, key: &str| {
                let text = value_text(reading.get(key)).map_err(|_| wrong())?;
                Date::parse(field, text).map_err(RefusalReason::Invalid)
            };
            Ok(Reading {
                started: day(Field::Started, "started")?,
                finished: day(Field::Finished, "finished")?,
            })
        })
        .collect()
}

/// The series: an object of a name and a number (2, 2.5, or text that reads as one), or the
/// name alone as text.
fn series(value: &Scalar) -> Result<Option<Series>, RefusalReason> {
    let wrong = || RefusalReason::WrongType {
        expected: "a series, such as {\"name\": \"Discworld\", \"number\": 2.5}",
    };
    let not_a_number = || invalid(Field::SeriesNumber, ValidationErrorKind::NotASeriesNumber);
    let series = match value {
        Scalar::Null => return Ok(None),
        Scalar::Text(name) => return Series::parse(name, "").map_err(RefusalReason::Invalid),
        Scalar::Structured(Value::Object(series)) => series,
        _ => return Err(wrong()),
    };
    let name = value_text(series.get("name")).map_err(|_| wrong())?;
    let number = match series.get("number") {
        None | Some(Value::Null) => None,
        Some(Value::Number(number)) => {
            let number = number.as_f64().ok_or_else(not_a_number)?;
            Some(SeriesNumber::try_from(number).map_err(|_| not_a_number())?)
        }
        Some(Value::String(number)) => {
            SeriesNumber::parse(number).map_err(RefusalReason::Invalid)?
        }
        Some(_) => return Err(wrong()),
    };
    let series = Series::parse(name, "").map_err(RefusalReason::Invalid)?;
    match (series, number) {
        (Some(series), number) => Ok(Some(Series { number, ..series })),
        (None, None) => Ok(None),
        (None, Some(_)) => Err(invalid(Field::Series, ValidationErrorKind::Required)),
    }
}

/// The loans: a list of objects of a borrower, the day lent, the day due, and the day returned
/// (missing or null while out).
fn loans(value: &Scalar) -> Result<Vec<Loan>, RefusalReason> {
    let wrong = || RefusalReason::WrongType {
        expected: LOANS_JSON,
    };
    let loans = match value {
        Scalar::Null => return Ok(Vec::new()),
        Scalar::Structured(Value::Array(loans)) => loans,
        _ => return Err(wrong()),
    };
    loans
        .iter()
        .map(|loan| {
            let Value::Object(loan) = loan else {
                return Err(wrong());
            };
            let text = |key: &str| value_text(loan.get(key)).map_err(|_| wrong());
            let day = |key: &str| match cells::date(text(key)?) {
                Ok(day) => Ok(day),
                Err(_) => Err(wrong()),
            };
            let due = Date::parse(Field::Due, text("due")?).map_err(RefusalReason::Invalid)?;
            Ok(Loan {
                borrower: text("borrower")?.to_owned(),
                lent_on: day("lent_on")?.ok_or_else(wrong)?,
                due: due.ok_or_else(wrong)?,
                returned: day("returned")?,
            })
        })
        .collect()
}

/// The book an object's keys (those Bookshelf keeps, each once) describe.
pub(super) fn book_of_entries(entries: &[(String, Scalar)]) -> RowOutcome {
    let at = |key: &'static str| move |reason| -> Refused { (Some(key.to_owned()), reason) };
    let value = |key: &str| get(entries, key);
    let id = match value("id") {
        Scalar::Null => None,
        Scalar::Integer(id) => parse_id(&id.to_string()).map_err(at("id"))?,
        _ => return Err((Some("id".to_owned()), RefusalReason::BadId)),
    };
    let owned = |key: &'static str| -> Result<String, Refused> {
        Ok(text(value(key))
            .map_err(at(key))?
            .unwrap_or_default()
            .to_owned())
    };
    let year = number(value("year")).map_err(at("year"))?;
    // The status; in an older export, the shelf.
    let status_key = match value("status") {
        Scalar::Null => "shelf",
        _ => "status",
    };
    let status = text(value(status_key)).map_err(at(status_key))?;
    let format = text(value("format")).map_err(at("format"))?;
    let added = text(value("added")).map_err(at("added"))?;
    let book = NewBook {
        uid: owned("uid")?,
        title: owned("title")?,
        author: owned("author")?,
        genre: owned("genre")?,
        isbn: text(value("isbn")).map_err(at("isbn"))?.map(str::to_owned),
        year: year
            .map(check_year)
            .transpose()
            .map_err(|error| at("year")(RefusalReason::Invalid(error)))?,
        rating: rating(value("rating")).map_err(at("rating"))?,
        status: status
            .map(Status::parse)
            .transpose()
            .map_err(|error| at(status_key)(RefusalReason::Invalid(error)))?
            .flatten(),
        readings: readings(value("readings")).map_err(at("readings"))?,
        tags: tags(value("tags")).map_err(at("tags"))?,
        series: series(value("series")).map_err(at("series"))?,
        pages: count(value("pages"), check_pages).map_err(at("pages"))?,
        publisher: owned("publisher")?,
        format: format
            .map(Format::parse)
            .transpose()
            .map_err(|error| at("format")(RefusalReason::Invalid(error)))?
            .flatten(),
        added: added
            .map(cells::date)
            .transpose()
            .map_err(at("added"))?
            .flatten(),
        copies: count(value("copies"), check_copies).map_err(at("copies"))?,
        location: owned("location")?,
        loans: loans(value("loans")).map_err(at("loans"))?,
        note: owned("note")?,
    };
    let book = book.validated().map_err(|error| {
        (
            Some(key_of(error.field).to_owned()),
            RefusalReason::Invalid(error),
        )
    })?;
    Ok((id, book))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(text: &str) -> Scalar {
        serde_json::from_str(text).unwrap()
    }

    fn book(entries: &[(&str, &str)]) -> RowOutcome {
        let entries: Vec<(String, Scalar)> = entries
            .iter()
            .map(|(key, value)| ((*key).to_owned(), scalar(value)))
            .collect();
        book_of_entries(&entries)
    }

    #[test]
    fn simple_values_are_kept_and_the_rest_is_other() {
        assert_eq!(scalar("\"x\""), Scalar::Text("x".into()));
        assert_eq!(scalar("3"), Scalar::Integer(3));
        assert_eq!(scalar("null"), Scalar::Null);
        assert_eq!(scalar("4.25"), Scalar::Fraction(4.25));
        assert_eq!(
            scalar("[1, {\"e\": 2}]"),
            Scalar::Structured(serde_json::json!([1, {"e": 2}]))
        );
        assert_eq!(
            scalar("{\"a\": 1}"),
            Scalar::Structured(serde_json::json!({"a": 1}))
        );
        assert_eq!(scalar("true"), Scalar::Other);
    }

    #[test]
    fn a_fraction_or_huge_number_is_no_whole_number() {
        let outcome = book(&[("title", "\"A\""), ("author", "\"B\""), ("year", "1965.5")]);
        assert_eq!(
            outcome.unwrap_err(),
            (
                Some("year".into()),
                RefusalReason::WrongType {
                    expected: "a whole number"
                }
            )
        );
        let outcome = book(&[
            ("title", "\"A\""),
            ("author", "\"B\""),
            ("id", "18446744073709551615"),
        ]);
        assert_eq!(
            outcome.unwrap_err(),
            (Some("id".into()), RefusalReason::BadId)
        );
    }

    fn refused_key(entries: &[(&str, &str)]) -> Option<String> {
        let mut all = vec![("title", "\"T\""), ("author", "\"A\"")];
        all.extend_from_slice(entries);
        book(&all).err().and_then(|(key, _)| key)
    }

    #[test]
    fn each_new_key_refuses_by_its_name() {
        for (key, value) in [
            ("rating", "4.3"),
            ("rating", "[4]"),
            ("status", "\"later\""),
            ("shelf", "\"someday\""),
            (
                "readings",
                "[{\"started\": \"2024-02-01\", \"finished\": \"2024-01-01\"}]",
            ),
            ("readings", "[{\"finished\": \"2024-02-30\"}]"),
            ("readings", "[\"2024-01-01\"]"),
            ("readings", "{}"),
            ("tags", "\"a, b\""),
            ("tags", "[1]"),
            ("tags", "[\"a\\nb\"]"),
            ("series", "{\"name\": \"\", \"number\": 2}"),
            ("series", "{\"name\": \"S\", \"number\": -1}"),
            ("series", "{\"name\": 3}"),
            ("pages", "0"),
            ("pages", "\"300\""),
            ("publisher", "1"),
            ("format", "\"scroll\""),
            ("added", "\"yesterday\""),
            ("copies", "-1"),
            ("location", "[]"),
            (
                "loans",
                "[{\"borrower\": \"Ada\", \"lent_on\": \"2026-01-10\", \"due\": \"2026-01-01\"}]",
            ),
            (
                "loans",
                "[{\"borrower\": \" \", \"lent_on\": \"2026-01-01\", \"due\": \"2026-01-15\"}]",
            ),
            (
                "loans",
                "[{\"borrower\": \"Ada\", \"due\": \"2026-01-15\"}]",
            ),
            ("note", "{\"text\": 1}"),
        ] {
            assert_eq!(
                refused_key(&[(key, value)]).as_deref(),
                Some(key),
                "{key}: {value}"
            );
        }
    }
}
