//! Attack paths (issue 13, item 1, "Routes"): they avoid places the enemy holds other than
//! the objective, and cross a lake only between places the attacker's side holds at both ends.

use crate::common::validate_and_run;

/// A scenario with a rebel column at `base` attacking `objectives`, on `places` (id, kind,
/// holder) and `routes` (from, to, km, kind). Places sit on a line; routes give distances.
fn scenario(
    places: &[(&str, &str, &str)],
    routes: &[(&str, &str, f64, &str)],
    objectives: &[&str],
) -> String {
    with_units(places, routes, &[("column", "base", objectives)])
}

/// As [`scenario`], with rebel attackers given as (id, starting place, objectives).
fn with_units(
    places: &[(&str, &str, &str)],
    routes: &[(&str, &str, f64, &str)],
    units: &[(&str, &str, &[&str])],
) -> String {
    let places: String = places
        .iter()
        .enumerate()
        .map(|(i, (id, kind, holder))| {
            format!(
                "  (id: \"{id}\", name: \"{id}\", kind: {kind}, lat: {}, lon: 30.0, country: \"X\", \
                 population: 10000, controller: \"{holder}\"),\n",
                -0.1 * i as f64
            )
        })
        .collect();
    let routes: String = routes
        .iter()
        .map(|(a, b, km, kind)| {
            format!("  (from: \"{a}\", to: \"{b}\", km: {km}, kind: {kind}),\n")
        })
        .collect();
    let units: String = units
        .iter()
        .map(|(id, place, objectives)| {
            let objectives = objectives
                .iter()
                .map(|o| format!("\"{o}\""))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "  (id: \"{id}\", faction: \"reb\", place: \"{place}\", personnel: 500, \
                 morale: 0.8, supply_days: 30, posture: Attack, objectives: [{objectives}]),\n"
            )
        })
        .collect();
    format!(
        "Scenario(\n name: \"Routes test\", start_date: \"2025-01-01\", duration_days: 10,\n \
         factions: [\n  (id: \"gov\", name: \"Government\", side: \"government\", kind: StateArmy, \
         colour: \"#1f5fbf\"),\n  (id: \"reb\", name: \"Rebels\", side: \"rebels\", kind: Rebel, \
         colour: \"#d62728\"),\n ],\n places: [\n{places} ],\n routes: [\n{routes} ],\n units: [\n{units} ],\n supply_sources: [\n  \
         (place: \"base\", factions: [\"reb\"], tonnes_per_day: 40),\n ],\n end_conditions: [\n  \
         PlaceCaptured(place: \"city\", by: \"reb\"),\n ],\n)\n"
    )
}

/// Run `text` through the binary; return the captures of its summary as (place, day).
fn captures(text: &str) -> Vec<(String, f64)> {
    let (_dir, _path, summary) = validate_and_run("routes.ron", text);
    summary["captures"]
        .as_array()
        .expect("captures")
        .iter()
        .map(|c| {
            (
                c["place"].as_str().expect("place").to_owned(),
                c["day"].as_f64().expect("day"),
            )
        })
        .collect()
}

fn day_taken(captures: &[(String, f64)], place: &str) -> Option<f64> {
    captures.iter().find(|(p, _)| p == place).map(|&(_, d)| d)
}

/// Issue 13: the short road to the city runs through a town the government holds; the column
/// takes the longer road through a village its own side holds, and the town never changes
/// hands. When its plan names the town, it takes the town on the way.
#[test]
fn an_attacker_routes_around_an_enemy_held_town_to_its_objective() {
    let places = [
        ("base", "Town", "reb"),
        ("town", "Town", "gov"),
        ("village", "Town", "reb"),
        ("city", "City", "gov"),
    ];
    let routes = [
        ("base", "town", 10.0, "Road"),
        ("town", "city", 10.0, "Road"),
        ("base", "village", 20.0, "Road"),
        ("village", "city", 20.0, "Road"),
    ];
    let around = captures(&scenario(&places, &routes, &["city"]));
    assert!(day_taken(&around, "city").is_some(), "{around:?}");
    assert_eq!(day_taken(&around, "town"), None, "{around:?}");
    // 40 km of road at 2 km/h: 20 hours (the day is rounded), not the 10 through the town.
    assert!(
        day_taken(&around, "city").is_some_and(|d| d >= 19.5 / 24.0),
        "{around:?}"
    );

    let through = captures(&scenario(&places, &routes, &["town", "city"]));
    let (town, city) = (day_taken(&through, "town"), day_taken(&through, "city"));
    assert!(
        town.is_some() && city.is_some() && town < city,
        "with the town in its plan: {through:?}"
    );
}

/// Issue 13: a lake crossing straight to the enemy's city is not an attack path; the column
/// goes the long way by road. Once its side holds a port across the lake, it crosses there.
#[test]
fn an_attacker_crosses_a_lake_only_between_places_its_side_holds() {
    let places = [
        ("base", "Port", "reb"),
        ("quay", "Port", "gov"),
        ("city", "City", "gov"),
    ];
    let routes = [
        ("base", "city", 10.0, "Lake"),
        ("base", "quay", 10.0, "Lake"),
        ("quay", "city", 4.0, "Road"),
        ("base", "city", 120.0, "Road"),
    ];
    // The quay is the government's: no crossing; 120 km of road at 2 km/h is 60 hours.
    let by_road = captures(&scenario(&places, &routes, &["city"]));
    let day = day_taken(&by_road, "city").expect("the city falls");
    assert!(
        day >= 60.0 / 24.0,
        "the city fell on day {day}: {by_road:?}"
    );
    assert_eq!(day_taken(&by_road, "quay"), None);

    // The rebels hold the quay: 10 km by boat and 4 by road, a few hours.
    let mut held = places;
    held[1].2 = "reb";
    let by_lake = captures(&scenario(&held, &routes, &["city"]));
    let day = day_taken(&by_lake, "city").expect("the city falls");
    assert!(day < 0.5, "the city fell on day {day}: {by_lake:?}");
}

/// Issue 13: an attacker whose only way runs through an enemy-held town does not stand idle:
/// it takes the town in its way first (the raiders, 40 km off, arrive far later), then goes on
/// to its objective.
#[test]
fn a_blocked_attacker_takes_the_town_in_its_way_rather_than_wait() {
    let places = [
        ("base", "Town", "reb"),
        ("town", "Town", "gov"),
        ("city", "City", "gov"),
        ("camp", "Town", "reb"),
    ];
    let routes = [
        ("base", "town", 10.0, "Road"),
        ("town", "city", 10.0, "Road"),
        ("camp", "town", 40.0, "Road"),
    ];
    let taken = captures(&with_units(
        &places,
        &routes,
        &[
            ("column", "base", &["city"]),
            ("raiders", "camp", &["town"]),
        ],
    ));
    let (town, city) = (day_taken(&taken, "town"), day_taken(&taken, "city"));
    // The column is 10 km (5 hours) from the town, the raiders 40 km (20 hours).
    assert!(
        town.is_some_and(|d| d < 19.5 / 24.0),
        "the town fell on {town:?}: {taken:?}"
    );
    assert!(
        city.is_some() && city > town,
        "the city fell on {city:?}: {taken:?}"
    );
}
