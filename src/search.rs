//! The search index: every book's folded title, author, genre, tags, series, location and
//! borrowers as compact text, with what the filters and sorts need, split into chunks by id so that a write rewrites one small chunk. The store keeps the chunks beside the
//! books (same transaction); in memory they are scanned for a substring in tens of milliseconds
//! at a million books, where scanning IndexedDB would take seconds. Plain Rust.

use std::collections::{BTreeMap, HashMap, HashSet};

use memchr::{memchr, memmem, memrchr};

use crate::book::{Book, BookId, Format, Loan, Series, Status};
use crate::query::{cmp_utf16, fold, Direction, Filter, Sort, SortField, SortKey};
use crate::ranks::{sort_as_indexes, Ranks, Start, STALE_WALK};
use crate::words::{WordIndex, WordMatch};

mod hits;
mod newest;
mod rank_build;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod loading;

pub use hits::Hits;
pub use newest::{Searches, Ticket};
pub use rank_build::RankBuild;

/// How many consecutive ids share a chunk.
pub const IDS_PER_CHUNK: BookId = 1024;

const FIELD: u8 = 0x1f;
const LINE: u8 = b'\n';

/// The chunk a book's line lives in.
pub fn chunk_of(id: BookId) -> u64 {
    id / IDS_PER_CHUNK
}

/// Separates the items of a list field (tags, borrowers).
const ITEM: u8 = 0x1e;

/// The fields of a line, in order. The searched ones come first, together
/// ([`searchable`]); the rest are kept for the filters, the sorts and the lists of names.
mod at {
    pub const TITLE: usize = 1;
    pub const AUTHOR: usize = 2;
    pub const GENRE: usize = 3;
    pub const TAGS: usize = 4;
    pub const SERIES: usize = 5;
    /// The last searched field (location is 6).
    pub const BORROWERS: usize = 7;
    pub const GENRE_WRITTEN: usize = 8;
    pub const STATUS: usize = 9;
    pub const FORMAT: usize = 10;
    /// The due day of a copy out on loan, empty when none is.
    pub const DUE: usize = 11;
    /// The sort keys of the version 5 columns, in [`super::SortField::ALL`]'s order from Status.
    pub const SORT_KEYS: usize = 12;
    pub const TAGS_WRITTEN: usize = 18;
    pub const SERIES_WRITTEN: usize = 19;
    pub const COUNT: usize = 20;
}

/// A book's line: `id␟` then the fields of [`at`], separated by `␟`, ending with `⏎`; the
/// searched ones folded, list items separated by `␞`.
///
/// Validation refuses control characters, so no field can hold a separator.
pub fn line_of(book: &Book) -> Vec<u8> {
    let sort = |field| {
        Sort {
            field,
            direction: Direction::Ascending,
        }
        .key_of(book)
        .text
    };
    let folded = [fold(&book.title), fold(&book.author), fold(&book.genre)];
    let sort_keys = [
        SortField::Status,
        SortField::Rating,
        SortField::Read,
        SortField::Series,
        SortField::Pages,
        SortField::Year,
    ]
    .map(sort);
    let mut line = Vec::with_capacity(
        folded
            .iter()
            .chain(&sort_keys)
            .map(String::len)
            .sum::<usize>()
            + book.genre.len()
            + 64,
    );
    push_line(
        &mut line,
        &LineParts {
            id: book.id,
            folded: folded.each_ref().map(String::as_str),
            genre: &book.genre,
            tags: &book.tags,
            series: book.series.as_ref(),
            location: &book.location,
            loans: &book.loans,
            status: book.status,
            format: book.format,
            sort_keys: sort_keys.each_ref().map(String::as_str),
        },
    );
    line
}

/// Stored chunk numbers (in order) cut into at most `parts` ranges of about as many chunks
/// each, as (first, last): how the index is read, a range at a time.
pub fn ranges(numbers: &[u64], parts: usize) -> Vec<(u64, u64)> {
    let per_part = numbers.len().div_ceil(parts.max(1)).max(1);
    numbers
        .chunks(per_part)
        .filter_map(|part| Some((*part.first()?, *part.last()?)))
        .collect()
}

/// What a book's line is made of: its fields, and the texts its stored record already holds
/// folded (so that a bulk write folds each book once).
#[derive(Debug, Clone, Copy)]
pub struct LineParts<'a> {
    /// The book's id.
    pub id: BookId,
    /// The title, author and genre, folded.
    pub folded: [&'a str; 3],
    /// The genre as written.
    pub genre: &'a str,
    /// The tags as written.
    pub tags: &'a [String],
    /// The series.
    pub series: Option<&'a Series>,
    /// The location as written.
    pub location: &'a str,
    /// Every loan (those out are in the line).
    pub loans: &'a [Loan],
    /// The status.
    pub status: Option<Status>,
    /// The format.
    pub format: Option<Format>,
    /// The sort texts of Status, Rating, Read, Series, Pages and Year ([`SortField::ALL`]'s
    /// order), as the record's keys hold them.
    pub sort_keys: [&'a str; 6],
}

/// Appends a book's line ([`line_of`]) to `out`, with no allocation beyond the lists' folding.
pub fn push_line(out: &mut Vec<u8>, parts: &LineParts<'_>) {
    fn push_items<'t>(out: &mut Vec<u8>, items: impl Iterator<Item = &'t str>) {
        for (n, item) in items.enumerate() {
            if n > 0 {
                out.push(ITEM);
            }
            out.extend_from_slice(item.as_bytes());
        }
    }
    let field = |out: &mut Vec<u8>, text: &str| {
        out.push(FIELD);
        out.extend_from_slice(text.as_bytes());
    };
    let out_on_loan = || parts.loans.iter().filter(|loan| loan.is_out());
    out.extend_from_slice(parts.id.to_string().as_bytes());
    for folded in parts.folded {
        field(out, folded);
    }
    out.push(FIELD);
    let tags: Vec<String> = parts.tags.iter().map(|tag| fold(tag)).collect();
    push_items(out, tags.iter().map(String::as_str));
    field(
        out,
        &parts.series.map(|s| fold(&s.name)).unwrap_or_default(),
    );
    field(out, &fold(parts.location));
    out.push(FIELD);
    let borrowers: Vec<String> = out_on_loan().map(|loan| fold(&loan.borrower)).collect();
    push_items(out, borrowers.iter().map(String::as_str));
    field(out, parts.genre);
    field(out, parts.status.map_or("", |s| s.key()));
    field(out, parts.format.map_or("", |f| f.label()));
    let due = out_on_loan().map(|loan| loan.due).min();
    field(out, &due.map(|day| day.to_string()).unwrap_or_default());
    for key in parts.sort_keys {
        field(out, key);
    }
    out.push(FIELD);
    push_items(out, parts.tags.iter().map(String::as_str));
    field(out, parts.series.map_or("", |s| s.name.as_str()));
    out.push(LINE);
}

