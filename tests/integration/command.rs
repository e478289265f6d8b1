//! Operational command (issue 13, item 1): a side's campaign re-tasks attackers whose own
//! objectives are done, and an assault group masses at its staging place before it goes in.

use bevy_ecs::prelude::World;
use bevy_ecs::schedule::LogLevel;
use strife::scenario::load::{LoadedScenario, check_scenario};
use strife::scenario::{Posture, Scenario, parse_scenario};
use strife::sim::components::{Condition, Orders, Position, Readiness, Unit};
use strife::sim::resources::{ControlMap, RunStatus, Theatre};
use strife::sim::{build_schedule, build_world};

/// A scenario on a line of places (id, holder, km from the previous place), with government
/// defenders (place, personnel), rebel attackers (id, place, personnel, objectives), the
/// rebels' `campaign` (RON list, may be empty) and `params` (RON, may be empty).
fn scenario(
    places: &[(&str, &str, f64)],
    defenders: &[(&str, u32)],
    attackers: &[(&str, &str, u32, &[&str])],
    campaign: &str,
    params: &str,
) -> Scenario {
    let mut lat = 0.0;
    let mut place_text = String::new();
    let mut route_text = String::new();
    for (i, (id, holder, km)) in places.iter().enumerate() {
        lat -= km / 111.0;
        place_text.push_str(&format!(
            "  (id: \"{id}\", name: \"{id}\", kind: Town, lat: {lat}, lon: 30.0, country: \"X\", \
             population: 10000, controller: \"{holder}\"),\n"
        ));
        if i > 0 {
            let from = places[i - 1].0;
            route_text.push_str(&format!(
                "  (from: \"{from}\", to: \"{id}\", km: {km}, kind: Road),\n"
            ));
        }
    }
    let mut units = String::new();
    for (place, personnel) in defenders {
        units.push_str(&format!(
            "  (id: \"gov_{place}\", faction: \"gov\", place: \"{place}\", personnel: {personnel}, \
             morale: 0.5, supply_days: 30, posture: Defend),\n"
        ));
    }
    for (id, place, personnel, objectives) in attackers {
        let objectives: Vec<String> = objectives.iter().map(|o| format!("\"{o}\"")).collect();
        units.push_str(&format!(
            "  (id: \"{id}\", faction: \"reb\", place: \"{place}\", personnel: {personnel}, \
             morale: 0.8, supply_days: 30, posture: Attack, objectives: [{}]),\n",
            objectives.join(", ")
        ));
    }
    let source = format!(
        "Scenario(\n name: \"Command test\", start_date: \"2025-01-01\", duration_days: 20,\n \
         factions: [\n  (id: \"gov\", name: \"Government\", side: \"government\", kind: StateArmy, \
         colour: \"#1f5fbf\"),\n  (id: \"reb\", name: \"Rebels\", side: \"rebels\", kind: Rebel, \
         colour: \"#d62728\", campaign: [{campaign}]),\n ],\n places: [\n{place_text} ],\n \
         routes: [\n{route_text} ],\n units: [\n{units} ],\n supply_sources: [\n  \
         (place: \"base\", factions: [\"reb\"], tonnes_per_day: 200),\n ],\n params: ({params}),\n)\n"
    );
    let parsed = parse_scenario(&source, "command.ron").unwrap_or_else(|e| panic!("{e}"));
    check_scenario(&parsed, &source, "command.ron").unwrap_or_else(|e| panic!("{e}"));
    LoadedScenario {
        scenario: parsed,
        file: "command.ron".into(),
        source,
        overrides: vec![],
        files_read: vec![],
    }
    .central()
    .expect("central scenario")
}

/// A rebel unit as a test sees it after a tick.
#[derive(Debug, Clone)]
struct Seen {
    id: String,
    active: bool,
    broken: bool,
    standing: Posture,
    position: Position,
    /// Its own objectives not yet held by the rebels.
    remaining: usize,
}

