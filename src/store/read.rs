//! Reading the catalogue at any size: sorted pages by index and key range, books by id, and
//! search through the in-memory index (loaded once from its stored chunks: `searching.rs`).

#![cfg(target_arch = "wasm32")]

use futures::future::join_all;
use rexie::{Direction as Cursor, KeyRange, Store, StoreIndex, TransactionMode};
use wasm_bindgen::JsValue;

use super::codec::key;
use super::connection::BookRepository;
use super::error::{Result, StoreError};
use super::repository::{books_store, read_book, values_to_books};
use super::schema::{BOOKS, BY_AUTHOR, BY_GENRE, BY_ISBN, BY_READER_COLUMNS, BY_TITLE};
use super::transaction::{browser_error, end_read};
use crate::book::{Book, BookId};
use crate::query::{Direction, Filter, PageStart, Sort, SortField, SortKey};
use crate::ranks::Start;
use crate::search::{Closest, SearchIndex};

const OPERATION: &str = "read the books";
/// How long one slice of making the word index may keep the page busy.
const WORDS_SLICE_MILLIS: f64 = 15.0;

/// What a listing reads books from: the store itself (id order) or one of its indexes.
enum Listing {
    Store(Store),
    Index(StoreIndex),
}

impl Listing {
    async fn get_all(&self, range: Option<KeyRange>, limit: u32) -> rexie::Result<Vec<JsValue>> {
        match self {
            Listing::Store(store) => store.get_all(range, Some(limit)).await,
            Listing::Index(index) => index.get_all(range, Some(limit)).await,
        }
    }

    async fn count(&self, range: KeyRange) -> rexie::Result<u32> {
        match self {
            Listing::Store(store) => store.count(Some(range)).await,
            Listing::Index(index) => index.count(Some(range)).await,
        }
    }

    async fn scan(
        &self,
        range: Option<KeyRange>,
        limit: u32,
        skip: u64,
        cursor: Cursor,
    ) -> Result<Vec<(JsValue, JsValue)>> {
        // IndexedDB refuses advance(0), and counts in u32.
        let skip = match skip {
            0 => None,
            n => Some(u32::try_from(n).map_err(|_| StoreError::Other {
                operation: OPERATION,
                detail: "position out of range".into(),
            })?),
        };
        let scanned = match self {
            Listing::Store(store) => store.scan(range, Some(limit), skip, Some(cursor)).await,
            Listing::Index(index) => index.scan(range, Some(limit), skip, Some(cursor)).await,
        };
        scanned.map_err(|error| browser_error(OPERATION, error))
    }
}

/// A sort key as the index stores it: the id alone, or `[folded text, id]`.
fn key_value(field: SortField, sort_key: &SortKey) -> JsValue {
    match field {
        SortField::Id => key(sort_key.id),
        _ => {
            let pair = js_sys::Array::new();
            pair.push(&JsValue::from_str(&sort_key.text));
            pair.push(&key(sort_key.id));
            pair.into()
        }
    }
}

/// What a sort reads: the store itself for id order, else the field's index.
fn listing_for(transaction: &rexie::Transaction, field: SortField) -> Result<Listing> {
    let store = books_store(transaction, OPERATION)?;
    let name = match field {
        SortField::Id => return Ok(Listing::Store(store)),
        SortField::Title => BY_TITLE,
        SortField::Author => BY_AUTHOR,
        SortField::Genre => BY_GENRE,
        other => BY_READER_COLUMNS
            .iter()
            .find(|(_, _, field)| *field == other)
            .map_or(BY_TITLE, |(name, _, _)| name),
    };
    let index = store
        .index(name)
        .map_err(|error| browser_error(OPERATION, error))?;
    Ok(Listing::Index(index))
}

fn range<E: Into<rexie::Error>>(result: std::result::Result<KeyRange, E>) -> Result<KeyRange> {
    result.map_err(|error| browser_error(OPERATION, error.into()))
}

