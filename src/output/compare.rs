//! Outputs of a comparison: several scenarios run with common random numbers (run `k` of each
//! uses the same seed), and the paired differences of their outcomes against the first.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::run::ensemble::{EnsembleRecord, RunDigest};
use crate::run::metrics::Metric;
use crate::run::stats::{Probability, probability};

/// The longest default comparison folder name, bytes (file systems stop at 255, and the folder
/// needs room for its staging and lock names).
const MAX_FOLDER_NAME: usize = 120;

/// A label for each compared scenario file: its file stem, lengthened with its parent folders
/// where two files share a stem (`a/x`, `b/x`), and numbered where the same file is compared
/// with itself (`x`, `x (2)`). Labels are unique.
pub fn unique_labels(paths: &[std::path::PathBuf]) -> Vec<String> {
    let parts: Vec<Vec<String>> = paths
        .iter()
        .map(|p| {
            let mut parts: Vec<String> = p
                .parent()
                .into_iter()
                .flat_map(|d| d.components())
                .filter_map(|c| match c {
                    std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect();
            let stem = p
                .file_stem()
                .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
            parts.push(stem);
            parts
        })
        .collect();
    let label =
        |parts: &[String], depth: usize| parts[parts.len().saturating_sub(depth)..].join("/");
    let mut depths = vec![1; paths.len()];
    loop {
        let labels: Vec<String> = parts
            .iter()
            .zip(&depths)
            .map(|(p, &d)| label(p, d))
            .collect();
        let mut grew = false;
        for i in 0..labels.len() {
            let clash = labels
                .iter()
                .enumerate()
                .any(|(j, l)| j != i && *l == labels[i]);
            if clash && depths[i] < parts[i].len() {
                depths[i] += 1;
                grew = true;
            }
        }
        if !grew {
            return numbered(labels);
        }
    }
}

/// `labels` with repeats numbered: `x`, `x (2)`, `x (3)`.
fn numbered(labels: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(labels.len());
    for label in labels {
        let mut candidate = label.clone();
        let mut n = 1;
        while out.contains(&candidate) {
            n += 1;
            candidate = format!("{label} ({n})");
        }
        out.push(candidate);
    }
    out
}

/// A label as a file-name part: letters, digits, `_` and `-` kept, anything else `_`.
fn file_safe(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The file of each scenario's runs in a comparison folder, `runs_<label>.csv`, unique even
/// where two labels differ only in characters a file name cannot hold.
pub fn runs_file_names(labels: &[String]) -> Vec<String> {
    numbered(labels.iter().map(|l| file_safe(l)).collect())
        .into_iter()
        .map(|l| format!("runs_{}.csv", file_safe(&l)))
        .collect()
}

/// The default comparison folder name, `compare-<label>-<label>…` (with `-set-<hash>` when
/// there are `--set` overrides), shortened up front with a hash of the whole when too long.
pub fn folder_name(labels: &[String], overrides: &[crate::scenario::Override]) -> String {
    let mut name = format!(
        "compare-{}",
        labels
            .iter()
            .map(|l| file_safe(l))
            .collect::<Vec<_>>()
            .join("-")
    );
    let set: Vec<String> = overrides.iter().map(ToString::to_string).collect();
    if !set.is_empty() {
        let hash = crate::output::summary::sha256_hex(set.join("\n").as_bytes());
        name.push_str(&format!("-set-{}", &hash[..8]));
    }
    if name.len() > MAX_FOLDER_NAME {
        let hash = crate::output::summary::sha256_hex(name.as_bytes());
        let mut cut = MAX_FOLDER_NAME - 10;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name = format!("{}-{}", &name[..cut], &hash[..8]);
    }
    name
}

/// The paired difference of one outcome between a scenario and the baseline.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Difference {
    /// What is compared, e.g. `fall_day.goma`, `fall_day_if.goma`, `p_fall.goma`,
    /// `peacekeepers_killed`.
    pub metric: String,
    /// The scenario compared with the baseline (its label).
    pub scenario: String,
    /// Pairs used (runs where the metric exists in both).
    pub pairs: usize,
    /// Baseline mean over those pairs.
    pub baseline: f64,
    /// Scenario mean over those pairs.
    pub value: f64,
    /// Mean paired difference, scenario − baseline.
    pub difference: f64,
    /// 90% confidence interval of the mean difference (Student's t with n − 1 degrees of
    /// freedom on the paired differences).
    pub ci: [f64; 2],
}

/// Paired difference of `f` between two ensembles' runs, over runs where both have a value.
fn paired(
    metric: &str,
    label: &str,
    base: &EnsembleRecord,
    other: &EnsembleRecord,
    f: impl Fn(&RunDigest) -> Option<f64>,
) -> Option<Difference> {
    let pairs: Vec<(f64, f64)> = base
        .runs
        .iter()
        .zip(&other.runs)
        .filter_map(|(a, b)| Some((f(a)?, f(b)?)))
        .collect();
    let n = pairs.len();
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let diffs: Vec<f64> = pairs.iter().map(|(a, b)| b - a).collect();
    let mean = diffs.iter().sum::<f64>() / nf;
    let [lo, hi] = crate::run::stats::mean_interval(&diffs).unwrap_or([mean, mean]);
    // A difference of probabilities lies in [-1, 1].
    let (lo, hi) = if metric.starts_with("p_") {
        (lo.max(-1.0), hi.min(1.0))
    } else {
        (lo, hi)
    };
    Some(Difference {
        metric: metric.to_owned(),
        scenario: label.to_owned(),
        pairs: n,
        baseline: pairs.iter().map(|p| p.0).sum::<f64>() / nf,
        value: pairs.iter().map(|p| p.1).sum::<f64>() / nf,
        difference: mean,
        ci: [lo, hi],
    })
}

/// Every paired difference of `other` against `base`, for every metric that has a value in
/// some run (places only if they changed hands in either).
pub fn differences(label: &str, base: &EnsembleRecord, other: &EnsembleRecord) -> Vec<Difference> {
    let t = &base.theatre;
    Metric::all(t)
        .into_iter()
        .filter(|m| match *m {
            Metric::PFall(p) | Metric::FallDay(p) | Metric::FallDayIf(p) => {
                [base, other].iter().any(|e| {
                    e.runs
                        .iter()
                        .any(|r| r.first_capture_day.get(p).copied().flatten().is_some())
                })
            }
            _ => true,
        })
        .filter_map(|m| paired(&m.name(t), label, base, other, |r| m.value(r, base.days)))
        .collect()
}

/// `comparison.csv`: every paired difference of every scenario against the first.
pub fn comparison_csv(labels: &[String], ensembles: &[EnsembleRecord]) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::Internal(format!("writing comparison.csv: {e}"));
    let mut w = crate::output::safe_csv::CsvWriter::new();
    w.write_record([
        "metric",
        "scenario",
        "baseline",
        "pairs",
        "baseline_mean",
        "scenario_mean",
        "difference",
        "ci_low",
        "ci_high",
    ])
    .map_err(err)?;
    for (label, e) in labels.iter().zip(ensembles).skip(1) {
        for d in differences(label, &ensembles[0], e) {
            w.write_record([
                d.metric,
                d.scenario,
                labels[0].clone(),
                d.pairs.to_string(),
                format!("{:.4}", d.baseline),
                format!("{:.4}", d.value),
                format!("{:.4}", d.difference),
                format!("{:.4}", d.ci[0]),
                format!("{:.4}", d.ci[1]),
            ])
            .map_err(err)?;
        }
    }
    w.into_inner()
        .map_err(|e| Error::Internal(format!("writing comparison.csv: {e}")))
}

/// One scenario of a comparison, in `summary.json`.
#[derive(Debug, Serialize)]
pub struct ComparedScenario {
    /// Label (the file name without extension).
    pub label: String,
    /// Scenario title.
    pub name: String,
    /// Probability each place changed hands, for places that did in some scenario.
    pub changed_hands: Vec<(String, Probability)>,
}

/// `summary.json` of a comparison.
#[derive(Debug, Serialize)]
pub struct ComparisonSummary {
    /// Runs per scenario.
    pub runs: usize,
    /// Master seed (common random numbers: run k of each scenario has the same seed).
    pub master_seed: u64,
    /// The baseline (first) scenario's label.
    pub baseline: String,
    /// Each scenario.
    pub scenarios: Vec<ComparedScenario>,
    /// Paired differences against the baseline.
    pub differences: Vec<Difference>,
}

/// Build the comparison summary.
pub fn comparison_summary(labels: &[String], ensembles: &[EnsembleRecord]) -> ComparisonSummary {
    let n = ensembles.first().map_or(0, |e| e.runs.len());
    let scenarios = labels
        .iter()
        .zip(ensembles)
        .map(|(label, e)| ComparedScenario {
            label: label.clone(),
            name: e.scenario_name.clone(),
            changed_hands: e
                .theatre
                .places
                .iter()
                .enumerate()
                .filter(|(p, _)| {
                    ensembles
                        .iter()
                        .any(|x| x.runs.iter().any(|r| r.first_capture_day[*p].is_some()))
                })
                .map(|(p, place)| {
                    let k = e
                        .runs
                        .iter()
                        .filter(|r| r.first_capture_day[p].is_some())
                        .count();
                    (place.id.clone(), probability(k, e.runs.len()))
                })
                .collect(),
        })
        .collect();
    ComparisonSummary {
        runs: n,
        master_seed: ensembles.first().map_or(0, |e| e.master_seed),
        baseline: labels.first().cloned().unwrap_or_default(),
        scenarios,
        differences: labels
            .iter()
            .zip(ensembles)
            .skip(1)
            .flat_map(|(label, e)| differences(label, &ensembles[0], e))
            .collect(),
    }
}

/// `summary.json` of a comparison, pretty-printed.
pub fn comparison_summary_json(labels: &[String], ensembles: &[EnsembleRecord]) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(&comparison_summary(labels, ensembles))
        .map_err(|e| Error::Internal(format!("writing JSON: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The text `strife compare` prints: for each scenario, how it differs from the baseline on
/// the falls of the key places and the totals.
pub fn comparison_text(labels: &[String], ensembles: &[EnsembleRecord]) -> String {
    let Some(base) = ensembles.first() else {
        return String::new();
    };
    let mut out = format!(
        "Compared with {} ({}), {} runs each, common random numbers (master seed {}):\n",
        base.scenario_name,
        labels[0],
        base.runs.len(),
        base.master_seed
    );
    let t = &base.theatre;
    for (label, e) in labels.iter().zip(ensembles).skip(1) {
        out.push_str(&format!("\n{} ({label}):\n", e.scenario_name));
        for d in differences(label, base, e) {
            let words = if let Some(id) = d.metric.strip_prefix("p_fall.") {
                let name = t
                    .places
                    .iter()
                    .find(|p| p.id == id)
                    .map_or(id, |p| p.name.as_str());
                if d.difference.abs() < 1e-12 {
                    continue;
                }
                // Enough decimals that the two shares as printed differ by the difference as
                // printed ("6% instead of 8% (-1 points)" would not).
                let (v, b, diff) = (100.0 * d.value, 100.0 * d.baseline, 100.0 * d.difference);
                let consistent = |p: usize| {
                    let round = |x: f64| (x * 10f64.powi(p as i32)).round();
                    round(v) - round(b) == round(diff)
                };
                let p = if consistent(0) { 0 } else { 1 };
                format!(
                    "  {name} changes hands in {v:.p$}% of runs instead of {b:.p$}% ({diff:+.p$} percentage points, 90% CI {:+.p$} to {:+.p$})",
                    100.0 * d.ci[0],
                    100.0 * d.ci[1]
                )
            } else if let Some(id) = d.metric.strip_prefix("fall_day_if.") {
                let name = t
                    .places
                    .iter()
                    .find(|p| p.id == id)
                    .map_or(id, |p| p.name.as_str());
                let place = t.places.iter().find(|p| p.id == id);
                let important =
                    place.is_some_and(|p| p.key || p.kind == crate::scenario::PlaceKind::City);
                if !important || d.difference.abs() < 0.05 {
                    continue;
                }
                // The interval in the verb's direction, so that its numbers read as the
                // estimate does; an interval across zero says so and keeps its signs.
                let [lo, hi] = d.ci;
                if d.pairs < 2 {
                    // One pair has no spread: no interval, and no claim of a clear change.
                    format!(
                        "  moves {name}'s fall by {:+.1} days in the one paired run where it fell in both (too few for an interval)",
                        d.difference
                    )
                } else if lo > 0.0 || hi < 0.0 {
                    let (verb, a, b) = if d.difference > 0.0 {
                        ("delays", lo, hi)
                    } else {
                        ("hastens", -hi, -lo)
                    };
                    format!(
                        "  {verb} {name}'s fall by {:.1} days (90% CI {a:.1} to {b:.1}; {} paired runs where it fell in both)",
                        d.difference.abs(),
                        d.pairs
                    )
                } else {
                    format!(
                        "  moves {name}'s fall by {:+.1} days, no clear change (90% CI {lo:+.1} to {hi:+.1}; {} paired runs where it fell in both)",
                        d.difference, d.pairs
                    )
                }
            } else if ["peacekeepers_killed", "newly_displaced", "civilian_deaths"]
                .contains(&d.metric.as_str())
            {
                let n = |x: f64| crate::output::thousands(x.round() as i64);
                let signed = |x: f64| {
                    let sign = if x.round() > 0.0 { "+" } else { "" };
                    format!("{sign}{}", n(x))
                };
                format!(
                    "  {}: {} instead of {} ({}, 90% CI {} to {})",
                    d.metric.replace('_', " "),
                    n(d.value),
                    n(d.baseline),
                    signed(d.difference),
                    signed(d.ci[0]),
                    signed(d.ci[1])
                )
            } else {
                continue;
            };
            out.push_str(&words);
            out.push('\n');
        }
    }
    out
}
