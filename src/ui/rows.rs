//! What the virtual table lists: the result of the current sort and search, and the blocks of
//! rows already read for it.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::book::{Book, BookId};
use crate::query::Sort;
use crate::viewport::BLOCK_ROWS;

/// Which books the table lists.
#[derive(Clone)]
pub(super) enum Rows {
    /// Every book, read from the index of the sort.
    All,
    /// The ids a search found, already in sort order.
    Matches(Arc<Vec<BookId>>),
}

/// One answer to "what does the table show": computed again after every change.
#[derive(Clone)]
pub(super) struct ResultSet {
    /// Which answer this is; blocks read for an older one are stale.
    pub(super) generation: u64,
    /// Which question (sort and search) it answers: answers to one question share it, and only
    /// their rows may stand in for each other while fresh ones are read.
    pub(super) question: u64,
    /// The catalogue's change count this result was read at.
    pub(super) changes: u64,
    /// The order of the rows.
    pub(super) sort: Sort,
    /// Which books are listed.
    pub(super) rows: Rows,
    /// How many books are stored, once counted at this result's change (counting a large store
    /// takes a while, and the first rows do not wait for it).
    pub(super) total: Option<u64>,
    /// The latest count, even from before this result's change: it keeps the scroll area's
    /// height (and so the scroll position) steady while the new count comes in.
    pub(super) estimate: Option<u64>,
}

impl ResultSet {
    /// How many rows the result has, or a first guess until the count is in: the rows of the
    /// first block when it is short, else a block.
    pub(super) fn len(&self, first_block: Option<usize>) -> u64 {
        match (&self.rows, self.total) {
            (Rows::Matches(ids), _) => ids.len() as u64,
            (Rows::All, Some(total)) => total,
            (Rows::All, None) => self
                .estimate
                .or(first_block.map(|rows| rows as u64))
                .unwrap_or(BLOCK_ROWS),
        }
    }
}

/// A block of rows, marked with the result it was read for.
pub(super) struct Block {
    /// The result's generation.
    pub(super) generation: u64,
    /// The question that result answers.
    pub(super) question: u64,
    /// Its books, in the result's order.
    pub(super) books: Vec<Book>,
}

/// Blocks of rows already read. Rows of an older answer to the same question are shown until the
/// fresh ones arrive, so that a change to the books never blanks the table; rows of another
/// question (a new search or sort) never are, since they would stand under the wrong count.
#[derive(Default)]
pub(super) struct BlockCache {
    /// Block number to the block last read there.
    pub(super) blocks: HashMap<u64, Block>,
    /// (generation, block) pairs being read now.
    pub(super) in_flight: HashSet<(u64, u64)>,
}

impl BlockCache {
    /// The book at a row, from the block that holds it if that was read for this question
    /// (fresh or stale).
    pub(super) fn book_at(&self, row: u64, question: u64) -> Option<Book> {
        let block = self.blocks.get(&(row / BLOCK_ROWS))?;
        if block.question != question {
            return None;
        }
        block.books.get((row % BLOCK_ROWS) as usize).cloned()
    }

    /// The block, if it was read for this generation.
    pub(super) fn fresh(&self, block: u64, generation: u64) -> Option<&[Book]> {
        self.blocks
            .get(&block)
            .filter(|read| read.generation == generation)
            .map(|read| read.books.as_slice())
    }
}
