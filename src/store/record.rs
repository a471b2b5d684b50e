//! The shape a book has inside IndexedDB: its fields plus the folded keys the indexes sort by.

use serde::{Deserialize, Serialize};

use crate::book::{
    Book, BookId, Date, Format, Loan, NewBook, Reading, Series, Shelf, Stars, Status,
};
use crate::query::{count_key, date_key, fold, rating_key, series_key, status_key, year_key};
use crate::search::LineParts;

/// A stored book. `id` is absent until the store's key generator assigns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The primary key; `None` lets IndexedDB assign the next one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<BookId>,
    /// The book's lasting identity; absent in records before version 4 (the upgrade adds one).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// The title as the person wrote it. (A version 1 record may lack it or hold something else:
    /// the upgrade makes it text first, see `schema::text_fields`.)
    #[serde(default)]
    pub title: String,
    /// The author as the person wrote it.
    #[serde(default)]
    pub author: String,
    /// The genre as the person wrote it.
    #[serde(default)]
    pub genre: String,
    /// `fold(title)`: what the title index sorts by.
    #[serde(default)]
    pub title_key: String,
    /// `fold(author)`: what the author index sorts by.
    #[serde(default)]
    pub author_key: String,
    /// `fold(genre)`: what the genre index sorts by.
    #[serde(default)]
    pub genre_key: String,
    /// The ISBN-13 (what the ISBN index finds duplicates by); absent in records before version 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isbn: Option<String>,
    /// The publication year; absent in records before version 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Versions 3 and 4's rating in whole stars: read by the upgrade, never written.
    #[serde(default, skip_serializing)]
    pub rating: Option<u8>,
    /// Versions 3 and 4's shelf: read by the upgrade (it becomes the status), never written.
    #[serde(default, skip_serializing)]
    pub shelf: Option<Shelf>,
    /// The rating in quarter stars; absent in records before version 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stars: Option<Stars>,
    /// The reader's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The readings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<Reading>,
    /// The tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<Series>,
    /// The page count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// The publisher.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub publisher: String,
    /// The format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// The day added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added: Option<Date>,
    /// The copies owned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<u32>,
    /// Where the copies are.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
    /// The loans.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loans: Vec<Loan>,
    /// The note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// What the version 5 indexes sort by (see [`crate::query::SortField`]); always written, so
    /// that every record is in every index (IndexedDB leaves out a record lacking a key).
    #[serde(default)]
    pub keys: SortKeys,
}

/// The sort texts of the version 5 columns, in one object so that the indexes' key paths read
/// `keys.status` and so on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortKeys {
    /// [`status_key`].
    pub status: String,
    /// [`rating_key`].
    pub rating: String,
    /// [`date_key`] of the last reading's end.
    pub read: String,
    /// [`series_key`].
    pub series: String,
    /// [`count_key`] of the pages.
    pub pages: String,
    /// [`year_key`].
    pub year: String,
}

impl SortKeys {
    /// The keys of a book's fields.
    fn of(book: &NewBook) -> Self {
        let last_read = book.readings.iter().filter_map(|r| r.finished).max();
        SortKeys {
            status: status_key(book.status),
            rating: rating_key(book.rating),
            read: date_key(last_read),
            series: series_key(book.series.as_ref()),
            pages: count_key(book.pages),
            year: year_key(book.year),
        }
    }
}

impl Record {
    /// The record of a book that has no id yet.
    pub fn from_new(book: &NewBook) -> Self {
        Self::from_owned(book.clone())
    }

    /// The record of a book that has no id yet, taking the book's fields (a bulk write makes a
    /// million of these: nothing is copied).
    pub fn from_owned(book: NewBook) -> Self {
        let keys = SortKeys::of(&book);
        Self {
            id: None,
            title_key: fold(&book.title),
            author_key: fold(&book.author),
            genre_key: fold(&book.genre),
            uid: book.uid,
            title: book.title,
            author: book.author,
            genre: book.genre,
            isbn: book.isbn,
            year: book.year,
            rating: None,
            shelf: None,
            stars: book.rating,
            status: book.status,
            readings: book.readings,
            tags: book.tags,
            series: book.series,
            pages: book.pages,
            publisher: book.publisher,
            format: book.format,
            added: book.added,
            copies: book.copies,
            location: book.location,
            loans: book.loans,
            note: book.note,
            keys,
        }
    }

