//! Whole-file tests of import and export: a real Goodreads library, files that are not what they
//! claim, and properties (export then import is the identity; no input makes a reader panic).

#![cfg(test)]
// (Compiled only under #[cfg(test)]: see `mod tests` in mod.rs.)

use proptest::prelude::*;

use super::*;
use crate::book::{Book, NewBook, Shelf, MAX_YEAR, MIN_YEAR};

const GOODREADS: &str = include_str!("../../tests/data/goodreads_library_export.csv");

#[test]
fn a_real_goodreads_library_imports_every_book() {
    let report = read_all(GOODREADS).unwrap();
    assert_eq!(report.format, Format::Goodreads);
    assert_eq!(report.refused, vec![], "no line is refused");
    assert_eq!(report.books.len(), 232);
    assert!(report
        .ignored_columns
        .names()
        .contains(&"Average Rating".to_owned()));

    let first = &report.books[0];
    assert_eq!(first.line, 2);
    assert_eq!(first.id, None, "Goodreads' ids are not Bookshelf's");
    assert_eq!(
        first.book.title,
        "The Blind Watchmaker: Why the Evidence of Evolution Reveals a Universe Without Design"
    );
    assert_eq!(first.book.isbn.as_deref(), Some("9780141026169"));
    assert_eq!(first.book.year, Some(1986));
    assert_eq!(first.book.rating, Some(2));
    assert_eq!(first.book.shelf, Some(Shelf::Read));

    let find = |title: &str| {
        report
            .books
            .iter()
            .find(|candidate| candidate.book.title.starts_with(title))
            .map(|candidate| &candidate.book)
    };
    let essential = find("The Essential Turing").unwrap();
    assert!(
        essential.title.contains("Computing, Logic, Philosophy"),
        "quoted commas"
    );
    let no_isbn = find("Computing machinery and intelligence").unwrap();
    assert_eq!((no_isbn.isbn.clone(), no_isbn.year), (None, Some(1950)));
    assert!(find("Neanderthal Man").is_some_and(|b| b.author == "Svante Pääbo"));
    assert!(find("Man and His Becoming").is_some_and(|b| b.author == "René Guénon"));
    assert!(find("The Three-Body Problem").is_some_and(|b| b.title.contains('’')));

    let on = |shelf| {
        report
            .books
            .iter()
            .filter(|c| c.book.shelf == Some(shelf))
            .count()
    };
    assert_eq!(
        (
            on(Shelf::Read),
            on(Shelf::ToRead),
            on(Shelf::CurrentlyReading)
        ),
        (146, 83, 3)
    );
    let unrated = report
        .books
        .iter()
        .filter(|c| c.book.rating.is_none())
        .count();
    assert_eq!(unrated, 88, "a Goodreads 0 is no rating");
}

#[test]
fn files_that_are_not_books_are_refused_whole() {
    let refused = |bytes: &[u8]| match decode(bytes.to_vec()).and_then(|text| read_all(&text)) {
        Ok(report) => panic!("{bytes:?} was read as {report:?}"),
        Err(error) => error,
    };
    assert!(matches!(refused(b"").kind, ImportErrorKind::Empty));
    assert!(matches!(refused(b" \n\t").kind, ImportErrorKind::Empty));
    assert!(matches!(
        refused(b"\x89PNG\r\n\x1a\n\0\0\0").kind,
        ImportErrorKind::Binary
    ));
    let latin1 = refused(b"title,author\nCaf\xe9,Moi\n");
    assert!(matches!(latin1.kind, ImportErrorKind::NotUtf8));
    assert_eq!((latin1.line, latin1.column), (Some(2), Some(4)));
    assert!(latin1.to_string().contains("UTF-8"), "{latin1}");
    assert!(matches!(
        refused(b"just some words\nand more").kind,
        ImportErrorKind::MissingColumns { .. }
    ));
    assert!(matches!(
        check_size(MAX_IMPORT_BYTES + 1),
        Err(ImportError {
            kind: ImportErrorKind::TooLarge { .. },
            ..
        })
    ));
    assert!(check_size(MAX_IMPORT_BYTES).is_ok());
}

#[test]
fn a_byte_order_mark_is_dropped() {
    let text = decode(b"\xef\xbb\xbftitle,author\nA,B\n".to_vec()).unwrap();
    assert_eq!(read_all(&text).unwrap().books.len(), 1);
}

#[test]
fn a_header_only_file_has_no_books() {
    let report = read_all("title,author\n").unwrap();
    assert_eq!((report.books.len(), report.refused.len()), (0, 0));
}

