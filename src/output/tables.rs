//! Tidy CSV tables of a run, returned as bytes (the caller decides where they go).

use crate::error::{Error, Result};
use crate::run::RunRecord;

/// Format hours since the start as the `day` column (days, three decimals).
fn day(hours: f64) -> String {
    format!("{:.3}", hours / 24.0)
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>> {
    w.into_inner()
        .map_err(|e| Error::Internal(format!("writing a table: {e}")))
}

fn csv_error(e: csv::Error) -> Error {
    Error::Internal(format!("writing a table: {e}"))
}

/// `forces.csv`: one row per sample and faction: personnel in the theatre and cumulative losses.
pub fn forces_csv(record: &RunRecord) -> Result<Vec<u8>> {
    let mut w = writer();
    w.write_record([
        "day",
        "datetime",
        "faction",
        "personnel",
        "killed",
        "wounded",
        "captured",
        "deserted",
    ])
    .map_err(csv_error)?;
    for sample in &record.samples {
        let datetime = record
            .datetime(sample.hours)
            .format("%Y-%m-%d %H:%M")
            .to_string();
        for (f, s) in sample.factions.iter().enumerate() {
            w.write_record([
                day(sample.hours),
                datetime.clone(),
                record.theatre.factions[f].id.clone(),
                s.personnel.to_string(),
                s.killed.to_string(),
                s.wounded.to_string(),
                s.captured.to_string(),
                s.deserted.to_string(),
            ])
            .map_err(csv_error)?;
        }
    }
    finish(w)
}

/// `control.csv`: one row per sample and place: the faction holding it.
pub fn control_csv(record: &RunRecord) -> Result<Vec<u8>> {
    let mut w = writer();
    w.write_record(["day", "datetime", "place", "controller"])
        .map_err(csv_error)?;
    for sample in &record.samples {
        let datetime = record
            .datetime(sample.hours)
            .format("%Y-%m-%d %H:%M")
            .to_string();
        for (p, &f) in sample.control.iter().enumerate() {
            w.write_record([
                day(sample.hours),
                datetime.clone(),
                record.theatre.places[p].id.clone(),
                record.theatre.factions[f].id.clone(),
            ])
            .map_err(csv_error)?;
        }
    }
    finish(w)
}

/// `supply.csv`: one row per sample and faction: mean days of supply held and the share of
/// personnel connected to a source.
pub fn supply_csv(record: &RunRecord) -> Result<Vec<u8>> {
    let mut w = writer();
    w.write_record([
        "day",
        "datetime",
        "faction",
        "supply_days",
        "supplied_share",
    ])
    .map_err(csv_error)?;
    for sample in &record.samples {
        let datetime = record
            .datetime(sample.hours)
            .format("%Y-%m-%d %H:%M")
            .to_string();
        for (f, s) in sample.factions.iter().enumerate() {
            w.write_record([
                day(sample.hours),
                datetime.clone(),
                record.theatre.factions[f].id.clone(),
                format!("{:.3}", s.supply_days),
                format!("{:.3}", s.supplied_share),
            ])
            .map_err(csv_error)?;
        }
    }
    finish(w)
}

/// `casualties.csv`: one row per faction and contingent: losses by kind at the end of the run.
pub fn casualties_csv(record: &RunRecord) -> Result<Vec<u8>> {
    let mut w = writer();
    w.write_record([
        "faction",
        "contingent",
        "committed",
        "killed",
        "wounded",
        "captured",
        "deserted",
        "remaining",
    ])
    .map_err(csv_error)?;
    for row in &record.casualties {
        w.write_record([
            record.theatre.factions[row.faction].id.clone(),
            row.contingent.clone(),
            row.personnel_committed.to_string(),
            row.killed.to_string(),
            row.wounded.to_string(),
            row.captured.to_string(),
            row.deserted.to_string(),
            row.personnel_end.to_string(),
        ])
        .map_err(csv_error)?;
    }
    finish(w)
}

/// `events.csv`: the events log: time, kind and what happened.
pub fn events_csv(record: &RunRecord) -> Result<Vec<u8>> {
    let mut w = writer();
    w.write_record(["day", "datetime", "kind", "text"])
        .map_err(csv_error)?;
    for e in &record.events {
        w.write_record([
            day(e.hours),
            record
                .datetime(e.hours)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            e.kind.name().to_owned(),
            e.text.clone(),
        ])
        .map_err(csv_error)?;
    }
    finish(w)
}
