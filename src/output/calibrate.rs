//! Outputs of a calibration: `observations.csv` (each observation, fitted or held out, against
//! the posterior predictive ensemble), `posterior.csv` (every generation's particles),
//! `summary.json`, `calibrated.ron` (a what-if drawing the inputs jointly from the posterior)
//! and the text `strife calibrate` prints ([`calibrate_text`]).

use serde::Serialize;

use super::hindcast::num;
use super::summary::to_json;
use crate::analysis::abc::{Generation, Particle};
use crate::error::{Error, Result};
use crate::run::calibrate::{CalibrationRecord, Input, KINDS, posterior_quantiles};
use crate::run::hindcast::{Overall, Scored};

/// `observations.csv`: one row per observation, in file order: whether it was fitted or held
/// out, what it is, the observed value (a day since the start, noon of the observed day, or a
/// count), the posterior predictive median and 5/95% quantiles, the share of runs where the
/// event happened, CRPS, PIT and whether it falls inside the central 50% and 90% intervals.
pub fn observations_csv(c: &CalibrationRecord) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::Internal(format!("writing observations.csv: {e}"));
    let mut w = crate::output::safe_csv::CsvWriter::new();
    w.write_record([
        "line",
        "role",
        "kind",
        "label",
        "date",
        "unit",
        "observed",
        "median",
        "q05",
        "q95",
        "p_happened",
        "crps",
        "pit",
        "inside_50",
        "inside_90",
    ])
    .map_err(err)?;
    for (s, fitted) in c.scored.iter().zip(&c.fitted) {
        w.write_record([
            s.line.to_string(),
            if *fitted { "fitted" } else { "held_out" }.to_owned(),
            s.kind.clone(),
            s.label.clone(),
            s.when(),
            s.unit.clone(),
            num(s.observed),
            num(s.median),
            num(s.score.interval_90[0]),
            num(s.score.interval_90[1]),
            num(s.p_happened),
            num(s.score.crps),
            num(s.score.pit),
            s.score.inside_50.to_string(),
            s.score.inside_90.to_string(),
        ])
        .map_err(err)?;
    }
    w.into_inner().map_err(err)
}

/// `posterior.csv`: every particle of every generation (generation 0 is the prior), with its
/// normalised weight, its distance and its value of each input (a column per input path).
pub fn posterior_csv(c: &CalibrationRecord) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::Internal(format!("writing posterior.csv: {e}"));
    let mut w = crate::output::safe_csv::CsvWriter::new();
    let mut header = vec![
        "generation".to_owned(),
        "particle".to_owned(),
        "weight".to_owned(),
        "distance".to_owned(),
    ];
    header.extend(c.inputs.iter().map(|i| i.path.clone()));
    w.write_record(&header).map_err(err)?;
    for g in &c.fit.generations {
        for (k, p) in g.particles.iter().enumerate() {
            let mut row = vec![
                g.index.to_string(),
                k.to_string(),
                format!("{}", p.weight),
                format!("{}", p.distance),
            ];
            row.extend(p.theta.iter().map(|x| format!("{x}")));
            w.write_record(&row).map_err(err)?;
        }
    }
    w.into_inner().map_err(err)
}

/// An input's prior and posterior in `summary.json`.
#[derive(Serialize)]
struct InputSummary<'a> {
    path: &'a str,
    prior: &'a crate::scenario::Distribution,
    /// The prior's median and 90% interval.
    prior_median: f64,
    prior_90: [f64; 2],
    /// The posterior's weighted median and 90% interval.
    posterior_median: f64,
    posterior_90: [f64; 2],
    /// The posterior's weighted mean and standard deviation.
    posterior_mean: f64,
    posterior_sd: f64,
}

/// The scores in and out of sample.
#[derive(Serialize)]
struct Scores<'a> {
    fitted: &'a [Overall],
    held_out: &'a [Overall],
}

