//! `strife._strife`: the Rust half of the Python package (issue 19). It loads scenarios and runs
//! them through the library's own functions (one run, ensembles, comparisons), with the GIL
//! released, and hands tables to Python as Arrow IPC streams that `strife/__init__.py` turns
//! into pandas DataFrames. Errors become `strife.StrifeError` with strife's own message.

// A Python function's keyword arguments are the Rust function's arguments, and a row handed to
// Python is a tuple: long argument lists and wide tuples are the idiom of the bindings.
#![allow(clippy::too_many_arguments, clippy::type_complexity)]

mod analysis;

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_ipc::writer::StreamWriter;
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use strife::output::parquet::csv_to_batch;
use strife::output::plot::Plots;
use strife::output::series::{Resolution, run_batch};
use strife::run::ensemble::{EnsembleRecord, PerRun, run_digests_streaming};
use strife::run::expr::MetricSpec;
use strife::run::statistic::Stat;
use strife::run::{RunOptions, RunRecord, run_loaded};
use strife::scenario::{LoadedScenario, Override, load_with_overrides};

/// mimalloc for the Rust side's allocations, as the `strife` binary has (a run makes many small,
/// short-lived vectors; docs/PERFORMANCE.md): without it an ensemble in Python was about a
/// quarter slower than the same runs in the binary. Python's own objects are not affected.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

create_exception!(
    strife,
    StrifeError,
    PyValueError,
    "A mistake in a scenario, an override or an argument: the message is strife's own, with \
     the file, line:col, the bad name and a suggestion where it has them."
);

/// Most runs an in-memory series may come from: a series is held whole in memory (the CLI's
/// `--series` streams it to a Parquet file instead, for any number of runs).
const MAX_SERIES_RUNS: u64 = 10_000;

/// strife's error as a Python exception: a user's mistake is a `StrifeError` (a `ValueError`),
/// a bug a `RuntimeError`; the message is the CLI's.
fn py_err(e: strife::Error) -> PyErr {
    match e {
        strife::Error::Internal(_) => PyRuntimeError::new_err(e.to_string()),
        other => StrifeError::new_err(other.to_string()),
    }
}

/// A batch as the bytes of an Arrow IPC stream.
fn ipc(batches: &[RecordBatch], schema: &arrow_schema::SchemaRef) -> strife::Result<Vec<u8>> {
    let err = |e: arrow_schema::ArrowError| strife::Error::Internal(format!("Arrow IPC: {e}"));
    let mut writer = StreamWriter::try_new(Vec::new(), schema).map_err(err)?;
    for batch in batches {
        writer.write(batch).map_err(err)?;
    }
    writer.finish().map_err(err)?;
    writer.into_inner().map_err(err)
}

/// A CSV table of strife's as an Arrow IPC stream with typed columns (the values of its
/// Parquet twin).
fn csv_ipc(csv: &[u8]) -> strife::Result<Vec<u8>> {
    let batch = csv_to_batch(csv, None, &[])?;
    ipc(std::slice::from_ref(&batch), &batch.schema())
}

/// `PATH=VALUE` overrides, parsed as `--set` parses them.
fn parse_overrides(texts: &[String]) -> PyResult<Vec<Override>> {
    texts
        .iter()
        .map(|t| {
            t.parse::<Override>()
                .map_err(|why| StrifeError::new_err(format!("--set: {why}")))
        })
        .collect()
}

/// A series resolution by name.
fn resolution(name: &str) -> PyResult<Resolution> {
    match name {
        "daily" => Ok(Resolution::Daily),
        "tick" => Ok(Resolution::Tick),
        other => Err(StrifeError::new_err(format!(
            "series must be \"daily\" or \"tick\", not \"{other}\""
        ))),
    }
}

/// The SVG of figure `name` among `files` (as the plot functions return them), or an error
/// naming the figures there are.
fn pick_svg(files: Vec<(String, Vec<u8>)>, name: Option<&str>) -> PyResult<String> {
    let svgs: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .filter_map(|(f, b)| f.strip_suffix(".svg").map(|s| (s.to_owned(), b)))
        .collect();
    let names: Vec<&str> = svgs.iter().map(|(n, _)| n.as_str()).collect();
    let found = match name {
        None => svgs.first(),
        Some(name) => svgs.iter().find(|(n, _)| n == name),
    };
    match found {
        Some((_, bytes)) => Ok(String::from_utf8_lossy(bytes).into_owned()),
        None => {
            let wanted = name.unwrap_or("");
            let mut message = format!("no figure `{wanted}`: the figures are {}", names.join(", "));
            if let Some(s) = strife::scenario::load::suggest(wanted, names.iter().copied()) {
                message = format!("{message} (did you mean `{s}`?)");
            }
            Err(StrifeError::new_err(message))
        }
    }
}

