//! The handles components share through context: the catalogue (repository, change counter,
//! commands) and what the table shows (sort, filter, search text).

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

use super::commands::{Command, Writes};
use super::notices::Notices;
use crate::book::{Book, BookId, NewBook};
use crate::columns::Column;
use crate::query::{Filter, Sort, SortField};
use crate::store::{BookRepository, StoreError};
use crate::tabs::{TabMessage, Tabs};
use crate::ui::boxed::effect;

/// The catalogue as components see it: the repository to read from, the commands that change
/// it (`commands.rs`), and a counter that says "the books changed".
///
/// `Copy`, so closures capture it freely; views that read [`Catalogue::track`] refresh after writes.
#[derive(Clone, Copy)]
pub struct Catalogue {
    repository: StoredValue<BookRepository, LocalStorage>,
    changes: RwSignal<u64>,
    tabs: StoredValue<Option<Tabs>, LocalStorage>,
    pub(super) notices: Notices,
    /// Puts a deleted book back (Undo): one command for the page, since an Undo outlives the
    /// table that offered it. Set once, just after the catalogue is made.
    pub(super) undo: StoredValue<Option<Command<Book, Book>>>,
    /// How one book is added, deleted and put back.
    pub(super) writes: Writes,
    /// How the search index is read.
    lookups: Lookups,
}

/// Work on the store under way.
pub type Reading<T> = Pin<Box<dyn Future<Output = Result<T, StoreError>>>>;
/// Says whether a search's answer is still wanted.
pub type Wanted = Rc<dyn Fn() -> bool>;
/// Takes a search's matches found so far.
pub type SoFar = Box<dyn FnMut(Vec<BookId>)>;
/// A search's whole answer, or `None` once no longer wanted.
pub type Found = Reading<Option<Vec<BookId>>>;
/// (folded key, as written), sorted.
pub type Names = Reading<Vec<(String, String)>>;

/// Which names a list of the catalogue holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameList {
    Genres,
    Tags,
    Series,
}

/// What reads the search index: a search, the rank index that makes jumps short, the ids that
/// pass a filter, the lists of genres, tags and series, the rows of a search's answer (books by
/// id) and a new book's place. Reading the first rows needs none of
/// it (a jump before the rank index walks a cursor), so the app's are in the catalogue page's part,
/// fetched after its rows (src/main.rs); a search before the part is here fetches it.
/// [`Lookups::default`] calls the repository itself (tests and tools).
#[derive(Clone, Copy)]
pub struct Lookups {
    /// [`BookRepository::search`].
    pub search: fn(BookRepository, Filter, Sort, Wanted, SoFar) -> Found,
    /// [`BookRepository::prepare_jumps`].
    pub prepare_jumps: fn(BookRepository, SortField) -> Reading<()>,
    /// [`BookRepository::matching`].
    pub matching: fn(BookRepository, Filter, Sort) -> Reading<Vec<BookId>>,
    /// [`BookRepository::genres`], [`BookRepository::tags`] or [`BookRepository::series`].
    pub names: fn(BookRepository, NameList) -> Names,
    /// [`BookRepository::get_many`]: the rows of a search's answer (only a search, so only the
    /// part, gives ids to read).
    pub books: fn(BookRepository, Vec<BookId>) -> Reading<Vec<Book>>,
    /// The row at which a book stands among those that pass a filter, in an order (none if it
    /// does not pass): where the table shows a book just added.
    pub place: fn(BookRepository, Filter, Sort, Book) -> Reading<Option<u64>>,
}

