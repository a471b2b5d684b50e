//! The statistics' charts as words and numbers: what each shows, the finding said in words (the
//! chart's accessible name, "Most books read in March: 6"), and the rows its bars and its table
//! share. Plain Rust; `ui/stats/chart.rs` draws them.

use super::{Report, MONTHS};

/// One chart: its rows, and the words around them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// A stable name for element ids ("books-per-month").
    pub id: &'static str,
    /// What it shows: the figure's and the table's caption ("Books read per month in 2026").
    pub title: String,
    /// The title and the finding in words, for the picture's accessible name.
    pub label: String,
    /// The finding alone ("Most books read in March: 6", "No books read in 2026").
    pub finding: String,
    /// The header of the rows' names ("Month").
    pub category: &'static str,
    /// The header of the numbers ("Books").
    pub measure: &'static str,
    /// The bars, in order: a name and a number.
    pub rows: Vec<(String, u64)>,
    /// Bars standing up (months, years) rather than lying down (lists).
    pub vertical: bool,
}

/// "March", "March and May", "March, May and June" (at most three named, then "and others").
fn names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [first, second] => format!("{first} and {second}"),
        [first, second, third] => format!("{first}, {second} and {third}"),
        [first, second, third, ..] => format!("{first}, {second}, {third} and others"),
    }
}

/// A chart whose finding names the rows with the largest number (`finding(names, number)`), or
/// says `empty` when every number is 0.
fn chart(
    id: &'static str,
    title: String,
    (category, measure): (&'static str, &'static str),
    rows: Vec<(String, u64)>,
    vertical: bool,
    finding: impl Fn(&str, u64) -> String,
    empty: &str,
) -> Chart {
    let most = rows.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let said = if most == 0 {
        empty.to_owned()
    } else {
        let leaders: Vec<&str> = rows
            .iter()
            .filter(|(_, n)| *n == most)
            .map(|(name, _)| name.as_str())
            .collect();
        finding(&names(&leaders), most)
    };
    Chart {
        id,
        label: format!("{title}. {said}"),
        finding: said,
        title,
        category,
        measure,
        rows,
        vertical,
    }
}

/// "1 star", "2 stars".
fn stars(n: usize) -> String {
    match n {
        1 => "1 star".to_owned(),
        n => format!("{n} stars"),
    }
}

/// The charts of `report`, in the order the page shows them.
pub fn charts(report: &Report) -> Vec<Chart> {
    let year = report.year;
    let no_reads = format!("No books read in {year}");
    let month_rows = |numbers: &[u64; 12]| -> Vec<(String, u64)> {
        MONTHS
            .iter()
            .zip(numbers)
            .map(|(month, n)| ((*month).to_owned(), *n))
            .collect()
    };
    let per_year = |pick: fn(&(i32, u64, u64)) -> u64| -> Vec<(String, u64)> {
        report
            .years
            .iter()
            .map(|row| (row.0.to_string(), pick(row)))
            .collect()
    };
    let named = |rows: &[(String, u64)]| rows.to_vec();
    let labelled = |rows: &[(&'static str, u64)]| -> Vec<(String, u64)> {
        rows.iter()
            .map(|(name, n)| ((*name).to_owned(), *n))
            .collect()
    };
    let is_or_has = |what: &'static str| {
        move |name: &str, n: u64| match name {
            "No status" => format!("Most books have no status: {n}"),
            "No format" => format!("Most books have no format: {n}"),
            name => format!("Most books {what} {name}: {n}"),
        }
    };
    vec![
        chart(
            "books-per-month",
            format!("Books read per month in {year}"),
            ("Month", "Books"),
            month_rows(&report.months.books),
            true,
            |names, n| format!("Most books read in {names}: {n}"),
            &no_reads,
        ),
        chart(
            "pages-per-month",
            format!("Pages read per month in {year}"),
            ("Month", "Pages"),
            month_rows(&report.months.pages),
            true,
            |names, n| format!("Most pages read in {names}: {n}"),
            &format!("No pages read in {year}"),
        ),
        chart(
            "books-per-year",
            "Books read per year".to_owned(),
            ("Year", "Books"),
            per_year(|row| row.1),
            true,
            |names, n| format!("Most books read in {names}: {n}"),
            "No books read yet",
        ),
        chart(
            "pages-per-year",
            "Pages read per year".to_owned(),
            ("Year", "Pages"),
            per_year(|row| row.2),
            true,
            |names, n| format!("Most pages read in {names}: {n}"),
            "No pages read yet",
        ),
        chart(
            "statuses",
            "Books by status".to_owned(),
            ("Status", "Books"),
            labelled(&report.statuses),
            false,
            is_or_has("have the status"),
            "No books yet",
        ),
        chart(
            "authors",
            "Top authors".to_owned(),
            ("Author", "Books"),
            named(&report.authors),
            false,
            |names, n| format!("Most books by {names}: {n}"),
            "No books yet",
        ),
        chart(
            "genres",
            "Top genres".to_owned(),
            ("Genre", "Books"),
            named(&report.genres),
            false,
            |names, n| format!("Most books in {names}: {n}"),
            "No genres yet",
        ),
        chart(
            "tags",
            "Top tags".to_owned(),
            ("Tag", "Books"),
            named(&report.tags),
            false,
            |names, n| format!("Most books tagged {names}: {n}"),
            "No tags yet",
        ),
        chart(
            "ratings",
            "Ratings, to the nearest whole star".to_owned(),
            ("Rating", "Books"),
            (1..=5)
                .zip(report.ratings)
                .map(|(n, count)| (stars(n), count))
                .collect(),
            false,
            |names, n| format!("Most books rated {names}: {n}"),
            "No ratings yet",
        ),
        chart(
            "formats",
            "Books by format".to_owned(),
            ("Format", "Books"),
            labelled(&report.formats),
            false,
            is_or_has("are"),
            "No books yet",
        ),
    ]
}
