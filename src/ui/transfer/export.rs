//! Exporting: the catalogue, or the books a search finds in the table's order, written a page at
//! a time into a file (a Blob of parts), never holding more than a page of books.

use wasm_bindgen::JsValue;
use web_sys::Blob;

use super::TransferError;
use crate::query::{Filter, Sort};
use crate::store::BookRepository;
use crate::transfer::{ExportFormat, Exporter};
use crate::ui::files::BlobParts;

/// Books per page read for an export (each page becomes one part of the file).
const EXPORT_PAGE: usize = 1_000;

/// The browser failed to assemble the file.
fn assembly(error: JsValue) -> TransferError {
    TransferError::Browser(format!("The export failed ({error:?})."))
}

/// Writes the catalogue (or the books `filter` finds, in `sort` order) as a file of `format`;
/// returns it and how many books it holds, reporting (written, total) after each page.
pub async fn export_file(
    repository: &BookRepository,
    format: ExportFormat,
    filter: &Filter,
    sort: Sort,
    progress: impl Fn(u64, u64),
) -> Result<(Blob, u64), TransferError> {
    let mut exporter = Exporter::new(format);
    let mut parts = BlobParts::new(format.media_type());
    parts.push(exporter.start()).map_err(assembly)?;
    if filter.is_empty() {
        let total = repository.count().await?;
        let mut pages = repository.pages(EXPORT_PAGE as u32);
        while let Some(page) = pages.next_page().await? {
            parts.push(exporter.page(&page)?).map_err(assembly)?;
            progress(exporter.written(), total);
        }
    } else {
        let ids = repository.matching(filter, sort).await?;
        for chunk in ids.chunks(EXPORT_PAGE) {
            let page = repository.get_many(chunk).await?;
            parts.push(exporter.page(&page)?).map_err(assembly)?;
            progress(exporter.written(), ids.len() as u64);
        }
    }
    parts.push(exporter.finish()).map_err(assembly)?;
    Ok((parts.blob().map_err(assembly)?, exporter.written()))
}
