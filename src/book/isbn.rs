//! ISBNs: ISBN-10 and ISBN-13 checked by their check digit and normalized to the 13 digits of an
//! ISBN-13 (an ISBN-10 is converted), so that one book has one key however it was written.

use std::fmt;

/// Why a text is not an ISBN.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IsbnError {
    /// Neither 10 nor 13 digits once spaces and hyphens are dropped.
    WrongLength {
        /// How many digits (and X) there are.
        digits: usize,
    },
    /// A character that has no place in an ISBN.
    NotADigit {
        /// The character.
        character: char,
        /// Its position in the text (1-based, in characters).
        position: usize,
    },
    /// The last digit does not match the others: a typo somewhere.
    CheckDigit {
        /// The check digit the other digits call for.
        expected: char,
        /// The check digit written.
        found: char,
    },
    /// Thirteen digits that do not start with 978 or 979 (a barcode, not an ISBN).
    NotBookland,
}

impl fmt::Display for IsbnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IsbnError::WrongLength { digits } => write!(
                f,
                "an ISBN has 10 or 13 digits, this has {digits} (spaces and hyphens do not count)"
            ),
            IsbnError::NotADigit {
                character,
                position,
            } => write!(
                f,
                "“{character}” (character {position}) cannot be part of an ISBN: use digits, \
                 hyphens, and X only as the last character of an ISBN-10"
            ),
            IsbnError::CheckDigit { expected, found } => write!(
                f,
                "the check digit is {found} but the other digits call for {expected}: \
                 look for a mistyped digit"
            ),
            IsbnError::NotBookland => write!(f, "an ISBN-13 starts with 978 or 979"),
        }
    }
}

impl std::error::Error for IsbnError {}

/// The ISBN-13 check digit of its first twelve digits.
fn check13(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .take(12)
        .enumerate()
        .map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// The ISBN-10 check digit of its first nine digits (10 is written X); also what turns an
/// ISBN-13 back into its ISBN-10 (`check::isbn10_of`).
pub(crate) fn check10(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .take(9)
        .enumerate()
        .map(|(i, d)| u32::from(*d) * (10 - i as u32))
        .sum();
    ((11 - sum % 11) % 11) as u8
}

fn digit_char(digit: u8) -> char {
    if digit == 10 {
        'X'
    } else {
        char::from(b'0' + digit)
    }
}

/// Checks an ISBN-10 or ISBN-13 and returns it as the 13 digits of an ISBN-13.
///
/// Spaces and hyphens are ignored; a trailing `x` or `X` is the ISBN-10 check digit ten.
pub fn normalize(text: &str) -> Result<String, IsbnError> {
    let mut digits: Vec<u8> = Vec::with_capacity(13);
    let written: Vec<char> = text.chars().collect();
    for (index, &c) in written.iter().enumerate() {
        match c {
            '0'..='9' => digits.push(c as u8 - b'0'),
            'x' | 'X' if written[index + 1..].iter().all(|c| matches!(c, ' ' | '-')) => {
                digits.push(10)
            }
            ' ' | '-' => {}
            _ => {
                return Err(IsbnError::NotADigit {
                    character: c,
                    position: index + 1,
                })
            }
        }
    }
    let (expected, found) = match digits.len() {
        10 => (check10(&digits), digits[9]),
        13 => (check13(&digits), digits[12]),
        digits => return Err(IsbnError::WrongLength { digits }),
    };
    if expected != found {
        return Err(IsbnError::CheckDigit {
            expected: digit_char(expected),
            found: digit_char(found),
        });
    }
    if digits.len() == 10 {
        let mut thirteen = vec![9, 7, 8];
        thirteen.extend_from_slice(&digits[..9]);
        thirteen.push(check13(&thirteen));
        digits = thirteen;
    } else if !(digits[..3] == [9, 7, 8] || digits[..3] == [9, 7, 9]) {
        return Err(IsbnError::NotBookland);
    }
    Ok(digits.into_iter().map(digit_char).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbn_13_is_kept_and_hyphens_dropped() {
        assert_eq!(normalize("9780141026169").as_deref(), Ok("9780141026169"));
        assert_eq!(
            normalize(" 978-0-14-102616-9 ").as_deref(),
            Ok("9780141026169")
        );
        assert_eq!(
            normalize("979-10-90636-07-1").as_deref(),
            Ok("9791090636071")
        );
    }

    #[test]
    fn isbn_10_is_converted() {
        assert_eq!(normalize("0141026162").as_deref(), Ok("9780141026169"));
        assert_eq!(normalize("0-393-31276-3").as_deref(), Ok("9780393312768"));
        // X is the check digit ten.
        assert_eq!(normalize("080442957X").as_deref(), Ok("9780804429573"));
        assert_eq!(normalize("080442957x").as_deref(), Ok("9780804429573"));
    }

    #[test]
    fn a_wrong_check_digit_says_which_was_expected() {
        assert_eq!(
            normalize("9780141026160"),
            Err(IsbnError::CheckDigit {
                expected: '9',
                found: '0'
            })
        );
        assert_eq!(
            normalize("0141026163"),
            Err(IsbnError::CheckDigit {
                expected: '2',
                found: '3'
            })
        );
        let message = normalize("0141026163").unwrap_err().to_string();
        assert!(message.contains("mistyped"), "{message}");
    }

    #[test]
    fn other_text_is_refused_with_a_reason() {
        assert_eq!(
            normalize("12345"),
            Err(IsbnError::WrongLength { digits: 5 })
        );
        assert_eq!(
            normalize("978014102616a"),
            Err(IsbnError::NotADigit {
                character: 'a',
                position: 13
            })
        );
        assert!(matches!(
            normalize("97X0141026169"),
            Err(IsbnError::NotADigit { character: 'X', .. })
        ));
        // An EAN-13 with a valid check digit that is not a book.
        assert_eq!(normalize("4006381333931"), Err(IsbnError::NotBookland));
    }
}