    /// What the search index's line of this record's book is made of, under `id`: the folded
    /// texts the record already holds are not folded again.
    pub fn line_parts(&self, id: BookId) -> LineParts<'_> {
        let keys = &self.keys;
        LineParts {
            id,
            folded: [&self.title_key, &self.author_key, &self.genre_key],
            genre: &self.genre,
            tags: &self.tags,
            series: self.series.as_ref(),
            location: &self.location,
            loans: &self.loans,
            status: self.status,
            format: self.format,
            sort_keys: [
                &keys.status,
                &keys.rating,
                &keys.read,
                &keys.series,
                &keys.pages,
                &keys.year,
            ],
        }
    }

    /// The record of a stored book.
    pub fn from_book(book: &Book) -> Self {
        Self {
            id: Some(book.id),
            ..Self::from_new(&book.to_new())
        }
    }

    /// The same record with its sort keys computed afresh and version 3's rating and shelf
    /// carried into the rating in quarter stars and the status (used by upgrades).
    pub fn rekeyed(self) -> Self {
        let stars = self.stars.or(self.rating.and_then(Stars::from_whole));
        let status = self.status.or(self.shelf.map(Status::from));
        let id = self.id;
        let record = Record {
            stars,
            status,
            ..self
        };
        Record {
            id,
            ..Record::from_new(&record.into_new())
        }
    }

    /// The same record made whole for this version: a title or author that an old record lacks
    /// is filled with words that say so, for the person to fix (never a reason to fail an open).
    pub fn repaired(self) -> Self {
        let fill = |text: String, missing: &str| {
            if text.trim().is_empty() {
                missing.to_owned()
            } else {
                text
            }
        };
        Self {
            title: fill(self.title, MISSING_TITLE),
            author: fill(self.author, MISSING_AUTHOR),
            ..self
        }
        .rekeyed()
    }

    /// The book this record holds, or `None` for a record that never got an id.
    pub fn into_book(self) -> Option<Book> {
        let id = self.id?;
        Some(self.into_new().with_id(id))
    }

    /// The book's fields, without its id.
    pub fn into_new(self) -> NewBook {
        NewBook {
            uid: self.uid,
            title: self.title,
            author: self.author,
            genre: self.genre,
            isbn: self.isbn,
            year: self.year,
            rating: self.stars,
            status: self.status,
            readings: self.readings,
            tags: self.tags,
            series: self.series,
            pages: self.pages,
            publisher: self.publisher,
            format: self.format,
            added: self.added,
            copies: self.copies,
            location: self.location,
            loans: self.loans,
            note: self.note,
        }
    }
}

