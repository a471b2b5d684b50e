//! The virtual table's reading policy, in plain Rust: what the table lists (a [`ResultSet`]),
//! which blocks of rows to read for the rows on screen and how (by key right after the block
//! before, or a jump from the nearer end), and which rows to draw while reads are under way.
//! The component only runs the reads this asks for and draws what it answers.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use crate::book::{Book, BookId};
use crate::query::{count_label, result_label, Filter, PageStart, Sort};
use crate::viewport::BLOCK_ROWS;

/// Which books the table lists.
#[derive(Debug, Clone, PartialEq)]
pub enum Rows {
    /// Every book, read from the index of the sort.
    All,
    /// The ids a search found, already in sort order.
    Matches(Arc<Vec<BookId>>),
}

/// One answer to "what does the table show": computed again after every change.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultSet {
    /// Which answer this is; blocks read for an older one are stale.
    pub generation: u64,
    /// Which question (sort and search) it answers: answers to one question share it, and only
    /// their rows may stand in for each other while fresh ones are read.
    pub question: u64,
    /// The catalogue's change count this result was read at.
    pub changes: u64,
    /// The order of the rows.
    pub sort: Sort,
    /// Which books are listed.
    pub rows: Rows,
    /// How many books are stored, once counted at this result's change (counting a large store
    /// takes a while, and the first rows do not wait for it).
    pub total: Option<u64>,
    /// The latest count, even from before this result's change: it keeps the scroll area's
    /// height (and so the scroll position) steady while the new count comes in.
    pub estimate: Option<u64>,
    /// True while the search is still under way (its index still arriving): the rows are the
    /// matches found so far, in order among themselves, and more may come.
    pub searching: bool,
}

impl ResultSet {
    /// The words above the table: "Counting…", "12 books", "3 of 12 books", "3 books found",
    /// and while a search is under way "Searching… 3 books found so far".
    pub fn count_text(&self) -> String {
        match (&self.rows, self.total) {
            (Rows::Matches(ids), _) if self.searching => {
                format!("Searching… {} found so far", count_label(ids.len() as u64))
            }
            (Rows::All, None) => "Counting…".to_owned(),
            (Rows::All, Some(total)) => result_label(total, total, false),
            (Rows::Matches(ids), Some(total)) => result_label(ids.len() as u64, total, true),
            (Rows::Matches(ids), None) => format!("{} found", count_label(ids.len() as u64)),
        }
    }

    /// Whether a search found nothing (no rows to read at all).
    pub fn found_nothing(&self) -> bool {
        matches!(&self.rows, Rows::Matches(ids) if ids.is_empty())
    }
}

/// How one block is read from the repository.
#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    /// A page of the sort's index: where it starts and how many rows.
    Page {
        /// The order read in.
        sort: Sort,
        /// Where the page starts.
        start: PageStart,
        /// The most rows.
        limit: u32,
    },
    /// These books, by id (a slice of a search's result).
    Ids(Vec<BookId>),
}

/// A read the table asked for: which block of which answer, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockRead {
    /// The block's number (rows `block * BLOCK_ROWS..`).
    pub block: u64,
    /// The answer it is read for.
    pub generation: u64,
    /// The question that answer answers.
    pub question: u64,
    /// How to read it.
    pub read: Read,
}

/// A block of rows, marked with the answer it was read for.
#[derive(Debug)]
struct Block {
    generation: u64,
    question: u64,
    books: Vec<Book>,
}

/// What the table holds between reads: the answers' and questions' numbers and the blocks
/// already read. Rows of an older answer to the same question are shown until the fresh ones
/// arrive, so that a change to the books never blanks the table; rows of another question (a new
/// search or sort) never are, since they would stand under the wrong count.
#[derive(Debug, Default)]
pub struct Blocks {
    generation: u64,
    question: u64,
    asked: Option<(Sort, Filter)>,
    blocks: HashMap<u64, Block>,
    /// (generation, block) pairs being read now.
    in_flight: HashSet<(u64, u64)>,
}

