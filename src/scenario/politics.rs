//! The political part of a scenario: diplomatic actors and their ladders of instruments, states
//! and their policies, the escalation ladder, and dated or conditional events.

use serde::{Deserialize, Serialize};

use super::schema::{CampaignObjective, Number, Posture};

/// A diplomatic actor (the UN Security Council, a government, a regional body, a mediator).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct Actor<N = f64> {
    /// Short id (e.g. `"UNSC"`, `"US"`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// The state whose conduct the actor tries to change; its instruments put pressure on it.
    pub target: String,
    /// Closeness to the target, 0–1: attention gained is multiplied by `1 − closeness`.
    #[serde(default = "zero")]
    pub closeness: N,
    /// Attention lost per day, as a rate: `a ← a·exp(−decay·dt)`. Default 0.1/day (assumed: a
    /// crisis falls out of the news in a few weeks). Give each actor's reason in the scenario.
    #[serde(default = "default_decay")]
    pub decay_per_day: N,
    /// Institutional lag, days: added to every step's deliberation time (a body that must
    /// convene, consult members or clear an inter-agency process). Default 0 days.
    #[serde(default = "zero")]
    pub lag_days: N,
    /// Attention gained per unit of each trigger. Defaults in docs/MODEL.md.
    #[serde(default)]
    pub weights: TriggerWeights<N>,
    /// The instruments it can use, in order of escalation.
    #[serde(default)]
    pub ladder: Vec<Step<N>>,
    /// If set, the actor mediates: it offers ceasefires.
    #[serde(default)]
    pub mediation: Option<Mediation<N>>,
}

fn zero<N: Number>() -> N {
    0.0.into()
}
fn default_decay<N: Number>() -> N {
    0.1.into()
}

/// Attention per unit of each trigger: jumps per event, and flows per day for the conditions
/// that last (occupation, people displaced, a foreign army present, peacekeepers under fire).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct TriggerWeights<N = f64> {
    /// Per peacekeeper killed. Default 0.3 (assumed: 13 deaths, with the rest, brought the
    /// Security Council's emergency meeting).
    pub peacekeepers_killed: N,
    /// Per million residents of a place captured by a force the target sponsors. Default 2.
    pub city_captured: N,
    /// Per 100 civilians killed. Default 0.2.
    pub civilian_deaths: N,
    /// Per 100,000 people newly displaced. Default 0.5.
    pub displaced: N,
    /// When a covert force is exposed. Default 2.
    pub covert_exposure: N,
    /// When a ceasefire is broken. Default 2.
    pub ceasefire_broken: N,
    /// When a diplomatic rupture happens. Default 1.
    pub rupture: N,
    /// When there is cross-border fire. Default 1.
    pub cross_border_fire: N,
    /// Per day, per million residents of places held by forces the target sponsors (its own
    /// forces or its proxies) that they took during the run. Default 0.1/day (assumed; see
    /// calibration: a city of a million held for ten days weighs half its capture).
    pub occupation: N,
    /// Per day, per 100,000 people displaced and still away from home (in camps, towns or
    /// across borders). Default 0.02/day (assumed; see calibration: a month away from home weighs about as much as
    /// the flight itself).
    pub displaced_present: N,
    /// Per day, per 1,000 troops of the target's own forces in the theatre outside its own
    /// country (a covert force counts once exposed). Default 0.1/day (assumed; see calibration:
    /// a week of 3,000 troops weighs about as much as their exposure).
    pub foreign_army: N,
    /// Per day, per 1,000 peacekeepers at places where fighting stands. Default 0.3/day
    /// (assumed; see calibration: as much as one peacekeeper killed).
    pub peacekeepers_under_fire: N,
    /// Per 1,000 troops of an ally's or troop contributor's contingents that stop fighting or
    /// leave by their state's decision (issue 13), for an actor whose target has forces or
    /// proxies on a side other than the contingents'. Default 1 (assumed; see calibration: a
    /// contributor pulling a thousand troops out weighs as much as a diplomatic rupture).
    pub contingent_exit: N,
}

impl<N: Number> Default for TriggerWeights<N> {
    fn default() -> Self {
        Self {
            peacekeepers_killed: 0.3.into(),
            city_captured: 2.0.into(),
            civilian_deaths: 0.2.into(),
            displaced: 0.5.into(),
            covert_exposure: 2.0.into(),
            ceasefire_broken: 2.0.into(),
            rupture: 1.0.into(),
            cross_border_fire: 1.0.into(),
            occupation: 0.3.into(),
            displaced_present: 0.02.into(),
            foreign_army: 0.1.into(),
            peacekeepers_under_fire: 0.3.into(),
            contingent_exit: 1.0.into(),
        }
    }
}

