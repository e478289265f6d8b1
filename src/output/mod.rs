//! Outputs: tables (CSV), summary and manifest (JSON), plots (PNG, SVG), the HTML report, and
//! writing them to a folder all at once.

pub mod calibrate;
pub mod compare;
pub mod ensemble;
pub mod experiment;
pub mod hindcast;
pub mod parquet;
pub mod plot;
pub mod report;
pub mod safe_csv;
pub mod sensitivity;
pub mod series;
pub mod summary;
pub mod sweep;
pub mod tables;
pub mod write;

use rayon::prelude::*;

use crate::error::Result;

/// The bounds of an interval of shares as percentages with `decimals` decimals, rounded
/// outward (the lower bound down, the upper bound up), so that the printed interval always
/// contains every value it contains unrounded, the printed estimate included: `(0.9955, 1.0,
/// 0)` gives `("99", "100")`, never `("100", "100")` around an estimate of 99.9%.
pub fn percent_bounds(low: f64, high: f64, decimals: usize) -> (String, String) {
    let scale = 10f64.powi(decimals as i32);
    // A hair of slack, so that 0.29 × 100 (28.999…) is not floored to 28; `+ 0.0` turns a -0
    // into 0.
    let lo = ((100.0 * low * scale) + 1e-9).floor() / scale + 0.0;
    let hi = ((100.0 * high * scale) - 1e-9).ceil() / scale + 0.0;
    (format!("{lo:.decimals$}"), format!("{hi:.decimals$}"))
}

/// `n` with commas between thousands: `12,345`, `-1,000`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
use crate::run::RunRecord;
use summary::Manifest;

/// The format of a command's tables (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TableFormat {
    /// CSV only.
    #[default]
    Csv,
    /// Parquet only (typed columns, Snappy-compressed).
    Parquet,
    /// CSV and Parquet twins of every table.
    Both,
}

/// `files` with each CSV table given a Parquet twin (see [`parquet::csv_to_parquet`]) when
/// `format` asks for Parquet, and the CSV left out when it asks for Parquet only.
pub fn with_format(
    files: Vec<(String, Vec<u8>)>,
    format: TableFormat,
) -> Result<Vec<(String, Vec<u8>)>> {
    if format == TableFormat::Csv {
        return Ok(files);
    }
    let mut out = Vec::with_capacity(files.len() * 2);
    for (name, bytes) in files {
        match name.strip_suffix(".csv") {
            Some(stem) => {
                let twin = parquet::csv_to_parquet(&bytes, None, &[])?;
                if format == TableFormat::Both {
                    out.push((name.clone(), bytes));
                }
                out.push((format!("{stem}.parquet"), twin));
            }
            None => out.push((name, bytes)),
        }
    }
    Ok(out)
}

/// The CSV tables of one run, as `(file name, bytes)`, in the order of its files: forces,
/// control, casualties, supply, events, civilians, diplomacy, states, escalation, and air
/// (only for a scenario with air assets). Each table is a task on rayon's pool; the result does
/// not depend on the number of threads. What `strife run` writes and the Python package
/// (issue 19) hands to pandas.
pub fn run_tables(record: &RunRecord) -> Result<Vec<(String, Vec<u8>)>> {
    type Table = fn(&RunRecord) -> Result<Vec<u8>>;
    let mut makers: Vec<(&str, Table)> = vec![
        ("forces.csv", tables::forces_csv),
        ("control.csv", tables::control_csv),
        ("casualties.csv", tables::casualties_csv),
        ("supply.csv", tables::supply_csv),
        ("events.csv", tables::events_csv),
        ("civilians.csv", tables::civilians_csv),
        ("diplomacy.csv", tables::diplomacy_csv),
        ("states.csv", tables::states_csv),
        ("escalation.csv", tables::escalation_csv),
    ];
    // Issue 14: only a scenario with air assets has an air table.
    if !record.theatre.air.is_empty() {
        makers.push(("air.csv", tables::air_csv));
    }
    makers
        .into_par_iter()
        .map(|(name, make)| Ok((name.to_owned(), make(record)?)))
        .collect()
}

/// `work` applied to each of `jobs` on rayon's current pool, the costliest first: each job is
/// started in the order of its estimated `cost` (highest first; ties in the given order), so
/// that on few cores the last job to finish is a small one. The results come back in the
/// order of `jobs`.
pub(crate) fn costliest_first<J: Send, R: Send>(
    jobs: Vec<(u64, J)>,
    work: impl Fn(J) -> R + Sync,
) -> Vec<R> {
    let mut results: Vec<Option<R>> = jobs.iter().map(|_| None).collect();
    let mut started: Vec<(u64, J, &mut Option<R>)> = jobs
        .into_iter()
        .zip(results.iter_mut())
        .map(|((cost, job), slot)| (cost, job, slot))
        .collect();
    started.sort_by_key(|(cost, _, _)| std::cmp::Reverse(*cost));
    let work = &work;
    rayon::scope_fifo(|scope| {
        for (_, job, slot) in started {
            scope.spawn_fifo(move |_| *slot = Some(work(job)));
        }
    });
    // Every slot is filled: the scope waits for all of its tasks.
    results.into_iter().flatten().collect()
}

