//! The search index in memory: read once, in ranges of its stored chunks issued all at once, each
//! range put in memory as it arrives; and the search that scans the chunks as they arrive, a few
//! milliseconds at a time, showing the matches found so far, and stops when it is no longer
//! wanted. Every caller shares one load.
//!
//! A write committed while the index loads changes the chunks arrived so far at once: the load's
//! read-only transaction and a write's transaction cannot overlap (IndexedDB runs them in the
//! order they were made), so either the write came first and every chunk read already holds it
//! (a chunk the write touched that is still to come replaces what it made), or it came after
//! every chunk was read and applies to them all.

#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use futures::stream::{FuturesUnordered, StreamExt};
use js_sys::{Array, Uint8Array};
use rexie::{KeyRange, TransactionMode};
use wasm_bindgen::{JsCast, JsValue};

use super::connection::BookRepository;
use super::error::{Result, StoreError};
use super::repository::{books_store, values_to_books};
use super::schema::{BOOKS, BY_AUTHOR, BY_TITLE, SEARCH};
use super::transaction::{browser_error, end_read};
use crate::book::{Book, BookId};
use crate::query::{Filter, Sort, SortField};
use crate::ranks::Start;
use crate::search::{self, Hits, Matcher, RankBuild, SearchIndex};

const OPERATION: &str = "read the search index";
/// How many ranges of chunks the index is read in: the first arrive (and are scanned) while the
/// browser reads the rest, so more, smaller ranges bring the first matches sooner (measured at a
/// million books, 78 MB, warm: the first of 8 ranges after 45 ms and the last after 130; of 64,
/// 18 and 94 ms).
const RANGES: usize = 32;
/// How many of those ranges are asked for at a time (see [`BookRepository::read_ranges`]).
const IN_FLIGHT: usize = 2;
/// While the index is read, a search first asks the store's title and author indexes for up to
/// this many books each whose title or author starts with the text (a first answer in
/// milliseconds, where reading a million books' index from disk takes most of a second).
const QUICK_LIMIT: u32 = 50;
/// How long a search scans before the page gets a turn (typing goes on meanwhile).
const SLICE_MILLIS: f64 = 8.0;
/// While the index arrives, the matches found so far are shown at most this often.
const SHOW_EVERY_MILLIS: f64 = 60.0;
/// Work that can wait (the word index, the rank index) waits this long after a search began or
/// ended: the table reads and paints the answer's rows, and the next thing typed is searched,
/// without that work's slices between them.
const QUIET_MILLIS: f64 = 300.0;

/// The search index while it is read: the chunks arrived so far.
pub(super) struct Loading {
    /// Which load this is: a load forgotten meanwhile (another tab wrote) drops what it reads.
    id: u64,
    index: SearchIndex,
    /// Why reading failed, if it did (the next caller reads again).
    failed: Option<StoreError>,
}

/// The repository's hold on the search index, shared by its clones.
#[derive(Default)]
pub(super) struct SearchState {
    /// The whole index, once read.
    pub(super) index: RefCell<Option<SearchIndex>>,
    loading: RefCell<Option<Loading>>,
    /// Goes up whenever the index changes: a write, chunks arriving, the load ending or failing,
    /// the index forgotten.
    events: Cell<u64>,
    /// Goes up with every write to the index (and when it is forgotten): a search that saw it
    /// change starts over.
    writes: Cell<u64>,
    loads: Cell<u64>,
    waiting: RefCell<Vec<Waker>>,
    /// How many searches are under way: work that can wait (the rank index, the word index)
    /// waits for them, so that what is typed is answered first.
    searching: Cell<u32>,
    /// When (the page's clock) a search last began or ended.
    searched_at: Cell<f64>,
    /// How a jump is placed by the index's rank index ([`SearchIndex::start_of_row`]), set when
    /// the index is read: the code that reads it is the search's, in the catalogue page's part,
    /// and so the rank index's stays there with it, out of the code that reads the first rows.
    pub(super) jump: Cell<Option<Jump>>,
}

