//! The political state of a run: the resolved actors, states, rungs and events of the
//! scenario, what has happened so far, and conditions on it.

use bevy_ecs::prelude::Resource;

use super::resources::{Captor, Clock, ControlMap, Theatre};
use crate::scenario::{Exit, Instrument, Mediation, Policy, Stance, Step, TriggerWeights};

/// The terms of a mediator's agreements, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct TermsSpec {
    /// Place indices to be withdrawn from.
    pub withdraw_from: Vec<usize>,
    /// Days from the agreement to the deadline.
    pub deadline_days: f64,
    /// Faction index the places return to (else each place's previous holder).
    pub return_to: Option<usize>,
}

/// An actor with its references resolved.
#[derive(Debug, Clone)]
pub struct ActorSpec {
    /// Scenario id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// State index of its target.
    pub target: usize,
    /// Closeness to the target, 0–1.
    pub closeness: f64,
    /// Decay rate of attention, per day.
    pub decay_per_day: f64,
    /// Institutional lag, days, added to every step's deliberation.
    pub lag_days: f64,
    /// Deliberation time of each step of the ladder, days (the step's own or the default for
    /// its kind of instrument).
    pub deliberation_days: Vec<f64>,
    /// Terms of its agreements, if it mediates with terms.
    pub terms: Option<TermsSpec>,
    /// Attention per unit of each trigger.
    pub weights: TriggerWeights,
    /// Its ladder.
    pub ladder: Vec<Step>,
    /// How it mediates, if it does.
    pub mediation: Option<Mediation>,
}

/// A state with its references resolved.
#[derive(Debug, Clone)]
pub struct StateSpec {
    /// Name (e.g. "Rwanda").
    pub name: String,
    /// Pressure it bears, if limited.
    pub resolve: Option<f64>,
    /// Faction indices of its own forces.
    pub forces: Vec<usize>,
    /// Faction indices of its proxies.
    pub proxies: Vec<usize>,
    /// Unit indices of its held reserves, in order.
    pub reserves: Vec<usize>,
    /// Deaths among its contingents it bears, if limited.
    pub casualty_tolerance: Option<f64>,
    /// Its policy thresholds.
    pub policy: Policy,
    /// Place indices its campaign aims to hold (a sponsor draws down sooner once all are held).
    pub objectives: Vec<usize>,
    /// Place indices its contingents came to defend.
    pub defends: Vec<usize>,
    /// Faction index of the army its contingents came to support, if any.
    pub partner: Option<usize>,
    /// Share of the partner's strength broken or lost at which it counts as routed.
    pub partner_rout_share: f64,
    /// When its contingents leave (a regional body's call), if ever.
    pub leave_when: Option<Cond>,
    /// Days between a reason for an ally's decision and the decision.
    pub decision_lag_days: f64,
    /// What its contingents do when they stop fighting.
    pub exit: Exit,
    /// When it asks its allies for help, if by a rule.
    pub request_help_when: Option<Cond>,
    /// Its intervention on an ally's request, if it has one.
    pub intervention: Option<InterventionSpec>,
}

/// A state's intervention on an ally's request, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct InterventionSpec {
    /// State index of the ally whose request it answers.
    pub on_request_of: usize,
    /// What must hold, besides the request.
    pub when: Cond,
    /// Days from the decision to its units entering.
    pub lag_days: f64,
    /// Unit indices of the held units that enter.
    pub units: Vec<usize>,
}

/// A condition with its references resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// Always.
    Always,
    /// From this day on.
    Day(f64),
    /// The place has changed hands (to the captor, if given).
    Captured(usize, Option<Captor>),
    /// The place is held now by the captor.
    HeldBy(usize, Captor),
    /// Fighting at the place now.
    Fighting(usize),
    /// Peacekeepers killed, at least.
    PeacekeepersKilled(f64),
    /// Civilians killed, at least.
    CivilianDeaths(f64),
    /// Newly displaced, at least.
    Displaced(f64),
    /// A covert force has been exposed.
    CovertExposed,
    /// A diplomatic rupture has happened.
    Rupture,
    /// Cross-border fire has happened.
    CrossBorderFire,
    /// The state's pressure is at least this.
    Pressure(usize, f64),
    /// The actor has used the instrument or a higher one.
    Instrument(usize, Instrument),
    /// The state's stance is this.
    Stance(usize, Stance),
    /// A ceasefire is in force.
    CeasefireInForce,
    /// The event has happened.
    Happened(usize),
    /// All hold.
    All(Vec<Cond>),
    /// Any holds.
    Any(Vec<Cond>),
    /// Does not hold.
    Not(Box<Cond>),
}

