//! `strife.sweep`, `strife.sensitivity` and `strife.hindcast` from Python (issue 19): the
//! library's own analyses, run with the GIL released; their tables (CSV bytes, as the commands
//! write them), summaries and figures are kept for `strife/__init__.py`.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use strife::output::plot::Plots;
use strife::run::hindcast::HindcastRecord;
use strife::run::sensitivity::{InputRange, Method, SensitivityRecord, Settings};
use strife::run::sweep::{SweepRecord, Vary};

use crate::{Scenario, StrifeError, csv_ipc, pick_svg, py_err, stat};

/// The record of an analysis, for its figures.
enum Record {
    Sweep(Box<SweepRecord>),
    Sensitivity(Box<SensitivityRecord>),
    Hindcast(Box<HindcastRecord>),
}

/// A finished analysis: its tables as the command writes them, its summary and its figures.
#[pyclass(frozen, module = "strife._strife")]
pub struct Analysis {
    record: Record,
    tables: Vec<(String, Vec<u8>)>,
    summary: Vec<u8>,
    text: String,
}

/// `PATH=SPEC` texts parsed with `parse`, a mistake as `--vary`'s message.
fn parse_all<T: std::str::FromStr<Err = String>>(texts: &[String]) -> PyResult<Vec<T>> {
    texts
        .iter()
        .map(|t| {
            t.parse::<T>()
                .map_err(|why| StrifeError::new_err(format!("--vary: {why}")))
        })
        .collect()
}

/// `strife sweep`: an ensemble of `runs` runs at every point of a grid of one or two axes
/// (`PATH=SPEC` texts), reduced to `stat` of `metric`.
#[pyfunction]
#[pyo3(signature = (scenario, vary, metric, runs = 100, stat = "mean", seed = None, jobs = None, days = None))]
pub fn sweep(
    py: Python<'_>,
    scenario: PyRef<'_, Scenario>,
    vary: Vec<String>,
    metric: String,
    runs: u64,
    stat: &str,
    seed: Option<u64>,
    jobs: Option<usize>,
    days: Option<f64>,
) -> PyResult<Analysis> {
    let stat = self::stat(stat)?;
    let axes: Vec<Vary> = parse_all(&vary)?;
    if axes.is_empty() || axes.len() > 2 {
        return Err(StrifeError::new_err(
            "a sweep has one or two --vary axes".to_owned(),
        ));
    }
    let points = axes
        .iter()
        .fold(1u64, |n, v| n.saturating_mul(v.values.len() as u64));
    strife::run::check_runs(runs.saturating_mul(points), "--runs × sweep points")
        .map_err(py_err)?;
    strife::commands::check_days(days).map_err(py_err)?;
    let loaded = scenario.loaded.clone();
    drop(scenario);
    strife::run::expr::MetricSpec::for_scenario(&metric, &loaded).map_err(py_err)?;
    let master = seed.unwrap_or(loaded.scenario.seed);
    let pool = strife::commands::thread_pool(jobs).map_err(py_err)?;
    py.detach(|| {
        let record = pool.install(|| {
            strife::run::sweep::run_sweep(&loaded, &axes, &metric, stat, master, runs, days, || {})
        })?;
        use strife::output::sweep::{sweep_csv, sweep_summary_json, sweep_text};
        Ok(Analysis {
            tables: vec![("sweep".to_owned(), sweep_csv(&record)?)],
            summary: sweep_summary_json(&record)?,
            text: sweep_text(&record),
            record: Record::Sweep(Box::new(record)),
        })
    })
    .map_err(py_err)
}