/// Text a field accepts: no control characters, trimmed, not empty; often starting as a
/// spreadsheet formula does (`=`, `+`, `-`, `@`, after any single quotes), which a CSV export
/// escapes and its import unescapes.
fn text(max: usize) -> impl Strategy<Value = String> {
    let lead = proptest::sample::select(vec![
        "", "", "", "=", "+", "-", "@", "'", "'=", "''+", "'''-", "'@", "=-", "-5 ways",
    ]);
    (lead, proptest::collection::vec(any::<char>(), 1..max)).prop_map(|(lead, chars)| {
        let text: String = lead
            .chars()
            .chain(chars)
            .filter(|c| !c.is_control())
            .collect();
        match text.trim() {
            "" => "x".to_owned(),
            trimmed => trimmed.to_owned(),
        }
    })
}

fn isbn() -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, 9).prop_map(|digits| {
        let ten: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        // Any nine digits make an ISBN-10 once given their check digit, and then an ISBN-13.
        (0..=10)
            .find_map(|check| {
                let check = if check == 10 {
                    'X'
                } else {
                    char::from(b'0' + check)
                };
                crate::book::normalize_isbn(&format!("{ten}{check}")).ok()
            })
            .unwrap_or_default()
    })
}

fn book() -> impl Strategy<Value = NewBook> {
    (
        text(30),
        text(20),
        prop_oneof![Just(String::new()), text(10)],
        proptest::option::of(isbn()),
        proptest::option::of(MIN_YEAR..=MAX_YEAR),
        proptest::option::of(1u8..=5),
        proptest::option::of(proptest::sample::select(Shelf::ALL.to_vec())),
    )
        .prop_map(
            |(title, author, genre, isbn, year, rating, shelf)| NewBook {
                isbn,
                year,
                rating,
                shelf,
                ..NewBook::new(title, author, genre)
            },
        )
}

fn catalogue() -> impl Strategy<Value = Vec<Book>> {
    proptest::collection::vec((book(), 1u64..1000), 0..40).prop_map(|books| {
        let mut id = 0;
        books
            .into_iter()
            .map(|(book, gap)| {
                id += gap;
                book.with_id(id)
            })
            .collect()
    })
}

/// Writes `books` in pages of `page` books, then reads the file back.
fn round_trip(format: ExportFormat, books: &[Book], page: usize) -> ImportReport {
    let mut exporter = Exporter::new(format);
    let mut file = exporter.start();
    for chunk in books.chunks(page.max(1)) {
        file.push_str(&exporter.page(chunk).unwrap());
    }
    file.push_str(&exporter.finish());
    let text = decode(file.into_bytes()).unwrap();
    read_all(&text).unwrap()
}

fn books_of(report: ImportReport) -> Vec<Book> {
    report
        .books
        .into_iter()
        .filter_map(|candidate| Some(candidate.book.with_id(candidate.id?)))
        .collect()
}

proptest! {
    #[test]
    fn json_export_then_import_is_the_identity(books in catalogue(), page in 1usize..7) {
        let report = round_trip(ExportFormat::Json, &books, page);
        prop_assert_eq!(report.format, Format::Json);
        prop_assert_eq!(&report.refused, &vec![]);
        prop_assert_eq!(books_of(report), books);
    }

    #[test]
    fn csv_export_then_import_is_the_identity(books in catalogue(), page in 1usize..7) {
        prop_assume!(!books.is_empty());
        let report = round_trip(ExportFormat::Csv, &books, page);
        prop_assert_eq!(report.format, Format::Csv);
        prop_assert_eq!(&report.refused, &vec![]);
        prop_assert_eq!(books_of(report), books);
    }

    #[test]
    fn no_bytes_make_the_readers_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(text) = decode(bytes) {
            let _ = read_all(&text);
        }
    }

    #[test]
    fn no_json_or_csv_lookalike_makes_the_readers_panic(
        chars in proptest::collection::vec(
            proptest::sample::select(vec![
                '[', ']', '{', '}', '"', '\\', ',', ':', '\n', '\r', ' ', 'a', '1', '-', '=', '&', ';', '#', 'é',
            ]),
            0..120,
        ),
        header in proptest::sample::select(vec![
            "", "[", "title,author\n", "id,title,author,isbn,year,rating,shelf\n",
            "Book Id,Title,Author,ISBN,ISBN13,My Rating,Exclusive Shelf,Bookshelves\n",
        ]),
    ) {
        let text: String = header.chars().chain(chars).collect();
        let _ = read_all(&text);
    }

    #[test]
    fn any_field_text_survives_csv_and_json(title in text(60), author in text(60)) {
        let books = vec![NewBook::new(title, author, "").with_id(1)];
        prop_assert_eq!(books_of(round_trip(ExportFormat::Csv, &books, 1)), books.clone());
        prop_assert_eq!(books_of(round_trip(ExportFormat::Json, &books, 1)), books);
    }
}
