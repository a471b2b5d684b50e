//! Whole-file tests of import and export: a real Goodreads library, files that are not what they
//! claim, and properties (export then import is the identity; no input makes a reader panic).

#![cfg(test)]
// (Compiled only under #[cfg(test)]: see `mod tests` in mod.rs.)

use proptest::prelude::*;

use super::*;
use crate::book::{Book, Format as BookFormat, NewBook, Stars, Status, MAX_YEAR, MIN_YEAR};
use crate::lookup::{Existing, Probe};

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
    assert_eq!(first.book.rating, Stars::from_whole(2));
    assert_eq!(first.book.status, Some(Status::Read));
    assert_eq!(first.book.publisher, "Penguin");
    assert_eq!(first.book.format, Some(BookFormat::Paperback));
    assert_eq!(first.book.pages, Some(340));
    assert_eq!(
        first.book.added.map(|d| d.to_string()).as_deref(),
        Some("2018-07-19")
    );
    let finished: Vec<_> = first.book.readings.iter().map(|r| r.finished).collect();
    assert_eq!(finished, [crate::book::Date::new(2018, 9, 29)]);
    assert_eq!(
        (first.book.copies, first.book.genre.as_str()),
        (None, ""),
        "Owned Copies 0"
    );
    assert_eq!(first.book.tags, Vec::<String>::new());

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
    // The series comes out of the title.
    let three_body = find("The Three-Body Problem").unwrap();
    assert_eq!(three_body.title, "The Three-Body Problem");
    let series = three_body.series.as_ref().unwrap();
    assert_eq!(series.name, "Remembrance of Earth’s Past");
    assert_eq!(series.number.map(|n| n.to_string()).as_deref(), Some("1"));
    assert_eq!(three_body.status, Some(Status::Reading));
    assert_eq!(three_body.format, Some(BookFormat::Hardcover));
    let open: Vec<_> = three_body
        .readings
        .iter()
        .map(|r| (r.started, r.finished))
        .collect();
    assert_eq!(open, [(None, None)], "Read Count 1, no Date Read");
    let helix = find("Orphans of the Helix").unwrap();
    let series = helix.series.as_ref().unwrap();
    assert_eq!(
        (series.name.as_str(), series.number.map(|n| n.to_string())),
        ("Hyperion Cantos", Some("4.5".to_owned()))
    );
    let omnibus = find("The Hyperion Omnibus").unwrap();
    assert_eq!(
        omnibus.series.as_ref().map(|s| s.number),
        Some(None),
        "#1-2"
    );
    let odyssey = find("2001: A Space Odyssey").unwrap();
    assert_eq!(odyssey.title, "2001: A Space Odyssey");
    let days: Vec<_> = odyssey
        .readings
        .iter()
        .map(|r| r.finished.map(|d| d.to_string()))
        .collect();
    assert_eq!(days, [None, Some("2018-05-07".to_owned())], "Read Count 2");
    let serial = report
        .books
        .iter()
        .filter(|c| c.book.series.is_some())
        .count();
    assert_eq!(serial, 46);
    let formats = |format| {
        report
            .books
            .iter()
            .filter(|c| c.book.format == format)
            .count()
    };
    assert_eq!(
        [
            formats(Some(BookFormat::Paperback)),
            formats(Some(BookFormat::Hardcover)),
            formats(Some(BookFormat::Ebook)),
            formats(Some(BookFormat::Audiobook)),
            formats(Some(BookFormat::Other)),
            formats(None)
        ],
        [156, 55, 15, 1, 2, 3],
        "Mass Market Paperback is a paperback, Kindle Edition an ebook, Unbound and cloth other"
    );
    assert!(report
        .books
        .iter()
        .all(|c| c.book.copies.is_none() && c.book.note.is_empty()));

    let on = |status| {
        report
            .books
            .iter()
            .filter(|c| c.book.status == Some(status))
            .count()
    };
    assert_eq!(
        (
            on(Status::Read),
            on(Status::WantToRead),
            on(Status::Reading)
        ),
        (146, 83, 3)
    );
    let readings: usize = report.books.iter().map(|c| c.book.readings.len()).sum();
    assert_eq!(
        readings,
        146 + 3 + 3,
        "one a read or current book, two for three re-read"
    );
    let unrated = report
        .books
        .iter()
        .filter(|c| c.book.rating.is_none())
        .count();
    assert_eq!(unrated, 88, "a Goodreads 0 is no rating");
}

