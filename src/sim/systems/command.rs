//! Operational command: a side's campaign (an ordered, optionally conditional plan of
//! objectives), attackers re-tasked to it when their own objectives are done, reserves
//! committed to a group short of its force ratio, and the rule by which a group masses at its
//! staging place before it assaults a defended place.
//!
//! See docs/MODEL.md, "Command".

use std::collections::{BTreeMap, HashMap};

use bevy_ecs::prelude::*;

use crate::scenario::{FactionKind, Posture, Scenario};
use crate::sim::components::{
    Condition, Morale, Orders, Position, Readiness, Strength, Supply, Unit,
};
use crate::sim::messages::Logged;
use crate::sim::pathing::nearest;
use crate::sim::resources::{Clock, ControlMap, EventKind, SimParams, Theatre};

/// One objective of a side's campaign, resolved to place indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    /// Place to take.
    pub place: usize,
    /// Places the side must hold before the command turns to this one.
    pub after: Vec<usize>,
    /// Days the command pauses after the place is taken.
    pub consolidate_days: f64,
}

/// An assault group: the attacking units of one side standing at the staging places next to
/// one defended place whose next step enters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey {
    /// Side index.
    pub side: usize,
    /// Place it would assault.
    pub target: usize,
}

/// What an assault group amounts to this tick.
#[derive(Debug, Clone, Copy, Default)]
pub struct Group {
    /// The first of its staging places (in unit order): where reserves join it.
    pub staging: usize,
    /// Staging places it stands at.
    pub stagings: usize,
    /// Units in it.
    pub units: usize,
    /// Combat power (see [`combat_power`]).
    pub power: f64,
    /// Personnel, persons.
    pub personnel: f64,
    /// Supply held, person-days of supply (personnel × days).
    pub supply_person_days: f64,
    /// Whether any of its units has a path to a supply source.
    pub connected: bool,
    /// Other attackers of its side, anywhere, whose objective is the group's target: those it
    /// waits for.
    pub coming: usize,
}

/// The command of every side: its campaign and the state of its assault groups.
#[derive(Resource, Debug, Clone, Default)]
pub struct Command {
    /// By side: its campaign (empty when the side is not under command).
    pub campaigns: Vec<Vec<Objective>>,
    /// By side: the campaign's current objective (place index), if one remains that may be
    /// pursued.
    pub current: Vec<Option<usize>>,
    /// By side: every objective of its campaign is held (or was handed back by it).
    pub complete: Vec<bool>,
    /// By side: the tick from which it may launch assaults again after consolidating.
    pub consolidate_until: Vec<u64>,
    /// By side, for each objective: whether the side held it at the last look.
    held: Vec<Vec<bool>>,
    /// Whether the command has looked at the map once (what is held at the start is not
    /// "taken").
    started: bool,
    /// Assault groups waiting at their staging place, with the tick they began to wait.
    pub waiting: BTreeMap<GroupKey, u64>,
    /// Assault groups that waited short of their ratio this tick: their staging place and the
    /// power they lack.
    pub short: BTreeMap<GroupKey, (usize, f64)>,
}

impl Command {
    /// The command of each side of `scenario`: the campaigns of its factions joined in faction
    /// order, or, for a side with none, its attacking units' objectives in the order the units
    /// list them (each after the one before).
    pub fn new(scenario: &Scenario, theatre: &Theatre) -> Self {
        let place_index: HashMap<&str, usize> = theatre
            .places
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        let sides = theatre.sides.len();
        let mut campaigns: Vec<Vec<Objective>> = vec![Vec::new(); sides];
        for (f, faction) in scenario.factions.iter().enumerate() {
            let side = theatre.factions[f].side;
            for o in &faction.campaign {
                let Some(&place) = place_index.get(o.place.as_str()) else {
                    continue;
                };
                let after = match &o.after {
                    Some(list) => list
                        .iter()
                        .filter_map(|a| place_index.get(a.as_str()).copied())
                        .collect(),
                    None => campaigns[side]
                        .last()
                        .map(|p| vec![p.place])
                        .unwrap_or_default(),
                };
                campaigns[side].push(Objective {
                    place,
                    after,
                    consolidate_days: o.consolidate_days,
                });
            }
        }
        for (side, campaign) in campaigns.iter_mut().enumerate() {
            if !campaign.is_empty() {
                continue;
            }
            for u in scenario
                .units
                .iter()
                .filter(|u| u.posture == Posture::Attack)
            {
                let in_side = theatre
                    .factions
                    .iter()
                    .any(|f| f.id == u.faction && f.side == side);
                if !in_side {
                    continue;
                }
                for o in &u.objectives {
                    let Some(&place) = place_index.get(o.as_str()) else {
                        continue;
                    };
                    if campaign.iter().all(|c| c.place != place) {
                        let after = campaign.last().map(|p| vec![p.place]).unwrap_or_default();
                        campaign.push(Objective {
                            place,
                            after,
                            consolidate_days: 0.0,
                        });
                    }
                }
            }
        }
        Command {
            held: campaigns.iter().map(|c| vec![false; c.len()]).collect(),
            campaigns,
            current: vec![None; sides],
            complete: vec![false; sides],
            started: false,
            consolidate_until: vec![0; sides],
            waiting: BTreeMap::new(),
            short: BTreeMap::new(),
        }
    }

