//! The repository's side of import: bulk writes that keep ids (all or nothing, the search index
//! kept right) and duplicate lookups.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;

use bookshelf::book::{Book, NewBook, Series, SeriesNumber, Stars, Status};
use bookshelf::lookup::Probe;
use bookshelf::query::{Direction, Filter, Sort, SortField};
use bookshelf::store::{BookRepository, StoreError};
use bookshelf::transfer::{read_all, ImportPlan};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{all, fresh, fresh_with};

fn book(id: u64, title: &str, author: &str) -> Book {
    NewBook::new(title, author, "Imported").with_id(id)
}

const BY_ID: Sort = Sort {
    field: SortField::Id,
    direction: Direction::Ascending,
};

async fn found(repository: &BookRepository, text: &str) -> Vec<u64> {
    repository
        .matching(&Filter::new(text, None), BY_ID)
        .await
        .unwrap()
}

#[wasm_bindgen_test]
async fn restored_books_keep_their_ids_every_field_and_are_searchable() {
    let repository = fresh("import_restore").await;
    let detailed = NewBook {
        isbn: Some("0141026162".into()),
        year: Some(-380),
        rating: Stars::from_quarters(19),
        status: Some(Status::Reading),
        tags: vec!["Classics".into(), "philosophy".into()],
        series: Some(Series {
            name: "Dialogues".into(),
            number: SeriesNumber::parse("7.5").unwrap(),
        }),
        location: "Study, shelf 3".into(),
        note: "Book VII:\nthe cave.".into(),
        ..NewBook::new("Πολιτεία 📚", "Πλάτων", "Φιλοσοφία")
    }
    .with_id(2048);
    let books = vec![
        book(5, "Émile", "Rousseau"),
        book(1000, "שלום", "x"),
        detailed,
    ];
    let stored = repository.restore_many(books.clone()).await.unwrap();
    assert_eq!(
        stored[2].isbn.as_deref(),
        Some("9780141026169"),
        "normalized"
    );
    assert_eq!(all(&repository).await, stored);
    assert_eq!(found(&repository, "emile").await, vec![5]);
    assert_eq!(found(&repository, "πλατων").await, vec![2048]);
    // Tags, series and location are searched too.
    for text in ["classics", "dialogues", "shelf 3"] {
        assert_eq!(found(&repository, text).await, vec![2048], "{text}");
    }

    // The key generator continues above the largest restored id.
    let next = repository
        .create(NewBook::new("Next", "One", ""))
        .await
        .unwrap();
    assert_eq!(next.id, 2049);
    repository.close();

    // The chunks were written in the same transaction: a fresh connection finds the same.
    let reopened = BookRepository::open("import_restore").await.unwrap();
    assert_eq!(found(&reopened, "shalom").await, Vec::<u64>::new());
    assert_eq!(found(&reopened, "שלום").await, vec![1000]);
    assert_eq!(found(&reopened, "").await, vec![5, 1000, 2048, 2049]);
    reopened.close();
}

#[wasm_bindgen_test]
async fn a_bulk_write_with_an_id_in_use_changes_nothing() {
    let name = "import_conflict";
    let (repository, first) = fresh_with(name, NewBook::new("First", "A", "")).await;
    let with_ids = vec![book(10, "Ten", "B"), book(first.id, "Clash", "C")];
    let new = vec![NewBook::new("Fresh", "D", "")];
    let refused = repository
        .write_many_with_progress(with_ids, new, |_, _| {})
        .await;
    assert!(
        matches!(refused, Err(StoreError::Constraint { .. })),
        "{refused:?}"
    );
    assert_eq!(repository.count().await.unwrap(), 1);
    assert_eq!(all(&repository).await, vec![first.clone()]);
    assert!(found(&repository, "ten").await.is_empty());
    repository.close();
    let reopened = BookRepository::open(name).await.unwrap();
    assert_eq!(
        found(&reopened, "").await,
        vec![first.id],
        "no chunk was written"
    );
    reopened.close();
}