#[derive(Serialize)]
struct Summary<'a> {
    scenario: &'a str,
    observed_file: &'a str,
    method: &'static str,
    until: String,
    master_seed: u64,
    particles: usize,
    runs_per_particle: u64,
    predictive_runs: u64,
    tolerance_quantile: f64,
    kind_weights: Vec<(&'static str, f64)>,
    distance: &'static str,
    fit_days: f64,
    days: f64,
    model_runs: u64,
    stopped: &'a str,
    inputs: Vec<InputSummary<'a>>,
    generations: &'a [Generation],
    scales: Vec<(String, f64)>,
    scores: Scores<'a>,
    observations: Vec<ObservationSummary<'a>>,
    /// The `--metric` forecasts: each metric on the prior and the posterior predictive runs.
    metrics: Vec<MetricSummary<'a>>,
}

/// A metric's forecast in `summary.json`.
#[derive(Serialize)]
struct MetricSummary<'a> {
    metric: &'a str,
    prior: Spread,
    posterior: Spread,
}

/// A metric's values over an ensemble's runs: with a value, their share that is above 0 (a
/// probability for a 0/1 metric), mean, median and 5–95% quantiles of those with one.
#[derive(Serialize, Debug, Clone, Copy)]
pub struct Spread {
    /// Runs.
    pub runs: usize,
    /// Runs in which the metric has a value.
    pub runs_with_value: usize,
    /// Share of runs with a value above 0 (for a 0/1 metric, its probability).
    pub p_above_0: f64,
    /// Mean of the values (NaN without any).
    pub mean: f64,
    /// Median of the values.
    pub median: f64,
    /// 5% quantile.
    pub q05: f64,
    /// 95% quantile.
    pub q95: f64,
}

/// The spread of `values` (one per run).
pub fn spread(values: &[Option<f64>]) -> Spread {
    let mut sorted: Vec<f64> = values.iter().flatten().copied().collect();
    sorted.sort_by(f64::total_cmp);
    let q = |p: f64| crate::run::stats::quantile_sorted(&sorted, p).unwrap_or(f64::NAN);
    let n = sorted.len();
    Spread {
        runs: values.len(),
        runs_with_value: n,
        p_above_0: sorted.iter().filter(|v| **v > 0.0).count() as f64 / values.len().max(1) as f64,
        mean: if n == 0 {
            f64::NAN
        } else {
            sorted.iter().sum::<f64>() / n as f64
        },
        median: q(0.5),
        q05: q(0.05),
        q95: q(0.95),
    }
}

/// `forecasts.csv` (with `--metric`): every run's value of each metric in the prior and the
/// posterior predictive ensembles (`run` k of both has the same seed; empty: no value).
pub fn forecasts_csv(c: &CalibrationRecord) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::Internal(format!("writing forecasts.csv: {e}"));
    let mut w = crate::output::safe_csv::CsvWriter::new();
    w.write_record(["metric", "ensemble", "run", "value"])
        .map_err(err)?;
    for f in &c.metrics {
        for (ensemble, values) in [("prior", &f.prior), ("posterior", &f.posterior)] {
            for (run, v) in values.iter().enumerate() {
                w.write_record([
                    f.metric.name().to_owned(),
                    ensemble.to_owned(),
                    run.to_string(),
                    v.map(num).unwrap_or_default(),
                ])
                .map_err(err)?;
            }
        }
    }
    w.into_inner().map_err(err)
}

#[derive(Serialize)]
struct ObservationSummary<'a> {
    role: &'static str,
    #[serde(flatten)]
    scored: &'a Scored,
}

/// Weighted mean and standard deviation of input `i`.
fn moments(particles: &[Particle], i: usize) -> (f64, f64) {
    let mean: f64 = particles.iter().map(|p| p.weight * p.theta[i]).sum();
    let var: f64 = particles
        .iter()
        .map(|p| p.weight * (p.theta[i] - mean).powi(2))
        .sum();
    (mean, var.sqrt())
}

