//! Outputs of an ensemble: `runs.csv` (one row per run: drawn inputs and outcomes), the
//! ensemble `summary.json` (probabilities and quantiles with confidence intervals), and the
//! text printed by `strife run --runs N`.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::output::parquet::{ColumnInfo, safe_names};
use crate::run::ensemble::EnsembleRecord;
use crate::run::stats::{Distribution, Probability, distribution, probability};

fn csv_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("writing runs.csv: {e}"))
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(String::new, |v| format!("{v:.3}"))
}

/// The columns of `runs.csv`, with the unit of each.
fn runs_header(e: &EnsembleRecord) -> Vec<(String, String)> {
    let t = &e.theatre;
    let mut header: Vec<(String, String)> = vec![
        ("run".into(), "index of the run in the ensemble".into()),
        ("seed".into(), "seed of the run".into()),
    ];
    if let Some(first) = e.runs.first() {
        header.extend(first.inputs.iter().map(|d| {
            let unit = format!("drawn value of the scenario field {} (its unit)", d.path);
            (format!("input.{}", d.path), unit)
        }));
    }
    let days = "days since the start; empty if it never changed hands";
    header.extend(
        t.places
            .iter()
            .map(|p| (format!("fall_day.{}", p.id), days.into())),
    );
    let holder = "id of the faction holding the place at the end";
    header.extend(
        t.places
            .iter()
            .map(|p| (format!("holder_end.{}", p.id), holder.into())),
    );
    let persons = "persons";
    header.extend(
        t.factions
            .iter()
            .map(|f| (format!("killed.{}", f.id), persons.into())),
    );
    let losses = "persons (killed, wounded, captured and deserted)";
    header.extend(
        t.factions
            .iter()
            .map(|f| (format!("losses.{}", f.id), losses.into())),
    );
    header.extend(
        [
            ("peacekeepers_killed", persons),
            ("newly_displaced", persons),
            ("peak_displaced", persons),
            ("civilian_deaths", persons),
            ("civilian_killed", persons),
            ("civilian_wounded", persons),
            ("military_killed", persons),
            ("military_wounded", persons),
            ("highest_rung", "rung number (1 = lowest); empty if none"),
            ("withdrawals", "count of withdrawals by states"),
            ("ceasefires_accepted", "count"),
            ("end", "why the run ended (one word)"),
        ]
        .map(|(name, unit)| (name.to_owned(), unit.to_owned())),
    );
    // The metrics a user gave (`compare --metric`), as written, after the fixed columns.
    header.extend(e.metrics.iter().map(|m| {
        let unit = "the metric's value in the run (docs/METRICS.md)";
        (format!("metric:{}", m.name()), unit.to_owned())
    }));
    header
}

/// The columns of `runs.parquet`: safe identifiers for the columns of `runs.csv` (see
/// [`crate::output::parquet::safe_names`]), and each one's CSV name and unit.
pub fn runs_columns(e: &EnsembleRecord) -> (Vec<String>, Vec<ColumnInfo>) {
    let header = runs_header(e);
    let paths: Vec<String> = header.iter().map(|(name, _)| name.clone()).collect();
    let infos = header
        .into_iter()
        .map(|(path, unit)| ColumnInfo { path, unit })
        .collect();
    (safe_names(&paths), infos)
}

/// `runs.csv`: one row per run, in run order: its seed, the values drawn for each uncertain
/// input (`input.PATH`), the day each place first changed hands (`fall_day.PLACE`, empty if it
/// did not), who held each place at the end (`holder_end.PLACE`), killed and all losses by
/// faction, and the run's totals (civilians dead, of them killed by fire, wounded; soldiers
/// killed and wounded).
pub fn runs_csv(e: &EnsembleRecord) -> Result<Vec<u8>> {
    runs_csv_to(e, Vec::new())
}

