//! Notices: storage errors (role="alert", kept until dismissed) and short confirmations with an
//! optional Undo (role="status", gone after a few seconds).

use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use crate::ui::boxed::handler;

/// How long a confirmation (and its Undo) stays on screen.
pub const UNDO_MILLIS: u32 = 8_000;

/// What a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// Something failed; stays until dismissed.
    Error,
    /// Something happened; fades after [`UNDO_MILLIS`].
    Info,
}

/// One message on screen.
#[derive(Clone)]
pub struct Notice {
    id: u64,
    kind: NoticeKind,
    text: String,
    /// A button beside the text: its label and what it does.
    action: Option<(&'static str, Callback<()>)>,
    /// A link beside the text: its words and where it goes.
    link: Option<(String, String)>,
}

/// The notices on screen; `Copy`, shared through context.
#[derive(Clone, Copy)]
pub struct Notices {
    list: RwSignal<Vec<Notice>>,
    next_id: StoredValue<u64>,
}

impl Default for Notices {
    fn default() -> Self {
        Self {
            list: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
        }
    }
}

impl Notices {
    /// Shows an error (or a message about one) until the person dismisses it.
    pub fn error(&self, error: impl std::fmt::Display) {
        self.push(NoticeKind::Error, error.to_string(), None);
    }

    /// Shows a confirmation for a few seconds; with `undo`, offers an "Undo" button that runs it.
    pub fn info(&self, text: impl Into<String>, undo: Option<Callback<()>>) {
        let id = self.push(
            NoticeKind::Info,
            text.into(),
            undo.map(|undo| ("Undo", undo)),
        );
        self.fade(id);
    }

    /// Shows a confirmation for a few seconds with a link (`words`, `href`) beside it.
    pub fn info_with_link(&self, text: impl Into<String>, words: String, href: String) {
        let id = self.push(NoticeKind::Info, text.into(), None);
        self.list.try_update(|list| {
            if let Some(notice) = list.iter_mut().find(|notice| notice.id == id) {
                notice.link = Some((words, href));
            }
        });
        self.fade(id);
    }

    fn fade(&self, id: u64) {
        let notices = *self;
        Timeout::new(UNDO_MILLIS, move || notices.dismiss(id)).forget();
    }

    /// Shows a message that stays until acted on or dismissed, with a button `label` that runs `action`.
    pub fn offer(&self, text: impl Into<String>, label: &'static str, action: Callback<()>) {
        self.push(NoticeKind::Info, text.into(), Some((label, action)));
    }

    /// The texts of the notices of `kind` on screen, oldest first.
    pub fn texts(&self, kind: NoticeKind) -> Vec<String> {
        self.list
            .try_with_untracked(|list| {
                list.iter()
                    .filter(|notice| notice.kind == kind)
                    .map(|notice| notice.text.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Removes a notice.
    pub fn dismiss(&self, id: u64) {
        self.list
            .try_update(|list| list.retain(|notice| notice.id != id));
    }

    fn push(
        &self,
        kind: NoticeKind,
        text: String,
        action: Option<(&'static str, Callback<()>)>,
    ) -> u64 {
        let id = self.next_id.try_get_value().unwrap_or_default();
        self.next_id.try_set_value(id + 1);
        self.list.try_update(|list| {
            // The same error twice is said once. Confirmations are never merged: each one may
            // carry its own Undo (two deleted books can share a title).
            if kind == NoticeKind::Error {
                list.retain(|notice| notice.kind != kind || notice.text != text);
            }
            list.push(Notice {
                id,
                kind,
                text,
                action,
                link: None,
            });
        });
        id
    }
}

/// The notice area: errors as alerts, confirmations as status messages.
#[component]
pub fn NoticeList() -> impl IntoView {
    let notices = expect_context::<Notices>();
    let of_kind = move |kind| {
        move || {
            notices
                .list
                .get()
                .into_iter()
                .filter(|notice| notice.kind == kind)
                .map(|notice| view! { <NoticeView notice /> })
                .collect_view()
                .into_any()
        }
    };
    view! {
        <section class="notices" aria-label="Notices">
            <div role="alert">{of_kind(NoticeKind::Error)}</div>
            <div role="status">{of_kind(NoticeKind::Info)}</div>
        </section>
    }
}

#[component]
fn NoticeView(notice: Notice) -> impl IntoView {
    let notices = expect_context::<Notices>();
    let Notice {
        id,
        kind,
        text,
        action,
        link,
    } = notice;
    let action_button = action.map(|(label, action)| {
        let run = move |_| {
            notices.dismiss(id);
            action.run(());
        };
        view! { <button type="button" on:click=handler(run)>{label}</button> }
    });
    let link = link.map(|(words, href)| view! { <a href=href>{words}</a> });
    let class = match kind {
        NoticeKind::Error => "notice notice-error",
        NoticeKind::Info => "notice",
    };
    view! {
        <p class=class>
            <span>{text}</span>
            {link}
            {action_button}
            <button type="button" class="quiet" aria-label="Dismiss" on:click=handler(move |_| notices.dismiss(id))>
                "×"
            </button>
        </p>
    }
}
