//! Morale shocks of a place's fall (issue 13, item 2): they decay smoothly with distance, with
//! no radius where they stop, and they grow with the importance of the place that falls.
//!
//! The theatre: an undefended town on the equator that a rebel column walks into, and
//! government observers north of it on the same meridian, each with nothing to do (a supply
//! source of its own), so that the only change to their morale in the tick of the fall is the
//! shock. Since issue 14 a fall's shock travels along the routes by hours of travel, so each
//! observer is joined to the town by a road of its distance at 50 km a day (`speed_kmh`
//! 50 / 24): a day's travel, the default `shock_length_hours`, is then the 50 km the issue 13
//! law was written with.

use bevy_ecs::schedule::LogLevel;
use strife::scenario::load_scenario;
use strife::sim::components::{Morale, Unit};
use strife::sim::resources::ControlMap;
use strife::sim::{build_schedule, build_world};

use crate::common::{strife, temp_file, validate_and_run};

/// Distances of the observers from the town, km, nearest first.
const OBSERVERS_KM: [f64; 11] = [
    30.0, 45.0, 55.0, 59.0, 60.0, 61.0, 65.0, 80.0, 100.0, 130.0, 160.0,
];

/// Kilometres per degree of latitude on the model's sphere (R = 6,371 km).
const KM_PER_DEGREE: f64 = 6371.0 * std::f64::consts::PI / 180.0;

/// The theatre as a scenario file: the town's kind, population and key flag are the variables.
fn theatre(kind: &str, population: f64, key: bool) -> String {
    let mut places = format!(
        "(id: \"town\", name: \"Town\", kind: {kind}, lat: 0.0, lon: 30.0, country: \"X\", \
         population: {population}, controller: \"gov\", key: {key}),\n\
         (id: \"camp\", name: \"Camp\", kind: Town, lat: -0.045, lon: 30.0, country: \"X\", \
         population: 1000, controller: \"reb\"),\n"
    );
    let mut units = String::from(
        "(id: \"column\", faction: \"reb\", place: \"camp\", personnel: 500, morale: 0.8, \
         posture: Attack, objectives: [\"town\"]),\n",
    );
    let mut sources = String::from("(place: \"camp\", factions: [\"reb\"], tonnes_per_day: 40),\n");
    let mut routes = String::from("(from: \"camp\", to: \"town\", km: 5, kind: Road),\n");
    for km in OBSERVERS_KM {
        let id = format!("o{km}");
        let lat = km / KM_PER_DEGREE;
        places.push_str(&format!(
            "(id: \"{id}\", name: \"Post {km} km\", kind: Base, lat: {lat}, lon: 30.0, \
             country: \"X\", controller: \"gov\"),\n"
        ));
        units.push_str(&format!(
            "(id: \"post_{id}\", faction: \"gov\", place: \"{id}\", personnel: 100, \
             morale: 0.8, posture: Defend),\n"
        ));
        sources.push_str(&format!(
            "(place: \"{id}\", factions: [\"gov\"], tonnes_per_day: 40),\n"
        ));
        routes.push_str(&format!(
            "(from: \"town\", to: \"{id}\", km: {km}, kind: Road, speed_kmh: {}),\n",
            50.0 / 24.0
        ));
    }
    format!(
        "Scenario(\n name: \"Shock test\", start_date: \"2025-01-01\", duration_days: 3,\n \
         factions: [\n  (id: \"gov\", name: \"Government\", side: \"government\", kind: StateArmy, \
         colour: \"#1f5fbf\"),\n  (id: \"reb\", name: \"Rebels\", side: \"rebels\", kind: Rebel, \
         colour: \"#d62728\"),\n ],\n places: [\n{places}],\n routes: [\n{routes}],\n units: [\n{units}],\n supply_sources: [\n{sources}],\n)\n"
    )
}

/// Morale each observer (nearest first) lost in the tick in which the town fell.
fn drops_at_the_fall(path: &std::path::Path) -> Vec<f64> {
    let scenario = load_scenario(path)
        .expect("loads")
        .central()
        .expect("central");
    let town = 0;
    let mut world = build_world(&scenario, 1, 3.0).expect("world");
    let mut schedule = build_schedule(LogLevel::Ignore);
    let morale = |world: &mut bevy_ecs::world::World| {
        let mut by_unit = vec![f64::NAN; scenario.units.len()];
        let mut query = world.query::<(&Unit, &Morale)>();
        for (unit, morale) in query.iter(world) {
            by_unit[unit.index] = morale.value;
        }
        by_unit[1..].to_vec()
    };
    let held_by = |world: &bevy_ecs::world::World| world.resource::<ControlMap>().controller[town];
    let gov = held_by(&world);
    for _ in 0..72 {
        let before = morale(&mut world);
        schedule.run(&mut world);
        if held_by(&world) != gov {
            let after = morale(&mut world);
            return before.iter().zip(&after).map(|(b, a)| b - a).collect();
        }
    }
    panic!("the town did not fall in 3 days");
}

