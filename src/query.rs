//! Sorting and matching keys: how titles, authors and genres compare for people (case- and
//! accent-insensitive). Plain Rust; the store keeps these keys beside each book so that its
//! indexes sort the way a person expects.

include!(concat!(env!("OUT_DIR"), "/fold_tables.rs"));

/// True for a combining mark (an accent written as its own character).
fn is_mark(c: char) -> bool {
    let code = c as u32;
    MARKS
        .binary_search_by(|&(start, end)| {
            if end < code {
                std::cmp::Ordering::Less
            } else if start > code {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The letter `c` is made from, without its accents ('é' gives 'e'); `c` itself otherwise.
fn base_of(c: char) -> char {
    let code = c as u32;
    match BASES.binary_search_by_key(&code, |&(from, _)| from) {
        Ok(at) => char::from_u32(BASES[at].1).unwrap_or(c),
        Err(_) => c,
    }
}

use std::cmp::Ordering;

use crate::book::{Book, BookId, Date, Format, Series, Stars, Status, MIN_YEAR};

/// The column the catalogue is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortField {
    /// By id: the order books were added in.
    Id,
    /// By folded title.
    Title,
    /// By folded author.
    Author,
    /// By folded genre.
    Genre,
    /// By status, in reading order (none first).
    Status,
    /// By rating (unrated first).
    Rating,
    /// By the day the last reading finished (never finished first).
    Read,
    /// By folded series name, then number in series (no series first).
    Series,
    /// By page count (unknown first).
    Pages,
    /// By publication year (unknown first).
    Year,
}

impl SortField {
    /// Every sort the store keeps an index for.
    pub const ALL: [SortField; 10] = [
        SortField::Id,
        SortField::Title,
        SortField::Author,
        SortField::Genre,
        SortField::Status,
        SortField::Rating,
        SortField::Read,
        SortField::Series,
        SortField::Pages,
        SortField::Year,
    ];
}

/// The sort text of a status: its place in reading order, empty for none.
pub fn status_key(status: Option<Status>) -> String {
    let place = |status| Status::ALL.iter().position(|s| *s == status).unwrap_or(0) + 1;
    status.map(|s| place(s).to_string()).unwrap_or_default()
}

/// The sort text of a rating: its quarter stars on two digits, empty for none.
pub fn rating_key(rating: Option<Stars>) -> String {
    rating
        .map(|stars| format!("{:02}", stars.quarters()))
        .unwrap_or_default()
}

/// The sort text of a day (year-month-day sorts as text), empty for none.
pub fn date_key(day: Option<Date>) -> String {
    day.map(|day| day.to_string()).unwrap_or_default()
}

/// The sort text of a series: the folded name, a separator below every letter, and the number
/// in hundredths on eight digits (none before 0); empty for no series.
pub fn series_key(series: Option<&Series>) -> String {
    let Some(series) = series else {
        return String::new();
    };
    let mut key = fold(&series.name);
    key.push('\u{1}');
    if let Some(number) = series.number {
        key.push_str(&format!("{:08}", number.hundredths()));
    }
    key
}

/// The sort text of a count (pages): on six digits, empty for none.
pub fn count_key(count: Option<u32>) -> String {
    count.map(|n| format!("{n:06}")).unwrap_or_default()
}

/// The sort text of a year: years since [`MIN_YEAR`] on five digits, empty for none.
pub fn year_key(year: Option<i32>) -> String {
    year.map(|year| format!("{:05}", i64::from(year) - i64::from(MIN_YEAR)))
        .unwrap_or_default()
}

/// Which way a sort runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// A to Z, smallest id first.
    Ascending,
    /// Z to A, largest id first.
    Descending,
}

/// How the catalogue is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sort {
    /// The column.
    pub field: SortField,
    /// The direction.
    pub direction: Direction,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            field: SortField::Id,
            direction: Direction::Ascending,
        }
    }
}

impl Sort {
    /// The sort a click on `field`'s header gives: that column ascending, or reversed if it already was.
    pub fn toggled(self, field: SortField) -> Sort {
        let direction = match (self.field == field, self.direction) {
            (true, Direction::Ascending) => Direction::Descending,
            _ => Direction::Ascending,
        };
        Sort { field, direction }
    }

    /// Where `book` stands in this sort (ignoring direction).
    pub fn key_of(&self, book: &Book) -> SortKey {
        let text = match self.field {
            SortField::Id => String::new(),
            SortField::Title => fold(&book.title),
            SortField::Author => fold(&book.author),
            SortField::Genre => fold(&book.genre),
            SortField::Status => status_key(book.status),
            SortField::Rating => rating_key(book.rating),
            SortField::Read => date_key(book.last_read()),
            SortField::Series => series_key(book.series.as_ref()),
            SortField::Pages => count_key(book.pages),
            SortField::Year => year_key(book.year),
        };
        SortKey { text, id: book.id }
    }
}

