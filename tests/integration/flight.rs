//! Civilian flight as people decide it (issue 14, item 7): people spread over several safe
//! places, never into the hands of those they flee; a closed border is respected and a limited
//! one caps the daily crossing; people keep fleeing a feared occupier once the fighting ends.

use strife::run::{RunOptions, RunRecord, run_loaded};
use strife::sim::resources::PlaceSample;

use crate::common::checked;

/// A town of 100,000 (`town`, country X, held by the government) attacked by a rebel column
/// from `rebase` next door, the government's defenders holding on for days. Calm government
/// places lie around it at several distances (`near`, `mid`, `far`, country X); a rebel-held
/// airport (`rebair`) lies beyond `near`; a camp across the border (`camp_y`, country Y) is
/// reached through the crossing post `post` (country X) whose `border` field is `post_status`.
/// `events`, `abuse` (the rebels' `civilian_abuse`) and `defenders` (the government's
/// personnel and morale) vary the theatre.
fn theatre(post_status: &str, events: &str, abuse: f64, defenders: &str) -> String {
    format!(
        r##"Scenario(
 name: "Flight test", start_date: "2025-01-01", duration_days: 12,
 factions: [
  (id: "gov", name: "Government", side: "government", kind: StateArmy, colour: "#1f5fbf"),
  (id: "reb", name: "Rebels", side: "rebels", kind: Rebel, colour: "#d62728",
   civilian_abuse: {abuse}),
 ],
 places: [
  (id: "town", name: "Town", kind: Town, lat: -1.0, lon: 30.0, country: "X",
   population: 100000, controller: "gov"),
  (id: "rebase", name: "Rebel base", kind: Base, lat: -1.1, lon: 30.0, country: "X",
   population: 1000, controller: "reb"),
  (id: "near", name: "Near", kind: Town, lat: -0.9, lon: 30.0, country: "X",
   population: 20000, controller: "gov"),
  (id: "mid", name: "Mid", kind: Town, lat: -1.0, lon: 30.2, country: "X",
   population: 40000, controller: "gov"),
  (id: "far", name: "Far", kind: Town, lat: -0.7, lon: 30.1, country: "X",
   population: 60000, controller: "gov"),
  (id: "rebair", name: "Rebel airport", kind: Airport, lat: -0.8, lon: 29.9, country: "X",
   population: 5000, controller: "reb"),
  (id: "post", name: "Border post", kind: BorderCrossing, lat: -1.0, lon: 29.8, country: "X",
   population: 0, controller: "gov"{post_status}),
  (id: "camp_y", name: "Camp across the border", kind: Camp, lat: -1.0, lon: 29.7,
   country: "Y", population: 10000, controller: "gov", sanctuary: true),
 ],
 routes: [
  (from: "town", to: "rebase", km: 10, kind: Road),
  (from: "town", to: "near", km: 12, kind: Road),
  (from: "town", to: "mid", km: 22, kind: Road),
  (from: "near", to: "far", km: 25, kind: Road),
  (from: "near", to: "rebair", km: 10, kind: Road),
  (from: "town", to: "post", km: 20, kind: Road),
  (from: "post", to: "camp_y", km: 5, kind: Border),
 ],
 units: [
  (id: "defenders", faction: "gov", place: "town", {defenders}, supply_days: 30,
   posture: Defend),
  (id: "column", faction: "reb", place: "rebase", personnel: 3000, morale: 0.9,
   supply_days: 30, posture: Attack, objectives: ["town"]),
 ],
 supply_sources: [
  (place: "rebase", factions: ["reb"], tonnes_per_day: 500),
  (place: "far", factions: ["gov"], tonnes_per_day: 500),
 ],
 end_conditions: [],
 events: [{events}],
)
"##
    )
}

/// Defenders that hold for days: the town stays fought over.
const HOLD: &str = "personnel: 2500, morale: 0.9";
/// Defenders that break at once: the rebels take the town within a day or two.
const BREAK: &str = "personnel: 200, morale: 0.05";

