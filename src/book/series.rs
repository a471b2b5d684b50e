//! The series a book belongs to and its number there (which may be 2.5, a novella between two
//! books), and how Goodreads writes them: inside the title, "Iron Widow (Iron Widow, #1)".

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{validate_field, Field, ValidationError, ValidationErrorKind};

/// A number in a series, kept in hundredths so that 2.5 and 2.25 order exactly (0 to 9999.99).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct SeriesNumber(u32);

impl SeriesNumber {
    /// The largest number accepted, in hundredths.
    const MAX_HUNDREDTHS: u32 = 999_999;

    /// The number in hundredths (250 for 2.5).
    pub fn hundredths(self) -> u32 {
        self.0
    }

    /// A number as typed: "2", "2.5", "0.5" (a comma works as the point); empty is none.
    pub fn parse(text: &str) -> Result<Option<SeriesNumber>, ValidationError> {
        let text = text.trim().replace(',', ".");
        if text.is_empty() {
            return Ok(None);
        }
        let refused = ValidationError {
            field: Field::SeriesNumber,
            kind: ValidationErrorKind::NotASeriesNumber,
        };
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        // A point needs digits after it, at most two.
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) if digits(fraction) && fraction.len() <= 2 => (whole, fraction),
            Some(_) => return Err(refused),
            None => (text.as_str(), ""),
        };
        if !digits(whole) {
            return Err(refused);
        }
        let whole: u32 = whole.parse().map_err(|_| refused.clone())?;
        let fraction: u32 = format!("{fraction:0<2}")
            .parse()
            .map_err(|_| refused.clone())?;
        let hundredths = whole
            .checked_mul(100)
            .and_then(|whole| whole.checked_add(fraction))
            .filter(|hundredths| *hundredths <= SeriesNumber::MAX_HUNDREDTHS)
            .ok_or(refused)?;
        Ok(Some(SeriesNumber(hundredths)))
    }
}

impl TryFrom<f64> for SeriesNumber {
    type Error = String;

    fn try_from(number: f64) -> Result<Self, Self::Error> {
        let hundredths = (number * 100.0).round();
        match (0.0..=f64::from(SeriesNumber::MAX_HUNDREDTHS)).contains(&hundredths) {
            true => Ok(SeriesNumber(hundredths as u32)),
            false => Err("not a number in a series".into()),
        }
    }
}

impl From<SeriesNumber> for f64 {
    fn from(number: SeriesNumber) -> Self {
        f64::from(number.0) / 100.0
    }
}

impl fmt::Display for SeriesNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, fraction) = (self.0 / 100, self.0 % 100);
        match fraction {
            0 => write!(f, "{whole}"),
            n if n % 10 == 0 => write!(f, "{whole}.{}", n / 10),
            n => write!(f, "{whole}.{n:02}"),
        }
    }
}

/// A series and the book's number in it, if it has one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Series {
    /// The series' name, trimmed, never empty.
    pub name: String,
    /// The book's number in the series, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<SeriesNumber>,
}

impl Series {
    /// A series from the Series and Number in series fields as typed: none when the name is
    /// empty (a number without a series is refused: it would be a number of nothing).
    pub fn parse(name: &str, number: &str) -> Result<Option<Series>, ValidationError> {
        let name = validate_field(Field::Series, name)?;
        let number = SeriesNumber::parse(number)?;
        match (name.is_empty(), number) {
            (true, None) => Ok(None),
            (true, Some(_)) => Err(ValidationError {
                field: Field::Series,
                kind: ValidationErrorKind::Required,
            }),
            (false, number) => Ok(Some(Series { name, number })),
        }
    }
}

/// The whole numbers from 1 to the largest of `have` that none of `have` is: the books of a
/// series the reader does not have (2.5, a novella, fills no gap).
pub fn missing_numbers(have: &[SeriesNumber]) -> Vec<u32> {
    let whole: Vec<u32> = have
        .iter()
        .filter(|number| number.0 % 100 == 0)
        .map(|number| number.0 / 100)
        .collect();
    let last = have.iter().map(|number| number.0 / 100).max().unwrap_or(0);
    // A series numbered into the thousands is no run of books to count gaps in.
    (1..=last.min(500)).filter(|n| !whole.contains(n)).collect()
}

