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

use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray, UInt64Array,
};
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
    let batch = csv_to_batch(csv, names, infos)?;
    let mut bytes = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut bytes, batch.schema(), Some(writer_properties()))
        .map_err(|e| parquet_error("a table")(&e))?;
    writer
        .write(&batch)
        .map_err(|e| parquet_error("a table")(&e))?;
    writer.close().map_err(|e| parquet_error("a table")(&e))?;
    Ok(bytes)
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
    let err = |e: &dyn std::fmt::Display| Error::Internal(format!("reading a table back: {e}"));
    let mut reader = csv::ReaderBuilder::new().from_reader(csv);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| err(&e))?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut columns: Vec<Vec<String>> = vec![Vec::new(); header.len()];
    for record in reader.records() {
        let record = record.map_err(|e| err(&e))?;
        for (column, cell) in columns.iter_mut().zip(record.iter()) {
            column.push(cell.to_owned());
        }
    }
    let names = names.unwrap_or(&header);
    if names.len() != header.len() {
        return Err(Error::Internal(format!(
            "a Parquet table got {} names for {} columns",
            names.len(),
            header.len()
        )));
    }
    let mut fields = Vec::with_capacity(header.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(header.len());
    for (i, (name, cells)) in names.iter().zip(&columns).enumerate() {
        let array = typed_column(cells);
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

/// The cells of one column as the narrowest Arrow array that holds them all (see the module
/// documentation); empty cells are null.
fn typed_column(cells: &[String]) -> ArrayRef {
    let present = || cells.iter().filter(|c| !c.is_empty());
    let all = |ok: fn(&str) -> bool| present().all(|c| ok(c)) && present().next().is_some();
    if all(|c| c.parse::<i64>().is_ok()) {
        Arc::new(Int64Array::from_iter(
            cells.iter().map(|c| c.parse::<i64>().ok()),
        ))
    } else if all(|c| c.parse::<u64>().is_ok()) {
        // Seeds above 2^63 (issue 19): whole numbers too large for Int64 stay exact.
        Arc::new(UInt64Array::from_iter(
            cells.iter().map(|c| c.parse::<u64>().ok()),
        ))
    } else if all(|c| c.parse::<f64>().is_ok()) {
        Arc::new(Float64Array::from_iter(
            cells.iter().map(|c| c.parse::<f64>().ok()),
        ))
    } else if all(|c| c == "true" || c == "false") {
        Arc::new(BooleanArray::from_iter(cells.iter().map(
            |c| match c.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
        )))
    } else {
        Arc::new(StringArray::from_iter(
            cells.iter().map(|c| (!c.is_empty()).then_some(c.as_str())),
        ))
    }
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
