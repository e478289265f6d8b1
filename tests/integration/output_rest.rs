//! Issue 16's remaining output items: `--stat` for sweeps and comparisons with the share of
//! runs behind each value, the map's stroke halos in SVG, faction legends that fit with 120
//! factions, and what-if files that add and remove parts of their base.

use strife::generate::{GenerateOptions, generate_ron};
use strife::output::sweep::point_value;
use strife::run::statistic::{Estimate, Stat};
use strife::run::sweep::{SweepPoint, SweepRecord, Vary};
use strife::run::{RunOptions, run_loaded};
use strife::scenario::load_scenario;

use crate::common::{repo, strife, temp_file};

/// A one-axis sweep record with one point whose statistic is `stat` over `share` of the runs.
fn record(stat: Stat, metric: &str, value: f64, share: f64) -> SweepRecord {
    SweepRecord {
        scenario_name: "Synthetic".into(),
        axes: vec![Vary {
            path: "seed".into(),
            values: vec!["1".into()],
        }],
        metric: metric.into(),
        probability: false,
        stat,
        runs: 100,
        master_seed: 1,
        points: vec![SweepPoint {
            values: vec!["1".into()],
            n: (share * 100.0) as usize,
            mean: value,
            ci: [value - 1.0, value + 1.0],
            quantiles: Some([value, value - 2.0, value + 2.0]),
            stat: Estimate {
                value,
                ci: Some([value - 0.5, value + 0.5]),
                n: (share * 100.0) as usize,
                share,
            },
        }],
    }
}

/// Issue 16: a sweep's point says the share of runs behind it where not every run has one
/// ("11.70 (60% of runs; …)"), and a share is printed as a percentage.
#[test]
fn sweep_point_shows_its_share_of_runs() {
    let r = record(Stat::Median, "fall_day_if.city", 11.7, 0.6);
    let text = point_value(&r, &r.points[0]);
    assert!(
        text.starts_with("11.70 (60% of runs; 90% CI 11.20–12.20)"),
        "{text}"
    );
    let all = record(Stat::Mean, "fall_day.city", 11.7, 1.0);
    let text = point_value(&all, &all.points[0]);
    assert_eq!(text, "11.70 (90% CI 11.20–12.20)");
    let p = record(Stat::P, "fall_day.city", 0.6, 1.0);
    assert!(point_value(&p, &p.points[0]).starts_with("60.0% (90% CI"));
}

