//! The rules a book's fields follow, stated as examples a person wrote: what is typed or written
//! in a file, and what is stored — or the message that refuses it. These hold the wording and the
//! edges (trimming, limits counted in characters, empty required fields, control characters and
//! where they are, ISBN forms, year and rating ranges, statuses and shelves, the reader's
//! fields, a formula's quote); the
//! properties beside them generate fields whose fate is plain by construction and trust these for
//! the rest. Each example goes through the add form's model (`NewBook`) and through an import
//! of a Bookshelf CSV and JSON file, as the Import control reads them.

use super::*;

/// Stored as `text`.
fn stored(text: &str) -> Result<String, String> {
    Ok(text.to_owned())
}

/// Refused with `message`.
fn refused(message: &str) -> Result<String, String> {
    Err(message.to_owned())
}

const CONTROL: &str = "contains an invisible control character";

/// (field, text as typed, what is stored or the message that refuses it).
fn text_rules() -> Vec<(Field, String, Result<String, String>)> {
    use Field::{Author, Genre, Title};
    let x = |n: usize| "x".repeat(n);
    let control = |label: &str, at: usize| {
        refused(&format!(
            "{label} {CONTROL} (at character {at}); use plain text on one line."
        ))
    };
    vec![
        // Whitespace of every kind is trimmed off the ends, and kept inside.
        (Title, "  Dune  ".into(), stored("Dune")),
        (Title, "\u{a0}\u{3000}Dune\u{2028}".into(), stored("Dune")),
        (
            Author,
            "\t Frank Herbert \n".into(),
            stored("Frank Herbert"),
        ),
        (
            Author,
            "\u{85}Frank Herbert\r\n".into(),
            stored("Frank Herbert"),
        ),
        (Title, "Dune  Messiah".into(), stored("Dune  Messiah")),
        // Title and author are required; the genre may be empty.
        (Title, "".into(), refused("Title is required.")),
        (Title, " \t\u{a0}".into(), refused("Title is required.")),
        (Author, "".into(), refused("Author is required.")),
        (
            Author,
            "\u{3000}\r\n".into(),
            refused("Author is required."),
        ),
        (Genre, "".into(), stored("")),
        (Genre, "  \t".into(), stored("")),
        // Limits count characters (not bytes), after trimming.
        (Title, x(500), stored(&x(500))),
        (Title, "é".repeat(500), stored(&"é".repeat(500))),
        (Title, format!("  {}  ", x(500)), stored(&x(500))),
        (
            Title,
            x(501),
            refused("Title is too long: 501 characters, at most 500 are allowed."),
        ),
        (
            Title,
            "📚".repeat(501),
            refused("Title is too long: 501 characters, at most 500 are allowed."),
        ),
        (Author, x(300), stored(&x(300))),
        (
            Author,
            x(301),
            refused("Author is too long: 301 characters, at most 300 are allowed."),
        ),
        (Genre, x(200), stored(&x(200))),
        (
            Genre,
            x(201),
            refused("Genre is too long: 201 characters, at most 200 are allowed."),
        ),
        // A control character is refused wherever it is, counted from the trimmed text.
        (Title, "a\u{0}b".into(), control("Title", 2)),
        (Author, "Frank\nHerbert".into(), control("Author", 6)),
        (Title, "  a\tb".into(), control("Title", 2)),
        (Genre, "\u{1b}[31mred".into(), control("Genre", 1)),
        (Title, "ab\u{7f}".into(), control("Title", 3)),
        (Title, "a\u{85}b".into(), control("Title", 2)),
        (Title, "a\u{9b}b".into(), control("Title", 2)),
        // Anything else is plain text, kept as it is: markup, entities, quotes, formulas,
        // right-to-left text, combining marks, zero-width characters.
        (
            Title,
            "<script>alert(1)</script>".into(),
            stored("<script>alert(1)</script>"),
        ),
        (Title, "&amp; \"q\", 'x'".into(), stored("&amp; \"q\", 'x'")),
        (Title, "=1+2".into(), stored("=1+2")),
        (Author, "שלום עולם".into(), stored("שלום עולם")),
        (
            Genre,
            "📚 e\u{301}\u{200b}".into(),
            stored("📚 e\u{301}\u{200b}"),
        ),
    ]
}

