//! The table's columns: which there are, what each shows of a book, which sort each offers, and
//! the person's choice of them written as a short text to remember. Plain Rust.

use crate::book::{Book, Date};
use crate::query::SortField;

/// A column the table can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// The id.
    Id,
    /// The title (always shown: it links to the book's page).
    Title,
    /// The author.
    Author,
    /// The genre.
    Genre,
    /// The status.
    Status,
    /// The rating.
    Rating,
    /// The day the last reading finished.
    Read,
    /// The tags.
    Tags,
    /// The series and number.
    Series,
    /// The page count.
    Pages,
    /// The publication year.
    Year,
    /// The publisher.
    Publisher,
    /// The format.
    Format,
    /// The day added.
    Added,
    /// The copies owned.
    Copies,
    /// Where the copies are.
    Location,
    /// Who has a copy, and until when.
    Loan,
    /// The note's first line.
    Note,
}

impl Column {
    /// Every column, in the order the table shows them.
    pub const ALL: [Column; 18] = [
        Column::Id,
        Column::Title,
        Column::Author,
        Column::Genre,
        Column::Status,
        Column::Rating,
        Column::Read,
        Column::Tags,
        Column::Series,
        Column::Pages,
        Column::Year,
        Column::Publisher,
        Column::Format,
        Column::Added,
        Column::Copies,
        Column::Location,
        Column::Loan,
        Column::Note,
    ];

    /// The columns shown until the person chooses.
    pub const DEFAULT: [Column; 4] = [Column::Id, Column::Title, Column::Author, Column::Genre];

