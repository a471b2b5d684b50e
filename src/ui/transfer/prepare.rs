//! Preparing an import: the chosen file read from disk a slice at a time and checked a little at
//! a time, the store asked which books it already has, and the plan made, with progress
//! throughout and the page never blocked for long. Nothing is written here.

use leptos::prelude::*;

use super::{Stage, TransferError};
use crate::lookup::Existing;
use crate::memory;
use crate::store::BookRepository;
use crate::transfer::{
    FileReader, ImportError, ImportErrorKind, ImportPlan, ImportReport, Planner, ProbeBuilder,
    ReadStep,
};
use crate::ui::breather::{free_in_slices, Breather};
use crate::ui::files::FileSlices;

/// Bytes of the file read from disk at a time (`Blob.slice`): the file is never in memory whole.
const FILE_SLICE_BYTES: u32 = 4 * 1024 * 1024;
/// Bytes of text read between two looks at the clock.
const READ_BUDGET: usize = 64 * 1024;
/// Books looked at between two looks at the clock (finding duplicates, planning).
const BOOKS_PER_STEP: usize = 2_000;

/// Marks a moment of the preparation on the page's timeline (the benchmark reads these).
fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark(name);
    }
}

/// Refused, with a message, once memory has run out (the allocator let its reserve go).
fn enough_memory() -> Result<(), TransferError> {
    match memory::ran_low() {
        true => Err(ImportError::new(ImportErrorKind::OutOfMemory).into()),
        false => Ok(()),
    }
}

/// Gives the page its turn if it is due; then says whether memory ran out meanwhile.
async fn breathe(breather: &mut Breather) -> Result<(), TransferError> {
    breather.pause().await;
    enough_memory()
}

/// Shows how far the work is.
fn busy(stage: RwSignal<Stage>, label: impl Into<String>, done: u64, total: u64) {
    stage.try_set(Stage::Busy {
        label: label.into(),
        done,
        total,
    });
}

/// Reads, checks and plans an import of `file`, reporting progress; writes nothing. Whatever
/// goes wrong — the file, the browser, memory — ends in an error, and what was read is freed a
/// slice at a time.
pub async fn prepare(
    repository: &BookRepository,
    file: &web_sys::File,
    stage: RwSignal<Stage>,
) -> Result<(ImportPlan, Existing), TransferError> {
    memory::arm();
    let mut breather = Breather::new();
    busy(stage, "Reading the file…", 0, 1);
    let mut reader = FileReader::new(file.size() as u64)?;
    if let Err(error) = read(&mut reader, file, stage, &mut breather).await {
        free_in_slices(reader.finish().books, &mut breather).await;
        return Err(error);
    }
    let report = reader.finish();
    mark("bookshelf:import-read");
    let existing = match find_existing(repository, &report, stage, &mut breather).await {
        Ok(existing) => existing,
        Err(error) => {
            free_in_slices(report.books, &mut breather).await;
            return Err(error);
        }
    };
    mark("bookshelf:import-existing");
    let mut planner = Planner::new(report, &existing);
    loop {
        let step = planner
            .step(&existing, BOOKS_PER_STEP)
            .map_err(TransferError::from)
            .and_then(|done| enough_memory().map(|()| done));
        match step {
            Ok(true) => {
                mark("bookshelf:import-planned");
                return Ok((planner.finish(), existing));
            }
            Ok(false) => breather.pause().await,
            Err(error) => {
                let (plan, rest) = planner.into_parts();
                free_in_slices(rest, &mut breather).await;
                free_plan(plan).await;
                return Err(error);
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
) -> Result<(), TransferError> {
    let size = file.size();
    let mut slices = FileSlices::new(file, FILE_SLICE_BYTES);
    let mut bytes = Vec::new();
    loop {
        match reader.read(READ_BUDGET)? {
            ReadStep::Finished => return Ok(()),
            ReadStep::Paused => {}
            ReadStep::NeedsText if slices.done() => {
                // The end was given: a reader that wants more is a bug, not a reason to hang.
                return Err(TransferError::Browser(
                    "The file could not be read to its end. Nothing was imported.".into(),
                ));
            }
            ReadStep::NeedsText => {
                let more = slices
                    .next(&mut bytes)
                    .await
                    .map_err(TransferError::Browser)?;
                reader.give(more.then_some(&bytes[..]))?;
            }
        }
        if breather.due() {
            let label = match reader.format() {
                Some(format) => format!("Checking the {format}…"),
                None => "Reading the file…".to_owned(),
            };
            busy(stage, label, slices.read() as u64, size as u64);
        }
        breathe(breather).await?;
    }
}

/// Asks the store which of the report's books it already has (ids, ISBNs, titles and authors).
async fn find_existing(
    repository: &BookRepository,
    report: &ImportReport,
    stage: RwSignal<Stage>,
    breather: &mut Breather,
) -> Result<Existing, TransferError> {
    let books = report.books.len() as u64;
    let looking = "Looking for books you already have…";
    busy(stage, looking, 0, books);
    let mut probe = ProbeBuilder::for_books(&report.books)?;
    let mut asked = Ok(());
    for (step, chunk) in report.books.chunks(BOOKS_PER_STEP).enumerate() {
        asked = chunk
            .iter()
            .try_for_each(|candidate| probe.add(candidate))
            .map_err(TransferError::from);
        if asked.is_ok() {
            asked = breathe(breather).await;
        }
        if asked.is_err() {
            break;
        }
        if breather.due() {
            let done = (step * BOOKS_PER_STEP + chunk.len()) as u64;
            busy(stage, looking, done, books);
        }
    }
    let probe = probe.finish();
    let existing = match asked {
        Ok(()) => repository
            .existing(&probe)
            .await
            .map_err(TransferError::from),
        Err(error) => Err(error),
    };
    // The questions, a million keys perhaps, are freed a slice at a time either way.
    free_in_slices(probe.names, breather).await;
    free_in_slices(probe.isbns, breather).await;
    existing
}

/// Frees a plan's books a slice at a time (after Cancel, or once written).
pub async fn free_plan(plan: ImportPlan) {
    let mut breather = Breather::new();
    free_in_slices(plan.restored, &mut breather).await;
    free_in_slices(plan.added, &mut breather).await;
    free_in_slices(plan.duplicates, &mut breather).await;
}
