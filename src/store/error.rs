//! StoreError: what went wrong in storage, in words a person can act on, keeping the cause.

use std::fmt;

use crate::book::{BookId, ValidationError};
use crate::size::size_label;

/// What a repository call failed with.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StoreError {
    /// The book was refused before anything was written.
    Invalid(ValidationError),
    /// One book of a batch was refused; nothing of the batch was written.
    InvalidBook {
        /// The book's position in the batch, from 0.
        position: usize,
        /// What is wrong with it.
        error: ValidationError,
    },
    /// No book has this id.
    NotFound(BookId),
    /// The book is already stored again (under this id), so it is not put back twice.
    AlreadyStored(BookId),
    /// The browser refused the write: the site's storage quota is used up. Nothing was changed.
    QuotaExceeded {
        /// Bytes in use when the write failed, when the browser says.
        used: Option<f64>,
        /// The site's quota in bytes, when the browser says.
        quota: Option<f64>,
    },
    /// Opening waits for other tabs that still hold an older version of the database.
    Blocked,
    /// Another tab opened a newer version: this connection is gone.
    ClosedElsewhere,
    /// The database was deleted under the page (site data cleared) and is being opened again.
    Reopening,
    /// The repository was closed by this page.
    Closed,
    /// A write broke a rule of the store (for example an id that already exists).
    Constraint {
        /// What the browser said.
        detail: String,
    },
    /// IndexedDB is missing or refuses to open here (private mode, disabled, damaged).
    Unavailable {
        /// What the browser said.
        detail: String,
    },
    /// Anything else, with the operation that failed and the browser's words.
    Other {
        /// The repository call that failed, such as "create".
        operation: &'static str,
        /// What the browser said.
        detail: String,
    },
}

/// The result of a repository call.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl From<ValidationError> for StoreError {
    fn from(error: ValidationError) -> Self {
        StoreError::Invalid(error)
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Invalid(error) => error.fmt(f),
            StoreError::InvalidBook { position, error } => write!(
                f,
                "Book {} of the batch was refused, so none were added: {error}",
                position + 1
            ),
            StoreError::NotFound(id) => write!(
                f,
                "Book {id} was not found: it may have been deleted, here or in another tab."
            ),
            StoreError::QuotaExceeded { used, quota } => {
                write!(f, "Storage is full: the browser refused the write")?;
                if let (Some(used), Some(quota)) = (used, quota) {
                    write!(f, " ({} of {} used)", size_label(*used), size_label(*quota))?;
                }
                write!(
                    f,
                    ". Nothing was changed. Free some space or export a copy of your books."
                )
            }
            StoreError::Blocked => write!(
                f,
                "Bookshelf is waiting for other Bookshelf tabs to close so it can upgrade its storage: \
                 close other Bookshelf tabs."
            ),
            StoreError::ClosedElsewhere => write!(
                f,
                "A newer version of Bookshelf was opened — reload this page to go on."
            ),
            StoreError::AlreadyStored(id) => write!(
                f,
                "This book is already back in the catalogue (as book {id}), so nothing was changed."
            ),
            StoreError::Reopening => write!(
                f,
                "The browser cleared Bookshelf's storage, and it is being opened again: try again \
                 in a moment."
            ),
            StoreError::Closed => write!(f, "The catalogue is closed: reload the page to reopen it."),
            StoreError::Constraint { detail } => {
                write!(f, "The change was refused by the store and nothing was written ({detail}).")
            }
            StoreError::Unavailable { detail } => write!(
                f,
                "This browser will not let Bookshelf store books here ({detail}). Private windows \
                 and some privacy settings block storage; try a normal window."
            ),
            StoreError::Other { operation, detail } => {
                write!(f, "Could not {operation}: {detail}. Nothing was changed.")
            }
        }
    }
}

impl std::error::Error for StoreError {}

impl StoreError {
    /// Classifies a failure reported by IndexedDB during `operation` by the DOMException it carries.
    pub fn from_browser(operation: &'static str, detail: String) -> Self {
        if detail.contains("QuotaExceededError") {
            StoreError::QuotaExceeded {
                used: None,
                quota: None,
            }
        } else if detail.contains("ConstraintError") {
            StoreError::Constraint { detail }
        } else if detail.contains("InvalidStateError") && detail.contains("clos") {
            StoreError::ClosedElsewhere
        } else {
            StoreError::Other { operation, detail }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_errors_are_classified_by_their_name() {
        let quota = StoreError::from_browser("create", "QuotaExceededError: full".into());
        assert!(matches!(quota, StoreError::QuotaExceeded { .. }));
        let constraint = StoreError::from_browser("create", "ConstraintError: Key exists".into());
        assert!(matches!(constraint, StoreError::Constraint { .. }));
        let closed = StoreError::from_browser(
            "get",
            "InvalidStateError: The database connection is closing.".into(),
        );
        assert_eq!(closed, StoreError::ClosedElsewhere);
        let other = StoreError::from_browser("get", "UnknownError: disk".into());
        assert_eq!(
            other.to_string(),
            "Could not get: UnknownError: disk. Nothing was changed."
        );
    }

    #[test]
    fn quota_message_says_how_much_and_that_nothing_changed() {
        let text = StoreError::QuotaExceeded {
            used: Some(10.0 * 1_048_576.0),
            quota: Some(12.0 * 1_048_576.0),
        }
        .to_string();
        assert!(text.contains("10 MB of 12 MB"), "{text}");
        assert!(text.contains("Nothing was changed"), "{text}");
    }
}
