//! Upgrades of real old databases: each built exactly as version 1, 2, 3 or 4 wrote it
//! (`common/old_versions.rs`, frozen, no code of today's), then opened with today's
//! `BookRepository`. Every record is kept with its id and fields and gets a uid; the indexes
//! sort it and the search finds it, in the same order; new books never take an old id.
#![cfg(target_arch = "wasm32")]

use bookshelf::book::{BookPatch, LoanChange, NewBook, Stars, Status};
use bookshelf::lookup::Probe;
use bookshelf::query::{Filter, Sort, SortField};
use bookshelf::store::schema::{self, BOOKS, BY_ISBN, META};
use bookshelf::store::BookRepository;
use rexie::TransactionMode;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::old_versions::{self, VERSION_2_RECORDS, VERSION_3_RECORDS, VERSION_4_RECORDS};
use common::{all, assert_kept, assert_search_agrees_with_the_index, kept_and_counted, titles_in};

/// The ids of the books whose title, author or genre holds `text`, in id order.
async fn found(repository: &BookRepository, text: &str) -> Vec<u64> {
    repository
        .matching(&Filter::new(text, None), Sort::default())
        .await
        .unwrap()
}

/// Which stored book has this ISBN, by the ISBN index.
async fn owner_of_isbn(repository: &BookRepository, isbn: &str) -> Option<u64> {
    let probe = Probe {
        isbns: vec![isbn.to_owned()],
        ..Probe::default()
    };
    let existing = repository.existing(&probe).await.unwrap();
    existing.isbns.get(isbn).copied()
}

/// The structure and data version of `name` after the upgrade: the ISBN and uid indexes exist and
/// `data_version` is this build's.
async fn assert_upgraded_in_full(name: &str) {
    let database = schema::builder(name, schema::VERSION)
        .build()
        .await
        .unwrap();
    let transaction = database
        .transaction(&[BOOKS, META], TransactionMode::ReadOnly)
        .unwrap();
    let indexes = transaction.store(BOOKS).unwrap().index_names();
    for index in [BY_ISBN, schema::BY_UID] {
        assert!(
            indexes.contains(&index.to_owned()),
            "{index} in {indexes:?}"
        );
    }
    let version = transaction
        .store(META)
        .unwrap()
        .get(JsValue::from_str("data_version"))
        .await
        .unwrap();
    assert_eq!(
        version.and_then(|v| v.as_f64()),
        Some(f64::from(schema::VERSION))
    );
    drop(transaction);
    database.close();
    // Version 7 counted the books once; every write keeps the number from then on.
    let (kept, counted) = kept_and_counted(name).await;
    assert_eq!(kept, Some(counted), "the number of books kept");
}

/// Opens the old database `name` with today's repository and checks that it kept `records` (as
/// [`assert_kept`] reads them) and that its search agrees with its indexes; returns the
/// repository and the titles in every sort.
async fn open_kept(name: &str, records: &str) -> (BookRepository, Vec<(Sort, Vec<String>)>) {
    let repository = BookRepository::open(name).await.unwrap();
    assert_kept(&all(&repository).await, records);
    let orders = assert_search_agrees_with_the_index(&repository).await;
    (repository, orders)
}

/// A new book gets `id` (the key generator goes on after every old id); then the repository
/// closes and the upgrade is checked in full.
async fn assert_next_id_then_upgraded_in_full(repository: BookRepository, name: &str, id: u64) {
    let new = NewBook::new("New", "Someone", "");
    assert_eq!(repository.create(new).await.unwrap().id, id);
    repository.close();
    assert_upgraded_in_full(name).await;
}

