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
    for file in ["manifest.json", "hindcast.png", "hindcast.svg"] {
        assert!(one.join(file).is_file(), "{file} missing");
    }
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
