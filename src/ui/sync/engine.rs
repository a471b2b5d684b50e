//! The sync engine the app keeps while it is open: "Sync now" (both ways once), "Keep in sync"
//! (local changes go up soon after they are made; the server's come down through a long poll;
//! offline it waits and says so, and goes on when the browser is back online), and "Stop
//! syncing". What it is doing is one signal the Sync page shows in words.

use std::cell::Cell;
use std::rc::Rc;

use futures::channel::mpsc;
use futures::StreamExt;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::sync::error::SyncError;
use crate::sync::replicate::{Progress, Replicator, Settings};
use crate::ui::boxed::effect;
use crate::ui::context::Catalogue;
use crate::ui::lazy::{Resume, NOT_LOADED};

/// Where the settings are remembered (this browser only; never exported, logged or put in a URL).
const SETTINGS_KEY: &str = "bookshelf-sync";
/// The most waiting changes counted one by one.
const WAITING_CAP: u32 = 10_000;
/// How long a local change waits for others before going up (edits come in bursts).
const PUSH_DELAY_MS: u32 = 300;
/// The pause after a failure before keeping in sync tries again.
const RETRY_MS: u32 = 5_000;

/// Which way changes are going right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Local changes going to the server.
    Sending,
    /// The server's changes coming here.
    Receiving,
}

/// What sync is doing and has done, for the page to say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncStatus {
    /// A "Sync now" is under way.
    pub running: bool,
    /// "Keep in sync" is on.
    pub keeping: bool,
    /// Which way changes are going, and how far.
    pub phase: Option<(Phase, Progress)>,
    /// When the last sync ended well (local time, hh:mm:ss).
    pub last_synced: Option<String>,
    /// Changes made here that have not gone up (`None` until counted).
    pub waiting: Option<u64>,
    /// Books added, changed or removed here by syncs since the app opened.
    pub received: u64,
    /// Why the last try failed, in words.
    pub error: Option<String>,
}

