//! Sync's side of the repository against real IndexedDB: every write queues its books in its own
//! transaction, the queue becomes revisions, documents from elsewhere become books (added,
//! changed, deleted) together with their revision trees, a conflict keeps both versions until one
//! is chosen, and books stored before version 6 get revisions too.
#![cfg(target_arch = "wasm32")]

use bookshelf::book::{BookPatch, NewBook};
use bookshelf::sync::doc::{body_of, incoming, outgoing};
use bookshelf::sync::tree::{Rev, Revisions};
use serde_json::json;
use wasm_bindgen_test::*;

mod common;
use common::{all, assert_count, assert_search_agrees_with_the_index, fresh, old_versions};

wasm_bindgen_test_configure!(run_in_browser);

const SERVER: &str = "server-tag";

fn revisions(start: u32, ids: &[&str]) -> Revisions {
    Revisions {
        start,
        ids: ids.iter().map(|id| (*id).to_owned()).collect(),
    }
}

#[wasm_bindgen_test]
async fn every_write_becomes_a_revision_once_and_a_deletion_a_tombstone() {
    let repository = fresh("sync_local").await;
    let dune = repository
        .create(NewBook::new("Dune", "Frank Herbert", ""))
        .await
        .unwrap();
    let many = repository
        .create_many(
            (0..30)
                .map(|i| NewBook::new(format!("Book {i}"), "A", ""))
                .collect(),
        )
        .await
        .unwrap();
    assert_eq!(repository.take_in_local_changes().await.unwrap(), 31);
    assert_eq!(
        repository.take_in_local_changes().await.unwrap(),
        0,
        "nothing twice"
    );
    let states = repository.sync_changes_since(0, 1000).await.unwrap();
    assert_eq!(states.len(), 31);
    assert!(
        states.windows(2).all(|pair| pair[0].seq < pair[1].seq),
        "in sequence order"
    );
    let first = states.iter().find(|state| state.id == dune.uid).unwrap();
    assert_eq!(first.tree.winner().unwrap().rev.pos, 1);
    let since = states.last().unwrap().seq;

    // An edit that changes nothing makes no revision; a real one makes the second.
    let same = BookPatch {
        title: Some("Dune".into()),
        ..BookPatch::default()
    };
    repository.update(dune.id, same).await.unwrap();
    let patch = BookPatch {
        title: Some("Dune Messiah".into()),
        ..BookPatch::default()
    };
    repository.update(dune.id, patch).await.unwrap();
    repository.delete(many[0].id).await.unwrap();
    assert_eq!(repository.take_in_local_changes().await.unwrap(), 2);
    let changed = repository.sync_changes_since(since, 1000).await.unwrap();
    assert_eq!(changed.len(), 2);
    let edited = changed.iter().find(|state| state.id == dune.uid).unwrap();
    assert_eq!(edited.tree.winner().unwrap().rev.pos, 2);
    let gone = changed
        .iter()
        .find(|state| state.id == many[0].uid)
        .unwrap();
    assert!(
        gone.tree.winner().unwrap().deleted,
        "the deletion is a tombstone"
    );

    // What goes up: the book's body for its winner, a tombstone for the deleted one.
    let wanted = vec![
        (edited.id.clone(), vec![edited.tree.winner().unwrap().rev]),
        (gone.id.clone(), vec![gone.tree.winner().unwrap().rev]),
    ];
    let documents = repository.sync_documents(&wanted).await.unwrap();
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[0]["title"], "Dune Messiah");
    assert_eq!(documents[0]["_revisions"]["start"], 2);
    assert_eq!(documents[1]["_deleted"], true);
    assert_eq!(repository.sync_missing(&wanted).await.unwrap(), vec![]);
}

#[wasm_bindgen_test]
async fn documents_from_elsewhere_become_books_with_their_revisions() {
    let repository = fresh("sync_apply").await;
    let document = json!({"_id": "from-pouch", "_rev": "1-aaa", "title": "Emma",
                          "author": "Jane Austen", "_revisions": {"start": 1, "ids": ["aaa"]}});
    let received = repository
        .sync_apply(SERVER, vec![incoming(&document).unwrap()])
        .await
        .unwrap();
    assert_eq!(received, 1);
    let books = all(&repository).await;
    assert_eq!(books.len(), 1);
    assert_eq!(
        (books[0].uid.as_str(), books[0].title.as_str()),
        ("from-pouch", "Emma")
    );
    assert_count(&repository, "sync_apply", 1, "a document taken in").await;
    assert_search_agrees_with_the_index(&repository).await;
    // Taken in, it is not a local change: nothing waits to go back to where it came from.
    assert_eq!(repository.take_in_local_changes().await.unwrap(), 0);
    assert_eq!(repository.sync_waiting(0, SERVER, 100).await.unwrap(), 0);
    assert_eq!(
        repository
            .sync_waiting(0, "another server", 100)
            .await
            .unwrap(),
        1
    );

    // The same revision again changes nothing; a newer one changes the book; a deletion removes it.
    let wanted = vec![("from-pouch".to_owned(), vec![Rev::parse("1-aaa").unwrap()])];
    assert_eq!(repository.sync_missing(&wanted).await.unwrap(), vec![]);
    let newer = json!({"_id": "from-pouch", "_rev": "2-bbb", "title": "Emma", "author": "Jane Austen",
                       "note": "a gift", "_revisions": {"start": 2, "ids": ["bbb", "aaa"]}});
    repository
        .sync_apply(SERVER, vec![incoming(&newer).unwrap()])
        .await
        .unwrap();
    let books = all(&repository).await;
    assert_eq!(books[0].note, "a gift");
    assert_eq!(books[0].id, 1, "the same book, changed in place");
    assert_count(&repository, "sync_apply", 1, "a document changed").await;
    let deleted = outgoing(
        "from-pouch",
        &Rev::parse("3-ccc").unwrap(),
        &revisions(3, &["ccc", "bbb", "aaa"]),
        None,
    );
    repository
        .sync_apply(SERVER, vec![incoming(&deleted).unwrap()])
        .await
        .unwrap();
    assert!(all(&repository).await.is_empty(), "the deletion travelled");
    assert_count(&repository, "sync_apply", 0, "a deletion taken in").await;
    assert_search_agrees_with_the_index(&repository).await;
}

