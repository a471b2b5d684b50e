//! What a reader records of a book: where they stand with it (status), each reading's dates, a
//! rating in quarter stars, and their own tags; each read from text and checked, with messages a
//! person can act on, and mapped from what Goodreads exports.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::details::Shelf;
use super::{validate_field, Field, ValidationError, ValidationErrorKind};

/// Where the reader stands with a book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Not started yet.
    WantToRead,
    /// Being read.
    Reading,
    /// Finished.
    Read,
    /// Put down for good.
    DidNotFinish,
}

/// Goodreads shelf names that mean "did not finish" (readers name that shelf in many ways).
const DID_NOT_FINISH: [&str; 6] = [
    "dnf",
    "did-not-finish",
    "didnt-finish",
    "abandoned",
    "gave-up",
    "unfinished",
];

impl Status {
    /// Every status, in reading order.
    pub const ALL: [Status; 4] = [
        Status::WantToRead,
        Status::Reading,
        Status::Read,
        Status::DidNotFinish,
    ];

    /// The status in files: "want-to-read", "reading", "read", "did-not-finish".
    pub fn key(self) -> &'static str {
        match self {
            Status::WantToRead => "want-to-read",
            Status::Reading => "reading",
            Status::Read => "read",
            Status::DidNotFinish => "did-not-finish",
        }
    }

    /// The status as a person reads it: "Want to read", "Reading", "Read", "Did not finish".
    pub fn label(self) -> &'static str {
        match self {
            Status::WantToRead => "Want to read",
            Status::Reading => "Reading",
            Status::Read => "Read",
            Status::DidNotFinish => "Did not finish",
        }
    }

    /// A status from its key or label, ignoring case, spaces and hyphens; empty text is none.
    pub fn parse(text: &str) -> Result<Option<Status>, ValidationError> {
        let wanted = slug(text);
        if wanted.is_empty() {
            return Ok(None);
        }
        Status::ALL
            .into_iter()
            .find(|status| status.key() == wanted)
            .or_else(|| Status::from_shelf_name(&wanted))
            .map(Some)
            .ok_or(ValidationError {
                field: Field::Status,
                kind: ValidationErrorKind::UnknownStatus,
            })
    }

    /// The status a Goodreads shelf stands for: its three exclusive shelves, and the names
    /// readers give a "did not finish" shelf; `None` for any other shelf (a tag).
    pub fn from_shelf_name(name: &str) -> Option<Status> {
        match slug(name).as_str() {
            "to-read" => Some(Status::WantToRead),
            "currently-reading" => Some(Status::Reading),
            "read" => Some(Status::Read),
            other if DID_NOT_FINISH.contains(&other) => Some(Status::DidNotFinish),
            _ => None,
        }
    }
}

impl From<Shelf> for Status {
    fn from(shelf: Shelf) -> Self {
        match shelf {
            Shelf::ToRead => Status::WantToRead,
            Shelf::CurrentlyReading => Status::Reading,
            Shelf::Read => Status::Read,
        }
    }
}

