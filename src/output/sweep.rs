//! Outputs of a sweep: `sweep.csv` (the metric at every point of the grid) and its text.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::run::statistic::Stat;
use crate::run::sweep::{SweepPoint, SweepRecord};

fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.4}")
    } else {
        String::new()
    }
}

/// `sweep.csv`: one row per point: the value of each axis, then the metric's mean with its 90%
/// interval, and its median, 5% and 95% quantiles over the runs; then the statistic the sweep
/// shows (`--stat`), its value and 90% interval, and the share of runs behind it.
pub fn sweep_csv(s: &SweepRecord) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::Internal(format!("writing sweep.csv: {e}"));
    let mut w = crate::output::safe_csv::CsvWriter::new();
    let mut header: Vec<String> = s.axes.iter().map(|a| a.path.clone()).collect();
    header.extend(
        [
            "metric",
            "runs_with_value",
            "mean",
            "ci_low",
            "ci_high",
            "median",
            "q05",
            "q95",
            "stat",
            "value",
            "value_ci_low",
            "value_ci_high",
            "share_of_runs",
        ]
        .map(String::from),
    );
    w.write_record(&header).map_err(err)?;
    for p in &s.points {
        let mut row = p.values.clone();
        let [median, q05, q95] = p.quantiles.unwrap_or([f64::NAN; 3]);
        row.extend([
            s.metric.clone(),
            p.n.to_string(),
            num(p.mean),
            num(p.ci[0]),
            num(p.ci[1]),
            num(median),
            num(q05),
            num(q95),
            s.stat.name().to_owned(),
            num(p.stat.value),
            num(p.stat.ci.map_or(f64::NAN, |c| c[0])),
            num(p.stat.ci.map_or(f64::NAN, |c| c[1])),
            num(p.stat.share),
        ]);
        w.write_record(&row).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Internal(format!("writing sweep.csv: {e}")))
}

/// A sweep's `summary.json`: what it varied, the metric, and the metric at every point.
#[derive(Debug, Serialize)]
pub struct SweepSummary<'a> {
    /// Scenario title.
    pub scenario: &'a str,
    /// The metric's name.
    pub metric: &'a str,
    /// Whether the metric is a probability.
    pub probability: bool,
    /// The statistic each point's `stat` is (`--stat`).
    pub stat: Stat,
    /// Runs per point.
    pub runs: u64,
    /// Master seed (the same runs at every point).
    pub master_seed: u64,
    /// The axes: each field's path and its values, as written.
    pub axes: Vec<(&'a str, &'a [String])>,
    /// Every point in grid order (the last axis varies fastest).
    pub points: &'a [SweepPoint],
}

/// `summary.json` of a sweep, pretty-printed.
pub fn sweep_summary_json(s: &SweepRecord) -> Result<Vec<u8>> {
    let summary = SweepSummary {
        scenario: &s.scenario_name,
        metric: &s.metric,
        probability: s.probability,
        stat: s.stat,
        runs: s.runs,
        master_seed: s.master_seed,
        axes: s
            .axes
            .iter()
            .map(|a| (a.path.as_str(), a.values.as_slice()))
            .collect(),
        points: &s.points,
    };
    let mut bytes = serde_json::to_vec_pretty(&summary)
        .map_err(|e| Error::Internal(format!("writing JSON: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The statistic at point `p` in words: `61.0% (90% CI 48.2–72.6%)` for a share of runs,
/// `7.43 (90% CI 7.21–7.65)` otherwise, with the share of runs behind it where not every run has
/// a value: `11.70 (60% of runs; 90% CI 11.21–12.05)`.
pub fn point_value(s: &SweepRecord, p: &SweepPoint) -> String {
    let e = &p.stat;
    if s.stat == Stat::P {
        match e.ci {
            Some([lo, hi]) if e.value.is_finite() => {
                let (low, high) = super::percent_bounds(lo, hi, 1);
                format!("{:.1}% (90% CI {low}–{high}%)", 100.0 * e.value)
            }
            _ => "no run".to_owned(),
        }
    } else if e.n == 0 || !e.value.is_finite() {
        "no value in any run".to_owned()
    } else {
        let share = if e.share < 1.0 - 1e-12 {
            format!("{:.0}% of runs; ", 100.0 * e.share)
        } else {
            String::new()
        };
        let ci = match e.ci {
            Some([lo, hi]) => format!("90% CI {lo:.2}–{hi:.2}"),
            None => "too few runs for a 90% interval".to_owned(),
        };
        format!("{:.2} ({share}{ci})", e.value)
    }
}

/// The text `strife sweep` prints: a line per point.
pub fn sweep_text(s: &SweepRecord) -> String {
    let mut out = format!(
        "{} — {} of {} by {}, {} runs per point (master seed {}, the same runs at every point)\n\n",
        s.scenario_name,
        s.stat.words(),
        s.metric,
        s.axes
            .iter()
            .map(|a| a.path.as_str())
            .collect::<Vec<_>>()
            .join(" and "),
        s.runs,
        s.master_seed
    );
    for p in &s.points {
        let at: Vec<String> = s
            .axes
            .iter()
            .zip(&p.values)
            .map(|(a, v)| format!("{}={v}", a.path))
            .collect();
        let value = point_value(s, p);
        out.push_str(&format!("  {:<50} {value}\n", at.join("  ")));
    }
    out
}
