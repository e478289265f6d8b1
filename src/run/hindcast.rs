//! Hindcasts: run an ensemble of a scenario and score its forecast of each observed event or
//! count (CRPS, PIT, 50% and 90% intervals) against what happened.
//!
//! Dates are scored in days since the start. An observed date stands for noon of that day
//! (day d + 0.5), the middle of the day it names. A run in which the event never happened is
//! **censored at the day limit**: its value is the last day of the run, so that a model that
//! rarely produces the event is penalised by how far the limit lies beyond the observation,
//! and the share of runs where it happened is reported beside the scores. A count is the
//! model's total at the end of the observed date (or at the end of the run, if it ended
//! earlier).

use chrono::{NaiveDate, NaiveTime};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde::Serialize;

use super::ensemble::{run_ensemble, run_seed};
use super::record::RunRecord;
use crate::analysis::observed::{Kind, Observation, Quantity, Target, resolve};
use crate::analysis::scores::{Score, score};
use crate::error::{Error, Result};
use crate::output::summary::is_peacekeeping;
use crate::scenario::LoadedScenario;
use crate::scenario::uncertain::derive_seed;

/// One observation with the model's forecast and its scores.
#[derive(Debug, Clone, Serialize)]
pub struct Scored {
    /// Short label, e.g. `capture goma (m23)`.
    pub label: String,
    /// `capture`, `instrument` or `count`.
    pub kind: String,
    /// Place, actor or quantity.
    pub subject: String,
    /// Taking faction or instrument.
    pub detail: String,
    /// The observed date.
    pub date: NaiveDate,
    /// The observed time of day, if the file gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<NaiveTime>,
    /// The observed value: a day since the start (dates) or a count.
    pub observed: f64,
    /// `days` or `persons`.
    pub unit: String,
    /// Where the observation comes from.
    pub source: String,
    /// Line of the observed file.
    pub line: usize,
    /// The model's value in every run, in run order (dates: censored at the day limit).
    #[serde(skip)]
    pub values: Vec<f64>,
    /// Share of runs in which the event happened (1 for counts).
    pub p_happened: f64,
    /// The model's median.
    pub median: f64,
    /// The scores.
    pub score: Score,
}

impl Scored {
    /// The observed date as `2025-01-27`, or `2025-01-27 14:00` with a time.
    pub fn when(&self) -> String {
        match self.time {
            None => self.date.format("%Y-%m-%d").to_string(),
            Some(t) => format!("{} {}", self.date.format("%Y-%m-%d"), t.format("%H:%M")),
        }
    }

    /// The observed date in words: `27 Jan 2025`, or `27 Jan 2025 14:00` with a time.
    pub fn when_words(&self) -> String {
        match self.time {
            None => self.date.format("%-d %b %Y").to_string(),
            Some(t) => format!("{} {}", self.date.format("%-d %b %Y"), t.format("%H:%M")),
        }
    }
}

/// Mean scores of one kind of observation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Overall {
    /// `capture`, `instrument`, `count`, or `all` (coverage only).
    pub kind: String,
    /// Observations.
    pub n: usize,
    /// Mean CRPS (in the kind's unit; none for `all`, whose units differ).
    pub mean_crps: Option<f64>,
    /// Share of observations inside the central 50% interval.
    pub coverage_50: f64,
    /// Share inside the central 90% interval.
    pub coverage_90: f64,
    /// Mean PIT (0.5 for an unbiased forecast).
    pub mean_pit: f64,
}

/// A whole hindcast.
#[derive(Debug, Clone)]
pub struct HindcastRecord {
    /// Scenario title.
    pub scenario_name: String,
    /// Calendar date of day 0.
    pub start_date: NaiveDate,
    /// The observed file as given.
    pub observed_file: String,
    /// Runs.
    pub runs: u64,
    /// Master seed.
    pub master_seed: u64,
    /// Day limit of each run.
    pub days: f64,
    /// Every observation, in file order.
    pub scored: Vec<Scored>,
    /// Overall scores: each kind present, then `all`.
    pub overall: Vec<Overall>,
}