/// `summary.json`: the settings, each input's prior and posterior (median, 90% interval, mean,
/// sd), each generation's tolerance, proposals, acceptance and ESS, the scale of each fitted
/// observation, and the scores of the fitted and the held-out observations.
pub fn calibrate_summary_json(c: &CalibrationRecord) -> Result<Vec<u8>> {
    let post = c.fit.posterior();
    let inputs = c
        .inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let q = posterior_quantiles(post, i, &[0.5, 0.05, 0.95]);
            let (mean, sd) = moments(&post.particles, i);
            InputSummary {
                path: &input.path,
                prior: &input.prior,
                prior_median: input.prior.quantile(0.5),
                prior_90: [input.prior.quantile(0.05), input.prior.quantile(0.95)],
                posterior_median: q[0],
                posterior_90: [q[1], q[2]],
                posterior_mean: mean,
                posterior_sd: sd,
            }
        })
        .collect();
    let fitted_labels = c
        .scored
        .iter()
        .zip(&c.fitted)
        .filter(|(_, f)| **f)
        .map(|(s, _)| s.label.clone());
    let s = &c.settings;
    to_json(&Summary {
        scenario: &c.scenario_name,
        observed_file: &c.observed_file,
        method: "ABC-SMC (Beaumont et al. 2009; Del Moral et al. 2012), adaptive quantile \
                 tolerances, truncated multivariate normal kernel with 2x the weighted covariance",
        until: s.until.to_string(),
        master_seed: s.abc.seed,
        particles: s.abc.particles,
        runs_per_particle: s.runs_per_particle,
        predictive_runs: s.predictive_runs,
        tolerance_quantile: s.abc.quantile,
        kind_weights: KINDS
            .iter()
            .zip(s.kind_weights)
            .map(|(k, w)| (k.word(), w))
            .collect(),
        distance: "sqrt(sum_kind w_kind * mean_obs e^2 / sum_kind w_kind), e = (model - observed) \
                   / scale; dates in days, counts as ln(1 + count), holders 1 or 0; scale = 1.4826 MAD of the \
                   prior predictive (at least 0.5 day or 0.1)",
        fit_days: c.fit_days,
        days: c.days,
        model_runs: c.model_runs(),
        stopped: &c.fit.stopped,
        inputs,
        generations: &c.fit.generations,
        scales: fitted_labels.zip(c.fit.scales.iter().copied()).collect(),
        scores: Scores {
            fitted: &c.overall_fitted,
            held_out: &c.overall_held_out,
        },
        observations: c
            .scored
            .iter()
            .zip(&c.fitted)
            .map(|(scored, f)| ObservationSummary {
                role: if *f { "fitted" } else { "held_out" },
                scored,
            })
            .collect(),
        metrics: c
            .metrics
            .iter()
            .map(|f| MetricSummary {
                metric: f.metric.name(),
                prior: spread(&f.prior),
                posterior: spread(&f.posterior),
            })
            .collect(),
    })
}

