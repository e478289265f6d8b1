//! Many runs of one scenario in parallel (rayon), each reduced to a [`RunDigest`] so that an
//! ensemble keeps only what its statistics need.
//!
//! Run `k` of an ensemble with master seed `S` uses seed [`run_seed`]`(S, k)`, so that it is
//! the same run whatever the number of threads or shards, and results come back in run order.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::daily::DailyRows;
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
    pub inputs: DrawnInputs,
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
    /// Civilians dead (killed by fire and dead of hardship).
    pub civilian_deaths: f64,
    /// Civilians killed by fire (issue 13; 0 in shards written before it).
    #[serde(default)]
    pub civilian_killed: f64,
    /// Civilians wounded by fire.
    #[serde(default)]
    pub civilian_wounded: f64,
    /// Soldiers killed, all factions.
    #[serde(default)]
    pub military_killed: u32,
    /// Soldiers wounded, all factions.
    #[serde(default)]
    pub military_wounded: u32,
    /// Highest escalation rung (1-based), if any.
    pub highest_rung: Option<usize>,
    /// Withdrawals by states (contingents, draw-downs, withdrawals).
    pub withdrawals: usize,
    /// The same, counted by state (in the scenario's order of states): a contributor's
    /// contingents stopping is not its sponsor's drawdown. Empty in shards written before it.
    #[serde(default)]
    pub withdrawals_by_state: Vec<u32>,
    /// Ceasefires accepted.
    pub ceasefires_accepted: usize,
    /// Why the run ended, in one word.
    pub end: String,
    /// Daily series (index = day, from 0; a run that ended between two days has its final
    /// state as one more point): personnel by faction.
    pub personnel_daily: DailyRows<u32>,
    /// Daily series: people displaced now (sheltering away from home).
    pub displaced_daily: Vec<f64>,
    /// Daily series: pressure on each state.
    pub pressure_daily: DailyRows<f64>,
    /// Values of the metrics users defined (issue 17; [`run_digests_with`]), in the order they
    /// were given; empty when none were (and in shards written before it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom: Vec<Option<f64>>,
}

/// The values drawn for a run's uncertain inputs. Every run of an ensemble draws the same
/// inputs, so their paths are one list shared by all its runs and each run keeps only its
/// values (issue 20, "memory of an ensemble"). In a shard it is written as before, a list of
/// `{"path": …, "value": …}`, so shards keep their format.
#[derive(Debug, Clone, Default)]
pub struct DrawnInputs {
    /// Where each input is, shared.
    paths: std::sync::Arc<[std::sync::Arc<str>]>,
    /// The value drawn for each.
    values: Vec<f64>,
}

/// One of [`DrawnInputs`]: where the input is and the value drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drawn<'a> {
    /// Where the input is, e.g. `units.rdf_north.personnel`.
    pub path: &'a str,
    /// The value drawn.
    pub value: f64,
}

impl DrawnInputs {
    /// The inputs of `draws`, in order.
    pub fn new(draws: &[Draw]) -> Self {
        Self {
            paths: draws
                .iter()
                .map(|d| std::sync::Arc::clone(&d.path))
                .collect(),
            values: draws.iter().map(|d| d.value).collect(),
        }
    }

    /// Number of inputs.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Input `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<Drawn<'_>> {
        Some(Drawn {
            path: self.paths.get(i)?,
            value: *self.values.get(i)?,
        })
    }

    /// Every input, in order.
    pub fn iter(&self) -> impl Iterator<Item = Drawn<'_>> + '_ {
        self.paths
            .iter()
            .zip(&self.values)
            .map(|(path, &value)| Drawn { path, value })
    }

    /// The paths, in order.
    pub fn paths(&self) -> &[std::sync::Arc<str>] {
        &self.paths
    }

    /// Use `paths` (those of another run) if they are these inputs' paths, so that the runs of an
    /// ensemble keep one list between them.
    pub fn share(&mut self, paths: &std::sync::Arc<[std::sync::Arc<str>]>) {
        if !std::sync::Arc::ptr_eq(&self.paths, paths) && self.paths[..] == paths[..] {
            self.paths = std::sync::Arc::clone(paths);
        }
    }
}

impl PartialEq for DrawnInputs {
    fn eq(&self, other: &Self) -> bool {
        self.paths[..] == other.paths[..] && self.values == other.values
    }
}

impl Serialize for DrawnInputs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(
            self.paths
                .iter()
                .zip(&self.values)
                .map(|(path, &value)| Draw {
                    path: std::sync::Arc::clone(path),
                    value,
                }),
        )
    }
}

