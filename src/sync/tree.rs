//! The revision tree of one document: which revisions it has and how they descend from one
//! another, which leaf wins and which are conflicts, merged and stemmed the way CouchDB and PouchDB
//! do it, so that every replica agrees on the winner without asking anyone.
//!
//! The tree is a list of nodes kept sorted by revision (depth, then signature), each naming its
//! parent by index. Being sorted makes lookups a binary search and makes the tree canonical: two
//! replicas that know the same revisions hold equal trees, whatever order they learnt them in.
//!
//! Merging takes the union of what the histories say: every revision they name and every
//! parent-child link. A history that shares a revision with the tree hangs its newer part below
//! the deepest revision both know; one that shares nothing becomes a new root branch; one that
//! goes further back than a stemmed root gives that root its ancestors back (as CouchDB's key tree
//! does; [`RevTree::stem`] trims them again).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A revision id, `N-sig`: its depth in the tree (1 for a document's first revision) and signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rev {
    /// The depth: 1 for a document's first revision, one more for each edit after it.
    pub pos: u32,
    /// The signature (32 hex digits when made here or by CouchDB; any text from elsewhere).
    pub sig: String,
}

impl Rev {
    /// Reads `"3-abc"`; `None` when it is not `<positive integer>-<non-empty sig>`.
    ///
    /// The depth is digits only, without a leading zero, so that a revision has one spelling and
    /// `parse` undoes `to_string` exactly.
    pub fn parse(text: &str) -> Option<Rev> {
        let (pos, sig) = text.split_once('-')?;
        let digits_only = !pos.is_empty() && pos.bytes().all(|b| b.is_ascii_digit());
        if !digits_only || pos.starts_with('0') || sig.is_empty() {
            return None;
        }
        Some(Rev {
            pos: pos.parse().ok()?,
            sig: sig.to_owned(),
        })
    }

    /// The key the tree's nodes are sorted by.
    fn key(&self) -> (u32, &str) {
        (self.pos, &self.sig)
    }
}

impl fmt::Display for Rev {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.pos, self.sig)
    }
}

/// CouchDB's `_revisions` of a document: the newest revision's depth and the signatures from the
/// newest back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revisions {
    /// The newest revision's depth.
    pub start: u32,
    /// Signatures, the newest first, each the parent of the one before it.
    pub ids: Vec<String>,
}

impl Revisions {
    /// The newest revision, if `ids` is not empty (and `start` is a depth, not 0).
    pub fn newest(&self) -> Option<Rev> {
        let sig = self.ids.first()?;
        (self.start > 0).then(|| Rev {
            pos: self.start,
            sig: sig.clone(),
        })
    }

    /// The revisions, the oldest first; `None` when the history would reach below depth 1 (or
    /// names none), which no real document's does.
    fn oldest_first(&self) -> Option<Vec<Rev>> {
        let count = u32::try_from(self.ids.len()).ok()?;
        let oldest = self.start.checked_sub(count)?.checked_add(1)?;
        if count == 0 || oldest == 0 {
            return None;
        }
        let revs = self.ids.iter().rev().zip(oldest..);
        Some(
            revs.map(|(sig, pos)| Rev {
                pos,
                sig: sig.clone(),
            })
            .collect(),
        )
    }
}

/// A leaf of the tree: a revision with no child, deleted (a tombstone) or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// The revision.
    pub rev: Rev,
    /// Whether it deletes the document.
    pub deleted: bool,
}

impl Leaf {
    /// How good a winner the leaf is, greater is better: not deleted, then deeper, then the
    /// greater signature (byte order, which is JavaScript's string order for the ASCII signatures
    /// CouchDB and PouchDB make).
    fn rank(&self) -> (bool, u32, &str) {
        (!self.deleted, self.rev.pos, &self.rev.sig)
    }
}

/// One revision in the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Node {
    rev: Rev,
    /// The parent's index in `RevTree::nodes`, always smaller than the node's own (a parent is
    /// one level shallower and the nodes are sorted by depth); `None` for a root, which is a first
    /// revision or one whose ancestors were stemmed or never seen.
    parent: Option<usize>,
    /// Whether this revision was a deletion, as this replica was told. It only matters for
    /// leaves: a revision that has a child never becomes a leaf again.
    deleted: bool,
}

/// A node as stored: `[pos, sig, parent, deleted]` with `parent` the parent's index plus one (0
/// for a root) and `deleted` 0 or 1, so a one-revision tree is `[[1,"<32 hex>",0,0]]` (44 bytes).
type StoredNode = (u32, String, usize, u8);

