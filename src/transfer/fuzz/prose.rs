//! Files that are text but neither CSV nor JSON — words, lines with every kind of ending,
//! unbalanced quotes, stray braces, long lines, byte order marks, control characters — and
//! bytes that are nearly text. Each file is made a line at a time from kinds whose outcome is
//! plain, so the properties state exactly what the Import control must do with it: refuse the
//! whole file with the message naming the line and column where it breaks, or store each row
//! exactly and refuse each bad one naming its line. For bytes, the decoder's rules are stated
//! here ([`decoded`]): a NUL in the first 8 KB is a binary file, bytes that are not UTF-8 are
//! refused at their line and column, and any other bytes are read as the text they are.

use super::*;

/// Characters of prose inside a word: letters, digits, stray braces and brackets, quotes (never
/// first: a quote that opens a field would quote it), a byte order mark, accents, an emoji.
#[rustfmt::skip]
const INSIDE: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'k', 'm', 'o', 'r', 's', 't', 'w', 'y', 'A', 'Q', 'Z',
    '0', '1', '7', '{', '}', '[', ']', '"', '\'', ':', ';', '.', '!', '?', '\u{feff}', 'é', 'ß',
    '📚', 'ש', '(', ')', '<', '>', '&', '=',
];

/// Characters a word may start with.
#[rustfmt::skip]
const FIRST: &[char] = &[
    'a', 'b', 'k', 'r', 'w', 'T', 'Q', '3', '{', '}', '[', ']', 'é', '📚', 'ש', '(', '<', '&',
];

/// A word of prose.
fn prose_word() -> impl Strategy<Value = String> {
    (select(FIRST), vec(select(INSIDE), 0..9)).prop_map(|(first, rest)| {
        let mut word = String::from(first);
        word.extend(rest);
        word
    })
}

/// Words separated by spaces: `1..words` of them (at most 10 characters each).
fn words(words: usize) -> impl Strategy<Value = String> {
    vec(prose_word(), 1..words).prop_map(|words| words.join(" "))
}

/// Spaces and tabs around a field (trimmed off).
fn blank() -> impl Strategy<Value = &'static str> {
    select(&["", "", " ", "  ", "\t", " \u{a0}"][..])
}

/// How a line ends: LF, CR LF or a lone CR.
fn line_end() -> impl Strategy<Value = &'static str> {
    select(&["\n", "\r\n", "\r"][..])
}

/// What must become of a line of a file whose header is `title,author`.
#[derive(Debug, Clone)]
enum LineFate {
    /// A book with this title and author.
    Book(String, String),
    /// Refused: the message after "Line N".
    Refused(String),
    /// The whole file refused at the character `at` bytes into the line: the message, given
    /// the line and column.
    Breaks(usize, fn(u64, u64) -> String),
    /// Nothing: a blank line.
    Skipped,
}

/// The message for a row of `found` fields under a header of two.
fn field_count(found: usize) -> String {
    let fields = if found == 1 { "field" } else { "fields" };
    format!(
        ": the line has {found} {fields} where the header has 2 (a comma too many or too few, or a \
         missing quote?)"
    )
}

fn text_after_quote(line: u64, column: u64) -> String {
    format!(
        "Broken CSV quoting (line {line}, column {column}): text follows a closing quote (a quote \
         inside a quoted field must be doubled: \"\"). Nothing was imported."
    )
}

fn unclosed_quote(line: u64, column: u64) -> String {
    format!(
        "Broken CSV quoting (line {line}, column {column}): a quoted field opens here and is never \
         closed. Nothing was imported."
    )
}