impl<'de> Deserialize<'de> for DrawnInputs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(Self::new(&Vec::<Draw>::deserialize(d)?))
    }
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
        inputs: DrawnInputs::new(&record.inputs),
        first_capture_day,
        holder_end: record.final_control().to_vec(),
        killed,
        losses,
        peacekeepers_killed,
        newly_displaced: last.map_or(0.0, |s| s.newly_displaced),
        peak_displaced: record.samples.iter().map(displaced_now).fold(0.0, f64::max),
        civilian_deaths: last.map_or(0.0, |s| s.civilian_deaths),
        civilian_killed: last.map_or(0.0, |s| s.places.iter().map(|p| p.killed).sum()),
        civilian_wounded: last.map_or(0.0, |s| s.places.iter().map(|p| p.wounded).sum()),
        military_killed: record.casualties.iter().map(|r| r.killed).sum(),
        military_wounded: record.casualties.iter().map(|r| r.wounded).sum(),
        highest_rung: record.highest_rung.map(|(r, _)| r + 1),
        withdrawals: record.political.withdrawals.len(),
        withdrawals_by_state: (0..record.politics.states.len())
            .map(|state| {
                record
                    .political
                    .withdrawals
                    .iter()
                    .filter(|(_, s, _)| *s == state)
                    .count() as u32
            })
            .collect(),
        ceasefires_accepted: record.ceasefires.iter().filter(|c| c.accepted).count(),
        end: match record.end {
            EndReason::DayLimit { .. } => "day_limit",
            EndReason::PlaceCaptured { .. } => "place_captured",
            EndReason::SideBroken { .. } => "side_broken",
        }
        .to_owned(),
        personnel_daily: DailyRows::from_fn(daily.len(), t.factions.len(), |d, f| {
            daily[d].factions.get(f).map_or(0, |x| x.personnel)
        }),
        displaced_daily: daily.iter().map(|s| displaced_now(s)).collect(),
        pressure_daily: DailyRows::from_fn(daily.len(), record.politics.states.len(), |d, s| {
            daily[d].pressure_on.get(s).copied().unwrap_or(0.0)
        }),
        custom: Vec::new(),
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
    /// The metrics users defined whose values each digest keeps in `custom`, in that order.
    pub metrics: Vec<crate::run::expr::MetricSpec>,
}

/// Run an ensemble of `runs` runs of `loaded` and keep their digests.
pub fn run_digests(
    loaded: &LoadedScenario,
    master: u64,
    runs: std::ops::Range<u64>,
    days: Option<f64>,
    progress: impl Fn() + Sync,
) -> Result<EnsembleRecord> {
    run_digests_with(loaded, master, runs, days, &[], progress)
}

/// [`run_digests`], keeping in each digest's `custom` the value of each of `metrics` in the run
/// (computed on the full record before it is reduced).
pub fn run_digests_with(
    loaded: &LoadedScenario,
    master: u64,
    runs: std::ops::Range<u64>,
    days: Option<f64>,
    metrics: &[crate::run::expr::MetricSpec],
    progress: impl Fn() + Sync,
) -> Result<EnsembleRecord> {
    let none = None::<PerRun<'_, ()>>;
    run_digests_streaming(loaded, master, runs, days, metrics, progress, none)
}

/// The user's `metrics` (built-in names or expressions) read with the names of each of
/// `loaded`, after checking that the scenarios are what-ifs of one theatre (the same places and
/// factions in the same order, or paired differences would pair unlike things): the first half
/// of `strife compare` and of the Python package's `compare` (issue 19), done before any run.
pub fn compare_metrics(
    loaded: &[LoadedScenario],
    metrics: &[String],
) -> Result<Vec<Vec<crate::run::expr::MetricSpec>>> {
    // Paired differences need the same places and factions, in the same order.
    let theatres = loaded
        .iter()
        .map(|l| crate::sim::build_theatre(&l.central()?))
        .collect::<Result<Vec<_>>>()?;
    let ids = |t: &Theatre| {
        (
            t.places.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
            t.factions.iter().map(|f| f.id.clone()).collect::<Vec<_>>(),
        )
    };
    if let Some(other) = theatres.iter().position(|t| ids(t) != ids(&theatres[0])) {
        return Err(Error::Usage(format!(
            "{} and {} do not share the same places and factions: compare what-ifs of one theatre",
            loaded[0].file, loaded[other].file
        )));
    }
    // Each scenario's own names (a what-if may order its actors or states differently).
    loaded
        .iter()
        .map(|l| {
            metrics
                .iter()
                .map(|m| crate::run::expr::MetricSpec::for_scenario(m, l))
                .collect::<Result<Vec<_>>>()
        })
        .collect()
}