#[wasm_bindgen_test]
async fn an_upgrade_from_version_one_keeps_every_record() {
    // The promise: the schema upgrades in place from every older version, keeping every record.
    let name = "upgrade_v1";
    let records = [
        r#"{"title": "Émile", "author": "Zola", "genre": ""}"#,
        r#"{"title": "apple", "author": "Bee", "genre": "Fantasy"}"#,
        r#"{"title": "Zebra", "author": "Émile Ajar", "genre": "fantasy"}"#,
        r#"{"title": "📚 Atlas", "author": "Ａｎｏｎ", "genre": "Reference"}"#,
    ];
    old_versions::version_one(name, &records).await;

    // Version 1 records hold no id: the key generator's are theirs.
    let with_ids = r#"[
        {"id": 1, "title": "Émile", "author": "Zola", "genre": ""},
        {"id": 2, "title": "apple", "author": "Bee", "genre": "Fantasy"},
        {"id": 3, "title": "Zebra", "author": "Émile Ajar", "genre": "fantasy"},
        {"id": 4, "title": "📚 Atlas", "author": "Ａｎｏｎ", "genre": "Reference"}
    ]"#;
    // The upgrade made sort keys and search lines: case and accents ignored, the emoji after
    // letters, and the search in the same order as the indexes.
    let (repository, orders) = open_kept(name, with_ids).await;
    assert_eq!(
        titles_in(&orders, SortField::Title),
        ["apple", "Émile", "Zebra", "📚 Atlas"]
    );
    assert_eq!(
        titles_in(&orders, SortField::Author),
        ["apple", "Zebra", "Émile", "📚 Atlas"]
    );
    assert_eq!(found(&repository, "EMILE").await, vec![1, 3]);
    assert_next_id_then_upgraded_in_full(repository, name, 5).await;
}

#[wasm_bindgen_test]
async fn an_upgrade_from_version_two_keeps_every_record() {
    let name = "upgrade_v2";
    old_versions::version_two(name).await;

    // Version 2's own sort keys and search chunks (the second chunk too) serve as they are.
    let (repository, orders) = open_kept(name, VERSION_2_RECORDS).await;
    assert_eq!(
        titles_in(&orders, SortField::Title),
        ["apple", "Émile", "Zebra", "📚 Atlas", "Ｚｅｔａ"]
    );
    assert_eq!(
        titles_in(&orders, SortField::Genre),
        ["Émile", "apple", "Zebra", "📚 Atlas", "Ｚｅｔａ"]
    );
    assert_eq!(found(&repository, "emile").await, vec![1, 3]);
    assert_eq!(found(&repository, "村上").await, vec![1030]);
    assert_eq!(found(&repository, "ａｎｏｎ").await, vec![5]);

    // The details version 3 added can be set on an old record, and the ISBN index finds it.
    let patch = BookPatch {
        isbn: Some(Some("0141026162".into())),
        rating: Some(Stars::from_whole(4)),
        ..Default::default()
    };
    let updated = repository.update(2, patch).await.unwrap();
    assert_eq!(
        (updated.isbn.as_deref(), updated.rating),
        (Some("9780141026169"), Stars::from_whole(4))
    );
    assert_eq!(owner_of_isbn(&repository, "9780141026169").await, Some(2));
    // The key generator goes on after the largest old id.
    assert_next_id_then_upgraded_in_full(repository, name, 1031).await;
}

#[wasm_bindgen_test]
async fn an_upgrade_from_version_three_keeps_every_record_and_its_details() {
    let name = "upgrade_v3";
    old_versions::version_three(name).await;

    let (repository, orders) = open_kept(name, VERSION_3_RECORDS).await;
    assert_eq!(
        titles_in(&orders, SortField::Title),
        ["Ångström", "Dune", "Emma", "📕 Notes"]
    );
    assert_eq!(
        titles_in(&orders, SortField::Author),
        ["Ångström", "Emma", "Dune", "📕 Notes"]
    );
    assert_eq!(found(&repository, "angstrom").await, vec![4]);
    assert_eq!(found(&repository, "ｚ writer").await, vec![7]);
    // Version 3's ISBN index, filled by version 3, finds its book.
    assert_eq!(owner_of_isbn(&repository, "9780441013593").await, Some(1));
    assert_next_id_then_upgraded_in_full(repository, name, 8).await;
}