fn rebels(world: &mut World) -> Vec<Seen> {
    let theatre = world.resource::<Theatre>().clone();
    let control = world.resource::<ControlMap>().clone();
    let mut query = world.query::<(&Unit, &Readiness, &Position, &Orders, &Condition)>();
    let mut seen: Vec<(usize, Seen)> = query
        .iter(world)
        .filter(|(u, ..)| theatre.factions[u.faction].id == "reb")
        .map(|(u, readiness, position, orders, condition)| {
            let remaining = orders
                .objectives
                .iter()
                .filter(|&&o| control.side(&theatre, o) != u.side)
                .count();
            (
                u.index,
                Seen {
                    id: theatre.unit_ids[u.index].clone(),
                    active: *readiness == Readiness::Active,
                    broken: condition.broken,
                    standing: orders.standing,
                    position: *position,
                    remaining,
                },
            )
        })
        .collect();
    seen.sort_by_key(|(i, _)| *i);
    seen.into_iter().map(|(_, s)| s).collect()
}

fn holder(world: &World, place: &str) -> String {
    let theatre = world.resource::<Theatre>();
    let control = world.resource::<ControlMap>();
    let p = theatre
        .places
        .iter()
        .position(|q| q.id == place)
        .expect("place");
    theatre.factions[control.controller[p]].id.clone()
}

/// Issue 13: a campaign of three objectives is taken in order, though each attacker's own list
/// names only the first; after every tick, no attacking unit stands idle (unbroken, at a place,
/// with nothing left to take) for more than the one tick the command takes to re-task it while
/// objectives remain. With command switched off, the attackers stop after the first.
#[test]
fn a_campaign_of_three_objectives_is_taken_in_order_and_no_attacker_stands_idle() {
    let places = [
        ("base", "reb", 0.0),
        ("a", "gov", 20.0),
        ("b", "gov", 20.0),
        ("c", "gov", 20.0),
    ];
    let defenders = [("a", 150), ("b", 150), ("c", 150)];
    let attackers: [(&str, &str, u32, &[&str]); 2] = [
        ("lead", "base", 800, &["a"]),
        ("second", "base", 600, &["a"]),
    ];
    let campaign = "(place: \"a\"), (place: \"b\"), (place: \"c\")";
    let s = scenario(&places, &defenders, &attackers, campaign, "");
    let mut world = build_world(&s, 11, 20.0).expect("world");
    let mut schedule = build_schedule(LogLevel::Error);
    let mut taken: Vec<(&str, u64)> = Vec::new();
    let mut idle_ticks = vec![0u32; attackers.len()];
    let mut tick = 0u64;
    while world.resource::<RunStatus>().ended.is_none() {
        schedule.run(&mut world);
        tick += 1;
        for place in ["a", "b", "c"] {
            if holder(&world, place) == "reb" && taken.iter().all(|(p, _)| *p != place) {
                taken.push((place, tick));
            }
        }
        if holder(&world, "c") == "reb" {
            continue;
        }
        for (i, u) in rebels(&mut world).iter().enumerate() {
            let idle = u.active
                && !u.broken
                && u.standing == Posture::Attack
                && matches!(u.position, Position::At(_))
                && u.remaining == 0;
            idle_ticks[i] = if idle { idle_ticks[i] + 1 } else { 0 };
            assert!(
                idle_ticks[i] <= 1,
                "tick {tick}: {} stands idle with objectives left: {u:?}",
                u.id
            );
        }
    }
    let order: Vec<&str> = taken.iter().map(|(p, _)| *p).collect();
    assert_eq!(order, ["a", "b", "c"], "taken: {taken:?}");
    // Once every objective is held, the attackers hold what was taken.
    for u in rebels(&mut world) {
        if u.active && !u.broken {
            assert_eq!(u.standing, Posture::Reserve, "{u:?}");
        }
    }

    // Switched off: nobody re-tasks the attackers after `a`.
    let off = scenario(
        &places,
        &defenders,
        &attackers,
        campaign,
        "command: (enabled: false)",
    );
    let mut world = build_world(&off, 11, 20.0).expect("world");
    let mut schedule = build_schedule(LogLevel::Error);
    while world.resource::<RunStatus>().ended.is_none() {
        schedule.run(&mut world);
    }
    assert_eq!(holder(&world, "a"), "reb");
    assert_eq!(holder(&world, "b"), "gov");
}