/// `limit` books in ascending order from row `position`: a cursor skips to it (no count needed).
async fn from_start(listing: &Listing, position: u64, limit: u32) -> Result<Vec<Book>> {
    let from = if position == 0 {
        None
    } else {
        match listing.scan(None, 1, position, Cursor::Next).await?.pop() {
            Some((at, _)) => Some(range(KeyRange::lower_bound(&at, Some(false)))?),
            None => return Ok(Vec::new()),
        }
    };
    let values = listing
        .get_all(from, limit)
        .await
        .map_err(|error| browser_error(OPERATION, error))?;
    values_to_books(values, OPERATION)
}

/// The `limit` books (ascending) whose last is `position` rows before the end: a cursor walks
/// back from the end to the page's first row, then one read takes the page.
async fn from_end(
    listing: &Listing,
    transaction: &rexie::Transaction,
    position: u64,
    limit: u32,
) -> Result<Vec<Book>> {
    let back = position + u64::from(limit) - 1;
    if let Some((at, _)) = listing.scan(None, 1, back, Cursor::Prev).await?.pop() {
        let from = range(KeyRange::lower_bound(&at, Some(false)))?;
        let values = listing
            .get_all(Some(from), limit)
            .await
            .map_err(|error| browser_error(OPERATION, error))?;
        return values_to_books(values, OPERATION);
    }
    // The page would start before the first row: it is the first rows, up to its end.
    let total = books_store(transaction, OPERATION)?
        .count(None)
        .await
        .map_err(|error| browser_error(OPERATION, error))?;
    let length = u64::from(total).saturating_sub(position);
    if length == 0 {
        return Ok(Vec::new());
    }
    let values = listing
        .get_all(None, length.min(u64::from(limit)) as u32)
        .await
        .map_err(|error| browser_error(OPERATION, error))?;
    values_to_books(values, OPERATION)
}

/// The page that [`BookRepository::page`] asks for, read in `transaction`.
async fn read_page(
    transaction: &rexie::Transaction,
    sort: Sort,
    start: PageStart,
    limit: u32,
) -> Result<Vec<Book>> {
    let listing = listing_for(transaction, sort.field)?;
    match (start, sort.direction) {
        (PageStart::After(after), Direction::Ascending) => {
            let from = range(KeyRange::lower_bound(
                &key_value(sort.field, &after),
                Some(true),
            ))?;
            let values = listing
                .get_all(Some(from), limit)
                .await
                .map_err(|error| browser_error(OPERATION, error))?;
            values_to_books(values, OPERATION)
        }
        (PageStart::After(after), Direction::Descending) => {
            let before = range(KeyRange::upper_bound(
                &key_value(sort.field, &after),
                Some(true),
            ))?;
            let rows = listing.scan(Some(before), limit, 0, Cursor::Prev).await?;
            values_to_books(
                rows.into_iter().map(|(_, value)| value).collect(),
                OPERATION,
            )
        }
        // A descending page is an ascending one read from the other end, backwards.
        (PageStart::Position(position), Direction::Ascending)
        | (PageStart::FromEnd(position), Direction::Descending) => {
            let mut books = from_start(&listing, position, limit).await?;
            if sort.direction == Direction::Descending {
                books.reverse();
            }
            Ok(books)
        }
        (PageStart::FromEnd(position), Direction::Ascending)
        | (PageStart::Position(position), Direction::Descending) => {
            let mut books = from_end(&listing, transaction, position, limit).await?;
            if sort.direction == Direction::Descending {
                books.reverse();
            }
            Ok(books)
        }
    }
}

/// A jump made short by the rank index: the ascending rows to read, from where.
struct Anchored {
    /// Where the read starts in the ascending order.
    start: Start,
    /// How many rows.
    rows: u32,
    /// Whether the page is wanted in descending order (it is read ascending, then turned).
    descending: bool,
}

