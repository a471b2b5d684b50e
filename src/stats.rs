//! Reading statistics: a [`Stats`] accumulator fed one book at a time (a page of the store at a
//! time, so that a million books never sit in memory at once), and the [`Report`] it gives for a
//! year. Plain Rust, tested natively; the charts' words are in [`charts`].
//!
//! What counts, decided once here:
//! - A book is read in a month when one of its readings finished then: a re-read counts again, a
//!   reading with no finished day counts nowhere. Pages read are the book's pages for each such
//!   reading.
//! - Ratings are counted by whole stars, rounded to the nearest (a half rounds up; a quarter or
//!   three quarters of a star count as one).
//! - A series' progress is "R of N read": R its books that are Read or have a finished reading,
//!   N the books of the series in the catalogue, or the highest number among them when that is
//!   larger (books 1, 2 and 7 held: "of 7").
//! - On loan: books with a copy out; overdue: books with a copy out past its due day.

use std::collections::{BTreeMap, HashMap};

use crate::book::{Book, Date, Format, Status};

pub mod charts;

/// How many authors, genres and tags the top lists show.
pub const TOP: usize = 10;
/// How many series the progress list shows (those with the most books held).
pub const SERIES_SHOWN: usize = 50;

/// Names counted as written, a spelling that differs only in case counted with the first one met.
/// Looking up a name already met allocates nothing.
#[derive(Debug, Clone, Default)]
struct Tally<T> {
    /// Each spelling met, to its slot.
    spellings: HashMap<String, usize>,
    /// Each name in lower case, to its slot.
    folded: HashMap<String, usize>,
    /// The name as first written, and what is counted for it.
    slots: Vec<(String, T)>,
}

impl<T: Default> Tally<T> {
    /// What is counted for `name` (made on first sight); `None` for an empty name.
    fn entry(&mut self, name: &str) -> Option<&mut T> {
        if name.is_empty() {
            return None;
        }
        let slot = match self.spellings.get(name) {
            Some(&slot) => slot,
            None => {
                let key = name.to_lowercase();
                let slot = match self.folded.get(&key) {
                    Some(&slot) => slot,
                    None => {
                        self.slots.push((name.to_owned(), T::default()));
                        self.folded.insert(key, self.slots.len() - 1);
                        self.slots.len() - 1
                    }
                };
                self.spellings.insert(name.to_owned(), slot);
                slot
            }
        };
        self.slots.get_mut(slot).map(|(_, counted)| counted)
    }

    /// The `count` first names in the order `by`, then by name.
    fn first<F>(&self, count: usize, by: F) -> Vec<&(String, T)>
    where
        F: Fn(&T, &T) -> std::cmp::Ordering,
    {
        let mut all: Vec<&(String, T)> = self.slots.iter().collect();
        let order = |a: &&(String, T), b: &&(String, T)| by(&a.1, &b.1).then_with(|| a.0.cmp(&b.0));
        if all.len() > count && count > 0 {
            all.select_nth_unstable_by(count - 1, order);
            all.truncate(count);
        }
        all.sort_unstable_by(order);
        all.truncate(count);
        all
    }
}

impl Tally<u64> {
    /// Counts one more for `name`.
    fn add(&mut self, name: &str) {
        if let Some(count) = self.entry(name) {
            *count += 1;
        }
    }

    /// The `count` names counted most, most first, ties by name.
    fn top(&self, count: usize) -> Vec<(String, u64)> {
        self.first(count, |a, b| b.cmp(a))
            .into_iter()
            .map(|(name, n)| (name.clone(), *n))
            .collect()
    }
}

/// One series as far as the books held go.
#[derive(Debug, Clone, Copy, Default)]
struct SeriesTally {
    books: u64,
    read: u64,
    /// The highest whole number among its books.
    highest: u64,
}

/// Books and pages read in each month of one year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct YearReads {
    /// Books read per month, January first.
    pub books: [u64; 12],
    /// Pages read per month, January first.
    pub pages: [u64; 12],
}

impl YearReads {
    /// Books read in the whole year.
    pub fn total_books(&self) -> u64 {
        self.books.iter().sum()
    }

    /// Pages read in the whole year.
    pub fn total_pages(&self) -> u64 {
        self.pages.iter().sum()
    }
}

/// The running counts over the books added so far.
#[derive(Debug, Clone)]
pub struct Stats {
    today: Date,
    books: u64,
    reads: BTreeMap<i32, YearReads>,
    /// Want to read, Reading, Read, Did not finish, no status.
    statuses: [u64; 5],
    authors: Tally<u64>,
    genres: Tally<u64>,
    tags: Tally<u64>,
    /// 1 to 5 stars.
    ratings: [u64; 5],
    unrated: u64,
    /// [`Format::ALL`]'s order, then no format.
    formats: [u64; 6],
    series: Tally<SeriesTally>,
    on_loan: u64,
    overdue: u64,
}

/// The month names, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A series' progress: "Discworld: 4 of 7 read".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesProgress {
    /// The series' name as first written.
    pub name: String,
    /// Its books read.
    pub read: u64,
    /// Its books held, or its highest number when larger.
    pub of: u64,
    /// Its books in the catalogue.
    pub held: u64,
}

impl SeriesProgress {
    /// "Discworld: 4 of 7 read".
    pub fn text(&self) -> String {
        format!("{}: {} of {} read", self.name, self.read, self.of)
    }
}

