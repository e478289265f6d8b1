//! Air power (issue 14): air and drone strike assets fly sorties from their bases over the
//! fights in range, adding to their side's combat power there; air defences blunt and down them.
//! The strikes people expect from them are published for civilian flight
//! ([`ExpectedStrikes`]).
//!
//! See docs/MODEL.md, "Air power", for the equations and their sources.

use bevy_ecs::prelude::*;

use crate::scenario::FactionKind;
use crate::sim::components::{AirAsset, AirState, Condition, Position, Readiness, Strength, Unit};
use crate::sim::messages::Logged;
use crate::sim::politics::Ceasefires;
use crate::sim::relations::{FactionMask, faction_bit};
use crate::sim::resources::{AirSupport, Clock, ControlMap, EventKind, SimParams, Theatre};
use crate::sim::rng::{StreamKind, Streams, stochastic_round};
use crate::sim::systems::civilians::ExpectedStrikes;

/// Where units stand this tick, as air power sees it (buffers kept between ticks).
#[derive(Default)]
pub struct Presence {
    /// Bit `s` set: units of side `s` that fight (not peacekeepers) stand at the place.
    fighting: Vec<u64>,
    /// Bit `s` set: units of side `s` (peacekeepers included) stand at the place.
    present: Vec<u64>,
    /// `faction[place × factions + f]`: units of faction `f` stand at the place.
    faction: Vec<bool>,
    /// Bit `f` set: units of faction `f` that fight (not peacekeepers) stand at the place.
    fighting_factions: Vec<FactionMask>,
}

/// Publish the strikes people expect from the air (docs/MODEL.md, "Air power", "Expected
/// strikes"): every flying asset spreads its sorties a day evenly over the places within its
/// range where units of factions hostile to its own stand, and each such place expects
/// `strike_power × n × sorties_per_day / k × (1 − a)`, `a` the air defence there of the
/// factions hostile to it, from the asset's faction.
fn publish_expected(
    theatre: &Theatre,
    control: &ControlMap,
    presence: &Presence,
    order: &[(usize, Mut<AirState>)],
    expected: &mut ExpectedStrikes,
) {
    let places = theatre.places.len();
    let mut targets: Vec<(usize, f64)> = Vec::new();
    for (index, state) in order {
        if state.grounded || state.in_service == 0 {
            continue;
        }
        let info = &theatre.air[*index];
        let hostile = control.relations.hostile_mask(info.faction);
        targets.clear();
        for place in 0..places {
            let enemies = presence.fighting_factions[place] & hostile;
            if enemies != 0 && theatre.distance_km(info.base, place) <= info.range_km {
                let open = theatre
                    .factions
                    .iter()
                    .enumerate()
                    .filter(|&(f, _)| enemies & faction_bit(f) != 0)
                    .map(|(_, f)| 1.0 - f.air_defence.clamp(0.0, 1.0))
                    .product::<f64>();
                targets.push((place, 1.0 - open));
            }
        }
        if targets.is_empty() {
            continue;
        }
        let rate = f64::from(state.in_service) * info.sorties_per_day / targets.len() as f64;
        for &(place, defence) in &targets {
            expected.air[place] += info.strike_power * rate * (1.0 - defence);
            expected.air_factions[place] |= faction_bit(info.faction);
        }
    }
}

/// The air defence a side's sorties meet at a place, 0–1: `1 − Π (1 − air_defence_f)` over
/// the factions of other sides standing there (peacekeepers excepted).
fn defence_at(theatre: &Theatre, presence: &Presence, place: usize, side: usize) -> f64 {
    let n = theatre.factions.len();
    let open = theatre
        .factions
        .iter()
        .enumerate()
        .filter(|&(f, info)| {
            presence.faction[place * n + f]
                && info.side != side
                && info.kind != FactionKind::Peacekeeper
        })
        .map(|(_, info)| 1.0 - info.air_defence.clamp(0.0, 1.0))
        .product::<f64>();
    1.0 - open
}

