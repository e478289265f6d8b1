//! The model's mechanics and invariants on the shipped scenarios.

use bevy_ecs::schedule::LogLevel;
use bevy_ecs::world::World;
use strife::scenario::Scenario;
use strife::sim::components::{Casualties, Condition, Morale, Population, Strength, Supply, Unit};
use strife::sim::resources::{ControlMap, RunStatus};
use strife::sim::{build_schedule, build_world};

use crate::common::{load, run};

#[test]
fn schedule_has_no_ambiguous_system_order() {
    let scenario = load("scenarios/goma_2025.ron").central().expect("central");
    let mut world = build_world(&scenario, 1, 2.0).expect("world");
    let mut schedule = build_schedule(LogLevel::Error);
    schedule
        .initialize(&mut world)
        .expect("two systems touching the same data have no order between them");
    schedule.run(&mut world);
}

/// Check the invariants of every unit in the world against the scenario.
pub fn check_invariants(scenario: &Scenario, world: &mut World) {
    let mut query = world.query::<(&Unit, &Strength, &Casualties, &Morale, &Supply, &Condition)>();
    for (unit, strength, casualties, morale, supply, condition) in query.iter(world) {
        let id = &scenario.units[unit.index].id;
        // Issue 13: only a regional intervention force, or the contingent of a state whose
        // contingents shelter or are disarmed, is cantoned, and a cut-off or cantoned unit does
        // not fight.
        let sheltering = scenario.units[unit.index]
            .contingent
            .as_ref()
            .is_some_and(|c| {
                scenario.states.iter().any(|s| {
                    &s.id == c
                        && matches!(
                            s.exit,
                            strife::scenario::Exit::Shelter | strife::scenario::Exit::Disarm
                        )
                })
            });
        if condition.cantoned && !sheltering {
            let faction = &scenario.units[unit.index].faction;
            let kind = scenario
                .factions
                .iter()
                .find(|f| &f.id == faction)
                .map(|f| f.kind);
            assert_eq!(
                kind,
                Some(strife::scenario::FactionKind::RegionalForce),
                "unit {id}"
            );
        }
        // A state decides after the tick's combat: a contingent told to shelter this tick may
        // have fought earlier in it (combat leaves out every cantoned unit from the next tick).
        assert!(
            !(condition.out_of_the_fight() && condition.engaged && !sheltering),
            "unit {id} fought while cut off or cantoned"
        );
        // Issue 14: recruits join the books as well as the ranks.
        let committed = scenario.units[unit.index].personnel.round() as u32 + casualties.recruited;
        assert_eq!(
            strength.personnel + casualties.total(),
            committed,
            "unit {id}: personnel {} + casualties {:?} != committed {committed}",
            strength.personnel,
            casualties
        );
        // Issue 14: dissolution conserves personnel (above); paper strength is never below
        // the strength present at the start.
        assert!(
            strength.paper >= committed,
            "unit {id}: paper strength {} below its personnel {committed}",
            strength.paper
        );
        assert!(
            (0.0..=1.0).contains(&morale.value),
            "unit {id}: morale {}",
            morale.value
        );
        assert!(
            supply.days.is_finite() && supply.days >= 0.0,
            "unit {id}: supply {}",
            supply.days
        );
    }
    let control = world.resource::<ControlMap>();
    for &f in &control.controller {
        assert!(
            f < scenario.factions.len(),
            "control by unknown faction index {f}"
        );
    }
    let total: f64 = scenario.places.iter().map(|p| p.population).sum();
    let mut places = world.query::<&Population>();
    let mut sum = 0.0;
    for p in places.iter(world) {
        assert!(
            p.residents >= -1e-6 && p.displaced_here >= -1e-6,
            "negative people: {p:?}"
        );
        assert!(
            p.dead >= 0.0 && p.food_days >= 0.0 && p.food_days.is_finite(),
            "{p:?}"
        );
        // Issue 13: the wounded and the dead of hardship are on the books too.
        assert!(
            p.wounded >= 0.0 && p.killed >= 0.0 && p.killed <= p.dead + 1e-9,
            "{p:?}"
        );
        // Issue 14, item 7: refugees are the displaced who crossed a border, a part of them.
        assert!(
            p.refugees_here >= -1e-6 && p.refugees_here <= p.displaced_here + 1e-6,
            "refugees outside the displaced: {p:?}"
        );
        // Issue 14: residents who joined a faction as recruits are still on the books.
        sum += p.present() + p.wounded + p.dead + p.recruited;
    }
    assert!(
        (sum - total).abs() <= 1e-6 * total.max(1.0),
        "population {sum} != {total}"
    );
    let status = world.resource::<strife::sim::politics::PoliticalStatus>();
    for x in status.attention.iter().chain(&status.pressure_on) {
        assert!(x.is_finite() && *x >= 0.0, "attention or pressure {x}");
    }
}