/// A small Goodreads export with every column filled in somewhere.
const GOODREADS_EVERY_COLUMN: &str = include_str!("../../tests/data/goodreads_every_column.csv");

fn day(text: &str) -> Option<crate::book::Date> {
    crate::book::Date::parse(crate::book::Field::Started, text)
        .ok()
        .flatten()
}

#[test]
fn a_goodreads_export_with_every_column_filled_gives_every_field() {
    let report = read_all(GOODREADS_EVERY_COLUMN).unwrap();
    assert_eq!(report.format, Format::Goodreads);
    assert_eq!(report.refused, vec![]);
    assert_eq!(report.books.len(), 5);
    let kept: Vec<&str> = [
        "Book Id",
        "Author l-f",
        "Additional Authors",
        "Average Rating",
        "Bookshelves with positions",
        "My Review",
        "Spoiler",
        "Recommended For",
        "Recommended By",
        "Original Purchase Date",
        "Original Purchase Location",
        "Condition",
        "Condition Description",
        "BCID",
    ]
    .to_vec();
    assert_eq!(report.ignored_columns.names(), kept);

    let books: Vec<&NewBook> = report.books.iter().map(|c| &*c.book).collect();
    let iron = books[0];
    assert_eq!(
        (iron.title.as_str(), iron.author.as_str()),
        ("Iron Widow", "Xiran Jay Zhao")
    );
    let series = iron.series.as_ref().unwrap();
    assert_eq!(series.name, "Iron Widow");
    assert_eq!(series.number.map(|n| n.to_string()).as_deref(), Some("1"));
    assert_eq!(iron.isbn.as_deref(), Some("9780735269934"));
    assert_eq!(
        (iron.rating, iron.status),
        (Stars::from_whole(5), Some(Status::Read))
    );
    assert_eq!(iron.tags, ["favourites", "sci-fi"]);
    assert_eq!(iron.genre, "", "Goodreads has no genre");
    assert_eq!(
        (iron.publisher.as_str(), iron.format),
        ("Penguin Teen", Some(BookFormat::Hardcover))
    );
    assert_eq!(
        (iron.pages, iron.year, iron.copies),
        (Some(394), Some(2021), Some(1))
    );
    assert_eq!(iron.added, day("2023-12-25"));
    let readings: Vec<_> = iron
        .readings
        .iter()
        .map(|r| (r.started, r.finished))
        .collect();
    assert_eq!(readings, [(None, None), (None, day("2024-03-01"))]);
    assert_eq!(
        iron.note,
        "Signed copy.\nBought at the con, \"wow\" & more."
    );
    assert!(iron.location.is_empty() && iron.loans.is_empty());

    let silmarillion = books[1];
    assert_eq!(
        silmarillion.status,
        Some(Status::DidNotFinish),
        "a dnf shelf"
    );
    assert_eq!(silmarillion.tags, ["classics"]);
    assert_eq!(
        (silmarillion.rating, silmarillion.pages, silmarillion.copies),
        (None, None, None)
    );
    assert_eq!(silmarillion.format, Some(BookFormat::Ebook));
    assert_eq!(
        silmarillion.year,
        Some(1977),
        "the original publication year"
    );
    assert_eq!(silmarillion.readings, [crate::book::Reading::default()]);

    let edgedancer = books[2];
    assert_eq!(edgedancer.title, "Edgedancer");
    let series = edgedancer.series.as_ref().unwrap();
    assert_eq!(
        (series.name.as_str(), series.number.map(|n| n.to_string())),
        ("The Stormlight Archive", Some("2.5".to_owned()))
    );
    assert_eq!(edgedancer.status, Some(Status::Reading));
    assert_eq!(edgedancer.tags, ["novellas"]);
    assert_eq!(edgedancer.format, Some(BookFormat::Audiobook));
    assert_eq!(edgedancer.readings.len(), 1);

    let thorne = books[3];
    assert_eq!(
        thorne.title,
        "Black Holes & Time Warps: Einstein's Outrageous Legacy"
    );
    assert_eq!(thorne.publisher, "W. W. Norton & Company");
    assert_eq!(
        (thorne.status, thorne.tags.len()),
        (Some(Status::WantToRead), 0)
    );
    assert_eq!(
        (thorne.format, thorne.readings.len()),
        (Some(BookFormat::Paperback), 0)
    );

    let dune = books[4];
    assert_eq!(dune.status, None, "on-hold is no status…");
    assert_eq!(dune.tags, ["on-hold", "sci-fi"], "…but a tag");
    assert_eq!((dune.copies, dune.rating), (Some(2), Stars::from_whole(4)));
    let finished: Vec<_> = dune.readings.iter().map(|r| r.finished).collect();
    assert_eq!(finished, [None, None, day("2019-05-04")]);
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

// ---------------------------------------------------------------------------------------------
// Hostile files: each is read in linear time and bounded memory. (Each would take minutes, not
// the fraction of a second the bound allows, were any step quadratic; the browser's side of it,
// the page never blocked, is e2e/import-hostile.test.mjs.)

/// Runs `work`, failing if it takes longer than linear work this size possibly could. The time
/// is the thread's own processor time where Linux tells it (so that a busy machine, or the other
/// tests, do not count), else the time on the clock.
fn in_linear_time<T>(what: &str, work: impl FnOnce() -> T) -> T {
    let clock = || (thread_time(), std::time::Instant::now());
    let (cpu, wall) = clock();
    let done = work();
    let took = match (cpu, thread_time()) {
        (Some(before), Some(after)) => after.saturating_sub(before),
        _ => wall.elapsed(),
    };
    assert!(
        took < std::time::Duration::from_secs(8),
        "{what} took {took:?}: something is quadratic"
    );
    done
}

/// The processor time this thread has used, from /proc/thread-self/stat (utime and stime, in
/// Linux's ticks of 1/100 s).
fn thread_time() -> Option<std::time::Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat
        .get(stat.rfind(')')? + 1..)?
        .split_whitespace()
        .collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(std::time::Duration::from_millis(ticks * 10))
}