/// Books grouped by the chunk their lines live in, in chunk order, so that each chunk is read
/// and rewritten once however many of its books change.
pub fn by_chunk<'a>(books: impl IntoIterator<Item = &'a Book>) -> BTreeMap<u64, Vec<&'a Book>> {
    let mut grouped: BTreeMap<u64, Vec<&Book>> = BTreeMap::new();
    for book in books {
        grouped.entry(chunk_of(book.id)).or_default().push(book);
    }
    grouped
}

/// Appends the books' lines to the chunks they belong in (new books: no line is replaced).
pub fn add_lines<'a>(
    chunks: &mut BTreeMap<u64, Vec<u8>>,
    books: impl IntoIterator<Item = &'a Book>,
) {
    for (chunk, books) in by_chunk(books) {
        let bytes = chunks.entry(chunk).or_default();
        for book in books {
            bytes.extend_from_slice(&line_of(book));
        }
    }
}

/// The lines of a chunk.
fn lines(chunk: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = chunk;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        let end = memchr(LINE, rest).unwrap_or(rest.len());
        let line = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or_default();
        if !line.is_empty() {
            return Some(line);
        }
    })
}

fn id_of_line(line: &[u8]) -> Option<BookId> {
    let end = memchr(FIELD, line)?;
    std::str::from_utf8(&line[..end]).ok()?.parse().ok()
}

/// The `n`th field of a line (0 is the id).
fn field(line: &[u8], n: usize) -> &[u8] {
    let mut start = 0;
    for _ in 0..n {
        match memchr(FIELD, &line[start..]) {
            Some(at) => start += at + 1,
            None => return &[],
        }
    }
    let end = memchr(FIELD, &line[start..]).map_or(line.len(), |at| start + at);
    &line[start..end]
}

/// Removes the lines of every id in `ids` from a chunk, in one pass; says whether any was there.
pub fn remove_all(chunk: &mut Vec<u8>, ids: &HashSet<BookId>) -> bool {
    let before = chunk.len();
    let mut kept = Vec::with_capacity(chunk.len());
    for line in lines(chunk) {
        if !id_of_line(line).is_some_and(|id| ids.contains(&id)) {
            kept.extend_from_slice(line);
            kept.push(LINE);
        }
    }
    *chunk = kept;
    chunk.len() != before
}

/// Removes `id`'s line from a chunk; says whether there was one.
pub fn remove(chunk: &mut Vec<u8>, id: BookId) -> bool {
    remove_all(chunk, &HashSet::from([id]))
}

/// Puts each book's line in a chunk, replacing any line it had (one pass, however many books).
pub fn upsert_all<'a>(chunk: &mut Vec<u8>, books: impl IntoIterator<Item = &'a Book> + Clone) {
    let ids: HashSet<BookId> = books.clone().into_iter().map(|book| book.id).collect();
    if !chunk.is_empty() {
        remove_all(chunk, &ids);
    }
    for book in books {
        chunk.extend_from_slice(&line_of(book));
    }
}

/// Puts lines already made ([`push_line`]) in a chunk, replacing any line of the same ids: what
/// [`upsert_all`] does with the books the lines are of.
pub fn upsert_lines(chunk: &mut Vec<u8>, new_lines: &[u8]) {
    if !chunk.is_empty() {
        let ids: HashSet<BookId> = lines(new_lines).filter_map(id_of_line).collect();
        remove_all(chunk, &ids);
    }
    chunk.extend_from_slice(new_lines);
}

/// Puts `book`'s line in a chunk, replacing any line it had.
pub fn upsert(chunk: &mut Vec<u8>, book: &Book) {
    upsert_all(chunk, [book]);
}

/// The whole index in memory: chunk number to chunk text.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    chunks: BTreeMap<u64, Vec<u8>>,
    /// The words of the titles and authors, made when first asked for and then kept current
    /// (dropped by a large write, to be made again when next asked for).
    words: Option<WordIndex>,
    /// While the word index is being made, a few chunks at a time: the next chunk to add.
    words_next: Option<u64>,
    /// The sparse rank index of each sort field asked for so far (for jumps), kept exact by
    /// every write of up to [`WORDS_KEPT_UP_TO`] books; a larger write drops them.
    ranks: HashMap<SortField, Ranks>,
}

/// Two indexes are equal when they hold the same lines.
impl PartialEq for SearchIndex {
    fn eq(&self, other: &Self) -> bool {
        self.chunks == other.chunks
    }
}

impl Eq for SearchIndex {}

/// Writes of more books than this at once drop the word index rather than update it.
const WORDS_KEPT_UP_TO: usize = 256;

