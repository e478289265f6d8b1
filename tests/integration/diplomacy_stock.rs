//! Diplomacy as a stock (issue 13, items 4 and 6): attention fed by lasting conditions,
//! instruments decided after deliberation, binding instruments that stay in force until the
//! target complies, and negotiated withdrawals, each on minimal.ron alone.

use strife::run::{RunOptions, RunRecord, run_loaded};
use strife::scenario::load::LoadedScenario;

use crate::politics::{run, texts};

/// minimal.ron with `extra`, the rebels sponsored by the state "Patronia" (which `extra` must
/// declare) and no end condition (the run lasts its 30 days).
fn minimal_with(extra: &str) -> LoadedScenario {
    let mut loaded = crate::politics::minimal_with(extra);
    loaded.scenario.factions[1].sponsor = Some("Patronia".into());
    loaded.scenario.end_conditions.clear();
    loaded
}

/// Trigger weights, every one at zero but `name`.
fn only(name: &str, value: f64) -> String {
    [
        "peacekeepers_killed",
        "city_captured",
        "civilian_deaths",
        "displaced",
        "covert_exposure",
        "ceasefire_broken",
        "rupture",
        "cross_border_fire",
        "occupation",
        "displaced_present",
        "foreign_army",
        "peacekeepers_under_fire",
    ]
    .map(|w| format!("{w}: {}", if w == name { value } else { 0.0 }))
    .join(", ")
}

/// Issue 13: attention under a lasting occupation does not decay to zero. With only the
/// occupation feeding it, an actor's attention settles at `occupied millions × weight /
/// decay`; fed only by the capture itself, it decays to nothing.
#[test]
fn attention_under_a_lasting_occupation_does_not_decay_to_zero() {
    let actor = |weights: String| {
        format!(
            r#"
    actors: [(id: "UN", name: "United Nations", target: "Patronia", decay_per_day: 0.5,
              weights: ({weights}))],
    states: [(id: "Patronia", proxies: ["reb"])],"#
        )
    };
    let occupied = run(&minimal_with(&actor(only("occupation", 1.0))));
    let last = occupied.samples.last().expect("samples");
    let theatre = &occupied.theatre;
    // Places the rebels hold at the end that the government held at the start.
    let held: f64 = (0..theatre.places.len())
        .filter(|&p| last.control[p] == 1 && occupied.samples[0].control[p] == 0)
        .map(|p| theatre.places[p].population / 1e6)
        .sum();
    assert!(held > 0.0, "the rebels take and hold a town");
    let expected = held / 0.5;
    assert!(
        (last.attention[0] - expected).abs() < 0.1 * expected,
        "attention {} settles at {expected}",
        last.attention[0]
    );

    let once = run(&minimal_with(&actor(only("city_captured", 1.0))));
    let peak = once
        .samples
        .iter()
        .map(|s| s.attention[0])
        .fold(0.0, f64::max);
    let end = once.samples.last().expect("samples").attention[0];
    assert!(peak > 0.01, "the capture is noticed");
    assert!(
        end < 1e-3 * peak.max(1.0),
        "without the flow it decays: {end}"
    );
}

/// Issue 13: an instrument needs its deliberation time. Attention rises steadily (an
/// occupation, no decay); the statement is adopted only once attention has stayed above its
/// threshold for its deliberation time plus the actor's institutional lag.
#[test]
fn an_instrument_needs_its_deliberation_time() {
    let weights = only("occupation", 10.0);
    let with = |deliberation: f64, lag: f64| {
        run(&minimal_with(&format!(
            r#"
    actors: [(id: "UN", name: "United Nations", target: "Patronia", decay_per_day: 0,
              lag_days: {lag}, weights: ({weights}),
              ladder: [(instrument: Statement, attention: 0.5, pressure: 1,
                        deliberation_days: {deliberation})])],
    states: [(id: "Patronia", proxies: ["reb"])],"#
        )))
    };
    let adopted = |r: &RunRecord| {
        r.political
            .instruments_used
            .first()
            .map(|&(hours, ..)| hours)
            .expect("the statement is made")
    };
    let crossed = |r: &RunRecord| {
        r.samples
            .iter()
            .find(|s| s.attention[0] >= 0.5)
            .map(|s| s.hours)
            .expect("attention crosses the threshold")
    };
    let at_once = run_and_check(with(0.0, 0.0), 0.0, crossed, adopted);
    let deliberated = run_and_check(with(2.0, 1.5), 3.5 * 24.0, crossed, adopted);
    assert!(deliberated > at_once + 3.5 * 24.0 - 1.5);

    fn run_and_check(
        record: RunRecord,
        wait_hours: f64,
        crossed: impl Fn(&RunRecord) -> f64,
        adopted: impl Fn(&RunRecord) -> f64,
    ) -> f64 {
        let (c, a) = (crossed(&record), adopted(&record));
        assert!(
            (a - (c + wait_hours)).abs() <= 1.0 + 1e-9,
            "crossed at {c} h, adopted at {a} h, expected a wait of {wait_hours} h"
        );
        a
    }
}

