//! Issue 17, part 2: metrics users define (docs/METRICS.md), through the binary on the Goma
//! scenario: the issue's examples run in `sweep` and `sensitivity`; a user metric's value in run
//! k of an ensemble is the quantity read from the tables of `strife run --seed run_seed(S, k)`;
//! errors point at the column with a suggestion; `compare`'s default table is unchanged.

use std::path::Path;

use predicates::prelude::*;

use crate::common::strife;

const GOMA: &str = "scenarios/goma_2025.ron";

/// The issue's examples.
const EXAMPLES: [&str; 9] = [
    "holder(goma) @ day 30",
    "holds(m23, goma) @ 2025-02-15",
    "personnel(fardc) @ day 14",
    "min(personnel(fardc))",
    "displaced @ 2025-02-15",
    "fall_day(bukavu)",
    "fall_day_if(bukavu)",
    "first_day(instrument(us, sanctions))",
    "max(pressure(rwanda) / resolve(rwanda))",
];

fn read_csv(path: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut rows = vec![reader.headers().expect("header").clone()];
    rows.extend(reader.records().map(|r| r.expect("row")));
    rows
}

fn column(header: &csv::StringRecord, name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[test]
fn user_metrics_the_issue_examples_run_in_sweep_and_sensitivity() {
    let dir = tempfile::tempdir().expect("dir");
    for (i, metric) in EXAMPLES.iter().enumerate() {
        let out = dir.path().join(format!("sweep{i}"));
        strife()
            .args(["sweep", GOMA, "--vary", "states.Rwanda.resolve=12"])
            .args([
                "--metric", metric, "--runs", "2", "--days", "31", "-q", "--out",
            ])
            .arg(&out)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .assert()
            .success();
        let rows = read_csv(&out.join("sweep.csv"));
        assert_eq!(rows.len(), 2, "{metric}: {rows:?}");
        assert_eq!(&rows[1][column(&rows[0], "metric")], *metric);
        let n: usize = rows[1][column(&rows[0], "runs_with_value")]
            .parse()
            .expect("a count");
        // The first sanctions and the fall of Bukavu may not happen in a run; the rest do.
        if !metric.contains("_if") && !metric.contains("first_day") {
            assert_eq!(n, 2, "{metric}: {rows:?}");
        }
        let out = dir.path().join(format!("sens{i}"));
        strife()
            .args(["sensitivity", GOMA, "--vary", "states.Rwanda.resolve=8..16"])
            .args([
                "--metric", metric, "--runs", "2", "--days", "31", "-q", "--out",
            ])
            .arg(&out)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .assert()
            .success();
        let rows = read_csv(&out.join("sensitivity.csv"));
        assert!(rows.len() > 1, "{metric}: {rows:?}");
        assert!(rows[1..].iter().all(|r| &r[0] == *metric), "{metric}");
    }
}

/// The value of a user metric in run k of an ensemble (compare's `runs_<label>.csv`) is the
/// quantity in the tables of the single run with run k's seed.
#[test]
fn user_metrics_equal_the_single_run_tables() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("cmp");
    let master = 7u64;
    let metrics = [
        "personnel(fardc) @ day 14",
        "min(personnel(fardc))",
        "displaced @ 2025-02-15",
        "holds(m23, goma) @ day 9.5",
        "pressure(rwanda) @ day 20",
    ];
    let mut cmd = strife();
    cmd.args(["compare", GOMA, GOMA, "--runs", "3", "--days", "31", "-q"])
        .args(["--seed", &master.to_string(), "--out"])
        .arg(&out);
    for m in metrics {
        cmd.args(["--metric", m]);
    }
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
    let mut runs_files: Vec<_> = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.starts_with("runs_").then_some(name)
        })
        .collect();
    runs_files.sort();
    let runs = read_csv(&out.join(&runs_files[0]));
    assert_eq!(runs.len(), 4, "three runs");
    let h = &runs[0];
    for k in [0usize, 2] {
        let row = &runs[k + 1];
        let seed = strife::run::ensemble::run_seed(master, k as u64);
        assert_eq!(row[column(h, "seed")], seed.to_string());
        let value = |m: &str| -> f64 {
            row[column(h, &format!("metric:{m}"))]
                .parse()
                .unwrap_or_else(|e| panic!("{m}: {e}"))
        };
        let single = dir.path().join(format!("run{k}"));
        strife()
            .args([
                "run",
                GOMA,
                "--seed",
                &seed.to_string(),
                "--days",
                "31",
                "-q",
            ])
            .arg("--out")
            .arg(&single)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .assert()
            .success();
        let forces = read_csv(&single.join("forces.csv"));
        let fh = &forces[0];
        let fardc: Vec<&csv::StringRecord> = forces[1..]
            .iter()
            .filter(|r| &r[column(fh, "faction")] == "fardc")
            .collect();
        let personnel = |r: &csv::StringRecord| -> f64 {
            r[column(fh, "personnel")].parse().expect("personnel")
        };
        let day14 = fardc
            .iter()
            .find(|r| &r[column(fh, "day")] == "14.000")
            .expect("a row on day 14");
        assert_eq!(value(metrics[0]), personnel(day14), "run {k}");
        let least = fardc
            .iter()
            .map(|r| personnel(r))
            .fold(f64::INFINITY, f64::min);
        assert_eq!(value(metrics[1]), least, "run {k}");
        let escalation = read_csv(&single.join("escalation.csv"));
        let eh = &escalation[0];
        let feb15 = escalation[1..]
            .iter()
            .find(|r| &r[column(eh, "datetime")] == "2025-02-15 00:00")
            .expect("a row on 15 February");
        let displaced: f64 = feb15[column(eh, "displaced_now")].parse().expect("count");
        // The table rounds people to whole persons.
        assert_eq!(value(metrics[2]).round(), displaced, "run {k}");
        let control = read_csv(&single.join("control.csv"));
        let ch = &control[0];
        let goma = control[1..]
            .iter()
            .find(|r| &r[column(ch, "day")] == "9.500" && &r[column(ch, "place")] == "goma")
            .expect("Goma on day 9.5");
        let held = if &goma[column(ch, "controller")] == "m23" {
            1.0
        } else {
            0.0
        };
        assert_eq!(value(metrics[3]), held, "run {k}");
        let states = read_csv(&single.join("states.csv"));
        let sh = &states[0];
        let rwanda = states[1..]
            .iter()
            .find(|r| &r[column(sh, "day")] == "20.000" && &r[column(sh, "state")] == "Rwanda")
            .expect("Rwanda on day 20");
        let pressure: f64 = rwanda[column(sh, "pressure")].parse().expect("pressure");
        assert!((value(metrics[4]) - pressure).abs() <= 5e-4, "run {k}");
    }
}