#[test]
fn a_header_of_100000_columns_is_read_in_linear_time_and_listed_short() {
    let mut text = String::from("title,author");
    for index in 0..100_000 {
        text.push_str(&format!(",Column {index}"));
    }
    text.push('\n');
    for row in 0..20 {
        text.push_str(&format!("Title {row},Author"));
        text.push_str(&",x".repeat(100_000));
        text.push('\n');
    }
    text.push_str("Short,Row\n");
    let report = in_linear_time("a wide header", || read_all(&text)).unwrap();
    assert_eq!(report.books.len(), 20);
    assert_eq!(report.refused_total, 1, "the short row");
    let ignored = &report.ignored_columns;
    assert_eq!(ignored.total(), 100_000);
    assert_eq!(ignored.names().len(), LISTED_IGNORED);
    assert_eq!(ignored.names()[0], "Column 0");
    assert!(
        ignored.label().ends_with(", Column 29 and 99970 more"),
        "{}",
        ignored.label()
    );
}

#[test]
fn a_repeated_column_that_bookshelf_does_not_read_is_only_ignored() {
    let report = read_all("title,author,Notes,notes\nA,B,x,y\n").unwrap();
    assert_eq!(report.books.len(), 1);
    assert_eq!(report.ignored_columns.names(), ["Notes", "notes"]);
}

