//! The repository against real IndexedDB in headless Chromium: every operation, its failures,
//! concurrency, reopening, and other connections upgrading (upgrades of old data: `store_upgrade.rs`). Each test starts from a freshly deleted database.
#![cfg(target_arch = "wasm32")]

use bookshelf::book::{BookPatch, NewBook};
use bookshelf::store::schema;
use std::cell::RefCell;
use std::rc::Rc;

use bookshelf::store::{BookRepository, Lost, OpenOptions, PageRequest, StoreError};
use futures::future::{join_all, LocalBoxFuture};
use rexie::Rexie;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{
    assert_count, count_open_transactions, fresh, fresh_with, peak_open_transactions,
    restore_transactions,
};

fn book(title: &str) -> NewBook {
    NewBook::new(title, "An Author", "A Genre")
}

#[wasm_bindgen_test]
async fn create_get_list_update_delete_round_trip() {
    let hobbit = NewBook::new(" The Hobbit ", "J,R,R Tolkien", "Fantasy");
    let (repository, hobbit) = fresh_with("round_trip", hobbit).await;
    assert_eq!(hobbit.title, "The Hobbit", "stored trimmed");
    let orwell = repository
        .create(NewBook::new("1987", "George Orwell", "Dystopian Fiction"))
        .await
        .unwrap();
    assert_ne!(hobbit.id, orwell.id);

    assert_eq!(
        repository.get(hobbit.id).await.unwrap(),
        Some(hobbit.clone())
    );
    let all = repository
        .list(PageRequest {
            after: None,
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(all, vec![hobbit.clone(), orwell.clone()]);
    assert_eq!(repository.count().await.unwrap(), 2);

    let patch = BookPatch {
        title: Some("1984".into()),
        ..BookPatch::default()
    };
    let updated = repository.update(orwell.id, patch).await.unwrap();
    assert_eq!(updated.title, "1984");
    assert_eq!(
        updated.author, "George Orwell",
        "fields not in the patch are kept"
    );
    assert_eq!(repository.get(orwell.id).await.unwrap(), Some(updated));

    let deleted = repository.delete(hobbit.id).await.unwrap();
    assert_eq!(deleted, hobbit);
    assert_eq!(repository.get(hobbit.id).await.unwrap(), None);
    assert_eq!(repository.count().await.unwrap(), 1);
    repository.close();
}

#[wasm_bindgen_test]
async fn update_and_delete_of_a_missing_id_are_errors() {
    let repository = fresh("missing").await;
    let patch = BookPatch {
        genre: Some("x".into()),
        ..BookPatch::default()
    };
    assert_eq!(
        repository.update(404, patch).await,
        Err(StoreError::NotFound(404))
    );
    assert_eq!(repository.delete(404).await, Err(StoreError::NotFound(404)));
    assert_eq!(repository.get(404).await, Ok(None));
    repository.close();
}

#[wasm_bindgen_test]
async fn invalid_books_and_patches_write_nothing() {
    let repository = fresh("invalid").await;
    let refused = repository.create(NewBook::new("  ", "Someone", "")).await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    let kept = repository.create(book("Kept")).await.unwrap();
    let bad = BookPatch {
        author: Some("a\u{0}b".into()),
        ..BookPatch::default()
    };
    assert!(matches!(
        repository.update(kept.id, bad).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(repository.get(kept.id).await.unwrap(), Some(kept));
    assert_eq!(repository.count().await.unwrap(), 1);
    repository.close();
}

#[wasm_bindgen_test]
async fn create_many_is_all_or_nothing() {
    let repository = fresh("create_many").await;
    let mut batch: Vec<NewBook> = (0..100).map(|i| book(&format!("Book {i}"))).collect();
    batch[57].title = "\u{7}".into();
    let refused = repository.create_many(batch.clone()).await;
    assert!(
        matches!(refused, Err(StoreError::InvalidBook { position: 57, .. })),
        "{refused:?}"
    );
    assert_eq!(repository.count().await.unwrap(), 0, "nothing written");

    batch[57].title = "Book 57".into();
    let created = repository.create_many(batch).await.unwrap();
    assert_eq!(created.len(), 100);
    assert_eq!(repository.count().await.unwrap(), 100);
    for stored in [&created[0], &created[57], &created[99]] {
        assert_eq!(
            repository.get(stored.id).await.unwrap().as_ref(),
            Some(stored)
        );
    }
    repository.close();
}

#[wasm_bindgen_test]
async fn restoring_an_id_in_use_is_refused_and_changes_nothing() {
    // A refusal the store itself makes (a key that exists) aborts the transaction and says so.
    let repository = fresh("restore").await;
    let first = repository.create(book("First")).await.unwrap();
    repository.delete(first.id).await.unwrap();
    repository.restore(first.clone()).await.unwrap();
    // Another book under the same id: the store refuses the key.
    let other = bookshelf::book::Book {
        uid: String::new(),
        title: "Other".into(),
        ..first.clone()
    };
    let taken = repository.restore(other).await;
    assert!(
        matches!(taken, Err(StoreError::Constraint { .. })),
        "{taken:?}"
    );
    // The same book again: already back.
    let again = repository.restore(first.clone()).await;
    assert_eq!(again, Err(StoreError::AlreadyStored(first.id)));
    assert_eq!(repository.count().await.unwrap(), 1);
    repository.close();
}

/// The most calls a repository lets run at once in this test.
const LIMIT: usize = 50;

#[wasm_bindgen_test]
async fn a_thousand_concurrent_calls_never_have_more_than_fifty_transactions_open() {
    // The promise: callers may fire thousands of calls; at most 50 run at once. Seen from outside
    // the repository: IndexedDB's own transactions, counted in JS as they open and end.
    let name = "concurrent";
    let _ = Rexie::delete(name).await;
    let options = OpenOptions {
        max_in_flight: LIMIT,
        ..OpenOptions::default()
    };
    let repository = BookRepository::open_with(name, options).await.unwrap();
    count_open_transactions();

    let creates = (0..1000).map(|i| repository.create(book(&format!("Concurrent {i}"))));
    let created: Vec<_> = join_all(creates)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let mut ids: Vec<u64> = created.iter().map(|book| book.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1000, "1000 distinct ids");
    let (peak, _) = peak_open_transactions();
    assert!(
        peak <= LIMIT as u32,
        "{peak} transactions open at once, creating"
    );

    // Reads and edits of the first half, deletes of the second, all at once.
    let repository = &repository;
    let gets = ids[..500].iter().map(|&id| async move {
        assert!(repository.get(id).await.unwrap().is_some());
    });
    let updates = ids[..500].iter().map(|&id| async move {
        let patch = BookPatch {
            genre: Some("Edited".into()),
            ..BookPatch::default()
        };
        repository.update(id, patch).await.unwrap();
    });
    let deletes = ids[500..].iter().map(|&id| async move {
        repository.delete(id).await.unwrap();
    });
    join_all(
        gets.map(boxed)
            .chain(updates.map(boxed))
            .chain(deletes.map(boxed)),
    )
    .await;
    let (peak, _) = peak_open_transactions();
    restore_transactions();

    assert!(
        peak <= LIMIT as u32,
        "{peak} transactions open at once, reading and writing"
    );
    assert!(peak > 1, "the calls did overlap ({peak})");
    assert_eq!(repository.count().await.unwrap(), 500);
    let edited = repository.get(ids[0]).await.unwrap().unwrap();
    assert_eq!(edited.genre, "Edited");
    repository.close();
}

fn boxed<'a>(future: impl std::future::Future<Output = ()> + 'a) -> LocalBoxFuture<'a, ()> {
    Box::pin(future)
}

#[wasm_bindgen_test]
async fn pages_walk_every_book_once() {
    let repository = fresh("pages").await;
    let created = repository
        .create_many((0..250).map(|i| book(&format!("Page {i}"))).collect())
        .await
        .unwrap();
    let mut pages = repository.pages(40);
    let mut seen = Vec::new();
    let mut page_count = 0;
    while let Some(page) = pages.next_page().await.unwrap() {
        assert!(page.len() <= 40);
        page_count += 1;
        seen.extend(page);
    }
    assert_eq!(page_count, 7);
    assert_eq!(seen, created);
    repository.close();
}

/// The count is a number every write keeps in its own transaction (IndexedDB's `count()` walks
/// a million records for seconds): after every kind of write, and a failed one, it is
/// IndexedDB's own count.
#[wasm_bindgen_test]
async fn the_count_every_write_keeps_is_indexeddbs_own() {
    let name = "kept_count";
    let repository = fresh(name).await;
    assert_count(&repository, name, 0, "opening a new database").await;
    let first = repository.create(book("One")).await.unwrap();
    assert_count(&repository, name, 1, "an add").await;
    let many = repository
        .create_many((0..100).map(|i| book(&format!("Many {i}"))).collect())
        .await
        .unwrap();
    assert_count(&repository, name, 101, "adding 100").await;
    repository
        .update(
            first.id,
            BookPatch {
                title: Some("Uno".into()),
                ..BookPatch::default()
            },
        )
        .await
        .unwrap();
    assert_count(&repository, name, 101, "an edit").await;
    let gone = repository.delete(first.id).await.unwrap();
    assert_count(&repository, name, 100, "a delete").await;
    repository.restore(gone).await.unwrap();
    assert_count(&repository, name, 101, "an undo").await;
    let (a, b) = (many[0].clone(), many[1].clone());
    repository.delete(a.id).await.unwrap();
    repository.delete(b.id).await.unwrap();
    assert_count(&repository, name, 99, "two deletes").await;
    // A batch with an id in use fails whole: nothing added, nothing counted.
    let failed = repository
        .restore_many(vec![a.clone(), many[2].clone()])
        .await;
    assert!(failed.is_err(), "{failed:?}");
    assert_count(&repository, name, 99, "a failed batch").await;
    repository.restore_many(vec![a, b]).await.unwrap();
    assert_count(&repository, name, 101, "restoring two with their ids").await;
    let missing = repository.delete(first.id + 10_000).await;
    assert!(missing.is_err(), "{missing:?}");
    assert_count(&repository, name, 101, "deleting a book not there").await;
    repository.close();
    let reopened = BookRepository::open(name).await.unwrap();
    assert_count(&reopened, name, 101, "reopening").await;
    reopened.clear().await.unwrap();
    assert_count(&reopened, name, 0, "clearing").await;
    reopened.create(book("After")).await.unwrap();
    assert_count(&reopened, name, 1, "an add after clearing").await;
    reopened.close();
}

#[wasm_bindgen_test]
async fn closing_and_reopening_keeps_the_data() {
    let repository = fresh("reopen").await;
    let stored = repository.create(book("Persistent")).await.unwrap();
    repository.close();
    assert_eq!(repository.get(stored.id).await, Err(StoreError::Closed));
    let reopened = BookRepository::open("reopen").await.unwrap();
    assert_eq!(reopened.get(stored.id).await.unwrap(), Some(stored));
    reopened.clear().await.unwrap();
    assert_eq!(reopened.count().await.unwrap(), 0);
    reopened.close();
}

#[wasm_bindgen_test]
async fn any_text_round_trips_exactly() {
    let repository = fresh("unicode").await;
    let texts = [
        "שלום עולם — עברית",
        "مرحبا بالعالم",
        "📚🐉 emoji 👩‍👩‍👧",
        "<script>alert('x')</script> & &amp; \"quotes\"",
        "Zwölf Boxkämpfer jagen Viktor",
        "村上春樹",
        "e\u{301} combining",
    ];
    for text in texts {
        let stored = repository
            .create(NewBook::new(text, text, text))
            .await
            .unwrap();
        let read = repository.get(stored.id).await.unwrap().unwrap();
        assert_eq!(read.title, text);
        assert_eq!(read.author, text);
        assert_eq!(read.genre, text);
    }
    repository.close();
}

#[wasm_bindgen_test]
async fn a_second_connection_upgrading_closes_the_first() {
    let repository = fresh("version_change").await;
    repository.create(book("Before")).await.unwrap();
    // A "newer app" opens a higher version: the old connection closes instead of blocking it.
    open_a_newer_version("version_change").await;
    let after = repository.count().await;
    assert_eq!(after, Err(StoreError::ClosedElsewhere), "{after:?}");
    // Opening with this build's older version now says why it cannot.
    let again = BookRepository::open("version_change").await.err();
    assert_eq!(again, Some(StoreError::ClosedElsewhere));
}

/// What a newer app in another tab does: opens `name` at a higher version (upgrading it, which
/// waits for every older connection to let go), then closes it.
async fn open_a_newer_version(name: &str) {
    let newer = schema::builder(name, schema::VERSION + 1)
        .build()
        .await
        .unwrap();
    newer.close();
}

/// Opens `name` with a callback that records what happened to the connection.
async fn watched(name: &str) -> (BookRepository, Rc<RefCell<Vec<Lost>>>) {
    let _ = Rexie::delete(name).await;
    let seen = Rc::new(RefCell::new(Vec::new()));
    let options = OpenOptions {
        on_lost: Some(Rc::new({
            let seen = seen.clone();
            move |lost| seen.borrow_mut().push(lost)
        })),
        ..OpenOptions::default()
    };
    match BookRepository::open_with(name, options).await {
        Ok(repository) => (repository, seen),
        Err(error) => panic!("open {name}: {error}"),
    }
}

/// Waits (up to 5 s) until `done` holds.
async fn eventually(mut done: impl FnMut() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    panic!("condition not reached in 5 s");
}

#[wasm_bindgen_test]
async fn a_newer_version_elsewhere_is_reported_and_never_blocked() {
    let (repository, seen) = watched("newer_elsewhere").await;
    repository.create(book("Before")).await.unwrap();
    open_a_newer_version("newer_elsewhere").await;
    eventually(|| !seen.borrow().is_empty()).await;
    assert_eq!(*seen.borrow(), vec![Lost::NewerVersion]);
    let _ = Rexie::delete("newer_elsewhere").await;
}

#[wasm_bindgen_test]
async fn a_database_deleted_under_the_repository_is_reopened_empty() {
    let (repository, seen) = watched("deleted_under").await;
    repository.create(book("Gone")).await.unwrap();
    // What clearing site data does to an open database, as far as a page can do it.
    Rexie::delete("deleted_under").await.unwrap();
    eventually(|| !seen.borrow().is_empty()).await;
    assert_eq!(*seen.borrow(), vec![Lost::Reopened]);
    assert_eq!(repository.count().await.unwrap(), 0);
    let stored = repository.create(book("After")).await.unwrap();
    assert_eq!(repository.get(stored.id).await.unwrap(), Some(stored));
    repository.close();
}

#[wasm_bindgen_test]
async fn two_tabs_lending_the_last_copy_at_once_lend_it_once() {
    use bookshelf::book::{Date, Loan, LoanChange};
    // Two connections are two tabs; each lends the one copy inside its own write.
    let first = fresh("lend_race").await;
    let second = BookRepository::open("lend_race").await.unwrap();
    let book = first
        .create(NewBook::new("Dune", "Frank Herbert", ""))
        .await
        .unwrap();
    let today = Date::new(2026, 12, 2).unwrap();
    let lend = |who: &str| BookPatch {
        loan: Some(LoanChange::Lend(Loan::lend(who, "", today).unwrap())),
        ..BookPatch::default()
    };
    let (a, b) = futures::join!(
        first.update(book.id, lend("Ada")),
        second.update(book.id, lend("Bob"))
    );
    let lent = [&a, &b].iter().filter(|outcome| outcome.is_ok()).count();
    assert_eq!(lent, 1, "{a:?} {b:?}");
    let refused = [a, b].into_iter().find_map(Result::err);
    assert!(
        matches!(refused, Some(StoreError::Invalid(_))),
        "{refused:?}"
    );
    let stored = second.get(book.id).await.unwrap().unwrap();
    assert_eq!(stored.loans.len(), 1, "one loan written");
    // Returned in one tab, the copy can be lent again from the other.
    let back = BookPatch {
        loan: Some(LoanChange::returned(&stored.loans[0], today)),
        ..BookPatch::default()
    };
    first.update(book.id, back).await.unwrap();
    let again = second.update(book.id, lend("Cy")).await.unwrap();
    assert_eq!(again.loans.len(), 2);
    assert_eq!(
        again
            .loans_out()
            .map(|l| l.borrower.as_str())
            .collect::<Vec<_>>(),
        ["Cy"]
    );
    first.close();
    second.close();
}