/// Lower case, with spaces and underscores as hyphens and apostrophes dropped ("Didn't finish"
/// → "didnt-finish").
fn slug(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| !matches!(c, '\'' | '’'))
        .map(|c| match c {
            ' ' | '_' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// A rating in quarter stars, from 0.25 to 5 (StoryGraph's scale; Goodreads' whole stars fit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Stars(u8);

impl Stars {
    /// Quarter stars in five stars.
    const MAX_QUARTERS: u8 = 20;

    /// A rating of `quarters` quarter stars (1 to 20).
    pub fn from_quarters(quarters: u8) -> Option<Stars> {
        (1..=Stars::MAX_QUARTERS)
            .contains(&quarters)
            .then_some(Stars(quarters))
    }

    /// Goodreads' whole stars (1 to 5; its 0 means "not rated", which is none).
    pub fn from_whole(stars: u8) -> Option<Stars> {
        stars.checked_mul(4).and_then(Stars::from_quarters)
    }

    /// The rating in quarter stars.
    pub fn quarters(self) -> u8 {
        self.0
    }

    /// The rating in stars (4.25).
    pub fn stars(self) -> f64 {
        f64::from(self.0) / 4.0
    }

    /// A rating as typed: "4", "4.5", "3.75" (a comma works as the point); empty is none.
    /// Read by hand, not as an `f64`: the float parser's code and tables would be in the first
    /// page's wasm for this one field.
    pub fn parse(text: &str) -> Result<Option<Stars>, ValidationError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let (whole, fraction) = text.split_once(['.', ',']).unwrap_or((text, ""));
        let whole = match whole {
            "" if !fraction.is_empty() => Some(0),
            _ => whole.parse::<u8>().ok(),
        };
        let quarter = match fraction.trim_end_matches('0') {
            _ if !fraction.bytes().all(|byte| byte.is_ascii_digit()) => None,
            "" => Some(0),
            "25" => Some(1),
            "5" => Some(2),
            "75" => Some(3),
            _ => None,
        };
        whole
            .zip(quarter)
            .and_then(|(whole, quarter)| whole.checked_mul(4)?.checked_add(quarter))
            .and_then(Stars::from_quarters)
            .map(Some)
            .ok_or(ValidationError {
                field: Field::Rating,
                kind: ValidationErrorKind::NotAQuarterStar,
            })
    }
}

impl TryFrom<f64> for Stars {
    type Error = &'static str;

    fn try_from(stars: f64) -> Result<Self, Self::Error> {
        let quarters = stars * 4.0;
        let whole = quarters.round();
        match (quarters - whole).abs() < 1e-9 && (1.0..=20.0).contains(&whole) {
            true => Ok(Stars(whole as u8)),
            false => Err("not a rating from 0.25 to 5 in quarter stars"),
        }
    }
}

impl From<Stars> for f64 {
    fn from(stars: Stars) -> Self {
        stars.stars()
    }
}

impl fmt::Display for Stars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 4;
        match self.0 % 4 {
            0 => write!(f, "{whole}"),
            1 => write!(f, "{whole}.25"),
            2 => write!(f, "{whole}.5"),
            _ => write!(f, "{whole}.75"),
        }
    }
}

/// One reading of a book: when it started and when it finished, either unknown (a re-read is
/// another reading).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reading {
    /// The day it started, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<Date>,
    /// The day it finished, if it did and it is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished: Option<Date>,
}

impl Reading {
    /// A reading from the dates as typed; refused when it finished before it started.
    pub fn parse(started: &str, finished: &str) -> Result<Reading, ValidationError> {
        Reading {
            started: Date::parse(Field::Started, started)?,
            finished: Date::parse(Field::Finished, finished)?,
        }
        .checked()
    }

    /// The reading, if its dates are in order.
    pub fn checked(self) -> Result<Reading, ValidationError> {
        match (self.started, self.finished) {
            (Some(started), Some(finished)) if finished < started => Err(ValidationError {
                field: Field::Finished,
                kind: ValidationErrorKind::FinishedBeforeStarted,
            }),
            _ => Ok(self),
        }
    }

    /// A reading finished `today` ("Mark as read").
    pub fn finished_on(today: Date) -> Reading {
        Reading {
            started: None,
            finished: Some(today),
        }
    }
}