impl Blocks {
    /// Numbers a new answer to `sort` and `filter`: (generation, question). A new sort or search
    /// is a new question; a change to the books asks the same one again.
    pub fn ask(&mut self, sort: Sort, filter: &Filter) -> (u64, u64) {
        self.generation += 1;
        let same = self
            .asked
            .as_ref()
            .is_some_and(|(last_sort, last_filter)| *last_sort == sort && last_filter == filter);
        if !same {
            self.question += 1;
            self.asked = Some((sort, filter.clone()));
        }
        (self.generation, self.question)
    }

    /// How many rows the result has, or a first guess until the count is in: the latest count,
    /// else the rows of the first block when it is short, else a block.
    pub fn len(&self, set: &ResultSet) -> u64 {
        match (&set.rows, set.total) {
            (Rows::Matches(ids), _) => ids.len() as u64,
            (Rows::All, Some(total)) => total,
            (Rows::All, None) => {
                set.estimate
                    .unwrap_or_else(|| match self.fresh(0, set.generation) {
                        Some(books) if (books.len() as u64) < BLOCK_ROWS => books.len() as u64,
                        _ => BLOCK_ROWS,
                    })
            }
        }
    }

    /// The reads to start so that `rows` of `set` are at hand: every block among them not read
    /// for this answer and not being read. Each is marked as being read until [`Blocks::arrived`]
    /// or [`Blocks::failed`].
    pub fn reads(&mut self, set: &ResultSet, rows: Range<u64>) -> Vec<BlockRead> {
        let len = self.len(set);
        let rows = rows.start..rows.end.min(len);
        let mut reads = Vec::new();
        for block in crate::viewport::blocks(&rows) {
            let key = (set.generation, block);
            if self.fresh(block, set.generation).is_some() || self.in_flight.contains(&key) {
                continue;
            }
            self.in_flight.insert(key);
            reads.push(BlockRead {
                block,
                generation: set.generation,
                question: set.question,
                read: self.how_to_read(set, block),
            });
        }
        reads
    }

    /// How to read `block`: right after the block before, by key, when it is at hand (as fast
    /// anywhere as at the top); else a jump, from the nearer end when the count says where that
    /// is. A page counted from the end ends where the block does: the last block may be short.
    fn how_to_read(&self, set: &ResultSet, block: u64) -> Read {
        let first_row = block * BLOCK_ROWS;
        if let Rows::Matches(ids) = &set.rows {
            let from = (first_row as usize).min(ids.len());
            let to = (from + BLOCK_ROWS as usize).min(ids.len());
            return Read::Ids(ids[from..to].to_vec());
        }
        let before = block
            .checked_sub(1)
            .and_then(|before| self.fresh(before, set.generation))
            .filter(|books| books.len() as u64 == BLOCK_ROWS)
            .and_then(|books| books.last());
        let (start, limit) = match (before, set.total) {
            (Some(last), _) => (PageStart::After(set.sort.key_of(last)), BLOCK_ROWS),
            (None, Some(total)) if first_row > total / 2 => (
                PageStart::FromEnd(total.saturating_sub(first_row + BLOCK_ROWS)),
                total.saturating_sub(first_row).min(BLOCK_ROWS),
            ),
            (None, _) => (PageStart::Position(first_row), BLOCK_ROWS),
        };
        Read::Page {
            sort: set.sort,
            start,
            limit: limit.max(1) as u32,
        }
    }

    /// A read came back with its books: kept, unless a newer answer's read of that block is in.
    pub fn arrived(&mut self, read: BlockRead, books: Vec<Book>) {
        self.in_flight.remove(&(read.generation, read.block));
        let newer = self
            .blocks
            .get(&read.block)
            .is_some_and(|block| block.generation > read.generation);
        if !newer {
            let block = Block {
                generation: read.generation,
                question: read.question,
                books,
            };
            self.blocks.insert(read.block, block);
        }
    }

