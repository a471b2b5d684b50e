//! Sorting, paging and searching the repository at size, checked against the same done in Rust.
#![cfg(target_arch = "wasm32")]

use bookshelf::book::{Book, BookPatch, NewBook};
use bookshelf::query::{fold, Direction, Filter, PageStart, Sort, SortField};
use bookshelf::store::BookRepository;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::fresh;

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

fn all_sorts() -> Vec<Sort> {
    let mut sorts = Vec::new();
    for field in [
        SortField::Id,
        SortField::Title,
        SortField::Author,
        SortField::Genre,
    ] {
        for direction in [Direction::Ascending, Direction::Descending] {
            sorts.push(Sort { field, direction });
        }
    }
    sorts
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
    let repository = fresh(name).await;
    let hobbit = repository
        .create(NewBook::new("The Hobbit", "Tolkien", "Fantasy"))
        .await
        .unwrap();
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