/// The books that answer a forgiving search, best first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Closest {
    /// The best of them, at most the number asked for.
    pub ids: Vec<BookId>,
    /// How many books answer in all.
    pub total: usize,
}

impl SearchIndex {
    /// The index made of stored chunks.
    pub fn from_chunks(chunks: impl IntoIterator<Item = (u64, Vec<u8>)>) -> Self {
        Self {
            chunks: chunks.into_iter().collect(),
            words: None,
            words_next: None,
            ranks: HashMap::new(),
        }
    }

    /// Puts in a stored chunk as it was read (a loading index receives its chunks a range at a
    /// time, in any order); a chunk already there is replaced.
    pub fn insert_chunk(&mut self, number: u64, bytes: Vec<u8>) {
        // The word index, if made, would miss the chunk's books: made again when next asked for.
        self.words = None;
        self.words_next = None;
        self.ranks.clear();
        self.chunks.insert(number, bytes);
    }

    /// The numbers of the chunks held, in order.
    pub fn chunk_numbers(&self) -> impl Iterator<Item = u64> + '_ {
        self.chunks.keys().copied()
    }

    /// The text of chunk `number` (its books' lines), if the index holds it.
    pub fn chunk(&self, number: u64) -> Option<&[u8]> {
        self.chunks.get(&number).map(Vec::as_slice)
    }

    /// The index of these books, as chunks (what an upgrade or a bulk write stores).
    pub fn chunks_of<'a>(books: impl IntoIterator<Item = &'a Book>) -> BTreeMap<u64, Vec<u8>> {
        let mut chunks = BTreeMap::new();
        add_lines(&mut chunks, books);
        chunks
    }

    /// Records a stored or changed book.
    pub fn upsert(&mut self, book: &Book) {
        self.upsert_all(std::slice::from_ref(book));
    }

    /// Records many stored or changed books, rewriting each chunk once.
    pub fn upsert_all(&mut self, books: &[Book]) {
        if books.len() > WORDS_KEPT_UP_TO {
            self.words = None;
            self.words_next = None;
            self.ranks.clear();
        }
        if !self.ranks.is_empty() {
            // One book at a time, so that a book written twice moves from its latest key.
            for book in books {
                self.move_ranks(book.id, Some(book));
                upsert(self.chunks.entry(chunk_of(book.id)).or_default(), book);
            }
        }
        for book in books {
            self.forget_words(book.id);
        }
        if self.ranks.is_empty() {
            for (chunk, books) in by_chunk(books) {
                upsert_all(self.chunks.entry(chunk).or_default(), books.iter().copied());
            }
        }
        if let Some(words) = self.words.as_mut() {
            for book in books {
                words.add(book.id, &fold(&book.title), &fold(&book.author));
            }
        }
    }

    /// Records many stored books whose chunks, as the same write stored them, are `chunks`
    /// (each whole: what was there, less these books' old lines, then their new ones). A large
    /// write takes the chunks as they are, rather than making every line again; a small one is
    /// recorded as [`upsert_all`](Self::upsert_all) does, keeping the word index up to date.
    pub fn upsert_written(&mut self, books: &[Book], chunks: BTreeMap<u64, Vec<u8>>) {
        if books.len() <= WORDS_KEPT_UP_TO {
            self.upsert_all(books);
            return;
        }
        self.words = None;
        self.words_next = None;
        self.ranks.clear();
        self.chunks.extend(chunks);
    }

    /// Forgets a deleted book.
    pub fn remove(&mut self, id: BookId) {
        self.forget_words(id);
        self.move_ranks(id, None);
        if let Some(chunk) = self.chunks.get_mut(&chunk_of(id)) {
            remove(chunk, id);
        }
    }

    /// Moves book `id` in every rank index kept: out of the place its line puts it (if the index
    /// holds one), into the place of `now` (if it is still stored).
    fn move_ranks(&mut self, id: BookId, now: Option<&Book>) {
        if self.ranks.is_empty() {
            return;
        }
        let before = self.line(id).map(<[u8]>::to_vec);
        for (&field, ranks) in &mut self.ranks {
            if let Some(key) = before
                .as_deref()
                .and_then(|line| sort_key_of_line(line, field))
            {
                ranks.removed(&key);
            }
            if let Some(book) = now {
                let sort = Sort {
                    field,
                    direction: Direction::Ascending,
                };
                ranks.inserted(&sort.key_of(book));
            }
        }
    }

    /// Where to start reading `field`'s ascending order to reach row `row`, and how many rows
    /// that order holds. Makes the field's rank index when it is first asked for, and again when
    /// writes bunched in one place have made the walk from its nearest anchor long.
    pub fn start_of_row(&mut self, field: SortField, row: u64) -> (Start, u64) {
        if let Some(ranks) = self.ranks.get(&field) {
            let start = ranks.start(row);
            if start.skip <= STALE_WALK {
                return (start, ranks.total());
            }
        }
        let ranks = self.make_ranks(field);
        let answer = (ranks.start(row), ranks.total());
        self.ranks.insert(field, ranks);
        answer
    }

    /// Makes `field`'s rank index afresh (a sort of every book's key).
    pub fn make_ranks(&self, field: SortField) -> Ranks {
        let text_at = sort_text_at(field);
        let mut keys: Vec<(&[u8], BookId)> = Vec::with_capacity(self.len());
        for line in self.chunks.values().flat_map(|chunk| lines(chunk)) {
            if let Some(id) = id_of_line(line) {
                keys.push((text_at.map_or(&[][..], |at| self::field(line, at)), id));
            }
        }
        match text_at {
            Some(_) => sort_as_indexes(&mut keys),
            None => keys.sort_unstable_by_key(|key| key.1),
        }
        Ranks::from_sorted(&keys, |&(text, id)| SortKey {
            text: String::from_utf8_lossy(text).into_owned(),
            id,
        })
    }

    /// Keeps `ranks` as `field`'s rank index (made by a [`RankBuild`] on this index as it is).
    pub fn set_ranks(&mut self, field: SortField, ranks: Ranks) {
        self.ranks.insert(field, ranks);
    }

    /// Whether `field`'s rank index is made.
    pub fn has_ranks(&self, field: SortField) -> bool {
        self.ranks.contains_key(&field)
    }

    /// The line of a book, if the index holds one.
    fn line(&self, id: BookId) -> Option<&[u8]> {
        let chunk = self.chunks.get(&chunk_of(id))?;
        lines(chunk).find(|line| id_of_line(line) == Some(id))
    }

    /// Makes the word index (used by [`SearchIndex::closest`]) up to `chunks` more chunks at a
    /// time, then puts its words in order as many steps, so that a caller can let the page
    /// breathe in between; true once it is whole and in order. Writes meanwhile keep it right:
    /// a book changed in a chunk not yet added is added once.
    pub fn prepare_words(&mut self, chunks: usize) -> bool {
        let Some(mut words) = self.words.take() else {
            self.words = Some(WordIndex::default());
            self.words_next = self.chunks.keys().next().copied();
            return false;
        };
        if self.words_next.is_none() {
            let sorted = (0..chunks.max(1)).any(|_| words.sort_step());
            self.words = Some(words);
            return sorted;
        }
        let mut next = self.words_next;
        for (&number, chunk) in next
            .map(|from| self.chunks.range(from..))
            .into_iter()
            .flatten()
            .take(chunks)
        {
            for line in lines(chunk) {
                if let Some(id) = id_of_line(line) {
                    let text = |n| std::str::from_utf8(field(line, n)).unwrap_or_default();
                    words.add(id, text(at::TITLE), text(at::AUTHOR));
                }
            }
            next = Some(number + 1);
        }
        self.words = Some(words);
        self.words_next = next.filter(|&from| self.chunks.range(from..).next().is_some());
        false
    }

    /// Takes a book's words out of the word index, if it is made, before its line changes.
    fn forget_words(&mut self, id: BookId) {
        let Some(mut words) = self.words.take() else {
            return;
        };
        if let Some(line) = self.line(id) {
            let text = |n| std::str::from_utf8(field(line, n)).unwrap_or_default();
            words.remove(id, text(at::TITLE), text(at::AUTHOR));
        }
        self.words = Some(words);
    }

    /// The books whose titles and authors hold every word of `text`, forgiving typos: the
    /// `limit` best, exact words first, then the starts of words, then typos, and among equals a
    /// title that is the text, then a title that starts with it.
    pub fn closest(&mut self, text: &str, limit: usize) -> Closest {
        let query = fold(text);
        while !self.prepare_words(usize::MAX) {}
        let Some(mut words) = self.words.take() else {
            return Closest::default();
        };
        let mut found = words.find(&query);
        self.words = Some(words);
        let total = found.len();
        found.sort_unstable_by_key(|m| (m.cost, m.id));
        // Only the cheapest few need their titles read to be ranked among themselves.
        found.truncate(limit.saturating_mul(8).max(64));
        let mut ranked: Vec<(u32, u8, usize, BookId)> = found
            .into_iter()
            .map(|WordMatch { id, cost }| {
                let line = self.line(id).unwrap_or_default();
                let title = field(line, at::TITLE);
                let author = field(line, at::AUTHOR);
                let whole = title == query.as_bytes()
                    || (query.len() == title.len() + 1 + author.len()
                        && query.as_bytes().starts_with(title)
                        && query.as_bytes().ends_with(author));
                let closeness = if whole {
                    0
                } else if title.starts_with(query.as_bytes()) {
                    1
                } else {
                    2
                };
                (cost, closeness, title.len(), id)
            })
            .collect();
        ranked.sort_unstable();
        Closest {
            ids: ranked.into_iter().take(limit).map(|(.., id)| id).collect(),
            total,
        }
    }

    /// How many books the index holds.
    pub fn len(&self) -> usize {
        self.chunks
            .values()
            .map(|chunk| memchr::memchr_iter(LINE, chunk).count())
            .sum()
    }

    /// True when the index holds no book.
    pub fn is_empty(&self) -> bool {
        self.chunks.values().all(|chunk| chunk.is_empty())
    }

    /// Calls `visit` with every book's id, folded title and folded author (to find duplicates).
    pub fn for_each_entry(&self, mut visit: impl FnMut(BookId, &str, &str)) {
        for line in self.chunks.values().flat_map(|chunk| lines(chunk)) {
            if let Some(id) = id_of_line(line) {
                let text = |n| std::str::from_utf8(field(line, n)).unwrap_or_default();
                visit(id, text(1), text(2));
            }
        }
    }

    /// Every genre, as (folded key, the way it was first written), sorted by key.
    pub fn genres(&self) -> Vec<(String, String)> {
        self.names(at::GENRE, at::GENRE_WRITTEN)
    }

    /// Every tag, as (folded key, the way it was first written), sorted by key.
    pub fn tags(&self) -> Vec<(String, String)> {
        self.names(at::TAGS, at::TAGS_WRITTEN)
    }

    /// Every series, as (folded name, the way it was first written), sorted by name.
    pub fn series(&self) -> Vec<(String, String)> {
        self.names(at::SERIES, at::SERIES_WRITTEN)
    }

    /// The names in a (folded, as written) pair of fields, each list item once, sorted by key.
    fn names(&self, folded: usize, written: usize) -> Vec<(String, String)> {
        let mut names: HashMap<&[u8], &[u8]> = HashMap::new();
        for line in self.chunks.values().flat_map(|chunk| lines(chunk)) {
            let keys = field(line, folded);
            if keys.is_empty() {
                continue;
            }
            let labels = field(line, written).split(|&b| b == ITEM);
            for (key, label) in keys.split(|&b| b == ITEM).zip(labels) {
                names.entry(key).or_insert(label);
            }
        }
        let mut names: Vec<(String, String)> = names
            .into_iter()
            .map(|(key, label)| {
                (
                    String::from_utf8_lossy(key).into_owned(),
                    String::from_utf8_lossy(label).into_owned(),
                )
            })
            .collect();
        // Keys are unique here; ordered as the indexes order text.
        names.sort_by(|a, b| cmp_utf16(&a.0, &b.0));
        names
    }

    /// The ids of every book that passes `filter`, in `sort` order.
    pub fn matching(&self, filter: &Filter, sort: Sort) -> Vec<BookId> {
        let matcher = Matcher::new(filter, sort);
        let mut hits = Hits::new();
        for chunk in self.chunks.values() {
            matcher.scan(chunk, &mut hits);
        }
        hits.sort();
        hits.ids(sort.direction)
    }
}

