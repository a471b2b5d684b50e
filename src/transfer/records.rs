//! CSV records read a field at a time as the text arrives: strict quoting (an unclosed quote or
//! text after a closing quote refuses the file, where the csv crate would swallow the rest of it),
//! line ends "\n", "\r\n" or "\r", blank lines skipped, and each record's first line counted
//! exactly. Only the fields a caller wants are kept, so a row of a million fields costs no memory.

use super::error::{ImportError, ImportErrorKind, QuotingFault};
use super::input::{out_of_memory, Budget, Input, RECORD_COST};

/// Where the scanner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between records: line breaks are skipped.
    Between,
    /// At the start of a field.
    FieldStart,
    /// In a field without quotes.
    Unquoted,
    /// In a quoted field.
    Quoted,
    /// Right after a quote in a quoted field: a second quote, or the field's end, comes next.
    AfterQuote,
}

/// Which fields are kept: all of them (a header), or those at the indexes marked.
#[derive(Debug, Clone)]
pub(super) enum Wanted {
    All,
    Only(Vec<bool>),
}

/// What reading on found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// A record ended: the line it starts on, and how many fields it has.
    Record { line: u64, fields: usize },
    /// The text so far is used up (more is needed), or the budget is.
    Pending,
    /// The text ended, after the last record.
    End,
}

/// A CSV text's records, read as its text arrives.
#[derive(Debug)]
pub(super) struct Rows {
    state: State,
    wanted: Wanted,
    /// The field being read, if it is wanted.
    field: Vec<u8>,
    /// The index of the field being read.
    index: usize,
    /// The line the record being read starts on.
    line: u64,
    /// Where the quoted field being read opened.
    opened: (u64, u64),
}

impl Rows {
    /// Records from the start of a text, every field wanted (for the header).
    pub fn new() -> Self {
        Self {
            state: State::Between,
            wanted: Wanted::All,
            field: Vec::new(),
            index: 0,
            line: 1,
            opened: (1, 1),
        }
    }

    /// Keeps only the fields at the indexes `wanted` marks from now on.
    pub fn want(&mut self, wanted: Wanted) {
        self.wanted = wanted;
    }

    fn is_wanted(&self) -> bool {
        match &self.wanted {
            Wanted::All => true,
            Wanted::Only(marks) => marks.get(self.index).copied().unwrap_or(false),
        }
    }

    /// Keeps `bytes` of the field being read, if it is wanted.
    fn take(&mut self, bytes: &[u8]) -> Result<(), ImportError> {
        if !bytes.is_empty() && self.is_wanted() {
            self.field
                .try_reserve(bytes.len())
                .map_err(|_| out_of_memory(self.line))?;
            self.field.extend_from_slice(bytes);
        }
        Ok(())
    }

    /// Ends the field being read: hands it to `keep` if it is wanted.
    fn end_field(&mut self, keep: &mut impl FnMut(usize, &str)) {
        if self.is_wanted() {
            // Fields end at ASCII bytes of UTF-8 text, so a field is UTF-8 too.
            keep(self.index, &String::from_utf8_lossy(&self.field));
        }
        self.field.clear();
        if self.field.capacity() > 1 << 20 {
            self.field.shrink_to(1 << 10);
        }
        self.index += 1;
    }

    /// Adds the next `length` bytes of `input` to the field, then moves past them and the `skip`
    /// bytes after them (the comma, line break or quote that ended them), spending it all.
    fn take_then_pass(
        &mut self,
        input: &mut Input,
        budget: &mut Budget,
        length: usize,
        skip: usize,
    ) -> Result<(), ImportError> {
        self.take(&input.rest().as_bytes()[..length])?;
        input.consume(length + skip);
        budget.spend(length + skip);
        Ok(())
    }

    fn end_record(&mut self, keep: &mut impl FnMut(usize, &str)) -> Next {
        self.end_field(keep);
        self.state = State::Between;
        Next::Record {
            line: self.line,
            fields: self.index,
        }
    }

