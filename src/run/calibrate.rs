//! Calibration: fit a scenario's uncertain inputs to observed history by ABC-SMC
//! ([`crate::analysis::abc`]), then forecast from the fit and score the forecast of the
//! observations held out after the cut-off.
//!
//! A particle is a value of each chosen input; every other uncertain input is drawn from its
//! own stream as in any run, so the fit integrates over them. A particle is simulated
//! `runs_per_particle` times (seeds from the proposal's seed, [`run_seed`]) up to the cut-off
//! only; its summary of an observation is the mean over those runs of the model's value (see
//! [`crate::run::hindcast`]), dates in days since the start and counts as `ln(1 + count)`.
//! Observations up to `until` are fitted; later ones are held out. The posterior predictive
//! ensemble runs the whole scenario at particles of the posterior drawn by weight, and every
//! observation, fitted or held out, is scored on it as `strife hindcast` scores.

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use super::ensemble::run_seed;
use super::hindcast::{Overall, Scored, model_value, observed_value, overall, score_observations};
use super::one::{RunOptions, run_one};
use crate::analysis::abc::{Fit, Generation, Problem, Settings, abc_smc, resample};
use crate::analysis::observed::{Kind, Observation, Target};
use crate::error::{Error, Result};
use crate::run::expr::MetricSpec;
use crate::scenario::uncertain::{derive_seed, fixed_scenario};
use crate::scenario::{Distribution, LoadedScenario, validate_values};

/// The kinds of observation, in the order of their weights.
pub const KINDS: [Kind; 5] = [
    Kind::Capture,
    Kind::Instrument,
    Kind::Count,
    Kind::Holder,
    Kind::Metric,
];

/// Smallest scale of a date's discrepancy, days: half a day, the resolution of an observed date.
pub const DATE_FLOOR_DAYS: f64 = 0.5;
/// Smallest scale of a count's discrepancy on the log scale: 0.1 (about 10%).
pub const COUNT_FLOOR_LOG: f64 = 0.1;
/// Smallest scale of a holder's discrepancy (the share of a particle's runs in which the place
/// was held): 0.25, so that one wrong holder counts as four standard units, not infinitely many.
pub const HOLDER_FLOOR: f64 = 0.25;

/// One input being fitted.
#[derive(Debug, Clone, Serialize)]
pub struct Input {
    /// Its path, as for `--set`.
    pub path: String,
    /// Its prior: the scenario's distribution (or `--vary`'s range).
    pub prior: Distribution,
}

/// What to run besides the ABC settings.
#[derive(Debug, Clone)]
pub struct CalibrateSettings {
    /// The ABC-SMC settings (its seed is the master seed).
    pub abc: Settings,
    /// Fit observations dated up to this day; hold out the rest.
    pub until: NaiveDate,
    /// Runs per particle (their values are averaged).
    pub runs_per_particle: u64,
    /// Runs of the posterior predictive ensemble.
    pub predictive_runs: u64,
    /// Weight of each kind in the distance, in the order of [`KINDS`].
    pub kind_weights: [f64; 5],
    /// Day limit of the predictive runs (default: the scenario's).
    pub days: Option<f64>,
    /// Metrics forecast on the prior and the posterior predictive ensembles (`--metric`).
    pub metrics: Vec<MetricSpec>,
}

/// A metric (`--metric`) forecast before and after the fit: its value in each run of the
/// prior predictive ensemble (inputs drawn from the prior) and of the posterior predictive
/// ensemble, on the same seeds (`None`: no value in that run).
#[derive(Debug, Clone)]
pub struct MetricForecast {
    /// The metric.
    pub metric: MetricSpec,
    /// Its value in each prior predictive run.
    pub prior: Vec<Option<f64>>,
    /// Its value in each posterior predictive run.
    pub posterior: Vec<Option<f64>>,
}

/// A finished calibration.
#[derive(Debug, Clone)]
pub struct CalibrationRecord {
    /// Scenario title.
    pub scenario_name: String,
    /// Calendar date of day 0.
    pub start_date: NaiveDate,
    /// The observed file as given.
    pub observed_file: String,
    /// The settings.
    pub settings: CalibrateSettings,
    /// Day limit of the fit's runs (the day after the cut-off, at most the scenario's).
    pub fit_days: f64,
    /// Day limit of the predictive runs.
    pub days: f64,
    /// The inputs fitted.
    pub inputs: Vec<Input>,
    /// Whether each observation (file order) was fitted (else held out).
    pub fitted: Vec<bool>,
    /// The ABC-SMC fit.
    pub fit: Fit,
    /// Model runs of the fit.
    pub fit_runs: u64,
    /// The posterior particle behind each predictive run.
    pub predictive_particles: Vec<usize>,
    /// Every observation scored on the posterior predictive ensemble, file order.
    pub scored: Vec<Scored>,
    /// Scores of the fitted observations, by kind and `all`.
    pub overall_fitted: Vec<Overall>,
    /// Scores of the held-out observations, by kind and `all` (empty if none held out).
    pub overall_held_out: Vec<Overall>,
    /// The metrics' forecasts, in `--metric` order (none without `--metric`).
    pub metrics: Vec<MetricForecast>,
    /// Runs of the prior predictive ensemble: `predictive_runs` with `--metric`, else 0.
    pub prior_predictive_runs: u64,
}

