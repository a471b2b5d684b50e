//! Sorting and matching keys: how titles, authors and genres compare for people (case- and
//! accent-insensitive). Plain Rust; the store keeps these keys beside each book so that its
//! indexes sort the way a person expects.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// The key a text sorts and matches by: decomposed, accents dropped, lowercased, spaces collapsed.
///
/// "Émile  Zola" and "emile zola" give the same key, so they sort together and either finds the other.
pub fn fold(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