fn run(text: String, days: f64) -> RunRecord {
    let loaded = checked(text);
    run_loaded(
        &loaded,
        RunOptions {
            seed: 7,
            days: Some(days),
        },
    )
    .unwrap_or_else(|e| panic!("the test scenario does not run: {e}"))
}

fn index(record: &RunRecord, id: &str) -> usize {
    record
        .theatre
        .places
        .iter()
        .position(|p| p.id == id)
        .unwrap_or_else(|| panic!("no place `{id}`"))
}

/// The place `id` in the last sample taken by `day`.
fn at<'a>(record: &'a RunRecord, day: f64, id: &str) -> &'a PlaceSample {
    let p = index(record, id);
    let sample = record
        .samples
        .iter()
        .rev()
        .find(|s| s.hours <= day * 24.0 + 1e-9)
        .expect("a sample");
    &sample.places[p]
}

/// Issue 14, item 7: the people of a town under attack spread over several calm places by the
/// gravity choice, not all to the nearest one, and none walk into the rebels' airport.
#[test]
fn flight_spreads_over_several_destinations() {
    let record = run(theatre(", border: Open", "", 0.0, HOLD), 3.0);
    let fled = 100_000.0 - at(&record, 3.0, "town").residents;
    assert!(fled > 5_000.0, "only {fled:.0} left the town under attack");
    let shares: Vec<(&str, f64)> = ["near", "mid", "far", "camp_y"]
        .iter()
        .map(|&id| (id, at(&record, 3.0, id).displaced_here / fled))
        .collect();
    let reached = shares.iter().filter(|(_, s)| *s > 0.05).count();
    assert!(
        reached >= 3,
        "people went to fewer than three places: {shares:?}"
    );
    assert!(
        shares.iter().all(|(_, s)| *s < 0.8),
        "one place took most of them: {shares:?}"
    );
    assert_eq!(
        at(&record, 3.0, "rebair").displaced_here,
        0.0,
        "people fled into the airport of the side they flee"
    );
    // Across the open border they are refugees; inside the country, displaced.
    let camp = at(&record, 3.0, "camp_y");
    assert!(camp.refugees_here > 0.0 && (camp.refugees_here - camp.displaced_here).abs() < 1e-6);
    assert_eq!(at(&record, 3.0, "near").refugees_here, 0.0);
}

/// Issue 14, item 7: a closed border is respected: nobody crosses it, until an event opens
/// it (a `Border` action) and people start to cross.
#[test]
fn a_closed_border_is_respected_until_an_event_opens_it() {
    let opens = r#"(id: "opens", when: Day(3.0), text: "The border opens",
   actions: [Border(place: "post", status: Open)])"#;
    let record = run(theatre(", border: Closed", opens, 0.0, HOLD), 5.0);
    let camp = at(&record, 3.0, "camp_y");
    assert_eq!(
        (camp.displaced_here, camp.refugees_here),
        (0.0, 0.0),
        "people crossed a closed border"
    );
    let inside: f64 = ["near", "mid", "far"]
        .iter()
        .map(|id| at(&record, 3.0, id).displaced_here)
        .sum();
    assert!(inside > 0.0, "nobody fled inside the country either");
    let camp = at(&record, 5.0, "camp_y");
    assert!(
        camp.refugees_here > 100.0,
        "nobody crossed once the border opened: {camp:?}"
    );
    assert!(
        record
            .events
            .iter()
            .any(|e| e.text.contains("border crossing at Border post: open")),
        "the border's opening is logged"
    );
}

/// Issue 14, item 7: a limited border caps the daily crossing: the refugees across it never
/// exceed the cap times the days it has been limited, and the cap is used.
#[test]
fn a_limited_border_caps_the_daily_crossing() {
    let cap = 300.0;
    let record = run(
        theatre(&format!(", border: Limited({cap})"), "", 0.0, HOLD),
        4.0,
    );
    let open = run(theatre(", border: Open", "", 0.0, HOLD), 4.0);
    for day in [1.0, 2.0, 3.0, 4.0] {
        let crossed = at(&record, day, "camp_y").displaced_here;
        assert!(
            crossed <= cap * day + 1e-6,
            "{crossed:.0} crossed in {day} days, more than {cap} a day"
        );
    }
    let limited = at(&record, 4.0, "camp_y").displaced_here;
    let unlimited = at(&open, 4.0, "camp_y").displaced_here;
    assert!(
        unlimited > 4.0 * cap,
        "the test needs more than the cap to come: {unlimited:.0}"
    );
    assert!(
        limited > 0.5 * cap * 4.0,
        "the crossing was not used up to its cap: {limited:.0}"
    );
}

