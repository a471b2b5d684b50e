//! Counting the statistics over the whole store without freezing the page: a page of books at a
//! time, the page given a turn between pages, and a run given up as soon as a newer one starts.
//! The benchmark (`src/bench.rs`) times this same function.

use super::super::breather::Breather;
use crate::book::Date;
use crate::stats::Stats;
use crate::store::{BookRepository, StoreError};

/// Books read from the store at a time: decoding a page (IndexedDB's structured clone, then
/// serde) is the longest step, and 250 books keep it well under the 50 ms of a long task on a
/// slow machine (1,000 did not, under load); a million books take 4,000 round trips.
pub const PAGE_SIZE: u32 = 250;

/// Adds every book of `repository` to a fresh [`Stats`] (loans overdue before `today`).
/// `on_page(counted, total)` hears after every page how far it got, and answers whether to go
/// on: `false` (a newer run started, the page went away) ends the run with `Ok(None)`.
pub async fn count_books(
    repository: &BookRepository,
    today: Date,
    mut on_page: impl FnMut(u64, u64) -> bool,
) -> Result<Option<Stats>, StoreError> {
    let total = repository.count().await?;
    if !on_page(0, total) {
        return Ok(None);
    }
    let mut stats = Stats::new(today);
    let mut pages = repository.pages(PAGE_SIZE);
    let mut breather = Breather::new();
    while let Some(page) = pages.next_page().await? {
        for book in &page {
            stats.add(book);
        }
        drop(page);
        // Books added or deleted while counting: the total said is never below the count.
        if !on_page(stats.books(), total.max(stats.books())) {
            return Ok(None);
        }
        breather.pause().await;
    }
    Ok(Some(stats))
}
