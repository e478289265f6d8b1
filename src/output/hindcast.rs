//! Outputs of a hindcast: `hindcast.csv` (each observation with the model's distribution and
//! scores), `summary.json` (the same and the overall scores) and the text `strife hindcast`
//! prints ([`hindcast_text`]).

use serde::Serialize;

use super::summary::to_json;
use crate::error::{Error, Result};
use crate::run::hindcast::{HindcastRecord, Overall, Scored};

/// A value with three decimals, or an empty cell if it is not finite.
pub(super) fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        String::new()
    }
}

/// `hindcast.csv`: one row per observation, in file order: where it is in the observed file,
/// what it is, the observed value (a day since the start for dates, noon of the observed day;
/// a count otherwise) and its unit, the model's median and 5/25/75/95% quantiles over the runs
/// (dates censored at the day limit), the share of runs where the event happened, CRPS,
/// randomised PIT with its bounds F(y−) and F(y), whether the observation falls inside the
/// central 50% and 90% intervals, and the source.
pub fn hindcast_csv(h: &HindcastRecord) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::Internal(format!("writing hindcast.csv: {e}"));
    let mut w = crate::output::safe_csv::CsvWriter::new();
    w.write_record([
        "line",
        "kind",
        "subject",
        "detail",
        "date",
        "observed",
        "unit",
        "median",
        "q05",
        "q25",
        "q75",
        "q95",
        "p_happened",
        "crps",
        "pit",
        "pit_low",
        "pit_high",
        "inside_50",
        "inside_90",
        "source",
    ])
    .map_err(err)?;
    for s in &h.scored {
        let c = &s.score;
        w.write_record([
            s.line.to_string(),
            s.kind.clone(),
            s.subject.clone(),
            s.detail.clone(),
            s.when(),
            num(s.observed),
            s.unit.clone(),
            num(s.median),
            num(c.interval_90[0]),
            num(c.interval_50[0]),
            num(c.interval_50[1]),
            num(c.interval_90[1]),
            num(s.p_happened),
            num(c.crps),
            num(c.pit),
            num(c.pit_low),
            num(c.pit_high),
            c.inside_50.to_string(),
            c.inside_90.to_string(),
            s.source.clone(),
        ])
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Internal(format!("writing hindcast.csv: {e}")))
}

#[derive(Serialize)]
struct Summary<'a> {
    scenario: &'a str,
    observed_file: &'a str,
    runs: u64,
    master_seed: u64,
    days: f64,
    /// How dates are scored.
    dates: &'static str,
    /// How the PIT is computed.
    pit: &'static str,
    overall: &'a [Overall],
    observations: &'a [Scored],
}

/// `summary.json`: the settings, the overall scores (mean CRPS per kind, coverage of the 50%
/// and 90% intervals, mean PIT) and every observation with its scores.
pub fn hindcast_summary_json(h: &HindcastRecord) -> Result<Vec<u8>> {
    to_json(&Summary {
        scenario: &h.scenario_name,
        observed_file: &h.observed_file,
        runs: h.runs,
        master_seed: h.master_seed,
        days: h.days,
        dates: "days since the start; an observed date is noon of that day; a run where the event \
                did not happen is censored at the day limit",
        pit: "randomised within ties: F(y-) + V (F(y) - F(y-)), V uniform from a seeded stream",
        overall: &h.overall,
        observations: &h.scored,
    })
}

/// A date or day value in words: `27 Jan (day 7.5)`; a value censored at the day limit (the
/// event did not happen within the run) is `not by day 60`.
fn day_words(h: &HindcastRecord, day: f64) -> String {
    if !day.is_finite() {
        return "–".to_owned();
    }
    if is_censored(h, day) {
        return format!("not by day {}", h.days);
    }
    let date = crate::run::record::time_after(h.start_date.and_time(chrono::NaiveTime::MIN), day);
    format!("{} (day {day:.1})", date.format("%-d %b"))
}

/// Whether a model day is the censoring value: runs where the event did not happen count at
/// the day limit, so a quantile there means "not within the run".
pub fn is_censored(h: &HindcastRecord, day: f64) -> bool {
    day >= h.days - 1e-9
}