impl Default for Lookups {
    fn default() -> Self {
        Self {
            search: |repository, filter, sort, wanted, mut so_far| {
                Box::pin(async move {
                    let so_far = |ids| so_far(ids);
                    repository.search(&filter, sort, || wanted(), so_far).await
                })
            },
            prepare_jumps: |repository, field| {
                Box::pin(async move { repository.prepare_jumps(field).await })
            },
            matching: |repository, filter, sort| {
                Box::pin(async move { repository.matching(&filter, sort).await })
            },
            names: |repository, list| {
                Box::pin(async move {
                    match list {
                        NameList::Genres => repository.genres().await,
                        NameList::Tags => repository.tags().await,
                        NameList::Series => repository.series().await,
                    }
                })
            },
            books: |repository, ids| Box::pin(async move { repository.get_many(&ids).await }),
            place: |repository, filter, sort, book| {
                Box::pin(async move {
                    if filter.is_empty() {
                        return Ok(Some(repository.rank(sort, &book).await?));
                    }
                    let ids = repository.matching(&filter, sort).await?;
                    Ok(ids
                        .iter()
                        .position(|&id| id == book.id)
                        .map(|row| row as u64))
                })
            },
        }
    }
}

impl Catalogue {
    /// A handle over an open repository, joined to the other open tabs of the app, writing
    /// through the repository itself.
    pub fn new(repository: BookRepository, notices: Notices) -> Self {
        Self::with_parts(repository, notices, Writes::default(), Lookups::default())
    }

    /// The same, writing one book through `writes` and reading the search index through
    /// `lookups` (the app's: parts).
    pub fn with_parts(
        repository: BookRepository,
        notices: Notices,
        writes: Writes,
        lookups: Lookups,
    ) -> Self {
        let catalogue = Self {
            repository: StoredValue::new_local(repository),
            changes: RwSignal::new(0),
            tabs: StoredValue::new_local(None),
            notices,
            undo: StoredValue::new(None),
            writes,
            lookups,
        };
        let tabs = Tabs::join(move |message| match message {
            TabMessage::Changed => catalogue.changed_elsewhere(),
        });
        catalogue.tabs.set_value(tabs);
        catalogue.undo.set_value(Some(catalogue.restore()));
        catalogue
    }

    /// The repository to read from; [`StoreError::Closed`] once the page that owned it is gone.
    /// Writes go through the commands, never through this.
    pub fn repository(&self) -> Result<BookRepository, StoreError> {
        self.repository.try_get_value().ok_or(StoreError::Closed)
    }

    /// The book with this id, if there is one (for a book's page).
    pub async fn book(&self, id: BookId) -> Result<Option<Book>, StoreError> {
        self.repository()?.get(id).await
    }

    /// Every tag: (folded key, as written), sorted.
    pub async fn tags(&self) -> Result<Vec<(String, String)>, StoreError> {
        (self.lookups.names)(self.repository()?, NameList::Tags).await
    }

    /// Every series: (folded name, as written), sorted.
    pub async fn series(&self) -> Result<Vec<(String, String)>, StoreError> {
        (self.lookups.names)(self.repository()?, NameList::Series).await
    }

    /// Every genre: (folded key, as written), sorted.
    pub async fn genres(&self) -> Result<Vec<(String, String)>, StoreError> {
        (self.lookups.names)(self.repository()?, NameList::Genres).await
    }

    /// The books with these ids, in this order (those not stored left out).
    pub async fn books(&self, ids: Vec<BookId>) -> Result<Vec<Book>, StoreError> {
        (self.lookups.books)(self.repository()?, ids).await
    }

    /// The row at which `book` stands among the books that pass `filter`, in `sort` order; none
    /// if it does not pass.
    pub async fn place(
        &self,
        filter: Filter,
        sort: Sort,
        book: Book,
    ) -> Result<Option<u64>, StoreError> {
        (self.lookups.place)(self.repository()?, filter, sort, book).await
    }

    /// The ids of every book that passes `filter`, in `sort` order.
    pub async fn matching(&self, filter: Filter, sort: Sort) -> Result<Vec<BookId>, StoreError> {
        (self.lookups.matching)(self.repository()?, filter, sort).await
    }

    /// A search: its matches so far to `so_far`, its whole answer, or `None` once `wanted` says
    /// it is no longer wanted (see [`BookRepository::search`]).
    pub async fn search(
        &self,
        filter: Filter,
        sort: Sort,
        wanted: Wanted,
        so_far: SoFar,
    ) -> Result<Option<Vec<BookId>>, StoreError> {
        (self.lookups.search)(self.repository()?, filter, sort, wanted, so_far).await
    }

