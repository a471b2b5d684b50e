//! The crash notice in real Chromium: after a real panic, with the app's panic hook installed,
//! the page says that Bookshelf stopped and that the books are safe, and the console has the
//! panic's message. (Its own test binary: after a panic the wasm instance is not to be trusted
//! with other tests.)
#![cfg(target_arch = "wasm32")]

use bookshelf::ui::install_panic_hook;
use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use js_sys::Function;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

mod common;
use common::global_strings;

wasm_bindgen_test_configure!(run_in_browser);

/// The text of the page's first `role="alert"` element, if there is one.
fn alert_text() -> Option<String> {
    let document = web_sys::window()?.document()?;
    document
        .query_selector("[role=alert]")
        .ok()??
        .text_content()
}

/// Wraps `console.error` to keep what it is given (in `globalThis.__errors`), and passes it on.
fn record_console_errors() {
    Function::new_no_args(
        r#"
        globalThis.__errors = [];
        const original = console.error;
        console.error = function (...args) {
          globalThis.__errors.push(args.map(String).join(' '));
          return original.apply(this, args);
        };
        "#,
    )
    .call0(&JsValue::NULL)
    .unwrap();
}

fn console_errors() -> Vec<String> {
    global_strings("__errors")
}

#[wasm_bindgen_test]
async fn a_panic_says_on_the_page_that_the_app_stopped_and_the_books_are_safe() {
    // The promise (README, Reliability): a panic is logged with its message, and the page says
    // that the app stopped and the books are safe.
    // The app's hook replaces the test harness's for good (Rust refuses to change hooks once a
    // panic has happened): a failure below is still a failed test, logged by this hook.
    install_panic_hook();
    record_console_errors();
    assert_eq!(alert_text(), None, "no notice before the panic");

    // A real panic, in a callback the browser calls later (as it calls the app's event handlers),
    // so that the abort ends that callback and not this test.
    Timeout::new(0, || panic!("a panic the test caused")).forget();

    let mut notice = None;
    for _ in 0..250 {
        notice = alert_text();
        if notice.is_some() {
            break;
        }
        TimeoutFuture::new(20).await;
    }
    let Some(notice) = notice else {
        panic!("no role=\"alert\" notice within 5 s of the panic");
    };
    assert!(
        notice.contains("Bookshelf stopped because of an internal error"),
        "{notice}"
    );
    assert!(notice.contains("Your stored books are safe"), "{notice}");
    assert!(notice.contains("reload the page"), "{notice}");
    let errors = console_errors();
    assert!(
        errors
            .iter()
            .any(|error| error.contains("a panic the test caused")),
        "the panic's message is logged: {errors:?}"
    );
}