/// One step of an actor's ladder.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct Step<N = f64> {
    /// The instrument.
    pub instrument: Instrument,
    /// Attention at which the actor starts deliberating on it.
    pub attention: N,
    /// Pressure it puts on the target while in force (pressure units; the target's `resolve`
    /// is in the same units).
    pub pressure: N,
    /// Days attention must stay at or above `attention` before the actor adopts it (plus the
    /// actor's `lag_days`). Default: `diplomacy.talk_deliberation_days` for talk,
    /// `diplomacy.binding_deliberation_days` for sanctions and aid suspension.
    #[serde(default)]
    pub deliberation_days: Option<N>,
}

/// A diplomatic instrument, in the usual order of escalation.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum Instrument {
    /// A public statement.
    Statement,
    /// An emergency meeting.
    EmergencyMeeting,
    /// A formal condemnation.
    Condemnation,
    /// Targeted sanctions. Binding: stays in force until lifted (docs/MODEL.md, "Diplomacy").
    Sanctions,
    /// Suspension of aid. Binding: stays in force until lifted (docs/MODEL.md, "Diplomacy").
    AidSuspension,
}

impl Instrument {
    /// Whether the instrument stays in force once adopted until a rule lifts it (sanctions, aid
    /// suspension), rather than weighing only as much as the attention behind it (talk).
    pub fn binding(self) -> bool {
        matches!(self, Instrument::Sanctions | Instrument::AidSuspension)
    }

    /// Lower-case words for tables and text.
    pub fn words(self) -> &'static str {
        match self {
            Instrument::Statement => "statement",
            Instrument::EmergencyMeeting => "emergency meeting",
            Instrument::Condemnation => "condemnation",
            Instrument::Sanctions => "sanctions",
            Instrument::AidSuspension => "aid suspension",
        }
    }
}

/// How a mediator offers ceasefires.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct Mediation<N = f64> {
    /// Attention at which it offers a ceasefire.
    pub offer_attention: N,
    /// Days a ceasefire lasts if not broken. Default 30.
    #[serde(default = "default_ceasefire_days")]
    pub ceasefire_days: N,
    /// Terms its ceasefires carry beyond freezing the front (the ceasefire line). Default none.
    #[serde(default)]
    pub terms: Option<Terms<N>>,
}

/// Terms of a mediated agreement: the parties holding the named places withdraw from them
/// within a deadline, and the places return to a named faction.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct Terms<N = f64> {
    /// Place ids to be withdrawn from by whichever side holds them when the agreement is made,
    /// if that side took them during the run.
    pub withdraw_from: Vec<String>,
    /// Days after the agreement by which the withdrawal must be done. Default 14 (assumed).
    #[serde(default = "default_deadline_days")]
    pub deadline_days: N,
    /// Faction id the places return to. Default: each place's holder before its last change of
    /// hands.
    #[serde(default)]
    pub return_to: Option<String>,
}

fn default_deadline_days<N: Number>() -> N {
    14.0.into()
}

fn default_ceasefire_days<N: Number>() -> N {
    30.0.into()
}

