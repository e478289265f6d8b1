//! Tables that cannot go stale (issue 16): every table of docs/*.md whose numbers a simulation
//! gives sits between two markers,
//!
//! ```text
//! <!-- strife-table: goma_targets -->
//! | … the table … |
//! <!-- /strife-table -->
//! ```
//!
//! and the marker's name is one of [`TABLES`], a function that runs the model and returns the
//! table's lines. `docs_tables_are_current` regenerates every table and compares it with the
//! page; `STRIFE_UPDATE_DOCS=1` rewrites the pages instead. Hundreds of runs are too slow for a
//! debug build, so that test runs in release builds only: the README's test command (`cargo
//! test --release`, which `.ci/run` runs) runs it, and a debug `cargo test` checks only that every marker names a known table and is closed. The shipped calibrated
//! what-if of the Goma scenario is checked the same way: re-made by its own command.

use chrono::{Duration, NaiveDate};

use crate::calibration::quantile;
use crate::common::{load, repo};
use strife::run::RunRecord;
use strife::run::ensemble::run_ensemble;

/// Runs behind every table (master seed 2025, run `k` seeded as in an ensemble).
const RUNS: u64 = 200;

/// A function that runs the model and returns a table's lines.
type MakeTable = fn() -> Vec<String>;

/// Every table a page may name, with the function that makes it.
const TABLES: &[(&str, MakeTable)] = &[
    ("goma_targets", || crate::calibration::targets_table(RUNS)),
    ("goma_hindcast", goma_hindcast),
    ("goma_metamorphic", || {
        crate::metamorphic::effects_table(RUNS)
    }),
    ("goma_forecast_places", goma_forecast_places),
    ("goma_diplomacy", || {
        crate::diplomacy_stock::diplomacy_table(RUNS)
    }),
    ("goma_human_cost", goma_human_cost),
    ("mali_first_phase", mali_first_phase),
    ("mali_later", mali_later),
];

/// The Goma scenario's day 0.
fn goma_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 20).expect("a date")
}

/// A day of the Goma scenario as a date and hour, e.g. `23 Jan 20:00`.
pub(crate) fn when(day: f64) -> String {
    let start = goma_start().and_hms_opt(0, 0, 0).expect("midnight");
    let at = start + Duration::minutes((day * 24.0 * 60.0).round() as i64);
    at.format("%-d %b %H:%M").to_string()
}

