//! Turning a validated scenario into a world: resources for the static theatre, entities for
//! places, routes, units, diplomatic actors and states.

pub mod politics;

use std::collections::HashMap;

use bevy_ecs::message::MessageRegistry;
use bevy_ecs::prelude::World;

use super::components::*;
use super::messages::*;
use super::resources::*;
use crate::error::{Error, Result};
use crate::scenario::{EndCondition, FactionKind, Mobility, RouteKind, Scenario};

/// Build the world for one run of `scenario` with `seed`, ending after `days`.
pub fn build_world(scenario: &Scenario, seed: u64, days: f64) -> Result<World> {
    let theatre = build_theatre(scenario)?;
    let mut world = World::new();

    register_messages(&mut world);

    let place_index = index_of(scenario.places.iter().map(|p| p.id.as_str()));
    let faction_index = index_of(scenario.factions.iter().map(|f| f.id.as_str()));
    let lookup = |map: &HashMap<&str, usize>, id: &str, what: &str| {
        map.get(id)
            .copied()
            .ok_or_else(|| Error::Internal(format!("unvalidated {what} `{id}`")))
    };

    let mut controller = Vec::with_capacity(scenario.places.len());
    for (index, p) in scenario.places.iter().enumerate() {
        let faction = lookup(&faction_index, &p.controller, "faction")?;
        controller.push(faction);
        world.spawn((
            Place { index },
            Controller { faction },
            Population {
                residents: p.population,
                food_days: scenario.params.civilians.food_days,
                ..Default::default()
            },
        ));
    }
    for index in 0..theatre.routes.len() {
        world.spawn((
            Route { index },
            Interdiction {
                cut: vec![false; theatre.sides.len()],
            },
        ));
    }

    let tick_hours = scenario.tick_hours;
    let unit_index: HashMap<&str, usize> = scenario
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    for (index, u) in scenario.units.iter().enumerate() {
        let faction = lookup(&faction_index, &u.faction, "faction")?;
        let place = lookup(&place_index, &u.place, "place")?;
        let objectives = u
            .objectives
            .iter()
            .map(|o| lookup(&place_index, o, "place"))
            .collect::<Result<Vec<_>>>()?;
        let readiness = match u.arrival_day {
            _ if u.held => Readiness::Held,
            Some(day) if day > 0.0 => Readiness::Pending {
                arrival_tick: (day * 24.0 / tick_hours).round() as u64,
            },
            _ => Readiness::Active,
        };
        let personnel = u.personnel.round() as u32;
        let spec = &scenario.factions[faction];
        let commander = match u.commander.as_deref().or(spec.headquarters.as_deref()) {
            Some(c) if c != u.id => Some(lookup(&unit_index, c, "unit")?),
            _ => None,
        };
        world.spawn((
            Unit {
                index,
                faction,
                side: theatre.factions[faction].side,
                contingent: u.contingent.clone(),
                peacekeeper: theatre.factions[faction].kind == FactionKind::Peacekeeper,
                commander,
                desertion_on_break: u.desertion_on_break.or(spec.desertion_on_break),
                dissolution_on_break: u.dissolution_on_break.or(spec.dissolution_on_break),
            },
            readiness,
            Strength {
                personnel,
                reference: personnel,
                firepower: u.firepower,
                paper: u
                    .paper_personnel
                    .map_or(personnel, |p| (p.round() as u32).max(personnel)),
            },
            Morale {
                value: u.morale,
                baseline: u.morale,
            },
            Supply {
                days: u.supply_days,
                connected: true,
            },
            Orders {
                posture: u.posture,
                standing: u.posture,
                objectives,
                leaving_for: None,
            },
            Position::At(place),
            Condition::default(),
            Casualties::default(),
        ));
    }

    let places = theatre.places.len();
    world.insert_resource(CivilianSupply {
        connected: vec![true; places],
    });
    let mut relations = crate::sim::relations::Relations::from_sides(
        &theatre.factions.iter().map(|f| f.side).collect::<Vec<_>>(),
    );
    for r in &scenario.relations {
        relations.set(
            lookup(&faction_index, &r.a, "faction")?,
            lookup(&faction_index, &r.b, "faction")?,
            r.relation,
        );
    }
    relations.version = 0;
    world.insert_resource(crate::sim::systems::recruitment::Growth::new(
        scenario,
        &place_index,
    ));
    world.insert_resource(ControlMap {
        relations,
        present_factions: vec![0; places],
        previous: controller.clone(),
        ceded: vec![None; places],
        personnel: vec![0; places],
        controller,
        contested: vec![false; places],
        threatened: vec![false; places],
        present: vec![0; places],
        holding: vec![0; places],
    });
    world.insert_resource(resolve_end_rules(
        scenario,
        &theatre,
        &place_index,
        &faction_index,
    )?);
    let politics = politics::resolve_politics(scenario, &theatre)?;
    // Streams by place (combat, cross-border fire), faction, state, side, one breakdown, by
    // unit (cut-off units, base handovers, dissolution) and by air asset.
    let lane_sizes = [
        places,
        places,
        theatre.factions.len(),
        politics.states.len(),
        theatre.sides.len(),
        1,
        theatre.unit_ids.len(),
        theatre.unit_ids.len(),
        theatre.unit_ids.len(),
        theatre.air.len(),
    ];
    for (index, asset) in theatre.air.iter().enumerate() {
        world.spawn((
            AirAsset { index },
            AirState {
                in_service: asset.count,
                ..AirState::default()
            },
        ));
    }
    world.insert_resource(AirSupport {
        sides: theatre.sides.len(),
        power: vec![0.0; places * theatre.sides.len()],
    });
    // The strikes people expect from the air, published by the air model for civilian flight.
    world.insert_resource(crate::sim::systems::civilians::ExpectedStrikes::default());
    politics::spawn_politics(&mut world, politics, &theatre);
    let command = crate::sim::systems::command::Command::new(scenario, &theatre);
    world.insert_resource(theatre);
    world.insert_resource(SimParams(scenario.params.clone()));
    let total_ticks = (days * 24.0 / tick_hours).round().max(1.0) as u64;
    world.insert_resource(Clock {
        tick: 0,
        tick_hours,
        total_ticks,
    });
    world.insert_resource(crate::sim::rng::Streams::new(seed, lane_sizes));
    // One sample at the start and one per tick: reserved at once rather than grown by copies
    // (capped, so that a huge day limit cannot ask for memory up front).
    world.insert_resource(RunLog {
        samples: Vec::with_capacity(total_ticks.min(100_000) as usize + 1),
        ..RunLog::default()
    });
    world.insert_resource(crate::sim::nearby::Nearby::default());
    world.insert_resource(command);
    world.insert_resource(RunStatus::default());
    Ok(world)
}

