//! A file's bytes as text, a slice at a time ([`Decoder`]): UTF-8 checked across slice boundaries
//! (a character split between two slices is joined), a byte order mark dropped, a binary or
//! non-UTF-8 file refused with its line and column; and [`Position`], which counts lines and
//! columns as the text goes by, so that no reader has to keep text it has finished with.

use super::check_size;
use super::error::{ImportError, ImportErrorKind};

/// How many bytes at the start of a file are looked at for a NUL, the mark of a binary file.
const SNIFF_BYTES: usize = 8192;
/// UTF-8's byte order mark.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// A place in a text: its line, and how many characters of the line come before it. Line breaks
/// are "\n", "\r\n" and a lone "\r", one line each, even when a "\r\n" is split between slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Position {
    line: u64,
    column: u64,
    after_cr: bool,
}

impl Default for Position {
    fn default() -> Self {
        Self {
            line: 1,
            column: 0,
            after_cr: false,
        }
    }
}

impl Position {
    /// Moves past `text` (whole characters or not: only the first byte of a character counts).
    pub fn advance(&mut self, text: &[u8]) {
        let mut last_break = None;
        for at in memchr::memchr2_iter(b'\n', b'\r', text) {
            let ends_crlf = text[at] == b'\n'
                && match at {
                    0 => self.after_cr,
                    _ => text[at - 1] == b'\r',
                };
            if !ends_crlf {
                self.line += 1;
            }
            last_break = Some(at);
        }
        let tail = match last_break {
            Some(at) => {
                self.column = 0;
                &text[at + 1..]
            }
            None => text,
        };
        self.column += characters(tail);
        if let Some(&last) = text.last() {
            self.after_cr = last == b'\r';
        }
    }

    /// The line (1-based).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The column (1-based, in characters) of the next character.
    pub fn column(&self) -> u64 {
        self.column + 1
    }
}

/// How many characters start in `bytes` (UTF-8 continuation bytes do not).
fn characters(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&byte| (byte as i8) >= -64).count() as u64
}

/// Turns a file's bytes, given a slice at a time, into text. Each call hands on the text that is
/// complete so far, then says whether the bytes were wrong; the first bytes are held back until
/// [`SNIFF_BYTES`] have come (or the end), to tell a binary file before any of it is read.
#[derive(Debug)]
pub struct Decoder {
    size: u64,
    /// Bytes of the file handed on as text (the byte order mark counts).
    offset: u64,
    /// The first bytes, before the sniff; after it, the start of a character cut by a slice.
    pending: Vec<u8>,
    sniffed: bool,
    /// Where the text handed on so far ends.
    position: Position,
    /// Whether a character that is not whitespace has been handed on.
    has_text: bool,
}

impl Decoder {
    /// A decoder for a file of `size` bytes; refused at once if empty or too large.
    pub fn new(size: u64) -> Result<Self, ImportError> {
        check_size(size)?;
        Ok(Self {
            size,
            offset: 0,
            pending: Vec::new(),
            sniffed: false,
            position: Position::default(),
            has_text: false,
        })
    }

    /// Hands the text of the next `bytes` to `emit` (as much as is complete), then says whether
    /// they break the rules: not UTF-8, or, in the first bytes, binary.
    pub fn decode(&mut self, bytes: &[u8], emit: &mut impl FnMut(&str)) -> Result<(), ImportError> {
        self.take(bytes, false, emit)
    }

    /// The end of the file: hands on what was held back; refuses a file that ends inside a
    /// character, or that has nothing but whitespace.
    pub fn finish(&mut self, emit: &mut impl FnMut(&str)) -> Result<(), ImportError> {
        self.take(&[], true, emit)?;
        if !self.has_text {
            return Err(ImportError::new(ImportErrorKind::Empty));
        }
        Ok(())
    }

    fn take(
        &mut self,
        mut bytes: &[u8],
        end: bool,
        emit: &mut impl FnMut(&str),
    ) -> Result<(), ImportError> {
        if !self.sniffed {
            self.pending.extend_from_slice(bytes);
            if self.pending.len() < SNIFF_BYTES && !end {
                return Ok(());
            }
            self.sniffed = true;
            let head = &self.pending[..self.pending.len().min(SNIFF_BYTES)];
            if memchr::memchr(0, head).is_some() {
                return Err(ImportError::new(ImportErrorKind::Binary));
            }
            let held = std::mem::take(&mut self.pending);
            let text = match held.strip_prefix(BOM) {
                Some(rest) => {
                    self.offset += BOM.len() as u64;
                    rest
                }
                None => &held[..],
            };
            return self.validate(text, end, emit);
        }
        // A character the last slice cut: joined with the first bytes of this one.
        while !self.pending.is_empty() {
            let Some((&first, rest)) = bytes.split_first() else {
                return match end {
                    true => Err(self.not_utf8()),
                    false => Ok(()),
                };
            };
            self.pending.push(first);
            bytes = rest;
            let joined = std::mem::take(&mut self.pending);
            match std::str::from_utf8(&joined) {
                Ok(character) => self.emit(character, emit),
                Err(error) if error.error_len().is_some() => return Err(self.not_utf8()),
                Err(_) => self.pending = joined,
            }
        }
        self.validate(bytes, end, emit)
    }

