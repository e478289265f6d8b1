//! Outputs of a sensitivity analysis: `sensitivity.csv` (every index of every input with its
//! interval), `samples.csv` (the design and the metric at each point), `summary.json` and the
//! text `strife sensitivity` prints ([`sensitivity_text`]).

use serde::Serialize;

use super::summary::to_json;
use crate::error::{Error, Result};
use crate::run::sensitivity::{Method, SensitivityRecord};

fn csv_error(file: &str) -> impl Fn(csv::Error) -> Error + '_ {
    move |e| Error::Internal(format!("writing {file}: {e}"))
}

/// A number for a table: six significant decimals, empty when not finite.
fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.6}")
    } else {
        String::new()
    }
}

/// One index of one input, as a row of `sensitivity.csv` and an entry of `summary.json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IndexRow {
    /// The input's path.
    pub input: String,
    /// `mu`, `mu_star`, `sigma` (Morris) or `S1`, `ST` (Sobol').
    pub index: &'static str,
    /// Its value.
    pub value: f64,
    /// Lower end of its 90% bootstrap interval (none for μ and σ).
    pub ci_low: Option<f64>,
    /// Upper end.
    pub ci_high: Option<f64>,
}

/// Every index of every input, input by input in the order of the factors.
pub fn index_rows(s: &SensitivityRecord) -> Vec<IndexRow> {
    let mut rows = Vec::new();
    for (i, f) in s.factors.iter().enumerate() {
        let row = |index, value, ci: Option<[f64; 2]>| IndexRow {
            input: f.path.clone(),
            index,
            value,
            ci_low: ci.map(|c| c[0]),
            ci_high: ci.map(|c| c[1]),
        };
        if let Some(m) = &s.morris {
            let m = m[i];
            rows.push(row("mu", m.mu, None));
            rows.push(row("mu_star", m.mu_star, Some(m.mu_star_ci)));
            rows.push(row("sigma", m.sigma, None));
        }
        if let Some((indices, _)) = &s.sobol {
            let x = indices[i];
            rows.push(row("S1", x.s1, Some(x.s1_ci)));
            rows.push(row("ST", x.st, Some(x.st_ci)));
        }
    }
    rows
}

/// The inputs from most to least important: by μ* (Morris) or ST (Sobol'), ties by path.
/// Returns `(factor index, importance)`.
pub fn ranking(s: &SensitivityRecord) -> Vec<(usize, f64)> {
    let importance = |i: usize| match (&s.morris, &s.sobol) {
        (Some(m), _) => m[i].mu_star,
        (_, Some((x, _))) => x[i].st,
        _ => f64::NAN,
    };
    let mut order: Vec<(usize, f64)> = (0..s.factors.len()).map(|i| (i, importance(i))).collect();
    order.sort_by(|a, b| {
        let key = |v: f64| if v.is_finite() { v } else { f64::NEG_INFINITY };
        key(b.1)
            .total_cmp(&key(a.1))
            .then_with(|| s.factors[a.0].path.cmp(&s.factors[b.0].path))
    });
    order
}

/// `sensitivity.csv`: `metric, method, input, index, value, ci_low, ci_high, rank` — one row
/// per index of each input (Morris: `mu`, `mu_star`, `sigma`; Sobol': `S1`, `ST`); the
/// intervals are 90% bootstrap percentile intervals; `rank` is the input's rank by μ* or ST.
pub fn sensitivity_csv(s: &SensitivityRecord) -> Result<Vec<u8>> {
    let err = csv_error("sensitivity.csv");
    let rank_of: Vec<usize> = {
        let mut r = vec![0; s.factors.len()];
        for (rank, (i, _)) in ranking(s).into_iter().enumerate() {
            r[i] = rank + 1;
        }
        r
    };
    let mut w = crate::output::safe_csv::CsvWriter::new();
    w.write_record([
        "metric", "method", "input", "index", "value", "ci_low", "ci_high", "rank",
    ])
    .map_err(&err)?;
    for row in index_rows(s) {
        let i = s
            .factors
            .iter()
            .position(|f| f.path == row.input)
            .unwrap_or(0);
        w.write_record([
            s.settings.metric.clone(),
            s.settings.method.word().to_owned(),
            row.input.clone(),
            row.index.to_owned(),
            num(row.value),
            row.ci_low.map_or_else(String::new, num),
            row.ci_high.map_or_else(String::new, num),
            rank_of[i].to_string(),
        ])
        .map_err(&err)?;
    }
    w.into_inner().map_err(&err)
}

