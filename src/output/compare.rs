//! Outputs of a comparison: several scenarios run with common random numbers (run `k` of each
//! uses the same seed), and the paired differences of their outcomes against the first.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::run::ensemble::{EnsembleRecord, RunDigest};
use crate::run::metrics::Metric;
use crate::run::statistic::{Stat, happened};
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
    /// 90% confidence interval of the difference: Student's t with n − 1 degrees of freedom on
    /// the paired differences (mean and share), or a paired percentile bootstrap (quantiles);
    /// NaN where no interval can be had.
    pub ci: [f64; 2],
    /// The statistic compared (`--stat`): `mean` compares paired means, `p` the shares of runs
    /// where the outcome happens, `median`/`q10`/`q90` the two scenarios' quantiles.
    pub stat: Stat,
    /// Share of the runs behind the row: the pairs over all runs (below 1 for a conditional
    /// outcome such as `fall_day_if`).
    pub share: f64,
}

/// Resamples of the paired bootstrap of a quantile's difference.
const BOOTSTRAP_RESAMPLES: usize = 500;
/// Seed of the paired bootstrap (fixed, so a comparison's files are reproducible).
const BOOTSTRAP_SEED: u64 = 16;

/// The difference of the q-quantiles of `other` and `base` over the runs where each has a value,
/// with a 90% percentile interval from resampling the runs in pairs (run k of both scenarios
/// together, as they share their seed).
fn paired_quantile(
    metric: &str,
    label: &str,
    q: f64,
    stat: Stat,
    values: &[(Option<f64>, Option<f64>)],
) -> Option<Difference> {
    use rand::{RngExt, SeedableRng};
    // The type-7 quantile by selection (linear time), as `quantile_sorted` gives it.
    let quantile = |xs: &mut Vec<f64>| -> Option<f64> {
        if xs.is_empty() {
            return None;
        }
        let h = (xs.len() - 1) as f64 * q;
        let lo = h.floor() as usize;
        let (_, at, above) = xs.select_nth_unstable_by(lo, f64::total_cmp);
        let a = *at;
        let b = above.iter().copied().fold(f64::INFINITY, f64::min);
        Some(if b.is_finite() {
            a + (h - lo as f64) * (b - a)
        } else {
            a
        })
    };
    let of = |pick: &dyn Fn(usize) -> usize, side: usize| -> Option<f64> {
        let mut xs: Vec<f64> = (0..values.len())
            .filter_map(|i| {
                let (a, b) = values[pick(i)];
                if side == 0 { a } else { b }
            })
            .collect();
        quantile(&mut xs)
    };
    let same = |i: usize| i;
    let (baseline, value) = (of(&same, 0)?, of(&same, 1)?);
    let n = values.len();
    let pairs = values
        .iter()
        .filter(|(a, b)| a.is_some() && b.is_some())
        .count();
    let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(BOOTSTRAP_SEED);
    let mut diffs = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    for _ in 0..BOOTSTRAP_RESAMPLES {
        let picks: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
        let pick = |i: usize| picks[i];
        if let (Some(a), Some(b)) = (of(&pick, 0), of(&pick, 1)) {
            diffs.push(b - a);
        }
    }
    diffs.sort_by(f64::total_cmp);
    let ci = if diffs.len() >= BOOTSTRAP_RESAMPLES / 2 && n >= 2 {
        [
            crate::run::stats::quantile_sorted(&diffs, 0.05).unwrap_or(f64::NAN),
            crate::run::stats::quantile_sorted(&diffs, 0.95).unwrap_or(f64::NAN),
        ]
    } else {
        [f64::NAN; 2]
    };
    Some(Difference {
        metric: metric.to_owned(),
        scenario: label.to_owned(),
        pairs,
        baseline,
        value,
        difference: value - baseline,
        ci,
        stat,
        share: if n == 0 { 0.0 } else { pairs as f64 / n as f64 },
    })
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
    let total = base.runs.len().min(other.runs.len());
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
        stat: Stat::Mean,
        share: if total == 0 { 0.0 } else { nf / total as f64 },
    })
}