/// Splits a Goodreads title into the title and the series it names at its end:
/// "Iron Widow (Iron Widow, #1)" → ("Iron Widow", Iron Widow #1). Goodreads writes the series
/// in parentheses with a "#"; several series are separated by ";" (the first is kept), and a
/// number that is not one ("#1-3") leaves the number unknown. A title without such a part is
/// returned whole, with no series.
pub fn split_goodreads_title(title: &str) -> (String, Option<Series>) {
    let whole = || (title.trim().to_owned(), None);
    let trimmed = title.trim();
    let Some(inner) = trimmed.strip_suffix(')') else {
        return whole();
    };
    let Some(open) = inner.rfind('(') else {
        return whole();
    };
    let (before, part) = (inner[..open].trim_end(), &inner[open + 1..]);
    let first = part.split(';').next().unwrap_or_default();
    let Some(hash) = first.rfind('#') else {
        return whole();
    };
    let name = first[..hash].trim().trim_end_matches(',').trim();
    if before.is_empty() || name.is_empty() {
        return whole();
    }
    let number = SeriesNumber::parse(&first[hash + 1..]).ok().flatten();
    let series = Series {
        name: name.to_owned(),
        number,
    };
    (before.to_owned(), Some(series))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_the_whole_numbers_missing_up_to_the_last() {
        let have = |texts: &[&str]| -> Vec<SeriesNumber> {
            texts
                .iter()
                .map(|t| SeriesNumber::parse(t).unwrap().unwrap())
                .collect()
        };
        assert_eq!(missing_numbers(&have(&["1", "2.5", "4"])), [2, 3]);
        assert_eq!(missing_numbers(&have(&["3"])), [1, 2]);
        assert_eq!(missing_numbers(&have(&["1", "2"])), Vec::<u32>::new());
        assert_eq!(missing_numbers(&[]), Vec::<u32>::new());
    }

    fn number(text: &str) -> SeriesNumber {
        SeriesNumber::parse(text).unwrap().unwrap()
    }

    #[test]
    fn numbers_in_a_series_may_have_two_decimals_and_order_exactly() {
        assert_eq!(number("2").to_string(), "2");
        assert_eq!(number("2.5").to_string(), "2.5");
        assert_eq!(number("2,25").to_string(), "2.25");
        assert_eq!(number("0.5").hundredths(), 50);
        assert!(number("2.25") < number("2.5") && number("2.5") < number("10"));
        assert_eq!(SeriesNumber::parse(""), Ok(None));
        for bad in ["-1", "two", "2.555", "1e3", "10000", ".5", "2.", "#1"] {
            let error = SeriesNumber::parse(bad).unwrap_err();
            assert_eq!(error.kind, ValidationErrorKind::NotASeriesNumber, "{bad}");
        }
        let json = serde_json::to_string(&number("2.5")).unwrap();
        assert_eq!(json, "2.5");
        assert_eq!(
            serde_json::from_str::<SeriesNumber>(&json).unwrap(),
            number("2.5")
        );
    }

    #[test]
    fn a_series_needs_a_name() {
        let series = Series::parse(" Discworld ", "3").unwrap().unwrap();
        assert_eq!(
            (series.name.as_str(), series.number),
            ("Discworld", Some(number("3")))
        );
        assert_eq!(Series::parse("", ""), Ok(None));
        assert_eq!(
            Series::parse("", "2").unwrap_err().to_string(),
            "Series is required."
        );
    }

    #[test]
    fn goodreads_titles_give_up_their_series() {
        let split = |title| split_goodreads_title(title);
        let (title, series) = split("Iron Widow (Iron Widow, #1)");
        assert_eq!(title, "Iron Widow");
        assert_eq!(
            series,
            Some(Series {
                name: "Iron Widow".into(),
                number: Some(number("1"))
            })
        );
        let (title, series) = split("Leviathan Wakes (The Expanse #1)");
        assert_eq!(
            (title.as_str(), series.unwrap().name.as_str()),
            ("Leviathan Wakes", "The Expanse")
        );
        let (_, series) = split("The Colour of Magic (Discworld, #1; Rincewind, #1)");
        assert_eq!(series.unwrap().name, "Discworld");
        let (_, series) = split("Edgedancer (The Stormlight Archive, #2.5)");
        assert_eq!(series.unwrap().number, Some(number("2.5")));
        let (title, series) = split("The Lord of the Rings (The Lord of the Rings, #1-3)");
        assert_eq!(title, "The Lord of the Rings");
        assert_eq!(series.unwrap().number, None);
        for plain in [
            "Dune",
            "Dune (Deluxe Edition)",
            "(Untitled, #1)",
            "Odd (, #2)",
            "Ends with )",
        ] {
            assert_eq!(split(plain), (plain.to_owned(), None), "{plain}");
        }
    }
}
