//! Sweeps: an ensemble at every point of a grid of overrides, reduced to one metric.

use serde::Serialize;

use super::ensemble::run_digests_with;
use super::expr::MetricSpec;
use super::statistic::{Estimate, Stat};
use super::stats::{distribution, probability};
use crate::error::{Error, Result};
use crate::scenario::load::check_scenario;
use crate::scenario::overrides::apply_overrides;
use crate::scenario::{LoadedScenario, Override};

/// Most points a sweep may have.
pub const MAX_POINTS: usize = 10_000;

/// One axis of a sweep: a path and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    /// Path of the field, as for `--set`.
    pub path: String,
    /// The values, as written.
    pub values: Vec<String>,
}

impl std::str::FromStr for Vary {
    type Err = String;

    /// Parse `PATH=SPEC` with SPEC in any form of [`super::ranges::FORMS`].
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        let (path, spec) = text.split_once('=').ok_or_else(|| {
            format!(
                "`{text}` is not PATH=SPEC, with SPEC {}",
                super::ranges::FORMS
            )
        })?;
        if path.trim().is_empty() {
            return Err(format!("`{text}` has no path"));
        }
        let values = super::ranges::RangeSpec::parse(spec, text)?.sweep_values()?;
        if values.len() > MAX_POINTS {
            return Err(format!(
                "`{text}` gives {} values; at most {MAX_POINTS}",
                values.len()
            ));
        }
        Ok(Vary {
            path: path.trim().to_owned(),
            values,
        })
    }
}

/// The metric at one point of a sweep.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SweepPoint {
    /// The value of each axis at this point.
    pub values: Vec<String>,
    /// Runs with a value of the metric.
    pub n: usize,
    /// Mean (a probability for `p_` metrics).
    pub mean: f64,
    /// 90% confidence interval of the mean (Wilson for probabilities, Student's t otherwise).
    pub ci: [f64; 2],
    /// Median, 5% and 95% quantiles (none without values).
    pub quantiles: Option<[f64; 3]>,
    /// The statistic the sweep shows (`--stat`; see [`SweepRecord::stat`]) at this point.
    pub stat: Estimate,
}

/// A whole sweep.
#[derive(Debug, Clone)]
pub struct SweepRecord {
    /// Scenario title.
    pub scenario_name: String,
    /// The axes.
    pub axes: Vec<Vary>,
    /// The metric's name.
    pub metric: String,
    /// Whether the metric is a probability.
    pub probability: bool,
    /// The statistic of the metric each point shows (`--stat`; a probability metric always
    /// shows its share of runs).
    pub stat: Stat,
    /// Runs per point.
    pub runs: u64,
    /// Master seed (the same runs at every point: common random numbers).
    pub master_seed: u64,
    /// Points in grid order (the last axis varies fastest).
    pub points: Vec<SweepPoint>,
}

/// Every combination of the axes' values, last axis fastest.
fn grid(axes: &[Vary]) -> Vec<Vec<String>> {
    axes.iter().fold(vec![Vec::new()], |acc, axis| {
        acc.iter()
            .flat_map(|prefix| {
                axis.values.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push(v.clone());
                    p
                })
            })
            .collect()
    })
}

/// Run the sweep: at every point an ensemble of `runs` runs with the same seeds, and the
/// statistic `stat` of the metric over them.
#[allow(clippy::too_many_arguments)] // each is a setting of the sweep, named at the call
pub fn run_sweep(
    loaded: &LoadedScenario,
    axes: &[Vary],
    metric_name: &str,
    stat: Stat,
    master: u64,
    runs: u64,
    days: Option<f64>,
    progress: impl Fn() + Sync,
) -> Result<SweepRecord> {
    let points = grid(axes);
    if points.len() > MAX_POINTS {
        return Err(Error::Usage(format!(
            "{} points; a sweep may have at most {MAX_POINTS}",
            points.len()
        )));
    }
    // Check every point before spending any time on runs.
    let mut scenarios = Vec::with_capacity(points.len());
    for values in &points {
        let overrides: Vec<Override> = axes
            .iter()
            .zip(values)
            .map(|(a, v)| Override {
                path: a.path.clone(),
                value: v.clone(),
            })
            .collect();
        let scenario = apply_overrides(&loaded.scenario, &overrides)
            .map_err(|why| Error::Usage(format!("--vary: {why}")))?;
        check_scenario(&scenario, &loaded.source, &loaded.file)
            .map_err(|e| Error::Usage(format!("--vary {}: {e}", describe(axes, values))))?;
        scenarios.push(LoadedScenario {
            scenario,
            ..loaded.clone()
        });
    }
    let mut out = Vec::with_capacity(points.len());
    // A built-in name or an expression (docs/METRICS.md), checked before any run.
    let m = MetricSpec::for_scenario(metric_name, loaded)?;
    let specs = std::slice::from_ref(&m);
    for (values, point) in points.iter().zip(&scenarios) {
        let e = run_digests_with(point, master, 0..runs, days, specs, &progress)?;
        let xs: Vec<f64> = e
            .runs
            .iter()
            .filter_map(|r| m.value(r, 0, e.days))
            .collect();
        let n = xs.len();
        let mean = if n > 0 {
            xs.iter().sum::<f64>() / n as f64
        } else {
            f64::NAN
        };
        let ci = if m.is_probability() {
            let p = probability(xs.iter().filter(|x| **x > 0.5).count(), n);
            [p.low, p.high]
        } else {
            super::stats::mean_interval(&xs).unwrap_or([mean, mean])
        };
        out.push(SweepPoint {
            values: values.clone(),
            n,
            mean,
            ci,
            quantiles: distribution(&xs).map(|d| [d.median, d.q05, d.q95]),
            stat: m.estimate(stat, 0, &e.runs, e.days),
        });
    }
    Ok(SweepRecord {
        scenario_name: loaded.scenario.name.clone(),
        axes: axes.to_vec(),
        metric: metric_name.to_owned(),
        probability: m.is_probability(),
        stat: m.stat(stat),
        runs,
        master_seed: master,
        points: out,
    })
}

fn describe(axes: &[Vary], values: &[String]) -> String {
    axes.iter()
        .zip(values)
        .map(|(a, v)| format!("{}={v}", a.path))
        .collect::<Vec<_>>()
        .join(" ")
}
