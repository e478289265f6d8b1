//! `summary.json` (the outcomes a reader asks first), `manifest.json` (how to reproduce the
//! run), and the short text summary printed by `strife run`.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::run::RunRecord;
use crate::scenario::Draw;
use crate::sim::resources::EndReason;
use crate::sim::systems::end::describe_end;

/// One change of hands.
#[derive(Debug, Serialize)]
pub struct CaptureSummary {
    /// Place id.
    pub place: String,
    /// Faction id of the new holder.
    pub by: String,
    /// Faction id of the previous holder.
    pub from: String,
    /// Days since the start.
    pub day: f64,
    /// Calendar date, `YYYY-MM-DD`.
    pub date: String,
    /// Calendar date and time, `YYYY-MM-DD HH:MM`.
    pub datetime: String,
}

/// Who holds a place at the end.
#[derive(Debug, Serialize)]
pub struct HolderSummary {
    /// Place id.
    pub place: String,
    /// Faction id.
    pub controller: String,
}

/// Losses of a faction or contingent.
#[derive(Debug, Serialize)]
pub struct LossSummary {
    /// Faction id.
    pub faction: String,
    /// Contingent, if the row is for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contingent: Option<String>,
    /// Personnel committed.
    pub committed: u32,
    /// Killed.
    pub killed: u32,
    /// Wounded.
    pub wounded: u32,
    /// Captured.
    pub captured: u32,
    /// Deserted.
    pub deserted: u32,
    /// Personnel remaining.
    pub remaining: u32,
}

/// Why the run ended.
#[derive(Debug, Serialize)]
pub struct EndSummary {
    /// `day_limit`, `place_captured` or `side_broken`.
    pub kind: &'static str,
    /// In words.
    pub text: String,
    /// Days run.
    pub day: f64,
}

/// The contents of `summary.json` for one run.
#[derive(Debug, Serialize)]
pub struct RunSummary {
    /// Scenario title.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Calendar date of day 0.
    pub start_date: String,
    /// Every change of hands, in order.
    pub captures: Vec<CaptureSummary>,
    /// Who holds each place at the end, in scenario order.
    pub final_control: Vec<HolderSummary>,
    /// Losses by faction.
    pub casualties: Vec<LossSummary>,
    /// Losses by faction and contingent.
    pub casualties_by_contingent: Vec<LossSummary>,
    /// Why the run ended.
    pub end: EndSummary,
    /// Values drawn for the scenario's uncertain inputs.
    pub inputs: Vec<Draw>,
}