/// The app's sync: a `Copy` handle over its status and its one running replication.
#[derive(Clone, Copy)]
pub struct SyncEngine {
    /// What the page shows.
    pub status: RwSignal<SyncStatus>,
    catalogue: Catalogue,
    /// Bumped by every start and stop: a loop of an older generation ends.
    generation: StoredValue<Rc<Cell<u64>>, LocalStorage>,
    current: StoredValue<Option<Rc<Replicator>>, LocalStorage>,
    nudge: StoredValue<Option<mpsc::UnboundedSender<()>>, LocalStorage>,
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn online() -> bool {
    web_sys::window().is_none_or(|window| window.navigator().on_line())
}

/// The time now, hh:mm:ss, local.
fn now() -> String {
    let date = js_sys::Date::new_0();
    format!(
        "{:02}:{:02}:{:02}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

impl SyncEngine {
    /// The engine of this page, idle; local changes nudge it when it keeps in sync. If "Keep in
    /// sync" was on when the page last closed, `resume` (the app's sync code, fetched when first
    /// used: src/ui/lazy.rs) goes on with it.
    pub fn new(catalogue: Catalogue, resume: Resume) -> Self {
        let engine = Self {
            status: RwSignal::new(SyncStatus::default()),
            catalogue,
            generation: StoredValue::new_local(Rc::new(Cell::new(0))),
            current: StoredValue::new_local(None),
            nudge: StoredValue::new_local(None),
        };
        effect(move |first| {
            catalogue.track();
            if !first {
                untrack(|| engine.local_change());
            }
        });
        let settings = engine.settings();
        if settings.keep {
            spawn_local(async move {
                if resume(engine, settings).await.is_err() {
                    engine.update(|status| status.error = Some(NOT_LOADED.into()));
                }
            });
        }
        engine
    }

    /// The settings remembered in this browser (the database named "bookshelf" at first).
    pub fn settings(&self) -> Settings {
        local_storage()
            .and_then(|storage| storage.get_item(SETTINGS_KEY).ok().flatten())
            // The browser's JSON and serde-wasm-bindgen (serde_json is not on the first page).
            .and_then(|text| js_sys::JSON::parse(&text).ok())
            .and_then(|value| serde_wasm_bindgen::from_value(value).ok())
            .unwrap_or_else(|| Settings {
                database: "bookshelf".into(),
                ..Settings::default()
            })
    }

    fn remember(&self, settings: &Settings) {
        let text = serde_wasm_bindgen::to_value(settings)
            .ok()
            .and_then(|value| js_sys::JSON::stringify(&value).ok())
            .map(String::from);
        if let (Some(storage), Some(text)) = (local_storage(), text) {
            let _ = storage.set_item(SETTINGS_KEY, &text);
        }
    }

    fn update(&self, change: impl FnOnce(&mut SyncStatus)) {
        self.status.try_update(change);
    }

    fn fail(&self, error: &SyncError) {
        let text = error.to_string();
        self.update(|status| {
            status.error = Some(text);
            status.phase = None;
        });
    }

    /// A new generation: every loop of the one before ends, its requests aborted.
    fn next_generation(&self) -> (Rc<Cell<u64>>, u64) {
        let generation = self.generation.get_value();
        generation.set(generation.get() + 1);
        if let Some(replicator) = self.current.get_value() {
            replicator.stop();
        }
        self.current.set_value(None);
        self.nudge.set_value(None);
        let mine = generation.get();
        (generation, mine)
    }

    /// Counts the changes waiting to go up to the server these settings name.
    pub fn count_waiting(&self, settings: Settings) {
        let engine = *self;
        spawn_local(async move {
            let Ok(repository) = engine.catalogue.repository() else {
                return;
            };
            let Ok(replicator) = Replicator::new(repository, &settings).await else {
                return;
            };
            if let Ok(waiting) = replicator.waiting(WAITING_CAP).await {
                engine.update(|status| status.waiting = Some(waiting));
            }
        });
    }

    async fn start(&self, settings: &Settings) -> Result<Rc<Replicator>, SyncError> {
        self.remember(settings);
        let repository = self
            .catalogue
            .repository()
            .map_err(|error| SyncError::Store(error.to_string()))?;
        let replicator = Rc::new(Replicator::new(repository, settings).await?);
        if !online() {
            return Err(SyncError::Offline);
        }
        replicator.prepare().await?;
        Ok(replicator)
    }

    /// Shows a direction's progress.
    fn progress(&self, phase: Phase) -> impl Fn(Progress) {
        let status = self.status;
        move |progress| {
            status.try_update(|status| status.phase = Some((phase, progress)));
        }
    }

    async fn push(&self, replicator: &Replicator) -> Result<(), SyncError> {
        replicator.push(&self.progress(Phase::Sending)).await?;
        let waiting = replicator.waiting(WAITING_CAP).await.ok();
        self.update(|status| status.waiting = waiting);
        Ok(())
    }

    async fn pull(&self, replicator: &Replicator, wait: bool) -> Result<(), SyncError> {
        let received = replicator
            .pull(wait, &self.progress(Phase::Receiving))
            .await?;
        if received > 0 {
            self.update(|status| status.received += received);
            self.catalogue.changed();
        }
        Ok(())
    }

    fn synced(&self) {
        self.update(|status| {
            status.last_synced = Some(now());
            status.error = None;
            status.phase = None;
        });
    }

    /// "Sync now": up, then down, once. While keeping in sync, it only hurries the next push.
    pub fn sync_now(&self, settings: Settings) {
        let status = self.status.get_untracked();
        if status.keeping {
            self.local_change();
            return;
        }
        if status.running {
            return;
        }
        let (generation, mine) = self.next_generation();
        self.update(|status| {
            status.running = true;
            status.error = None;
        });
        let engine = *self;
        spawn_local(async move {
            let outcome = async {
                let replicator = engine.start(&settings).await?;
                engine.current.set_value(Some(replicator.clone()));
                engine.push(&replicator).await?;
                engine.pull(&replicator, false).await?;
                // What came down may hold conflicts taken in here: their tombstones go up now.
                engine.push(&replicator).await
            }
            .await;
            if generation.get() != mine {
                return;
            }
            match outcome {
                Ok(()) => engine.synced(),
                Err(SyncError::Stopped) => {}
                Err(error) => {
                    engine.fail(&error);
                    // What is still to go up, counted here (the server had no say in it).
                    engine.count_waiting(settings);
                }
            }
            engine.update(|status| {
                status.running = false;
                status.phase = None;
            });
        });
    }

    /// "Keep in sync": both ways now, then local changes go up as they are made and the server's
    /// come down as they happen, until stopped or the page closes.
    pub fn keep_in_sync(&self, mut settings: Settings) {
        settings.keep = true;
        let (generation, mine) = self.next_generation();
        let (send, mut nudges) = mpsc::unbounded();
        self.nudge.set_value(Some(send));
        self.update(|status| {
            status.keeping = true;
            status.running = false;
            status.error = None;
        });
        let engine = *self;
        spawn_local(async move {
            let up_generation = generation.clone();
            let live = move || up_generation.get() == mine;
            let replicator = loop {
                if !live() {
                    return;
                }
                match engine.start(&settings).await {
                    Ok(replicator) => break replicator,
                    Err(error) => {
                        engine.fail(&error);
                        engine.wait_to_retry(&live).await;
                    }
                }
            };
            engine.current.set_value(Some(replicator.clone()));
            // Down: a long poll after another.
            let down = replicator.clone();
            let down_generation = generation.clone();
            spawn_local(async move {
                let live = move || down_generation.get() == mine;
                while live() {
                    match engine.pull(&down, true).await {
                        Ok(()) => engine.synced(),
                        Err(SyncError::Stopped) => return,
                        Err(error) => {
                            engine.fail(&error);
                            engine.wait_to_retry(&live).await;
                        }
                    }
                }
            });
            // Up: now, then after each local change (a burst goes together).
            loop {
                match engine.push(&replicator).await {
                    Ok(()) => engine.synced(),
                    Err(SyncError::Stopped) => return,
                    Err(error) => {
                        engine.fail(&error);
                        engine.wait_to_retry(&live).await;
                        continue;
                    }
                }
                if nudges.next().await.is_none() || !live() {
                    return;
                }
                TimeoutFuture::new(PUSH_DELAY_MS).await;
                while let Ok(()) = nudges.try_recv() {}
                if !live() {
                    return;
                }
            }
        });
    }

    /// Waits before another try: until the browser is back online, or a few seconds.
    async fn wait_to_retry(&self, live: &impl Fn() -> bool) {
        let mut waited = 0;
        while live() && (waited < RETRY_MS || !online()) {
            TimeoutFuture::new(250).await;
            waited += 250;
            if waited >= 1_000
                && online()
                && self.status.get_untracked().error.as_deref()
                    == Some(&SyncError::Offline.to_string())
            {
                // Back online after an outage: go on at once.
                return;
            }
        }
    }

    /// A change here: while keeping in sync it goes up soon; the waiting count follows it.
    fn local_change(&self) {
        self.nudge.with_value(|nudge| {
            if let Some(nudge) = nudge {
                let _ = nudge.unbounded_send(());
            }
        });
    }

    /// "Stop syncing": ends whatever runs, its requests aborted.
    pub fn stop(&self) {
        self.next_generation();
        let mut settings = self.settings();
        if settings.keep {
            settings.keep = false;
            self.remember(&settings);
        }
        self.update(|status| {
            status.running = false;
            status.keeping = false;
            status.phase = None;
        });
    }
}