/// Everything the statistics page shows, for one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The year the month charts and the goal are about.
    pub year: i32,
    /// Books in the catalogue.
    pub books: u64,
    /// Every year with a book read, oldest first, with its books and pages read.
    pub years: Vec<(i32, u64, u64)>,
    /// The chosen year's books and pages read per month.
    pub months: YearReads,
    /// Books per status, in [`Status::ALL`]'s order and then "No status".
    pub statuses: Vec<(&'static str, u64)>,
    /// The authors with the most books.
    pub authors: Vec<(String, u64)>,
    /// The genres with the most books.
    pub genres: Vec<(String, u64)>,
    /// The tags on the most books.
    pub tags: Vec<(String, u64)>,
    /// Books rated 1 to 5 stars (rounded to the nearest whole star).
    pub ratings: [u64; 5],
    /// Books with no rating.
    pub unrated: u64,
    /// Books per format, in [`Format::ALL`]'s order and then "No format".
    pub formats: Vec<(&'static str, u64)>,
    /// The series with the most books held, most first, ties by name.
    pub series: Vec<SeriesProgress>,
    /// How many series the catalogue holds in all.
    pub series_count: usize,
    /// Books with a copy out.
    pub on_loan: u64,
    /// Books with a copy out past its due day.
    pub overdue: u64,
}

impl Stats {
    /// No books yet; loans are overdue when due before `today`.
    pub fn new(today: Date) -> Self {
        Self {
            today,
            books: 0,
            reads: BTreeMap::new(),
            statuses: [0; 5],
            authors: Tally::default(),
            genres: Tally::default(),
            tags: Tally::default(),
            ratings: [0; 5],
            unrated: 0,
            formats: [0; 6],
            series: Tally::default(),
            on_loan: 0,
            overdue: 0,
        }
    }

    /// How many books were added.
    pub fn books(&self) -> u64 {
        self.books
    }

    /// Counts one more book.
    pub fn add(&mut self, book: &Book) {
        self.books += 1;
        let pages = u64::from(book.pages.unwrap_or(0));
        let mut finished = false;
        for day in book.readings.iter().filter_map(|reading| reading.finished) {
            finished = true;
            let year = self.reads.entry(i32::from(day.year())).or_default();
            let month = usize::from(day.month().clamp(1, 12) - 1);
            year.books[month] += 1;
            year.pages[month] += pages;
        }
        let status = match book.status {
            Some(Status::WantToRead) => 0,
            Some(Status::Reading) => 1,
            Some(Status::Read) => 2,
            Some(Status::DidNotFinish) => 3,
            None => 4,
        };
        self.statuses[status] += 1;
        self.authors.add(&book.author);
        self.genres.add(&book.genre);
        for tag in &book.tags {
            self.tags.add(tag);
        }
        match book.rating {
            Some(stars) => {
                let whole = usize::from((stars.quarters() + 2) / 4).clamp(1, 5);
                self.ratings[whole - 1] += 1;
            }
            None => self.unrated += 1,
        }
        let format = book
            .format
            .and_then(|format| Format::ALL.iter().position(|&f| f == format))
            .unwrap_or(Format::ALL.len());
        self.formats[format] += 1;
        if let Some(series) = &book.series {
            if let Some(tally) = self.series.entry(&series.name) {
                tally.books += 1;
                if finished || book.status == Some(Status::Read) {
                    tally.read += 1;
                }
                let number = series.number.map_or(0, |n| u64::from(n.hundredths() / 100));
                tally.highest = tally.highest.max(number);
            }
        }
        if book.loans_out().next().is_some() {
            self.on_loan += 1;
        }
        if book.loans.iter().any(|loan| loan.is_overdue(self.today)) {
            self.overdue += 1;
        }
    }

    /// The years with a book read and `current`, newest first (the Year choices).
    pub fn years(&self, current: i32) -> Vec<i32> {
        let mut years: Vec<i32> = self.reads.keys().copied().collect();
        if !self.reads.contains_key(&current) {
            years.push(current);
        }
        years.sort_unstable_by(|a, b| b.cmp(a));
        years
    }

    /// What the page shows for `year`.
    pub fn report(&self, year: i32) -> Report {
        let mut series: Vec<SeriesProgress> = self
            .series
            .first(SERIES_SHOWN, |a, b| b.books.cmp(&a.books))
            .into_iter()
            .map(|(name, tally)| SeriesProgress {
                name: name.clone(),
                read: tally.read,
                of: tally.books.max(tally.highest),
                held: tally.books,
            })
            .collect();
        series.shrink_to_fit();
        Report {
            year,
            books: self.books,
            years: self
                .reads
                .iter()
                .map(|(&year, reads)| (year, reads.total_books(), reads.total_pages()))
                .collect(),
            months: self.reads.get(&year).copied().unwrap_or_default(),
            statuses: Status::ALL
                .iter()
                .map(|status| status.label())
                .chain(["No status"])
                .zip(self.statuses)
                .collect(),
            authors: self.authors.top(TOP),
            genres: self.genres.top(TOP),
            tags: self.tags.top(TOP),
            ratings: self.ratings,
            unrated: self.unrated,
            formats: Format::ALL
                .iter()
                .map(|format| format.label())
                .chain(["No format"])
                .zip(self.formats)
                .collect(),
            series,
            series_count: self.series.slots.len(),
            on_loan: self.on_loan,
            overdue: self.overdue,
        }
    }
}

impl Report {
    /// Books read in the chosen year.
    pub fn read_in_year(&self) -> u64 {
        self.months.total_books()
    }

    /// The goal line: "23 of 40 books" with a goal, "23 books read in 2026" without.
    pub fn goal_text(&self, goal: Option<u64>) -> String {
        let read = self.read_in_year();
        match goal {
            Some(goal) => format!("{read} of {goal} books"),
            None if read == 1 => format!("1 book read in {}", self.year),
            None => format!("{read} books read in {}", self.year),
        }
    }
}

#[cfg(test)]
mod tests;
