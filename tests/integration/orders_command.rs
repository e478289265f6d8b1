//! Orders, commanders and dissolution (issue 14, items 2 and 3): an order event changes a
//! posture, objectives or a campaign; a commander's flight shocks only the units it commands;
//! rallying needs a commander present and supplies; a dissolving unit loses its personnel
//! rather than retreating.
//!
//! The theatres are small: government posts, each on its own with a supply source of its own and
//! no route to anywhere, so that nothing but the mechanism under test moves their morale; and,
//! for orders, a rebel column one road away from a government town.

use bevy_ecs::schedule::{LogLevel, Schedule};
use bevy_ecs::world::World;
use strife::scenario::Scenario;
use strife::scenario::load::check_scenario;
use strife::scenario::{Posture, parse_scenario};
use strife::sim::components::{Casualties, Condition, Morale, Orders, Readiness, Strength, Unit};
use strife::sim::resources::ControlMap;
use strife::sim::{build_schedule, build_world};

use crate::common::checked;

/// A scenario of government posts (`(id, faction, morale, extra unit fields)`), each at a base
/// of its own with its own supply, and a rebel camp far away; `extra` is spliced into the
/// scenario (factions' fields are given through `gov_fields`).
fn posts(gov_fields: &str, units: &[(&str, &str, f64, &str)], events: &str) -> String {
    let mut places = String::from(
        "(id: \"camp\", name: \"Camp\", kind: Town, lat: 2.0, lon: 30.0, country: \"X\", \
         controller: \"reb\"),\n",
    );
    let mut unit_text = String::from(
        "(id: \"band\", faction: \"reb\", place: \"camp\", personnel: 100, posture: Defend),\n",
    );
    let mut sources = String::from("(place: \"camp\", factions: [\"reb\"], tonnes_per_day: 40),\n");
    for (k, (id, faction, morale, extra)) in units.iter().enumerate() {
        let lat = -(k as f64);
        places.push_str(&format!(
            "(id: \"at_{id}\", name: \"Base {id}\", kind: Base, lat: {lat}, lon: 30.0, \
             country: \"X\", controller: \"gov\"),\n"
        ));
        unit_text.push_str(&format!(
            "(id: \"{id}\", faction: \"{faction}\", place: \"at_{id}\", personnel: 200, \
             morale: {morale}, posture: Defend, {extra}),\n"
        ));
        sources.push_str(&format!(
            "(place: \"at_{id}\", factions: [\"gov\", \"mil\"], tonnes_per_day: 40),\n"
        ));
    }
    format!(
        "Scenario(\n name: \"Orders test\", start_date: \"2025-01-01\", duration_days: 6,\n \
         factions: [\n  (id: \"gov\", name: \"Government\", side: \"government\", kind: StateArmy, \
         colour: \"#1f5fbf\", {gov_fields}),\n  (id: \"mil\", name: \"Militia\", side: \
         \"government\", kind: Militia, colour: \"#2ca02c\"),\n  (id: \"reb\", name: \"Rebels\", \
         side: \"rebels\", kind: Rebel, colour: \"#d62728\"),\n ],\n places: [\n{places}],\n \
         routes: [],\n units: [\n{unit_text}],\n supply_sources: [\n{sources}],\n \
         events: [\n{events}],\n)\n"
    )
}

/// A world and schedule for a scenario's text, checked as a file would be.
fn world_of(text: String) -> (Scenario, World, Schedule) {
    let scenario = checked(text).central().expect("central");
    let world = build_world(&scenario, 1, scenario.duration_days).expect("world");
    (scenario, world, build_schedule(LogLevel::Error))
}

/// Run whole ticks until `days` have passed since the start.
fn run_until(world: &mut World, schedule: &mut Schedule, days: f64) {
    let ticks = (days * 24.0).round() as u64;
    while world.resource::<strife::sim::resources::Clock>().tick < ticks {
        schedule.run(world);
    }
}

/// Something of each unit, by its index in the scenario.
fn by_unit<T: Clone + Default, C: bevy_ecs::component::Component>(
    world: &mut World,
    n: usize,
    f: impl Fn(&C) -> T,
) -> Vec<T> {
    let mut out = vec![T::default(); n];
    let mut query = world.query::<(&Unit, &C)>();
    for (unit, c) in query.iter(world) {
        out[unit.index] = f(c);
    }
    out
}

