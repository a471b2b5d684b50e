//! A photo of a barcode read in the browser: drawn on a canvas (at most [`LARGEST_SIDE`] pixels
//! a side), its pixels handed to the barcode worker (`src/bin/barcode_worker.rs`), which is
//! fetched and started on the first photo only, and kept for the next.

use std::cell::RefCell;
use std::future::Future;

use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d, File, HtmlCanvasElement, ImageBitmap, MessageEvent, Worker,
};

use crate::barcode::isbn_from_barcode;

/// The worker's loader (Trunk's `data-loader-shim`), relative to the page so that any sub-path
/// works; it loads `barcode-worker.js` and `barcode-worker_bg.wasm` beside it.
const WORKER_SCRIPT: &str = "./barcode-worker_loader.js";
/// A photo is scaled down to this many pixels on its longer side: enough for a barcode that
/// fills a third of it, and a bounded amount of work.
const LARGEST_SIDE: u32 = 1600;
/// How long the worker may take to start (it is fetched on first use).
const START_TIMEOUT_MILLIS: u32 = 30_000;

const NOT_FOUND: &str = "No ISBN barcode found in this photo: take it again closer, with the \
    whole barcode in view, flat, sharp and well lit — or type the ISBN.";

thread_local! {
    /// The worker, once started.
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

/// The ISBN on the barcode in `file`, or a sentence saying why none was read.
pub(super) async fn isbn_in_photo(file: &File) -> Result<String, String> {
    let (width, height, pixels) = pixels_of(file).await?;
    match decode(width, height, &pixels).await? {
        Some(digits) => isbn_from_barcode(&digits).ok_or_else(|| {
            format!("No ISBN barcode found in this photo: the barcode read ({digits}) is not an ISBN (those start with 978 or 979).")
        }),
        None => Err(NOT_FOUND.into()),
    }
}

/// The photo's RGBA pixels (a `Uint8ClampedArray`), on white, scaled down to fit.
async fn pixels_of(file: &File) -> Result<(u32, u32, JsValue), String> {
    let not_a_picture = |_| {
        "This file could not be read as a picture: choose a photo (JPEG, PNG, WebP…).".to_string()
    };
    let window = web_sys::window().ok_or("No window to read the photo in.")?;
    let promise = window
        .create_image_bitmap_with_blob(file)
        .map_err(not_a_picture)?;
    let bitmap: ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(not_a_picture)?
        .unchecked_into();
    let (width, height) = fit(bitmap.width(), bitmap.height());
    let drawn = draw(&window, &bitmap, width, height);
    bitmap.close();
    let pixels = drawn.map_err(|error| format!("The photo could not be read ({error:?})."))?;
    Ok((width, height, pixels))
}

/// `width` × `height` scaled to at most [`LARGEST_SIDE`] on the longer side (and at least 1).
fn fit(width: u32, height: u32) -> (u32, u32) {
    let longest = width.max(height).max(1);
    if longest <= LARGEST_SIDE {
        return (width.max(1), height.max(1));
    }
    let scale = |side: u32| {
        ((u64::from(side) * u64::from(LARGEST_SIDE) / u64::from(longest)) as u32).max(1)
    };
    (scale(width), scale(height))
}

fn draw(
    window: &web_sys::Window,
    bitmap: &ImageBitmap,
    width: u32,
    height: u32,
) -> Result<JsValue, JsValue> {
    let document = window.document().ok_or("no document")?;
    let canvas: HtmlCanvasElement = document.create_element("canvas")?.unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    let options = Object::new();
    Reflect::set(&options, &"willReadFrequently".into(), &JsValue::TRUE)?;
    let context: CanvasRenderingContext2d = canvas
        .get_context_with_context_options("2d", &options)?
        .ok_or("no 2d context")?
        .unchecked_into();
    // Transparent parts of a picture are read as white paper.
    context.set_fill_style_str("#fff");
    context.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    context.draw_image_with_image_bitmap_and_dw_and_dh(
        bitmap,
        0.0,
        0.0,
        f64::from(width),
        f64::from(height),
    )?;
    let image = context.get_image_data(0.0, 0.0, f64::from(width), f64::from(height))?;
    Reflect::get(&image, &"data".into())
}

/// The digits of the EAN-13 barcode the worker reads in the pixels, if any.
async fn decode(width: u32, height: u32, pixels: &JsValue) -> Result<Option<String>, String> {
    let worker = worker().await?;
    let message = Object::new();
    for (key, value) in [
        ("width", JsValue::from(width)),
        ("height", height.into()),
        ("pixels", pixels.clone()),
    ] {
        let _ = Reflect::set(&message, &key.into(), &value);
    }
    let reply = next_message(&worker);
    let transfer = Reflect::get(pixels, &"buffer".into())
        .map(|b| Array::of1(&b))
        .unwrap_or_default();
    let sent = worker.post_message_with_transfer(&message, &transfer);
    let answer = match sent {
        Ok(()) => reply.await,
        Err(error) => Err(error),
    };
    let data = answer.map_err(|_| {
        // A worker that failed is started afresh next time.
        WORKER.with(|w| w.borrow_mut().take().map(|w| w.terminate()));
        "The barcode reader stopped before answering: try the photo again.".to_string()
    })?;
    Ok(Reflect::get(&data, &"digits".into())
        .ok()
        .and_then(|d| d.as_string()))
}

/// The started worker: started (and its wasm fetched) on the first call.
async fn worker() -> Result<Worker, String> {
    if let Some(worker) = WORKER.with(|w| w.borrow().clone()) {
        return Ok(worker);
    }
    let cannot_start = "The barcode reader could not start: it is fetched the first time it is \
        used, so check the connection and try again.";
    let worker = Worker::new(WORKER_SCRIPT).map_err(|_| cannot_start.to_string())?;
    // The worker says when it listens: a message sent before would be lost.
    let ready = next_message(&worker);
    let started = matches!(
        select(Box::pin(ready), TimeoutFuture::new(START_TIMEOUT_MILLIS)).await,
        Either::Left((Ok(_), _))
    );
    if !started {
        worker.terminate();
        return Err(cannot_start.into());
    }
    WORKER.with(|w| *w.borrow_mut() = Some(worker.clone()));
    Ok(worker)
}

/// The worker's next message, or its error; listening starts at once (before the future is
/// awaited), so a message sent right after cannot be missed.
fn next_message(worker: &Worker) -> impl Future<Output = Result<JsValue, JsValue>> {
    let mut settle = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let handlers = settle.map(|(resolve, reject)| {
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let _ = resolve.call1(&JsValue::UNDEFINED, &event.data());
        });
        let on_error = Closure::<dyn Fn(JsValue)>::new(move |error: JsValue| {
            let _ = reject.call1(&JsValue::UNDEFINED, &error);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        (on_message, on_error)
    });
    let worker = worker.clone();
    async move {
        let result = JsFuture::from(promise).await;
        worker.set_onmessage(None);
        worker.set_onerror(None);
        drop(handlers);
        result
    }
}
