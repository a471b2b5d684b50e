//! Books as CouchDB documents: the body a book is synced as (its fields as the JSON export
//! writes them, without the local `id`; the uid is the document's `_id`), and the book a
//! document from elsewhere holds, checked like any import.

use serde_json::{Map, Value};

use super::tree::{Rev, Revisions};
use crate::book::{check_uid, Book, NewBook};

/// A book's body as stored and sent: canonical JSON (fields in one order, empty ones left out),
/// so that the same book always reads the same and an unchanged book is seen as unchanged.
pub fn body_of(book: &Book) -> String {
    canonical(book.to_new())
}

/// The canonical body of a checked new book: its fields in one (sorted) order, without the uid
/// (the document's `_id`) and without the empty ones.
fn canonical(book: NewBook) -> String {
    match serde_json::to_value(&book) {
        Ok(Value::Object(mut fields)) => {
            fields.remove("uid");
            fields.retain(|_, value| !value.is_null());
            Value::Object(fields).to_string()
        }
        _ => String::new(),
    }
}

/// A document as another replica sent it: its id, newest revision and history, and its body
/// (`None` for a deletion).
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    /// The document's `_id` (the book's uid).
    pub id: String,
    /// `_revisions`: the newest revision and its ancestors.
    pub revisions: Revisions,
    /// Whether this revision deletes the document.
    pub deleted: bool,
    /// The book's canonical body, when not deleted.
    pub body: Option<String>,
}

/// Why a document could not be taken as a book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotABook {
    /// The document's `_id`, when it had one.
    pub id: String,
    /// What is wrong, in words.
    pub reason: String,
}

impl std::fmt::Display for NotABook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "document “{}” is not a book: {}", self.id, self.reason)
    }
}

/// Reads a document from `_bulk_get` or `open_revs` (with `revs=true`) as a book's revision.
pub fn incoming(document: &Value) -> Result<Incoming, NotABook> {
    let id = document
        .get("_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let fail = |reason: &str| NotABook {
        id: id.clone(),
        reason: reason.to_owned(),
    };
    let uid = check_uid(&id).map_err(|_| fail("its _id cannot be a book's uid"))?;
    if uid.is_empty() {
        return Err(fail("it has no _id"));
    }
    let rev = document
        .get("_rev")
        .and_then(Value::as_str)
        .and_then(Rev::parse)
        .ok_or_else(|| fail("it has no valid _rev"))?;
    let revisions = match document.get("_revisions") {
        Some(value) => serde_json::from_value::<Revisions>(value.clone())
            .map_err(|_| fail("its _revisions are malformed"))?,
        None => Revisions {
            start: rev.pos,
            ids: vec![rev.sig.clone()],
        },
    };
    if revisions.newest().as_ref() != Some(&rev) {
        return Err(fail("its _revisions do not end at its _rev"));
    }
    let deleted = document.get("_deleted").and_then(Value::as_bool) == Some(true);
    let body = if deleted {
        None
    } else {
        let mut fields: Map<String, Value> = document
            .as_object()
            .map(|object| {
                object
                    .iter()
                    .filter(|(key, _)| !key.starts_with('_'))
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect()
            })
            .unwrap_or_default();
        fields.remove("uid");
        fields.remove("id");
        // A field left out or null is empty; the check below says when it may not be.
        fields.retain(|_, value| !value.is_null());
        for required in ["title", "author", "genre"] {
            fields.entry(required).or_insert_with(|| Value::from(""));
        }
        let book: NewBook = serde_json::from_value(Value::Object(fields))
            .map_err(|error| fail(&error.to_string()))?;
        let book = book.validated().map_err(|error| fail(&error.to_string()))?;
        Some(canonical(book))
    };
    Ok(Incoming {
        id: uid,
        revisions,
        deleted,
        body,
    })
}

/// The book a stored canonical body holds, with its uid.
pub fn book_of(uid: &str, body: &str) -> Option<NewBook> {
    let mut book: NewBook = serde_json::from_str(body).ok()?;
    book.uid = uid.to_owned();
    Some(book)
}

/// The document to send for revision `rev` of book `uid` (`body` `None`: a deletion), with its
/// history for `_bulk_docs` with `new_edits: false`.
pub fn outgoing(uid: &str, rev: &Rev, revisions: &Revisions, body: Option<&str>) -> Value {
    let mut document = match body.and_then(|body| serde_json::from_str::<Value>(body).ok()) {
        Some(Value::Object(fields)) => fields,
        _ => Map::new(),
    };
    document.insert("_id".into(), Value::from(uid));
    document.insert("_rev".into(), Value::from(rev.to_string()));
    if body.is_none() {
        document.insert("_deleted".into(), Value::Bool(true));
    }
    document.insert(
        "_revisions".into(),
        serde_json::to_value(revisions).unwrap_or(Value::Null),
    );
    Value::Object(document)
}