/// Issue 14, item 7: people flee a feared occupier after the fighting ends; with no record of
/// abuse the flight stops once the town is taken.
#[test]
fn people_flee_a_feared_occupier_after_the_fighting() {
    let feared = run(theatre("", "", 0.8, BREAK), 12.0);
    let benign = run(theatre("", "", 0.0, BREAK), 12.0);
    let town = index(&feared, "town");
    let taken = |r: &RunRecord| {
        r.captures
            .iter()
            .find(|c| c.place == town)
            .map(|c| c.hours / 24.0)
            .expect("the rebels take the town")
    };
    let (day_feared, day_benign) = (taken(&feared), taken(&benign));
    assert!(day_feared < 4.0 && day_benign < 4.0);
    let after = |r: &RunRecord, day: f64| {
        // Residents left between two days after the capture and the end of the run, once no
        // one fights at or next to the town.
        let start = at(r, day + 2.0, "town").residents;
        let end = at(r, 12.0, "town").residents;
        (start - end) / start
    };
    let (left_feared, left_benign) = (after(&feared, day_feared), after(&benign, day_benign));
    assert!(
        left_feared > 0.05,
        "only {:.1}% fled the feared occupier",
        100.0 * left_feared
    );
    assert!(
        left_benign < 0.2 * left_feared,
        "flight did not stop with no record of abuse: {:.2}% against {:.2}%",
        100.0 * left_benign,
        100.0 * left_feared
    );
    // They go to the government's places, not into the rebels' hands.
    assert_eq!(at(&feared, 12.0, "rebair").displaced_here, 0.0);
    assert_eq!(at(&feared, 12.0, "rebase").displaced_here, 0.0);
}

/// The flight test theatre with a third faction, `ally` (side "others"), holding the airport
/// beyond `near` instead of the rebels, standing to the rebels in `relation`; people may
/// spread over six destinations, so that the airport is among those they weigh.
fn with_third_faction(relation: &str) -> String {
    theatre(", border: Open", "", 0.0, HOLD)
        .replace(
            " ],\n places: [",
            "  (id: \"ally\", name: \"Rebels' ally\", side: \"others\", kind: Militia, colour: \"#ff7f0e\"),\n ],\n places: [",
        )
        .replace(
            "population: 5000, controller: \"reb\"",
            "population: 5000, controller: \"ally\"",
        )
        .replace(
            " end_conditions: [],",
            &format!(
                " relations: [(a: \"reb\", b: \"ally\", relation: {relation})],\n params: (civilians: (flight_destinations: 8)),\n end_conditions: [],"
            ),
        )
}

/// Issue 14, item 7 with item 4: who people flee and whose places they avoid come from the
/// relations matrix, not from the sides. A faction of another side allied with the rebels is
/// feared like them: nobody flees into its airport. The same faction neutral to the rebels is
/// not: some of the people fleeing go there.
#[test]
fn flight_avoids_the_places_of_the_allies_of_those_fled() {
    let allied = run(with_third_faction("Allied"), 3.0);
    let neutral = run(with_third_faction("Neutral"), 3.0);
    let fled = 100_000.0 - at(&allied, 3.0, "town").residents;
    assert!(fled > 5_000.0, "only {fled:.0} left the town under attack");
    assert_eq!(
        at(&allied, 3.0, "rebair").displaced_here,
        0.0,
        "people fled into the airport of the rebels' ally"
    );
    assert!(
        at(&neutral, 3.0, "rebair").displaced_here > 100.0,
        "nobody went to the airport of a faction neutral to the rebels: {:?}",
        at(&neutral, 3.0, "rebair")
    );
}