/// Issue 14, item 2: an order event changes a unit's posture, and its standing posture (the one
/// it resumes after rallying); units it does not name keep theirs.
#[test]
fn an_order_event_changes_a_posture() {
    let text = posts(
        "",
        &[("a", "gov", 0.8, ""), ("b", "gov", 0.8, "")],
        "(id: \"pull_back\", text: \"a is ordered back\", when: Day(1), \
         actions: [Order(target: Unit(\"a\"), posture: Some(Withdraw))]),",
    );
    let (scenario, mut world, mut schedule) = world_of(text);
    let n = scenario.units.len();
    run_until(&mut world, &mut schedule, 0.5);
    let postures = by_unit(&mut world, n, |o: &Orders| Some((o.posture, o.standing)));
    assert_eq!(postures[1], Some((Posture::Defend, Posture::Defend)));
    run_until(&mut world, &mut schedule, 1.5);
    let postures = by_unit(&mut world, n, |o: &Orders| Some((o.posture, o.standing)));
    assert_eq!(
        postures[1],
        Some((Posture::Withdraw, Posture::Withdraw)),
        "the order reached `a`"
    );
    assert_eq!(
        postures[2],
        Some((Posture::Defend, Posture::Defend)),
        "`b` was not ordered"
    );
    assert_eq!(postures[0], Some((Posture::Defend, Posture::Defend)));
}

/// Issue 14, item 2: an order to a side gives its units a posture and objectives (a column
/// standing idle sets out and takes the town), and an order to a faction gives its side a
/// campaign.
#[test]
fn an_order_to_a_side_sets_a_column_on_its_way_and_a_campaign_replaces_the_sides() {
    let scenario = |actions: &str| {
        format!(
            "Scenario(name: \"Order test\", start_date: \"2025-01-01\", duration_days: 6,\n \
             factions: [(id: \"gov\", name: \"Government\", side: \"government\", kind: StateArmy, \
             colour: \"#1f5fbf\"), (id: \"reb\", name: \"Rebels\", side: \"rebels\", kind: Rebel, \
             colour: \"#d62728\")],\n places: [\n (id: \"camp\", name: \"Camp\", kind: Town, \
             lat: 0.0, lon: 30.0, country: \"X\", controller: \"reb\"),\n (id: \"town\", name: \
             \"Town\", kind: Town, lat: -0.1, lon: 30.0, country: \"X\", controller: \"gov\"),\n \
             (id: \"hill\", name: \"Hill\", kind: Town, lat: -0.2, lon: 30.0, country: \"X\", \
             controller: \"gov\")],\n routes: [(from: \"camp\", to: \"town\", km: 10, kind: Road), \
             (from: \"town\", to: \"hill\", km: 10, kind: Road)],\n units: [(id: \"column\", \
             faction: \"reb\", place: \"camp\", personnel: 500, posture: Defend)],\n \
             supply_sources: [(place: \"camp\", factions: [\"reb\"], tonnes_per_day: 40)],\n \
             events: [(id: \"go\", text: \"the column is ordered on\", when: Day(1), \
             actions: [{actions}])],\n)\n"
        )
    };
    let holder = |text: String, place: usize| {
        let (_, mut world, mut schedule) = world_of(text);
        run_until(&mut world, &mut schedule, 0.9);
        let before = world.resource::<ControlMap>().controller[place];
        run_until(&mut world, &mut schedule, 6.0);
        (before, world.resource::<ControlMap>().controller[place])
    };
    // Faction 0 is the government, 1 the rebels; place 1 is the town, 2 the hill.
    let objectives =
        "Order(target: Side(\"rebels\"), posture: Some(Attack), objectives: Some([\"town\"]))";
    assert_eq!(
        holder(scenario(objectives), 1),
        (0, 1),
        "the column took the town"
    );
    let nothing = "Order(target: Side(\"rebels\"))";
    assert_eq!(
        holder(scenario(nothing), 1),
        (0, 0),
        "without the order it stays"
    );
    let campaign = "Order(target: Faction(\"reb\"), posture: Some(Attack), \
                    campaign: Some([(place: \"town\"), (place: \"hill\")]))";
    assert_eq!(
        holder(scenario(campaign), 2),
        (0, 1),
        "the new campaign took the town, then the hill"
    );
}

