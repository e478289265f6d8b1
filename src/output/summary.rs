//! `summary.json` (the outcomes a reader asks first), `manifest.json` (how to reproduce the
//! run), and the short text summary printed by `strife run`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::output::write::ResultKey;
use crate::run::RunRecord;
use crate::scenario::{Draw, FactionKind};
use crate::sim::resources::{EndReason, Theatre};
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
    /// Personnel committed (present strength).
    pub committed: u32,
    /// Strength on paper of the same units, ghost soldiers included (issue 14); equal to
    /// `committed` where no unit sets `paper_personnel`.
    pub paper: u32,
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
    /// Peacekeepers (peacekeeping and regional-force factions) killed.
    pub peacekeepers_killed: PeacekeeperSummary,
    /// Displacement and civilian deaths.
    pub civilians: CivilianSummary,
    /// Soldiers killed and wounded in all, all factions.
    pub military: MilitarySummary,
    /// Killed and wounded, civilian and military, at each place (in scenario order; places
    /// with none left out).
    pub casualties_by_place: Vec<PlaceCasualties>,
    /// The highest escalation rung reached, if the scenario has a ladder.
    pub highest_rung: Option<RungSummary>,
    /// Diplomatic instruments used, in order.
    pub instruments: Vec<InstrumentSummary>,
    /// Ceasefires offered and what became of them.
    pub ceasefires: Vec<CeasefireSummary>,
    /// Forces and contingents pulled out by their states.
    pub withdrawals: Vec<WithdrawalSummary>,
    /// Covert forces exposed.
    pub exposures: Vec<Dated>,
    /// Scenario events that happened.
    pub events: Vec<Dated>,
    /// Air assets (issue 14): sorties flown and aircraft lost, in scenario order; left out of
    /// the file when the scenario has none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub air: Vec<AirSummary>,
}

/// What one air asset did over the run.
#[derive(Debug, Serialize)]
pub struct AirSummary {
    /// Asset id.
    pub asset: String,
    /// Faction id flying it.
    pub faction: String,
    /// Kind of aircraft (`Jet`, `Helicopter`, `ArmedDrone`).
    pub kind: String,
    /// Base place id.
    pub base: String,
    /// Aircraft at the start.
    pub aircraft: u32,
    /// Sorties flown (expected sorties, one decimal).
    pub sorties: f64,
    /// Aircraft lost to air defences.
    pub lost: u32,
    /// Aircraft in service at the end.
    pub in_service: u32,
    /// Grounded at the end: its base is not held by its side.
    pub grounded: bool,
}

/// Peacekeepers killed.
#[derive(Debug, Serialize)]
pub struct PeacekeeperSummary {
    /// In all.
    pub total: u32,
    /// By faction and contingent.
    pub by_contingent: Vec<ContingentKilled>,
}

/// Killed in one contingent.
#[derive(Debug, Serialize)]
pub struct ContingentKilled {
    /// Faction id.
    pub faction: String,
    /// Contingent.
    pub contingent: String,
    /// Killed.
    pub killed: u32,
}

/// Civilians.
#[derive(Debug, Serialize)]
pub struct CivilianSummary {
    /// People who left their homes over the run.
    pub newly_displaced: f64,
    /// The most people displaced at one time (sheltering away from home).
    pub peak_displaced: f64,
    /// Day of that peak.
    pub peak_displaced_day: f64,
    /// Of the people displaced at the end, the refugees: those who crossed an international
    /// border in their flight.
    pub refugees: f64,
    /// Civilians dead: killed by fire and dead of hardship.
    pub deaths: f64,
    /// Of `deaths`, those killed by fire (fighting, cross-border fire).
    pub killed: f64,
    /// Of `deaths`, those dead of hardship (hunger, disease, exposure: in camps, after a
    /// capture, in flight).
    pub died_of_hardship: f64,
    /// Civilians wounded by fire.
    pub wounded: f64,
}

/// Soldiers killed and wounded, all factions.
#[derive(Debug, Serialize)]
pub struct MilitarySummary {
    /// Killed (outright or of wounds).
    pub killed: u32,
    /// Wounded.
    pub wounded: u32,
}

/// Killed and wounded at one place, persons.
#[derive(Debug, Serialize)]
pub struct PlaceCasualties {
    /// Place id.
    pub place: String,
    /// Civilians killed by fire.
    pub civilians_killed: f64,
    /// Civilians wounded by fire.
    pub civilians_wounded: f64,
    /// Civilians dead of hardship here (or in flight from here).
    pub civilians_died_of_hardship: f64,
    /// Soldiers killed here, all factions.
    pub military_killed: u32,
    /// Soldiers wounded here, all factions.
    pub military_wounded: u32,
}

