//! Small browser helpers that several parts of the app share: asking whether `navigator` offers a
//! feature at all, reloading the page, and giving the page a turn in long work. Only for `wasm32`.

use wasm_bindgen::{JsCast, JsValue};

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

/// Gives the page a turn (input, rendering, other tasks) in long work, and goes on as soon as it
/// has had it: a message posted to itself, which is never held back the 4 ms by which browsers
/// delay a zero timeout set again and again (a search at a million books breathes a dozen
/// times). Falls back to a zero timeout where there is no `MessageChannel`.
pub async fn yield_to_page() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        gloo_timers::future::TimeoutFuture::new(0).await;
        return;
    };
    let turn = js_sys::Promise::new(&mut |resolve, _reject| {
        channel
            .port1()
            .set_onmessage(Some(resolve.unchecked_ref::<js_sys::Function>()));
        let _ = channel.port2().post_message(&JsValue::NULL);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(turn).await;
    channel.port1().set_onmessage(None);
}
