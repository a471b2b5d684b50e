//! Spreadsheet-safe CSV text (OWASP's advice on CSV injection): a cell that starts with `=`, `+`,
//! `-`, `@`, a tab or a carriage return is a formula to a spreadsheet, so an export writes such
//! text behind a single quote, which spreadsheets show as text. The escape is reversible: it also
//! applies to text that already starts with quotes before such a character, and Bookshelf's CSV
//! reader takes one quote off exactly the cells that have one more than the text did.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// True when `text`, after any leading single quotes, starts with a formula character.
fn quotes_then_trigger(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(TRIGGERS)
}

/// `text` as a CSV cell a spreadsheet shows as text: a single quote put before text that matches
/// `^'*[=+\-@\t\r]`; any other text as it is.
pub(super) fn escape(text: &str) -> Cow<'_, str> {
    if quotes_then_trigger(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A Bookshelf CSV cell's text: one leading single quote taken off a cell that matches
/// `^'+[=+\-@\t\r]` (what [`escape`] wrote); any other cell as it is.
pub(super) fn unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if quotes_then_trigger(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_written_behind_a_quote() {
        for (text, written) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("+1", "'+1"),
            ("-5 ways", "'-5 ways"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=1", "''=1"),
            ("'''-", "''''-"),
        ] {
            assert_eq!(escape(text), written, "{text:?}");
        }
    }

    #[test]
    fn other_text_is_written_as_it_is() {
        for text in [
            "Dune", "", "'", "''", "'quoted'", "a=b", " =1", "1-2", "#1", "€=", "'x=1",
        ] {
            assert!(
                matches!(escape(text), Cow::Borrowed(t) if t == text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn reading_takes_off_exactly_one_quote_before_a_formula() {
        assert_eq!(unescape("'=1+2"), "=1+2");
        assert_eq!(unescape("''@x"), "'@x");
        assert_eq!(unescape("'-5 ways"), "-5 ways");
        for cell in ["=1+2", "'", "''", "'quoted'", "'x=1", " '=1", "Dune", ""] {
            assert_eq!(unescape(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn unescaping_what_was_escaped_gives_the_text_back() {
        let starts = ["", "'", "''", "'''"];
        let seconds = ["=", "+", "-", "@", "\t", "\r", "x", " ", "'", "é", ""];
        for start in starts {
            for second in seconds {
                for end in ["", "1+1", "=", "'"] {
                    let text = format!("{start}{second}{end}");
                    assert_eq!(unescape(&escape(&text)), text, "{text:?}");
                }
            }
        }
    }
}
