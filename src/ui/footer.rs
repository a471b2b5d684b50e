//! The footer: where the books are kept, how much room they take, and whether the browser has
//! promised to keep them. Persistence is asked for after the person's first change, when there is
//! something worth keeping, and can be asked for again with a button.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::context::Catalogue;
use crate::size::size_label;
use crate::store::{request_persistence, storage_status, StorageStatus};

fn describe(status: &StorageStatus) -> String {
    let room = match (status.used, status.quota) {
        (Some(used), Some(quota)) => format!(
            "{} used of {} available. ",
            size_label(used),
            size_label(quota)
        ),
        _ => String::new(),
    };
    let kept = if status.persistent {
        "The browser keeps them until you delete them."
    } else {
        "The browser may clear them when it runs short of space."
    };
    format!("Your books are stored in this browser only. {room}{kept}")
}

/// "Stored in this browser: 1.2 MB used…" and, when storage is not persistent, a way to ask.
#[component]
pub fn StorageFooter() -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    // Asks the browser to keep the books (once at a time); the status is read again once it
    // answers.
    let (answered, asking) = (RwSignal::new(0_u32), RwSignal::new(false));
    let keep = move || {
        if asking.get_untracked() {
            return;
        }
        asking.set(true);
        spawn_local(async move {
            request_persistence().await;
            asking.try_set(false);
            answered.try_update(|answers| *answers += 1);
        });
    };
    let status = LocalResource::new(move || {
        answered.track();
        catalogue.track();
        storage_status()
    });

    // After the first change of this visit, ask once (quietly) to keep the books.
    Effect::new(move |previous: Option<u64>| {
        let changes = catalogue.track();
        let asked = answered.get_untracked() > 0 || asking.get_untracked();
        if previous.is_some_and(|before| before != changes) && !asked {
            keep();
        }
        changes
    });

    view! {
        <footer class="storage">
            {move || status.get().flatten().map(|status| {
                let ask = (!status.persistent).then(|| view! {
                    <button type="button" class="quiet" on:click=move |_| { keep(); }>"Keep my books on this device"</button>
                });
                view! {
                    <p id="storage-status">{describe(&status)}</p>
                    {ask}
                }
            })}
        </footer>
    }
}