    /// The column's heading.
    pub fn label(self) -> &'static str {
        match self {
            Column::Id => "ID",
            Column::Title => "Title",
            Column::Author => "Author",
            Column::Genre => "Genre",
            Column::Status => "Status",
            Column::Rating => "Rating",
            Column::Read => "Date read",
            Column::Tags => "Tags",
            Column::Series => "Series",
            Column::Pages => "Pages",
            Column::Year => "Year",
            Column::Publisher => "Publisher",
            Column::Format => "Format",
            Column::Added => "Date added",
            Column::Copies => "Copies",
            Column::Location => "Location",
            Column::Loan => "On loan",
            Column::Note => "Note",
        }
    }

    /// The column's name in the remembered choice and its cells' class.
    pub fn key(self) -> &'static str {
        match self {
            Column::Id => "id",
            Column::Title => "title",
            Column::Author => "author",
            Column::Genre => "genre",
            Column::Status => "status",
            Column::Rating => "rating",
            Column::Read => "read",
            Column::Tags => "tags",
            Column::Series => "series",
            Column::Pages => "pages",
            Column::Year => "year",
            Column::Publisher => "publisher",
            Column::Format => "format",
            Column::Added => "added",
            Column::Copies => "copies",
            Column::Location => "location",
            Column::Loan => "loan",
            Column::Note => "note",
        }
    }

    /// The sort a click on the heading gives, for the columns the store keeps an index for.
    pub fn sort(self) -> Option<SortField> {
        match self {
            Column::Id => Some(SortField::Id),
            Column::Title => Some(SortField::Title),
            Column::Author => Some(SortField::Author),
            Column::Genre => Some(SortField::Genre),
            Column::Status => Some(SortField::Status),
            Column::Rating => Some(SortField::Rating),
            Column::Read => Some(SortField::Read),
            Column::Series => Some(SortField::Series),
            Column::Pages => Some(SortField::Pages),
            Column::Year => Some(SortField::Year),
            _ => None,
        }
    }

    /// What the column shows of `book` (`today` tells an overdue loan).
    pub fn cell(self, book: &Book, today: Date) -> String {
        let some = |value: Option<String>| value.unwrap_or_default();
        match self {
            Column::Id => book.id.to_string(),
            Column::Title => book.title.clone(),
            Column::Author => book.author.clone(),
            Column::Genre => book.genre.clone(),
            Column::Status => some(book.status.map(|s| s.label().to_owned())),
            Column::Rating => some(book.rating.map(|stars| format!("{stars} ★"))),
            Column::Read => some(book.last_read().map(|day| day.to_string())),
            Column::Tags => book.tags.join(", "),
            Column::Series => some(book.series.as_ref().map(|series| match series.number {
                Some(number) => format!("{} #{number}", series.name),
                None => series.name.clone(),
            })),
            Column::Pages => some(book.pages.map(|pages| pages.to_string())),
            Column::Year => some(book.year.map(|year| year.to_string())),
            Column::Publisher => book.publisher.clone(),
            Column::Format => some(book.format.map(|format| format.label().to_owned())),
            Column::Added => some(book.added.map(|day| day.to_string())),
            Column::Copies => some(book.copies.map(|copies| copies.to_string())),
            Column::Location => book.location.clone(),
            Column::Loan => book
                .loans_out()
                .map(|loan| {
                    let overdue = if loan.is_overdue(today) {
                        ", overdue"
                    } else {
                        ""
                    };
                    format!("{} (due {}{overdue})", loan.borrower, loan.due)
                })
                .collect::<Vec<_>>()
                .join("; "),
            Column::Note => book.note.lines().next().unwrap_or_default().to_owned(),
        }
    }

    /// A remembered choice read back: known names only, in the table's order, Title always.
    pub fn parse_list(text: &str) -> Vec<Column> {
        let named: Vec<&str> = text.split(',').map(str::trim).collect();
        let chosen: Vec<Column> = Column::ALL
            .into_iter()
            .filter(|column| *column == Column::Title || named.contains(&column.key()))
            .collect();
        if chosen == [Column::Title] && !named.contains(&"title") {
            // Nothing recognisable was remembered.
            return Column::DEFAULT.to_vec();
        }
        chosen
    }

    /// The choice written to be remembered.
    pub fn write_list(columns: &[Column]) -> String {
        columns
            .iter()
            .map(|column| column.key())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// `columns` with `column` shown or hidden, in the table's order (Title is never hidden).
    pub fn toggled(columns: &[Column], column: Column, shown: bool) -> Vec<Column> {
        Column::ALL
            .into_iter()
            .filter(|c| {
                if *c == column {
                    shown || *c == Column::Title
                } else {
                    columns.contains(c)
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::{Loan, NewBook, Series, SeriesNumber, Stars, Status};

    #[test]
    fn a_choice_is_remembered_as_text_and_read_back_in_table_order() {
        let chosen = [Column::Title, Column::Rating, Column::Status];
        let text = Column::write_list(&Column::toggled(&chosen, Column::Loan, true));
        assert_eq!(text, "title,status,rating,loan");
        assert_eq!(
            Column::parse_list(&text),
            [Column::Title, Column::Status, Column::Rating, Column::Loan]
        );
        assert_eq!(Column::parse_list(""), Column::DEFAULT);
        assert_eq!(Column::parse_list("nonsense"), Column::DEFAULT);
        assert_eq!(Column::parse_list("pages"), [Column::Title, Column::Pages]);
        assert_eq!(
            Column::toggled(&Column::DEFAULT, Column::Title, false),
            Column::DEFAULT,
            "Title stays"
        );
        assert_eq!(
            Column::toggled(&Column::DEFAULT, Column::Genre, false),
            [Column::Id, Column::Title, Column::Author]
        );
    }

    #[test]
    fn cells_say_the_fields_as_people_read_them() {
        let today = Date::new(2026, 12, 2).unwrap();
        let lent = Date::new(2026, 11, 1).unwrap();
        let book = NewBook {
            rating: Stars::from_quarters(17),
            status: Some(Status::DidNotFinish),
            series: Some(Series {
                name: "Iron Widow".into(),
                number: SeriesNumber::parse("2.5").unwrap(),
            }),
            tags: vec!["owned".into(), "sci-fi".into()],
            loans: vec![Loan {
                borrower: "Ada".into(),
                lent_on: lent,
                due: lent.plus_days(14).unwrap(),
                returned: None,
            }],
            ..NewBook::new("Heavenly Tyrant", "Xiran Jay Zhao", "")
        }
        .with_id(3);
        let cell = |column: Column| column.cell(&book, today);
        assert_eq!(cell(Column::Rating), "4.25 ★");
        assert_eq!(cell(Column::Status), "Did not finish");
        assert_eq!(cell(Column::Series), "Iron Widow #2.5");
        assert_eq!(cell(Column::Tags), "owned, sci-fi");
        assert_eq!(cell(Column::Loan), "Ada (due 2026-11-15, overdue)");
        assert_eq!(cell(Column::Pages), "");
        let noted = Book {
            note: "First line\nsecond line".into(),
            ..book.clone()
        };
        assert_eq!(Column::Note.cell(&noted, today), "First line");
        assert!(Column::ALL.iter().all(|c| !c.label().is_empty()));
    }
}