/// Where the vanguard and the main body are after each tick until either sets out from the
/// staging place: (tick the main body reached the stage, tick each set out toward the town).
fn massing_ticks(main_km: f64, params: &str) -> (Option<u64>, Option<u64>, Option<u64>) {
    let places = [
        ("base", "reb", 0.0),
        ("stage", "reb", main_km),
        ("town", "gov", 10.0),
    ];
    let attackers: [(&str, &str, u32, &[&str]); 2] = [
        ("vanguard", "stage", 500, &["town"]),
        ("main", "base", 2000, &["town"]),
    ];
    // Roads at 2 km/h over the day (issue 14: 4 km/h on foot for 12 hours a day, as Goma's),
    // the speed this test was written with.
    let params = format!(
        "{params}, movement: (foot: (paved_kmh: 4.0, dirt_kmh: 4.0, track_kmh: 2.0, \
         hours_per_day: 12.0))"
    );
    let s = scenario(&places, &[("town", 1000)], &attackers, "", &params);
    let mut world = build_world(&s, 5, 20.0).expect("world");
    let mut schedule = build_schedule(LogLevel::Error);
    let stage = 1;
    let (mut arrived, mut vanguard, mut main) = (None, None, None);
    for tick in 1..=24 * 10 {
        schedule.run(&mut world);
        let seen = rebels(&mut world);
        let sets_out = |u: &Seen| {
            matches!(u.position, Position::Moving { from, .. } if from == stage)
                || u.position == Position::At(2)
        };
        if arrived.is_none() && seen[1].position == Position::At(stage) {
            arrived = Some(tick);
        }
        if vanguard.is_none() && sets_out(&seen[0]) {
            vanguard = Some(tick);
        }
        if main.is_none() && sets_out(&seen[1]) {
            main = Some(tick);
        }
        if vanguard.is_some() && main.is_some() {
            break;
        }
    }
    (arrived, vanguard, main)
}

/// Issue 13: a vanguard at the staging place, at a force ratio of 0.7 against the town's
/// defenders, waits for the main body marching up from 40 km behind (ratio 3.5 together), and
/// the two go in on the same tick; nobody goes in before. With the main body 200 km away, the
/// vanguard waits out `max_wait_days` (half a day) and goes in alone, not before. With massing
/// off (`assault_ratio: 0`), it goes in at once.
#[test]
fn a_group_masses_at_its_staging_place_before_it_assaults() {
    let wait = "command: (max_wait_days: 2)";
    let (arrived, vanguard, main) = massing_ticks(40.0, wait);
    let arrived = arrived.expect("the main body reaches the stage");
    // 40 km at 2 km/h.
    assert!((19..=21).contains(&arrived), "arrived on tick {arrived}");
    assert_eq!(
        vanguard,
        Some(arrived + 1),
        "the vanguard waits for the main body"
    );
    assert_eq!(main, vanguard, "they go in together");

    let (arrived, vanguard, _) = massing_ticks(200.0, "command: (max_wait_days: 0.5)");
    assert_eq!(
        vanguard,
        Some(13),
        "the vanguard waits half a day (12 ticks), then goes"
    );
    // 200 km at 2 km/h: the main body is still on the road when the vanguard goes.
    assert_eq!(arrived, Some(100));

    let (_, vanguard, _) = massing_ticks(40.0, "command: (assault_ratio: 0)");
    assert_eq!(vanguard, Some(1), "no massing: it goes at once");
}

