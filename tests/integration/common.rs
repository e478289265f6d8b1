//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use strife::run::{RunOptions, RunRecord, run_loaded};
use strife::scenario::load::check_scenario;
use strife::scenario::{LoadedScenario, load_scenario, parse_scenario};

/// Path of a file under the repository root.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Load a shipped scenario, failing the test with the error text.
pub fn load(path: &str) -> LoadedScenario {
    load_scenario(&repo(path)).unwrap_or_else(|e| panic!("{path} does not load:\n{e}"))
}

/// A scenario parsed and checked from its text, as if loaded from `test.ron`, failing the test
/// with the error text.
pub fn checked(source: String) -> LoadedScenario {
    let scenario = parse_scenario(&source, "test.ron").unwrap_or_else(|e| panic!("{e}"));
    check_scenario(&scenario, &source, "test.ron").unwrap_or_else(|e| panic!("{e}"));
    LoadedScenario {
        scenario,
        file: "test.ron".into(),
        source,
        overrides: vec![],
        files_read: vec![],
    }
}

/// Run a shipped scenario with a seed.
pub fn run(path: &str, seed: u64, days: Option<f64>) -> RunRecord {
    let loaded = load(path);
    run_loaded(&loaded, RunOptions { seed, days })
        .unwrap_or_else(|e| panic!("{path} does not run: {e}"))
}

/// The `strife` binary.
pub fn strife() -> assert_cmd::Command {
    assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("strife"))
}

/// Write `text` to `name` in a fresh temporary folder; return both.
pub fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write temp file");
    (dir, path)
}

/// Write `text` to `name` in a fresh temporary folder, validate and run it through the binary
/// (both must succeed) into the folder's `out`, check the file was left as written, and return
/// the folder, the file's path and the run's `summary.json`.
pub fn validate_and_run(name: &str, text: &str) -> (tempfile::TempDir, PathBuf, serde_json::Value) {
    let (dir, path) = temp_file(name, text);
    strife().arg("validate").arg(&path).assert().success();
    strife()
        .arg("run")
        .arg(&path)
        .args(["-q", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&path).expect("scenario"),
        text,
        "the scenario file is untouched"
    );
    let summary = std::fs::read(dir.path().join("out/summary.json")).expect("summary.json");
    let summary = serde_json::from_slice(&summary).expect("summary.json is JSON");
    (dir, path, summary)
}
