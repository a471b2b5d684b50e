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

/// Today in the person's own time zone (what "today" means on their calendar).
pub fn today() -> crate::book::Date {
    let now = js_sys::Date::new_0();
    crate::book::Date::new(
        u16::try_from(now.get_full_year()).unwrap_or(1970),
        u8::try_from(now.get_month() + 1).unwrap_or(1),
        u8::try_from(now.get_date()).unwrap_or(1),
    )
    .unwrap_or(crate::book::Date::EPOCH)
}
