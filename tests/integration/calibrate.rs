//! `strife calibrate` (issue 15): byte-identical whatever `--jobs`, its what-if loads and runs,
//! user mistakes exit 2; and `Joint` inputs draw one row for the whole group.

use predicates::prelude::*;
use strife::scenario::parse_scenario;
use strife::scenario::uncertain::sample_scenario;

use crate::common::{repo, strife, temp_file};

const OBSERVED: &str = "scenarios/observed/goma_2025.csv";

/// The text of `file` in the output folder `dir` but for the comment naming the command that
/// made it (`calibrated.ron`'s, which holds `--jobs` and `--out`).
fn without_command(dir: &std::path::Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file))
        .expect(file)
        .lines()
        .filter(|l| !l.starts_with("// Made by:"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Issue 15: a small calibration of the Goma scenario (two inputs, 10 particles, two
/// generations, 6 predictive runs of 12 days) on one thread and on two: the same
/// `posterior.csv`, `summary.json`, `observations.csv` and `calibrated.ron`; observations after
/// the cut-off held out; the calibrated what-if loads and runs.
#[test]
fn goma_calibration_is_identical_whatever_jobs() {
    let (dir, _) = temp_file("unused", "");
    let run = |jobs: &str, name: &str| {
        let out = dir.path().join(name);
        strife()
            .args([
                "calibrate",
                "scenarios/goma_2025.ron",
                "--observed",
                OBSERVED,
            ])
            .args(["--until", "2025-01-24", "--input", "states.Rwanda.resolve"])
            .args(["--vary", "params.combat.defender_base_rate=0.01..0.04"])
            .args(["--particles", "10", "--generations", "2"])
            .args(["--predictive-runs", "6", "--days", "12", "-q"])
            .args(["--jobs", jobs, "--out"])
            .arg(&out)
            .assert()
            .success();
        out
    };
    let (one, two) = (run("1", "one"), run("2", "two"));
    for file in [
        "posterior.csv",
        "summary.json",
        "observations.csv",
        "calibrated.ron",
    ] {
        assert!(
            without_command(&one, file) == without_command(&two, file),
            "{file} depends on --jobs"
        );
    }
    let posterior = std::fs::read_to_string(one.join("posterior.csv")).expect("posterior");
    assert!(posterior.starts_with(
        "generation,particle,weight,distance,params.combat.defender_base_rate,states.Rwanda.resolve"
    ));
    let generations: Vec<&str> = posterior
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or(""))
        .collect();
    assert!(generations.contains(&"0") && generations.contains(&"1"));
    let observations = std::fs::read_to_string(one.join("observations.csv")).expect("observations");
    assert!(observations.contains(",fitted,capture,capture sake (m23),2025-01-23,"));
    assert!(observations.contains(",held_out,capture,capture goma (m23),2025-01-27,"));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(one.join("summary.json")).expect("summary"))
            .expect("json");
    assert_eq!(summary["inputs"].as_array().map(Vec::len), Some(2));
    assert!(
        summary["generations"][1]["ess"]
            .as_f64()
            .is_some_and(|e| e > 1.0)
    );
    assert!(
        summary["scores"]["held_out"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
    for file in [
        "report.html",
        "manifest.json",
        "calibration_inputs.png",
        "calibration_pairs.svg",
        "calibration_generations.png",
        "calibration_predictive.svg",
    ] {
        assert!(one.join(file).is_file(), "{file}");
    }
    // The posterior as a what-if: it loads, and both inputs come from one row of the table.
    let whatif = one.join("calibrated.ron");
    strife().arg("validate").arg(&whatif).assert().success();
    let ran = dir.path().join("ran");
    strife()
        .arg("run")
        .arg(&whatif)
        .args(["--days", "2", "-q", "--out"])
        .arg(&ran)
        .assert()
        .success();
    let run_summary = std::fs::read_to_string(ran.join("summary.json")).expect("run summary");
    let last: Vec<Vec<f64>> = posterior
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("2,"))
        .map(|l| {
            l.split(',')
                .skip(4)
                .map(|x| x.parse().expect("number"))
                .collect()
        })
        .collect();
    let drawn: serde_json::Value = serde_json::from_str(&run_summary).expect("json");
    let value = |path: &str| {
        drawn["inputs"]
            .as_array()
            .and_then(|a| a.iter().find(|d| d["path"] == path))
            .and_then(|d| d["value"].as_f64())
            .unwrap_or(f64::NAN)
    };
    let row = [
        value("params.combat.defender_base_rate"),
        value("states.Rwanda.resolve"),
    ];
    assert!(
        last.iter().any(|r| r[0] == row[0] && r[1] == row[1]),
        "{row:?} is not a row of the posterior"
    );
}

/// Issue 15: mistakes exit 2 with a message: a discrete input, nothing to fit, a bad weight.
#[test]
fn calibration_mistakes_exit_2() {
    let base = [
        "calibrate",
        "scenarios/goma_2025.ron",
        "--observed",
        OBSERVED,
    ];
    strife()
        .args(base)
        .args(["--vary", "states.Rwanda.resolve=Choice(values: [8, 16])"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("states.Rwanda.resolve")
                .and(predicate::str::contains("discrete")),
        );
    strife()
        .args(base)
        .args(["--until", "2025-01-01", "--input", "states.Rwanda.resolve"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to fit"));
    strife()
        .args(base)
        .args(["--weight", "captures=2", "--input", "states.Rwanda.resolve"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--weight captures=2"));
}

/// Issue 15: the inputs of a `Joint` group take their values from the same row in every run;
/// groups whose columns disagree are refused at the path, with its line.
#[test]
fn joint_inputs_draw_one_row_for_the_group() {
    let text = std::fs::read_to_string(repo("scenarios/minimal.ron")).expect("minimal.ron");
    let joint = text
        .replacen(
            "personnel: 1500",
            "personnel: Joint(group: \"p\", values: [1000, 2000, 3000], weights: [1, 1, 2])",
            1,
        )
        .replacen(
            "km: 25",
            "km: Joint(group: \"p\", values: [10, 20, 30], weights: [1, 1, 2])",
            1,
        );
    let scenario = parse_scenario(&joint, "joint.ron").expect("parses");
    let mut third = 0;
    for seed in 0..200 {
        let (_, draws) = sample_scenario(&scenario, seed).expect("samples");
        let km = draws[0].value;
        let personnel = draws[1].value;
        assert_eq!(personnel, km * 100.0, "seed {seed}: rows differ");
        third += usize::from(km == 30.0);
    }
    assert!(
        (70..130).contains(&third),
        "row 3 drawn {third} times of 200"
    );
    let bad = text
        .replacen(
            "personnel: 1500",
            "personnel: Joint(group: \"p\", values: [1000, 2000])",
            1,
        )
        .replacen("km: 25", "km: Joint(group: \"p\", values: [10, 20, 30])", 1);
    let (_dir, path) = temp_file("bad.ron", &bad);
    strife()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Joint group `p`"));
}

/// Issue 15, twin experiment (docs/ANALYSIS.md, "Twin experiment"): observations generated by
/// one run of the Goma scenario at known values of three inputs (no noise added; event dates
/// rounded down to the day), fitted up to 25 January. Every known value must lie inside its
/// 90% posterior interval and at least half the held-out observations inside their predictive
/// 90% intervals. Slow in debug builds: `cargo test --release --test integration
/// goma_twin_experiment -- --ignored`.
#[test]
#[ignore = "a twin experiment of about 8,400 runs; run it with --release"]
fn goma_twin_experiment_recovers_known_inputs() {
    let (dir, _) = temp_file("unused", "");
    let known = [
        ("params.combat.defender_base_rate", 0.02),
        ("units.m23_south.firepower", 1.3),
        ("units.fardc_sake.morale", 0.45),
    ];
    let generated = dir.path().join("generated");
    let mut made = strife();
    made.args([
        "hindcast",
        "scenarios/goma_2025.ron",
        "--observed",
        OBSERVED,
    ])
    .args(["--runs", "1", "--seed", "11", "-q", "--out"])
    .arg(&generated);
    for (path, value) in known {
        made.args(["--set", &format!("{path}={value}")]);
    }
    made.assert().success();
    let table = std::fs::read_to_string(generated.join("hindcast.csv")).expect("hindcast.csv");
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 20).expect("date");
    let mut twin = String::from("kind,subject,detail,date,value,source\n");
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).expect(name);
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let value: f64 = f[column("median")].parse().expect("median");
        let (kind, subject, detail) =
            (f[column("kind")], f[column("subject")], f[column("detail")]);
        if f[column("unit")] == "days" {
            if f[column("p_happened")] != "1.000" {
                continue;
            }
            let date = start + chrono::Duration::days(value.floor() as i64);
            twin.push_str(&format!("{kind},{subject},{detail},{date},,twin\n"));
        } else {
            let date = f[column("date")];
            twin.push_str(&format!(
                "{kind},{subject},{detail},{date},{value:.0},twin\n"
            ));
        }
    }
    let observed = dir.path().join("twin.csv");
    std::fs::write(&observed, twin).expect("twin.csv");
    let fit = dir.path().join("fit");
    strife()
        .args(["calibrate", "scenarios/goma_2025.ron", "--observed"])
        .arg(&observed)
        .args([
            "--until",
            "2025-01-25",
            "--input",
            "units.m23_south.firepower",
        ])
        .args(["--input", "units.fardc_sake.morale"])
        .args([
            "--vary",
            "params.combat.defender_base_rate=0.01..0.04",
            "-q",
            "--out",
        ])
        .arg(&fit)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fit.join("summary.json")).expect("summary"))
            .expect("json");
    for (path, value) in known {
        let input = summary["inputs"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["path"] == path))
            .expect(path);
        let (lo, hi) = (
            input["posterior_90"][0].as_f64().expect("lo"),
            input["posterior_90"][1].as_f64().expect("hi"),
        );
        assert!(
            lo <= value && value <= hi,
            "{path}: {value} outside {lo}–{hi}"
        );
    }
    let held_out = summary["scores"]["held_out"]
        .as_array()
        .and_then(|a| a.iter().find(|o| o["kind"] == "all"))
        .expect("held-out scores");
    assert!(
        held_out["coverage_90"].as_f64().is_some_and(|c| c >= 0.5),
        "{held_out}"
    );
}

/// Issue 15: `holder` observations (who held a place at the end of a date, 1 or 0 in each run)
/// are scored by `hindcast` as by `calibrate`; a holder without a faction is refused at its line.
#[test]
fn holder_observations_are_scored_as_held_or_not() {
    let text = "kind,subject,detail,date,value,source\n\
                holder,goma,fardc,2025-01-21,,test\n\
                holder,goma,m23,2025-01-30,,test\n";
    let (dir, observed) = temp_file("holder.csv", text);
    let out = dir.path().join("h");
    strife()
        .args([
            "hindcast",
            "scenarios/goma_2025.ron",
            "--runs",
            "4",
            "--days",
            "12",
        ])
        .args(["-q", "--observed"])
        .arg(&observed)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("hindcast.csv")).expect("hindcast.csv");
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 2, "{csv}");
    for row in &rows {
        assert_eq!(
            (row[1], row[5], row[6]),
            ("holder", "1.000", "held"),
            "{csv}"
        );
    }
    assert_eq!(rows[0][7], "1.000", "FARDC held Goma on 21 January: {csv}");
    let bad = "kind,subject,detail,date,value,source\nholder,goma,,2025-01-29,,test\n";
    let (_bad_dir, bad_file) = temp_file("bad_holder.csv", bad);
    strife()
        .args([
            "hindcast",
            "scenarios/goma_2025.ron",
            "--runs",
            "1",
            "--observed",
        ])
        .arg(&bad_file)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("bad_holder.csv:2:1")
                .and(predicate::str::contains("unknown faction")),
        );
}

