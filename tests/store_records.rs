//! What a bulk write stores is what the one-book path stores. Records made for storage many at a
//! time (`records_to_js`: one `JSON.parse` for a batch) are, field by field, in the same order
//! and of the same types, the JS objects `serde_wasm_bindgen` makes of the same records (the way
//! every record was stored before, and single writes still are); and after a bulk write, the
//! records, search chunks and sync queue entries in IndexedDB are those a book-by-book model
//! gives: `Record::from_book` of each stored book through `serde_wasm_bindgen`,
//! `SearchIndex::chunks_of` the stored books, and one entry per 10,000 uids.
#![cfg(target_arch = "wasm32")]

use std::collections::HashSet;

use bookshelf::book::{
    Book, BookId, Date, Format, Loan, NewBook, Reading, Series, SeriesNumber, Stars, Status,
};
use bookshelf::search::SearchIndex;
use bookshelf::store::record::Record;
use bookshelf::store::records_to_js;
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{all, fresh};

/// A small deterministic random source (xorshift64*), so that a failure can be replayed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self) -> bool {
        self.below(2) == 0
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.below(words.len() as u64) as usize]
    }

    /// Text of a few pieces: accents, other scripts, emoji, quotes, backslashes, what JSON
    /// escapes, spaces.
    fn text(&mut self) -> String {
        const PIECES: [&str; 16] = [
            "Émile",
            "Πολιτεία",
            "📚",
            "村上春樹",
            "\"quoted\"",
            "back\\slash",
            "Ｚｅｔａ",
            "a",
            "Le Guin",
            "ß",
            "İ",
            "\u{2028}",
            "é",
            "'",
            "&amp;",
            "</script>",
        ];
        let count = 1 + self.below(4);
        (0..count)
            .map(|_| self.pick(&PIECES))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn day(&mut self) -> Date {
        Date::from_days_since_epoch(self.below(30_000) as i64).unwrap_or(Date::EPOCH)
    }

    /// A book with each field set or not, at random.
    fn book(&mut self) -> NewBook {
        let mut book = NewBook::new(self.text(), self.text(), String::new());
        if self.chance() {
            book.genre = self.text();
        }
        if self.chance() {
            book.uid = format!("uid-{}", self.next());
        }
        if self.chance() {
            book.isbn = Some("9780141026169".into());
        }
        if self.chance() {
            book.year = Some(self.below(4_000) as i32 - 1_000);
        }
        book.rating = Stars::from_quarters(self.below(21) as u8);
        if self.chance() {
            book.status = Some(Status::ALL[self.below(4) as usize]);
        }
        for _ in 0..self.below(3) {
            let started = self.chance().then(|| self.day());
            let finished = started.filter(|_| self.chance());
            book.readings.push(Reading { started, finished });
        }
        for n in 0..self.below(3) {
            book.tags.push(format!("{} {n}", self.text()));
        }
        if self.chance() {
            let number = match self.below(3) {
                0 => None,
                1 => SeriesNumber::parse("2.5").ok().flatten(),
                _ => SeriesNumber::parse("7").ok().flatten(),
            };
            book.series = Some(Series {
                name: self.text(),
                number,
            });
        }
        if self.chance() {
            book.pages = Some(1 + self.below(2_000) as u32);
        }
        if self.chance() {
            book.publisher = self.text();
        }
        if self.chance() {
            book.format = Some(Format::ALL[self.below(5) as usize]);
        }
        if self.chance() {
            book.added = Some(self.day());
        }
        if self.chance() {
            book.copies = Some(self.below(4) as u32);
        }
        if self.chance() {
            book.location = self.text();
        }
        for _ in 0..self.below(3) {
            let lent_on = self.day();
            let returned = self.chance().then_some(lent_on);
            book.loans.push(Loan {
                borrower: self.text(),
                lent_on,
                due: lent_on,
                returned,
            });
        }
        if self.chance() {
            book.note = format!("{}\n{}\r\n\"{}\"", self.text(), self.text(), self.text());
        }
        book
    }
}