/// The block a design point belongs to: the trajectory (Morris), or `A`, `B`, `AB.PATH`
/// (Sobol').
fn block(s: &SensitivityRecord, point: usize) -> String {
    let k = s.factors.len();
    match s.settings.method {
        Method::Morris => format!("trajectory {}", point / (k + 1) + 1),
        Method::Sobol => {
            let n = s.settings.base;
            match point / n {
                0 => "A".to_owned(),
                1 => "B".to_owned(),
                b => format!("AB.{}", s.factors[b - 2].path),
            }
        }
    }
}

/// The input that moved between Morris point `point` and the one before it, in the same
/// trajectory: the one coordinate of the unit cube that differs (none at a trajectory's start).
fn moved(s: &SensitivityRecord, point: usize) -> Option<usize> {
    let k = s.factors.len();
    if point.is_multiple_of(k + 1) {
        return None;
    }
    let (before, after) = (&s.design.points[point - 1], &s.design.points[point]);
    (0..k).find(|&i| before[i] != after[i])
}

/// `samples.csv`: one row per design point, in design order: `point`, `block` (Morris
/// trajectory, or the Sobol' matrix `A`, `B`, `AB.PATH`), for Morris `moved` (the input that
/// moved since the previous point of the trajectory; empty at its start), the value of every
/// input, its coordinate in the unit cube (`u.PATH`, from which the value was drawn through the
/// input's distribution), and the metric (its mean over the replicates). With the unit-cube
/// coordinates the design can be re-analysed elsewhere (docs/ANALYSIS.md shows SALib's calls).
pub fn samples_csv(s: &SensitivityRecord) -> Result<Vec<u8>> {
    let err = csv_error("samples.csv");
    let morris = s.settings.method == Method::Morris;
    let mut w = crate::output::safe_csv::CsvWriter::new();
    let mut header = vec!["point".to_owned(), "block".to_owned()];
    if morris {
        header.push("moved".to_owned());
    }
    header.extend(s.factors.iter().map(|f| f.path.clone()));
    header.extend(s.factors.iter().map(|f| format!("u.{}", f.path)));
    header.push(s.settings.metric.clone());
    w.write_record(&header).map_err(&err)?;
    for (p, (values, y)) in s.values.iter().zip(&s.y).enumerate() {
        let mut row = vec![p.to_string(), block(s, p)];
        if morris {
            row.push(moved(s, p).map_or_else(String::new, |i| s.factors[i].path.clone()));
        }
        row.extend(values.iter().map(|v| format!("{v}")));
        row.extend(s.design.points[p].iter().map(|u| format!("{u}")));
        row.push(num(*y));
        w.write_record(&row).map_err(&err)?;
    }
    w.into_inner().map_err(&err)
}

/// `summary.json`.
#[derive(Debug, Serialize)]
struct Summary<'a> {
    scenario: &'a str,
    metric: &'a str,
    method: Method,
    /// Morris trajectories or Sobol' base rows.
    base: usize,
    /// Morris grid levels.
    #[serde(skip_serializing_if = "Option::is_none")]
    levels: Option<usize>,
    replicates: u64,
    bootstrap: usize,
    master_seed: u64,
    days: f64,
    design_points: usize,
    model_runs: u64,
    censored_runs: u64,
    /// Mean of the metric over every design point.
    metric_mean: f64,
    /// Variance of the metric over every design point.
    metric_variance: f64,
    /// Sobol' only: the variance V that every index divides by, taken over the rows of the two
    /// base matrices A and B only (not over the mixed rows AB_i).
    #[serde(skip_serializing_if = "Option::is_none")]
    sobol_variance_ab: Option<f64>,
    /// Inputs from most to least important, with every index.
    inputs: Vec<InputSummary>,
}

#[derive(Debug, Serialize)]
struct InputSummary {
    rank: usize,
    input: String,
    distribution: crate::scenario::Distribution,
    indices: Vec<IndexRow>,
}

fn mean_variance(y: &[f64]) -> (f64, f64) {
    let n = y.len().max(1) as f64;
    let mean = y.iter().sum::<f64>() / n;
    (mean, y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n)
}

/// `summary.json`: the settings, the metric's mean and variance over the design (and, for
/// Sobol', the variance over A and B that the indices divide by), and the inputs from most to
/// least important with all their indices.
pub fn sensitivity_summary_json(s: &SensitivityRecord) -> Result<Vec<u8>> {
    let rows = index_rows(s);
    let (metric_mean, metric_variance) = mean_variance(&s.y);
    let inputs = ranking(s)
        .into_iter()
        .enumerate()
        .map(|(rank, (i, _))| InputSummary {
            rank: rank + 1,
            input: s.factors[i].path.clone(),
            distribution: s.factors[i].distribution.clone(),
            indices: rows
                .iter()
                .filter(|r| r.input == s.factors[i].path)
                .cloned()
                .collect(),
        })
        .collect();
    to_json(&Summary {
        scenario: &s.scenario_name,
        metric: &s.settings.metric,
        method: s.settings.method,
        base: s.settings.base,
        levels: (s.settings.method == Method::Morris).then_some(s.settings.levels),
        replicates: s.settings.replicates,
        bootstrap: s.settings.bootstrap,
        master_seed: s.settings.master_seed,
        days: s.days,
        design_points: s.design.points.len(),
        model_runs: s.design.points.len() as u64 * s.settings.replicates,
        censored_runs: s.censored,
        metric_mean,
        metric_variance,
        sobol_variance_ab: s.sobol.as_ref().map(|(_, variance)| *variance),
        inputs,
    })
}

