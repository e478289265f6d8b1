//! Cut-off units give up gradually: each tick a share surrenders and a share slips away, at
//! hazards that grow with the time cut off, with hunger and with low morale; a way out through
//! lightly held ground is tried at a rate; soldiers of a broken army unit caught in a falling
//! place give themselves up at a peacekeeper base nearby (issue 13; docs/MODEL.md, "Cut-off
//! units").

use std::collections::BTreeSet;

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use crate::scenario::params::CutOffParams;
use crate::scenario::{FactionKind, PlaceKind};
use crate::sim::components::{Casualties, Condition, Position, Readiness, Strength, Unit};
use crate::sim::messages::{Logged, UnitSurrendered};
use crate::sim::resources::{ControlMap, EventKind, SimParams, Theatre};
use crate::sim::rng::{StreamKind, Streams, stochastic_round};

/// The cities (`City` places) whose soldiers can reach a peacekeeper base: those with an active
/// peacekeeper unit standing in them, and those joined to a place with one by a route of at
/// most `reach_km`.
pub fn cities_near_a_base(theatre: &Theatre, bases: &[bool], reach_km: f64) -> Vec<bool> {
    (0..theatre.places.len())
        .map(|p| {
            theatre.places[p].kind == PlaceKind::City
                && (bases[p]
                    || theatre.adjacency[p]
                        .iter()
                        .any(|&(r, n)| bases[n] && theatre.routes[r].km <= reach_km))
        })
        .collect()
}

/// Soldiers of a broken or cut-off unit of a regular army or of contractors, standing in a city
/// with the enemy in it (a city falling) and a peacekeeper base in it or within reach, give
/// themselves up at the base: `cut_off.base_refuge_share` of the unit, once per unit and place, counted as captured
/// (the calibration facts: >1,200 FARDC held at the MONUSCO base in Goma on 28 January 2025;
/// 288 contractors handed over on 29–30 January). Militias melt into the population and
/// regional forces are cantoned instead.
#[allow(clippy::type_complexity)]
pub fn hand_over_at_bases(
    theatre: Res<Theatre>,
    control: Res<ControlMap>,
    params: Res<SimParams>,
    mut streams: ResMut<Streams>,
    mut units: Query<(
        &Unit,
        &mut Readiness,
        &Position,
        &Condition,
        &mut Strength,
        &mut Casualties,
    )>,
    mut log: MessageWriter<Logged>,
    mut surrendered: MessageWriter<UnitSurrendered>,
    mut done: Local<BTreeSet<(usize, usize)>>,
) {
    let p = &params.0.cut_off;
    if p.base_refuge_share <= 0.0 {
        return;
    }
    let mut bases = vec![false; theatre.places.len()];
    for (unit, readiness, position, ..) in &units {
        if let (true, Readiness::Active, Position::At(here)) =
            (unit.peacekeeper, *readiness, *position)
        {
            bases[here] = true;
        }
    }
    if !bases.contains(&true) {
        return;
    }
    let near = cities_near_a_base(&theatre, &bases, p.base_reach_km);
    for (unit, mut readiness, position, condition, mut strength, mut casualties) in &mut units {
        let (Readiness::Active, Position::At(here)) = (*readiness, *position) else {
            continue;
        };
        let kind = theatre.factions[unit.faction].kind;
        if !matches!(kind, FactionKind::StateArmy | FactionKind::Contractor)
            || !(condition.broken || condition.cut_off_days > 0.0)
            || condition.cantoned
            || !near[here]
            || !control.hostile_to(here, unit.faction)
            || !done.insert((unit.index, here))
        {
            continue;
        }
        let rng = streams.get(
            StreamKind::BaseHandover,
            unit.index,
            &theatre.unit_ids[unit.index],
        );
        let given = stochastic_round(rng, f64::from(strength.personnel) * p.base_refuge_share)
            .min(strength.personnel);
        if given == 0 {
            continue;
        }
        strength.personnel -= given;
        casualties.captured += given;
        log.write(Logged {
            kind: EventKind::Surrender,
            text: format!(
                "{given} of {} give themselves up at the peacekeepers' base in {}; {} remain",
                theatre.unit_names[unit.index], theatre.places[here].name, strength.personnel
            ),
        });
        if strength.personnel == 0 {
            *readiness = Readiness::Out;
            surrendered.write(UnitSurrendered {
                unit: unit.index,
                place: here,
                captured: casualties.captured,
                deserted: casualties.deserted,
            });
        }
    }
}

/// Hazards per day of a cut-off unit: (surrender, desertion).
///
/// `h = base × (1 + t / T) × (F if out of supply) × (1 + w × (1 − m))`, with `t` the days cut
/// off, `T = hazard_doubling_days`, `F = out_of_supply_factor`, `w = morale_weight`, `m` the
/// unit's morale.
pub fn hazards(p: &CutOffParams, days_cut_off: f64, supply_days: f64, morale: f64) -> (f64, f64) {
    let time = if p.hazard_doubling_days > 0.0 {
        1.0 + days_cut_off.max(0.0) / p.hazard_doubling_days
    } else {
        1.0
    };
    let hunger = if supply_days <= 0.0 {
        p.out_of_supply_factor
    } else {
        1.0
    };
    let morale = 1.0 + p.morale_weight * (1.0 - morale.clamp(0.0, 1.0));
    let g = time * hunger * morale;
    (p.surrender_per_day * g, p.desertion_per_day * g)
}

/// Persons of `personnel` who surrender and who desert in a tick of `dt` days, at daily
/// hazards `(surrender, desertion)`: together they leave with probability `1 − e^(−(h_s +
/// h_d)·dt)`, split between the two in proportion to their hazards; each count is rounded
/// stochastically (its expectation exact), and their sum never exceeds `personnel`.
pub fn give_up(
    rng: &mut ChaCha8Rng,
    personnel: u32,
    (surrender, desertion): (f64, f64),
    dt: f64,
) -> (u32, u32) {
    let total = surrender + desertion;
    if total.is_nan() || total <= 0.0 || personnel == 0 {
        return (0, 0);
    }
    let leaving = f64::from(personnel) * (1.0 - (-total * dt).exp());
    let captured = stochastic_round(rng, leaving * surrender / total).min(personnel);
    let deserted = stochastic_round(rng, leaving * desertion / total).min(personnel - captured);
    (captured, deserted)
}

/// Whether a cut-off unit with a way out tries to break out this tick (rate per day).
pub fn breaks_out(rng: &mut ChaCha8Rng, per_day: f64, dt: f64) -> bool {
    let p = 1.0 - (-per_day.max(0.0) * dt).exp();
    rng.random::<f64>() < p
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn hazards_grow_with_time_hunger_and_low_morale() {
        let p = CutOffParams::default();
        let (s0, d0) = hazards(&p, 0.0, 5.0, 1.0);
        assert_eq!((s0, d0), (p.surrender_per_day, p.desertion_per_day));
        assert!(hazards(&p, 7.0, 5.0, 1.0).0 > s0 * 1.99);
        assert!(hazards(&p, 0.0, 0.0, 1.0).0 > s0 * 1.99);
        assert!(hazards(&p, 0.0, 5.0, 0.0).0 > s0 * 1.99);
    }

    #[test]
    fn giving_up_never_takes_more_than_there_is() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for personnel in [0, 1, 3, 1000] {
            let (c, d) = give_up(&mut rng, personnel, (50.0, 50.0), 1.0);
            assert!(c + d <= personnel);
        }
    }
}
