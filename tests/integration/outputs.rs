//! Issue 12, sections 1 and 5: strife never destroys what it did not write, swaps results in
//! atomically (a kill at any step leaves the old result or the new one), lets one writer at a
//! time into a folder, and writes outputs that cannot be turned against their reader.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::common::{repo, strife};

/// Every file under `dir` (recursively, symlinks not followed) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                files.insert(path.clone(), std::fs::read(&path).expect("read"));
            } else {
                files.insert(path.clone(), b"(special)".to_vec());
            }
        }
    }
    files
}

/// A fresh folder holding a copy of scenarios/minimal.ron as `minimal.ron`.
fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("minimal.ron");
    std::fs::copy(repo("scenarios/minimal.ron"), &scenario).expect("copy scenario");
    (dir, scenario)
}

/// `strife run minimal.ron ARGS… -q` in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    strife()
        .args(["run", "minimal.ron", "-q"])
        .args(args)
        .current_dir(dir)
        .assert()
}

/// Whether `dir` holds a complete strife result: a manifest listing files that all exist.
fn complete_result(dir: &Path) -> bool {
    let Ok(bytes) = std::fs::read(dir.join("manifest.json")) else {
        return false;
    };
    let manifest: serde_json::Value = serde_json::from_slice(&bytes).expect("manifest is JSON");
    let files = manifest["files"]
        .as_array()
        .expect("manifest lists its files");
    !files.is_empty()
        && files
            .iter()
            .all(|f| dir.join(f.as_str().expect("a name")).is_file())
}

/// Issue 12: `--out` on a folder strife did not write (a project folder with the scenario in
/// it) is refused, with --force too, and nothing in it changes.
#[test]
fn a_folder_strife_did_not_write_is_never_replaced() {
    let (dir, _) = project();
    let before = snapshot(dir.path());
    for force in [false, true] {
        let mut args = vec!["--out", "."];
        if force {
            args.push("--force");
        }
        run_in(dir.path(), &args)
            .code(2)
            .stderr(predicate::str::contains("strife did not write"))
            .stderr(predicate::str::contains("choose another --out"));
        assert_eq!(snapshot(dir.path()), before, "force = {force}");
    }
}

/// Issue 12: a file, a FIFO, a symbolic link to a folder and (as root) a device are refused as
/// output folders, whatever --force says, and are left as they were.
#[test]
fn files_devices_fifos_and_links_are_never_replaced() {
    let (dir, _) = project();
    std::fs::write(dir.path().join("notes.txt"), "mine").expect("write");
    let fifo = dir.path().join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    std::fs::create_dir(dir.path().join("real")).expect("mkdir");
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).expect("link");
    let before = snapshot(dir.path());
    for (out, what) in [
        ("notes.txt", "a file"),
        ("pipe", "a device, FIFO or socket"),
        ("link", "a symbolic link"),
    ] {
        for force in [&[][..], &["--force"][..]] {
            let mut args = vec!["--out", out];
            args.extend_from_slice(force);
            run_in(dir.path(), &args)
                .code(2)
                .stderr(predicate::str::contains(format!("is {what}")));
        }
    }
    if Path::new("/dev/null").exists() {
        run_in(dir.path(), &["--out", "/dev/null", "--force"])
            .code(2)
            .stderr(predicate::str::contains("is a device"));
        let meta = std::fs::symlink_metadata("/dev/null").expect("/dev/null");
        assert!(!meta.is_dir(), "/dev/null is still a device");
    }
    assert_eq!(snapshot(dir.path()), before);
}

/// Issue 12: an empty folder (as `mktemp -d` makes) is used as is, and so is `--out .`.
#[test]
fn an_empty_folder_and_the_current_folder_are_used_as_they_are() {
    let (dir, scenario) = project();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    run_in(dir.path(), &["--out", "empty"]).success();
    assert!(complete_result(&empty));
    let here = tempfile::tempdir().expect("temp dir");
    strife()
        .arg("run")
        .arg(&scenario)
        .args(["-q", "--out", "."])
        .current_dir(here.path())
        .assert()
        .success();
    assert!(complete_result(here.path()));
}

