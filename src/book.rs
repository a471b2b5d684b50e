//! The book model: what a book is, how a new one and a partial change are described, and the
//! validation every write passes through. Plain Rust, no web APIs.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The identifier IndexedDB's key generator assigns to a stored book.
pub type BookId = u64;

/// The longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 500;
/// The longest author accepted, in characters.
pub const MAX_AUTHOR_CHARS: usize = 300;
/// The longest genre accepted, in characters.
pub const MAX_GENRE_CHARS: usize = 200;

/// A stored book.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Book {
    /// Assigned by the store; never reused.
    pub id: BookId,
    /// Required, trimmed, at most [`MAX_TITLE_CHARS`].
    pub title: String,
    /// Required, trimmed, at most [`MAX_AUTHOR_CHARS`].
    pub author: String,
    /// Optional (may be empty), trimmed, at most [`MAX_GENRE_CHARS`].
    pub genre: String,
}

/// A book to be created: everything but the id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBook {
    /// The title as typed.
    pub title: String,
    /// The author as typed.
    pub author: String,
    /// The genre as typed; may be empty.
    pub genre: String,
}

/// A change to any subset of a book's fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookPatch {
    /// A new title, if it changes.
    pub title: Option<String>,
    /// A new author, if it changes.
    pub author: Option<String>,
    /// A new genre, if it changes.
    pub genre: Option<String>,
}

/// One of a book's editable fields, named in validation errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The title.
    Title,
    /// The author.
    Author,
    /// The genre.
    Genre,
}

impl Field {
    /// The field's name as a person reads it on the form.
    pub fn label(self) -> &'static str {
        match self {
            Field::Title => "Title",
            Field::Author => "Author",
            Field::Genre => "Genre",
        }
    }

    fn limit(self) -> usize {
        match self {
            Field::Title => MAX_TITLE_CHARS,
            Field::Author => MAX_AUTHOR_CHARS,
            Field::Genre => MAX_GENRE_CHARS,
        }
    }

    fn required(self) -> bool {
        !matches!(self, Field::Genre)
    }
}

/// Why a field's value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidationErrorKind {
    /// The field is required and is empty after trimming.
    Required,
    /// The field is longer than its limit.
    TooLong {
        /// The limit, in characters.
        max: usize,
        /// The length given, in characters.
        actual: usize,
    },
    /// The field holds a control character (a tab, a newline, a NUL...).
    ControlCharacter {
        /// The character's position (1-based, in characters).
        position: usize,
    },
}

/// A refused value, with the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The field that is wrong.
    pub field: Field,
    /// What is wrong with it.
    pub kind: ValidationErrorKind,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = self.field.label();
        match &self.kind {
            ValidationErrorKind::Required => write!(f, "{label} is required."),
            ValidationErrorKind::TooLong { max, actual } => write!(
                f,
                "{label} is too long: {actual} characters, at most {max} are allowed."
            ),
            ValidationErrorKind::ControlCharacter { position } => write!(
                f,
                "{label} contains an invisible control character (at character {position}); \
                 use plain text on one line."
            ),
        }
    }
}

impl std::error::Error for ValidationError {}

/// Checks one field and returns it trimmed.
pub fn validate_field(field: Field, value: &str) -> Result<String, ValidationError> {
    let fail = |kind| Err(ValidationError { field, kind });
    let trimmed = value.trim();
    if let Some(index) = trimmed.chars().position(char::is_control) {
        return fail(ValidationErrorKind::ControlCharacter {
            position: index + 1,
        });
    }
    if field.required() && trimmed.is_empty() {
        return fail(ValidationErrorKind::Required);
    }
    let actual = trimmed.chars().count();
    if actual > field.limit() {
        return fail(ValidationErrorKind::TooLong {
            max: field.limit(),
            actual,
        });
    }
    Ok(trimmed.to_owned())
}

impl NewBook {
    /// A new book from its three fields.
    pub fn new(
        title: impl Into<String>,
        author: impl Into<String>,
        genre: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            author: author.into(),
            genre: genre.into(),
        }
    }

    /// Every problem with this book, one per field, in form order.
    pub fn problems(&self) -> Vec<ValidationError> {
        [
            (Field::Title, &self.title),
            (Field::Author, &self.author),
            (Field::Genre, &self.genre),
        ]
        .into_iter()
        .filter_map(|(field, value)| validate_field(field, value).err())
        .collect()
    }

    /// The book trimmed and checked, or the first problem found.
    pub fn validated(&self) -> Result<NewBook, ValidationError> {
        Ok(NewBook {
            title: validate_field(Field::Title, &self.title)?,
            author: validate_field(Field::Author, &self.author)?,
            genre: validate_field(Field::Genre, &self.genre)?,
        })
    }

    /// The stored book this becomes once the store gives it an id.
    pub fn with_id(self, id: BookId) -> Book {
        Book {
            id,
            title: self.title,
            author: self.author,
            genre: self.genre,
        }
    }
}

