//! The revision tree on hand-built examples, and the property that replicas exchanging histories
//! in any order end up agreeing.

use super::*;

/// `"3-c"` as a [`Rev`] (test texts are always well formed).
fn rev(text: &str) -> Rev {
    Rev::parse(text).unwrap_or_else(|| panic!("not a revision: {text}"))
}

/// A `_revisions`: the newest depth and the signatures from the newest back.
fn hist(start: u32, ids: &[&str]) -> Revisions {
    let ids = ids.iter().map(|id| id.to_string()).collect();
    Revisions { start, ids }
}

/// A tree holding these histories, each with its newest revision deleted or not.
fn tree_of(histories: &[(Revisions, bool)]) -> RevTree {
    let mut tree = RevTree::default();
    for (revisions, deleted) in histories {
        tree.merge(revisions, *deleted);
    }
    tree
}

fn leaf(text: &str, deleted: bool) -> Leaf {
    Leaf {
        rev: rev(text),
        deleted,
    }
}

/// Every revision with its parent, which is the tree's shape without the deleted flags.
#[cfg(not(target_arch = "wasm32"))]
fn shape(tree: &RevTree) -> Vec<(Rev, Option<Rev>)> {
    let parent_of = |node: &Node| node.parent.and_then(|p| tree.nodes.get(p));
    (tree.nodes.iter())
        .map(|node| (node.rev.clone(), parent_of(node).map(|up| up.rev.clone())))
        .collect()
}

