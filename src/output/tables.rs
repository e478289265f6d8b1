//! Tidy CSV tables of a run, returned as bytes (the caller decides where they go).

use crate::error::{Error, Result};
use crate::run::RunRecord;
use crate::sim::resources::Sample;

/// Format hours since the start as the `day` column (days, three decimals).
fn day(hours: f64) -> String {
    format!("{:.3}", hours / 24.0)
}

fn csv_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("writing a table: {e}"))
}

/// A table with `day` and `datetime` first, then `header`, and for every sample the rows
/// `rows` gives (each without its time columns).
fn per_sample(
    record: &RunRecord,
    header: &[&str],
    rows: impl Fn(&Sample) -> Vec<Vec<String>>,
) -> Result<Vec<u8>> {
    let mut w = crate::output::safe_csv::CsvWriter::new();
    let mut full = vec!["day", "datetime"];
    full.extend_from_slice(header);
    w.write_record(&full).map_err(csv_error)?;
    for sample in &record.samples {
        let time = [
            day(sample.hours),
            record
                .datetime(sample.hours)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        ];
        for row in rows(sample) {
            w.write_record(time.iter().chain(&row)).map_err(csv_error)?;
        }
    }
    w.into_inner().map_err(csv_error)
}

/// A table with a row per sample and faction: `row` gives the faction's columns.
fn per_sample_faction(
    record: &RunRecord,
    header: &[&str],
    row: impl Fn(&crate::sim::resources::FactionSample) -> Vec<String>,
) -> Result<Vec<u8>> {
    let mut full = vec!["faction"];
    full.extend_from_slice(header);
    per_sample(record, &full, |sample| {
        sample
            .factions
            .iter()
            .enumerate()
            .map(|(f, s)| {
                let mut cells = vec![record.theatre.factions[f].id.clone()];
                cells.extend(row(s));
                cells
            })
            .collect()
    })
}