/// The paired difference of each metric a user gave (`--metric`; kept in the digests' `custom`
/// by [`crate::run::ensemble::run_digests_with`]), in the statistic `stat`: rows as those of
/// [`differences`], the metric named as written.
fn user_differences(
    label: &str,
    base: &EnsembleRecord,
    other: &EnsembleRecord,
    stat: Stat,
) -> Vec<Difference> {
    let days = base.days;
    base.metrics
        .iter()
        .enumerate()
        .filter_map(|(slot, m)| {
            let name = m.name();
            let value = |r: &RunDigest| m.value(r, slot, days);
            let clamp = |d: Difference| Difference {
                stat: Stat::P,
                ci: [d.ci[0].max(-1.0), d.ci[1].min(1.0)],
                ..d
            };
            match m.stat(stat) {
                Stat::Mean => paired(name, label, base, other, value),
                Stat::P if m.is_probability() => paired(name, label, base, other, value).map(clamp),
                Stat::P => paired(name, label, base, other, |r| {
                    Some(if m.happened(r, slot, days) { 1.0 } else { 0.0 })
                })
                .map(clamp),
                s => {
                    let values: Vec<(Option<f64>, Option<f64>)> = base
                        .runs
                        .iter()
                        .zip(&other.runs)
                        .map(|(a, b)| (value(a), value(b)))
                        .collect();
                    paired_quantile(name, label, s.level()?, s, &values)
                }
            }
        })
        .collect()
}

/// Every paired difference of `other` against `base` in the statistic `stat`, for every metric
/// that has a value in some run (places only if they changed hands in either), then the
/// metrics a user gave (`--metric`), if any.
pub fn differences(
    label: &str,
    base: &EnsembleRecord,
    other: &EnsembleRecord,
    stat: Stat,
) -> Vec<Difference> {
    let mut all = builtin_differences(label, base, other, stat);
    all.extend(user_differences(label, base, other, stat));
    all
}

/// [`differences`] of the built-in metrics.
fn builtin_differences(
    label: &str,
    base: &EnsembleRecord,
    other: &EnsembleRecord,
    stat: Stat,
) -> Vec<Difference> {
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
        .filter_map(|m| {
            let name = m.name(t);
            let days = base.days;
            match stat.for_metric(m) {
                Stat::Mean => paired(&name, label, base, other, |r| m.value(r, days)),
                Stat::P if m.is_probability() => {
                    paired(&name, label, base, other, |r| m.value(r, days))
                        .map(|d| Difference { stat: Stat::P, ..d })
                }
                Stat::P => paired(&name, label, base, other, |r| {
                    Some(if happened(m, r, days) { 1.0 } else { 0.0 })
                })
                .map(|d| Difference {
                    stat: Stat::P,
                    ci: [d.ci[0].max(-1.0), d.ci[1].min(1.0)],
                    ..d
                }),
                s => {
                    let values: Vec<(Option<f64>, Option<f64>)> = base
                        .runs
                        .iter()
                        .zip(&other.runs)
                        .map(|(a, b)| (m.value(a, days), m.value(b, days)))
                        .collect();
                    paired_quantile(&name, label, s.level()?, s, &values)
                }
            }
        })
        .collect()
}