/// The ascending rows `start` and `limit` ask for in `sort`, given how many rows there are:
/// (first row, how many). `None` for a page after a key, which is read by key already.
fn ascending_rows(sort: Sort, start: &PageStart, limit: u32, total: u64) -> Option<(u64, u64)> {
    let limit = u64::from(limit);
    match (start, sort.direction) {
        (PageStart::After(_), _) => None,
        (PageStart::Position(first), Direction::Ascending)
        | (PageStart::FromEnd(first), Direction::Descending) => {
            Some((*first, total.saturating_sub(*first).min(limit)))
        }
        (PageStart::FromEnd(from_end), Direction::Ascending)
        | (PageStart::Position(from_end), Direction::Descending) => {
            let end = total.saturating_sub(*from_end);
            let first = end.saturating_sub(limit);
            Some((first, end - first))
        }
    }
}

/// Reads a page that the rank index placed: from the anchor's key, past `skip` keys (a short
/// walk), then one key-range read.
async fn read_anchored(
    transaction: &rexie::Transaction,
    sort: Sort,
    jump: Anchored,
) -> Result<Vec<Book>> {
    if jump.rows == 0 {
        return Ok(Vec::new());
    }
    let listing = listing_for(transaction, sort.field)?;
    let mut from = match &jump.start.from {
        Some(key) => Some(range(KeyRange::lower_bound(
            &key_value(sort.field, key),
            Some(false),
        ))?),
        None => None,
    };
    if jump.start.skip > 0 {
        from = match listing
            .scan(from, 1, jump.start.skip, Cursor::Next)
            .await?
            .pop()
        {
            Some((at, _)) => Some(range(KeyRange::lower_bound(&at, Some(false)))?),
            None => return Ok(Vec::new()),
        };
    }
    let values = listing
        .get_all(from, jump.rows)
        .await
        .map_err(|error| browser_error(OPERATION, error))?;
    let mut books = values_to_books(values, OPERATION)?;
    if jump.descending {
        books.reverse();
    }
    Ok(books)
}

