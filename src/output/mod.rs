//! Outputs: tables (CSV), summary and manifest (JSON), plots (PNG, SVG), the HTML report, and
//! writing them to a folder all at once.

pub mod calibrate;
pub mod compare;
pub mod ensemble;
pub mod hindcast;
pub mod plot;
pub mod report;
pub mod safe_csv;
pub mod sensitivity;
pub mod summary;
pub mod sweep;
pub mod tables;
pub mod write;

use crate::error::Result;

/// `n` with commas between thousands: `12,345`, `-1,000`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
use crate::run::RunRecord;
use summary::Manifest;

/// Every output file of one run, as `(file name, bytes)`; `description` is the scenario's, for
/// the report.
pub fn run_outputs(
    record: &RunRecord,
    manifest: &Manifest,
    description: &str,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = vec![
        ("forces.csv".to_owned(), tables::forces_csv(record)?),
        ("control.csv".to_owned(), tables::control_csv(record)?),
        ("casualties.csv".to_owned(), tables::casualties_csv(record)?),
        ("supply.csv".to_owned(), tables::supply_csv(record)?),
        ("events.csv".to_owned(), tables::events_csv(record)?),
        ("civilians.csv".to_owned(), tables::civilians_csv(record)?),
        ("diplomacy.csv".to_owned(), tables::diplomacy_csv(record)?),
        ("states.csv".to_owned(), tables::states_csv(record)?),
        ("escalation.csv".to_owned(), tables::escalation_csv(record)?),
        ("summary.json".to_owned(), summary::summary_json(record)?),
        ("manifest.json".to_owned(), manifest.to_json()?),
    ];
    files.extend(plot::run_plots(record)?);
    let report = report::run_report(record, description, manifest, &files)?;
    files.push(("report.html".to_owned(), report));
    Ok(files)
}
