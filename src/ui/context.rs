//! The handles components share through context: the catalogue (repository and change counter).

use leptos::prelude::*;

use crate::store::BookRepository;

/// The catalogue as components see it: the repository, and a counter that says "the books changed".
///
/// `Copy`, so closures capture it freely; views that read [`Catalogue::track`] refresh after writes.
#[derive(Clone, Copy)]
pub struct Catalogue {
    repository: StoredValue<BookRepository, LocalStorage>,
    changes: RwSignal<u64>,
}

impl Catalogue {
    /// A handle over an open repository.
    pub fn new(repository: BookRepository) -> Self {
        Self {
            repository: StoredValue::new_local(repository),
            changes: RwSignal::new(0),
        }
    }

    /// The repository, or `None` once the page that owned it is gone.
    pub fn repository(&self) -> Option<BookRepository> {
        self.repository.try_get_value()
    }

    /// Subscribes the calling view to changes; returns the change count.
    pub fn track(&self) -> u64 {
        self.changes.try_get().unwrap_or_default()
    }

    /// Tells every view that reads the catalogue that the books changed.
    pub fn changed(&self) {
        self.changes.try_update(|count| *count += 1);
    }
}
