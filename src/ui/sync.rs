//! The Sync page (`#/sync`): where the person's CouchDB is (Server, Database, User name,
//! Password), "Sync now", "Keep in sync" and "Stop syncing", and what sync is doing, in words.

mod engine;

pub use engine::SyncEngine;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::sync::replicate::Settings;
use crate::ui::boxed::effect;
use crate::ui::context::Catalogue;
use engine::{Phase, SyncStatus};

/// The Sync page.
#[component]
pub fn SyncPage() -> impl IntoView {
    let engine = expect_context::<SyncEngine>();
    let catalogue = expect_context::<Catalogue>();
    let saved = engine.settings();
    let server = RwSignal::new(saved.server);
    let database = RwSignal::new(saved.database);
    let user = RwSignal::new(saved.user);
    let password = RwSignal::new(saved.password);
    let settings = move || Settings {
        server: server.get_untracked(),
        database: database.get_untracked(),
        user: user.get_untracked(),
        password: password.get_untracked(),
        keep: false,
    };
    // The changes waiting to go up, counted again after every change here.
    effect(move |_| {
        catalogue.track();
        if !server.get_untracked().trim().is_empty() {
            engine.count_waiting(settings());
        }
    });
    let status = engine.status;
    let busy = move || {
        let status = status.get();
        status.running || status.keeping
    };
    let keeping = move || status.get().keeping;
    let running = move || status.get().running;
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        engine.sync_now(settings());
    };
    view! {
        <section class="sync" aria-labelledby="sync-heading">
            <h2 id="sync-heading">"Sync"</h2>
            <p>
                "Keep this catalogue the same on every device through your own CouchDB server \
                 (or IBM Cloudant, or PouchDB Server). The user name and password stay in this \
                 browser and go only to that server."
            </p>
            <form class="sync-form" aria-label="Sync settings" on:submit=on_submit>
                <p class="field">
                    <label for="sync-server">"Server"</label>
                    <input id="sync-server" type="url" inputmode="url" autocomplete="url"
                        placeholder="https://couch.example.com" bind:value=server
                        disabled=busy />
                </p>
                <p class="field">
                    <label for="sync-database">"Database"</label>
                    <input id="sync-database" type="text" autocapitalize="none"
                        spellcheck="false" bind:value=database disabled=busy />
                </p>
                <p class="field">
                    <label for="sync-user">"User name"</label>
                    <input id="sync-user" type="text" autocomplete="username"
                        autocapitalize="none" spellcheck="false" bind:value=user
                        disabled=busy />
                </p>
                <p class="field">
                    <label for="sync-password">"Password"</label>
                    <input id="sync-password" type="password" autocomplete="current-password"
                        bind:value=password disabled=busy />
                </p>
                <p class="sync-actions">
                    <button type="submit" disabled=running>"Sync now"</button>
                    <button type="button" disabled=keeping
                        on:click=move |_| engine.keep_in_sync(settings())>"Keep in sync"</button>
                    <button type="button" disabled=move || !busy()
                        on:click=move |_| engine.stop()>"Stop syncing"</button>
                </p>
            </form>
            <div role="status" id="sync-status" class="sync-status">
                {move || status_view(status.get())}
            </div>
            {move || status.get().error.map(|error| view! {
                <p role="alert" id="sync-error" class="notice notice-error">{error}</p>
            })}
            <SyncHelp />
        </section>
    }
}

/// What sync is doing, in words, with a progress bar while books travel.
fn status_view(status: SyncStatus) -> impl IntoView {
    let state = if status.keeping {
        "Keeping in sync."
    } else if status.running {
        "Syncing…"
    } else {
        "Not syncing."
    };
    let progress = status.phase.map(|(phase, progress)| {
        let way = match phase {
            Phase::Sending => "Sending",
            Phase::Receiving => "Receiving",
        };
        let total = progress.total.max(progress.done).max(1);
        let text = format!(
            "{way} changes: {} of {}",
            progress.done,
            progress.total.max(progress.done)
        );
        view! {
            <p>
                {text}
                " "
                <progress aria-label="Sync progress" max=total value=progress.done></progress>
            </p>
        }
    });
    let last = status
        .last_synced
        .map(|time| view! { <p>{format!("Last synced at {time}.")}</p> });
    let waiting = status.waiting.map(|waiting| {
        let count = if waiting >= 10_000 {
            "10,000 or more".to_owned()
        } else {
            waiting.to_string()
        };
        view! { <p>{format!("Changes waiting to go up: {count}.")}</p> }
    });
    view! {
        <p>{state}</p>
        {progress}
        {last}
        {waiting}
        <p>{format!("Books received: {}.", status.received)}</p>
    }
}

/// What is synced, and how to get a server.
#[component]
fn SyncHelp() -> impl IntoView {
    view! {
        <details class="sync-help">
            <summary>"What is synced, and how to get a server"</summary>
            <p>
                "Every book goes to the server as a document, with all its fields (reading, \
                 series, copies, loans, notes); deleting a book deletes it everywhere. The \
                 columns you show, the reading goal and these settings stay in this browser."
            </p>
            <p>
                "A CouchDB server: the official container image (apache/couchdb), IBM Cloudant, \
                 or, to try it out, npx pouchdb-server. It must allow this page's origin (CORS). \
                 Use https:// unless the server runs on this computer."
            </p>
            <p>
                "A book edited on two devices while they were apart shows both versions on its \
                 page, under “Edited on two devices”, to choose from."
            </p>
        </details>
    }
}
