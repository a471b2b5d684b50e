//! "Export for Goodreads": books written in Goodreads' own library-export layout (its 31
//! columns, its `="…"` ISBNs, its year/month/day dates, its shelves), which Goodreads and
//! StoryGraph both import. Text cells are spreadsheet-safe ([`super::formula`]), as in every
//! export.
//!
//! [`GoodreadsBook`] is the view of a [`Book`] this writer needs. What Goodreads' layout cannot
//! hold is lost: quarter stars become whole stars (the nearest, halves up, at least one); only
//! the last day a reading finished is kept (as Date Read) and the number of readings (as Read
//! Count); a book with no status goes on the to-read shelf; no copies is written 0, as
//! Goodreads does; the location and loans have no column. Bookshelf's own Goodreads import reads
//! the rest back as it was.

use super::formula;
use crate::book::{Book, Date, Format, SeriesNumber, Stars, Status};

/// Goodreads' columns, in its order (its library export, 2024 onwards).
pub const COLUMNS: [&str; 31] = [
    "Book Id",
    "Title",
    "Author",
    "Author l-f",
    "Additional Authors",
    "ISBN",
    "ISBN13",
    "My Rating",
    "Average Rating",
    "Publisher",
    "Binding",
    "Number of Pages",
    "Year Published",
    "Original Publication Year",
    "Date Read",
    "Date Added",
    "Bookshelves",
    "Bookshelves with positions",
    "Exclusive Shelf",
    "My Review",
    "Spoiler",
    "Private Notes",
    "Read Count",
    "Recommended For",
    "Recommended By",
    "Owned Copies",
    "Original Purchase Date",
    "Original Purchase Location",
    "Condition",
    "Condition Description",
    "BCID",
];

/// What Goodreads' layout holds of a book.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GoodreadsBook<'a> {
    /// The title, without its series.
    pub title: &'a str,
    /// The author, as "First Last".
    pub author: &'a str,
    /// The ISBN-13's 13 digits.
    pub isbn13: Option<&'a str>,
    /// The reader's rating.
    pub rating: Option<Stars>,
    /// The publisher.
    pub publisher: &'a str,
    /// The kind of copy.
    pub format: Option<Format>,
    /// How many pages.
    pub pages: Option<u32>,
    /// The publication year.
    pub year: Option<i32>,
    /// The series, and the number in it, which Goodreads writes inside the title.
    pub series: Option<(&'a str, Option<SeriesNumber>)>,
    /// The day the last reading finished.
    pub date_read: Option<Date>,
    /// The day the book was added.
    pub date_added: Option<Date>,
    /// How many readings (Goodreads counts the one in progress too).
    pub read_count: u32,
    /// Where the reader stands.
    pub status: Option<Status>,
    /// The reader's tags (Goodreads' other shelves).
    pub tags: &'a [String],
    /// The private note.
    pub note: &'a str,
    /// Copies owned.
    pub copies: u32,
}

impl<'a> From<&'a Book> for GoodreadsBook<'a> {
    fn from(book: &'a Book) -> Self {
        Self {
            title: &book.title,
            author: &book.author,
            isbn13: book.isbn.as_deref(),
            rating: book.rating,
            publisher: &book.publisher,
            format: book.format,
            pages: book.pages,
            year: book.year,
            series: book
                .series
                .as_ref()
                .map(|series| (series.name.as_str(), series.number)),
            date_read: book.last_read(),
            date_added: book.added,
            read_count: u32::try_from(book.readings.len()).unwrap_or(u32::MAX),
            status: book.status,
            tags: &book.tags,
            note: &book.note,
            copies: book.copies.unwrap_or(0),
        }
    }
}

/// One stored book as a line of Goodreads' layout, with its line break.
pub fn book_row(book: &Book) -> String {
    row(&GoodreadsBook::from(book))
}

/// Goodreads' shelf for a status; "did-not-finish" is a shelf readers make themselves, and what
/// Bookshelf's Goodreads import reads as Did not finish.
fn exclusive_shelf(status: Status) -> &'static str {
    match status {
        Status::WantToRead => "to-read",
        Status::Reading => "currently-reading",
        Status::Read => "read",
        Status::DidNotFinish => "did-not-finish",
    }
}

