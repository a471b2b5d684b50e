//! The text a reader has been given and not yet used, and where in the file it is: text arrives a
//! slice at a time, the readers take it a piece at a time, and what they have finished with is
//! dropped (only its line breaks are remembered), so a file is never held whole.

use super::error::{ImportError, ImportErrorKind};
use super::text::Position;

/// The text given to a reader and not yet used.
#[derive(Debug, Default)]
pub(super) struct Input {
    text: String,
    /// Bytes of `text` used.
    at: usize,
    /// Where `text[counted]` is in the file; positions are counted forward, once.
    position: Position,
    counted: usize,
    ended: bool,
}

impl Input {
    /// Adds text after what is there, first dropping what has been used.
    pub fn push(&mut self, more: &str) -> Result<(), ImportError> {
        if self.at > 0 {
            self.count_to(self.at);
            self.text.drain(..self.at);
            self.counted -= self.at;
            self.at = 0;
        }
        self.text
            .try_reserve(more.len())
            .map_err(|_| out_of_memory(self.position.line()))?;
        self.text.push_str(more);
        Ok(())
    }

    /// Says that no more text will come.
    pub fn end(&mut self) {
        self.ended = true;
    }

    /// True once no more text will come.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// The text given and not yet used.
    pub fn rest(&self) -> &str {
        self.text.get(self.at..).unwrap_or_default()
    }

    /// Marks the next `bytes` bytes as used.
    pub fn consume(&mut self, bytes: usize) {
        self.at = (self.at + bytes).min(self.text.len());
    }

    /// The line and column (1-based, the column in characters) of the text `ahead` bytes into
    /// [`rest`](Self::rest). Places are asked for in file order.
    pub fn place(&mut self, ahead: usize) -> (u64, u64) {
        self.count_to(self.at + ahead);
        (self.position.line(), self.position.column())
    }

    /// The line the rest of the text starts on.
    pub fn line(&mut self) -> u64 {
        self.place(0).0
    }

    /// A `kind` of error at the line and column where the rest of the text starts.
    pub fn error_here(&mut self, kind: ImportErrorKind) -> ImportError {
        let (line, column) = self.place(0);
        ImportError::at(kind, line, Some(column))
    }

    fn count_to(&mut self, to: usize) {
        let to = to.min(self.text.len());
        if to > self.counted {
            self.position
                .advance(&self.text.as_bytes()[self.counted..to]);
            self.counted = to;
        }
    }
}

/// The tab ran out of memory while reading, around `line`.
pub(super) fn out_of_memory(line: u64) -> ImportError {
    ImportError::at(ImportErrorKind::OutOfMemory, line, None)
}

/// How much work a reader may do before it returns, so that the caller can let the page breathe:
/// bytes of text, and a fixed cost for each record.
#[derive(Debug)]
pub(super) struct Budget {
    left: usize,
}

/// What one record (a CSV row, a JSON element or key) costs beside its bytes.
pub(super) const RECORD_COST: usize = 64;

impl Budget {
    /// A budget of `units` (at least one, so that every call gets somewhere).
    pub fn new(units: usize) -> Self {
        Self { left: units.max(1) }
    }

    /// Spends `units`.
    pub fn spend(&mut self, units: usize) {
        self.left = self.left.saturating_sub(units);
    }

    /// True once it is spent.
    pub fn spent(&self) -> bool {
        self.left == 0
    }
}