/// An event's action with its references resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Act {
    /// The actor climbs to the step of its ladder (index).
    Instrument(usize, usize),
    /// The actor's attention rises.
    Attention(usize, f64),
    /// A diplomatic rupture.
    Rupture,
    /// The mediator offers a ceasefire.
    MediationOffer(usize),
    /// A held unit enters.
    Release(usize),
    /// A faction's firepower is multiplied.
    Firepower(usize, f64),
    /// A faction's morale changes.
    Morale(usize, f64),
    /// A border crossing post (place index) takes a status.
    Border(usize, crate::scenario::BorderStatus),
    /// A parameter changes.
    SetParam(String, f64),
    /// An order to units or to a side (boxed: it is much larger than the other actions).
    Order(Box<OrderSpec>),
    /// A unit (a commander) flees the theatre.
    Flee(usize),
    /// Two factions' relation changes.
    Relation(usize, usize, crate::scenario::Relation),
    /// The state asks its allies for help.
    RequestHelp(usize),
}

/// Whom a resolved order reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderTo {
    /// One unit (index).
    Unit(usize),
    /// Every unit of a faction (index).
    Faction(usize),
    /// Every unit of a side (index).
    Side(usize),
}

/// An order with its references resolved (docs/MODEL.md, "Orders by events").
#[derive(Debug, Clone, PartialEq)]
pub struct OrderSpec {
    /// Whom it reaches.
    pub to: OrderTo,
    /// Posture the units take, if given.
    pub posture: Option<crate::scenario::Posture>,
    /// Objectives (place indices) the units take, if given.
    pub objectives: Option<Vec<usize>>,
    /// The side's new campaign, if given.
    pub campaign: Option<Vec<crate::sim::systems::command::Objective>>,
}

/// An event with its references resolved.
#[derive(Debug, Clone)]
pub struct EventSpec {
    /// Scenario id.
    pub id: String,
    /// What happened, in words.
    pub text: String,
    /// When.
    pub when: Cond,
    /// What it does.
    pub actions: Vec<Act>,
}

/// The scenario's politics, resolved: actors, states, escalation rungs, events.
#[derive(Resource, Debug, Clone, Default)]
pub struct Politics {
    /// Diplomatic actors.
    pub actors: Vec<ActorSpec>,
    /// States that decide.
    pub states: Vec<StateSpec>,
    /// Escalation rungs `(name, condition, sticky)`, lowest first.
    pub rungs: Vec<(String, Cond, bool)>,
    /// Events.
    pub events: Vec<EventSpec>,
    /// State index of each faction's sponsor, if the sponsor is one of the scenario's states.
    pub faction_sponsor: Vec<Option<usize>>,
    /// For each faction, the states held to account for its conduct: its sponsor (if one of
    /// the scenario's states) and the states of its `pressure_on`, without repeats.
    pub faction_pressed: Vec<Vec<usize>>,
    /// For each state, the units (by index) of its contingents: those whose `contingent` is the
    /// state's name.
    pub contingent_units: Vec<Vec<usize>>,
}

/// Counts of what the actors react to: this tick's and the run's totals.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TriggerCounts {
    /// Peacekeepers killed (units of peacekeeping or regional-force factions).
    pub peacekeepers_killed: f64,
    /// Civilians killed.
    pub civilian_deaths: f64,
    /// People newly displaced.
    pub displaced: f64,
    /// Covert forces exposed.
    pub covert_exposures: f64,
    /// Ceasefires broken.
    pub ceasefires_broken: f64,
    /// Diplomatic ruptures.
    pub ruptures: f64,
    /// Exchanges of cross-border fire.
    pub cross_border_fire: f64,
}

impl TriggerCounts {
    fn add(&mut self, other: &TriggerCounts) {
        self.peacekeepers_killed += other.peacekeepers_killed;
        self.civilian_deaths += other.civilian_deaths;
        self.displaced += other.displaced;
        self.covert_exposures += other.covert_exposures;
        self.ceasefires_broken += other.ceasefires_broken;
        self.ruptures += other.ruptures;
        self.cross_border_fire += other.cross_border_fire;
    }
}