/// Issue 15: a calibration spread over three shards (`--spread 3`, then `calibrate-step` shard
/// by shard and batch by batch, as a Slurm job array would) writes the same `posterior.csv`,
/// `summary.json`, `observations.csv` and `calibrated.ron` as on one machine; a batch with
/// shards missing is refused with their numbers, and a second `--spread` into a fit under way
/// is refused.
#[test]
fn a_spread_calibration_equals_one_machine() {
    let (dir, _) = temp_file("unused", "");
    let calibrate = |out: &std::path::Path, extra: &[&str]| {
        strife()
            .args([
                "calibrate",
                "scenarios/goma_2025.ron",
                "--observed",
                OBSERVED,
            ])
            .args(["--until", "2025-01-24", "--input", "states.Rwanda.resolve"])
            .args(["--vary", "params.combat.defender_base_rate=0.01..0.04"])
            .args(["--particles", "8", "--generations", "2"])
            .args(["--predictive-runs", "4", "--days", "12", "-q"])
            .args(extra)
            .arg("--out")
            .arg(out)
            .assert()
    };
    let one = dir.path().join("one");
    calibrate(&one, &[]).success();
    let spread = dir.path().join("spread");
    calibrate(&spread, &["--spread", "3"]).success();
    let work = dir.path().join("spread.spread");
    assert!(work.join("state.json").exists());
    calibrate(&spread, &["--spread", "3"])
        .code(2)
        .stderr(predicate::str::contains("already under way"));
    strife()
        .arg("calibrate-step")
        .arg(&work)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("lacks shard(s) 1, 2, 3 of 3"));
    let mut steps = 0;
    while !spread.join("summary.json").exists() {
        steps += 1;
        assert!(steps < 50, "the spread fit does not end");
        for k in 1..=3 {
            strife()
                .arg("calibrate-step")
                .arg(&work)
                .args(["--shard", &format!("{k}/3"), "-q"])
                .assert()
                .success();
        }
        strife()
            .arg("calibrate-step")
            .arg(&work)
            .arg("-q")
            .assert()
            .success();
    }
    assert!(steps >= 3, "three generations need three batches at least");
    for file in [
        "posterior.csv",
        "summary.json",
        "observations.csv",
        "calibrated.ron",
    ] {
        assert!(
            without_command(&one, file) == without_command(&spread, file),
            "{file} differs between one machine and a spread fit"
        );
    }
}

