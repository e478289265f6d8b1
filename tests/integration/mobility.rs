//! Issue 14, item 1 ("Defaults that carry no theatre"): a unit's speed comes from its mobility
//! and the route's surface; the morale shock of a place's fall travels along the routes; an
//! event dated after the run's end is noted and ignored.

use bevy_ecs::schedule::LogLevel;
use strife::scenario::Scenario;
use strife::sim::components::{Morale, Position, Unit};
use strife::sim::{build_schedule, build_world};

use crate::common::{checked, strife, temp_file};

/// A theatre of `places` (id, holder, latitude) and `routes` (from, to, km, kind, extra
/// fields), with `units` (id, faction, place, extra fields) of a government and a rebel
/// faction; the rebels move as `rebel_mobility`.
fn scenario(
    rebel_mobility: &str,
    places: &[(&str, &str, f64)],
    routes: &[(&str, &str, f64, &str, &str)],
    units: &[(&str, &str, &str, &str)],
    extra: &str,
) -> Scenario {
    let places: String = places
        .iter()
        .map(|(id, holder, lat)| {
            format!(
                "  (id: \"{id}\", name: \"{id}\", kind: Town, lat: {lat}, lon: 30.0, \
                 country: \"X\", population: 10000, controller: \"{holder}\"),\n"
            )
        })
        .collect();
    let routes: String = routes
        .iter()
        .map(|(a, b, km, kind, more)| {
            format!("  (from: \"{a}\", to: \"{b}\", km: {km}, kind: {kind}{more}),\n")
        })
        .collect();
    let units: String = units
        .iter()
        .map(|(id, faction, place, more)| {
            let personnel = if more.contains("personnel") {
                ""
            } else {
                ", personnel: 500"
            };
            format!(
                "  (id: \"{id}\", faction: \"{faction}\", place: \"{place}\"{personnel}, \
                 morale: 0.8, supply_days: 30{more}),\n"
            )
        })
        .collect();
    let text = format!(
        "Scenario(\n name: \"Mobility test\", start_date: \"2025-01-01\", duration_days: 10,\n \
         factions: [\n  (id: \"gov\", name: \"Government\", side: \"government\", kind: StateArmy, \
         colour: \"#1f5fbf\"),\n  (id: \"reb\", name: \"Rebels\", side: \"rebels\", kind: Rebel, \
         colour: \"#d62728\", mobility: {rebel_mobility}),\n ],\n places: [\n{places} ],\n \
         routes: [\n{routes} ],\n units: [\n{units} ],\n{extra})\n"
    );
    checked(text)
        .central()
        .unwrap_or_else(|e| panic!("central: {e}"))
}

/// `f` of each unit after `hours` of the run, by unit index.
fn each_unit_after<C: bevy_ecs::component::Component, T>(
    scenario: &Scenario,
    hours: usize,
    f: impl Fn(&C) -> T,
) -> Vec<T> {
    let mut world = build_world(scenario, 1, scenario.duration_days).expect("world");
    let mut schedule = build_schedule(LogLevel::Ignore);
    for _ in 0..hours {
        schedule.run(&mut world);
    }
    let mut out: Vec<(usize, T)> = world
        .query::<(&Unit, &C)>()
        .iter(&world)
        .map(|(u, c)| (u.index, f(c)))
        .collect();
    out.sort_by_key(|&(i, _)| i);
    out.into_iter().map(|(_, t)| t).collect()
}

/// Where each unit is after `hours` of the run: (place it is at or heading to, km covered on
/// its current route; 0 at a place), by unit index.
fn positions_after(scenario: &Scenario, hours: usize) -> Vec<(usize, f64)> {
    each_unit_after(scenario, hours, |p: &Position| match *p {
        Position::At(place) => (place, 0.0),
        Position::Moving { to, km_done, .. } => (to, km_done),
    })
}

/// Issue 14: a motorised force outruns one on foot on the same road. Two rebel columns leave
/// the same base for the same town 300 km down a paved road: the one on trucks (its own
/// `mobility` overriding its faction's `Foot`) covers 40 km/h × 8 h = 320 km in a day and is
/// there; the one on foot has marched 4 km/h × 8 h = 32 km.
#[test]
fn a_motorised_force_outruns_one_on_foot_on_the_same_road() {
    let s = scenario(
        "Foot",
        &[("base", "reb", 0.0), ("town", "gov", -2.7)],
        &[("base", "town", 300.0, "Road", "")],
        &[
            (
                "walkers",
                "reb",
                "base",
                ", posture: Attack, objectives: [\"town\"]",
            ),
            (
                "riders",
                "reb",
                "base",
                ", posture: Attack, objectives: [\"town\"], mobility: Trucks",
            ),
        ],
        "",
    );
    let at = positions_after(&s, 24);
    let town = 1;
    assert_eq!(
        at[1],
        (town, 0.0),
        "the trucks arrived within the day: {at:?}"
    );
    assert_eq!(at[0].0, town, "the walkers are on their way: {at:?}");
    assert!(
        (at[0].1 - 32.0).abs() < 1e-6,
        "on foot, 32 km in a day: {at:?}"
    );
}

