//! Ceasefires: mediators offer them, sides accept them according to pressure and momentum, and
//! they expire or break down.
//!
//! See docs/MODEL.md, "Ceasefires".

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::sim::components::{Attention, DiplomaticActor, Readiness, Unit};
use crate::sim::messages::Logged;
use crate::sim::politics::{CeasefireRecord, Ceasefires, PoliticalStatus, Politics, Tallies};
use crate::sim::resources::{Clock, EventKind, SimParams, Theatre};
use crate::sim::rng::{StreamKind, Streams};

/// Offer, accept, keep or break ceasefires.
pub fn mediate_ceasefires(
    politics: Res<Politics>,
    theatre: Res<Theatre>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    status: Res<PoliticalStatus>,
    mut tallies: ResMut<Tallies>,
    mut streams: ResMut<Streams>,
    mut ceasefires: ResMut<Ceasefires>,
    mut actors: Query<(&DiplomaticActor, &mut Attention)>,
    units: Query<(&Unit, &Readiness)>,
    mut log: MessageWriter<Logged>,
) {
    let d = &params.0.diplomacy;
    let hours = clock.hours_at_end_of_tick();
    let requested = std::mem::take(&mut ceasefires.requested);

    if let Some(until) = ceasefires.in_force_until {
        let rng = streams.get(StreamKind::CeasefireBreakdown, 0, "");
        let broken =
            rng.random::<f64>() < 1.0 - (-d.ceasefire_break_per_day * clock.dt_days()).exp();
        if broken || clock.tick >= until {
            ceasefires.in_force_until = None;
            if let Some(last) = ceasefires.history.iter_mut().rev().find(|c| c.accepted) {
                last.ended_hours = Some(hours);
                last.broken = broken;
            }
            if broken {
                tallies.tick.ceasefires_broken += 1.0;
            }
            log.write(Logged {
                kind: EventKind::Ceasefire,
                text: if broken {
                    "the ceasefire breaks down".into()
                } else {
                    "the ceasefire expires".into()
                },
            });
        }
        return;
    }

    // Which mediator offers now: one asked by an event, else one whose attention is high enough
    // and whose last offer is old enough.
    let reoffer = (d.reoffer_days * 24.0 / clock.tick_hours).round() as u64;
    let mut offer = None;
    for (actor, attention) in &actors {
        let Some(mediation) = &politics.actors[actor.index].mediation else {
            continue;
        };
        let due = attention
            .last_offer_tick
            .is_none_or(|t| clock.tick >= t + reoffer);
        let wanted = requested.contains(&actor.index)
            || (due && attention.value >= mediation.offer_attention);
        if wanted && offer.is_none_or(|(i, _)| actor.index < i) {
            offer = Some((actor.index, mediation.ceasefire_days));
        }
    }
    let Some((mediator, days)) = offer else {
        return;
    };
    for (actor, mut attention) in &mut actors {
        if actor.index == mediator {
            attention.last_offer_tick = Some(clock.tick);
        }
    }

    // Every side still fighting must accept.
    let mut sides: Vec<usize> = units
        .iter()
        .filter(|(u, r)| **r == Readiness::Active && !u.peacekeeper)
        .map(|(u, _)| u.side)
        .collect();
    sides.sort_unstable();
    sides.dedup();
    let window = (d.momentum_days * 24.0 / clock.tick_hours).round() as u64;
    let mut refused_by = Vec::new();
    for &side in &sides {
        let ratio = politics
            .states
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.forces
                    .iter()
                    .chain(&s.proxies)
                    .any(|&f| theatre.factions[f].side == side)
            })
            .filter_map(|(i, s)| {
                s.resolve
                    .filter(|r| *r > 0.0)
                    .map(|r| status.pressure_on[i] / r)
            })
            .fold(0.0, f64::max);
        let recent = tallies
            .capture_ticks
            .iter()
            .filter(|(t, ..)| clock.tick.saturating_sub(*t) <= window);
        let momentum: f64 = recent
            .map(|&(_, by, from)| {
                f64::from(u8::from(by == side)) - f64::from(u8::from(from == side))
            })
            .sum();
        let p = (d.ceasefire_base_acceptance + d.ceasefire_pressure_weight * ratio
            - d.ceasefire_momentum_weight * momentum)
            .clamp(0.0, 1.0);
        let rng = streams.get(StreamKind::CeasefireAcceptance, side, &theatre.sides[side]);
        if rng.random::<f64>() >= p {
            refused_by.push(theatre.sides[side].clone());
        }
    }
    let accepted = refused_by.is_empty() && !sides.is_empty();
    let name = &politics.actors[mediator].name;
    log.write(Logged {
        kind: EventKind::Ceasefire,
        text: if accepted {
            format!("{name} brokers a ceasefire, accepted by all sides")
        } else {
            format!(
                "{name} offers a ceasefire; refused by {}",
                refused_by.join(" and ")
            )
        },
    });
    ceasefires.history.push(CeasefireRecord {
        mediator,
        offered_hours: hours,
        accepted,
        ended_hours: None,
        broken: false,
    });
    if accepted {
        ceasefires.in_force_until =
            Some(clock.tick + (days * 24.0 / clock.tick_hours).round().max(1.0) as u64);
    }
}