/// The revision tree of one document (every branch it has, possibly stemmed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "Vec<StoredNode>", try_from = "Vec<StoredNode>")]
pub struct RevTree {
    /// Sorted by [`Rev::key`], each revision once.
    nodes: Vec<Node>,
}

impl From<RevTree> for Vec<StoredNode> {
    fn from(tree: RevTree) -> Self {
        let stored = tree.nodes.into_iter().map(|node| {
            let parent = node.parent.map_or(0, |index| index + 1);
            (node.rev.pos, node.rev.sig, parent, u8::from(node.deleted))
        });
        stored.collect()
    }
}

impl TryFrom<Vec<StoredNode>> for RevTree {
    type Error = String;

    /// Rebuilds a stored tree, refusing one that breaks the invariants the methods rely on
    /// (sorted, each revision once, a parent before its child and one level above it), since
    /// IndexedDB hands back whatever was written, by any version of the app.
    fn try_from(stored: Vec<StoredNode>) -> Result<Self, Self::Error> {
        let mut nodes: Vec<Node> = Vec::with_capacity(stored.len());
        for (index, (pos, sig, parent, deleted)) in stored.into_iter().enumerate() {
            let rev = Rev { pos, sig };
            if pos == 0 {
                return Err(format!("revision tree: node {index} has depth 0"));
            }
            if nodes.last().is_some_and(|last| last.rev.key() >= rev.key()) {
                return Err(format!(
                    "revision tree: node {index} ({rev}) is out of order"
                ));
            }
            if deleted > 1 {
                return Err(format!(
                    "revision tree: node {index} has deleted = {deleted}"
                ));
            }
            let parent = match parent.checked_sub(1) {
                None => None,
                Some(p)
                    if nodes
                        .get(p)
                        .is_some_and(|up| up.rev.pos.checked_add(1) == Some(pos)) =>
                {
                    Some(p)
                }
                Some(p) => return Err(format!("revision tree: node {index} has a bad parent {p}")),
            };
            nodes.push(Node {
                rev,
                parent,
                deleted: deleted == 1,
            });
        }
        Ok(RevTree { nodes })
    }
}

impl RevTree {
    /// Whether the tree has no revision at all (a document this replica never saw).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// How many revisions the tree holds.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the tree holds this revision (leaf or not).
    pub fn contains(&self, rev: &Rev) -> bool {
        self.find(rev).is_some()
    }

    /// Every leaf, the winner first and then the rest in the same order of merit (not deleted
    /// before deleted, then deeper first, then the greater signature first).
    pub fn leaves(&self) -> Vec<Leaf> {
        let mut has_child = vec![false; self.nodes.len()];
        for parent in self.nodes.iter().filter_map(|node| node.parent) {
            if let Some(flag) = has_child.get_mut(parent) {
                *flag = true;
            }
        }
        let mut leaves: Vec<Leaf> = (self.nodes.iter().zip(has_child))
            .filter(|(_, has_child)| !has_child)
            .map(|(node, _)| Leaf {
                rev: node.rev.clone(),
                deleted: node.deleted,
            })
            .collect();
        leaves.sort_by(|a, b| b.rank().cmp(&a.rank()));
        leaves
    }

    /// The winning leaf, as CouchDB and PouchDB choose it on every replica; `None` for an empty
    /// tree.
    ///
    /// A leaf that is not deleted beats a deleted one; then the greater depth (pos); then the
    /// greater sig (plain string comparison, as PouchDB's `winningRev` does). Being a pure
    /// function of the leaves, it needs no agreement between replicas beyond knowing them.
    pub fn winner(&self) -> Option<Leaf> {
        self.leaves().into_iter().next()
    }

    /// The leaves that are neither the winner nor deleted (CouchDB's `_conflicts`), in the order
    /// of [`RevTree::leaves`].
    pub fn conflicts(&self) -> Vec<Rev> {
        let others = self.leaves().into_iter().skip(1);
        others
            .filter(|leaf| !leaf.deleted)
            .map(|leaf| leaf.rev)
            .collect()
    }

