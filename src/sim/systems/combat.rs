//! Combat: force-ratio attrition (Helmbold/Dupuy family) wherever hostile units meet.
//!
//! See docs/MODEL.md, "Combat", for the equations and their sources.

use bevy_ecs::prelude::*;

use crate::scenario::params::Params;
use crate::scenario::{FactionKind, Posture};
use crate::sim::components::{
    Casualties, Condition, Morale, Orders, Position, Readiness, Strength, Supply, Unit,
};
use crate::sim::messages::UnitDestroyed;
use crate::sim::politics::{Ceasefires, Tallies};
use crate::sim::resources::{AirSupport, Clock, ControlMap, SimParams, Theatre};
use crate::sim::rng::{StreamKind, Streams, lognormal_noise, stochastic_round};

/// A unit standing at a place, as combat sees it.
pub struct Combatant {
    entity: Entity,
    faction: usize,
    side: usize,
    peacekeeper: bool,
    personnel: u32,
    /// Combat power before the defender's terrain and fortification.
    power: f64,
    /// Share of personnel exposed to fire.
    exposure: f64,
    /// A peacekeeper or regional intervention force: its dead are "peacekeepers killed".
    peacekeeping: bool,
    /// Harm weight of its faction's kinds of fire (docs/MODEL.md, "The human cost").
    harm_weight: f64,
}

/// Harm to civilians of one soldier-day of a faction's fire, relative to artillery:
/// `small_arms_factor × (1 − a − d) + a + drone_factor × d`, with `a` and `d` its artillery and
/// drone shares.
pub fn harm_weight(params: &Params, fire: crate::scenario::FireMix) -> f64 {
    let h = &params.human_cost;
    let small_arms = (1.0 - fire.artillery - fire.drones).max(0.0);
    h.small_arms_factor * small_arms + fire.artillery + h.drone_factor * fire.drones
}

/// Combat power of one unit: personnel × firepower × morale × supply × posture.
pub fn combat_power(
    params: &Params,
    strength: &Strength,
    morale: &Morale,
    supply: &Supply,
    posture: Posture,
) -> f64 {
    let morale_factor = 0.2 + 0.8 * morale.value;
    let supply_factor = if supply.days > 0.0 {
        1.0
    } else {
        params.supply.out_of_supply_firepower
    };
    let posture_factor = match posture {
        Posture::Attack | Posture::Defend => 1.0,
        Posture::Reserve => params.combat.reserve_factor,
        Posture::Withdraw => params.combat.withdraw_factor,
    };
    strength.personnel as f64 * strength.firepower * morale_factor * supply_factor * posture_factor
}