/// `comparison.csv`: every paired difference of every scenario against the first.
pub fn comparison_csv(
    labels: &[String],
    ensembles: &[EnsembleRecord],
    stat: Stat,
) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::Internal(format!("writing comparison.csv: {e}"));
    let mut w = crate::output::safe_csv::CsvWriter::new();
    w.write_record([
        "metric",
        "scenario",
        "baseline",
        "pairs",
        "baseline_value",
        "scenario_value",
        "difference",
        "ci_low",
        "ci_high",
        "stat",
        "share_of_runs",
    ])
    .map_err(err)?;
    for (label, e) in labels.iter().zip(ensembles).skip(1) {
        for d in differences(label, &ensembles[0], e, stat) {
            let num = |x: f64| {
                if x.is_finite() {
                    format!("{x:.4}")
                } else {
                    String::new()
                }
            };
            w.write_record([
                d.metric,
                d.scenario,
                labels[0].clone(),
                d.pairs.to_string(),
                num(d.baseline),
                num(d.value),
                num(d.difference),
                num(d.ci[0]),
                num(d.ci[1]),
                d.stat.name().to_owned(),
                num(d.share),
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
    /// The statistic the differences compare (`--stat`).
    pub stat: Stat,
    /// Differences against the baseline.
    pub differences: Vec<Difference>,
}

/// Build the comparison summary.
pub fn comparison_summary(
    labels: &[String],
    ensembles: &[EnsembleRecord],
    stat: Stat,
) -> ComparisonSummary {
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
        stat,
        differences: labels
            .iter()
            .zip(ensembles)
            .skip(1)
            .flat_map(|(label, e)| differences(label, &ensembles[0], e, stat))
            .collect(),
    }
}

/// `summary.json` of a comparison, pretty-printed.
pub fn comparison_summary_json(
    labels: &[String],
    ensembles: &[EnsembleRecord],
    stat: Stat,
) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(&comparison_summary(labels, ensembles, stat))
        .map_err(|e| Error::Internal(format!("writing JSON: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// " (60% of runs)" for a row behind less than every run, else "".
fn share_note(share: f64) -> String {
    if share < 1.0 - 1e-12 {
        format!(", {:.0}% of runs", 100.0 * share)
    } else {
        String::new()
    }
}

/// The text `strife compare` prints: for each scenario, how it differs from the baseline on
/// the falls of the key places and the totals, in the statistic `stat`.
pub fn comparison_text(labels: &[String], ensembles: &[EnsembleRecord], stat: Stat) -> String {
    let Some(base) = ensembles.first() else {
        return String::new();
    };
    let what = match stat {
        Stat::Mean => "means of the paired differences".to_owned(),
        Stat::P => "shares of runs where each outcome happens".to_owned(),
        s => format!("{}s over the runs with a value", s.words()),
    };
    let mut out = format!(
        "Compared with {} ({}), {} runs each, common random numbers (master seed {}); {what}:\n",
        base.scenario_name,
        labels[0],
        base.runs.len(),
        base.master_seed
    );
    let t = &base.theatre;
    let place_name = |id: &str| -> String {
        t.places
            .iter()
            .find(|p| p.id == id)
            .map_or(id, |p| p.name.as_str())
            .to_owned()
    };
    for (label, e) in labels.iter().zip(ensembles).skip(1) {
        out.push_str(&format!("\n{} ({label}):\n", e.scenario_name));
        for d in differences(label, base, e, stat) {
            let words = if let Some(id) = d.metric.strip_prefix("p_fall.") {
                let name = place_name(id);
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
                let name = place_name(id);
                let place = t.places.iter().find(|p| p.id == id);
                let important =
                    place.is_some_and(|p| p.key || p.kind == crate::scenario::PlaceKind::City);
                // A share of runs where the place fell is the p_fall line's.
                if !important || d.difference.abs() < 0.05 || d.stat == Stat::P {
                    continue;
                }
                let share = share_note(d.share);
                if d.stat != Stat::Mean {
                    let [lo, hi] = d.ci;
                    let ci = if lo.is_finite() && hi.is_finite() {
                        format!("90% CI {lo:+.1} to {hi:+.1}")
                    } else {
                        "too few runs for an interval".to_owned()
                    };
                    format!(
                        "  {} day of {name}'s fall: {:.1} instead of {:.1} ({:+.1} days, {ci}; runs where it fell{share})",
                        d.stat.words(),
                        d.value,
                        d.baseline,
                        d.difference
                    )
                } else {
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
                            "  {verb} {name}'s fall by {:.1} days (90% CI {a:.1} to {b:.1}; {} paired runs where it fell in both{share})",
                            d.difference.abs(),
                            d.pairs
                        )
                    } else {
                        format!(
                            "  moves {name}'s fall by {:+.1} days, no clear change (90% CI {lo:+.1} to {hi:+.1}; {} paired runs where it fell in both{share})",
                            d.difference, d.pairs
                        )
                    }
                }
            } else if ["peacekeepers_killed", "newly_displaced", "civilian_deaths"]
                .contains(&d.metric.as_str())
            {
                let label = d.metric.replace('_', " ");
                if d.stat == Stat::P {
                    let pct = |x: f64| format!("{:.0}%", 100.0 * x);
                    let pts = |x: f64| format!("{:+.0}", 100.0 * x);
                    format!(
                        "  runs with any {label}: {} instead of {} ({} percentage points, 90% CI {} to {})",
                        pct(d.value),
                        pct(d.baseline),
                        pts(d.difference),
                        pts(d.ci[0]),
                        pts(d.ci[1])
                    )
                } else {
                    let n = |x: f64| {
                        if x.is_finite() {
                            crate::output::thousands(x.round() as i64)
                        } else {
                            "–".to_owned()
                        }
                    };
                    let signed = |x: f64| {
                        let sign = if x.round() > 0.0 { "+" } else { "" };
                        format!("{sign}{}", n(x))
                    };
                    let of = if d.stat == Stat::Mean {
                        String::new()
                    } else {
                        format!(" ({})", d.stat.words())
                    };
                    format!(
                        "  {label}{of}: {} instead of {} ({}, 90% CI {} to {})",
                        n(d.value),
                        n(d.baseline),
                        signed(d.difference),
                        signed(d.ci[0]),
                        signed(d.ci[1])
                    )
                }
            } else if base.metrics.iter().any(|m| m.name() == d.metric) {
                let [lo, hi] = d.ci;
                let ci = if lo.is_finite() && hi.is_finite() {
                    format!("90% CI {lo:+.4} to {hi:+.4}")
                } else {
                    "no interval".to_owned()
                };
                format!(
                    "  {} ({}): {:.4} instead of {:.4} ({:+.4}, {ci}{})",
                    d.metric,
                    d.stat.words(),
                    d.value,
                    d.baseline,
                    d.difference,
                    share_note(d.share)
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