#[test]
fn personnel_is_conserved_and_states_stay_in_range_every_tick() {
    let scenario = load("scenarios/goma_2025.ron").central().expect("central");
    let mut world = build_world(&scenario, 3, 20.0).expect("world");
    let mut schedule = build_schedule(LogLevel::Ignore);
    while world.resource::<RunStatus>().ended.is_none() {
        schedule.run(&mut world);
        check_invariants(&scenario, &mut world);
    }
}

#[test]
fn casualty_table_balances_committed_against_remaining_and_losses() {
    let record = run("scenarios/goma_2025.ron", 9, None);
    for row in &record.casualties {
        assert_eq!(
            row.personnel_committed,
            row.personnel_end + row.killed + row.wounded + row.captured + row.deserted,
            "{row:?}"
        );
    }
    for sample in &record.samples {
        for f in &sample.factions {
            assert!((0.0..=1.0).contains(&f.supplied_share));
            assert!(f.supply_days.is_finite() && f.supply_days >= 0.0);
        }
    }
}

#[test]
fn days_limit_is_respected() {
    let record = run("scenarios/goma_2025.ron", 1, Some(3.0));
    assert_eq!(record.ticks, 72, "3 days of 1-hour ticks");
    assert_eq!(
        record.samples.len(),
        73,
        "a sample at hour 0 and after each tick"
    );
}

/// Hours of the first logged event whose text starts with `prefix`.
fn logged_at(record: &strife::run::RunRecord, prefix: &str) -> f64 {
    record
        .events
        .iter()
        .find(|e| e.text.starts_with(prefix))
        .unwrap_or_else(|| panic!("no event `{prefix}`"))
        .hours
}

#[test]
fn reinforcements_arrive_on_their_day_whether_dated_or_released() {
    // Events are stamped at the end of the tick in which they happen: day 3 is the tick that
    // starts at hour 72 and ends at hour 73.
    let minimal = run("scenarios/minimal.ron", 7, None);
    assert_eq!(logged_at(&minimal, "Relief battalion"), 3.0 * 24.0 + 1.0);
    // Goma: the RDF reinforcements are held until an event on day 6 releases them.
    let goma = run("scenarios/goma_2025.ron", 1, Some(8.0));
    assert_eq!(
        logged_at(&goma, "UN sources: 500–1,000 more RDF"),
        6.0 * 24.0 + 1.0
    );
    assert_eq!(logged_at(&goma, "RDF reinforcements"), 6.0 * 24.0 + 1.0);
}

#[test]
fn a_side_broken_end_condition_stops_the_run() {
    let mut scenario = load("scenarios/minimal.ron").central().expect("central");
    scenario.end_conditions = vec![strife::scenario::EndCondition::SideBroken {
        side: "government".into(),
    }];
    // A weak government: it breaks long before the day limit.
    for unit in scenario.units.iter_mut().filter(|u| u.faction == "gov") {
        unit.morale = 0.25;
        unit.arrival_day = None;
    }
    let record = strife::run::run_one(
        &scenario,
        strife::run::RunOptions {
            seed: 1,
            days: None,
        },
    )
    .expect("runs");
    let summary = strife::output::summary::run_summary(&record);
    assert_eq!(summary.end.kind, "side_broken", "{}", summary.end.text);
}

#[test]
fn extreme_but_valid_scenarios_give_no_nan_or_infinity() {
    use strife::output::tables;
    let base = load("scenarios/minimal.ron").central().expect("central");
    let mut variants = Vec::new();
    // One person in every unit.
    let mut tiny = base.clone();
    tiny.units.iter_mut().for_each(|u| u.personnel = 1.0);
    variants.push(("one person", tiny, None));
    // Ten million in the column, and a city of a hundred million.
    let mut huge = base.clone();
    huge.units[0].personnel = 10_000_000.0;
    huge.places[2].population = 100_000_000.0;
    variants.push(("ten million", huge, None));
    // A place with no routes, held and defended.
    let mut island = base.clone();
    let mut place = island.places[1].clone();
    place.id = "island".into();
    island.places.push(place);
    let mut unit = island.units[1].clone();
    unit.id = "islanders".into();
    unit.place = "island".into();
    island.units.push(unit);
    variants.push(("no routes", island, None));
    // A year of hourly ticks, with nobody attacking.
    let mut year = base.clone();
    year.duration_days = 365.0;
    year.end_conditions.clear();
    year.units[0].posture = strife::scenario::Posture::Defend;
    variants.push(("a year", year, Some(365.0)));
    for (what, scenario, days) in variants {
        let record = strife::run::run_one(&scenario, strife::run::RunOptions { seed: 1, days })
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        for table in [
            tables::forces_csv(&record),
            tables::control_csv(&record),
            tables::supply_csv(&record),
            tables::civilians_csv(&record),
            tables::escalation_csv(&record),
            tables::casualties_csv(&record),
        ] {
            let text = String::from_utf8(table.expect("table")).expect("utf-8");
            let bad = text.split([',', '\n']).any(|cell| {
                cell.parse::<f64>().is_ok_and(|x| !x.is_finite())
                    || cell.eq_ignore_ascii_case("nan")
            });
            assert!(!bad, "{what}: a table holds NaN or infinity");
        }
    }
}
