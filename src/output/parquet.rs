//! Parquet twins of strife's tables (issue 17), written with the Apache Arrow crates.
//!
//! A CSV table becomes a Parquet file with the same rows and typed columns: a column whose cells
//! are all whole numbers is `Int64` (`UInt64` if one is too large for it, as a seed may be), all
//! numbers `Float64`, all `true`/`false` `Boolean`, and
//! anything else `Utf8`; an empty cell is null. The values are the CSV's, so the two files of a
//! result always agree. Files are Snappy-compressed, deterministic (the same table gives the same
//! bytes), and carry each column's description in the Arrow field metadata (`path`, `unit`).
//!
//! Column names can be made safe identifiers ([`safe_names`]) for R formulas and pandas
//! attribute access: `input.states.South Africa.casualty_tolerance` becomes
//! `input__states__south_africa__casualty_tolerance`.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int64Builder, StringBuilder, UInt64Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::error::{Error, Result};

/// Rows per row group: a reader can skip or stream groups of this size; a writer buffers one.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// The writer settings of every Parquet file strife writes: Snappy compression, row groups of
/// [`ROW_GROUP_ROWS`] rows.
pub fn writer_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .build()
}

/// An error of the Arrow or Parquet writers, as strife's error.
pub fn parquet_error(what: &str) -> impl Fn(&dyn std::fmt::Display) -> Error + '_ {
    move |e| Error::Internal(format!("writing {what}: {e}"))
}

/// What a column of a table means: its name in the CSV and its unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnInfo {
    /// The column's name in the CSV table (a path such as `input.units.rdf_north.personnel`).
    pub path: String,
    /// Its unit or kind of value (`persons`, `days since the start`, `faction id`, …).
    pub unit: String,
}

/// The Parquet twin of the CSV table `csv` (as strife writes it: a header row, then rows of the
/// same length). `names` renames the columns (the same number as the header has) and `infos`
/// describes them; pass `None` to keep the header's names and describe nothing.
pub fn csv_to_parquet(
    csv: &[u8],
    names: Option<&[String]>,
    infos: &[ColumnInfo],
) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    csv_to_parquet_from(|| Ok(csv), names, infos, &mut bytes)?;
    Ok(bytes)
}

/// [`csv_to_parquet`] for a table read twice from `open` (a file, so that a large table is
/// never held whole in memory), its Parquet bytes written to `out`.
pub fn csv_to_parquet_from<R: std::io::Read, W: std::io::Write + Send>(
    open: impl Fn() -> std::io::Result<R>,
    names: Option<&[String]>,
    infos: &[ColumnInfo],
    out: W,
) -> Result<()> {
    let batch = csv_to_batch_from(open, names, infos)?;
    let mut writer = ArrowWriter::try_new(out, batch.schema(), Some(writer_properties()))
        .map_err(|e| parquet_error("a table")(&e))?;
    writer
        .write(&batch)
        .map_err(|e| parquet_error("a table")(&e))?;
    writer.close().map_err(|e| parquet_error("a table")(&e))?;
    Ok(())
}

/// The CSV table `csv` as one Arrow record batch with typed columns (see the module
/// documentation): what [`csv_to_parquet`] writes, and what the Python package hands to pandas
/// (issue 19), so that a table has the same values whichever way it is read. `names` and
/// `infos` as for [`csv_to_parquet`].
pub fn csv_to_batch(
    csv: &[u8],
    names: Option<&[String]>,
    infos: &[ColumnInfo],
) -> Result<RecordBatch> {
    csv_to_batch_from(|| Ok(csv), names, infos)
}

/// What the cells of one column seen so far all are (see [`Builder::of`]).
#[derive(Debug, Clone, Copy)]
struct Kinds {
    present: bool,
    int: bool,
    unsigned: bool,
    float: bool,
    boolean: bool,
}

impl Kinds {
    fn see(&mut self, c: &str) {
        if c.is_empty() {
            return;
        }
        self.present = true;
        self.int = self.int && c.parse::<i64>().is_ok();
        self.unsigned = self.unsigned && c.parse::<u64>().is_ok();
        self.float = self.float && c.parse::<f64>().is_ok();
        self.boolean = self.boolean && (c == "true" || c == "false");
    }
}

