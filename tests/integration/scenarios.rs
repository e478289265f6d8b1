//! Every shipped scenario loads and validates, and runs to a sensible end.

use crate::common::{load, repo, run};

fn shipped_scenarios() -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![repo("scenarios")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read scenarios/") {
            let path = entry.expect("dir entry").path();
            // Experiment designs (`strife experiment`) are not scenarios; their test is in
            // experiment.rs.
            if path.is_dir() {
                if !path.ends_with("experiments") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "ron") {
                found.push(
                    path.strip_prefix(repo(""))
                        .expect("under repo")
                        .display()
                        .to_string(),
                );
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_shipped_scenario_loads_validates_and_runs() {
    let scenarios = shipped_scenarios();
    assert!(
        scenarios.len() >= 2,
        "expected minimal.ron and goma_2025.ron, found {scenarios:?}"
    );
    for path in scenarios {
        let loaded = load(&path);
        assert!(
            !loaded.scenario.description.is_empty(),
            "{path} has no description"
        );
        let record = run(&path, loaded.scenario.seed, Some(5.0));
        assert!(!record.samples.is_empty(), "{path} recorded nothing");
    }
}

#[test]
fn minimal_scenario_ends_when_the_city_falls() {
    let record = run("scenarios/minimal.ron", 7, None);
    let summary = strife::output::summary::run_summary(&record);
    assert_eq!(summary.end.kind, "place_captured", "{}", summary.end.text);
    let last = summary.captures.last().expect("a capture");
    assert_eq!((last.place.as_str(), last.by.as_str()), ("city", "reb"));
}

#[test]
fn goma_changes_hands_in_the_default_run() {
    let loaded = load("scenarios/goma_2025.ron");
    let record = run("scenarios/goma_2025.ron", loaded.scenario.seed, None);
    let summary = strife::output::summary::run_summary(&record);
    let goma = summary
        .captures
        .iter()
        .find(|c| c.place == "goma")
        .expect("Goma changes hands in the default run");
    assert_eq!(goma.by, "m23", "the RDF's captures are held in M23's name");
    // Not scripted: it falls after Sake, within the 60 days.
    let sake = summary
        .captures
        .iter()
        .find(|c| c.place == "sake")
        .expect("Sake falls");
    assert!(
        sake.day < goma.day,
        "Sake (day {}) falls before Goma (day {})",
        sake.day,
        goma.day
    );
    assert_eq!(summary.end.kind, "day_limit");
}

#[test]
fn readme_ron_examples_parse() {
    let readme = std::fs::read_to_string(repo("README.md")).expect("README.md");
    let blocks: Vec<&str> = readme
        .split("```ron\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap_or(""))
        .collect();
    assert!(
        blocks.len() >= 2,
        "the README shows a scenario and a what-if"
    );
    for block in blocks {
        if strife::scenario::whatif::is_whatif(block) {
            ron::Options::default()
                .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
                .from_str::<strife::scenario::whatif::WhatIf>(block)
                .unwrap_or_else(|e| panic!("the README's what-if example does not parse: {e}"));
        } else {
            strife::scenario::parse_scenario(block, "README.md")
                .unwrap_or_else(|e| panic!("the README's scenario example does not parse:\n{e}"));
        }
    }
}
