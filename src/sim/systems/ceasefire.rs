//! Ceasefires: mediators offer them, sides accept them according to pressure and momentum, the
//! parties comply with their terms or defect, and they expire or break down.
//!
//! See docs/MODEL.md, "Ceasefires".

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::sim::components::{Attention, DiplomaticActor, Readiness, Strength, Unit};
use crate::sim::messages::{Logged, PlaceCaptured};
use crate::sim::politics::{
    Agreement, CeasefireRecord, Ceasefires, PoliticalStatus, Politics, Tallies,
};
use crate::sim::resources::{Clock, ControlMap, EventKind, SimParams, Theatre};
use crate::sim::rng::{StreamKind, Streams};

/// The highest pressure-to-resolve ratio among the states whose forces or proxies fight on
/// `side`, or that a faction of `side` names as answering for it (its `sponsor` or
/// `pressure_on`) without fighting on another side itself (a backer, not the government it
/// fights). The ratio reads each state's resolve now, eroded under sustained pressure
/// (docs/MODEL.md, "States").
fn pressure_ratio(
    politics: &Politics,
    theatre: &Theatre,
    status: &PoliticalStatus,
    side: usize,
) -> f64 {
    politics
        .states
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            let own = || s.forces.iter().chain(&s.proxies);
            own().any(|&f| theatre.factions[f].side == side)
                || (own().all(|&f| theatre.factions[f].side == side)
                    && (0..theatre.factions.len()).any(|f| {
                        theatre.factions[f].side == side && politics.faction_pressed[f].contains(i)
                    }))
        })
        .filter_map(|(i, s)| {
            s.resolve.filter(|r| *r > 0.0).map(|scenario_resolve| {
                let now = status.resolve.get(i).copied().unwrap_or(scenario_resolve);
                status.pressure_on[i] / now.max(f64::MIN_POSITIVE)
            })
        })
        .fold(0.0, f64::max)
}