/// A rung of the escalation ladder and when it was first reached.
#[derive(Debug, Serialize)]
pub struct RungSummary {
    /// 1-based number.
    pub rung: usize,
    /// Name.
    pub name: String,
    /// Days since the start.
    pub day: f64,
    /// Calendar date.
    pub date: String,
}

/// An instrument used.
#[derive(Debug, Serialize)]
pub struct InstrumentSummary {
    /// Actor id.
    pub actor: String,
    /// Instrument, in words.
    pub instrument: String,
    /// Target state.
    pub target: String,
    /// Days since the start.
    pub day: f64,
    /// Calendar date.
    pub date: String,
}

/// A ceasefire offer.
#[derive(Debug, Serialize)]
pub struct CeasefireSummary {
    /// Mediator id.
    pub mediator: String,
    /// Day offered.
    pub day: f64,
    /// Calendar date offered.
    pub date: String,
    /// Whether every side accepted.
    pub accepted: bool,
    /// Day it ended, if it did.
    pub ended_day: Option<f64>,
    /// Whether it was broken.
    pub broken: bool,
}

/// A withdrawal.
#[derive(Debug, Serialize)]
pub struct WithdrawalSummary {
    /// State.
    pub state: String,
    /// What it pulled out.
    pub what: String,
    /// Days since the start.
    pub day: f64,
    /// Calendar date.
    pub date: String,
}

/// Something that happened on a day.
#[derive(Debug, Serialize)]
pub struct Dated {
    /// What (an id or a name).
    pub what: String,
    /// Days since the start.
    pub day: f64,
    /// Calendar date.
    pub date: String,
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
            paper: r.paper_committed,
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
                paper: 0,
                killed: 0,
                wounded: 0,
                captured: 0,
                deserted: 0,
                remaining: 0,
            };
            for r in rows {
                sum.committed += r.personnel_committed;
                sum.paper += r.paper_committed;
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
        peacekeepers_killed: peacekeepers(record),
        civilians: civilians(record),
        military: MilitarySummary {
            killed: record.casualties.iter().map(|r| r.killed).sum(),
            wounded: record.casualties.iter().map(|r| r.wounded).sum(),
        },
        casualties_by_place: casualties_by_place(record),
        highest_rung: record.highest_rung.map(|(r, hours)| RungSummary {
            rung: r + 1,
            name: record.politics.rungs[r].0.clone(),
            day: round3(RunRecord::day(hours)),
            date: date(record, hours),
        }),
        instruments: record
            .political
            .instruments_used
            .iter()
            .map(|&(hours, actor, step)| {
                let spec = &record.politics.actors[actor];
                InstrumentSummary {
                    actor: spec.id.clone(),
                    instrument: spec.ladder[step].instrument.words().to_owned(),
                    target: record.politics.states[spec.target].name.clone(),
                    day: round3(RunRecord::day(hours)),
                    date: date(record, hours),
                }
            })
            .collect(),
        ceasefires: record
            .ceasefires
            .iter()
            .map(|c| CeasefireSummary {
                mediator: record.politics.actors[c.mediator].id.clone(),
                day: round3(RunRecord::day(c.offered_hours)),
                date: date(record, c.offered_hours),
                accepted: c.accepted,
                ended_day: c.ended_hours.map(|h| round3(RunRecord::day(h))),
                broken: c.broken,
            })
            .collect(),
        withdrawals: record
            .political
            .withdrawals
            .iter()
            .map(|(hours, state, what)| WithdrawalSummary {
                state: record.politics.states[*state].name.clone(),
                what: what.clone(),
                day: round3(RunRecord::day(*hours)),
                date: date(record, *hours),
            })
            .collect(),
        exposures: record
            .political
            .exposures
            .iter()
            .map(|&(hours, f)| dated(record, &t.factions[f].id, hours))
            .collect(),
        events: record
            .events_fired
            .iter()
            .enumerate()
            .filter_map(|(i, at)| {
                at.map(|hours| dated(record, &record.politics.events[i].id, hours))
            })
            .collect(),
        air: air(record),
    }
}

/// Sorties flown and aircraft lost by each air asset, from the last sample.
fn air(record: &RunRecord) -> Vec<AirSummary> {
    let t = &record.theatre;
    let last = record.samples.last();
    t.air
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let s = last.and_then(|s| s.air.get(i)).copied().unwrap_or_default();
            AirSummary {
                asset: a.id.clone(),
                faction: t.factions[a.faction].id.clone(),
                kind: format!("{:?}", a.kind),
                base: t.places[a.base].id.clone(),
                aircraft: a.count,
                sorties: (s.sorties * 10.0).round() / 10.0,
                lost: s.lost,
                in_service: s.in_service,
                grounded: s.grounded,
            }
        })
        .collect()
}

