//! The commands: every change a person makes to the catalogue goes through one of these. Each is
//! a [`Command`] (`pending()` while it runs, `value()` once it ends) made by the catalogue
//! handle, and owns, once, what every write needs: the repository (a missing one is an error,
//! never a silent no-op), "the books changed" here and in the other tabs, the notice of what was
//! done (with Undo after a delete), and the error notice unless the component that asked says
//! the error itself.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::breather::{free_in_slices, Breather};
use super::context::{Catalogue, Reading};
use super::lazy::{not_loaded, NotLoaded};
use crate::book::{Book, BookId, BookPatch, NewBook};
use crate::lookup::Existing;
use crate::query::count_label;
use crate::sample::{sample_books, sample_catalogue};
use crate::store::{BookRepository, StoreError};
use crate::transfer::ImportPlan;
use crate::ui::boxed::effect;

/// What a command ends with.
pub type Outcome<T> = Result<T, StoreError>;
/// A write a command starts.
type Run<I, T> = Rc<dyn Fn(I) -> Pin<Box<dyn Future<Output = Outcome<T>>>>>;

/// A command: asked with `dispatch_local(input)`; `pending()` while any run is under way, and
/// `value()` the outcome of the latest one asked, once it ends (an earlier run that ends later
/// is not shown over it). What Leptos's `Action` does for us, without what we never use (its
/// abort handles, its input signal), which weighs in the wasm of every command.
pub struct Command<I: 'static, T: 'static> {
    run: StoredValue<Run<I, T>, LocalStorage>,
    running: RwSignal<u32>,
    asked: StoredValue<u32>,
    value: RwSignal<Option<Outcome<T>>, LocalStorage>,
    /// How many outcomes `value` has shown.
    answered: RwSignal<u32>,
}

impl<I, T> Clone for Command<I, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I, T> Copy for Command<I, T> {}

impl<I, T> Command<I, T> {
    fn new(run: Run<I, T>) -> Self {
        Self {
            run: StoredValue::new_local(run),
            running: RwSignal::new(0),
            asked: StoredValue::new(0),
            value: RwSignal::new_local(None),
            answered: RwSignal::new(0),
        }
    }

    /// Starts the command on `input` (nothing once its owner is gone).
    pub fn dispatch_local(&self, input: I) {
        let Some(run) = self.run.try_get_value() else {
            return;
        };
        let Some(asked) = self.asked.try_update_value(|asked| {
            *asked += 1;
            *asked
        }) else {
            return;
        };
        let written = run(input);
        self.running.try_update(|running| *running += 1);
        let command = *self;
        spawn_local(async move {
            let outcome = written.await;
            command
                .running
                .try_update(|running| *running = running.saturating_sub(1));
            if command.asked.try_get_value() == Some(asked) {
                command.value.try_set(Some(outcome));
                command.answered.try_update(|answered| *answered += 1);
            }
        });
    }

    /// Whether a run is under way.
    pub fn pending(&self) -> Signal<bool> {
        let running = self.running;
        Signal::derive(move || running.get() > 0)
    }

    /// How many outcomes [`value`](Self::value) has shown.
    pub fn version(&self) -> ReadSignal<u32> {
        self.answered.read_only()
    }

    /// The outcome of the latest run asked, once it has ended.
    pub fn value(&self) -> ReadSignal<Option<Outcome<T>>, LocalStorage> {
        self.value.read_only()
    }
}

/// Books per transaction when generating (each batch is all or nothing).
const GENERATED_BATCH: usize = 100_000;

/// Where a failed command's error is said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Errors {
    /// In the notice area.
    Notice,
    /// By the component that asked, beside what it concerns (a modal dialog makes the rest of
    /// the page inert; an import's panel shows its own). The command says nothing.
    Caller,
}

/// A value handed to a command whole: the command takes it, so that nothing large is copied
/// (an import's plan holds up to a million books).
pub struct Handoff<T>(Rc<RefCell<Option<T>>>);

impl<T> Handoff<T> {
    /// Hands `value` over.
    pub fn new(value: T) -> Self {
        Self(Rc::new(RefCell::new(Some(value))))
    }

    fn take(&self) -> Option<T> {
        self.0.borrow_mut().take()
    }
}

impl<T> Clone for Handoff<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

