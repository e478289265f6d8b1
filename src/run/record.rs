//! The record of one run: everything the tables, summary and plots are made from.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::scenario::Draw;
use crate::sim::politics::{CeasefireRecord, PoliticalStatus, Politics};
use crate::sim::resources::{CaptureRecord, EndReason, LoggedEvent, Sample, Theatre};

/// Casualties of one faction's contingent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContingentCasualties {
    /// Faction index.
    pub faction: usize,
    /// Contingent (nationality), or empty.
    pub contingent: String,
    /// Killed.
    pub killed: u32,
    /// Wounded.
    pub wounded: u32,
    /// Captured.
    pub captured: u32,
    /// Deserted.
    pub deserted: u32,
    /// Personnel left at the end.
    pub personnel_end: u32,
    /// Personnel committed (initial plus reinforcements that arrived or were due).
    pub personnel_committed: u32,
    /// Strength on paper of the same units (issue 14): `personnel_committed` plus the ghost
    /// soldiers of their `paper_personnel`.
    pub paper_committed: u32,
}

/// The complete outcome of one run.
#[derive(Debug, Clone)]
pub struct RunRecord {
    /// Scenario title.
    pub scenario_name: String,
    /// Calendar date of hour 0.
    pub start_date: NaiveDate,
    /// Hours per tick.
    pub tick_hours: f64,
    /// Seed of the run.
    pub seed: u64,
    /// The run's day limit (`--days` or the scenario's duration; a run may end sooner).
    pub days: f64,
    /// The static theatre (names, colours, coordinates).
    pub theatre: Theatre,
    /// One sample at the start and one after every tick.
    pub samples: Vec<Sample>,
    /// Events in order.
    pub events: Vec<LoggedEvent>,
    /// Changes of hands in order.
    pub captures: Vec<CaptureRecord>,
    /// Casualties by faction and contingent, in faction then first-appearance order.
    pub casualties: Vec<ContingentCasualties>,
    /// Why the run ended.
    pub end: EndReason,
    /// Ticks run.
    pub ticks: u64,
    /// Values drawn for the scenario's uncertain inputs, in a fixed order.
    pub inputs: Vec<Draw>,
    /// The scenario's actors, states, rungs and events.
    pub politics: Politics,
    /// Instruments used, withdrawals and exposures over the run.
    pub political: PoliticalStatus,
    /// Every ceasefire offer and what became of it.
    pub ceasefires: Vec<CeasefireRecord>,
    /// The highest escalation rung reached and when (hours).
    pub highest_rung: Option<(usize, f64)>,
    /// When each scenario event happened (hours), if it did.
    pub events_fired: Vec<Option<f64>>,
}

/// The calendar time `days` after `origin`, to the minute. Checked: a time past the calendar's
/// ends (which validation keeps scenarios far from) is the calendar's first or last minute, not
/// a panic.
pub fn time_after(origin: NaiveDateTime, days: f64) -> NaiveDateTime {
    let minutes = (days * 1440.0).round();
    let fallback = if minutes < 0.0 {
        NaiveDateTime::MIN
    } else {
        NaiveDateTime::MAX
    };
    // `as` saturates a float too large for an i64.
    Duration::try_minutes(minutes as i64)
        .and_then(|d| origin.checked_add_signed(d))
        .unwrap_or(fallback)
}

impl RunRecord {
    /// The calendar date and time `hours` after the start.
    pub fn datetime(&self, hours: f64) -> NaiveDateTime {
        time_after(
            self.start_date.and_time(chrono::NaiveTime::MIN),
            hours / 24.0,
        )
    }

    /// Days since the start.
    pub fn day(hours: f64) -> f64 {
        hours / 24.0
    }

    /// Faction index holding each place at the end.
    pub fn final_control(&self) -> &[usize] {
        self.samples.last().map_or(&[], |s| s.control.as_slice())
    }
}
