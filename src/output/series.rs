//! The time series of every run of an ensemble, in one long (tidy) Parquet file (issue 17):
//! `series.parquet`, one row per run, time, entity and quantity.
//!
//! Columns: `run` (index in the ensemble), `seed` (the run's seed), `day` (days since the
//! start), `datetime` (calendar time, a timestamp without time zone), `entity_kind` (`faction`,
//! `place`, `actor`, `state`, `air` or `theatre`), `entity` (its id; `theatre` for the whole
//! theatre), `quantity` (the column of the single-run table it comes from: `personnel`,
//! `displaced_here`, `pressure`, …), `value` (the number, null for a label) and `text` (the
//! label, null for a number: `controller`, `stance`, `instrument`, …). Every quantity of the
//! per-sample tables (forces, air, control, supply, civilians, diplomacy, states, escalation) is
//! there, with the values those tables hold: a number at full precision, people as whole
//! persons, a yes/no as 1/0.
//!
//! The file is written as the runs finish, in run order, one row group of at most
//! [`crate::output::parquet::ROW_GROUP_ROWS`] rows at a time, so memory stays bounded whatever
//! the number of runs.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{
    Float64Builder, StringBuilder, StringDictionaryBuilder, TimestampMillisecondBuilder,
    UInt64Builder,
};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;

use super::parquet::{parquet_error, writer_properties};
use super::tables::sample_tables;
use crate::error::{Error, Result};
use crate::run::RunRecord;

/// Which samples of a run the series keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Resolution {
    /// One sample a day: the first at or after each midnight, and the run's last sample.
    Daily,
    /// Every sample: the start and the end of every tick.
    Tick,
}

/// The indices of the samples of `record` that a series at `resolution` keeps.
pub fn kept_samples(record: &RunRecord, resolution: Resolution) -> Vec<usize> {
    let n = record.samples.len();
    match resolution {
        Resolution::Tick => (0..n).collect(),
        Resolution::Daily => {
            let mut kept = Vec::new();
            let mut next_day = 0.0;
            for (i, s) in record.samples.iter().enumerate() {
                if s.hours + 1e-9 >= next_day * 24.0 {
                    kept.push(i);
                    next_day = (s.hours / 24.0 + 1e-9).floor() + 1.0;
                }
            }
            if n > 0 && kept.last() != Some(&(n - 1)) {
                kept.push(n - 1);
            }
            kept
        }
    }
}

/// The schema of `series.parquet`.
pub fn schema() -> SchemaRef {
    let dictionary = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    Arc::new(Schema::new(vec![
        Field::new("run", DataType::UInt64, false),
        Field::new("seed", DataType::UInt64, false),
        Field::new("day", DataType::Float64, false),
        Field::new(
            "datetime",
            DataType::Timestamp(TimeUnit::Millisecond, None),
            false,
        ),
        Field::new("entity_kind", dictionary.clone(), false),
        Field::new("entity", dictionary.clone(), false),
        Field::new("quantity", dictionary, false),
        Field::new("value", DataType::Float64, true),
        Field::new("text", DataType::Utf8, true),
    ]))
}

/// The series of one run as Arrow arrays (a record batch of [`schema`]).
pub fn run_batch(run: u64, record: &RunRecord, resolution: Resolution) -> Result<RecordBatch> {
    let tables = sample_tables(record);
    let mut runs = UInt64Builder::new();
    let mut seeds = UInt64Builder::new();
    let mut days = Float64Builder::new();
    let mut times = TimestampMillisecondBuilder::new();
    let mut kinds = StringDictionaryBuilder::<Int32Type>::new();
    let mut entities = StringDictionaryBuilder::<Int32Type>::new();
    let mut quantities = StringDictionaryBuilder::<Int32Type>::new();
    let mut values = Float64Builder::new();
    let mut texts = StringBuilder::new();
    for i in kept_samples(record, resolution) {
        let sample = &record.samples[i];
        let day = sample.hours / 24.0;
        let time = record.datetime(sample.hours).and_utc().timestamp_millis();
        for table in &tables {
            for (entity, cells) in table.rows(sample) {
                for (quantity, cell) in table.columns.iter().zip(&cells) {
                    runs.append_value(run);
                    seeds.append_value(record.seed);
                    days.append_value(day);
                    times.append_value(time);
                    kinds.append_value(table.entity_kind);
                    entities.append_value(&entity);
                    quantities.append_value(quantity);
                    values.append_option(cell.value());
                    texts.append_option(cell.text());
                }
            }
        }
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(runs.finish()),
        Arc::new(seeds.finish()),
        Arc::new(days.finish()),
        Arc::new(times.finish()),
        Arc::new(kinds.finish()),
        Arc::new(entities.finish()),
        Arc::new(quantities.finish()),
        Arc::new(values.finish()),
        Arc::new(texts.finish()),
    ];
    RecordBatch::try_new(schema(), columns).map_err(|e| parquet_error("series.parquet")(&e))
}

/// `series.parquet`, written run by run.
pub struct SeriesWriter {
    writer: ArrowWriter<BufWriter<File>>,
}

impl SeriesWriter {
    /// Start the file at `path` (a new file in a folder strife is writing).
    pub fn create(path: &Path) -> Result<SeriesWriter> {
        let file = File::create(path).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
        let writer =
            ArrowWriter::try_new(BufWriter::new(file), schema(), Some(writer_properties()))
                .map_err(|e| parquet_error("series.parquet")(&e))?;
        Ok(SeriesWriter { writer })
    }

    /// Append one run's batch (see [`run_batch`]). A row group is flushed to the file whenever
    /// it is full.
    pub fn append(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer
            .write(batch)
            .map_err(|e| parquet_error("series.parquet")(&e))
    }

    /// Finish the file: the last row group and the footer.
    pub fn finish(self) -> Result<()> {
        self.writer
            .close()
            .map(drop)
            .map_err(|e| parquet_error("series.parquet")(&e))
    }
}