/// A count rounded to the nearest hundred above 10,000 (to the unit below), with thousands
/// separators: `187,900`.
pub(crate) fn count(x: f64) -> String {
    let rounded = if x.abs() >= 10_000.0 {
        (x / 100.0).round() * 100.0
    } else {
        x.round()
    };
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// `median (5%–95%)` of values, each written by `show`.
fn spread(values: &[f64], show: impl Fn(f64) -> String) -> String {
    format!(
        "{} ({}–{})",
        show(quantile(values, 0.5)),
        show(quantile(values, 0.05)),
        show(quantile(values, 0.95))
    )
}

/// `RUNS` 60-day runs of the Goma scenario, each reduced by `f`.
fn goma_runs<T: Send>(f: impl Fn(&RunRecord) -> T + Sync) -> Vec<T> {
    let loaded = load("scenarios/goma_2025.ron");
    run_ensemble(
        &loaded,
        2025,
        0..RUNS,
        Some(60.0),
        |_, record| f(&record),
        || {},
    )
    .expect("runs")
}

/// The last sample at or before `day`.
pub(crate) fn at(record: &RunRecord, day: f64) -> &strife::sim::resources::Sample {
    record
        .samples
        .iter()
        .take_while(|s| s.hours <= day * 24.0 + 1e-9)
        .last()
        .expect("a sample")
}

/// The hindcast of the Goma scenario against its eleven dated facts, 200 runs of 60 days.
fn goma_hindcast() -> Vec<String> {
    hindcast_table(
        "scenarios/goma_2025.ron",
        "scenarios/observed/goma_2025.csv",
        None,
    )
}

/// Mali's fitted scenario against the first phase it was fitted to, 200 runs of 81 days.
fn mali_first_phase() -> Vec<String> {
    hindcast_table(
        "scenarios/whatif/mali_2012_calibrated.ron",
        "scenarios/observed/mali_2012.csv",
        Some(81.0),
    )
}

/// Mali's fitted scenario against the later phase it was not fitted to (its forecast).
fn mali_later() -> Vec<String> {
    hindcast_table(
        "scenarios/whatif/mali_2012_calibrated.ron",
        "scenarios/observed/mali_2012_later.csv",
        None,
    )
}

/// The hindcast of `scenario` (a scenario or a what-if) against `observed`, 200 runs of
/// `days` (the scenario's own by default) from the scenario's master seed, as `strife
/// hindcast` runs it: one row per observation, then the overall scores.
fn hindcast_table(scenario: &str, observed: &str, days: Option<f64>) -> Vec<String> {
    use strife::analysis::observed::read_observed;
    use strife::run::hindcast::run_hindcast;

    let (observations, text) = read_observed(&repo(observed)).expect("the observed file");
    let loaded = strife::scenario::load_with_overrides(&repo(scenario), &[]).expect(scenario);
    let record = run_hindcast(
        &loaded,
        &observations,
        (observed, &text),
        loaded.scenario.seed,
        RUNS,
        days,
        || {},
    )
    .expect("the hindcast");
    let limit = record.days;
    let start = record.start_date.and_hms_opt(0, 0, 0).expect("midnight");
    // A day of the run as a date: with the hour on a run of up to three months.
    let date = |day: f64| {
        let at = start + Duration::minutes((day * 24.0 * 60.0).round() as i64);
        if limit <= 92.0 {
            at.format("%-d %b %H:%M").to_string()
        } else {
            at.format("%-d %b %Y").to_string()
        }
    };
    let theatre = strife::sim::build_theatre(&loaded.central().expect("central values"))
        .expect("the theatre");
    let place = |id: &str| {
        theatre
            .places
            .iter()
            .find(|p| p.id == id)
            .map_or(id.to_owned(), |p| p.name.clone())
    };
    let faction = |id: &str| {
        theatre
            .factions
            .iter()
            .find(|f| f.id == id)
            .map_or(id.to_owned(), |f| f.name.clone())
    };
    // `EmergencyMeeting` → `emergency meeting`.
    let words = |camel: &str| {
        let mut out = String::new();
        for (i, c) in camel.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                out.push(' ');
            }
            out.extend(c.to_lowercase());
        }
        out
    };
    let quantity = |q: &str| match q.split_once('.') {
        Some(("captured", f)) => format!("{} who gave themselves up", faction(f)),
        Some((what, who)) => format!("{} {}", faction(who), what.replace('_', " ")),
        None => q.replace('_', " "),
    };
    let small = |x: f64| {
        if x < 100.0 {
            format!("{x:.1}")
        } else {
            count(x)
        }
    };
    let value = |unit: &str, x: f64| match unit {
        "days" if x >= limit => format!("not by day {limit:.0}"),
        "days" => format!("{} (day {x:.2})", date(x)),
        _ => count(x),
    };
    let yes = |b: bool| if b { "yes" } else { "no" };
    let mut out = vec![
        "| observation | observed | runs where it happens (a holder: as observed) | model median | model 90% interval | CRPS | PIT | in 50% | in 90% |"
            .to_owned(),
        "|---|---|---|---|---|---|---|---|---|".to_owned(),
    ];
    for s in &record.scored {
        let on = if limit <= 92.0 {
            s.date.format("%-d %b")
        } else {
            s.date.format("%-d %b %Y")
        };
        let (what, observed) = match s.kind.as_str() {
            "capture" if s.detail.is_empty() => (
                format!("{} changes hands", place(&s.subject)),
                format!("{on} (day {:.1})", s.observed),
            ),
            "capture" => (
                format!("{} taken by {}", place(&s.subject), faction(&s.detail)),
                format!("{on} (day {:.1})", s.observed),
            ),
            "instrument" => (
                format!("{} {}", s.subject, words(&s.detail)),
                format!("{on} (day {:.1})", s.observed),
            ),
            "holder" => (
                format!(
                    "{} holds {} at the end of {on}",
                    faction(&s.detail),
                    place(&s.subject)
                ),
                "yes".to_owned(),
            ),
            _ => (
                format!("{} by {on}", quantity(&s.subject)),
                count(s.observed),
            ),
        };
        let [lo, hi] = s.score.interval_90;
        let unit = if s.unit == "days" { " days" } else { "" };
        let happens = if s.unit == "days" {
            format!("{:.1}%", 100.0 * s.p_happened)
        } else if s.kind == "holder" {
            // A holder's value is 1 in a run where the place is so held, else 0.
            let held = s.values.iter().sum::<f64>() / s.values.len() as f64;
            format!("{:.1}%", 100.0 * held)
        } else {
            String::new()
        };
        let (median, interval) = if s.kind == "holder" {
            (String::new(), String::new())
        } else if s.unit == "days" {
            let end = |x: f64| {
                if x >= limit {
                    "not by the end".to_owned()
                } else {
                    date(x)
                }
            };
            (
                value(&s.unit, s.median),
                format!("{} to {}", end(lo), end(hi)),
            )
        } else {
            (
                value(&s.unit, s.median),
                format!("{}–{}", count(lo), count(hi)),
            )
        };
        out.push(format!(
            "| {what} | {observed} | {happens} | {median} | {interval} | {}{unit} | {:.2} | {} | {} |",
            if s.unit == "days" {
                format!("{:.2}", s.score.crps)
            } else {
                small(s.score.crps)
            },
            s.score.pit,
            yes(s.score.inside_50),
            yes(s.score.inside_90),
        ));
    }
    for o in &record.overall {
        let crps = o.mean_crps.map_or(String::new(), |c| {
            if o.kind == "capture" || o.kind == "instrument" {
                format!("mean {c:.2} days")
            } else {
                format!("mean {}", small(c))
            }
        });
        out.push(format!(
            "| **{}** ({} observations) | | | | | {crps} | mean {:.2} | {:.0}% | {:.0}% |",
            if o.kind == "all" { "all" } else { &o.kind },
            o.n,
            o.mean_pit,
            100.0 * o.coverage_50,
            100.0 * o.coverage_90
        ));
    }
    out
}

