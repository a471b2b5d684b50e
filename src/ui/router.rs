//! The small hash router: the current [`Route`] as a signal that follows `hashchange`.

use gloo_events::EventListener;
use leptos::prelude::*;

use crate::route::Route;

fn current() -> Route {
    let hash = web_sys::window()
        .and_then(|window| window.location().hash().ok())
        .unwrap_or_default();
    Route::parse(&hash)
}

/// The route the address bar shows, kept current as links, Back and Forward change the hash.
pub fn use_route() -> ReadSignal<Route> {
    let (route, set_route) = signal(current());
    if let Some(window) = web_sys::window() {
        let listener = EventListener::new(&window, "hashchange", move |_| {
            // "#" and "#/" are one page: the same route is not shown afresh.
            let now = current();
            if route.try_get_untracked() != Some(now) {
                set_route.try_set(now);
            }
        });
        // The router lives as long as the page.
        listener.forget();
    }
    route
}
