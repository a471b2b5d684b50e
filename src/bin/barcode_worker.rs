//! The barcode worker: a Web Worker of its own wasm, started by the page on the first photo of a
//! barcode (`ui::scan`), so the decoder is never part of the app's first load. It holds only
//! `bookshelf::barcode` and the bindings (no Leptos).
//!
//! Messages: it posts `{ready: true}` once it listens (a message sent before would be lost);
//! then each `{width, height, pixels}` (RGBA or one byte a pixel) is answered with
//! `{digits: "13 digits"}` or `{digits: null}`.

#[cfg(target_arch = "wasm32")]
fn main() {
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let digits = read(&event.data()).map_or(JsValue::NULL, |d| JsValue::from_str(&d));
        let _ = replies.post_message(&answer("digits", &digits));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page wants it: its handler is never dropped.
    on_message.forget();
    let _ = scope.post_message(&answer("ready", &JsValue::TRUE));
}

/// `{key: value}`.
#[cfg(target_arch = "wasm32")]
fn answer(key: &str, value: &wasm_bindgen::JsValue) -> wasm_bindgen::JsValue {
    let object = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&object, &key.into(), value);
    object.into()
}

/// The barcode's digits in a `{width, height, pixels}` message, if it holds one.
#[cfg(target_arch = "wasm32")]
fn read(data: &wasm_bindgen::JsValue) -> Option<String> {
    let number = |key: &str| {
        let value = js_sys::Reflect::get(data, &key.into()).ok()?.as_f64()?;
        (1.0..=1.0e5).contains(&value).then_some(value as usize)
    };
    let (width, height) = (number("width")?, number("height")?);
    let pixels = js_sys::Reflect::get(data, &"pixels".into()).ok()?;
    // A Uint8ClampedArray (a canvas's pixels) or a Uint8Array, copied into wasm memory.
    let pixels = js_sys::Uint8Array::new(&pixels).to_vec();
    let gray = if pixels.len() == width * height * 4 {
        bookshelf::barcode::grayscale_from_rgba(&pixels)
    } else {
        pixels
    };
    bookshelf::barcode::decode_ean13(&gray, width, height)
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The barcode worker runs in the browser: Trunk builds it with the app.");
}
