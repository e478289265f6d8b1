//! Outputs of an experiment (`strife experiment`): `experiments.csv` (experiments ×
//! outcomes: one row per run with its point, policy, seed, the uncertainties' values and the
//! metrics), `design.csv` (the points), `summary.csv` and `summary.json` (per policy and
//! metric: runs, the share of runs with a value, mean and quantiles), and the text printed.

use crate::output::parquet::ColumnInfo;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::output::safe_csv::CsvWriter;
use crate::run::experiment::{Design, ExperimentRun};
use crate::run::stats::distribution;

fn csv_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("writing an experiment's table: {e}"))
}

/// A number as a table writes it: the shortest text that reads back to the same value.
fn number(x: f64) -> String {
    format!("{x}")
}

/// `design.csv`: one row per design point, `experiment` and each uncertainty's value.
pub fn design_csv(d: &Design) -> Result<Vec<u8>> {
    let mut w = CsvWriter::new();
    let mut header = vec!["experiment".to_owned()];
    header.extend(d.spec.uncertainties.iter().map(|u| u.path.clone()));
    w.write_record(&header).map_err(csv_error)?;
    for (e, point) in d.points.iter().enumerate() {
        let mut row = vec![e.to_string()];
        row.extend(point.iter().map(|x| number(*x)));
        w.write_record(&row).map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// `experiments.csv`: one row per run in run order: `experiment`, `policy`, `seed_index`,
/// `seed`, each uncertainty's value (its path as the column name) and each metric (its name;
/// empty where the run has no value).
pub fn experiments_csv(d: &Design, rows: &[ExperimentRun]) -> Result<Vec<u8>> {
    let mut w = CsvWriter::new();
    let header: Vec<String> = experiments_header(d).into_iter().map(|c| c.path).collect();
    w.write_record(&header).map_err(csv_error)?;
    for r in rows {
        let mut row = vec![
            r.experiment.to_string(),
            d.policies[r.policy].clone(),
            r.seed_index.to_string(),
            r.seed.to_string(),
        ];
        row.extend(d.points[r.experiment as usize].iter().map(|x| number(*x)));
        row.extend(r.values.iter().map(|v| v.map(number).unwrap_or_default()));
        w.write_record(&row).map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// The columns of `experiments.csv`, each with its unit.
fn experiments_header(d: &Design) -> Vec<ColumnInfo> {
    let info = |path: &str, unit: &str| ColumnInfo {
        path: path.to_owned(),
        unit: unit.to_owned(),
    };
    let mut header = vec![
        info("experiment", "index of the design point"),
        info("policy", "name of the policy"),
        info(
            "seed_index",
            "index of the seed at the point (common random numbers)",
        ),
        info("seed", "seed of the run"),
    ];
    header.extend(d.spec.uncertainties.iter().map(|u| {
        let unit = if u.unit.is_empty() {
            "as the scenario field"
        } else {
            &u.unit
        };
        info(&u.path, unit)
    }));
    header.extend(
        d.outcomes
            .names()
            .iter()
            .map(|m| info(m, "the metric's unit (see `strife metrics`)")),
    );
    header
}

/// The columns of `experiments.parquet`: safe identifiers for the columns of
/// `experiments.csv` (see [`crate::output::parquet::safe_names`]), and each one's CSV name and
/// unit (as `columns.csv` lists them).
pub fn experiments_columns(d: &Design) -> (Vec<String>, Vec<ColumnInfo>) {
    let infos = experiments_header(d);
    let paths: Vec<String> = infos.iter().map(|c| c.path.clone()).collect();
    (crate::output::parquet::safe_names(&paths), infos)
}

/// One metric under one policy across the design.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MetricSummary {
    /// The policy.
    pub policy: String,
    /// The metric.
    pub metric: String,
    /// Runs of the policy.
    pub runs: u64,
    /// Runs with a value.
    pub with_value: u64,
    /// `with_value / runs`.
    pub share_with_value: f64,
    /// Mean over the runs with a value (for a 0/1 metric, the probability); `None` without.
    pub mean: Option<f64>,
    /// 5%, 25%, 50%, 75% and 95% quantiles over the runs with a value.
    pub quantiles: Option<[f64; 5]>,
}

/// The summary of every (policy, metric), policies in the design's order.
pub fn summaries(d: &Design, rows: &[ExperimentRun]) -> Vec<MetricSummary> {
    let mut out = Vec::new();
    for (p, policy) in d.policies.iter().enumerate() {
        let of_policy: Vec<&ExperimentRun> = rows.iter().filter(|r| r.policy == p).collect();
        for (m, metric) in d.outcomes.names().iter().enumerate() {
            let xs: Vec<f64> = of_policy.iter().filter_map(|r| r.values[m]).collect();
            let dist = distribution(&xs);
            let runs = of_policy.len() as u64;
            out.push(MetricSummary {
                policy: policy.clone(),
                metric: metric.clone(),
                runs,
                with_value: xs.len() as u64,
                share_with_value: if runs == 0 {
                    0.0
                } else {
                    xs.len() as f64 / runs as f64
                },
                mean: dist.as_ref().map(|d| d.mean),
                quantiles: dist.map(|d| [d.q05, d.q25, d.median, d.q75, d.q95]),
            });
        }
    }
    out
}

/// `summary.csv`: a row per policy and metric: runs, runs with a value and their share, mean
/// and the 5, 25, 50, 75 and 95% quantiles over the runs with a value.
pub fn summary_csv(d: &Design, rows: &[ExperimentRun]) -> Result<Vec<u8>> {
    let mut w = CsvWriter::new();
    w.write_record([
        "policy",
        "metric",
        "runs",
        "with_value",
        "share_with_value",
        "mean",
        "q05",
        "q25",
        "median",
        "q75",
        "q95",
    ])
    .map_err(csv_error)?;
    for s in summaries(d, rows) {
        let mut row = vec![
            s.policy,
            s.metric,
            s.runs.to_string(),
            s.with_value.to_string(),
            format!("{:.4}", s.share_with_value),
            s.mean.map(|m| format!("{m:.4}")).unwrap_or_default(),
        ];
        match s.quantiles {
            Some(q) => row.extend(q.iter().map(|x| format!("{x:.4}"))),
            None => row.extend(std::iter::repeat_n(String::new(), 5)),
        }
        w.write_record(&row).map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// A policy as `summary.json` shows it.
#[derive(Debug, Serialize)]
struct PolicyOut<'a> {
    name: &'a str,
    description: &'a str,
    set: Option<&'a std::collections::BTreeMap<String, String>>,
}

/// What `summary.json` holds.
#[derive(Debug, Serialize)]
struct Summary<'a> {
    experiment: String,
    design_file: &'a str,
    scenario_file: &'a str,
    sampler: String,
    scenarios: usize,
    policies: Vec<PolicyOut<'a>>,
    seeds: u64,
    runs: u64,
    master_seed: u64,
    days: f64,
    uncertainties: &'a [crate::run::experiment::Uncertainty],
    metrics: &'a [String],
    summary: Vec<MetricSummary>,
}

/// `summary.json`: the design (file, sampler, size, policies with their overrides, seed, days,
/// uncertainties, metrics) and every (policy, metric) summary.
pub fn summary_json(d: &Design, rows: &[ExperimentRun]) -> Result<Vec<u8>> {
    crate::output::summary::to_json(&Summary {
        experiment: d.name(),
        design_file: &d.file,
        scenario_file: &d.base.file,
        sampler: d.spec.sampler.word(),
        scenarios: d.points.len(),
        policies: d
            .policies
            .iter()
            .map(|name| {
                let policy = d.spec.policies.iter().find(|p| p.name == *name);
                PolicyOut {
                    name,
                    description: policy.map_or("the scenario as it is", |p| &p.description),
                    set: policy.map(|p| &p.set),
                }
            })
            .collect(),
        seeds: d.seeds,
        runs: d.total_runs(),
        master_seed: d.master_seed,
        days: d.days,
        uncertainties: &d.spec.uncertainties,
        metrics: d.outcomes.names(),
        summary: summaries(d, rows),
    })
}

/// The text printed: the design's size, then each metric's median (or probability) by policy.
pub fn experiment_text(d: &Design, rows: &[ExperimentRun]) -> String {
    let mut text = format!(
        "{}: {} scenarios ({}) × {} policies × {} seeds = {} runs of {} days\n",
        d.name(),
        d.points.len(),
        d.spec.sampler.word(),
        d.policies.len(),
        d.seeds,
        d.total_runs(),
        d.days
    );
    for (i, s) in summaries(d, rows).into_iter().enumerate() {
        let m = i % d.outcomes.names().len().max(1);
        let event = rows
            .iter()
            .filter_map(|r| r.values[m])
            .all(|x| x == 0.0 || x == 1.0);
        let line = match (s.mean, s.quantiles) {
            (Some(mean), Some(_)) if event => format!(
                "  {:<20} {:<28} happens in {:.1}% of runs",
                s.policy,
                s.metric,
                100.0 * mean
            ),
            (Some(mean), Some(q)) => format!(
                "  {:<20} {:<28} mean {:>10.3}  median {:>10.3}  90% of runs {:.3} to {:.3}{}",
                s.policy,
                s.metric,
                mean,
                q[2],
                q[0],
                q[4],
                if s.with_value < s.runs {
                    format!(
                        "  ({:.0}% of runs have a value)",
                        100.0 * s.share_with_value
                    )
                } else {
                    String::new()
                }
            ),
            _ => format!("  {:<20} {:<28} no run has a value", s.policy, s.metric),
        };
        text.push_str(&line);
        text.push('\n');
    }
    text
}
