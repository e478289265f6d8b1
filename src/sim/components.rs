//! Components of the simulation's entities: places, routes and units.

use bevy_ecs::prelude::Component;

use crate::scenario::Posture;

/// A place entity: its index into [`Theatre::places`](super::resources::Theatre).
#[derive(Component, Debug, Clone, Copy)]
pub struct Place {
    /// Index of the place in the theatre.
    pub index: usize,
}

/// Who holds a place.
#[derive(Component, Debug, Clone, Copy)]
pub struct Controller {
    /// Faction index of the holder.
    pub faction: usize,
}

/// A route entity: its index into [`Theatre::routes`](super::resources::Theatre).
#[derive(Component, Debug, Clone, Copy)]
pub struct Route {
    /// Index of the route in the theatre.
    pub index: usize,
}

/// Which sides a route is cut for: a hostile force holds or contests one of its ends.
#[derive(Component, Debug, Clone, Default)]
pub struct Interdiction {
    /// `cut[side]` is true when the side cannot use the route for supply.
    pub cut: Vec<bool>,
}

/// A unit's identity, fixed for the whole run.
#[derive(Component, Debug, Clone)]
pub struct Unit {
    /// Index of the unit in the scenario's list.
    pub index: usize,
    /// Faction index.
    pub faction: usize,
    /// Side index of the faction.
    pub side: usize,
    /// Contingent (nationality), if given.
    pub contingent: Option<String>,
    /// A peacekeeper: defends where it stands, never holds ground.
    pub peacekeeper: bool,
    /// Unit index of its commander or headquarters, if it has one (its own `commander`, else
    /// its faction's `headquarters`).
    pub commander: Option<usize>,
    /// Share of its personnel deserting when it breaks, if the unit or its faction sets one
    /// (else `params.combat.desertion_on_break`).
    pub desertion_on_break: Option<f64>,
    /// Chance it dissolves when it breaks, if the unit or its faction sets one (else
    /// `params.breaking.dissolution_chance`).
    pub dissolution_on_break: Option<f64>,
}

/// Whether a unit is in play.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub enum Readiness {
    /// A reinforcement not yet arrived; enters at the start of this tick.
    Pending {
        /// Tick of arrival.
        arrival_tick: u64,
    },
    /// Held back outside the theatre until an event or its state releases it.
    Held,
    /// In the theatre.
    Active,
    /// Out of the fight: destroyed or surrendered.
    Out,
    /// Left the theatre alive (withdrawn by its state).
    Withdrawn,
}

/// Personnel and equipment.
#[derive(Component, Debug, Clone, Copy)]
pub struct Strength {
    /// Soldiers fit to fight, persons.
    pub personnel: u32,
    /// Personnel when the unit last rallied (or started): the base of its breakpoint.
    pub reference: u32,
    /// Combat power per soldier relative to a baseline infantryman.
    pub firepower: f64,
    /// Strength on paper at the start, persons: `personnel` at the start plus the absentee
    /// ("ghost") soldiers who exist on the payroll only. Never fights; reported.
    pub paper: u32,
}

/// Morale, 0–1.
#[derive(Component, Debug, Clone, Copy)]
pub struct Morale {
    /// Current morale.
    pub value: f64,
    /// Morale the unit recovers toward when rested and supplied.
    pub baseline: f64,
}

/// Supplies held by a unit.
#[derive(Component, Debug, Clone, Copy)]
pub struct Supply {
    /// Days of consumption held.
    pub days: f64,
    /// Whether a path to one of its faction's supply sources exists this tick.
    pub connected: bool,
}

/// A unit's orders.
#[derive(Component, Debug, Clone)]
pub struct Orders {
    /// What the unit is doing now.
    pub posture: Posture,
    /// The posture it was given in the scenario, resumed after rallying.
    pub standing: Posture,
    /// Place indices to take in order (for `Attack`).
    pub objectives: Vec<usize>,
    /// Set when its state pulls it out: the state index whose country it heads for.
    pub leaving_for: Option<usize>,
}

/// Where a unit is.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub enum Position {
    /// At a place.
    At(usize),
    /// On a route, moving from one end to the other.
    Moving {
        /// Route index.
        route: usize,
        /// Place index it left.
        from: usize,
        /// Place index it is heading to.
        to: usize,
        /// Kilometres covered so far.
        km_done: f64,
    },
}

impl Position {
    /// The place the unit is at, if it is not moving.
    pub fn place(&self) -> Option<usize> {
        match *self {
            Position::At(p) => Some(p),
            Position::Moving { .. } => None,
        }
    }

    /// The place used for distances: where it is, or where it left from.
    pub fn nearest_place(&self) -> usize {
        match *self {
            Position::At(p) => p,
            Position::Moving { from, .. } => from,
        }
    }
}

/// Fighting state of a unit in the current tick.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct Condition {
    /// Broken: withdrawing, not fighting, not holding ground.
    pub broken: bool,
    /// Took part in an engagement this tick.
    pub engaged: bool,
    /// Battle casualties (killed + wounded) this tick.
    pub losses_this_tick: u32,
    /// Personnel at the start of this tick, for loss fractions.
    pub personnel_at_tick_start: u32,
    /// Days the unit has been cut off (0 when it is not): its surrender and desertion hazards
    /// grow with it (docs/MODEL.md, "Cut-off units").
    pub cut_off_days: f64,
    /// A regional intervention force that was cut off: it stops fighting, holds nothing and
    /// keeps its personnel until its state pulls it out.
    pub cantoned: bool,
}