/// A twin experiment on a `strife generate` theatre (issue 15; docs/ANALYSIS.md, "Twin
/// experiment"): the theatre, the known values of the inputs fitted and their priors, the run
/// that makes the observations, the cut-off, and the fit's size.
struct GeneratedTwin<'a> {
    /// `strife generate` options: places, units, factions, sides, seed.
    theatre: [u64; 5],
    /// The inputs fitted: path, known value, prior range.
    known: &'a [(&'a str, f64, &'a str)],
    /// Seed of the one run whose captures are the observations.
    seed: u64,
    /// Captures observed (those first by their side, in order: [`twin_observations`]).
    captures: usize,
    /// Captures fitted (those on or before the date of this one, 1-based); the rest held out.
    fitted: usize,
    /// `--particles`, `--generations`, `--predictive-runs`.
    fit: [u64; 3],
    /// `--days` of the run and the fit (the held-out captures must fall within them).
    days: u64,
}

/// The observed file of a twin: the captures in a run's `summary.json` that are the first by
/// their taker's side of their place (what a `capture` observation means: a place retaken later
/// by a side that took it before is not a new capture by that side), the first `k` in time
/// order, each dated to the hour (`datetime`, `YYYY-MM-DD HH:MM`) as the run records it.
/// `side` gives a faction's side.
fn twin_observations(
    summary: &serde_json::Value,
    side: impl Fn(&str) -> String,
    k: usize,
) -> Vec<(String, String, String)> {
    let mut first: Vec<(f64, String, String, String)> = Vec::new();
    for c in summary["captures"].as_array().expect("captures") {
        let place = c["place"].as_str().expect("place").to_owned();
        let by = c["by"].as_str().expect("by").to_owned();
        if first
            .iter()
            .any(|f| f.1 == place && side(&f.2) == side(&by))
        {
            continue;
        }
        first.push((
            c["day"].as_f64().expect("day"),
            place,
            by,
            c["datetime"].as_str().expect("datetime").to_owned(),
        ));
    }
    first.sort_by(|a, b| a.0.total_cmp(&b.0));
    first
        .into_iter()
        .take(k)
        .map(|(_, place, by, when)| (place, by, when))
        .collect()
}

