//! Tools for scenario writers: `list`, `new`, `explain`, `run --watch`, `--quiet`, `--json`
//! and shell completions.

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::common::{repo, strife};

#[test]
fn list_shows_every_shipped_scenario_and_what_if_with_its_description() {
    let output = strife()
        .arg("list")
        .current_dir(repo(""))
        .output()
        .expect("runs");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    for dir in ["scenarios", "scenarios/whatif"] {
        for entry in std::fs::read_dir(repo(dir)).expect("folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|x| x == "ron") {
                let name = path.file_name().and_then(|n| n.to_str()).expect("name");
                let line = stdout
                    .lines()
                    .find(|l| l.trim_start().starts_with(name))
                    .unwrap_or_else(|| panic!("{name} not listed:\n{stdout}"));
                let loaded = crate::common::load(&format!("{dir}/{name}"));
                let first_words: String = loaded.scenario.description.chars().take(30).collect();
                assert!(line.contains(&first_words), "{name}: {line}");
            }
        }
    }
    assert!(stdout.contains("What-ifs"));
    // Below the repository root it finds the folder above; elsewhere it says what to do.
    strife()
        .arg("list")
        .current_dir(repo("src"))
        .assert()
        .success()
        .stdout(predicate::str::contains("minimal.ron"));
    let empty = tempfile::tempdir().expect("temp dir");
    strife()
        .arg("list")
        .current_dir(empty.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no scenarios/ folder"))
        .stderr(predicate::str::contains("--dir"));
}

#[test]
fn new_writes_a_template_that_validates_and_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    strife()
        .args(["new", "kivu_north"])
        .current_dir(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Wrote kivu_north.ron"));
    let text = std::fs::read_to_string(dir.path().join("kivu_north.ron")).expect("written");
    assert!(
        text.starts_with("// kivu_north.ron"),
        "opens with a comment"
    );
    assert!(text.contains("name: \"kivu_north\""));
    strife()
        .args(["validate", "kivu_north.ron"])
        .current_dir(dir.path())
        .assert()
        .success();
    strife()
        .args(["run", "kivu_north.ron", "--out", "out"])
        .current_dir(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Changes of hands"));
    assert!(dir.path().join("out/report.html").is_file());
    // Never replaces a file without --force; refuses names that are not file names.
    strife()
        .args(["new", "kivu_north"])
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists; add --force"));
    strife()
        .args(["new", "kivu_north", "--force"])
        .current_dir(dir.path())
        .assert()
        .success();
    for bad in ["../escape", "a b", ""] {
        strife()
            .args(["new", bad])
            .current_dir(dir.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is not a scenario name"));
    }
    assert!(
        !dir.path()
            .parent()
            .expect("parent")
            .join("escape.ron")
            .exists()
    );
}

#[test]
fn explain_shows_places_forces_by_side_routes_events_and_uncertain_inputs() {
    let output = strife()
        .args(["explain", "scenarios/goma_2025.ron"])
        .current_dir(repo(""))
        .output()
        .expect("runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "Goma 2025 (scenarios/goma_2025.ron)",
        "├─ Places (19)",
        "Goma (goma) — City, DRC",
        "Forces by side (faction → units)",
        "side M23-RDF",
        "RDF (Rwanda) (StateArmy, sponsor Rwanda)",
        "personnel at Gisenyi (Rubavu)",
        "Routes (22)",
        "Goma – Bukavu: 105 km lake crossing",
        "Events (7)",
        "rdf_crossing — when Day(6.0)",
        "Uncertain inputs (",
        "units.rdf_crossing.personnel: Uniform 500–1,000",
        "Lake Kivu (Lake,",
    ] {
        assert!(text.contains(needle), "`{needle}` missing:\n{text}");
    }
    // A what-if is explained with its overrides applied.
    strife()
        .args(["explain", "scenarios/whatif/no_rdf.ron"])
        .current_dir(repo(""))
        .assert()
        .success()
        .stdout(predicate::str::contains("overrides"));
    // A bad file gives the usual located error, not a panic.
    let (_dir, path) = crate::common::temp_file("bad.ron", "Scenario(name: 3)");
    strife()
        .arg("explain")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.ron:1:"));
}

/// `strife ARGS --out DIR --json` prints exactly the `summary.json` it writes.
fn json_matches_summary(args: &[&str]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let output = strife()
        .args(args)
        .arg("--out")
        .arg(&out)
        .arg("--json")
        .current_dir(repo(""))
        .output()
        .expect("runs");
    assert!(output.status.success(), "{args:?}");
    let printed: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary.json"))
            .expect("JSON");
    assert_eq!(printed, written, "{args:?}");
    assert!(
        output.stderr.is_empty(),
        "{args:?}: no progress bar with --json"
    );
}

#[test]
fn json_prints_the_summary_and_quiet_prints_nothing() {
    json_matches_summary(&["run", "scenarios/minimal.ron"]);
    json_matches_summary(&["run", "scenarios/minimal.ron", "--runs", "5"]);
    json_matches_summary(&[
        "compare",
        "scenarios/minimal.ron",
        "scenarios/minimal.ron",
        "--runs",
        "3",
    ]);
    json_matches_summary(&[
        "sweep",
        "scenarios/minimal.ron",
        "--vary",
        "units.reb_column.personnel=1000,2000",
        "--metric",
        "p_fall.city",
        "--runs",
        "3",
    ]);
    let dir = tempfile::tempdir().expect("temp dir");
    strife()
        .args([
            "run",
            "scenarios/minimal.ron",
            "--runs",
            "4",
            "--quiet",
            "--out",
        ])
        .arg(dir.path().join("q"))
        .current_dir(repo(""))
        .assert()
        .success()
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::is_empty());
}

#[test]
fn completions_cover_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = strife()
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&output.stdout);
        for sub in ["run", "compare", "sweep", "list", "explain", "completions"] {
            assert!(script.contains(sub), "{shell}: {sub}");
        }
    }
    strife().args(["completions", "tcsh"]).assert().code(2);
}

