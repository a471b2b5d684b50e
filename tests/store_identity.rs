//! Every book's identity in real IndexedDB: a uid given once and kept, ids never given to another
//! book (not by the key generator, not by an import), the upgrade that gives old records uids,
//! old records without a title or author kept, and a book's rank in each sort order.
#![cfg(target_arch = "wasm32")]

use std::collections::HashSet;

use bookshelf::book::{Book, BookPatch, NewBook};
use bookshelf::lookup::Probe;
use bookshelf::query::{Direction, Sort, SortField};
use bookshelf::store::record::{MISSING_AUTHOR, MISSING_TITLE};
use bookshelf::store::{BookRepository, StoreError};
use bookshelf::transfer::{read_all, DuplicateReason, ImportPlan};
use wasm_bindgen_test::*;

mod common;
use common::old_versions::version_one;
use common::{all, fresh, fresh_with};

wasm_bindgen_test_configure!(run_in_browser);

/// Plans and writes an import of `file` as the Import control does.
async fn import(repository: &BookRepository, file: &str, anyway: bool) -> (ImportPlan, Vec<Book>) {
    let report = read_all(file).unwrap();
    let existing = repository.existing(&Probe::of(&report)).await.unwrap();
    let plan = ImportPlan::new(report, &existing);
    let (with_ids, new) = plan.clone().into_batch(anyway, &existing);
    let stored = repository
        .write_many_with_progress(with_ids, new, |_, _| {})
        .await
        .unwrap();
    (plan, stored)
}

#[wasm_bindgen_test]
async fn every_book_gets_a_uid_of_its_own_that_edits_and_undo_keep() {
    let dune = NewBook::new("Dune", "Frank Herbert", "");
    let (repository, one) = fresh_with("identity_uids", dune).await;
    let many = repository
        .create_many(
            (0..50)
                .map(|i| NewBook::new(format!("Book {i}"), "A", ""))
                .collect(),
        )
        .await
        .unwrap();
    let uids: HashSet<String> = many.iter().chain([&one]).map(|b| b.uid.clone()).collect();
    assert_eq!(uids.len(), 51, "51 distinct uids");
    assert!(uids.iter().all(|uid| uid.len() == 36), "{uids:?}");
    assert_eq!(repository.get(one.id).await.unwrap().unwrap().uid, one.uid);

    let patch = BookPatch {
        title: Some("Dune Messiah".into()),
        ..BookPatch::default()
    };
    let edited = repository.update(one.id, patch).await.unwrap();
    assert_eq!(edited.uid, one.uid, "an edit keeps the uid");
    let deleted = repository.delete(one.id).await.unwrap();
    let restored = repository.restore(deleted).await.unwrap();
    assert_eq!(
        (restored.id, &restored.uid),
        (one.id, &one.uid),
        "undo keeps both"
    );

    // A uid names one book. Deleted, then brought back by an import of an export (which keeps
    // its uid, under a new id), its Undo does not put it back a second time.
    let deleted = repository.delete(one.id).await.unwrap();
    let file = format!("title,author,uid\nDune Messiah,Frank Herbert,{}\n", one.uid);
    let (_, imported) = import(&repository, &file, false).await;
    assert_eq!(imported[0].uid, one.uid);
    assert_eq!(
        repository.restore(deleted).await,
        Err(StoreError::AlreadyStored(imported[0].id))
    );
    assert_eq!(repository.count().await.unwrap(), 51);
    repository.close();
}

#[wasm_bindgen_test]
async fn an_id_once_used_is_never_another_books_even_through_an_import() {
    let repository = fresh("identity_ids").await;
    let books = repository
        .create_many(vec![
            NewBook::new("Kept", "A", ""),
            NewBook::new("Deleted", "B", ""),
            NewBook::new("Last, deleted", "C", ""),
        ])
        .await
        .unwrap();
    let deleted = repository.delete(2).await.unwrap();
    repository.delete(3).await.unwrap();

    // The key generator goes on above 3.
    let next = repository
        .create(NewBook::new("Next", "D", ""))
        .await
        .unwrap();
    assert_eq!(next.id, 4);
    repository.delete(4).await.unwrap();

    // A file from elsewhere with ids 2, 3, 4 and 9: none of 2-4 comes back as a stranger.
    let (plan, stored) = import(
        &repository,
        "id,title,author\n2,Stranger Two,X\n3,Stranger Three,Y\n4,Stranger Four,Z\n9,Nine,W\n",
        false,
    )
    .await;
    assert_eq!(plan.renumbered, 3);
    let by_title = |title: &str| stored.iter().find(|b| b.title == title).unwrap().id;
    assert_eq!(by_title("Nine"), 9, "an id never used here is kept");
    for title in ["Stranger Two", "Stranger Three", "Stranger Four"] {
        assert!(by_title(title) > 9, "{title} got a new id");
    }
    // So the Undo of the first delete still puts the right book back, under its own id.
    let undone = repository.restore(deleted.clone()).await.unwrap();
    assert_eq!((undone.id, undone.title.as_str()), (2, "Deleted"));

    // Deleting everything does not reset the mark either.
    repository.clear().await.unwrap();
    let (plan, _) = import(&repository, "id,title,author\n5,Five,V\n", false).await;
    assert_eq!(plan.renumbered, 1);
    assert_eq!(books[0].id, 1);
    repository.close();
}

