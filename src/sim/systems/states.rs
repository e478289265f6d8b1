//! States decide: sponsors weigh pressure against a resolve that erodes under sustained pressure
//! (reinforce, hold, draw down to a target, withdraw, each after a decision lag); allies and
//! troop contributors stop fighting on the fall of what they came to defend or their partner's
//! rout, and leave on their dead or a regional body's call, after a lag.
//!
//! See docs/MODEL.md, "States".

use bevy_ecs::prelude::*;

use crate::scenario::{Exit, FactionKind, Posture, Stance};
use crate::sim::components::{
    Casualties, Condition, Morale, Orders, Readiness, StateActorTag, StatePolicy, Strength, Unit,
};
use crate::sim::messages::Logged;
use crate::sim::politics::{
    Ceasefires, EventsFired, PoliticalStatus, Politics, StateSpec, Tallies, View,
};
use crate::sim::resources::{Clock, ControlMap, EventKind, SimParams, Theatre};

/// The units a state's decisions move.
type StateUnits<'w, 's> = Query<
    'w,
    's,
    (
        &'static Unit,
        &'static mut Readiness,
        &'static mut Orders,
        &'static Casualties,
        &'static mut Strength,
        &'static mut Morale,
        &'static mut Condition,
    ),
>;

/// The stance a sponsor's rule calls for at a pressure-to-resolve ratio, given whether its
/// side needs help and whether its objectives are all held (withdrawal is final).
pub fn stance_for(
    current: Stance,
    ratio: f64,
    need: bool,
    objectives_held: bool,
    policy: &crate::scenario::Policy,
) -> Stance {
    let draw_down_at = if objectives_held {
        policy.draw_down_at.min(policy.draw_down_held_at)
    } else {
        policy.draw_down_at
    };
    if current == Stance::Withdraw || ratio >= policy.withdraw_at {
        Stance::Withdraw
    } else if ratio >= draw_down_at {
        Stance::DrawDown
    } else if ratio < policy.reinforce_below && need {
        Stance::Reinforce
    } else {
        Stance::Hold
    }
}

/// Days a sponsor's rule must call for `stance` before it is taken.
fn lag_days(stance: Stance, policy: &crate::scenario::Policy) -> f64 {
    match stance {
        Stance::Reinforce => policy.reinforce_lag_days,
        Stance::Hold => policy.hold_lag_days,
        Stance::DrawDown => policy.draw_down_lag_days,
        Stance::Withdraw => policy.withdraw_lag_days,
    }
}

/// The stance taken at this decision: the one the rule calls for once it has called for it,
/// decision after decision, for its lag; until then the current one.
pub fn lagged_stance(
    policy: &mut StatePolicy,
    desired: Stance,
    lag_days: f64,
    tick: u64,
    tick_hours: f64,
) -> Stance {
    if desired == policy.stance {
        policy.pending = None;
        return desired;
    }
    let since = match policy.pending {
        Some((s, since)) if s == desired => since,
        _ => {
            policy.pending = Some((desired, tick));
            tick
        }
    };
    if (tick - since) as f64 * tick_hours / 24.0 >= lag_days - 1e-9 {
        policy.pending = None;
        desired
    } else {
        policy.stance
    }
}

/// The share of a faction's strength (its units' personnel plus their losses) broken, out of
/// the fight or lost: 1 − (personnel of its active, unbroken units in the fight) / strength,
/// from the two sums `(strength, fit)` over its units that are not held or pending.
fn rout_share((strength, fit): (u64, u64)) -> f64 {
    if strength == 0 {
        0.0
    } else {
        1.0 - fit as f64 / strength as f64
    }
}

/// Why an ally decides now: a place it defends that has fallen, its partner's rout, a leave
/// condition holding.
struct AllyReasons {
    fallen: Option<usize>,
    routed: bool,
    called: bool,
    /// Its rule for asking its allies for help holds.
    asks: bool,
    /// Its intervention's own condition holds.
    would_intervene: bool,
}

/// What the states system reads of the units each tick, kept from tick to tick to spare the
/// allocations.
#[derive(Default)]
pub struct StatesScratch {
    /// Whether each unit (by index) is broken.
    broken: Vec<bool>,
    /// Killed of each unit (by index).
    killed_by_unit: Vec<u32>,
    /// For each faction, its units' `(strength, fit)` personnel ([`rout_share`]).
    fight: Vec<(u64, u64)>,
    /// Every state's reasons to decide this tick.
    reasons: Vec<AllyReasons>,
}