impl BookRepository {
    /// A page of at most `limit` books in `sort` order, starting at a position or after a key.
    ///
    /// Sequential pages go by key range (`After`), costing the same anywhere in the catalogue.
    /// A jump (`Position`, or `FromEnd` counted from the end) is placed by the rank index when
    /// the search index is in memory: a short walk from the nearest kept key, then a key-range
    /// read. Before that, a cursor walks from the start or from the end: callers that know the
    /// total pick the nearer end.
    pub async fn page(&self, sort: Sort, start: PageStart, limit: u32) -> Result<Vec<Book>> {
        let limit = limit.max(1);
        let anchored = self.anchored(sort, &start, limit);
        let _slot = self.slot().await;
        let transaction = self.transaction(&[BOOKS], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = match anchored {
            Some(jump) => read_anchored(&transaction, sort, jump).await,
            None => read_page(&transaction, sort, start, limit).await,
        };
        end_read(transaction, outcome).await
    }

    /// Where the rank index says a jump starts, if the search index is in memory.
    fn anchored(&self, sort: Sort, start: &PageStart, limit: u32) -> Option<Anchored> {
        if matches!(start, PageStart::After(_)) {
            return None;
        }
        let jump = self.inner.search.jump.get()?;
        let mut search = self.inner.search.index.borrow_mut();
        let index = search.as_mut()?;
        let (_, total) = jump(index, sort.field, 0);
        let (first, rows) = ascending_rows(sort, start, limit, total)?;
        let (start, _) = jump(index, sort.field, first);
        Some(Anchored {
            start,
            rows: rows as u32,
            descending: sort.direction == Direction::Descending,
        })
    }

    /// The row at which `book` stands in `sort` order (0 is the first row): how many stored books
    /// come before it. One count over a key range.
    pub async fn rank(&self, sort: Sort, book: &Book) -> Result<u64> {
        let _slot = self.slot().await;
        let transaction = self.transaction(&[BOOKS], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = async {
            let listing = listing_for(&transaction, sort.field)?;
            let at = key_value(sort.field, &sort.key_of(book));
            let before = match sort.direction {
                Direction::Ascending => range(KeyRange::upper_bound(&at, Some(true)))?,
                Direction::Descending => range(KeyRange::lower_bound(&at, Some(true)))?,
            };
            listing
                .count(before)
                .await
                .map_err(|error| browser_error(OPERATION, error))
        }
        .await;
        Ok(u64::from(end_read(transaction, outcome).await?))
    }

    /// The books with these ids, in the order given; ids no longer stored are left out.
    pub async fn get_many(&self, ids: &[BookId]) -> Result<Vec<Book>> {
        let _slot = self.slot().await;
        let transaction = self.transaction(&[BOOKS], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = async {
            let store = books_store(&transaction, OPERATION)?;
            // Every get is issued before any is awaited.
            let books = join_all(ids.iter().map(|&id| read_book(&store, id, OPERATION))).await;
            books.into_iter().filter_map(Result::transpose).collect()
        }
        .await;
        end_read(transaction, outcome).await
    }

    /// The ids of every book that passes `filter`, in `sort` order (searches the whole catalogue).
    pub async fn matching(&self, filter: &Filter, sort: Sort) -> Result<Vec<BookId>> {
        self.load_search_index().await?;
        let index = self.inner.search.index.borrow();
        Ok(index
            .as_ref()
            .map(|index| index.matching(filter, sort))
            .unwrap_or_default())
    }

    /// The books with this ISBN (the 13 digits of an ISBN-13), by the ISBN index.
    pub async fn with_isbn(&self, isbn: &str) -> Result<Vec<Book>> {
        let _slot = self.slot().await;
        let transaction = self.transaction(&[BOOKS], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = async {
            let only = KeyRange::only(&JsValue::from_str(isbn))
                .map_err(|error| browser_error(OPERATION, error.into()))?;
            let values = books_store(&transaction, OPERATION)?
                .index(BY_ISBN)
                .map_err(|error| browser_error(OPERATION, error))?
                .get_all(Some(only), None)
                .await
                .map_err(|error| browser_error(OPERATION, error))?;
            values_to_books(values, OPERATION)
        }
        .await;
        end_read(transaction, outcome).await
    }

    /// The books whose titles and authors hold every word of `text`, forgiving typos: the ids
    /// of the `limit` best, best first, and how many answer in all (see [`SearchIndex::closest`]).
    ///
    /// The first call makes the word index, a slice at a time with the page free in between.
    pub async fn closest(&self, text: &str, limit: usize) -> Result<Closest> {
        loop {
            self.load_search_index().await?;
            // A search typed meanwhile is answered first.
            self.inner.search.after_searches().await;
            let started = js_sys::Date::now();
            // None: the slice's time is up, or the index was dropped meanwhile (another tab
            // wrote) and is read again.
            let answered = loop {
                let mut index = self.inner.search.index.borrow_mut();
                let Some(index) = index.as_mut() else {
                    break None;
                };
                if index.prepare_words(1) {
                    break Some(index.closest(text, limit));
                }
                if js_sys::Date::now() - started > WORDS_SLICE_MILLIS {
                    break None;
                }
            };
            match answered {
                Some(closest) => return Ok(closest),
                None => crate::browser::yield_to_page().await,
            }
        }
    }

    /// Every genre in the catalogue: (folded key, as first written), sorted.
    pub async fn genres(&self) -> Result<Vec<(String, String)>> {
        self.load_search_index().await?;
        let index = self.inner.search.index.borrow();
        Ok(index.as_ref().map(SearchIndex::genres).unwrap_or_default())
    }

    /// Every tag in the catalogue: (folded key, as first written), sorted.
    pub async fn tags(&self) -> Result<Vec<(String, String)>> {
        self.load_search_index().await?;
        let index = self.inner.search.index.borrow();
        Ok(index.as_ref().map(SearchIndex::tags).unwrap_or_default())
    }

    /// Every series in the catalogue: (folded name, as first written), sorted.
    pub async fn series(&self) -> Result<Vec<(String, String)>> {
        self.load_search_index().await?;
        let index = self.inner.search.index.borrow();
        Ok(index.as_ref().map(SearchIndex::series).unwrap_or_default())
    }

    /// Drops the in-memory search index, so the next search reads it again (another tab wrote).
    pub fn forget_search_index(&self) {
        self.inner.search.forget();
    }
}
