//! The browser's file APIs for import and export: a chosen file read as checked text, and a file
//! assembled from parts (a Blob) offered as a download through a temporary link.

use gloo_timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File, HtmlAnchorElement, Url};

use crate::transfer::{check_size, decode};

/// Parts joined into one Blob at a time, so that the text of many pages is never held at once.
const PARTS_PER_BLOB: u32 = 16;
/// How long a download's object URL lives: long enough for the browser to start reading it.
const REVOKE_AFTER_MILLIS: u32 = 60_000;

/// The whole file as UTF-8 text; refused (with a message) if too large, empty, binary or not UTF-8.
pub async fn read_text(file: &File) -> Result<String, String> {
    check_size(file.size() as u64).map_err(|error| error.to_string())?;
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|error| {
        format!("The file could not be read ({error:?}). Nothing was imported.")
    })?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    drop(buffer);
    decode(bytes).map_err(|error| error.to_string())
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