#[wasm_bindgen_test]
async fn a_bulk_write_with_an_invalid_book_changes_nothing() {
    let repository = fresh("import_invalid").await;
    let mut bad = book(3, "Fine", "A");
    bad.isbn = Some("9780141026160".into());
    let refused = repository
        .write_many_with_progress(
            vec![book(1, "One", "A")],
            vec![NewBook::default()],
            |_, _| {},
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::InvalidBook { position: 1, .. })),
        "{refused:?}"
    );
    let refused = repository.restore_many(vec![bad]).await;
    assert!(matches!(
        refused,
        Err(StoreError::InvalidBook { position: 0, .. })
    ));
    assert_eq!(repository.count().await.unwrap(), 0);
    repository.close();
}

#[wasm_bindgen_test]
async fn restored_and_new_books_go_in_one_write_with_progress() {
    let repository = fresh("import_mixed").await;
    let with_ids: Vec<Book> = (1..=6_000)
        .map(|i| book(i * 2, &format!("Kept {i}"), "K"))
        .collect();
    let new: Vec<NewBook> = (0..6_000)
        .map(|i| NewBook::new(format!("New {i}"), "N", ""))
        .collect();
    let reports = RefCell::new(Vec::new());
    let stored = repository
        .write_many_with_progress(with_ids, new, |done, total| {
            reports.borrow_mut().push((done, total))
        })
        .await
        .unwrap();
    assert_eq!(stored.len(), 12_000);
    assert_eq!(
        stored[6_000].id, 12_001,
        "new ids follow the largest kept one"
    );
    assert_eq!(stored[11_999].id, 18_000);
    let reports = reports.into_inner();
    assert!(
        reports.windows(2).all(|pair| pair[0].0 <= pair[1].0),
        "{reports:?}"
    );
    assert_eq!(reports.last(), Some(&(12_000, 12_000)));
    assert_eq!(repository.count().await.unwrap(), 12_000);
    assert_eq!(found(&repository, "kept 5999").await, vec![11_998]);
    assert_eq!(found(&repository, "new 5999").await, vec![18_000]);
    // The search index read back from IndexedDB: its 18 chunks were put eight at a time.
    repository.forget_search_index();
    assert_eq!(found(&repository, "kept 2500").await, vec![5_000]);
    assert_eq!(found(&repository, "kept 5999").await, vec![11_998]);
    assert_eq!(found(&repository, "new 4000").await, vec![16_001]);
    assert_eq!(found(&repository, "new 5999").await, vec![18_000]);
    repository.close();
}

#[wasm_bindgen_test]
async fn stored_duplicates_are_found_by_isbn_title_and_author_and_id() {
    let repository = fresh("import_existing").await;
    let dune = NewBook {
        isbn: Some("9780441172719".into()),
        ..NewBook::new("Dune", "Frank Herbert", "SF")
    };
    repository.create(dune).await.unwrap();
    repository
        .create(NewBook::new("Émile", "Rousseau", ""))
        .await
        .unwrap();
    let report = read_all(
        "id,title,author,isbn\n\
         ,Dune (another edition),F. Herbert,0-441-17271-7\n\
         ,EMILE,rousseau,\n\
         2,Taken Id,Someone,\n\
         9,Free Id,Someone,\n",
    )
    .unwrap();
    let probe = Probe::of(&report);
    let existing = repository.existing(&probe).await.unwrap();
    assert_eq!(existing.isbns.get("9780441172719"), Some(&1));
    assert_eq!(
        existing.names.get(&("emile".into(), "rousseau".into())),
        Some(&2)
    );
    assert!(existing.ids.contains(&2) && !existing.ids.contains(&9));
    let plan = ImportPlan::new(report, &existing);
    assert_eq!(plan.duplicates.len(), 2);
    assert_eq!(plan.renumbered, 1);
    let (with_ids, new) = plan.into_batch(false, &existing);
    let stored = repository
        .write_many_with_progress(with_ids, new, |_, _| {})
        .await
        .unwrap();
    let ids: Vec<u64> = stored.iter().map(|book| book.id).collect();
    assert_eq!(ids, vec![9, 10]);
    repository.close();
}
