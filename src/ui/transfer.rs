//! Import and export: the Import control (a file read a slice at a time and checked in full,
//! shown as a preview, written in one transaction only once confirmed, with progress throughout,
//! the page never blocked for long, and every failure a message) and the Export JSON and Export
//! CSV buttons (the catalogue, or the current search result, downloaded as a file).

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, HtmlInputElement};

use super::context::{Catalogue, CatalogueQuery};
use super::files::{download, today, BlobParts, FileSlices};
use super::notices::Notices;
use crate::lookup::Existing;
use crate::memory;
use crate::query::{count_label, Filter, Sort};
use crate::size::size_label;
use crate::store::BookRepository;
use crate::transfer::{
    import_label, ExportFormat, Exporter, FileReader, IgnoredColumns, ImportError, ImportErrorKind,
    ImportPlan, ImportReport, Planner, ProbeBuilder, ReadStep, MAX_IMPORT_BYTES,
};

/// Bytes of the file read from disk at a time (`Blob.slice`): the file is never in memory whole.
const FILE_SLICE_BYTES: u32 = 4 * 1024 * 1024;
/// Bytes of text read between two looks at the clock.
const READ_BUDGET: usize = 64 * 1024;
/// Books looked at between two looks at the clock (finding duplicates, planning).
const BOOKS_PER_STEP: usize = 2_000;
/// How long the work goes on before the page gets a turn (well under the 50 ms of a long task).
const WORK_MILLIS: f64 = 30.0;
/// Books per page read for an export (each page becomes one part of the file).
const EXPORT_PAGE: usize = 1_000;
/// Lines of refusals or duplicates listed in the preview (the counts are always whole).
const LISTED: usize = 100;

/// Where an import or export stands.
#[derive(Clone, PartialEq)]
enum Stage {
    Idle,
    /// Working: what is happening, and how far along (done, total).
    Busy(String, u64, u64),
    Preview(Summary),
}

/// What the preview shows of a plan (the plan itself waits in a stored value).
#[derive(Clone, PartialEq)]
struct Summary {
    heading: String,
    adds: usize,
    renumbered: usize,
    refused_total: usize,
    refused: Vec<String>,
    duplicates_total: usize,
    duplicates: Vec<String>,
    ignored_columns: IgnoredColumns,
}

impl Summary {
    fn of(plan: &ImportPlan, file_name: &str) -> Self {
        Self {
            heading: format!("Import preview: {file_name} ({})", plan.format),
            adds: plan.count(false),
            renumbered: plan.renumbered,
            refused_total: plan.refused_total,
            refused: plan
                .refused
                .iter()
                .take(LISTED)
                .map(ToString::to_string)
                .collect(),
            duplicates_total: plan.duplicates.len(),
            duplicates: plan
                .duplicates
                .iter()
                .take(LISTED)
                .map(ToString::to_string)
                .collect(),
            ignored_columns: plan.ignored_columns.clone(),
        }
    }
}

/// Milliseconds on the page's clock.
fn now() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or_else(js_sys::Date::now, |performance| performance.now())
}

/// Gives the page a turn after every [`WORK_MILLIS`] of work, so that it never freezes.
struct Breather {
    since: f64,
}

impl Breather {
    fn new() -> Self {
        Self { since: now() }
    }

    /// True when the work has gone on long enough.
    fn due(&self) -> bool {
        now() - self.since >= WORK_MILLIS
    }

    /// Lets the page have its turn if it is due; then says whether memory ran out meanwhile.
    async fn breathe(&mut self) -> Result<(), String> {
        self.pause().await;
        enough_memory()
    }

    /// Lets the page have its turn if it is due.
    async fn pause(&mut self) {
        if self.due() {
            TimeoutFuture::new(0).await;
            self.since = now();
        }
    }
}

/// How many items are freed between two looks at the clock.
const FREED_PER_STEP: usize = 20_000;

/// Frees a large collection a slice at a time: a million books freed at once would block the
/// page for a moment of its own.
async fn free_in_slices<T>(items: impl IntoIterator<Item = T>, breather: &mut Breather) {
    let mut items = items.into_iter();
    while items.by_ref().take(FREED_PER_STEP).count() > 0 {
        breather.pause().await;
    }
}

/// Refused, with a message, once memory has run out (the allocator let its reserve go).
fn enough_memory() -> Result<(), String> {
    match memory::ran_low() {
        true => Err(ImportError::new(ImportErrorKind::OutOfMemory).to_string()),
        false => Ok(()),
    }
}