    /// Makes the rank index of `field`'s order (see [`BookRepository::prepare_jumps`]).
    pub async fn prepare_jumps(&self, field: SortField) -> Result<(), StoreError> {
        (self.lookups.prepare_jumps)(self.repository()?, field).await
    }

    /// Subscribes the calling view to changes; returns the change count.
    pub fn track(&self) -> u64 {
        self.changes.try_get().unwrap_or_default()
    }

    /// A value `read` from the catalogue, read again after every change of it (and of what
    /// `read` reads synchronously): the newest read kept, with the change count it was read at.
    /// A read that finds nothing (`None`) keeps the value before it. (A signal and a task, not a
    /// `LocalResource`: the first page carries no async resource's code.)
    pub fn read_on_change<T, F>(&self, read: impl Fn() -> F + 'static) -> RwSignal<Option<(u64, T)>>
    where
        T: Send + Sync + 'static,
        F: Future<Output = Option<T>> + 'static,
    {
        let value = RwSignal::new(None);
        let catalogue = *self;
        effect(move |_| {
            let changes = catalogue.track();
            let reading = read();
            leptos::task::spawn_local(async move {
                let Some(read) = reading.await else {
                    return;
                };
                value.try_update(|value| {
                    // A slower read of an older change never replaces a newer one.
                    if value.as_ref().is_none_or(|(seen, _)| *seen <= changes) {
                        *value = Some((changes, read));
                    }
                });
            });
        });
        value
    }

    /// Tells every view that reads the catalogue, here and in the other tabs, that the books changed.
    pub fn changed(&self) {
        self.changes.try_update(|count| *count += 1);
        self.tabs.try_with_value(|tabs| {
            if let Some(tabs) = tabs {
                tabs.send(TabMessage::Changed);
            }
        });
    }

    /// The books changed under this page (another tab wrote, or the browser cleared the store):
    /// read everything again, search index included, keeping this tab's place.
    pub fn changed_elsewhere(&self) {
        if let Ok(repository) = self.repository() {
            repository.forget_search_index();
        }
        self.changes.try_update(|count| *count += 1);
    }
}

/// What the table shows: its sort and filter, shared by the toolbar and the table.
#[derive(Clone, Copy)]
pub struct CatalogueQuery {
    /// The order of the rows.
    pub sort: RwSignal<Sort>,
    /// What the rows are narrowed to (the search text folded, as typed).
    pub filter: RwSignal<Filter>,
    /// The search box as typed, so that it reads the same after a visit to a book's page.
    pub search_text: RwSignal<String>,
    /// A book just added here, for the table to bring into view (or to say where it went).
    pub added: RwSignal<Option<Book>>,
    /// The columns the table shows (remembered in this browser).
    pub columns: RwSignal<Vec<Column>>,
    /// What "Add it" asks the add form to hold (title, author, ISBN), taken by the form.
    pub prefill: RwSignal<Option<NewBook>>,
}

/// Where the column choice is remembered.
const COLUMNS_KEY: &str = "bookshelf-columns";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

impl CatalogueQuery {
    /// Shows `columns` and remembers the choice (where the browser lets the page remember).
    pub fn choose_columns(&self, columns: Vec<Column>) {
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(COLUMNS_KEY, &Column::write_list(&columns));
        }
        self.columns.set(columns);
    }
}

/// The columns chosen last time in this browser, or the usual four.
fn remembered_columns() -> Vec<Column> {
    local_storage()
        .and_then(|storage| storage.get_item(COLUMNS_KEY).ok().flatten())
        .map_or_else(
            || Column::DEFAULT.to_vec(),
            |text| Column::parse_list(&text),
        )
}

impl Default for CatalogueQuery {
    fn default() -> Self {
        Self {
            sort: RwSignal::new(Sort::default()),
            filter: RwSignal::new(Filter::default()),
            search_text: RwSignal::new(String::new()),
            added: RwSignal::new(None),
            columns: RwSignal::new(remembered_columns()),
            prefill: RwSignal::new(None),
        }
    }
}
