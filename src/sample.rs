//! Sample books: the original script's three, offered to an empty catalogue, and sample books for
//! trying Bookshelf at any size (made-up but plausible titles, authors and genres, the same for
//! the same seed). Plain Rust.

use crate::book::NewBook;

const ADJECTIVES: [&str; 16] = [
    "Silent",
    "Crimson",
    "Hidden",
    "Last",
    "Golden",
    "Broken",
    "Distant",
    "Wandering",
    "Secret",
    "Burning",
    "Frozen",
    "Little",
    "Endless",
    "Quiet",
    "Forgotten",
    "Bright",
];
const NOUNS: [&str; 16] = [
    "River",
    "Garden",
    "Empire",
    "Lighthouse",
    "Orchard",
    "Mountain",
    "Library",
    "Harbor",
    "Winter",
    "Kingdom",
    "Station",
    "Forest",
    "Island",
    "Letter",
    "Mirror",
    "Voyage",
];
const FIRST_NAMES: [&str; 16] = [
    "Ada", "Émile", "Chinua", "Haruki", "Isabel", "Jorge", "Kazuo", "Leïla", "Margaret", "Nadine",
    "Orhan", "Toni", "Ursula", "Virginia", "Wisława", "Zadie",
];
const LAST_NAMES: [&str; 16] = [
    "Achebe",
    "Allende",
    "Atwood",
    "Borges",
    "Gordimer",
    "Ishiguro",
    "Le Guin",
    "Morrison",
    "Murakami",
    "Pamuk",
    "Slimani",
    "Smith",
    "Szymborska",
    "Woolf",
    "Zola",
    "Ngũgĩ",
];
const GENRES: [&str; 12] = [
    "Fantasy",
    "Science Fiction",
    "Mystery",
    "Romance",
    "History",
    "Poetry",
    "Biography",
    "Thriller",
    "Philosophy",
    "Travel",
    "Children's",
    "Dystopian Fiction",
];

/// A small, fast pseudo-random step (xorshift64*): good enough to vary sample text.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

fn pick<'a>(state: &mut u64, words: &[&'a str]) -> &'a str {
    words[(next(state) % words.len() as u64) as usize]
}

/// The three books of the original script, offered to an empty catalogue.
pub fn sample_books() -> Vec<NewBook> {
    vec![
        NewBook::new("The Hobbit", "J,R,R Tolkien", "Fantasy"),
        NewBook::new("1987", "George Orwell", "Dystopian Fiction"),
        NewBook::new(
            "To Kill a Mockingbird",
            "Harper Lee",
            "Southern Gothic, Bildungsroman",
        ),
    ]
}

/// `count` sample books; `seed` picks which (the same seed gives the same books).
pub fn sample_catalogue(count: usize, seed: u64) -> Vec<NewBook> {
    let mut state = seed | 1;
    (0..count)
        .map(|i| {
            let title = format!(
                "The {} {} {}",
                pick(&mut state, &ADJECTIVES),
                pick(&mut state, &NOUNS),
                i + 1
            );
            let author = format!(
                "{} {}",
                pick(&mut state, &FIRST_NAMES),
                pick(&mut state, &LAST_NAMES)
            );
            NewBook::new(title, author, pick(&mut state, &GENRES))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_valid_distinct_and_repeatable() {
        let books = sample_catalogue(1_000, 7);
        assert_eq!(books.len(), 1_000);
        assert!(books.iter().all(|book| book.problems().is_empty()));
        let mut titles: Vec<&str> = books.iter().map(|b| b.title.as_str()).collect();
        titles.sort_unstable();
        titles.dedup();
        assert_eq!(titles.len(), 1_000);
        assert_eq!(sample_catalogue(10, 7), books[..10]);
        assert_ne!(sample_catalogue(10, 8), books[..10]);
    }

    #[test]
    fn the_samples_are_the_original_three_and_valid() {
        let samples = sample_books();
        assert_eq!(samples.len(), 3);
        assert!(samples.iter().all(|book| book.problems().is_empty()));
        assert_eq!(samples[0].author, "J,R,R Tolkien");
    }
}
