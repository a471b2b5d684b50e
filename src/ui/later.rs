//! The catalogue page's first render in slices, each in a task of its own: built in one go, the
//! page and the compilation of its code held a phone's main thread for a quarter of a second, so
//! that a tap meanwhile waited (Lighthouse's total blocking time).

use leptos::prelude::*;
use leptos::task::spawn_local;

/// Shows `view` in a task after the one that renders the view around it (nothing before: the
/// slices come top to bottom, so what is shown first is never moved by what follows).
pub fn next_turn(view: impl Fn() -> AnyView + Send + 'static) -> AnyView {
    boxed_next_turn(Box::new(view))
}

/// The one instantiation of [`next_turn`]'s reactive view.
fn boxed_next_turn(view: Box<dyn Fn() -> AnyView + Send>) -> AnyView {
    let due = RwSignal::new(false);
    spawn_local(async move {
        crate::browser::yield_to_page().await;
        due.try_set(true);
    });
    (move || due.get().then(&view)).into_any()
}