/// A line of prose under a `title,author` header, and its fate.
fn prose_row() -> impl Strategy<Value = (String, LineFate)> {
    let book = (blank(), words(5), blank(), blank(), words(5), blank()).prop_map(
        |(b1, title, b2, b3, author, b4)| {
            let line = format!("{b1}{title}{b2},{b3}{author}{b4}");
            (line, LineFate::Book(title, author))
        },
    );
    // A long line: a title of about 500 characters (stored up to 500, too long past it).
    let long = (450usize..560, words(3)).prop_map(|(length, author)| {
        let title: String = "Lorem{ipsum}[dolor]\"sit\"amet📚é "
            .chars()
            .cycle()
            .take(length - 1)
            .chain(['x'])
            .collect();
        let fate = match length {
            ..=500 => LineFate::Book(title.clone(), author.clone()),
            _ => LineFate::Refused(format!(
                ", column “title”: Title is too long: {length} characters, at most 500 are \
                 allowed."
            )),
        };
        (format!("{title},{author}"), fate)
    });
    // Too few or too many fields (a line of spaces is one field).
    let count = prop_oneof![
        words(8).prop_map(|text| (text, 1)),
        select(&[" ", "\t", "  \u{a0}"][..]).prop_map(|text| (text.to_owned(), 1)),
        vec(words(3), 3..6).prop_map(|fields| {
            let found = fields.len();
            (fields.join(","), found)
        }),
    ]
    .prop_map(|(line, found)| (line, LineFate::Refused(field_count(found))));
    // A title or an author of nothing but spaces.
    let empty = (blank(), words(4), any::<bool>()).prop_map(|(blank, text, title_empty)| {
        if title_empty {
            let message = ", column “title”: Title is required.".to_owned();
            (format!("{blank},{text}"), LineFate::Refused(message))
        } else {
            let message = ", column “author”: Author is required.".to_owned();
            (format!("{text},{blank}"), LineFate::Refused(message))
        }
    });
    // A control character inside the title.
    let control = (
        blank(),
        words(3),
        select(
            &[
                '\u{1}', '\u{7}', '\u{1b}', '\u{7f}', '\u{9b}', '\t', '\u{b}', '\u{c}', '\u{85}',
            ][..],
        ),
        words(3),
        words(3),
    )
        .prop_map(|(blank, before, control, after, author)| {
            let position = before.chars().count() + 1;
            let message = format!(
                ", column “title”: Title contains an invisible control character (at character \
                 {position}); use plain text on one line."
            );
            let line = format!("{blank}{before}{control}{after},{author}");
            (line, LineFate::Refused(message))
        });
    // A quoted title with a comma and doubled quotes inside.
    let quoted = (words(4), words(3), words(3)).prop_map(|(first, second, author)| {
        let title = format!("{first}, {second}");
        let line = format!("\"{}\",{author}", title.replace('"', "\"\""));
        (line, LineFate::Book(title, author))
    });
    // A blank line.
    let skipped = Just((String::new(), LineFate::Skipped));
    prop_oneof![
        6 => book,
        1 => long,
        2 => count,
        2 => empty,
        2 => control,
        2 => quoted,
        1 => skipped,
    ]
}

/// A file of prose and what the Import control must say of it: the books and refusals (by line),
/// or the message refusing it whole.
#[derive(Debug, Clone)]
struct Prose {
    bytes: Vec<u8>,
    expected: Result<Vec<(u64, LineFate)>, String>,
}

/// Where `at` (a byte offset) is in `text`: its line and column (1-based, in characters), as an
/// editor counts them (LF, CR LF and a lone CR each end a line).
fn place(text: &str, at: usize) -> (u64, u64) {
    let before = &text[..at];
    let line_start = before.rfind(['\n', '\r']).map_or(0, |end| end + 1);
    let column = before[line_start..].chars().count() as u64 + 1;
    (line_count(before.as_bytes()), column)
}

/// Text after a closing quote: the whole file is refused there.
fn after_quote() -> impl Strategy<Value = (String, LineFate)> {
    let stray = select(&['x', ' ', '{', '\'', 'é'][..]);
    (words(3), words(3), stray, words(3)).prop_map(|(title, quoted, stray, rest)| {
        let quoted = quoted.replace('"', "");
        let line = format!("{title},\"{quoted}\"{stray}{rest}");
        let at = title.len() + quoted.len() + 3;
        (line, LineFate::Breaks(at, text_after_quote))
    })
}

