//! The service worker that makes Bookshelf open with no network: registering it, and noticing
//! when a newer version of the app is installed and waiting, so the page can offer to reload.

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState,
};

use crate::browser::{navigator_has, reload};

/// The service worker's file, relative to the page so that any sub-path works.
const WORKER: &str = "./sw.js";

fn service_workers() -> Option<ServiceWorkerContainer> {
    // Absent on plain http (other than localhost) and in some private modes.
    if !navigator_has("serviceWorker") {
        return None;
    }
    Some(web_sys::window()?.navigator().service_worker())
}

/// Registers the service worker; calls `on_update` once a newer version is installed and waiting.
pub fn register(on_update: impl Fn() + Clone + 'static) {
    let Some(container) = service_workers() else {
        return;
    };
    spawn_local(async move {
        let Ok(registration) = JsFuture::from(container.register(WORKER)).await else {
            return;
        };
        let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
            return;
        };
        // A worker waiting while another controls the page is a new version.
        if registration.waiting().is_some() && container.controller().is_some() {
            on_update();
        }
        let watched = registration.clone();
        EventListener::new(&registration, "updatefound", move |_| {
            let Some(installing) = watched.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_update = on_update.clone();
            EventListener::new(&installing, "statechange", move |_| {
                let replaces_another = service_workers().and_then(|c| c.controller()).is_some();
                if worker.state() == ServiceWorkerState::Installed && replaces_another {
                    on_update();
                }
            })
            .forget();
        })
        .forget();
    });
}

/// Lets the waiting version take over, then reloads into it.
pub fn apply_update() {
    let Some(container) = service_workers() else {
        reload();
        return;
    };
    spawn_local(async move {
        let registration = JsFuture::from(container.get_registration())
            .await
            .ok()
            .and_then(|value| value.dyn_into::<ServiceWorkerRegistration>().ok());
        let waiting: Option<ServiceWorker> = registration.and_then(|r| r.waiting());
        match waiting {
            Some(worker) => {
                EventListener::once(&container, "controllerchange", |_| reload()).forget();
                if worker
                    .post_message(&JsValue::from_str("skip-waiting"))
                    .is_err()
                {
                    reload();
                }
            }
            None => reload(),
        }
    });
}
