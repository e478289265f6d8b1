//! Intervention on request and diplomacy for movements without a sponsor (issue 14, item 6),
//! each on a small theatre built from minimal.ron: a state enters on its ally's request after
//! its lag, and pressure about an unsponsored rebel movement falls on the states the scenario
//! names.

use strife::run::RunRecord;
use strife::scenario::load::LoadedScenario;
use strife::sim::resources::EventKind;

use crate::common::{checked, repo};
use crate::politics::run;

/// minimal.ron with an allied army (`Allia`) whose battalion (600) is held back at River City,
/// the government as the state `Freedonia`, the given `states` and `events`, and no end
/// condition (the run lasts its 30 days, cut to 12 here).
fn theatre(states: &str, events: &str) -> LoadedScenario {
    let text = std::fs::read_to_string(repo("scenarios/minimal.ron")).expect("minimal.ron");
    let text = text
        .replace(
            "        (id: \"reb\", name: \"Rebels\"",
            "        (id: \"ally\", name: \"Allied army\", side: \"government\", kind: StateArmy, \
             colour: \"#2ca02c\", sponsor: \"Allia\"),\n        (id: \"reb\", name: \"Rebels\"",
        )
        .replace(
            "    units: [",
            "    units: [\n        (id: \"ally_bn\", name: \"Allied battalion\", faction: \"ally\", \
             contingent: \"Allia\", place: \"city\", personnel: 600, morale: 0.8, \
             posture: Defend, held: true),",
        )
        .replace("duration_days: 30", "duration_days: 12");
    let end = text.find("    end_conditions").expect("end conditions");
    checked(format!(
        "{}    states: [{states}],\n    events: [{events}],\n)\n",
        &text[..end]
    ))
}

/// Hours of the first logged event whose text starts with `prefix`.
fn first(record: &RunRecord, prefix: &str) -> Option<f64> {
    record
        .events
        .iter()
        .find(|e| e.text.starts_with(prefix))
        .map(|e| e.hours)
}

/// Hours at which the allied battalion arrives in the theatre, if it does.
fn arrival(record: &RunRecord) -> Option<f64> {
    record
        .events
        .iter()
        .find(|e| e.kind == EventKind::Reinforcement && e.text.starts_with("Allied battalion"))
        .map(|e| e.hours)
}

