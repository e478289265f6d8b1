//! `strife sensitivity`: every file written, byte-identical whatever `--jobs`, indices that make
//! sense on a small real scenario, and precise errors.

use predicates::prelude::*;

use crate::common::{strife, temp_file};

/// Run `strife sensitivity ARGS --out DIR -q`; panic with stderr if it fails.
fn sensitivity(args: &[&str], out: &std::path::Path) {
    let output = strife()
        .arg("sensitivity")
        .args(args)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "strife sensitivity {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn read(dir: &std::path::Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// A Morris screening of three Goma inputs (3 trajectories, 12 runs of 10 days) on one thread
/// and on two: the same bytes, every file present, three rows of indices per input.
#[test]
fn morris_on_goma_is_identical_whatever_jobs() {
    let (dir, _) = temp_file("unused", "");
    let args = |jobs: &'static str| {
        vec![
            "scenarios/goma_2025.ron",
            "--method",
            "morris",
            "--metric",
            "fall_day.sake",
            "--input",
            "units.fardc_sake.morale",
            "--input",
            "units.rdf_south.*",
            "--runs",
            "3",
            "--days",
            "10",
            "--jobs",
            jobs,
        ]
    };
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    sensitivity(&args("1"), &one);
    sensitivity(&args("2"), &two);
    for file in ["sensitivity.csv", "samples.csv", "summary.json"] {
        assert!(
            read(&one, file) == read(&two, file),
            "{file} depends on --jobs"
        );
    }
    for file in ["tornado.png", "indices.png"] {
        let png = image::load_from_memory(&read(&one, file)).expect("a PNG");
        assert_eq!(png.width(), 1200, "{file}");
    }
    let svg = String::from_utf8(read(&one, "tornado.svg")).expect("utf-8");
    assert!(
        svg.contains("What moves fall_day.sake"),
        "the tornado's title"
    );
    assert!(one.join("indices.svg").is_file() && one.join("manifest.json").is_file());
    let csv = String::from_utf8(read(&one, "sensitivity.csv")).expect("utf-8");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("metric,method,input,index,value,ci_low,ci_high,rank")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 3 * 3, "{csv}");
    for input in [
        "units.fardc_sake.morale",
        "units.rdf_south.personnel",
        "units.rdf_south.firepower",
    ] {
        assert!(
            rows.iter()
                .any(|r| r.contains(&format!(",{input},mu_star,"))),
            "{input} has no μ*:\n{csv}"
        );
    }
    let samples = String::from_utf8(read(&one, "samples.csv")).expect("utf-8");
    assert_eq!(samples.lines().count(), 1 + 3 * 4, "{samples}");
    let summary: serde_json::Value =
        serde_json::from_slice(&read(&one, "summary.json")).expect("json");
    assert_eq!(summary["model_runs"], 12);
    assert_eq!(summary["inputs"].as_array().map(Vec::len), Some(3));
}

/// Sobol' on the minimal scenario over two `--vary` ranges (N = 16, 64 runs): S1 and ST of
/// both, finite, ST ≥ 0; the rebels' strength moves the day the ferry falls more than the
/// size of the city (which a column of rebels does not care about).
#[test]
fn sobol_over_vary_ranges_on_the_minimal_scenario() {
    let (dir, _) = temp_file("unused", "");
    let out = dir.path().join("sobol");
    sensitivity(
        &[
            "scenarios/minimal.ron",
            "--method",
            "sobol",
            "--metric",
            "fall_day.ferry",
            "--vary",
            "units.reb_column.personnel=800..2500",
            "--vary",
            "places.city.population=100000..600000",
            "--runs",
            "16",
            "--days",
            "12",
            "--bootstrap",
            "50",
        ],
        &out,
    );
    let csv = String::from_utf8(read(&out, "sensitivity.csv")).expect("utf-8");
    let value = |input: &str, index: &str| -> f64 {
        csv.lines()
            .find(|l| l.contains(&format!(",{input},{index},")))
            .and_then(|l| l.split(',').nth(4))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {index} of {input} in:\n{csv}"))
    };
    let strength = value("units.reb_column.personnel", "ST");
    let city = value("places.city.population", "ST");
    assert!(strength > 0.3 && strength > city + 0.2, "{csv}");
    assert!(value("units.reb_column.personnel", "S1").is_finite());
    let samples = String::from_utf8(read(&out, "samples.csv")).expect("utf-8");
    assert_eq!(samples.lines().count(), 1 + 16 * 4);
    assert!(samples.contains(",AB.places.city.population,"), "{samples}");
}