/// Issue 12: the same command replaces its own result without --force; a result of another
/// command (a single run over an ensemble) needs --force.
#[test]
fn only_the_same_command_replaces_a_result_without_force() {
    let (dir, _) = project();
    run_in(dir.path(), &["--runs", "3", "--out", "res"]).success();
    run_in(dir.path(), &["--runs", "4", "--out", "res"]).success();
    let ensemble = snapshot(&dir.path().join("res"));
    run_in(dir.path(), &["--out", "res"])
        .code(2)
        .stderr(predicate::str::contains("holds another result"))
        .stderr(predicate::str::contains("--force"));
    assert_eq!(snapshot(&dir.path().join("res")), ensemble);
    run_in(dir.path(), &["--out", "res", "--force"]).success();
    assert!(dir.path().join("res/forces.csv").is_file());
    assert!(!dir.path().join("res/runs.csv").exists());
    // Other overrides are another result too.
    run_in(
        dir.path(),
        &["--out", "res", "--set", "units.reb_column.personnel=1600"],
    )
    .code(2)
    .stderr(predicate::str::contains("holds another result"));
}

/// Issue 12: a strife result beside which the user put a file of their own is not replaced,
/// --force or not.
#[test]
fn a_result_holding_a_users_file_is_not_replaced() {
    let (dir, _) = project();
    run_in(dir.path(), &["--out", "res"]).success();
    std::fs::write(dir.path().join("res/my notes.txt"), "keep me").expect("write");
    let before = snapshot(dir.path());
    run_in(dir.path(), &["--out", "res", "--force"])
        .code(2)
        .stderr(predicate::str::contains(
            "`my notes.txt`, which strife did not write",
        ));
    assert_eq!(snapshot(dir.path()), before);
}

/// Issue 12: a run with --set overrides lands in its own default folder, never on the
/// baseline's.
#[test]
fn a_what_if_never_lands_on_its_baseline_by_default() {
    let (dir, _) = project();
    run_in(dir.path(), &[]).success();
    let base = snapshot(&dir.path().join("output/minimal"));
    run_in(dir.path(), &["--set", "units.reb_column.personnel=2000"]).success();
    assert_eq!(snapshot(&dir.path().join("output/minimal")), base);
    let folders: Vec<String> = std::fs::read_dir(dir.path().join("output"))
        .expect("output")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(folders.len(), 2, "{folders:?}");
    assert!(
        folders.iter().any(|f| f.starts_with("minimal-set-")),
        "{folders:?}"
    );
}

/// Issue 12: while one command holds a folder, a second one for the same folder fails at once
/// with exit 2 and leaves it alone.
#[test]
fn a_second_writer_of_the_same_folder_is_refused() {
    let (dir, _) = project();
    let out = dir.path().join("res");
    let key = strife::output::write::ResultKey::new("run", &[Path::new("x.ron")], &[] as &[String]);
    let held = strife::output::write::claim(&out, key, false).expect("claim");
    run_in(dir.path(), &["--out", "res"])
        .code(2)
        .stderr(predicate::str::contains(
            "being written by another strife command",
        ));
    drop(held);
    run_in(dir.path(), &["--out", "res"]).success();
}

/// Issue 12: a real ensemble killed at every step of writing leaves a complete old or new
/// result, and the next run cleans up what the killed one left.
#[test]
fn a_kill_at_any_step_leaves_the_old_or_the_new_result() {
    let (dir, _) = project();
    let out = dir.path().join("res");
    run_in(dir.path(), &["--runs", "3", "--out", "res"]).success();
    let old = std::fs::read(out.join("runs.csv")).expect("runs.csv");
    for step in ["staging", "staged", "swapped"] {
        let status = strife()
            .args(["run", "minimal.ron", "-q", "--runs", "5", "--out", "res"])
            .env("STRIFE_TEST_ABORT_AT", step)
            .current_dir(dir.path())
            .assert()
            .failure()
            .get_output()
            .status;
        assert!(status.code().is_none(), "{step}: killed by a signal");
        assert!(complete_result(&out), "{step}: a complete result");
        let now = std::fs::read(out.join("runs.csv")).expect("runs.csv");
        let rows = now.iter().filter(|&&b| b == b'\n').count();
        match step {
            "swapped" => assert_eq!(rows, 6, "{step}: the new result"),
            _ => assert_eq!(now, old, "{step}: the old result"),
        }
        // The next run into the folder cleans up and succeeds.
        run_in(dir.path(), &["--runs", "3", "--out", "res"]).success();
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| !n.starts_with(".res")),
            "{step}: leftovers {names:?}"
        );
    }
    // A result that an older two-step swap left hidden is put back, not lost.
    std::fs::rename(&out, dir.path().join(".res.old-12345")).expect("hide");
    run_in(dir.path(), &["--out", "res"])
        .code(2)
        .stderr(predicate::str::contains("holds another result"));
    assert_eq!(std::fs::read(out.join("runs.csv")).expect("runs.csv"), old);
}