/// Issue 14: the surface sets the speed (a dirt road slows trucks to 24 km/h, a track to
/// 8 km/h), a faction's mobility applies to its units, and a route's own `speed_kmh` applies
/// to every mobility alike, averaged over the day.
#[test]
fn surface_and_a_routes_own_speed_set_how_far_a_unit_goes() {
    let s = scenario(
        "Trucks",
        &[
            ("base", "reb", 0.0),
            ("a", "gov", -2.7),
            ("b", "gov", 2.7),
            ("c", "gov", 0.9),
        ],
        &[
            ("base", "a", 300.0, "Road", ", surface: Dirt"),
            ("base", "b", 300.0, "Track", ""),
            ("base", "c", 100.0, "Road", ", speed_kmh: 1.5"),
        ],
        &[
            (
                "to_a",
                "reb",
                "base",
                ", posture: Attack, objectives: [\"a\"]",
            ),
            (
                "to_b",
                "reb",
                "base",
                ", posture: Attack, objectives: [\"b\"]",
            ),
            (
                "to_c",
                "reb",
                "base",
                ", posture: Attack, objectives: [\"c\"]",
            ),
        ],
        "",
    );
    let at = positions_after(&s, 12);
    assert!((at[0].1 - 24.0 * 8.0 * 12.0 / 24.0).abs() < 1e-6, "{at:?}");
    assert!((at[1].1 - 8.0 * 8.0 * 12.0 / 24.0).abs() < 1e-6, "{at:?}");
    assert!((at[2].1 - 1.5 * 12.0).abs() < 1e-6, "{at:?}");
}

/// Issue 14: a place's fall shocks the garrisons it reaches along the routes, nearer first,
/// and none it has no route to, however close: two government garrisons stand 10 km
/// (great-circle) from a town the rebels take, one joined to it by a 10 km road, the other by
/// no route at all.
#[test]
fn a_falls_shock_travels_along_the_routes() {
    let s = scenario(
        "Foot",
        &[
            ("base", "reb", 0.0),
            ("town", "gov", -0.05),
            ("linked", "gov", -0.14),
            ("cut", "gov", 0.04),
            ("far", "gov", -1.0),
        ],
        &[
            ("base", "town", 5.0, "Road", ""),
            ("town", "linked", 10.0, "Road", ""),
            ("linked", "far", 60.0, "Road", ""),
        ],
        &[
            (
                "column",
                "reb",
                "base",
                ", personnel: 3000, posture: Attack, objectives: [\"town\"]",
            ),
            ("linked_guard", "gov", "linked", ""),
            ("cut_guard", "gov", "cut", ""),
            ("far_guard", "gov", "far", ""),
        ],
        " supply_sources: [(place: \"base\", factions: [\"reb\"], tonnes_per_day: 40),\n  \
         (place: \"linked\", factions: [\"gov\"], tonnes_per_day: 40),\n  \
         (place: \"cut\", factions: [\"gov\"], tonnes_per_day: 40),\n  \
         (place: \"far\", factions: [\"gov\"], tonnes_per_day: 40)],\n \
         params: (morale: (recovery_per_day: 0.0)),\n",
    );
    let morale = each_unit_after(&s, 72, |m: &Morale| m.value);
    let (linked, cut, far) = (morale[1], morale[2], morale[3]);
    assert!(
        linked < 0.8 - 0.01,
        "the linked garrison is shaken: {morale:?}"
    );
    assert!(far < 0.8 && far > linked, "the far one less: {morale:?}");
    assert!((cut - 0.8).abs() < 1e-9, "no route, no news: {morale:?}");
}

/// Issue 14, item 6: an event dated after the run's end is not an error; it is noted on
/// stderr and ignored.
#[test]
fn an_event_after_the_runs_end_is_noted_and_ignored() {
    let text = std::fs::read_to_string(crate::common::repo("scenarios/minimal.ron"))
        .expect("minimal")
        .replacen(
            "Scenario(",
            "Scenario(\n    events: [(id: \"late\", text: \"Too late\", when: Day(45))],",
            1,
        );
    let (_dir, path) = temp_file("late.ron", &text);
    strife()
        .arg("validate")
        .arg(&path)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "event `late` on 2025-02-15 (day 45) is after the run's end (day 30); ignored",
        ));
}
