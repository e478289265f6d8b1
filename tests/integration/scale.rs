//! Synthetic theatres (`strife generate`): valid, reproducible, and runnable at scale.

use strife::generate::{GenerateOptions, generate};
use strife::run::{RunOptions, run_one};

use crate::common::{strife, temp_file};

#[test]
fn generated_theatre_validates_and_runs_through_the_binary() {
    let out = strife()
        .args([
            "generate",
            "--places",
            "40",
            "--units",
            "300",
            "--factions",
            "9",
        ])
        .args(["--sides", "3", "--seed", "2", "--days", "3"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.starts_with("// A synthetic theatre"), "{text:.200}");
    let (dir, path) = temp_file("synthetic.ron", &text);
    strife().arg("validate").arg(&path).assert().success();
    strife()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join("out"))
        .arg("-q")
        .assert()
        .success();
    assert!(dir.path().join("out/control.csv").exists());
}

#[test]
fn generate_writes_a_file_and_refuses_bad_sizes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("g.ron");
    strife()
        .args([
            "generate",
            "--places",
            "10",
            "--units",
            "20",
            "--factions",
            "3",
        ])
        .arg("-o")
        .arg(&path)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&path)
            .expect("written")
            .contains("Scenario(")
    );
    strife()
        .args(["generate", "--places", "5", "--factions", "6"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--factions must be between 2 and",
        ));
}

#[test]
fn a_large_theatre_fights_and_changes_hands() {
    // 2,000 units on 200 places: the engine must move them, fight and take places, and keep
    // every faction's personnel accounted for.
    let options = GenerateOptions {
        places: 200,
        units: 2_000,
        factions: 40,
        sides: 4,
        seed: 7,
        days: 4,
    };
    let scenario = generate(&options).expect("generates");
    let record = run_one(
        &scenario,
        RunOptions {
            seed: 7,
            days: None,
        },
    )
    .expect("runs");
    assert!(
        !record.captures.is_empty(),
        "no place changed hands in 4 days"
    );
    let committed: u32 = record
        .casualties
        .iter()
        .map(|c| c.personnel_committed)
        .sum();
    let accounted: u32 = record
        .casualties
        .iter()
        .map(|c| c.personnel_end + c.killed + c.wounded + c.captured + c.deserted)
        .sum();
    assert_eq!(committed, accounted);
}