impl CalibrationRecord {
    /// Every model run the calibration made: the fit's and the predictive ensembles'.
    pub fn model_runs(&self) -> u64 {
        self.fit_runs + self.settings.predictive_runs + self.prior_predictive_runs
    }
}

/// The default cut-off: the date of the observation two thirds of the way through the dates
/// (sorted), so that about a third of the observations is held out.
pub fn default_until(observations: &[Observation]) -> Option<NaiveDate> {
    let mut dates: Vec<NaiveDate> = observations.iter().map(|o| o.date).collect();
    dates.sort();
    let k = (2 * dates.len()).div_ceil(3).max(1);
    dates.get(k - 1).copied()
}

/// The model's summary of a value: days, holders (1 or 0) and metrics as they are, counts as
/// `ln(1 + count)`.
fn transform(kind: Kind, value: f64) -> f64 {
    match kind {
        Kind::Count => value.max(0.0).ln_1p(),
        _ => value,
    }
}

/// Run the scenario once at `at` (the fitted inputs' values) with `seed`, for `days` days.
fn run_at(
    loaded: &LoadedScenario,
    at: &[(String, f64)],
    seed: u64,
    days: f64,
) -> Result<super::record::RunRecord> {
    let (scenario, draws) = fixed_scenario(&loaded.scenario, seed, at)?;
    validate_values(&scenario, &loaded.source, &loaded.file).map_err(|mut problems| {
        for p in &mut problems {
            let values: Vec<String> = at.iter().map(|(p, x)| format!("{p}={x}")).collect();
            p.message = format!("with {}: {}", values.join(", "), p.message);
        }
        Error::Invalid(problems)
    })?;
    let mut record = run_one(
        &scenario,
        RunOptions {
            seed,
            days: Some(days),
        },
    )?;
    record.inputs = draws;
    Ok(record)
}

/// A calibration set up: the fitted observations on the fit's scale, their kinds and floors,
/// the prior, and the runs' day limits. [`Prepared::problem`] is the ABC problem and
/// [`Prepared::simulate`] the model it fits.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Indices (file order) of the observations fitted.
    fit_index: Vec<usize>,
    /// Whether each observation (file order) is fitted.
    fitted: Vec<bool>,
    /// The fitted observations' values on the fit's scale.
    observed: Vec<f64>,
    /// The kind (index into [`KINDS`]) of each fitted observation.
    group: Vec<usize>,
    /// The smallest scale of each fitted observation.
    floors: Vec<f64>,
    /// The prior of each input.
    prior: Vec<Distribution>,
    /// The paths of the inputs.
    paths: Vec<String>,
    /// Day limit of the fit's runs.
    fit_days: f64,
    /// Day limit of the predictive runs.
    days: f64,
    /// Calendar date of day 0.
    start: NaiveDate,
}

