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

use crate::book::{Book, BookId};

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
        };
        SortKey { text, id: book.id }
    }
}

/// A position in a sort: the folded text of the sorted column (empty for id order), then the id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SortKey {
    /// The folded value of the sorted column.
    pub text: String,
    /// The book's id, which breaks ties.
    pub id: BookId,
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

/// What the catalogue is narrowed to: folded search text and a genre.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// Matches anywhere in title, author or genre (folded); empty matches everything.
    pub text: String,
    /// Only books of this genre (its folded key), if set.
    pub genre: Option<String>,
}

impl Filter {
    /// A filter from what the person typed and picked.
    pub fn new(text: &str, genre: Option<&str>) -> Self {
        Filter {
            text: fold(text),
            genre: genre.map(fold),
        }
    }

    /// True when the filter lets every book through.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.genre.is_none()
    }
}

/// The key a text sorts and matches by: decomposed, accents dropped, lowercased, spaces collapsed.
///
/// "Émile  Zola" and "emile zola" give the same key, so they sort together and either finds the other.
pub fn fold(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars().filter(|c| !is_mark(*c)).map(base_of) {
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
    fn fold_orders_like_people_expect() {
        let mut names = vec!["zola", "Émile", "anne", "Éric", "Bob"];
        names.sort_by_key(|name| fold(name));
        assert_eq!(names, vec!["anne", "Bob", "Émile", "Éric", "zola"]);
    }
}
