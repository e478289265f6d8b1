//! Many runs of one scenario in parallel (rayon), each reduced to a [`RunDigest`] so that an
//! ensemble keeps only what its statistics need.
//!
//! Run `k` of an ensemble with master seed `S` uses seed [`run_seed`]`(S, k)`, so that it is
//! the same run whatever the number of threads or shards, and results come back in run order.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::one::{RunOptions, run_loaded};
use super::record::RunRecord;
use crate::error::{Error, Result};
use crate::output::summary::is_peacekeeping;
use crate::scenario::uncertain::derive_seed;
use crate::scenario::{Draw, LoadedScenario};
use crate::sim::politics::Politics;
use crate::sim::resources::{EndReason, Theatre};

/// The seed of run `k` of an ensemble with master seed `master`.
pub fn run_seed(master: u64, k: u64) -> u64 {
    derive_seed(master, k.wrapping_add(1_000_000))
}

/// Run `runs` seeded runs of `loaded` (days: `days` or the scenario's), reduce each record with
/// `keep`, and return the results in run order. Runs on rayon's current pool; `progress` is
/// called once per finished run.
pub fn run_ensemble<T: Send>(
    loaded: &LoadedScenario,
    master: u64,
    runs: std::ops::Range<u64>,
    days: Option<f64>,
    keep: impl Fn(u64, RunRecord) -> T + Sync,
    progress: impl Fn() + Sync,
) -> Result<Vec<T>> {
    runs.into_par_iter()
        .map(|k| {
            let seed = run_seed(master, k);
            let record = run_loaded(loaded, RunOptions { seed, days })?;
            let kept = keep(k, record);
            progress();
            Ok(kept)
        })
        .collect()
}

/// What an ensemble keeps of one run. Serialisable, so that shards of an ensemble run on
/// different machines can be merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunDigest {
    /// Run index in the ensemble.
    pub run: u64,
    /// Its seed.
    pub seed: u64,
    /// Values drawn for the uncertain inputs.
    pub inputs: Vec<Draw>,
    /// Day each place first changed hands, if it did.
    pub first_capture_day: Vec<Option<f64>>,
    /// Faction holding each place at the end.
    pub holder_end: Vec<usize>,
    /// Killed by faction.
    pub killed: Vec<u32>,
    /// All losses (killed, wounded, captured, deserted) by faction.
    pub losses: Vec<u32>,
    /// Peacekeepers killed.
    pub peacekeepers_killed: u32,
    /// People newly displaced over the run.
    pub newly_displaced: f64,
    /// Most people displaced at one time.
    pub peak_displaced: f64,
    /// Civilians killed.
    pub civilian_deaths: f64,
    /// Highest escalation rung (1-based), if any.
    pub highest_rung: Option<usize>,
    /// Withdrawals by states (contingents, draw-downs, withdrawals).
    pub withdrawals: usize,
    /// Ceasefires accepted.
    pub ceasefires_accepted: usize,
    /// Why the run ended, in one word.
    pub end: String,
    /// Daily series (index = day, from 0; a run that ended between two days has its final
    /// state as one more point): personnel by faction.
    pub personnel_daily: Vec<Vec<f64>>,
    /// Daily series: people displaced now (sheltering away from home).
    pub displaced_daily: Vec<f64>,
    /// Daily series: pressure on each state.
    pub pressure_daily: Vec<Vec<f64>>,
}

/// Reduce a run's record to its digest.
pub fn digest(run: u64, record: &RunRecord) -> RunDigest {
    let t = &record.theatre;
    let n_places = t.places.len();
    let mut first_capture_day = vec![None; n_places];
    for c in &record.captures {
        first_capture_day[c.place].get_or_insert(c.hours / 24.0);
    }
    let mut killed = vec![0; t.factions.len()];
    let mut losses = vec![0; t.factions.len()];
    let mut peacekeepers_killed = 0;
    for row in &record.casualties {
        killed[row.faction] += row.killed;
        losses[row.faction] += row.killed + row.wounded + row.captured + row.deserted;
        if is_peacekeeping(t.factions[row.faction].kind) {
            peacekeepers_killed += row.killed;
        }
    }
    let displaced_now =
        |s: &crate::sim::resources::Sample| s.places.iter().map(|p| p.displaced_here).sum::<f64>();
    let daily: Vec<&crate::sim::resources::Sample> = {
        let mut next_day = 0.0;
        let mut out = Vec::new();
        for s in &record.samples {
            if s.hours >= next_day * 24.0 - 1e-9 {
                out.push(s);
                next_day += 1.0;
            }
        }
        // A run that ended between two days keeps its final state as its last point.
        if let Some(last) = record.samples.last()
            && out.last().is_some_and(|l| l.hours < last.hours)
        {
            out.push(last);
        }
        out
    };
    let last = record.samples.last();
    RunDigest {
        run,
        seed: record.seed,
        inputs: record.inputs.clone(),
        first_capture_day,
        holder_end: record.final_control().to_vec(),
        killed,
        losses,
        peacekeepers_killed,
        newly_displaced: last.map_or(0.0, |s| s.newly_displaced),
        peak_displaced: record.samples.iter().map(displaced_now).fold(0.0, f64::max),
        civilian_deaths: last.map_or(0.0, |s| s.civilian_deaths),
        highest_rung: record.highest_rung.map(|(r, _)| r + 1),
        withdrawals: record.political.withdrawals.len(),
        ceasefires_accepted: record.ceasefires.iter().filter(|c| c.accepted).count(),
        end: match record.end {
            EndReason::DayLimit { .. } => "day_limit",
            EndReason::PlaceCaptured { .. } => "place_captured",
            EndReason::SideBroken { .. } => "side_broken",
        }
        .to_owned(),
        personnel_daily: daily
            .iter()
            .map(|s| s.factions.iter().map(|f| f64::from(f.personnel)).collect())
            .collect(),
        displaced_daily: daily.iter().map(|s| displaced_now(s)).collect(),
        pressure_daily: daily.iter().map(|s| s.pressure_on.clone()).collect(),
    }
}

