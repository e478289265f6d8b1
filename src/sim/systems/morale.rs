//! Morale: losses, supply, encirclement, recovery and shocks; units break (retreating or
//! dissolving) and rally; commanders' loss or flight shakes the units they command.
//!
//! See docs/MODEL.md, "Morale" and "Breaking, dissolution and command".

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::scenario::params::MoraleParams;
use crate::scenario::{PlaceKind, Posture};
use crate::sim::components::{
    Casualties, Condition, Morale, Orders, Position, Readiness, Strength, Supply, Unit,
};
use crate::sim::messages::{Logged, PlaceCaptured, UnitBroke, UnitRallied};
use crate::sim::nearby::Nearby;
use crate::sim::pathing;
use crate::sim::resources::{Clock, ControlMap, EventKind, PlaceInfo, SimParams, Theatre};
use crate::sim::rng::{StreamKind, Streams};

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

/// How a shock's weight falls off from its place.
#[derive(Clone, Copy)]
enum Falloff {
    /// `1 − d / radius`, `d` the great-circle distance in km, 0 from the radius on (a rout).
    Linear { radius_km: f64 },
    /// `e^(−t / length)`, `t` the hours of travel on foot along the routes from the place (the
    /// pace at which the news travels), not applied beyond `reach_hours`, where the largest
    /// change it makes falls below the floor (a place's fall). Units of `holder`, the faction
    /// that held the place (its chain of command), take it whole; the other factions of its
    /// side take `morale.shock_ally_share` of it.
    Network {
        length_hours: f64,
        reach_hours: f64,
        holder: usize,
    },
}

impl Falloff {
    /// Weight at `d` (km for `Linear`, hours of travel for `Network`), 1 at the centre.
    fn weight(self, d: f64) -> f64 {
        match self {
            Falloff::Linear { radius_km } => 1.0 - d / radius_km,
            Falloff::Network { length_hours, .. } if length_hours > 0.0 => {
                (-d / length_hours).exp()
            }
            // A length of 0 or less: the place itself only.
            Falloff::Network { .. } if d <= 0.0 => 1.0,
            Falloff::Network { .. } => 0.0,
        }
    }

