//! Search as you type, with no debounce: every change of the query starts its search at once,
//! and this ledger says which search is still wanted (older ones stop) and which answers may be
//! shown, so that an older query's rows never replace a newer one's. Plain Rust.

/// One search, numbered in the order they were started: a larger ticket is a newer search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ticket(u64);

/// The searches started so far and the answer shown now.
///
/// Only the newest search is wanted: [`Searches::start`] makes every older one stale, its work
/// stops at its next look at [`Searches::wanted`], and its answers are refused by
/// [`Searches::offer`]. The newest search may show the matches it has found so far, then its
/// whole answer, never the one after the other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Searches {
    /// How many searches were started (the newest one's ticket).
    started: u64,
    /// The answer shown: whose, and whether it was whole.
    shown: Option<(Ticket, bool)>,
}

impl Searches {
    /// Starts a search for a new query (or the same query after the books changed): every
    /// search started before it is no longer wanted.
    pub fn start(&mut self) -> Ticket {
        self.started += 1;
        Ticket(self.started)
    }

    /// Whether the search should go on: only the newest one should.
    pub fn wanted(&self, ticket: Ticket) -> bool {
        ticket.0 == self.started
    }

    /// A search has an answer, `whole` or the matches found so far: says whether to show it
    /// (and records that it is shown). Refused: any answer of a search that is no longer the
    /// newest, and a partial answer once the whole one is shown.
    pub fn offer(&mut self, ticket: Ticket, whole: bool) -> bool {
        if !self.wanted(ticket) || self.shown == Some((ticket, true)) {
            return false;
        }
        self.shown = Some((ticket, whole));
        true
    }

    /// The search whose answer is shown, and whether that answer is whole.
    pub fn shown(&self) -> Option<(Ticket, bool)> {
        self.shown
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_newer_search_makes_the_older_one_stale() {
        let mut searches = Searches::default();
        let first = searches.start();
        assert!(searches.wanted(first));
        assert!(searches.offer(first, false), "the first matches show");
        let second = searches.start();
        assert!(!searches.wanted(first), "the older search stops");
        assert!(
            !searches.offer(first, true),
            "and its answer is never shown"
        );
        assert_eq!(searches.shown(), Some((first, false)));
        assert!(searches.offer(second, true));
        assert!(
            !searches.offer(second, false),
            "no partial answer after the whole one"
        );
        assert_eq!(searches.shown(), Some((second, true)));
    }

    /// What happens while someone types: a query typed (a search starts), or an answer of one
    /// of the searches started so far arriving (any of them, in any order).
    #[derive(Debug, Clone)]
    enum Event {
        Typed,
        /// The `n`th started search (modulo how many there are) offers an answer.
        Answer {
            n: usize,
            whole: bool,
        },
    }

    fn events() -> impl Strategy<Value = Vec<Event>> {
        let event = prop_oneof![
            1 => Just(Event::Typed),
            3 => (0..64usize, any::<bool>()).prop_map(|(n, whole)| Event::Answer { n, whole }),
        ];
        proptest::collection::vec(event, 1..120).prop_map(|mut events| {
            events.insert(0, Event::Typed);
            events
        })
    }

    /// A search as the table runs it: it works while it is wanted, may offer what it found so
    /// far, and offers its whole answer when done (unless it stopped first).
    #[derive(Debug, Clone, Copy)]
    struct Run {
        ticket: Ticket,
        query: usize,
        stopped: bool,
        done: bool,
    }

    proptest! {
        /// Whatever the order of typing and of answers: an older query's answer is never shown
        /// after a newer one's; no partial answer follows its whole one; a search that is no
        /// longer the newest stops; and once the last search has answered, its whole answer is
        /// what is shown — the last query typed.
        #[test]
        fn the_newest_query_wins_and_nothing_older_shows_after_it(events in events()) {
            let mut searches = Searches::default();
            let mut runs: Vec<Run> = Vec::new();
            // What the table shows: (query, whole).
            let mut screen: Option<(usize, bool)> = None;
            for event in events {
                match event {
                    Event::Typed => {
                        let ticket = searches.start();
                        runs.push(Run { ticket, query: runs.len(), stopped: false, done: false });
                    }
                    Event::Answer { n, whole } => {
                        let count = runs.len();
                        let run = &mut runs[n % count];
                        if run.stopped || run.done {
                            continue;
                        }
                        // Work looks at `wanted` between slices and stops when it is not.
                        if !searches.wanted(run.ticket) {
                            run.stopped = true;
                            continue;
                        }
                        run.done = whole;
                        if searches.offer(run.ticket, whole) {
                            if let Some((query, was_whole)) = screen {
                                prop_assert!(query <= run.query, "query {} shown after {}", run.query, query);
                                prop_assert!(!(query == run.query && was_whole && !whole), "a partial answer after the whole one");
                            }
                            screen = Some((run.query, whole));
                        }
                    }
                }
                for run in &runs[..runs.len() - 1] {
                    prop_assert!(!searches.wanted(run.ticket), "only the newest search is wanted");
                }
            }
            // The last search finishes (its work was never stopped: it is the newest).
            let Some(&last) = runs.last() else {
                return Err(TestCaseError::fail("no search was started"));
            };
            prop_assert!(searches.wanted(last.ticket) && !last.stopped);
            if !last.done {
                prop_assert!(searches.offer(last.ticket, true));
                screen = Some((last.query, true));
            }
            prop_assert_eq!(screen, Some((runs.len() - 1, true)));
            prop_assert_eq!(searches.shown(), Some((last.ticket, true)));
        }
    }
}
