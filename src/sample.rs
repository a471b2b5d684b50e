//! Sample books: the original script's three, offered to an empty catalogue, and sample books for
//! trying Bookshelf at any size (made-up but plausible titles, authors and genres, with a reader's
//! status, rating, tags, series, pages and the odd loan; the same for the same seed). Plain Rust.

use crate::book::{Date, Format, Loan, NewBook, Reading, Series, SeriesNumber, Stars, Status};

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
            let book = NewBook::new(title, author, pick(&mut state, &GENRES));
            // The reader's fields from a state of their own, so that the titles, authors and
            // genres stay what they were for a seed.
            with_reader_fields(
                book,
                seed ^ (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            )
        })
        .collect()
}

const TAGS: [&str; 6] = [
    "owned",
    "favourites",
    "book club",
    "signed",
    "gift",
    "classics",
];
const SERIES: [&str; 4] = ["The Long Road", "Harbour Tales", "Seven Keys", "Ashfall"];

/// A sample book's status, rating, readings, tags, series, pages, year, format, copies, location
/// and (one book in a hundred) a copy out on loan, varied by `seed`.
fn with_reader_fields(book: NewBook, seed: u64) -> NewBook {
    let mut state = seed | 1;
    let mut roll = |n: u64| next(&mut state) % n;
    let status = match roll(5) {
        0 => None,
        n => Status::ALL.get(n as usize - 1).copied(),
    };
    let day = |offset: u64| Date::EPOCH.plus_days(18_000 + offset as i64);
    let readings = match status {
        Some(Status::Read) => vec![Reading::finished_on(
            day(roll(2_000)).unwrap_or(Date::EPOCH),
        )],
        _ => Vec::new(),
    };
    let rating = Stars::from_quarters(roll(24) as u8);
    let tags = match roll(4) {
        0 => Vec::new(),
        n => TAGS
            .iter()
            .skip(roll(6) as usize)
            .take(n as usize)
            .map(|t| t.to_string())
            .collect(),
    };
    let series = (roll(10) == 0).then(|| Series {
        name: SERIES[roll(4) as usize].to_owned(),
        number: SeriesNumber::parse(&(roll(12) + 1).to_string())
            .ok()
            .flatten(),
    });
    let loans = match (roll(100) == 0, day(2_100)) {
        (true, Some(lent_on)) => vec![Loan {
            borrower: format!("Borrower {}", roll(50) + 1),
            lent_on,
            due: lent_on.plus_days(14).unwrap_or(lent_on),
            returned: None,
        }],
        _ => Vec::new(),
    };
    NewBook {
        status,
        rating,
        readings,
        tags,
        series,
        pages: (roll(8) > 0).then(|| 40 + roll(1_200) as u32),
        year: (roll(6) > 0).then(|| 1800 + roll(226) as i32),
        format: Format::ALL.get(roll(7) as usize).copied(),
        copies: (roll(10) == 0).then_some(2),
        location: if roll(3) == 0 {
            format!("Shelf {}", roll(20) + 1)
        } else {
            String::new()
        },
        loans,
        ..book
    }
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