/// An import the person confirmed: the checked plan, what the store already had, and whether
/// the books that look like duplicates go in too.
pub struct ImportRequest {
    /// The plan the preview showed.
    pub plan: ImportPlan,
    /// What the store held when the plan was made.
    pub existing: Existing,
    /// "Import them too".
    pub include_duplicates: bool,
}

/// One book's write under way.
pub type Written = Reading<Book>;

/// One book's writes that the catalogue page makes: add, delete, and put back (Undo). Reading the
/// catalogue needs none of their code (checking, records, search lines, the sync log), so the
/// app's are in the catalogue page's part, fetched after its rows (src/main.rs);
/// [`Writes::default`] calls the repository itself (tests and tools). A change and a conflict's
/// resolution are made on pages that are parts already.
#[derive(Clone, Copy)]
pub struct Writes {
    /// Adds a book ([`BookRepository::create`]).
    pub create: fn(BookRepository, NewBook) -> Written,
    /// Deletes a book ([`BookRepository::delete`]).
    pub delete: fn(BookRepository, BookId) -> Written,
    /// Puts a deleted book back ([`BookRepository::restore`]).
    pub restore: fn(BookRepository, Book) -> Written,
}

impl Default for Writes {
    fn default() -> Self {
        Self {
            create: |repository, book| Box::pin(async move { repository.create(book).await }),
            delete: |repository, id| Box::pin(async move { repository.delete(id).await }),
            restore: |repository, book| Box::pin(async move { repository.restore(book).await }),
        }
    }
}

/// A write under way, made by code fetched when first used (a part: src/ui/lazy.rs).
pub type Writing = Pin<Box<dyn Future<Output = Outcome<usize>>>>;

/// Fetches the code that adds the classics (the bulk write path is not on the first page), then
/// starts adding them.
pub type AddClassics =
    fn(BookRepository) -> Pin<Box<dyn Future<Output = Result<Writing, NotLoaded>>>>;

/// Adds the few classics offered in an empty catalogue, in one transaction; the answer is how
/// many. The bulk part's code (src/main.rs) calls it.
pub fn write_classics(repository: BookRepository) -> Writing {
    Box::pin(async move { Ok(repository.create_many(sample_books()).await?.len()) })
}

/// Runs `react` with each outcome of `command` as it comes in (never with one from before).
pub fn on_outcome<I: 'static, T: Clone + 'static>(
    command: Command<I, T>,
    react: impl Fn(Outcome<T>) + 'static,
) {
    let value = command.value();
    // After the first run: an outcome there before this was set up is not this one's to react to.
    effect(move |first| {
        let outcome = value.get();
        if let (false, Some(outcome)) = (first, outcome) {
            untrack(|| react(outcome));
        }
    });
}

impl Catalogue {
    /// A command that runs `write` on the repository, then says the books changed (also when a
    /// book was not found: it went elsewhere, and the views must read again) and shows the error,
    /// if any, as `errors` says. A field's error ([`StoreError::Invalid`]) is always the caller's.
    fn command<I, T, Fu>(
        self,
        errors: Errors,
        write: impl Fn(BookRepository, I) -> Fu + 'static,
    ) -> Command<I, T>
    where
        Fu: Future<Output = Outcome<T>> + 'static,
    {
        Command::new(Rc::new(move |input: I| {
            let started = self.repository().map(|repository| write(repository, input));
            Box::pin(async move {
                let outcome = match started {
                    Ok(written) => written.await,
                    Err(error) => Err(error),
                };
                self.written(errors, outcome.as_ref().err());
                outcome
            })
        }))
    }

    /// What follows every write: "the books changed", and the error said as `errors` says.
    fn written(self, errors: Errors, error: Option<&StoreError>) {
        match error {
            None => self.changed(),
            Some(error) => {
                // A book gone elsewhere: the views read again, so that it goes there too.
                if matches!(error, StoreError::NotFound(_)) {
                    self.changed();
                }
                // A field's error belongs beside its field, never in the notice area.
                let field = matches!(error, StoreError::Invalid(_));
                if errors == Errors::Notice && !field {
                    self.notices.error(error);
                }
            }
        }
    }

    /// Adds a book; its answer is the book with its id.
    pub fn create(&self, errors: Errors) -> Command<NewBook, Book> {
        self.command(errors, self.writes.create)
    }