/// Run a twin experiment: generate the theatre, run it once at the known values, write its
/// captures as the observed file (to the hour), calibrate; return the fit's `summary.json`.
fn generated_twin(twin: &GeneratedTwin) -> serde_json::Value {
    let (dir, _) = temp_file("unused", "");
    let [places, units, factions, sides, theatre_seed] = twin.theatre.map(|x| x.to_string());
    let theatre = dir.path().join("twin.ron");
    strife()
        .args(["generate", "--places", &places, "--units", &units])
        .args([
            "--factions",
            &factions,
            "--sides",
            &sides,
            "--seed",
            &theatre_seed,
        ])
        .arg("-o")
        .arg(&theatre)
        .assert()
        .success();
    let truth = dir.path().join("truth");
    let mut run = strife();
    run.arg("run")
        .arg(&theatre)
        .args(["--seed", &twin.seed.to_string(), "-q"])
        .args(["--days", &twin.days.to_string(), "--out"])
        .arg(&truth);
    for (path, value, _) in twin.known {
        run.args(["--set", &format!("{path}={value}")]);
    }
    run.assert().success();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(truth.join("summary.json")).expect("summary"))
            .expect("json");
    let text = std::fs::read_to_string(&theatre).expect("twin.ron");
    let scenario = parse_scenario(&text, "twin.ron").expect("the generated theatre parses");
    let side = |faction: &str| {
        scenario
            .factions
            .iter()
            .find(|f| f.id == faction)
            .map(|f| f.side.clone())
            .unwrap_or_default()
    };
    let observed = twin_observations(&summary, side, twin.captures);
    assert_eq!(observed.len(), twin.captures, "too few captures in the run");
    let mut csv = String::from("kind,subject,detail,date,value,source\n");
    for (place, by, when) in &observed {
        csv.push_str(&format!("capture,{place},{by},{when},,twin\n"));
    }
    let file = dir.path().join("twin.csv");
    std::fs::write(&file, csv).expect("twin.csv");
    // The cut-off: the date of the last capture fitted.
    let until = &observed[twin.fitted - 1].2[..10];
    let fit = dir.path().join("fit");
    let mut calibrate = strife();
    calibrate
        .arg("calibrate")
        .arg(&theatre)
        .arg("--observed")
        .arg(&file)
        .args(["--until", until, "--seed", "2025", "-q"])
        .args(["--days", &twin.days.to_string()])
        .args(["--particles", &twin.fit[0].to_string()])
        .args(["--generations", &twin.fit[1].to_string()])
        .args(["--predictive-runs", &twin.fit[2].to_string(), "--out"])
        .arg(&fit);
    for (path, _, prior) in twin.known {
        calibrate.args(["--vary", &format!("{path}={prior}")]);
    }
    calibrate.assert().success();
    serde_json::from_slice(&std::fs::read(fit.join("summary.json")).expect("summary"))
        .expect("json")
}