/// A loaded, validated scenario (or what-if) with its overrides.
#[pyclass(frozen, module = "strife._strife")]
struct Scenario {
    path: PathBuf,
    overrides: Vec<Override>,
    loaded: Arc<LoadedScenario>,
}

/// Load `path` with `overrides` (`PATH=VALUE` texts).
fn load_scenario(py: Python<'_>, path: PathBuf, overrides: Vec<Override>) -> PyResult<Scenario> {
    let loaded = py
        .detach(|| load_with_overrides(&path, &overrides))
        .map_err(py_err)?;
    Ok(Scenario {
        path,
        overrides,
        loaded: Arc::new(loaded),
    })
}

/// Read, parse and validate a scenario or what-if file, with `overrides` (`PATH=VALUE` texts,
/// as `--set` takes them) applied on top.
#[pyfunction]
#[pyo3(signature = (path, overrides = Vec::new()))]
fn load(py: Python<'_>, path: PathBuf, overrides: Vec<String>) -> PyResult<Scenario> {
    let overrides = parse_overrides(&overrides)?;
    load_scenario(py, path, overrides)
}

#[pymethods]
impl Scenario {
    /// The file as named.
    #[getter]
    fn file(&self) -> String {
        self.loaded.file.clone()
    }

    /// The scenario's title.
    #[getter]
    fn name(&self) -> String {
        self.loaded.scenario.name.clone()
    }

    /// The scenario's description.
    #[getter]
    fn description(&self) -> String {
        self.loaded.scenario.description.clone()
    }

    /// The scenario's own seed (the default of `run` and `ensemble`).
    #[getter]
    fn seed(&self) -> u64 {
        self.loaded.scenario.seed
    }

    /// The scenario's length in days (the default of `days`).
    #[getter]
    fn duration_days(&self) -> f64 {
        self.loaded.scenario.duration_days
    }

    /// The overrides applied, as `PATH=VALUE` texts.
    #[getter]
    fn overrides(&self) -> Vec<String> {
        self.overrides.iter().map(ToString::to_string).collect()
    }

    /// The uncertain inputs: (path, kind, distribution as written, low, high, central).
    fn inputs(&self) -> PyResult<Vec<(String, String, String, f64, f64, f64)>> {
        let found =
            strife::scenario::uncertain::distributions(&self.loaded.scenario).map_err(py_err)?;
        Ok(found
            .into_iter()
            .map(|(path, d)| {
                let (low, high) = d.extremes();
                let text = strife::tooling::explain::distribution(&d);
                let kind = text.split_whitespace().next().unwrap_or("").to_owned();
                (path, kind, text, low, high, d.central())
            })
            .collect())
    }

    /// The built-in metric names of this scenario (as `strife metrics SCENARIO` lists them).
    fn metrics(&self) -> PyResult<Vec<String>> {
        let scenario = self.loaded.central().map_err(py_err)?;
        let theatre = strife::sim::build_theatre(&scenario).map_err(py_err)?;
        Ok(strife::run::metrics::Metric::all(&theatre)
            .iter()
            .map(|m| m.name(&theatre))
            .collect())
    }

    /// Check that each of `metrics` (names or expressions) reads in this scenario; raise the
    /// located error of the first that does not.
    fn check_metrics(&self, metrics: Vec<String>) -> PyResult<()> {
        for m in &metrics {
            MetricSpec::for_scenario(m, &self.loaded).map_err(py_err)?;
        }
        Ok(())
    }

    /// Load the file again and validate it (with the overrides): a summary line, as
    /// `strife validate` prints it.
    fn validate(&self, py: Python<'_>) -> PyResult<String> {
        let again = load_scenario(py, self.path.clone(), self.overrides.clone())?;
        let s = &again.loaded.scenario;
        Ok(format!(
            "{}: ok ({} factions, {} places, {} routes, {} units)",
            self.path.display(),
            s.factions.len(),
            s.places.len(),
            s.routes.len(),
            s.units.len()
        ))
    }

    /// The scenario in words, as `strife explain` prints it.
    fn explain(&self) -> PyResult<String> {
        strife::tooling::explain::explanation(&self.loaded).map_err(py_err)
    }