/// `strife sensitivity`: Morris screening or Sobol' indices of `metric` over the scenario's
/// uncertain inputs (those matching `inputs` patterns, if given) and the `vary` ranges.
#[pyfunction]
#[pyo3(signature = (scenario, metric, method = "morris", runs = None, inputs = Vec::new(), vary = Vec::new(), levels = 4, replicates = 1, bootstrap = 500, seed = None, jobs = None, days = None))]
pub fn sensitivity(
    py: Python<'_>,
    scenario: PyRef<'_, Scenario>,
    metric: String,
    method: &str,
    runs: Option<usize>,
    inputs: Vec<String>,
    vary: Vec<String>,
    levels: usize,
    replicates: u64,
    bootstrap: usize,
    seed: Option<u64>,
    jobs: Option<usize>,
    days: Option<f64>,
) -> PyResult<Analysis> {
    use strife::run::sensitivity::{evaluations, factors, run_sensitivity};
    let method = match method {
        "morris" => Method::Morris,
        "sobol" => Method::Sobol,
        other => {
            return Err(StrifeError::new_err(format!(
                "method must be \"morris\" or \"sobol\", not \"{other}\""
            )));
        }
    };
    let ranges: Vec<InputRange> = parse_all(&vary)?;
    strife::commands::check_days(days).map_err(py_err)?;
    let loaded = scenario.loaded.clone();
    drop(scenario);
    strife::run::expr::MetricSpec::for_scenario(&metric, &loaded).map_err(py_err)?;
    let (loaded, factors) = factors(&loaded, &inputs, &ranges).map_err(py_err)?;
    let settings = Settings {
        method,
        metric,
        base: runs.unwrap_or(match method {
            Method::Morris => 20,
            Method::Sobol => 256,
        }),
        levels,
        replicates,
        bootstrap,
        master_seed: seed.unwrap_or(loaded.scenario.seed),
        days,
    };
    let total = evaluations(&settings, factors.len());
    strife::run::check_runs(
        total,
        "the model runs of the design (from --runs, --replicates and the inputs)",
    )
    .map_err(py_err)?;
    let pool = strife::commands::thread_pool(jobs).map_err(py_err)?;
    py.detach(|| {
        let record = pool.install(|| run_sensitivity(&loaded, factors, settings, || {}))?;
        use strife::output::sensitivity::{
            samples_csv, sensitivity_csv, sensitivity_summary_json, sensitivity_text,
        };
        Ok(Analysis {
            tables: vec![
                ("sensitivity".to_owned(), sensitivity_csv(&record)?),
                ("samples".to_owned(), samples_csv(&record)?),
            ],
            summary: sensitivity_summary_json(&record)?,
            text: sensitivity_text(&record),
            record: Record::Sensitivity(Box::new(record)),
        })
    })
    .map_err(py_err)
}

/// `strife hindcast`: `runs` runs scored against the observed history in `observed` (a CSV
/// file as `strife hindcast --observed` reads it).
#[pyfunction]
#[pyo3(signature = (scenario, observed, runs = 200, seed = None, jobs = None, days = None))]
pub fn hindcast(
    py: Python<'_>,
    scenario: PyRef<'_, Scenario>,
    observed: PathBuf,
    runs: u64,
    seed: Option<u64>,
    jobs: Option<usize>,
    days: Option<f64>,
) -> PyResult<Analysis> {
    use strife::run::hindcast::{hindcast_targets, run_hindcast};
    strife::commands::check_days(days).map_err(py_err)?;
    strife::run::check_runs(runs, "--runs").map_err(py_err)?;
    let loaded = scenario.loaded.clone();
    drop(scenario);
    let file = observed.display().to_string();
    let (observations, text) =
        strife::analysis::observed::read_observed(&observed).map_err(py_err)?;
    hindcast_targets(&loaded, &observations, (&file, &text), days).map_err(py_err)?;
    let master = seed.unwrap_or(loaded.scenario.seed);
    let pool = strife::commands::thread_pool(jobs).map_err(py_err)?;
    py.detach(|| {
        let record = pool.install(|| {
            run_hindcast(
                &loaded,
                &observations,
                (&file, &text),
                master,
                runs,
                days,
                || {},
            )
        })?;
        use strife::output::hindcast::{hindcast_csv, hindcast_summary_json, hindcast_text};
        Ok(Analysis {
            tables: vec![("hindcast".to_owned(), hindcast_csv(&record)?)],
            summary: hindcast_summary_json(&record)?,
            text: hindcast_text(&record),
            record: Record::Hindcast(Box::new(record)),
        })
    })
    .map_err(py_err)
}

#[pymethods]
impl Analysis {
    /// The analysis's tables as (name, Arrow IPC stream bytes); the first is the one it shows.
    fn tables<'py>(&self, py: Python<'py>) -> PyResult<Vec<(String, Bound<'py, PyBytes>)>> {
        self.tables
            .iter()
            .map(|(name, csv)| {
                let bytes = csv_ipc(csv).map_err(py_err)?;
                Ok((name.clone(), PyBytes::new(py, &bytes)))
            })
            .collect()
    }

    /// The tables as CSV bytes, exactly as the command writes them: (name, bytes).
    fn csv<'py>(&self, py: Python<'py>) -> Vec<(String, Bound<'py, PyBytes>)> {
        self.tables
            .iter()
            .map(|(name, csv)| (name.clone(), PyBytes::new(py, csv)))
            .collect()
    }

    /// `summary.json` of the analysis, as text.
    fn summary_json(&self) -> String {
        String::from_utf8_lossy(&self.summary).into_owned()
    }

    /// The findings the command prints.
    fn text(&self) -> String {
        self.text.clone()
    }

    /// The SVG of figure `name` (the first if None) of the command's plots.
    #[pyo3(signature = (name = None))]
    fn svg(&self, py: Python<'_>, name: Option<&str>) -> PyResult<String> {
        let record = &self.record;
        let files = py
            .detach(|| match record {
                Record::Sweep(r) => strife::output::plot::sweep_plots(r, Plots::Svg),
                Record::Sensitivity(r) => strife::output::plot::sensitivity_plots(r, Plots::Svg),
                Record::Hindcast(r) => strife::output::plot::hindcast_plots(r, Plots::Svg),
            })
            .map_err(py_err)?;
        pick_svg(files, name)
    }
}