/// The CSV tables of one run, written as [`run_tables`] makes them: each per-sample table
/// ([`tables::sample_tables`], tens of MB each on a large theatre) streamed into `claim`'s
/// staging folder as it is made, through a buffer, never held whole in memory; the others
/// returned as `(file name, bytes)`. Each table is a task on rayon's pool.
fn stream_run_tables(
    record: &RunRecord,
    claim: &mut write::Claim,
) -> Result<Vec<(String, Vec<u8>)>> {
    let makers = tables::sample_table_makers(record);
    let mut streams = Vec::with_capacity(makers.len());
    for make in makers {
        let table = make(record);
        let name = format!("{}.csv", table.name);
        // The cost of a table: its cells.
        let entities = record.samples.first().map_or(0, |s| table.rows(s).len());
        let cost = (entities * (table.columns.len() + 3)) as u64;
        streams.push((cost, (make, claim.stream_file(&name)?)));
    }
    let (streamed, kept) = rayon::join(
        || {
            costliest_first(streams, |(make, path)| stream_table(record, make, &path))
                .into_iter()
                .collect::<Result<()>>()
        },
        || -> Result<Vec<(String, Vec<u8>)>> {
            Ok(vec![
                ("casualties.csv".to_owned(), tables::casualties_csv(record)?),
                ("events.csv".to_owned(), tables::events_csv(record)?),
            ])
        },
    );
    streamed?;
    kept
}

/// Write the table `make` makes of `record` as CSV to a new file at `path`.
fn stream_table(
    record: &RunRecord,
    make: tables::TableMaker,
    path: &std::path::Path,
) -> Result<()> {
    let failed = |e: csv::Error| {
        let source = match e.into_kind() {
            csv::ErrorKind::Io(io) => io,
            other => std::io::Error::other(format!("{other:?}")),
        };
        crate::error::Error::Write {
            path: path.to_path_buf(),
            source,
        }
    };
    let file = std::fs::File::create(path).map_err(|source| crate::error::Error::Write {
        path: path.to_path_buf(),
        source,
    })?;
    let out = safe_csv::CsvWriter::with_writer(file, 1 << 16);
    make(record)
        .write_csv(record, out)
        .and_then(safe_csv::CsvWriter::into_inner)
        .map_err(failed)?;
    Ok(())
}

/// Every output file of one run, as `(file name, bytes)`; `description` is the scenario's, for
/// the report; `format` and `plots` say which tables and plots to write.
pub fn run_outputs(
    record: &RunRecord,
    manifest: &Manifest,
    description: &str,
    settings: (TableFormat, plot::Plots),
) -> Result<Vec<(String, Vec<u8>)>> {
    outputs(record, manifest, description, settings, None)
}

/// The output files of one run for `claim`: the same files as [`run_outputs`], byte for
/// byte, but with CSV tables only, the per-sample tables are streamed into the claim's staging
/// folder (see [`write::Claim::stream_file`]) and left out of what is returned.
pub fn run_outputs_into(
    record: &RunRecord,
    manifest: &Manifest,
    description: &str,
    settings: (TableFormat, plot::Plots),
    claim: &mut write::Claim,
) -> Result<Vec<(String, Vec<u8>)>> {
    outputs(record, manifest, description, settings, Some(claim))
}

fn outputs(
    record: &RunRecord,
    manifest: &Manifest,
    description: &str,
    (format, plots): (TableFormat, plot::Plots),
    claim: Option<&mut write::Claim>,
) -> Result<Vec<(String, Vec<u8>)>> {
    // Issue 20: the tables (and the summary) and the plots are independent: they are built
    // on rayon's pool side by side, and put together in the same order as before, so the
    // files and their bytes do not depend on the number of threads.
    let (tables, plotted) = rayon::join(
        || -> Result<_> {
            let mut files = match claim {
                // Issue 20: the large tables go straight to their files (100 MB held in
                // memory and copied as it grew, then written after everything else, on a
                // 5,000-unit theatre).
                Some(claim) if format == TableFormat::Csv => stream_run_tables(record, claim)?,
                _ => with_format(run_tables(record)?, format)?,
            };
            files.push(("summary.json".to_owned(), summary::summary_json(record)?));
            Ok(files)
        },
        || plot::run_plots(record, plots),
    );
    let mut files = tables?;
    files.push(("manifest.json".to_owned(), manifest.to_json()?));
    files.extend(plotted?);
    let report = report::run_report(record, description, manifest, &files)?;
    files.push(("report.html".to_owned(), report));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::percent_bounds;

    /// Issue 16: bounds are rounded outward and never collapse around an estimate outside them.
    #[test]
    fn percent_bounds_round_outward() {
        assert_eq!(percent_bounds(0.9955, 1.0, 0), ("99".into(), "100".into()));
        assert_eq!(
            percent_bounds(0.482, 0.726, 1),
            ("48.2".into(), "72.6".into())
        );
        assert_eq!(
            percent_bounds(0.4821, 0.7261, 1),
            ("48.2".into(), "72.7".into())
        );
        assert_eq!(percent_bounds(0.29, 0.57, 0), ("29".into(), "57".into()));
        assert_eq!(percent_bounds(0.0, 0.0, 0), ("0".into(), "0".into()));
        assert_eq!(percent_bounds(1.0, 1.0, 0), ("100".into(), "100".into()));
        assert_eq!(
            percent_bounds(0.9955, 0.9958, 0),
            ("99".into(), "100".into())
        );
    }
}
