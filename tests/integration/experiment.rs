//! `strife experiment` (issue 17, part 3): a design file's Latin hypercube is stratified, the
//! outcomes table has a row per run, tables do not depend on `--jobs` or on sharding, the
//! template and the shipped design validate, and a bad design gives a located error.

use std::path::Path;

use predicates::prelude::*;
use strife::run::experiment::{DesignOptions, check_design, load_design, parse_design};

use crate::common::{repo, strife, temp_file};

/// A design over `scenarios/minimal.ron` (written into a temporary folder, so its scenario is
/// named by an absolute path): two policies, `sampler`, `scenarios` points, `seeds` seeds,
/// short runs.
fn design(sampler: &str, scenarios: u64, seeds: u64) -> String {
    format!(
        r#"// A test design.
Experiment(
    name: "minimal under uncertainty",
    scenario: "{}",
    uncertainties: [
        (path: "units.reb_column.personnel", min: 300, max: 900, unit: "persons"),
        (path: "units.gov_ferry.morale", min: 0.3, max: 0.8),
    ],
    policies: [
        (name: "base"),
        (name: "relief", set: {{ "units.gov_relief.personnel": "900" }}),
    ],
    sampler: {sampler},
    scenarios: {scenarios},
    seeds: {seeds},
    metrics: ["p_fall.city", "fall_day.ferry", "killed.gov"],
    days: 4,
)
"#,
        repo("scenarios/minimal.ron").display()
    )
}

