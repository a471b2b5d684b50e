//! "Scan barcode": the ISBN read off a book's barcode, by the live camera where the browser has
//! a `BarcodeDetector` that knows EAN-13, else from a photo decoded by our own reader in a Web
//! Worker loaded on first use (`scan/photo.rs`). The camera is never left on: every track stops
//! on a result, on Cancel, on an error and when the component goes away.
//!
//! The button and its status are on the first page; what a scan does (the camera, the detector,
//! the photo's reading) is a part, fetched on the first click (`ScanPart`, src/main.rs).

mod photo;

use std::future::Future;
use std::pin::Pin;

use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Function, Object, Reflect};
use leptos::{html, prelude::*, task::spawn_local};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, HtmlVideoElement, MediaStream, MediaStreamTrack};

use super::lazy::{NotLoaded, NOT_LOADED};
use crate::barcode::isbn_from_barcode;
use crate::ui::boxed::handler;

/// How often the camera's picture is handed to the detector.
const DETECT_EVERY_MILLIS: u32 = 150;
/// Detections that may fail in a row (a frame not ready yet) before the scan gives up.
const DETECT_FAILURES_ALLOWED: u32 = 20;

/// What the scanner is doing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scan {
    Idle,
    Starting,
    Camera,
    Reading,
}

/// What a click asks of the scanner's part.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// "Scan barcode": the camera, or the photo input where there is no detector for it.
    Start,
    /// A photo was chosen in "Photo of the barcode".
    Photo,
}

/// Fetches the scanner's part (at once once it is here) and does what was asked; the app
/// provides it as a context (src/main.rs splits it off).
pub type ScanPart = fn(Scanner, Ask) -> Pin<Box<dyn Future<Output = Result<(), NotLoaded>>>>;

/// What the scanner's part does: the app's split function calls it.
pub fn run(scanner: Scanner, ask: Ask) {
    match ask {
        Ask::Start => scanner.start(),
        Ask::Photo => scanner.photo_chosen(),
    }
}

/// The scanner's handles (all `Copy`), shared by its event handlers and tasks.
#[derive(Clone, Copy)]
pub struct Scanner {
    scan: RwSignal<Scan>,
    /// The last problem, shown under the button until the next scan.
    problem: RwSignal<Option<String>>,
    /// The photo input is shown once the camera could not be used.
    photo_shown: RwSignal<bool>,
    video: NodeRef<html::Video>,
    input: NodeRef<html::Input>,
    /// The open camera and the video showing it.
    camera: StoredValue<Option<(MediaStream, HtmlVideoElement)>, LocalStorage>,
    /// Bumped whenever a camera session ends, so that an older session's task stops.
    session: StoredValue<u32>,
    on_isbn: Callback<String>,
    on_problem: Callback<String>,
}

/// A "Scan barcode" button that calls `on_isbn` with the 13 digits of a book's ISBN read from
/// its barcode, or `on_problem` with a sentence saying why none was read.
#[component]
pub fn ScanBarcode(on_isbn: Callback<String>, on_problem: Callback<String>) -> impl IntoView {
    let scanner = Scanner {
        scan: RwSignal::new(Scan::Idle),
        problem: RwSignal::new(None),
        photo_shown: RwSignal::new(false),
        video: NodeRef::new(),
        input: NodeRef::new(),
        camera: StoredValue::new_local(None),
        session: StoredValue::new(0),
        on_isbn,
        on_problem,
    };
    // Cleanups run before the owner's values are disposed: the camera is still reachable here.
    on_cleanup(move || scanner.stop_camera());
    let part = use_context::<ScanPart>();
    let ask = move |ask: Ask| {
        if scanner.scan.get_untracked() != Scan::Idle {
            return;
        }
        let Some(part) = part else {
            return scanner.report(NOT_LOADED.into());
        };
        spawn_local(async move {
            if part(scanner, ask).await.is_err() {
                scanner.report(NOT_LOADED.into());
            }
        });
    };
    let Scanner {
        scan,
        problem,
        photo_shown,
        video,
        input,
        ..
    } = scanner;
    let status = move || match scan.get() {
        Scan::Idle => problem.get().unwrap_or_default(),
        Scan::Starting => "Starting the camera…".into(),
        Scan::Camera => "Point the camera at the barcode of the book.".into(),
        Scan::Reading => "Reading the barcode…".into(),
    };
    view! {
        <div class="scan">
            <button type="button" on:click=handler(move |_| ask(Ask::Start))>"Scan barcode"</button>
            <label class=move || if photo_shown.get() { "scan-photo" } else { "scan-photo visually-hidden" }>
                "Photo of the barcode"
                <input
                    type="file"
                    accept="image/*"
                    capture="environment"
                    node_ref=input
                    tabindex=move || if photo_shown.get() { "0" } else { "-1" }
                    on:change=handler(move |_| ask(Ask::Photo))
                />
            </label>
            <div class="scan-camera" hidden=move || scan.get() != Scan::Camera>
                <video node_ref=video muted=true playsinline=true aria-label="The camera's view"></video>
                <button type="button" on:click=handler(move |_| scanner.stop_camera())>"Cancel scan"</button>
            </div>
            <p class="scan-status muted" role="status">{status}</p>
        </div>
    }
}

