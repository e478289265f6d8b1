//! Air power (issue 14, item 6): an air asset changes the outcome of a fight within its range
//! and not outside it; air defence blunts it and downs aircraft; losing its base grounds it.

use strife::output::tables;
use strife::run::{RunOptions, RunRecord, run_loaded};

use crate::common::{checked, validate_and_run};

/// A government garrison of 1,000 at `front` attacked by 3,000 rebels from `camp` next door;
/// the government's airfield lies 40 km south of the front. `air` is the scenario's air list,
/// `defence` the rebels' `air_defence`.
fn theatre(air: &str, defence: f64) -> String {
    format!(
        r##"Scenario(
 name: "Air test", start_date: "2025-01-01", duration_days: 10,
 factions: [
  (id: "gov", name: "Government", side: "government", kind: StateArmy, colour: "#1f5fbf"),
  (id: "reb", name: "Rebels", side: "rebels", kind: Rebel, colour: "#d62728",
   air_defence: {defence}),
 ],
 places: [
  (id: "front", name: "Front", kind: Town, lat: -1.0, lon: 30.0, country: "X",
   population: 20000, controller: "gov"),
  (id: "camp", name: "Camp", kind: Town, lat: -0.95, lon: 30.0, country: "X",
   population: 0, controller: "reb"),
  (id: "airfield", name: "Airfield", kind: Airport, lat: -1.36, lon: 30.0, country: "X",
   population: 0, controller: "gov"),
 ],
 routes: [
  (from: "camp", to: "front", km: 6, kind: Road),
  (from: "front", to: "airfield", km: 45, kind: Road),
 ],
 units: [
  (id: "garrison", faction: "gov", place: "front", personnel: 1000, morale: 0.7,
   supply_days: 30, posture: Defend),
  (id: "column", faction: "reb", place: "camp", personnel: 3000, morale: 0.8,
   supply_days: 30, posture: Attack, objectives: ["front"]),
 ],
 supply_sources: [
  (place: "airfield", factions: ["gov"], tonnes_per_day: 500),
  (place: "camp", factions: ["reb"], tonnes_per_day: 500),
 ],
 params: (air: (drone_loss_per_sortie: 0.05)),
 air: [{air}],
)
"##
    )
}

/// Armed drones of the government at its airfield, with a combat radius of `range_km`.
fn drones(range_km: f64, base: &str) -> String {
    format!(
        r#"(id: "gov_drones", faction: "gov", kind: ArmedDrone, count: 10, sorties_per_day: 3,
   range_km: {range_km}, base: "{base}", strike_power: 1000)"#
    )
}

fn run(text: String, seed: u64) -> RunRecord {
    let loaded = checked(text);
    run_loaded(&loaded, RunOptions { seed, days: None }).expect("the test scenario runs")
}

/// Whether the rebels took the front, and their battle casualties (killed and wounded).
fn outcome(record: &RunRecord) -> (bool, u32) {
    let front = record
        .theatre
        .places
        .iter()
        .position(|p| p.id == "front")
        .expect("front");
    let taken = record.captures.iter().any(|c| c.place == front);
    let last = record.samples.last().expect("samples");
    let rebels = &last.factions[1];
    (taken, rebels.killed + rebels.wounded)
}

const SEEDS: [u64; 4] = [1, 2, 3, 4];