/// The places after Goma on the campaign: the share of 200 runs in which each changes hands
/// by day 30 and by day 60, and the day it does (median and 90% of the runs where it does).
fn goma_forecast_places() -> Vec<String> {
    let places = [
        ("kalehe", "Kalehe"),
        ("kavumu", "Kavumu airport"),
        ("bukavu", "Bukavu"),
        ("munigi", "Munigi"),
    ];
    let falls: Vec<Vec<f64>> = goma_runs(|record| {
        places
            .iter()
            .map(|(id, _)| {
                let p = record
                    .theatre
                    .places
                    .iter()
                    .position(|p| p.id == *id)
                    .expect(id);
                record
                    .captures
                    .iter()
                    .find(|c| c.place == p)
                    .map_or(f64::INFINITY, |c| c.hours / 24.0)
            })
            .collect()
    });
    let mut out = vec![
        "| place | by day 30: share of runs it changes hands | median day (90%) | by day 60: share | median day (90%) |".to_owned(),
        "|---|---|---|---|---|".to_owned(),
    ];
    for (i, (_, name)) in places.iter().enumerate() {
        let mut row = format!("| {name} |");
        for limit in [30.0, 60.0] {
            let days: Vec<f64> = falls.iter().map(|f| f[i]).filter(|d| *d <= limit).collect();
            let share = 100.0 * days.len() as f64 / falls.len() as f64;
            let timing = if days.is_empty() {
                "—".to_owned()
            } else {
                spread(&days, |d| format!("{d:.1}"))
            };
            row.push_str(&format!(" {share:.1}% | {timing} |"));
        }
        out.push(row);
    }
    out
}

/// Killed, wounded and displaced by day 30 and day 60 of 200 runs: medians with the 5%–95%
/// range of the runs.
fn goma_human_cost() -> Vec<String> {
    let days = [(30.0, "30 (19 Feb)"), (60.0, "60 (21 Mar)")];
    let per_run: Vec<Vec<[f64; 6]>> = goma_runs(|record| {
        days.iter()
            .map(|(day, _)| {
                let s = at(record, *day);
                let places = |f: fn(&strife::sim::resources::PlaceSample) -> f64| {
                    s.places.iter().map(f).sum::<f64>()
                };
                let factions = |f: fn(&strife::sim::resources::FactionSample) -> u32| {
                    s.factions.iter().map(|x| f64::from(f(x))).sum::<f64>()
                };
                [
                    places(|p| p.dead),
                    places(|p| p.killed),
                    places(|p| p.wounded),
                    factions(|f| f.killed),
                    factions(|f| f.wounded),
                    s.newly_displaced,
                ]
            })
            .collect()
    });
    let mut out = vec![
        "| by day | civilians dead | of them killed by fire | civilians wounded | soldiers killed | soldiers wounded | newly displaced |".to_owned(),
        "|---|---|---|---|---|---|---|".to_owned(),
    ];
    for (d, (_, label)) in days.iter().enumerate() {
        let mut row = format!("| {label} |");
        for q in 0..6 {
            let values: Vec<f64> = per_run.iter().map(|r| r[d][q]).collect();
            row.push_str(&format!(" {} |", spread(&values, count)));
        }
        out.push(row);
    }
    out
}

/// A marked table of a page: its name and the range of its lines (between the markers).
struct Marked {
    /// The table's name.
    name: String,
    /// 1-based line of the opening marker.
    line: usize,
    /// Index of the first line after the opening marker and of the closing marker.
    body: (usize, usize),
}

/// Every marked table of `text`; `Err` for an unclosed marker.
fn marked(text: &str) -> Result<Vec<Marked>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(rest) = lines[i].trim().strip_prefix("<!-- strife-table:") {
            let name = rest
                .strip_suffix("-->")
                .ok_or_else(|| format!("line {}: the marker does not end with -->", i + 1))?
                .trim()
                .to_owned();
            let end = (i + 1..lines.len())
                .find(|&k| lines[k].trim() == "<!-- /strife-table -->")
                .ok_or_else(|| {
                    format!(
                        "line {}: no <!-- /strife-table --> closes table {name}",
                        i + 1
                    )
                })?;
            out.push(Marked {
                name,
                line: i + 1,
                body: (i + 1, end),
            });
            i = end + 1;
        } else {
            i += 1;
        }
    }
    Ok(out)
}