/// Issue 12: `generate -o` and `new` never replace a file without --force, never write through
/// a symbolic link, and never replace anything but a regular file.
#[test]
fn generate_and_new_never_overwrite_without_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("theatre.ron");
    std::fs::write(&file, "mine").expect("write");
    std::fs::write(dir.path().join("target.ron"), "target").expect("write");
    std::os::unix::fs::symlink("target.ron", dir.path().join("kivu.ron")).expect("link");
    let generate = |out: &str, force: bool| {
        let mut cmd = strife();
        cmd.args([
            "generate",
            "--places",
            "20",
            "--units",
            "20",
            "--factions",
            "2",
            "-o",
            out,
        ])
        .current_dir(dir.path());
        if force {
            cmd.arg("--force");
        }
        cmd.assert()
    };
    let before = snapshot(dir.path());
    generate("theatre.ron", false)
        .code(2)
        .stderr(predicate::str::contains("already exists; add --force"));
    generate("kivu.ron", true)
        .code(2)
        .stderr(predicate::str::contains("symbolic link"));
    strife()
        .args(["new", "kivu", "--force"])
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("symbolic link"));
    assert_eq!(snapshot(dir.path()), before);
    generate("theatre.ron", true).success();
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(
        text.starts_with("// A synthetic theatre"),
        "replaced with --force"
    );
    let leftovers = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".strife"))
        .count();
    assert_eq!(leftovers, 0);
}

/// Issue 12: names that a spreadsheet would run as formulas are neutralised in every CSV;
/// numbers stay numbers.
#[test]
fn csv_cells_cannot_become_spreadsheet_formulas() {
    let (dir, scenario) = project();
    let text = std::fs::read_to_string(&scenario).expect("read");
    let text = text
        .replace("\"River City\"", "\"=HYPERLINK(\\\"http://x\\\")\"")
        .replace("\"Rebels\"", "\"@SUM(A1)\"");
    std::fs::write(&scenario, text).expect("write");
    run_in(dir.path(), &["--out", "one"]).success();
    run_in(dir.path(), &["--runs", "2", "--out", "many"]).success();
    let mut seen = 0;
    for file in snapshot(dir.path()).keys() {
        if file.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let mut reader = csv::Reader::from_path(file).expect("csv");
        for record in reader.records() {
            for cell in record.expect("record").iter() {
                assert!(
                    !(cell.starts_with('=') || cell.starts_with('@') || cell.starts_with('+')),
                    "{}: {cell}",
                    file.display()
                );
                seen += usize::from(cell.starts_with("'=") || cell.starts_with("'@"));
                if cell.starts_with('-') {
                    assert!(cell.parse::<f64>().is_ok(), "{}: {cell}", file.display());
                }
            }
        }
    }
    assert!(seen > 0, "the neutralised names appear in the tables");
}

/// Issue 12: control characters in names are refused at validation, named and located.
#[test]
fn control_characters_in_names_are_refused() {
    let (dir, scenario) = project();
    let text = std::fs::read_to_string(&scenario).expect("read");
    std::fs::write(
        &scenario,
        text.replace("\"Ferry Town\"", "\"Ferry\\u{1b}[31mTown\""),
    )
    .expect("write");
    strife()
        .args(["validate", "minimal.ron"])
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("places.ferry.name"))
        .stderr(predicate::str::contains("U+001B"))
        .stderr(predicate::str::contains("minimal.ron:"));
}