/// "Dawkins, Richard" for "Richard Dawkins": the last word first (a one-word name as it is).
fn last_first(author: &str) -> String {
    match author.trim().rsplit_once(' ') {
        Some((first, last)) => format!("{last}, {}", first.trim_end()),
        None => author.trim().to_owned(),
    }
}

/// The ISBN-10 of a 978 ISBN-13 (the other prefixes have none).
fn isbn10(isbn13: &str) -> Option<String> {
    let core = isbn13.strip_prefix("978")?.get(..9)?;
    let mut sum = 0;
    for (digit, weight) in core.bytes().zip((2..=10).rev()) {
        if !digit.is_ascii_digit() {
            return None;
        }
        sum += u32::from(digit - b'0') * weight;
    }
    let check = match (11 - sum % 11) % 11 {
        10 => 'X',
        n => char::from_digit(n, 10)?,
    };
    Some(format!("{core}{check}"))
}

/// Goodreads' whole stars for a quarter-star rating: the nearest, halves up, at least one.
fn whole_stars(rating: Stars) -> u8 {
    ((rating.quarters() + 2) / 4).max(1)
}

/// A Goodreads date: "2026/03/14".
fn slashed(date: Date) -> String {
    date.to_string().replace('-', "/")
}

/// Appends one cell: quoted when it holds a comma, quote or line break.
fn push_cell(row: &mut String, cell: &str) {
    if cell.contains([',', '"', '\r', '\n']) || cell.starts_with('\'') {
        row.push('"');
        row.push_str(&cell.replace('"', "\"\""));
        row.push('"');
    } else {
        row.push_str(cell);
    }
}

/// The header line, with its line break.
pub fn header() -> String {
    let mut line = COLUMNS.join(",");
    line.push_str("\r\n");
    line
}

