//! The handles components share through context: the catalogue (repository and change counter).

use leptos::prelude::*;

use crate::query::{Filter, Sort};
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

/// What the table shows: its sort and filter, shared by the toolbar and the table.
#[derive(Clone, Copy)]
pub struct CatalogueQuery {
    /// The order of the rows.
    pub sort: RwSignal<Sort>,
    /// What the rows are narrowed to (already debounced).
    pub filter: RwSignal<Filter>,
}

impl Default for CatalogueQuery {
    fn default() -> Self {
        Self {
            sort: RwSignal::new(Sort::default()),
            filter: RwSignal::new(Filter::default()),
        }
    }
}