/// Let every state decide.
#[allow(clippy::too_many_arguments)]
pub fn decide_state_policies(
    politics: Res<Politics>,
    theatre: Res<Theatre>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    tallies: Res<Tallies>,
    ceasefires: Res<Ceasefires>,
    fired: Res<EventsFired>,
    control: Res<ControlMap>,
    mut states: Query<(&StateActorTag, &mut StatePolicy)>,
    mut units: StateUnits,
    mut status: ResMut<PoliticalStatus>,
    mut scratch: Local<StatesScratch>,
    mut log: MessageWriter<Logged>,
) {
    if politics.states.is_empty() {
        return;
    }
    let hours = clock.hours_at_end_of_tick();
    let ticks = |days: f64| (days.max(0.0) * 24.0 / clock.tick_hours).round() as u64;
    let StatesScratch {
        broken,
        killed_by_unit,
        fight,
        reasons,
    } = &mut *scratch;
    let n_units = theatre.unit_names.len();
    broken.clear();
    broken.resize(n_units, false);
    killed_by_unit.clear();
    killed_by_unit.resize(n_units, 0);
    // The partners' strength and fit personnel, in one pass, if any state has a partner.
    let partners = politics.states.iter().any(|s| s.partner.is_some());
    fight.clear();
    fight.resize(if partners { theatre.factions.len() } else { 0 }, (0, 0));
    for (u, readiness, _, casualties, s, _, condition) in &units {
        broken[u.index] = condition.broken;
        killed_by_unit[u.index] = casualties.killed;
        if matches!(*readiness, Readiness::Held | Readiness::Pending { .. }) {
            continue;
        }
        if let Some((strength, fit)) = fight.get_mut(u.faction) {
            *strength += u64::from(s.personnel + casualties.total());
            if *readiness == Readiness::Active && !condition.broken && !condition.out_of_the_fight()
            {
                *fit += u64::from(s.personnel);
            }
        }
    }
    let broken = &*broken;
    // Every ally's reasons, read before any decision changes the world.
    reasons.clear();
    {
        let view = View {
            clock: &clock,
            theatre: &theatre,
            control: &control,
            tallies: &tallies,
            status: &status,
            ceasefires: &ceasefires,
            fired: &fired,
            politics: &politics,
        };
        reasons.extend(politics.states.iter().enumerate().map(|(index, spec)| {
            let side = politics.contingent_units[index]
                .iter()
                .map(|&u| &theatre.factions[theatre.unit_factions[u]])
                .find(|f| f.kind != FactionKind::Peacekeeper)
                .map(|f| f.side)
                .or_else(|| spec.partner.map(|f| theatre.factions[f].side));
            AllyReasons {
                fallen: side.and_then(|side| {
                    spec.defends
                        .iter()
                        .copied()
                        .find(|&p| !control.friendly_to_side(p, side))
                }),
                routed: spec.partner.is_some_and(|f| {
                    rout_share(fight.get(f).copied().unwrap_or((0, 0))) >= spec.partner_rout_share
                }),
                called: spec.leave_when.as_ref().is_some_and(|c| view.holds(c)),
                asks: spec
                    .request_help_when
                    .as_ref()
                    .is_some_and(|c| view.holds(c)),
                would_intervene: spec
                    .intervention
                    .as_ref()
                    .is_some_and(|i| view.holds(&i.when)),
            }
        }));
    }
    let reasons = &*reasons;
    // Requests for help, before anyone decides on them.
    for (index, why) in reasons.iter().enumerate() {
        if why.asks && status.help_requested[index].is_none() {
            status.help_requested[index] = Some(clock.tick);
            log.write(Logged {
                kind: EventKind::Policy,
                text: format!("{} asks its allies for help", politics.states[index].name),
            });
        }
    }
    for (tag, mut policy) in &mut states {
        let spec = &politics.states[tag.index];
        let why = &reasons[tag.index];
        let lag = || ticks(spec.decision_lag_days);

        // An ally stops fighting on the fall of what it came to defend or its partner's rout.
        if !policy.contingents_stopped
            && !policy.contingents_withdrawn
            && (why.fallen.is_some() || why.routed)
        {
            let since = *policy.stop_since.get_or_insert(clock.tick);
            if clock.tick >= since + lag() {
                policy.contingents_stopped = true;
                let reason = match why.fallen {
                    Some(p) => format!("the fall of {}", theatre.places[p].name),
                    None => "its partner's rout".to_owned(),
                };
                stop_fighting(
                    spec,
                    tag.index,
                    &politics,
                    &theatre,
                    &mut units,
                    &mut status.exits_by_side,
                    &mut log,
                );
                let what = format!(
                    "stops fighting: its contingents {} after {reason}",
                    spec.exit.words()
                );
                log.write(Logged {
                    kind: EventKind::Policy,
                    text: format!("{} {what}", spec.name),
                });
                status.withdrawals.push((hours, tag.index, what));
            }
        }

        // A troop contributor leaves on its dead or a regional body's call.
        let killed: u32 = politics.contingent_units[tag.index]
            .iter()
            .map(|&u| killed_by_unit[u])
            .sum();
        let too_many = spec
            .casualty_tolerance
            .is_some_and(|tolerance| f64::from(killed) >= tolerance);
        if !policy.contingents_withdrawn && (too_many || why.called) {
            let since = *policy.leave_since.get_or_insert(clock.tick);
            if clock.tick >= since + lag() {
                policy.contingents_withdrawn = true;
                for (u, mut readiness, mut orders, _, strength, ..) in &mut units {
                    if u.contingent.as_deref() == Some(spec.name.as_str()) {
                        if *readiness == Readiness::Active {
                            note_exit(&mut status.exits_by_side, u.side, strength.personnel);
                        }
                        leave(&mut readiness, &mut orders, tag.index);
                    }
                }
                let what = if too_many {
                    format!("pulls its contingents out after {killed} killed")
                } else {
                    "pulls its contingents out at a regional body's call".to_owned()
                };
                log.write(Logged {
                    kind: EventKind::Policy,
                    text: format!("{} {what}", spec.name),
                });
                status.withdrawals.push((hours, tag.index, what));
            }
        }

        // A state intervenes on an ally's request once its conditions hold, after its lag.
        if let Some(intervention) = &spec.intervention
            && !policy.intervened
        {
            let asked = status.help_requested[intervention.on_request_of];
            if status.intervening_since[tag.index].is_none()
                && asked.is_some()
                && why.would_intervene
            {
                status.intervening_since[tag.index] = Some(clock.tick);
                log.write(Logged {
                    kind: EventKind::Policy,
                    text: format!(
                        "{} decides to intervene at {}'s request; its forces enter in {} days",
                        spec.name,
                        politics.states[intervention.on_request_of].name,
                        intervention.lag_days
                    ),
                });
            }
            if let Some(since) = status.intervening_since[tag.index]
                && clock.tick >= since + ticks(intervention.lag_days)
            {
                policy.intervened = true;
                for (u, mut readiness, ..) in &mut units {
                    if intervention.units.contains(&u.index) && *readiness == Readiness::Held {
                        *readiness = Readiness::Pending {
                            arrival_tick: clock.tick + 1,
                        };
                        log.write(Logged {
                            kind: EventKind::Policy,
                            text: format!(
                                "{} intervenes: {} enters the theatre",
                                spec.name, theatre.unit_names[u.index]
                            ),
                        });
                    }
                }
            }
        }

        // A sponsor weighs pressure against a resolve that erodes under pressure.
        if spec.resolve.filter(|r| *r > 0.0).is_none() {
            continue;
        }
        let dt = clock.dt_days();
        let eroding = policy.pressure / policy.resolve;
        policy.resolve *= (-spec.policy.resolve_erosion_per_day * eroding * dt).exp();
        status.resolve[tag.index] = policy.resolve;
        if clock.tick < policy.next_decision_tick {
            continue;
        }
        let every = (spec.policy.decide_every_days * 24.0 / clock.tick_hours)
            .round()
            .max(1.0) as u64;
        policy.next_decision_tick = clock.tick + every;
        let ratio = policy.pressure / policy.resolve;
        let need = units.iter().any(|(u, readiness, ..)| {
            *readiness == Readiness::Active
                && (spec.forces.contains(&u.faction) || spec.proxies.contains(&u.faction))
                && broken.get(u.index).copied().unwrap_or(false)
        });
        let own_side = spec
            .forces
            .iter()
            .chain(&spec.proxies)
            .next()
            .map(|&f| theatre.factions[f].side);
        let held = !spec.objectives.is_empty()
            && own_side.is_some_and(|side| {
                spec.objectives
                    .iter()
                    .all(|&p| control.friendly_to_side(p, side))
            });
        let desired = stance_for(policy.stance, ratio, need, held, &spec.policy);
        let stance = lagged_stance(
            &mut policy,
            desired,
            lag_days(desired, &spec.policy),
            clock.tick,
            clock.tick_hours,
        );
        if stance != policy.stance {
            log.write(Logged {
                kind: EventKind::Policy,
                text: format!(
                    "{}: {} (pressure {:.1}, {:.0}% of its resolve of {:.1})",
                    spec.name,
                    stance.word(),
                    policy.pressure,
                    100.0 * ratio,
                    policy.resolve
                ),
            });
        }
        let first_time = stance != policy.stance;
        policy.stance = stance;
        status.stance[tag.index] = stance;
        if stance != Stance::DrawDown {
            policy.drawdown_target = None;
        }
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
                // Halt the offensive; pull out the largest unit whose leaving keeps the force at
                // or above its target, one per decision, and stop there.
                let mut in_theatre = 0u32;
                for (u, _, mut orders, ..) in &mut units {
                    if !spec.forces.contains(&u.faction) {
                        continue;
                    }
                    if orders.standing == Posture::Attack {
                        orders.standing = Posture::Defend;
                        if orders.posture == Posture::Attack {
                            orders.posture = Posture::Defend;
                        }
                    }
                }
                for (u, readiness, orders, _, strength, ..) in &units {
                    if spec.forces.contains(&u.faction)
                        && *readiness == Readiness::Active
                        && orders.leaving_for.is_none()
                    {
                        in_theatre += strength.personnel;
                    }
                }
                let target = *policy.drawdown_target.get_or_insert_with(|| {
                    (f64::from(in_theatre) * spec.policy.draw_down_to.clamp(0.0, 1.0)).round()
                        as u32
                });
                let room = in_theatre.saturating_sub(target);
                let mut largest: Option<(u32, usize)> = None;
                for (u, readiness, orders, _, strength, ..) in &units {
                    if spec.forces.contains(&u.faction)
                        && *readiness == Readiness::Active
                        && orders.leaving_for.is_none()
                        && strength.personnel <= room
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
                        "draws down: {} ({personnel}) leaves, {} of its target {target} stay",
                        theatre.unit_names[index],
                        in_theatre - personnel
                    );
                    log.write(Logged {
                        kind: EventKind::Policy,
                        text: format!("{} {what}", spec.name),
                    });
                    status.withdrawals.push((hours, tag.index, what));
                }
            }
            Stance::Withdraw if first_time => {
                for (u, mut readiness, mut orders, _, _, mut morale, _) in &mut units {
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

/// An ally's contingents (not its peacekeepers, whose mandate keeps them in their bases) stop
/// fighting as its `exit` says.
fn stop_fighting(
    spec: &StateSpec,
    state: usize,
    politics: &Politics,
    theatre: &Theatre,
    units: &mut StateUnits,
    exits_by_side: &mut [f64],
    log: &mut MessageWriter<Logged>,
) {
    for (u, mut readiness, mut orders, _, mut strength, _, mut condition) in units.iter_mut() {
        if !politics.contingent_units[state].contains(&u.index)
            || theatre.factions[u.faction].kind == FactionKind::Peacekeeper
        {
            continue;
        }
        match *readiness {
            Readiness::Pending { .. } | Readiness::Held => {
                *readiness = Readiness::Withdrawn;
                continue;
            }
            Readiness::Out | Readiness::Withdrawn => continue,
            Readiness::Active => {}
        }
        note_exit(exits_by_side, u.side, strength.personnel);
        match spec.exit {
            Exit::Withdraw => leave(&mut readiness, &mut orders, state),
            Exit::Shelter | Exit::Disarm => {
                // Out of the fight for good: cantoned (it neither fights nor holds) and counted
                // as broken (it does not break again or rally).
                condition.cantoned = true;
                condition.broken = true;
                orders.posture = Posture::Defend;
                if spec.exit == Exit::Disarm {
                    strength.firepower = 0.0;
                }
            }
            Exit::Corridor => {
                *readiness = Readiness::Withdrawn;
                log.write(Logged {
                    kind: EventKind::Policy,
                    text: format!(
                        "{} leaves the theatre by an agreed corridor with {} personnel",
                        theatre.unit_names[u.index], strength.personnel
                    ),
                });
            }
        }
    }
}

/// Count a contingent that stops fighting or leaves, for the diplomatic actors (thousands of
/// troops by side; docs/MODEL.md, "Diplomacy").
fn note_exit(exits_by_side: &mut [f64], side: usize, personnel: u32) {
    if let Some(x) = exits_by_side.get_mut(side) {
        *x += f64::from(personnel) / 1000.0;
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