/// A position in a sort: the folded text of the sorted column (empty for id order), then the id.
/// Ordered as the store's indexes order `[text, id]` (text by UTF-16 code units, see [`cmp_utf16`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortKey {
    /// The folded value of the sorted column.
    pub text: String,
    /// The book's id, which breaks ties.
    pub id: BookId,
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_utf16(&self.text, &other.text).then(self.id.cmp(&other.id))
    }
}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Orders two texts as IndexedDB orders string keys: by UTF-16 code units, not by Rust's UTF-8
/// bytes (or chars). The two disagree only when one text has a character above U+FFFF (an emoji,
/// written as two surrogates from U+D800) where the other has one from U+E000 to U+FFFF (a
/// fullwidth letter, say): by code units the emoji comes first, by bytes last. Every order kept
/// in Rust that the indexes also keep (search results, sort keys) must use this one.
pub fn cmp_utf16(a: &str, b: &str) -> Ordering {
    cmp_utf16_bytes(a.as_bytes(), b.as_bytes())
}

/// [`cmp_utf16`] for texts held as UTF-8 bytes (the search index's fields), at the speed of a
/// byte comparison: the texts agree up to their first differing byte, so both are at the start of
/// a character there, and only lead bytes `EE`–`EF` (U+E000–U+FFFF) against `F0`–`F4` (U+10000
/// and up) order otherwise in UTF-16; those are swapped.
pub fn cmp_utf16_bytes(a: &[u8], b: &[u8]) -> Ordering {
    // EE and EF move past F4 (the last lead byte); no other byte moves.
    let unit_order = |byte: u8| match byte {
        0xEE | 0xEF => byte + 7,
        _ => byte,
    };
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(at) => unit_order(a[at]).cmp(&unit_order(b[at])),
        None => a.len().cmp(&b.len()),
    }
}

/// Where a page starts, in the sort's own direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStart {
    /// At this row (0 is the first row in the sort's direction).
    Position(u64),
    /// The page whose last row is this many rows before the end (0: the page ends with the last
    /// row). Jumps near the end go this way: a cursor walks from the nearer end.
    FromEnd(u64),
    /// Right after the row with this key (the last row of the page before).
    After(SortKey),
}

/// What the catalogue is narrowed to: folded search text, and any of a genre, a status, a tag,
/// a format, a series and "on loan", all of which a book must pass.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// Matches anywhere in title, author, genre, tags, series, location or borrower (folded);
    /// empty matches everything.
    pub text: String,
    /// Only books of this genre (its folded key), if set.
    pub genre: Option<String>,
    /// Only books with this status, if set.
    pub status: Option<Status>,
    /// Only books with this tag (its folded key), if set.
    pub tag: Option<String>,
    /// Only books of this format, if set.
    pub format: Option<Format>,
    /// Only books of this series (its folded name), if set.
    pub series: Option<String>,
    /// Only books with a copy out on loan.
    pub on_loan: bool,
}

impl Filter {
    /// A filter from what the person typed and picked.
    pub fn new(text: &str, genre: Option<&str>) -> Self {
        Filter {
            text: fold(text),
            genre: genre.map(fold),
            ..Filter::default()
        }
    }

