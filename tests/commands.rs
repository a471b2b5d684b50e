//! The command layer in real Chromium against real IndexedDB: a command writes, tells the views
//! that the books changed, answers with its outcome, says what it did, and says an error where it
//! was told to (the notice area, or nowhere when the component that asked shows it).
#![cfg(target_arch = "wasm32")]

use bookshelf::book::{BookPatch, NewBook};
use bookshelf::store::StoreError;
use bookshelf::ui::commands::{Command, Errors, Outcome};
use bookshelf::ui::context::Catalogue;
use bookshelf::ui::notices::{NoticeKind, Notices};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use wasm_bindgen_test::*;

mod common;
use common::fresh;

wasm_bindgen_test_configure!(run_in_browser);

/// A catalogue over a fresh database `name`, with its notices. (Mounting an empty view starts
/// Leptos's task executor, which commands run on.)
async fn catalogue(name: &str) -> (Catalogue, Notices) {
    leptos::mount::mount_to_body(|| ());
    let notices = Notices::default();
    (Catalogue::new(fresh(name).await, notices), notices)
}

/// Asks `command` with `input` and waits (up to 10 s) for its answer.
async fn run<I: 'static, T: Clone + 'static>(command: Command<I, T>, input: I) -> Outcome<T> {
    let (version, value) = (command.version(), command.value());
    let before = version.get_untracked();
    command.dispatch_local(input);
    for _ in 0..1_000 {
        if version.get_untracked() > before {
            break;
        }
        TimeoutFuture::new(10).await;
    }
    match value.get_untracked() {
        Some(outcome) => outcome,
        None => panic!("the command did not answer within 10 s"),
    }
}

#[wasm_bindgen_test]
async fn a_command_writes_tells_the_views_and_answers_and_a_field_error_is_the_callers() {
    let (catalogue, notices) = catalogue("commands-create").await;
    let create = catalogue.create(Errors::Notice);
    let changes = catalogue.track();
    let book = run(create, NewBook::new("Dune", "Frank Herbert", "SF"))
        .await
        .unwrap();
    assert_eq!(catalogue.track(), changes + 1, "the views were told");
    let stored = catalogue.repository().unwrap().get(book.id).await.unwrap();
    assert_eq!(stored.as_ref(), Some(&book));

    let refused = run(create, NewBook::new("", "Frank Herbert", "")).await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    assert_eq!(
        catalogue.track(),
        changes + 1,
        "nothing changed, nothing told"
    );
    assert!(
        notices.texts(NoticeKind::Error).is_empty(),
        "a field's error is never a notice"
    );
}

#[wasm_bindgen_test]
async fn an_error_is_said_where_the_command_was_told_and_a_book_gone_is_read_again() {
    let (catalogue, notices) = catalogue("commands-errors").await;
    let patch = || BookPatch {
        title: Some("Dune Messiah".into()),
        ..BookPatch::default()
    };
    let changes = catalogue.track();
    let quiet = run(catalogue.update(Errors::Caller), (404, patch())).await;
    assert_eq!(quiet, Err(StoreError::NotFound(404)));
    assert!(
        notices.texts(NoticeKind::Error).is_empty(),
        "the caller says it"
    );
    assert_eq!(
        catalogue.track(),
        changes + 1,
        "a book gone elsewhere: the views read again"
    );

    let said = run(catalogue.update(Errors::Notice), (404, patch())).await;
    assert_eq!(said, Err(StoreError::NotFound(404)));
    assert_eq!(
        notices.texts(NoticeKind::Error),
        [StoreError::NotFound(404).to_string()]
    );

    catalogue.repository().unwrap().close();
    let closed = run(
        catalogue.create(Errors::Notice),
        NewBook::new("Dune", "Frank Herbert", ""),
    )
    .await;
    assert_eq!(closed, Err(StoreError::Closed));
    assert!(notices
        .texts(NoticeKind::Error)
        .contains(&StoreError::Closed.to_string()));
}

#[wasm_bindgen_test]
async fn a_delete_says_so_and_restore_puts_the_book_back_with_its_own_id() {
    let (catalogue, notices) = catalogue("commands-delete").await;
    let book = run(
        catalogue.create(Errors::Notice),
        NewBook::new("Dune", "Frank Herbert", "SF"),
    )
    .await
    .unwrap();
    let deleted = run(catalogue.delete(), book.id).await.unwrap();
    assert_eq!(deleted, book);
    assert_eq!(notices.texts(NoticeKind::Info), ["Deleted “Dune”."]);
    let repository = catalogue.repository().unwrap();
    assert_eq!(repository.get(book.id).await.unwrap(), None);

    let restored = run(catalogue.restore(), deleted).await.unwrap();
    assert_eq!(restored, book, "the same id and uid");
    assert_eq!(repository.get(book.id).await.unwrap(), Some(book));
    assert_eq!(notices.texts(NoticeKind::Info)[1], "Restored “Dune”.");
}