/// A book "T" by "A" with `field` set to `text`.
fn book_with(field: Field, text: &str) -> NewBook {
    let mut book = NewBook::new("T", "A", "");
    match field {
        Field::Title => book.title = text.to_owned(),
        Field::Author => book.author = text.to_owned(),
        _ => book.genre = text.to_owned(),
    }
    book
}

/// A Bookshelf CSV of one book (every cell quoted) and a Bookshelf JSON of the same.
fn files_of(book: &NewBook) -> [(&'static str, Vec<u8>); 2] {
    let style = CsvStyle {
        quote_all: true,
        crlf: false,
    };
    let header = ["title", "author", "genre"].map(str::to_owned);
    let row = vec![book.title.clone(), book.author.clone(), book.genre.clone()];
    let (csv, _) = csv_file(&header, &[row], style);
    let mut json = String::from("[\n{");
    for (key, value) in [
        ("title", &book.title),
        ("author", &book.author),
        ("genre", &book.genre),
    ] {
        json_string(&mut json, key, false, false);
        json.push(':');
        json_string(&mut json, value, false, true);
        json.push_str(if key == "genre" { "" } else { ", " });
    }
    json.push_str("}\n]\n");
    [("CSV", csv.into_bytes()), ("JSON", json.into_bytes())]
}

/// The promise: a title, author or genre is stored trimmed, or refused with the message a person
/// reads — in the add form (every field's problem at once) and in an import (naming the line and
/// the column).
#[test]
fn a_field_is_stored_trimmed_or_refused_as_the_examples_say() -> Result<(), String> {
    for (field, text, expected) in text_rules() {
        let book = book_with(field, &text);
        let column = field.label().to_ascii_lowercase();
        // The add form.
        match (&expected, book.validated()) {
            (Ok(text), Ok(valid)) => assert_eq!(valid, book_with(field, text), "{text:?}"),
            (Err(message), Err(error)) => {
                assert_eq!((error.field, error.to_string()), (field, message.clone()));
                assert_eq!(book.problems(), vec![error]);
            }
            (expected, outcome) => panic!("{text:?}: {outcome:?}, not {expected:?}"),
        }
        // The Import control, from a Bookshelf CSV and JSON.
        for (format, bytes) in files_of(&book) {
            if bytes.contains(&0) {
                // A NUL written as it is (CSV) makes a binary file; JSON escapes it.
                assert_eq!(import(bytes, 3).err().as_deref(), Some(NOT_A_TEXT_FILE));
                continue;
            }
            let report = import(bytes, 3)?.report;
            let books: Vec<NewBook> = report.books.iter().map(|c| (*c.book).clone()).collect();
            let refusals: Vec<String> = report.refused.iter().map(ToString::to_string).collect();
            match &expected {
                Ok(text) => {
                    assert_eq!(books, [book_with(field, text)], "{format} {text:?}");
                    assert_eq!(refusals, Vec::<String>::new(), "{format} {text:?}");
                }
                Err(message) => {
                    assert_eq!(books, [], "{format} {text:?}");
                    let said = format!("Line 2, column “{column}”: {message}");
                    assert_eq!(refusals, [said], "{format} {text:?}");
                }
            }
        }
    }
    Ok(())
}

/// (column, cell, the detail stored or the message that refuses the row).
type DetailRule = (
    &'static str,
    &'static str,
    Result<fn(&mut NewBook), &'static str>,
);

#[rustfmt::skip]
const DETAIL_RULES: &[DetailRule] = &[
    // An ISBN-10 or ISBN-13, hyphens and spaces allowed, is stored as the 13 digits.
    ("isbn", "0-441-17271-7", Ok(|b| b.isbn = Some("9780441172719".into()))),
    ("isbn", "978-0-441-17271-9", Ok(|b| b.isbn = Some("9780441172719".into()))),
    ("isbn", " 0441172717 ", Ok(|b| b.isbn = Some("9780441172719".into()))),
    ("isbn", "0 8044 2957 x", Ok(|b| b.isbn = Some("9780804429573".into()))),
    ("isbn", "979-10-90636-07-1", Ok(|b| b.isbn = Some("9791090636071".into()))),
    ("isbn", "  ", Ok(|_| {})),
    ("isbn", "9780441172710", Err("ISBN is not valid: the check digit is 0 but the other digits call for 9: look for a mistyped digit.")),
    ("isbn", "044117271", Err("ISBN is not valid: an ISBN has 10 or 13 digits, this has 9 (spaces and hyphens do not count).")),
    ("isbn", "0-441-1727a-7", Err("ISBN is not valid: “a” (character 11) cannot be part of an ISBN: use digits, hyphens, and X only as the last character of an ISBN-10.")),
    ("isbn", "X441172717", Err("ISBN is not valid: “X” (character 1) cannot be part of an ISBN: use digits, hyphens, and X only as the last character of an ISBN-10.")),
    ("isbn", "5901234123457", Err("ISBN is not valid: an ISBN-13 starts with 978 or 979.")),
    // A year is a whole number from -4000 (BC) to 2100.
    ("year", "1954", Ok(|b| b.year = Some(1954))),
    ("year", " -380 ", Ok(|b| b.year = Some(-380))),
    ("year", "+12", Ok(|b| b.year = Some(12))),
    ("year", "-4000", Ok(|b| b.year = Some(-4000))),
    ("year", "2100", Ok(|b| b.year = Some(2100))),
    ("year", "", Ok(|_| {})),
    ("year", "2101", Err("Year must be from -4000 to 2100 (negative years are BC).")),
    ("year", "-4001", Err("Year must be from -4000 to 2100 (negative years are BC).")),
    ("year", "1954a", Err("Year must be a whole number, such as 1954.")),
    ("year", "1954.0", Err("Year must be a whole number, such as 1954.")),
    ("year", "１９５４", Err("Year must be a whole number, such as 1954.")),
    ("year", "99999999999999999999", Err("Year must be a whole number, such as 1954.")),
    // A rating is in quarter stars, from 0.25 to 5 (a comma works as the point).
    ("rating", "1", Ok(|b| b.rating = Stars::from_quarters(4))),
    ("rating", " 5 ", Ok(|b| b.rating = Stars::from_quarters(20))),
    ("rating", "4.25", Ok(|b| b.rating = Stars::from_quarters(17))),
    ("rating", "0,75", Ok(|b| b.rating = Stars::from_quarters(3))),
    ("rating", "", Ok(|_| {})),
    ("rating", "0", Err("Rating must be from 0.25 to 5 in quarter stars, such as 4 or 3.75; leave it empty for no rating.")),
    ("rating", "6", Err("Rating must be from 0.25 to 5 in quarter stars, such as 4 or 3.75; leave it empty for no rating.")),
    ("rating", "4.3", Err("Rating must be from 0.25 to 5 in quarter stars, such as 4 or 3.75; leave it empty for no rating.")),
    ("rating", "five", Err("Rating must be from 0.25 to 5 in quarter stars, such as 4 or 3.75; leave it empty for no rating.")),
    // A status by its key or label, or a Goodreads shelf's name, in any case, with "-", " " or
    // "_"; older files' shelf column is read the same way.
    ("status", "want-to-read", Ok(|b| b.status = Some(Status::WantToRead))),
    ("status", "Want to read", Ok(|b| b.status = Some(Status::WantToRead))),
    ("status", "reading", Ok(|b| b.status = Some(Status::Reading))),
    ("status", " READ ", Ok(|b| b.status = Some(Status::Read))),
    ("status", "Did not finish", Ok(|b| b.status = Some(Status::DidNotFinish))),
    ("status", "dnf", Ok(|b| b.status = Some(Status::DidNotFinish))),
    ("status", "", Ok(|_| {})),
    ("status", "someday", Err("Status must be Want to read, Reading, Read or Did not finish.")),
    ("shelf", "to-read", Ok(|b| b.status = Some(Status::WantToRead))),
    ("shelf", "TO_READ", Ok(|b| b.status = Some(Status::WantToRead))),
    ("shelf", "Currently reading", Ok(|b| b.status = Some(Status::Reading))),
    ("shelf", "Currently  reading", Err("Status must be Want to read, Reading, Read or Did not finish.")),
    // Tags are separated by ";" (a backslash escapes one that separates nothing).
    ("tags", "classics; sci-fi, space ;; Classics", Ok(|b| b.tags = vec!["classics".into(), "sci-fi, space".into()])),
    ("tags", "a\\;b", Ok(|b| b.tags = vec!["a;b".into()])),
    // Pages from 1, copies from 0.
    ("pages", "320", Ok(|b| b.pages = Some(320))),
    ("pages", "0", Err("Pages must be from 1 to 100000.")),
    ("pages", "many", Err("Pages must be a whole number, such as 4.")),
    ("copies", "0", Ok(|b| b.copies = Some(0))),
    ("copies", "10000", Err("Copies must be from 0 to 9999.")),
    // A format by its name; a date as year-month-day.
    ("format", "ebook", Ok(|b| b.format = Some(BookFormat::Ebook))),
    ("format", "Kindle", Err("Format must be Hardcover, Paperback, Ebook, Audiobook or Other.")),
    ("added", "2026/03/14", Ok(|b| b.added = Date::new(2026, 3, 14))),
    ("added", "14/03/2026", Err("expected a date written as year-month-day, such as 2026-03-14")),
    // A number in a series has at most two decimals.
    ("series_number", "2.555", Err("Number in series must be a number from 0 to 9999, with at most two decimals, such as 2 or 2.5.")),
    // Readings are started/finished, loans borrower|lent on|due|returned.
    ("readings", "2026-03-01/2026-03-14; /", Ok(|b| b.readings = vec![Reading { started: Date::new(2026, 3, 1), finished: Date::new(2026, 3, 14) }, Reading::default()])),
    ("readings", "2026-03-14/2026-03-01", Err("Finished is before the day the reading started.")),
    ("readings", "2026-03-14", Err("expected readings written as started/finished, separated by “;”, such as 2024-01-02/2024-02-01; /2025-03-04")),
    ("loans", "Ada|2026-03-01|2026-03-15|", Ok(|b| b.loans = vec![Loan { borrower: "Ada".into(), lent_on: Date::new(2026, 3, 1).unwrap_or(Date::EPOCH), due: Date::new(2026, 3, 15).unwrap_or(Date::EPOCH), returned: None }])),
    ("loans", "Ada|2026-03-15|2026-03-01", Err("Due is before the day the book was lent.")),
    ("loans", " |2026-03-01|2026-03-15", Err("Borrower is required.")),
    ("loans", "Ada|2026-03-01", Err("expected loans written as borrower|lent on|due|returned (year-month-day dates, returned empty while out), separated by “;”, such as Ada|2026-01-01|2026-01-15|")),
];

/// The promise: an ISBN, year, rating, status (or shelf), tags, pages, copies, format, day added,
/// series number, readings or loans in a Bookshelf CSV is stored as the examples say,
/// or its row is refused naming the line and the column, with the message a person reads.
#[test]
fn a_detail_is_stored_or_refused_as_the_examples_say() -> Result<(), String> {
    for &(column, cell, expected) in DETAIL_RULES {
        let file = format!("title,author,{column}\nT,A,\"{cell}\"\n");
        let report = import(file.into_bytes(), 2)?.report;
        let refusals: Vec<String> = report.refused.iter().map(ToString::to_string).collect();
        let books: Vec<NewBook> = report.books.iter().map(|c| (*c.book).clone()).collect();
        match expected {
            Ok(detail) => {
                let mut book = NewBook::new("T", "A", "");
                detail(&mut book);
                assert_eq!(books, [book], "{column} {cell:?}");
                assert_eq!(refusals, Vec::<String>::new(), "{column} {cell:?}");
            }
            Err(message) => {
                assert_eq!(books, [], "{column} {cell:?}");
                let said = format!("Line 2, column “{column}”: {message}");
                assert_eq!(refusals, [said], "{column} {cell:?}");
            }
        }
    }
    Ok(())
}

/// The promise (README, Import and export): Bookshelf's CSV import takes exactly one quote off a
/// cell of one or more quotes followed by `=`, `+`, `-`, `@`, a tab or a carriage return (which
/// its export wrote there); any other cell, and any JSON text, is read as written.
#[test]
fn a_csv_cell_loses_one_quote_before_a_formula_and_no_other() -> Result<(), String> {
    for (cell, title) in [
        ("'=1+2", "=1+2"),
        ("''=x", "'=x"),
        ("'@SUM(A1)", "@SUM(A1)"),
        ("'-5 ways", "-5 ways"),
        ("'+1", "+1"),
        ("'\tx", "x"),
        ("'x", "'x"),
        ("'", "'"),
        ("=1+2", "=1+2"),
        (" '=1", "'=1"),
    ] {
        let file = format!("title,author\n\"{cell}\",A\n");
        let report = import(file.into_bytes(), 2)?.report;
        let titles: Vec<&str> = report.books.iter().map(|c| c.book.title.as_str()).collect();
        assert_eq!(titles, [title], "CSV {cell:?}");
        let json = format!("[{{\"title\": \"{cell}\", \"author\": \"A\"}}]").replace('\t', "\\t");
        let report = import(json.into_bytes(), 2)?.report;
        let titles: Vec<&str> = report.books.iter().map(|c| c.book.title.as_str()).collect();
        let as_written = cell.trim();
        match as_written.contains('\t') {
            // JSON has no quote to take off: the tab is inside the text, and refused.
            true => assert_eq!(titles, Vec::<&str>::new(), "JSON {cell:?}"),
            false => assert_eq!(titles, [as_written], "JSON {cell:?}"),
        }
    }
    Ok(())
}

/// The promise: a binary file — a NUL in its first 8 KB — is refused whole, with a message
/// saying so, and gives no book; a NUL further on is text, and refuses only its own row (a
/// control character, at its place).
#[test]
fn a_nul_makes_a_file_binary_only_in_its_first_8_kb() -> Result<(), String> {
    let mut file = String::from("title,author\n");
    while file.len() < 8_300 {
        file.push_str("Dune,Frank Herbert\n");
    }
    let rows = file.lines().count() as u64 - 1;
    let late = format!("{file}Du\0ne,Frank Herbert\nEmma,Jane Austen\n");
    let imported = import(late.into_bytes(), 4_096)?;
    let refused = refusal_texts(&imported);
    assert_eq!(
        refused,
        [format!(
            "Line {}, column “title”: Title {CONTROL} (at character 3); use plain text on one \
             line.",
            rows + 2
        )]
    );
    assert_eq!(imported.report.books.len() as u64, rows + 1);
    let early = file.replacen("Dune", "Du\0ne", 1);
    assert_eq!(
        import(early.into_bytes(), 4_096).err().as_deref(),
        Some(NOT_A_TEXT_FILE)
    );
    Ok(())
}

/// The character classes the generators build fields from are what their names say (so that a
/// field's fate, known from how it was made, is right).
#[test]
fn the_character_classes_are_what_they_say() {
    for &c in VISIBLE {
        assert!(!c.is_whitespace() && !c.is_control(), "{c:?}");
    }
    for &c in SPACES {
        assert!(c.is_whitespace() && !c.is_control(), "{c:?}");
    }
    for &c in CONTROL_SPACES {
        assert!(c.is_whitespace() && c.is_control(), "{c:?}");
    }
    for &c in CONTROLS_BUT_NUL {
        assert!(!c.is_whitespace() && c.is_control() && c != '\0', "{c:?}");
    }
    for token in TOKENS {
        assert!(
            token.chars().count() <= 28,
            "{token:?} is longer than `visible` allows for"
        );
    }
}