/// `title,author` in some spelling, then prose rows; in a tenth of the files, a row with text
/// after a closing quote; in another tenth, a last line whose quote is never closed.
fn csv_of_prose() -> impl Strategy<Value = (String, Result<Vec<(u64, LineFate)>, String>)> {
    let header = select(
        &[
            "title,author",
            "Title,Author",
            " TITLE , author ",
            "title,\tAuthor",
        ][..],
    );
    let unclosed = proptest::option::weighted(0.1, (words(3), words(4)));
    let broken = proptest::option::weighted(0.1, (any::<prop::sample::Index>(), after_quote()));
    let rows = (vec((prose_row(), line_end()), 0..12), broken, line_end()).prop_map(
        |(mut rows, broken, end)| {
            if let Some((at, row)) = broken {
                rows.insert(at.index(rows.len() + 1), (row, end));
            }
            rows
        },
    );
    (header, rows, unclosed).prop_map(|(header, rows, unclosed)| {
        let mut text = format!("{header}\n");
        let mut fates = Vec::new();
        let mut broken = None;
        for ((line, fate), end) in rows {
            let start = text.len();
            text.push_str(&line);
            text.push_str(end);
            if let (LineFate::Breaks(at, message), None) = (&fate, &broken) {
                let (line, column) = place(&text, start + at);
                broken = Some(message(line, column));
            }
            fates.push((line_count(&text.as_bytes()[..start]), fate));
        }
        if let Some((title, rest)) = unclosed {
            let start = text.len();
            text.push_str(&format!("{title},\"{}", rest.replace('"', "")));
            if broken.is_none() {
                let (line, column) = place(&text, start + title.len() + 1);
                broken = Some(unclosed_quote(line, column));
            }
        }
        (text, broken.map_or(Ok(fates), Err))
    })
}

/// A first line of prose (no quote opens a field, no name Bookshelf or Goodreads reads): the
/// file is no CSV Bookshelf knows, whatever follows.
fn prose_header() -> impl Strategy<Value = (String, Result<Vec<(u64, LineFate)>, String>)> {
    let names = vec((blank(), words(3), blank()), 1..6).prop_filter(
        "no column Bookshelf or Goodreads reads",
        |names| {
            names.iter().all(|(_, name, _)| {
                let read = crate::transfer::csv::READ
                    .iter()
                    .chain(crate::transfer::goodreads::NAMES.iter());
                !read.clone().any(|column| column.eq_ignore_ascii_case(name))
            }) && !names[0].1.starts_with(['{', '['])
        },
    );
    let rest = vec(
        (
            words(8),
            select(&["", "\"", "{", ",", "\u{7}"][..]),
            line_end(),
        ),
        0..4,
    );
    (names, line_end(), rest).prop_map(|(names, end, rest)| {
        let line: Vec<String> = names
            .iter()
            .map(|(before, name, after)| format!("{before}{name}{after}"))
            .collect();
        let named: Vec<&str> = names.iter().map(|(_, name, _)| name.as_str()).collect();
        let mut text = format!("{}{end}", line.join(","));
        for (words, odd, end) in rest {
            text.push_str(&format!("{odd}{words}{odd}{end}"));
        }
        let message = format!(
            "This CSV has no Title or Author column, so it is neither a Bookshelf nor a Goodreads \
             export. Its first line names: {}. Nothing was imported.",
            named.join(", ")
        );
        (text, Err(message))
    })
}

