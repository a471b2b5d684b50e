//! Long work that keeps the page alive: it gives the page a turn every few milliseconds, and
//! frees large collections a slice at a time.

/// How long the work goes on before the page gets a turn (well under the 50 ms of a long task).
const WORK_MILLIS: f64 = 30.0;
/// How many items are freed between two looks at the clock.
const FREED_PER_STEP: usize = 20_000;

/// Milliseconds on the page's clock.
fn now() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or_else(js_sys::Date::now, |performance| performance.now())
}

/// Gives the page a turn after every [`WORK_MILLIS`] of work, so that it never freezes.
pub struct Breather {
    since: f64,
}

impl Breather {
    /// Starts counting the work's time now.
    pub fn new() -> Self {
        Self { since: now() }
    }

    /// True when the work has gone on long enough.
    pub fn due(&self) -> bool {
        now() - self.since >= WORK_MILLIS
    }

    /// Lets the page have its turn if it is due.
    pub async fn pause(&mut self) {
        if self.due() {
            crate::browser::yield_to_page().await;
            self.since = now();
        }
    }
}

/// Frees a large collection a slice at a time: a million books freed at once would block the
/// page for a moment of its own.
pub async fn free_in_slices<T>(items: impl IntoIterator<Item = T>, breather: &mut Breather) {
    let mut items = items.into_iter();
    while items.by_ref().take(FREED_PER_STEP).count() > 0 {
        breather.pause().await;
    }
}