    /// True when the filter lets every book through.
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// The key a text sorts and matches by: decomposed, accents dropped, lowercased, spaces collapsed.
///
/// "Émile  Zola" and "emile zola" give the same key, so they sort together and either finds the other.
pub fn fold(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    let mut pending_space = false;
    // ASCII has no marks and is its own base: only the rest is looked up in the tables.
    let folded = |c: char| match c.is_ascii() {
        true => Some(c),
        false => (!is_mark(c)).then(|| base_of(c)),
    };
    for c in text.chars().filter_map(folded) {
        if c.is_whitespace() {
            pending_space = !key.is_empty();
            continue;
        }
        if pending_space {
            key.push(' ');
            pending_space = false;
        }
        key.extend(c.to_lowercase());
    }
    key
}

/// "1 book", "3 books": the count as a person reads it.
pub fn count_label(count: u64) -> String {
    match count {
        1 => "1 book".to_owned(),
        n => format!("{n} books"),
    }
}

/// "12 of 300 books" when a filter narrows the catalogue, else the plain count.
pub fn result_label(shown: u64, total: u64, filtered: bool) -> String {
    if filtered {
        format!("{shown} of {}", count_label(total))
    } else {
        count_label(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_clicks_toggle_direction() {
        let sort = Sort::default().toggled(SortField::Title);
        assert_eq!(sort.direction, Direction::Ascending);
        let again = sort.toggled(SortField::Title);
        assert_eq!(again.direction, Direction::Descending);
        assert_eq!(
            again.toggled(SortField::Author).direction,
            Direction::Ascending
        );
    }

    #[test]
    fn filters_fold_their_text() {
        let filter = Filter::new("  TOLKIÉN ", Some("Fantasy"));
        assert_eq!(filter.text, "tolkien");
        assert_eq!(filter.genre.as_deref(), Some("fantasy"));
        assert!(Filter::new(" ", None).is_empty());
        assert_eq!(result_label(2, 3, true), "2 of 3 books");
        assert_eq!(result_label(3, 3, false), "3 books");
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(count_label(0), "0 books");
        assert_eq!(count_label(1), "1 book");
        assert_eq!(count_label(3), "3 books");
    }

    #[test]
    fn fold_ignores_case_accents_and_extra_spaces() {
        assert_eq!(fold("  Émile   ZOLA "), "emile zola");
        assert_eq!(fold("Ångström"), "angstrom");
        assert_eq!(fold("Straße"), "straße");
        assert_eq!(
            fold("e\u{301}cole"),
            "ecole",
            "a separate accent is dropped too"
        );
        assert_eq!(fold("Ǖ Ḝ ỗ Ώ"), "u e o ω", "several accents, other scripts");
    }

    #[test]
    fn fold_keeps_non_latin_scripts() {
        assert_eq!(fold("Лев Толстой"), "лев толстои");
        assert_eq!(fold("村上春樹"), "村上春樹");
        assert_eq!(fold("שלום"), "שלום");
    }

    #[test]
    fn text_is_ordered_by_utf16_code_units_as_indexeddb_orders_it() {
        use Ordering::{Equal, Greater, Less};
        // Plain letters, accents folded away, prefixes: the same in every order.
        assert_eq!(cmp_utf16("apple", "banana"), Less);
        assert_eq!(cmp_utf16("zola", "zola"), Equal);
        assert_eq!(cmp_utf16("anne", "ann"), Greater);
        // "📚" (U+1F4DA) is the surrogates D83D DCDA in UTF-16; "Ａ" (fullwidth A, U+FF21) is
        // the single unit FF21. IndexedDB puts the book emoji first; UTF-8 bytes (F0… against
        // EF…) and chars (1F4DA against FF21) would put it last.
        assert_eq!(cmp_utf16("📚", "Ａ"), Less);
        assert_eq!("📚".cmp("Ａ"), Greater, "what Rust's own order says");
        assert_eq!(cmp_utf16("Ａｌｉｃｅ", "😀 smile"), Greater);
        // The private use area (U+E000) and the replacement character (U+FFFD) too.
        assert_eq!(cmp_utf16("\u{1F600}", "\u{E000}"), Less);
        assert_eq!(cmp_utf16("\u{10000}", "\u{FFFD}"), Less);
        // Below U+D800 the orders agree: "é" (U+00E9) after "z", "村" (U+6751) after both.
        assert_eq!(cmp_utf16("é", "z"), Greater);
        assert_eq!(cmp_utf16("村", "é"), Greater);
    }

    #[test]
    fn the_fast_comparison_agrees_with_comparing_code_units() {
        // Characters at every edge of UTF-8's and UTF-16's ranges, in pairs and after a common
        // prefix, against the definition: `encode_utf16()` compared unit by unit.
        let edges = [
            "",
            "a",
            "z",
            "\u{7F}",
            "\u{80}",
            "é",
            "\u{7FF}",
            "\u{800}",
            "村",
            "\u{D7FF}",
            "\u{E000}",
            "\u{EFFF}",
            "\u{F000}",
            "Ａ",
            "\u{FFFD}",
            "\u{FFFF}",
            "\u{10000}",
            "📚",
            "😀",
            "\u{10FFFF}",
        ];
        for a in edges {
            for b in edges {
                for (a, b) in [
                    (a.to_owned(), b.to_owned()),
                    (format!("book {a}"), format!("book {b}x")),
                    (format!("{a}{b}"), format!("{b}{a}")),
                ] {
                    let units = a.encode_utf16().cmp(b.encode_utf16());
                    assert_eq!(cmp_utf16(&a, &b), units, "{a:?} against {b:?}");
                }
            }
        }
    }

    #[test]
    fn sort_keys_order_like_the_index_text_first_then_id() {
        let key = |text: &str, id| SortKey {
            text: text.to_owned(),
            id,
        };
        assert!(
            key("📚", 9) < key("Ａ", 1),
            "the emoji first, whatever the ids"
        );
        assert!(key("emma", 1) < key("emma", 2), "the id breaks ties");
        assert!(key("emma", 2) < key("zola", 1));
    }

    #[test]
    fn fold_orders_like_people_expect() {
        let mut names = vec!["zola", "Émile", "anne", "Éric", "Bob"];
        names.sort_by_key(|name| fold(name));
        assert_eq!(names, vec!["anne", "Bob", "Émile", "Éric", "zola"]);
    }
}