/// A state that decides: a sponsor weighing pressure against resolve, or an ally or
/// troop-contributing country whose contingents stop fighting on the fall of what they defend
/// or their partner's rout, and leave on their dead or a regional body's call, after a lag.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct StateActor<N = f64> {
    /// The state's name as used in `target`, faction `sponsor` and unit `contingent`
    /// (e.g. `"Rwanda"`, `"South Africa"`).
    pub id: String,
    /// Pressure it bears before changing course (pressure units). Default: no limit.
    #[serde(default)]
    pub resolve: Option<N>,
    /// Faction ids of its own forces, which it reinforces, draws down or withdraws.
    #[serde(default)]
    pub forces: Vec<String>,
    /// Faction ids of the proxies it backs, whose supply it cuts when it withdraws.
    #[serde(default)]
    pub proxies: Vec<String>,
    /// Unit ids held back (`held: true`), sent one at a time when it decides to reinforce.
    #[serde(default)]
    pub reserves: Vec<String>,
    /// Deaths among its contingents (units whose `contingent` is this state) it bears before
    /// pulling them out. Default: no limit.
    #[serde(default)]
    pub casualty_tolerance: Option<N>,
    /// Pressure-to-resolve ratios at which its policy changes.
    #[serde(default)]
    pub policy: Policy<N>,
    /// Place ids a sponsor's campaign aims to hold: once its side holds them all, it draws down
    /// at the lower ratio `policy.draw_down_held_at`. Default: none.
    #[serde(default)]
    pub objectives: Vec<String>,
    /// Place ids an ally's contingents came to defend: when one of them is held by a side
    /// hostile to them, the contingents stop fighting (`exit`) after `decision_lag_days`.
    /// Default: none.
    #[serde(default)]
    pub defends: Vec<String>,
    /// Faction id of the army an ally came to support: when the share `partner_rout_share` of
    /// its strength is broken or lost, the contingents stop fighting (`exit`) after
    /// `decision_lag_days`. Default: none.
    #[serde(default)]
    pub partner: Option<String>,
    /// Share (0–1) of the partner's strength (its units' personnel plus their losses) broken,
    /// out of the fight or lost at which the partner counts as routed. Default 0.5 (assumed: an
    /// army with half its strength gone or in flight no longer holds a front).
    #[serde(default = "half")]
    pub partner_rout_share: N,
    /// When this holds (a regional body's call, a summit, a date), the contingents leave after
    /// `decision_lag_days`. Default: never.
    #[serde(default)]
    pub leave_when: Option<Condition>,
    /// Days between a reason for an ally's decision (a fall, its partner's rout, its dead past
    /// `casualty_tolerance`, `leave_when`) and the decision taking effect, days. Default 3
    /// (assumed: a cabinet meeting and orders to the contingent take days).
    #[serde(default = "three")]
    pub decision_lag_days: N,
    /// What its contingents do when they stop fighting on the fall of what they defend or on
    /// their partner's rout. Default `Withdraw`.
    #[serde(default)]
    pub exit: Exit,
    /// When this holds (its key place threatened or lost, a date), the state asks for help:
    /// every state whose `intervention` names it may then intervene (issue 14). An event's
    /// `RequestHelp` action asks too. Default: never by rule.
    #[serde(default)]
    pub request_help_when: Option<Condition>,
    /// Intervention on an ally's request: when the ally has asked and `when` holds, its held
    /// units `units` enter the theatre `lag_days` later. Default: none.
    #[serde(default)]
    pub intervention: Option<Intervention<N>>,
}

/// A state's intervention on an ally's request (issue 14, item 6; docs/MODEL.md, "States").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct Intervention<N = f64> {
    /// State id of the ally whose request it answers.
    pub on_request_of: String,
    /// What must hold, besides the request, for it to decide to go in (the ally's key place
    /// threatened or lost, its own reading of the war). Default `Always`.
    #[serde(default = "always")]
    pub when: Condition,
    /// Days from the decision (request made and `when` holding) to its units entering the
    /// theatre, days. Default 3 (assumed: orders, the move to the staging base and the
    /// first flights take days; Operation Serval's first strikes came a day after Mali's
    /// request of 10 January 2013, its ground troops within days).
    #[serde(default = "three")]
    pub lag_days: N,
    /// Unit ids held back (`held: true`) that enter the theatre when it intervenes.
    pub units: Vec<String>,
}

fn always() -> Condition {
    Condition::Always
}

fn half<N: Number>() -> N {
    0.5.into()
}
fn three<N: Number>() -> N {
    3.0.into()
}

/// What an ally's contingent does when it stops fighting (issue 13; docs/MODEL.md, "States").
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
pub enum Exit {
    /// Heads home through places its side holds and leaves the theatre there (at once if no
    /// such path exists).
    #[default]
    Withdraw,
    /// Shelters in its base: stops fighting, holds nothing, keeps its personnel and arms, and
    /// stays until its state pulls it out (then leaves by agreement).
    Shelter,
    /// Is cantoned and disarmed where it stands: as `Shelter`, its firepower set to 0.
    Disarm,
    /// Leaves the theatre by an agreed corridor at once, with its personnel.
    Corridor,
}

impl Exit {
    /// Lower-case words for the events log.
    pub fn words(self) -> &'static str {
        match self {
            Exit::Withdraw => "withdraw",
            Exit::Shelter => "shelter in their bases",
            Exit::Disarm => "are cantoned and disarmed",
            Exit::Corridor => "leave by an agreed corridor",
        }
    }
}