/// Build the summary of a run.
pub fn run_summary(record: &RunRecord) -> RunSummary {
    let t = &record.theatre;
    let captures = record
        .captures
        .iter()
        .map(|c| CaptureSummary {
            place: t.places[c.place].id.clone(),
            by: t.factions[c.by].id.clone(),
            from: t.factions[c.from].id.clone(),
            day: round3(RunRecord::day(c.hours)),
            date: record.datetime(c.hours).format("%Y-%m-%d").to_string(),
            datetime: record
                .datetime(c.hours)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        })
        .collect();
    let final_control = record
        .final_control()
        .iter()
        .enumerate()
        .map(|(p, &f)| HolderSummary {
            place: t.places[p].id.clone(),
            controller: t.factions[f].id.clone(),
        })
        .collect();
    let by_contingent = record
        .casualties
        .iter()
        .map(|r| LossSummary {
            faction: t.factions[r.faction].id.clone(),
            contingent: Some(r.contingent.clone()).filter(|c| !c.is_empty()),
            committed: r.personnel_committed,
            killed: r.killed,
            wounded: r.wounded,
            captured: r.captured,
            deserted: r.deserted,
            remaining: r.personnel_end,
        })
        .collect();
    let casualties = (0..t.factions.len())
        .map(|f| {
            let rows = record.casualties.iter().filter(|r| r.faction == f);
            let mut sum = LossSummary {
                faction: t.factions[f].id.clone(),
                contingent: None,
                committed: 0,
                killed: 0,
                wounded: 0,
                captured: 0,
                deserted: 0,
                remaining: 0,
            };
            for r in rows {
                sum.committed += r.personnel_committed;
                sum.killed += r.killed;
                sum.wounded += r.wounded;
                sum.captured += r.captured;
                sum.deserted += r.deserted;
                sum.remaining += r.personnel_end;
            }
            sum
        })
        .collect();
    let kind = match record.end {
        EndReason::DayLimit { .. } => "day_limit",
        EndReason::PlaceCaptured { .. } => "place_captured",
        EndReason::SideBroken { .. } => "side_broken",
    };
    RunSummary {
        scenario: record.scenario_name.clone(),
        seed: record.seed,
        start_date: record.start_date.format("%Y-%m-%d").to_string(),
        captures,
        final_control,
        casualties,
        casualties_by_contingent: by_contingent,
        end: EndSummary {
            kind,
            text: describe_end(t, &record.end),
            day: round3(record.ticks as f64 * record.tick_hours / 24.0),
        },
        inputs: record.inputs.clone(),
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// `summary.json` as pretty-printed bytes.
pub fn summary_json(record: &RunRecord) -> Result<Vec<u8>> {
    to_json(&run_summary(record))
}

/// The contents of `manifest.json`: enough to reproduce the run exactly.
#[derive(Debug, Serialize)]
pub struct Manifest {
    /// `strife` version that produced the outputs.
    pub engine_version: String,
    /// Scenario file as given.
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes, hex.
    pub scenario_sha256: String,
    /// Seed of the run.
    pub seed: u64,
    /// Day limit used.
    pub days: f64,
    /// The command line, as typed.
    pub command_line: Vec<String>,
}

impl Manifest {
    /// A manifest for a run of `source` (the scenario file's text).
    pub fn new(
        scenario_file: &str,
        source: &str,
        seed: u64,
        days: f64,
        command_line: Vec<String>,
    ) -> Self {
        Self {
            engine_version: env!("CARGO_PKG_VERSION").to_owned(),
            scenario_file: scenario_file.to_owned(),
            scenario_sha256: sha256_hex(source.as_bytes()),
            seed,
            days,
            command_line,
        }
    }

    /// `manifest.json` as pretty-printed bytes.
    pub fn to_json(&self) -> Result<Vec<u8>> {
        to_json(self)
    }
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn to_json(value: &impl Serialize) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::Internal(format!("writing JSON: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The short summary `strife run` prints: changes of hands, final holders, losses, the end.
pub fn text_summary(record: &RunRecord) -> String {
    let t = &record.theatre;
    let s = run_summary(record);
    let mut out = format!(
        "{} — seed {}, from {} ({} days run)\n",
        record.scenario_name, record.seed, s.start_date, s.end.day
    );
    out.push_str("\nChanges of hands:\n");
    if record.captures.is_empty() {
        out.push_str("  none\n");
    }
    for c in &record.captures {
        out.push_str(&format!(
            "  {}  day {:>5.1}  {:<20} {} → {}\n",
            record.datetime(c.hours).format("%Y-%m-%d %H:%M"),
            RunRecord::day(c.hours),
            t.places[c.place].name,
            t.factions[c.from].name,
            t.factions[c.by].name,
        ));
    }
    out.push_str("\nHeld at the end:\n");
    for (f, faction) in t.factions.iter().enumerate() {
        let held: Vec<&str> = record
            .final_control()
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c == f)
            .map(|(p, _)| t.places[p].name.as_str())
            .collect();
        if !held.is_empty() {
            out.push_str(&format!("  {:<20} {}\n", faction.name, held.join(", ")));
        }
    }
    out.push_str("\nCasualties:            killed  wounded  captured  deserted  remaining\n");
    for (l, faction) in s.casualties.iter().zip(&t.factions) {
        out.push_str(&format!(
            "  {:<20} {:>7}  {:>7}  {:>8}  {:>8}  {:>9}\n",
            faction.name, l.killed, l.wounded, l.captured, l.deserted, l.remaining
        ));
    }
    out.push_str(&format!("\nEnded: {}\n", s.end.text));
    out
}
