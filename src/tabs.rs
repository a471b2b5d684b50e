//! Messages between the open tabs of Bookshelf (over a `BroadcastChannel`): "the books changed",
//! so every tab shows a change within a moment. (A newer version taking over the database is told
//! by IndexedDB itself: see `store::watch`.)

/// What one tab tells the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TabMessage {
    /// Books were written; read them again.
    Changed,
}

impl TabMessage {
    /// The message as sent.
    pub fn encode(self) -> String {
        match self {
            TabMessage::Changed => "changed".to_owned(),
        }
    }

    /// A received message, or `None` for anything this build does not understand.
    pub fn decode(text: &str) -> Option<TabMessage> {
        match text {
            "changed" => Some(TabMessage::Changed),
            _ => None,
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub use channel::Tabs;

#[cfg(target_arch = "wasm32")]
mod channel {
    use gloo_events::EventListener;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{BroadcastChannel, MessageEvent};

    use super::TabMessage;

    const CHANNEL: &str = "bookshelf";

    /// This tab's end of the channel; messages stop when it is dropped.
    pub struct Tabs {
        channel: BroadcastChannel,
        _listener: EventListener,
    }

    impl Tabs {
        /// Joins the channel (`None` where the browser has none); `on_message` hears the other tabs.
        pub fn join(on_message: impl Fn(TabMessage) + 'static) -> Option<Tabs> {
            let channel = BroadcastChannel::new(CHANNEL).ok()?;
            let listener = EventListener::new(&channel, "message", move |event| {
                let text = event
                    .dyn_ref::<MessageEvent>()
                    .and_then(|event| event.data().as_string());
                if let Some(message) = text.as_deref().and_then(TabMessage::decode) {
                    on_message(message);
                }
            });
            Some(Tabs {
                channel,
                _listener: listener,
            })
        }

        /// Tells every other tab.
        pub fn send(&self, message: TabMessage) {
            let _ = self
                .channel
                .post_message(&JsValue::from_str(&message.encode()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_strangers_are_ignored() {
        let message = TabMessage::Changed;
        assert_eq!(TabMessage::decode(&message.encode()), Some(message));
        assert_eq!(TabMessage::decode("opened:x"), None);
        assert_eq!(TabMessage::decode("deleted:1"), None);
        assert_eq!(TabMessage::decode(""), None);
    }
}