#[wasm_bindgen_test]
async fn an_export_restored_into_an_empty_catalogue_is_the_same_and_again_is_a_duplicate() {
    let source = fresh("identity_export").await;
    source
        .create_many(vec![
            NewBook::new("Emma", "Jane Austen", ""),
            NewBook::new("Dune", "F", ""),
        ])
        .await
        .unwrap();
    source.delete(1).await.unwrap();
    source
        .create(NewBook::new("Ulysses", "James Joyce", ""))
        .await
        .unwrap();
    let books = all(&source).await;
    source.close();
    let mut file = String::from("id,title,author,uid\n");
    for book in &books {
        file.push_str(&format!(
            "{},{},{},{}\n",
            book.id, book.title, book.author, book.uid
        ));
    }

    let target = fresh("identity_export_target").await;
    import(&target, &file, false).await;
    assert_eq!(all(&target).await, books, "the same ids, uids and fields");

    // The same file again: the same books, found by their uids even with new titles.
    let renamed = file.replace("Dune", "Dune (renamed)");
    let (plan, stored) = import(&target, &renamed, false).await;
    assert_eq!(plan.duplicates.len(), 2);
    assert!(plan
        .duplicates
        .iter()
        .all(|d| d.reason == DuplicateReason::SameBook));
    assert!(stored.is_empty());
    // Imported anyway, they are copies with uids of their own.
    let (_, copies) = import(&target, &renamed, true).await;
    assert_eq!(copies.len(), 2);
    let uids: HashSet<String> = all(&target).await.into_iter().map(|b| b.uid).collect();
    assert_eq!(uids.len(), 4);
    target.close();
}

#[wasm_bindgen_test]
async fn the_upgrade_gives_old_records_uids_and_keeps_those_without_a_title_or_author() {
    let name = "identity_upgrade_v1";
    let records = [
        r#"{"title": "Emma", "author": "Jane Austen", "genre": ""}"#,
        r#"{"title": null, "author": "Anonymous"}"#,
        r#"{"title": "Beowulf"}"#,
        r#"{"title": 1984, "author": "George Orwell", "genre": null}"#,
    ];
    version_one(name, &records).await;

    let repository = BookRepository::open(name).await.unwrap();
    let books = all(&repository).await;
    let fields: Vec<(&str, &str)> = books
        .iter()
        .map(|b| (b.title.as_str(), b.author.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("Emma", "Jane Austen"),
            (MISSING_TITLE, "Anonymous"),
            ("Beowulf", MISSING_AUTHOR),
            ("1984", "George Orwell"),
        ]
    );
    let uids: HashSet<&str> = books.iter().map(|b| b.uid.as_str()).collect();
    assert_eq!(uids.len(), 4, "a uid each");
    assert!(!uids.contains(""));
    // Marked, the person can fix them like any other book.
    let patch = BookPatch {
        title: Some("Untitled poems".into()),
        ..BookPatch::default()
    };
    assert_eq!(
        repository.update(2, patch).await.unwrap().title,
        "Untitled poems"
    );
    repository.close();
}

#[wasm_bindgen_test]
async fn a_books_rank_is_its_row_in_every_order() {
    let repository = fresh("identity_rank").await;
    let books = repository
        .create_many(
            ["delta", "Alpha", "charlie", "Bravo", "echo"]
                .into_iter()
                .map(|title| NewBook::new(title, title.to_uppercase(), ""))
                .collect(),
        )
        .await
        .unwrap();
    for field in [SortField::Id, SortField::Title, SortField::Author] {
        for direction in [Direction::Ascending, Direction::Descending] {
            let sort = Sort { field, direction };
            let mut sorted = books.clone();
            sorted.sort_by_key(|book| sort.key_of(book));
            if direction == Direction::Descending {
                sorted.reverse();
            }
            for (row, book) in sorted.iter().enumerate() {
                assert_eq!(
                    repository.rank(sort, book).await.unwrap(),
                    row as u64,
                    "{} in {sort:?}",
                    book.title
                );
            }
        }
    }
    repository.close();
}