#[wasm_bindgen_test]
async fn a_book_from_a_server_edited_here_goes_back_up() {
    let repository = fresh("sync_edit_received").await;
    let document = json!({"_id": "from-pouch", "_rev": "1-aaa", "title": "Emma",
                          "author": "Jane Austen", "_revisions": {"start": 1, "ids": ["aaa"]}});
    repository
        .sync_apply(SERVER, vec![incoming(&document).unwrap()])
        .await
        .unwrap();
    assert_eq!(repository.sync_waiting(0, SERVER, 100).await.unwrap(), 0);
    let id = all(&repository).await[0].id;
    let patch = BookPatch {
        genre: Some("Novel".into()),
        ..BookPatch::default()
    };
    repository.update(id, patch).await.unwrap();
    assert_eq!(
        repository.sync_waiting(0, SERVER, 100).await.unwrap(),
        1,
        "the edit waits"
    );
    repository.delete(id).await.unwrap();
    assert_eq!(
        repository.sync_waiting(0, SERVER, 100).await.unwrap(),
        1,
        "so does the deletion"
    );
}

#[wasm_bindgen_test]
async fn a_conflict_keeps_both_versions_until_one_is_chosen() {
    let repository = fresh("sync_conflict").await;
    let base = json!({"_id": "shared", "_rev": "1-aaa", "title": "Base", "author": "A",
                      "_revisions": {"start": 1, "ids": ["aaa"]}});
    repository
        .sync_apply(SERVER, vec![incoming(&base).unwrap()])
        .await
        .unwrap();
    let id = all(&repository).await[0].id;
    // Edited here, not yet given a revision, when the other device's edit arrives.
    let patch = BookPatch {
        title: Some("Here".into()),
        ..BookPatch::default()
    };
    repository.update(id, patch).await.unwrap();
    let there = json!({"_id": "shared", "_rev": "2-zzz", "title": "There", "author": "A",
                       "_revisions": {"start": 2, "ids": ["zzz", "aaa"]}});
    repository
        .sync_apply(SERVER, vec![incoming(&there).unwrap()])
        .await
        .unwrap();
    let conflict = repository.conflict(id).await.unwrap().expect("a conflict");
    let mut titles = vec![
        conflict.shown.title.clone(),
        conflict.others[0].1.title.clone(),
    ];
    titles.sort();
    assert_eq!(titles, ["Here", "There"], "both versions kept");
    // The winner is CouchDB's: both at depth 2, the greater signature ("zzz" beats a hex one).
    assert_eq!(conflict.shown.title, "There");
    assert_eq!(conflict.shown.id, id, "still the same book here");

    let kept = repository
        .resolve_conflict(id, Some(&conflict.others[0].0))
        .await
        .unwrap();
    assert_eq!(kept.title, "Here");
    assert_eq!(repository.conflict(id).await.unwrap(), None, "resolved");
    assert_eq!(all(&repository).await.len(), 1);
    // The resolution goes up: a new revision on the winner and a tombstone on the other branch.
    let states = repository.sync_changes_since(0, 10).await.unwrap();
    let leaves = states[0].tree.leaves();
    assert_eq!(leaves.iter().filter(|leaf| !leaf.deleted).count(), 1);
    assert_eq!(leaves.iter().filter(|leaf| leaf.deleted).count(), 1);
    assert_eq!(body_of(&kept), body_of(&all(&repository).await[0]));
}

#[wasm_bindgen_test]
async fn books_stored_before_sync_and_a_clear_all_go_up() {
    let name = "sync_upgrade_v4";
    old_versions::version_four(name).await;
    let repository = bookshelf::store::BookRepository::open(name).await.unwrap();
    let count = all(&repository).await.len();
    assert!(count > 0);
    assert_eq!(repository.take_in_local_changes().await.unwrap(), count);
    let states = repository.sync_changes_since(0, 1000).await.unwrap();
    assert_eq!(
        states.len(),
        count,
        "every book stored before version 6 has a revision"
    );

    repository.clear().await.unwrap();
    assert_eq!(repository.take_in_local_changes().await.unwrap(), count);
    let since = states.last().unwrap().seq;
    let gone = repository.sync_changes_since(since, 1000).await.unwrap();
    assert_eq!(gone.len(), count);
    assert!(gone
        .iter()
        .all(|state| state.tree.winner().unwrap().deleted));
    repository.close();
}

#[wasm_bindgen_test]
async fn the_checkpoints_and_the_identity_are_kept() {
    let repository = fresh("sync_meta").await;
    let peer = repository.sync_peer().await.unwrap();
    assert_eq!(peer.len(), 36);
    assert_eq!(repository.sync_peer().await.unwrap(), peer, "made once");
    assert_eq!(repository.sync_checkpoint("r").await.unwrap(), None);
    let checkpoint = json!({"session_id": "s", "source_last_seq": 12});
    repository
        .set_sync_checkpoint("r", &checkpoint)
        .await
        .unwrap();
    assert_eq!(
        repository.sync_checkpoint("r").await.unwrap(),
        Some(checkpoint)
    );
}
