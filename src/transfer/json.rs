//! Bookshelf JSON: an array of book objects. The array is split into its elements by a small
//! scanner, so that a large file is parsed an element at a time (serde_json cannot stream one
//! top-level array) and each book knows the line it starts on; [`Element`] reads each one.

use super::element::Element;
use super::error::{ImportError, ImportErrorKind};
use super::line_and_column;

/// Where the scanner is in the array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Right after `[`.
    First,
    /// After an element: a `,` or the closing `]` comes next.
    AfterValue,
    /// After a `,`: an element comes next.
    AfterComma,
    /// After the closing `]`.
    Done,
}

/// The elements of a JSON array, one at a time.
pub(super) struct Elements<'a> {
    text: &'a str,
    at: usize,
    state: State,
    line: u64,
    counted_to: usize,
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while bytes
        .get(at)
        .is_some_and(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
    {
        at += 1;
    }
    at
}

/// Where the JSON value starting at `start` ends (exclusive), or `None` if the text ends first.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = start;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                // Jump to the closing quote, over escapes.
                at += 1;
                loop {
                    let next = at + memchr::memchr2(b'"', b'\\', bytes.get(at..)?)?;
                    if bytes[next] == b'\\' {
                        at = next + 2;
                    } else {
                        at = next;
                        break;
                    }
                }
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => return Some(at),
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            b',' | b' ' | b'\n' | b'\r' | b'\t' if depth == 0 => return Some(at),
            _ => {}
        }
        at += 1;
    }
    (depth == 0).then_some(bytes.len())
}

impl<'a> Elements<'a> {
    /// Starts after the opening `[`; anything else is not a list of books.
    pub fn new(text: &'a str) -> Result<Self, ImportError> {
        let at = skip_whitespace(text.as_bytes(), 0);
        if text.as_bytes().get(at) != Some(&b'[') {
            let (line, column) = line_and_column(text, at);
            return Err(ImportError::at(
                ImportErrorKind::NotAnArray,
                line,
                Some(column),
            ));
        }
        Ok(Self {
            text,
            at: at + 1,
            state: State::First,
            line: 1,
            counted_to: 0,
        })
    }

    /// Bytes read so far.
    pub fn position(&self) -> usize {
        self.at
    }

    /// The next element, parsed, with the line it starts on; `None` after the closing `]`.
    pub fn next(&mut self) -> Result<Option<(u64, Element)>, ImportError> {
        let bytes = self.text.as_bytes();
        loop {
            let at = skip_whitespace(bytes, self.at);
            match (self.state, bytes.get(at)) {
                (State::Done, _) => return Ok(None),
                (State::First | State::AfterValue, Some(b']')) => {
                    self.at = at + 1;
                    self.state = State::Done;
                    if skip_whitespace(bytes, self.at) < bytes.len() {
                        return Err(self.broken());
                    }
                    return Ok(None);
                }
                (State::AfterValue, Some(b',')) => {
                    self.at = at + 1;
                    self.state = State::AfterComma;
                }
                (State::First | State::AfterComma, Some(b)) if !matches!(b, b']' | b',') => {
                    let end = value_end(bytes, at).ok_or_else(|| self.broken())?;
                    let line = self.line_of(at);
                    self.at = end;
                    self.state = State::AfterValue;
                    let value = serde_json::from_str(&self.text[at..end])
                        .map_err(|error| self.broken_element(at, error))?;
                    return Ok(Some((line, value)));
                }
                _ => return Err(self.broken()),
            }
        }
    }

    /// The line of a byte offset past every offset asked about before.
    fn line_of(&mut self, at: usize) -> u64 {
        let newlines = memchr::memchr_iter(b'\n', &self.text.as_bytes()[self.counted_to..at]);
        self.line += newlines.count() as u64;
        self.counted_to = at;
        self.line
    }

    /// The file's structure is broken: serde_json says where and how, reading the whole text.
    fn broken(&self) -> ImportError {
        match serde_json::from_str::<serde::de::IgnoredAny>(self.text) {
            Err(error) => {
                // serde_json says column 0 for an error at a line break; columns here count from 1.
                let (line, column) = (error.line() as u64, error.column().max(1) as u64);
                ImportError::at(ImportErrorKind::Json(error), line, Some(column))
            }
            Ok(_) => {
                let (line, column) = line_and_column(self.text, self.at);
                ImportError::at(ImportErrorKind::TrailingText, line, Some(column))
            }
        }
    }

