//! StoreError: what went wrong in storage, in words a person can act on, keeping the cause.
//!
//! What the browser reported is classified in one place, [`StoreError::from_browser`], by the
//! name of its DOMException ([`ExceptionName`]), and kept as the error's
//! [`source`](std::error::Error::source) ([`BrowserError`]).

use std::fmt;

use crate::book::{BookId, ValidationError};
use crate::size::size_label;

/// The name of a DOMException that IndexedDB reported, as far as the store tells them apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExceptionName {
    /// `QuotaExceededError`: the site's storage quota is used up.
    QuotaExceeded,
    /// `ConstraintError`: a write broke a rule of the store (a key or unique index taken).
    Constraint,
    /// `InvalidStateError`: the call came at the wrong time (for a new transaction: the
    /// connection is closing).
    InvalidState,
    /// `AbortError`: the transaction or request was aborted.
    Abort,
    /// `VersionError`: the database is at a newer version than asked for.
    Version,
    /// Any other name, as the browser gave it (empty when what was thrown had none).
    Other(String),
}

impl ExceptionName {
    /// The name as the browser writes it (`"QuotaExceededError"`).
    pub fn parse(name: &str) -> Self {
        match name {
            "QuotaExceededError" => ExceptionName::QuotaExceeded,
            "ConstraintError" => ExceptionName::Constraint,
            "InvalidStateError" => ExceptionName::InvalidState,
            "AbortError" => ExceptionName::Abort,
            "VersionError" => ExceptionName::Version,
            other => ExceptionName::Other(other.to_owned()),
        }
    }

    /// The name as the browser writes it.
    pub fn as_str(&self) -> &str {
        match self {
            ExceptionName::QuotaExceeded => "QuotaExceededError",
            ExceptionName::Constraint => "ConstraintError",
            ExceptionName::InvalidState => "InvalidStateError",
            ExceptionName::Abort => "AbortError",
            ExceptionName::Version => "VersionError",
            ExceptionName::Other(name) => name,
        }
    }
}

impl fmt::Display for ExceptionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the browser reported: the DOMException's name, and its words as they were reported
/// (which the messages show).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserError {
    /// The exception's name.
    pub name: ExceptionName,
    /// The browser's words, as reported (usually with the name: "ConstraintError: Key already
    /// exists in the object store.").
    pub message: String,
}

impl BrowserError {
    /// A DOMException of this name, in these words.
    pub fn new(name: &str, message: impl Into<String>) -> Self {
        Self {
            name: ExceptionName::parse(name),
            message: message.into(),
        }
    }
}

impl fmt::Display for BrowserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BrowserError {}