/// A column being built, of the type its cells call for.
enum Builder {
    Int(Int64Builder),
    Unsigned(UInt64Builder),
    Float(Float64Builder),
    Boolean(BooleanBuilder),
    Text(StringBuilder),
}

impl Builder {
    /// The narrowest type that holds every cell (see the module documentation): whole numbers
    /// `Int64` (`UInt64` when one is too large for it), numbers `Float64`, `true`/`false`
    /// `Boolean`, anything else (or a column of empty cells only) `Utf8`.
    fn of(k: Kinds, rows: usize) -> Self {
        if k.present && k.int {
            Self::Int(Int64Builder::with_capacity(rows))
        } else if k.present && k.unsigned {
            // Seeds above 2^63 (issue 19): whole numbers too large for Int64 stay exact.
            Self::Unsigned(UInt64Builder::with_capacity(rows))
        } else if k.present && k.float {
            Self::Float(Float64Builder::with_capacity(rows))
        } else if k.present && k.boolean {
            Self::Boolean(BooleanBuilder::with_capacity(rows))
        } else {
            Self::Text(StringBuilder::new())
        }
    }

    /// Add a cell; empty cells are null.
    fn push(&mut self, c: &str) {
        match self {
            Self::Int(b) => b.append_option(c.parse::<i64>().ok()),
            Self::Unsigned(b) => b.append_option(c.parse::<u64>().ok()),
            Self::Float(b) => b.append_option(c.parse::<f64>().ok()),
            Self::Boolean(b) => b.append_option(match c {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            }),
            Self::Text(b) => b.append_option((!c.is_empty()).then_some(c)),
        }
    }

    fn finish(self) -> ArrayRef {
        match self {
            Self::Int(mut b) => Arc::new(b.finish()),
            Self::Unsigned(mut b) => Arc::new(b.finish()),
            Self::Float(mut b) => Arc::new(b.finish()),
            Self::Boolean(mut b) => Arc::new(b.finish()),
            Self::Text(mut b) => Arc::new(b.finish()),
        }
    }
}

