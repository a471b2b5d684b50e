//! The statistics over a hand-built catalogue.

use super::charts::charts;
use super::*;
use crate::book::{Loan, Reading, Series, SeriesNumber, Stars};

fn day(text: &str) -> Date {
    Date::parse(crate::book::Field::Finished, text)
        .ok()
        .flatten()
        .unwrap_or(Date::EPOCH)
}

fn book(id: u64, title: &str, author: &str) -> Book {
    Book {
        id,
        uid: String::new(),
        title: title.to_owned(),
        author: author.to_owned(),
        genre: String::new(),
        isbn: None,
        year: None,
        rating: None,
        status: None,
        readings: Vec::new(),
        tags: Vec::new(),
        series: None,
        pages: None,
        publisher: String::new(),
        format: None,
        added: None,
        copies: None,
        location: String::new(),
        loans: Vec::new(),
        note: String::new(),
    }
}

fn finished(days: &[&str]) -> Vec<Reading> {
    days.iter()
        .map(|text| Reading {
            started: None,
            finished: Some(day(text)),
        })
        .collect()
}

fn in_series(name: &str, number: u32) -> Option<Series> {
    Some(Series {
        name: name.to_owned(),
        number: SeriesNumber::parse(&number.to_string()).ok().flatten(),
    })
}

/// Seven books: re-reads, a reading with no end, two years, a series, loans.
fn catalogue() -> Vec<Book> {
    let mut books = vec![
        book(1, "Guards! Guards!", "Terry Pratchett"),
        book(2, "Mort", "terry pratchett"),
        book(3, "Small Gods", "Terry Pratchett"),
        book(4, "Dune", "Frank Herbert"),
        book(5, "Emma", "Jane Austen"),
        book(6, "Persuasion", "Jane Austen"),
        book(7, "Unread", "Anne Author"),
    ];
    books[0].readings = finished(&["2026-03-02", "2026-03-20"]);
    books[0].pages = Some(300);
    books[0].status = Some(Status::Read);
    books[0].series = in_series("Discworld", 8);
    books[0].rating = Stars::from_quarters(18); // 4.5: 5 stars
    books[0].tags = vec!["owned".into(), "fantasy".into()];
    books[0].genre = "Fantasy".into();
    books[0].format = Some(Format::Paperback);
    books[1].readings = finished(&["2026-05-01"]);
    books[1].pages = Some(200);
    books[1].series = in_series("Discworld", 4);
    books[1].rating = Stars::from_quarters(17); // 4.25: 4 stars
    books[1].tags = vec!["Owned".into()];
    books[1].genre = "fantasy".into();
    books[2].series = in_series("Discworld", 13);
    books[2].status = Some(Status::WantToRead);
    books[2].readings = vec![Reading {
        started: Some(day("2026-06-01")),
        finished: None,
    }];
    books[3].readings = finished(&["2025-11-11"]);
    books[3].status = Some(Status::Read);
    books[3].rating = Stars::from_quarters(1); // 0.25: 1 star
    books[3].genre = "Science fiction".into();
    books[3].format = Some(Format::Hardcover);
    books[4].status = Some(Status::DidNotFinish);
    books[4].loans = vec![Loan {
        borrower: "Ann".into(),
        lent_on: day("2026-01-01"),
        due: day("2026-01-15"),
        returned: None,
    }];
    books[5].status = Some(Status::Reading);
    books[5].loans = vec![
        Loan {
            borrower: "Bob".into(),
            lent_on: day("2026-01-01"),
            due: day("2026-01-15"),
            returned: Some(day("2026-01-10")),
        },
        Loan {
            borrower: "Cy".into(),
            lent_on: day("2026-02-01"),
            due: day("2026-02-20"),
            returned: None,
        },
    ];
    books
}

fn stats() -> Stats {
    let mut stats = Stats::new(day("2026-02-10"));
    for book in catalogue() {
        stats.add(&book);
    }
    stats
}

#[test]
fn reads_count_every_finished_reading_by_month_with_its_pages() {
    let report = stats().report(2026);
    assert_eq!(report.books, 7);
    assert_eq!(report.months.books[2], 2, "a re-read in March counts twice");
    assert_eq!(report.months.pages[2], 600);
    assert_eq!(report.months.books[4], 1);
    assert_eq!(report.months.pages[4], 200);
    assert_eq!(
        report.months.books[5], 0,
        "a reading with no end counts nowhere"
    );
    assert_eq!(report.read_in_year(), 3);
    assert_eq!(report.years, vec![(2025, 1, 0), (2026, 3, 800)]);
    assert_eq!(stats().report(2025).read_in_year(), 1);
    assert_eq!(stats().report(1999).read_in_year(), 0);
}

#[test]
fn the_years_offered_are_those_with_reads_and_this_year() {
    assert_eq!(stats().years(2026), vec![2026, 2025]);
    assert_eq!(stats().years(2027), vec![2027, 2026, 2025]);
}