/// Where to start reading a field's ascending order to reach a row, and how many rows it holds.
pub(super) type Jump = fn(&mut SearchIndex, SortField, u64) -> (Start, u64);

/// A search under way, counted in [`SearchState::searching`] while it lives.
struct Searching<'a>(&'a SearchState);

impl<'a> Searching<'a> {
    fn start(state: &'a SearchState) -> Self {
        state.searching.set(state.searching.get() + 1);
        state.searched_at.set(now());
        Searching(state)
    }
}

impl Drop for Searching<'_> {
    fn drop(&mut self) {
        let state = self.0;
        state.searching.set(state.searching.get().saturating_sub(1));
        state.searched_at.set(now());
        state.happened();
    }
}

impl SearchState {
    fn happened(&self) {
        self.events.set(self.events.get() + 1);
        for waker in self.waiting.take() {
            waker.wake();
        }
    }

    /// Waits until something happens to the index after `seen` (see [`SearchState::events`]).
    fn next_event(&self, seen: u64) -> NextEvent<'_> {
        NextEvent { state: self, seen }
    }

    /// Applies a committed change to the index, whole or arriving (see the module's words); not
    /// in memory, it will be read with the change.
    pub(super) fn remember(&self, change: impl FnOnce(&mut SearchIndex)) {
        if let Some(index) = self.index.borrow_mut().as_mut() {
            change(index);
        } else if let Some(loading) = self
            .loading
            .borrow_mut()
            .as_mut()
            .filter(|loading| loading.failed.is_none())
        {
            change(&mut loading.index);
        } else {
            return;
        }
        self.writes.set(self.writes.get() + 1);
        self.happened();
    }

    /// Waits until no search is under way (see [`SearchState::searching`]), nor began or ended
    /// in the last [`QUIET_MILLIS`].
    pub(super) async fn after_searches(&self) {
        loop {
            if self.searching.get() > 0 {
                self.next_event(self.events.get()).await;
                continue;
            }
            let quiet_for = now() - self.searched_at.get();
            if quiet_for >= QUIET_MILLIS {
                return;
            }
            // At least a millisecond: the clock's last digits must not make this spin.
            let left = (QUIET_MILLIS - quiet_for).ceil().max(1.0);
            gloo_timers::future::TimeoutFuture::new(left as u32).await;
        }
    }

    /// Drops the index, and any load under way, so that the next search reads it again.
    pub(super) fn forget(&self) {
        self.index.borrow_mut().take();
        self.loading.borrow_mut().take();
        self.writes.set(self.writes.get() + 1);
        self.happened();
    }
}

/// Resolves once [`SearchState::events`] has moved past what was seen.
struct NextEvent<'a> {
    state: &'a SearchState,
    seen: u64,
}

impl Future for NextEvent<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        if self.state.events.get() != self.seen {
            return Poll::Ready(());
        }
        self.state
            .waiting
            .borrow_mut()
            .push(context.waker().clone());
        Poll::Pending
    }
}

/// Milliseconds on the page's clock.
fn now() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or_else(js_sys::Date::now, |performance| performance.now())
}

/// Lets the page have a turn (input, rendering) before the work goes on.
async fn breathe() {
    crate::browser::yield_to_page().await;
}

impl BookRepository {
    fn search_state(&self) -> &SearchState {
        &self.inner.search
    }

