//! Sorting, paging and searching the repository at size, checked against the same done in Rust.
#![cfg(target_arch = "wasm32")]

use bookshelf::book::{Book, BookPatch, NewBook};
use bookshelf::query::{fold, Direction, Filter, PageStart, Sort, SortField};
use bookshelf::store::BookRepository;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{all_sorts, fresh, fresh_with};

const WORDS: [&str; 12] = [
    "Émile",
    "apple",
    "Zebra",
    "über",
    "Ångström",
    "delta",
    "Echo",
    "zulu",
    "Mañana",
    "beta",
    "Ça",
    "gamma",
];

fn generated(n: usize) -> Vec<NewBook> {
    (0..n)
        .map(|i| {
            let a = WORDS[i % WORDS.len()];
            let b = WORDS[(i * 7 + 3) % WORDS.len()];
            let c = WORDS[(i * 5 + 1) % WORDS.len()];
            NewBook::new(format!("{a} {b} {i}"), format!("{c} {a}"), b.to_string())
        })
        .collect()
}

fn sorted_in_rust(books: &[Book], sort: Sort) -> Vec<Book> {
    let mut sorted = books.to_vec();
    sorted.sort_by_key(|book| sort.key_of(book));
    if sort.direction == Direction::Descending {
        sorted.reverse();
    }
    sorted
}

#[wasm_bindgen_test]
async fn paging_ten_thousand_books_agrees_with_a_sort_in_rust() {
    let repository = fresh("query_paging").await;
    let books = repository.create_many(generated(10_000)).await.unwrap();
    assert_eq!(repository.count().await.unwrap(), 10_000);
    for sort in all_sorts() {
        let expected = sorted_in_rust(&books, sort);
        // Jumps to positions: the start, the middle, near and at the end, past the end.
        for position in [0u64, 1, 4_321, 5_000, 9_950, 9_999, 10_000] {
            let page = repository
                .page(sort, PageStart::Position(position), 50)
                .await
                .unwrap();
            let end = (position as usize + 50).min(expected.len());
            let want = &expected[(position as usize).min(end)..end];
            assert_eq!(page, want, "{sort:?} at {position}");
        }
        // Pages counted from the end: the last page, one before it, and one reaching the start.
        for from_end in [0u64, 1, 50, 4_999, 9_960, 9_999, 10_000] {
            let page = repository
                .page(sort, PageStart::FromEnd(from_end), 50)
                .await
                .unwrap();
            let end = expected.len().saturating_sub(from_end as usize);
            let want = &expected[end.saturating_sub(50)..end];
            assert_eq!(page, want, "{sort:?} {from_end} from the end");
        }
        // Walking by key from the middle gives the next pages exactly.
        let mut position = 7_000usize;
        let mut page = repository
            .page(sort, PageStart::Position(position as u64), 100)
            .await
            .unwrap();
        for _ in 0..3 {
            assert_eq!(
                page,
                &expected[position..position + 100],
                "{sort:?} walk at {position}"
            );
            let after = sort.key_of(page.last().unwrap());
            position += 100;
            page = repository
                .page(sort, PageStart::After(after), 100)
                .await
                .unwrap();
        }
    }
    repository.close();
}

#[wasm_bindgen_test]
async fn search_finds_every_substring_match_in_sort_order() {
    let repository = fresh("query_search").await;
    let books = repository.create_many(generated(3_000)).await.unwrap();
    for (text, genre) in [
        ("ANGSTR", None),
        ("mana", None),
        ("", Some("Zebra")),
        ("99", Some("beta")),
        ("nothing", None),
    ] {
        let filter = Filter::new(text, genre);
        for sort in all_sorts() {
            let expected: Vec<u64> = sorted_in_rust(&books, sort)
                .into_iter()
                .filter(|book| {
                    let haystack = [fold(&book.title), fold(&book.author), fold(&book.genre)];
                    haystack.iter().any(|field| field.contains(&filter.text))
                        && filter
                            .genre
                            .as_ref()
                            .is_none_or(|genre| &fold(&book.genre) == genre)
                })
                .map(|book| book.id)
                .collect();
            let found = repository.matching(&filter, sort).await.unwrap();
            assert_eq!(found, expected, "{text:?} {genre:?} {sort:?}");
        }
    }
    let ids = repository
        .matching(&Filter::new("mana", None), Sort::default())
        .await
        .unwrap();
    let fetched = repository.get_many(&ids[..10]).await.unwrap();
    assert_eq!(fetched.iter().map(|b| b.id).collect::<Vec<_>>(), ids[..10]);
    repository.close();
}