/// Issue 14, item 2: an order naming an unknown unit, faction, side or place, or giving a unit
/// a campaign, is refused with the name, where it is, and a suggestion.
#[test]
fn an_order_with_unknown_ids_is_refused_with_their_names() {
    let refused = |actions: &str| {
        let text = posts(
            "",
            &[("garrison", "gov", 0.8, "")],
            &format!("(id: \"o\", text: \"order\", when: Day(1), actions: [{actions}]),"),
        );
        let scenario = parse_scenario(&text, "test.ron").expect("parses");
        check_scenario(&scenario, &text, "test.ron")
            .expect_err("refused")
            .to_string()
    };
    let e = refused("Order(target: Unit(\"garison\"), posture: Some(Withdraw))");
    assert!(
        e.contains("unknown unit `garison`") && e.contains("did you mean `garrison`?"),
        "{e}"
    );
    assert!(e.contains("test.ron:"), "located: {e}");
    let e = refused("Order(target: Faction(\"gvo\"), objectives: Some([\"nowhere\"]))");
    assert!(e.contains("unknown faction `gvo`"), "{e}");
    assert!(e.contains("unknown place `nowhere`"), "{e}");
    let e = refused("Order(target: Side(\"governmnet\"))");
    assert!(
        e.contains("unknown side `governmnet`") && e.contains("did you mean `government`?"),
        "{e}"
    );
    let e = refused("Order(target: Unit(\"garrison\"), campaign: Some([(place: \"camp\")]))");
    assert!(e.contains("campaigns belong to a side"), "{e}");
    let e = refused("Flee(\"hq\")");
    assert!(e.contains("unknown unit `hq`"), "{e}");
}

/// Issue 14, item 2: a commander's flight shocks the units it commands (one naming it as
/// `commander`, one through its faction's `headquarters`) by `commander_loss_shock`, and only
/// them: a unit of another faction of the same side, and the commander's peers, keep their
/// morale.
#[test]
fn a_commanders_flight_shocks_only_its_units() {
    let text = posts(
        "headquarters: Some(\"hq\")",
        &[
            ("hq", "gov", 0.8, ""),
            ("a1", "gov", 0.8, "commander: Some(\"hq\")"),
            ("a2", "gov", 0.8, ""),
            ("b1", "mil", 0.8, ""),
            ("b2", "mil", 0.8, "commander: Some(\"b1\")"),
        ],
        "(id: \"flight\", text: \"the commander flees\", when: Day(1), actions: [Flee(\"hq\")]),",
    );
    let (scenario, mut world, mut schedule) = world_of(text);
    let n = scenario.units.len();
    let shock = scenario.params.breaking.commander_loss_shock;
    run_until(&mut world, &mut schedule, 1.0);
    let before = by_unit(&mut world, n, |m: &Morale| m.value);
    schedule.run(&mut world);
    let after = by_unit(&mut world, n, |m: &Morale| m.value);
    let readiness = by_unit(&mut world, n, |r: &Readiness| Some(*r));
    assert_eq!(
        readiness[1],
        Some(Readiness::Withdrawn),
        "the commander fled"
    );
    for (k, id) in ["a1", "a2"].iter().enumerate() {
        let k = k + 2;
        assert!(
            (before[k] - after[k] - shock).abs() < 1e-9,
            "{id}: morale {} → {}, expected a drop of {shock}",
            before[k],
            after[k]
        );
    }
    for k in [0, 4, 5] {
        assert_eq!(
            before[k], after[k],
            "unit {k} is not commanded by the fugitive"
        );
    }
}