/// Issue 14, item 6: a state intervenes on an ally's request when its conditions hold, after
/// its lag (2 days), not before. The government asks once Ferry Town falls (a rule); the ally
/// decides at once (`when: Always`) and its held battalion enters two days later. Without a
/// request it never comes; asked by an event on day 1, it enters on day 3; with a condition
/// that holds only later (fighting at River City), it decides then, not at the request.
#[test]
fn a_state_intervenes_on_request_after_its_lag_not_before() {
    let ally = |when: &str| {
        format!(
            r#"(id: "Allia", intervention: (on_request_of: "Freedonia", when: {when},
                 lag_days: 2, units: ["ally_bn"]))"#
        )
    };
    let by_rule = run(&theatre(
        &format!(
            r#"(id: "Freedonia", forces: ["gov"],
                request_help_when: Captured(place: "ferry", by: "reb")), {}"#,
            ally("Always")
        ),
        "",
    ));
    let fell = by_rule
        .captures
        .iter()
        .find(|c| by_rule.theatre.places[c.place].id == "ferry")
        .expect("the rebels take Ferry Town")
        .hours;
    let asked = first(&by_rule, "Freedonia asks its allies for help").expect("a request");
    assert!(
        (asked - fell).abs() <= 1.0,
        "asked at {asked} h, fell at {fell} h"
    );
    let decided = first(&by_rule, "Allia decides to intervene").expect("a decision");
    assert!((decided - asked).abs() <= 1e-9);
    let entered = first(&by_rule, "Allia intervenes").expect("an intervention");
    assert!(
        (entered - (decided + 48.0)).abs() <= 1.0 + 1e-9,
        "decided at {decided} h, entered at {entered} h: the lag is 2 days"
    );
    let came = arrival(&by_rule).expect("the battalion arrives");
    assert!(
        came >= decided + 48.0 - 1e-9,
        "not before its lag: {came} h"
    );

    // No request: the battalion stays held back.
    let unasked = run(&theatre(
        &format!(r#"(id: "Freedonia", forces: ["gov"]), {}"#, ally("Always")),
        "",
    ));
    assert_eq!(first(&unasked, "Allia decides to intervene"), None);
    assert_eq!(arrival(&unasked), None);

    // Asked by an event on day 1: it enters on day 3.
    let by_event = run(&theatre(
        &format!(r#"(id: "Freedonia", forces: ["gov"]), {}"#, ally("Always")),
        r#"(id: "plea", text: "Freedonia asks Allia for help", when: Day(1),
            actions: [RequestHelp("Freedonia")])"#,
    ));
    let entered = first(&by_event, "Allia intervenes").expect("an intervention");
    assert!(
        (entered - 72.0).abs() <= 1.0 + 1e-9,
        "entered at {entered} h"
    );

    // Its own condition gates the decision: it waits for fighting at River City.
    let gated = run(&theatre(
        &format!(
            r#"(id: "Freedonia", forces: ["gov"]), {}"#,
            ally(r#"Fighting("city")"#)
        ),
        r#"(id: "plea", text: "Freedonia asks Allia for help", when: Day(0.5),
            actions: [RequestHelp("Freedonia")])"#,
    ));
    let fighting = gated
        .events
        .iter()
        .find(|e| e.kind == EventKind::Fighting && e.text.contains("River City"))
        .map(|e| e.hours);
    let decided = first(&gated, "Allia decides to intervene");
    match (fighting, decided) {
        (Some(f), Some(d)) => assert!(d >= f - 1.0 && d > 12.0, "decided at {d} h, fighting {f} h"),
        (None, None) => {}
        other => panic!("the decision follows the fighting: {other:?}"),
    }
}

/// Issue 14, item 6: diplomacy runs for a movement without a sponsor. The rebels have no
/// sponsor; with `pressure_on: ["Freedonia"]` (the territory's government, as the scenario
/// says) their captures feed the attention of an actor targeting Freedonia, whose statement
/// then puts pressure on it. Without the field, nothing reaches the actor.
#[test]
fn pressure_about_an_unsponsored_movement_falls_where_the_scenario_says() {
    let with = |pressure_on: &str| {
        let text = std::fs::read_to_string(repo("scenarios/minimal.ron")).expect("minimal.ron");
        let text = text.replace(
            "kind: Rebel, colour: \"#d62728\")",
            &format!("kind: Rebel, colour: \"#d62728\", pressure_on: [{pressure_on}])"),
        );
        let end = text.rfind(')').expect("closing parenthesis");
        run(&checked(format!(
            r#"{}
    actors: [(id: "UN", name: "United Nations", target: "Freedonia", decay_per_day: 0,
              weights: (peacekeepers_killed: 0, city_captured: 10, civilian_deaths: 0,
                        displaced: 0, covert_exposure: 0, ceasefire_broken: 0, rupture: 0,
                        cross_border_fire: 0, occupation: 0, displaced_present: 0,
                        foreign_army: 0, peacekeepers_under_fire: 0, contingent_exit: 0),
              ladder: [(instrument: Statement, attention: 0.1, pressure: 1,
                        deliberation_days: 0)])],
    states: [(id: "Freedonia", forces: ["gov"])],
)
"#,
            &text[..end]
        )))
    };
    let pressed = with("\"Freedonia\"");
    assert!(
        !pressed.captures.is_empty(),
        "the rebels take something in minimal.ron"
    );
    let last = pressed.samples.last().expect("samples");
    assert!(last.attention[0] > 0.1, "attention {}", last.attention[0]);
    assert!(
        !pressed.political.instruments_used.is_empty(),
        "the actor makes its statement"
    );
    let unpressed = with("");
    let last = unpressed.samples.last().expect("samples");
    assert_eq!(last.attention[0], 0.0);
    assert!(unpressed.political.instruments_used.is_empty());
}
