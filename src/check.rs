//! What a "Do I own this?" text asks: an ISBN (13 or 10 digits, with or without hyphens and
//! spaces, each form found by the other), an ISBN still being typed, or words of a title and
//! author. Plain Rust.

use crate::book::{isbn10_check_digit, normalize_isbn, IsbnError};

/// Texts of digits shorter than this are words (a year, "1984"), not an ISBN being typed.
const ISBN_TYPING_FROM: usize = 5;

/// What a text asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Nothing typed yet.
    Nothing,
    /// A valid ISBN, as the 13 digits of an ISBN-13.
    Isbn(String),
    /// Digits that may become an ISBN: this many so far.
    TypingIsbn(usize),
    /// Ten or thirteen digits that are not an ISBN.
    NotAnIsbn(IsbnError),
    /// Words of a title and author.
    Words(String),
}

impl Question {
    /// What `text` asks.
    pub fn of(text: &str) -> Question {
        let text = text.trim();
        if text.is_empty() {
            return Question::Nothing;
        }
        let digits = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{2010}'..='\u{2014}'))
            .count();
        let isbn_like = text.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, ' ' | '-' | 'x' | 'X' | '\u{2010}'..='\u{2014}')
        }) && text.chars().filter(|c| matches!(c, 'x' | 'X')).count() <= 1
            && text.chars().next().is_some_and(|c| c.is_ascii_digit());
        if !isbn_like || digits < ISBN_TYPING_FROM {
            return Question::Words(text.to_owned());
        }
        match digits {
            10 | 13 => match normalize_isbn(text) {
                Ok(isbn) => Question::Isbn(isbn),
                // Ten digits may be the start of thirteen.
                Err(_) if digits == 10 => Question::TypingIsbn(digits),
                Err(error) => Question::NotAnIsbn(error),
            },
            n if n < 13 => Question::TypingIsbn(n),
            _ => Question::NotAnIsbn(IsbnError::WrongLength { digits }),
        }
    }
}

/// The ISBN-10 of an ISBN-13 that has one (those starting 978), with its check digit.
pub fn isbn10_of(isbn13: &str) -> Option<String> {
    let body = isbn13.strip_prefix("978")?.get(..9)?;
    let digits: Vec<u8> = body
        .bytes()
        .map(|b| b.is_ascii_digit().then(|| b - b'0'))
        .collect::<Option<_>>()?;
    let check = match isbn10_check_digit(&digits) {
        10 => 'X',
        n => char::from(b'0' + n),
    };
    Some(format!("{body}{check}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbns_in_any_form_are_isbns() {
        let hobbit = Question::Isbn("9780261103344".to_owned());
        assert_eq!(Question::of("9780261103344"), hobbit);
        assert_eq!(Question::of(" 978-0-261-10334-4 "), hobbit);
        assert_eq!(Question::of("978 0 261 10334 4"), hobbit);
        assert_eq!(Question::of("0261103342"), hobbit);
        assert_eq!(Question::of("0-261-10334-2"), hobbit);
        // An ISBN-10 ending in X.
        assert_eq!(
            Question::of("0-8044-2957-X"),
            Question::Isbn("9780804429573".to_owned())
        );
        assert_eq!(
            Question::of("080442957x"),
            Question::Isbn("9780804429573".to_owned())
        );
    }

    #[test]
    fn digits_on_their_way_to_an_isbn_wait() {
        assert_eq!(Question::of("97802"), Question::TypingIsbn(5));
        assert_eq!(Question::of("978-0-261"), Question::TypingIsbn(7));
        // Ten digits that are no ISBN-10 may still become an ISBN-13.
        assert_eq!(Question::of("9780261103"), Question::TypingIsbn(10));
        assert!(matches!(
            Question::of("9780261103345"),
            Question::NotAnIsbn(IsbnError::CheckDigit { .. })
        ));
        assert!(matches!(
            Question::of("97802611033445"),
            Question::NotAnIsbn(IsbnError::WrongLength { digits: 14 })
        ));
    }

    #[test]
    fn words_and_short_numbers_are_words() {
        assert_eq!(Question::of(""), Question::Nothing);
        assert_eq!(Question::of("   "), Question::Nothing);
        assert_eq!(
            Question::of(" hobit tolkein "),
            Question::Words("hobit tolkein".to_owned())
        );
        assert_eq!(Question::of("1984"), Question::Words("1984".to_owned()));
        assert_eq!(
            Question::of("catch-22"),
            Question::Words("catch-22".to_owned())
        );
        assert_eq!(
            Question::of("x123456"),
            Question::Words("x123456".to_owned())
        );
    }

    #[test]
    fn isbn13_gives_its_isbn10() {
        assert_eq!(isbn10_of("9780261103344").as_deref(), Some("0261103342"));
        assert_eq!(isbn10_of("9780804429573").as_deref(), Some("080442957X"));
        assert_eq!(isbn10_of("9791234567896"), None);
    }
}