#[test]
fn json_keys_by_the_hundred_thousand_are_read_in_linear_time() {
    // In one object.
    let mut one = String::from("[{\"title\": \"T\", \"author\": \"A\"");
    for index in 0..200_000 {
        one.push_str(&format!(", \"key {index}\": {index}"));
    }
    one.push_str("}]");
    let report = in_linear_time("one object of many keys", || read_all(&one)).unwrap();
    assert_eq!(report.books.len(), 1);
    assert_eq!(report.ignored_columns.total(), 200_000);
    assert_eq!(report.ignored_columns.names().len(), LISTED_IGNORED);
    // Across elements, each key new; then every key again.
    let mut many = String::from("[");
    for element in 0..40_000 {
        many.push_str(&format!("{{\"title\": \"T{element}\", \"author\": \"A\""));
        for key in 0..5 {
            many.push_str(&format!(", \"k{}\": null", element * 5 + key));
        }
        many.push_str("},\n");
    }
    for element in 0..40_000 {
        many.push_str(&format!(
            "{{\"title\": \"U\", \"author\": \"A\", \"k{element}\": 1}},\n"
        ));
    }
    many.push_str("{\"title\": \"Last\", \"author\": \"A\"}]");
    let report = in_linear_time("many keys across elements", || read_all(&many)).unwrap();
    assert_eq!(report.books.len(), 80_001);
    assert_eq!(
        report.ignored_columns.total(),
        200_000,
        "each key counted once"
    );
    assert_eq!(
        report.ignored_columns.names()[..2],
        ["k0".to_owned(), "k1".to_owned()]
    );
}

#[test]
fn a_hundred_thousand_books_of_one_title_are_planned_in_linear_time() {
    let report = |author: fn(u64) -> String| ImportReport {
        format: Format::Csv,
        books: (0..100_000)
            .map(|line| Candidate {
                line: line + 2,
                id: None,
                book: Box::new(NewBook::new("T", author(line), "")),
            })
            .collect(),
        refused: Vec::new(),
        refused_total: 0,
        ignored_columns: IgnoredColumns::default(),
    };
    // (Short names: folding is slow in a debug build, and what is timed is the rest.)
    let same_author: fn(u64) -> String = |_| "A".to_owned();
    let other_authors: fn(u64) -> String = |line| format!("a{line}");
    for (author, duplicates) in [(same_author, 100_000), (other_authors, 1)] {
        let report = report(author);
        let plan = in_linear_time("one title 100,000 times", || {
            let probe = Probe::of(&report);
            assert_eq!(probe.names.len(), if duplicates == 1 { 100_000 } else { 1 });
            let mut existing = Existing::default();
            for id in 0..1_000 {
                existing.note(&probe, id, "t", &format!("someone {id}"));
            }
            existing.note(&probe, 7, "t", "a");
            existing.note(&probe, 8, "t", "a99999");
            ImportPlan::new(report.clone(), &existing)
        });
        assert_eq!(plan.duplicates.len(), duplicates);
        assert_eq!(plan.count(true), 100_000);
    }
}

#[test]
fn a_million_bad_lines_keep_a_thousand_messages_and_count_the_rest() {
    let text = format!("title,author\n{}", "only one field\n".repeat(1_000_000));
    let report = in_linear_time("a million bad lines", || read_all(&text)).unwrap();
    assert_eq!(report.refused_total, 1_000_000);
    assert_eq!(report.refused.len(), MAX_KEPT_REFUSALS);
    assert_eq!(report.refused[999].line, 1_001);
    let plan = ImportPlan::new(report, &Existing::default());
    assert_eq!((plan.refused_total, plan.refused.len()), (1_000_000, 1_000));
}

