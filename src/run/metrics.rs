//! Named outcomes of a run, for comparisons and sweeps: `fall_day.goma`, `p_fall.goma`,
//! `peacekeepers_killed`, `killed.fardc`, …

use super::ensemble::RunDigest;
use crate::error::{Error, Result};
use crate::scenario::load::suggest;
use crate::sim::resources::Theatre;

/// An outcome of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Day a place first changed hands, censored: a run where it did not counts at the day
    /// limit (every run has a value).
    FallDay(usize),
    /// Day a place first changed hands, over the runs where it did (no value otherwise): a
    /// conditional quantity, to read beside `p_fall` of the same place.
    FallDayIf(usize),
    /// 1 if a place changed hands, else 0: its mean is the probability.
    PFall(usize),
    /// Peacekeepers killed.
    PeacekeepersKilled,
    /// People newly displaced.
    NewlyDisplaced,
    /// Most people displaced at one time.
    PeakDisplaced,
    /// Civilians killed.
    CivilianDeaths,
    /// Killed of a faction.
    Killed(usize),
    /// 1 if a state withdrew forces, else 0.
    PWithdrawal,
    /// 1 if a ceasefire was accepted, else 0.
    PCeasefire,
    /// Highest escalation rung reached (0 if none).
    HighestRung,
}

/// The metric name patterns, with what each means, for `strife metrics`.
pub const PATTERNS: [(&str, &str); 11] = [
    (
        "fall_day.PLACE",
        "day the place first changed hands; a run where it did not counts at the day limit",
    ),
    (
        "fall_day_if.PLACE",
        "day the place first changed hands, over the runs where it did (read with p_fall)",
    ),
    ("p_fall.PLACE", "probability the place changed hands"),
    ("peacekeepers_killed", "peacekeepers killed (persons)"),
    ("newly_displaced", "people who left their homes (persons)"),
    (
        "peak_displaced",
        "most people displaced at one time (persons)",
    ),
    (
        "civilian_deaths",
        "civilians dead, killed in fighting or of hardship (persons)",
    ),
    ("killed.FACTION", "soldiers of the faction killed (persons)"),
    ("p_withdrawal", "probability that a state pulled forces out"),
    ("p_ceasefire", "probability that a ceasefire was accepted"),
    (
        "highest_rung",
        "highest escalation rung reached (1 = lowest; 0 = none)",
    ),
];

impl Metric {
    /// Every metric of a theatre, in a fixed order.
    pub fn all(theatre: &Theatre) -> Vec<Metric> {
        let places = 0..theatre.places.len();
        let mut all: Vec<Metric> = places.clone().map(Metric::PFall).collect();
        all.extend(places.clone().map(Metric::FallDay));
        all.extend(places.map(Metric::FallDayIf));
        all.extend([
            Metric::PeacekeepersKilled,
            Metric::NewlyDisplaced,
            Metric::PeakDisplaced,
            Metric::CivilianDeaths,
            Metric::PWithdrawal,
            Metric::PCeasefire,
            Metric::HighestRung,
        ]);
        all.extend((0..theatre.factions.len()).map(Metric::Killed));
        all
    }

    /// The metric's name.
    pub fn name(&self, theatre: &Theatre) -> String {
        match *self {
            Metric::FallDay(p) => format!("fall_day.{}", theatre.places[p].id),
            Metric::FallDayIf(p) => format!("fall_day_if.{}", theatre.places[p].id),
            Metric::PFall(p) => format!("p_fall.{}", theatre.places[p].id),
            Metric::PeacekeepersKilled => "peacekeepers_killed".into(),
            Metric::NewlyDisplaced => "newly_displaced".into(),
            Metric::PeakDisplaced => "peak_displaced".into(),
            Metric::CivilianDeaths => "civilian_deaths".into(),
            Metric::Killed(f) => format!("killed.{}", theatre.factions[f].id),
            Metric::PWithdrawal => "p_withdrawal".into(),
            Metric::PCeasefire => "p_ceasefire".into(),
            Metric::HighestRung => "highest_rung".into(),
        }
    }

    /// The metric called `name`; `Err` lists the nearest names.
    pub fn parse(name: &str, theatre: &Theatre) -> Result<Metric> {
        let all = Metric::all(theatre);
        let names: Vec<String> = all.iter().map(|m| m.name(theatre)).collect();
        match names.iter().position(|n| n == name) {
            Some(i) => Ok(all[i]),
            None => {
                let hint = suggest(name, names.iter().map(String::as_str))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                Err(Error::Usage(format!(
                    "unknown metric `{name}`{hint} (`strife metrics SCENARIO` lists them)"
                )))
            }
        }
    }

    /// Whether the metric is a 0/1 indicator whose mean is a probability.
    pub fn is_probability(&self) -> bool {
        matches!(
            self,
            Metric::PFall(_) | Metric::PWithdrawal | Metric::PCeasefire
        )
    }

    /// Whether the metric is a day that a run censors at its day limit.
    pub fn is_censored_day(&self) -> bool {
        matches!(self, Metric::FallDay(_))
    }

    /// The metric's value in one run of `days` days, if it has one.
    pub fn value(&self, r: &RunDigest, days: f64) -> Option<f64> {
        let indicator = |b: bool| Some(if b { 1.0 } else { 0.0 });
        match *self {
            Metric::FallDay(p) => Some(
                r.first_capture_day
                    .get(p)
                    .copied()
                    .flatten()
                    .unwrap_or(days),
            ),
            Metric::FallDayIf(p) => r.first_capture_day.get(p).copied().flatten(),
            Metric::PFall(p) => indicator(r.first_capture_day.get(p).copied().flatten().is_some()),
            Metric::PeacekeepersKilled => Some(f64::from(r.peacekeepers_killed)),
            Metric::NewlyDisplaced => Some(r.newly_displaced),
            Metric::PeakDisplaced => Some(r.peak_displaced),
            Metric::CivilianDeaths => Some(r.civilian_deaths),
            Metric::Killed(f) => r.killed.get(f).map(|&k| f64::from(k)),
            Metric::PWithdrawal => indicator(r.withdrawals > 0),
            Metric::PCeasefire => indicator(r.ceasefires_accepted > 0),
            Metric::HighestRung => Some(r.highest_rung.unwrap_or(0) as f64),
        }
    }
}