/// At an agreement's deadline, each side holding places it took among those named decides
/// whether to withdraw: it complies with probability `base + w_p·ρ − w_b·balance` (clamped),
/// handing the places over, or defects, breaking the ceasefire. Returns whether anyone
/// defected.
#[allow(clippy::too_many_arguments)]
fn settle_terms(
    agreement: &Agreement,
    politics: &Politics,
    theatre: &Theatre,
    params: &SimParams,
    tallies: &Tallies,
    control: &mut ControlMap,
    status: &mut PoliticalStatus,
    streams: &mut Streams,
    units: &Query<(&Unit, &Readiness, &Strength)>,
    log: &mut MessageWriter<Logged>,
    captured: &mut MessageWriter<PlaceCaptured>,
) -> bool {
    let d = &params.0.diplomacy;
    let terms = &agreement.terms;
    let return_side = terms.return_to.map(|f| theatre.factions[f].side);
    // The places each side must leave: those it took and holds.
    let mut due: Vec<(usize, Vec<usize>)> = Vec::new();
    for &place in &terms.withdraw_from {
        let holder = control.controller[place];
        let side = theatre.factions[holder].side;
        if !tallies.taken[place][holder] || return_side == Some(side) {
            continue;
        }
        match due.iter_mut().find(|(s, _)| *s == side) {
            Some((_, list)) => list.push(place),
            None => due.push((side, vec![place])),
        }
    }
    due.sort_unstable();
    let mut personnel = vec![0.0; theatre.sides.len()];
    for (u, readiness, strength) in units {
        if *readiness == Readiness::Active && !u.peacekeeper {
            personnel[u.side] += f64::from(strength.personnel);
        }
    }
    let total: f64 = personnel.iter().sum();
    let mut defected = false;
    for (side, list) in due {
        let balance = if total > 0.0 {
            2.0 * personnel[side] / total - 1.0
        } else {
            0.0
        };
        let ratio = pressure_ratio(politics, theatre, status, side);
        let p = (d.compliance_base + d.compliance_pressure_weight * ratio
            - d.compliance_balance_weight * balance)
            .clamp(0.0, 1.0);
        let rng = streams.get(StreamKind::Compliance, side, &theatre.sides[side]);
        if rng.random::<f64>() >= p {
            defected = true;
            log.write(Logged {
                kind: EventKind::Ceasefire,
                text: format!(
                    "{} defects from the terms of {}'s agreement and keeps {}",
                    theatre.sides[side],
                    politics.actors[agreement.mediator].name,
                    list.iter()
                        .map(|&p| theatre.places[p].name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
            continue;
        }
        for place in list {
            let from = control.controller[place];
            let back_to = terms.return_to.unwrap_or(control.previous[place]);
            control.ceded[place] = Some(side);
            control.previous[place] = from;
            control.controller[place] = back_to;
            captured.write(PlaceCaptured {
                place,
                from,
                by: back_to,
            });
            log.write(Logged {
                kind: EventKind::Handover,
                text: format!(
                    "{} hands {} over to {} under the terms of {}'s agreement",
                    theatre.factions[from].name,
                    theatre.places[place].name,
                    theatre.factions[back_to].name,
                    politics.actors[agreement.mediator].name
                ),
            });
        }
        for (i, spec) in politics.states.iter().enumerate() {
            if spec
                .forces
                .iter()
                .chain(&spec.proxies)
                .any(|&f| theatre.factions[f].side == side)
            {
                status.deal_kept[i] = true;
            }
        }
    }
    defected
}

/// Offer, accept, keep or break ceasefires, and settle their terms.
#[allow(clippy::too_many_arguments)]
pub fn mediate_ceasefires(
    politics: Res<Politics>,
    theatre: Res<Theatre>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    mut status: ResMut<PoliticalStatus>,
    mut control: ResMut<ControlMap>,
    mut tallies: ResMut<Tallies>,
    mut streams: ResMut<Streams>,
    mut ceasefires: ResMut<Ceasefires>,
    mut actors: Query<(&DiplomaticActor, &mut Attention)>,
    units: Query<(&Unit, &Readiness, &Strength)>,
    mut log: MessageWriter<Logged>,
    mut captured: MessageWriter<PlaceCaptured>,
) {
    let d = &params.0.diplomacy;
    let hours = clock.hours_at_end_of_tick();
    let requested = std::mem::take(&mut ceasefires.requested);

    // The withdrawal an agreement demands falls due.
    if ceasefires.in_force()
        && let Some(agreement) = ceasefires.agreement.take_if(|a| clock.tick >= a.due_tick)
        && settle_terms(
            &agreement,
            &politics,
            &theatre,
            &params,
            &tallies,
            &mut control,
            &mut status,
            &mut streams,
            &units,
            &mut log,
            &mut captured,
        )
    {
        ceasefires.in_force_until = None;
        if let Some(last) = ceasefires.history.iter_mut().rev().find(|c| c.accepted) {
            last.ended_hours = Some(hours);
            last.broken = true;
        }
        tallies.tick.ceasefires_broken += 1.0;
        log.write(Logged {
            kind: EventKind::Ceasefire,
            text: "the ceasefire breaks down over its terms".into(),
        });
        return;
    }

    if let Some(until) = ceasefires.in_force_until {
        let rng = streams.get(StreamKind::CeasefireBreakdown, 0, "");
        let broken =
            rng.random::<f64>() < 1.0 - (-d.ceasefire_break_per_day * clock.dt_days()).exp();
        if broken || clock.tick >= until {
            ceasefires.in_force_until = None;
            ceasefires.agreement = None;
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
        .filter(|(u, r, _)| **r == Readiness::Active && !u.peacekeeper)
        .map(|(u, ..)| u.side)
        .collect();
    sides.sort_unstable();
    sides.dedup();
    let window = (d.momentum_days * 24.0 / clock.tick_hours).round() as u64;
    let mut refused_by = Vec::new();
    for &side in &sides {
        let ratio = pressure_ratio(&politics, &theatre, &status, side);
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
            let terms = politics.actors[mediator]
                .terms
                .as_ref()
                .map_or_else(String::new, |t| {
                    let places: Vec<&str> = t
                        .withdraw_from
                        .iter()
                        .map(|&p| theatre.places[p].name.as_str())
                        .collect();
                    format!(
                        "; its terms: withdrawal from {} within {} days",
                        places.join(", "),
                        t.deadline_days
                    )
                });
            format!("{name} brokers a ceasefire, accepted by all sides{terms}")
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
        ceasefires.agreement = politics.actors[mediator]
            .terms
            .clone()
            .map(|terms| Agreement {
                mediator,
                due_tick: clock.tick
                    + (terms.deadline_days * 24.0 / clock.tick_hours)
                        .round()
                        .max(1.0) as u64,
                terms,
            });
    }
}