/// Set up the calibration of `inputs` of `loaded` on `observations` (resolved to `targets`).
pub fn prepare(
    loaded: &LoadedScenario,
    inputs: &[Input],
    (observations, targets): (&[Observation], &[Target]),
    settings: &CalibrateSettings,
) -> Result<Prepared> {
    if settings.runs_per_particle == 0 || settings.predictive_runs == 0 {
        return Err(Error::Usage(
            "--runs-per-particle and --predictive-runs must be at least 1".into(),
        ));
    }
    let central = loaded.central()?;
    let start = central.start_date;
    let days = settings.days.unwrap_or(loaded.scenario.duration_days);
    let fitted: Vec<bool> = observations
        .iter()
        .map(|o| o.date <= settings.until)
        .collect();
    let fit_index: Vec<usize> = (0..observations.len()).filter(|&i| fitted[i]).collect();
    if fit_index.is_empty() {
        return Err(Error::Usage(format!(
            "no observation is dated on or before --until {}: nothing to fit",
            settings.until
        )));
    }
    let until_day = (settings.until - start).num_days() as f64 + 1.0;
    let fit_days = until_day.clamp(1.0, days);
    let observed: Vec<f64> = fit_index
        .iter()
        .map(|&i| {
            let o = &observations[i];
            transform(o.kind, observed_value(o, start))
        })
        .collect();
    let kind_of = |i: usize| {
        KINDS
            .iter()
            .position(|k| *k == observations[i].kind)
            .unwrap_or(0)
    };
    let group: Vec<usize> = fit_index.iter().map(|&i| kind_of(i)).collect();
    let floors: Vec<f64> = fit_index
        .iter()
        .map(|&i| match (observations[i].kind, targets.get(i)) {
            (_, Some(Target::Metric { scale, .. })) => *scale,
            (Kind::Count, _) => COUNT_FLOOR_LOG,
            (Kind::Holder, _) => HOLDER_FLOOR,
            _ => DATE_FLOOR_DAYS,
        })
        .collect();
    Ok(Prepared {
        fit_index,
        fitted,
        observed,
        group,
        floors,
        prior: inputs.iter().map(|i| i.prior.clone()).collect(),
        paths: inputs.iter().map(|i| i.path.clone()).collect(),
        fit_days,
        days,
        start,
    })
}

impl Prepared {
    /// The ABC problem, with the kinds weighted by `kind_weights`.
    pub fn problem<'a>(&'a self, kind_weights: &'a [f64]) -> Problem<'a> {
        Problem {
            prior: &self.prior,
            observed: &self.observed,
            group: &self.group,
            group_weights: kind_weights,
            floors: &self.floors,
        }
    }

    /// The fitted inputs' values at `theta`, by path.
    fn at(&self, theta: &[f64]) -> Vec<(String, f64)> {
        self.paths
            .iter()
            .cloned()
            .zip(theta.iter().copied())
            .collect()
    }

    /// The model's summaries of the fitted observations at `theta` with `seed`: the mean over
    /// `runs_per_particle` runs up to the cut-off.
    pub fn simulate(
        &self,
        loaded: &LoadedScenario,
        observations: &[Observation],
        targets: &[Target],
        runs_per_particle: u64,
        theta: &[f64],
        seed: u64,
    ) -> Result<Vec<f64>> {
        let at = self.at(theta);
        let mut sums = vec![0.0; self.fit_index.len()];
        for r in 0..runs_per_particle {
            let record = run_at(loaded, &at, run_seed(seed, r), self.fit_days)?;
            for (s, &i) in sums.iter_mut().zip(&self.fit_index) {
                let value = model_value(&targets[i], &record, self.fit_days);
                *s += transform(observations[i].kind, value);
            }
        }
        Ok(sums
            .into_iter()
            .map(|s| s / runs_per_particle as f64)
            .collect())
    }
}

/// Calibrate `inputs` of `loaded` on `observations` (resolved to `targets`) on this machine.
/// Runs on rayon's current pool; `on_generation` after each generation, `on_simulation` after
/// each simulation of a proposal, `on_predictive` when the predictive ensemble starts.
#[allow(clippy::too_many_arguments)]
pub fn run_calibration(
    loaded: &LoadedScenario,
    inputs: Vec<Input>,
    observations: &[Observation],
    targets: &[Target],
    observed_file: &str,
    settings: CalibrateSettings,
    on_generation: impl Fn(&Generation),
    on_simulation: impl Fn() + Sync,
    on_predictive: impl Fn(u64),
) -> Result<CalibrationRecord> {
    let prepared = prepare(loaded, &inputs, (observations, targets), &settings)?;
    let problem = prepared.problem(&settings.kind_weights);
    let runs = settings.runs_per_particle;
    let simulate = |theta: &[f64], seed: u64| -> Result<Vec<f64>> {
        let summaries = prepared.simulate(loaded, observations, targets, runs, theta, seed);
        on_simulation();
        summaries
    };
    let fit = abc_smc(&problem, &settings.abc, simulate, on_generation)?;
    let run = Finished {
        loaded,
        inputs,
        observations,
        targets,
        observed_file,
        settings,
    };
    run.finish(&prepared, fit, on_predictive)
}

/// What a finished fit is scored against.
pub struct Finished<'a> {
    /// The scenario.
    pub loaded: &'a LoadedScenario,
    /// The inputs fitted.
    pub inputs: Vec<Input>,
    /// The observations, file order.
    pub observations: &'a [Observation],
    /// Their targets in the model.
    pub targets: &'a [Target],
    /// The observed file as given.
    pub observed_file: &'a str,
    /// The settings.
    pub settings: CalibrateSettings,
}