/// Where two JS values differ (`at` names the path), if they do: types, prototypes, own keys
/// in order, and values (numbers by `Object.is`).
fn difference(a: &JsValue, b: &JsValue, at: &str) -> Option<String> {
    if a.js_typeof() != b.js_typeof() {
        return Some(format!("{at}: {:?} against {:?}", a, b));
    }
    if !a.is_object() || a.is_null() || b.is_null() {
        return (!Object::is(a, b)).then(|| format!("{at}: {:?} against {:?}", a, b));
    }
    let (x, y) = (a.unchecked_ref::<Object>(), b.unchecked_ref::<Object>());
    if !Object::is(&Object::get_prototype_of(x), &Object::get_prototype_of(y)) {
        return Some(format!("{at}: different kinds of object"));
    }
    let keys = |object: &Object| -> Vec<String> {
        Object::keys(object)
            .iter()
            .filter_map(|key| key.as_string())
            .collect()
    };
    if keys(x) != keys(y) {
        return Some(format!("{at}: keys {:?} against {:?}", keys(x), keys(y)));
    }
    keys(x).into_iter().find_map(|key| {
        let get = |object: &Object| Reflect::get(object, &key.as_str().into()).unwrap();
        difference(&get(x), &get(y), &format!("{at}.{key}"))
    })
}

/// A record as every record used to be stored: `serde_wasm_bindgen` of it.
fn one_by_one(record: &Record) -> JsValue {
    serde_wasm_bindgen::to_value(record).unwrap()
}

#[wasm_bindgen_test]
fn records_made_in_batches_are_the_objects_serde_makes() {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    for round in 0..40 {
        let records: Vec<Record> = (0..25)
            .map(|n| {
                let book = random.book();
                if n % 2 == 0 {
                    Record::from_new(&book)
                } else {
                    Record::from_book(&book.with_id(1 + random.below(1 << 40)))
                }
            })
            .collect();
        let batch = records_to_js(&records, "test").unwrap();
        assert_eq!(batch.length() as usize, records.len());
        for (n, record) in records.iter().enumerate() {
            let made = batch.get(n as u32);
            if let Some(difference) = difference(&made, &one_by_one(record), "record") {
                panic!("round {round}, record {n} ({record:?}): {difference}");
            }
        }
    }
    // An id a JS number cannot hold is refused, as serde_wasm_bindgen refuses it.
    let too_large = Record::from_book(&NewBook::new("a", "b", "").with_id(1 << 60));
    assert!(records_to_js(&[too_large], "test").is_err());
}

/// Every value of the store `store` in the database `name`, in key order, read with plain
/// IndexedDB.
async fn stored_values(name: &str, store: &str) -> Vec<JsValue> {
    let read = Function::new_with_args(
        "name, store",
        "return new Promise((resolve, reject) => {
           const open = indexedDB.open(name);
           open.onerror = () => reject(open.error);
           open.onsuccess = () => {
             const db = open.result;
             const all = db.transaction(store).objectStore(store).getAll();
             all.onsuccess = () => { db.close(); resolve(all.result); };
             all.onerror = () => reject(all.error);
           };
         });",
    );
    let promise: Promise = read
        .call2(&JsValue::NULL, &name.into(), &store.into())
        .unwrap()
        .dyn_into()
        .unwrap();
    Array::from(&JsFuture::from(promise).await.unwrap())
        .iter()
        .collect()
}

/// The object IndexedDB keeps of a book stored with its own id (`restored`), or of one added
/// without, whose id the key generator puts in last.
fn kept(book: &Book, restored: bool) -> JsValue {
    if restored {
        return one_by_one(&Record::from_book(book));
    }
    let record = one_by_one(&Record::from_new(&book.to_new()));
    Reflect::set(&record, &"id".into(), &JsValue::from_f64(book.id as f64)).unwrap();
    record
}

