use super::*;
use crate::sync::tree::Revisions;

/// One device's copy of one book: its sync state and the book's body (`None`: not here).
#[derive(Default, Clone)]
struct Replica {
    state: DocState,
    book: Option<String>,
}

impl Replica {
    fn edit(&mut self, body: &str) {
        self.book = Some(body.to_owned());
    }

    fn delete(&mut self) {
        self.book = None;
    }

    /// Gives revisions to the edits made since the last time (as sync does before sending).
    fn take_in_edits(&mut self) {
        if self.book.is_none() {
            let change = self.state.local_delete();
            self.apply(change);
        } else {
            self.state.local_edit(self.book.as_deref());
        }
    }

    fn apply(&mut self, change: BookChange) {
        match change {
            BookChange::Keep => {}
            BookChange::Put(body) => self.book = Some(body),
            BookChange::Remove => self.book = None,
        }
    }

    /// Everything `self` has that `other` lacks, as `_bulk_get` would send it.
    fn send_to(&mut self, other: &mut Replica) {
        self.take_in_edits();
        let incoming: Vec<Incoming> =
            self.state
                .tree
                .leaves()
                .into_iter()
                .filter(|leaf| !other.state.tree.contains(&leaf.rev))
                .map(|leaf| Incoming {
                    id: "b".into(),
                    revisions: self.state.tree.history(&leaf.rev, REVS_LIMIT).unwrap_or(
                        Revisions {
                            start: 0,
                            ids: Vec::new(),
                        },
                    ),
                    deleted: leaf.deleted,
                    body: self
                        .state
                        .body_for(&leaf.rev, self.book.as_deref())
                        .ok()
                        .flatten(),
                })
                .collect();
        let current = other.book.clone();
        let change = other.state.merge(&incoming, current.as_deref());
        other.apply(change);
    }
}

fn sync(a: &mut Replica, b: &mut Replica) {
    a.send_to(b);
    b.send_to(a);
    a.send_to(b);
}

#[test]
fn an_edit_travels_and_an_unchanged_book_makes_no_revision() {
    let (mut a, mut b) = (Replica::default(), Replica::default());
    a.edit("{\"title\":\"One\"}");
    sync(&mut a, &mut b);
    assert_eq!(b.book.as_deref(), Some("{\"title\":\"One\"}"));
    assert_eq!(a.state.tree, b.state.tree);
    assert!(
        !a.state.local_edit(a.book.clone().as_deref()),
        "nothing new"
    );
    b.edit("{\"title\":\"Two\"}");
    sync(&mut a, &mut b);
    assert_eq!(a.book.as_deref(), Some("{\"title\":\"Two\"}"));
    assert!(!a.state.in_conflict() && !b.state.in_conflict());
}

#[test]
fn edits_made_apart_conflict_with_the_same_winner_everywhere_and_resolve_everywhere() {
    let (mut a, mut b) = (Replica::default(), Replica::default());
    a.edit("{\"title\":\"Base\"}");
    sync(&mut a, &mut b);
    a.edit("{\"title\":\"From A\"}");
    b.edit("{\"title\":\"From B\"}");
    sync(&mut a, &mut b);
    assert_eq!(a.book, b.book, "both show the same winner");
    assert!(a.state.in_conflict() && b.state.in_conflict());
    let other = a.state.conflicting_bodies();
    assert_eq!(other.len(), 1);
    assert_ne!(
        Some(&other[0].1),
        a.book.as_ref(),
        "the other version is kept"
    );
    // B keeps the version it does not show.
    let chosen = b.state.conflicting_bodies()[0].1.clone();
    let current = b.book.clone();
    let change = b.state.resolve(&chosen, current.as_deref());
    b.apply(change);
    assert_eq!(b.book.as_deref(), Some(chosen.as_str()));
    sync(&mut a, &mut b);
    assert_eq!(a.book.as_deref(), Some(chosen.as_str()));
    assert!(!a.state.in_conflict() && !b.state.in_conflict());
    assert_eq!(a.state.tree.winner(), b.state.tree.winner());
}

#[test]
fn a_deletion_travels_and_an_edit_made_apart_beats_it() {
    let (mut a, mut b) = (Replica::default(), Replica::default());
    a.edit("{\"title\":\"Base\"}");
    sync(&mut a, &mut b);
    a.delete();
    sync(&mut a, &mut b);
    assert_eq!(b.book, None, "the deletion travelled");

    let (mut a, mut b) = (Replica::default(), Replica::default());
    a.edit("{\"title\":\"Base\"}");
    sync(&mut a, &mut b);
    a.delete();
    b.edit("{\"title\":\"Edited\"}");
    sync(&mut a, &mut b);
    assert_eq!(a.book.as_deref(), Some("{\"title\":\"Edited\"}"));
    assert_eq!(b.book.as_deref(), Some("{\"title\":\"Edited\"}"));
    assert!(!a.state.in_conflict(), "a deleted leaf is no conflict");
}

#[test]
fn deleting_a_conflicted_book_shows_the_other_version() {
    let (mut a, mut b) = (Replica::default(), Replica::default());
    a.edit("{\"title\":\"Base\"}");
    sync(&mut a, &mut b);
    a.edit("{\"title\":\"From A\"}");
    b.edit("{\"title\":\"From B\"}");
    sync(&mut a, &mut b);
    let shown = a.book.clone();
    a.delete();
    a.take_in_edits();
    assert!(
        a.book.is_some() && a.book != shown,
        "the other version took its place"
    );
    sync(&mut a, &mut b);
    assert_eq!(a.book, b.book);
}

#[test]
fn a_one_revision_state_is_small() {
    let mut state = DocState::default();
    state.local_edit(Some("{\"title\":\"One\"}"));
    state.seq = 123_456;
    let stored = serde_json::to_string(&state).unwrap_or_default();
    assert!(stored.len() < 160, "{} bytes: {stored}", stored.len());
}

#[test]
fn an_edit_here_of_a_book_from_a_server_is_no_longer_the_servers() {
    let mut state = DocState::new("b");
    state.local_edit(Some("{\"title\":\"One\"}"));
    state.from = "server".into();
    assert!(!state.local_edit(Some("{\"title\":\"One\"}")));
    assert_eq!(
        state.from, "server",
        "unchanged: still only what the server has"
    );
    assert!(state.local_edit(Some("{\"title\":\"Two\"}")));
    assert_eq!(state.from, "", "an edit made here must go up");
    state.from = "server".into();
    assert_eq!(state.local_delete(), BookChange::Keep);
    assert_eq!(state.from, "", "so must a deletion");
}