/// Issue 14: drones whose radius reaches the front turn the fight: without them (or with a
/// radius that stops short of the front, or grounded by a base the rebels hold) the rebels
/// take the town in every seed; with them, in none, and the rebels lose more. Out of range
/// or grounded, the run is byte for byte the run without them.
#[test]
fn an_air_asset_changes_a_fight_within_its_range_only() {
    for seed in SEEDS {
        let none = run(theatre("", 0.0), seed);
        let near = run(theatre(&drones(100.0, "airfield"), 0.0), seed);
        let short = run(theatre(&drones(20.0, "airfield"), 0.0), seed);
        let grounded = run(theatre(&drones(100.0, "camp"), 0.0), seed);
        let (taken_none, losses_none) = outcome(&none);
        let (taken_near, losses_near) = outcome(&near);
        assert!(
            taken_none,
            "seed {seed}: the rebels take the front unopposed from the air"
        );
        assert!(!taken_near, "seed {seed}: drones in range hold the front");
        assert!(
            losses_near > losses_none,
            "seed {seed}: the rebels lose more under drones ({losses_near} against {losses_none})"
        );
        let forces = |r: &RunRecord| tables::forces_csv(r).expect("forces.csv");
        let civilians = |r: &RunRecord| tables::civilians_csv(r).expect("civilians.csv");
        for (name, other) in [("out of range", &short), ("grounded", &grounded)] {
            assert_eq!(forces(other), forces(&none), "seed {seed}: {name}");
            assert_eq!(civilians(other), civilians(&none), "seed {seed}: {name}");
        }
        let sorties = |r: &RunRecord| r.samples.last().expect("samples").air[0].sorties;
        assert_eq!(sorties(&short), 0.0);
        assert_eq!(sorties(&grounded), 0.0);
        assert!(sorties(&near) > 0.0);
        assert!(grounded.samples.last().expect("samples").air[0].grounded);
    }
}

/// Issue 14: the rebels' air defence blunts the drones (the rebels lose less than under
/// undefended skies, more than with no drones) and downs some of them; strikes over an
/// inhabited town harm its people more than the ground fight alone.
#[test]
fn air_defence_reduces_the_effect_of_air_power() {
    for seed in SEEDS {
        let none = run(theatre("", 0.7), seed);
        let open = run(theatre(&drones(100.0, "airfield"), 0.0), seed);
        let defended = run(theatre(&drones(100.0, "airfield"), 0.7), seed);
        // Compare the first two days, while every fight still goes on.
        let rebels_by_day_2 = |r: &RunRecord| {
            let s = r
                .samples
                .iter()
                .find(|s| s.hours >= 48.0)
                .expect("a sample at day 2");
            s.factions[1].killed + s.factions[1].wounded
        };
        let (bare, open_sky, defended_sky) = (
            rebels_by_day_2(&none),
            rebels_by_day_2(&open),
            rebels_by_day_2(&defended),
        );
        assert!(
            bare < defended_sky && defended_sky < open_sky,
            "seed {seed}: rebel losses by day 2 without drones {bare}, under defended skies \
             {defended_sky}, under open skies {open_sky}"
        );
        let open_air = open.samples.last().expect("samples").air[0];
        let defended_air = defended.samples.last().expect("samples").air[0];
        assert_eq!(open_air.lost, 0, "seed {seed}: no defence, no losses");
        assert!(
            defended_air.lost > 0,
            "seed {seed}: the defence downs drones"
        );
        assert_eq!(
            defended_air.in_service + defended_air.lost,
            10,
            "seed {seed}: aircraft are conserved"
        );
        let killed = |r: &RunRecord| {
            r.samples.last().expect("samples").places[0].killed
                + r.samples.last().expect("samples").places[0].wounded
        };
        assert!(
            killed(&open) > killed(&none),
            "seed {seed}: strikes over the town harm its people"
        );
    }
}

/// Issue 14: a run with air assets writes `air.csv` and an `air` block in `summary.json`; a
/// run without them writes neither.
#[test]
fn air_assets_appear_in_air_csv_and_the_summary() {
    let (dir, _path, summary) =
        validate_and_run("air.ron", &theatre(&drones(100.0, "airfield"), 0.7));
    let table = std::fs::read_to_string(dir.path().join("out/air.csv")).expect("air.csv");
    let mut lines = table.lines();
    assert_eq!(
        lines.next(),
        Some("day,datetime,asset,faction,kind,in_service,sorties,lost,grounded")
    );
    assert!(table.contains(",gov_drones,gov,ArmedDrone,"));
    let air = &summary["air"][0];
    assert_eq!(air["asset"], "gov_drones");
    assert_eq!(air["aircraft"], 10);
    assert!(air["sorties"].as_f64().expect("sorties") > 0.0);
    let lost = air["lost"].as_u64().expect("lost");
    assert_eq!(air["in_service"].as_u64().expect("in service") + lost, 10);

    let (dir, _path, summary) = validate_and_run("plain.ron", &theatre("", 0.0));
    assert!(!dir.path().join("out/air.csv").exists());
    assert!(summary.get("air").is_none());
}