/// What an upgrade writes for a title an old record lacks.
pub const MISSING_TITLE: &str = "(no title: please fix)";
/// What an upgrade writes for an author an old record lacks.
pub const MISSING_AUTHOR: &str = "(no author: please fix)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_carry_folded_keys_and_round_trip_to_books() {
        let book = NewBook::new("Émile", "ZOLA", "").with_id(3);
        let record = Record::from_book(&book);
        assert_eq!(record.title_key, "emile");
        assert_eq!(record.author_key, "zola");
        assert_eq!(record.clone().into_book(), Some(book));
        assert_eq!(
            Record::from_new(&NewBook::new("a", "b", "c")).into_book(),
            None
        );
    }

    #[test]
    fn a_version_two_record_reads_with_no_details() {
        let stored = r#"{"id": 4, "title": "Emma", "author": "Jane Austen", "genre": "",
            "title_key": "emma", "author_key": "jane austen", "genre_key": ""}"#;
        let record: Record = serde_json::from_str(stored).unwrap();
        let book = record.into_book().unwrap();
        assert_eq!(
            (book.isbn, book.year, book.rating, book.status),
            (None, None, None, None)
        );
        // And a record without details is written without them, as before.
        let written =
            serde_json::to_string(&Record::from_book(&NewBook::new("a", "b", "").with_id(1)));
        assert!(!written.unwrap().contains("isbn"));
    }

    #[test]
    fn the_new_fields_round_trip_and_are_optional() {
        let day = |text| Date::parse(crate::book::Field::Started, text).unwrap();
        let book = NewBook {
            isbn: Some("9780141026169".into()),
            year: Some(1986),
            rating: Stars::from_quarters(15),
            status: Some(Status::Reading),
            readings: vec![Reading {
                started: day("2026-01-02"),
                finished: None,
            }],
            tags: vec!["science".into(), "owned".into()],
            series: Some(Series {
                name: "Dawkins".into(),
                number: None,
            }),
            pages: Some(332),
            publisher: "Penguin".into(),
            format: Some(Format::Paperback),
            added: day("2025-12-24"),
            copies: Some(2),
            location: "Study, shelf 3".into(),
            loans: vec![Loan {
                borrower: "Ada".into(),
                lent_on: day("2026-01-05").unwrap(),
                due: day("2026-01-19").unwrap(),
                returned: day("2026-01-18"),
            }],
            note: "Line one.\nLine two.".into(),
            ..NewBook::new("The Blind Watchmaker", "Richard Dawkins", "")
        }
        .with_id(9);
        let record = Record::from_book(&book);
        assert_eq!(record.keys.rating, "15");
        assert_eq!(record.keys.status, "2");
        assert_eq!(record.keys.pages, "000332");
        assert_eq!(record.keys.year, "05986");
        assert_eq!(record.keys.read, "", "no reading finished");
        assert_eq!(record.into_book(), Some(book));
    }

    #[test]
    fn a_version_four_record_gets_quarter_stars_a_status_and_keys() {
        let stored = r#"{"id": 4, "uid": "u-1", "title": "Emma", "author": "Jane Austen",
            "genre": "", "title_key": "emma", "author_key": "jane austen", "genre_key": "",
            "rating": 4, "shelf": "currently-reading"}"#;
        let record: Record = serde_json::from_str(stored).unwrap();
        let record = record.rekeyed();
        assert_eq!(record.keys.rating, "16");
        let book = record.clone().into_book().unwrap();
        assert_eq!(book.rating, Stars::from_whole(4));
        assert_eq!(book.status, Some(Status::Reading));
        assert_eq!(book.uid, "u-1");
        let written = serde_json::to_value(&record).unwrap();
        let old = ["shelf", "rating"].map(|key| written.get(key));
        assert_eq!(old, [None, None], "{written}");
    }

    #[test]
    fn a_version_one_record_is_rekeyed() {
        let old: Record =
            serde_json::from_str(r#"{"id": 1, "title": "Ça", "author": "Bé"}"#).unwrap();
        let new = old.rekeyed();
        assert_eq!(
            (new.title_key.as_str(), new.author_key.as_str()),
            ("ca", "be")
        );
    }

    #[test]
    fn a_record_without_a_title_or_author_is_repaired_with_words_that_say_so() {
        let record: Record = serde_json::from_str(r#"{"id": 5, "author": "Anon"}"#).unwrap();
        let book = record.repaired().into_book().unwrap();
        assert_eq!(
            (book.title.as_str(), book.author.as_str()),
            (MISSING_TITLE, "Anon")
        );
        assert!(book.to_new().validated().is_ok());
        let record: Record = serde_json::from_str(r#"{"id": 6, "title": " 1984 "}"#).unwrap();
        let book = record.repaired().into_book().unwrap();
        assert_eq!(
            (book.title.as_str(), book.author.as_str()),
            (" 1984 ", MISSING_AUTHOR)
        );
    }

    #[test]
    fn the_uid_round_trips_and_is_absent_before_version_four() {
        let book = NewBook {
            uid: "b6f7c3c2-0d1e-4a4b-9f3e-2d8e1c0a5b7f".into(),
            ..NewBook::new("Emma", "Jane Austen", "")
        }
        .with_id(2);
        assert_eq!(Record::from_book(&book).into_book(), Some(book));
        let old: Record =
            serde_json::from_str(r#"{"id": 1, "title": "a", "author": "b"}"#).unwrap();
        assert!(old.uid.is_empty());
    }
}

/// What a bulk write makes of each book, against what the one-book writes make: the same
/// record, and the same search line from the record's folded texts as from the book's.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::book::Book;
    use crate::query::{Direction, Sort, SortField};
    use crate::search::{self, line_of, push_line};
    use crate::transfer::fuzz::valid_book;

    /// `search::line_of` as it was before it was built on `push_line`: the model.
    fn line_before(book: &Book) -> Vec<u8> {
        let join =
            |items: &mut dyn Iterator<Item = String>| items.collect::<Vec<String>>().join("\u{1e}");
        let series = book.series.as_ref();
        let due = book.loans_out().map(|loan| loan.due).min();
        let sort = |field| {
            Sort {
                field,
                direction: Direction::Ascending,
            }
            .key_of(book)
            .text
        };
        let fields: [String; 19] = [
            fold(&book.title),
            fold(&book.author),
            fold(&book.genre),
            join(&mut book.tags.iter().map(|tag| fold(tag))),
            series.map(|s| fold(&s.name)).unwrap_or_default(),
            fold(&book.location),
            join(&mut book.loans_out().map(|loan| fold(&loan.borrower))),
            book.genre.clone(),
            book.status.map(|s| s.key().to_owned()).unwrap_or_default(),
            book.format
                .map(|f| f.label().to_owned())
                .unwrap_or_default(),
            due.map(|day| day.to_string()).unwrap_or_default(),
            sort(SortField::Status),
            sort(SortField::Rating),
            sort(SortField::Read),
            sort(SortField::Series),
            sort(SortField::Pages),
            sort(SortField::Year),
            book.tags.join("\u{1e}"),
            series.map(|s| s.name.clone()).unwrap_or_default(),
        ];
        let mut line = book.id.to_string().into_bytes();
        for text in fields {
            line.push(0x1f);
            line.extend_from_slice(text.as_bytes());
        }
        line.push(b'\n');
        line
    }

    /// Books with ids, as a bulk write stores them (a uid or none).
    fn books() -> impl Strategy<Value = Vec<Book>> {
        proptest::collection::vec((valid_book(), 1u64..5_000, any::<bool>()), 1..12).prop_map(
            |books| {
                books
                    .into_iter()
                    .map(|(book, id, uid)| {
                        let uid = if uid {
                            format!("uid-{id}")
                        } else {
                            String::new()
                        };
                        NewBook { uid, ..book }.with_id(id)
                    })
                    .collect()
            },
        )
    }

    proptest! {
        #[test]
        fn a_line_is_what_it_was(books in books()) {
            for book in &books {
                prop_assert_eq!(line_of(book), line_before(book));
            }
        }

        #[test]
        fn a_record_makes_the_same_line_and_is_the_same_record(books in books()) {
            for book in &books {
                let record = Record::from_owned(book.to_new());
                prop_assert_eq!(&record, &Record::from_new(&book.to_new()));
                let mut line = Vec::new();
                push_line(&mut line, &record.line_parts(book.id));
                prop_assert_eq!(&line, &line_of(book));
                prop_assert_eq!(record.into_new().with_id(book.id), book.clone());
            }
        }

        #[test]
        fn lines_made_beforehand_go_in_as_the_books_would(
            before in books(),
            after in books(),
        ) {
            // A chunk holding `before`, then `after` (some of the same ids) written into it.
            let mut chunk = Vec::new();
            search::upsert_all(&mut chunk, &before);
            let mut expected = chunk.clone();
            search::upsert_all(&mut expected, &after);
            let mut lines = Vec::new();
            for book in &after {
                lines.extend_from_slice(&line_of(book));
            }
            search::upsert_lines(&mut chunk, &lines);
            prop_assert_eq!(chunk, expected);
        }
    }
}
