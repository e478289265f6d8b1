//! The binary: runs write their files; bad input gives a precise error, exit code 2, no panic.

use predicates::prelude::*;

use crate::common::{repo, strife, temp_file};

fn minimal_text() -> String {
    std::fs::read_to_string(repo("scenarios/minimal.ron")).expect("minimal.ron")
}

/// Assert that the error points at the line of `text` that contains `needle`.
fn assert_located(stderr: &str, text: &str, needle: &str) {
    let line = text.lines().position(|l| l.contains(needle)).expect("line") + 1;
    assert!(
        stderr.contains(&format!("broken.ron:{line}:")),
        "line {line} in:\n{stderr}"
    );
}

/// Run `strife validate` on `text`; assert it fails with exit code 2 and no panic; return stderr.
fn validate_error(text: &str) -> String {
    let (_dir, path) = temp_file("broken.ron", text);
    let output = strife().arg("validate").arg(&path).output().expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(2),
        "exit code; stderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    assert!(
        stderr.contains("broken.ron"),
        "the file is named:\n{stderr}"
    );
    stderr
}

#[test]
fn run_writes_tables_summary_manifest_and_plots() {
    let (dir, _) = temp_file("unused", "");
    let out = dir.path().join("minimal");
    strife()
        .args(["run", "scenarios/minimal.ron", "--out"])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Changes of hands"))
        .stdout(predicate::str::contains("2025-01-0"))
        .stdout(predicate::str::contains(
            "Ended: River City captured by Rebels",
        ));
    for file in [
        "forces.csv",
        "control.csv",
        "casualties.csv",
        "supply.csv",
        "events.csv",
        "summary.json",
        "manifest.json",
        "forces.png",
        "forces.svg",
        "control.png",
        "control.svg",
        "casualties.png",
        "casualties.svg",
        "supply.png",
        "supply.svg",
    ] {
        assert!(out.join(file).is_file(), "{file} was not written");
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary"))
            .expect("json");
    let captures = summary["captures"].as_array().expect("captures list");
    assert!(!captures.is_empty());
    for key in ["place", "by", "day", "date"] {
        assert!(captures[0].get(key).is_some(), "capture lacks `{key}`");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest"))
            .expect("json");
    let expected = strife::output::summary::sha256_hex(minimal_text().as_bytes());
    assert_eq!(manifest["scenario_sha256"], expected.as_str());
    assert_eq!(manifest["seed"], 7);
    assert!(
        manifest["command_line"]
            .as_array()
            .is_some_and(|a| a.len() > 2)
    );
}

#[test]
fn default_output_folder_is_named_after_the_scenario_file() {
    let (dir, path) = temp_file("tiny_theatre.ron", &minimal_text());
    strife()
        .args(["run", "-q"])
        .arg(&path)
        .current_dir(dir.path())
        .assert()
        .success();
    assert!(
        dir.path()
            .join("output/tiny_theatre/summary.json")
            .is_file()
    );
}

#[test]
fn malformed_file_gives_file_line_col_and_exit_code_2() {
    let text = minimal_text().replacen(
        "duration_days: 30,",
        "duration_days: 30\n    tick_hours 1,",
        1,
    );
    let stderr = validate_error(&text);
    assert!(
        predicate::str::is_match(r"broken\.ron:\d+:\d+: error")
            .expect("regex")
            .eval(&stderr),
        "no file:line:col in:\n{stderr}"
    );
}

#[test]
fn typo_in_a_field_name_is_named_with_a_suggestion() {
    let text = minimal_text().replacen("personnel: 1500", "personel: 1500", 1);
    let stderr = validate_error(&text);
    assert!(
        stderr.contains("personel"),
        "the bad field is named:\n{stderr}"
    );
    assert!(
        stderr.contains("did you mean `personnel`?"),
        "suggestion:\n{stderr}"
    );
    assert_located(&stderr, &text, "personel");
}

#[test]
fn unknown_reference_is_located_with_a_suggestion() {
    let text = minimal_text().replacen("place: \"ferry\"", "place: \"fery\"", 1);
    let stderr = validate_error(&text);
    assert!(stderr.contains("unknown place `fery`"), "{stderr}");
    assert!(stderr.contains("did you mean `ferry`?"), "{stderr}");
    assert_located(&stderr, &text, "\"fery\"");
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = minimal_text()
        .replacen(
            "faction: \"reb\", place: \"hilltop\"",
            "faction: \"rebs\", place: \"hilltop\"",
            1,
        )
        .replacen("morale: 0.5", "morale: 1.5", 1)
        .replacen("km: 20", "km: -20", 1);
    let stderr = validate_error(&text);
    assert!(stderr.contains("unknown faction `rebs`"), "{stderr}");
    assert!(stderr.contains("morale is 1.5"), "{stderr}");
    assert!(stderr.contains("km must be a positive number"), "{stderr}");
    assert!(stderr.contains("3 problems found"), "{stderr}");
}

#[test]
fn missing_file_and_bad_flags_are_user_errors() {
    strife()
        .args(["validate", "no/such/file.ron"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.ron"));
    strife()
        .args([
            "run",
            "scenarios/minimal.ron",
            "--days",
            "-3",
            "--out",
            "/tmp/strife-never-written",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--days"));
    strife().args(["run", "--sed", "3"]).assert().code(2);
}

#[test]
fn validate_accepts_every_shipped_scenario() {
    strife()
        .args([
            "validate",
            "scenarios/minimal.ron",
            "scenarios/goma_2025.ron",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success()
        .stdout(predicate::str::contains("goma_2025.ron: ok"));
}

#[test]
fn a_failed_run_leaves_the_previous_result_intact() {
    let (dir, _) = temp_file("unused", "");
    let out = dir.path().join("result");
    strife()
        .args(["run", "scenarios/minimal.ron", "-q", "--out"])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
    let before = std::fs::read(out.join("summary.json")).expect("summary");
    let (_bad_dir, bad) = temp_file("bad.ron", "Scenario(");
    strife()
        .args(["run", "-q"])
        .arg(&bad)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read(out.join("summary.json")).expect("summary"),
        before
    );
}

#[test]
fn impossible_distributions_and_risky_ranges_are_located() {
    let text = minimal_text().replacen(
        "personnel: 1500",
        "personnel: Uniform(min: 2000, max: 1000)",
        1,
    );
    let stderr = validate_error(&text);
    assert!(
        stderr.contains("`units.reb_column.personnel`: Uniform needs finite min ≤ max"),
        "{stderr}"
    );
    assert_located(&stderr, &text, "Uniform(min: 2000");

    let text = minimal_text().replacen("morale: 0.5", "morale: Uniform(min: 0.4, max: 1.2)", 1);
    let stderr = validate_error(&text);
    // Issue 12: located at the distribution, naming the values the field refuses.
    assert!(
        stderr.contains(
            "`units.gov_ferry.morale`: this Uniform can draw values above 1, which the field \
             does not accept (unit `gov_ferry`: morale is 1.2; it must be between 0 and 1)"
        ),
        "{stderr}"
    );
    assert_located(&stderr, &text, "Uniform(min: 0.4");

    let text = minimal_text().replacen("morale: 0.5", "morale: Unifrom(min: 0.4, max: 0.6)", 1);
    let stderr = validate_error(&text);
    assert!(
        stderr.contains("a distribution: Uniform(min: a, max: b)"),
        "{stderr}"
    );
}

#[test]
fn set_overrides_fields_and_names_the_nearest_paths() {
    let (dir, _) = temp_file("unused", "");
    let out = dir.path().join("set");
    strife()
        .args([
            "run",
            "scenarios/minimal.ron",
            "-q",
            "--set",
            "units.reb_column.personnel=10",
            "--out",
        ])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
    let manifest = std::fs::read_to_string(out.join("manifest.json")).expect("manifest");
    assert!(
        manifest.contains("units.reb_column.personnel=10"),
        "{manifest}"
    );
    let summary = std::fs::read_to_string(out.join("summary.json")).expect("summary");
    assert!(
        summary.contains("\"kind\": \"day_limit\""),
        "ten rebels do not take the city:\n{summary}"
    );

    strife()
        .args([
            "run",
            "scenarios/minimal.ron",
            "--set",
            "units.reb_colum.personnel=10",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean `units.reb_column.personnel`?",
        ));
    strife()
        .args([
            "run",
            "scenarios/minimal.ron",
            "--set",
            "units.reb_column.personnel=lots",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "expected a number, or a distribution",
        ));
    strife()
        .args(["run", "scenarios/minimal.ron", "--set", "nonsense"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("PATH=VALUE"));
}

#[test]
fn whatif_bases_must_exist_and_not_include_themselves() {
    let (dir, missing) = temp_file(
        "missing.ron",
        "WhatIf(description: \"x\", base: \"nowhere.ron\", set: {})",
    );
    let stderr = validate_error_at(&missing);
    assert!(
        stderr.contains("base scenario") && stderr.contains("not found"),
        "{stderr}"
    );
    let looped = dir.path().join("loop.ron");
    std::fs::write(
        &looped,
        "WhatIf(description: \"x\", base: \"loop.ron\", set: {})",
    )
    .expect("write");
    let stderr = validate_error_at(&looped);
    assert!(stderr.contains("includes itself"), "{stderr}");
}

/// `strife validate` on a file that must fail with exit code 2; returns stderr.
fn validate_error_at(path: &std::path::Path) -> String {
    let output = strife().arg("validate").arg(path).output().expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn compare_runs_scenarios_with_common_random_numbers() {
    let (dir, _) = temp_file("unused", "");
    let whatif = dir.path().join("bigger_column.ron");
    std::fs::write(
        &whatif,
        format!(
            "WhatIf(description: \"A column twice as big\", base: \"{}\", set: {{\"units.reb_column.personnel\": \"3000\"}})",
            repo("scenarios/minimal.ron").display()
        ),
    )
    .expect("write what-if");
    let out = dir.path().join("cmp");
    strife()
        .args(["compare", "scenarios/minimal.ron"])
        .arg(&whatif)
        .args(["--runs", "16", "--out"])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success()
        .stdout(predicate::str::contains("hastens River City's fall"))
        // Issue 16: a hastened fall's interval reads in the same direction as its estimate.
        .stdout(
            predicate::str::is_match(
                r"hastens River City's fall by [0-9.]+ days \(90% CI [0-9.]+ to [0-9.]+;",
            )
            .expect("regex"),
        );
    let table = std::fs::read_to_string(out.join("comparison.csv")).expect("comparison.csv");
    let row = table
        .lines()
        .find(|l| l.starts_with("fall_day.city,bigger_column,minimal,16,"))
        .unwrap_or_else(|| panic!("no paired row for the city:\n{table}"));
    let difference: f64 = row
        .split(',')
        .nth(6)
        .and_then(|d| d.parse().ok())
        .expect("difference");
    assert!(
        difference < 0.0,
        "a bigger column takes the city sooner: {row}"
    );
    for file in [
        "summary.json",
        "manifest.json",
        "runs_minimal.csv",
        "runs_bigger_column.csv",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
}

#[test]
fn sweep_charts_a_metric_over_a_grid_and_metrics_lists_the_names() {
    let (dir, _) = temp_file("unused", "");
    let out = dir.path().join("sweep");
    strife()
        .args([
            "sweep",
            "scenarios/minimal.ron",
            "--vary",
            "units.reb_column.personnel=500:2500:1000",
        ])
        .args([
            "--vary",
            "units.gov_city.morale=0.4,0.8",
            "--metric",
            "p_fall.city",
            "--runs",
            "8",
            "-q",
            "--out",
        ])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
    let table = std::fs::read_to_string(out.join("sweep.csv")).expect("sweep.csv");
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(rows.len(), 1 + 3 * 2, "a header and six points:\n{table}");
    assert!(rows[0].starts_with("units.reb_column.personnel,units.gov_city.morale,metric,"));
    let mean = |row: &str| {
        row.split(',')
            .nth(4)
            .and_then(|x| x.parse::<f64>().ok())
            .expect("mean")
    };
    assert!(
        mean(rows[1]) <= mean(rows[5]),
        "a bigger column takes the city at least as often:\n{table}"
    );

    strife()
        .args([
            "sweep",
            "scenarios/minimal.ron",
            "--vary",
            "units.reb_column.personnel=1,2",
        ])
        .args(["--metric", "p_fall.cty", "--runs", "2"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `p_fall.city`?"));
    strife()
        .args(["metrics", "scenarios/minimal.ron"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success()
        .stdout(predicate::str::contains("fall_day.city"))
        .stdout(predicate::str::contains("killed.reb"));
}

/// Issue 12: the same ensemble command replaces its own result; a single run into its folder
/// needs --force.
#[test]
fn an_ensemble_result_is_replaced_only_by_the_same_command_without_force() {
    let (dir, _) = temp_file("unused", "");
    let out = dir.path().join("ens");
    let command = |extra: &[&str]| {
        let mut cmd = strife();
        cmd.args(["run", "scenarios/minimal.ron", "-q", "--out"])
            .arg(&out)
            .args(extra)
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        cmd
    };
    command(&["--runs", "3"]).assert().success();
    command(&["--runs", "3"]).assert().success();
    let before = std::fs::read(out.join("runs.csv")).expect("runs.csv");
    command(&[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "holds another result: `ensemble` of",
        ))
        .stderr(predicate::str::contains("add --force"));
    assert_eq!(
        std::fs::read(out.join("runs.csv")).expect("runs.csv"),
        before
    );
    command(&["--force"]).assert().success();
}

#[test]
fn a_file_too_large_or_a_folder_is_refused_with_a_message() {
    let (dir, big) = temp_file("huge.ron", "");
    let file = std::fs::File::create(&big).expect("create");
    file.set_len(strife::scenario::load::MAX_SCENARIO_BYTES + 1)
        .expect("grow");
    let stderr = validate_error_at(&big);
    assert!(
        stderr.contains("huge.ron") && stderr.contains("larger than"),
        "{stderr}"
    );
    let stderr = validate_error_at(dir.path());
    assert!(stderr.contains("is a folder"), "{stderr}");
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    // `strife generate | head -1`: the reader goes away after one line of a large output.
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("strife"))
        .args(["generate", "--places", "400", "--units", "4000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("reads a line");
    assert!(first.starts_with("// A synthetic theatre"));
    let out = child.wait_with_output().expect("ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