/// What has happened so far that conditions and actors look at.
#[derive(Resource, Debug, Clone, Default)]
pub struct Tallies {
    /// This tick's triggers.
    pub tick: TriggerCounts,
    /// The run's totals.
    pub total: TriggerCounts,
    /// This tick's captured residents, millions, by the sponsor state of the captor.
    pub captured_millions: Vec<f64>,
    /// Whether each faction has taken each place at some point: `taken[place][faction]`.
    pub taken: Vec<Vec<bool>>,
    /// Captures as `(tick, side of the captor, side of the loser)`, for momentum.
    pub capture_ticks: Vec<(u64, usize, usize)>,
    /// Whether each covert faction has been exposed, by faction index.
    pub exposed: Vec<bool>,
    /// Military casualties (killed and wounded) at each place this tick.
    pub battle_casualties: Vec<u32>,
    /// Fire at each place this tick, harm-weighted soldier-days (docs/MODEL.md, "The human
    /// cost").
    pub fire: Vec<f64>,
    /// Soldiers killed at each place so far.
    pub military_killed: Vec<u32>,
    /// Soldiers wounded at each place so far.
    pub military_wounded: Vec<u32>,
}

impl Tallies {
    /// Add this tick's counts to the totals and clear them for the next tick.
    pub fn close_tick(&mut self) {
        let tick = self.tick;
        self.total.add(&tick);
        self.tick = TriggerCounts::default();
        self.captured_millions.iter_mut().for_each(|x| *x = 0.0);
        self.battle_casualties.iter_mut().for_each(|x| *x = 0);
        self.fire.iter_mut().for_each(|x| *x = 0.0);
    }

    /// A total including this tick so far.
    pub fn so_far(&self) -> TriggerCounts {
        let mut t = self.total;
        t.add(&self.tick);
        t
    }
}

/// A ceasefire and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct CeasefireRecord {
    /// Actor index of the mediator.
    pub mediator: usize,
    /// Hours since the start when offered.
    pub offered_hours: f64,
    /// Whether every side accepted.
    pub accepted: bool,
    /// Hours since the start when it ended, if it did.
    pub ended_hours: Option<f64>,
    /// Whether it ended by being broken (rather than expiring).
    pub broken: bool,
}

/// An accepted agreement whose withdrawal is not yet due.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Actor index of the mediator.
    pub mediator: usize,
    /// Tick at whose end the withdrawal is due.
    pub due_tick: u64,
    /// Its terms.
    pub terms: TermsSpec,
}

/// The ceasefire in force, if any, and every offer so far.
#[derive(Resource, Debug, Clone, Default)]
pub struct Ceasefires {
    /// The agreement in force with a withdrawal still due, if any.
    pub agreement: Option<Agreement>,
    /// Tick at which the ceasefire in force expires, if one is in force.
    pub in_force_until: Option<u64>,
    /// Every offer, in order.
    pub history: Vec<CeasefireRecord>,
    /// Mediators asked to offer now by an event.
    pub requested: Vec<usize>,
}

impl Ceasefires {
    /// Whether a ceasefire is in force.
    pub fn in_force(&self) -> bool {
        self.in_force_until.is_some()
    }
}

/// The escalation ladder's state.
#[derive(Resource, Debug, Clone, Default)]
pub struct EscalationState {
    /// Whether each rung has been reached.
    pub reached: Vec<bool>,
    /// Current rung (index), if any.
    pub current: Option<usize>,
    /// Highest rung reached so far, with the hours since the start when first reached.
    pub highest: Option<(usize, f64)>,
}

