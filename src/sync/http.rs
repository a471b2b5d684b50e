//! The HTTP client sync speaks to the server with: `fetch` with the credentials in an
//! `Authorization` header (never in a URL, never as cookies), JSON in and out, a time limit on
//! every request, "Stop syncing" aborting whatever is in flight, and a failure told apart as
//! offline, refused by CORS, or nothing there.

#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Headers, Request, RequestCache, RequestCredentials, RequestInit, RequestMode,
    Response,
};

use super::error::{Result, ServerAddress, SyncError};
use super::protocol::basic_auth;

/// A server database and the means to speak to it.
#[derive(Clone)]
pub struct Remote {
    server: String,
    database: String,
    authorization: Option<String>,
    in_flight: Rc<RefCell<Vec<AbortController>>>,
    stopped: Rc<Cell<bool>>,
}

/// An answer: its status and JSON body (`Null` when it had none or it was not JSON).
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Value,
}

impl Reply {
    /// The body of a successful answer; a refusal or an error as a [`SyncError`].
    pub fn ok(self) -> Result<Value> {
        match self.status {
            200..=299 => Ok(self.body),
            401 | 403 => Err(SyncError::Refused),
            status => Err(SyncError::Server {
                status,
                reason: self
                    .body
                    .get("reason")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .chars()
                    .take(200)
                    .collect(),
            }),
        }
    }
}

impl Remote {
    /// The database at `database_path` (already escaped) on `server`, with the person's
    /// credentials (none when the user name is empty).
    pub fn new(server: &ServerAddress, database_path: &str, user: &str, password: &str) -> Remote {
        Remote {
            server: server.as_str().to_owned(),
            database: format!("{}/{database_path}", server.as_str()),
            authorization: (!user.is_empty()).then(|| basic_auth(user, password)),
            in_flight: Rc::default(),
            stopped: Rc::default(),
        }
    }

    /// The database's address (no credentials in it): names the server in replication ids.
    pub fn address(&self) -> &str {
        &self.database
    }

    /// Aborts every request in flight and every one to come.
    pub fn stop(&self) {
        self.stopped.set(true);
        for controller in self.in_flight.borrow_mut().drain(..) {
            controller.abort();
        }
    }

    /// Whether [`stop`](Self::stop) was called.
    pub fn is_stopped(&self) -> bool {
        self.stopped.get()
    }

    /// `GET` of a path under the database (`""`: the database itself).
    pub async fn get(&self, path: &str, timeout_ms: u32) -> Result<Reply> {
        self.request("GET", path, None, timeout_ms).await
    }

    /// `PUT` of the database itself (making it).
    pub async fn create(&self, timeout_ms: u32) -> Result<Reply> {
        self.request("PUT", "", None, timeout_ms).await
    }

    /// A request with a JSON body to a path under the database.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: &Value,
        timeout_ms: u32,
    ) -> Result<Reply> {
        self.request(method, path, Some(body), timeout_ms).await
    }

    async fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        timeout_ms: u32,
    ) -> Result<Reply> {
        if self.stopped.get() {
            return Err(SyncError::Stopped);
        }
        let url = if path.is_empty() {
            self.database.clone()
        } else {
            format!("{}/{path}", self.database)
        };
        let broken = |_| SyncError::BadReply("the request could not be made".into());
        let headers = Headers::new().map_err(broken)?;
        headers.set("Accept", "application/json").map_err(broken)?;
        if body.is_some() {
            headers
                .set("Content-Type", "application/json")
                .map_err(broken)?;
        }
        if let Some(authorization) = &self.authorization {
            headers
                .set("Authorization", authorization)
                .map_err(broken)?;
        }
        let controller = AbortController::new().map_err(broken)?;
        let init = RequestInit::new();
        init.set_method(method);
        init.set_headers(&headers);
        init.set_mode(RequestMode::Cors);
        init.set_credentials(RequestCredentials::Omit);
        init.set_cache(RequestCache::NoStore);
        init.set_signal(Some(&controller.signal()));
        if let Some(body) = body {
            init.set_body(&JsValue::from_str(&body.to_string()));
        }
        let request = Request::new_with_str_and_init(&url, &init).map_err(broken)?;
        let window = web_sys::window().ok_or(SyncError::Unreachable)?;
        self.in_flight.borrow_mut().push(controller.clone());
        let timed_out = Rc::new(Cell::new(false));
        let timer = {
            let (controller, timed_out) = (controller.clone(), timed_out.clone());
            Timeout::new(timeout_ms, move || {
                timed_out.set(true);
                controller.abort();
            })
        };
        let answer = async {
            let response: Response = JsFuture::from(window.fetch_with_request(&request))
                .await?
                .dyn_into()?;
            let text = JsFuture::from(response.text()?).await?;
            Ok::<_, JsValue>((response.status(), text.as_string().unwrap_or_default()))
        }
        .await;
        drop(timer);
        self.in_flight
            .borrow_mut()
            .retain(|other| !JsValue::from(other.clone()).loose_eq(&controller.clone().into()));
        match answer {
            Ok((status, text)) => Ok(Reply {
                status,
                body: serde_json::from_str(&text).unwrap_or(Value::Null),
            }),
            Err(_) if self.stopped.get() => Err(SyncError::Stopped),
            Err(_) if timed_out.get() => Err(SyncError::TimedOut),
            Err(_) => Err(self.why_unreachable().await),
        }
    }

    /// Why a request got no answer: the browser is offline; or the server answers a request
    /// that cannot read its answer (`no-cors`), so CORS is what refused it; or nothing is there.
    async fn why_unreachable(&self) -> SyncError {
        let online = web_sys::window().is_none_or(|window| window.navigator().on_line());
        if !online {
            return SyncError::Offline;
        }
        let Some(window) = web_sys::window() else {
            return SyncError::Unreachable;
        };
        let init = RequestInit::new();
        init.set_mode(RequestMode::NoCors);
        init.set_credentials(RequestCredentials::Omit);
        init.set_cache(RequestCache::NoStore);
        let Ok(request) = Request::new_with_str_and_init(&format!("{}/", self.server), &init)
        else {
            return SyncError::Unreachable;
        };
        match JsFuture::from(window.fetch_with_request(&request)).await {
            Ok(_) => SyncError::NoCors,
            Err(_) => SyncError::Unreachable,
        }
    }
}