#[wasm_bindgen_test]
async fn an_upgrade_from_version_four_gives_quarter_stars_a_status_and_the_new_sorts() {
    let name = "upgrade_v4";
    old_versions::version_four(name).await;

    // Every record kept, uids as they were; whole stars become quarter stars, shelves statuses;
    // and every new sort's index agrees with the search (assert_search_agrees_with_the_index).
    let (repository, orders) = open_kept(name, VERSION_4_RECORDS).await;
    let books = all(&repository).await;
    assert_eq!(books[0].uid, "0b9d7f2e-3c1a-4e5b-8f60-1a2b3c4d5e6f");
    assert_eq!(books[0].rating, Stars::from_quarters(20));
    assert_eq!(books[2].status, Some(Status::Reading));
    // Unrated, unsaid, unknown first; then in order.
    assert_eq!(
        titles_in(&orders, SortField::Rating),
        ["Ulysses", "Zazie", "Emma", "Dune"]
    );
    assert_eq!(
        titles_in(&orders, SortField::Status),
        ["Zazie", "Emma", "Ulysses", "Dune"]
    );
    assert_eq!(
        titles_in(&orders, SortField::Year),
        ["Ulysses", "Zazie", "Emma", "Dune"]
    );
    // The old search lines were rewritten: a tag, a series, a location and a borrower set now
    // are found, and the filters work on the upgraded book.
    let today = bookshelf::book::Date::new(2026, 12, 2).unwrap();
    let patch = BookPatch {
        tags: Some(vec!["Modernist".into()]),
        location: Some("Attic box".into()),
        loan: Some(LoanChange::Lend(
            bookshelf::book::Loan::lend("Nora Barnacle", "", today).unwrap(),
        )),
        ..Default::default()
    };
    repository.update(9, patch).await.unwrap();
    for text in ["modernist", "attic", "barnacle"] {
        assert_eq!(found(&repository, text).await, vec![9], "{text}");
    }
    let on_loan = Filter {
        on_loan: true,
        ..Filter::default()
    };
    assert_eq!(
        repository
            .matching(&on_loan, Sort::default())
            .await
            .unwrap(),
        vec![9]
    );
    assert_next_id_then_upgraded_in_full(repository, name, 1501).await;
}

/// Version 6's data (the same stores as version 7, without the number of books kept): the
/// upgrade counts the books once and queues nothing for sync again; every write then keeps it.
#[wasm_bindgen_test]
async fn an_upgrade_from_version_six_counts_the_books_and_queues_nothing_again() {
    let name = "from_six";
    let repository = common::fresh(name).await;
    repository
        .create_many(vec![
            NewBook::new("Emma", "Jane Austen", "Classics"),
            NewBook::new("Persuasion", "Jane Austen", "Classics"),
            NewBook::new("Middlemarch", "George Eliot", "Classics"),
        ])
        .await
        .unwrap();
    repository.close();
    // As version 6 left it: data version 6, no number kept.
    let queued = queued_changes(name).await;
    {
        let database = schema::builder(name, schema::VERSION)
            .build()
            .await
            .unwrap();
        let transaction = database
            .transaction(&[META], TransactionMode::ReadWrite)
            .unwrap();
        let meta = transaction.store(META).unwrap();
        meta.put(&JsValue::from(6), Some(&JsValue::from_str("data_version")))
            .await
            .unwrap();
        meta.delete(JsValue::from_str("count")).await.unwrap();
        transaction.done().await.unwrap();
        database.close();
    }
    assert_eq!(
        kept_and_counted(name).await,
        (None, 3),
        "as version 6 left it"
    );
    let reopened = BookRepository::open(name).await.unwrap();
    assert_eq!(reopened.count().await.unwrap(), 3);
    reopened
        .create(NewBook::new("Adam Bede", "George Eliot", "Classics"))
        .await
        .unwrap();
    reopened.close();
    assert_eq!(
        kept_and_counted(name).await,
        (Some(4), 4),
        "counted, then kept"
    );
    assert_eq!(
        queued_changes(name).await,
        queued + 1,
        "only the new book's change queued"
    );
}

/// How many local changes `name` has queued for sync.
async fn queued_changes(name: &str) -> u32 {
    let database = schema::builder(name, schema::VERSION)
        .build()
        .await
        .unwrap();
    let transaction = database
        .transaction(&[schema::CHANGES], TransactionMode::ReadOnly)
        .unwrap();
    let queued = transaction
        .store(schema::CHANGES)
        .unwrap()
        .count(None)
        .await
        .unwrap();
    transaction.done().await.unwrap();
    database.close();
    queued
}
