//! Cut-off units give up gradually (issue 13, item 3): a pocket loses its personnel to
//! surrender and desertion over days, not in one tick; a regional intervention force and a
//! peacekeeping unit cut off with it are not captured; personnel stays conserved.

use crate::common::validate_and_run;

/// A pocket held by the government, where a government unit, a regional intervention force
/// (both at morale 0.05, so they break at once) and a peacekeeping unit stand; a strong rebel
/// column attacks it from its base next door. The government side has no other place, so once
/// the rebels take the pocket its units have nowhere to go and no way out.
fn pocket(extra_params: &str) -> String {
    format!(
        r##"Scenario(
 name: "Pocket test", start_date: "2025-01-01", duration_days: 30,
 factions: [
  (id: "gov", name: "Government", side: "government", kind: StateArmy, colour: "#1f5fbf"),
  (id: "reg", name: "Regional force", side: "government", kind: RegionalForce, colour: "#2ca02c"),
  (id: "pk", name: "Peacekeepers", side: "UN", kind: Peacekeeper, colour: "#56b4e9"),
  (id: "reb", name: "Rebels", side: "rebels", kind: Rebel, colour: "#d62728"),
 ],
 places: [
  (id: "pocket", name: "Pocket", kind: Town, lat: -1.0, lon: 30.0, country: "X",
   population: 10000, controller: "gov"),
  (id: "base", name: "Base", kind: Town, lat: -1.1, lon: 30.0, country: "X",
   population: 10000, controller: "reb"),
 ],
 routes: [
  (from: "pocket", to: "base", km: 10, kind: Road),
 ],
 units: [
  (id: "gov_unit", faction: "gov", place: "pocket", personnel: 1000, morale: 0.05,
   supply_days: 30, posture: Defend),
  (id: "reg_unit", faction: "reg", place: "pocket", personnel: 500, morale: 0.05,
   supply_days: 30, posture: Defend),
  (id: "pk_unit", faction: "pk", place: "pocket", personnel: 300, morale: 0.8,
   supply_days: 30, posture: Defend),
  (id: "column", faction: "reb", place: "pocket", personnel: 4000, morale: 0.9,
   supply_days: 30, posture: Attack, objectives: ["pocket"]),
 ],
 supply_sources: [
  (place: "base", factions: ["reb"], tonnes_per_day: 500),
 ],
 end_conditions: [],{extra_params}
)
"##
    )
}

/// One row of `forces.csv`: (day, faction, personnel, killed, wounded, captured, deserted).
type Row = (f64, String, u64, u64, u64, u64, u64);

fn forces(text: &str) -> (Vec<Row>, String) {
    let (dir, _path, _summary) = validate_and_run("pocket.ron", text);
    let csv = std::fs::read_to_string(dir.path().join("out/forces.csv")).expect("forces.csv");
    let rows = csv
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let n = |i: usize| f[i].parse::<u64>().expect("a count");
            (
                f[0].parse().expect("day"),
                f[2].to_owned(),
                n(3),
                n(4),
                n(5),
                n(6),
                n(7),
            )
        })
        .collect();
    let events = std::fs::read_to_string(dir.path().join("out/events.csv")).expect("events.csv");
    (rows, events)
}

fn of<'a>(rows: &'a [Row], faction: &str) -> Vec<&'a Row> {
    rows.iter().filter(|r| r.1 == faction).collect()
}

/// Issue 13: a cut-off unit loses its personnel to capture and desertion over days — no tick
/// takes more than 5% of it once it is cut off, a third or more is still there three days on,
/// and it is all but gone within the month — with both flows used.
#[test]
fn a_cut_off_unit_gives_up_over_days_not_in_one_tick() {
    let (rows, events) = forces(&pocket(""));
    assert!(
        events.contains("gov_unit is cut off at Pocket"),
        "no cut-off event:\n{events}"
    );
    let gov = of(&rows, "gov");
    // Cut off from the first tick on which a capture is recorded.
    let start = gov
        .iter()
        .position(|r| r.5 > 0)
        .expect("someone surrenders");
    let at_cut_off = gov[start - 1].2;
    assert!(at_cut_off > 500, "the pocket holds {at_cut_off}");
    for pair in gov[start - 1..].windows(2) {
        let (before, after) = (pair[0].2, pair[1].2);
        // (The last few dozen leave one or two at a time, whatever the share.)
        assert!(
            before < 100 || (before - after) as f64 <= 0.05 * before as f64,
            "one tick took {} of {before} at day {}",
            before - after,
            pair[1].0
        );
    }
    let day = gov[start].0;
    let three_days_on = gov
        .iter()
        .find(|r| r.0 >= day + 3.0)
        .expect("the run lasts");
    assert!(
        three_days_on.2 * 3 >= at_cut_off,
        "{} of {at_cut_off} left after 3 days",
        three_days_on.2
    );
    assert!(three_days_on.5 > 0 && three_days_on.6 > gov[start - 1].6);
    let end = gov.last().expect("rows");
    assert!(
        end.2 * 20 <= at_cut_off,
        "{} of {at_cut_off} left after a month",
        end.2
    );
    assert_eq!(
        end.3 + end.4,
        gov[start - 1].3 + gov[start - 1].4,
        "no more fighting"
    );
}