/// Every marker is closed and names a table of [`TABLES`] (cheap: runs nothing).
#[test]
fn docs_table_markers_name_known_tables() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for page in crate::docs_blocks::documents() {
        let text = std::fs::read_to_string(repo(&page)).expect("a page");
        match marked(&text) {
            Err(e) => problems.push(format!("{page}: {e}")),
            Ok(tables) => {
                for t in tables {
                    seen += 1;
                    if !TABLES.iter().any(|(name, _)| *name == t.name) {
                        problems.push(format!(
                            "{page}:{}: no table named {:?} (known: {})",
                            t.line,
                            t.name,
                            TABLES.iter().map(|t| t.0).collect::<Vec<_>>().join(", ")
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(seen >= TABLES.len(), "every table is used on some page");
}

/// Every marked table holds what its function makes now.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "hundreds of runs: run in release (`cargo test --release`, the README's test command)"
)]
fn docs_tables_are_current() {
    let update = std::env::var_os("STRIFE_UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    for page in crate::docs_blocks::documents() {
        let path = repo(&page);
        let text = std::fs::read_to_string(&path).expect("a page");
        let tables = marked(&text).expect("markers");
        if tables.is_empty() {
            continue;
        }
        let lines: Vec<&str> = text.lines().collect();
        let mut rebuilt: Vec<String> = Vec::new();
        let mut next = 0;
        for t in &tables {
            let make = TABLES
                .iter()
                .find(|(name, _)| *name == t.name)
                .unwrap_or_else(|| panic!("{page}:{}: unknown table {}", t.line, t.name))
                .1;
            let fresh = make();
            let old: Vec<&str> = lines[t.body.0..t.body.1].to_vec();
            if old != fresh.iter().map(String::as_str).collect::<Vec<_>>() {
                stale.push(format!(
                    "{page}:{}: table {} is stale; now:\n{}",
                    t.line,
                    t.name,
                    fresh.join("\n")
                ));
            }
            rebuilt.extend(lines[next..t.body.0].iter().map(|l| (*l).to_owned()));
            rebuilt.extend(fresh);
            next = t.body.1;
        }
        rebuilt.extend(lines[next..].iter().map(|l| (*l).to_owned()));
        if update {
            let mut out = rebuilt.join("\n");
            if text.ends_with('\n') {
                out.push('\n');
            }
            std::fs::write(&path, out).expect("write the page");
        }
    }
    assert!(
        update || stale.is_empty(),
        "{}\n\n(STRIFE_UPDATE_DOCS=1 cargo test --release --test integration docs_tables rewrites them)",
        stale.join("\n\n")
    );
}

/// The shipped calibrated what-if is what its `Made by:` command makes now: a change to the
/// model that moves the fit fails here until the file is re-made with that command (its
/// numbers in docs/CALIBRATION.md, "Recalibrated with `strife calibrate`", with it). About
/// 20 s in a release build; like the tables, release only.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "a calibration of 6,000 runs: run in release (`cargo test --release`, the README's test command)"
)]
fn docs_tables_shipped_goma_calibration_is_what_its_command_makes() {
    let shipped_path = "scenarios/whatif/goma_2025_calibrated.ron";
    let shipped = std::fs::read_to_string(repo(shipped_path)).expect("the shipped what-if");
    let command = shipped
        .lines()
        .find_map(|l| l.strip_prefix("// Made by: strife "))
        .expect("a `// Made by: strife …` line");
    let out = tempfile::tempdir().expect("a temporary folder");
    crate::common::strife()
        .current_dir(repo("."))
        .args(command.split_whitespace())
        .arg("--out")
        .arg(out.path().join("cal"))
        .arg("-q")
        .assert()
        .success();
    let made = std::fs::read_to_string(out.path().join("cal/calibrated.ron")).expect("made");
    // The what-if itself, without the comments and with `base` as shipped (relative to the file).
    let body = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with("//"))
            .map(|l| {
                if l.trim_start().starts_with("base:") {
                    "base".to_owned()
                } else {
                    l.to_owned()
                }
            })
            .collect()
    };
    assert!(
        body(&shipped) == body(&made),
        "{shipped_path} is not what `strife {command}` makes now: re-make it with that command \
         (copy calibrated.ron over it, keeping its comments and `base`) and re-measure \
         docs/CALIBRATION.md, \"Recalibrated with `strife calibrate`\""
    );
}
