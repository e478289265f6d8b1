//! The CSV writer of every table strife writes: `csv::Writer` with each text cell that a
//! spreadsheet would read as a formula neutralised, as OWASP recommends for CSV injection.
//!
//! A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return, and is not a number,
//! gets a leading `'` (so a place named `=HYPERLINK(…)` shows as text, not a link). Numbers,
//! negative ones included, are written as they are.

use std::borrow::Cow;
use std::io::Write;

/// A CSV writer (into memory unless told otherwise) whose text cells cannot be turned into
/// spreadsheet formulas.
pub struct CsvWriter<W: Write = Vec<u8>>(csv::Writer<W>);

impl Default for CsvWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvWriter {
    /// An empty table.
    pub fn new() -> Self {
        Self(csv::Writer::from_writer(Vec::new()))
    }
}

impl<W: Write> CsvWriter<W> {
    /// A table written to `out` as it is made (a file, for a table too large to hold), through
    /// csv's default buffer of 8 KiB.
    pub fn to(out: W) -> Self {
        Self::with_writer(out, 8 * 1024)
    }

    /// A table written to `out` through a buffer of `capacity` bytes (the same bytes as
    /// [`CsvWriter::new`] builds in memory).
    pub fn with_writer(out: W, capacity: usize) -> Self {
        Self(
            csv::WriterBuilder::new()
                .buffer_capacity(capacity)
                .from_writer(out),
        )
    }

    /// Write one record, neutralising each cell (see the module documentation).
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        for cell in record {
            self.0.write_field(neutralise(cell.as_ref()))?;
        }
        self.end_record()
    }

    /// Write one cell of the current record, neutralised (see the module documentation).
    pub fn write_field(&mut self, cell: &[u8]) -> csv::Result<()> {
        self.0.write_field(neutralise(cell))
    }

    /// Write one cell of the current record as it is: only for text that cannot begin a
    /// formula (numbers strife formats itself, `true`/`false`).
    pub fn write_plain_field(&mut self, cell: &[u8]) -> csv::Result<()> {
        self.0.write_field(cell)
    }

    /// End the current record (after [`Self::write_field`]s).
    pub fn end_record(&mut self) -> csv::Result<()> {
        self.0.write_record(std::iter::empty::<&[u8]>())
    }

    /// The table's bytes (or the writer it was written to), everything flushed.
    pub fn into_inner(self) -> csv::Result<W> {
        self.0
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

/// `cell`, with a leading `'` if a spreadsheet would take it for a formula.
pub fn neutralise(cell: &[u8]) -> Cow<'_, [u8]> {
    let risky = matches!(
        cell.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    // Parsed only when risky: most cells are not.
    if risky && !std::str::from_utf8(cell).is_ok_and(|s| s.parse::<f64>().is_ok()) {
        let mut safe = Vec::with_capacity(cell.len() + 1);
        safe.push(b'\'');
        safe.extend_from_slice(cell);
        Cow::Owned(safe)
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(cells: &[&str]) -> String {
        let mut w = CsvWriter::new();
        w.write_record(cells).expect("write");
        String::from_utf8(w.into_inner().expect("bytes")).expect("utf-8")
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(
            table(&["=1+1", "+A1", "-cmd|x", "@SUM(A1)", "\tx", "\rx"]),
            "'=1+1,'+A1,'-cmd|x,'@SUM(A1),'\tx,\"'\rx\"\n"
        );
        assert_eq!(
            table(&["-3.5", "+2", "1e-3", "goma", ""]),
            "-3.5,+2,1e-3,goma,\n"
        );
    }
}
