//! The browser's file APIs for import and export: a chosen file read a slice at a time (never
//! copied whole into memory), and a file assembled from parts (a Blob) offered as a download
//! through a temporary link.

use gloo_timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File, HtmlAnchorElement, Url};

/// Parts joined into one Blob at a time, so that the text of many pages is never held at once.
const PARTS_PER_BLOB: u32 = 16;
/// How long a download's object URL lives: long enough for the browser to start reading it.
const REVOKE_AFTER_MILLIS: u32 = 60_000;

/// A chosen file, read a slice (`Blob.slice`) at a time.
pub struct FileSlices {
    file: File,
    size: f64,
    at: f64,
    slice: f64,
    ended: bool,
}

impl FileSlices {
    /// Slices of `slice_bytes` of `file`.
    pub fn new(file: &File, slice_bytes: u32) -> Self {
        Self {
            file: file.clone(),
            size: file.size(),
            at: 0.0,
            slice: f64::from(slice_bytes),
            ended: false,
        }
    }

    /// Bytes read so far.
    pub fn read(&self) -> f64 {
        self.at
    }

    /// True once the end of the file has been reached (and said).
    pub fn done(&self) -> bool {
        self.ended
    }

    /// Reads the next slice into `bytes` (replacing what was there); false at the end of the
    /// file. Refused with a message if the browser cannot read the file, or has no memory for it.
    pub async fn next(&mut self, bytes: &mut Vec<u8>) -> Result<bool, String> {
        if self.at >= self.size {
            self.ended = true;
            return Ok(false);
        }
        let end = (self.at + self.slice).min(self.size);
        let failed = |error: JsValue| {
            format!("The file could not be read ({error:?}). Nothing was imported.")
        };
        let blob = self
            .file
            .slice_with_f64_and_f64(self.at, end)
            .map_err(failed)?;
        let buffer = JsFuture::from(blob.array_buffer()).await.map_err(failed)?;
        let array = js_sys::Uint8Array::new(&buffer);
        let length = array.length() as usize;
        bytes.clear();
        bytes.try_reserve(length).map_err(|_| {
            "This tab ran out of memory reading the file: split it into smaller files, or close \
             other tabs and try again. Nothing was imported."
                .to_owned()
        })?;
        bytes.resize(length, 0);
        array.copy_to(bytes);
        self.at = end;
        Ok(true)
    }
}

/// A file assembled from text parts, folded into a Blob every few parts.
pub struct BlobParts {
    parts: js_sys::Array,
    options: BlobPropertyBag,
}

impl BlobParts {
    /// An empty file of this media type.
    pub fn new(media_type: &str) -> Self {
        let options = BlobPropertyBag::new();
        options.set_type(media_type);
        Self {
            parts: js_sys::Array::new(),
            options,
        }
    }

    /// Appends a part.
    pub fn push(&mut self, text: String) -> Result<(), JsValue> {
        self.parts.push(&JsValue::from(text));
        if self.parts.length() >= PARTS_PER_BLOB {
            let blob = self.blob()?;
            self.parts = js_sys::Array::of1(&blob);
        }
        Ok(())
    }

    /// The file so far.
    pub fn blob(&self) -> Result<Blob, JsValue> {
        Blob::new_with_str_sequence_and_options(&self.parts, &self.options)
    }
}

/// Offers `blob` as a download named `file_name`: an object URL, a temporary link clicked, and
/// the URL revoked once the browser has had time to start the download.
pub fn download(blob: &Blob, file_name: &str) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let url = Url::create_object_url_with_blob(blob)?;
    let link: HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(file_name);
    link.set_hidden(true);
    if let Some(body) = document.body() {
        body.append_child(&link)?;
    }
    link.click();
    link.remove();
    Timeout::new(REVOKE_AFTER_MILLIS, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Today as YYYY-MM-DD, for file names.
pub fn today() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    iso.chars().take(10).collect()
}
