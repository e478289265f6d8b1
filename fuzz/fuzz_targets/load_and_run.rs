//! Fuzz target: any bytes as a scenario file — parse, validate, draw the uncertain inputs and,
//! if the scenario is valid, run it for at most two days. Nothing may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use strife::run::{RunOptions, run_one};
use strife::scenario::load::{LoadedScenario, check_scenario};
use strife::scenario::parse_scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scenario) = parse_scenario(source, "fuzz.ron") else {
        return;
    };
    if check_scenario(&scenario, source, "fuzz.ron").is_err() {
        return;
    }
    // Keep each input quick: small theatres only.
    if scenario.units.len() > 200 || scenario.places.len() > 200 || scenario.routes.len() > 400 {
        return;
    }
    let loaded = LoadedScenario {
        scenario,
        file: "fuzz.ron".into(),
        source: source.to_owned(),
        overrides: Vec::new(),
    };
    if let Ok((resolved, _)) = loaded.resolve(1) {
        let _ = run_one(&resolved, RunOptions { seed: 1, days: Some(resolved.duration_days.min(2.0)) });
    }
});
