//! Morale: losses, supply, encirclement, recovery and shocks; units break and rally.
//!
//! See docs/MODEL.md, "Morale".

use bevy_ecs::prelude::*;

use crate::scenario::params::MoraleParams;
use crate::scenario::{PlaceKind, Posture};
use crate::sim::components::{
    Casualties, Condition, Morale, Orders, Position, Readiness, Strength, Supply, Unit,
};
use crate::sim::messages::{PlaceCaptured, UnitBroke, UnitRallied};
use crate::sim::nearby::Nearby;
use crate::sim::resources::{Clock, ControlMap, PlaceInfo, SimParams, Theatre};

/// A morale shock centred on a place.
struct Shock {
    place: usize,
    /// Side that loses morale.
    loser: usize,
    /// Side that gains, if any.
    winner: Option<usize>,
    /// Size at distance 0.
    size: f64,
    /// How it falls off with distance.
    falloff: Falloff,
    /// Unit that caused it (excluded from its own shock).
    source_unit: Option<usize>,
}

/// How a shock's weight falls off with distance `d` from its place.
#[derive(Clone, Copy)]
enum Falloff {
    /// `1 − d / radius`, 0 from the radius on (a rout).
    Linear { radius_km: f64 },
    /// `e^(−d / length)`, not applied beyond `reach_km`, where the largest change it makes
    /// falls below the floor (a place's fall).
    Exponential { length_km: f64, reach_km: f64 },
}

impl Falloff {
    /// Weight at `d` km, 1 at the centre.
    fn weight(self, d: f64) -> f64 {
        match self {
            Falloff::Linear { radius_km } => 1.0 - d / radius_km,
            Falloff::Exponential { length_km, .. } if length_km > 0.0 => (-d / length_km).exp(),
            // A length of 0 or less: the place itself only.
            Falloff::Exponential { .. } if d <= 0.0 => 1.0,
            Falloff::Exponential { .. } => 0.0,
        }
    }
}

/// Size of the shock when `place` falls: the reference shock, a minor share for a place that
/// is neither key nor a city, and a factor growing with the logarithm of its population
/// (docs/MODEL.md, "Morale").
fn fall_shock_size(place: &PlaceInfo, m: &MoraleParams) -> f64 {
    let importance = if place.key || place.kind == PlaceKind::City {
        1.0
    } else {
        m.minor_place_share
    };
    let people = place.population.max(m.shock_min_population);
    let decades = (people / m.shock_reference_population).log10();
    let scale = 1.0 + m.shock_per_decade * decades;
    // NaN (a reference of 0) and negative factors give no shock.
    m.key_place_shock * importance * if scale > 0.0 { scale } else { 0.0 }
}

/// How a place's fall of `size` spreads: e^(−d / L), visited out to where the larger of the
/// loss and the winner's gain falls below the floor.
fn fall_falloff(size: f64, m: &MoraleParams) -> Falloff {
    let peak = size.abs() * m.victory_share.max(1.0);
    let length_km = m.shock_length_km;
    let floor = m.shock_floor;
    let reach_km = if length_km.is_nan() || length_km <= 0.0 {
        // Only the place itself, at distance 0.
        f64::MIN_POSITIVE
    } else if floor.is_nan() || floor <= 0.0 {
        // No floor (an event may set one of 0): everywhere.
        f64::INFINITY
    } else if peak > floor {
        length_km * (peak / floor).ln()
    } else {
        0.0
    };
    Falloff::Exponential {
        length_km,
        reach_km,
    }
}

/// Which shocks reach each place, and with what weight (1 at the centre, falling off with
/// distance), in the order the shocks happened.
#[derive(Default)]
struct ShockReach {
    at: std::collections::HashMap<usize, Vec<(usize, f64)>, foldhash::fast::FixedState>,
    /// Places within one shock's reach (reused).
    scanned: Vec<(usize, f64)>,
}

impl ShockReach {
    /// Replace the reach with that of `shocks`.
    fn spread(&mut self, theatre: &Theatre, nearby: &mut Nearby, shocks: &[Shock]) {
        self.at.clear();
        for (i, s) in shocks.iter().enumerate() {
            let (places, reach_km): (&[(usize, f64)], f64) = match s.falloff {
                Falloff::Linear { radius_km } => {
                    if radius_km <= 0.0 {
                        continue;
                    }
                    nearby.cover(theatre, radius_km);
                    (nearby.around(s.place), radius_km)
                }
                Falloff::Exponential { reach_km, .. } => {
                    nearby.scan(theatre, s.place, reach_km, &mut self.scanned);
                    (&self.scanned, reach_km)
                }
            };
            for &(place, d) in places {
                if d < reach_km {
                    self.at
                        .entry(place)
                        .or_default()
                        .push((i, s.falloff.weight(d)));
                }
            }
        }
    }