    /// The same file loaded with more overrides (`PATH=VALUE` texts) after these.
    fn with_overrides(&self, py: Python<'_>, overrides: Vec<String>) -> PyResult<Scenario> {
        let mut all = self.overrides.clone();
        all.extend(parse_overrides(&overrides)?);
        load_scenario(py, self.path.clone(), all)
    }

    /// One run with `seed` (the scenario's if None) for `days` (the scenario's if None).
    #[pyo3(signature = (seed = None, days = None))]
    fn run(&self, py: Python<'_>, seed: Option<u64>, days: Option<f64>) -> PyResult<Run> {
        strife::commands::check_days(days).map_err(py_err)?;
        let loaded = &self.loaded;
        let options = RunOptions {
            seed: seed.unwrap_or(loaded.scenario.seed),
            days: Some(days.unwrap_or(loaded.scenario.duration_days)),
        };
        let record = py.detach(|| run_loaded(loaded, options)).map_err(py_err)?;
        Ok(Run {
            record: Arc::new(record),
        })
    }

    /// An ensemble of `runs` runs on `jobs` threads (all cores if None), keeping `metrics`
    /// (names or expressions), with each run's series at `series` ("daily" or "tick") if given.
    #[pyo3(signature = (runs, seed = None, jobs = None, days = None, metrics = Vec::new(), series = None))]
    fn ensemble(
        &self,
        py: Python<'_>,
        runs: u64,
        seed: Option<u64>,
        jobs: Option<usize>,
        days: Option<f64>,
        metrics: Vec<String>,
        series: Option<String>,
    ) -> PyResult<Ensemble> {
        strife::run::check_runs(runs, "runs").map_err(py_err)?;
        strife::commands::check_days(days).map_err(py_err)?;
        let series = series.as_deref().map(resolution).transpose()?;
        if series.is_some() && runs > MAX_SERIES_RUNS {
            return Err(StrifeError::new_err(format!(
                "runs is {runs}: an ensemble's series is held in memory for at most \
                 {MAX_SERIES_RUNS} runs; for more, write it to a file with \
                 `strife run --runs {runs} --series daily`"
            )));
        }
        let loaded = &self.loaded;
        let specs = metrics
            .iter()
            .map(|m| MetricSpec::for_scenario(m, loaded))
            .collect::<strife::Result<Vec<_>>>()
            .map_err(py_err)?;
        let master = seed.unwrap_or(loaded.scenario.seed);
        let pool = strife::commands::thread_pool(jobs).map_err(py_err)?;
        let (record, batches) = py
            .detach(|| {
                pool.install(|| {
                    let mut batches = Vec::new();
                    let record = match series {
                        None => run_digests_streaming::<()>(
                            loaded,
                            master,
                            0..runs,
                            days,
                            &specs,
                            || {},
                            None,
                        )?,
                        Some(resolution) => {
                            let make =
                                |k: u64, record: &RunRecord| run_batch(k, record, resolution);
                            let mut take = |batch: RecordBatch| {
                                batches.push(batch);
                                Ok(())
                            };
                            let per_run: PerRun<'_, RecordBatch> = (&make, &mut take);
                            run_digests_streaming(
                                loaded,
                                master,
                                0..runs,
                                days,
                                &specs,
                                || {},
                                Some(per_run),
                            )?
                        }
                    };
                    Ok::<_, strife::Error>((record, batches))
                })
            })
            .map_err(py_err)?;
        let series = match series {
            None => None,
            Some(_) => Some(ipc(&batches, &strife::output::series::schema()).map_err(py_err)?),
        };
        Ok(Ensemble {
            record: Arc::new(record),
            series,
        })
    }
}

/// One run's record.
#[pyclass(frozen, module = "strife._strife")]
struct Run {
    record: Arc<RunRecord>,
}

