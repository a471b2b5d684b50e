//! Bookshelf JSON: an array of book objects, read as its text arrives. A small scanner walks the
//! array and each object a key at a time (serde_json cannot stream one top-level array, nor stop
//! halfway through a huge object), so that every book knows the line it starts on, an object of
//! a million keys costs no more than its keys, and reading can stop after any key and go on when
//! the caller is ready; serde_json reads each key and value ([`Scalar`]).

use serde::de::IgnoredAny;

use super::element::{book_of_entries, Scalar, KEYS};
use super::error::{ImportError, ImportErrorKind, JsonFault, RefusalReason};
use super::ignored::KeyTally;
use super::input::{Budget, Input, RECORD_COST};
use super::RowOutcome;

/// Where the scanner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the opening `[`.
    Start,
    /// Right after `[`.
    First,
    /// After an element: a `,` or the closing `]` comes next.
    AfterElement,
    /// After a `,`: an element comes next.
    AfterComma,
    /// Right after an object's `{`.
    FirstKey,
    /// After a `,` in an object: a key comes next.
    NextKey,
    /// In a key.
    Key,
    /// After a key: `:` comes next.
    Colon,
    /// In a key's value.
    Value,
    /// After a key's value: a `,` or the closing `}` comes next.
    AfterValue,
    /// In an element that is not an object.
    Other,
    /// After the closing `]`.
    Done,
}

/// Where the scan of one value (a key, a key's value, an element) has got to, so that it can go
/// on when more text comes without looking at the same bytes again.
#[derive(Debug, Clone, Copy, Default)]
struct Scan {
    /// Bytes of the value scanned so far.
    done: usize,
    /// Open `[` and `{` (for an array or object value).
    depth: usize,
    /// Inside a string (in an array or object value).
    in_string: bool,
}

/// What one step of the scanner came to.
// A book is large, and handed on once, straight away: boxing it would only cost an allocation.
#[allow(clippy::large_enum_variant)]
enum Step {
    /// It moved on: there may be more to do.
    Continue,
    /// The text so far is used up.
    Wait,
    /// Something to hand on.
    Found(Next),
}

/// What reading on found.
#[derive(Debug)]
// A book is large, and handed on once, straight away: boxing it would only cost an allocation.
#[allow(clippy::large_enum_variant)]
pub(super) enum Next {
    /// An element: the line it starts on, and the book it holds or why it was refused.
    Element(u64, RowOutcome),
    /// The text so far is used up (more is needed), or the budget is.
    Pending,
    /// The array has ended.
    End,
}

/// The elements of a JSON array, one at a time.
#[derive(Debug)]
pub(super) struct Elements {
    state: State,
    scan: Scan,
    /// The line the element being read starts on.
    line: u64,
    /// The keys of the object being read that Bookshelf keeps, each once (the last one counts,
    /// as serde_json's own maps keep the last).
    entries: Vec<(String, Scalar)>,
    /// The key being read, if Bookshelf keeps it.
    key: Option<String>,
    /// The keys Bookshelf does not keep.
    ignored: KeyTally,
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\n' | b'\r' | b'\t')
}

/// Where a value that starts at `bytes[0]` ends (exclusive), or `None` if the text so far ends
/// first; `scan` keeps what was learnt for the next call.
fn value_end(bytes: &[u8], scan: &mut Scan) -> Option<usize> {
    let first = *bytes.first()?;
    if scan.done == 0 {
        scan.done = 1;
        match first {
            b'"' => scan.in_string = true,
            b'{' | b'[' => scan.depth = 1,
            _ => {}
        }
    }
    let scalar = scan.depth == 0 && !scan.in_string;
    if scalar {
        // A number or a literal: up to the next delimiter.
        let end = bytes[scan.done..].iter().position(|&b| {
            matches!(b, b',' | b'}' | b']' | b':' | b'"' | b'[' | b'{') || is_whitespace(b)
        });
        return match end {
            Some(end) => Some(scan.done + end),
            None => {
                scan.done = bytes.len();
                None
            }
        };
    }
    let string_only = first == b'"';
    while scan.done < bytes.len() {
        if scan.in_string {
            let Some(found) = memchr::memchr2(b'"', b'\\', &bytes[scan.done..]) else {
                scan.done = bytes.len();
                return None;
            };
            let at = scan.done + found;
            if bytes[at] == b'\\' {
                if at + 1 >= bytes.len() {
                    // The escaped character has not come yet: look at the backslash again.
                    scan.done = at;
                    return None;
                }
                scan.done = at + 2;
                continue;
            }
            scan.done = at + 1;
            scan.in_string = false;
            if string_only {
                return Some(scan.done);
            }
            continue;
        }
        let byte = bytes[scan.done];
        scan.done += 1;
        match byte {
            b'"' => scan.in_string = true,
            b'{' | b'[' => scan.depth += 1,
            b'}' | b']' => {
                scan.depth -= 1;
                if scan.depth == 0 {
                    return Some(scan.done);
                }
            }
            _ => {}
        }
    }
    None
}