/// Reads, checks and plans an import of `file`, reporting progress; writes nothing. The file is
/// read from disk in slices and checked a little at a time; whatever goes wrong — the file, the
/// browser, memory — ends in a message, and what was read is freed a slice at a time.
async fn prepare(
    repository: &BookRepository,
    file: &web_sys::File,
    stage: RwSignal<Stage>,
) -> Result<(ImportPlan, Existing), String> {
    memory::arm();
    let mut breather = Breather::new();
    stage.set(Stage::Busy("Reading the file…".into(), 0, 1));
    let mut reader = FileReader::new(file.size() as u64).map_err(|error| error.to_string())?;
    if let Err(message) = read(&mut reader, file, stage, &mut breather).await {
        free_in_slices(reader.finish().books, &mut breather).await;
        return Err(message);
    }
    let report = reader.finish();
    let existing = match find_existing(repository, &report, stage, &mut breather).await {
        Ok(existing) => existing,
        Err(message) => {
            free_in_slices(report.books, &mut breather).await;
            return Err(message);
        }
    };
    let mut planner = Planner::new(report, &existing);
    loop {
        let step = planner.step(&existing, BOOKS_PER_STEP);
        let step = step.map_err(|error| error.to_string()).and_then(|done| {
            enough_memory()?;
            Ok(done)
        });
        match step {
            Ok(true) => return Ok((planner.finish(), existing)),
            Ok(false) => breather.pause().await,
            Err(message) => {
                let (plan, rest) = planner.into_parts();
                free_in_slices(rest, &mut breather).await;
                free_plan(plan).await;
                return Err(message);
            }
        }
    }
}

/// Reads the whole file into `reader`, a slice from disk and a budget of text at a time.
async fn read(
    reader: &mut FileReader,
    file: &web_sys::File,
    stage: RwSignal<Stage>,
    breather: &mut Breather,
) -> Result<(), String> {
    let message = |error: ImportError| error.to_string();
    let size = file.size();
    let mut slices = FileSlices::new(file, FILE_SLICE_BYTES);
    let mut bytes = Vec::new();
    loop {
        match reader.read(READ_BUDGET).map_err(message)? {
            ReadStep::Finished => return Ok(()),
            ReadStep::Paused => {}
            ReadStep::NeedsText if slices.done() => {
                // The end was given: a reader that wants more is a bug, not a reason to hang.
                return Err("The file could not be read to its end. Nothing was imported.".into());
            }
            ReadStep::NeedsText => {
                let more = slices.next(&mut bytes).await?;
                reader.give(more.then_some(&bytes[..])).map_err(message)?;
            }
        }
        if breather.due() {
            let label = match reader.format() {
                Some(format) => format!("Checking the {format}…"),
                None => "Reading the file…".to_owned(),
            };
            stage.set(Stage::Busy(label, slices.read() as u64, size as u64));
        }
        breather.breathe().await?;
    }
}

/// Asks the store which of the report's books it already has (ids, ISBNs, titles and authors).
async fn find_existing(
    repository: &BookRepository,
    report: &ImportReport,
    stage: RwSignal<Stage>,
    breather: &mut Breather,
) -> Result<Existing, String> {
    let message = |error: ImportError| error.to_string();
    let books = report.books.len() as u64;
    let looking = "Looking for books you already have…";
    stage.set(Stage::Busy(looking.into(), 0, books));
    let mut probe = ProbeBuilder::for_books(&report.books).map_err(message)?;
    let mut asked = Ok(());
    for (step, chunk) in report.books.chunks(BOOKS_PER_STEP).enumerate() {
        asked = chunk
            .iter()
            .try_for_each(|candidate| probe.add(candidate))
            .map_err(message);
        if asked.is_ok() {
            asked = breather.breathe().await;
        }
        if asked.is_err() {
            break;
        }
        if breather.due() {
            let done = (step * BOOKS_PER_STEP + chunk.len()) as u64;
            stage.set(Stage::Busy(looking.into(), done, books));
        }
    }
    let probe = probe.finish();
    let existing = match asked {
        Ok(()) => repository.existing(&probe).await.map_err(|e| e.to_string()),
        Err(message) => Err(message),
    };
    // The questions, a million keys perhaps, are freed a slice at a time either way.
    free_in_slices(probe.names, breather).await;
    free_in_slices(probe.isbns, breather).await;
    existing
}

/// Frees a plan's books a slice at a time (after Cancel, or once written).
async fn free_plan(plan: ImportPlan) {
    let mut breather = Breather::new();
    free_in_slices(plan.restored, &mut breather).await;
    free_in_slices(plan.added, &mut breather).await;
    free_in_slices(plan.duplicates, &mut breather).await;
}

