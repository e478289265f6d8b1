//! The computations behind `strife serve`'s page: an ensemble run in the background with the
//! library's ensemble code (cancelled between blocks of runs when a newer request comes), its
//! outcomes and plots, the paired comparison with a pinned baseline (common random numbers:
//! run k of both has the same seed), and the map of the run nearest the median on one day.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::output::compare::differences;
use crate::output::ensemble::ensemble_summary;
use crate::output::plot::{Plots, compare_plots, ensemble_plots, map_day_svg};
use crate::run::RunRecord;
use crate::run::ensemble::{EnsembleRecord, PerRun, run_digests_streaming, run_seed};
use crate::run::statistic::Stat;
use crate::run::{RunOptions, run_loaded};
use crate::scenario::{LoadedScenario, Override};

/// Label of the pinned baseline in comparisons.
pub const BASELINE: &str = "baseline";
/// Label of the current setting in comparisons.
pub const CURRENT: &str = "current";
/// Most full run records kept per result for the map (the runs nearest the median).
const KEPT_RECORDS: usize = 4;

/// The holder of each place on each day of one run: `[day][place]`, `u16::MAX` where unknown.
pub type DailyControl = Vec<Vec<u16>>;

/// What a computation needs to know of its request.
#[derive(Debug, Clone)]
pub struct Setting {
    /// The file the overrides apply to.
    pub base: std::path::PathBuf,
    /// The preset's file name, if any.
    pub preset: Option<String>,
    /// The overrides.
    pub overrides: Vec<Override>,
    /// The scenario loaded with them.
    pub loaded: LoadedScenario,
    /// Runs.
    pub runs: u64,
    /// Master seed.
    pub seed: u64,
}

/// An ensemble of one setting, with each run's daily control of places.
#[derive(Debug)]
pub struct Ensemble {
    /// The setting.
    pub setting: Setting,
    /// The ensemble.
    pub record: EnsembleRecord,
    /// Each run's holder of each place by day.
    pub daily: Vec<DailyControl>,
    /// The outcomes and plots shown, as JSON.
    pub view: Value,
    /// Full records of a few runs, for the map (run index, record).
    records: Mutex<Vec<(u64, Arc<RunRecord>)>>,
}

/// Progress of a computation, shared with the page's polling.
#[derive(Debug, Default)]
pub struct Progress {
    /// Runs done.
    pub done: AtomicU64,
    /// Runs to do.
    pub total: AtomicU64,
}

/// Why a computation stopped early: a newer request of the same client.
const CANCELLED: &str = "cancelled by a newer request";

/// Whether `e` is the error a cancelled computation returns.
pub fn is_cancelled(e: &Error) -> bool {
    matches!(e, Error::Internal(m) if m == CANCELLED)
}

/// Each place's holder on each whole day of `record` (the first sample at or after the day's
/// start; the last sample for days after the run ended).
fn daily_control(record: &RunRecord) -> DailyControl {
    let days = record.days.max(0.0).ceil() as usize;
    let mut out = Vec::with_capacity(days + 1);
    let mut i = 0;
    for day in 0..=days {
        let start = day as f64 * 24.0 - 1e-9;
        while i + 1 < record.samples.len() && record.samples[i].hours < start {
            i += 1;
        }
        let Some(s) = record.samples.get(i) else {
            break;
        };
        out.push(
            s.control
                .iter()
                .map(|&f| u16::try_from(f).unwrap_or(u16::MAX))
                .collect(),
        );
    }
    out
}