fn resolve_end_rules(
    scenario: &Scenario,
    theatre: &Theatre,
    place_index: &HashMap<&str, usize>,
    faction_index: &HashMap<&str, usize>,
) -> Result<EndRules> {
    let side_index = |name: &str| theatre.sides.iter().position(|s| s == name);
    let conditions = scenario
        .end_conditions
        .iter()
        .map(|c| match c {
            EndCondition::PlaceCaptured { place, by } => {
                let place = *place_index
                    .get(place.as_str())
                    .ok_or_else(|| Error::Internal(format!("unvalidated place `{place}`")))?;
                let by = match by {
                    None => None,
                    Some(name) => Some(
                        faction_index
                            .get(name.as_str())
                            .map(|&f| Captor::Faction(f))
                            .or_else(|| side_index(name).map(Captor::Side))
                            .ok_or_else(|| {
                                Error::Internal(format!("unvalidated captor `{name}`"))
                            })?,
                    ),
                };
                Ok(EndRule::PlaceCaptured { place, by })
            }
            EndCondition::SideBroken { side } => Ok(EndRule::SideBroken {
                side: side_index(side)
                    .ok_or_else(|| Error::Internal(format!("unvalidated side `{side}`")))?,
            }),
        })
        .collect::<Result<_>>()?;
    Ok(EndRules { conditions })
}

fn register_messages(world: &mut World) {
    MessageRegistry::register_message::<ReinforcementArrived>(world);
    MessageRegistry::register_message::<FightingStarted>(world);
    MessageRegistry::register_message::<PlaceCaptured>(world);
    MessageRegistry::register_message::<UnitBroke>(world);
    MessageRegistry::register_message::<UnitRallied>(world);
    MessageRegistry::register_message::<UnitSurrendered>(world);
    MessageRegistry::register_message::<UnitDestroyed>(world);
    MessageRegistry::register_message::<Logged>(world);
}

fn index_of<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