    /// Reads on until a record ends, the text so far is used up, or `budget` is; each wanted
    /// field is handed to `keep` (its index, its text) as it ends.
    pub fn next(
        &mut self,
        input: &mut Input,
        budget: &mut Budget,
        keep: &mut impl FnMut(usize, &str),
    ) -> Result<Next, ImportError> {
        loop {
            let bytes = input.rest().as_bytes();
            let ended = input.ended();
            match self.state {
                State::Between => match bytes.iter().position(|&b| b != b'\r' && b != b'\n') {
                    Some(skip) => {
                        input.consume(skip);
                        budget.spend(skip + RECORD_COST);
                        self.line = input.line();
                        self.index = 0;
                        self.state = State::FieldStart;
                    }
                    None => {
                        let length = bytes.len();
                        input.consume(length);
                        return Ok(if ended { Next::End } else { Next::Pending });
                    }
                },
                State::FieldStart => match bytes.first() {
                    None if ended => return Ok(self.end_record(keep)),
                    None => return Ok(Next::Pending),
                    Some(b'"') => {
                        self.opened = input.place(0);
                        input.consume(1);
                        self.state = State::Quoted;
                    }
                    Some(_) => self.state = State::Unquoted,
                },
                State::Unquoted => match memchr::memchr3(b',', b'\r', b'\n', bytes) {
                    Some(end) => {
                        let delimiter = bytes[end];
                        self.take_then_pass(input, budget, end, 1)?;
                        if delimiter != b',' {
                            return Ok(self.end_record(keep));
                        }
                        self.end_field(keep);
                        self.state = State::FieldStart;
                    }
                    None => {
                        self.take_then_pass(input, budget, bytes.len(), 0)?;
                        if ended {
                            return Ok(self.end_record(keep));
                        }
                        return Ok(Next::Pending);
                    }
                },
                State::Quoted => match memchr::memchr(b'"', bytes) {
                    Some(quote) => {
                        self.take_then_pass(input, budget, quote, 1)?;
                        self.state = State::AfterQuote;
                    }
                    None => {
                        self.take_then_pass(input, budget, bytes.len(), 0)?;
                        if ended {
                            let (line, column) = self.opened;
                            let kind = ImportErrorKind::Quoting(QuotingFault::Unclosed);
                            return Err(ImportError::at(kind, line, Some(column)));
                        }
                        return Ok(Next::Pending);
                    }
                },
                State::AfterQuote => match bytes.first() {
                    None if ended => return Ok(self.end_record(keep)),
                    None => return Ok(Next::Pending),
                    Some(b'"') => {
                        self.take(b"\"")?;
                        input.consume(1);
                        self.state = State::Quoted;
                    }
                    Some(b',') => {
                        input.consume(1);
                        self.end_field(keep);
                        self.state = State::FieldStart;
                    }
                    Some(b'\r' | b'\n') => {
                        input.consume(1);
                        return Ok(self.end_record(keep));
                    }
                    Some(_) => {
                        let kind = ImportErrorKind::Quoting(QuotingFault::TextAfterQuote);
                        return Err(input.error_here(kind));
                    }
                },
            }
            if budget.spent() {
                return Ok(Next::Pending);
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Every record of `text` given in slices cut at `cuts`, read with `budget`: (line, fields).
    fn records(
        text: &str,
        cuts: &[usize],
        budget: usize,
    ) -> Result<Vec<(u64, Vec<String>)>, String> {
        let mut input = Input::default();
        let mut rows = Rows::new();
        let mut found = Vec::new();
        let mut fields = Vec::new();
        let mut from = 0;
        let mut cuts: Vec<usize> = cuts.iter().map(|&cut| cut.min(text.len())).collect();
        cuts.sort_unstable();
        cuts.push(text.len());
        for cut in cuts {
            let Some(part) = text.get(from..cut) else {
                continue;
            };
            from = cut;
            input.push(part).map_err(|e| e.to_string())?;
            if from == text.len() {
                input.end();
            }
            loop {
                let mut keep = |_: usize, field: &str| fields.push(field.to_owned());
                let next = rows.next(&mut input, &mut Budget::new(budget), &mut keep);
                match next.map_err(|error| error.to_string())? {
                    Next::Record {
                        line,
                        fields: count,
                    } => {
                        assert_eq!(count, fields.len());
                        found.push((line, std::mem::take(&mut fields)));
                    }
                    Next::Pending if input.rest().is_empty() && !input.ended() => break,
                    Next::Pending => {}
                    Next::End => return Ok(found),
                }
            }
        }
        Ok(found)
    }

    fn record(line: u64, fields: &[&str]) -> (u64, Vec<String>) {
        (line, fields.iter().map(|f| (*f).to_owned()).collect())
    }

    #[test]
    fn fields_quotes_and_lines() {
        let text = "a,\"b,\"\"c\"\"\",d\r\n\r\n\"two\nlines\",x\n e f ,\n\"\"\r,\rlast";
        assert_eq!(
            records(text, &[], 1000),
            Ok(vec![
                record(1, &["a", "b,\"c\"", "d"]),
                record(3, &["two\nlines", "x"]),
                record(5, &[" e f ", ""]),
                record(6, &[""]),
                record(7, &["", ""]),
                record(8, &["last"]),
            ])
        );
        assert_eq!(
            records("a,b,", &[], 1000),
            Ok(vec![record(1, &["a", "b", ""])])
        );
        assert_eq!(records("\n\r\n", &[], 1000), Ok(vec![]));
        assert_eq!(
            records("a \"b\" c\n", &[], 1000),
            Ok(vec![record(1, &["a \"b\" c"])])
        );
    }

    #[test]
    fn broken_quoting_is_placed() {
        let unclosed = records("a,b\n\"c,d\ne\n", &[], 1000).unwrap_err();
        assert!(unclosed.contains("line 2, column 1"), "{unclosed}");
        let after = records("a,\"b\"x\n", &[3], 1).unwrap_err();
        assert!(after.contains("line 1, column 6"), "{after}");
        let wide = records("é,\"x\"é\n", &[], 1000).unwrap_err();
        assert!(
            wide.contains("line 1, column 6"),
            "columns count characters: {wide}"
        );
    }

    #[test]
    fn only_wanted_fields_are_kept() {
        let mut input = Input::default();
        let _ = input.push("a,b,c,d\n");
        input.end();
        let mut rows = Rows::new();
        rows.want(Wanted::Only(vec![false, true, false, true]));
        let mut kept = Vec::new();
        let next = rows.next(
            &mut input,
            &mut Budget::new(100),
            &mut |index, field: &str| kept.push((index, field.to_owned())),
        );
        assert_eq!(next.ok(), Some(Next::Record { line: 1, fields: 4 }));
        assert_eq!(kept, vec![(1, "b".to_owned()), (3, "d".to_owned())]);
    }

    proptest! {
        // No regression files written into the source tree (as in fuzz.rs).
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn slices_and_budgets_change_nothing(
            chars in proptest::collection::vec(
                proptest::sample::select(vec!['a', 'é', '📚', ',', '"', '\r', '\n', ' ']),
                0..80,
            ),
            cuts in proptest::collection::vec(0usize..200, 0..6),
            budget in 1usize..20,
        ) {
            let text: String = chars.into_iter().collect();
            // Cuts inside a character are moved to its start, as the decoder hands on text.
            let cuts: Vec<usize> = cuts
                .into_iter()
                .map(|cut| (0..=cut.min(text.len())).rev().find(|&at| text.is_char_boundary(at)).unwrap_or(0))
                .collect();
            prop_assert_eq!(records(&text, &cuts, budget), records(&text, &[], usize::MAX));
        }
    }
}