    /// Share of the shock a unit of `faction` on the losing side takes: all of it, but for a
    /// place's fall the `ally_share` for units outside the holder's chain of command.
    fn command_share(self, faction: usize, ally_share: f64) -> f64 {
        match self {
            Falloff::Network { holder, .. } if holder != faction => ally_share,
            _ => 1.0,
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

/// How the fall of a place held by `holder` with a shock of `size` spreads: e^(−t / T) with
/// `t` the hours of travel from it, visited out to where the larger of the loss and the
/// winner's gain falls below the floor, so that the fall of a more important place (a larger
/// shock) is felt farther: its reach is T × ln(size / floor).
fn fall_falloff(size: f64, holder: usize, m: &MoraleParams) -> Falloff {
    let peak = size.abs() * m.victory_share.max(1.0);
    let length_hours = m.shock_length_hours;
    let floor = m.shock_floor;
    let reach_hours = if length_hours.is_nan() || length_hours <= 0.0 {
        // Only the place itself, at distance 0.
        f64::MIN_POSITIVE
    } else if floor.is_nan() || floor <= 0.0 {
        // No floor (an event may set one of 0): everywhere.
        f64::INFINITY
    } else if peak > floor {
        length_hours * (peak / floor).ln()
    } else {
        0.0
    };
    Falloff::Network {
        length_hours,
        reach_hours,
        holder,
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
            let (places, reach): (&[(usize, f64)], f64) = match s.falloff {
                Falloff::Linear { radius_km } => {
                    if radius_km <= 0.0 {
                        continue;
                    }
                    nearby.cover(theatre, radius_km);
                    (nearby.around(s.place), radius_km)
                }
                Falloff::Network { reach_hours, .. } => {
                    // The place itself, then every place within reach along the routes, on
                    // foot, through any place (news crosses front lines).
                    self.scanned.clear();
                    if reach_hours > 0.0 {
                        self.scanned.push((s.place, 0.0));
                        let scanned = &mut self.scanned;
                        pathing::reachable_from(
                            theatre,
                            s.place,
                            |_| true,
                            reach_hours,
                            |p, t| scanned.push((p, t)),
                        );
                    }
                    (&self.scanned, reach_hours)
                }
            };
            for &(place, d) in places {
                if d < reach {
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

/// Which units, as commanders, are gone (lost or fled) and which are present, as the morale
/// system saw them at its last look (issue 14, "Commanders").
#[derive(Default)]
pub struct Leadership {
    /// By unit index: gone at the last look (destroyed, surrendered, dissolved, left the
    /// theatre, broken or withdrawing).
    gone: Vec<bool>,
    /// By unit index: gone now.
    gone_now: Vec<bool>,
    /// By unit index: in the theatre and neither broken nor withdrawing now.
    present: Vec<bool>,
    /// By unit index: gone since the last look.
    newly_gone: Vec<bool>,
}

impl Leadership {
    /// Look at every unit: who is gone, who is present, who went since the last look (none at
    /// the first look).
    fn look<'a>(&mut self, n: usize, units: impl Iterator<Item = (usize, Option<bool>)> + 'a) {
        let first = self.gone.len() != n;
        self.gone_now.clear();
        self.gone_now.resize(n, false);
        self.present.clear();
        self.present.resize(n, false);
        for (index, status) in units {
            match status {
                Some(true) => self.gone_now[index] = true,
                Some(false) => self.present[index] = true,
                None => {}
            }
        }
        if first {
            self.gone = self.gone_now.clone();
        }
        self.newly_gone.clear();
        self.newly_gone.extend(
            self.gone_now
                .iter()
                .zip(&self.gone)
                .map(|(&now, &before)| now && !before),
        );
        std::mem::swap(&mut self.gone, &mut self.gone_now);
    }
}

/// Whether a unit, as a commander, is gone (`Some(true)`: lost or fled), present
/// (`Some(false)`), or not yet in the theatre (`None`).
fn commander_status(readiness: Readiness, condition: &Condition, orders: &Orders) -> Option<bool> {
    match readiness {
        Readiness::Out | Readiness::Withdrawn => Some(true),
        Readiness::Active => Some(
            condition.broken || orders.posture == Posture::Withdraw || orders.leaving_for.is_some(),
        ),
        Readiness::Pending { .. } | Readiness::Held => None,
    }
}

/// Update morale, shake the units of commanders lost or fled, break units past their
/// breakpoint (retreating, or dissolving), spread shocks, rally units at safety (with their
/// commander present, or in better spirits, and with supplies in hand).
#[allow(clippy::too_many_arguments)]
pub fn update_morale(
    theatre: Res<Theatre>,
    control: Res<ControlMap>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    mut nearby: ResMut<Nearby>,
    mut streams: ResMut<Streams>,
    mut leadership: Local<Leadership>,
    mut captures: MessageReader<PlaceCaptured>,
    mut log: MessageWriter<Logged>,
    mut units: Query<(
        &Unit,
        &mut Readiness,
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
    let b = &params.0.breaking;
    let dt = clock.dt_days();
    let led = &mut *leadership;
    led.look(
        theatre.unit_ids.len(),
        units
            .iter()
            .map(|(u, r, _, o, _, _, _, cond, _)| (u.index, commander_status(*r, cond, o))),
    );
    // The active units of each commander gone since the last look, counted in one pass.
    let mut shaken_of = Vec::new();
    if led.newly_gone.contains(&true) {
        shaken_of.resize(led.newly_gone.len(), 0usize);
        for (u, r, ..) in &units {
            if let Some(c) = u.commander
                && *r == Readiness::Active
                && led.newly_gone.get(c) == Some(&true)
            {
                shaken_of[c] += 1;
            }
        }
    }
    for (commander, _) in led.newly_gone.iter().enumerate().filter(|(_, g)| **g) {
        let shaken = shaken_of[commander];
        if shaken > 0 {
            log.write(Logged {
                kind: EventKind::Rout,
                text: format!(
                    "{} is lost or flees: the {shaken} unit(s) it commands are shaken",
                    theatre.unit_names[commander]
                ),
            });
        }
    }
    let capture_shocks: Vec<Shock> = captures
        .read()
        .map(|cap| {
            let size = fall_shock_size(&theatre.places[cap.place], m);
            Shock {
                place: cap.place,
                loser: theatre.factions[cap.from].side,
                winner: Some(theatre.factions[cap.by].side),
                size,
                falloff: fall_falloff(size, cap.from, m),
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
                morale.value -=
                    s.size * w * s.falloff.command_share(unit.faction, m.shock_ally_share);
            } else if s.winner == Some(unit.side) {
                morale.value += m.victory_share * s.size * w;
            }
        }
        morale.value = morale.value.clamp(0.0, 1.0);
    };

    let mut rout_shocks = Vec::new();
    for (
        unit,
        mut readiness,
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
        if let Some(commander) = unit.commander
            && led.newly_gone[commander]
        {
            morale.value = (morale.value - b.commander_loss_shock).clamp(0.0, 1.0);
        }

        let place = position.nearest_place();
        let lost = strength.reference.saturating_sub(strength.personnel);
        let loss_share = f64::from(lost) / f64::from(strength.reference.max(1));
        if !condition.broken
            && (morale.value < c.breakpoint_morale || loss_share > c.breakpoint_losses)
        {
            let dissolution = unit.dissolution_on_break.unwrap_or(b.dissolution_chance);
            let dissolves = dissolution > 0.0
                && streams
                    .get(
                        StreamKind::Dissolution,
                        unit.index,
                        &theatre.unit_ids[unit.index],
                    )
                    .random::<f64>()
                    < dissolution;
            let share = unit.desertion_on_break.unwrap_or(c.desertion_on_break);
            let deserted = if dissolves {
                strength.personnel
            } else {
                (f64::from(strength.personnel) * share).round() as u32
            };
            strength.personnel -= deserted.min(strength.personnel);
            casualties.deserted += deserted;
            condition.broken = true;
            orders.posture = Posture::Withdraw;
            if dissolves {
                *readiness = Readiness::Out;
            }
            broke.write(UnitBroke {
                unit: unit.index,
                place,
                personnel: strength.personnel,
                deserted,
                dissolved: dissolves,
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
            && morale.value
                >= if unit.commander.is_none_or(|c| led.present[c]) {
                    m.rally_threshold
                } else {
                    b.leaderless_rally_threshold
                }
            && supply.days >= b.rally_min_supply_days
            && let Position::At(here) = *position
        {
            let safe = if unit.peacekeeper {
                !control.contested[here]
            } else {
                control.safe_for(here, unit.faction)
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