    /// Replace `side`'s campaign (an order by an event; issue 14, "Orders"): its current
    /// objective is found afresh at the next look, and what the side holds now does not count
    /// as taken then (no pause to consolidate for it).
    pub fn replace_campaign(&mut self, side: usize, campaign: Vec<Objective>) {
        if side >= self.campaigns.len() {
            return;
        }
        self.held[side] = vec![true; campaign.len()];
        self.campaigns[side] = campaign;
        self.current[side] = None;
        self.complete[side] = false;
    }

    /// Whether `side` is under command (it has a campaign).
    pub fn commands(&self, side: usize) -> bool {
        self.campaigns.get(side).is_some_and(|c| !c.is_empty())
    }

    /// Decide, for every assault group of this tick, whether it goes in: not while its side
    /// consolidates or the group, connected to its supply, is short of supply; else once its
    /// power reaches `assault_ratio` times the defenders' (`defence(key)`), once no other
    /// attacker of its side heads for the target (nobody to wait for), or once it has waited
    /// `max_wait_days`. Groups that wait short of their ratio are kept in
    /// [`Command::short`] for the reserves; groups no longer there stop waiting.
    pub fn decide_assaults(
        &mut self,
        groups: &BTreeMap<GroupKey, Group>,
        defence: impl Fn(GroupKey) -> f64,
        params: &crate::scenario::params::CommandParams,
        clock: &Clock,
        theatre: &Theatre,
        log: &mut MessageWriter<Logged>,
    ) -> BTreeMap<GroupKey, bool> {
        let mut decisions = BTreeMap::new();
        let mut waiting = BTreeMap::new();
        self.short.clear();
        for (&key, g) in groups {
            let defenders = defence(key);
            let first = self.waiting.get(&key).copied().unwrap_or(clock.tick);
            let waited_days = (clock.tick - first) as f64 * clock.dt_days();
            let consolidating = self
                .consolidate_until
                .get(key.side)
                .is_some_and(|&t| clock.tick < t);
            let mean_supply = g.supply_person_days / g.personnel.max(1.0);
            let resupplying = g.connected && mean_supply < params.pause_supply_days;
            let needed = params.assault_ratio * defenders;
            let ratio_met = g.power >= needed;
            let go = !consolidating
                && !resupplying
                && (ratio_met || g.coming == 0 || waited_days >= params.max_wait_days);
            if go {
                let ratio = if defenders > 0.0 {
                    format!("{:.1}", g.power / defenders)
                } else {
                    "∞".to_owned()
                };
                log.write(Logged {
                    kind: EventKind::Command,
                    text: format!(
                        "{}: {} unit(s), {:.0} personnel, go in from {}{} on {} at a force ratio of {ratio} after {:.1} days' wait",
                        theatre.sides[key.side],
                        g.units,
                        g.personnel,
                        theatre.places[g.staging].name,
                        if g.stagings > 1 { " and elsewhere" } else { "" },
                        theatre.places[key.target].name,
                        waited_days
                    ),
                });
            } else {
                waiting.insert(key, first);
                if !ratio_met {
                    self.short.insert(key, (g.staging, needed - g.power));
                }
            }
            decisions.insert(key, go);
        }
        self.waiting = waiting;
        decisions
    }
}

/// A unit's combat power as the command reckons it: personnel × firepower × (0.2 + 0.8 ×
/// morale) × the supply factor × its exposure (peacekeepers' and regional forces' share of
/// their personnel exposed to fire), before posture, terrain and fortification.
pub fn combat_power(
    theatre: &Theatre,
    params: &crate::scenario::Params,
    unit: &Unit,
    strength: &Strength,
    morale: &Morale,
    supply: &Supply,
) -> f64 {
    let supply_factor = if supply.days > 0.0 {
        1.0
    } else {
        params.supply.out_of_supply_firepower
    };
    let exposure = match theatre.factions[unit.faction].kind {
        FactionKind::Peacekeeper => params.combat.peacekeeper_exposure,
        FactionKind::RegionalForce => params.combat.regional_force_exposure,
        _ => 1.0,
    };
    f64::from(strength.personnel)
        * strength.firepower
        * (0.2 + 0.8 * morale.value)
        * supply_factor
        * exposure
}