/// An ensemble: the scenario's static description and every run's digest, in run order.
#[derive(Debug, Clone)]
pub struct EnsembleRecord {
    /// Scenario title.
    pub scenario_name: String,
    /// Calendar date of day 0.
    pub start_date: chrono::NaiveDate,
    /// Master seed.
    pub master_seed: u64,
    /// Day limit of each run.
    pub days: f64,
    /// The static theatre.
    pub theatre: Theatre,
    /// The scenario's politics.
    pub politics: Politics,
    /// Every run, in run order.
    pub runs: Vec<RunDigest>,
}

/// Run an ensemble of `runs` runs of `loaded` and keep their digests.
pub fn run_digests(
    loaded: &LoadedScenario,
    master: u64,
    runs: std::ops::Range<u64>,
    days: Option<f64>,
    progress: impl Fn() + Sync,
) -> Result<EnsembleRecord> {
    let first = runs.start;
    let statics = std::sync::Mutex::new(None);
    let digests = run_ensemble(
        loaded,
        master,
        runs,
        days,
        |k, record| {
            if k == first
                && let Ok(mut slot) = statics.lock()
            {
                *slot = Some((record.theatre.clone(), record.politics.clone()));
            }
            digest(k, &record)
        },
        progress,
    )?;
    let (theatre, politics) = statics
        .into_inner()
        .ok()
        .flatten()
        .ok_or_else(|| Error::Usage("an ensemble needs at least one run".into()))?;
    let scenario = &loaded.scenario;
    Ok(EnsembleRecord {
        scenario_name: scenario.name.clone(),
        start_date: scenario.start_date,
        master_seed: master,
        days: days.unwrap_or(scenario.duration_days),
        theatre,
        politics,
        runs: digests,
    })
}

/// Which contiguous block of an ensemble's runs a shard runs: shard `index` (1-based) of
/// `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 1-based index.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl Shard {
    /// The runs of this shard out of `runs`: `[⌊(i−1)·R/N⌋, ⌊i·R/N⌋)`.
    pub fn runs(&self, runs: u64) -> std::ops::Range<u64> {
        let cut = |i: u64| ((u128::from(i) * u128::from(runs)) / u128::from(self.count)) as u64;
        cut(self.index - 1)..cut(self.index)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// Parse `I/N` with 1 ≤ I ≤ N.
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not I/N (e.g. 3/10)"))?;
        let (index, count) = (
            i.trim()
                .parse::<u64>()
                .map_err(|_| format!("`{i}` is not a whole number"))?,
            n.trim()
                .parse::<u64>()
                .map_err(|_| format!("`{n}` is not a whole number"))?,
        );
        if count == 0 || index == 0 || index > count {
            return Err(format!("`{text}`: I must be between 1 and N"));
        }
        Ok(Shard { index, count })
    }
}

/// What a shard writes (`shard.json`): enough to merge it with the others and check they
/// belong together.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ShardFile {
    /// Format tag.
    pub format: String,
    /// Scenario file as given.
    pub scenario_file: String,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// Overrides (`PATH=VALUE`) given with `--set`.
    pub set: Vec<String>,
    /// Master seed.
    pub master_seed: u64,
    /// Runs of the whole ensemble.
    pub runs: u64,
    /// Day limit given with `--days`, if any.
    pub days: Option<f64>,
    /// This shard.
    pub shard: Shard,
    /// Its runs' digests, in run order.
    pub digests: Vec<RunDigest>,
}

/// The format tag of `shard.json`.
pub const SHARD_FORMAT: &str = "strife-shard-1";