/// Run the ensemble of `setting` with the library's ensemble code: `progress` after each run;
/// stops with [`is_cancelled`]'s error as soon as `cancelled()` (checked as each run ends).
pub fn run(
    setting: &Setting,
    progress: &Progress,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<(EnsembleRecord, Vec<DailyControl>)> {
    let make = |_k: u64, record: &RunRecord| -> Result<DailyControl> {
        if cancelled() {
            return Err(Error::Internal(CANCELLED.to_owned()));
        }
        Ok(daily_control(record))
    };
    let mut daily = Vec::with_capacity(setting.runs as usize);
    let mut take = |d: DailyControl| -> Result<()> {
        daily.push(d);
        Ok(())
    };
    let per_run: PerRun<'_, DailyControl> = (&make, &mut take);
    let record = run_digests_streaming(
        &setting.loaded,
        setting.seed,
        0..setting.runs,
        None,
        &[],
        || {
            progress.done.fetch_add(1, Ordering::Relaxed);
        },
        Some(per_run),
    )?;
    if cancelled() {
        return Err(Error::Internal(CANCELLED.to_owned()));
    }
    Ok((record, daily))
}

/// An SVG as the page inlines it: scaled to its box (plotters writes a fixed size).
fn fluid(svg: &[u8]) -> String {
    let text = String::from_utf8_lossy(svg);
    // Give the root element a viewBox from its width and height, and let CSS size it.
    let Some(start) = text.find("<svg") else {
        return text.into_owned();
    };
    let end = text[start..].find('>').map_or(text.len(), |e| start + e);
    let head = &text[start..end];
    let number = |name: &str| -> Option<String> {
        let at = head.find(&format!(" {name}=\""))? + name.len() + 3;
        let len = head[at..].find('"')?;
        Some(head[at..at + len].to_owned())
    };
    match (number("width"), number("height")) {
        (Some(w), Some(h)) if !head.contains("viewBox") => format!(
            "{}<svg viewBox=\"0 0 {w} {h}\" preserveAspectRatio=\"xMidYMid meet\"{}",
            &text[..start],
            &text[start + 4..]
        ),
        _ => text.into_owned(),
    }
}

/// The outcomes the page shows of `e`: each place's probability of changing hands with its
/// interval and the median day, the highest rung, peacekeepers killed, and the ensemble's fan
/// charts and capture curves as SVG.
fn view(e: &EnsembleRecord, daily: &[DailyControl]) -> Result<Value> {
    let summary = ensemble_summary(e);
    let places: Vec<Value> = summary
        .places
        .iter()
        .zip(&e.theatre.places)
        .map(|(o, p)| {
            json!({
                "id": o.place,
                "name": p.name,
                "p": o.changed_hands.p,
                "low": o.changed_hands.low,
                "high": o.changed_hands.high,
                "median_day": o.fall_day.as_ref().map(|d| d.median),
                "median_date": o.fall_date_median,
                "holder_end": o.holder_end.first(),
            })
        })
        .collect();
    let plots = ensemble_plots(e, Plots::Svg)?;
    let svgs: serde_json::Map<String, Value> = plots
        .iter()
        .map(|(name, bytes)| {
            (
                name.trim_end_matches(".svg").to_owned(),
                Value::String(fluid(bytes)),
            )
        })
        .collect();
    let days = daily.iter().map(Vec::len).max().unwrap_or(1).max(1) - 1;
    Ok(json!({
        "runs": e.runs.len(),
        "seed": e.master_seed,
        "days": days,
        "places": places,
        "highest_rung": summary.highest_rung,
        "peacekeepers_killed": summary.peacekeepers_killed,
        "peak_displaced": summary.peak_displaced,
        "civilian_deaths": summary.civilian_deaths,
        "svgs": svgs,
    }))
}

impl Ensemble {
    /// Run `setting`'s ensemble and make its view; `None`-like error if cancelled.
    pub fn compute(
        setting: Setting,
        progress: &Progress,
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Result<Self> {
        let (record, daily) = run(&setting, progress, cancelled)?;
        let view = view(&record, &daily)?;
        Ok(Self {
            setting,
            record,
            daily,
            view,
            records: Mutex::new(Vec::new()),
        })
    }

    /// The paired comparison of this ensemble with `baseline` (same seeds, same runs): every
    /// difference with its 90% interval, and the comparison's plots (capture curves and fans
    /// overlaid, the forest plot of the differences).
    pub fn compare(&self, baseline: &Ensemble) -> Result<Value> {
        let labels = [BASELINE.to_owned(), CURRENT.to_owned()];
        let pair = [baseline.record.clone(), self.record.clone()];
        let diffs = differences(CURRENT, &baseline.record, &self.record, Stat::Mean);
        let plots = compare_plots(&labels, &pair, Stat::Mean, Plots::Svg)?;
        let svgs: serde_json::Map<String, Value> = plots
            .iter()
            .map(|(name, bytes)| {
                (
                    name.trim_end_matches(".svg").to_owned(),
                    Value::String(fluid(bytes)),
                )
            })
            .collect();
        let finite = |x: f64| if x.is_finite() { json!(x) } else { Value::Null };
        let rows: Vec<Value> = diffs
            .iter()
            .map(|d| {
                json!({
                    "metric": d.metric,
                    "baseline": finite(d.baseline),
                    "value": finite(d.value),
                    "difference": finite(d.difference),
                    "low": finite(d.ci[0]),
                    "high": finite(d.ci[1]),
                    "pairs": d.pairs,
                })
            })
            .collect();
        Ok(json!({ "differences": rows, "svgs": svgs }))
    }

    /// The run nearest the median on `day`: the run whose number of places held on that day by
    /// another faction than on day 0 is nearest the median of that number over the runs (the
    /// first such run in run order).
    pub fn median_run(&self, day: usize) -> usize {
        let changed: Vec<usize> = self
            .daily
            .iter()
            .map(|d| {
                let (Some(first), Some(now)) = (d.first(), d.get(day).or(d.last())) else {
                    return 0;
                };
                first.iter().zip(now).filter(|(a, b)| a != b).count()
            })
            .collect();
        let mut sorted = changed.clone();
        sorted.sort_unstable();
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0);
        changed
            .iter()
            .enumerate()
            .min_by_key(|(i, c)| (c.abs_diff(median), *i))
            .map_or(0, |(i, _)| i)
    }

    /// The full record of run `k` (run again with its seed; the last few are kept).
    fn record_of(&self, k: u64) -> Result<Arc<RunRecord>> {
        if let Ok(kept) = self.records.lock()
            && let Some((_, r)) = kept.iter().find(|(i, _)| *i == k)
        {
            return Ok(Arc::clone(r));
        }
        let seed = run_seed(self.setting.seed, k);
        let record = Arc::new(run_loaded(
            &self.setting.loaded,
            RunOptions { seed, days: None },
        )?);
        if let Ok(mut kept) = self.records.lock() {
            if kept.len() >= KEPT_RECORDS {
                kept.remove(0);
            }
            kept.push((k, Arc::clone(&record)));
        }
        Ok(record)
    }

    /// The map of `day`: the SVG of run `run` (default: the run nearest the median on that
    /// day), each place's holder in that run with the share of the ensemble's runs in which the
    /// same faction holds it that day, and that run's events of the day (the single-run view).
    pub fn map(&self, day: usize, run: Option<usize>) -> Result<Value> {
        let k = run
            .filter(|&k| k < self.daily.len())
            .unwrap_or_else(|| self.median_run(day));
        let record = self.record_of(k as u64)?;
        let theatre = &self.record.theatre;
        let holder_on = |d: &DailyControl, p: usize| -> Option<u16> {
            d.get(day).or(d.last()).and_then(|row| row.get(p)).copied()
        };
        let holders: Vec<Option<u16>> = (0..theatre.places.len())
            .map(|p| self.daily.get(k).and_then(|d| holder_on(d, p)))
            .collect();
        let shares: Vec<f64> = holders
            .iter()
            .enumerate()
            .map(|(p, &holder)| {
                let same = self
                    .daily
                    .iter()
                    .filter(|d| holder.is_some() && holder_on(d, p) == holder)
                    .count();
                same as f64 / self.daily.len().max(1) as f64
            })
            .collect();
        let svg = map_day_svg(&record, day as f64, Some(&shares))?;
        let places: Vec<Value> = theatre
            .places
            .iter()
            .zip(holders.iter().zip(&shares))
            .map(|(place, (holder, share))| {
                let faction = holder
                    .and_then(|f| theatre.factions.get(usize::from(f)))
                    .map(|f| f.name.clone());
                json!({
                    "id": place.id,
                    "name": place.name,
                    "holder": faction,
                    "share": share,
                })
            })
            .collect();
        let (from, to) = (day as f64 * 24.0, (day as f64 + 1.0) * 24.0);
        let events: Vec<Value> = record
            .events
            .iter()
            .filter(|e| e.hours >= from && e.hours < to)
            .take(200)
            .map(|e| {
                json!({
                    "time": record.datetime(e.hours).format("%-d %b %H:%M").to_string(),
                    "text": e.text,
                })
            })
            .collect();
        Ok(json!({
            "day": day,
            "date": record.datetime(from).format("%-d %b %Y").to_string(),
            "run": k,
            "median": run.is_none(),
            "seed": record.seed,
            "svg": fluid(svg.as_bytes()),
            "places": places,
            "events": events,
        }))
    }
}