    /// Starts reading the index unless it is in memory or being read (a failed read is tried
    /// again).
    fn start_loading(&self) {
        let state = self.search_state();
        if state.index.borrow().is_some() {
            return;
        }
        if let Some(loading) = state.loading.borrow().as_ref() {
            if loading.failed.is_none() {
                return;
            }
        }
        let id = state.loads.get() + 1;
        state.loads.set(id);
        *state.loading.borrow_mut() = Some(Loading {
            id,
            index: SearchIndex::default(),
            failed: None,
        });
        state.happened();
        let repository = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = repository.read_ranges(id).await;
            repository.loaded(id, outcome);
        });
    }

    /// Reads every stored chunk in one read-only transaction (so that they agree with each
    /// other): their keys, then [`RANGES`] ranges of them, [`IN_FLIGHT`] requested at a time,
    /// each put in memory as it arrives.
    async fn read_ranges(&self, id: u64) -> Result<()> {
        let _slot = self.slot().await;
        let transaction = self.transaction(&[SEARCH], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = async {
            let store = transaction
                .store(SEARCH)
                .map_err(|error| browser_error(OPERATION, error))?;
            let keys = store
                .get_all_keys(None, None)
                .await
                .map_err(|error| browser_error(OPERATION, error))?;
            let numbers: Vec<u64> = keys
                .iter()
                .filter_map(|key| key.as_f64().map(|number| number as u64))
                .collect();
            let read = |(first, last): (u64, u64)| {
                let store = &store;
                async move {
                    let range = KeyRange::bound(
                        &JsValue::from_f64(first as f64),
                        &JsValue::from_f64(last as f64),
                        Some(false),
                        Some(false),
                    )
                    .map_err(|error| browser_error(OPERATION, error.into()))?;
                    let values = store
                        .get_all(Some(range), None)
                        .await
                        .map_err(|error| browser_error(OPERATION, error))?;
                    Ok::<_, StoreError>((first, last, values))
                }
            };
            // A few ranges asked at a time, the next as soon as one arrives: the browser reads
            // without a pause, and a read of another transaction (a search's first answer, a
            // page of rows) waits for one range at most, not for the whole index.
            let mut waiting = search::ranges(&numbers, RANGES).into_iter();
            let mut reads: FuturesUnordered<_> =
                waiting.by_ref().take(IN_FLIGHT).map(read).collect();
            while let Some(done) = reads.next().await {
                let (first, last, values) = done?;
                if let Some(next) = waiting.next() {
                    reads.push(read(next));
                }
                // The values come in key order: they are the range's keys, in order.
                let numbers = numbers
                    .iter()
                    .copied()
                    .filter(|number| (first..=last).contains(number));
                self.arrived(id, numbers.zip(values));
            }
            Ok(())
        }
        .await;
        end_read(transaction, outcome).await
    }

    /// A range of chunks arrived: copied into memory, if this load is still wanted.
    fn arrived(&self, id: u64, chunks: impl Iterator<Item = (u64, JsValue)>) {
        let state = self.search_state();
        {
            let mut loading = state.loading.borrow_mut();
            let Some(loading) = loading.as_mut().filter(|loading| loading.id == id) else {
                return;
            };
            for (number, value) in chunks {
                if let Ok(bytes) = value.dyn_into::<Uint8Array>() {
                    loading.index.insert_chunk(number, bytes.to_vec());
                }
            }
        }
        state.happened();
    }

    /// The load ended: the index is whole, or the failure is kept for those waiting.
    fn loaded(&self, id: u64, outcome: Result<()>) {
        let state = self.search_state();
        {
            let mut slot = state.loading.borrow_mut();
            let Some(loading) = slot.as_mut().filter(|loading| loading.id == id) else {
                return;
            };
            match outcome {
                Ok(()) => {
                    let index = slot.take().map(|loading| loading.index);
                    *state.index.borrow_mut() = index;
                    state.jump.set(Some(SearchIndex::start_of_row));
                }
                Err(error) => loading.failed = Some(error),
            }
        }
        state.happened();
    }

    /// Why the load under way failed, if it did: taken, so that the next caller reads again.
    fn load_failure(&self) -> Option<StoreError> {
        let mut loading = self.search_state().loading.borrow_mut();
        let error = loading.as_ref()?.failed.clone()?;
        loading.take();
        Some(error)
    }

    /// Loads the search index into memory, or waits for the load under way to end.
    pub(super) async fn load_search_index(&self) -> Result<()> {
        loop {
            let state = self.search_state();
            if state.index.borrow().is_some() {
                return Ok(());
            }
            let seen = state.events.get();
            if let Some(error) = self.load_failure() {
                return Err(error);
            }
            self.start_loading();
            if state.events.get() == seen {
                state.next_event(seen).await;
            }
        }
    }

    /// Up to [`QUICK_LIMIT`] books whose folded title starts with `text`, and as many whose
    /// folded author does, read from the title and author indexes (`[key, id]`).
    async fn starting_with(&self, text: &str) -> Result<Vec<Book>> {
        let _slot = self.slot().await;
        let transaction = self.transaction(&[BOOKS], TransactionMode::ReadOnly, OPERATION)?;
        let outcome = async {
            let store = books_store(&transaction, OPERATION)?;
            let mut values = Vec::new();
            for name in [BY_TITLE, BY_AUTHOR] {
                // [text] sorts before every [text…, id]; [text + U+FFFF] after each of them.
                let range = KeyRange::bound(
                    &Array::of1(&JsValue::from_str(text)),
                    &Array::of1(&JsValue::from_str(&format!("{text}\u{ffff}"))),
                    Some(false),
                    Some(false),
                )
                .map_err(|error| browser_error(OPERATION, error.into()))?;
                let found = store
                    .index(name)
                    .map_err(|error| browser_error(OPERATION, error))?
                    .get_all(Some(range), Some(QUICK_LIMIT))
                    .await
                    .map_err(|error| browser_error(OPERATION, error))?;
                values.extend(found);
            }
            Ok(values)
        }
        .await;
        values_to_books(end_read(transaction, outcome).await?, OPERATION)
    }

    /// Loads the search index and makes `field`'s rank index, so that jumps in that order are
    /// short from now on (the table asks once its first rows are in, and when the sort changes).
    /// The rank index is made a slice of [`SLICE_MILLIS`] at a time with the page free in
    /// between (a million keys sorted at once would stop typing and the first search for a
    /// second); a write meanwhile starts it over. Ends at once if the index is dropped.
    pub async fn prepare_jumps(&self, field: SortField) -> Result<()> {
        self.load_search_index().await?;
        let state = self.search_state();
        'over: loop {
            let writes = state.writes.get();
            let mut build = RankBuild::new(field);
            loop {
                state.after_searches().await;
                let made = {
                    let index = state.index.borrow();
                    let Some(index) = index.as_ref() else {
                        return Ok(());
                    };
                    if index.has_ranks(field) {
                        return Ok(());
                    }
                    if state.writes.get() != writes {
                        continue 'over;
                    }
                    let started = now();
                    build.step(index, &|| now() - started >= SLICE_MILLIS)
                };
                if let Some(ranks) = made {
                    if let Some(index) = state.index.borrow_mut().as_mut() {
                        index.set_ranks(build.field(), ranks);
                    }
                    return Ok(());
                }
                breathe().await;
            }
        }
    }

    /// The ids of every book that passes `filter`, in `sort` order, as [`BookRepository::matching`]
    /// gives them, but found a few milliseconds at a time with the page free in between, and
    /// while the index is still arriving: `found_so_far` is called now and then with the matches
    /// among the chunks arrived so far (in order among themselves). Stops, answering `None`, as
    /// soon as `wanted` says the answer is no longer wanted.
    pub async fn search(
        &self,
        filter: &Filter,
        sort: Sort,
        wanted: impl Fn() -> bool,
        mut found_so_far: impl FnMut(Vec<BookId>),
    ) -> Result<Option<Vec<BookId>>> {
        let matcher = Matcher::new(filter, sort);
        let state = self.search_state();
        let _searching = Searching::start(state);
        // The index not in memory yet: a first answer from the store's own indexes, kept (for
        // the chunks not scanned yet) in every answer found so far.
        let mut quick: Vec<(BookId, Vec<u8>)> = Vec::new();
        let text_only = *filter
            == Filter {
                text: filter.text.clone(),
                ..Filter::default()
            };
        if text_only && !filter.text.is_empty() && state.index.borrow().is_none() {
            // Only a first answer: if it cannot be read, the whole one still comes.
            let books = self.starting_with(&filter.text).await.unwrap_or_default();
            let mut ids = HashSet::new();
            quick = books
                .iter()
                .filter(|book| ids.insert(book.id))
                .map(|book| (book.id, sort.key_of(book).text.into_bytes()))
                .collect();
            if !wanted() {
                return Ok(None);
            }
            if !quick.is_empty() {
                let mut first = Hits::new();
                for (id, key) in &quick {
                    first.push(*id, key);
                }
                first.sort();
                found_so_far(first.ids(sort.direction));
            }
        }
        // Starts over whenever a write changes the index under it.
        'over: loop {
            let writes = state.writes.get();
            let mut hits = Hits::new();
            let mut scanned: HashSet<u64> = HashSet::new();
            let mut shown_at: Option<f64> = None;
            loop {
                if !wanted() {
                    return Ok(None);
                }
                if state.writes.get() != writes {
                    continue 'over;
                }
                let seen = state.events.get();
                match scan_some(state, &matcher, &mut hits, &mut scanned) {
                    Scanned::All => {
                        hits.sort();
                        return Ok(Some(hits.ids(sort.direction)));
                    }
                    Scanned::TimeUp => breathe().await,
                    Scanned::AllArrived => {
                        let due = shown_at.is_none_or(|at| now() - at >= SHOW_EVERY_MILLIS);
                        let mut so_far = hits.clone();
                        for (id, key) in &quick {
                            if !scanned.contains(&search::chunk_of(*id)) {
                                so_far.push(*id, key);
                            }
                        }
                        if due && !so_far.is_empty() {
                            so_far.sort();
                            found_so_far(so_far.ids(sort.direction));
                            shown_at = Some(now());
                        }
                        if state.events.get() == seen {
                            state.next_event(seen).await;
                        }
                    }
                    Scanned::Nothing => {
                        if let Some(error) = self.load_failure() {
                            return Err(error);
                        }
                        self.start_loading();
                    }
                }
            }
        }
    }
}

