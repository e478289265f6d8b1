//! The human cost (issue 13, item 7): civilians are killed and wounded by the fire of a fight at
//! their place in proportion to their density and the kind of fire; displaced people die of
//! hardship faster when their camp's supply fails; a capture cuts a place's supply for a while;
//! killed and wounded, civilian and military, reach the tables and the summary.

use strife::run::{RunOptions, RunRecord, run_loaded};
use strife::scenario::load_scenario;

use crate::common::{temp_file, validate_and_run};

/// A fight in a town: a government garrison and a rebel column of equal size stand in it from
/// the start. `town` is the rest of the town's entry (after its population), `rebel_fire` the
/// rebels' `fire` entry, `params` a `params:` line (or nothing).
fn fight(town: &str, rebel_fire: &str, params: &str) -> String {
    format!(
        r##"Scenario(
 name: "Town fight", start_date: "2025-01-01", duration_days: 2,
 factions: [
  (id: "gov", name: "Government", side: "government", kind: StateArmy, colour: "#1f5fbf"),
  (id: "reb", name: "Rebels", side: "rebels", kind: Rebel, colour: "#d62728"{rebel_fire}),
 ],
 places: [
  (id: "town", name: "Town", kind: Town, lat: -1.0, lon: 30.0, country: "X",
   population: 50000, controller: "gov"{town}),
  (id: "base", name: "Base", kind: Base, lat: -1.1, lon: 30.0, country: "X", controller: "reb"),
 ],
 routes: [(from: "town", to: "base", km: 10, kind: Road)],
 units: [
  (id: "garrison", faction: "gov", place: "town", personnel: 1000, morale: 0.9,
   supply_days: 10, posture: Defend),
  (id: "column", faction: "reb", place: "town", personnel: 1000, morale: 0.9,
   supply_days: 10, posture: Attack, objectives: ["town"]),
 ],
 supply_sources: [(place: "base", factions: ["reb"], tonnes_per_day: 500)],{params}
)
"##
    )
}

/// Run a scenario text with a seed.
fn run_text(text: &str, seed: u64) -> RunRecord {
    let (_dir, path) = temp_file("scenario.ron", text);
    let loaded = load_scenario(&path).unwrap_or_else(|e| panic!("does not load:\n{e}"));
    run_loaded(&loaded, RunOptions { seed, days: None }).expect("runs")
}

/// Civilians killed and wounded at place `p` by the end of a run.
fn casualties_at(record: &RunRecord, p: usize) -> f64 {
    let last = record.samples.last().expect("samples");
    last.places[p].killed + last.places[p].wounded
}

/// Issue 13: the same fight in a denser place harms more civilians — ten times the density
/// (the same people on a tenth of the area) gives about ten times the casualties, while the
/// soldiers' fight is the same to the person.
#[test]
fn civilian_casualties_scale_with_density() {
    let sparse = run_text(&fight(", area_km2: 20", "", ""), 7);
    let dense = run_text(&fight(", area_km2: 2", "", ""), 7);
    let forces = |r: &RunRecord| {
        let f = &r.samples.last().expect("samples").factions;
        (f[0].killed, f[0].wounded, f[1].killed, f[1].wounded)
    };
    assert_eq!(
        forces(&sparse),
        forces(&dense),
        "the fight itself is the same"
    );
    let (a, b) = (casualties_at(&sparse, 0), casualties_at(&dense, 0));
    assert!(a > 0.0, "a fight in a town of 50,000 harms civilians");
    assert!(
        b > 5.0 * a,
        "ten times the density: {b:.1} civilian casualties against {a:.1}"
    );
    // Nobody is harmed by fire where nobody fights.
    assert_eq!(
        sparse.samples.last().expect("samples").places[1].wounded,
        0.0
    );
}

/// Issue 13: explosive fire harms more civilians than small arms, and hard cover protects.
#[test]
fn artillery_harms_more_than_small_arms_and_shelter_protects() {
    let small_arms = casualties_at(&run_text(&fight("", "", ""), 3), 0);
    let artillery = casualties_at(&run_text(&fight("", ", fire: (artillery: 0.6)", ""), 3), 0);
    let drones = casualties_at(&run_text(&fight("", ", fire: (drones: 0.6)", ""), 3), 0);
    assert!(
        artillery > 2.0 * small_arms,
        "artillery {artillery:.1} against small arms {small_arms:.1}"
    );
    assert!(
        drones > small_arms && drones < artillery,
        "drones {drones:.1} between small arms {small_arms:.1} and artillery {artillery:.1}"
    );
    let open = casualties_at(&run_text(&fight(", shelter: 0", "", ""), 3), 0);
    let covered = casualties_at(&run_text(&fight(", shelter: 1", "", ""), 3), 0);
    assert!(
        covered < 0.5 * open,
        "under cover {covered:.1} against in the open {open:.1}"
    );
}

/// A camp of displaced people and the town next to it, with no fighting; `sources` is the
/// government's supply sources (none cuts the camp's food).
fn camp(sources: &str) -> String {
    format!(
        r##"Scenario(
 name: "Camp test", start_date: "2025-01-01", duration_days: 40,
 factions: [
  (id: "gov", name: "Government", side: "government", kind: StateArmy, colour: "#1f5fbf"),
 ],
 places: [
  (id: "camp", name: "Camp", kind: Camp, lat: -1.0, lon: 30.0, country: "X",
   population: 50000, controller: "gov"),
  (id: "town", name: "Town", kind: Town, lat: -1.1, lon: 30.0, country: "X",
   population: 20000, controller: "gov"),
 ],
 routes: [(from: "camp", to: "town", km: 10, kind: Road)],
 units: [
  (id: "garrison", faction: "gov", place: "town", personnel: 100, posture: Defend),
 ],
 supply_sources: [{sources}],
)
"##
    )
}