    /// The shocks reaching `place`, as (shock index, weight).
    fn at(&self, place: usize) -> &[(usize, f64)] {
        self.at.get(&place).map_or(&[], Vec::as_slice)
    }
}

/// Update morale, break units past their breakpoint, spread shocks, rally units at safety.
pub fn update_morale(
    theatre: Res<Theatre>,
    control: Res<ControlMap>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    mut nearby: ResMut<Nearby>,
    mut captures: MessageReader<PlaceCaptured>,
    mut units: Query<(
        &Unit,
        &Readiness,
        &Position,
        &mut Orders,
        &mut Strength,
        &mut Morale,
        &Supply,
        &mut Condition,
        &mut Casualties,
    )>,
    mut broke: MessageWriter<UnitBroke>,
    mut rallied: MessageWriter<UnitRallied>,
) {
    let m = &params.0.morale;
    let c = &params.0.combat;
    let dt = clock.dt_days();
    let capture_shocks: Vec<Shock> = captures
        .read()
        .map(|cap| {
            let size = fall_shock_size(&theatre.places[cap.place], m);
            Shock {
                place: cap.place,
                loser: theatre.factions[cap.from].side,
                winner: Some(theatre.factions[cap.by].side),
                size,
                falloff: fall_falloff(size, m),
                source_unit: None,
            }
        })
        .collect();
    let mut reached = ShockReach::default();
    reached.spread(&theatre, &mut nearby, &capture_shocks);
    let apply = |reached: &ShockReach,
                 shocks: &[Shock],
                 unit: &Unit,
                 position: &Position,
                 morale: &mut Morale| {
        for &(i, w) in reached.at(position.nearest_place()) {
            let s = &shocks[i];
            if s.source_unit == Some(unit.index) {
                continue;
            }
            if unit.side == s.loser {
                morale.value -= s.size * w;
            } else if s.winner == Some(unit.side) {
                morale.value += m.victory_share * s.size * w;
            }
        }
        morale.value = morale.value.clamp(0.0, 1.0);
    };

    let mut rout_shocks = Vec::new();
    for (
        unit,
        readiness,
        position,
        mut orders,
        mut strength,
        mut morale,
        supply,
        mut condition,
        mut casualties,
    ) in &mut units
    {
        if *readiness != Readiness::Active {
            continue;
        }
        let before = f64::from(condition.personnel_at_tick_start.max(1));
        morale.value -= m.loss_sensitivity * f64::from(condition.losses_this_tick) / before;
        if supply.days <= 0.0 {
            morale.value -= m.out_of_supply_per_day * dt;
        }
        if !supply.connected {
            morale.value -= m.encircled_per_day * dt;
        }
        if !condition.engaged && supply.days > 0.0 && morale.value < morale.baseline {
            morale.value = (morale.value + m.recovery_per_day * dt).min(morale.baseline);
        }
        apply(&reached, &capture_shocks, unit, position, &mut morale);

        let place = position.nearest_place();
        let lost = strength.reference.saturating_sub(strength.personnel);
        let loss_share = f64::from(lost) / f64::from(strength.reference.max(1));
        if !condition.broken
            && (morale.value < c.breakpoint_morale || loss_share > c.breakpoint_losses)
        {
            let deserted = (f64::from(strength.personnel) * c.desertion_on_break).round() as u32;
            strength.personnel -= deserted.min(strength.personnel);
            casualties.deserted += deserted;
            condition.broken = true;
            orders.posture = Posture::Withdraw;
            broke.write(UnitBroke {
                unit: unit.index,
                place,
                personnel: strength.personnel,
                deserted,
            });
            rout_shocks.push(Shock {
                place,
                loser: unit.side,
                winner: None,
                size: m.rout_shock,
                falloff: Falloff::Linear {
                    radius_km: m.rout_radius_km,
                },
                source_unit: Some(unit.index),
            });
        } else if condition.broken
            && !condition.cantoned
            && morale.value >= m.rally_threshold
            && let Position::At(here) = *position
        {
            let safe = if unit.peacekeeper {
                !control.contested[here]
            } else {
                control.safe_for(&theatre, here, unit.side)
            };
            if safe {
                condition.broken = false;
                orders.posture = orders.standing;
                strength.reference = strength.personnel;
                rallied.write(UnitRallied {
                    unit: unit.index,
                    place: here,
                });
            }
        }
    }

    if !rout_shocks.is_empty() {
        reached.spread(&theatre, &mut nearby, &rout_shocks);
        for (unit, readiness, position, _, _, mut morale, _, _, _) in &mut units {
            if *readiness == Readiness::Active {
                apply(&reached, &rout_shocks, unit, position, &mut morale);
            }
        }
    }
}