/// Run `strife experiment ARGS -q`; panic with stderr if it fails.
fn experiment(args: &[&str], dir: &Path) {
    let output = strife()
        .arg("experiment")
        .args(args)
        .arg("-q")
        .current_dir(dir)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "strife experiment {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Issue 17: a Latin hypercube of 50 points has exactly one point in each of the 50 strata of
/// every uncertainty, and two policies give 100 × seeds rows of outcomes.
#[test]
fn latin_hypercube_of_50_points_is_stratified_with_a_row_per_run() {
    let (dir, _) = temp_file("design.ron", &design("LatinHypercube", 50, 1));
    experiment(&["design.ron", "--out", "out", "--jobs", "2"], dir.path());
    let out = dir.path().join("out");
    let design_csv = read(&out, "design.csv");
    let mut lines = design_csv.lines();
    assert_eq!(
        lines.next(),
        Some("experiment,units.reb_column.personnel,units.gov_ferry.morale")
    );
    let points: Vec<Vec<f64>> = lines
        .map(|l| {
            l.split(',')
                .skip(1)
                .map(|x| x.parse().expect("number"))
                .collect()
        })
        .collect();
    assert_eq!(points.len(), 50);
    for (i, (lo, hi)) in [(300.0, 900.0), (0.3, 0.8)].into_iter().enumerate() {
        let mut strata: Vec<usize> = points
            .iter()
            .map(|p| ((p[i] - lo) / (hi - lo) * 50.0).floor() as usize)
            .collect();
        strata.sort_unstable();
        assert_eq!(
            strata,
            (0..50).collect::<Vec<_>>(),
            "input {i}: one point per stratum"
        );
    }
    let table = read(&out, "experiments.csv");
    let mut rows = table.lines();
    assert_eq!(
        rows.next(),
        Some(
            "experiment,policy,seed_index,seed,units.reb_column.personnel,units.gov_ferry.morale,\
             p_fall.city,fall_day.ferry,killed.gov"
        )
    );
    let rows: Vec<&str> = rows.collect();
    assert_eq!(rows.len(), 100, "50 points × 2 policies × 1 seed");
    assert_eq!(rows.iter().filter(|r| r.contains(",relief,")).count(), 50);
    // Common random numbers: the same seed in every row of a seed index.
    let seeds: std::collections::HashSet<&str> = rows
        .iter()
        .map(|r| r.split(',').nth(3).expect("seed"))
        .collect();
    assert_eq!(seeds.len(), 1);
    let summary = read(&out, "summary.csv");
    assert_eq!(
        summary.lines().count(),
        1 + 2 * 3,
        "a row per policy and metric"
    );
    for file in [
        "summary.json",
        "manifest.json",
        "report.html",
        "experiment_outcomes.png",
        "experiment_scatter.svg",
        "experiment_probability.png",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
}

/// `--jobs 1` and `--jobs 2` give the same bytes, and so do two shards merged.
#[test]
fn tables_do_not_depend_on_jobs_or_shards() {
    let (dir, _) = temp_file("design.ron", &design("MonteCarlo", 3, 2));
    let d = dir.path();
    experiment(&["design.ron", "--out", "one", "--jobs", "1"], d);
    experiment(&["design.ron", "--out", "two", "--jobs", "2"], d);
    experiment(&["design.ron", "--out", "s1", "--shard", "1/2"], d);
    experiment(
        &["design.ron", "--out", "s2", "--shard", "2/2", "--jobs", "1"],
        d,
    );
    strife()
        .args(["merge", "s2", "s1", "-q", "--out", "merged"])
        .current_dir(d)
        .assert()
        .success();
    for file in [
        "experiments.csv",
        "design.csv",
        "summary.csv",
        "summary.json",
    ] {
        let one = read(&d.join("one"), file);
        assert_eq!(one, read(&d.join("two"), file), "{file} depends on --jobs");
        assert_eq!(
            one,
            read(&d.join("merged"), file),
            "{file}: merged shards differ"
        );
    }
    assert_eq!(
        read(&d.join("one"), "experiments.csv").lines().count(),
        1 + 3 * 2 * 2
    );
    // A missing shard is refused.
    strife()
        .args(["merge", "s1", "--out", "half"])
        .current_dir(d)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("(shard 2/2)").and(predicate::str::contains("missing")));
}

/// `--template` prints a design that parses and validates (its scenario is named from the
/// repository's root), and the shipped design validates with 50 × 2 × seeds runs.
#[test]
fn template_and_shipped_design_validate() {
    let output = strife()
        .args(["experiment", "--template"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert!(text.starts_with("//"), "a commented example");
    let spec = parse_design(&text, "template.ron").unwrap_or_else(|e| panic!("{e}"));
    let design = check_design(
        spec,
        text.clone(),
        "template.ron".into(),
        &repo(""),
        &DesignOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(design.policies.len(), 2);
    let shipped = load_design(
        &repo("scenarios/experiments/goma_2025_lhs.ron"),
        &DesignOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(shipped.points.len(), 50);
    assert_eq!(shipped.policies, ["base", "early_sanctions"]);
    assert_eq!(shipped.total_runs(), 100 * shipped.seeds);
    assert!((3..=4).contains(&shipped.spec.uncertainties.len()));
    // The example of docs/ANALYSIS.md parses.
    let analysis = std::fs::read_to_string(repo("docs/ANALYSIS.md")).expect("docs/ANALYSIS.md");
    let example = analysis
        .split("```ron\n")
        .map(|rest| rest.split("```").next().unwrap_or(""))
        .find(|block| block.trim_start().starts_with("Experiment("))
        .expect("docs/ANALYSIS.md shows a design");
    parse_design(example, "docs/ANALYSIS.md").unwrap_or_else(|e| panic!("{e}"));
}

/// Bad design files: each error names the file, the line and column where it can, and a
/// suggestion; none panics, and nothing runs.
#[test]
fn bad_designs_give_located_errors() {
    let good = design("LatinHypercube", 10, 1);
    let cases: [(String, &[&str]); 8] = [
        (
            good.replace("seeds: 1", "seedz: 1"),
            &["design.ron:15:5", "field named `seedz`"],
        ),
        (
            good.replace("units.reb_column.personnel", "units.reb_colum.personnel"),
            &[
                "design.ron:6:16",
                "did you mean `units.reb_column.personnel`?",
            ],
        ),
        (
            good.replace("min: 300, max: 900", "min: 900, max: 300"),
            &["design.ron:6:16", "min 900 is not below max 300"],
        ),
        (
            good.replace("min: 0.3", "min: NaN"),
            &["design.ron:7:16", "not two finite numbers"],
        ),
        (
            good.replace(
                "\"units.gov_relief.personnel\"",
                "\"units.gov_releif.personnel\"",
            ),
            &[
                "design.ron:11:33",
                "policy `relief`",
                "did you mean `units.gov_relief.personnel`?",
            ],
        ),
        (
            good.replace("\"killed.gov\"", "\"killed.govt\""),
            &[
                "design.ron:16:48",
                "unknown metric `killed.govt`",
                "did you mean `killed.gov`?",
            ],
        ),
        (
            good.replace("scenarios: 10", "scenarios: 600000"),
            &["design.ron:14:5", "1200000 runs", "1,000,000"],
        ),
        (
            good.replace("LatinHypercube", "LatinHypercub"),
            &["design.ron:13:14", "did you mean `LatinHypercube`?"],
        ),
    ];
    for (text, needles) in cases {
        let (dir, _) = temp_file("design.ron", &text);
        let assert = strife()
            .args(["experiment", "design.ron", "--out", "out"])
            .current_dir(dir.path())
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        for needle in needles {
            assert!(stderr.contains(needle), "{needle:?} not in:\n{stderr}");
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!dir.path().join("out").exists(), "nothing written");
    }
}

/// A `Csv` sampler runs the file's rows as the design's points, and a value outside its range
/// is refused at the file's line; `FullFactorial` lays out its grid.
#[test]
fn csv_and_full_factorial_designs() {
    let (dir, _) = temp_file(
        "design.ron",
        &design("Csv(\"points.csv\")", 3, 1).replace("    scenarios: 3,\n", ""),
    );
    let d = dir.path();
    std::fs::write(
        d.join("points.csv"),
        "units.gov_ferry.morale,units.reb_column.personnel\n0.5,400\n0.7,800\n0.3,300\n",
    )
    .expect("write");
    experiment(&["design.ron", "--out", "csv"], d);
    assert_eq!(
        read(&d.join("csv"), "design.csv"),
        "experiment,units.reb_column.personnel,units.gov_ferry.morale\n0,400,0.5\n1,800,0.7\n2,300,0.3\n"
    );
    assert_eq!(
        read(&d.join("csv"), "experiments.csv").lines().count(),
        1 + 3 * 2
    );
    std::fs::write(
        d.join("points.csv"),
        "units.gov_ferry.morale,units.reb_column.personnel\n0.5,400\n0.9,800\n",
    )
    .expect("write");
    strife()
        .args(["experiment", "design.ron", "--check"])
        .current_dir(d)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "points.csv:3:1: error: `units.gov_ferry.morale` is 0.9, outside its range 0.3..0.8",
        ));
    let (dir, _) = temp_file("design.ron", &design("FullFactorial(3)", 9, 1));
    strife()
        .args(["experiment", "design.ron", "--check"])
        .current_dir(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "9 scenarios (FullFactorial(3)) × 2 policies × 1 seeds = 18 runs",
        ));
}