#[test]
fn the_goal_line_says_n_of_g_or_just_n() {
    let report = stats().report(2026);
    assert_eq!(report.goal_text(Some(40)), "3 of 40 books");
    assert_eq!(report.goal_text(None), "3 books read in 2026");
    assert_eq!(stats().report(2025).goal_text(None), "1 book read in 2025");
}

#[test]
fn statuses_formats_and_ratings_are_counted() {
    let report = stats().report(2026);
    assert_eq!(
        report.statuses,
        vec![
            ("Want to read", 1),
            ("Reading", 1),
            ("Read", 2),
            ("Did not finish", 1),
            ("No status", 2)
        ]
    );
    assert_eq!(
        report.ratings,
        [1, 0, 0, 1, 1],
        "0.25 → 1, 4.25 → 4, 4.5 → 5"
    );
    assert_eq!(report.unrated, 4);
    assert_eq!(report.formats[0], ("Hardcover", 1));
    assert_eq!(report.formats[1], ("Paperback", 1));
    assert_eq!(report.formats[5], ("No format", 5));
}

#[test]
fn top_lists_fold_case_and_break_ties_by_name() {
    let report = stats().report(2026);
    assert_eq!(
        report.authors,
        vec![
            ("Terry Pratchett".to_owned(), 3),
            ("Jane Austen".to_owned(), 2),
            ("Anne Author".to_owned(), 1),
            ("Frank Herbert".to_owned(), 1),
        ]
    );
    assert_eq!(
        report.genres,
        vec![("Fantasy".to_owned(), 2), ("Science fiction".to_owned(), 1)]
    );
    assert_eq!(
        report.tags,
        vec![("owned".to_owned(), 2), ("fantasy".to_owned(), 1)]
    );
}

#[test]
fn top_lists_keep_the_first_ten() {
    let mut stats = Stats::new(Date::EPOCH);
    for n in 0..30_u64 {
        for _ in 0..(n % 4) {
            stats.add(&book(n, "T", &format!("Author {n:02}")));
        }
    }
    let authors = stats.report(2026).authors;
    assert_eq!(authors.len(), TOP);
    assert_eq!(authors[0], ("Author 03".to_owned(), 3));
    assert_eq!(authors[6], ("Author 27".to_owned(), 3));
    assert_eq!(authors[7], ("Author 02".to_owned(), 2));
    assert_eq!(authors[9], ("Author 10".to_owned(), 2));
}

#[test]
fn series_progress_is_read_of_the_larger_of_held_and_highest_number() {
    let report = stats().report(2026);
    assert_eq!(report.series_count, 1);
    assert_eq!(
        report.series,
        vec![SeriesProgress {
            name: "Discworld".into(),
            read: 2,
            of: 13,
            held: 3
        }]
    );
    assert_eq!(report.series[0].text(), "Discworld: 2 of 13 read");
    let mut stats = Stats::new(Date::EPOCH);
    let mut unnumbered = book(1, "A", "B");
    unnumbered.series = Some(Series {
        name: "Loose".into(),
        number: None,
    });
    stats.add(&unnumbered);
    stats.add(&unnumbered);
    assert_eq!(stats.report(2026).series[0].text(), "Loose: 0 of 2 read");
}

#[test]
fn loans_out_and_overdue_are_counted_by_book() {
    let report = stats().report(2026);
    assert_eq!(report.on_loan, 2);
    assert_eq!(report.overdue, 1, "due 2026-01-15, out on 2026-02-10");
}

#[test]
fn the_charts_say_their_finding_in_words() {
    let report = stats().report(2026);
    let all = charts(&report);
    let label = |id: &str| {
        all.iter()
            .find(|chart| chart.id == id)
            .map(|chart| chart.label.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        label("books-per-month"),
        "Books read per month in 2026. Most books read in March: 2"
    );
    assert_eq!(
        label("pages-per-month"),
        "Pages read per month in 2026. Most pages read in March: 600"
    );
    assert_eq!(
        label("books-per-year"),
        "Books read per year. Most books read in 2026: 3"
    );
    assert_eq!(
        label("statuses"),
        "Books by status. Most books have the status Read and No status: 2"
    );
    assert_eq!(
        label("authors"),
        "Top authors. Most books by Terry Pratchett: 3"
    );
    assert_eq!(
        label("ratings"),
        "Ratings, to the nearest whole star. Most books rated 1 star, 4 stars and 5 stars: 1"
    );
    assert_eq!(
        label("formats"),
        "Books by format. Most books have no format: 5"
    );
    let empty = charts(&Stats::new(Date::EPOCH).report(2026));
    assert_eq!(
        empty[0].label,
        "Books read per month in 2026. No books read in 2026"
    );
    assert_eq!(empty[0].rows.len(), 12);
}