/// Issue 14, item 3: a broken unit rallies only with its commander present (else in better
/// spirits, `leaderless_rally_threshold`) and with supplies in hand.
#[test]
fn rallying_needs_a_commander_present_and_supplies() {
    // `a` breaks at once (morale below the breakpoint); on day 1 it is lifted to 0.65 - what
    // it lost to its commander's flight, if it fled.
    let rallied = |flee: bool, supply: &str| {
        let actions = if flee { "Flee(\"hq\"), " } else { "" };
        let text = posts(
            "",
            &[
                ("hq", "gov", 0.8, ""),
                (
                    "a",
                    "mil",
                    0.1,
                    &format!("commander: Some(\"hq\"), {supply}"),
                ),
            ],
            &format!(
                "(id: \"lift\", text: \"spirits lifted\", when: Day(1), \
                 actions: [{actions}Morale(faction: \"mil\", delta: 0.55)]),"
            ),
        );
        let text = if supply.is_empty() {
            text
        } else {
            // No supply for the militia.
            text.replace("factions: [\"gov\", \"mil\"]", "factions: [\"gov\"]")
        };
        let (scenario, mut world, mut schedule) = world_of(text);
        let n = scenario.units.len();
        run_until(&mut world, &mut schedule, 0.5);
        let broken = by_unit(&mut world, n, |c: &Condition| c.broken);
        assert!(broken[2], "`a` broke");
        run_until(&mut world, &mut schedule, 2.0);
        !by_unit(&mut world, n, |c: &Condition| c.broken)[2]
    };
    assert!(
        rallied(false, ""),
        "with its commander and supplies it rallies"
    );
    assert!(
        !rallied(true, ""),
        "without its commander it needs morale 0.6 to rally"
    );
    assert!(
        !rallied(false, "supply_days: 0"),
        "with no supplies it does not rally"
    );
}

/// Issue 14, item 3: a dissolving unit loses its personnel (dispersed, counted as deserted)
/// rather than retreating; a unit's own share overrides its faction's; personnel are conserved.
#[test]
fn a_dissolving_unit_loses_personnel_rather_than_retreating() {
    let text = posts(
        "dissolution_on_break: Some(1.0), desertion_on_break: Some(0.25)",
        &[
            ("melts", "gov", 0.1, ""),
            ("holds", "gov", 0.1, "dissolution_on_break: Some(0.0)"),
            ("steady", "mil", 0.1, ""),
        ],
        "",
    );
    let (scenario, mut world, mut schedule) = world_of(text);
    let n = scenario.units.len();
    run_until(&mut world, &mut schedule, 1.0);
    let personnel = by_unit(&mut world, n, |s: &Strength| s.personnel);
    let deserted = by_unit(&mut world, n, |c: &Casualties| c.deserted);
    let readiness = by_unit(&mut world, n, |r: &Readiness| Some(*r));
    let broken = by_unit(&mut world, n, |c: &Condition| c.broken);
    assert!(broken[1] && broken[2] && broken[3], "all three broke");
    // Dissolved: nobody left, all 200 dispersed, out of the fight.
    assert_eq!((personnel[1], deserted[1]), (0, 200));
    assert_eq!(readiness[1], Some(Readiness::Out));
    // Its faction's desertion share, then it retreats as a unit.
    assert_eq!((personnel[2], deserted[2]), (150, 50));
    assert_eq!(readiness[2], Some(Readiness::Active));
    // The default desertion share (`combat.desertion_on_break`, 0.1) and no dissolution.
    assert_eq!((personnel[3], deserted[3]), (180, 20));
    for k in 1..n {
        assert_eq!(personnel[k] + deserted[k], 200, "unit {k} conserved");
    }
}

/// Issue 14, item 3: paper strength is a separate field, default the present strength; ghost
/// soldiers never fight and a paper strength below the present one is refused.
#[test]
fn paper_strength_is_kept_apart_from_present_strength() {
    let text = posts(
        "",
        &[
            ("ghosts", "gov", 0.8, "paper_personnel: Some(500)"),
            ("plain", "gov", 0.8, ""),
        ],
        "",
    );
    let (scenario, mut world, _) = world_of(text);
    let n = scenario.units.len();
    let strength = by_unit(&mut world, n, |s: &Strength| Some((s.personnel, s.paper)));
    assert_eq!(strength[1], Some((200, 500)));
    assert_eq!(strength[2], Some((200, 200)));
    let text = posts(
        "",
        &[("ghosts", "gov", 0.8, "paper_personnel: Some(100)")],
        "",
    );
    let scenario = parse_scenario(&text, "test.ron").expect("parses");
    let e = check_scenario(&scenario, &text, "test.ron")
        .expect_err("refused")
        .to_string();
    assert!(e.contains("paper_personnel is 100"), "{e}");
}