/// Wait up to ten seconds for `check` to hold.
fn eventually(what: &str, check: impl Fn() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn report_contains(out: &Path, needle: &str) -> bool {
    std::fs::read_to_string(out.join("report.html")).is_ok_and(|t| t.contains(needle))
}

/// `strife run FILE --watch --out OUT -q`, started.
fn spawn_watch(file: &Path, out: &Path) -> std::process::Child {
    Command::new(assert_cmd::cargo::cargo_bin!("strife"))
        .arg("run")
        .arg(file)
        .arg("--watch")
        .arg("--out")
        .arg(out)
        .arg("-q")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts")
}

/// Stop a watch and return what it printed on stderr; if the test's checks (`result`) failed,
/// print that and fail with them.
fn stop_watch(child: &mut std::process::Child, result: std::thread::Result<()>) -> String {
    let _ = child.kill();
    let _ = child.wait();
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    if let Err(panic) = result {
        eprintln!("stderr of strife run --watch:\n{stderr}");
        std::panic::resume_unwind(panic);
    }
    stderr
}

#[test]
fn watch_reruns_on_change_and_survives_a_bad_edit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("w.ron");
    let text = std::fs::read_to_string(repo("scenarios/minimal.ron")).expect("minimal.ron");
    std::fs::write(&file, &text).expect("write");
    let out = dir.path().join("out");
    let mut child = spawn_watch(&file, &out);
    let result = std::panic::catch_unwind(|| {
        eventually("the first report", || {
            report_contains(&out, "Minimal: a rebel column")
        });
        std::fs::write(&file, text.replace("tick_hours: 1", "tick_hours: nope")).expect("write");
        std::thread::sleep(Duration::from_millis(1500));
        std::fs::write(
            &file,
            text.replace(
                "Minimal: a rebel column and a river city",
                "Edited while watching",
            ),
        )
        .expect("write");
        eventually("the report of the edited file", || {
            report_contains(&out, "Edited while watching")
        });
    });
    let alive = child.try_wait().expect("status").is_none();
    let stderr = stop_watch(&mut child, result);
    assert!(alive, "the watch ended by itself:\n{stderr}");
    assert!(stderr.contains("w.ron:"), "the bad edit's error:\n{stderr}");
    assert!(stderr.contains("changed: running again"), "{stderr}");
}

/// Issue 16: watching a what-if, an edit of its base is announced as the base's change, not
/// the what-if's.
#[test]
fn watch_names_the_base_that_changed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = dir.path().join("base.ron");
    let text = std::fs::read_to_string(repo("scenarios/minimal.ron")).expect("minimal.ron");
    std::fs::write(&base, &text).expect("write");
    let whatif = dir.path().join("wi.ron");
    std::fs::write(
        &whatif,
        "WhatIf(name: \"Bigger column\", description: \"A bigger column\", base: \"base.ron\", set: {\"units.reb_column.personnel\": \"2000\"})",
    )
    .expect("write");
    let out = dir.path().join("out");
    let mut child = spawn_watch(&whatif, &out);
    let result = std::panic::catch_unwind(|| {
        eventually("the first report", || {
            report_contains(&out, "Bigger column")
        });
        std::fs::write(&base, text.replace("River City", "Harbour City")).expect("write");
        eventually("the report of the edited base", || {
            report_contains(&out, "Harbour City")
        });
    });
    let stderr = stop_watch(&mut child, result);
    assert!(
        stderr.contains("base.ron changed: running again"),
        "the base is not named:\n{stderr}"
    );
    assert!(!stderr.contains("wi.ron changed"), "{stderr}");
}
