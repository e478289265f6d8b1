//! More than two sides, recruitment and capture (issue 14, items 4 and 5): the relations
//! matrix, places passing to any faction, recruitment up to a cap, captured depots.

use bevy_ecs::schedule::LogLevel;
use bevy_ecs::world::World;
use strife::sim::components::{Casualties, Population, Strength, Supply, Unit};
use strife::sim::resources::{ControlMap, RunStatus};
use strife::sim::{build_schedule, build_world};

use crate::common::{checked, strife, temp_file};

/// A two-place theatre: a town held by the government and the rebels' base next door, with
/// `factions`, `units`, and anything else (`extra`: relations, events, depots) spliced in.
fn theatre(factions: &str, town: &str, units: &str, extra: &str) -> String {
    format!(
        r##"Scenario(
 name: "Sides test", start_date: "2025-01-01", duration_days: 10,
 factions: [
  (id: "gov", name: "Government", side: "government", kind: StateArmy, colour: "#1f5fbf"),
  (id: "reb", name: "Rebels", side: "rebels", kind: Rebel, colour: "#d62728"),
  {factions}
 ],
 places: [
  (id: "town", name: "Town", kind: Town, lat: -1.0, lon: 30.0, country: "X",
   population: 100000, controller: "gov"{town}),
  (id: "base", name: "Base", kind: Town, lat: -1.1, lon: 30.0, country: "X",
   population: 10000, controller: "reb"),
 ],
 routes: [
  (from: "town", to: "base", km: 10, kind: Road),
 ],
 units: [
  {units}
 ],
 end_conditions: [],
 {extra}
)
"##
    )
}

/// Run `text` for `days` with seed 1 and return the world.
fn run_world(text: String, days: f64) -> World {
    let scenario = checked(text).central().expect("central");
    let mut world = build_world(&scenario, 1, days).expect("world");
    let mut schedule = build_schedule(LogLevel::Error);
    while world.resource::<RunStatus>().ended.is_none() {
        schedule.run(&mut world);
        crate::model::check_invariants(&scenario, &mut world);
    }
    world
}

/// Personnel and losses of the unit with index `index`.
fn unit(world: &mut World, index: usize) -> (Strength, Casualties, Supply) {
    let mut q = world.query::<(&Unit, &Strength, &Casualties, &Supply)>();
    q.iter(world)
        .find(|(u, ..)| u.index == index)
        .map(|(_, s, c, p)| (*s, *c, *p))
        .expect("unit")
}

const REGIONAL: &str = r##"(id: "reg", name: "Regional force", side: "regional", kind: RegionalForce,
   colour: "#2ca02c", occupies_abandoned: true),"##;
const NEUTRAL: &str = r#"relations: [(a: "reg", b: "gov", relation: Neutral),
  (a: "reg", b: "reb", relation: Neutral)],"#;

/// Issue 14, "Places can pass to any faction": a neutral regional force standing in a town its
/// holder abandoned (no government unit left there) takes it, without a fight with anyone; the
/// same force without `occupies_abandoned` leaves the town to its holder.
#[test]
fn a_neutral_faction_takes_an_abandoned_place() {
    let units = r#"(id: "reg_unit", faction: "reg", place: "town", personnel: 500, morale: 0.8,
   supply_days: 30, posture: Defend),
  (id: "reb_unit", faction: "reb", place: "base", personnel: 500, morale: 0.8,
   supply_days: 30, posture: Defend),"#;
    let mut world = run_world(theatre(REGIONAL, "", units, NEUTRAL), 2.0);
    let control = world.resource::<ControlMap>();
    assert_eq!(
        control.controller[0], 2,
        "the regional force holds the town"
    );
    assert_eq!(control.controller[1], 1, "the rebels keep their base");
    assert_eq!(unit(&mut world, 0).1.killed, 0, "no one fought");

    let passive = REGIONAL.replace("occupies_abandoned: true", "occupies_abandoned: false");
    let world = run_world(theatre(&passive, "", units, NEUTRAL), 2.0);
    assert_eq!(
        world.resource::<ControlMap>().controller[0],
        0,
        "a neutral that does not occupy leaves the town to its holder"
    );
}