/// Issue 13: a campaign naming an unknown place, or an objective that comes after a place the
/// campaign does not take before it, is refused with the name and a suggestion.
#[test]
fn a_bad_campaign_is_refused_with_a_suggestion() {
    let source = |campaign: &str| {
        format!(
            "Scenario(\n name: \"Bad campaign\", start_date: \"2025-01-01\", duration_days: 5,\n \
             factions: [\n  (id: \"gov\", name: \"Government\", side: \"government\", kind: StateArmy, \
             colour: \"#1f5fbf\"),\n  (id: \"reb\", name: \"Rebels\", side: \"rebels\", kind: Rebel, \
             colour: \"#d62728\", campaign: [{campaign}]),\n ],\n places: [\n  (id: \"base\", \
             name: \"Base\", kind: Town, lat: 0.0, lon: 30.0, country: \"X\", controller: \"reb\"),\n  \
             (id: \"town\", name: \"Town\", kind: Town, lat: -0.1, lon: 30.0, country: \"X\", \
             controller: \"gov\"),\n ],\n routes: [\n  (from: \"base\", to: \"town\", km: 10, kind: Road),\n ],\n \
             units: [],\n)\n"
        )
    };
    let errors = |campaign: &str| {
        let text = source(campaign);
        let parsed = parse_scenario(&text, "bad.ron").unwrap_or_else(|e| panic!("{e}"));
        match check_scenario(&parsed, &text, "bad.ron") {
            Ok(()) => String::new(),
            Err(e) => e.to_string(),
        }
    };
    let unknown = errors("(place: \"twon\")");
    assert!(
        unknown.contains("unknown place `twon`") && unknown.contains("did you mean `town`?"),
        "{unknown}"
    );
    let after = errors("(place: \"town\", after: [\"base\"])");
    assert!(
        after.contains("comes after `base`, which is not an earlier objective"),
        "{after}"
    );
    assert_eq!(errors("(place: \"town\")"), "");
}

/// Issue 13: a lake crossing carries only its `crossing_per_day`. Two columns of 400 at a port
/// whose boats carry 500 a day: the first embarks at once, the second once the boats have
/// carried the first and can take it too (300 more places at 500 a day: 0.6 days).
#[test]
fn a_lake_crossing_carries_only_its_capacity() {
    let text = "Scenario(\n name: \"Crossing\", start_date: \"2025-01-01\", duration_days: 5,\n \
         factions: [\n  (id: \"gov\", name: \"Government\", side: \"government\", kind: StateArmy, \
         colour: \"#1f5fbf\"),\n  (id: \"reb\", name: \"Rebels\", side: \"rebels\", kind: Rebel, \
         colour: \"#d62728\"),\n ],\n places: [\n  (id: \"base\", name: \"Base\", kind: Port, \
         lat: 0.0, lon: 30.0, country: \"X\", controller: \"reb\"),\n  (id: \"quay\", name: \"Quay\", \
         kind: Port, lat: -0.1, lon: 30.0, country: \"X\", controller: \"reb\"),\n  (id: \"city\", \
         name: \"City\", kind: City, lat: -0.2, lon: 30.0, country: \"X\", controller: \"gov\"),\n ],\n \
         routes: [\n  (from: \"base\", to: \"quay\", km: 10, kind: Lake, crossing_per_day: 500),\n  \
         (from: \"quay\", to: \"city\", km: 40, kind: Road),\n ],\n units: [\n  (id: \"a\", faction: \
         \"reb\", place: \"base\", personnel: 400, posture: Attack, objectives: [\"city\"]),\n  \
         (id: \"b\", faction: \"reb\", place: \"base\", personnel: 400, posture: Attack, \
         objectives: [\"city\"]),\n ],\n supply_sources: [\n  (place: \"base\", factions: [\"reb\"], tonnes_per_day: 50),\n ],\n)\n";
    let parsed = parse_scenario(text, "crossing.ron").unwrap_or_else(|e| panic!("{e}"));
    check_scenario(&parsed, text, "crossing.ron").unwrap_or_else(|e| panic!("{e}"));
    let s = LoadedScenario {
        scenario: parsed,
        file: "crossing.ron".into(),
        source: text.to_owned(),
        overrides: vec![],
        files_read: vec![],
    }
    .central()
    .expect("central scenario");
    let mut world = build_world(&s, 1, 5.0).expect("world");
    let mut schedule = build_schedule(LogLevel::Error);
    let mut left = [None, None];
    for tick in 1..=48u64 {
        schedule.run(&mut world);
        for (i, u) in rebels(&mut world).iter().enumerate() {
            if left[i].is_none() && u.position != Position::At(0) {
                left[i] = Some(tick);
            }
        }
    }
    assert_eq!(left[0], Some(1), "the first column embarks at once");
    // 0.6 days is 14.4 hours: the budget covers the second column in the 16th tick.
    assert_eq!(left[1], Some(16), "the second waits for the boats");
}