/// [`runs_csv`] written to `out` row by row (a file: the table of a large ensemble is never
/// held whole), returning `out`.
pub fn runs_csv_to<W: std::io::Write>(e: &EnsembleRecord, out: W) -> Result<W> {
    let header: Vec<String> = runs_header(e).into_iter().map(|(name, _)| name).collect();
    let t = &e.theatre;
    let mut w = crate::output::safe_csv::CsvWriter::to(out);
    w.write_record(&header).map_err(csv_error)?;
    for r in &e.runs {
        let mut row: Vec<String> = vec![r.run.to_string(), r.seed.to_string()];
        row.extend(r.inputs.iter().map(|d| format!("{}", d.value)));
        row.extend(r.first_capture_day.iter().map(|d| opt(*d)));
        row.extend(r.holder_end.iter().map(|&f| t.factions[f].id.clone()));
        row.extend(r.killed.iter().map(u32::to_string));
        row.extend(r.losses.iter().map(u32::to_string));
        row.extend([
            r.peacekeepers_killed.to_string(),
            format!("{:.0}", r.newly_displaced),
            format!("{:.0}", r.peak_displaced),
            format!("{:.0}", r.civilian_deaths),
            format!("{:.0}", r.civilian_killed),
            format!("{:.0}", r.civilian_wounded),
            r.military_killed.to_string(),
            r.military_wounded.to_string(),
            r.highest_rung.map(|x| x.to_string()).unwrap_or_default(),
            r.withdrawals.to_string(),
            r.ceasefires_accepted.to_string(),
            r.end.to_owned(),
        ]);
        row.extend((0..e.metrics.len()).map(|k| {
            e.metrics[k]
                .value(r, k, e.days)
                .map_or_else(String::new, |v| v.to_string())
        }));
        w.write_record(&row).map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// One place across the ensemble.
#[derive(Debug, Serialize)]
pub struct PlaceOutcome {
    /// Place id.
    pub place: String,
    /// Probability that it changed hands at least once.
    pub changed_hands: Probability,
    /// Day of its first change of hands, over the runs where it changed hands.
    pub fall_day: Option<Distribution>,
    /// Calendar date and time of the median fall, ISO 8601 (`2025-01-27T20:00`).
    pub fall_date_median: Option<String>,
    /// Who held it at the end: `(faction id, probability)`, most likely first.
    pub holder_end: Vec<(String, f64)>,
}

/// A quantity of one faction across the ensemble.
#[derive(Debug, Serialize)]
pub struct FactionOutcome {
    /// Faction id.
    pub faction: String,
    /// Its distribution.
    pub distribution: Option<Distribution>,
}

/// The ensemble `summary.json`.
#[derive(Debug, Serialize)]
pub struct EnsembleSummary {
    /// Scenario title.
    pub scenario: String,
    /// Number of runs.
    pub runs: usize,
    /// Master seed.
    pub master_seed: u64,
    /// Day limit of each run.
    pub days: f64,
    /// Calendar date of day 0.
    pub start_date: String,
    /// Every place.
    pub places: Vec<PlaceOutcome>,
    /// Killed by faction.
    pub killed: Vec<FactionOutcome>,
    /// Peacekeepers killed.
    pub peacekeepers_killed: Option<Distribution>,
    /// People newly displaced.
    pub newly_displaced: Option<Distribution>,
    /// Peak of people displaced at one time.
    pub peak_displaced: Option<Distribution>,
    /// Civilians dead (killed by fire and dead of hardship).
    pub civilian_deaths: Option<Distribution>,
    /// Civilians killed by fire.
    pub civilian_killed: Option<Distribution>,
    /// Civilians wounded by fire.
    pub civilian_wounded: Option<Distribution>,
    /// Soldiers killed, all factions.
    pub military_killed: Option<Distribution>,
    /// Soldiers wounded, all factions.
    pub military_wounded: Option<Distribution>,
    /// Probability of at least one withdrawal by a state.
    pub withdrawal: Probability,
    /// Probability that each state pulls forces back at least once (its contingents stop
    /// fighting or leave, or it draws down or withdraws): `(state, probability)`, in the
    /// scenario's order, so that a contributor's pull-out is not read as its sponsor's.
    pub withdrawal_by_state: Vec<(String, Probability)>,
    /// Probability of at least one accepted ceasefire.
    pub ceasefire: Probability,
    /// Highest escalation rung: `(rung number, name, probability)`.
    pub highest_rung: Vec<(usize, String, f64)>,
    /// The uncertain inputs as drawn: path and distribution of the draws.
    pub inputs: Vec<(String, Option<Distribution>)>,
}

/// Build the ensemble summary.
pub fn ensemble_summary(e: &EnsembleRecord) -> EnsembleSummary {
    let n = e.runs.len();
    let t = &e.theatre;
    let column = |f: &dyn Fn(&crate::run::ensemble::RunDigest) -> f64| -> Option<Distribution> {
        distribution(&e.runs.iter().map(f).collect::<Vec<_>>())
    };
    let places = t
        .places
        .iter()
        .enumerate()
        .map(|(p, info)| {
            let falls: Vec<f64> = e
                .runs
                .iter()
                .filter_map(|r| r.first_capture_day[p])
                .collect();
            let fall_day = distribution(&falls);
            let mut holders: Vec<(String, f64)> = t
                .factions
                .iter()
                .enumerate()
                .map(|(f, faction)| {
                    let k = e.runs.iter().filter(|r| r.holder_end[p] == f).count();
                    (faction.id.clone(), k as f64 / n.max(1) as f64)
                })
                .filter(|(_, share)| *share > 0.0)
                .collect();
            holders.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            PlaceOutcome {
                place: info.id.clone(),
                changed_hands: probability(falls.len(), n),
                fall_date_median: fall_day.as_ref().map(|d| iso_date(e, d.median)),
                fall_day,
                holder_end: holders,
            }
        })
        .collect();
    let killed = t
        .factions
        .iter()
        .enumerate()
        .map(|(f, faction)| FactionOutcome {
            faction: faction.id.clone(),
            distribution: column(&|r| f64::from(r.killed[f])),
        })
        .collect();
    let mut highest_rung = Vec::new();
    for (i, (name, ..)) in e.politics.rungs.iter().enumerate() {
        let k = e
            .runs
            .iter()
            .filter(|r| r.highest_rung == Some(i + 1))
            .count();
        if k > 0 {
            highest_rung.push((i + 1, name.clone(), k as f64 / n as f64));
        }
    }
    let inputs = e
        .runs
        .first()
        .map(|first| {
            first
                .inputs
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    (
                        d.path.to_string(),
                        column(&|r| r.inputs.get(i).map_or(f64::NAN, |x| x.value)),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    EnsembleSummary {
        scenario: e.scenario_name.clone(),
        runs: n,
        master_seed: e.master_seed,
        days: e.days,
        start_date: e.start_date.format("%Y-%m-%d").to_string(),
        places,
        killed,
        peacekeepers_killed: column(&|r| f64::from(r.peacekeepers_killed)),
        newly_displaced: column(&|r| r.newly_displaced),
        peak_displaced: column(&|r| r.peak_displaced),
        civilian_deaths: column(&|r| r.civilian_deaths),
        civilian_killed: column(&|r| r.civilian_killed),
        civilian_wounded: column(&|r| r.civilian_wounded),
        military_killed: column(&|r| f64::from(r.military_killed)),
        military_wounded: column(&|r| f64::from(r.military_wounded)),
        withdrawal: probability(e.runs.iter().filter(|r| r.withdrawals > 0).count(), n),
        withdrawal_by_state: e
            .politics
            .states
            .iter()
            .enumerate()
            .map(|(k, state)| {
                let pulled = e
                    .runs
                    .iter()
                    .filter(|r| r.withdrawals_by_state.get(k).is_some_and(|&w| w > 0))
                    .count();
                (state.name.clone(), probability(pulled, n))
            })
            .collect(),
        ceasefire: probability(
            e.runs.iter().filter(|r| r.ceasefires_accepted > 0).count(),
            n,
        ),
        highest_rung,
        inputs,
    }
}

/// The calendar date `day` days after the start of `e`'s runs, e.g. `27 Jan 2025`.
pub fn date(e: &EnsembleRecord, day: f64) -> String {
    crate::run::record::time_after(e.start_date.and_time(chrono::NaiveTime::MIN), day)
        .format("%-d %b %Y")
        .to_string()
}

/// The calendar time `day` days after the start of `e`'s runs in ISO 8601, to the minute, as
/// every machine-readable file writes dates: `2025-01-27T20:00`.
pub fn iso_date(e: &EnsembleRecord, day: f64) -> String {
    crate::run::record::time_after(e.start_date.and_time(chrono::NaiveTime::MIN), day)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// `summary.json` of an ensemble, pretty-printed.
pub fn ensemble_summary_json(e: &EnsembleRecord) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(&ensemble_summary(e))
        .map_err(|err| Error::Internal(format!("writing JSON: {err}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The text `strife run --runs N` prints: for each place that changed hands in some run, how
/// likely and when; then the totals.
pub fn ensemble_text(e: &EnsembleRecord) -> String {
    let s = ensemble_summary(e);
    let mut out = format!(
        "{} — {} runs (master seed {}), from {}, {} days each\n\nChanges of hands:\n",
        s.scenario, s.runs, s.master_seed, s.start_date, s.days
    );
    let t = &e.theatre;
    let place_width =
        crate::sim::resources::Theatre::column_width(t.places.iter().map(|p| p.name.as_str()), 20);
    for (p, place) in s.places.iter().enumerate() {
        let Some(fall) = &place.fall_day else {
            continue;
        };
        let (low, high) =
            super::percent_bounds(place.changed_hands.low, place.changed_hands.high, 0);
        out.push_str(&format!(
            "  {:<place_width$} in {:>5.1}% of runs (90% CI {low}–{high}%); median {} (day {:.1}), 90% between {} and {}\n",
            e.theatre.places[p].name,
            100.0 * place.changed_hands.p,
            date(e, fall.median),
            fall.median,
            date(e, fall.q05),
            date(e, fall.q95),
        ));
    }
    let name_width = crate::sim::resources::Theatre::column_width(
        t.factions.iter().map(|f| f.name.as_str()),
        17,
    ) + 7;
    let line = |name: &str, d: &Option<Distribution>| match d {
        Some(d) => format!(
            "  {name:<name_width$} median {:>9.0}   90% {:.0}–{:.0}\n",
            d.median, d.q05, d.q95
        ),
        None => String::new(),
    };
    out.push('\n');
    // Only what applies: peacekeepers where there are any, states' withdrawals where there
    // are states, ceasefires where there is a mediator.
    if t.has_peacekeepers() {
        out.push_str(&line("peacekeepers killed", &s.peacekeepers_killed));
    }
    out.push_str(&line("newly displaced", &s.newly_displaced));
    out.push_str(&line("civilians dead", &s.civilian_deaths));
    out.push_str(&line("  of them killed by fire", &s.civilian_killed));
    out.push_str(&line("civilians wounded", &s.civilian_wounded));
    out.push_str(&line("soldiers killed", &s.military_killed));
    out.push_str(&line("soldiers wounded", &s.military_wounded));
    for k in &s.killed {
        let name = e
            .theatre
            .factions
            .iter()
            .find(|f| f.id == k.faction)
            .map_or("", |f| f.name.as_str());
        out.push_str(&line(&format!("{name} killed"), &k.distribution));
    }
    // Each state apart: a contributor's contingents stopping is not its sponsor's drawdown.
    for (state, p) in &s.withdrawal_by_state {
        out.push_str(&format!(
            "  {state} pulls forces back (stops fighting, draws down or withdraws) in {:.1}% of runs\n",
            100.0 * p.p
        ));
    }
    if e.politics.actors.iter().any(|a| a.mediation.is_some()) {
        out.push_str(&format!(
            "  a ceasefire is accepted in {:.1}% of runs\n",
            100.0 * s.ceasefire.p
        ));
    }
    out
}