/// Pressure-to-resolve ratios at which a sponsor state changes its policy.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct Policy<N = f64> {
    /// Below this ratio, and while one of its own or its proxies' units is broken (military
    /// need), it reinforces. Default 0.3 (assumed).
    pub reinforce_below: N,
    /// At or above this ratio it draws down: its forces stop attacking and leave one unit per
    /// decision until `draw_down_to` of them is left. Default 1.0 (assumed: pressure equal to
    /// resolve).
    pub draw_down_at: N,
    /// At or above this ratio it withdraws its forces and cuts its proxies' supply (its
    /// proxies keep what they hold: places go back only through an agreement's terms).
    /// Default 1.5 (assumed).
    pub withdraw_at: N,
    /// Days between decisions. Default 1.
    pub decide_every_days: N,
    /// A drawdown's target: the share (0–1) of its forces' personnel in the theatre, when the
    /// drawdown begins, that stays. Default 0.5 (assumed: a drawdown halves a force; below
    /// that it is a withdrawal).
    pub draw_down_to: N,
    /// Once every place of the state's `objectives` is held by its side, it draws down at this
    /// ratio instead of `draw_down_at`. Default 0.5 (assumed: with its aims secured, staying is
    /// worth less).
    pub draw_down_held_at: N,
    /// Days a reinforcement must be called for, decision after decision, before reserves are
    /// sent. Default 3 (the calibration facts: 500–1,000 RDF crossed on 26 January 2025,
    /// three days after Sake fell on 23 January; UN sources via DW).
    pub reinforce_lag_days: N,
    /// Days before a return to holding takes effect. Default 0 (keeping course needs no
    /// decision).
    pub hold_lag_days: N,
    /// Days a drawdown must be called for before it begins. Default 7 (assumed: a week of
    /// deliberation before troops are pulled back).
    pub draw_down_lag_days: N,
    /// Days a withdrawal must be called for before it begins. Default 11 (2012: M23 left Goma
    /// eleven days after taking it, under pressure on Rwanda).
    pub withdraw_lag_days: N,
    /// Erosion of resolve under pressure, per day per unit of the pressure-to-resolve ratio:
    /// `R ← R·e^(−k·ρ·dt)`. Default 0.002 (assumed: at a ratio of 1 resolve halves in about a
    /// year, the span from the aid suspensions of mid-2012 to the end of Rwanda's backing of
    /// M23 in late 2013).
    pub resolve_erosion_per_day: N,
}

impl<N: Number> Default for Policy<N> {
    fn default() -> Self {
        Self {
            reinforce_below: 0.3.into(),
            draw_down_at: 1.0.into(),
            withdraw_at: 1.5.into(),
            decide_every_days: 1.0.into(),
            draw_down_to: 0.5.into(),
            draw_down_held_at: 0.5.into(),
            reinforce_lag_days: 3.0.into(),
            hold_lag_days: 0.0.into(),
            draw_down_lag_days: 7.0.into(),
            withdraw_lag_days: 11.0.into(),
            resolve_erosion_per_day: 0.002.into(),
        }
    }
}

/// What a sponsor state is doing.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
pub enum Stance {
    /// Sending reserves.
    Reinforce,
    /// Keeping its course.
    #[default]
    Hold,
    /// Halting offensives and pulling units out, one per decision, down to a target level.
    DrawDown,
    /// Pulling all its forces out and cutting its proxies' supply.
    Withdraw,
}

impl Stance {
    /// Lower-case word for tables.
    pub fn word(self) -> &'static str {
        match self {
            Stance::Reinforce => "reinforce",
            Stance::Hold => "hold",
            Stance::DrawDown => "draw down",
            Stance::Withdraw => "withdraw",
        }
    }
}

/// A rung of the escalation ladder.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rung {
    /// Name (e.g. `"Covert state intervention"`).
    pub name: String,
    /// When the theatre stands on this rung (or higher).
    pub when: Condition,
    /// Whether the rung, once reached, stays reached. Default true.
    #[serde(default = "yes")]
    pub sticky: bool,
}

fn yes() -> bool {
    true
}

/// A condition on the state of a run, for events and escalation rungs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum Condition {
    /// Always true.
    Always,
    /// From this day on (days since the start).
    Day(f64),
    /// The place has changed hands, to the given faction or side if named.
    Captured {
        /// Place id.
        place: String,
        /// Faction id or side name.
        #[serde(default)]
        by: Option<String>,
    },
    /// The place is held now by the faction or side.
    HeldBy {
        /// Place id.
        place: String,
        /// Faction id or side name.
        by: String,
    },
    /// Hostile forces are fighting at the place now.
    Fighting(String),
    /// At least this many peacekeepers have been killed.
    PeacekeepersKilled(f64),
    /// At least this many civilians have been killed.
    CivilianDeaths(f64),
    /// At least this many people have been newly displaced.
    Displaced(f64),
    /// A covert force has been exposed.
    CovertExposed,
    /// A diplomatic rupture has happened.
    Rupture,
    /// There has been fire across an international border.
    CrossBorderFire,
    /// The state's pressure is at least this (pressure units).
    Pressure {
        /// State id.
        state: String,
        /// Threshold.
        at_least: f64,
    },
    /// The actor has used the instrument (or a higher one).
    Instrument {
        /// Actor id.
        actor: String,
        /// Instrument.
        instrument: Instrument,
    },
    /// The state's stance is this now.
    Stance {
        /// State id.
        state: String,
        /// Stance.
        stance: Stance,
    },
    /// A ceasefire is in force.
    CeasefireInForce,
    /// The event has happened.
    Happened(String),
    /// All of these hold.
    All(Vec<Condition>),
    /// Any of these holds.
    Any(Vec<Condition>),
    /// This does not hold.
    Not(Box<Condition>),
}