fn date(record: &RunRecord, hours: f64) -> String {
    record.datetime(hours).format("%Y-%m-%d").to_string()
}

fn dated(record: &RunRecord, what: &str, hours: f64) -> Dated {
    Dated {
        what: what.to_owned(),
        day: round3(RunRecord::day(hours)),
        date: date(record, hours),
    }
}

/// Whether a faction's dead count as peacekeepers killed.
pub fn is_peacekeeping(kind: FactionKind) -> bool {
    matches!(kind, FactionKind::Peacekeeper | FactionKind::RegionalForce)
}

/// Peacekeepers killed by contingent, in words: `20 SAMIDRC South Africa` (contingents with
/// none killed left out).
pub fn peacekeepers_in_words(t: &Theatre, p: &PeacekeeperSummary) -> Vec<String> {
    p.by_contingent
        .iter()
        .filter(|c| c.killed > 0)
        .map(|c| {
            let faction = t
                .factions
                .iter()
                .find(|f| f.id == c.faction)
                .map_or(c.faction.as_str(), |f| f.name.as_str());
            if c.contingent.is_empty() {
                format!("{} {faction}", c.killed)
            } else {
                format!("{} {faction} {}", c.killed, c.contingent)
            }
        })
        .collect()
}

fn peacekeepers(record: &RunRecord) -> PeacekeeperSummary {
    let by_contingent: Vec<ContingentKilled> = record
        .casualties
        .iter()
        .filter(|r| is_peacekeeping(record.theatre.factions[r.faction].kind))
        .map(|r| ContingentKilled {
            faction: record.theatre.factions[r.faction].id.clone(),
            contingent: r.contingent.clone(),
            killed: r.killed,
        })
        .collect();
    PeacekeeperSummary {
        total: by_contingent.iter().map(|c| c.killed).sum(),
        by_contingent,
    }
}

fn civilians(record: &RunRecord) -> CivilianSummary {
    let displaced_now =
        |s: &crate::sim::resources::Sample| s.places.iter().map(|p| p.displaced_here).sum::<f64>();
    let (peak, peak_hours) = record
        .samples
        .iter()
        .map(|s| (displaced_now(s), s.hours))
        .fold((0.0, 0.0), |best, x| if x.0 > best.0 { x } else { best });
    let last = record.samples.last();
    let sum = |f: fn(&crate::sim::resources::PlaceSample) -> f64| {
        last.map_or(0.0, |s| s.places.iter().map(f).sum::<f64>())
    };
    let killed = sum(|p| p.killed);
    CivilianSummary {
        newly_displaced: last.map_or(0.0, |s| s.newly_displaced.round()),
        peak_displaced: peak.round(),
        peak_displaced_day: round3(RunRecord::day(peak_hours)),
        refugees: sum(|p| p.refugees_here).round(),
        deaths: last.map_or(0.0, |s| s.civilian_deaths.round()),
        killed: killed.round(),
        died_of_hardship: (sum(|p| p.dead) - killed).max(0.0).round(),
        wounded: sum(|p| p.wounded).round(),
    }
}