/// The 90% posterior interval and the 90% prior interval of input `path` in a fit's summary.
fn intervals(summary: &serde_json::Value, path: &str) -> ([f64; 2], [f64; 2]) {
    let input = summary["inputs"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["path"] == path))
        .expect(path);
    let pair = |key: &str| {
        [
            input[key][0].as_f64().expect(key),
            input[key][1].as_f64().expect(key),
        ]
    };
    (pair("posterior_90"), pair("prior_90"))
}

/// Check a twin's fit: every known value inside its 90% posterior interval, the inputs in
/// `informed` narrowed to at most `narrowed` of their prior's 90% width (so that a posterior
/// equal to the prior does not pass), and, if given, at least `coverage` of the held-out
/// observations inside their predictive 90% intervals.
fn check_twin(
    summary: &serde_json::Value,
    known: &[(&str, f64, &str)],
    informed: &[&str],
    narrowed: f64,
    coverage: Option<f64>,
) {
    for (path, value, _) in known {
        let ([lo, hi], [prior_lo, prior_hi]) = intervals(summary, path);
        assert!(
            lo <= *value && *value <= hi,
            "{path}: the known {value} is outside the 90% posterior interval {lo}–{hi}"
        );
        if informed.contains(path) {
            assert!(
                hi - lo <= narrowed * (prior_hi - prior_lo),
                "{path}: the posterior {lo}–{hi} is hardly narrower than the prior \
                 {prior_lo}–{prior_hi}"
            );
        }
    }
    let Some(coverage) = coverage else { return };
    let held_out = summary["scores"]["held_out"]
        .as_array()
        .and_then(|a| a.iter().find(|o| o["kind"] == "all"))
        .expect("held-out scores");
    assert!(
        held_out["coverage_90"]
            .as_f64()
            .is_some_and(|c| c >= coverage),
        "held-out coverage: {held_out}"
    );
}