/// A filter and a sort made ready to scan chunks with: [`SearchIndex::matching`] a chunk at a
/// time, so that a search can scan chunks as they arrive, or a few at a time.
pub struct Matcher<'f> {
    finder: Option<memmem::Finder<'f>>,
    wanted: Wanted<'f>,
    sort_field: Option<usize>,
}

impl<'f> Matcher<'f> {
    /// Ready to find the books that pass `filter`, with the keys `sort` orders them by.
    pub fn new(filter: &'f Filter, sort: Sort) -> Self {
        let sort_field = sort_text_at(sort.field);
        Matcher {
            finder: (!filter.text.is_empty()).then(|| memmem::Finder::new(filter.text.as_bytes())),
            wanted: Wanted::of(filter),
            sort_field,
        }
    }

    /// Adds to `hits` every book of `chunk` (a stored chunk's text) that passes, with its key.
    pub fn scan(&self, chunk: &[u8], hits: &mut Hits) {
        let Some(finder) = &self.finder else {
            lines(chunk).for_each(|line| self.consider(line, hits));
            return;
        };
        // Jump from hit to hit; check each hit's line once, only in its folded fields.
        let mut from = 0;
        while let Some(hit) = finder.find(&chunk[from..]) {
            let at = from + hit;
            let start = memrchr(LINE, &chunk[..at]).map_or(0, |i| i + 1);
            let end = memchr(LINE, &chunk[at..]).map_or(chunk.len(), |i| at + i);
            let line = &chunk[start..end];
            if finder.find(searchable(line)).is_some() {
                self.consider(line, hits);
            }
            from = end + 1;
            if from >= chunk.len() {
                break;
            }
        }
    }