#[pymethods]
impl Run {
    /// The run's tables, as (name, Arrow IPC stream bytes), in the order of `strife run`'s
    /// files; the CSV twin of each has the bytes `strife run` writes.
    fn tables<'py>(&self, py: Python<'py>) -> PyResult<Vec<(String, Bound<'py, PyBytes>)>> {
        let record = &self.record;
        let tables = py
            .detach(|| {
                strife::output::run_tables(record)?
                    .into_iter()
                    .map(|(name, csv)| {
                        let stem = name.trim_end_matches(".csv").to_owned();
                        Ok((stem, csv_ipc(&csv)?))
                    })
                    .collect::<strife::Result<Vec<_>>>()
            })
            .map_err(py_err)?;
        Ok(tables
            .into_iter()
            .map(|(name, bytes)| (name, PyBytes::new(py, &bytes)))
            .collect())
    }

    /// The run's tables as CSV bytes, exactly as `strife run` writes them: (file name, bytes).
    fn csv<'py>(&self, py: Python<'py>) -> PyResult<Vec<(String, Bound<'py, PyBytes>)>> {
        let record = &self.record;
        let tables = py
            .detach(|| strife::output::run_tables(record))
            .map_err(py_err)?;
        Ok(tables
            .into_iter()
            .map(|(name, bytes)| (name, PyBytes::new(py, &bytes)))
            .collect())
    }

    /// The run's long series at `resolution` ("daily" or "tick"), as Arrow IPC stream bytes
    /// (the columns of `series.parquet`).
    #[pyo3(signature = (resolution = "tick"))]
    fn series<'py>(&self, py: Python<'py>, resolution: &str) -> PyResult<Bound<'py, PyBytes>> {
        let resolution = self::resolution(resolution)?;
        let record = &self.record;
        let bytes = py
            .detach(|| {
                let batch = run_batch(0, record, resolution)?;
                ipc(&[batch], &strife::output::series::schema())
            })
            .map_err(py_err)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// `summary.json` of the run, as text.
    fn summary_json(&self) -> PyResult<String> {
        let bytes = strife::output::summary::summary_json(&self.record).map_err(py_err)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The run's text summary, as `strife run` prints it.
    fn text(&self) -> String {
        strife::output::summary::text_summary(&self.record)
    }

    /// The SVG of figure `name` (the first if None) of `strife run`'s plots.
    #[pyo3(signature = (name = None))]
    fn svg(&self, py: Python<'_>, name: Option<&str>) -> PyResult<String> {
        let record = &self.record;
        let files = py
            .detach(|| strife::output::plot::run_plots(record, Plots::Svg))
            .map_err(py_err)?;
        pick_svg(files, name)
    }
}

/// An ensemble's record (and its series, if asked for).
#[pyclass(frozen, module = "strife._strife")]
struct Ensemble {
    record: Arc<EnsembleRecord>,
    series: Option<Vec<u8>>,
}

#[pymethods]
impl Ensemble {
    /// `runs.csv` as Arrow IPC stream bytes (its columns and values, typed).
    fn runs_table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let csv = strife::output::ensemble::runs_csv(&self.record).map_err(py_err)?;
        let bytes = csv_ipc(&csv).map_err(py_err)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// `runs.csv`, exactly as `strife run --runs` writes it.
    fn runs_csv<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let csv = strife::output::ensemble::runs_csv(&self.record).map_err(py_err)?;
        Ok(PyBytes::new(py, &csv))
    }

    /// The series of every run as Arrow IPC stream bytes, if the ensemble kept them.
    fn series<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.series.as_ref().map(|b| PyBytes::new(py, b))
    }

    /// `summary.json` of the ensemble, as text.
    fn summary_json(&self) -> PyResult<String> {
        let bytes =
            strife::output::ensemble::ensemble_summary_json(&self.record).map_err(py_err)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The ensemble's text summary, as `strife run --runs` prints it.
    fn text(&self) -> String {
        strife::output::ensemble::ensemble_text(&self.record)
    }

    /// The SVG of figure `name` (the first if None) of the ensemble's plots.
    #[pyo3(signature = (name = None))]
    fn svg(&self, py: Python<'_>, name: Option<&str>) -> PyResult<String> {
        let record = &self.record;
        let files = py
            .detach(|| strife::output::plot::ensemble_plots(record, Plots::Svg))
            .map_err(py_err)?;
        pick_svg(files, name)
    }
}

/// A comparison of scenarios run with common random numbers.
#[pyclass(frozen, module = "strife._strife")]
struct Comparison {
    labels: Vec<String>,
    ensembles: Arc<Vec<EnsembleRecord>>,
    stat: Stat,
}

/// The statistic named `name` (`mean`, `median`, `q10`, `q90`, `p`).
fn stat(name: &str) -> PyResult<Stat> {
    [Stat::Mean, Stat::Median, Stat::Q10, Stat::Q90, Stat::P]
        .into_iter()
        .find(|s| s.name() == name)
        .ok_or_else(|| {
            StrifeError::new_err(format!(
                "stat must be one of mean, median, q10, q90, p, not \"{name}\""
            ))
        })
}