    /// Hands on the valid text of `bytes`; keeps a character cut at their end for the next slice.
    fn validate(
        &mut self,
        bytes: &[u8],
        end: bool,
        emit: &mut impl FnMut(&str),
    ) -> Result<(), ImportError> {
        let mut done = 0;
        for chunk in bytes.utf8_chunks() {
            self.emit(chunk.valid(), emit);
            done += chunk.valid().len();
            let invalid = chunk.invalid();
            if invalid.is_empty() {
                continue;
            }
            let cut_at_end = done + invalid.len() == bytes.len()
                && std::str::from_utf8(invalid).is_err_and(|error| error.error_len().is_none());
            if cut_at_end && !end {
                self.pending = invalid.to_vec();
                return Ok(());
            }
            return Err(self.not_utf8());
        }
        Ok(())
    }

    fn emit(&mut self, text: &str, emit: &mut impl FnMut(&str)) {
        if text.is_empty() {
            return;
        }
        self.position.advance(text.as_bytes());
        self.offset += text.len() as u64;
        if !self.has_text {
            self.has_text = text.chars().any(|c| !c.is_whitespace());
        }
        emit(text);
    }

    /// The text is not UTF-8 where the text handed on ends (a file that goes wrong in its first
    /// bytes is most likely not text at all).
    fn not_utf8(&self) -> ImportError {
        let kind = if self.offset < 4 && self.size > 4 {
            ImportErrorKind::Binary
        } else {
            ImportErrorKind::NotUtf8
        };
        ImportError::at(kind, self.position.line(), Some(self.position.column()))
    }
}

/// The whole of `bytes` as text, as [`Decoder`] reads it (what the tests and small files use).
pub fn decode(bytes: Vec<u8>) -> Result<String, ImportError> {
    let mut decoder = Decoder::new(bytes.len() as u64)?;
    let mut text = String::with_capacity(bytes.len());
    let mut emit = |part: &str| text.push_str(part);
    decoder.decode(&bytes, &mut emit)?;
    decoder.finish(&mut emit)?;
    Ok(text)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Decodes `bytes` cut at `cuts`: the text handed on, and the error if any.
    fn in_slices(bytes: &[u8], cuts: &[usize]) -> (String, Option<String>) {
        let mut text = String::new();
        let mut emit = |part: &str| text.push_str(part);
        let mut decoder = match Decoder::new(bytes.len() as u64) {
            Ok(decoder) => decoder,
            Err(error) => return (String::new(), Some(error.to_string())),
        };
        let mut from = 0;
        let mut outcome = Ok(());
        for &cut in cuts.iter().chain([&bytes.len()]) {
            let cut = cut.clamp(from, bytes.len());
            outcome = decoder.decode(&bytes[from..cut], &mut emit);
            from = cut;
            if outcome.is_err() {
                break;
            }
        }
        if outcome.is_ok() {
            outcome = decoder.finish(&mut emit);
        }
        (text, outcome.err().map(|error| error.to_string()))
    }

    #[test]
    fn positions_count_every_kind_of_line_break_once() {
        let mut position = Position::default();
        position.advance("ab\r".as_bytes());
        assert_eq!((position.line(), position.column()), (2, 1));
        position.advance("\nxé".as_bytes());
        assert_eq!((position.line(), position.column()), (2, 3), "CR LF is one");
        position.advance("\n\n\r\r".as_bytes());
        assert_eq!(position.line(), 6);
        let mut split = Position::default();
        let bytes = "aé📚".as_bytes();
        split.advance(&bytes[..2]);
        split.advance(&bytes[2..5]);
        split.advance(&bytes[5..]);
        assert_eq!(
            split.column(),
            4,
            "characters cut between slices count once"
        );
    }

    #[test]
    fn a_character_cut_between_slices_is_joined() {
        let text = "title,author\nÉmile 📚,Zola\n";
        let bytes = text.as_bytes();
        for cut in 0..bytes.len() {
            assert_eq!(
                in_slices(bytes, &[cut]),
                (text.to_owned(), None),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn the_byte_order_mark_is_dropped_and_bad_bytes_are_placed() {
        assert_eq!(in_slices(b"\xef\xbb\xbfa,b", &[1, 2]).0, "a,b");
        let (text, error) = in_slices(b"title,author\nCaf\xe9,Moi\n", &[15]);
        assert_eq!(text, "title,author\nCaf");
        let error = error.unwrap_or_default();
        assert!(
            error.contains("not UTF-8 text (line 2, column 4)"),
            "{error}"
        );
        let (_, error) = in_slices(b"ab\xc3", &[]);
        assert!(error.unwrap_or_default().contains("(line 1, column 3)"));
        let (_, error) = in_slices(b"\xff\xfeabcdef", &[]);
        assert!(error.unwrap_or_default().contains("not a text file"));
        let (_, error) = in_slices(b"ab\0cd", &[1]);
        assert!(error.unwrap_or_default().contains("not a text file"));
        let (_, error) = in_slices("\u{feff} \u{a0}\n\t".as_bytes(), &[4]);
        assert!(error.unwrap_or_default().contains("empty"));
    }

    proptest! {
        // No regression files written into the source tree (as in fuzz.rs).
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn slices_of_any_size_give_what_the_whole_gives(
            bytes in proptest::collection::vec(
                prop_oneof![
                    4 => proptest::sample::select("aé€📚\r\n,\"".as_bytes().to_vec()),
                    1 => any::<u8>(),
                ],
                0..200,
            ),
            mut cuts in proptest::collection::vec(0usize..200, 0..6),
        ) {
            cuts.sort_unstable();
            let whole = in_slices(&bytes, &[]);
            prop_assert_eq!(in_slices(&bytes, &cuts), whole.clone());
            let expected = decode(bytes.clone()).map_err(|error| error.to_string());
            match whole {
                (text, None) => prop_assert_eq!(Ok(text), expected),
                (_, Some(error)) => prop_assert_eq!(Err(error), expected),
            }
        }
    }
}