/// A summary of the political entities, kept in step by the diplomacy systems so that
/// conditions and the recorder can read it.
#[derive(Resource, Debug, Clone, Default)]
pub struct PoliticalStatus {
    /// Attention of each actor.
    pub attention: Vec<f64>,
    /// Ladder step reached by each actor.
    pub level: Vec<Option<usize>>,
    /// Pressure each actor puts on its target now.
    pub pressure_from: Vec<f64>,
    /// Pressure on each state.
    pub pressure_on: Vec<f64>,
    /// Stance of each state.
    pub stance: Vec<Stance>,
    /// Instruments used: `(hours, actor, step)`.
    pub instruments_used: Vec<(f64, usize, usize)>,
    /// Binding instruments lifted: `(hours, actor, step)`.
    pub instruments_lifted: Vec<(f64, usize, usize)>,
    /// For each state, whether its side carried out an agreement's withdrawal and has not
    /// taken a place since (one of the ways it complies).
    pub deal_kept: Vec<bool>,
    /// For each state, the tick since which it has complied without a break, if it does.
    pub complying_since: Vec<Option<u64>>,
    /// Withdrawals: `(hours, state, what)`.
    pub withdrawals: Vec<(f64, usize, String)>,
    /// Exposures of covert forces: `(hours, faction)`.
    pub exposures: Vec<(f64, usize)>,
    /// Resolve of each state now (its eroded resolve; 0 when unlimited), pressure units.
    pub resolve: Vec<f64>,
    /// For each side, thousands of an ally's or contributor's troops that stopped fighting or
    /// left since the actors last weighed it (read and cleared by the diplomacy system).
    pub exits_by_side: Vec<f64>,
    /// For each state, the tick at which it asked its allies for help, if it has.
    pub help_requested: Vec<Option<u64>>,
    /// For each state, the tick at which it decided to intervene, if it has.
    pub intervening_since: Vec<Option<u64>>,
}

/// Which events have happened.
#[derive(Resource, Debug, Clone, Default)]
pub struct EventsFired {
    /// Hours since the start when each event happened, if it has.
    pub at: Vec<Option<f64>>,
}

/// Everything a condition may look at.
pub struct View<'a> {
    /// Clock.
    pub clock: &'a Clock,
    /// Theatre.
    pub theatre: &'a Theatre,
    /// Control.
    pub control: &'a ControlMap,
    /// Tallies.
    pub tallies: &'a Tallies,
    /// Political status.
    pub status: &'a PoliticalStatus,
    /// Ceasefires.
    pub ceasefires: &'a Ceasefires,
    /// Events fired.
    pub fired: &'a EventsFired,
    /// The resolved politics.
    pub politics: &'a Politics,
}

impl View<'_> {
    /// Whether the condition holds now.
    pub fn holds(&self, cond: &Cond) -> bool {
        let t = self.tallies.so_far();
        match cond {
            Cond::Always => true,
            // Like an arrival day: from the tick that starts at that day.
            Cond::Day(day) => self.clock.tick as f64 * self.clock.tick_hours / 24.0 >= *day - 1e-9,
            Cond::Captured(place, by) => match by {
                None => self.tallies.taken[*place].iter().any(|&x| x),
                Some(Captor::Faction(f)) => self.tallies.taken[*place][*f],
                Some(Captor::Side(s)) => self.tallies.taken[*place]
                    .iter()
                    .enumerate()
                    .any(|(f, &x)| x && self.theatre.factions[f].side == *s),
            },
            Cond::HeldBy(place, by) => {
                let holder = self.control.controller[*place];
                match by {
                    Captor::Faction(f) => holder == *f,
                    Captor::Side(s) => self.theatre.factions[holder].side == *s,
                }
            }
            Cond::Fighting(place) => self.control.contested[*place],
            Cond::PeacekeepersKilled(n) => t.peacekeepers_killed >= *n,
            Cond::CivilianDeaths(n) => t.civilian_deaths >= *n,
            Cond::Displaced(n) => t.displaced >= *n,
            Cond::CovertExposed => t.covert_exposures > 0.0,
            Cond::Rupture => t.ruptures > 0.0,
            Cond::CrossBorderFire => t.cross_border_fire > 0.0,
            Cond::Pressure(state, at_least) => self
                .status
                .pressure_on
                .get(*state)
                .is_some_and(|p| p >= at_least),
            Cond::Instrument(actor, instrument) => {
                let reached = self.status.level.get(*actor).copied().flatten();
                reached.is_some_and(|level| {
                    self.politics.actors[*actor].ladder[..=level]
                        .iter()
                        .any(|step| step.instrument >= *instrument)
                })
            }
            Cond::Stance(state, stance) => self.status.stance.get(*state) == Some(stance),
            Cond::CeasefireInForce => self.ceasefires.in_force(),
            Cond::Happened(event) => self.fired.at.get(*event).copied().flatten().is_some(),
            Cond::All(cs) => cs.iter().all(|c| self.holds(c)),
            Cond::Any(cs) => cs.iter().any(|c| self.holds(c)),
            Cond::Not(c) => !self.holds(c),
        }
    }
}