impl Scanner {
    /// "Scan barcode": the camera if the browser can read EAN-13 from it, else the photo input.
    fn start(self) {
        if self.scan.get_untracked() != Scan::Idle {
            return;
        }
        self.problem.set(None);
        let Some(detector_class) = barcode_detector_class() else {
            self.choose_photo();
            return;
        };
        self.scan.set(Scan::Starting);
        spawn_local(async move {
            if reads_ean13(&detector_class).await {
                self.run_camera(detector_class).await;
            } else {
                self.scan.try_set(Scan::Idle);
                self.choose_photo();
            }
        });
    }

    /// Opens the file chooser (the camera on a phone) of the photo input.
    fn choose_photo(self) {
        if let Some(input) = self.input.get_untracked() {
            input.click();
        }
    }

    /// A photo was chosen: read it.
    fn photo_chosen(self) {
        let Some(input) = self.input.get_untracked() else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // The same photo chosen again is a change too.
        input.set_value("");
        self.read_photo(file);
    }

    fn read_photo(self, file: File) {
        if self.scan.get_untracked() != Scan::Idle {
            return;
        }
        self.problem.set(None);
        self.scan.set(Scan::Reading);
        spawn_local(async move {
            let answer = photo::isbn_in_photo(&file).await;
            if self.scan.try_set(Scan::Idle).is_some() {
                return; // gone meanwhile
            }
            match answer {
                Ok(isbn) => self.on_isbn.run(isbn),
                Err(problem) => self.report(problem),
            }
        });
    }

    /// Opens the back camera and hands its picture to the detector until an ISBN is read.
    async fn run_camera(self, detector_class: Function) {
        let Some(id) = self.session.try_get_value() else {
            return;
        };
        let still_on = move || self.session.try_get_value() == Some(id);
        let stream = match open_back_camera().await {
            Ok(stream) => stream,
            Err(problem) => {
                self.scan.try_set(Scan::Idle);
                self.photo_shown.try_set(true);
                self.report(problem);
                return;
            }
        };
        let Some(video) = self.video.get_untracked().filter(|_| still_on()) else {
            stop_tracks(&stream); // cancelled or gone while the camera was starting
            return;
        };
        video.set_src_object(Some(&stream));
        // Autoplay of a muted video is allowed; if it is refused, detection sees no frame and
        // the person can still cancel.
        if let Ok(playing) = video.play() {
            drop(JsFuture::from(playing));
        }
        self.camera.set_value(Some((stream, video.clone())));
        self.scan.set(Scan::Camera);
        let detector = match new_detector(&detector_class) {
            Ok(detector) => detector,
            Err(problem) => return self.fail(problem),
        };
        let mut failures = 0;
        loop {
            TimeoutFuture::new(DETECT_EVERY_MILLIS).await;
            if !still_on() {
                return;
            }
            let found = detect_isbn(&detector, &video).await;
            if !still_on() {
                return;
            }
            match found {
                Ok(Some(isbn)) => {
                    self.stop_camera();
                    self.on_isbn.run(isbn);
                    return;
                }
                Ok(None) => failures = 0,
                Err(_) if failures < DETECT_FAILURES_ALLOWED => failures += 1,
                Err(error) => {
                    return self.fail(format!(
                        "The barcode could not be read from the camera ({error})."
                    ))
                }
            }
        }
    }

    fn fail(self, problem: String) {
        self.stop_camera();
        self.photo_shown.try_set(true);
        self.report(problem);
    }

