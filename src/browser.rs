//! Small browser helpers that several parts of the app share: asking whether `navigator` offers a
//! feature at all, and reloading the page. Only for `wasm32`.

use wasm_bindgen::JsValue;

/// True when the browser's `navigator` has a property called `name` (`"storage"`,
/// `"serviceWorker"`...): old browsers, plain http and some private modes leave some out, and
/// web-sys's getters assume they are there.
pub fn navigator_has(name: &str) -> bool {
    web_sys::window().is_some_and(|window| {
        js_sys::Reflect::has(&window.navigator(), &JsValue::from_str(name)).unwrap_or(false)
    })
}

/// Reloads the page (nothing happens where there is no window).
pub fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}