#[test]
fn user_metrics_errors_point_at_the_column_with_a_suggestion() {
    let cases = [
        (
            "holds(m23, gomma) @ day 30",
            "--metric:1:12:",
            "did you mean `goma`?",
        ),
        (
            "personnel(fardc) @ day",
            "--metric:1:23:",
            "expected a number",
        ),
        (
            "first_day(instrument(us, sanction))",
            "--metric:1:26:",
            "did you mean `sanctions`?",
        ),
        (
            "max(presure(rwanda))",
            "--metric:1:5:",
            "did you mean `pressure`?",
        ),
        ("holder(goma) + 1", "--metric:1:1:", "holder(goma) == m23"),
    ];
    for (metric, at, help) in cases {
        strife()
            .args(["sweep", GOMA, "--vary", "states.Rwanda.resolve=12"])
            .args(["--metric", metric, "--runs", "1", "--out", "unused"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(at))
            .stderr(predicate::str::contains(help))
            .stderr(predicate::str::contains("^"))
            .stderr(predicate::str::contains("panicked").not());
    }
    strife()
        .args([
            "compare",
            GOMA,
            GOMA,
            "--runs",
            "1",
            "--metric",
            "rung @ day x",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--metric:1:12:"));
}

/// `compare --metric` adds rows and columns; without it the tables are as before.
#[test]
fn user_metrics_compare_keeps_its_default_tables() {
    let dir = tempfile::tempdir().expect("dir");
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        strife()
            .args([
                "compare", GOMA, GOMA, "--runs", "2", "--days", "12", "-q", "--out",
            ])
            .arg(&out)
            .args(extra)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .assert()
            .success();
        out
    };
    let plain = run("plain", &[]);
    let with = run(
        "with",
        &["--metric", "killed(fardc) @ day 5", "--metric", "ceasefire"],
    );
    let text = |dir: &Path| std::fs::read_to_string(dir.join("comparison.csv")).expect("csv");
    let (a, b) = (text(&plain), text(&with));
    assert!(b.starts_with(&a), "the default rows come first, unchanged");
    let extra: Vec<&str> = b[a.len()..].lines().collect();
    assert_eq!(extra.len(), 2, "{extra:?}");
    assert!(extra[0].starts_with("killed(fardc) @ day 5,") && extra[1].starts_with("ceasefire,"));
    assert!(
        extra[1].contains(",p,"),
        "a 0/1 metric compares shares: {}",
        extra[1]
    );
}
