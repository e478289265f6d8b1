//! States decide: sponsors weigh pressure against resolve (reinforce, hold, draw down,
//! withdraw); troop contributors pull their contingents out past their casualty tolerance.
//!
//! See docs/MODEL.md, "States".

use bevy_ecs::prelude::*;

use crate::scenario::{Posture, Stance};
use crate::sim::components::{
    Casualties, Condition, Morale, Orders, Readiness, StateActorTag, StatePolicy, Strength, Unit,
};
use crate::sim::messages::Logged;
use crate::sim::politics::{PoliticalStatus, Politics};
use crate::sim::resources::{Clock, EventKind, SimParams, Theatre};

/// The units a state's decisions move.
type StateUnits<'w, 's> = Query<
    'w,
    's,
    (
        &'static Unit,
        &'static mut Readiness,
        &'static mut Orders,
        &'static Casualties,
        &'static Strength,
        &'static mut Morale,
    ),
>;

/// The stance a sponsor takes at a pressure-to-resolve ratio, given whether its side needs
/// help (withdrawal is final).
pub fn stance_for(
    current: Stance,
    ratio: f64,
    need: bool,
    policy: &crate::scenario::Policy,
) -> Stance {
    if current == Stance::Withdraw || ratio >= policy.withdraw_at {
        Stance::Withdraw
    } else if ratio >= policy.draw_down_at {
        Stance::DrawDown
    } else if ratio < policy.reinforce_below && need {
        Stance::Reinforce
    } else {
        Stance::Hold
    }
}