/// Follow each side's campaign: find its current objective, start a pause to consolidate when
/// an objective falls, re-task attackers whose own objectives are all held (to the current
/// objective, or to holding what was taken once the campaign is complete), and commit idle
/// reserves to groups short of their ratio.
#[allow(clippy::type_complexity)]
pub fn direct_campaigns(
    theatre: Res<Theatre>,
    control: Res<ControlMap>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    mut command: ResMut<Command>,
    mut log: MessageWriter<Logged>,
    mut units: Query<(
        &Unit,
        &Readiness,
        &Position,
        &mut Orders,
        &Condition,
        &Strength,
        &Morale,
        &Supply,
    )>,
) {
    let p = &params.0.command;
    if !p.enabled {
        return;
    }
    let command = &mut *command;
    for side in 0..command.campaigns.len() {
        let campaign = &command.campaigns[side];
        if campaign.is_empty() {
            continue;
        }
        let held_now: Vec<bool> = campaign
            .iter()
            .map(|o| control.friendly_to_side(o.place, side))
            .collect();
        for (k, o) in campaign.iter().enumerate() {
            if command.started && held_now[k] && !command.held[side][k] && o.consolidate_days > 0.0
            {
                let ticks = (o.consolidate_days * 24.0 / clock.tick_hours).round() as u64;
                let until = clock.tick + ticks;
                command.consolidate_until[side] = command.consolidate_until[side].max(until);
                log.write(Logged {
                    kind: EventKind::Command,
                    text: format!(
                        "{}: {} taken; the command consolidates for {} days",
                        theatre.sides[side], theatre.places[o.place].name, o.consolidate_days
                    ),
                });
            }
        }
        let done = |k: usize| held_now[k] || control.ceded[campaign[k].place] == Some(side);
        let current = (0..campaign.len())
            .find(|&k| {
                !done(k)
                    && campaign[k]
                        .after
                        .iter()
                        .all(|&a| control.friendly_to_side(a, side))
            })
            .map(|k| campaign[k].place);
        let complete = (0..campaign.len()).all(done);
        if current != command.current[side] || complete != command.complete[side] {
            let text = match current {
                Some(place) => format!(
                    "{}: the campaign's next objective is {}",
                    theatre.sides[side], theatre.places[place].name
                ),
                None if complete => format!(
                    "{}: every objective of the campaign is held; attackers hold what was taken",
                    theatre.sides[side]
                ),
                None => format!(
                    "{}: the campaign waits for its conditions",
                    theatre.sides[side]
                ),
            };
            log.write(Logged {
                kind: EventKind::Command,
                text,
            });
        }
        command.current[side] = current;
        command.complete[side] = complete;
        command.held[side] = held_now;
    }

    command.started = true;
    let mut short = std::mem::take(&mut command.short);
    let reach = p.commit_reach_hours;
    let mut within_reach: HashMap<(usize, usize, usize), bool, foldhash::fast::FixedState> =
        HashMap::default();
    for (unit, readiness, position, mut orders, condition, strength, morale, supply) in &mut units {
        let side = unit.side;
        if *readiness != Readiness::Active
            || condition.broken
            || condition.out_of_the_fight()
            || orders.leaving_for.is_some()
            || unit.peacekeeper
            || !command.commands(side)
        {
            continue;
        }
        let name = &theatre.unit_names[unit.index];
        match orders.standing {
            Posture::Attack => {
                let remaining = orders
                    .objectives
                    .iter()
                    .any(|&o| !control.friendly_to_side(o, side) && control.ceded[o] != Some(side));
                if remaining {
                    continue;
                }
                if let Some(next) = command.current[side] {
                    orders.objectives.push(next);
                    log.write(Logged {
                        kind: EventKind::Command,
                        text: format!(
                            "{name} is re-tasked to the campaign: {}",
                            theatre.places[next].name
                        ),
                    });
                } else if command.complete[side] {
                    orders.standing = Posture::Reserve;
                    if orders.posture == Posture::Attack {
                        orders.posture = Posture::Reserve;
                    }
                    log.write(Logged {
                        kind: EventKind::Command,
                        text: format!("{name} holds what was taken (reserve)"),
                    });
                }
            }
            Posture::Reserve if orders.posture == Posture::Reserve => {
                let Position::At(here) = *position else {
                    continue;
                };
                if control.hostile_to_side(here, side) || short.is_empty() {
                    continue;
                }
                let held = |q: usize| control.friendly_to_side(q, side);
                // The side's groups are the keys from (side, 0) to (side, last place), in
                // the map's order; whether a staging place is within reach is asked once per
                // (side, place, staging place) in the tick (control does not change in it).
                let first = GroupKey { side, target: 0 };
                let last = GroupKey {
                    side,
                    target: usize::MAX,
                };
                let found = short
                    .range(first..=last)
                    .filter(|(_, (_, lack))| *lack > 0.0)
                    .map(|(k, (staging, _))| (*k, *staging))
                    .find(|&(_, staging)| {
                        staging == here
                            || *within_reach
                                .entry((side, here, staging))
                                .or_insert_with(|| {
                                    nearest(&theatre, here, held, |q| q == staging, reach).is_some()
                                })
                    });
                if let Some((key, staging)) = found {
                    let power = combat_power(&theatre, &params.0, unit, strength, morale, supply);
                    if let Some((_, lack)) = short.get_mut(&key) {
                        *lack -= power;
                    }
                    orders.standing = Posture::Attack;
                    orders.posture = Posture::Attack;
                    orders.objectives = vec![key.target];
                    log.write(Logged {
                        kind: EventKind::Command,
                        text: format!(
                            "{name} is committed from reserve to the group at {} against {}",
                            theatre.places[staging].name, theatre.places[key.target].name
                        ),
                    });
                }
            }
            _ => {}
        }
    }
    command.short = short;
}