/// Writes the catalogue (or the books `filter` finds, in `sort` order) as a file of `format`.
async fn export_file(
    repository: &BookRepository,
    format: ExportFormat,
    filter: &Filter,
    sort: Sort,
    progress: impl Fn(u64, u64),
) -> Result<(Blob, u64), String> {
    let js = |error: JsValue| format!("The export failed ({error:?}).");
    let mut exporter = Exporter::new(format);
    let mut parts = BlobParts::new(format.media_type());
    parts.push(exporter.start()).map_err(js)?;
    if filter.is_empty() {
        let total = repository.count().await.map_err(|e| e.to_string())?;
        let mut pages = repository.pages(EXPORT_PAGE as u32);
        while let Some(page) = pages.next_page().await.map_err(|e| e.to_string())? {
            parts
                .push(exporter.page(&page).map_err(|e| e.to_string())?)
                .map_err(js)?;
            progress(exporter.written(), total);
        }
    } else {
        let ids = repository
            .matching(filter, sort)
            .await
            .map_err(|e| e.to_string())?;
        for chunk in ids.chunks(EXPORT_PAGE) {
            let page = repository
                .get_many(chunk)
                .await
                .map_err(|e| e.to_string())?;
            parts
                .push(exporter.page(&page).map_err(|e| e.to_string())?)
                .map_err(js)?;
            progress(exporter.written(), ids.len() as u64);
        }
    }
    parts.push(exporter.finish()).map_err(js)?;
    Ok((parts.blob().map_err(js)?, exporter.written()))
}

/// "1 line", "3 lines".
fn lines_label(count: usize) -> String {
    match count {
        1 => "1 line".to_owned(),
        n => format!("{n} lines"),
    }
}

/// Import (with its preview and progress) and the two Export buttons.
#[component]
pub fn Transfer() -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let notices = expect_context::<Notices>();
    let query = expect_context::<CatalogueQuery>();
    let stage = RwSignal::new(Stage::Idle);
    let problem = RwSignal::new(None::<String>);
    let include_duplicates = RwSignal::new(false);
    let pending = StoredValue::new_local(None::<(ImportPlan, Existing)>);
    let idle = move || matches!(stage.get(), Stage::Idle);

    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let file = input.files().and_then(|files| files.get(0));
        // Cleared so that choosing the same file again is a change too.
        input.set_value("");
        let (Some(file), Some(repository)) = (file, catalogue.repository()) else {
            return;
        };
        problem.set(None);
        include_duplicates.set(false);
        spawn_local(async move {
            match prepare(&repository, &file, stage).await {
                Ok((plan, existing)) => {
                    let summary = Summary::of(&plan, &file.name());
                    pending.set_value(Some((plan, existing)));
                    stage.try_set(Stage::Preview(summary));
                }
                Err(message) => {
                    problem.try_set(Some(message));
                    stage.try_set(Stage::Idle);
                }
            }
        });
    };

    let cancel = move |_| {
        let taken = pending.try_update_value(Option::take).flatten();
        stage.set(Stage::Idle);
        if let Some((plan, _)) = taken {
            spawn_local(free_plan(plan));
        }
    };
    let confirm = move |_| {
        let taken = pending.try_update_value(Option::take).flatten();
        let (Some((plan, existing)), Some(repository)) = (taken, catalogue.repository()) else {
            return;
        };
        let (with_ids, new) = plan.into_batch(include_duplicates.get_untracked(), &existing);
        let total = (with_ids.len() + new.len()) as u64;
        stage.set(Stage::Busy("Importing…".into(), 0, total));
        spawn_local(async move {
            let progress = |done: usize, total: usize| {
                stage.try_set(Stage::Busy("Importing…".into(), done as u64, total as u64));
            };
            match repository
                .write_many_with_progress(with_ids, new, progress)
                .await
            {
                Ok(stored) => {
                    catalogue.changed();
                    notices.info(
                        format!("Imported {}.", count_label(stored.len() as u64)),
                        None,
                    );
                    stage.try_set(Stage::Idle);
                    free_in_slices(stored, &mut Breather::new()).await;
                }
                Err(error) => {
                    problem.try_set(Some(error.to_string()));
                    stage.try_set(Stage::Idle);
                }
            }
        });
    };

    let export = move |format: ExportFormat| {
        let Some(repository) = catalogue.repository() else {
            return;
        };
        if !matches!(stage.get_untracked(), Stage::Idle) {
            return;
        }
        problem.set(None);
        let filter = query.filter.get_untracked();
        let sort = query.sort.get_untracked();
        stage.set(Stage::Busy("Exporting…".into(), 0, 1));
        spawn_local(async move {
            let progress = |done: u64, total: u64| {
                stage.try_set(Stage::Busy("Exporting…".into(), done, total));
            };
            let exported = export_file(&repository, format, &filter, sort, progress).await;
            let outcome = exported.and_then(|(blob, count)| {
                download(&blob, &format.file_name(&today()))
                    .map(|()| count)
                    .map_err(|error| format!("The download could not start ({error:?})."))
            });
            match outcome {
                Ok(count) => notices.info(format!("Exported {}.", count_label(count)), None),
                Err(message) => {
                    problem.try_set(Some(message));
                }
            }
            stage.try_set(Stage::Idle);
        });
    };

    let body = move || {
        match stage.get() {
        Stage::Idle => view! {
            <div class="field">
                <label for="import-file">"Import"</label>
                <input id="import-file" type="file" aria-describedby="import-hint" on:change=on_file />
                <p id="import-hint" class="muted">
                    {format!(
                        "JSON or CSV from Bookshelf, or a Goodreads library export; up to {}. \
                         You will see what it holds before anything is added.",
                        size_label(MAX_IMPORT_BYTES as f64)
                    )}
                </p>
            </div>
        }
        .into_any(),
        Stage::Busy(label, done, total) => view! {
            <div class="progress">
                <label for="transfer-progress">{label}</label>
                <progress id="transfer-progress" max=total value=done></progress>
            </div>
        }
        .into_any(),
        Stage::Preview(summary) => preview(summary, include_duplicates, confirm, cancel).into_any(),
    }
    };

    view! {
        <section class="transfer" aria-labelledby="transfer-heading">
            <h2 id="transfer-heading">"Import and export"</h2>
            {body}
            {move || problem.get().map(|text| view! { <p class="notice notice-error" role="alert">{text}</p> })}
            <div class="transfer-actions">
                <button type="button" on:click=move |_| export(ExportFormat::Json) disabled=move || !idle()>
                    "Export JSON"
                </button>
                <button type="button" on:click=move |_| export(ExportFormat::Csv) disabled=move || !idle()>
                    "Export CSV"
                </button>
                <span class="muted">
                    {move || if query.filter.with(Filter::is_empty) {
                        "Exports every book."
                    } else {
                        "Exports the books the search finds."
                    }}
                </span>
            </div>
        </section>
    }
}