/// A table of plain rows.
fn plain(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>> {
    let mut w = crate::output::safe_csv::CsvWriter::new();
    w.write_record(header).map_err(csv_error)?;
    for row in rows {
        w.write_record(&row).map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

fn num(x: f64) -> String {
    format!("{x:.3}")
}

fn people(x: f64) -> String {
    format!("{:.0}", x.max(0.0))
}

/// `forces.csv`: one row per sample and faction: personnel in the theatre and cumulative losses.
pub fn forces_csv(record: &RunRecord) -> Result<Vec<u8>> {
    let header = ["personnel", "killed", "wounded", "captured", "deserted"];
    per_sample_faction(record, &header, |s| {
        vec![
            s.personnel.to_string(),
            s.killed.to_string(),
            s.wounded.to_string(),
            s.captured.to_string(),
            s.deserted.to_string(),
        ]
    })
}

/// `air.csv` (issue 14; written only when the scenario has air assets): one row per sample
/// and air asset: aircraft in service, sorties flown so far (expected sorties), aircraft lost to
/// air defences so far, and whether it is grounded (its base lost).
pub fn air_csv(record: &RunRecord) -> Result<Vec<u8>> {
    let header = [
        "asset",
        "faction",
        "kind",
        "in_service",
        "sorties",
        "lost",
        "grounded",
    ];
    per_sample(record, &header, |sample| {
        let t = &record.theatre;
        t.air
            .iter()
            .zip(&sample.air)
            .map(|(a, s)| {
                vec![
                    a.id.clone(),
                    t.factions[a.faction].id.clone(),
                    format!("{:?}", a.kind),
                    s.in_service.to_string(),
                    num(s.sorties),
                    s.lost.to_string(),
                    s.grounded.to_string(),
                ]
            })
            .collect()
    })
}

/// `control.csv`: one row per sample and place: the faction holding it, and whether it is
/// fought over.
pub fn control_csv(record: &RunRecord) -> Result<Vec<u8>> {
    per_sample(record, &["place", "controller", "contested"], |sample| {
        sample
            .control
            .iter()
            .enumerate()
            .map(|(p, &f)| {
                vec![
                    record.theatre.places[p].id.clone(),
                    record.theatre.factions[f].id.clone(),
                    sample
                        .contested
                        .get(p)
                        .copied()
                        .unwrap_or(false)
                        .to_string(),
                ]
            })
            .collect()
    })
}

/// `supply.csv`: one row per sample and faction: mean days of supply held and the share of
/// personnel connected to a source.
pub fn supply_csv(record: &RunRecord) -> Result<Vec<u8>> {
    per_sample_faction(record, &["supply_days", "supplied_share"], |s| {
        vec![num(s.supply_days), num(s.supplied_share)]
    })
}

/// `civilians.csv`: one row per sample and place: residents at home, displaced people
/// sheltering there, civilians dead there so far (all causes), of them killed by fire and dead
/// of hardship, civilians wounded, soldiers (all factions) killed and wounded there so far,
/// days of food held, and of the displaced sheltering there the refugees (who crossed an
/// international border in their flight).
pub fn civilians_csv(record: &RunRecord) -> Result<Vec<u8>> {
    let header = [
        "place",
        "residents",
        "displaced_here",
        "dead",
        "killed",
        "died_of_hardship",
        "wounded",
        "military_killed",
        "military_wounded",
        "food_days",
        "refugees_here",
    ];
    per_sample(record, &header, |sample| {
        sample
            .places
            .iter()
            .enumerate()
            .map(|(p, c)| {
                vec![
                    record.theatre.places[p].id.clone(),
                    people(c.residents),
                    people(c.displaced_here),
                    people(c.dead),
                    people(c.killed),
                    people(c.dead - c.killed),
                    people(c.wounded),
                    c.military_killed.to_string(),
                    c.military_wounded.to_string(),
                    num(c.food_days),
                    people(c.refugees_here),
                ]
            })
            .collect()
    })
}

/// `diplomacy.csv`: one row per sample and actor: attention, the highest instrument used, the
/// binding instruments in force (adopted and not yet lifted), and the pressure it puts on its
/// target now.
pub fn diplomacy_csv(record: &RunRecord) -> Result<Vec<u8>> {
    let politics = &record.politics;
    let lifted = &record.political.instruments_lifted;
    let header = [
        "actor",
        "target",
        "attention",
        "instrument",
        "binding_in_force",
        "pressure",
    ];
    per_sample(record, &header, |sample| {
        politics
            .actors
            .iter()
            .enumerate()
            .map(|(a, spec)| {
                let level = sample.level.get(a).copied().flatten();
                let instrument = level.map_or("", |l| spec.ladder[l].instrument.words());
                let binding: Vec<&str> = level
                    .map_or(0..0, |l| 0..(l + 1).min(spec.ladder.len()))
                    .filter(|&i| {
                        spec.ladder[i].instrument.binding()
                            && !lifted.iter().any(|&(hours, x, step)| {
                                x == a && step == i && hours <= sample.hours + 1e-9
                            })
                    })
                    .map(|i| spec.ladder[i].instrument.words())
                    .collect();
                vec![
                    spec.id.clone(),
                    politics.states[spec.target].name.clone(),
                    num(sample.attention.get(a).copied().unwrap_or(0.0)),
                    instrument.to_owned(),
                    binding.join("; "),
                    num(sample.pressure_from.get(a).copied().unwrap_or(0.0)),
                ]
            })
            .collect()
    })
}

/// `states.csv`: one row per sample and state: pressure on it, its resolve, its stance.
pub fn states_csv(record: &RunRecord) -> Result<Vec<u8>> {
    let states = &record.politics.states;
    per_sample(
        record,
        &["state", "pressure", "resolve", "stance"],
        |sample| {
            states
                .iter()
                .enumerate()
                .map(|(s, spec)| {
                    vec![
                        spec.name.clone(),
                        num(sample.pressure_on.get(s).copied().unwrap_or(0.0)),
                        spec.resolve.map(num).unwrap_or_default(),
                        sample.stance.get(s).map_or("", |st| st.word()).to_owned(),
                    ]
                })
                .collect()
        },
    )
}

/// `escalation.csv`: one row per sample: the escalation rung, whether a ceasefire is in force,
/// and the running totals of displacement, civilian deaths and peacekeepers killed.
pub fn escalation_csv(record: &RunRecord) -> Result<Vec<u8>> {
    let rungs = &record.politics.rungs;
    let header = [
        "rung",
        "rung_name",
        "ceasefire",
        "newly_displaced",
        "displaced_now",
        "civilian_deaths",
        "peacekeepers_killed",
    ];
    per_sample(record, &header, |sample| {
        let displaced_now: f64 = sample.places.iter().map(|p| p.displaced_here).sum();
        vec![vec![
            sample.rung.map(|r| (r + 1).to_string()).unwrap_or_default(),
            sample.rung.map(|r| rungs[r].0.clone()).unwrap_or_default(),
            sample.ceasefire.to_string(),
            people(sample.newly_displaced),
            people(displaced_now),
            people(sample.civilian_deaths),
            people(sample.peacekeepers_killed),
        ]]
    })
}

/// The columns of `casualties.csv` (and of the report's table of losses).
pub const CASUALTY_COLUMNS: [&str; 8] = [
    "faction",
    "contingent",
    "committed",
    "killed",
    "wounded",
    "captured",
    "deserted",
    "remaining",
];

/// `casualties.csv`: one row per faction and contingent: losses by kind at the end of the run;
/// then one row `civilians` for the people of every place: their starting number, the dead
/// (killed by fire and dead of hardship), the wounded, and those present at the end
/// (`civilians.csv` has them by place).
pub fn casualties_csv(record: &RunRecord) -> Result<Vec<u8>> {
    let military = record.casualties.iter().map(|row| {
        vec![
            record.theatre.factions[row.faction].id.clone(),
            row.contingent.clone(),
            row.personnel_committed.to_string(),
            row.killed.to_string(),
            row.wounded.to_string(),
            row.captured.to_string(),
            row.deserted.to_string(),
            row.personnel_end.to_string(),
        ]
    });
    let civilians = record.samples.last().map(|last| {
        let sum = |f: fn(&crate::sim::resources::PlaceSample) -> f64| -> f64 {
            last.places.iter().map(f).sum()
        };
        let start: f64 = record.theatre.places.iter().map(|p| p.population).sum();
        vec![
            "civilians".to_owned(),
            String::new(),
            people(start),
            people(sum(|p| p.dead)),
            people(sum(|p| p.wounded)),
            "0".to_owned(),
            "0".to_owned(),
            people(sum(|p| p.residents + p.displaced_here)),
        ]
    });
    plain(&CASUALTY_COLUMNS, military.chain(civilians))
}

/// `events.csv`: the events log: time, kind and what happened.
pub fn events_csv(record: &RunRecord) -> Result<Vec<u8>> {
    plain(
        &["day", "datetime", "kind", "text"],
        record.events.iter().map(|e| {
            vec![
                day(e.hours),
                record
                    .datetime(e.hours)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                e.kind.name().to_owned(),
                e.text.clone(),
            ]
        }),
    )
}
