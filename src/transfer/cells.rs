//! The cells of Bookshelf's CSV that hold more than one value — tags, readings, loans — and the
//! dates every format writes, each written so that reading it gives back exactly what was
//! written.
//!
//! A list's items are separated by "; ". Inside an item, a backslash escapes the characters that
//! mean something in a cell: `\;` is a ";" that separates nothing, `\|` a "|" that separates
//! nothing, `\\` a backslash. A backslash before any other character is kept as it is, so that
//! a cell typed by hand (`C:\books`) reads as typed. So a tag may hold any character, commas
//! and semicolons included:
//!
//! - tags: `classics; science\; popular; sci-fi`
//! - readings, each `started/finished` (either may be empty; `/` is a reading of unknown
//!   dates): `2024-01-02/2024-02-01; /2025-03-04; 2026-01-05/`
//! - loans, each `borrower|lent on|due|returned` (returned empty, or left out, while out):
//!   `Ada|2026-01-01|2026-01-15|2026-01-10; Bob \| Co|2026-02-01|2026-02-15`

use super::error::RefusalReason;
use crate::book::{Date, Field, Loan, Reading};

/// How a date is written.
pub(super) const DATE: &str = "a date written as year-month-day, such as 2026-03-14";
/// How the readings cell is written.
pub(super) const READINGS: &str = "readings written as started/finished, separated by “;”, \
     such as 2024-01-02/2024-02-01; /2025-03-04";
/// How the loans cell is written.
pub(super) const LOANS: &str = "loans written as borrower|lent on|due|returned (year-month-day \
     dates, returned empty while out), separated by “;”, such as Ada|2026-01-01|2026-01-15|";
/// How the readings are written in JSON.
pub(super) const READINGS_JSON: &str =
    "a list of readings, such as [{\"started\": \"2024-01-02\", \"finished\": \"2024-02-01\"}]";
/// How the loans are written in JSON.
pub(super) const LOANS_JSON: &str = "a list of loans, such as [{\"borrower\": \"Ada\", \
     \"lent_on\": \"2026-01-01\", \"due\": \"2026-01-15\", \"returned\": \"2026-01-10\"}]";

/// Why a cell was refused: a rule of the book model, or how the cell is written.
pub(super) type CellError = RefusalReason;

const SEPARATOR: &str = "; ";

