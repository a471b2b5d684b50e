//! The small pieces of the CouchDB replication protocol that are plain data: replication ids,
//! checkpoints and where a replication resumes, the `_changes` and `_revs_diff` answers, and the
//! `Authorization` header. Plain Rust.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::tree::{sig_of, Rev};

/// Which way a replication goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From this browser to the server.
    Up,
    /// From the server to this browser.
    Down,
}

/// The replication id of one direction between this database (`peer`) and a server database
/// (`remote`, its address and name without credentials): stable, so that a replication resumes
/// from its checkpoint, and different for each pair and direction (protocol version 3 derives it
/// from the same things).
pub fn replication_id(peer: &str, remote: &str, direction: Direction) -> String {
    let way = match direction {
        Direction::Up => "push",
        Direction::Down => "pull",
    };
    sig_of(None, false, &format!("bookshelf|3|{peer}|{remote}|{way}"))
}

/// A checkpoint document (`_local/<replication id>`), the same on both sides.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The replication session that wrote it.
    #[serde(default)]
    pub session_id: String,
    /// How far the source's changes were replicated.
    #[serde(default)]
    pub source_last_seq: Value,
    /// The protocol version of the replication id.
    #[serde(default)]
    pub replication_id_version: u32,
    /// Earlier sessions, newest first.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
}

/// A past session of a checkpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The session.
    pub session_id: String,
    /// How far it got.
    pub recorded_seq: Value,
}

/// How many past sessions a checkpoint keeps.
const HISTORY: usize = 5;

impl Checkpoint {
    /// Reads a checkpoint document (without its `_id` and `_rev`).
    pub fn from_document(document: &Value) -> Option<Checkpoint> {
        serde_json::from_value(document.clone()).ok()
    }

    /// The checkpoint after session `session_id` got to `seq`, keeping this one's history.
    pub fn next(&self, session_id: &str, seq: Value) -> Checkpoint {
        let mut history = vec![HistoryEntry {
            session_id: session_id.to_owned(),
            recorded_seq: seq.clone(),
        }];
        history.extend(
            self.history
                .iter()
                .filter(|entry| entry.session_id != session_id)
                .take(HISTORY - 1)
                .cloned(),
        );
        Checkpoint {
            session_id: session_id.to_owned(),
            source_last_seq: seq,
            replication_id_version: 3,
            history,
        }
    }

    /// The checkpoint as a document to store, with its `_id` (and `_rev`, where the server has
    /// one).
    pub fn document(&self, id: &str, rev: Option<&str>) -> Value {
        let mut document = match serde_json::to_value(self) {
            Ok(Value::Object(fields)) => fields,
            _ => Map::new(),
        };
        document.insert("_id".into(), Value::from(format!("_local/{id}")));
        if let Some(rev) = rev {
            document.insert("_rev".into(), Value::from(rev));
        }
        Value::Object(document)
    }
}

/// Where a replication resumes, from the checkpoints on both sides: the last sequence when
/// both recorded the same session, else the newest session both know, else the start
/// (CouchDB's `compare_replication_logs`). Never later than either side recorded, so nothing
/// acknowledged is lost and nothing is skipped.
pub fn resume_from(here: Option<&Checkpoint>, there: Option<&Checkpoint>) -> Value {
    let (Some(here), Some(there)) = (here, there) else {
        return Value::from(0);
    };
    if here.session_id == there.session_id && !here.session_id.is_empty() {
        return here.source_last_seq.clone();
    }
    for entry in &here.history {
        if let Some(same) = there
            .history
            .iter()
            .find(|other| other.session_id == entry.session_id)
        {
            // Both recorded this session; the earlier of the two is safe.
            return if same.recorded_seq == entry.recorded_seq {
                entry.recorded_seq.clone()
            } else {
                Value::from(0)
            };
        }
    }
    Value::from(0)
}

/// One row of a `_changes` answer (`style=all_docs`).
#[derive(Debug, Clone, Deserialize)]
pub struct ChangeRow {
    /// The change's sequence (opaque: a number on some servers, a string on CouchDB 2+).
    pub seq: Value,
    /// The document.
    pub id: String,
    /// Its leaf revisions.
    #[serde(default)]
    pub changes: Vec<ChangeRev>,
}

/// A revision named in a `_changes` row.
#[derive(Debug, Clone, Deserialize)]
pub struct ChangeRev {
    /// `N-sig`.
    pub rev: String,
}

/// A `_changes` answer.
#[derive(Debug, Clone, Deserialize)]
pub struct Changes {
    /// The changes, in the server's order.
    #[serde(default)]
    pub results: Vec<ChangeRow>,
    /// Where the next request starts.
    pub last_seq: Value,
    /// How many changes are left after these, where the server says (CouchDB 2+).
    #[serde(default)]
    pub pending: Option<u64>,
}

impl Changes {
    /// The revisions named, by document (design documents and malformed revisions left out:
    /// they are not books).
    pub fn wanted(&self) -> Vec<(String, Vec<Rev>)> {
        self.results
            .iter()
            .filter(|row| !row.id.starts_with('_'))
            .map(|row| {
                let revs = row
                    .changes
                    .iter()
                    .filter_map(|change| Rev::parse(&change.rev))
                    .collect();
                (row.id.clone(), revs)
            })
            .collect()
    }
}