    /// One element does not parse: the error, placed in the whole file.
    fn broken_element(&self, start: usize, error: serde_json::Error) -> ImportError {
        let (line, column) = line_and_column(self.text, start);
        let (error_line, error_column) = (error.line() as u64, error.column() as u64);
        let column = if error_line <= 1 {
            column + error_column.saturating_sub(1)
        } else {
            error_column
        };
        let line = line + error_line.saturating_sub(1);
        ImportError::at(ImportErrorKind::Json(error), line, Some(column))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::Shelf;
    use crate::transfer::{read_all, Format};

    #[test]
    fn the_scanner_finds_each_element_and_its_line() {
        let text = "[\n  {\"title\": \"A, [b]\", \"author\": \"x\\\"y\"},\n  {\"title\": \"C\",\n   \"author\": \"D\"}\n]\n";
        let report = read_all(text).unwrap();
        assert_eq!(report.format, Format::Json);
        let lines: Vec<u64> = report.books.iter().map(|b| b.line).collect();
        assert_eq!(lines, vec![2, 3]);
        assert_eq!(report.books[0].book.title, "A, [b]");
        assert_eq!(report.books[0].book.author, "x\"y");
        assert_eq!(read_all("[]").unwrap().books.len(), 0);
        assert_eq!(read_all(" [ ] ").unwrap().books.len(), 0);
    }

    #[test]
    fn every_field_and_id_is_read() {
        let text = r#"[{"id": 42, "title": "Dune", "author": "Frank Herbert", "genre": "SF",
            "isbn": "0441172717", "year": 1965, "rating": 5, "shelf": "read", "extra": 1}]"#;
        let report = read_all(text).unwrap();
        let dune = &report.books[0];
        assert_eq!(dune.id, Some(42));
        assert_eq!(dune.book.isbn.as_deref(), Some("9780441172719"));
        assert_eq!(dune.book.shelf, Some(Shelf::Read));
        assert_eq!(report.ignored_columns, vec!["extra".to_owned()]);
    }

    #[test]
    fn wrong_values_refuse_their_book_by_key() {
        let text = r#"[
            {"title": "No author"},
            {"title": "T", "author": "A", "year": "1965"},
            {"title": "T", "author": "A", "rating": 9},
            {"title": "T", "author": "A", "id": -1},
            {"title": "T", "author": "A", "shelf": "someday"},
            "just text",
            {"title": "Fine", "author": "A", "year": null}
        ]"#;
        let report = read_all(text).unwrap();
        assert_eq!(report.books.len(), 1);
        let refused: Vec<(u64, Option<&str>)> = report
            .refused
            .iter()
            .map(|r| (r.line, r.column.as_deref()))
            .collect();
        assert_eq!(
            refused,
            vec![
                (2, Some("author")),
                (3, Some("year")),
                (4, Some("rating")),
                (5, Some("id")),
                (6, Some("shelf")),
                (7, None),
            ]
        );
    }

    #[test]
    fn broken_json_is_refused_whole_with_its_place() {
        let broken = read_all("[\n{\"title\": \"A\", \"author\": \"B\"},\n{\"title\" \"C\"}\n]")
            .err()
            .unwrap();
        assert!(matches!(broken.kind, ImportErrorKind::Json(_)));
        assert_eq!(broken.line, Some(3));
        let text = broken.to_string();
        assert!(
            text.starts_with("The JSON is broken (line 3, column"),
            "{text}"
        );
        for bad in [
            "[{\"title\": \"A\"",
            "[1,]",
            "[1 2]",
            "[] x",
            "[\"unclosed]",
        ] {
            let error = read_all(bad).err();
            assert!(error.is_some(), "{bad:?} should be refused");
        }
        let object = read_all("{\"books\": []}").err().unwrap();
        assert!(matches!(object.kind, ImportErrorKind::NotAnArray));
    }
}