/// Issue 15, twin experiment on a generated theatre, cheap enough for every `cargo test`: a
/// small theatre (30 places, 300 units), one input, 30 particles and one generation.
/// Observations from one run at a known combat rate, dated to the hour, four fitted; the known
/// rate must lie inside its 90% posterior interval, which must be narrower than 75% of the
/// prior's. (Too few runs to check the held-out coverage: the ignored test below does.)
#[test]
fn generated_twin_recovers_the_combat_rate_cheaply() {
    let known = [("params.combat.defender_base_rate", 0.02, "0.01..0.04")];
    let twin = GeneratedTwin {
        theatre: [30, 300, 2, 2, 1],
        known: &known,
        seed: 11,
        captures: 6,
        fitted: 4,
        fit: [30, 1, 12],
        days: 18,
    };
    let summary = generated_twin(&twin);
    check_twin(
        &summary,
        &known,
        &["params.combat.defender_base_rate"],
        0.75,
        None,
    );
}

/// Issue 15, twin experiment on a generated theatre (docs/ANALYSIS.md, "Twin experiment"):
/// 60 places, 600 units, two inputs at known values, the eleven captures of one run that are
/// first by their side, dated to the hour, eight fitted (to 10 January), three held out; the
/// calibration's defaults (200 particles, 5 generations). Both known values inside their 90%
/// posterior intervals, the combat rate's narrowed to a quarter of its prior's or less, and at
/// least 2 of the 3 held-out captures inside their predictive 90% intervals. Slow in a debug
/// build: `cargo test --release --test integration generated_twin_experiment -- --ignored`.
#[test]
#[ignore = "a twin experiment of about 4,200 runs; run it with --release"]
fn generated_twin_experiment_recovers_known_inputs() {
    let known = [
        ("params.combat.defender_base_rate", 0.02, "0.01..0.04"),
        ("params.combat.breakpoint_losses", 0.25, "0.15..0.4"),
    ];
    let twin = GeneratedTwin {
        theatre: [60, 600, 4, 2, 8],
        known: &known,
        seed: 11,
        captures: 11,
        fitted: 8,
        fit: [200, 5, 200],
        days: 60,
    };
    let summary = generated_twin(&twin);
    check_twin(
        &summary,
        &known,
        &["params.combat.defender_base_rate"],
        0.25,
        Some(2.0 / 3.0),
    );
}