#[test]
fn parse_and_display() {
    assert_eq!(
        Rev::parse("3-abc"),
        Some(Rev {
            pos: 3,
            sig: "abc".into()
        })
    );
    assert_eq!(rev("3-abc").to_string(), "3-abc");
    assert_eq!(
        rev("12-a-b").sig,
        "a-b",
        "the signature is all after the first dash"
    );
    assert_eq!(rev("4294967295-f").pos, u32::MAX);
    for bad in [
        "",
        "3",
        "3-",
        "-abc",
        "0-abc",
        "03-abc",
        "+3-abc",
        " 3-abc",
        "x-abc",
        "4294967296-a",
    ] {
        assert_eq!(Rev::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn revisions_newest() {
    assert_eq!(hist(3, &["c", "b", "a"]).newest(), Some(rev("3-c")));
    assert_eq!(hist(3, &[]).newest(), None);
    assert_eq!(hist(0, &["a"]).newest(), None);
}

#[test]
fn winner_not_deleted_beats_deeper_deleted() {
    let tree = tree_of(&[
        (hist(3, &["x", "b", "a"]), true),
        (hist(2, &["y", "a"]), false),
    ]);
    assert_eq!(tree.winner(), Some(leaf("2-y", false)));
    assert_eq!(
        tree.conflicts(),
        Vec::<Rev>::new(),
        "a deleted leaf is no conflict"
    );
}

#[test]
fn winner_deeper_beats_greater_sig() {
    let tree = tree_of(&[
        (hist(3, &["a", "b", "a"]), false),
        (hist(2, &["z", "a"]), false),
    ]);
    assert_eq!(tree.winner(), Some(leaf("3-a", false)));
    assert_eq!(tree.conflicts(), vec![rev("2-z")]);
}

#[test]
fn winner_at_equal_depth_has_the_greater_sig() {
    // Plain string order: "a" > "9" > "1", and lowercase after uppercase.
    let tree = tree_of(&[
        (hist(2, &["9f", "r"]), false),
        (hist(2, &["a0", "r"]), false),
        (hist(2, &["1f", "r"]), false),
    ]);
    assert_eq!(tree.winner(), Some(leaf("2-a0", false)));
    assert_eq!(tree.conflicts(), vec![rev("2-9f"), rev("2-1f")]);
    let cases = tree_of(&[(hist(1, &["B"]), false), (hist(1, &["a"]), false)]);
    assert_eq!(cases.winner(), Some(leaf("1-a", false)));
}

#[test]
fn all_deleted_the_deepest_tombstone_wins() {
    let tree = tree_of(&[
        (hist(3, &["c", "b", "a"]), true),
        (hist(2, &["z", "a"]), true),
    ]);
    assert_eq!(tree.winner(), Some(leaf("3-c", true)));
    assert!(tree.conflicts().is_empty());
    assert_eq!(RevTree::default().winner(), None);
}

#[test]
fn leaves_winner_first_then_by_merit() {
    let tree = tree_of(&[
        (hist(2, &["b", "a"]), false),
        (hist(4, &["d", "c", "b", "a"]), true),
        (hist(3, &["x", "b", "a"]), false),
        (hist(2, &["y", "a"]), false),
        (hist(1, &["q"]), false),
    ]);
    assert_eq!(
        tree.leaves(),
        vec![
            leaf("3-x", false),
            leaf("2-y", false),
            leaf("1-q", false),
            leaf("4-d", true),
        ],
        "2-b is no leaf: 3-c and 3-x grew from it"
    );
    assert_eq!(tree.conflicts(), vec![rev("2-y"), rev("1-q")]);
}

#[test]
fn merge_linear_extension() {
    let mut tree = tree_of(&[(hist(2, &["b", "a"]), false)]);
    assert!(tree.merge(&hist(4, &["d", "c", "b", "a"]), false));
    assert_eq!(tree.leaves(), vec![leaf("4-d", false)]);
    assert_eq!(tree.len(), 4);
    let before = tree.clone();
    assert!(
        !tree.merge(&hist(4, &["d", "c", "b", "a"]), false),
        "again: nothing"
    );
    assert!(
        !tree.merge(&hist(3, &["c", "b"]), false),
        "an inner node: nothing"
    );
    assert!(
        !tree.merge(&hist(4, &["d"]), false),
        "a leaf alone: nothing"
    );
    assert_eq!(tree, before);
}

#[test]
fn merge_of_a_branch() {
    let mut tree = tree_of(&[(hist(3, &["c", "b", "a"]), false)]);
    assert!(tree.merge(&hist(3, &["x", "b", "a"]), false));
    assert_eq!(tree.len(), 4);
    assert_eq!(tree.leaves(), vec![leaf("3-x", false), leaf("3-c", false)]);
    assert_eq!(tree.conflicts(), vec![rev("3-c")]);
    let branch = tree.history(&rev("3-x"), 10);
    assert_eq!(branch, Some(hist(3, &["x", "b", "a"])));
}

#[test]
fn merge_of_a_stemmed_history_attaches_at_the_deepest_shared_revision() {
    let mut tree = tree_of(&[(hist(3, &["c", "b", "a"]), false)]);
    // The sender kept only its three newest revisions.
    assert!(tree.merge(&hist(5, &["e", "d", "c"]), false));
    assert_eq!(tree.leaves(), vec![leaf("5-e", false)]);
    let whole = hist(5, &["e", "d", "c", "b", "a"]);
    assert_eq!(tree.history(&rev("5-e"), 100), Some(whole));
}

#[test]
fn merge_into_a_stemmed_tree_gives_its_root_the_ancestors() {
    let mut tree = tree_of(&[(hist(4, &["d", "c"]), false)]);
    assert!(tree.merge(&hist(5, &["e", "d", "c", "b", "a"]), false));
    assert_eq!(tree.leaves(), vec![leaf("5-e", false)]);
    assert_eq!(
        tree,
        tree_of(&[(hist(5, &["e", "d", "c", "b", "a"]), false)])
    );

    // Only the ancestors, the newest already known: the tree still changes, shape only.
    let mut tree = tree_of(&[(hist(4, &["d", "c"]), false)]);
    assert!(tree.merge(&hist(4, &["d", "c", "b"]), false));
    assert_eq!(
        tree.history(&rev("4-d"), 10),
        Some(hist(4, &["d", "c", "b"]))
    );
    assert_eq!(tree.leaves(), vec![leaf("4-d", false)]);
}

#[test]
fn merge_with_nothing_in_common_makes_a_new_root_branch() {
    let mut tree = tree_of(&[(hist(2, &["b", "a"]), false)]);
    assert!(tree.merge(&hist(7, &["g", "f"]), false));
    assert_eq!(tree.leaves(), vec![leaf("7-g", false), leaf("2-b", false)]);
    assert_eq!(tree.history(&rev("7-g"), 10), Some(hist(7, &["g", "f"])));
    assert_eq!(tree.history(&rev("2-b"), 10), Some(hist(2, &["b", "a"])));
    // Two first revisions of the same document, made apart.
    assert!(tree.merge(&hist(1, &["z"]), false));
    assert_eq!(tree.conflicts(), vec![rev("2-b"), rev("1-z")]);
}

#[test]
fn merge_of_a_deletion() {
    let mut tree = tree_of(&[(hist(2, &["b", "a"]), false)]);
    assert!(tree.merge(&hist(3, &["c", "b", "a"]), true));
    assert_eq!(tree.winner(), Some(leaf("3-c", true)));
    assert!(!tree.merge(&hist(3, &["c", "b", "a"]), true));
    // A revision known, then learnt to be a deletion (the tree's flag is what it was told).
    let mut tree = tree_of(&[(hist(2, &["b", "a"]), false)]);
    assert!(tree.merge(&hist(2, &["b", "a"]), true));
    assert_eq!(tree.winner(), Some(leaf("2-b", true)));
}

#[test]
fn malformed_histories_change_nothing() {
    let mut tree = tree_of(&[(hist(2, &["b", "a"]), false)]);
    let before = tree.clone();
    assert!(!tree.merge(&hist(2, &[]), false), "no revision");
    assert!(
        !tree.merge(&hist(2, &["c", "b", "a"]), false),
        "below depth 1"
    );
    assert!(!tree.merge(&hist(0, &["a"]), false), "depth 0");
    assert_eq!(tree, before);
}

#[test]
fn history_round_trip() {
    let mut tree = RevTree::default();
    let mut last = None;
    for edit in 0..6 {
        let sig = sig_of(last.as_ref(), false, &format!("body {edit}"));
        last = Some(tree.extend(last.as_ref(), sig, false));
    }
    let Some(last) = last else { return };
    assert_eq!(last.pos, 6);
    let Some(history) = tree.history(&last, 1000) else {
        panic!("no history of {last}");
    };
    assert_eq!((history.start, history.ids.len()), (6, 6));
    assert_eq!(history.newest(), Some(last.clone()));
    let mut copy = RevTree::default();
    assert!(copy.merge(&history, false));
    assert_eq!(copy, tree);

    let short = tree.history(&last, 2).map(|h| h.ids.len());
    assert_eq!(short, Some(2));
    let none = tree.history(&last, 0).map(|h| h.ids);
    assert_eq!(
        none,
        Some(vec![last.sig.clone()]),
        "always the revision itself"
    );
    assert_eq!(tree.history(&rev("6-nope"), 10), None);
}

#[test]
fn extend() {
    let mut tree = RevTree::default();
    let first = tree.extend(None, "a".into(), false);
    assert_eq!(first, rev("1-a"));
    let second = tree.extend(Some(&first), "b".into(), false);
    assert_eq!(second, rev("2-b"));
    assert_eq!(tree.history(&second, 10), Some(hist(2, &["b", "a"])));

    // The same edit made again is the same revision, not a second one.
    assert_eq!(tree.extend(Some(&first), "b".into(), false), second);
    assert_eq!(tree.len(), 2);

    // A deletion is a leaf like any other.
    let gone = tree.extend(Some(&second), "c".into(), true);
    assert_eq!(
        tree.winner(),
        Some(Leaf {
            rev: gone,
            deleted: true
        })
    );

    // A parent the tree lacks: a new root branch one level below it.
    let stray = tree.extend(Some(&rev("7-zz")), "h".into(), false);
    assert_eq!(stray, rev("8-h"));
    assert_eq!(tree.history(&stray, 10), Some(hist(8, &["h"])));

    // ... except in an empty tree, where it is a first revision.
    let mut empty = RevTree::default();
    assert_eq!(
        empty.extend(Some(&rev("7-zz")), "h".into(), false),
        rev("1-h")
    );
}

#[test]
fn missing_keeps_the_order_asked() {
    let tree = tree_of(&[(hist(3, &["c", "b", "a"]), false)]);
    let asked = [rev("4-d"), rev("2-b"), rev("1-z"), rev("3-c"), rev("2-x")];
    let missing: Vec<&Rev> = tree.missing(&asked);
    assert_eq!(missing, vec![&asked[0], &asked[2], &asked[4]]);
    assert!(tree.missing(&[]).is_empty());
}

#[test]
fn stem_keeps_the_newest_of_each_branch() {
    let mut tree = tree_of(&[(hist(5, &["e", "d", "c", "b", "a"]), false)]);
    tree.stem(2);
    assert_eq!(tree.len(), 2);
    assert_eq!(tree.history(&rev("5-e"), 10), Some(hist(5, &["e", "d"])));
    assert!(!tree.contains(&rev("3-c")));
    // Stemming again, or to a larger depth, changes nothing.
    let stemmed = tree.clone();
    tree.stem(2);
    tree.stem(10);
    assert_eq!(tree, stemmed);

    // 1-a has a short branch (2-s) and a long one (to 5-e): it stays for the short one, the
    // long one loses 2-b and 3-c, and 4-d becomes a root.
    let mut tree = tree_of(&[
        (hist(5, &["e", "d", "c", "b", "a"]), false),
        (hist(2, &["s", "a"]), true),
    ]);
    let leaves = tree.leaves();
    tree.stem(2);
    assert_eq!(tree.leaves(), leaves);
    assert_eq!(tree.history(&rev("5-e"), 10), Some(hist(5, &["e", "d"])));
    assert_eq!(tree.history(&rev("2-s"), 10), Some(hist(2, &["s", "a"])));
    assert_eq!(tree.len(), 4);

    // Depth 0 still keeps every leaf.
    tree.stem(0);
    assert_eq!(tree.leaves(), leaves);
    assert_eq!(tree.len(), 2);
}

#[test]
fn sig_of_is_deterministic_and_tells_edits_apart() {
    let parent = rev("1-abc");
    let sig = sig_of(Some(&parent), false, r#"{"title":"Dune"}"#);
    assert_eq!(sig.len(), 32);
    assert!(sig
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    assert_eq!(sig, sig_of(Some(&parent), false, r#"{"title":"Dune"}"#));
    // Pinned (checked against a Python transcription of the same hash): another app version
    // must make the same revision from the same edit.
    assert_eq!(sig_of(None, false, ""), "ffb6eec3623eee72ff8d319e8e14d28a");

    let others = [
        sig_of(None, false, r#"{"title":"Dune"}"#),
        sig_of(Some(&rev("1-abd")), false, r#"{"title":"Dune"}"#),
        sig_of(Some(&rev("2-abc")), false, r#"{"title":"Dune"}"#),
        sig_of(Some(&parent), true, r#"{"title":"Dune"}"#),
        sig_of(Some(&parent), false, r#"{"title":"Dune."}"#),
        sig_of(Some(&parent), false, ""),
    ];
    for (index, other) in others.iter().enumerate() {
        assert_ne!(&sig, other, "variant {index}");
    }
    // No parent is not a parent with an empty signature.
    assert_ne!(
        sig_of(None, false, "x"),
        sig_of(Some(&rev("1-a")), false, "x")
    );
}

#[test]
fn serialized_form_is_small_and_round_trips() {
    let mut tree = RevTree::default();
    let mut last: Option<Rev> = None;
    let mut sizes = Vec::new();
    for edit in 0..3 {
        let sig = sig_of(last.as_ref(), false, &format!("edit {edit}"));
        last = Some(tree.extend(last.as_ref(), sig, false));
        let json = serde_json::to_string(&tree).unwrap_or_default();
        println!("{} revision(s): {} bytes: {json}", edit + 1, json.len());
        sizes.push(json.len());
        assert_eq!(
            serde_json::from_str::<RevTree>(&json).ok(),
            Some(tree.clone())
        );
    }
    assert!(sizes[0] < 60, "one revision: {} bytes", sizes[0]);
    assert!(sizes[2] < 140, "three revisions: {} bytes", sizes[2]);

    let branched = tree_of(&[
        (hist(3, &["c", "b", "a"]), false),
        (hist(3, &["x", "b", "a"]), true),
        (hist(9, &["z"]), false),
    ]);
    let json = serde_json::to_string(&branched).unwrap_or_default();
    assert_eq!(
        json,
        r#"[[1,"a",0,0],[2,"b",1,0],[3,"c",2,0],[3,"x",2,1],[9,"z",0,0]]"#
    );
    assert_eq!(serde_json::from_str::<RevTree>(&json).ok(), Some(branched));
    assert_eq!(
        serde_json::to_string(&RevTree::default()).ok(),
        Some("[]".into())
    );
}

#[test]
fn a_broken_stored_tree_is_refused() {
    for broken in [
        r#"[[0,"a",0,0]]"#,
        r#"[[2,"b",0,0],[1,"a",0,0]]"#,
        r#"[[1,"a",0,0],[1,"a",0,0]]"#,
        r#"[[1,"a",0,0],[2,"b",2,0]]"#,
        r#"[[1,"a",0,0],[3,"b",1,0]]"#,
        r#"[[1,"a",0,2]]"#,
        r#"[[1,"a",0]]"#,
        r#"{"nodes":[]}"#,
    ] {
        assert!(serde_json::from_str::<RevTree>(broken).is_err(), "{broken}");
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    //! Random edits on a few replicas, with random (often stemmed) histories sent between them,
    //! then every leaf's whole history sent everywhere in a random order: all replicas must agree.

    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::*;

    const REPLICAS: usize = 3;

    /// One thing a replica does.
    #[derive(Clone, Debug)]
    enum Step {
        /// An edit (or deletion) of one of its revisions, or a new first revision; few bodies,
        /// so that replicas often make the same edit.
        Edit {
            replica: usize,
            parent: usize,
            deleted: bool,
            body: u8,
        },
        /// One leaf's history, at most `limit` ids, sent to another replica.
        Send {
            from: usize,
            to: usize,
            leaf: usize,
            limit: usize,
        },
    }

    fn step() -> impl Strategy<Value = Step> {
        let edit = (
            0..REPLICAS,
            any::<usize>(),
            prop::bool::weighted(0.2),
            0..3u8,
        );
        let send = (0..REPLICAS, 0..REPLICAS, any::<usize>(), 1..5usize);
        prop_oneof![
            3 => edit.prop_map(|(replica, parent, deleted, body)| Step::Edit {
                replica,
                parent,
                deleted,
                body,
            }),
            2 => send.prop_map(|(from, to, leaf, limit)| Step::Send { from, to, leaf, limit }),
        ]
    }

    fn config() -> ProptestConfig {
        let asked = std::env::var("PROPTEST_CASES").ok();
        ProptestConfig {
            cases: asked.and_then(|n| n.parse().ok()).unwrap_or(256),
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    /// Plays the steps on empty replicas.
    fn play(steps: &[Step]) -> Vec<RevTree> {
        let mut replicas = vec![RevTree::default(); REPLICAS];
        for step in steps {
            match *step {
                Step::Edit {
                    replica,
                    parent,
                    deleted,
                    body,
                } => {
                    let tree = &mut replicas[replica];
                    let revs: Vec<Rev> = tree.nodes.iter().map(|node| node.rev.clone()).collect();
                    let parent = revs.get(parent % (revs.len() + 1));
                    let sig = sig_of(parent, deleted, &body.to_string());
                    tree.extend(parent, sig, deleted);
                }
                Step::Send {
                    from,
                    to,
                    leaf,
                    limit,
                } => {
                    let leaves = replicas[from].leaves();
                    let Some(leaf) = leaves.get(leaf % leaves.len().max(1)) else {
                        continue;
                    };
                    if let Some(history) = replicas[from].history(&leaf.rev, limit) {
                        replicas[to].merge(&history, leaf.deleted);
                    }
                }
            }
        }
        replicas
    }

    /// Every leaf's whole history on every replica, with its deletedness.
    fn everything(replicas: &[RevTree]) -> Vec<(Revisions, bool)> {
        let histories = replicas.iter().flat_map(|tree| {
            let leaves = tree.leaves().into_iter();
            leaves.filter_map(|leaf| Some((tree.history(&leaf.rev, usize::MAX)?, leaf.deleted)))
        });
        histories.collect()
    }

    /// `items` in an order given by `seed`.
    fn shuffled<T: Clone>(items: &[T], seed: u64) -> Vec<T> {
        let mut keyed: Vec<(u64, &T)> = (0..).map(|i| mix(seed ^ i)).zip(items).collect();
        keyed.sort_by_key(|(key, _)| *key);
        keyed.into_iter().map(|(_, item)| item.clone()).collect()
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn replicas_converge(steps in vec(step(), 0..40), seeds in vec(any::<u64>(), REPLICAS)) {
            let mut replicas = play(&steps);
            let sent = everything(&replicas);
            for (tree, seed) in replicas.iter_mut().zip(&seeds) {
                for (history, deleted) in shuffled(&sent, *seed) {
                    tree.merge(&history, deleted);
                }
            }
            let first = &replicas[0];
            for other in &replicas[1..] {
                prop_assert_eq!(shape(other), shape(first));
                prop_assert_eq!(other.leaves(), first.leaves());
                prop_assert_eq!(other.winner(), first.winner());
                prop_assert_eq!(other.conflicts(), first.conflicts());
            }
            // Nothing more to learn.
            for tree in &mut replicas {
                for (history, deleted) in &sent {
                    prop_assert!(!tree.merge(history, *deleted));
                }
            }
        }

        #[test]
        fn merge_order_does_not_matter(
            steps in vec(step(), 0..40),
            limits in vec(1..6usize, 1..20),
            seeds in (any::<u64>(), any::<u64>()),
        ) {
            // Every leaf's history, whole and stemmed, merged into empty trees in two orders.
            let replicas = play(&steps);
            let mut histories = everything(&replicas);
            for (index, limit) in limits.iter().enumerate() {
                let Some((whole, deleted)) = histories.get(index % histories.len().max(1)) else {
                    break;
                };
                let ids = whole.ids.iter().take(*limit).cloned().collect();
                let stemmed = Revisions { start: whole.start, ids };
                histories.push((stemmed, *deleted));
            }
            let one = tree_of(&shuffled(&histories, seeds.0));
            let other = tree_of(&shuffled(&histories, seeds.1));
            prop_assert_eq!(&one, &other);
            prop_assert_eq!(one.winner(), other.winner());
        }

        #[test]
        fn stem_keeps_leaves_winner_and_newest_history(
            steps in vec(step(), 0..40),
            depth in 0..5usize,
        ) {
            for tree in play(&steps) {
                let mut stemmed = tree.clone();
                stemmed.stem(depth);
                prop_assert_eq!(stemmed.leaves(), tree.leaves());
                prop_assert_eq!(stemmed.winner(), tree.winner());
                for leaf in tree.leaves() {
                    let kept = depth.max(1);
                    let newest = tree.history(&leaf.rev, kept);
                    prop_assert_eq!(stemmed.history(&leaf.rev, kept), newest);
                }
                let json = serde_json::to_string(&stemmed).unwrap_or_default();
                prop_assert_eq!(serde_json::from_str::<RevTree>(&json).ok(), Some(stemmed));
            }
        }
    }
}