/// A stray brace first: the file is taken for JSON, and is not a list of books.
fn stray_brace() -> impl Strategy<Value = (String, Result<Vec<(u64, LineFate)>, String>)> {
    let before = select(&["", "\n", "  ", "\r\n\t", "\r \n "][..]);
    (before, words(6), vec((words(6), line_end()), 0..3)).prop_map(|(before, first, rest)| {
        let mut text = format!("{before}{{{first}");
        for (words, end) in rest {
            text.push_str(end);
            text.push_str(&words);
        }
        let (line, column) = place(&text, before.len());
        let message = format!(
            "This JSON is not a list of books (line {line}, column {column}): a Bookshelf export \
             is an array, [ {{…}}, {{…}} ]. Nothing was imported."
        );
        (text, Err(message))
    })
}

/// A file of prose, perhaps after a byte order mark (which is dropped).
fn prose() -> impl Strategy<Value = Prose> {
    let kind = prop_oneof![7 => csv_of_prose(), 1 => prose_header(), 1 => stray_brace()];
    (any::<bool>(), kind).prop_map(|(bom, (text, expected))| {
        let mut bytes = if bom { BOM.to_vec() } else { Vec::new() };
        bytes.extend_from_slice(text.as_bytes());
        Prose { bytes, expected }
    })
}

/// UTF-8's byte order mark.
const BOM: &[u8] = b"\xef\xbb\xbf";

proptest! {
    #![proptest_config(config(128))]

    /// Text that is neither CSV nor JSON is refused whole where it breaks, naming the line and
    /// column, or read row by row: each book stored exactly, each bad row refused naming its line
    /// (and column) with the message a person reads.
    #[test]
    fn prose_is_refused_where_it_breaks_or_read_row_by_row(
        prose in prose(),
        budget in prop_oneof![Just(1usize), 1usize..5_000],
    ) {
        let outcome = import(prose.bytes.clone(), budget);
        let fates = match &prose.expected {
            Ok(fates) => fates,
            Err(expected) => {
                let report = outcome.as_ref().map(|imported| &imported.report);
                prop_assert_eq!(report.err(), Some(expected));
                return Ok(());
            }
        };
        let imported = match outcome {
            Ok(imported) => imported,
            Err(message) => return Err(TestCaseError::fail(format!("refused whole: {message}"))),
        };
        let report = &imported.report;
        prop_assert_eq!(report.format, Format::Csv);
        let mut books = Vec::new();
        let mut refused = Vec::new();
        for (line, fate) in fates {
            match fate {
                LineFate::Book(title, author) => {
                    books.push((*line, NewBook::new(title.clone(), author.clone(), "")));
                }
                LineFate::Refused(message) => refused.push(format!("Line {line}{message}")),
                LineFate::Skipped | LineFate::Breaks(..) => {}
            }
        }
        let read: Vec<(u64, NewBook)> =
            report.books.iter().map(|c| (c.line, (*c.book).clone())).collect();
        prop_assert_eq!(read, books.clone());
        let said: Vec<String> = report.refused.iter().map(ToString::to_string).collect();
        prop_assert_eq!(said, refused);
        let added: Vec<NewBook> = books.into_iter().map(|(_, book)| book).collect();
        prop_assert_eq!(&imported.plan.added, &added);
    }
}

// ---------------------------------------------------------------------------------------------
// Bytes.

/// What the decoder makes of a file's bytes, by its rules: the text a reader gets, or the
/// message refusing the file, or the place the bytes stop being UTF-8 (after the text before
/// it, which a reader gets first and may refuse on its own).
#[derive(Debug)]
pub(super) enum Decoded {
    Text(String),
    Refused(String),
    NotUtf8 { before: String, message: String },
}