/// The preview of a checked import: what will be added, what was refused, what looks duplicated.
fn preview(
    summary: Summary,
    include_duplicates: RwSignal<bool>,
    confirm: impl Fn(leptos::ev::MouseEvent) + 'static,
    cancel: impl Fn(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    let adds = summary.adds;
    let duplicates_total = summary.duplicates_total;
    let count = move || {
        adds + if include_duplicates.get() {
            duplicates_total
        } else {
            0
        }
    };
    let more = |total: usize, listed: usize| {
        (total > listed).then(|| view! { <li>{format!("…and {} more.", total - listed)}</li> })
    };
    let refused = (summary.refused_total > 0).then(|| {
        let listed = summary.refused.len();
        view! {
            <h4>{format!("{} refused", lines_label(summary.refused_total))}</h4>
            <ul class="import-lines">
                {summary.refused.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                {more(summary.refused_total, listed)}
            </ul>
        }
    });
    let duplicates = (duplicates_total > 0).then(|| {
        let listed = summary.duplicates.len();
        view! {
            <h4>{format!("{} look like books you already have", count_label(duplicates_total as u64))}</h4>
            <p>"They are skipped unless you tick the box."</p>
            <label class="checkbox">
                <input
                    type="checkbox"
                    prop:checked=move || include_duplicates.get()
                    on:change=move |ev| include_duplicates.set(event_target_checked(&ev))
                />
                "Import them too"
            </label>
            <ul class="import-lines">
                {summary.duplicates.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                {more(duplicates_total, listed)}
            </ul>
        }
    });
    let renumbered = (summary.renumbered > 0).then(|| {
        view! { <p>{format!("{} carry an id that a book here has, or once had: they get new ids, so that an id never names two books.", count_label(summary.renumbered as u64))}</p> }
    });
    let ignored = (!summary.ignored_columns.is_empty()).then(|| {
        view! { <p class="muted">{format!("Not imported (Bookshelf does not keep them): {}.", summary.ignored_columns.label())}</p> }
    });
    view! {
        <div class="import-preview" role="group" aria-labelledby="import-preview-heading">
            <h3 id="import-preview-heading">{summary.heading}</h3>
            <p>{move || format!("{} will be added.", count_label(count() as u64))}</p>
            {renumbered}
            {refused}
            {duplicates}
            {ignored}
            <div class="dialog-actions">
                <button type="button" class="primary" on:click=confirm disabled=move || count() == 0>
                    {move || import_label(count())}
                </button>
                <button type="button" on:click=cancel>"Cancel"</button>
            </div>
        </div>
    }
}
