//! Durability in real IndexedDB: imports and upgrades ask for `durability: 'strict'` (seen by
//! wrapping `IDBDatabase.prototype.transaction`), single writes keep the browser's default, and a
//! write the browser aborts at commit is a failure with its own cause, never "storage is full".
#![cfg(target_arch = "wasm32")]

use bookshelf::book::NewBook;
use bookshelf::store::{BookRepository, StoreError};
use js_sys::Function;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

mod common;
use common::old_versions::version_one;
use common::{fresh, global_strings, restore_transactions};

wasm_bindgen_test_configure!(run_in_browser);

/// Wraps `IDBDatabase.prototype.transaction` to record the durability each read-write transaction
/// over `books` asks for (in `globalThis.__durability`); with `abort_strict`, a strict transaction
/// is aborted by the page right after its first request succeeds (an abort at commit).
fn record_transactions(abort_strict: bool) {
    let install = Function::new_with_args(
        "abortStrict",
        r#"
        const proto = IDBDatabase.prototype;
        if (!proto.__original) proto.__original = proto.transaction;
        globalThis.__durability = [];
        proto.transaction = function (stores, mode, options) {
          const tx = options === undefined
            ? proto.__original.call(this, stores, mode)
            : proto.__original.call(this, stores, mode, options);
          const names = [].concat(stores);
          if (mode === 'readwrite' && names.includes('books')) {
            const durability = (options && options.durability) || 'default';
            globalThis.__durability.push(durability);
            if (abortStrict && durability === 'strict') {
              const store = tx.objectStore('books');
              const request = store.count();
              request.onsuccess = () => tx.abort();
            }
          }
          return tx;
        };
        "#,
    );
    install
        .call1(&JsValue::NULL, &JsValue::from_bool(abort_strict))
        .unwrap();
}

fn recorded() -> Vec<String> {
    global_strings("__durability")
}

#[wasm_bindgen_test]
async fn an_import_asks_for_strict_durability_and_single_writes_do_not() {
    let repository = fresh("durability_import").await;
    record_transactions(false);
    let books = vec![NewBook::new("Dune", "Frank Herbert", "")];
    repository
        .write_many_with_progress(Vec::new(), books, |_, _| {})
        .await
        .unwrap();
    repository
        .create(NewBook::new("Emma", "Jane Austen", ""))
        .await
        .unwrap();
    restore_transactions();
    assert_eq!(recorded(), ["strict", "default"]);
    assert_eq!(repository.count().await.unwrap(), 2);
    repository.close();
}

#[wasm_bindgen_test]
async fn an_upgrade_rewrites_the_data_with_strict_durability() {
    let name = "durability_upgrade";
    version_one(name, &[r#"{"title": "Emma", "author": "Jane Austen"}"#]).await;

    record_transactions(false);
    let repository = BookRepository::open(name).await.unwrap();
    restore_transactions();
    assert_eq!(recorded(), ["strict"], "one rewrite, strict");
    let book = repository.get(1).await.unwrap().unwrap();
    assert!(!book.uid.is_empty());
    repository.close();
}

#[wasm_bindgen_test]
async fn a_write_the_browser_aborts_fails_with_its_cause_and_leaves_nothing() {
    let repository = fresh("durability_abort").await;
    record_transactions(true);
    let books = vec![
        NewBook::new("Dune", "Frank Herbert", ""),
        NewBook::new("Emma", "Jane Austen", ""),
    ];
    let outcome = repository
        .write_many_with_progress(Vec::new(), books, |_, _| {})
        .await;
    restore_transactions();
    match outcome {
        Err(StoreError::QuotaExceeded { .. }) => panic!("an abort is not a full disk"),
        Err(error) => assert!(
            error.to_string().contains("Nothing was changed")
                || error.to_string().contains("nothing was written"),
            "{error}"
        ),
        Ok(books) => panic!("an aborted write was taken for success: {books:?}"),
    }
    assert_eq!(
        repository.count().await.unwrap(),
        0,
        "nothing stayed behind"
    );
    repository.close();
}