impl BookPatch {
    /// True when the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.author.is_none() && self.genre.is_none()
    }
}

impl Book {
    /// The book with `patch` applied, every changed field validated; `self` is untouched.
    pub fn patched(&self, patch: &BookPatch) -> Result<Book, ValidationError> {
        let pick = |field, new: &Option<String>, old: &String| match new {
            Some(value) => validate_field(field, value),
            None => Ok(old.clone()),
        };
        Ok(Book {
            id: self.id,
            title: pick(Field::Title, &patch.title, &self.title)?,
            author: pick(Field::Author, &patch.author, &self.author)?,
            genre: pick(Field::Genre, &patch.genre, &self.genre)?,
        })
    }

    /// The book's fields without its id.
    pub fn to_new(&self) -> NewBook {
        NewBook::new(&self.title, &self.author, &self.genre)
    }
}

/// The three books of the original script, offered to an empty catalogue.
pub fn sample_books() -> Vec<NewBook> {
    vec![
        NewBook::new("The Hobbit", "J,R,R Tolkien", "Fantasy"),
        NewBook::new("1987", "George Orwell", "Dystopian Fiction"),
        NewBook::new(
            "To Kill a Mockingbird",
            "Harper Lee",
            "Southern Gothic, Bildungsroman",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_book_is_trimmed() {
        let book = NewBook::new("  Dune ", "\u{a0}Frank Herbert", " ").validated();
        assert_eq!(book, Ok(NewBook::new("Dune", "Frank Herbert", "")));
    }

    #[test]
    fn title_and_author_are_required_genre_is_not() {
        let problems = NewBook::new("   ", "", "").problems();
        let fields: Vec<Field> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, vec![Field::Title, Field::Author]);
        assert!(problems
            .iter()
            .all(|p| p.kind == ValidationErrorKind::Required));
        assert_eq!(problems[0].to_string(), "Title is required.");
    }

    #[test]
    fn length_limits_count_characters_not_bytes() {
        let at_limit = "é".repeat(MAX_TITLE_CHARS);
        assert!(validate_field(Field::Title, &at_limit).is_ok());
        let over = "x".repeat(MAX_TITLE_CHARS + 1);
        assert_eq!(
            validate_field(Field::Title, &over).map_err(|e| e.kind),
            Err(ValidationErrorKind::TooLong {
                max: MAX_TITLE_CHARS,
                actual: MAX_TITLE_CHARS + 1
            })
        );
        let genre = "g".repeat(MAX_GENRE_CHARS + 1);
        assert!(validate_field(Field::Genre, &genre).is_err());
    }

    #[test]
    fn control_characters_are_refused_with_their_position() {
        for bad in ["a\u{0}b", "a\nb", "a\tb", "a\u{7f}b", "a\u{9b}b"] {
            let error = validate_field(Field::Author, bad).unwrap_err();
            assert_eq!(
                error.kind,
                ValidationErrorKind::ControlCharacter { position: 2 },
                "{bad:?}"
            );
        }
    }

    #[test]
    fn unicode_and_markup_are_plain_text() {
        for good in [
            "<script>alert(1)</script>",
            "שלום עולם",
            "📚 Ünïcødé",
            "&amp; \"q\"",
        ] {
            assert_eq!(validate_field(Field::Title, good).as_deref(), Ok(good));
        }
    }

    #[test]
    fn a_patch_changes_only_its_fields_and_validates_them() {
        let book = NewBook::new("Dune", "Frank Herbert", "SF").with_id(7);
        let patch = BookPatch {
            genre: Some(" Science Fiction ".into()),
            ..BookPatch::default()
        };
        let patched = book.patched(&patch).unwrap();
        assert_eq!(patched.title, "Dune");
        assert_eq!(patched.genre, "Science Fiction");
        assert_eq!(patched.id, 7);

        let bad = BookPatch {
            title: Some(" ".into()),
            ..BookPatch::default()
        };
        assert_eq!(book.patched(&bad).unwrap_err().field, Field::Title);
        assert!(BookPatch::default().is_empty());
        assert!(!bad.is_empty());
    }

    #[test]
    fn the_samples_are_the_original_three_and_valid() {
        let samples = sample_books();
        assert_eq!(samples.len(), 3);
        assert!(samples.iter().all(|book| book.problems().is_empty()));
        assert_eq!(samples[0].author, "J,R,R Tolkien");
    }
}