#[wasm_bindgen_test]
async fn the_search_index_follows_every_write_and_survives_reopening() {
    let name = "query_index_writes";
    let hobbit = NewBook::new("The Hobbit", "Tolkien", "Fantasy");
    let (repository, hobbit) = fresh_with(name, hobbit).await;
    let by_id = Sort::default();
    let find = |text: &str| Filter::new(text, None);
    assert_eq!(
        repository.matching(&find("hobb"), by_id).await.unwrap(),
        vec![hobbit.id]
    );
    let patch = BookPatch {
        title: Some("There and Back Again".into()),
        ..BookPatch::default()
    };
    repository.update(hobbit.id, patch).await.unwrap();
    assert!(repository
        .matching(&find("hobb"), by_id)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        repository.matching(&find("back ag"), by_id).await.unwrap(),
        vec![hobbit.id]
    );
    let deleted = repository.delete(hobbit.id).await.unwrap();
    assert!(repository
        .matching(&find("back"), by_id)
        .await
        .unwrap()
        .is_empty());
    repository.restore(deleted).await.unwrap();
    repository.close();

    // A fresh connection loads the index from the stored chunks.
    let reopened = BookRepository::open(name).await.unwrap();
    assert_eq!(
        reopened.matching(&find("back"), by_id).await.unwrap(),
        vec![hobbit.id]
    );
    assert_eq!(
        reopened.genres().await.unwrap(),
        vec![("fantasy".to_owned(), "Fantasy".to_owned())]
    );
    reopened.clear().await.unwrap();
    assert!(reopened
        .matching(&find(""), by_id)
        .await
        .unwrap()
        .is_empty());
    reopened.close();
}