    /// Keeps `line` if it passes what is wanted, with its sort key.
    fn consider(&self, line: &[u8], hits: &mut Hits) {
        let key = if self.wanted.is_empty() {
            self.sort_field.map_or(&[][..], |n| field(line, n))
        } else {
            let fields = split_fields(line);
            if !self.wanted.passes(&fields) {
                return;
            }
            self.sort_field.map_or(&[][..], |n| fields[n])
        };
        if let Some(id) = id_of_line(line) {
            hits.push(id, key);
        }
    }
}

/// The field of a line that holds `field`'s sort text (none for id order, which sorts by id).
fn sort_text_at(field: SortField) -> Option<usize> {
    match field {
        SortField::Id => None,
        SortField::Title => Some(at::TITLE),
        SortField::Author => Some(at::AUTHOR),
        SortField::Genre => Some(at::GENRE),
        SortField::Status => Some(at::SORT_KEYS),
        SortField::Rating => Some(at::SORT_KEYS + 1),
        SortField::Read => Some(at::SORT_KEYS + 2),
        SortField::Series => Some(at::SORT_KEYS + 3),
        SortField::Pages => Some(at::SORT_KEYS + 4),
        SortField::Year => Some(at::SORT_KEYS + 5),
    }
}

/// The key under which `field`'s index holds the book of `line`.
fn sort_key_of_line(line: &[u8], field: SortField) -> Option<SortKey> {
    let text = sort_text_at(field).map_or(&[][..], |at| self::field(line, at));
    Some(SortKey {
        text: String::from_utf8(text.to_vec()).ok()?,
        id: id_of_line(line)?,
    })
}

/// What a line's fields must hold to pass a filter (beyond its text), as the line writes them.
struct Wanted<'f> {
    /// (field, exact value) pairs.
    exact: Vec<(usize, &'f [u8])>,
    /// A tag among the line's tags.
    tag: Option<&'f [u8]>,
    on_loan: bool,
}

impl<'f> Wanted<'f> {
    fn of(filter: &'f Filter) -> Self {
        let mut exact = Vec::new();
        if let Some(genre) = &filter.genre {
            exact.push((at::GENRE, genre.as_bytes()));
        }
        if let Some(status) = filter.status {
            exact.push((at::STATUS, status.key().as_bytes()));
        }
        if let Some(format) = filter.format {
            exact.push((at::FORMAT, format.label().as_bytes()));
        }
        if let Some(series) = &filter.series {
            exact.push((at::SERIES, series.as_bytes()));
        }
        Wanted {
            exact,
            tag: filter.tag.as_deref().map(str::as_bytes),
            on_loan: filter.on_loan,
        }
    }

    fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.tag.is_none() && !self.on_loan
    }

    fn passes(&self, fields: &[&[u8]; at::COUNT]) -> bool {
        self.exact.iter().all(|(at, value)| fields[*at] == *value)
            && self
                .tag
                .is_none_or(|tag| fields[at::TAGS].split(|&b| b == ITEM).any(|t| t == tag))
            && (!self.on_loan || !fields[at::DUE].is_empty())
    }
}