/// A dated or conditional event. It happens once: at the first tick its condition holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct Event<N = f64> {
    /// Short id (for `Happened`).
    pub id: String,
    /// What happened, in words (goes to the events log).
    pub text: String,
    /// When: `Day(5.5)` for a dated event, or any condition.
    pub when: Condition,
    /// What it does.
    #[serde(default)]
    pub actions: Vec<Action<N>>,
}

/// What an event does.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(bound = "N: Number")]
pub enum Action<N = f64> {
    /// The actor uses the instrument (climbing its ladder to that step at least).
    Instrument {
        /// Actor id.
        actor: String,
        /// Instrument (must be on the actor's ladder).
        instrument: Instrument,
    },
    /// The actor's attention rises by this much.
    Attention {
        /// Actor id.
        actor: String,
        /// Attention added.
        amount: N,
    },
    /// A diplomatic rupture (diplomats recalled, embassy closed): a trigger for every actor.
    Rupture,
    /// The mediator offers a ceasefire now.
    MediationOffer(String),
    /// A held unit (`held: true`) enters the theatre.
    Release(String),
    /// New equipment: every unit of the faction has its firepower multiplied by `factor`.
    Firepower {
        /// Faction id.
        faction: String,
        /// Multiplier.
        factor: N,
    },
    /// Every unit of the faction has its morale changed by `delta` (clamped to 0–1).
    Morale {
        /// Faction id.
        faction: String,
        /// Change.
        delta: N,
    },
    /// An international border crossing opens, closes or is limited (issue 14, item 7), e.g.
    /// `Border(place: "kabuhanga", status: Limited(2000))`: the crossing post at the place
    /// takes this status from now on (see the place field `border`).
    Border {
        /// Place id of the crossing post.
        place: String,
        /// Its new status.
        status: super::schema::BorderStatus,
    },
    /// A model parameter changes, e.g. `SetParam(path: "combat.defender_base_rate", value: 0.02)`.
    SetParam {
        /// Path of the parameter under `params`.
        path: String,
        /// New value.
        value: N,
    },
    /// An order (issue 14, "Orders"): the target's units take a new posture or objectives, or
    /// its side a new campaign, e.g. `Order(target: Faction("fardc"), posture: Some(Withdraw))`.
    /// What is not given is left as it is.
    Order {
        /// Whom the order reaches: one unit, every unit of a faction, or every unit of a side.
        target: OrderTarget,
        /// Posture the units take (and resume after rallying); a broken unit takes it when it
        /// rallies. Default: unchanged.
        #[serde(default)]
        posture: Option<Posture>,
        /// Place ids the units take in order (for `Attack`) or guard, replacing their
        /// objectives. Default: unchanged.
        #[serde(default)]
        objectives: Option<Vec<String>>,
        /// A new campaign for the target's side (a `Faction` or `Side` target only), replacing
        /// its current one; `Some([])` ends the side's command of a campaign. Default:
        /// unchanged.
        #[serde(default)]
        campaign: Option<Vec<CampaignObjective>>,
    },
    /// A commander flees (issue 14, "Commanders"): the unit id's unit (a commander or
    /// headquarters) leaves the theatre at once with its personnel, and the units it commands
    /// take the shock of its flight.
    Flee(String),
    /// Factions `a` and `b` now stand in `relation` (issue 14): an alliance splits, a neutral
    /// becomes belligerent, e.g. `Relation(a: "mnla", b: "ansar_dine", relation: Hostile)`.
    Relation {
        /// Faction id.
        a: String,
        /// The other faction id.
        b: String,
        /// How they stand from now on.
        relation: super::schema::Relation,
    },
    /// The state (id) asks its allies for help now: every state whose `intervention` names it
    /// may intervene (issue 14).
    RequestHelp(String),
}

/// Whom an [`Action::Order`] reaches.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum OrderTarget {
    /// One unit (unit id).
    Unit(String),
    /// Every unit of a faction (faction id).
    Faction(String),
    /// Every unit of a side (side name).
    Side(String),
}