/// Issue 16: `sweep --stat median` runs, and its text, CSV and plot say which statistic they
/// show; `--stat p` of a day metric is the share of runs where the place fell.
#[test]
fn sweep_stat_is_named_in_text_csv_and_plot() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (stat, words) in [("median", "median"), ("p", "share of runs")] {
        let out = dir.path().join(stat);
        let assert = strife()
            .current_dir(repo(""))
            .args([
                "sweep",
                "scenarios/minimal.ron",
                "--vary",
                "units.reb_column.personnel=600,1500",
                "--metric",
                "fall_day_if.city",
                "--runs",
                "4",
                "--days",
                "10",
                "--stat",
                stat,
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        let text = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        assert!(text.contains(words), "{text}");
        let csv = std::fs::read_to_string(out.join("sweep.csv")).expect("sweep.csv");
        let header = csv.lines().next().expect("header");
        assert!(header.ends_with("stat,value,value_ci_low,value_ci_high,share_of_runs"));
        assert!(
            csv.lines()
                .skip(1)
                .all(|l| l.contains(&format!(",{stat},"))),
            "{csv}"
        );
        let svg = std::fs::read_to_string(out.join("sweep.svg")).expect("sweep.svg");
        assert!(svg.contains("statistic:"), "the plot names its statistic");
    }
    // A statistic that does not exist is refused with the list.
    strife()
        .args(["sweep", "scenarios/minimal.ron", "--vary", "seed=1,2"])
        .args(["--metric", "fall_day.city", "--stat", "mode"])
        .assert()
        .code(2);
}

/// Issue 16: `compare --stat q90` compares quantiles: the CSV names the statistic on every row
/// with the share of runs behind it, and the text and the forest plot say what is compared.
#[test]
fn compare_stat_is_named_in_text_csv_and_plot() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("cmp");
    let assert = strife()
        .current_dir(repo(""))
        .args([
            "compare",
            "scenarios/minimal.ron",
            "scenarios/minimal.ron",
            "--runs",
            "6",
            "--days",
            "10",
            "--stat",
            "q90",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        text.contains("90% quantiles over the runs with a value"),
        "{text}"
    );
    let csv = std::fs::read_to_string(out.join("comparison.csv")).expect("comparison.csv");
    let mut lines = csv.lines();
    let header = lines.next().expect("header");
    assert!(
        header.ends_with(",ci_low,ci_high,stat,share_of_runs"),
        "{header}"
    );
    for line in lines {
        let stat = line.split(',').nth(9).expect("stat column");
        // Probability metrics are always shares.
        if line.starts_with("p_") {
            assert_eq!(stat, "p", "{line}");
        } else {
            assert_eq!(stat, "q90", "{line}");
        }
    }
    let svg = std::fs::read_to_string(out.join("compare_differences.svg")).expect("forest");
    assert!(
        svg.contains("90% quantile"),
        "the forest plot names its statistic"
    );
}

/// Issue 16: the map's name halos in SVG are text strokes (as wide as the text the browser
/// draws), not boxes sized from the bitmap font; the PNG keeps its boxes.
#[test]
fn map_halos_are_text_strokes_in_svg() {
    let loaded = load_scenario(&repo("scenarios/minimal.ron")).expect("minimal");
    let record = run_loaded(
        &loaded,
        RunOptions {
            seed: 1,
            days: Some(5.0),
        },
    )
    .expect("run");
    let files =
        strife::output::plot::run_plots(&record, strife::output::plot::Plots::All).expect("plots");
    let svg = files
        .iter()
        .find(|(n, _)| n == "map.svg")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .expect("map.svg");
    assert!(svg.contains("paint-order=\"stroke\""), "no stroke halo");
    assert!(!svg.contains("#FFFFFE"), "a halo box is left in the SVG");
    assert!(!svg.contains("#FEFFFF"), "a halo copy is left unstroked");
    // One halo under every name: each place's name is drawn twice, its halo first.
    for place in ["Hilltop", "Ferry Town", "River City"] {
        let at: Vec<usize> = svg
            .match_indices(&format!("\n{place}\n"))
            .map(|(i, _)| i)
            .collect();
        assert!(at.len() >= 2, "{place}: {at:?}");
    }
    let png = files
        .iter()
        .find(|(n, _)| n == "map.png")
        .map(|(_, b)| b.len())
        .expect("map.png");
    assert!(png > 1000);
}

/// Issue 16: with 120 factions every faction legend fits: it draws at most 16 rows, the last
/// saying how many more there are and where to find them.
#[test]
fn legends_of_120_factions_fit() {
    let options = GenerateOptions {
        places: 150,
        units: 240,
        factions: 120,
        sides: 4,
        seed: 3,
        days: 2,
    };
    let text = generate_ron(&options).expect("generate");
    let (_dir, path) = temp_file("big.ron", &text);
    let loaded = load_scenario(&path).expect("generated scenario loads");
    let record = run_loaded(
        &loaded,
        RunOptions {
            seed: 1,
            days: Some(1.0),
        },
    )
    .expect("run");
    let names: Vec<String> = loaded
        .scenario
        .factions
        .iter()
        .map(|f| f.name.clone())
        .collect();
    let files =
        strife::output::plot::run_plots(&record, strife::output::plot::Plots::All).expect("plots");
    let mut notes = 0;
    for (name, bytes) in &files {
        if !name.ends_with(".svg") {
            continue;
        }
        let svg = String::from_utf8_lossy(bytes);
        if let Some(at) = svg.find("more factions; see ") {
            notes += 1;
            let shown = names
                .iter()
                .filter(|n| svg.contains(&format!("\n{n}\n")))
                .count();
            // The map draws place names, not faction names, beside its key; elsewhere the
            // names in the legend are the factions drawn.
            if name != "map.svg" {
                assert!(shown <= 15, "{name}: {shown} faction names drawn");
            }
            let line = &svg[svg[..at].rfind('\n').unwrap_or(0)..at];
            assert!(line.contains("+ "), "{name}: {line}");
        }
        // No text is drawn below the bottom of the image.
        let height: f64 = svg
            .split("height=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .expect("svg height");
        for y in svg.split("<text").skip(1).filter_map(|t| {
            t.split(" y=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .and_then(|s| s.parse::<f64>().ok())
        }) {
            assert!(
                y <= height,
                "{name}: text at y = {y} in an image {height} tall"
            );
        }
    }
    assert!(
        notes >= 2,
        "only {notes} legends with a note of the factions left out"
    );
}

/// A copy of minimal.ron and a what-if over it, in one temporary folder.
fn whatif(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let base = std::fs::read_to_string(repo("scenarios/minimal.ron")).expect("minimal");
    let (dir, _) = temp_file("base.ron", &base);
    let path = dir.path().join("wi.ron");
    std::fs::write(&path, text).expect("write what-if");
    (dir, path)
}

/// Issue 16: a what-if removes units and events and adds units, places, routes and events;
/// the result runs, and `set` applies after `add`.
#[test]
fn whatif_adds_and_removes() {
    let (_dir, path) = whatif(
        r#"WhatIf(
    description: "What if the relief never came, and a militia held a new village?",
    base: "base.ron",
    remove: (units: ["gov_relief"]),
    add: (
        places: [(id: "village", name: "Village", kind: Town, lat: -1.60, lon: 29.30,
                  country: "Freedonia", population: 2000, terrain: Open, controller: "gov")],
        routes: [(from: "village", to: "city", km: 12, kind: Road)],
        units: [(id: "militia", name: "Village militia", faction: "gov", place: "village",
                 personnel: 150, firepower: 0.6, morale: 0.5, posture: Defend)],
        events: [(id: "talks", when: Day(2), text: "Talks", actions: [Rupture])],
    ),
    set: { "units.militia.personnel": "200" },
)"#,
    );
    let loaded = load_scenario(&path).unwrap_or_else(|e| panic!("{e}"));
    let s = &loaded.scenario;
    assert!(!s.units.iter().any(|u| u.id == "gov_relief"));
    let militia = s.units.iter().find(|u| u.id == "militia").expect("added");
    assert_eq!(militia.personnel, strife::scenario::Num::from(200.0));
    assert!(s.places.iter().any(|p| p.id == "village"));
    assert!(s.routes.iter().any(|r| r.from == "village"));
    assert!(s.events.iter().any(|e| e.id == "talks"));
    run_loaded(
        &loaded,
        RunOptions {
            seed: 1,
            days: Some(3.0),
        },
    )
    .expect("runs");
}

/// Issue 16: an id to remove that the base does not have is refused, located in the what-if
/// with the nearest id; something removed but still referred to is refused naming the
/// referrer; removing and adding the same id replaces it.
#[test]
fn whatif_remove_is_checked() {
    let (_dir, path) = whatif(
        r#"WhatIf(
    description: "typo",
    base: "base.ron",
    remove: (units: ["gov_releif"]),
)"#,
    );
    let err = load_scenario(&path).expect_err("unknown id").to_string();
    assert!(err.contains("no unit `gov_releif`"), "{err}");
    assert!(err.contains("did you mean `gov_relief`?"), "{err}");
    assert!(err.contains("wi.ron:4:"), "located in the what-if: {err}");

    let (_dir, path) = whatif(
        r#"WhatIf(
    description: "a place still used",
    base: "base.ron",
    remove: (places: ["ferry"]),
)"#,
    );
    let err = load_scenario(&path).expect_err("referenced").to_string();
    assert!(
        err.contains("place `ferry` is still referred to by"),
        "{err}"
    );
    assert!(err.contains("units.gov_ferry.place"), "{err}");

    let (_dir, path) = whatif(
        r#"WhatIf(
    description: "a replaced garrison",
    base: "base.ron",
    remove: (units: ["gov_ferry"], routes: [("ferry", "hilltop")]),
    add: (
        units: [(id: "gov_ferry", name: "Stronger garrison", faction: "gov", place: "ferry",
                 personnel: 900, firepower: 0.8, morale: 0.5, posture: Defend)],
        routes: [(from: "hilltop", to: "ferry", km: 40, kind: Track)],
    ),
)"#,
    );
    let loaded = load_scenario(&path).unwrap_or_else(|e| panic!("{e}"));
    let garrison = loaded
        .scenario
        .units
        .iter()
        .filter(|u| u.id == "gov_ferry")
        .count();
    assert_eq!(garrison, 1);
    // An added unit at a place nobody has is refused, located in the what-if.
    let (_dir, path) = whatif(
        r#"WhatIf(
    description: "a unit nowhere",
    base: "base.ron",
    add: (units: [(id: "lost", name: "Lost", faction: "gov", place: "nowhere",
                   personnel: 10, firepower: 1, morale: 0.5, posture: Defend)]),
)"#,
    );
    let err = load_scenario(&path).expect_err("unknown place").to_string();
    assert!(err.contains("nowhere"), "{err}");
    assert!(err.contains("wi.ron:"), "{err}");
}

/// Issue 16: every shipped what-if loads, and none uses the old workarounds (a `set` value of
/// escaped RON, an event switched off with `Not(Always)`, an attention threshold out of reach).
#[test]
fn shipped_whatifs_use_no_workarounds() {
    for entry in std::fs::read_dir(repo("scenarios/whatif")).expect("scenarios/whatif") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("what-if");
        load_scenario(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for bad in ["\\\"", "Not(Always)", "1000000"] {
            assert!(!text.contains(bad), "{}: `{bad}`", path.display());
        }
    }
}