/// Issue 17: an observed file's `metric` row is scored exactly as the same quantity's `count`
/// row (same model values: median, interval, CRPS), is located at its column when it is wrong,
/// and is fitted by `calibrate`; `--metric` forecasts a metric on the prior and the posterior
/// predictive ensembles, and its posterior forecast of `fall_day(goma)` is the predictive
/// ensemble's value of `capture goma` by anyone, run for run.
#[test]
fn metric_rows_are_scored_and_fitted_and_metrics_forecast() {
    let observed = "kind,subject,detail,date,value,source\n\
                    capture,goma,,2025-01-27,,a\n\
                    count,peacekeepers_killed,,2025-01-24,13,b\n\
                    metric,peacekeepers_killed,,2025-01-24,13,b as a metric\n\
                    metric,\"holds(m23, sake)\",,2025-01-24,1,c\n\
                    metric,max(personnel(m23)) / 1000,0.5,2025-01-22,6,d\n";
    let (dir, file) = temp_file("observed.csv", observed);
    let out = dir.path().join("hindcast");
    strife()
        .args(["hindcast", "scenarios/goma_2025.ron", "--observed"])
        .arg(&file)
        .args([
            "--runs", "8", "--days", "12", "-q", "--plots", "none", "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let table = std::fs::read_to_string(out.join("hindcast.csv")).expect("hindcast.csv");
    let row = |label: &str| -> Vec<String> {
        let line = table
            .lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("no row {label} in {table}"));
        line.split(',').map(str::to_owned).collect()
    };
    let (count, metric) = (
        row(",count,peacekeepers_killed,"),
        row(",metric,peacekeepers_killed,"),
    );
    // observed, then median, q05, q25, q75, q95, p_happened, crps (the PIT draws differ).
    assert_eq!(count[5], metric[5]);
    assert_eq!(count[7..14], metric[7..14], "{table}");
    assert_eq!(metric[6], "value");
    assert_eq!(row("holds(m23")[7], "0/1");

    // A wrong metric is told at its column, with a suggestion.
    let (bad_dir, bad) = temp_file(
        "bad.csv",
        "kind,subject,detail,date,value,source\nmetric,\"holds(m23, sakee)\",,2025-01-24,1,x\n",
    );
    strife()
        .args(["hindcast", "scenarios/goma_2025.ron", "--observed"])
        .arg(&bad)
        .arg("--out")
        .arg(bad_dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.csv:2:20: error: in `holds(m23, sakee)`: unknown place `sakee`",
        ))
        .stderr(predicate::str::contains("did you mean `sake`?"));

    let out = dir.path().join("calibrate");
    strife()
        .args(["calibrate", "scenarios/goma_2025.ron", "--observed"])
        .arg(&file)
        .args(["--until", "2025-01-24", "--input", "states.Rwanda.resolve"])
        .args(["--particles", "10", "--generations", "1"])
        .args(["--predictive-runs", "6", "--days", "12", "-q"])
        .args([
            "--metric",
            "fall_day(goma)",
            "--metric",
            "holds(m23, goma) @ day 10",
        ])
        .args(["--weight", "metric=2", "--plots", "none", "--out"])
        .arg(&out)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary"))
            .expect("json");
    assert_eq!(
        summary["kind_weights"][4],
        serde_json::json!(["metric", 2.0])
    );
    let roles: Vec<(String, String)> = summary["observations"]
        .as_array()
        .expect("observations")
        .iter()
        .map(|o| (o["kind"].to_string(), o["role"].to_string()))
        .collect();
    assert_eq!(
        roles
            .iter()
            .filter(|(k, r)| k == "\"metric\"" && r == "\"fitted\"")
            .count(),
        3
    );
    assert_eq!(summary["metrics"][0]["metric"], "fall_day(goma)");
    for ensemble in ["prior", "posterior"] {
        assert_eq!(summary["metrics"][1][ensemble]["runs"], 6);
    }
    let forecasts = std::fs::read_to_string(out.join("forecasts.csv")).expect("forecasts.csv");
    assert_eq!(forecasts.lines().count(), 1 + 2 * 2 * 6);
    let observations = std::fs::read_to_string(out.join("observations.csv")).expect("csv");
    let capture: Vec<&str> = observations
        .lines()
        .find(|l| l.contains(",capture,capture goma,"))
        .expect("capture row")
        .split(',')
        .collect();
    let mut fall: Vec<f64> = forecasts
        .lines()
        .filter(|l| l.starts_with("fall_day(goma),posterior,"))
        .filter_map(|l| l.rsplit(',').next()?.parse().ok())
        .collect();
    fall.sort_by(f64::total_cmp);
    let median = (fall[2] + fall[3]) / 2.0;
    let shown: f64 = capture[7].parse().expect("median");
    assert!((median - shown).abs() < 1e-3, "{median} against {shown}");
}