    /// Changes the fields a patch names; its answer is the book as stored.
    pub fn update(&self, errors: Errors) -> Command<(BookId, BookPatch), Book> {
        self.command(errors, |repository, (id, patch)| async move {
            repository.update(id, patch).await
        })
    }

    /// Resolves a book edited on two devices: keeps the version of revision `keep` (`None`: the
    /// one shown) and deletes the others, here now and on every device once synced.
    pub fn resolve_conflict(&self) -> Command<(BookId, Option<String>), Book> {
        self.command(
            Errors::Notice,
            |repository, (id, keep): (BookId, Option<String>)| async move {
                repository.resolve_conflict(id, keep.as_deref()).await
            },
        )
    }

    /// Deletes a book and says so, with Undo (which puts it back with its own id).
    pub fn delete(&self) -> Command<BookId, Book> {
        let catalogue = *self;
        let delete = self.writes.delete;
        self.command(Errors::Notice, move |repository, id| async move {
            let deleted = delete(repository, id).await?;
            let book = deleted.clone();
            let undo = Callback::new(move |()| catalogue.undo_delete(book.clone()));
            let text = format!("Deleted “{}”.", deleted.title);
            catalogue.notices.info(text, Some(undo));
            Ok(deleted)
        })
    }

    /// Puts a deleted book back with its own id and uid, and says so.
    pub fn restore(&self) -> Command<Book, Book> {
        let (notices, restore) = (self.notices, self.writes.restore);
        self.command(Errors::Notice, move |repository, book| async move {
            let restored = restore(repository, book).await?;
            notices.info(format!("Restored “{}”.", restored.title), None);
            Ok(restored)
        })
    }

    /// Undo for a delete: the page's restore command, if the catalogue is still open.
    fn undo_delete(&self, book: Book) {
        if let Some(Some(restore)) = self.undo.try_get_value() {
            restore.dispatch_local(book);
        }
    }

    /// Writes a confirmed import in one transaction, reporting (done, total) as it goes; its
    /// answer is how many books were stored.
    pub fn import(
        &self,
        errors: Errors,
        progress: Callback<(u64, u64)>,
    ) -> Command<Handoff<ImportRequest>, usize> {
        let notices = self.notices;
        self.command(
            errors,
            move |repository, request: Handoff<ImportRequest>| async move {
                let Some(request) = request.take() else {
                    return Ok(0);
                };
                let (with_ids, new) = request
                    .plan
                    .into_batch(request.include_duplicates, &request.existing);
                let report = |done: usize, total: usize| progress.run((done as u64, total as u64));
                let stored = repository
                    .write_many_with_progress(with_ids, new, report)
                    .await?;
                let count = stored.len();
                notices.info(format!("Imported {}.", count_label(count as u64)), None);
                // A million books freed at once would block the page for a moment of its own.
                spawn_local(async move { free_in_slices(stored, &mut Breather::new()).await });
                Ok(count)
            },
        )
    }

    /// Adds the classics offered in an empty catalogue, with the code `fetch` brings.
    pub fn add_classics(&self, fetch: AddClassics) -> Command<(), usize> {
        self.command(Errors::Notice, move |repository, ()| async move {
            match fetch(repository).await {
                Ok(writing) => writing.await,
                Err(NotLoaded) => Err(not_loaded("add the sample books")),
            }
        })
    }

    /// Adds `wanted` generated sample books in batches, reporting (done, total) as it goes; its
    /// answer is how many were added.
    pub fn generate(&self, progress: Callback<(u64, u64)>) -> Command<usize, usize> {
        let catalogue = *self;
        self.command(Errors::Notice, move |repository, wanted| async move {
            let seed = js_sys::Date::now() as u64;
            let mut done = 0;
            let mut failed = None;
            while done < wanted {
                let batch = sample_catalogue(
                    GENERATED_BATCH.min(wanted - done),
                    seed.wrapping_add(done as u64),
                );
                let before = done;
                let report = |batch_done: usize, _| {
                    progress.run(((before + batch_done) as u64, wanted as u64));
                };
                match repository.create_many_with_progress(batch, report).await {
                    Ok(books) => done += books.len(),
                    Err(error) => {
                        failed = Some(error);
                        break;
                    }
                }
                catalogue.changed();
            }
            if done > 0 {
                let text = format!("Added {done} sample books.");
                catalogue.notices.info(text, None);
            }
            failed.map_or(Ok(done), Err)
        })
    }
}
