//! The Goma scenario against what happened in January 2025 (scenarios/sources/goma_2025.md).
//!
//! `goma_calibration_bands_hold` checks the bands on a fixed seed set small enough for CI;
//! [`targets_table`] makes the table of docs/CALIBRATION.md over 200 seeds, which the
//! `docs_tables` test keeps up to date.

use strife::run::RunRecord;
use strife::run::ensemble::run_ensemble;

use crate::common::load;

/// What one run says about the calibration targets.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    /// Day Sake first changed hands (∞ if it did not).
    sake: f64,
    /// Day Goma was first taken by M23 (∞ if it was not).
    goma: f64,
    /// Peacekeepers were killed before Goma fell (or by the end, if it did not fall).
    peacekeepers_before_goma: bool,
    /// People newly displaced by the end of 24 January (day 5).
    displaced_by_24_jan: f64,
    /// Peacekeepers killed by the end of 24 January.
    peacekeepers_by_24_jan: f64,
}

fn outcome(record: &RunRecord) -> Outcome {
    let place = |id: &str| {
        record
            .theatre
            .places
            .iter()
            .position(|p| p.id == id)
            .expect(id)
    };
    let m23 = record
        .theatre
        .factions
        .iter()
        .position(|f| f.id == "m23")
        .expect("m23");
    let first = |p: usize, by: Option<usize>| {
        record
            .captures
            .iter()
            .find(|c| c.place == p && by.is_none_or(|f| c.by == f))
            .map_or(f64::INFINITY, |c| c.hours / 24.0)
    };
    let goma = first(place("goma"), Some(m23));
    let at = |day: f64| crate::docs_tables::at(record, day);
    Outcome {
        sake: first(place("sake"), None),
        goma,
        peacekeepers_before_goma: at(goma.min(1e6)).peacekeepers_killed > 0.0,
        displaced_by_24_jan: at(5.0).newly_displaced,
        peacekeepers_by_24_jan: at(5.0).peacekeepers_killed,
    }
}

fn outcomes(runs: u64) -> Vec<Outcome> {
    let loaded = load("scenarios/goma_2025.ron");
    run_ensemble(
        &loaded,
        2025,
        0..runs,
        Some(30.0),
        |_, record| outcome(&record),
        || {},
    )
    .expect("runs")
}

/// The q-quantile (nearest rank) of values, infinities included.
pub(crate) fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

fn share(outcomes: &[Outcome], test: impl Fn(&Outcome) -> bool) -> f64 {
    outcomes.iter().filter(|o| test(o)).count() as f64 / outcomes.len() as f64
}

/// Check every calibration band; return the failures in words.
fn failures(outcomes: &[Outcome]) -> Vec<String> {
    let sake: Vec<f64> = outcomes.iter().map(|o| o.sake).collect();
    let goma: Vec<f64> = outcomes.iter().map(|o| o.goma).collect();
    let displaced: Vec<f64> = outcomes.iter().map(|o| o.displaced_by_24_jan).collect();
    let mut failed = Vec::new();
    let (sake_median, goma_median) = (quantile(&sake, 0.5), quantile(&goma, 0.5));
    if !(2.0..5.0).contains(&sake_median) {
        failed.push(format!(
            "Sake's median fall is day {sake_median:.2}, not 22–24 January (day 2–5)"
        ));
    }
    if !(5.0..10.0).contains(&goma_median) {
        failed.push(format!(
            "Goma's median fall is day {goma_median:.2}, not 25–29 January (day 5–10)"
        ));
    }
    let within_14 = share(outcomes, |o| o.goma <= 14.0);
    if within_14 < 0.8 {
        failed.push(format!(
            "Goma falls within 14 days in {:.0}% of runs, not ≥ 80%",
            100.0 * within_14
        ));
    }
    let pk = share(outcomes, |o| o.peacekeepers_before_goma);
    if pk <= 0.5 {
        failed.push(format!(
            "peacekeepers are killed before Goma falls in {:.0}% of runs, not most",
            100.0 * pk
        ));
    }
    let displaced_median = quantile(&displaced, 0.5);
    if displaced_median < 20_000.0 {
        failed.push(format!(
            "median newly displaced by 24 January is {displaced_median:.0}, not tens of thousands"
        ));
    }
    failed
}