/// Issue 12: `compare a/x.ron b/x.ron` labels the two apart and writes both runs tables; a
/// long default folder name is shortened before any run.
#[test]
fn compared_files_of_one_name_are_told_apart() {
    let (dir, scenario) = project();
    for sub in ["a", "b"] {
        std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
        std::fs::copy(&scenario, dir.path().join(sub).join("x.ron")).expect("copy");
    }
    strife()
        .args([
            "compare", "a/x.ron", "b/x.ron", "--runs", "2", "-q", "--out", "cmp",
        ])
        .current_dir(dir.path())
        .assert()
        .success();
    assert!(dir.path().join("cmp/runs_a_x.csv").is_file());
    assert!(dir.path().join("cmp/runs_b_x.csv").is_file());
    let long =
        "a_scenario_file_with_a_name_far_longer_than_anyone_would_type_by_hand_but_a_script_might";
    let mut files = Vec::new();
    for i in 0..4 {
        let name = format!("{long}_{i}.ron");
        std::fs::copy(&scenario, dir.path().join(&name)).expect("copy");
        files.push(name);
    }
    strife()
        .arg("compare")
        .args(&files)
        .args(["--runs", "2", "-q"])
        .current_dir(dir.path())
        .assert()
        .success();
    let folder = std::fs::read_dir(dir.path().join("output"))
        .expect("output")
        .flatten()
        .next()
        .expect("a comparison folder");
    assert!(folder.file_name().len() <= 120, "{:?}", folder.file_name());
}

/// Issue 12: a file of the user's where strife keeps a folder's lock is neither used nor
/// removed.
#[test]
fn a_users_file_in_place_of_the_lock_is_left_alone() {
    let (dir, _) = project();
    std::fs::write(dir.path().join(".res.lock"), "mine").expect("write");
    let before = snapshot(dir.path());
    run_in(dir.path(), &["--out", "res"])
        .code(2)
        .stderr(predicate::str::contains("is not strife's"));
    assert_eq!(snapshot(dir.path()), before);
}

/// Issue 16: the manifest of a what-if's run records every file that went into it, the what-if
/// and its base, each with the SHA-256 of its bytes.
#[test]
fn a_whatif_manifest_records_its_base() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    crate::common::strife()
        .args([
            "run",
            "scenarios/whatif/no_rdf.ron",
            "--days",
            "1",
            "-q",
            "--out",
        ])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest"))
            .expect("JSON");
    let read = manifest["files_read"].as_array().expect("files_read");
    let names: Vec<&str> = read.iter().filter_map(|f| f[0].as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].ends_with("no_rdf.ron"), "{names:?}");
    assert!(names[1].ends_with("goma_2025.ron"), "{names:?}");
    let base = std::fs::read(crate::common::repo("scenarios/goma_2025.ron")).expect("base");
    assert_eq!(
        read[1][1].as_str(),
        Some(strife::output::summary::sha256_hex(&base).as_str())
    );
}

/// Issue 16: an ensemble counts withdrawals by state, so that a contributor's contingents
/// stopping is not read as its sponsor's drawdown: a line per state in the text, an entry per
/// state in summary.json.
#[test]
fn an_ensemble_counts_withdrawals_by_state() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let assert = crate::common::strife()
        .args([
            "run",
            "scenarios/goma_2025.ron",
            "--runs",
            "4",
            "--days",
            "12",
            "--out",
        ])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary"))
            .expect("JSON");
    let by_state = summary["withdrawal_by_state"].as_array().expect("by state");
    let states = crate::common::load("scenarios/goma_2025.ron")
        .scenario
        .states
        .len();
    assert_eq!(by_state.len(), states, "{by_state:?}");
    for entry in by_state {
        let name = entry[0].as_str().expect("a state's name");
        assert!(
            text.contains(&format!("  {name} pulls forces back")),
            "no line for {name}:\n{text}"
        );
    }
    assert!(!text.contains("a state withdraws forces"), "{text}");
}