/// Issue 13: a binding instrument stays in force. A one-off burst of attention that decays
/// brings sanctions after their deliberation; talk weighs only as much as the attention behind
/// it, but the sanctions' pressure lasts while the target's proxy holds what it took. A target
/// that complies has them lifted after `lift_after_days`.
#[test]
fn a_binding_instrument_stays_in_force() {
    let weights = only("occupation", 0.0);
    let scenario = |target: &str| {
        format!(
            r#"
    actors: [(id: "UN", name: "United Nations", target: "{target}", decay_per_day: 0.5,
              weights: ({weights}),
              ladder: [(instrument: Statement, attention: 1, pressure: 1),
                       (instrument: Sanctions, attention: 2, pressure: 5, deliberation_days: 1)])],
    states: [(id: "Patronia", proxies: ["reb"]), (id: "Neutralia")],
    params: (diplomacy: (lift_after_days: 5)),
    events: [(id: "outcry", text: "Outcry", when: Day(0.5),
              actions: [Attention(actor: "UN", amount: 100)])],"#
        )
    };
    let record = run(&minimal_with(&scenario("Patronia")));
    let log = texts(&record);
    assert!(
        log.iter()
            .any(|t| t.starts_with("United Nations: sanctions")),
        "{log:#?}"
    );
    let last = record.samples.last().expect("samples");
    assert!(last.attention[0] < 0.01, "attention has decayed");
    assert!(
        (last.pressure_from[0] - 5.0).abs() < 0.05,
        "the sanctions weigh in full, talk hardly: {}",
        last.pressure_from[0]
    );
    assert!(!log.iter().any(|t| t.contains("lifts")), "{log:#?}");

    // A target with no forces or proxies in the theatre complies from the start: the
    // sanctions are lifted five days after that, once adopted.
    let complying = run(&minimal_with(&scenario("Neutralia")));
    let lifted = complying
        .political
        .instruments_lifted
        .first()
        .expect("sanctions lifted");
    assert!((lifted.0 - 5.0 * 24.0).abs() <= 1.0, "{lifted:?}");
    let last = complying.samples.last().expect("samples");
    assert!(last.pressure_from[0] < 0.05, "{}", last.pressure_from[0]);
}

/// Issue 13: a negotiated withdrawal returns a place. A mediator's agreement names Ferry Town
/// and River City, to go back to the government within three days; a party that complies hands
/// them over and may not take them again; one that defects keeps them and the ceasefire breaks.
#[test]
fn a_negotiated_withdrawal_returns_a_place() {
    let scenario = |compliance: f64| {
        minimal_with(&format!(
            r#"
    actors: [(id: "Mediator", name: "Mediator", target: "Patronia",
              mediation: (offer_attention: 1000, ceasefire_days: 20,
                          terms: (withdraw_from: ["ferry", "city"], deadline_days: 3,
                                  return_to: "gov")))],
    states: [(id: "Patronia", proxies: ["reb"])],
    params: (diplomacy: (ceasefire_base_acceptance: 1, ceasefire_momentum_weight: 0,
                         ceasefire_break_per_day: 0, compliance_base: {compliance},
                         compliance_balance_weight: 0)),
    events: [(id: "talks", text: "Talks open", when: Captured(place: "city", by: "reb"),
              actions: [MediationOffer("Mediator")])],"#
        ))
    };
    let record = run(&scenario(1.0));
    let log = texts(&record);
    assert!(
        log.iter()
            .any(|t| t
                .starts_with("Rebels hands River City over to Government army under the terms")),
        "{log:#?}"
    );
    let taken = record
        .captures
        .iter()
        .find(|c| c.place == 2 && c.by == 1)
        .expect("the rebels take River City")
        .hours;
    let returned = record
        .captures
        .iter()
        .find(|c| c.place == 2 && c.by == 0)
        .expect("River City is returned")
        .hours;
    assert!(
        returned >= taken + 3.0 * 24.0 - 1.0 && returned <= taken + 3.0 * 24.0 + 2.0,
        "returned at the deadline: taken {taken} h, returned {returned} h"
    );
    let last = record.samples.last().expect("samples");
    assert_eq!(
        last.control[2], 0,
        "the government holds River City at the end"
    );
    assert_eq!(last.control[1], 0, "and Ferry Town");
    assert!(record.ceasefires.iter().all(|c| !c.broken));

    let defecting = run(&scenario(0.0));
    let log = texts(&defecting);
    assert!(
        log.iter()
            .any(|t| t.starts_with("rebels defects from the terms")),
        "{log:#?}"
    );
    assert!(defecting.ceasefires.iter().any(|c| c.broken));
    assert_eq!(defecting.samples.last().expect("samples").control[2], 1);
}