/// Issue 13: deaths in a camp come from its supply — with its supply cut, its people die
/// faster as the food runs out, and far more than in the same camp supplied.
#[test]
fn camp_deaths_rise_when_its_supply_falls() {
    let supplied = run_text(
        &camp(r#"(place: "town", factions: ["gov"], tonnes_per_day: 500)"#),
        1,
    );
    let cut = run_text(&camp(""), 1);
    let dead = |r: &RunRecord, day: usize| {
        let s = r
            .samples
            .iter()
            .find(|s| s.hours >= 24.0 * day as f64)
            .expect("a sample on that day");
        s.places[0].dead
    };
    // Supplied: the displaced die at the excess rate of a camp with food and shelter.
    let supplied_40 = dead(&supplied, 40);
    assert!(supplied_40 > 0.0, "a camp's displaced die of hardship");
    let cut_40 = dead(&cut, 40);
    assert!(
        cut_40 > 3.0 * supplied_40,
        "cut off {cut_40:.0} dead against supplied {supplied_40:.0}"
    );
    // The rate rises as the stock runs down (before hunger drives people out, from day 14):
    // days 9–14 kill more than days 0–5.
    let first = dead(&cut, 5) - dead(&cut, 0);
    let later = dead(&cut, 14) - dead(&cut, 9);
    assert!(
        later > 2.0 * first,
        "days 9–14: {later:.0}; days 0–5: {first:.0}"
    );
    // None of it is by fire.
    assert_eq!(cut.samples.last().expect("samples").places[0].killed, 0.0);
}

/// Issue 13: a capture cuts a place's supply for `capture_disruption_days`: its food runs
/// down and its people die of hardship, which they do not when the parameter is 0.
#[test]
fn a_capture_cuts_the_supply_of_the_place_for_a_while() {
    let overrun = |days: &str| {
        let text = fight(
            "",
            "",
            &format!("\n params: (human_cost: (capture_disruption_days: {days})),"),
        )
        .replace("duration_days: 2", "duration_days: 20")
        .replace(
            "personnel: 1000, morale: 0.9,\n   supply_days: 10, posture: Defend",
            "personnel: 50, morale: 0.3,\n   supply_days: 10, posture: Defend",
        );
        run_text(&text, 2)
    };
    let disrupted = overrun("10");
    let none = overrun("0");
    assert!(!disrupted.captures.is_empty(), "the column takes the town");
    let hardship = |r: &RunRecord| {
        let p = &r.samples.last().expect("samples").places[0];
        p.dead - p.killed
    };
    assert!(
        hardship(&disrupted) > hardship(&none) + 1.0,
        "after a capture: {:.1} dead of hardship against {:.1}",
        hardship(&disrupted),
        hardship(&none)
    );
}

/// Issue 13: killed and wounded, civilian and military, by place and by faction, reach
/// `civilians.csv`, `casualties.csv`, `summary.json` and the report.
#[test]
fn killed_and_wounded_appear_in_the_tables_and_the_summary() {
    let text = fight("", ", fire: (artillery: 0.3)", "");
    let (dir, _path, summary) = validate_and_run("fight.ron", &text);
    let out = dir.path().join("out");
    let civilians = &summary["civilians"];
    for key in ["deaths", "killed", "died_of_hardship", "wounded"] {
        assert!(civilians[key].is_number(), "summary civilians.{key}");
    }
    assert!(civilians["killed"].as_f64().unwrap_or(0.0) > 0.0);
    assert!(civilians["wounded"].as_f64().unwrap_or(0.0) > 0.0);
    assert!(summary["military"]["killed"].as_u64().unwrap_or(0) > 0);
    assert!(summary["military"]["wounded"].as_u64().unwrap_or(0) > 0);
    let town = summary["casualties_by_place"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["place"] == "town"))
        .expect("the town in casualties_by_place");
    for key in [
        "civilians_killed",
        "civilians_wounded",
        "military_killed",
        "military_wounded",
    ] {
        assert!(town[key].as_f64().unwrap_or(0.0) > 0.0, "town {key}");
    }
    let table = std::fs::read_to_string(out.join("civilians.csv")).expect("civilians.csv");
    let header = table.lines().next().unwrap_or_default();
    assert_eq!(
        header,
        "day,datetime,place,residents,displaced_here,dead,killed,died_of_hardship,wounded,\
         military_killed,military_wounded,food_days,refugees_here"
    );
    let casualties = std::fs::read_to_string(out.join("casualties.csv")).expect("casualties.csv");
    let civ = casualties
        .lines()
        .find(|l| l.starts_with("civilians,"))
        .expect("a civilians row in casualties.csv");
    let cells: Vec<&str> = civ.split(',').collect();
    assert_eq!(
        cells[2], "50000",
        "civilians committed: everyone at the start"
    );
    let report = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(report.contains("Killed and wounded by place"));
    assert!(report.contains("civilians wounded"));
}