/// Issue 13: a fall's shock is smooth in distance: every observer out to 160 km feels it, each
/// less than the one nearer, with no step at 60 km (the radius where the shock used to stop),
/// and it falls by e^(−Δd / 50 km) between any two observers.
#[test]
fn a_fall_shock_decays_smoothly_with_distance_with_no_step_at_60_km() {
    let text = theatre("Town", 200_000.0, true);
    let (_dir, path, summary) = validate_and_run("shock.ron", &text);
    let captures = summary["captures"].as_array().expect("captures");
    assert!(
        captures.iter().any(|c| c["place"] == "town"),
        "{captures:?}"
    );

    let drops = drops_at_the_fall(&path);
    for (km, drop) in OBSERVERS_KM.iter().zip(&drops) {
        assert!(*drop > 0.0, "no shock at {km} km: {drops:?}");
    }
    for (i, pair) in drops.windows(2).enumerate() {
        let (near, far) = (OBSERVERS_KM[i], OBSERVERS_KM[i + 1]);
        assert!(pair[1] < pair[0], "{far} km shocked no less than {near} km");
        let expected = (-(far - near) / 50.0).exp();
        let ratio = pair[1] / pair[0];
        assert!(
            (ratio - expected).abs() < 1e-6,
            "{near} → {far} km: the shock fell by {ratio}, not e^(−Δd/L) = {expected}"
        );
    }
    let at = |km: f64| {
        drops[OBSERVERS_KM
            .iter()
            .position(|&k| k == km)
            .expect("observer")]
    };
    assert!(
        at(61.0) > 0.95 * at(59.0),
        "a step at 60 km: {} → {}",
        at(59.0),
        at(61.0)
    );
}

/// Issue 13: a bigger place's fall shocks more, by the documented factor
/// 1 + 0.5 × log10(P / 50,000); a key place or a city shocks more than an ordinary town of the
/// same size (by 1 / `minor_place_share`).
#[test]
fn a_bigger_or_more_important_place_falling_shocks_more() {
    let nearest = |kind: &str, population: f64, key: bool| {
        let (_dir, path) = temp_file("shock.ron", &theatre(kind, population, key));
        drops_at_the_fall(&path)[0]
    };
    let town = nearest("Town", 20_000.0, true);
    let city = nearest("Town", 1_000_000.0, true);
    let factor = |p: f64| 1.0 + 0.5 * (p / 50_000.0_f64).log10();
    assert!(
        city > town,
        "a city of a million shocks {city}, a town {town}"
    );
    assert!(
        (city / town - factor(1e6) / factor(2e4)).abs() < 1e-9,
        "{city} / {town} is not the documented ratio"
    );
    let ordinary = nearest("Town", 1_000_000.0, false);
    let capital = nearest("City", 1_000_000.0, false);
    assert!(
        (ordinary / city - 0.25).abs() < 1e-9,
        "{ordinary} vs {city}"
    );
    assert!(
        (capital - city).abs() < 1e-12,
        "a City counts as key: {capital} vs {city}"
    );
    // An airport with no residents counts as 10,000 people.
    let airport = nearest("Airport", 0.0, true);
    assert!(
        (airport / city - factor(1e4) / factor(1e6)).abs() < 1e-9,
        "{airport} vs {city}"
    );
}

/// Issue 13: the sizing of a fall's shock takes a logarithm of and divides by its populations
/// and floor, so a value that would make it meaningless is refused with the file, line:col and
/// the parameter's name, and the file is left as it was.
#[test]
fn fall_shock_parameters_out_of_range_exit_2_naming_each() {
    let text = theatre("Town", 20_000.0, true).replace(
        " units: [",
        " params: (morale: (shock_floor: 0, shock_reference_population: -5, shock_per_decade: -1)),\n units: [",
    );
    let (_dir, path) = temp_file("bad_shock.ron", &text);
    let out = strife().arg("validate").arg(&path).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = text
        .lines()
        .position(|l| l.contains("shock_floor"))
        .expect("the line")
        + 1;
    for message in [
        "shock_floor is 0; it must be a number > 0",
        "shock_reference_population is -5; it must be a number > 0",
        "shock_per_decade is -1; it must be a number ≥ 0",
    ] {
        assert!(stderr.contains(message), "{message} not in:\n{stderr}");
    }
    assert!(
        stderr.contains(&format!("bad_shock.ron:{line}:")),
        "no file:line in:\n{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("file"), text);
}
