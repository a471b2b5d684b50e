//! Import and export: the Import control (a file read a slice at a time and checked in full,
//! shown as a preview, written in one transaction only once confirmed, with progress throughout,
//! the page never blocked for long, and every failure a message) and the Export JSON and Export
//! CSV buttons (the catalogue, or the current search result, downloaded as a file).

mod export;
mod prepare;
mod preview;

use std::fmt;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use super::commands::{on_outcome, Errors, Handoff, ImportRequest};
use super::context::{Catalogue, CatalogueQuery};
use super::files::{download, today};
use super::notices::Notices;
use crate::lookup::Existing;
use crate::query::{count_label, Filter};
use crate::size::size_label;
use crate::store::StoreError;
use crate::transfer::{ExportError, ExportFormat, ImportError, ImportPlan, MAX_IMPORT_BYTES};
use export::export_file;
use prepare::{free_plan, prepare};
use preview::{preview, Summary};

/// Where an import or export stands.
#[derive(Clone, PartialEq)]
pub enum Stage {
    Idle,
    /// Working: what is happening, and how far along.
    Busy {
        /// What is being done, such as "Importing…".
        label: String,
        /// How much is done, of `total`.
        done: u64,
        /// How much there is to do.
        total: u64,
    },
    Preview(Summary),
}

/// What went wrong in an import or export, kept typed until it is shown.
#[derive(Debug)]
pub enum TransferError {
    /// The file was refused (nothing is imported).
    Import(ImportError),
    /// A page of books could not be written into the export.
    Export(ExportError),
    /// The store failed.
    Store(StoreError),
    /// The browser failed to read the file or to assemble or offer the download.
    Browser(String),
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::Import(error) => error.fmt(f),
            TransferError::Export(error) => error.fmt(f),
            TransferError::Store(error) => error.fmt(f),
            TransferError::Browser(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for TransferError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TransferError::Import(error) => Some(error),
            TransferError::Export(error) => Some(error),
            TransferError::Store(error) => Some(error),
            TransferError::Browser(_) => None,
        }
    }
}

impl From<ImportError> for TransferError {
    fn from(error: ImportError) -> Self {
        TransferError::Import(error)
    }
}

impl From<ExportError> for TransferError {
    fn from(error: ExportError) -> Self {
        TransferError::Export(error)
    }
}

impl From<StoreError> for TransferError {
    fn from(error: StoreError) -> Self {
        TransferError::Store(error)
    }
}

/// The Import control: a file input and what it takes.
fn import_control(on_file: impl Fn(leptos::ev::Event) + 'static) -> impl IntoView {
    let hint = format!(
        "JSON or CSV from Bookshelf, or a Goodreads library export; up to {}. You will see what it \
         holds before anything is added.",
        size_label(MAX_IMPORT_BYTES as f64)
    );
    view! {
        <div class="field">
            <label for="import-file">"Import"</label>
            <input id="import-file" type="file" aria-describedby="import-hint" on:change=on_file />
            <p id="import-hint" class="muted">{hint}</p>
        </div>
    }
}

/// Import (with its preview and progress) and the two Export buttons.
#[component]
pub fn Transfer() -> impl IntoView {
    let catalogue = expect_context::<Catalogue>();
    let notices = expect_context::<Notices>();
    let query = expect_context::<CatalogueQuery>();
    let stage = RwSignal::new(Stage::Idle);
    let problem = RwSignal::new_local(None::<TransferError>);
    let include_duplicates = RwSignal::new(false);
    let pending = StoredValue::new_local(None::<(ImportPlan, Existing)>);
    let idle = move || matches!(stage.get(), Stage::Idle);
    let failed = move |error: TransferError| {
        problem.try_set(Some(error));
        stage.try_set(Stage::Idle);
    };
    let progress = move |label: &'static str| {
        Callback::new(move |(done, total)| {
            stage.try_set(Stage::Busy {
                label: label.into(),
                done,
                total,
            });
        })
    };
    let import = catalogue.import(Errors::Caller, progress("Importing…"));
    on_outcome(import, move |written| match written {
        Ok(_) => {
            stage.try_set(Stage::Idle);
        }
        Err(error) => failed(error.into()),
    });

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
        let Some(file) = file else { return };
        problem.set(None);
        include_duplicates.set(false);
        spawn_local(async move {
            let prepared = match catalogue.repository() {
                Ok(repository) => prepare(&repository, &file, stage).await,
                Err(error) => Err(error.into()),
            };
            match prepared {
                Ok((plan, existing)) => {
                    let summary = Summary::of(&plan, &file.name());
                    pending.set_value(Some((plan, existing)));
                    stage.try_set(Stage::Preview(summary));
                }
                Err(error) => failed(error),
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
        let Some((plan, existing)) = pending.try_update_value(Option::take).flatten() else {
            return;
        };
        let include_duplicates = include_duplicates.get_untracked();
        let total = plan.count(include_duplicates) as u64;
        stage.set(Stage::Busy {
            label: "Importing…".into(),
            done: 0,
            total,
        });
        import.dispatch_local(Handoff::new(ImportRequest {
            plan,
            existing,
            include_duplicates,
        }));
    };

    let exporting = progress("Exporting…");
    let export = move |format: ExportFormat| {
        if !matches!(stage.get_untracked(), Stage::Idle) {
            return;
        }
        problem.set(None);
        let filter = query.filter.get_untracked();
        let sort = query.sort.get_untracked();
        exporting.run((0, 1));
        spawn_local(async move {
            let progress = |done, total| exporting.run((done, total));
            let exported = match catalogue.repository() {
                Ok(repository) => export_file(&repository, format, &filter, sort, progress).await,
                Err(error) => Err(error.into()),
            };
            let offered = exported.and_then(|(blob, count)| {
                download(&blob, &format.file_name(&today()))
                    .map(|()| count)
                    .map_err(|error| {
                        TransferError::Browser(format!("The download could not start ({error:?})."))
                    })
            });
            match offered {
                Ok(count) => {
                    notices.info(format!("Exported {}.", count_label(count)), None);
                    stage.try_set(Stage::Idle);
                }
                Err(error) => failed(error),
            }
        });
    };

    let body = move || match stage.get() {
        Stage::Idle => import_control(on_file).into_any(),
        Stage::Busy { label, done, total } => view! {
            <div class="progress">
                <label for="transfer-progress">{label}</label>
                <progress id="transfer-progress" max=total value=done></progress>
            </div>
        }
        .into_any(),
        Stage::Preview(summary) => preview(summary, include_duplicates, confirm, cancel).into_any(),
    };
    let problem_text = move || problem.with(|problem| problem.as_ref().map(ToString::to_string));

    view! {
        <section class="transfer" aria-labelledby="transfer-heading">
            <h2 id="transfer-heading">"Import and export"</h2>
            {body}
            {move || problem_text().map(|text| view! { <p class="notice notice-error" role="alert">{text}</p> })}
            <div class="transfer-actions">
                <button type="button" on:click=move |_| export(ExportFormat::Json) disabled=move || !idle()>
                    "Export JSON"
                </button>
                <button type="button" on:click=move |_| export(ExportFormat::Csv) disabled=move || !idle()>
                    "Export CSV"
                </button>
                <button type="button" on:click=move |_| export(ExportFormat::Goodreads) disabled=move || !idle()>
                    "Export for Goodreads"
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