/// [`csv_to_batch`] for a table read from `open`, twice: once to learn each column's type, once
/// to build the columns. No cell is held as text (issue 20, "memory of an ensemble": a cell of
/// its own per value was most of an ensemble's memory while `runs.parquet` was written).
pub fn csv_to_batch_from<R: std::io::Read>(
    open: impl Fn() -> std::io::Result<R>,
    names: Option<&[String]>,
    infos: &[ColumnInfo],
) -> Result<RecordBatch> {
    let err = |e: &dyn std::fmt::Display| Error::Internal(format!("reading a table back: {e}"));
    let reader = |pass: &str| -> Result<csv::Reader<R>> {
        let source = open().map_err(|e| err(&format!("{pass}: {e}")))?;
        Ok(csv::ReaderBuilder::new().from_reader(source))
    };
    let mut first = reader("first pass")?;
    let header: Vec<String> = first
        .headers()
        .map_err(|e| err(&e))?
        .iter()
        .map(str::to_owned)
        .collect();
    let names = names.unwrap_or(&header);
    if names.len() != header.len() {
        return Err(Error::Internal(format!(
            "a Parquet table got {} names for {} columns",
            names.len(),
            header.len()
        )));
    }
    let all = Kinds {
        present: false,
        int: true,
        unsigned: true,
        float: true,
        boolean: true,
    };
    let mut kinds = vec![all; header.len()];
    let mut rows = 0;
    let mut record = csv::StringRecord::new();
    while first.read_record(&mut record).map_err(|e| err(&e))? {
        for (kind, cell) in kinds.iter_mut().zip(record.iter()) {
            kind.see(cell);
        }
        rows += 1;
    }
    drop(first);
    let mut builders: Vec<Builder> = kinds.iter().map(|&k| Builder::of(k, rows)).collect();
    let mut second = reader("second pass")?;
    let mut read = 0;
    while second.read_record(&mut record).map_err(|e| err(&e))? {
        for (builder, cell) in builders.iter_mut().zip(record.iter()) {
            builder.push(cell);
        }
        read += 1;
    }
    if read != rows {
        return Err(err(&format!(
            "the table changed between two reads ({rows} then {read} rows)"
        )));
    }
    let mut fields = Vec::with_capacity(header.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(header.len());
    for (i, (name, builder)) in names.iter().zip(builders).enumerate() {
        let array = builder.finish();
        let mut field = Field::new(name, array.data_type().clone(), true);
        if let Some(info) = infos.get(i) {
            field = field.with_metadata(HashMap::from([
                ("path".to_owned(), info.path.clone()),
                ("unit".to_owned(), info.unit.clone()),
            ]));
        }
        fields.push(field);
        arrays.push(array);
    }
    let schema = Arc::new(Schema::new(fields));
    RecordBatch::try_new(schema, arrays).map_err(|e| parquet_error("a table")(&e))
}

/// Safe identifiers for column names, in order: lower case ASCII letters, digits and `_`; a
/// `.` of a path becomes `__`, any other run of characters that are not letters or digits one
/// `_`; a name starting with a digit gets a leading `_`; a name already taken gets `_2`, `_3`,
/// …. So `input.states.South Africa.casualty_tolerance` is
/// `input__states__south_africa__casualty_tolerance` and `fall_day.goma` is `fall_day__goma`.
pub fn safe_names(names: &[String]) -> Vec<String> {
    let mut taken = std::collections::HashSet::new();
    names
        .iter()
        .map(|name| {
            let base = safe_name(name);
            let mut candidate = base.clone();
            let mut n = 2;
            while !taken.insert(candidate.clone()) {
                candidate = format!("{base}_{n}");
                n += 1;
            }
            candidate
        })
        .collect()
}

/// One safe identifier (see [`safe_names`]; collisions not resolved).
fn safe_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, part) in name.split('.').enumerate() {
        if i > 0 {
            out.push_str("__");
        }
        let mut gap = false;
        for c in part.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() || c == '_' {
                if gap && !out.is_empty() && !out.ends_with('_') {
                    out.push('_');
                }
                gap = false;
                out.push(c);
            } else {
                gap = true;
            }
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// The table that maps each safe column name to its CSV name and unit: `columns.csv`, with the
/// columns `column`, `path`, `unit`.
pub fn columns_csv(names: &[String], infos: &[ColumnInfo]) -> Result<Vec<u8>> {
    let mut w = crate::output::safe_csv::CsvWriter::new();
    let err = |e: csv::Error| Error::Internal(format!("writing columns.csv: {e}"));
    w.write_record(["column", "path", "unit"]).map_err(err)?;
    for (name, info) in names.iter().zip(infos) {
        w.write_record([name.as_str(), info.path.as_str(), info.unit.as_str()])
            .map_err(err)?;
    }
    w.into_inner().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    #[test]
    fn safe_names_are_identifiers_and_unique() {
        let names: Vec<String> = [
            "input.states.South Africa.casualty_tolerance",
            "fall_day.goma",
            "fall_day.Goma",
            "run",
            "2nd.place",
            "killed.m23-arc",
            "",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            safe_names(&names),
            [
                "input__states__south_africa__casualty_tolerance",
                "fall_day__goma",
                "fall_day__goma_2",
                "run",
                "_2nd__place",
                "killed__m23_arc",
                "_",
            ]
        );
    }

    #[test]
    fn columns_are_typed_and_empty_cells_null() {
        let csv = b"a,b,c,d\n1,1.5,true,x\n,2,false,\n3,,true,y\n";
        let bytes = csv_to_parquet(csv, None, &[]).expect("parquet");
        let mut file = tempfile::tempfile().expect("temp");
        std::io::Write::write_all(&mut file, &bytes).expect("write");
        let reader = SerializedFileReader::new(file).expect("read");
        let schema = reader.metadata().file_metadata().schema_descr();
        let kinds: Vec<String> = schema
            .columns()
            .iter()
            .map(|c| format!("{:?}", c.physical_type()))
            .collect();
        assert_eq!(kinds, ["INT64", "DOUBLE", "BOOLEAN", "BYTE_ARRAY"]);
        assert_eq!(reader.metadata().file_metadata().num_rows(), 3);
    }

    /// Issue 19: a seed above 2^63 is a whole number too large for Int64; it stays exact.
    #[test]
    fn large_whole_numbers_stay_exact() {
        let csv = b"seed,n\n18446744073709551615,1\n7,2\n";
        let batch = csv_to_batch(csv, None, &[]).expect("batch");
        let kinds: Vec<String> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.data_type().to_string())
            .collect();
        assert_eq!(kinds, ["UInt64", "Int64"]);
    }
}