/// A line's fields, split once (a field a short line lacks is empty).
fn split_fields(line: &[u8]) -> [&[u8]; at::COUNT] {
    let mut fields = [&[][..]; at::COUNT];
    for (slot, part) in fields.iter_mut().zip(line.split(|&b| b == FIELD)) {
        *slot = part;
    }
    fields
}

/// The searched fields of a line ([`at::TITLE`] to [`at::BORROWERS`], folded).
fn searchable(line: &[u8]) -> &[u8] {
    let mut separators = memchr::memchr_iter(FIELD, line);
    match (separators.next(), separators.nth(at::BORROWERS - 1)) {
        (Some(first), Some(last)) => &line[first + 1..last],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::NewBook;

    fn books() -> Vec<Book> {
        vec![
            NewBook::new("The Hobbit", "J,R,R Tolkien", "Fantasy").with_id(1),
            NewBook::new("1987", "George Orwell", "Dystopian Fiction").with_id(2),
            NewBook::new("To Kill a Mockingbird", "Harper Lee", "Southern Gothic").with_id(3),
            NewBook::new("Émile", "Jean-Jacques Rousseau", "fantasy").with_id(2000),
        ]
    }

    fn index() -> SearchIndex {
        SearchIndex::from_chunks(SearchIndex::chunks_of(&books()))
    }

    fn sort(field: SortField, direction: Direction) -> Sort {
        Sort { field, direction }
    }

    #[test]
    fn closest_forgives_typos_and_ranks_the_whole_title_first() {
        let mut index = index();
        index.upsert_all(&[
            NewBook::new("The Hobbit Companion", "Someone Else", "Reference").with_id(4),
            NewBook::new("Hobbits of the Shire", "J,R,R Tolkien", "Fantasy").with_id(5),
        ]);
        let found = index.closest("hobit tolkein", 10);
        assert_eq!(
            found,
            Closest {
                ids: vec![1],
                total: 1
            }
        );
        let found = index.closest("the hobbit", 10);
        assert_eq!(
            found.ids,
            vec![1, 4, 5],
            "the exact title, the longer one, the prefix"
        );
        // "hobbit" is a word of 1 and 4 and the start of one of 5's.
        assert_eq!(index.closest("hobbit", 10).ids, vec![1, 4, 5]);
        assert_eq!(
            index.closest("hobbit", 2),
            Closest {
                ids: vec![1, 4],
                total: 3
            }
        );
        assert_eq!(index.closest("émile rousseau", 10).ids, vec![2000]);
        assert!(index.closest("hobbit orwell", 10).ids.is_empty());
    }

    #[test]
    fn words_made_a_chunk_at_a_time_stay_right_through_writes() {
        let mut index = index();
        assert!(!index.prepare_words(1), "started");
        assert!(
            !index.prepare_words(1),
            "chunk 0 added, chunk 1 (id 2000) not yet"
        );
        // Writes in a chunk already added and in one not yet added.
        index.upsert(&NewBook::new("Dune", "Frank Herbert", "SF").with_id(1));
        index.upsert(&NewBook::new("Emile Zola", "Rousseau", "x").with_id(2000));
        index.upsert(&NewBook::new("Nana", "Zola", "x").with_id(2001));
        assert!(
            !index.prepare_words(1),
            "chunk 1 added, the words not yet in order"
        );
        assert!(index.prepare_words(1), "whole and in order");
        assert_eq!(index.closest("dune", 10).ids, vec![1]);
        assert!(index.closest("hobbit", 10).ids.is_empty());
        assert_eq!(
            index.closest("zola", 10).ids,
            vec![2001, 2000],
            "the shorter title first"
        );
        assert_eq!(index.closest("rousseau", 10).total, 1);
    }

    #[test]
    fn closest_follows_changes() {
        let mut index = index();
        assert_eq!(index.closest("hobbit", 10).ids, vec![1]);
        index.upsert(&NewBook::new("Dune", "Frank Herbert", "SF").with_id(1));
        assert!(index.closest("hobbit", 10).ids.is_empty());
        assert_eq!(index.closest("dnue", 10).ids, vec![1]);
        index.remove(1);
        assert!(index.closest("dune", 10).ids.is_empty());
        // A large write drops the words, and they are made again from the lines.
        let many: Vec<Book> = (10..400)
            .map(|id| NewBook::new(format!("Kingdom {id}"), "Ann", "SF").with_id(id))
            .collect();
        index.upsert_all(&many);
        assert_eq!(index.closest("kingdon 42", 10).ids, vec![42]);
        assert_eq!(index.closest("kingdom", 1000).total, 390);
    }

    #[test]
    fn substring_matches_any_field_folded() {
        let index = index();
        let by_id = sort(SortField::Id, Direction::Ascending);
        assert_eq!(index.matching(&Filter::new("TOLK", None), by_id), vec![1]);
        assert_eq!(index.matching(&Filter::new("bird", None), by_id), vec![3]);
        assert_eq!(
            index.matching(&Filter::new("emile", None), by_id),
            vec![2000]
        );
        assert_eq!(
            index.matching(&Filter::new("FANTASY", None), by_id),
            vec![1, 2000]
        );
        assert_eq!(
            index.matching(&Filter::new("", None), by_id),
            vec![1, 2, 3, 2000]
        );
        assert!(index.matching(&Filter::new("zzz", None), by_id).is_empty());
    }

    #[test]
    fn ids_and_the_written_genre_are_not_searched() {
        let index = index();
        let by_id = sort(SortField::Id, Direction::Ascending);
        assert_eq!(
            index.matching(&Filter::new("2000", None), by_id),
            Vec::<BookId>::new()
        );
        assert_eq!(index.matching(&Filter::new("1987", None), by_id), vec![2]);
    }

    #[test]
    fn genre_filter_and_sorting() {
        let index = index();
        let fantasy = Filter::new("", Some("FANTASY"));
        let by_title = sort(SortField::Title, Direction::Ascending);
        assert_eq!(index.matching(&fantasy, by_title), vec![2000, 1]);
        let by_title_desc = sort(SortField::Title, Direction::Descending);
        assert_eq!(index.matching(&fantasy, by_title_desc), vec![1, 2000]);
        let by_author = sort(SortField::Author, Direction::Ascending);
        assert_eq!(
            index.matching(&Filter::default(), by_author),
            vec![2, 3, 1, 2000]
        );
    }

    #[test]
    fn results_sort_as_the_index_does_emoji_before_fullwidth_letters() {
        // IndexedDB orders text by UTF-16 code units: "📚" (D83D DCDA) before "Ａ" (FF21).
        let index = SearchIndex::from_chunks(SearchIndex::chunks_of(&[
            NewBook::new("Ａ book", "x", "").with_id(1),
            NewBook::new("📚 book", "x", "").with_id(2),
            NewBook::new("a book", "x", "").with_id(3),
        ]));
        let by_title = sort(SortField::Title, Direction::Ascending);
        assert_eq!(
            index.matching(&Filter::new("book", None), by_title),
            vec![3, 2, 1]
        );
    }

    #[test]
    fn upserts_and_removals_keep_one_line_per_book() {
        let mut index = index();
        assert_eq!(index.len(), 4);
        let mut hobbit = books()[0].clone();
        hobbit.title = "There and Back Again".into();
        index.upsert(&hobbit);
        assert_eq!(index.len(), 4);
        let by_id = sort(SortField::Id, Direction::Ascending);
        assert!(index
            .matching(&Filter::new("hobbit", None), by_id)
            .is_empty());
        assert_eq!(
            index.matching(&Filter::new("back again", None), by_id),
            vec![1]
        );
        index.remove(1);
        index.remove(999);
        assert_eq!(index.len(), 3);
        assert!(!index.is_empty());
    }

    #[test]
    fn a_bulk_upsert_replaces_old_lines_and_appends_new_ones() {
        let mut chunk = Vec::new();
        let first = books();
        upsert_all(&mut chunk, &first[..3]);
        let mut changed = first[1].clone();
        changed.title = "1984".into();
        let added = NewBook::new("New", "Author", "").with_id(4);
        upsert_all(&mut chunk, [&changed, &added]);
        let index = SearchIndex::from_chunks([(0, chunk)]);
        assert_eq!(index.len(), 4);
        let by_id = sort(SortField::Id, Direction::Ascending);
        assert!(index.matching(&Filter::new("1987", None), by_id).is_empty());
        assert_eq!(index.matching(&Filter::new("1984", None), by_id), vec![2]);
    }

    #[test]
    fn genres_are_listed_once_with_their_written_form() {
        let genres = index().genres();
        let keys: Vec<&str> = genres.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(keys, ["dystopian fiction", "fantasy", "southern gothic"]);
        assert_eq!(genres[1].1, "Fantasy");
        // In the genre index's order: an emoji before fullwidth letters.
        let index = SearchIndex::from_chunks(SearchIndex::chunks_of(&[
            NewBook::new("a", "x", "Ｐｏｅｔｒｙ").with_id(1),
            NewBook::new("b", "x", "📚 Reference").with_id(2),
        ]));
        let keys: Vec<String> = index.genres().into_iter().map(|(key, _)| key).collect();
        assert_eq!(keys, ["📚 reference", "ｐｏｅｔｒｙ"]);
    }

    #[test]
    fn every_entry_is_visited_with_its_folded_title_and_author() {
        let mut seen = Vec::new();
        index().for_each_entry(|id, title, author| {
            seen.push((id, title.to_owned(), author.to_owned()))
        });
        seen.sort();
        assert_eq!(seen.len(), 4);
        assert_eq!(
            seen[0],
            (1, "the hobbit".to_owned(), "j,r,r tolkien".to_owned())
        );
        assert_eq!(
            seen[3],
            (2000, "emile".to_owned(), "jean-jacques rousseau".to_owned())
        );
    }

    #[test]
    fn ranges_split_the_chunks_evenly() {
        assert_eq!(ranges(&[], 8), vec![]);
        assert_eq!(ranges(&[3], 8), vec![(3, 3)]);
        assert_eq!(ranges(&[0, 1, 2, 5, 9], 2), vec![(0, 2), (5, 9)]);
        assert_eq!(
            ranges(&[0, 1, 2, 3], 8),
            vec![(0, 0), (1, 1), (2, 2), (3, 3)]
        );
        let numbers: Vec<u64> = (0..977).collect();
        let split = ranges(&numbers, 8);
        assert_eq!(split.len(), 8);
        assert_eq!((split[0].0, split[7].1), (0, 976));
    }

    #[test]
    fn chunks_hold_consecutive_id_ranges() {
        assert_eq!(chunk_of(0), 0);
        assert_eq!(chunk_of(IDS_PER_CHUNK - 1), 0);
        assert_eq!(chunk_of(IDS_PER_CHUNK), 1);
        let chunks = SearchIndex::chunks_of(&books());
        assert_eq!(chunks.keys().copied().collect::<Vec<_>>(), vec![0, 1]);
    }

    #[test]
    fn books_are_grouped_by_chunk_in_their_order() {
        let books = books();
        let grouped = by_chunk(books.iter().rev());
        for (chunk, books) in &grouped {
            assert!(books.iter().all(|book| chunk_of(book.id) == *chunk));
            assert!(books.windows(2).all(|pair| pair[0].id > pair[1].id));
        }
        assert_eq!(grouped.values().map(Vec::len).sum::<usize>(), books.len());
        let mut lines = BTreeMap::new();
        add_lines(&mut lines, &books[..1]);
        add_lines(&mut lines, &books[1..]);
        assert_eq!(lines, SearchIndex::chunks_of(&books));
    }

    fn reader_books() -> Vec<Book> {
        use crate::book::{Date, Format, Loan, Reading, Series, SeriesNumber, Stars, Status};
        let day = |y, m, d| Date::new(y, m, d).unwrap();
        let series = |name: &str, number: &str| {
            Some(Series {
                name: name.into(),
                number: SeriesNumber::parse(number).unwrap(),
            })
        };
        let lent = Loan {
            borrower: "Zoë Brun".into(),
            lent_on: day(2026, 11, 1),
            due: day(2026, 11, 15),
            returned: None,
        };
        vec![
            NewBook {
                status: Some(Status::Read),
                rating: Stars::from_quarters(17),
                readings: vec![Reading::finished_on(day(2025, 3, 1))],
                tags: vec!["Sci-Fi".into(), "owned".into()],
                series: series("Iron Widow", "1"),
                pages: Some(394),
                format: Some(Format::Hardcover),
                location: "Study, shelf 3".into(),
                loans: vec![lent.clone()],
                ..NewBook::new("Iron Widow", "Xiran Jay Zhao", "Fantasy")
            }
            .with_id(1),
            NewBook {
                status: Some(Status::WantToRead),
                tags: vec!["sci-fi".into()],
                series: series("Iron Widow", "2.5"),
                pages: Some(50),
                format: Some(Format::Ebook),
                ..NewBook::new("A Novella", "Xiran Jay Zhao", "Fantasy")
            }
            .with_id(2),
            NewBook {
                status: Some(Status::Read),
                rating: Stars::from_whole(3),
                readings: vec![Reading::finished_on(day(2024, 1, 9))],
                series: series("Iron Widow", "2"),
                format: Some(Format::Hardcover),
                loans: vec![lent.returned_on(day(2026, 11, 10))],
                ..NewBook::new("Heavenly Tyrant", "Xiran Jay Zhao", "")
            }
            .with_id(3),
            NewBook::new("Plain", "Nobody", "").with_id(4),
        ]
    }

    #[test]
    fn tags_series_location_and_borrowers_are_searched() {
        let index = SearchIndex::from_chunks(SearchIndex::chunks_of(&reader_books()));
        let by_id = sort(SortField::Id, Direction::Ascending);
        let found = |text| index.matching(&Filter::new(text, None), by_id);
        assert_eq!(found("SCI-FI"), vec![1, 2]);
        assert_eq!(found("iron widow"), vec![1, 2, 3]);
        assert_eq!(found("shelf 3"), vec![1]);
        assert_eq!(found("zoe"), vec![1], "a returned loan's borrower is not");
        assert!(
            found("hardcover").is_empty(),
            "the format is a filter, not text"
        );
    }

    #[test]
    fn filters_combine_and_each_narrows() {
        use crate::book::{Format, Status};
        let index = SearchIndex::from_chunks(SearchIndex::chunks_of(&reader_books()));
        let by_id = sort(SortField::Id, Direction::Ascending);
        let found = |filter: Filter| index.matching(&filter, by_id);
        let read = Filter {
            status: Some(Status::Read),
            ..Filter::default()
        };
        assert_eq!(found(read.clone()), vec![1, 3]);
        let hardcover = Filter {
            format: Some(Format::Hardcover),
            ..read.clone()
        };
        assert_eq!(found(hardcover.clone()), vec![1, 3]);
        let tagged = Filter {
            tag: Some("sci-fi".into()),
            ..hardcover.clone()
        };
        assert_eq!(found(tagged), vec![1]);
        let on_loan = Filter {
            on_loan: true,
            ..Filter::default()
        };
        assert_eq!(found(on_loan), vec![1]);
        let series = Filter {
            series: Some("iron widow".into()),
            text: "novella".into(),
            ..Filter::default()
        };
        assert_eq!(found(series), vec![2]);
        let nothing = Filter {
            status: Some(Status::DidNotFinish),
            ..Filter::default()
        };
        assert!(found(nothing).is_empty());
    }

    #[test]
    fn the_new_columns_sort_with_nothing_first_and_series_by_number() {
        let index = SearchIndex::from_chunks(SearchIndex::chunks_of(&reader_books()));
        let order = |field| index.matching(&Filter::default(), sort(field, Direction::Ascending));
        assert_eq!(order(SortField::Series), vec![4, 1, 3, 2], "1, 2, 2.5");
        assert_eq!(order(SortField::Rating), vec![2, 4, 3, 1]);
        assert_eq!(order(SortField::Pages), vec![3, 4, 2, 1]);
        assert_eq!(order(SortField::Read), vec![2, 4, 3, 1]);
        assert_eq!(order(SortField::Status), vec![4, 2, 1, 3]);
        let descending = index.matching(
            &Filter::default(),
            sort(SortField::Pages, Direction::Descending),
        );
        assert_eq!(descending, vec![1, 2, 4, 3]);
    }

    #[test]
    fn tags_and_series_are_listed_once_as_first_written() {
        let index = SearchIndex::from_chunks(SearchIndex::chunks_of(&reader_books()));
        assert_eq!(
            index.tags(),
            [
                ("owned".to_owned(), "owned".to_owned()),
                ("sci-fi".to_owned(), "Sci-Fi".to_owned())
            ]
        );
        assert_eq!(
            index.series(),
            [("iron widow".to_owned(), "Iron Widow".to_owned())]
        );
    }
}