impl Finished<'_> {
    /// Run the posterior predictive ensemble of `fit` and score every observation on it.
    pub fn finish(
        self,
        prepared: &Prepared,
        fit: Fit,
        on_predictive: impl Fn(u64),
    ) -> Result<CalibrationRecord> {
        let Finished {
            loaded,
            inputs,
            observations,
            targets,
            observed_file,
            settings,
        } = self;
        let days = prepared.days;
        let fit_runs =
            fit.generations.iter().map(|g| g.simulations).sum::<u64>() * settings.runs_per_particle;
        // The posterior predictive ensemble: run m at a particle drawn by weight, seed run_seed.
        let master = settings.abc.seed;
        let predictive_master = derive_seed(master, 0xCA11_B2A7);
        let posterior = fit.posterior();
        let picks = resample(posterior, settings.predictive_runs, predictive_master);
        on_predictive(settings.predictive_runs);
        let metrics = &settings.metrics;
        // Run m at particle picks[m] of `generation`: the targets' values and the metrics'.
        let ensemble = |generation: &Generation, picks: &[usize]| {
            picks
                .par_iter()
                .enumerate()
                .map(|(m, &j)| {
                    let record = run_at(
                        loaded,
                        &prepared.at(&generation.particles[j].theta),
                        run_seed(predictive_master, m as u64),
                        days,
                    )?;
                    let values: Vec<f64> = targets
                        .iter()
                        .map(|t| model_value(t, &record, days))
                        .collect();
                    let forecast: Vec<Option<f64>> = metrics
                        .iter()
                        .map(|x| x.evaluate_days(&record, days))
                        .collect();
                    Ok((values, forecast))
                })
                .collect::<Result<Vec<_>>>()
        };
        let (per_run, forecast): (Vec<Vec<f64>>, Vec<Vec<Option<f64>>>) =
            ensemble(posterior, &picks)?.into_iter().unzip();
        // With metrics, the prior predictive ensemble on the same seeds, to show what the fit
        // changed: generation 0 is the prior's draws, with equal weights.
        let prior_forecast: Vec<Vec<Option<f64>>> = match fit.generations.first() {
            Some(prior) if !metrics.is_empty() => {
                let picks = resample(prior, settings.predictive_runs, predictive_master);
                ensemble(prior, &picks)?
                    .into_iter()
                    .map(|(_, f)| f)
                    .collect()
            }
            _ => Vec::new(),
        };
        let prior_predictive_runs = prior_forecast.len() as u64;
        let column = |runs: &[Vec<Option<f64>>], k: usize| -> Vec<Option<f64>> {
            runs.iter().map(|r| r.get(k).copied().flatten()).collect()
        };
        let metric_forecasts: Vec<MetricForecast> = metrics
            .iter()
            .enumerate()
            .map(|(k, metric)| MetricForecast {
                metric: metric.clone(),
                prior: column(&prior_forecast, k),
                posterior: column(&forecast, k),
            })
            .collect();
        let scored = score_observations(
            observations,
            targets,
            &per_run,
            (prepared.start, days),
            predictive_master,
        )?;
        let fitted = prepared.fitted.clone();
        let pick_group = |want: bool| -> Vec<Scored> {
            scored
                .iter()
                .zip(&fitted)
                .filter(|(_, f)| **f == want)
                .map(|(s, _)| s.clone())
                .collect()
        };
        let held_out = pick_group(false);
        let overall_fitted = overall(&pick_group(true));
        let overall_held_out = if held_out.is_empty() {
            Vec::new()
        } else {
            overall(&held_out)
        };
        Ok(CalibrationRecord {
            scenario_name: loaded.scenario.name.clone(),
            start_date: prepared.start,
            observed_file: observed_file.to_owned(),
            fit_days: prepared.fit_days,
            days,
            inputs,
            fitted,
            fit,
            fit_runs,
            predictive_particles: picks,
            overall_fitted,
            overall_held_out,
            scored,
            settings,
            metrics: metric_forecasts,
            prior_predictive_runs,
        })
    }
}

/// Weighted quantiles `qs` of input `i` of a generation.
pub fn posterior_quantiles(g: &Generation, i: usize, qs: &[f64]) -> Vec<f64> {
    let values: Vec<f64> = g.particles.iter().map(|p| p.theta[i]).collect();
    let weights: Vec<f64> = g.particles.iter().map(|p| p.weight).collect();
    qs.iter()
        .map(|q| crate::analysis::abc::weighted_quantile(&values, &weights, *q))
        .collect()
}