/// The decoder's rules: an empty file is empty; a NUL in the first 8 KB makes a file binary; a
/// byte order mark first is dropped; the first byte that is not UTF-8 is refused at its line and
/// column (a file that goes wrong in its first four bytes, of more than four, is taken for
/// binary); text of nothing but whitespace is empty.
pub(super) fn decoded(bytes: &[u8]) -> Decoded {
    const EMPTY: &str = "The file is empty: there is nothing to import. Nothing was imported.";
    if bytes.is_empty() {
        return Decoded::Refused(EMPTY.to_owned());
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Decoded::Refused(NOT_A_TEXT_FILE.to_owned());
    }
    let text = bytes.strip_prefix(BOM).unwrap_or(bytes);
    match std::str::from_utf8(text) {
        Ok(text) if text.chars().all(char::is_whitespace) => Decoded::Refused(EMPTY.to_owned()),
        Ok(text) => Decoded::Text(text.to_owned()),
        Err(error) => {
            let good = &text[..error.valid_up_to()];
            let before = String::from_utf8_lossy(good).into_owned();
            let (line, column) = place(&before, before.len());
            let offset = bytes.len() - text.len() + good.len();
            let message = if offset < 4 && bytes.len() > 4 {
                format!(
                    "This is not a text file (line {line}, column {column}): choose a JSON or CSV \
                     file, such as a Bookshelf export or a Goodreads library export. Nothing was \
                     imported."
                )
            } else {
                format!(
                    "The file is not UTF-8 text (line {line}, column {column}): save it as UTF-8 \
                     (in a spreadsheet, “CSV UTF-8”) and import it again. Nothing was imported."
                )
            };
            Decoded::NotUtf8 { before, message }
        }
    }
}

/// What reading `text`, and no more yet, refuses the file for, if anything.
fn refused_before_the_end(text: &str) -> Option<String> {
    let mut reader = Reader::new();
    if let Err(error) = reader.push(text) {
        return Some(error.to_string());
    }
    loop {
        match reader.read(1 << 20) {
            Err(error) => return Some(error.to_string()),
            Ok(ReadStep::Paused) => {}
            Ok(ReadStep::NeedsText | ReadStep::Finished) => return None,
        }
    }
}

/// Checks what the Import control made of `bytes` (`outcome`) against the decoder's rules: the
/// exact refusal, or the report the text read whole gives.
pub(super) fn check_decoded(
    bytes: &[u8],
    outcome: &Result<Imported, String>,
) -> Result<(), TestCaseError> {
    match (decoded(bytes), outcome) {
        (Decoded::Refused(expected), Err(message)) => prop_assert_eq!(message, &expected),
        (
            Decoded::NotUtf8 {
                before,
                message: expected,
            },
            Err(message),
        ) => {
            let expected = refused_before_the_end(&before).unwrap_or(expected);
            prop_assert_eq!(message, &expected);
        }
        (Decoded::Text(text), outcome) => {
            let whole = read_all(&text).map_err(|error| error.to_string());
            let got = outcome.as_ref().map(|imported| &imported.report);
            prop_assert_eq!(got, whole.as_ref());
        }
        (expected, Ok(imported)) => {
            return Err(TestCaseError::fail(format!(
                "{expected:?} was due, and the file was read: {:?}",
                imported.report
            )))
        }
    }
    Ok(())
}

/// Bytes that are nearly text: prose with a few bytes changed, put in or taken out — some of
/// them NUL, some not UTF-8 — and sometimes cut inside a character.
pub(super) fn nearly_text() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        6 => 0x80u8..=0xff,
        1 => Just(0u8),
        5 => any::<u8>(),
    ];
    (
        prose(),
        vec((any::<prop::sample::Index>(), 0u8..3, byte), 0..4),
        proptest::option::weighted(0.2, any::<prop::sample::Index>()),
    )
        .prop_map(|(prose, edits, cut)| {
            let mut bytes = prose.bytes;
            for (at, kind, byte) in edits {
                let at = at.index(bytes.len() + 1);
                match kind {
                    0 if at < bytes.len() => bytes[at] = byte,
                    1 => bytes.insert(at, byte),
                    _ if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    _ => {}
                }
            }
            if let Some(cut) = cut {
                bytes.truncate(cut.index(bytes.len() + 1));
            }
            bytes
        })
}

/// Prose as bytes, for the properties that read any file.
pub(super) fn prose_bytes() -> impl Strategy<Value = Vec<u8>> {
    prose().prop_map(|prose| prose.bytes)
}