/// The model's value of `target` in one run: the day it happened (censored at `days`), the
/// count at the target's hour, or the metric's value on the run as it stood then. A run in
/// which a metric has no value (`x / 0`, `fall_day_if` of a place still held) counts as the
/// target's time for a day (censored there) and as 0 otherwise.
pub fn model_value(target: &Target, record: &RunRecord, days: f64) -> f64 {
    let t = &record.theatre;
    if let Target::Metric { spec, hours, .. } = target {
        let missing = if spec.is_day() {
            days.min(hours / 24.0)
        } else {
            0.0
        };
        return spec.evaluate_until(record, days, *hours).unwrap_or(missing);
    }
    match *target {
        Target::Capture { place, side } => record
            .captures
            .iter()
            .find(|c| c.place == place && side.is_none_or(|s| t.factions[c.by].side == s))
            .map_or(days, |c| c.hours / 24.0),
        Target::Instrument { actor, instrument } => {
            let ladder = &record.politics.actors[actor].ladder;
            record
                .political
                .instruments_used
                .iter()
                .find(|(_, a, step)| {
                    *a == actor
                        && ladder
                            .get(*step)
                            .is_some_and(|s| s.instrument >= instrument)
                })
                .map_or(days, |(hours, _, _)| hours / 24.0)
        }
        Target::Holder { place, side, hours } => {
            let at = record.samples.partition_point(|s| s.hours <= hours + 1e-9);
            let held = record.samples.get(at.saturating_sub(1)).is_some_and(|s| {
                s.control
                    .get(place)
                    .and_then(|f| t.factions.get(*f))
                    .is_some_and(|f| f.side == side)
            });
            if held { 1.0 } else { 0.0 }
        }
        Target::Count { quantity, hours } => {
            let at = record.samples.partition_point(|s| s.hours <= hours + 1e-9);
            let Some(sample) = record.samples.get(at.saturating_sub(1)) else {
                return 0.0;
            };
            let faction = |f: usize| sample.factions.get(f).copied().unwrap_or_default();
            match quantity {
                Quantity::NewlyDisplaced => sample.newly_displaced,
                Quantity::Displaced => sample.places.iter().map(|p| p.displaced_here).sum(),
                Quantity::CivilianDeaths => sample.civilian_deaths,
                Quantity::PeacekeepersKilled => {
                    // The sampled total, or the sum over peacekeeping factions.
                    let by_faction: u32 = t
                        .factions
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| is_peacekeeping(f.kind))
                        .map(|(i, _)| faction(i).killed)
                        .sum();
                    sample.peacekeepers_killed.max(f64::from(by_faction))
                }
                Quantity::Killed(f) => f64::from(faction(f).killed),
                Quantity::Captured(f) => f64::from(faction(f).captured),
                Quantity::Losses(f) => {
                    let s = faction(f);
                    f64::from(s.killed + s.wounded + s.captured + s.deserted)
                }
            }
        }
        Target::Metric { .. } => unreachable!("answered above"),
    }
}

/// What the model is asked of each observation of `file` (whose text is `text`), checked
/// against `loaded` run for `days` (default: the scenario's): every problem at once.
pub fn hindcast_targets(
    loaded: &LoadedScenario,
    observations: &[Observation],
    (file, text): (&str, &str),
    days: Option<f64>,
) -> Result<Vec<Target>> {
    let days = days.unwrap_or(loaded.scenario.duration_days);
    let central = loaded.central()?;
    let theatre = crate::sim::build_theatre(&central)?;
    let politics = crate::sim::spawn::politics::resolve_politics(&central, &theatre)?;
    resolve(
        observations,
        file,
        text,
        &theatre,
        &politics,
        central.start_date,
        days,
    )
}

/// Run `runs` seeded runs of `loaded` and score them against `observations` (read from
/// `file`, whose text is `text`). Runs on rayon's current pool; `progress` per run.
pub fn run_hindcast(
    loaded: &LoadedScenario,
    observations: &[Observation],
    (file, text): (&str, &str),
    master: u64,
    runs: u64,
    days: Option<f64>,
    progress: impl Fn() + Sync,
) -> Result<HindcastRecord> {
    if runs == 0 {
        return Err(Error::Usage("--runs must be at least 1".into()));
    }
    let targets = hindcast_targets(loaded, observations, (file, text), days)?;
    let days = days.unwrap_or(loaded.scenario.duration_days);
    let central = loaded.central()?;
    let per_run = run_ensemble(
        loaded,
        master,
        0..runs,
        Some(days),
        |_, record| {
            targets
                .iter()
                .map(|t| model_value(t, &record, days))
                .collect::<Vec<f64>>()
        },
        progress,
    )?;
    let scored = score_observations(
        observations,
        &targets,
        &per_run,
        (central.start_date, days),
        master,
    )?;
    let overall = overall(&scored);
    Ok(HindcastRecord {
        scenario_name: loaded.scenario.name.clone(),
        start_date: central.start_date,
        observed_file: file.to_owned(),
        runs,
        master_seed: master,
        days,
        scored,
        overall,
    })
}