#[wasm_bindgen_test]
async fn bulk_writes_report_progress_to_the_end() {
    let repository = fresh("query_progress").await;
    let seen = std::cell::RefCell::new(Vec::new());
    repository
        .create_many_with_progress(generated(12_000), |done, total| {
            seen.borrow_mut().push((done, total))
        })
        .await
        .unwrap();
    let seen = seen.into_inner();
    assert!(seen.len() >= 3, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    assert_eq!(seen.last(), Some(&(12_000, 12_000)));
    repository.close();
}

/// Text whose UTF-8 byte order and UTF-16 code unit order disagree: characters above U+FFFF
/// (emoji, four UTF-8 bytes from F0, two UTF-16 units from D800) against U+E000–U+FFFF
/// (fullwidth letters, the private use area, the replacement character: bytes EE–EF, units from
/// E000), beside plain, accented and CJK text, which every order agrees on.
const UNIT_ORDER_WORDS: [&str; 10] = [
    "📚 Atlas",
    "Ａｔｌａｓ",
    "😀 smile",
    "\u{E000} private",
    "ｚｅｔａ",
    "\u{FFFD} replaced",
    "𝔄 fraktur",
    "apple",
    "Émile",
    "村上",
];

#[wasm_bindgen_test]
async fn search_lists_in_the_order_of_the_index_even_where_utf8_and_utf16_disagree() {
    // The promise: a search lists its books in the order the table does without one (IndexedDB's
    // index), and a book's rank is its row there, in every sort field and direction.
    let repository = fresh("query_unit_order").await;
    let n = UNIT_ORDER_WORDS.len();
    let new_books: Vec<NewBook> = (0..3 * n)
        .map(|i| {
            let word = |step: usize| UNIT_ORDER_WORDS[(i * step + i / n) % n];
            NewBook::new(
                format!("{} shelf", word(1)),
                word(3).to_string(),
                word(7).to_string(),
            )
        })
        .collect();
    let books = repository.create_many(new_books).await.unwrap();
    let everything = Filter::new("shelf", None);
    for sort in all_sorts() {
        let by_index: Vec<u64> = repository
            .page(sort, PageStart::Position(0), books.len() as u32)
            .await
            .unwrap()
            .iter()
            .map(|book| book.id)
            .collect();
        assert_eq!(by_index.len(), books.len());
        let by_search = repository.matching(&everything, sort).await.unwrap();
        assert_eq!(by_search, by_index, "search against the index, {sort:?}");
        let in_rust: Vec<u64> = sorted_in_rust(&books, sort)
            .iter()
            .map(|book| book.id)
            .collect();
        assert_eq!(
            in_rust, by_index,
            "sort keys in Rust against the index, {sort:?}"
        );
        for book in &books {
            let row = by_index.iter().position(|&id| id == book.id).unwrap();
            assert_eq!(
                repository.rank(sort, book).await.unwrap(),
                row as u64,
                "rank of {:?}, {sort:?}",
                book.title
            );
        }
    }
    repository.close();
}

/// Every jump (a page at a position, or counted from the end) agrees with the sort done in Rust.
async fn jumps_agree(repository: &BookRepository, what: &str) {
    let books = repository
        .list(bookshelf::store::PageRequest {
            after: None,
            limit: u32::MAX,
        })
        .await
        .unwrap();
    let n = books.len() as u64;
    for sort in all_sorts() {
        let expected = sorted_in_rust(&books, sort);
        for position in [0, 1, 255, 256, 257, n / 3, n / 2, n - 51, n - 1, n] {
            let page = repository
                .page(sort, PageStart::Position(position), 50)
                .await
                .unwrap();
            let end = (position as usize + 50).min(expected.len());
            let want = &expected[(position as usize).min(end)..end];
            assert_eq!(page, want, "{what}: {sort:?} at {position}");
        }
        for from_end in [0, 1, 300, n / 2, n - 10, n] {
            let page = repository
                .page(sort, PageStart::FromEnd(from_end), 50)
                .await
                .unwrap();
            let end = expected.len().saturating_sub(from_end as usize);
            let want = &expected[end.saturating_sub(50)..end];
            assert_eq!(page, want, "{what}: {sort:?} {from_end} from the end");
        }
    }
}

#[wasm_bindgen_test]
async fn jumps_placed_by_the_rank_index_land_on_the_sorted_rows_after_writes_anywhere() {
    let repository = fresh("query_jumps").await;
    let books = repository.create_many(generated(3_000)).await.unwrap();
    for field in bookshelf::query::SortField::ALL {
        repository.prepare_jumps(field).await.unwrap();
    }
    jumps_agree(&repository, "made").await;
    // Writes anywhere, each small enough to be followed: retitled, deleted, added.
    for book in books.iter().step_by(29) {
        let patch = BookPatch {
            title: Some(format!("Aardvark {}", book.id)),
            ..BookPatch::default()
        };
        repository.update(book.id, patch).await.unwrap();
    }
    for book in books.iter().skip(5).step_by(17) {
        repository.delete(book.id).await.unwrap();
    }
    repository.create_many(generated(200)).await.unwrap();
    jumps_agree(&repository, "followed").await;
    // A write too large to follow drops the rank indexes; they are made again when next asked.
    repository.create_many(generated(400)).await.unwrap();
    jumps_agree(&repository, "made again").await;
    repository.close();
}

/// While the search index is not in memory (just opened), a search's first answer is the books
/// whose title or author starts with the text, read from the store's title and author indexes,
/// in the sort's order; its whole answer is every match. With the index in memory, the whole
/// answer comes at once.
#[wasm_bindgen_test]
async fn a_search_answers_first_from_the_title_and_author_indexes_then_whole() {
    let name = "first_answer";
    let repository = fresh(name).await;
    repository
        .create_many(vec![
            NewBook::new("Zymurgy", "Charlie Papazian", "Brewing"),
            NewBook::new("The Joy of Zymurgy", "Someone", "Brewing"),
            NewBook::new("Beer", "Zymer Author", "Brewing"),
            NewBook::new("Unrelated", "Nobody", "Fiction"),
        ])
        .await
        .unwrap();
    repository.close();
    let filter = Filter::new("ZYM", None);
    let by_title = Sort {
        field: SortField::Title,
        direction: Direction::Ascending,
    };
    for sort in [
        Sort::default(),
        Sort {
            direction: Direction::Descending,
            ..Sort::default()
        },
        by_title,
    ] {
        // Opened afresh: nothing of the search index in memory.
        let reopened = BookRepository::open(name).await.unwrap();
        let mut answers: Vec<Vec<u64>> = Vec::new();
        let whole = reopened
            .search(&filter, sort, || true, |ids| answers.push(ids))
            .await
            .unwrap();
        // By title: "beer", "the joy of zymurgy", "zymurgy".
        let (mut every, mut first) = match sort == by_title {
            true => (vec![3, 2, 1], vec![3, 1]),
            false => (vec![1, 2, 3], vec![1, 3]),
        };
        if sort.direction == Direction::Descending {
            every.reverse();
            first.reverse();
        }
        assert_eq!(whole, Some(every.clone()), "{sort:?}");
        assert_eq!(answers.first(), Some(&first), "{sort:?}: {answers:?}");
        let mut again = Vec::new();
        let whole = reopened
            .search(&filter, sort, || true, |ids| again.push(ids))
            .await
            .unwrap();
        assert_eq!(whole, Some(every), "{sort:?}, the index in memory");
        assert!(again.is_empty(), "{sort:?}: {again:?}");
        reopened.close();
    }
}