#[test]
fn goma_calibration_bands_hold() {
    let outcomes = outcomes(24);
    let failed = failures(&outcomes);
    assert!(
        failed.is_empty(),
        "calibration bands missed on 24 seeds:\n{}",
        failed.join("\n")
    );
}

/// The "Targets and results" table of docs/CALIBRATION.md over `runs` seeds of 30 days (master
/// seed 2025), one row per band: the target, its source, the model's median and 90% interval,
/// and whether the band holds. `docs_tables` keeps the page's copy up to date.
pub(crate) fn targets_table(runs: u64) -> Vec<String> {
    use crate::docs_tables::{count, when};
    let outcomes = outcomes(runs);
    let column = |f: fn(&Outcome) -> f64| -> Vec<f64> { outcomes.iter().map(f).collect() };
    let yes = |holds: bool| if holds { "yes" } else { "**no**" };
    let day_row = |target: &str, source: &str, v: &[f64], band: std::ops::Range<f64>| {
        let (median, lo, hi) = (quantile(v, 0.5), quantile(v, 0.05), quantile(v, 0.95));
        format!(
            "| {target} | {source} | day {median:.2} — {} | day {lo:.2}–{hi:.2} — {} to {} | {} |",
            when(median),
            when(lo),
            when(hi),
            yes(band.contains(&median))
        )
    };
    let within_14 = share(&outcomes, |o| o.goma <= 14.0);
    let pk_before = share(&outcomes, |o| o.peacekeepers_before_goma);
    let displaced = column(|o| o.displaced_by_24_jan);
    let pk = column(|o| o.peacekeepers_by_24_jan);
    let (pk_lo, pk_hi) = (quantile(&pk, 0.05), quantile(&pk, 0.95));
    vec![
        "| target | source | model: median | model: 90% interval | holds |".to_owned(),
        "|---|---|---|---|---|".to_owned(),
        day_row(
            "Sake changes hands, median on 22–24 January",
            "UNSC res. 2773; TRT World (23 Jan)",
            &column(|o| o.sake),
            2.0..5.0,
        ),
        day_row(
            "M23 holds Goma, median date 25–29 January",
            "DW (entry late on 26 Jan); US Treasury 27 Jan; UNSC res. 2773 28 Jan; TASS 29 Jan",
            &column(|o| o.goma),
            5.0..10.0,
        ),
        format!(
            "| Goma falls within 14 days in ≥ 80% of runs | as above | {:.1}% of runs | | {} |",
            100.0 * within_14,
            yes(within_14 >= 0.8)
        ),
        format!(
            "| Peacekeepers killed before Goma falls in most runs | The Citizen: 13 killed on 23–24 Jan, before the fall | {:.1}% of runs | | {} |",
            100.0 * pk_before,
            yes(pk_before > 0.5)
        ),
        format!(
            "| Tens of thousands or more newly displaced by 24 January | UNHCR/UN: 237,000 by 20 Jan, >400,000 by 24 Jan | {} | {}–{} | {} |",
            count(quantile(&displaced, 0.5)),
            count(quantile(&displaced, 0.05)),
            count(quantile(&displaced, 0.95)),
            yes(quantile(&displaced, 0.5) >= 20_000.0)
        ),
        format!(
            "| (for reference) peacekeepers killed by 24 January | The Citizen: 13 (9 South African, 3 Malawian, 1 Uruguayan) | {:.0} | {pk_lo:.0}–{pk_hi:.0} | {} |",
            quantile(&pk, 0.5),
            yes((pk_lo..=pk_hi).contains(&13.0))
        ),
    ]
}