/// Run `scenarios` with common random numbers and compare them, as `strife compare` does.
#[pyfunction]
#[pyo3(signature = (scenarios, runs, seed = None, jobs = None, days = None, metrics = Vec::new(), stat = "mean"))]
fn compare(
    py: Python<'_>,
    scenarios: Vec<PyRef<'_, Scenario>>,
    runs: u64,
    seed: Option<u64>,
    jobs: Option<usize>,
    days: Option<f64>,
    metrics: Vec<String>,
    stat: &str,
) -> PyResult<Comparison> {
    let stat = self::stat(stat)?;
    if scenarios.len() < 2 {
        return Err(StrifeError::new_err(
            "compare needs at least two scenarios".to_owned(),
        ));
    }
    let count = scenarios.len() as u64;
    strife::run::check_runs(runs.saturating_mul(count), "runs × scenarios").map_err(py_err)?;
    strife::commands::check_days(days).map_err(py_err)?;
    let loaded: Vec<LoadedScenario> = scenarios.iter().map(|s| (*s.loaded).clone()).collect();
    let paths: Vec<PathBuf> = scenarios.iter().map(|s| s.path.clone()).collect();
    drop(scenarios);
    let specs = strife::run::ensemble::compare_metrics(&loaded, &metrics).map_err(py_err)?;
    let master = seed.unwrap_or(loaded[0].scenario.seed);
    let pool = strife::commands::thread_pool(jobs).map_err(py_err)?;
    let ensembles = py
        .detach(|| {
            pool.install(|| {
                strife::run::ensemble::compare_ensembles(&loaded, &specs, master, runs, days, || {})
            })
        })
        .map_err(py_err)?;
    Ok(Comparison {
        labels: strife::output::compare::unique_labels(&paths),
        ensembles: Arc::new(ensembles),
        stat,
    })
}

#[pymethods]
impl Comparison {
    /// The scenarios' labels (their file stems, made unique).
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.labels.clone()
    }

    /// `comparison.csv` as Arrow IPC stream bytes.
    fn table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let csv = strife::output::compare::comparison_csv(&self.labels, &self.ensembles, self.stat)
            .map_err(py_err)?;
        let bytes = csv_ipc(&csv).map_err(py_err)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// `comparison.csv`, exactly as `strife compare` writes it.
    fn csv<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let csv = strife::output::compare::comparison_csv(&self.labels, &self.ensembles, self.stat)
            .map_err(py_err)?;
        Ok(PyBytes::new(py, &csv))
    }

    /// Each scenario's `runs.csv` as Arrow IPC stream bytes: (label, bytes).
    fn runs_tables<'py>(&self, py: Python<'py>) -> PyResult<Vec<(String, Bound<'py, PyBytes>)>> {
        self.labels
            .iter()
            .zip(self.ensembles.iter())
            .map(|(label, e)| {
                let csv = strife::output::ensemble::runs_csv(e).map_err(py_err)?;
                let bytes = csv_ipc(&csv).map_err(py_err)?;
                Ok((label.clone(), PyBytes::new(py, &bytes)))
            })
            .collect()
    }

    /// `summary.json` of the comparison, as text.
    fn summary_json(&self) -> PyResult<String> {
        let bytes = strife::output::compare::comparison_summary_json(
            &self.labels,
            &self.ensembles,
            self.stat,
        )
        .map_err(py_err)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The comparison's text, as `strife compare` prints it.
    fn text(&self) -> String {
        strife::output::compare::comparison_text(&self.labels, &self.ensembles, self.stat)
    }

    /// The SVG of figure `name` (the first if None) of `strife compare`'s plots.
    #[pyo3(signature = (name = None))]
    fn svg(&self, py: Python<'_>, name: Option<&str>) -> PyResult<String> {
        let (labels, ensembles, stat) = (&self.labels, &self.ensembles, self.stat);
        let files = py
            .detach(|| strife::output::plot::compare_plots(labels, ensembles, stat, Plots::Svg))
            .map_err(py_err)?;
        pick_svg(files, name)
    }
}

/// Safe identifiers for names, as `runs.parquet` makes its column names (`units.x.personnel`
/// is `units__x__personnel`; a name taken gets `_2`, `_3`, …).
#[pyfunction]
fn safe_names(names: Vec<String>) -> Vec<String> {
    strife::output::parquet::safe_names(&names)
}

/// The module `strife._strife`.
#[pymodule]
fn _strife(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("StrifeError", m.py().get_type::<StrifeError>())?;
    m.add("MAX_SERIES_RUNS", MAX_SERIES_RUNS)?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(safe_names, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::sweep, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::hindcast, m)?)?;
    m.add_class::<analysis::Analysis>()?;
    m.add_class::<Scenario>()?;
    m.add_class::<Run>()?;
    m.add_class::<Ensemble>()?;
    m.add_class::<Comparison>()?;
    Ok(())
}