#[test]
fn more_books_than_an_import_takes_refuse_the_file_where_they_start() {
    let text = format!("title,author\n{}", "A,B\n".repeat(11));
    let mut reader = Reader::with_max_books(10);
    reader.push(&text).unwrap();
    reader.end();
    let error = loop {
        match reader.read(1 << 20) {
            Ok(ReadStep::Finished) => panic!("11 books read with room for 10"),
            Ok(_) => {}
            Err(error) => break error,
        }
    };
    assert!(matches!(
        error.kind,
        ImportErrorKind::TooManyBooks { max: 10 }
    ));
    assert_eq!(error.line, Some(12));
    let message = error.to_string();
    assert!(
        message.starts_with("The file holds more than 10 books (book 11 starts on line 12)"),
        "{message}"
    );
    assert!(message.ends_with("Nothing was imported."), "{message}");
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
        // A uid as the store gives them (random bytes as a UUID), or none.
        proptest::option::of(proptest::array::uniform16(proptest::num::u8::ANY)),
        super::fuzz::reader_fields(),
    )
        .prop_map(|(title, author, genre, isbn, year, uid, reader)| {
            super::fuzz::with_reader_fields(
                NewBook {
                    uid: uid.map(crate::book::uuid_from_random).unwrap_or_default(),
                    isbn,
                    year,
                    ..NewBook::new(title, author, genre)
                },
                reader,
            )
        })
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
        for book in &books {
            prop_assert_eq!(book.to_new().validated(), Ok(book.to_new()), "books as stored");
        }
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
                '|', '/', '.', '2',
            ]),
            0..120,
        ),
        header in proptest::sample::select(vec![
            "", "[", "title,author\n", "id,title,author,isbn,year,rating,shelf\n",
            "id,title,author,genre,isbn,year,rating,status,uid,tags,series,series_number,pages,\
             publisher,format,added,copies,location,readings,loans,note\n",
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

// ---------------------------------------------------------------------------------------------
// Export for Goodreads, then Bookshelf's own Goodreads import: what Goodreads' layout holds comes
// back as it was.

/// Text made of `pieces` (trimmed, never empty).
fn text_of(pieces: &'static [&'static str], max: usize) -> BoxedStrategy<String> {
    proptest::collection::vec(proptest::sample::select(pieces), 1..max)
        .prop_map(|pieces| match pieces.concat().trim() {
            "" => "x".to_owned(),
            text => text.to_owned(),
        })
        .boxed()
}

/// Text Goodreads' layout keeps as it is: no `&` (its import undoes HTML entities); quotes,
/// commas, formulas and any script are fine.
const PLAIN: &[&str] = &[
    "a", "Z", "7", " ", "'", "\"", "=", "+", "-", "@", ",", ".", ":", "!", "é", "中", "📚", "ש",
    "(", ")", "#", ";",
];
/// A title that does not end as one with a series does: no ")".
const TITLE: &[&str] = &["a", "Z", "7", " ", "'", "\"", "=", "-", ",", "é", "(", "#"];
/// A series' name: what Goodreads' "(Series, #2)" can hold — no "(", ")", "#", ";" or ",".
const SERIES: &[&str] = &["a", "Z", "7", " ", "'", "\"", "=", "-", ".", "é"];
/// A tag, which Goodreads keeps as a shelf: no "," (which separates shelves).
const SHELF: &[&str] = &["a", "Z", "7", "-", " ", "'", "=", "é", ";", "|"];
/// A note: lines of plain text.
const NOTE: &[&str] = &[
    "a", "Z", " ", "'", "\"", "=", "-", ",", "é", "\n", "\r\n", "\t",
];

/// A book that a Goodreads export holds all of (save what its layout cannot: see
/// [`after_goodreads`]).
fn goodreads_book() -> impl Strategy<Value = NewBook> {
    let series = (
        text_of(SERIES, 12),
        (0u32..=99_999).prop_map(|hundredths| {
            crate::book::SeriesNumber::parse(&format!(
                "{}.{:02}",
                hundredths / 100,
                hundredths % 100
            ))
            .ok()
            .flatten()
        }),
    )
        .prop_map(|(name, number)| crate::book::Series { name, number });
    let tags = proptest::collection::vec(text_of(SHELF, 10), 0..4)
        .prop_map(|tags| crate::book::check_tags(&tags).unwrap_or_default());
    (
        (
            text_of(TITLE, 20),
            text_of(PLAIN, 12),
            proptest::option::of(isbn()),
            proptest::option::of(MIN_YEAR..=MAX_YEAR),
            proptest::option::of(series),
            tags,
        ),
        (
            prop_oneof![Just(String::new()), text_of(PLAIN, 10)],
            prop_oneof![Just(String::new()), text_of(NOTE, 30)],
            super::fuzz::reader_fields(),
        ),
    )
        .prop_map(
            |((title, author, isbn, year, series, tags), (publisher, note, reader))| {
                super::fuzz::with_reader_fields(
                    NewBook {
                        isbn,
                        year,
                        ..NewBook::new(title, author, "")
                    },
                    NewBook {
                        series,
                        tags,
                        publisher,
                        note,
                        ..reader
                    },
                )
            },
        )
}

/// What Bookshelf's Goodreads import makes of `book` exported for Goodreads: the same book but
/// for what Goodreads' layout cannot hold — no genre, uid, location or loans; whole stars (the
/// nearest, halves up, at least one); no status is to-read; only the day the last reading
/// finished, on the last of as many readings; no copies for 0.
fn after_goodreads(book: &Book) -> NewBook {
    let mut readings = vec![crate::book::Reading::default(); book.readings.len()];
    if let Some(last) = readings.last_mut() {
        last.finished = book.last_read();
    }
    NewBook {
        uid: String::new(),
        genre: String::new(),
        rating: book
            .rating
            .and_then(|rating| Stars::from_whole(((rating.quarters() + 2) / 4).max(1))),
        status: Some(book.status.unwrap_or(Status::WantToRead)),
        readings,
        copies: book.copies.filter(|copies| *copies > 0),
        location: String::new(),
        loans: Vec::new(),
        ..book.to_new()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn goodreads_export_then_goodreads_import_keeps_what_goodreads_holds(
        books in proptest::collection::vec(goodreads_book(), 1..8),
        page in 1usize..4,
    ) {
        let books: Vec<Book> = books
            .into_iter()
            .enumerate()
            .map(|(index, book)| book.with_id(index as u64 + 1))
            .collect();
        for book in &books {
            prop_assert_eq!(book.to_new().validated(), Ok(book.to_new()), "books as stored");
        }
        let report = round_trip(ExportFormat::Goodreads, &books, page);
        prop_assert_eq!(report.format, Format::Goodreads);
        prop_assert_eq!(&report.refused, &vec![]);
        prop_assert!(report.books.iter().all(|candidate| candidate.id.is_none()));
        let read: Vec<NewBook> = report.books.into_iter().map(|c| *c.book).collect();
        let expected: Vec<NewBook> = books.iter().map(after_goodreads).collect();
        prop_assert_eq!(read, expected);
    }
}

#[test]
fn a_series_without_a_number_comes_back_inside_the_title_from_goodreads() {
    // Goodreads writes an unnumbered series as "(Series)", which cannot be told from a title's
    // own parentheses ("Dune (Deluxe Edition)").
    let book = NewBook {
        series: Some(crate::book::Series {
            name: "Earthsea".into(),
            number: None,
        }),
        ..NewBook::new("Tales from Earthsea", "Ursula K. Le Guin", "")
    }
    .with_id(1);
    let report = round_trip(ExportFormat::Goodreads, &[book], 1);
    let read = &report.books[0].book;
    assert_eq!(
        (read.title.as_str(), &read.series),
        ("Tales from Earthsea (Earthsea)", &None)
    );
}
