//! Messages: things that happened this tick, read by morale, the recorder and end conditions.

use bevy_ecs::prelude::Message;

/// A reinforcement entered the theatre.
#[derive(Message, Debug, Clone)]
pub struct ReinforcementArrived {
    /// Unit index.
    pub unit: usize,
    /// Place index.
    pub place: usize,
    /// Personnel on arrival.
    pub personnel: u32,
}

/// Hostile forces met at a place that was quiet the tick before.
#[derive(Message, Debug, Clone)]
pub struct FightingStarted {
    /// Place index.
    pub place: usize,
    /// Side indices present, sorted.
    pub sides: Vec<usize>,
}

/// A place changed hands.
#[derive(Message, Debug, Clone)]
pub struct PlaceCaptured {
    /// Place index.
    pub place: usize,
    /// Faction index of the previous holder.
    pub from: usize,
    /// Faction index of the new holder.
    pub by: usize,
}

/// A unit reached its breakpoint and began to withdraw.
#[derive(Message, Debug, Clone)]
pub struct UnitBroke {
    /// Unit index.
    pub unit: usize,
    /// Place index where it broke (or the place it was leaving).
    pub place: usize,
    /// Personnel left after desertion.
    pub personnel: u32,
    /// Personnel who deserted (all of them when it dissolved).
    pub deserted: u32,
    /// It dissolved: its personnel dispersed instead of retreating as a unit (docs/MODEL.md,
    /// "Breaking, dissolution and command").
    pub dissolved: bool,
}

/// A broken unit rallied at a safe place.
#[derive(Message, Debug, Clone)]
pub struct UnitRallied {
    /// Unit index.
    pub unit: usize,
    /// Place index.
    pub place: usize,
}

/// The last of a cut-off unit surrendered or slipped away (it gives up gradually: see
/// docs/MODEL.md, "Cut-off units").
#[derive(Message, Debug, Clone)]
pub struct UnitSurrendered {
    /// Unit index.
    pub unit: usize,
    /// Place index.
    pub place: usize,
    /// Persons of the unit captured in all.
    pub captured: u32,
    /// Persons of the unit deserted in all.
    pub deserted: u32,
}

/// A unit lost its last soldier.
#[derive(Message, Debug, Clone)]
pub struct UnitDestroyed {
    /// Unit index.
    pub unit: usize,
    /// Place index.
    pub place: usize,
}

/// A political or civilian happening, already put in words, for the events log.
#[derive(Message, Debug, Clone)]
pub struct Logged {
    /// Kind of event.
    pub kind: crate::sim::resources::EventKind,
    /// What happened.
    pub text: String,
}