/// A rebel-held town of 20,000 (`town`) with a rebel garrison and no fight anywhere; a
/// rebel-held village (`village`) and a government town (`govtown`) lie near it; the
/// government's airfield lies 90 km south. `air` is the scenario's air list, `defence` the
/// rebels' `air_defence`.
fn quiet_theatre(air: &str, defence: f64) -> String {
    format!(
        r##"Scenario(
 name: "Expected strikes test", start_date: "2025-01-01", duration_days: 10,
 factions: [
  (id: "gov", name: "Government", side: "government", kind: StateArmy, colour: "#1f5fbf"),
  (id: "reb", name: "Rebels", side: "rebels", kind: Rebel, colour: "#d62728",
   air_defence: {defence}),
 ],
 places: [
  (id: "town", name: "Town", kind: Town, lat: -1.0, lon: 30.0, country: "X",
   population: 20000, controller: "reb"),
  (id: "village", name: "Village", kind: Town, lat: -0.9, lon: 30.0, country: "X",
   population: 10000, controller: "reb"),
  (id: "govtown", name: "Government town", kind: Town, lat: -1.3, lon: 30.0, country: "X",
   population: 30000, controller: "gov"),
  (id: "airfield", name: "Airfield", kind: Airport, lat: -1.8, lon: 30.0, country: "X",
   population: 0, controller: "gov"),
 ],
 routes: [
  (from: "town", to: "village", km: 12, kind: Road),
  (from: "town", to: "govtown", km: 40, kind: Road),
  (from: "govtown", to: "airfield", km: 60, kind: Road),
 ],
 units: [
  (id: "guard", faction: "gov", place: "airfield", personnel: 500, supply_days: 30),
  (id: "garrison", faction: "reb", place: "town", personnel: 800, supply_days: 30),
 ],
 supply_sources: [
  (place: "airfield", factions: ["gov"], tonnes_per_day: 500),
  (place: "town", factions: ["reb"], tonnes_per_day: 500),
 ],
 air: [{air}],
)
"##
    )
}

/// Issue 14, item 7: people flee the strikes they expect from the air. Government jets whose
/// radius covers a rebel-held town where no one fights drive some of its people out (to the
/// rebels' village, never into the government's town, whose aircraft they flee); with the
/// jets out of range nobody leaves, and the rebels' air defence cuts the flight.
#[test]
fn people_flee_expected_air_strikes() {
    let jets = |range_km: f64| {
        format!(
            r#"(id: "gov_jets", faction: "gov", kind: Jet, count: 4, sorties_per_day: 2,
   range_km: {range_km}, base: "airfield")"#
        )
    };
    let left = |r: &RunRecord| {
        let p = r
            .theatre
            .places
            .iter()
            .position(|p| p.id == "town")
            .expect("town");
        20_000.0 - r.samples.last().expect("samples").places[p].residents
    };
    let left_none = left(&run(quiet_theatre("", 0.0), 1));
    let left_short = left(&run(quiet_theatre(&jets(50.0), 0.0), 1));
    let in_range = run(quiet_theatre(&jets(150.0), 0.0), 1);
    let left_open = left(&in_range);
    let last = in_range.samples.last().expect("samples");
    let left_defended = left(&run(quiet_theatre(&jets(150.0), 0.8), 1));
    assert!(
        left_none.abs() < 1e-9,
        "people left a quiet town: {left_none}"
    );
    assert!(
        left_short.abs() < 1e-9,
        "people fled aircraft out of range: {left_short}"
    );
    assert!(
        left_open > 200.0,
        "only {left_open:.0} fled the expected strikes"
    );
    assert!(
        left_defended < left_open && left_defended > 0.0,
        "air defence did not cut the flight: {left_defended:.0} against {left_open:.0}"
    );
    let place = |id: &str| {
        in_range
            .theatre
            .places
            .iter()
            .position(|p| p.id == id)
            .expect("place")
    };
    assert!(last.places[place("village")].displaced_here > 100.0);
    assert_eq!(last.places[place("govtown")].displaced_here, 0.0);
}