    /// A read failed: it may be asked for again.
    pub fn failed(&mut self, read: &BlockRead) {
        self.in_flight.remove(&(read.generation, read.block));
    }

    /// The rows to draw for `range` of `set`: each row's book from the block that holds it if
    /// that was read for this question (fresh or stale), else `None` (shown as loading).
    pub fn rows(&self, set: &ResultSet, range: Range<u64>) -> Vec<(u64, Option<Book>)> {
        range
            .map(|row| (row, self.book_at(row, set.question)))
            .collect()
    }

    fn book_at(&self, row: u64, question: u64) -> Option<Book> {
        let block = self.blocks.get(&(row / BLOCK_ROWS))?;
        if block.question != question {
            return None;
        }
        block.books.get((row % BLOCK_ROWS) as usize).cloned()
    }

    /// The block, if it was read for this generation.
    fn fresh(&self, block: u64, generation: u64) -> Option<&[Book]> {
        self.blocks
            .get(&block)
            .filter(|read| read.generation == generation)
            .map(|read| read.books.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::{Direction, SortField};

    fn book(id: BookId) -> Book {
        crate::book::NewBook::new(format!("Title {id:05}"), "Author", "").with_id(id)
    }

    fn books(ids: Range<u64>) -> Vec<Book> {
        ids.map(book).collect()
    }

    fn by_title() -> Sort {
        Sort {
            field: SortField::Title,
            direction: Direction::Ascending,
        }
    }

    fn all(blocks: &mut Blocks, total: Option<u64>) -> ResultSet {
        let (generation, question) = blocks.ask(by_title(), &Filter::default());
        ResultSet {
            generation,
            question,
            changes: 0,
            sort: by_title(),
            rows: Rows::All,
            total,
            estimate: total,
            searching: false,
        }
    }

    fn page(read: &BlockRead) -> (PageStart, u32) {
        match &read.read {
            Read::Page { start, limit, .. } => (start.clone(), *limit),
            Read::Ids(_) => panic!("a page was expected: {read:?}"),
        }
    }

    #[test]
    fn the_next_block_is_read_by_key_after_the_block_before() {
        let mut blocks = Blocks::default();
        let set = all(&mut blocks, Some(1_000));
        let first = blocks.reads(&set, 0..60);
        assert_eq!(first.len(), 2, "{first:?}");
        assert_eq!(page(&first[0]), (PageStart::Position(0), 50));
        assert_eq!(page(&first[1]), (PageStart::Position(50), 50));
        // Both are being read: asking again starts nothing.
        assert!(blocks.reads(&set, 0..60).is_empty());
        let [zero, one] = <[BlockRead; 2]>::try_from(first).unwrap();
        blocks.arrived(zero, books(1..51));
        blocks.arrived(one, books(51..101));
        let next = blocks.reads(&set, 90..120);
        assert_eq!(next.len(), 1);
        let last = book(100);
        assert_eq!(
            page(&next[0]),
            (PageStart::After(by_title().key_of(&last)), 50)
        );
    }

    #[test]
    fn a_jump_past_the_middle_reads_from_the_end_and_the_last_block_may_be_short() {
        let mut blocks = Blocks::default();
        let set = all(&mut blocks, Some(1_020));
        let reads = blocks.reads(&set, 990..1_020);
        let blocks_read: Vec<u64> = reads.iter().map(|read| read.block).collect();
        assert_eq!(blocks_read, [19, 20]);
        // Block 19 is rows 950..1000: the page ends 20 rows before the end.
        assert_eq!(page(&reads[0]), (PageStart::FromEnd(20), 50));
        // Block 20 is rows 1000..1020: 20 rows, ending at the last.
        assert_eq!(page(&reads[1]), (PageStart::FromEnd(0), 20));
        // Before the count is in, a jump counts from the start.
        let mut counting = Blocks::default();
        let set = all(&mut counting, None);
        let set = ResultSet {
            estimate: Some(1_020),
            ..set
        };
        let reads = counting.reads(&set, 990..1_020);
        assert_eq!(page(&reads[0]), (PageStart::Position(950), 50));
    }

    #[test]
    fn a_search_reads_its_ids_a_block_at_a_time() {
        let mut blocks = Blocks::default();
        let filter = Filter {
            text: "title".into(),
            ..Filter::default()
        };
        let (generation, question) = blocks.ask(by_title(), &filter);
        let ids: Vec<BookId> = (1..=70).collect();
        let set = ResultSet {
            generation,
            question,
            changes: 0,
            sort: by_title(),
            rows: Rows::Matches(Arc::new(ids)),
            total: None,
            estimate: None,
            searching: false,
        };
        assert_eq!(blocks.len(&set), 70);
        let reads = blocks.reads(&set, 0..1_000);
        assert_eq!(reads.len(), 2);
        assert_eq!(reads[1].read, Read::Ids((51..=70).collect()));
        assert_eq!(set.count_text(), "70 books found");
        let so_far = ResultSet {
            searching: true,
            total: Some(1_000),
            ..set
        };
        assert_eq!(so_far.count_text(), "Searching… 70 books found so far");
    }

    #[test]
    fn stale_rows_stand_in_only_for_the_same_question() {
        let mut blocks = Blocks::default();
        let first = all(&mut blocks, Some(100));
        let read = blocks.reads(&first, 0..10).remove(0);
        blocks.arrived(read, books(1..51));
        // The books changed: the same question, a new answer. The old rows stand in.
        let again = all(&mut blocks, Some(100));
        assert_eq!(again.question, first.question);
        assert_ne!(again.generation, first.generation);
        assert_eq!(blocks.rows(&again, 0..1), [(0, Some(book(1)))]);
        // And they are read again for the new answer.
        assert_eq!(blocks.reads(&again, 0..10).len(), 1);
        // A new search is a new question: its rows wait for their own read.
        let (_, question) = blocks.ask(
            by_title(),
            &Filter {
                text: "x".into(),
                ..Filter::default()
            },
        );
        assert_ne!(question, first.question);
        let searched = ResultSet { question, ..again };
        assert_eq!(blocks.rows(&searched, 0..1), [(0, None)]);
    }

    #[test]
    fn an_older_read_never_replaces_a_newer_one_and_a_failed_read_may_be_asked_again() {
        let mut blocks = Blocks::default();
        let old = all(&mut blocks, Some(100));
        let old_read = blocks.reads(&old, 0..10).remove(0);
        let new = all(&mut blocks, Some(100));
        let new_read = blocks.reads(&new, 0..10).remove(0);
        blocks.arrived(new_read, books(2..52));
        blocks.arrived(old_read, books(1..51));
        assert_eq!(blocks.rows(&new, 0..1), [(0, Some(book(2)))]);
        let next = all(&mut blocks, Some(100));
        let read = blocks.reads(&next, 0..10).remove(0);
        blocks.failed(&read);
        assert_eq!(blocks.reads(&next, 0..10).len(), 1);
    }

    #[test]
    fn until_the_count_is_in_a_short_first_block_gives_the_length() {
        let mut blocks = Blocks::default();
        let set = all(&mut blocks, None);
        let set = ResultSet {
            estimate: None,
            ..set
        };
        assert_eq!(blocks.len(&set), BLOCK_ROWS);
        assert_eq!(set.count_text(), "Counting…");
        let read = blocks.reads(&set, 0..10).remove(0);
        blocks.arrived(read, books(1..8));
        assert_eq!(blocks.len(&set), 7);
        // Nothing past the rows there are is read.
        assert!(blocks.reads(&set, 0..500).is_empty());
    }
}