/// The static theatre of a scenario: factions, sides, places, routes with their defaults.
pub fn build_theatre(scenario: &Scenario) -> Result<Theatre> {
    let place_index = index_of(scenario.places.iter().map(|p| p.id.as_str()));
    let faction_index = index_of(scenario.factions.iter().map(|f| f.id.as_str()));
    let missing = |what: &str, id: &str| Error::Internal(format!("unvalidated {what} `{id}`"));

    let mut sides: Vec<String> = Vec::new();
    let factions: Vec<FactionInfo> = scenario
        .factions
        .iter()
        .map(|f| {
            let side = sides.iter().position(|s| *s == f.side).unwrap_or_else(|| {
                sides.push(f.side.clone());
                sides.len() - 1
            });
            FactionInfo {
                id: f.id.clone(),
                name: f.name.clone(),
                side,
                kind: f.kind,
                colour: f.colour.clone(),
                claims_territory: f.claims_territory,
                occupies_abandoned: f.occupies_abandoned,
                fire: f.fire,
                air_defence: f.air_defence,
                civilian_abuse: f.civilian_abuse,
            }
        })
        .collect();
    let places: Vec<PlaceInfo> = scenario
        .places
        .iter()
        .map(|p| PlaceInfo {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind,
            lat: p.lat,
            lon: p.lon,
            country: p.country.clone(),
            population: p.population,
            terrain: p.terrain,
            fortification: p.fortification,
            sanctuary: p.sanctuary,
            key: p.key,
            area_km2: p.area_km2,
            shelter: p.shelter,
            shelter_capacity: p.shelter_capacity,
            border: p.border,
            kin: p.kin.clone(),
        })
        .collect();
    let params = &scenario.params;
    let mut adjacency = vec![Vec::new(); places.len()];
    let mut routes = Vec::with_capacity(scenario.routes.len());
    for (index, r) in scenario.routes.iter().enumerate() {
        let a = *place_index
            .get(r.from.as_str())
            .ok_or_else(|| missing("place", &r.from))?;
        let b = *place_index
            .get(r.to.as_str())
            .ok_or_else(|| missing("place", &r.to))?;
        adjacency[a].push((index, b));
        adjacency[b].push((index, a));
        routes.push(RouteInfo {
            a,
            b,
            km: r.km,
            kind: r.kind,
            speed_kmh: r
                .speed_kmh
                .unwrap_or_else(|| params.movement.speed(Mobility::Foot, r.kind, r.surface)),
            speeds_kmh: Mobility::ALL.map(|m| {
                r.speed_kmh
                    .unwrap_or_else(|| params.movement.speed(m, r.kind, r.surface))
            }),
            capacity_t_per_day: r
                .capacity_t_per_day
                .unwrap_or_else(|| params.supply.capacity(r.kind)),
            crossing_per_day: r.crossing_per_day.unwrap_or(match r.kind {
                RouteKind::Lake => params.movement.lake_crossing_per_day,
                _ => f64::INFINITY,
            }),
        });
    }
    let sources = scenario
        .supply_sources
        .iter()
        .map(|s| {
            Ok(SourceInfo {
                place: *place_index
                    .get(s.place.as_str())
                    .ok_or_else(|| missing("place", &s.place))?,
                factions: s
                    .factions
                    .iter()
                    .map(|f| {
                        faction_index
                            .get(f.as_str())
                            .copied()
                            .ok_or_else(|| missing("faction", f))
                    })
                    .collect::<Result<_>>()?,
                tonnes_per_day: s.tonnes_per_day,
            })
        })
        .collect::<Result<Vec<SourceInfo>>>()?;
    let faction_sources = (0..factions.len())
        .map(|f| {
            (0..sources.len())
                .filter(|&i| sources[i].factions.contains(&f))
                .collect()
        })
        .collect();
    Ok(Theatre {
        factions,
        sides,
        places,
        routes,
        adjacency,
        sources,
        faction_sources,
        unit_ids: scenario.units.iter().map(|u| u.id.clone()).collect(),
        unit_names: scenario
            .units
            .iter()
            .map(|u| u.name.clone().unwrap_or_else(|| u.id.clone()))
            .collect(),
        unit_mobility: scenario
            .units
            .iter()
            .map(|u| {
                u.mobility.unwrap_or_else(|| {
                    scenario
                        .factions
                        .iter()
                        .find(|f| f.id == u.faction)
                        .map_or(Mobility::Foot, |f| f.mobility)
                })
            })
            .collect(),
        unit_factions: scenario
            .units
            .iter()
            .map(|u| {
                faction_index
                    .get(u.faction.as_str())
                    .copied()
                    .ok_or_else(|| missing("faction", &u.faction))
            })
            .collect::<Result<_>>()?,
        outlines: scenario.outlines.clone(),
        air: scenario
            .air
            .iter()
            .map(|a| {
                Ok(AirAssetInfo {
                    id: a.id.clone(),
                    name: a.name.clone().unwrap_or_else(|| a.id.clone()),
                    faction: *faction_index
                        .get(a.faction.as_str())
                        .ok_or_else(|| missing("faction", &a.faction))?,
                    kind: a.kind,
                    base: *place_index
                        .get(a.base.as_str())
                        .ok_or_else(|| missing("place", &a.base))?,
                    count: a.count.round() as u32,
                    sorties_per_day: a.sorties_per_day,
                    range_km: a.range_km,
                    strike_power: a
                        .strike_power
                        .unwrap_or_else(|| params.air.strike_power(a.kind)),
                })
            })
            .collect::<Result<_>>()?,
    })
}
