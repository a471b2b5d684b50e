//! The reader's copies of a book: what kind they are (format), and lending one — to whom, since
//! when, due when (14 days unless said, as Libib does), and when it came back.

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::{validate_field, Field, ValidationError, ValidationErrorKind};

/// How long a loan runs unless the reader says otherwise, in days.
pub const LOAN_DAYS: i64 = 14;

/// The kind of copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A hardback.
    Hardcover,
    /// A paperback, of any size.
    Paperback,
    /// An electronic book.
    Ebook,
    /// A recording.
    Audiobook,
    /// Anything else (a box set, a comic issue, a manuscript…).
    Other,
}

impl Format {
    /// Every format, as the form lists them.
    pub const ALL: [Format; 5] = [
        Format::Hardcover,
        Format::Paperback,
        Format::Ebook,
        Format::Audiobook,
        Format::Other,
    ];

    /// The format as a person reads it (and as files write it, in lower case).
    pub fn label(self) -> &'static str {
        match self {
            Format::Hardcover => "Hardcover",
            Format::Paperback => "Paperback",
            Format::Ebook => "Ebook",
            Format::Audiobook => "Audiobook",
            Format::Other => "Other",
        }
    }

    /// A format from its name, ignoring case; empty text is none.
    pub fn parse(text: &str) -> Result<Option<Format>, ValidationError> {
        let wanted = text.trim();
        if wanted.is_empty() {
            return Ok(None);
        }
        Format::ALL
            .into_iter()
            .find(|format| format.label().eq_ignore_ascii_case(wanted))
            .map(Some)
            .ok_or(ValidationError {
                field: Field::Format,
                kind: ValidationErrorKind::UnknownFormat,
            })
    }

    /// The format a Goodreads "Binding" names ("Mass Market Paperback", "Kindle Edition",
    /// "Audible Audio"…); empty is none, anything unrecognised is Other.
    pub fn from_binding(binding: &str) -> Option<Format> {
        let binding = binding.trim().to_lowercase();
        if binding.is_empty() {
            return None;
        }
        let has = |words: &[&str]| words.iter().any(|word| binding.contains(word));
        Some(if has(&["audio", "audible", "mp3"]) {
            Format::Audiobook
        } else if has(&["kindle", "ebook", "e-book", "nook", "digital", "epub"]) {
            Format::Ebook
        } else if has(&["paperback", "mass market", "softcover", "pocket"]) {
            Format::Paperback
        } else if has(&["hardcover", "hardback", "library binding", "board book"]) {
            Format::Hardcover
        } else {
            Format::Other
        })
    }
}

/// A copy lent: to whom, since when, due when, and when it came back (`None` while out).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Loan {
    /// Who has it, trimmed, never empty.
    pub borrower: String,
    /// The day it was lent.
    pub lent_on: Date,
    /// The day it is due back.
    pub due: Date,
    /// The day it came back, once it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned: Option<Date>,
}

impl Loan {
    /// A loan made `today` to the borrower as typed, due on the day typed or in
    /// [`LOAN_DAYS`] days; refused without a borrower, or when it would be due before today.
    pub fn lend(borrower: &str, due: &str, today: Date) -> Result<Loan, ValidationError> {
        let borrower = validate_field(Field::Borrower, borrower)?;
        if borrower.is_empty() {
            return Err(ValidationError {
                field: Field::Borrower,
                kind: ValidationErrorKind::Required,
            });
        }
        let due = match Date::parse(Field::Due, due)? {
            Some(due) => due,
            None => Loan::default_due(today),
        };
        if due < today {
            return Err(ValidationError {
                field: Field::Due,
                kind: ValidationErrorKind::DueInPast,
            });
        }
        Ok(Loan {
            borrower,
            lent_on: today,
            due,
            returned: None,
        })
    }

    /// The due date offered for a loan made `today`.
    pub fn default_due(today: Date) -> Date {
        today.plus_days(LOAN_DAYS).unwrap_or(today)
    }

    /// The loan as a file or the store holds it, checked: a borrower, and no due or return day
    /// before the day it was lent (a due day already past is history, not an error).
    pub fn checked(&self) -> Result<Loan, ValidationError> {
        let borrower = validate_field(Field::Borrower, &self.borrower)?;
        if borrower.is_empty() {
            return Err(ValidationError {
                field: Field::Borrower,
                kind: ValidationErrorKind::Required,
            });
        }
        if self.due < self.lent_on {
            return Err(ValidationError {
                field: Field::Due,
                kind: ValidationErrorKind::DueBeforeLent,
            });
        }
        Ok(Loan {
            borrower,
            returned: self.returned.map(|day| day.max(self.lent_on)),
            ..self.clone()
        })
    }

    /// True while the copy is out.
    pub fn is_out(&self) -> bool {
        self.returned.is_none()
    }

    /// True when the copy is out past its due day.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.is_out() && self.due < today
    }

    /// The loan, marked as returned `today` (a return before the day it was lent, as a wrong
    /// clock would give, counts as the day it was lent).
    pub fn returned_on(&self, today: Date) -> Loan {
        Loan {
            returned: Some(today.max(self.lent_on)),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        Date::parse(Field::Due, text).unwrap().unwrap()
    }

    #[test]
    fn formats_come_from_their_names_and_from_goodreads_bindings() {
        assert_eq!(Format::parse("paperback"), Ok(Some(Format::Paperback)));
        assert_eq!(Format::parse(""), Ok(None));
        assert_eq!(
            Format::parse("scroll").unwrap_err().to_string(),
            "Format must be Hardcover, Paperback, Ebook, Audiobook or Other."
        );
        for (binding, format) in [
            ("Hardcover", Some(Format::Hardcover)),
            ("Mass Market Paperback", Some(Format::Paperback)),
            ("Kindle Edition", Some(Format::Ebook)),
            ("ebook", Some(Format::Ebook)),
            ("Audible Audio", Some(Format::Audiobook)),
            ("Audio CD", Some(Format::Audiobook)),
            ("Library Binding", Some(Format::Hardcover)),
            ("Comic", Some(Format::Other)),
            ("", None),
        ] {
            assert_eq!(Format::from_binding(binding), format, "{binding}");
        }
    }

    #[test]
    fn a_loan_is_due_in_fourteen_days_unless_said_and_never_in_the_past() {
        let today = day("2026-12-25");
        let loan = Loan::lend(" Ada ", "", today).unwrap();
        assert_eq!(
            (loan.borrower.as_str(), loan.due),
            ("Ada", day("2027-01-08"))
        );
        assert!(loan.is_out() && !loan.is_overdue(today));
        assert!(loan.is_overdue(day("2027-01-09")));
        assert_eq!(Loan::lend("Ada", "2026-12-25", today).unwrap().due, today);
        let past = Loan::lend("Ada", "2026-12-24", today).unwrap_err();
        assert_eq!(
            past.to_string(),
            "Due is in the past: a loan must be due today or later."
        );
        assert_eq!(
            Loan::lend("  ", "", today).unwrap_err().to_string(),
            "Borrower is required."
        );
        assert_eq!(
            Loan::lend("Ada", "soon", today).unwrap_err().kind,
            ValidationErrorKind::NotADate
        );
        let back = loan.returned_on(day("2027-01-02"));
        assert!(!back.is_out() && !back.is_overdue(day("2027-02-01")));
        assert_eq!(loan.returned_on(day("2026-01-01")).returned, Some(today));
    }
}
