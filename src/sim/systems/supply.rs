//! Supply: sources feed units through friendly, uninterdicted routes, within capacity.
//!
//! See docs/MODEL.md, "Supply".

use std::collections::HashMap;

use bevy_ecs::prelude::*;

use crate::scenario::{FactionKind, Stance};
use crate::sim::components::{Interdiction, Position, Readiness, Route, Strength, Supply, Unit};
use crate::sim::pathing::widest_from;
use crate::sim::politics::{PoliticalStatus, Politics};
use crate::sim::resources::{CivilianSupply, Clock, ControlMap, SimParams, Theatre};

/// Mark cut routes, then resupply every unit from the best source that reaches it, and mark
/// the places whose holder's supply reaches them (for their civilians' food).
pub fn distribute_supply(
    theatre: Res<Theatre>,
    control: Res<ControlMap>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    politics: Res<Politics>,
    status: Res<PoliticalStatus>,
    mut food: ResMut<CivilianSupply>,
    mut routes: Query<(&Route, &mut Interdiction)>,
    mut units: Query<(&Unit, &Readiness, &Position, &Strength, &mut Supply)>,
) {
    let supply = &params.0.supply;
    let sides = theatre.sides.len();
    // A route is cut for a side when a hostile force holds or contests either end. The route
    // entities' Interdiction is the record of it; the searches below read it back.
    let mut cut_table = vec![vec![false; sides]; theatre.routes.len()];
    for (route, mut interdiction) in &mut routes {
        let r = &theatre.routes[route.index];
        for side in 0..sides {
            let now =
                !control.safe_for(&theatre, r.a, side) || !control.safe_for(&theatre, r.b, side);
            if interdiction.cut[side] != now {
                interdiction.cut[side] = now;
            }
        }
        cut_table[route.index].clone_from(&interdiction.cut);
    }
    let cut = |route: usize, side: usize| cut_table[route][side];

    // Widest-path capacity from each source that its side still holds. Peacekeepers hold
    // nothing: their sources and routes serve them wherever no one is fighting.
    let quiet = |p: usize| !control.contested[p] && !theatre.places[p].sanctuary;
    let widths: Vec<Option<Vec<f64>>> = theatre
        .sources
        .iter()
        .map(|source| {
            let faction = &theatre.factions[*source.factions.first()?];
            let side = faction.side;
            if faction.kind == FactionKind::Peacekeeper {
                quiet(source.place).then(|| {
                    widest_from(&theatre, source.place, quiet, |r| {
                        quiet(theatre.routes[r].a) && quiet(theatre.routes[r].b)
                    })
                })
            } else {
                control.safe_for(&theatre, source.place, side).then(|| {
                    widest_from(
                        &theatre,
                        source.place,
                        |p| control.safe_for(&theatre, p, side),
                        |r| !cut(r, side),
                    )
                })
            }
        })
        .collect();

    // A sponsor that has withdrawn no longer lets its proxies draw on sources in its country.
    let withheld = |source: usize, faction: usize| {
        let country = &theatre.places[theatre.sources[source].place].country;
        politics.states.iter().enumerate().any(|(s, spec)| {
            status.stance[s] == Stance::Withdraw
                && spec.name == *country
                && spec.proxies.contains(&faction)
        })
    };
    // Which places each side's sources reach (for civilians' food).
    let mut reached_by_side = vec![vec![false; theatre.places.len()]; sides];
    for (source, width) in theatre.sources.iter().zip(&widths) {
        if let (Some(&f), Some(width)) = (source.factions.first(), width) {
            for (reached, &w) in reached_by_side[theatre.factions[f].side]
                .iter_mut()
                .zip(width)
            {
                *reached |= w > 0.0;
            }
        }
    }
    for (place, connected) in food.connected.iter_mut().enumerate() {
        *connected = reached_by_side[control.side(&theatre, place)][place];
    }

    // Each unit draws on the widest source that reaches it (the first, on ties); demands are
    // summed per source and per (source, place) so that throughput and route capacity are
    // shared.
    let demand_of =
        |s: &Strength| s.personnel as f64 * supply.consumption_kg_per_person_day / 1000.0;
    let best_source = |faction: usize, place: usize| -> Option<(usize, f64)> {
        theatre.faction_sources[faction]
            .iter()
            .filter(|&&i| !withheld(i, faction))
            .filter_map(|&i| {
                let w = widths[i].as_ref()?[place];
                (w > 0.0).then_some((i, w))
            })
            .fold(None, |best: Option<(usize, f64)>, (i, w)| match best {
                Some((_, bw)) if bw >= w => best,
                _ => Some((i, w)),
            })
    };
    let mut best = vec![None; theatre.unit_names.len()];
    let mut source_demand = vec![0.0; theatre.sources.len()];
    let mut place_demand: HashMap<(usize, usize), f64> = HashMap::new();
    for (unit, readiness, position, strength, _) in &units {
        if let (Readiness::Active, Position::At(place)) = (*readiness, *position) {
            best[unit.index] = best_source(unit.faction, place);
            if let Some((i, _)) = best[unit.index] {
                source_demand[i] += demand_of(strength);
                *place_demand.entry((i, place)).or_insert(0.0) += demand_of(strength);
            }
        }
    }

    let dt = clock.dt_days();
    for (unit, readiness, position, strength, mut held) in &mut units {
        if *readiness != Readiness::Active {
            continue;
        }
        let delivered_share = match *position {
            Position::At(place) => match best[unit.index] {
                Some((i, width)) => {
                    held.connected = true;
                    let demand = place_demand.get(&(i, place)).copied().unwrap_or(0.0);
                    let by_route = width / demand.max(1e-9);
                    let by_source = theatre.sources[i].tonnes_per_day / source_demand[i].max(1e-9);
                    // Units refill at up to one extra day of supply per day.
                    by_route.min(by_source).min(2.0)
                }
                None => {
                    held.connected = false;
                    0.0
                }
            },
            Position::Moving { .. } => 0.0,
        };
        if strength.personnel > 0 {
            held.days = (held.days + dt * (delivered_share - 1.0))
                .clamp(0.0, supply.max_days.max(held.days));
        }
    }
}