/// Score the model's values of each observation (`per_run[run][observation]`, runs of `days`
/// days from `start`) against what was observed: [`Scored`] in file order. The PIT's draws within
/// ties come from one stream of `master`, one draw per observation in file order.
pub fn score_observations(
    observations: &[Observation],
    targets: &[Target],
    per_run: &[Vec<f64>],
    (start, days): (NaiveDate, f64),
    master: u64,
) -> Result<Vec<Scored>> {
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(run_seed(master, 0), 77));
    let mut scored = Vec::with_capacity(observations.len());
    for (i, (o, target)) in observations.iter().zip(targets).enumerate() {
        let values: Vec<f64> = per_run.iter().map(|v| v[i]).collect();
        let observed = observed_value(o, start);
        let draw: f64 = rng.random();
        let s = score(&values, observed, draw)
            .ok_or_else(|| Error::Internal("a hindcast with no runs".into()))?;
        let happened = match target {
            Target::Count { .. } | Target::Holder { .. } => values.len(),
            Target::Metric { spec, hours, .. } if spec.is_day() => {
                let cut = days.min(hours / 24.0);
                values.iter().filter(|v| **v < cut).count()
            }
            Target::Metric { .. } => values.len(),
            _ => values.iter().filter(|v| **v < days).count(),
        };
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        scored.push(Scored {
            label: o.label(),
            kind: o.kind.word().to_owned(),
            subject: o.subject.clone(),
            detail: o.detail.clone(),
            date: o.date,
            time: o.time,
            observed,
            unit: target.unit(o.kind).to_owned(),
            source: o.source.clone(),
            line: o.line,
            p_happened: happened as f64 / values.len() as f64,
            median: crate::run::stats::quantile_sorted(&sorted, 0.5).unwrap_or(f64::NAN),
            values,
            score: s,
        });
    }
    Ok(scored)
}

/// What was observed, as the model's values are: a count, or the day since `start` (the time
/// given, or noon of a date given alone: the middle of the day it stands for).
pub fn observed_value(o: &Observation, start: NaiveDate) -> f64 {
    match (o.kind, o.value) {
        (Kind::Count | Kind::Metric, Some(v)) => v,
        (Kind::Holder, _) => 1.0,
        _ => {
            let (day, width) = o.days_since(start);
            day + width / 2.0
        }
    }
}

/// Mean CRPS, coverage and mean PIT for each kind present (in the order capture, instrument,
/// count), then coverage and mean PIT over all observations.
pub fn overall(scored: &[Scored]) -> Vec<Overall> {
    let summarise = |kind: &str, group: Vec<&Scored>, crps: bool| {
        let n = group.len();
        let share = |f: &dyn Fn(&Scored) -> bool| {
            group.iter().filter(|s| f(s)).count() as f64 / n.max(1) as f64
        };
        Overall {
            kind: kind.to_owned(),
            n,
            mean_crps: crps.then(|| group.iter().map(|s| s.score.crps).sum::<f64>() / n as f64),
            coverage_50: share(&|s| s.score.inside_50),
            coverage_90: share(&|s| s.score.inside_90),
            mean_pit: group.iter().map(|s| s.score.pit).sum::<f64>() / n.max(1) as f64,
        }
    };
    let mut out = Vec::new();
    for kind in [
        Kind::Capture,
        Kind::Instrument,
        Kind::Count,
        Kind::Holder,
        Kind::Metric,
    ] {
        let group: Vec<&Scored> = scored.iter().filter(|s| s.kind == kind.word()).collect();
        if !group.is_empty() {
            out.push(summarise(kind.word(), group, true));
        }
    }
    out.push(summarise("all", scored.iter().collect(), false));
    out
}