/// Tags as typed, separated by commas: each trimmed and checked, empty ones dropped, and a tag
/// given twice (ignoring case) kept once, as first written.
pub fn parse_tags(text: &str) -> Result<Vec<String>, ValidationError> {
    let mut tags: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    for part in text.split(',') {
        let tag = validate_field(Field::Tags, part)?;
        let key = tag.to_lowercase();
        if tag.is_empty() || seen.contains(&key) {
            continue;
        }
        seen.push(key);
        tags.push(tag);
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_read_from_keys_labels_and_goodreads_shelves() {
        assert_eq!(Status::parse("Want to read"), Ok(Some(Status::WantToRead)));
        assert_eq!(
            Status::parse("did-not-finish"),
            Ok(Some(Status::DidNotFinish))
        );
        assert_eq!(Status::parse(""), Ok(None));
        assert_eq!(
            Status::parse("currently-reading"),
            Ok(Some(Status::Reading))
        );
        let error = Status::parse("later").unwrap_err();
        assert_eq!(
            error.to_string(),
            "Status must be Want to read, Reading, Read or Did not finish."
        );
        assert_eq!(Status::from_shelf_name("to-read"), Some(Status::WantToRead));
        assert_eq!(Status::from_shelf_name("DNF"), Some(Status::DidNotFinish));
        assert_eq!(
            Status::from_shelf_name("Didn't finish"),
            Some(Status::DidNotFinish)
        );
        assert_eq!(
            Status::from_shelf_name("abandoned"),
            Some(Status::DidNotFinish)
        );
        assert_eq!(Status::from_shelf_name("favourites"), None);
        let shelves: Vec<Status> = Shelf::ALL.into_iter().map(Status::from).collect();
        assert_eq!(shelves, [Status::WantToRead, Status::Reading, Status::Read]);
    }

    #[test]
    fn ratings_are_quarter_stars_from_a_quarter_to_five() {
        assert_eq!(Stars::parse("4").unwrap().unwrap().quarters(), 16);
        assert_eq!(Stars::parse("3.75").unwrap().unwrap().to_string(), "3.75");
        assert_eq!(Stars::parse("4,5").unwrap().unwrap().to_string(), "4.5");
        assert_eq!(Stars::parse("0.25").unwrap().unwrap().to_string(), "0.25");
        assert_eq!(Stars::parse(" "), Ok(None));
        assert_eq!(Stars::parse("+4.50").unwrap().unwrap().to_string(), "4.5");
        assert_eq!(Stars::parse(".75").unwrap().unwrap().to_string(), "0.75");
        assert_eq!(Stars::parse("2.").unwrap().unwrap().to_string(), "2");
        for bad in [
            "7", "0", "4.3", "-1", "five", "5.25", ".", "4.5.0", "1e0", "4.2a", "300", "inf",
        ] {
            let error = Stars::parse(bad).unwrap_err();
            assert_eq!(error.kind, ValidationErrorKind::NotAQuarterStar, "{bad}");
        }
        assert_eq!(
            Stars::parse("7").unwrap_err().to_string(),
            "Rating must be from 0.25 to 5 in quarter stars, such as 4 or 3.75; leave it empty \
             for no rating."
        );
        for whole in 1..=5 {
            assert_eq!(Stars::from_whole(whole).unwrap().stars(), f64::from(whole));
        }
        assert_eq!(Stars::from_whole(0), None);
        let json = serde_json::to_string(&Stars::from_quarters(13).unwrap()).unwrap();
        assert_eq!(json, "3.25");
        assert!(serde_json::from_str::<Stars>("7").is_err());
    }

    #[test]
    fn a_reading_never_finishes_before_it_starts() {
        let reading = Reading::parse("2026-03-01", "2026-03-14").unwrap();
        assert_eq!(reading.finished.unwrap().to_string(), "2026-03-14");
        assert!(Reading::parse("", "2026-03-14").is_ok());
        assert!(Reading::parse("2026-03-14", "2026-03-14").is_ok());
        let error = Reading::parse("2026-03-14", "2026-03-01").unwrap_err();
        assert_eq!(
            error.to_string(),
            "Finished is before the day the reading started."
        );
        let json = serde_json::to_string(&Reading::parse("", "2026-03-14").unwrap()).unwrap();
        assert_eq!(json, r#"{"finished":"2026-03-14"}"#);
    }

    #[test]
    fn tags_are_split_trimmed_and_kept_once() {
        assert_eq!(
            parse_tags(" classics, Sci-fi ,, Classics,Émigré, ÉMIGRÉ ").unwrap(),
            ["classics", "Sci-fi", "Émigré"]
        );
        assert_eq!(parse_tags("").unwrap(), Vec::<String>::new());
        let long = "x".repeat(201);
        assert_eq!(parse_tags(&long).unwrap_err().field, Field::Tags);
    }
}
