//! Property tests: random valid scenarios keep the model's invariants.

use bevy_ecs::schedule::LogLevel;
use proptest::prelude::*;
use strife::scenario::*;
use strife::sim::resources::RunStatus;
use strife::sim::{build_schedule, build_world};

use crate::model::check_invariants;

/// A random valid scenario: a chain of places with extra links, two or three sides.
fn scenario() -> impl Strategy<Value = Scenario> {
    (
        2usize..8,
        2usize..5,
        prop::collection::vec(
            (
                0usize..8,
                1.0f64..5000.0,
                0.1f64..3.0,
                0.0f64..=1.0,
                0usize..4,
                0usize..8,
                0.0f64..20.0,
            ),
            1..12,
        ),
        prop::collection::vec((0usize..8, 0usize..8, 0.5f64..80.0), 0..6),
        0.25f64..6.0,
        any::<u64>(),
    )
        .prop_map(|(n_places, n_factions, units, links, tick_hours, seed)| {
            let factions: Vec<Faction> = (0..n_factions)
                .map(|i| Faction {
                    id: format!("f{i}"),
                    name: format!("Faction {i}"),
                    side: format!("side{i}"),
                    // Issue 13: a regional intervention force, cantoned when cut off.
                    kind: match i {
                        2 => FactionKind::Peacekeeper,
                        3 => FactionKind::RegionalForce,
                        _ => FactionKind::Rebel,
                    },
                    colour: "#336699".into(),
                    sponsor: (i == 1).then(|| "S".to_owned()),
                    claims_territory: true,
                    // Issue 13: the human cost; faction 0 fires artillery, faction 1 drones.
                    fire: FireMix {
                        artillery: if i == 0 { 0.4 } else { 0.0 },
                        drones: if i == 1 { 0.3 } else { 0.0 },
                    },
                    campaign: Vec::new(),
                    // Issue 14: faction 0's units report to its first unit (when it has
                    // one); faction 1's units dissolve on breaking half the time, faction 0's
                    // lose a third to desertion.
                    headquarters: None,
                    desertion_on_break: (i == 0).then_some(0.3),
                    dissolution_on_break: (i == 1).then_some(0.5),
                    // Issue 14: each mobility.
                    mobility: Mobility::ALL[i % 3],
                    // Issue 14: faction 1 takes abandoned places; faction 0 recruits.
                    occupies_abandoned: i == 1,
                    recruitment: (i == 0).then(|| Recruitment {
                        per_1000_residents_per_day: 2.0,
                        cap: 6000.0,
                        places: vec![],
                    }),
                    // Issue 14: faction 0 has air defences against faction 1's drones.
                    air_defence: if i == 0 { 0.6 } else { 0.0 },
                    // Issue 14, item 7: faction f1 is a feared occupier.
                    civilian_abuse: if i == 1 { 0.6 } else { 0.0 },
                    pressure_on: Vec::new(),
                })
                .collect();
            let places: Vec<Place> = (0..n_places)
                .map(|i| Place {
                    id: format!("p{i}"),
                    name: format!("Place {i}"),
                    // Issue 13: a camp, for deaths of hardship among the displaced.
                    kind: if i == 3 {
                        PlaceKind::Camp
                    } else {
                        PlaceKind::Town
                    },
                    lat: -1.0 - i as f64 * 0.1,
                    lon: 29.0,
                    // Issue 14, item 7: places from p5 on lie across a border, p5 a crossing
                    // limited to 500 a day, p6 a closed one; even places share kin.
                    country: if i >= 5 { "Y" } else { "X" }.into(),
                    population: [0.0, 1.0, 5_000.0, 2_000_000.0][i % 4],
                    terrain: Terrain::Hills,
                    fortification: 0.3,
                    controller: format!("f{}", i % 2),
                    sanctuary: false,
                    key: i == 0,
                    area_km2: (i % 3 == 1).then_some(2.0),
                    shelter: (i % 3 == 2).then_some(0.8),
                    shelter_capacity: None,
                    // Issue 14: a depot a captor takes.
                    depot: (i == 1).then_some(Depot {
                        stocks_t: 50.0,
                        equipment: 200.0,
                    }),
                    border: match i {
                        5 => Some(BorderStatus::Limited(500.0)),
                        6 => Some(BorderStatus::Closed),
                        _ => None,
                    },
                    kin: if i % 2 == 0 {
                        vec!["k".into()]
                    } else {
                        Vec::new()
                    },
                })
                .collect();
            let mut routes: Vec<Route> = (1..n_places)
                .map(|i| Route {
                    from: format!("p{}", i - 1),
                    to: format!("p{i}"),
                    km: 10.0,
                    kind: RouteKind::Road,
                    speed_kmh: None,
                    capacity_t_per_day: None,
                    crossing_per_day: None,
                    // Issue 14: roads of either surface.
                    surface: (i % 2 == 0).then_some(Surface::Dirt),
                })
                .collect();
            for (a, b, km) in links {
                let (a, b) = (a % n_places, b % n_places);
                if a != b {
                    routes.push(Route {
                        from: format!("p{a}"),
                        to: format!("p{b}"),
                        km,
                        kind: RouteKind::Track,
                        speed_kmh: None,
                        capacity_t_per_day: None,
                        crossing_per_day: None,
                        surface: None,
                    });
                }
            }
            let postures = [
                Posture::Attack,
                Posture::Defend,
                Posture::Reserve,
                Posture::Withdraw,
            ];
            let units = units
                .into_iter()
                .enumerate()
                .map(
                    |(i, (place, personnel, firepower, morale, posture, objective, arrival))| {
                        Unit {
                            id: format!("u{i}"),
                            name: None,
                            faction: format!("f{}", i % n_factions),
                            // Issue 13: faction f0's units are state S's contingent.
                            contingent: (i % n_factions == 0).then(|| "S".into()),
                            place: format!("p{}", place % n_places),
                            personnel: personnel.round(),
                            firepower,
                            morale,
                            supply_days: 5.0,
                            posture: postures[posture],
                            objectives: vec![format!("p{}", objective % n_places)],
                            arrival_day: (arrival > 10.0).then_some(arrival - 10.0),
                            held: false,
                            // Issue 14: every other unit is commanded by unit u0; some have
                            // ghost soldiers on paper; some dissolve whenever they break.
                            commander: (i % 2 == 1).then(|| "u0".into()),
                            paper_personnel: (i % 3 == 0).then_some(personnel.round() * 1.5),
                            desertion_on_break: None,
                            dissolution_on_break: (i % 4 == 2).then_some(1.0),
                            // Issue 14: some units move on their own wheels.
                            mobility: (i % 4 == 3).then_some(Mobility::Trucks),
                        }
                    },
                )
                .collect();
            Scenario {
                name: "random".into(),
                description: "generated".into(),
                outlines: Vec::new(),
                // Issue 14: factions 0 and 1 neutral to each other, and a relation event.
                relations: vec![RelationSpec {
                    a: "f0".into(),
                    b: "f1".into(),
                    relation: Relation::Neutral,
                }],
                // Issue 14: faction 1 flies armed drones from p1 over every fight within
                // 60 km, losing some to faction 0's air defences.
                air: vec![AirAsset {
                    id: "drones".into(),
                    name: None,
                    faction: "f1".into(),
                    kind: AirKind::ArmedDrone,
                    count: 6.0,
                    sorties_per_day: 3.0,
                    range_km: 60.0,
                    base: "p1".into(),
                    strike_power: Some(2_000.0),
                }],
                start_date: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("date"),
                duration_days: 12.0,
                tick_hours,
                seed,
                supply_sources: vec![SupplySource {
                    place: "p0".into(),
                    factions: vec!["f0".into()],
                    tonnes_per_day: 50.0,
                }],
                factions,
                places,
                routes,
                units,
                params: Params::default(),
                end_conditions: vec![],
                actors: vec![Actor {
                    id: "A".into(),
                    name: "Actor".into(),
                    target: "S".into(),
                    closeness: 0.2,
                    decay_per_day: 0.1,
                    lag_days: 0.0,
                    weights: TriggerWeights::default(),
                    ladder: vec![
                        Step {
                            instrument: Instrument::Statement,
                            attention: 0.1,
                            pressure: 1.0,
                            deliberation_days: None,
                        },
                        Step {
                            instrument: Instrument::Sanctions,
                            attention: 1.0,
                            pressure: 5.0,
                            deliberation_days: Some(0.5),
                        },
                    ],
                    mediation: Some(Mediation {
                        offer_attention: 0.5,
                        ceasefire_days: 3.0,
                        terms: None,
                    }),
                }],
                states: vec![StateActor {
                    id: "S".into(),
                    resolve: Some(2.0),
                    forces: vec![],
                    proxies: vec!["f1".into()],
                    reserves: vec![],
                    casualty_tolerance: Some(10.0),
                    policy: Policy {
                        decide_every_days: 0.5,
                        reinforce_lag_days: 1.0,
                        draw_down_lag_days: 1.0,
                        withdraw_lag_days: 2.0,
                        resolve_erosion_per_day: 0.05,
                        ..Policy::default()
                    },
                    // Issue 13: S's contingent (faction f0) came to defend p1, held by f1 from
                    // the start, and shelters in its bases a day later; its resolve erodes.
                    objectives: vec!["p0".into()],
                    defends: vec!["p1".into()],
                    partner: None,
                    partner_rout_share: 0.5,
                    leave_when: Some(Condition::Day(2.0)),
                    decision_lag_days: 1.0,
                    exit: Exit::Shelter,
                    request_help_when: None,
                    intervention: None,
                }],
                escalation: vec![],
                events: vec![
                    Event {
                        id: "pull_back".into(),
                        text: "f0 ordered back".into(),
                        when: Condition::Day(1.0),
                        actions: vec![Action::Order {
                            target: OrderTarget::Faction("f0".into()),
                            posture: Some(Posture::Withdraw),
                            objectives: None,
                            campaign: None,
                        }],
                    },
                    Event {
                        id: "flight".into(),
                        text: "u0 flees".into(),
                        when: Condition::Day(2.0),
                        actions: vec![Action::Flee("u0".into())],
                    },
                    Event {
                        id: "split".into(),
                        text: "f0 and f1 fall out".into(),
                        when: Condition::Day(3.0),
                        actions: vec![Action::Relation {
                            a: "f0".into(),
                            b: "f1".into(),
                            relation: Relation::Hostile,
                        }],
                    },
                ],
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_scenarios_keep_the_invariants(s in scenario()) {
        let text = ron::ser::to_string(&s).expect("serialise");
        strife::scenario::validate(&s, &text, "generated.ron").map_err(|d| {
            TestCaseError::fail(format!("generated scenario is invalid: {d:?}"))
        })?;
        let mut world = build_world(&s, s.seed, s.duration_days).expect("world");
        let mut schedule = build_schedule(LogLevel::Ignore);
        while world.resource::<RunStatus>().ended.is_none() {
            schedule.run(&mut world);
            check_invariants(&s, &mut world);
        }
        // Shares are probabilities; every recorded number is finite.
        let log = world.resource::<strife::sim::resources::RunLog>();
        for sample in &log.samples {
            for f in &sample.factions {
                prop_assert!((0.0..=1.0).contains(&f.supplied_share), "supplied share {}", f.supplied_share);
                prop_assert!(f.supply_days.is_finite());
            }
            for x in sample.attention.iter().chain(&sample.pressure_on).chain(&sample.pressure_from) {
                prop_assert!(x.is_finite() && *x >= 0.0);
            }
            prop_assert!(sample.newly_displaced.is_finite() && sample.civilian_deaths.is_finite());
            // Issue 13, the human cost: the dead counted by place (fire, camps, flight, after a
            // capture) are the run's civilian deaths, and the soldiers killed and wounded by
            // place are the factions' killed and wounded.
            let dead: f64 = sample.places.iter().map(|p| p.dead).sum();
            prop_assert!(
                (dead - sample.civilian_deaths).abs() <= 1e-6 * dead.max(1.0),
                "dead by place {} != civilian deaths {}", dead, sample.civilian_deaths
            );
            for p in &sample.places {
                prop_assert!(p.wounded >= 0.0 && p.killed >= 0.0 && p.killed <= p.dead + 1e-9);
            }
            let by_place = |f: fn(&strife::sim::resources::PlaceSample) -> u32| -> u32 {
                sample.places.iter().map(f).sum()
            };
            let killed: u32 = sample.factions.iter().map(|f| f.killed).sum();
            let wounded: u32 = sample.factions.iter().map(|f| f.wounded).sum();
            prop_assert_eq!(by_place(|p| p.military_killed), killed);
            prop_assert_eq!(by_place(|p| p.military_wounded), wounded);
        }
    }
}