/// The key findings in words: each observation against the model, then the overall scores.
pub fn hindcast_text(h: &HindcastRecord) -> String {
    let mut out = format!(
        "{} — hindcast against {} ({} runs, seed {})\n\n",
        h.scenario_name, h.observed_file, h.runs, h.master_seed
    );
    for s in &h.scored {
        let c = &s.score;
        let inside = if c.inside_50 {
            "inside the 50% interval"
        } else if c.inside_90 {
            "inside the 90% interval"
        } else {
            "outside the 90% interval"
        };
        let line = if s.unit == "held" {
            format!(
                "observed held on {}, held in {:.0}% of runs; CRPS {:.2}, PIT {:.2}, {inside}",
                s.when_words(),
                100.0 * s.values.iter().sum::<f64>() / s.values.len().max(1) as f64,
                c.crps,
                c.pit
            )
        } else if s.unit == "days" {
            let happened = (s.p_happened * s.values.len() as f64).round() as usize;
            let never = if happened < s.values.len() {
                let cut = if s.kind == "metric" {
                    format!("on {}", s.when_words())
                } else {
                    format!("at day {}", h.days)
                };
                format!(
                    "; happened in {happened} of {} runs (the rest censored {cut})",
                    s.values.len(),
                )
            } else {
                String::new()
            };
            let interval = if is_censored(h, c.interval_90[0]) {
                day_words(h, c.interval_90[0])
            } else {
                format!(
                    "{} to {}",
                    day_words(h, c.interval_90[0]),
                    day_words(h, c.interval_90[1])
                )
            };
            format!(
                "observed {}, model median {} (90%: {interval}){never}; CRPS {:.2} days, PIT {:.2}, {inside}",
                // A day metric's observed value is a day it gives, not its row's date.
                if s.kind == "metric" {
                    day_words(h, s.observed)
                } else {
                    s.when_words()
                },
                day_words(h, s.median),
                c.crps,
                c.pit
            )
        } else if s.unit == "0/1" {
            format!(
                "observed {} on {}, 1 in {:.0}% of runs; CRPS {:.2}, PIT {:.2}, {inside}",
                s.observed,
                s.when_words(),
                100.0 * s.values.iter().sum::<f64>() / s.values.len().max(1) as f64,
                c.crps,
                c.pit
            )
        } else if s.unit == "persons" {
            format!(
                "observed {} by {}, model median {:.0} (90%: {:.0} to {:.0}); CRPS {:.1} persons, PIT {:.2}, {inside}",
                s.observed,
                s.when_words(),
                s.median,
                c.interval_90[0],
                c.interval_90[1],
                c.crps,
                c.pit
            )
        } else {
            format!(
                "observed {} on {}, model median {} (90%: {} to {}); CRPS {}, PIT {:.2}, {inside}",
                short(s.observed),
                s.when_words(),
                short(s.median),
                short(c.interval_90[0]),
                short(c.interval_90[1]),
                short(c.crps),
                c.pit
            )
        };
        out.push_str(&format!("  {:<36} {line}\n", s.label));
    }
    out.push('\n');
    for o in &h.overall {
        let crps = match (o.mean_crps, o.kind.as_str()) {
            (Some(c), "count") => format!("mean CRPS {c:.1} persons, "),
            (Some(c), "holder") => format!("mean CRPS {c:.2}, "),
            // Metrics have units of their own: their mean CRPS would mix them.
            (Some(_), "metric") => String::new(),
            (Some(c), _) => format!("mean CRPS {c:.2} days, "),
            (None, _) => String::new(),
        };
        out.push_str(&format!(
            "  {:<11} {} observations: {crps}{:.0}% inside the 50% interval, {:.0}% inside the 90%, mean PIT {:.2}\n",
            o.kind,
            o.n,
            100.0 * o.coverage_50,
            100.0 * o.coverage_90,
            o.mean_pit
        ));
    }
    out.push_str(
        "\nA calibrated model puts about 50% and 90% of observations inside those intervals, \
         with PIT values spread evenly over 0–1 (near 0: the model ran late or high; near 1: \
         early or low).\n",
    );
    out
}

/// A value in a sentence: whole above 100, else to three decimals without trailing zeros.
fn short(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        let text = format!("{x:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}
