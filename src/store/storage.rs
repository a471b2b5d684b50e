//! The browser's storage for this site: how much is used, of what quota, and whether the browser
//! promises to keep it (`navigator.storage.persist()`), which protects the books from eviction.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// What the browser says about this site's storage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StorageStatus {
    /// True when the browser will not evict this site's data without asking.
    pub persistent: bool,
    /// Bytes in use, if known.
    pub used: Option<f64>,
    /// The site's quota in bytes, if known.
    pub quota: Option<f64>,
}

fn manager() -> Option<web_sys::StorageManager> {
    // Old browsers and some embedded views have no navigator.storage at all.
    if !crate::browser::navigator_has("storage") {
        return None;
    }
    Some(web_sys::window()?.navigator().storage())
}

async fn ask(promise: Result<js_sys::Promise, JsValue>) -> bool {
    match promise {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|answer| answer.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    }
}

/// The current status, or `None` where the browser offers no storage manager.
pub async fn storage_status() -> Option<StorageStatus> {
    let manager = manager()?;
    let persistent = ask(manager.persisted()).await;
    let (used, quota) = storage_estimate().await.unwrap_or((None, None));
    Some(StorageStatus {
        persistent,
        used,
        quota,
    })
}

/// Asks the browser to keep this site's data; returns whether it now will.
pub async fn request_persistence() -> bool {
    match manager() {
        Some(manager) => ask(manager.persist()).await,
        None => false,
    }
}

/// `navigator.storage.estimate()`: bytes used and the quota, when the browser tells.
pub async fn storage_estimate() -> Option<(Option<f64>, Option<f64>)> {
    let estimate = JsFuture::from(manager()?.estimate().ok()?).await.ok()?;
    let read = |name: &str| {
        js_sys::Reflect::get(&estimate, &JsValue::from_str(name))
            .ok()
            .and_then(|value| value.as_f64())
    };
    Some((read("usage"), read("quota")))
}