/// Ensembles of `runs` runs of each of `loaded` with common random numbers (run `k` of every
/// scenario has the same seed, from `master`), each keeping its `metrics` (from
/// [`compare_metrics`]): the runs of `strife compare` and of the Python package's `compare`.
/// Runs on rayon's current pool; `progress` is called once per finished run.
pub fn compare_ensembles(
    loaded: &[LoadedScenario],
    metrics: &[Vec<crate::run::expr::MetricSpec>],
    master: u64,
    runs: u64,
    days: Option<f64>,
    progress: impl Fn() + Sync,
) -> Result<Vec<EnsembleRecord>> {
    loaded
        .iter()
        .zip(metrics)
        .map(|(l, metrics)| run_digests_with(l, master, 0..runs, days, metrics, &progress))
        .collect()
}

/// What an ensemble does with each run's full record besides its digest: `make` turns a record
/// into a `T` (in parallel, as the run finishes), and `take` receives them in run order.
pub type PerRun<'a, T> = (
    &'a (dyn Fn(u64, &RunRecord) -> Result<T> + Sync),
    &'a mut dyn FnMut(T) -> Result<()>,
);

/// Runs per block when each run's output streams to disk: four per thread, enough to keep
/// every thread busy, few enough that a block's outputs are small.
pub fn streaming_block() -> u64 {
    4 * rayon::current_num_threads().max(1) as u64
}

/// `range` cut into consecutive blocks of at most `size` (at least 1) runs.
pub fn blocks(
    range: std::ops::Range<u64>,
    size: u64,
) -> impl Iterator<Item = std::ops::Range<u64>> {
    let size = size.max(1);
    let mut start = range.start;
    std::iter::from_fn(move || {
        (start < range.end).then(|| {
            let end = start.saturating_add(size).min(range.end);
            let block = start..end;
            start = end;
            block
        })
    })
}