/// Issue 13: what becomes of binding instruments, agreements and Rwanda's stance in the Goma
/// scenario and its early-sanctions what-if over `runs` runs of 60 days (master seed 2025, run
/// `k` seeded as in an ensemble), as the table of docs/CALIBRATION.md ("Forecast past the
/// calibration window") that `docs_tables` keeps up to date.
pub(crate) fn diplomacy_table(runs: u64) -> Vec<String> {
    let base = forecast("scenarios/goma_2025.ron", runs);
    let early = forecast("scenarios/whatif/early_sanctions.ron", runs);
    let mut labels: Vec<&String> = base.iter().map(|(l, _)| l).collect();
    for (l, _) in &early {
        if !labels.contains(&l) {
            labels.push(l);
        }
    }
    let cell = |rows: &[(String, String)], label: &str| {
        rows.iter()
            .find(|(l, _)| l == label)
            .map_or("never".to_owned(), |(_, v)| v.clone())
    };
    let mut out = vec![
        format!(
            "| {runs} runs of 60 days | `goma_2025` | `early_sanctions` (aid suspended by the US, the EU and the UK on day 10) |"
        ),
        "|---|---|---|".to_owned(),
    ];
    for label in labels {
        out.push(format!(
            "| {label} | {} | {} |",
            cell(&base, label),
            cell(&early, label)
        ));
    }
    out
}

