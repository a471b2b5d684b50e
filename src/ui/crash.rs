//! If a panic ever happens (none should: every failure is a `Result` shown as a notice), it is
//! logged with its message and place, and the page says so instead of silently freezing.

use wasm_bindgen::JsCast;

/// What the page says after a panic: the app has stopped, and the books are not harmed (every
/// write is one transaction, so one cut short by the panic leaves nothing behind).
const STOPPED: &str = "Bookshelf stopped because of an internal error (logged in the browser's \
    console). Your stored books are safe: reload the page to go on.";

/// Installs the hook; call before anything else runs.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_stopped();
    }));
}

fn show_stopped() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let Ok(alert) = document.create_element("p") else {
        return;
    };
    let _ = alert.set_attribute("role", "alert");
    let _ = alert.set_attribute("class", "notice notice-error");
    alert.set_text_content(Some(STOPPED));
    let place = document
        .get_element_by_id("main")
        .or_else(|| document.body().map(|body| body.unchecked_into()));
    if let Some(place) = place {
        let _ = place.prepend_with_node_1(&alert);
    }
}