impl Elements {
    /// Starts before the opening `[`.
    pub fn new() -> Self {
        Self {
            state: State::Start,
            scan: Scan::default(),
            line: 1,
            entries: Vec::new(),
            key: None,
            ignored: KeyTally::default(),
        }
    }

    /// The keys of the file's objects that Bookshelf does not keep.
    pub fn ignored(&self) -> &KeyTally {
        &self.ignored
    }

    /// Reads on until an element ends, the text so far is used up, or `budget` is.
    pub fn next(&mut self, input: &mut Input, budget: &mut Budget) -> Result<Next, ImportError> {
        loop {
            match self.step(input, budget)? {
                Step::Found(found) => return Ok(found),
                Step::Wait => return Ok(Next::Pending),
                Step::Continue if budget.spent() => return Ok(Next::Pending),
                Step::Continue => {}
            }
        }
    }

    /// One step: past whitespace to the next token, and through it if it is all there.
    fn step(&mut self, input: &mut Input, budget: &mut Budget) -> Result<Step, ImportError> {
        // Whitespace is skipped up to the next token, never inside one.
        if self.scan.done == 0 {
            let bytes = input.rest().as_bytes();
            let blank = bytes.iter().position(|&b| !is_whitespace(b));
            let skip = blank.unwrap_or(bytes.len());
            input.consume(skip);
            budget.spend(skip);
            if blank.is_none() {
                return match (input.ended(), self.state) {
                    (true, State::Done) => Ok(Step::Found(Next::End)),
                    (true, _) => Err(self.fault(input, JsonFault::Unfinished)),
                    (false, _) => Ok(Step::Wait),
                };
            }
        }
        let Some(&byte) = input.rest().as_bytes().first() else {
            return match input.ended() {
                true => Err(self.fault(input, JsonFault::Unfinished)),
                false => Ok(Step::Wait),
            };
        };
        match (self.state, byte) {
            (State::Start, b'[') => self.next_state(input, State::First),
            (State::Start, _) => return Err(input.error_here(ImportErrorKind::NotAnArray)),
            (State::First, b']') | (State::AfterElement, b']') => {
                self.next_state(input, State::Done)
            }
            (State::AfterElement, b',') => self.next_state(input, State::AfterComma),
            (State::AfterElement, _) => return Err(self.fault(input, JsonFault::ExpectedComma)),
            (State::First | State::AfterComma, b']' | b',') => {
                return Err(self.fault(input, JsonFault::ExpectedBook))
            }
            (State::First | State::AfterComma, b'{') => {
                self.line = input.line();
                self.entries.clear();
                budget.spend(RECORD_COST);
                self.next_state(input, State::FirstKey);
            }
            (State::First | State::AfterComma, _) => {
                self.line = input.line();
                budget.spend(RECORD_COST);
                self.scan = Scan::default();
                self.state = State::Other;
            }
            (State::FirstKey, b'}') => {
                input.consume(1);
                self.state = State::AfterElement;
                return Ok(Step::Found(self.element()));
            }
            (State::FirstKey | State::NextKey, b'"') => {
                self.scan = Scan::default();
                self.state = State::Key;
            }
            (State::FirstKey | State::NextKey, _) => {
                return Err(self.fault(input, JsonFault::ExpectedKey))
            }
            (State::Colon, b':') => {
                self.scan = Scan::default();
                self.next_state(input, State::Value);
            }
            (State::Colon, _) => return Err(self.fault(input, JsonFault::ExpectedColon)),
            (State::AfterValue, b',') => self.next_state(input, State::NextKey),
            (State::AfterValue, b'}') => {
                input.consume(1);
                self.state = State::AfterElement;
                return Ok(Step::Found(self.element()));
            }
            (State::AfterValue, _) => return Err(self.fault(input, JsonFault::ExpectedCommaInBook)),
            (State::Done, _) => return Err(input.error_here(ImportErrorKind::TrailingText)),
            (State::Key | State::Value | State::Other, _) => return self.token(input, budget),
        }
        Ok(Step::Continue)
    }