/// The rows of [`diplomacy_table`] for one scenario file: (label, value).
fn forecast(file: &str, runs: u64) -> Vec<(String, String)> {
    use strife::run::ensemble::run_seed;

    let loaded = crate::common::load(file);
    let mut adopted: Vec<(String, Vec<f64>, usize)> = Vec::new();
    let (mut accepted, mut handovers, mut defections) = (0, 0, 0);
    let (mut drew_down, mut stance_at_end): (usize, Vec<String>) = (0, Vec::new());
    let mut pressure = [Vec::new(), Vec::new(), Vec::new()];
    for k in 0..runs {
        let record = run_loaded(
            &loaded,
            RunOptions {
                seed: run_seed(2025, k),
                days: Some(60.0),
            },
        )
        .expect("runs");
        let politics = &record.politics;
        for (a, actor) in politics.actors.iter().enumerate() {
            for (i, step) in actor.ladder.iter().enumerate() {
                if !step.instrument.binding() {
                    continue;
                }
                let Some(&(hours, ..)) = record
                    .political
                    .instruments_used
                    .iter()
                    .find(|(_, x, s)| *x == a && *s == i)
                else {
                    continue;
                };
                let name = format!("{} {}", actor.id, step.instrument.words());
                let row = match adopted.iter().position(|r| r.0 == name) {
                    Some(r) => r,
                    None => {
                        adopted.push((name, Vec::new(), 0));
                        adopted.len() - 1
                    }
                };
                adopted[row].1.push(hours / 24.0);
                let lifted = record
                    .political
                    .instruments_lifted
                    .iter()
                    .any(|(_, x, s)| *x == a && *s == i);
                adopted[row].2 += usize::from(!lifted);
            }
        }
        accepted += usize::from(record.ceasefires.iter().any(|c| c.accepted));
        handovers += usize::from(record.events.iter().any(|e| e.text.contains(" hands ")));
        defections += usize::from(record.events.iter().any(|e| e.text.contains("defects")));
        let last = record.samples.last().expect("samples");
        let rwanda = record
            .politics
            .states
            .iter()
            .position(|s| s.name == "Rwanda")
            .expect("Rwanda is a state of the scenario");
        drew_down += usize::from(record.samples.iter().any(|s| {
            s.stance.get(rwanda).is_some_and(|st| {
                !matches!(
                    st,
                    strife::scenario::Stance::Hold | strife::scenario::Stance::Reinforce
                )
            })
        }));
        stance_at_end.push(last.stance.get(rwanda).map_or("", |s| s.word()).to_owned());
        for (j, day) in [10.0, 30.0, 59.0].into_iter().enumerate() {
            let s = record
                .samples
                .iter()
                .find(|s| s.hours >= day * 24.0)
                .unwrap_or(last);
            pressure[j].push(s.pressure_on.get(rwanda).copied().unwrap_or(0.0));
        }
    }
    let mut rows = Vec::new();
    adopted.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, mut days, in_force) in adopted {
        days.sort_by(f64::total_cmp);
        rows.push((
            format!("{name}: runs adopting it (median day); in force at day 60"),
            format!(
                "{} (day {:.1}); {in_force}",
                days.len(),
                days[(days.len() - 1) / 2]
            ),
        ));
    }
    for (j, day) in [10, 30, 59].into_iter().enumerate() {
        pressure[j].sort_by(f64::total_cmp);
        let q = |p: f64| pressure[j][((runs as f64 - 1.0) * p).round() as usize];
        rows.push((
            format!("pressure on Rwanda, day {day}: median (90%)"),
            format!("{:.1} ({:.1}–{:.1})", q(0.5), q(0.05), q(0.95)),
        ));
    }
    rows.push((
        "runs in which Rwanda draws down or withdraws at some point".to_owned(),
        drew_down.to_string(),
    ));
    stance_at_end.sort();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for word in stance_at_end {
        match counts.iter_mut().find(|(w, _)| *w == word) {
            Some((_, n)) => *n += 1,
            None => counts.push((word, 1)),
        }
    }
    rows.push((
        "Rwanda's stance at day 60 (runs)".to_owned(),
        counts
            .iter()
            .map(|(w, n)| format!("{w} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    ));
    rows.push((
        "runs with a ceasefire accepted; a place handed back under its terms; a party defecting"
            .to_owned(),
        format!("{accepted}; {handovers}; {defections}"),
    ));
    rows
}

/// Issue 13: a ceasefire's acceptance reads the sponsor's eroded resolve, not the scenario's.
/// A quiet theatre: light sanctions (pressure 0.1 against a resolve of 4, a ratio of 0.025)
/// from day 0.5, a mediator's offer on day 12, no momentum, acceptance `0 + 0.5 × ratio`.
/// With a constant resolve the sponsor's side accepts with probability 0.0125 and refuses
/// (seed 7); with resolve eroding fast (5 a day per unit of ratio, about 0.5 a day here) its
/// resolve is gone by day 9 and it accepts.
#[test]
fn ceasefire_acceptance_reads_the_eroded_resolve() {
    let with = |erosion: f64| {
        run(&crate::common::checked(format!(
            r##"Scenario(
 name: "Eroded resolve", start_date: "2025-01-01", duration_days: 13,
 factions: [
  (id: "army", name: "Patronian army", side: "patron", kind: StateArmy, colour: "#ff7f0e",
   sponsor: "Patronia"),
  (id: "gov", name: "Government", side: "government", kind: StateArmy, colour: "#1f5fbf"),
 ],
 places: [
  (id: "garrison", name: "Garrison", kind: Town, lat: -1.0, lon: 30.0, country: "X",
   population: 10000, controller: "army"),
  (id: "capital", name: "Capital", kind: City, lat: -2.0, lon: 30.0, country: "X",
   population: 100000, controller: "gov"),
 ],
 routes: [(from: "garrison", to: "capital", km: 100, kind: Road)],
 units: [
  (id: "a", faction: "army", place: "garrison", personnel: 1000, posture: Defend),
  (id: "g", faction: "gov", place: "capital", personnel: 500, posture: Defend),
 ],
 supply_sources: [
  (place: "garrison", factions: ["army"], tonnes_per_day: 500),
  (place: "capital", factions: ["gov"], tonnes_per_day: 500),
 ],
 actors: [
  (id: "UN", name: "United Nations", target: "Patronia",
   ladder: [(instrument: Sanctions, attention: 1000, pressure: 0.1)]),
  (id: "Med", name: "Mediator", target: "Patronia", mediation: (offer_attention: 1000)),
 ],
 states: [(id: "Patronia", resolve: 4, forces: ["army"],
           policy: (draw_down_lag_days: 30, withdraw_lag_days: 30,
                    resolve_erosion_per_day: {erosion}))],
 events: [
  (id: "sanctions", text: "Sanctions", when: Day(0.5),
   actions: [Instrument(actor: "UN", instrument: Sanctions)]),
  (id: "offer", text: "Offer", when: Day(12), actions: [MediationOffer("Med")]),
 ],
 params: (diplomacy: (ceasefire_base_acceptance: 0, ceasefire_pressure_weight: 0.5,
                      ceasefire_momentum_weight: 0)),
)
"##
        )))
    };
    let refused_by_patron = |r: &RunRecord| {
        texts(r)
            .iter()
            .find(|t| t.starts_with("Mediator offers a ceasefire"))
            .map(|t| t.contains("patron"))
            .expect("the offer is logged")
    };
    assert!(refused_by_patron(&with(0.0)), "constant resolve: refused");
    assert!(!refused_by_patron(&with(5.0)), "eroded resolve: accepted");
}