    /// Merges a revision given with its history (as a document's `_revisions` carries it) whose
    /// newest revision is deleted or not; returns whether the tree changed.
    ///
    /// Histories may be stemmed on either side: the new part attaches below the deepest revision
    /// both know; with nothing in common, the path becomes a new root branch (as CouchDB does); a
    /// history reaching further back than a root of the tree gives that root its ancestors. A
    /// known revision merged as deleted is marked deleted. Merging what is already there changes
    /// nothing, and the order of merges does not matter. A malformed history (empty, or reaching
    /// below depth 1) changes nothing.
    ///
    /// `true` does not mean the newest revision is new (it may only have gained ancestors):
    /// ask [`RevTree::contains`] first when that is the question.
    pub fn merge(&mut self, revisions: &Revisions, deleted: bool) -> bool {
        let Some(path) = revisions.oldest_first() else {
            return false;
        };
        let newest = path.len() - 1;
        let shared = path.iter().rposition(|rev| self.contains(rev));
        let mut changed = false;

        // The part the tree lacks, below the deepest shared revision (or a new root branch). Each
        // node goes after its parent in the sorted order, so the parent's index stays valid.
        let first_new = shared.map_or(0, |s| s + 1);
        let mut parent = shared.and_then(|s| self.find(&path[s]));
        for (index, rev) in path.iter().enumerate().skip(first_new) {
            parent = Some(self.insert(rev.clone(), parent, deleted && index == newest));
            changed = true;
        }

        if let Some(shared) = shared {
            if shared == newest && deleted {
                changed |= self.mark_deleted(&path[newest]);
            }
            changed |= self.link_ancestors(&path[..=shared]);
        }
        changed
    }

    /// The history of `rev` from it back to its oldest known ancestor, as `_revisions`, at most
    /// `limit` ids but always at least `rev` itself (a history naming nothing names no revision);
    /// `None` when the tree lacks `rev`.
    pub fn history(&self, rev: &Rev, limit: usize) -> Option<Revisions> {
        let mut node = self.nodes.get(self.find(rev)?)?;
        let mut ids = vec![node.rev.sig.clone()];
        while ids.len() < limit {
            let Some(parent) = node.parent.and_then(|p| self.nodes.get(p)) else {
                break;
            };
            ids.push(parent.rev.sig.clone());
            node = parent;
        }
        Some(Revisions {
            start: rev.pos,
            ids,
        })
    }

    /// Adds a new revision as a child of `parent` (`None`: a first revision, pos 1) with signature
    /// `sig`; returns it.
    ///
    /// A parent the tree lacks is treated as `None`'s case only if the tree is empty; otherwise
    /// the child still gets pos = parent.pos + 1 and becomes a new root branch. A revision the
    /// tree already has (the same edit made again, with [`sig_of`]) is not added twice.
    pub fn extend(&mut self, parent: Option<&Rev>, sig: String, deleted: bool) -> Rev {
        let known = parent.filter(|parent| self.contains(parent));
        let pos = match parent {
            Some(parent) if !self.is_empty() => parent.pos.saturating_add(1),
            _ => 1,
        };
        let rev = Rev { pos, sig };
        // Merged as a one- or two-revision history, so that an edit the tree already has (or has
        // as a root whose parent it did not know) is handled as any merge is.
        let mut ids = vec![rev.sig.clone()];
        ids.extend(known.map(|parent| parent.sig.clone()));
        self.merge(&Revisions { start: pos, ids }, deleted);
        rev
    }