/// How far a slice of a search got.
enum Scanned {
    /// The index is whole and every chunk is scanned.
    All,
    /// The slice's time is up, with chunks left to scan.
    TimeUp,
    /// Every chunk arrived so far is scanned; more are to come.
    AllArrived,
    /// There is no index in memory, nor one arriving.
    Nothing,
}

/// Scans the chunks in memory (whole or arriving) not scanned yet, until [`SLICE_MILLIS`] is up.
fn scan_some(
    state: &SearchState,
    matcher: &Matcher<'_>,
    hits: &mut Hits,
    scanned: &mut HashSet<u64>,
) -> Scanned {
    let started = now();
    let ready = state.index.borrow();
    let loading = state.loading.borrow();
    let (index, whole) = match (ready.as_ref(), loading.as_ref()) {
        (Some(index), _) => (index, true),
        (None, Some(loading)) if loading.failed.is_none() => (&loading.index, false),
        _ => return Scanned::Nothing,
    };
    for number in index.chunk_numbers() {
        if scanned.contains(&number) {
            continue;
        }
        if now() - started >= SLICE_MILLIS {
            return Scanned::TimeUp;
        }
        if let Some(chunk) = index.chunk(number) {
            matcher.scan(chunk, hits);
        }
        scanned.insert(number);
    }
    if whole {
        Scanned::All
    } else {
        Scanned::AllArrived
    }
}
