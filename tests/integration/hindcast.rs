//! `strife hindcast`: the shipped Goma observations scored, byte-identical whatever `--jobs`,
//! and bad observed files named by line.

use predicates::prelude::*;

use crate::common::{strife, temp_file};

const OBSERVED: &str = "scenarios/observed/goma_2025.csv";

/// Eight 12-day Goma runs on one thread and on two: the same `hindcast.csv` and summary, a
/// row per observation, finite scores, and the fall of Sake close to 23 January.
#[test]
fn goma_hindcast_is_identical_whatever_jobs() {
    let (dir, _) = temp_file("unused", "");
    let run = |jobs: &str, name: &str| {
        let out = dir.path().join(name);
        strife()
            .args([
                "hindcast",
                "scenarios/goma_2025.ron",
                "--observed",
                OBSERVED,
            ])
            .args(["--runs", "8", "--days", "12", "-q", "--jobs", jobs, "--out"])
            .arg(&out)
            .assert()
            .success();
        out
    };
    let (one, two) = (run("1", "one"), run("2", "two"));
    for file in ["hindcast.csv", "summary.json"] {
        let a = std::fs::read(one.join(file)).expect(file);
        assert!(
            a == std::fs::read(two.join(file)).expect(file),
            "{file} depends on --jobs"
        );
    }
    let png = image::load_from_memory(&std::fs::read(one.join("hindcast.png")).expect("png"))
        .expect("a PNG");
    assert_eq!(png.width(), 1200);
    let svg = std::fs::read_to_string(one.join("hindcast.svg")).expect("svg");
    assert!(
        svg.contains("capture goma (m23)"),
        "a panel per observation"
    );
    assert!(one.join("manifest.json").is_file());
    let csv = std::fs::read_to_string(one.join("hindcast.csv")).expect("csv");
    let observed = std::fs::read_to_string(OBSERVED).expect("observed");
    let observations = observed
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("kind,"))
        .count();
    assert_eq!(csv.lines().count(), 1 + observations, "{csv}");
    let sake = csv
        .lines()
        .find(|l| l.contains(",capture,sake,"))
        .expect("a row for Sake");
    let fields: Vec<&str> = sake.split(',').collect();
    let (observed_day, median, crps): (f64, f64, f64) = (
        fields[5].parse().expect("observed"),
        fields[7].parse().expect("median"),
        fields[13].parse().expect("crps"),
    );
    assert_eq!(observed_day, 3.5);
    assert!((median - observed_day).abs() < 1.5, "{sake}");
    assert!((0.0..1.5).contains(&crps), "{sake}");
    let manifest = std::fs::read_to_string(one.join("manifest.json")).expect("manifest");
    assert!(manifest.contains("goma_2025.csv"), "{manifest}");
}

#[test]
fn bad_observed_files_are_named_by_line() {
    let text = "kind,subject,detail,date,value,source\n\
                capture,gomma,m23,2025-01-27,,src\n\
                instrument,UNSC,Sanction,2025-01-27,,src\n\
                count,peacekeepers_killed,,2025-12-24,13,src\n";
    // A folder that already holds a result: the observations are checked before it.
    let (dir, path) = temp_file("observed.csv", text);
    strife()
        .arg("hindcast")
        .arg("--out")
        .arg(dir.path())
        .args(["scenarios/goma_2025.ron", "--runs", "2", "--observed"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "observed.csv:2:1: error: unknown place `gomma`",
        ))
        .stderr(predicate::str::contains("did you mean `goma`?"))
        .stderr(predicate::str::contains("observed.csv:3:1:"))
        .stderr(predicate::str::contains("did you mean `Sanctions`?"))
        .stderr(predicate::str::contains("observed.csv:4:1:"))
        .stderr(predicate::str::contains("outside the run"))
        .stderr(predicate::str::contains("panicked").not());
    strife()
        .args([
            "hindcast",
            "scenarios/goma_2025.ron",
            "--observed",
            "no/such.csv",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such.csv"));
}

/// An event that never happens within the run is censored at the day limit: every run's value
/// is the limit, and the share of runs where it happened is 0. The text says "not by day 4",
/// never a date (issue 16).
#[test]
fn events_that_never_happen_are_censored_at_the_day_limit() {
    let text = "kind,subject,detail,date,value,source\n\
                capture,bukavu,m23,2025-01-22,,a test\n";
    let (dir, path) = temp_file("observed.csv", text);
    let out = dir.path().join("out");
    strife()
        .args([
            "hindcast",
            "scenarios/goma_2025.ron",
            "--runs",
            "3",
            "--days",
            "4",
        ])
        .arg("--observed")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "model median not by day 4 (90%: not by day 4)",
        ))
        .stdout(predicate::str::contains("24 Jan (day 4.0)").not());
    let csv = std::fs::read_to_string(out.join("hindcast.csv")).expect("csv");
    let row: Vec<String> = csv
        .lines()
        .nth(1)
        .expect("a row")
        .split(',')
        .map(str::to_owned)
        .collect();
    // observed day 2.5; median, quantiles = 4 (the limit); p_happened 0; CRPS = 1.5 days.
    assert_eq!(
        &row[5..13],
        [
            "2.500", "days", "4.000", "4.000", "4.000", "4.000", "4.000", "0.000"
        ]
    );
    assert_eq!(row[13], "1.500");
}