    /// Which of `revs` the tree lacks (a local `_revs_diff`), in the given order.
    pub fn missing<'a>(&self, revs: &'a [Rev]) -> Vec<&'a Rev> {
        revs.iter().filter(|rev| !self.contains(rev)).collect()
    }

    /// Drops revisions more than `depth` levels above every leaf (CouchDB's revs_limit), keeping
    /// every leaf and the `depth` newest revisions of each branch (a `depth` of 0 keeps the leaves
    /// alone). A revision whose parent is dropped becomes a root.
    pub fn stem(&mut self, depth: usize) {
        let keep_within = depth.max(1);
        // How far each node is from its nearest leaf below it. Children come after their parents,
        // so walking backwards settles every child before its parent.
        let mut to_leaf = vec![usize::MAX; self.nodes.len()];
        for index in (0..self.nodes.len()).rev() {
            let own = match to_leaf.get_mut(index) {
                Some(distance) if *distance == usize::MAX => {
                    *distance = 0;
                    0
                }
                Some(distance) => *distance,
                None => continue,
            };
            let parent = self.nodes.get(index).and_then(|node| node.parent);
            if let Some(distance) = parent.and_then(|p| to_leaf.get_mut(p)) {
                *distance = (*distance).min(own + 1);
            }
        }

        let mut new_index = vec![None; self.nodes.len()];
        let mut kept = Vec::with_capacity(self.nodes.len());
        let nodes = std::mem::take(&mut self.nodes);
        for ((node, distance), new) in nodes.into_iter().zip(to_leaf).zip(0..) {
            if distance < keep_within {
                let parent = node
                    .parent
                    .and_then(|p| new_index.get(p).copied().flatten());
                if let Some(slot) = new_index.get_mut(new) {
                    *slot = Some(kept.len());
                }
                kept.push(Node { parent, ..node });
            }
        }
        self.nodes = kept;
    }

    /// Where `rev` is in `nodes`.
    fn find(&self, rev: &Rev) -> Option<usize> {
        self.nodes
            .binary_search_by(|node| node.rev.key().cmp(&rev.key()))
            .ok()
    }

    /// Puts a revision the tree lacks in its sorted place under `parent` (an index, which must be
    /// before that place: the parent is one level up) and returns its index. Later nodes move one
    /// place along, and so do the parent indices pointing at them.
    fn insert(&mut self, rev: Rev, parent: Option<usize>, deleted: bool) -> usize {
        let index = match self
            .nodes
            .binary_search_by(|node| node.rev.key().cmp(&rev.key()))
        {
            Ok(index) => return index,
            Err(index) => index,
        };
        for node in &mut self.nodes {
            if let Some(p) = node.parent.as_mut().filter(|p| **p >= index) {
                *p += 1;
            }
        }
        let node = Node {
            rev,
            parent,
            deleted,
        };
        self.nodes.insert(index, node);
        index
    }

    /// Marks a revision the tree holds as deleted; returns whether it was not already.
    fn mark_deleted(&mut self, rev: &Rev) -> bool {
        let node = self.find(rev).and_then(|index| self.nodes.get_mut(index));
        match node {
            Some(node) if !node.deleted => {
                node.deleted = true;
                true
            }
            _ => false,
        }
    }

    /// Walks `path` (oldest first, its newest revision in the tree) upwards, giving each root met
    /// on it its parent from the path, added as a new root when the tree lacks it. Stops at a
    /// revision whose parent in the tree is another one than the path says: the tree's own
    /// knowledge wins (real histories never disagree, revision ids being hashes of their parent).
    fn link_ancestors(&mut self, path: &[Rev]) -> bool {
        let mut changed = false;
        for pair in path.windows(2).rev() {
            let [parent, child] = pair else { break };
            let Some(child_index) = self.find(child) else {
                break;
            };
            let known_parent = self.nodes.get(child_index).and_then(|node| node.parent);
            match known_parent {
                Some(p) if self.nodes.get(p).is_some_and(|node| &node.rev == parent) => continue,
                Some(_) => break,
                None => {}
            }
            let parent_index = match self.find(parent) {
                Some(index) => index,
                None => self.insert(parent.clone(), None, false),
            };
            // Inserting the parent moved the child one place along.
            let child = self.find(child).and_then(|index| self.nodes.get_mut(index));
            if let Some(child) = child {
                child.parent = Some(parent_index);
                changed = true;
            }
        }
        changed
    }
}

/// A revision's signature: 32 lowercase hex digits, deterministic in its parent, its deletedness
/// and its body, so the same edit made from the same parent on two devices gets the same
/// revision, as CouchDB's deterministic revisions do.
///
/// Two 64-bit FNV-1a lanes with different starting states, each finished by SplitMix64's mixer.
/// It is not cryptographic and need not be: it only has to tell honest edits apart, not resist
/// anyone crafting collisions (whoever could, owns the database anyway).
pub fn sig_of(parent: Option<&Rev>, deleted: bool, body: &str) -> String {
    let parent = parent.map(Rev::to_string).unwrap_or_default();
    let mut lanes = [Fnv(0xcbf2_9ce4_8422_2325), Fnv(0x6c62_272e_07bb_0142)];
    for lane in &mut lanes {
        // The parent's length first, so that no parent and body split the same bytes twice.
        lane.write(&(parent.len() as u64).to_le_bytes());
        lane.write(parent.as_bytes());
        lane.write(&[u8::from(deleted)]);
        lane.write(body.as_bytes());
    }
    let [high, low] = lanes.map(|lane| mix(lane.0));
    format!("{high:016x}{low:016x}")
}

/// A 64-bit FNV-1a hash in progress.
struct Fnv(u64);

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// SplitMix64's finalizer: FNV's last bytes barely reach its high bits; this spreads them.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests;