#[test]
fn bad_sensitivity_arguments_are_named() {
    let (dir, _) = temp_file("unused", "");
    let out = dir.path().join("x");
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "--metric",
                "fall_day.goma",
                "--replicates",
                "18446744073709551615",
            ],
            "1,000,000 model runs",
        ),
        (
            &["--metric", "fall_day.goma", "--bootstrap", "1000000000000"],
            "at most 100000",
        ),
        (
            &["--metric", "fall_day.gomma"],
            "did you mean `fall_day.goma`?",
        ),
        (
            &[
                "--metric",
                "fall_day.goma",
                "--input",
                "units.rdf_sout.personel",
            ],
            "did you mean `units.rdf_south.personnel`?",
        ),
        (
            &[
                "--metric",
                "fall_day.goma",
                "--vary",
                "units.rdf_south.personel=1..2",
            ],
            "did you mean `units.rdf_south.personnel`?",
        ),
        (
            &[
                "--metric",
                "fall_day.goma",
                "--method",
                "sobol",
                "--runs",
                "1",
            ],
            "between 2 and",
        ),
    ];
    for (args, expected) in cases {
        strife()
            .args(["sensitivity", "scenarios/goma_2025.ron", "-q", "--out"])
            .arg(&out)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(expected))
            .stderr(predicate::str::contains("panicked").not());
    }
    strife()
        .args([
            "sensitivity",
            "scenarios/minimal.ron",
            "--metric",
            "fall_day.city",
        ])
        .args(["--vary", "units.reb_column.personnel=9..1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("LO < HI"));
}

/// Whether the Python checks must run (CI) rather than be skipped when Python, pandas or SALib
/// is missing.
fn python_required() -> bool {
    std::env::var("STRIFE_REQUIRE_PYTHON").is_ok_and(|v| v == "1")
}

/// The indices SALib computes from `samples.csv` alone (tests/python/salib_reanalyse.py), or
/// `None` when Python with pandas and SALib is not installed and CI does not require it.
fn salib(method: &str, out: &std::path::Path) -> Option<serde_json::Value> {
    let script = crate::common::repo("tests/python/salib_reanalyse.py");
    let output = std::process::Command::new("python3")
        .arg(&script)
        .arg(method)
        .arg(out)
        .output();
    let found = output.as_ref().is_ok_and(|o| o.status.success());
    if !found {
        let why = match &output {
            Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
            Err(e) => e.to_string(),
        };
        assert!(
            !python_required(),
            "STRIFE_REQUIRE_PYTHON=1 but the SALib re-analysis failed \
             (pip install pandas SALib):\n{why}"
        );
        eprintln!("*** SKIPPED the SALib re-analysis: {why}");
        return None;
    }
    let stdout = output.expect("ran").stdout;
    Some(serde_json::from_slice(&stdout).expect("the script prints JSON"))
}

/// Issue 16: `samples.csv` carries the unit-cube coordinates and, for Morris, the input moved
/// at each step, so that SALib re-reads it and finds strife's indices: Morris μ, μ*, σ and
/// Sobol' ST exactly (the same estimators), S1 within 0.05 (SALib centres differently).
#[test]
fn salib_reanalyses_samples_csv_to_the_same_indices() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inputs = [
        "--input",
        "units.fardc_sake.morale",
        "--input",
        "units.fardc_goma.morale",
        "--input",
        "states.Rwanda.resolve",
    ];
    let base = ["scenarios/goma_2025.ron", "--metric", "fall_day.goma"];
    let (morris_out, sobol_out) = (dir.path().join("morris"), dir.path().join("sobol"));
    let mut morris_args = base.to_vec();
    morris_args.extend(["--method", "morris", "--runs", "6", "--days", "12"]);
    morris_args.extend(inputs);
    sensitivity(&morris_args, &morris_out);
    let mut sobol_args = base.to_vec();
    sobol_args.extend(["--method", "sobol", "--runs", "32", "--days", "12"]);
    sobol_args.extend(inputs);
    sensitivity(&sobol_args, &sobol_out);

    let samples = String::from_utf8(read(&morris_out, "samples.csv")).expect("UTF-8");
    let header = samples.lines().next().expect("a header");
    assert!(header.starts_with("point,block,moved,"), "{header}");
    assert!(header.contains(",u.units.fardc_sake.morale,"), "{header}");
    // Every step but a trajectory's first names the one input that moved.
    let moved: Vec<&str> = samples
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).expect("moved"))
        .collect();
    assert!(moved.iter().step_by(4).all(|m| m.is_empty()));
    assert!(
        moved
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 4 != 0)
            .all(|(_, m)| m.starts_with("units.") || m.starts_with("states."))
    );

    for (method, out, tolerance) in [
        (
            "morris",
            &morris_out,
            [("mu", 1e-5), ("mu_star", 1e-5), ("sigma", 1e-5)].as_slice(),
        ),
        ("sobol", &sobol_out, [("ST", 1e-5), ("S1", 0.05)].as_slice()),
    ] {
        let Some(theirs) = salib(method, out) else {
            return;
        };
        let ours = String::from_utf8(read(out, "sensitivity.csv")).expect("UTF-8");
        for line in ours.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            let (input, index, value) = (cols[2], cols[3], cols[4]);
            let Some(&(_, tol)) = tolerance.iter().find(|(name, _)| *name == index) else {
                continue;
            };
            let value: f64 = value.parse().expect("a number");
            let other = theirs[input][index].as_f64().expect("SALib's value");
            assert!(
                (value - other).abs() <= tol,
                "{method} {index} of {input}: strife {value}, SALib {other}"
            );
        }
    }
}