/// [`run_digests_with`], and, with `per_run`, each run's record made into a `T` and handed on in
/// run order. With `per_run` the runs go in blocks of a few per thread, so that at most one
/// block of `T`s is held at a time (an ensemble's series stream to disk that way).
pub fn run_digests_streaming<T: Send>(
    loaded: &LoadedScenario,
    master: u64,
    runs: std::ops::Range<u64>,
    days: Option<f64>,
    metrics: &[crate::run::expr::MetricSpec],
    progress: impl Fn() + Sync,
    per_run: Option<PerRun<'_, T>>,
) -> Result<EnsembleRecord> {
    let first = runs.start;
    let (make, mut take) = match per_run {
        Some((make, take)) => (Some(make), Some(take)),
        None => (None, None),
    };
    let statics = std::sync::Mutex::new(None);
    // Every run draws the same inputs: their paths are kept once, shared by every digest.
    let paths = std::sync::OnceLock::<std::sync::Arc<[std::sync::Arc<str>]>>::new();
    let keep = |k: u64, record: RunRecord| -> Result<(RunDigest, Option<T>)> {
        if k == first
            && let Ok(mut slot) = statics.lock()
        {
            *slot = Some((record.theatre.clone(), record.politics.clone()));
        }
        let made = match make {
            Some(make) => Some(make(k, &record)?),
            None => None,
        };
        let mut d = digest(k, &record);
        d.inputs
            .share(paths.get_or_init(|| std::sync::Arc::clone(&d.inputs.paths)));
        d.custom = metrics
            .iter()
            .map(|m| match m.builtin() {
                Some(_) => None,
                None => m.evaluate(&record),
            })
            .collect();
        Ok((d, made))
    };
    // With `per_run`, a few runs per thread at a time; without, more (fewer waits at the end of
    // a block), but not all at once: a block's results are held twice while they are moved into
    // `digests` (issue 20, "memory of an ensemble").
    let block = match make {
        Some(_) => streaming_block(),
        None => 64 * streaming_block(),
    };
    let mut digests = Vec::with_capacity(runs.end.saturating_sub(runs.start) as usize);
    for block in blocks(runs.clone(), block) {
        let kept = run_ensemble(loaded, master, block, days, keep, &progress)?;
        for result in kept {
            let (d, made) = result?;
            digests.push(d);
            if let (Some(take), Some(made)) = (take.as_mut(), made) {
                take(made)?;
            }
        }
    }
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
        metrics: metrics.to_vec(),
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

/// Largest `shard.json` read, bytes (1 GiB: some hundred thousand runs of a large theatre).
pub const MAX_SHARD_BYTES: u64 = 1024 * 1024 * 1024;

/// Read the `shard.json` of each folder and check that together they make one whole ensemble:
/// every field in range, all of one scenario, overrides, seed, run count and day limit, each
/// shard of `1..=N` exactly once, each holding exactly its block of runs in order. Returns the
/// shards in index order. A problem names the folder and what is wrong or missing (e.g.
/// "runs 250–499 (shard 2/4) are missing").
pub fn read_shard_set(dirs: &[std::path::PathBuf]) -> Result<Vec<ShardFile>> {
    let mut shards: Vec<(String, ShardFile)> = Vec::new();
    for dir in dirs {
        let path = dir.join("shard.json");
        let name = path.display().to_string();
        let bytes = crate::scenario::load::read_regular_file(&path, MAX_SHARD_BYTES)?;
        let shard: ShardFile = serde_json::from_slice(&bytes)
            .map_err(|e| Error::Usage(format!("{name}: not a strife shard: {e}")))?;
        check_shard_fields(&shard).map_err(|why| Error::Usage(format!("{name}: {why}")))?;
        shards.push((name, shard));
    }
    shards.sort_by_key(|(_, s)| s.shard.index);
    let Some((first_name, first)) = shards.first() else {
        return Err(Error::Usage("merge needs at least one shard folder".into()));
    };
    let same = |s: &ShardFile| {
        s.scenario_sha256 == first.scenario_sha256
            && s.scenario_file == first.scenario_file
            && s.set == first.set
            && s.master_seed == first.master_seed
            && s.runs == first.runs
            && s.days == first.days
            && s.shard.count == first.shard.count
    };
    if let Some((name, odd)) = shards.iter().find(|(_, s)| !same(s)) {
        return Err(Error::Usage(format!(
            "{name}: shard {}/{} does not belong with shard {}/{} ({first_name}): scenario, overrides, seed, runs or days differ",
            odd.shard.index, odd.shard.count, first.shard.index, first.shard.count
        )));
    }
    if let Some(pair) = shards
        .windows(2)
        .find(|pair| pair[0].1.shard.index == pair[1].1.shard.index)
    {
        let s = pair[0].1.shard;
        return Err(Error::Usage(format!(
            "shard {}/{} is given twice ({} and {}): each shard may be merged once",
            s.index, s.count, pair[0].0, pair[1].0
        )));
    }
    let present: std::collections::HashSet<u64> =
        shards.iter().map(|(_, s)| s.shard.index).collect();
    let count = first.shard.count;
    let missing: Vec<String> = (1..=count)
        .filter(|i| !present.contains(i))
        .take(5)
        .map(|index| {
            let block = Shard { index, count }.runs(first.runs);
            let runs = match block.end - block.start {
                0 => "no runs".to_owned(),
                1 => format!("run {}", block.start),
                _ => format!("runs {}–{}", block.start, block.end - 1),
            };
            format!("{runs} (shard {index}/{count})")
        })
        .collect();
    if !missing.is_empty() {
        let absent = count - present.len() as u64;
        let more = if absent > missing.len() as u64 {
            format!(" and {} more shards", absent - missing.len() as u64)
        } else {
            String::new()
        };
        return Err(Error::Usage(format!(
            "the ensemble of {} runs is incomplete: {}{more} {} missing\n  \
             help: merge the folders of all {count} shards, each once",
            first.runs,
            missing.join(", "),
            if absent == 1 && missing[0].starts_with("run ") {
                "is"
            } else {
                "are"
            }
        )));
    }
    Ok(shards.into_iter().map(|(_, s)| s).collect())
}

/// One shard file's own fields: a known format, an index within the count, a run count and
/// day limit `run` accepts, and exactly this shard's block of runs, each with its own seed.
fn check_shard_fields(s: &ShardFile) -> std::result::Result<(), String> {
    if s.format != SHARD_FORMAT {
        return Err(format!("unknown shard format `{}`", s.format));
    }
    if !(1..=super::MAX_RUNS).contains(&s.runs) {
        return Err(format!(
            "runs is {}; an ensemble has 1 to {} runs",
            s.runs,
            super::MAX_RUNS
        ));
    }
    let Shard { index, count } = s.shard;
    if count == 0 || index == 0 || index > count || count > super::MAX_RUNS {
        return Err(format!(
            "shard {index}/{count} is not a shard (1 ≤ I ≤ N ≤ {})",
            super::MAX_RUNS
        ));
    }
    if let Some(days) = s.days
        && !(days.is_finite() && days > 0.0 && days <= 3650.0)
    {
        return Err(format!("days is {days}; it must be between 0 and 3650"));
    }
    let block = s.shard.runs(s.runs);
    if s.digests.len() as u64 != block.end - block.start {
        return Err(format!(
            "shard {index}/{count} should hold runs {}–{} ({} runs) but holds {}",
            block.start,
            block.end.saturating_sub(1),
            block.end - block.start,
            s.digests.len()
        ));
    }
    for (k, d) in block.zip(&s.digests) {
        if d.run != k || d.seed != run_seed(s.master_seed, k) {
            return Err(format!(
                "the digest in place of run {k} is run {} with seed {}: not run {k} of master seed {}",
                d.run, d.seed, s.master_seed
            ));
        }
    }
    Ok(())
}

/// Check every merged digest against `reference`, a digest of the same scenario computed here:
/// the same uncertain inputs, one value per place, faction and state, places held by a faction
/// that exists, days within the run, and finite counts that are not negative.
pub fn check_digests(
    reference: &RunDigest,
    days: f64,
    rungs: usize,
    shards: &[ShardFile],
) -> Result<()> {
    let daily_rows = days.ceil() as usize + 2;
    for (s, d) in shards
        .iter()
        .flat_map(|s| s.digests.iter().map(move |d| (s, d)))
    {
        let bad = |why: String| {
            Error::Usage(format!(
                "shard {}/{}, run {}: {why}",
                s.shard.index, s.shard.count, d.run
            ))
        };
        let paths = |r: &RunDigest| r.inputs.paths().to_vec();
        if paths(d) != paths(reference) {
            return Err(bad(format!(
                "its uncertain inputs ({}) are not the scenario's ({})",
                paths(d).join(", "),
                paths(reference).join(", ")
            )));
        }
        let (places, factions) = (reference.holder_end.len(), reference.killed.len());
        let states = reference.pressure_daily.width();
        if d.first_capture_day.len() != places
            || d.holder_end.len() != places
            || d.killed.len() != factions
            || d.losses.len() != factions
        {
            return Err(bad(format!(
                "it does not have one value per place ({places}) and per faction ({factions})"
            )));
        }
        if d.holder_end.iter().any(|&f| f >= factions) {
            return Err(bad(format!(
                "a place is held by faction {}, of {factions}",
                d.holder_end.iter().max().copied().unwrap_or(0)
            )));
        }
        if let Some(day) = d
            .first_capture_day
            .iter()
            .flatten()
            .find(|x| !(x.is_finite() && (0.0..=days).contains(*x)))
        {
            let day = if day.abs() < 1e6 {
                day.to_string()
            } else {
                format!("{day:e}")
            };
            return Err(bad(format!(
                "a first capture on day {day}, outside the run (0 to {days})"
            )));
        }
        let rows = d.personnel_daily.len();
        if rows > daily_rows
            || d.displaced_daily.len() != rows
            || d.pressure_daily.len() != rows
            || (rows > 0 && d.personnel_daily.width() != factions)
            || (rows > 0 && d.pressure_daily.width() != states)
        {
            return Err(bad(format!(
                "its daily series are not one row a day (at most {daily_rows}) of {factions} factions and {states} states"
            )));
        }
        let counts = [d.newly_displaced, d.peak_displaced, d.civilian_deaths]
            .into_iter()
            .chain(d.inputs.iter().map(|i| i.value))
            .chain(d.displaced_daily.iter().copied())
            .chain(d.pressure_daily.rows().flat_map(|r| r.iter()));
        if let Some(x) = counts.into_iter().find(|x| !x.is_finite()) {
            return Err(bad(format!("a value is {x}; every value must be finite")));
        }
        if d.highest_rung.is_some_and(|r| r == 0 || r > rungs) {
            return Err(bad(format!(
                "highest rung {:?} is not one of the {rungs} rungs",
                d.highest_rung
            )));
        }
        if !["day_limit", "place_captured", "side_broken"].contains(&d.end.as_str()) {
            return Err(bad(format!("unknown end `{}`", d.end)));
        }
    }
    Ok(())
}