/// Checks that the database `name` holds exactly `books` as records (those of `restored` stored
/// with their ids), their chunks and their queue entries, as the book-by-book model makes them.
async fn assert_stored_as_one_by_one(name: &str, books: &[Book], restored: &HashSet<BookId>) {
    let records = stored_values(name, "books").await;
    assert_eq!(records.len(), books.len());
    for (book, stored) in books.iter().zip(&records) {
        let expected = kept(book, restored.contains(&book.id));
        if let Some(difference) = difference(stored, &expected, "record") {
            panic!("book {} ({book:?}): {difference}", book.id);
        }
    }
    let chunks: Vec<Vec<u8>> = stored_values(name, "search")
        .await
        .iter()
        .map(|value| value.dyn_ref::<Uint8Array>().unwrap().to_vec())
        .collect();
    let expected: Vec<Vec<u8>> = SearchIndex::chunks_of(books).into_values().collect();
    assert!(
        chunks == expected,
        "the search chunks are what the books make"
    );
    let queued: Vec<String> = stored_values(name, "changes")
        .await
        .iter()
        .flat_map(|entry| {
            // (The upgrade that made the fresh database queued "every book", without uids.)
            let uids = Reflect::get(entry, &"uids".into()).unwrap();
            let uids = uids.dyn_into::<Array>().unwrap_or_default();
            uids.iter()
                .filter_map(|uid| uid.as_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let uids: Vec<String> = books.iter().map(|book| book.uid.clone()).collect();
    assert_eq!(queued, uids, "every book queued for sync once, in order");
}

#[wasm_bindgen_test]
async fn a_bulk_write_stores_what_the_one_book_path_would() {
    let name = "records_bulk";
    let repository = fresh(name).await;
    let mut random = Random(7);
    let valid = |book: NewBook| book.validated().ok();
    let new: Vec<NewBook> = (0..600).filter_map(|_| valid(random.book())).collect();
    let restored: Vec<Book> = (0..300)
        .filter_map(|n| valid(random.book()).map(|book| book.with_id(5_000 + 3 * n)))
        .collect();
    assert!(new.len() > 100 && restored.len() > 50, "enough valid books");
    let restored_ids: HashSet<BookId> = restored.iter().map(|book| book.id).collect();
    let stored = repository
        .write_many_with_progress(restored, new, |_, _| {})
        .await
        .unwrap();
    assert!(stored.iter().all(|book| !book.uid.is_empty()));
    assert_stored_as_one_by_one(name, &stored, &restored_ids).await;
    // Another write: its first books go into a chunk that holds some already.
    let more: Vec<NewBook> = (0..150).filter_map(|_| valid(random.book())).collect();
    repository.create_many(more).await.unwrap();
    assert_stored_as_one_by_one(name, &all(&repository).await, &restored_ids).await;
    repository.close();
}

#[wasm_bindgen_test]
async fn sample_books_made_in_bulk_are_stored_as_one_by_one() {
    let name = "records_samples";
    let repository = fresh(name).await;
    let stored = repository
        .create_many(bookshelf::sample::sample_catalogue(12_000, 11))
        .await
        .unwrap();
    assert_eq!(stored.len(), 12_000);
    assert_stored_as_one_by_one(name, &stored, &HashSet::new()).await;
    repository.close();
}

/// A stored record of the wrong shape is refused with a message that names what was found and
/// what was expected, a float included (the patched serde-wasm-bindgen names a float's type
/// without formatting the number: vendor/serde-wasm-bindgen/PATCH.md).
#[wasm_bindgen_test]
fn a_record_of_the_wrong_shape_says_what_it_holds() {
    let refused = |field: &str, value: JsValue| {
        let object = Object::new();
        Reflect::set(&object, &field.into(), &value).unwrap();
        serde_wasm_bindgen::from_value::<Record>(object.into())
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default()
    };
    let float = refused("title", JsValue::from_f64(1.5));
    assert!(
        float.contains("invalid type: floating point, expected a string"),
        "{float}"
    );
    let text = refused("id", JsValue::from_str("seven"));
    assert!(text.contains("invalid type: string \"seven\""), "{text}");
    let flag = refused("author", JsValue::TRUE);
    assert!(
        flag.contains("invalid type: boolean `true`, expected a string"),
        "{flag}"
    );
}
