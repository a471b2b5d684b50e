//! The app's effects, with their closures boxed. Leptos compiles its effect code (the task that
//! waits for a change and runs the closure again) once per closure type: twenty effects were
//! twenty copies in the wasm. Through [`effect`], every effect is the same type to Leptos, so
//! its code is there once.

use leptos::prelude::*;

/// Runs `run` now and again whenever a signal it read changes, as [`Effect::new`] does; `run` is
/// told whether this is its first run (a change it should react to is one after the first).
pub fn effect(run: impl FnMut(bool) + 'static) {
    boxed(Box::new(run));
}

/// The one instantiation of Leptos's effect.
fn boxed(mut run: Box<dyn FnMut(bool)>) {
    Effect::new(move |previous: Option<()>| run(previous.is_none()));
}