    fn next_state(&mut self, input: &mut Input, state: State) {
        input.consume(1);
        self.state = state;
    }

    /// Reads a key, a key's value or a whole element that is not an object, once all its text
    /// is there.
    fn token(&mut self, input: &mut Input, budget: &mut Budget) -> Result<Step, ImportError> {
        let before = self.scan.done;
        let end = value_end(input.rest().as_bytes(), &mut self.scan);
        budget.spend(self.scan.done.saturating_sub(before));
        let end = match end {
            Some(end) => end,
            None if input.ended() && self.scan.depth == 0 && !self.scan.in_string => {
                input.rest().len()
            }
            None if input.ended() => return Err(self.fault(input, JsonFault::Unclosed)),
            None => return Ok(Step::Wait),
        };
        let found = match self.state {
            State::Key => {
                let key: String = self.parse(input, end)?;
                budget.spend(RECORD_COST);
                if KEYS.contains(&key.as_str()) {
                    self.key = Some(key);
                } else {
                    self.ignored.note(&key);
                    self.key = None;
                }
                self.state = State::Colon;
                Step::Continue
            }
            State::Value => {
                match self.key.take() {
                    Some(key) => {
                        let value: Scalar = self.parse(input, end)?;
                        self.entries.retain(|(known, _)| *known != key);
                        self.entries.push((key, value));
                    }
                    None => {
                        let _: IgnoredAny = self.parse(input, end)?;
                    }
                }
                self.state = State::AfterValue;
                Step::Continue
            }
            _ => {
                let _: IgnoredAny = self.parse(input, end)?;
                self.state = State::AfterElement;
                Step::Found(Next::Element(
                    self.line,
                    Err((None, RefusalReason::NotAnObject)),
                ))
            }
        };
        input.consume(end);
        self.scan = Scan::default();
        Ok(found)
    }

    /// The token of `end` bytes that starts the rest of the text, parsed by serde_json.
    fn parse<T: serde::de::DeserializeOwned>(
        &self,
        input: &mut Input,
        end: usize,
    ) -> Result<T, ImportError> {
        let text = input.rest().get(..end).unwrap_or_default();
        serde_json::from_str(text).map_err(|error| {
            let (line, column) = input.place(0);
            let (error_line, error_column) = (error.line() as u64, error.column() as u64);
            // serde_json says column 0 for an error at a line break; columns here count from 1.
            let column = if error_line <= 1 {
                column + error_column.saturating_sub(1)
            } else {
                error_column.max(1)
            };
            let line = line + error_line.saturating_sub(1);
            ImportError::at(ImportErrorKind::Json(error), line, Some(column))
        })
    }

    /// The object just closed, read as a book.
    fn element(&mut self) -> Next {
        let entries = std::mem::take(&mut self.entries);
        Next::Element(self.line, book_of_entries(&entries))
    }

    /// The JSON is broken where the rest of the text starts (or, for a value never closed,
    /// where it opened).
    fn fault(&self, input: &mut Input, fault: JsonFault) -> ImportError {
        input.error_here(ImportErrorKind::JsonSyntax(fault))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::{Stars, Status};
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
        assert_eq!(
            dune.book.status,
            Some(Status::Read),
            "an old export's shelf"
        );
        assert_eq!(
            dune.book.rating,
            Stars::from_whole(5),
            "an old export's whole stars"
        );
        assert_eq!(report.ignored_columns.names(), ["extra".to_owned()]);
    }