impl Condition {
    /// Cut off (giving up gradually) or cantoned: it neither fights nor holds or contests a
    /// place (docs/MODEL.md, "Cut-off units").
    pub fn out_of_the_fight(&self) -> bool {
        self.cantoned || self.cut_off_days > 0.0
    }
}

/// Cumulative casualties of a unit, persons.
#[derive(Component, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Casualties {
    /// Killed in action.
    pub killed: u32,
    /// Wounded, evacuated and out of the fight.
    pub wounded: u32,
    /// Surrendered or captured.
    pub captured: u32,
    /// Deserted when the unit broke or was cut off, or dispersed when it dissolved.
    pub deserted: u32,
    /// Recruits who joined it (issue 14): not a loss, but on the books so that personnel +
    /// losses = committed + recruited.
    pub recruited: u32,
}

impl Casualties {
    /// All losses.
    pub fn total(&self) -> u32 {
        self.killed + self.wounded + self.captured + self.deserted
    }
}

/// A diplomatic actor entity: its index into [`Politics::actors`](super::politics::Politics).
#[derive(Component, Debug, Clone, Copy)]
pub struct DiplomaticActor {
    /// Index of the actor.
    pub index: usize,
}

/// An actor's attention to the crisis, and how far up its ladder it has climbed.
#[derive(Component, Debug, Clone, Default)]
pub struct Attention {
    /// Attention, in attention units.
    pub value: f64,
    /// Highest step of its ladder used so far (index), if any.
    pub level: Option<usize>,
    /// Tick of its last ceasefire offer, if it mediates.
    pub last_offer_tick: Option<u64>,
    /// The step it is deliberating on and the tick since which attention has stayed at or
    /// above that step's threshold.
    pub deliberating: Option<(usize, u64)>,
    /// Steps of its ladder lifted after being adopted (binding instruments only).
    pub lifted: Vec<bool>,
}

/// A state entity: its index into [`Politics::states`](super::politics::Politics).
#[derive(Component, Debug, Clone, Copy)]
pub struct StateActorTag {
    /// Index of the state.
    pub index: usize,
}

/// Pressure on a state and what it does about it.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct StatePolicy {
    /// Pressure from every actor's instruments in force, pressure units.
    pub pressure: f64,
    /// What it is doing.
    pub stance: crate::scenario::Stance,
    /// Its contingents have been pulled out.
    pub contingents_withdrawn: bool,
    /// Reserves sent so far.
    pub reserves_sent: usize,
    /// Tick of its next decision.
    pub next_decision_tick: u64,
    /// Its resolve now, pressure units: the scenario's `resolve`, eroded under sustained
    /// pressure (0 when unlimited).
    pub resolve: f64,
    /// A stance its rule has called for since a tick, not yet taken (its decision lag).
    pub pending: Option<(crate::scenario::Stance, u64)>,
    /// Personnel of its forces a drawdown stops at, while drawing down.
    pub drawdown_target: Option<u32>,
    /// Tick from which an ally has had a reason to stop fighting (a fall, its partner's rout).
    pub stop_since: Option<u64>,
    /// An ally's contingents have stopped fighting.
    pub contingents_stopped: bool,
    /// Tick from which an ally has had a reason to leave (its dead, a regional body's call).
    pub leave_since: Option<u64>,
    /// Its intervention's units have been released into the theatre.
    pub intervened: bool,
}

/// Civilians at a place.
#[derive(Component, Debug, Clone, Copy, Default, PartialEq)]
pub struct Population {
    /// Residents still at home, persons.
    pub residents: f64,
    /// People displaced from elsewhere sheltering here, persons.
    pub displaced_here: f64,
    /// Of `displaced_here`, refugees: people who crossed an international border in their
    /// flight, persons.
    pub refugees_here: f64,
    /// Civilians dead here, persons (cumulative): killed by fire, and dead of hardship in
    /// camps, after a capture or in flight from here.
    pub dead: f64,
    /// Of `dead`, those killed by fire, persons (cumulative).
    pub killed: f64,
    /// Civilians wounded here, persons (cumulative). They leave the people present (in care)
    /// and are not counted again.
    pub wounded: f64,
    /// Residents who joined a faction as recruits, persons (cumulative; issue 14).
    pub recruited: f64,
    /// Days the place's supply stays cut after it changed hands.
    pub disrupted_days: f64,
    /// Days of food held for the people here.
    pub food_days: f64,
    /// People were fleeing from here last tick.
    pub fleeing: bool,
}

impl Population {
    /// People present (residents and displaced).
    pub fn present(&self) -> f64 {
        self.residents + self.displaced_here
    }
}

/// An air asset entity (issue 14): its index into [`Theatre::air`](super::resources::Theatre).
#[derive(Component, Debug, Clone, Copy)]
pub struct AirAsset {
    /// Index of the asset in the theatre.
    pub index: usize,
}

/// What an air asset has left and has done.
#[derive(Component, Debug, Clone, Copy, Default, PartialEq)]
pub struct AirState {
    /// Aircraft in service.
    pub in_service: u32,
    /// Sorties flown so far (expected sorties).
    pub sorties: f64,
    /// Aircraft lost to air defences so far.
    pub lost: u32,
    /// Grounded: its base is not held by its side.
    pub grounded: bool,
}