/// Appends `text` with `\`, `;` and `|` escaped.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        if matches!(c, '\\' | ';' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// The parts of `text` between the separators `separator` not escaped, still escaped.
fn split_raw(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == separator => {
                parts.push(&text[start..at]);
                start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// `text` with its escapes undone (a backslash before another character is kept).
fn unescaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some(next @ ('\\' | ';' | '|')) => out.push(next),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

/// The items of a list cell, still escaped, blank ones left out.
fn items(cell: &str) -> impl Iterator<Item = &str> {
    split_raw(cell, ';')
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// A date as a file writes it: empty is none.
pub(super) fn date(text: &str) -> Result<Option<Date>, CellError> {
    Date::parse(Field::Started, text).map_err(|_| RefusalReason::Malformed { expected: DATE })
}

/// A date for `field` (whose rules name it when it is wrong): empty is none.
fn field_date(field: Field, text: &str) -> Result<Option<Date>, CellError> {
    Date::parse(field, text).map_err(RefusalReason::Invalid)
}

/// The tags cell.
pub(super) fn write_tags(tags: &[String]) -> String {
    let mut cell = String::new();
    for (index, tag) in tags.iter().enumerate() {
        if index > 0 {
            cell.push_str(SEPARATOR);
        }
        push_escaped(&mut cell, tag);
    }
    cell
}

/// The tags of a cell (each is checked with the book).
pub(super) fn read_tags(cell: &str) -> Vec<String> {
    items(cell).map(unescaped).collect()
}

/// The readings cell.
pub(super) fn write_readings(readings: &[Reading]) -> String {
    let day = |date: Option<Date>| date.map(|date| date.to_string()).unwrap_or_default();
    let written: Vec<String> = readings
        .iter()
        .map(|reading| format!("{}/{}", day(reading.started), day(reading.finished)))
        .collect();
    written.join(SEPARATOR)
}

/// The readings of a cell.
pub(super) fn read_readings(cell: &str) -> Result<Vec<Reading>, CellError> {
    let malformed = RefusalReason::Malformed { expected: READINGS };
    items(cell)
        .map(|item| {
            let (started, finished) = item.split_once('/').ok_or(malformed.clone())?;
            Ok(Reading {
                started: field_date(Field::Started, started)?,
                finished: field_date(Field::Finished, finished)?,
            })
        })
        .collect()
}

/// The loans cell.
pub(super) fn write_loans(loans: &[Loan]) -> String {
    let mut cell = String::new();
    for (index, loan) in loans.iter().enumerate() {
        if index > 0 {
            cell.push_str(SEPARATOR);
        }
        push_escaped(&mut cell, &loan.borrower);
        cell.push_str(&format!("|{}|{}|", loan.lent_on, loan.due));
        if let Some(returned) = loan.returned {
            cell.push_str(&returned.to_string());
        }
    }
    cell
}

/// The loans of a cell (each is checked with the book).
pub(super) fn read_loans(cell: &str) -> Result<Vec<Loan>, CellError> {
    let malformed = || RefusalReason::Malformed { expected: LOANS };
    items(cell)
        .map(|item| {
            let parts = split_raw(item, '|');
            let (borrower, lent_on, due, returned) = match parts[..] {
                [borrower, lent_on, due] => (borrower, lent_on, due, ""),
                [borrower, lent_on, due, returned] => (borrower, lent_on, due, returned),
                _ => return Err(malformed()),
            };
            let day = |text: &str| date(text).ok().flatten().ok_or_else(malformed);
            Ok(Loan {
                borrower: unescaped(borrower),
                lent_on: day(lent_on)?,
                due: match Date::parse(Field::Due, due) {
                    Ok(Some(due)) => due,
                    Ok(None) => return Err(malformed()),
                    Err(error) => return Err(RefusalReason::Invalid(error)),
                },
                returned: date(returned).map_err(|_| malformed())?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::ValidationErrorKind;

    fn day(text: &str) -> Date {
        Date::parse(Field::Started, text).unwrap().unwrap()
    }

    #[test]
    fn tags_with_separators_and_backslashes_come_back() {
        let tags: Vec<String> = ["classics", "science; popular", "a|b", "C:\\books\\", "x, y"]
            .map(str::to_owned)
            .to_vec();
        let cell = write_tags(&tags);
        assert_eq!(
            cell,
            "classics; science\\; popular; a\\|b; C:\\\\books\\\\; x, y"
        );
        assert_eq!(read_tags(&cell), tags);
        assert_eq!(read_tags(" a ;; b;"), ["a", "b"]);
        assert_eq!(read_tags("C:\\books"), ["C:\\books"], "as typed by hand");
        assert_eq!(read_tags("end\\"), ["end\\"]);
        assert_eq!(read_tags(""), Vec::<String>::new());
    }

    #[test]
    fn readings_are_intervals_and_a_slash_alone_is_a_reading_of_unknown_dates() {
        let readings = vec![
            Reading {
                started: Some(day("2024-01-02")),
                finished: Some(day("2024-02-01")),
            },
            Reading::default(),
            Reading::finished_on(day("2025-03-04")),
            Reading {
                started: Some(day("2026-01-05")),
                finished: None,
            },
        ];
        let cell = write_readings(&readings);
        assert_eq!(cell, "2024-01-02/2024-02-01; /; /2025-03-04; 2026-01-05/");
        assert_eq!(read_readings(&cell), Ok(readings));
        assert_eq!(read_readings(" ; "), Ok(vec![]));
        assert_eq!(
            read_readings("2024-01-02"),
            Err(RefusalReason::Malformed { expected: READINGS })
        );
        let Err(RefusalReason::Invalid(error)) = read_readings("/2024-02-30") else {
            panic!("a wrong day is refused");
        };
        assert_eq!(
            (error.field, error.kind),
            (Field::Finished, ValidationErrorKind::NotADate)
        );
    }

    #[test]
    fn loans_keep_their_borrower_whatever_it_holds() {
        let loans = vec![
            Loan {
                borrower: "Ada; | \\ Lovelace".into(),
                lent_on: day("2026-01-01"),
                due: day("2026-01-15"),
                returned: Some(day("2026-01-10")),
            },
            Loan {
                borrower: "=Bob".into(),
                lent_on: day("2026-02-01"),
                due: day("2026-02-15"),
                returned: None,
            },
        ];
        let cell = write_loans(&loans);
        assert_eq!(
            cell,
            "Ada\\; \\| \\\\ Lovelace|2026-01-01|2026-01-15|2026-01-10; =Bob|2026-02-01|2026-02-15|"
        );
        assert_eq!(read_loans(&cell), Ok(loans.clone()));
        assert_eq!(
            read_loans("=Bob|2026-02-01|2026-02-15"),
            Ok(loans[1..].to_vec())
        );
        for bad in [
            "Ada",
            "Ada|2026-01-01",
            "Ada|soon|2026-01-15",
            "Ada|||",
            "A|2026-01-01|2026-01-15|x|y",
        ] {
            assert_eq!(
                read_loans(bad),
                Err(RefusalReason::Malformed { expected: LOANS }),
                "{bad}"
            );
        }
        let Err(RefusalReason::Invalid(error)) = read_loans("Ada|2026-01-01|2026-13-01") else {
            panic!("a wrong due day is refused");
        };
        assert_eq!(error.field, Field::Due);
    }
}