/// Where the browser's error came from, when that changes what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Starting a transaction (`IDBDatabase.transaction()`).
    Begin,
    /// Anything else: a request, the end of a transaction, opening.
    Call,
}

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
        /// What the browser reported; `None` when the write was aborted without a reason and
        /// the quota was found nearly used up.
        cause: Option<BrowserError>,
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
        /// What the browser reported.
        cause: BrowserError,
    },
    /// IndexedDB is missing or refuses to open here (private mode, disabled, damaged).
    Unavailable {
        /// What went wrong, in the browser's words when it reported it.
        detail: String,
        /// What the browser reported, if it did (not for a missing `window` or `indexedDB`).
        cause: Option<BrowserError>,
    },
    /// Anything else the browser reported, with the operation that failed.
    Browser {
        /// The repository call that failed, such as "create".
        operation: &'static str,
        /// What the browser reported.
        cause: BrowserError,
    },
    /// Anything else that went wrong (not reported by the browser as an exception).
    Other {
        /// The repository call that failed, such as "create".
        operation: &'static str,
        /// What went wrong.
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
            StoreError::QuotaExceeded { used, quota, .. } => {
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
            StoreError::Constraint { cause } => {
                write!(f, "The change was refused by the store and nothing was written ({cause}).")
            }
            StoreError::Unavailable { detail, .. } => write!(
                f,
                "This browser will not let Bookshelf store books here ({detail}). Private windows \
                 and some privacy settings block storage; try a normal window."
            ),
            StoreError::Browser { operation, cause } => {
                write!(f, "Could not {operation}: {cause}. Nothing was changed.")
            }
            StoreError::Other { operation, detail } => {
                write!(f, "Could not {operation}: {detail}. Nothing was changed.")
            }
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Invalid(error) | StoreError::InvalidBook { error, .. } => Some(error),
            StoreError::Constraint { cause } | StoreError::Browser { cause, .. } => Some(cause),
            StoreError::QuotaExceeded { cause, .. } | StoreError::Unavailable { cause, .. } => {
                cause
                    .as_ref()
                    .map(|cause| cause as &(dyn std::error::Error + 'static))
            }
            _ => None,
        }
    }
}

impl StoreError {
    /// Classifies what the browser reported during `operation`, at `step`, by its DOMException's
    /// name, keeping it as the cause.
    pub fn from_browser(operation: &'static str, step: Step, cause: BrowserError) -> Self {
        match (&cause.name, step) {
            (ExceptionName::QuotaExceeded, _) => StoreError::QuotaExceeded {
                used: None,
                quota: None,
                cause: Some(cause),
            },
            (ExceptionName::Constraint, _) => StoreError::Constraint { cause },
            // `transaction()` throws InvalidStateError for one reason only: the connection is
            // closing (the browser closed it: a newer version took over).
            (ExceptionName::InvalidState, Step::Begin) => StoreError::ClosedElsewhere,
            _ => StoreError::Browser { operation, cause },
        }
    }

    /// IndexedDB refused to open, as the browser reported it.
    pub fn unavailable(cause: BrowserError) -> Self {
        StoreError::Unavailable {
            detail: cause.to_string(),
            cause: Some(cause),
        }
    }

    /// What the browser reported, if it did.
    pub fn cause(&self) -> Option<&BrowserError> {
        match self {
            StoreError::Constraint { cause } | StoreError::Browser { cause, .. } => Some(cause),
            StoreError::QuotaExceeded { cause, .. } | StoreError::Unavailable { cause, .. } => {
                cause.as_ref()
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(name: &str, words: &str) -> BrowserError {
        BrowserError::new(name, format!("{name}: {words}"))
    }

    #[test]
    fn browser_errors_are_classified_by_their_name() {
        let quota =
            StoreError::from_browser("create", Step::Call, said("QuotaExceededError", "full"));
        assert!(matches!(quota, StoreError::QuotaExceeded { .. }));
        let constraint =
            StoreError::from_browser("create", Step::Call, said("ConstraintError", "Key exists"));
        assert!(matches!(constraint, StoreError::Constraint { .. }));
        assert_eq!(
            constraint.to_string(),
            "The change was refused by the store and nothing was written (ConstraintError: Key \
             exists)."
        );
        let closing = said("InvalidStateError", "The database connection is closing.");
        let closed = StoreError::from_browser("get", Step::Begin, closing.clone());
        assert_eq!(closed, StoreError::ClosedElsewhere);
        // The same name from a request is not about the connection: said as it is.
        let late = StoreError::from_browser("get", Step::Call, closing);
        assert!(matches!(late, StoreError::Browser { .. }), "{late:?}");
        let other = StoreError::from_browser("get", Step::Call, said("UnknownError", "disk"));
        assert_eq!(
            other.to_string(),
            "Could not get: UnknownError: disk. Nothing was changed."
        );
    }

    #[test]
    fn names_read_back_as_the_browser_writes_them() {
        for name in [
            "QuotaExceededError",
            "ConstraintError",
            "InvalidStateError",
            "AbortError",
            "VersionError",
            "UnknownError",
        ] {
            assert_eq!(ExceptionName::parse(name).as_str(), name);
        }
        assert_eq!(ExceptionName::parse("AbortError"), ExceptionName::Abort);
        assert_eq!(
            ExceptionName::parse("DataError"),
            ExceptionName::Other("DataError".into())
        );
    }

    #[test]
    fn the_source_is_what_the_browser_reported() {
        use std::error::Error;
        let cause = said("UnknownError", "disk");
        let error = StoreError::from_browser("get", Step::Call, cause.clone());
        let source = error.source().map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("UnknownError: disk"));
        assert_eq!(error.cause(), Some(&cause));
        let quota = StoreError::from_browser("add", Step::Call, said("QuotaExceededError", "x"));
        let source = quota
            .source()
            .and_then(|source| source.downcast_ref::<BrowserError>());
        assert_eq!(
            source.map(|cause| &cause.name),
            Some(&ExceptionName::QuotaExceeded)
        );
        assert!(StoreError::unavailable(cause.clone()).source().is_some());
        assert!(StoreError::Closed.source().is_none());
    }

    #[test]
    fn quota_message_says_how_much_and_that_nothing_changed() {
        let text = StoreError::QuotaExceeded {
            used: Some(10.0 * 1_048_576.0),
            quota: Some(12.0 * 1_048_576.0),
            cause: None,
        }
        .to_string();
        assert!(text.contains("10 MB of 12 MB"), "{text}");
        assert!(text.contains("Nothing was changed"), "{text}");
    }
}