/// Issue 13: a regional intervention force cut off with the army it supports is cantoned,
/// not captured: it keeps its personnel; a peacekeeping unit is not captured either.
#[test]
fn regional_forces_and_peacekeepers_cut_off_are_not_captured() {
    let (rows, events) = forces(&pocket(""));
    assert!(
        events.contains("reg_unit is cut off at Pocket and cantoned"),
        "{events}"
    );
    for faction in ["reg", "pk"] {
        let end = *of(&rows, faction).last().expect("rows");
        assert_eq!(end.5, 0, "{faction}: captured");
        assert!(end.2 > 0, "{faction}: personnel kept");
    }
    // Cantoned: the regional force keeps its personnel from the tick it was cut off.
    let reg = of(&rows, "reg");
    let cantoned = reg.iter().find(|r| r.0 >= 0.125).expect("rows");
    assert_eq!(reg.last().expect("rows").2, cantoned.2, "personnel kept");
}

/// Issue 13: personnel stays conserved between the living and the casualties on every tick of
/// a pocket giving up, by faction.
#[test]
fn a_pocket_conserves_personnel() {
    let (rows, _) = forces(&pocket(""));
    for (faction, committed) in [("gov", 1000), ("reg", 500), ("pk", 300), ("reb", 4000)] {
        for r in of(&rows, faction) {
            assert_eq!(r.2 + r.3 + r.4 + r.5 + r.6, committed, "{r:?}");
        }
    }
}

/// Issue 13: the hazards are parameters: with surrender and desertion at 0 a cut-off unit
/// keeps its personnel.
#[test]
fn cut_off_hazards_are_parameters() {
    let (rows, _) = forces(&pocket(
        "\n params: (cut_off: (surrender_per_day: 0, desertion_per_day: 0)),",
    ));
    let gov = of(&rows, "gov");
    assert_eq!(gov.last().expect("rows").5, 0, "nobody captured");
}

/// Issue 13: a cut-off unit with a way out (a neighbouring place the enemy holds but does not
/// stand in, then its own side's ground) breaks out and reaches safety, leaving a share
/// behind as captured; it is not captured whole.
#[test]
fn a_cut_off_unit_with_a_way_out_breaks_out() {
    let text = pocket("").replace(
        " ],\n routes: [\n  (from: \"pocket\", to: \"base\", km: 10, kind: Road),",
        "  (id: \"gap\", name: \"Gap\", kind: Town, lat: -0.9, lon: 30.0, country: \"X\",\n   \
         population: 1000, controller: \"reb\"),\n  (id: \"refuge\", name: \"Refuge\", kind: Town, \
         lat: -0.8, lon: 30.0, country: \"X\",\n   population: 1000, controller: \"gov\"),\n ],\n \
         routes: [\n  (from: \"pocket\", to: \"base\", km: 10, kind: Road),\n  (from: \"pocket\", \
         to: \"gap\", km: 10, kind: Road),\n  (from: \"gap\", to: \"refuge\", km: 10, kind: Road),",
    );
    assert!(text.contains("Refuge"), "the theatre was extended");
    let (rows, events) = forces(&text);
    assert!(
        events.contains("gov_unit breaks out of Pocket toward Refuge"),
        "{events}"
    );
    let end = *of(&rows, "gov").last().expect("rows");
    assert!(end.2 > 500, "most of it got out: {end:?}");
    assert!(end.5 > 0, "some were left behind: {end:?}");
}