/// The `_revs_diff` request for these revisions.
pub fn revs_diff_request(wanted: &[(String, Vec<Rev>)]) -> Value {
    let mut request = Map::new();
    for (id, revs) in wanted {
        let revs: Vec<Value> = revs
            .iter()
            .map(|rev| Value::from(rev.to_string()))
            .collect();
        request.insert(id.clone(), Value::Array(revs));
    }
    Value::Object(request)
}

/// The revisions a `_revs_diff` answer says are missing, by document.
pub fn revs_diff_missing(answer: &Value) -> Vec<(String, Vec<Rev>)> {
    let Some(answer) = answer.as_object() else {
        return Vec::new();
    };
    answer
        .iter()
        .filter_map(|(id, entry)| {
            let missing: Vec<Rev> = entry
                .get("missing")?
                .as_array()?
                .iter()
                .filter_map(|rev| Rev::parse(rev.as_str()?))
                .collect();
            (!missing.is_empty()).then(|| (id.clone(), missing))
        })
        .collect()
}

/// The documents of a `_bulk_get` answer (each `ok` one; errors left out).
pub fn bulk_get_documents(answer: &Value) -> Vec<Value> {
    answer
        .get("results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|result| result.get("docs")?.as_array())
        .flatten()
        .filter_map(|doc| doc.get("ok").cloned())
        .collect()
}

/// The `Authorization` header for HTTP basic authentication (UTF-8 user name and password).
pub fn basic_auth(user: &str, password: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = format!("{user}:{password}").into_bytes();
    let mut encoded = String::with_capacity(bytes.len().div_ceil(3) * 4 + 6);
    encoded.push_str("Basic ");
    for group in bytes.chunks(3) {
        let b = [
            group[0],
            *group.get(1).unwrap_or(&0),
            *group.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (position, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if position <= group.len() {
                encoded.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                encoded.push('=');
            }
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn basic_auth_is_base64_of_user_and_password() {
        assert_eq!(
            basic_auth("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(basic_auth("a", "b"), "Basic YTpi");
        assert_eq!(basic_auth("ab", "c"), "Basic YWI6Yw==");
        assert_eq!(basic_auth("é", ""), "Basic w6k6");
    }

    #[test]
    fn replication_ids_differ_by_pair_and_direction_and_stay_the_same() {
        let up = replication_id("peer", "http://localhost:5984/books", Direction::Up);
        assert_eq!(
            up,
            replication_id("peer", "http://localhost:5984/books", Direction::Up)
        );
        assert_ne!(
            up,
            replication_id("peer", "http://localhost:5984/books", Direction::Down)
        );
        assert_ne!(
            up,
            replication_id("peer", "http://localhost:5984/other", Direction::Up)
        );
        assert_ne!(
            up,
            replication_id("other", "http://localhost:5984/books", Direction::Up)
        );
    }

    #[test]
    fn a_replication_resumes_where_both_sides_agree() {
        let first = Checkpoint::default().next("s1", json!(10));
        let second = first.next("s2", json!(20));
        assert_eq!(resume_from(None, Some(&second)), json!(0));
        assert_eq!(resume_from(Some(&second), Some(&second)), json!(20));
        // The server's checkpoint write was lost: resume from the session both recorded.
        assert_eq!(resume_from(Some(&second), Some(&first)), json!(10));
        // Nothing in common: from the start.
        let stranger = Checkpoint::default().next("other", json!(99));
        assert_eq!(resume_from(Some(&second), Some(&stranger)), json!(0));
        let document = second.document("abc", Some("0-3"));
        assert_eq!(document["_id"], "_local/abc");
        assert_eq!(document["_rev"], "0-3");
        assert_eq!(Checkpoint::from_document(&document), Some(second));
    }

    #[test]
    fn protocol_answers_read_as_revisions() {
        let changes: Changes = serde_json::from_value(json!({
            "results": [
                {"seq": 1, "id": "a", "changes": [{"rev": "1-x"}, {"rev": "2-y"}]},
                {"seq": 2, "id": "_design/v", "changes": [{"rev": "1-z"}]},
                {"seq": "3-g1", "id": "b", "changes": [{"rev": "bad"}], "deleted": true}
            ],
            "last_seq": "3-g1"
        }))
        .expect("a changes answer");
        let wanted = changes.wanted();
        assert_eq!(wanted.len(), 2);
        assert_eq!(wanted[0].1.len(), 2);
        assert!(wanted[1].1.is_empty());
        let request = revs_diff_request(&wanted);
        assert_eq!(request["a"][1], "2-y");
        let missing = revs_diff_missing(&json!({"a": {"missing": ["2-y"]}, "b": {}}));
        assert_eq!(
            missing,
            vec![("a".to_owned(), vec![Rev::parse("2-y").expect("rev")])]
        );
        let docs = bulk_get_documents(&json!({"results": [
            {"id": "a", "docs": [{"ok": {"_id": "a"}}, {"error": {"id": "a"}}]}
        ]}));
        assert_eq!(docs, vec![json!({"_id": "a"})]);
    }
}