/// Fly this tick's sorties: each asset whose base its side holds splits its sorties evenly
/// over the fights within its range where its side fights, adding `strike_power × sorties a
/// day × (1 − air defence)` to its side's power there ([`AirSupport`], read by combat), and
/// loses aircraft to the air defences it meets.
#[allow(clippy::too_many_arguments)]
pub fn fly_sorties(
    theatre: Res<Theatre>,
    control: Res<ControlMap>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    ceasefires: Res<Ceasefires>,
    mut streams: ResMut<Streams>,
    mut support: ResMut<AirSupport>,
    units: Query<(&Unit, &Readiness, &Position, &Strength, &Condition)>,
    mut assets: Query<(&AirAsset, &mut AirState)>,
    mut logged: MessageWriter<Logged>,
    mut presence: Local<Presence>,
    mut expected: Option<ResMut<ExpectedStrikes>>,
) {
    support.power.iter_mut().for_each(|x| *x = 0.0);
    if theatre.air.is_empty() {
        return;
    }
    let places = theatre.places.len();
    if let Some(e) = expected.as_deref_mut() {
        e.air.clear();
        e.air.resize(places, 0.0);
        e.air_factions.clear();
        e.air_factions.resize(places, 0);
    }
    let air = &params.0.air;
    // Factions with forces in the theatre: an asset comes and goes with the force it flies
    // for (an intervention's aircraft fly once its troops have entered).
    let mut deployed = vec![false; theatre.factions.len()];
    for (unit, readiness, _, _, _) in &units {
        if *readiness == Readiness::Active {
            deployed[unit.faction] = true;
        }
    }
    // Grounded or not, by who holds each base and whether its faction is in the theatre.
    let mut order: Vec<(usize, Mut<AirState>)> = assets
        .iter_mut()
        .map(|(asset, state)| (asset.index, state))
        .collect();
    order.sort_unstable_by_key(|(index, _)| *index);
    for (index, state) in order.iter_mut() {
        let info = &theatre.air[*index];
        let side = theatre.factions[info.faction].side;
        let base_lost = control.side(&theatre, info.base) != side;
        let absent = !deployed[info.faction];
        let grounded = base_lost || absent;
        if grounded != state.grounded {
            state.grounded = grounded;
            let verb = if base_lost {
                "is grounded: its base is lost"
            } else if absent {
                "is grounded: its faction has no forces in the theatre"
            } else {
                "flies: its side holds its base and its faction's forces are in the theatre"
            };
            logged.write(Logged {
                kind: EventKind::Air,
                text: format!(
                    "{} ({}) at {} {verb}",
                    info.name, theatre.factions[info.faction].name, theatre.places[info.base].name
                ),
            });
        }
    }
    if !air.enabled || ceasefires.in_force() {
        return;
    }

    let n_factions = theatre.factions.len();
    let p = &mut *presence;
    p.fighting.clear();
    p.fighting.resize(places, 0);
    p.present.clear();
    p.present.resize(places, 0);
    p.faction.clear();
    p.faction.resize(places * n_factions, false);
    p.fighting_factions.clear();
    p.fighting_factions.resize(places, 0);
    // The same units as combat counts (docs/MODEL.md, "Combat").
    for (unit, readiness, position, strength, condition) in &units {
        if *readiness != Readiness::Active
            || strength.personnel == 0
            || condition.out_of_the_fight()
        {
            continue;
        }
        if let Position::At(place) = *position {
            let bit = 1u64 << unit.side;
            p.present[place] |= bit;
            if !unit.peacekeeper {
                p.fighting[place] |= bit;
                p.fighting_factions[place] |= faction_bit(unit.faction);
            }
            p.faction[place * n_factions + unit.faction] = true;
        }
    }

    if let Some(e) = expected.as_deref_mut() {
        publish_expected(&theatre, &control, p, &order, e);
    }

    let dt = clock.dt_days();
    let sides = support.sides;
    let mut targets: Vec<(usize, f64)> = Vec::new();
    for (index, state) in order.iter_mut() {
        if state.grounded || state.in_service == 0 {
            continue;
        }
        let info = &theatre.air[*index];
        let side = theatre.factions[info.faction].side;
        let bit = 1u64 << side;
        targets.clear();
        for place in 0..places {
            let fight = p.fighting[place].count_ones() >= 2;
            if fight
                && p.present[place] & bit != 0
                && p.fighting[place] & !bit != 0
                && theatre.distance_km(info.base, place) <= info.range_km
            {
                targets.push((place, defence_at(&theatre, p, place, side)));
            }
        }
        if targets.is_empty() {
            continue;
        }
        // Sorties a day over each fight.
        let rate = f64::from(state.in_service) * info.sorties_per_day / targets.len() as f64;
        let loss_per_sortie = air.loss_per_sortie(info.kind);
        let mut expected_lost = 0.0;
        let mut worst = targets[0];
        for &(place, defence) in targets.iter() {
            support.power[place * sides + side] += info.strike_power * rate * (1.0 - defence);
            expected_lost += rate * dt * loss_per_sortie * defence;
            if defence > worst.1 {
                worst = (place, defence);
            }
        }
        state.sorties += rate * targets.len() as f64 * dt;
        let rng = streams.get(StreamKind::Air, *index, &info.id);
        let lost = stochastic_round(rng, expected_lost).min(state.in_service);
        if lost > 0 {
            state.in_service -= lost;
            state.lost += lost;
            logged.write(Logged {
                kind: EventKind::Air,
                text: format!(
                    "{} ({}) loses {lost} aircraft to air defences over {}; {} left",
                    info.name,
                    theatre.factions[info.faction].name,
                    theatre.places[worst.0].name,
                    state.in_service
                ),
            });
        }
    }
}