/// A value with three significant figures.
fn sig(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    let magnitude = if x == 0.0 {
        0
    } else {
        x.abs().log10().floor() as i32
    };
    let decimals = (2 - magnitude).clamp(0, 6) as usize;
    format!("{x:.decimals$}")
}

/// The key findings in words: the settings, then the inputs from most to least important
/// (at most ten, then a count of the rest), and which inputs hardly matter.
pub fn sensitivity_text(s: &SensitivityRecord) -> String {
    let k = s.factors.len();
    let runs = s.design.points.len() as u64 * s.settings.replicates;
    let (mean, variance) = mean_variance(&s.y);
    let mut out = match s.settings.method {
        Method::Morris => format!(
            "{} — what moves {}: Morris screening of {k} inputs, {} trajectories on a {}-level grid, {runs} runs (seed {})\n",
            s.scenario_name,
            s.settings.metric,
            s.settings.base,
            s.settings.levels,
            s.settings.master_seed
        ),
        Method::Sobol => format!(
            "{} — what moves {}: Sobol' indices of {k} inputs, N = {} (Saltelli), {runs} runs (seed {})\n",
            s.scenario_name, s.settings.metric, s.settings.base, s.settings.master_seed
        ),
    };
    out.push_str(&format!(
        "{} over the design: mean {}, standard deviation {}",
        s.settings.metric,
        sig(mean),
        sig(variance.sqrt())
    ));
    if s.censored > 0 {
        out.push_str(&format!(
            "; {} of {runs} runs censored at the day limit ({}: the place did not fall)",
            s.censored, s.days
        ));
    }
    out.push_str("\n\n");
    if variance == 0.0 {
        out.push_str("The metric took the same value at every point: no input moves it here.\n");
        return out;
    }
    let order = ranking(s);
    let top = order.first().map_or(0.0, |o| o.1);
    for (rank, (i, _)) in order.iter().take(10).enumerate() {
        let path = &s.factors[*i].path;
        let line = match (&s.morris, &s.sobol) {
            (Some(m), _) => {
                let m = m[*i];
                format!(
                    "μ* {} (90% CI {}–{}), μ {}, σ {}",
                    sig(m.mu_star),
                    sig(m.mu_star_ci[0]),
                    sig(m.mu_star_ci[1]),
                    sig(m.mu),
                    sig(m.sigma)
                )
            }
            (_, Some((x, _))) => {
                let x = x[*i];
                format!(
                    "ST {} (90% CI {}–{}), S1 {} (90% CI {}–{})",
                    sig(x.st),
                    sig(x.st_ci[0]),
                    sig(x.st_ci[1]),
                    sig(x.s1),
                    sig(x.s1_ci[0]),
                    sig(x.s1_ci[1])
                )
            }
            _ => String::new(),
        };
        out.push_str(&format!("  {:>2}. {path:<42} {line}\n", rank + 1));
    }
    if order.len() > 10 {
        out.push_str(&format!("  … and {} more inputs\n", order.len() - 10));
    }
    let minor: Vec<&str> = order
        .iter()
        .filter(|(_, v)| v.is_finite() && *v < 0.05 * top)
        .map(|(i, _)| s.factors[*i].path.as_str())
        .collect();
    out.push('\n');
    match s.settings.method {
        Method::Morris => out.push_str(&format!(
            "μ* is the mean absolute change in {} when one input moves over its whole range \
             (σ large beside μ*: non-linear or interacting).\n",
            s.settings.metric
        )),
        Method::Sobol => {
            if let Some((x, _)) = &s.sobol {
                let sum: f64 = x.iter().map(|x| x.s1).filter(|v| v.is_finite()).sum();
                out.push_str(&format!(
                    "The first-order indices add up to {}: about {}% of the variance comes from \
                     interactions between inputs.\n",
                    sig(sum),
                    (100.0 * (1.0 - sum)).max(0.0).round()
                ));
            }
        }
    }
    if !minor.is_empty() {
        out.push_str(&format!(
            "{} of {k} inputs hardly matter (below 5% of the top input's index): {}\n",
            minor.len(),
            minor.join(", ")
        ));
    }
    out
}