/// `calibrated.ron`: a what-if on `base` (the scenario file's path relative to the output
/// folder) that draws the fitted inputs jointly from the posterior: each input a `Joint`
/// column of group `posterior`, a row per particle with its weight.
pub fn calibrated_ron(c: &CalibrationRecord, base: &str, command: &str) -> Vec<u8> {
    let post = c.fit.posterior();
    let weights: Vec<String> = post
        .particles
        .iter()
        .map(|p| format!("{}", p.weight))
        .collect();
    let mut out = format!(
        "// The posterior of `strife calibrate`: the fitted inputs drawn jointly, a row per\n\
         // particle of generation {} with its weight (written by strife {}).\n\
         // Made by: {}\n\
         // `base` is relative to this file: move the file, and adjust it.\n\
         WhatIf(\n    name: {:?},\n    description: {:?},\n    base: {:?},\n    set: {{\n",
        post.index,
        env!("CARGO_PKG_VERSION"),
        command.replace('\n', " "),
        format!("{} — calibrated", c.scenario_name),
        format!(
            "{} with {} drawn jointly from the ABC-SMC posterior fitted to {} up to {}.",
            c.scenario_name,
            c.inputs
                .iter()
                .map(|i: &Input| i.path.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            c.observed_file,
            c.settings.until
        ),
        base,
    );
    for (i, input) in c.inputs.iter().enumerate() {
        let values: Vec<String> = post
            .particles
            .iter()
            .map(|p| format!("{}", p.theta[i]))
            .collect();
        let value = format!(
            "Joint(group: \"posterior\", values: [{}], weights: [{}])",
            values.join(", "),
            weights.join(", ")
        );
        // A raw string, so the value reads as the RON it is, without escaped quotes.
        out.push_str(&format!("        {:?}: r#\"{value}\"#,\n", input.path));
    }
    out.push_str("    },\n)\n");
    out.into_bytes()
}

/// The key findings in words: the fit by generation, each input's prior and posterior, and the
/// scores in and out of sample.
pub fn calibrate_text(c: &CalibrationRecord) -> String {
    let s = &c.settings;
    let fitted = c.fitted.iter().filter(|f| **f).count();
    let mut out = format!(
        "{} — calibrated on {} up to {}: {fitted} observations fitted, {} held out\n",
        c.scenario_name,
        c.observed_file,
        s.until,
        c.fitted.len() - fitted
    );
    out.push_str(&format!(
        "ABC-SMC: {} particles, {} run(s) each, seed {}; {} model runs in all ({}).\n",
        s.abc.particles,
        s.runs_per_particle,
        s.abc.seed,
        c.model_runs(),
        c.fit.stopped
    ));
    for g in &c.fit.generations {
        out.push_str(&format!(
            "Generation {}: tolerance {:.3}, {} of {} proposals accepted ({:.0}%), ESS {:.0}\n",
            g.index,
            g.tolerance,
            g.particles.len(),
            g.proposals,
            100.0 * g.acceptance,
            g.ess
        ));
    }
    let post = c.fit.posterior();
    for (i, input) in c.inputs.iter().enumerate() {
        let q = posterior_quantiles(post, i, &[0.5, 0.05, 0.95]);
        out.push_str(&format!(
            "{}: prior median {} (90% {} to {}), posterior median {} (90% {} to {})\n",
            input.path,
            short(input.prior.quantile(0.5)),
            short(input.prior.quantile(0.05)),
            short(input.prior.quantile(0.95)),
            short(q[0]),
            short(q[1]),
            short(q[2]),
        ));
    }
    for (what, overall) in [
        ("In sample (fitted)", &c.overall_fitted),
        ("Out of sample (held out)", &c.overall_held_out),
    ] {
        match overall.iter().find(|o| o.kind == "all") {
            Some(all) => out.push_str(&format!(
                "{what}: {} observations, {:.0}% inside the 90% interval, {:.0}% inside the 50%, \
                 mean PIT {:.2}\n",
                all.n,
                100.0 * all.coverage_90,
                100.0 * all.coverage_50,
                all.mean_pit
            )),
            None => out.push_str(&format!("{what}: none\n")),
        }
    }
    for f in &c.metrics {
        let (prior, posterior) = (spread(&f.prior), spread(&f.posterior));
        let words = |s: &Spread| {
            if f.metric.is_probability() {
                format!("{:.0}% of runs", 100.0 * s.p_above_0)
            } else if s.runs_with_value == 0 {
                "no value in any run".to_owned()
            } else {
                let shared = if s.runs_with_value < s.runs {
                    format!(" in the {} of {} runs with one", s.runs_with_value, s.runs)
                } else {
                    String::new()
                };
                format!(
                    "median {} (90% {} to {}){shared}",
                    short(s.median),
                    short(s.q05),
                    short(s.q95)
                )
            }
        };
        out.push_str(&format!(
            "Forecast of {}: prior {}, posterior {}\n",
            f.metric.name(),
            words(&prior),
            words(&posterior)
        ));
    }
    out
}

/// A number in a few significant digits.
fn short(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.4}")
    }
}
