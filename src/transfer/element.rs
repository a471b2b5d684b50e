//! One element of a Bookshelf JSON array read as a book: its simple values taken straight from
//! serde_json's deserializer (no `serde_json::Value` tree), each checked by key so that a refusal
//! names the key at fault.

use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::csv::parse_id;
use super::error::RefusalReason;
use super::RowOutcome;
use crate::book::{
    check_year, Field, NewBook, Stars, Status, ValidationError, ValidationErrorKind,
};

/// A value as a book's key holds it; anything that is not text, a whole number or null is `Other`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Scalar {
    Null,
    Text(String),
    Integer(i64),
    Other,
}

/// Reads any value, keeping only what a scalar field can use.
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
        Ok(i64::try_from(value).map_or(Scalar::Other, Scalar::Integer))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }
    fn visit_str<E>(self, value: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(value.to_owned()))
    }
    fn visit_string<E>(self, value: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(value))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// The last value given for `key` (as serde_json's own maps keep the last).
fn get<'e>(entries: &'e [(String, Scalar)], key: &str) -> &'e Scalar {
    entries
        .iter()
        .rev()
        .find(|(name, _)| name == key)
        .map_or(&Scalar::Null, |(_, value)| value)
}

fn text<'e>(entries: &'e [(String, Scalar)], key: &str) -> Result<Option<&'e str>, RefusalReason> {
    match get(entries, key) {
        Scalar::Null => Ok(None),
        Scalar::Text(text) => Ok(Some(text)),
        _ => Err(RefusalReason::WrongType { expected: "text" }),
    }
}

fn number(entries: &[(String, Scalar)], key: &str) -> Result<Option<i64>, RefusalReason> {
    match get(entries, key) {
        Scalar::Null => Ok(None),
        Scalar::Integer(number) => Ok(Some(*number)),
        _ => Err(RefusalReason::WrongType {
            expected: "a whole number",
        }),
    }
}

/// A rating written as a whole number of stars.
fn whole_stars(stars: i64) -> Result<Stars, ValidationError> {
    u8::try_from(stars)
        .ok()
        .and_then(Stars::from_whole)
        .ok_or(ValidationError {
            field: Field::Rating,
            kind: ValidationErrorKind::NotAQuarterStar,
        })
}

/// The book an object's keys (those Bookshelf keeps, each once) describe.
pub(super) fn book_of_entries(entries: &[(String, Scalar)]) -> RowOutcome {
    let at = |key: &str| {
        let key = key.to_owned();
        move |reason| (Some(key), reason)
    };
    let id = match get(entries, "id") {
        Scalar::Null => None,
        Scalar::Integer(id) => parse_id(&id.to_string()).map_err(at("id"))?,
        _ => return Err((Some("id".to_owned()), RefusalReason::BadId)),
    };
    let invalid = |key: &str| {
        let key = key.to_owned();
        move |error| (Some(key), RefusalReason::Invalid(error))
    };
    let year = number(entries, "year").map_err(at("year"))?;
    let rating = number(entries, "rating").map_err(at("rating"))?;
    let shelf = text(entries, "shelf").map_err(at("shelf"))?;
    let owned = |key: &str| -> Result<String, (Option<String>, RefusalReason)> {
        Ok(text(entries, key)
            .map_err(at(key))?
            .unwrap_or_default()
            .to_owned())
    };
    let book = NewBook {
        uid: owned("uid")?,
        title: owned("title")?,
        author: owned("author")?,
        genre: owned("genre")?,
        isbn: text(entries, "isbn")
            .map_err(at("isbn"))?
            .map(str::to_owned),
        year: year.map(check_year).transpose().map_err(invalid("year"))?,
        rating: rating
            .map(whole_stars)
            .transpose()
            .map_err(invalid("rating"))?,
        status: shelf
            .map(Status::parse)
            .transpose()
            .map_err(invalid("shelf"))?
            .flatten(),
        ..NewBook::default()
    };
    let book = book.validated().map_err(|error| {
        let key = match error.field {
            Field::Uid => "uid".to_owned(),
            field => field.label().to_ascii_lowercase(),
        };
        (Some(key), RefusalReason::Invalid(error))
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
        for other in ["[1, {\"e\": 2}]", "{\"a\": 1}", "1.5", "true"] {
            assert_eq!(scalar(other), Scalar::Other, "{other}");
        }
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
}