/// Resolve one tick of fighting at every place where hostile factions meet.
pub fn resolve_engagements(
    theatre: Res<Theatre>,
    control: Res<ControlMap>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    mut streams: ResMut<Streams>,
    mut units: Query<(
        Entity,
        &Unit,
        &mut Readiness,
        &Position,
        &Orders,
        &mut Strength,
        &Morale,
        &Supply,
        &mut Condition,
        &mut Casualties,
    )>,
    mut destroyed: MessageWriter<UnitDestroyed>,
    mut tallies: ResMut<Tallies>,
    ceasefires: Res<Ceasefires>,
    air: Res<AirSupport>,
    mut at_place: Local<Vec<Vec<Combatant>>>,
) {
    let params = &params.0;
    let combat = &params.combat;
    // Units standing at each place (buffers kept between ticks).
    at_place.resize_with(theatre.places.len(), Vec::new);
    for list in at_place.iter_mut() {
        list.clear();
    }
    for (entity, unit, readiness, position, orders, strength, morale, supply, mut condition, _) in
        &mut units
    {
        condition.engaged = false;
        condition.losses_this_tick = 0;
        condition.personnel_at_tick_start = strength.personnel;
        // A cut-off or cantoned unit (docs/MODEL.md, "Cut-off units") no longer fights.
        if *readiness != Readiness::Active
            || strength.personnel == 0
            || condition.out_of_the_fight()
        {
            continue;
        }
        if let Position::At(place) = *position {
            at_place[place].push(Combatant {
                entity,
                faction: unit.faction,
                side: unit.side,
                peacekeeper: unit.peacekeeper,
                personnel: strength.personnel,
                power: combat_power(params, &strength, morale, supply, orders.posture),
                peacekeeping: matches!(
                    theatre.factions[unit.faction].kind,
                    FactionKind::Peacekeeper | FactionKind::RegionalForce
                ),
                harm_weight: harm_weight(params, theatre.factions[unit.faction].fire),
                exposure: match theatre.factions[unit.faction].kind {
                    FactionKind::Peacekeeper => combat.peacekeeper_exposure,
                    FactionKind::RegionalForce => combat.regional_force_exposure,
                    _ => 1.0,
                },
            });
        }
    }

    if ceasefires.in_force() {
        return;
    }
    let dt_days = clock.dt_days();
    for (place, present) in at_place.iter().enumerate() {
        if present.len() < 2 {
            continue;
        }
        // Fighting needs two factions hostile to each other (by default: two sides).
        let relations = &control.relations;
        let mask = present
            .iter()
            .filter(|c| !c.peacekeeper)
            .fold(0, |m, c| m | crate::sim::relations::faction_bit(c.faction));
        if !relations.any_hostile_pair(mask) {
            continue;
        }
        let defender = defending_faction(&control, place, present);
        let info = &theatre.places[place];
        let defence = combat.terrain.factor(info.terrain)
            * (1.0 + combat.fortification_bonus * info.fortification);
        // The defender's allies (and peacekeepers) defend; its enemies attack; factions neutral
        // to it stand aside.
        let in_defence = |c: &Combatant| c.peacekeeper || relations.allied(c.faction, defender);
        let in_attack = |c: &Combatant| !c.peacekeeper && relations.hostile(c.faction, defender);
        let mut defence_power: f64 = present
            .iter()
            .filter(|c| in_defence(c))
            .map(|c| c.power * defence)
            .sum();
        let mut attack_power: f64 = present
            .iter()
            .filter(|c| in_attack(c))
            .map(|c| c.power)
            .sum();
        // Air power (docs/MODEL.md, "Air power"): sorties over the fight add to their side,
        // the defender's without its terrain and fortification. A side present only with
        // peacekeepers defends with them.
        let mut air_power = 0.0;
        for (side, &power) in air.at(place).iter().enumerate() {
            if power <= 0.0 {
                continue;
            }
            // A side's sorties join its units there: against the defender if they attack,
            // with it if they defend (peacekeepers included); a neutral side's stay out.
            let of_side =
                |f: &dyn Fn(&Combatant) -> bool| present.iter().any(|c| c.side == side && f(c));
            if of_side(&in_attack) {
                attack_power += power;
            } else if of_side(&in_defence) {
                defence_power += power;
            } else {
                continue;
            }
            air_power += power;
        }

        // This place's own stream: fights elsewhere do not shift its draws.
        let rng = streams.get(StreamKind::Combat, place, &info.id);
        let noise_attacker = lognormal_noise(rng, combat.noise_sigma);
        let noise_defender = lognormal_noise(rng, combat.noise_sigma);
        let (attacker_rate, defender_rate) = loss_rates(params, attack_power, defence_power);
        // The fire at the place, for the civilians there: every combatant's power, weighted by
        // the harm of its kinds of fire, over the tick (soldier-days); air power weighs as
        // air-launched explosive weapons (`drone_factor`).
        let mut fire = present.iter().map(|c| c.power * c.harm_weight).sum::<f64>();
        if air_power > 0.0 {
            fire += air_power * params.human_cost.drone_factor;
        }
        tallies.fire[place] += fire * dt_days;
        let attacker_rate = (attacker_rate * noise_attacker).min(combat.max_daily_loss);
        let defender_rate = (defender_rate * noise_defender).min(combat.max_daily_loss);

        for c in present {
            let rate = if in_defence(c) {
                defender_rate
            } else if in_attack(c) {
                attacker_rate
            } else {
                continue;
            };
            let expected = rate * dt_days * c.exposure * c.personnel as f64;
            let loss = stochastic_round(rng, expected).min(c.personnel);
            let killed = stochastic_round(rng, loss as f64 * combat.killed_share).min(loss);
            let Ok((
                _,
                unit,
                mut readiness,
                _,
                _,
                mut strength,
                _,
                _,
                mut condition,
                mut casualties,
            )) = units.get_mut(c.entity)
            else {
                continue;
            };
            condition.engaged = true;
            condition.losses_this_tick += loss;
            tallies.battle_casualties[place] += loss;
            tallies.military_killed[place] += killed;
            tallies.military_wounded[place] += loss - killed;
            if c.peacekeeping {
                tallies.tick.peacekeepers_killed += f64::from(killed);
            }
            strength.personnel -= loss;
            casualties.killed += killed;
            casualties.wounded += loss - killed;
            if strength.personnel == 0 {
                *readiness = Readiness::Out;
                destroyed.write(UnitDestroyed {
                    unit: unit.index,
                    place,
                });
            }
        }
    }
}

/// Daily loss fractions `(attacker, defender)` before noise:
/// `r_att = a·(P_def/P_att)^h`, `r_def = d·(P_att/P_def)^h`, capped at the daily maximum.
pub fn loss_rates(params: &Params, attack_power: f64, defence_power: f64) -> (f64, f64) {
    let c = &params.combat;
    let cap = c.max_daily_loss;
    match (attack_power > 0.0, defence_power > 0.0) {
        (true, true) => {
            let ratio = defence_power / attack_power;
            (
                (c.attacker_base_rate * ratio.powf(c.force_ratio_exponent)).min(cap),
                (c.defender_base_rate * ratio.powf(-c.force_ratio_exponent)).min(cap),
            )
        }
        (true, false) => (0.0, cap),
        (false, true) => (cap, 0.0),
        (false, false) => (0.0, 0.0),
    }
}

/// The faction defending a place: its holder if the holder or an ally of it is present, else
/// the faction with the most soldiers of its own and its allies there (ties: the lower side,
/// then the lower faction index). By default this picks the same side as before issue 14.
fn defending_faction(control: &ControlMap, place: usize, present: &[Combatant]) -> usize {
    let relations = &control.relations;
    let holder = control.controller[place];
    let fighting = || present.iter().filter(|c| !c.peacekeeper);
    if fighting().any(|c| relations.allied(c.faction, holder)) {
        return holder;
    }
    let strength = |f: usize| -> u64 {
        fighting()
            .filter(|c| relations.allied(c.faction, f))
            .map(|c| u64::from(c.personnel))
            .sum()
    };
    fighting()
        .map(|c| (c.faction, c.side))
        .max_by(|&(a, sa), &(b, sb)| {
            strength(a)
                .cmp(&strength(b))
                .then(sb.cmp(&sa))
                .then(b.cmp(&a))
        })
        .map_or(holder, |(f, _)| f)
}