/// Let every state decide.
pub fn decide_state_policies(
    politics: Res<Politics>,
    theatre: Res<Theatre>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    mut states: Query<(&StateActorTag, &mut StatePolicy)>,
    mut units: StateUnits,
    conditions: Query<(&Unit, &Condition)>,
    mut status: ResMut<PoliticalStatus>,
    mut log: MessageWriter<Logged>,
) {
    let hours = clock.hours_at_end_of_tick();
    let mut broken = vec![false; theatre.unit_names.len()];
    for (u, condition) in &conditions {
        broken[u.index] = condition.broken;
    }
    let mut killed_by_unit = vec![0u32; theatre.unit_names.len()];
    for (u, _, _, casualties, _, _) in &units {
        killed_by_unit[u.index] = casualties.killed;
    }
    for (tag, mut policy) in &mut states {
        let spec = &politics.states[tag.index];

        // A troop contributor counts its dead.
        if let Some(tolerance) = spec.casualty_tolerance
            && !policy.contingents_withdrawn
        {
            let killed: u32 = politics.contingent_units[tag.index]
                .iter()
                .map(|&u| killed_by_unit[u])
                .sum();
            if f64::from(killed) >= tolerance {
                policy.contingents_withdrawn = true;
                for (u, mut readiness, mut orders, ..) in &mut units {
                    if u.contingent.as_deref() == Some(spec.name.as_str()) {
                        leave(&mut readiness, &mut orders, tag.index);
                    }
                }
                let what = format!("pulls its contingents out after {killed} killed");
                log.write(Logged {
                    kind: EventKind::Policy,
                    text: format!("{} {what}", spec.name),
                });
                status.withdrawals.push((hours, tag.index, what));
            }
        }

        // A sponsor weighs pressure against resolve.
        let Some(resolve) = spec.resolve.filter(|r| *r > 0.0) else {
            continue;
        };
        if clock.tick < policy.next_decision_tick {
            continue;
        }
        let every = (spec.policy.decide_every_days * 24.0 / clock.tick_hours)
            .round()
            .max(1.0) as u64;
        policy.next_decision_tick = clock.tick + every;
        let ratio = policy.pressure / resolve;
        let need = units.iter().any(|(u, readiness, ..)| {
            *readiness == Readiness::Active
                && (spec.forces.contains(&u.faction) || spec.proxies.contains(&u.faction))
                && broken.get(u.index).copied().unwrap_or(false)
        });
        let stance = stance_for(policy.stance, ratio, need, &spec.policy);
        if stance != policy.stance {
            log.write(Logged {
                kind: EventKind::Policy,
                text: format!(
                    "{}: {} (pressure {:.1}, {:.0}% of its resolve)",
                    spec.name,
                    stance.word(),
                    policy.pressure,
                    100.0 * ratio
                ),
            });
        }
        let first_time = stance != policy.stance;
        policy.stance = stance;
        status.stance[tag.index] = stance;
        match stance {
            Stance::Hold => {}
            Stance::Reinforce => {
                if let Some(&next) = spec.reserves.get(policy.reserves_sent) {
                    policy.reserves_sent += 1;
                    for (u, mut readiness, ..) in &mut units {
                        if u.index == next && *readiness == Readiness::Held {
                            *readiness = Readiness::Pending {
                                arrival_tick: clock.tick + 1,
                            };
                            log.write(Logged {
                                kind: EventKind::Policy,
                                text: format!(
                                    "{} sends {}",
                                    spec.name, theatre.unit_names[u.index]
                                ),
                            });
                        }
                    }
                }
            }
            Stance::DrawDown => {
                // Halt the offensive; pull out the largest unit still in.
                let mut largest: Option<(u32, usize)> = None;
                for (u, readiness, mut orders, _, strength, _) in &mut units {
                    if !spec.forces.contains(&u.faction) {
                        continue;
                    }
                    if orders.standing == Posture::Attack {
                        orders.standing = Posture::Defend;
                        if orders.posture == Posture::Attack {
                            orders.posture = Posture::Defend;
                        }
                    }
                    if *readiness == Readiness::Active
                        && orders.leaving_for.is_none()
                        && largest.is_none_or(|(p, i)| {
                            (strength.personnel, std::cmp::Reverse(u.index))
                                > (p, std::cmp::Reverse(i))
                        })
                    {
                        largest = Some((strength.personnel, u.index));
                    }
                }
                if let Some((personnel, index)) = largest {
                    for (u, mut readiness, mut orders, ..) in &mut units {
                        if u.index == index {
                            leave(&mut readiness, &mut orders, tag.index);
                        }
                    }
                    let what = format!(
                        "draws down: {} ({personnel}) leaves",
                        theatre.unit_names[index]
                    );
                    log.write(Logged {
                        kind: EventKind::Policy,
                        text: format!("{} {what}", spec.name),
                    });
                    status.withdrawals.push((hours, tag.index, what));
                }
            }
            Stance::Withdraw if first_time => {
                for (u, mut readiness, mut orders, _, _, mut morale) in &mut units {
                    if spec.forces.contains(&u.faction) {
                        leave(&mut readiness, &mut orders, tag.index);
                    } else if spec.proxies.contains(&u.faction) {
                        morale.value =
                            (morale.value - params.0.diplomacy.abandonment_shock).max(0.0);
                    }
                }
                let what = "withdraws its forces and cuts its proxies' supply".to_owned();
                log.write(Logged {
                    kind: EventKind::Policy,
                    text: format!("{} {what}", spec.name),
                });
                status.withdrawals.push((hours, tag.index, what));
                // Its proxies keep what they hold: places go back only through the terms of
                // an agreement (systems/ceasefire.rs).
            }
            Stance::Withdraw => {}
        }
    }
}

/// Send a unit home: an active unit heads for its state's country, one not yet arrived never
/// comes.
fn leave(readiness: &mut Readiness, orders: &mut Orders, state: usize) {
    match *readiness {
        Readiness::Active => {
            orders.leaving_for = Some(state);
            orders.posture = Posture::Withdraw;
        }
        Readiness::Pending { .. } | Readiness::Held => *readiness = Readiness::Withdrawn,
        Readiness::Out | Readiness::Withdrawn => {}
    }
}