/// A book's fields in words, each with its label, for setting two versions side by side.
pub fn in_words(book: &NewBook) -> Vec<(&'static str, String)> {
    let dates = |day: Option<crate::book::Date>| day.map(|day| day.to_string()).unwrap_or_default();
    let readings = book
        .readings
        .iter()
        .map(|reading| format!("{}–{}", dates(reading.started), dates(reading.finished)))
        .collect::<Vec<_>>()
        .join(", ");
    let loans = book
        .loans
        .iter()
        .map(|loan| {
            let back = loan
                .returned
                .map(|day| format!(", returned {day}"))
                .unwrap_or_default();
            format!(
                "{} from {} until {}{back}",
                loan.borrower, loan.lent_on, loan.due
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let series = book.series.as_ref().map(|series| match series.number {
        Some(number) => format!("{}, #{number}", series.name),
        None => series.name.clone(),
    });
    let shown = |value: Option<String>| value.unwrap_or_default();
    vec![
        ("Title", book.title.clone()),
        ("Author", book.author.clone()),
        ("Genre", book.genre.clone()),
        ("ISBN", shown(book.isbn.clone())),
        ("Year", shown(book.year.map(|year| year.to_string()))),
        (
            "Status",
            shown(book.status.map(|status| status.label().to_owned())),
        ),
        (
            "Rating",
            shown(book.rating.map(|stars| format!("{stars} of 5"))),
        ),
        ("Readings", readings),
        ("Series", shown(series)),
        ("Tags", book.tags.join(", ")),
        ("Pages", shown(book.pages.map(|pages| pages.to_string()))),
        (
            "Format",
            shown(book.format.map(|format| format.label().to_owned())),
        ),
        ("Publisher", book.publisher.clone()),
        ("Added", dates(book.added)),
        (
            "Copies",
            shown(book.copies.map(|copies| copies.to_string())),
        ),
        ("Location", book.location.clone()),
        ("Loans", loans),
        ("Note", book.note.clone()),
    ]
}

/// The fields in which versions differ: each label with every version's value, in order.
pub fn differences(versions: &[NewBook]) -> Vec<(&'static str, Vec<String>)> {
    let described: Vec<_> = versions.iter().map(in_words).collect();
    let Some(first) = described.first() else {
        return Vec::new();
    };
    (0..first.len())
        .filter_map(|field| {
            let values: Vec<String> = described
                .iter()
                .map(|fields| {
                    fields
                        .get(field)
                        .map(|(_, value)| value.clone())
                        .unwrap_or_default()
                })
                .collect();
            let differ = values.iter().any(|value| value != &values[0]);
            differ.then(|| (first[field].0, values))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn book() -> Book {
        NewBook {
            uid: "b-1".into(),
            title: "Dune".into(),
            author: "Frank Herbert".into(),
            ..NewBook::default()
        }
        .validated()
        .expect("a valid book")
        .with_id(7)
    }

    #[test]
    fn a_body_leaves_out_the_local_id_and_the_uid() {
        let body = body_of(&book());
        assert!(body.contains("\"title\":\"Dune\""), "{body}");
        assert!(!body.contains("b-1") && !body.contains("\"id\""), "{body}");
        assert_eq!(body, body_of(&book()), "the same book reads the same");
    }

    #[test]
    fn a_document_round_trips_through_the_wire_form() {
        let rev = Rev::parse("2-abc").expect("a revision");
        let revisions = Revisions {
            start: 2,
            ids: vec!["abc".into(), "def".into()],
        };
        let body = body_of(&book());
        let sent = outgoing("b-1", &rev, &revisions, Some(&body));
        assert_eq!(sent["_id"], "b-1");
        assert_eq!(sent["_rev"], "2-abc");
        assert_eq!(sent["_revisions"]["ids"][1], "def");
        let back = incoming(&sent).expect("a book");
        assert_eq!(back.id, "b-1");
        assert_eq!(back.revisions, revisions);
        assert!(!back.deleted);
        assert_eq!(back.body.as_deref(), Some(body.as_str()));
        let book = book_of("b-1", &body).expect("the body reads back");
        assert_eq!(book.title, "Dune");
        assert_eq!(book.uid, "b-1");
    }

    #[test]
    fn versions_are_compared_field_by_field() {
        let one = book().to_new();
        let mut two = one.clone();
        two.title = "Dune Messiah".into();
        two.note = "signed".into();
        let differences = differences(&[one.clone(), two]);
        assert_eq!(
            differences,
            vec![
                ("Title", vec!["Dune".to_owned(), "Dune Messiah".to_owned()]),
                ("Note", vec![String::new(), "signed".to_owned()]),
            ]
        );
        assert!(super::differences(&[one.clone(), one]).is_empty());
    }

    #[test]
    fn a_deletion_has_no_body() {
        let sent = json!({"_id": "b-1", "_rev": "3-x", "_deleted": true,
                          "_revisions": {"start": 3, "ids": ["x", "y", "z"]}});
        let back = incoming(&sent).expect("a deletion");
        assert!(back.deleted && back.body.is_none());
        let outgoing = outgoing(
            "b-1",
            &Rev::parse("3-x").expect("rev"),
            &back.revisions,
            None,
        );
        assert_eq!(outgoing["_deleted"], true);
    }

    #[test]
    fn documents_that_are_not_books_are_refused_with_a_reason() {
        let cases = [
            json!({"_id": "b-1", "_rev": "1-a", "author": "No title"}),
            json!({"_id": "_design/x", "_rev": "1-a", "title": "T", "author": "A"}),
            json!({"_id": "b-1", "title": "T", "author": "A"}),
            json!({"_id": "b-1", "_rev": "2-a", "_revisions": {"start": 1, "ids": ["a"]},
                   "title": "T", "author": "A"}),
            json!({"_id": "b-1", "_rev": "1-a", "title": "T", "author": "A", "year": "soon"}),
        ];
        for case in cases {
            let refused = incoming(&case).expect_err("not a book");
            assert!(!refused.reason.is_empty(), "{case}");
        }
    }

    #[test]
    fn fields_from_elsewhere_are_checked_and_made_canonical() {
        let sent = json!({"_id": "b-2", "_rev": "1-a", "author": " Ursula K. Le Guin ",
                          "title": "The Dispossessed", "extra": 1});
        let back = incoming(&sent).expect("a book");
        let body = back.body.expect("a body");
        assert!(
            body.starts_with("{\"author\":\"Ursula K. Le Guin\""),
            "{body}"
        );
        assert!(body.contains("\"title\":\"The Dispossessed\""), "{body}");
        assert!(!body.contains("extra") && !body.contains("uid"), "{body}");
    }
}