/// Issue 14, "Relations form a matrix": two factions of different sides declared allies stand
/// in one town without fighting, and the rebels' ally does not take the government's town; an
/// event that turns them hostile starts the fight.
#[test]
fn a_relation_event_turns_allies_into_enemies() {
    let units = r#"(id: "gov_unit", faction: "gov", place: "town", personnel: 1000, morale: 0.8,
   supply_days: 30, posture: Defend),
  (id: "reb_unit", faction: "reb", place: "town", personnel: 1000, morale: 0.8,
   supply_days: 30, posture: Defend),"#;
    let allied = r#"relations: [(a: "gov", b: "reb", relation: Allied)],"#;
    let mut world = run_world(theatre("", "", units, allied), 3.0);
    let (_, gov, _) = unit(&mut world, 0);
    let (_, reb, _) = unit(&mut world, 1);
    assert_eq!(gov.killed + gov.wounded + reb.killed + reb.wounded, 0);
    assert_eq!(world.resource::<ControlMap>().controller[0], 0);

    let split = format!(
        r#"{allied}
 events: [(id: "split", text: "The alliance splits", when: Day(1),
   actions: [Relation(a: "gov", b: "reb", relation: Hostile)])],"#
    );
    let mut world = run_world(theatre("", "", units, &split), 3.0);
    let (_, gov, _) = unit(&mut world, 0);
    let (_, reb, _) = unit(&mut world, 1);
    assert!(
        gov.killed + gov.wounded > 0 && reb.killed + reb.wounded > 0,
        "they fight once hostile: {gov:?} {reb:?}"
    );
}

/// Issue 14, "Recruitment": a faction recruiting 1 per 1,000 residents a day in a town of
/// 100,000 it holds grows by about 100 a day until it reaches its cap, and no further; the
/// recruits leave the residents (population and personnel stay on the books).
#[test]
fn recruitment_grows_a_faction_up_to_its_cap() {
    let factions = r##"(id: "mil", name: "Militia", side: "government", kind: Militia,
   colour: "#8c564b", recruitment: (per_1000_residents_per_day: 1.0, cap: 600)),"##;
    let units = r#"(id: "mil_unit", faction: "mil", place: "town", personnel: 100, morale: 0.8,
   supply_days: 30, posture: Defend),"#;
    let text = theatre(factions, "", units, "")
        .replace(r#"controller: "gov"),"#, r#"controller: "mil"),"#);
    let mut world = run_world(text.clone(), 2.0);
    let (s, c, _) = unit(&mut world, 0);
    assert!(
        (250..=300).contains(&s.personnel),
        "two days of recruiting: {}",
        s.personnel
    );
    assert_eq!(s.personnel, 100 + c.recruited);
    let mut world = run_world(text, 10.0);
    let (s, c, _) = unit(&mut world, 0);
    assert_eq!(s.personnel, 600, "it stops at its cap");
    assert_eq!(c.recruited, 500);
    let mut q = world.query::<&Population>();
    let recruited: f64 = q.iter(&world).map(|p| p.recruited).sum();
    assert_eq!(recruited, 500.0);
}

/// Issue 14, "Capture": rebels taking an undefended town with a depot refill their supply from
/// its stocks and raise their firepower with its equipment; without the depot they do not.
#[test]
fn a_captured_depot_raises_supply_and_firepower() {
    let units = r#"(id: "reb_unit", faction: "reb", place: "town", personnel: 1000, morale: 0.8,
   firepower: 1.0, supply_days: 2, posture: Attack, objectives: ["town"]),"#;
    let depot = r#", depot: (stocks_t: 100, equipment: 500)"#;
    let mut world = run_world(theatre("", depot, units, ""), 1.0);
    assert_eq!(world.resource::<ControlMap>().controller[0], 1);
    let (with, _, with_supply) = unit(&mut world, 0);
    let mut world = run_world(theatre("", "", units, ""), 1.0);
    let (without, _, without_supply) = unit(&mut world, 0);
    assert!((with.firepower - 1.5).abs() < 1e-9, "{}", with.firepower);
    assert!((without.firepower - 1.0).abs() < 1e-9);
    assert!(
        with_supply.days > without_supply.days + 5.0,
        "{} vs {}",
        with_supply.days,
        without_supply.days
    );
}

/// Issue 14: a relation naming an unknown faction is an error (exit 2) naming it, with the
/// factions it could have meant.
#[test]
fn an_unknown_faction_in_relations_is_an_error() {
    let text = theatre(
        "",
        "",
        "",
        r#"relations: [(a: "gvo", b: "reb", relation: Hostile)],"#,
    );
    let (_dir, path) = temp_file("sides.ron", &text);
    let out = strife().arg("validate").arg(&path).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("unknown faction `gvo`") && err.contains("known factions: gov, reb"),
        "{err}"
    );
}
