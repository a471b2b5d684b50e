//! A file read from its bytes, a slice at a time, the way the Import control reads one: each
//! slice decoded ([`Decoder`]) and handed to a [`Reader`]. A problem the decoder finds in a slice
//! is reported once the text before it has been read, so that whatever the slices, the report
//! or the first problem in the file is the same.

use super::{Decoder, Format, ImportError, ImportReport, ReadStep, Reader};

/// A [`Reader`] fed with a file's bytes.
pub struct FileReader {
    decoder: Decoder,
    reader: Reader,
    /// What the decoder found wrong, waiting for the text before it to be read.
    problem: Option<ImportError>,
}

impl FileReader {
    /// A reader for a file of `size` bytes; refused at once if empty or too large.
    pub fn new(size: u64) -> Result<Self, ImportError> {
        Ok(Self {
            decoder: Decoder::new(size)?,
            reader: Reader::new(),
            problem: None,
        })
    }

    /// Gives the next slice of the file's bytes, or `None` at its end; then call
    /// [`read`](Self::read) until it needs more.
    pub fn give(&mut self, bytes: Option<&[u8]>) -> Result<(), ImportError> {
        let mut pushed = Ok(());
        let reader = &mut self.reader;
        let mut emit = |text: &str| {
            if pushed.is_ok() {
                pushed = reader.push(text);
            }
        };
        let decoded = match bytes {
            Some(bytes) => self.decoder.decode(bytes, &mut emit),
            None => self.decoder.finish(&mut emit),
        };
        pushed?;
        match decoded {
            Ok(()) if bytes.is_none() => self.reader.end(),
            Ok(()) => {}
            Err(problem) => self.problem = Some(problem),
        }
        Ok(())
    }

    /// Reads on, for a budget of about `budget` bytes of text (see [`Reader::read`]); once the
    /// text given is read, the decoder's problem with the bytes after it, if any.
    pub fn read(&mut self, budget: usize) -> Result<ReadStep, ImportError> {
        match self.reader.read(budget)? {
            ReadStep::NeedsText => match self.problem.take() {
                Some(problem) => Err(problem),
                None => Ok(ReadStep::NeedsText),
            },
            step => Ok(step),
        }
    }

    /// The format the file was recognised as, once its first characters have been read.
    pub fn format(&self) -> Option<Format> {
        self.reader.format()
    }

    /// Everything read, once [`read`](Self::read) has said [`ReadStep::Finished`].
    pub fn finish(self) -> ImportReport {
        self.reader.finish()
    }
}