    /// Says why no ISBN was read: under the button, and to the owner.
    fn report(self, problem: String) {
        self.problem.try_set(Some(problem.clone()));
        self.on_problem.run(problem);
    }

    /// Stops every track of the camera and ends the session (Cancel, a result, an error, or
    /// the component going away).
    fn stop_camera(self) {
        self.session.try_update_value(|id| *id = id.wrapping_add(1));
        if let Some(Some((stream, video))) = self.camera.try_update_value(Option::take) {
            stop_tracks(&stream);
            video.set_src_object(None);
        }
        self.scan.try_set(Scan::Idle);
    }
}

/// `window.BarcodeDetector`, if the browser has one.
fn barcode_detector_class() -> Option<Function> {
    let window = web_sys::window()?;
    let class = Reflect::get(&window, &"BarcodeDetector".into()).ok()?;
    class.dyn_into::<Function>().ok()
}

/// Does `BarcodeDetector.getSupportedFormats()` include `ean_13`? A detector without the method
/// is tried all the same: asked for EAN-13, it says so itself if it cannot.
async fn reads_ean13(class: &Function) -> bool {
    let method = Reflect::get(class, &"getSupportedFormats".into()).unwrap_or_default();
    let Some(method) = method.dyn_ref::<Function>() else {
        return true;
    };
    let Ok(promise) = method.call0(class) else {
        return false;
    };
    match JsFuture::from(js_sys::Promise::resolve(&promise)).await {
        Ok(formats) => Array::from(&formats).includes(&"ean_13".into(), 0),
        Err(_) => false,
    }
}

/// `new BarcodeDetector({formats: ["ean_13"]})`.
fn new_detector(class: &Function) -> Result<JsValue, String> {
    let options = Object::new();
    let formats = Array::of1(&"ean_13".into());
    let _ = Reflect::set(&options, &"formats".into(), &formats);
    Reflect::construct(class, &Array::of1(&options)).map_err(|error| {
        format!(
            "The browser's barcode reader could not start ({}).",
            describe(&error)
        )
    })
}

/// The first ISBN among the barcodes the detector sees in the video's current frame.
async fn detect_isbn(
    detector: &JsValue,
    video: &HtmlVideoElement,
) -> Result<Option<String>, String> {
    let detect = Reflect::get(detector, &"detect".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or("the browser's barcode reader has no detect()")?;
    let promise = detect.call1(detector, video).map_err(|e| describe(&e))?;
    let found = JsFuture::from(js_sys::Promise::resolve(&promise))
        .await
        .map_err(|e| describe(&e))?;
    Ok(Array::from(&found).iter().find_map(|barcode| {
        let text = Reflect::get(&barcode, &"rawValue".into())
            .ok()?
            .as_string()?;
        isbn_from_barcode(&text)
    }))
}

/// `getUserMedia` for the back camera, or a sentence saying why there is none.
async fn open_back_camera() -> Result<MediaStream, String> {
    let devices = web_sys::window()
        .and_then(|w| w.navigator().media_devices().ok())
        .ok_or(
            "This browser gives no access to a camera here: choose a photo of the barcode instead.",
        )?;
    let video = Object::new();
    let _ = Reflect::set(&video, &"facingMode".into(), &"environment".into());
    let constraints = web_sys::MediaStreamConstraints::new();
    constraints.set_video(&video);
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|e| camera_problem(&e))?;
    let stream = JsFuture::from(promise)
        .await
        .map_err(|e| camera_problem(&e))?;
    stream
        .dyn_into::<MediaStream>()
        .map_err(|e| camera_problem(&e))
}

/// Why the camera could not be opened, for a person.
fn camera_problem(error: &JsValue) -> String {
    let name = Reflect::get(error, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "SecurityError" => "The camera was not allowed: allow it in the browser's settings for this site, or choose a photo of the barcode instead.".into(),
        "NotFoundError" | "OverconstrainedError" => "No camera was found: choose a photo of the barcode instead.".into(),
        "NotReadableError" | "AbortError" => "The camera is in use by another app or could not start: close it there, or choose a photo of the barcode instead.".into(),
        _ => format!("The camera could not be opened ({}): choose a photo of the barcode instead.", describe(error)),
    }
}

/// Stops every track of `stream` (the camera's light goes off).
fn stop_tracks(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// A JS error's message (or its text).
fn describe(error: &JsValue) -> String {
    Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .filter(|m| !m.is_empty())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