    #[test]
    fn every_new_key_is_read_as_the_export_writes_it() {
        let text = r#"[{"id":3,"uid":"b-1","title":"Edgedancer","author":"Brandon Sanderson",
            "genre":"","rating":4.25,"status":"did-not-finish",
            "readings":[{"started":"2024-01-06","finished":"2024-01-20"},{},{"finished":null}],
            "tags":["fantasy","novella; short"],
            "series":{"name":"The Stormlight Archive","number":2.5},"pages":272,
            "publisher":"Tor","format":"hardcover","added":"2024-01-05","copies":0,
            "location":"Study","loans":[{"borrower":"Ada","lent_on":"2024-02-01",
            "due":"2024-02-15","returned":"2024-02-10"},{"borrower":"Bo","lent_on":"2024-03-01",
            "due":"2024-03-15"}],"note":"line one\nline two"}]"#;
        let report = read_all(text).unwrap();
        assert_eq!(report.refused, vec![]);
        assert!(report.ignored_columns.is_empty());
        let book = &*report.books[0].book;
        let written: Vec<crate::book::Book> = serde_json::from_str(text).unwrap();
        assert_eq!(book, &written[0].to_new(), "what serde reads of it");
        assert_eq!(book.rating.map(|r| r.quarters()), Some(17));
        assert_eq!(book.status, Some(Status::DidNotFinish));
        assert_eq!(book.readings.len(), 3);
        assert_eq!(book.tags, ["fantasy", "novella; short"]);
        assert_eq!(
            book.series
                .as_ref()
                .and_then(|s| s.number)
                .map(|n| n.hundredths()),
            Some(250)
        );
        assert_eq!((book.pages, book.copies), (Some(272), Some(0)));
        assert_eq!(book.format, Some(crate::book::Format::Hardcover));
        assert_eq!(book.loans.iter().filter(|loan| loan.is_out()).count(), 1);
        assert_eq!(book.note, "line one\nline two");
        // A series may be its name alone, and a rating or a number text.
        let lenient = r#"[{"title":"T","author":"A","series":"Discworld","rating":"3.5",
            "status":"Want to read"}]"#;
        let book = &read_all(lenient).unwrap().books[0].book;
        assert_eq!(
            book.series.as_ref().map(|s| s.name.as_str()),
            Some("Discworld")
        );
        assert_eq!(book.rating.map(|r| r.to_string()).as_deref(), Some("3.5"));
        assert_eq!(book.status, Some(Status::WantToRead));
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
        assert_eq!(
            report.refused_places(),
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
    fn the_last_of_a_repeated_key_counts() {
        let report =
            read_all(r#"[{"title": "A", "author": "B", "title": "C", "t\u0069tle": "D"}]"#)
                .unwrap();
        assert_eq!(
            report.books[0].book.title, "D",
            "keys are read with their escapes"
        );
        assert!(report.ignored_columns.is_empty());
    }

    #[test]
    fn broken_json_is_refused_whole_with_its_place() {
        let broken = read_all("[\n{\"title\": \"A\", \"author\": \"B\"},\n{\"title\" \"C\"}\n]")
            .err()
            .unwrap();
        assert!(matches!(broken.kind, ImportErrorKind::JsonSyntax(_)));
        assert_eq!((broken.line, broken.column), (Some(3), Some(10)));
        let text = broken.to_string();
        assert!(
            text.starts_with("The JSON is broken (line 3, column 10)"),
            "{text}"
        );
        let value = read_all("[{\"title\": \"A\",\n \"year\": 19x5}]")
            .err()
            .unwrap();
        assert!(matches!(value.kind, ImportErrorKind::Json(_)));
        assert_eq!(value.line, Some(2));
        let at_break = read_all("[{\"title\": \"A\nB\"}]").err().unwrap();
        assert_eq!((at_break.line, at_break.column), (Some(2), Some(1)));
        for bad in [
            "[{\"title\": \"A\"",
            "[1,]",
            "[1 2]",
            "[] x",
            "[\"unclosed]",
            "[{\"a\" : 1,}]",
            "[{1: 2}]",
            "[{\"a\": [1,,2]}]",
            "[tru]",
            "[",
        ] {
            let error = read_all(bad).err();
            assert!(error.is_some(), "{bad:?} should be refused");
        }
        let object = read_all("{\"books\": []}").err().unwrap();
        assert!(matches!(object.kind, ImportErrorKind::NotAnArray));
    }

    #[test]
    fn an_unclosed_value_is_placed_where_it_opens() {
        let error =
            read_all("[\n{\"title\": \"A\", \"author\": \"B\",\n \"notes\": \"never closed}]\n")
                .err()
                .unwrap();
        assert_eq!((error.line, error.column), (Some(3), Some(11)));
    }
}