/// Killed and wounded at each place at the end of the run.
fn casualties_by_place(record: &RunRecord) -> Vec<PlaceCasualties> {
    let Some(last) = record.samples.last() else {
        return Vec::new();
    };
    last.places
        .iter()
        .enumerate()
        .map(|(p, s)| PlaceCasualties {
            place: record.theatre.places[p].id.clone(),
            civilians_killed: s.killed.round(),
            civilians_wounded: s.wounded.round(),
            civilians_died_of_hardship: (s.dead - s.killed).max(0.0).round(),
            military_killed: s.military_killed,
            military_wounded: s.military_wounded,
        })
        .filter(|c| {
            c.civilians_killed + c.civilians_wounded + c.civilians_died_of_hardship > 0.0
                || c.military_killed + c.military_wounded > 0
        })
        .collect()
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// `summary.json` as pretty-printed bytes.
pub fn summary_json(record: &RunRecord) -> Result<Vec<u8>> {
    to_json(&run_summary(record))
}

/// The contents of `manifest.json`: enough to reproduce the run exactly, and the mark by which
/// strife knows a folder as its own result (see [`crate::output::write`]).
#[derive(Debug, Serialize, Deserialize)]
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
    /// Overrides applied to the base scenario (what-if files, `--set`), `PATH=VALUE`.
    pub overrides: Vec<String>,
    /// Runs of an ensemble (the seed is then the master seed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runs: Option<u64>,
    /// Every file that went into the result, with its SHA-256: each scenario or what-if file
    /// and, for a what-if, its base and the base's bases.
    pub files_read: Vec<(String, String)>,
    /// For an ensemble merged from shards: the command that makes the same result on one
    /// machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_machine_command: Option<Vec<String>>,
    /// For a comparison: every scenario file and its SHA-256, baseline first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compared: Vec<(String, String)>,
    /// For a hindcast: the observed file and its SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed: Option<(String, String)>,
    /// What made the result (command, scenario files, overrides): strife replaces the folder
    /// without `--force` only for the same. Filled in when the result is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<ResultKey>,
    /// For a shard of an ensemble: which block of runs it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<crate::run::ensemble::Shard>,
    /// Every file of the result, this manifest included: what strife wrote, and all it may
    /// replace. Filled in when the result is written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
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
            overrides: Vec::new(),
            files_read: Vec::new(),
            one_machine_command: None,
            runs: None,
            compared: Vec::new(),
            observed: None,
            result: None,
            shard: None,
            files: Vec::new(),
        }
    }

    /// A manifest for a run of `loaded`: its file, its overrides, and every file read.
    pub fn of_scenario(
        loaded: &crate::scenario::LoadedScenario,
        seed: u64,
        days: f64,
        command_line: Vec<String>,
    ) -> Self {
        let mut manifest = Self::new(&loaded.file, &loaded.source, seed, days, command_line);
        manifest.overrides = loaded.overrides.iter().map(ToString::to_string).collect();
        manifest.files_read = loaded.files_read.clone();
        manifest
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

/// Pretty-printed JSON with a final newline.
pub(crate) fn to_json(value: &impl Serialize) -> Result<Vec<u8>> {
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
    // Columns as wide as the longest name, so that long names keep the table aligned.
    let place_width = Theatre::column_width(t.places.iter().map(|p| p.name.as_str()), 20);
    let faction_width = Theatre::column_width(t.factions.iter().map(|f| f.name.as_str()), 20);
    out.push_str("\nChanges of hands:\n");
    if record.captures.is_empty() {
        out.push_str("  none\n");
    }
    for c in &record.captures {
        out.push_str(&format!(
            "  {}  day {:>5.1}  {:<place_width$} {} → {}\n",
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
            out.push_str(&format!(
                "  {:<faction_width$} {}\n",
                faction.name,
                held.join(", ")
            ));
        }
    }
    out.push_str(&format!(
        "\n{:<width$} killed  wounded  captured  deserted  remaining\n",
        "Casualties:",
        width = faction_width + 3
    ));
    for (l, faction) in s.casualties.iter().zip(&t.factions) {
        out.push_str(&format!(
            "  {:<faction_width$} {:>7}  {:>7}  {:>8}  {:>8}  {:>9}\n",
            faction.name, l.killed, l.wounded, l.captured, l.deserted, l.remaining
        ));
    }
    out.push('\n');
    // Only what applies: no line about peacekeepers in a theatre without any.
    if t.has_peacekeepers() {
        out.push_str(&format!(
            "Peacekeepers killed: {}{}\n",
            s.peacekeepers_killed.total,
            if s.peacekeepers_killed.total > 0 {
                format!(
                    " ({})",
                    peacekeepers_in_words(t, &s.peacekeepers_killed).join(", ")
                )
            } else {
                String::new()
            }
        ));
    }
    let n = |x: f64| crate::output::thousands(x.round() as i64);
    out.push_str(&format!(
        "Civilians: {} newly displaced, peak {} displaced (day {:.1}), {} dead \
         ({} killed by fire, {} of hardship), {} wounded\n",
        n(s.civilians.newly_displaced),
        n(s.civilians.peak_displaced),
        s.civilians.peak_displaced_day,
        n(s.civilians.deaths),
        n(s.civilians.killed),
        n(s.civilians.died_of_hardship),
        n(s.civilians.wounded)
    ));
    if s.civilians.refugees > 0.0 {
        out.push_str(&format!(
            "Refugees (displaced across a border) at the end: {}\n",
            n(s.civilians.refugees)
        ));
    }
    out.push_str(&format!(
        "Soldiers: {} killed, {} wounded\n",
        n(f64::from(s.military.killed)),
        n(f64::from(s.military.wounded))
    ));
    if let Some(r) = &s.highest_rung {
        out.push_str(&format!(
            "Highest escalation rung: {} ({}, day {:.1})\n",
            r.name, r.date, r.day
        ));
    }
    for w in &s.withdrawals {
        out.push_str(&format!(
            "Withdrawal: {} {} ({}, day {:.1})\n",
            w.state, w.what, w.date, w.day
        ));
    }
    let accepted = s.ceasefires.iter().filter(|c| c.accepted).count();
    if !s.ceasefires.is_empty() {
        out.push_str(&format!(
            "Ceasefires: {} offered, {accepted} accepted\n",
            s.ceasefires.len()
        ));
    }
    out.push_str(&format!("\nEnded: {}\n", s.end.text));
    out
}