/// One book as a line of Goodreads' layout, with its line break.
pub fn row(book: &GoodreadsBook<'_>) -> String {
    let text = |text: &str| formula::escape(text).into_owned();
    let number = |value: Option<u32>| value.map(|n| n.to_string()).unwrap_or_default();
    let title = match book.series {
        Some((series, Some(number))) => format!("{} ({series}, #{number})", book.title),
        Some((series, None)) => format!("{} ({series})", book.title),
        None => book.title.to_owned(),
    };
    let shelf = book.status.map(exclusive_shelf).unwrap_or("to-read");
    let mut shelves: Vec<&str> = book.tags.iter().map(String::as_str).collect();
    if !matches!(shelf, "to-read" | "currently-reading" | "read") {
        shelves.push(shelf);
    }
    let isbn13 = book.isbn13.unwrap_or_default();
    let cells = [
        String::new(),
        text(&title),
        text(book.author),
        text(&last_first(book.author)),
        String::new(),
        format!("=\"{}\"", isbn10(isbn13).unwrap_or_default()),
        format!("=\"{isbn13}\""),
        book.rating.map_or(0, whole_stars).to_string(),
        String::new(),
        text(book.publisher),
        book.format
            .map(|format| format.label().to_owned())
            .unwrap_or_default(),
        number(book.pages),
        book.year.map(|year| year.to_string()).unwrap_or_default(),
        book.year.map(|year| year.to_string()).unwrap_or_default(),
        book.date_read.map(slashed).unwrap_or_default(),
        book.date_added.map(slashed).unwrap_or_default(),
        text(&shelves.join(", ")),
        String::new(),
        shelf.to_owned(),
        String::new(),
        String::new(),
        text(book.note),
        book.read_count.to_string(),
        String::new(),
        String::new(),
        book.copies.to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ];
    let mut line = String::new();
    for (index, cell) in cells.iter().enumerate() {
        if index > 0 {
            line.push(',');
        }
        push_cell(&mut line, cell);
    }
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::Field;

    fn day(text: &str) -> Date {
        Date::parse(Field::Started, text).unwrap().unwrap()
    }

    #[test]
    fn a_book_is_written_in_goodreads_own_layout() {
        let tags = vec!["favourites".to_owned(), "science, popular".to_owned()];
        let book = GoodreadsBook {
            title: "The Blind Watchmaker",
            author: "Richard Dawkins",
            isbn13: Some("9780141026169"),
            rating: Stars::parse("3.75").unwrap(),
            publisher: "Penguin",
            format: Some(Format::Paperback),
            pages: Some(496),
            year: Some(2006),
            series: None,
            date_read: Some(day("2026-03-14")),
            date_added: Some(day("2025-12-01")),
            read_count: 2,
            status: Some(Status::Read),
            tags: &tags,
            note: "=SUM(A1)",
            copies: 1,
        };
        let line = row(&book);
        assert_eq!(
            line,
            ",The Blind Watchmaker,Richard Dawkins,\"Dawkins, Richard\",,\"=\"\"0141026162\"\"\",\
             \"=\"\"9780141026169\"\"\",4,,Penguin,Paperback,496,2006,2006,2026/03/14,2025/12/01,\
             \"favourites, science, popular\",,read,,,\"'=SUM(A1)\",2,,,1,,,,,\r\n"
        );
        assert!(header().starts_with("Book Id,Title,Author,Author l-f,"));
    }

    #[test]
    fn series_go_back_into_the_title_and_did_not_finish_is_a_shelf() {
        let book = GoodreadsBook {
            title: "Edgedancer",
            author: "Brandon Sanderson",
            series: Some((
                "The Stormlight Archive",
                SeriesNumber::parse("2.5").unwrap(),
            )),
            status: Some(Status::DidNotFinish),
            ..GoodreadsBook::default()
        };
        let line = row(&book);
        assert!(
            line.starts_with(",\"Edgedancer (The Stormlight Archive, #2.5)\","),
            "{line}"
        );
        assert!(line.contains(",did-not-finish,,did-not-finish,"), "{line}");
        let (title, series) =
            crate::book::split_goodreads_title("Edgedancer (The Stormlight Archive, #2.5)");
        assert_eq!(title, "Edgedancer");
        assert_eq!(
            series.map(|series| series.name),
            Some("The Stormlight Archive".to_owned())
        );
    }

    #[test]
    fn a_stored_book_gives_what_goodreads_holds() {
        use crate::book::{NewBook, Reading, Series};
        let book = NewBook {
            isbn: Some("9780765326362".into()),
            rating: Stars::parse("2.5").unwrap(),
            readings: vec![
                Reading::finished_on(day("2024-05-01")),
                Reading::finished_on(day("2023-01-01")),
                Reading {
                    started: Some(day("2025-01-01")),
                    finished: None,
                },
            ],
            series: Some(Series {
                name: "The Stormlight Archive".into(),
                number: SeriesNumber::parse("2.5").unwrap(),
            }),
            copies: None,
            ..NewBook::new("Edgedancer", "Brandon Sanderson", "Fantasy")
        }
        .with_id(4);
        let view = GoodreadsBook::from(&book);
        assert_eq!(
            view.date_read,
            Some(day("2024-05-01")),
            "the last day one finished"
        );
        assert_eq!((view.read_count, view.copies), (3, 0));
        assert_eq!(
            view.series.map(|(name, _)| name),
            Some("The Stormlight Archive")
        );
        let line = book_row(&book);
        assert!(
            line.starts_with(",\"Edgedancer (The Stormlight Archive, #2.5)\",Brandon Sanderson,"),
            "{line}"
        );
        assert!(
            line.contains(",\"=\"\"0765326361\"\"\",\"=\"\"9780765326362\"\"\",3,"),
            "{line}"
        );
        assert!(
            line.contains(",2024/05/01,,,,to-read,"),
            "no status is to-read: {line}"
        );
    }

    #[test]
    fn ratings_round_to_whole_stars_and_isbn10_is_derived_where_there_is_one() {
        let stars = |text: &str| whole_stars(Stars::parse(text).unwrap().unwrap());
        assert_eq!(
            [stars("0.25"), stars("2.5"), stars("3.25"), stars("5")],
            [1, 3, 3, 5]
        );
        assert_eq!(isbn10("9780306406157").as_deref(), Some("0306406152"));
        assert_eq!(isbn10("9780141026169").as_deref(), Some("0141026162"));
        assert_eq!(isbn10("9781566199094").as_deref(), Some("1566199093"));
        assert_eq!(isbn10("9798886450101"), None);
        assert_eq!(last_first("Plato"), "Plato");
    }
}
