//! Closures the app hands Leptos, boxed. Leptos compiles its code for an effect, or for an event
//! handler, once per closure type: twenty effects were twenty copies of its effect task in the
//! wasm, and every `on:click` its own listener code. Boxed, all effects are one type to Leptos,
//! and all handlers of one event are, so each piece of its code is there once.

use leptos::prelude::*;

/// Runs `run` now and again whenever a signal it read changes, as [`Effect::new`] does; `run` is
/// told whether this is its first run (a change it should react to is one after the first).
pub fn effect(run: impl FnMut(bool) + 'static) {
    boxed_effect(Box::new(run));
}

/// The one instantiation of Leptos's effect.
fn boxed_effect(mut run: Box<dyn FnMut(bool)>) {
    Effect::new(move |previous: Option<()>| run(previous.is_none()));
}

/// An event handler for `on:…`, boxed (one listener's code per event, not per handler).
pub fn handler<E>(run: impl FnMut(E) + 'static) -> Box<dyn FnMut(E)> {
    Box::new(run)
}
