//! Orders: attackers head for their next objective, reserves for threatened places, broken
//! units for safety (or surrender when cut off); defenders hold; units pulled out by their
//! state head home; during a ceasefire nobody advances.

use std::collections::HashMap;

use foldhash::fast::FixedState;

use bevy_ecs::prelude::*;

use crate::scenario::{Posture, RouteKind};
use crate::sim::components::{Casualties, Condition, Orders, Position, Readiness, Strength, Unit};
use crate::sim::messages::Logged;
use crate::sim::messages::UnitSurrendered;
use crate::sim::pathing::{Step, nearest, nearest_by};
use crate::sim::politics::{Ceasefires, Politics};
use crate::sim::resources::{ControlMap, EventKind, SimParams, Theatre};

/// Decide, for every unit standing at a place, whether and where it moves this tick.
pub fn issue_orders(
    theatre: Res<Theatre>,
    control: Res<ControlMap>,
    params: Res<SimParams>,
    politics: Res<Politics>,
    ceasefires: Res<Ceasefires>,
    mut left: MessageWriter<Logged>,
    mut units: Query<(
        &Unit,
        &mut Readiness,
        &mut Position,
        &Orders,
        &Condition,
        &mut Strength,
        &mut Casualties,
    )>,
    mut surrendered: MessageWriter<UnitSurrendered>,
    mut memo: Local<PathMemo>,
) {
    let reach = params.0.movement.reserve_reach_hours;
    memo.start_tick(&control.controller, &control.present, reach);
    for (unit, mut readiness, mut position, orders, condition, mut strength, mut casualties) in
        &mut units
    {
        let (Readiness::Active, Position::At(here)) = (*readiness, *position) else {
            continue;
        };
        let side = unit.side;
        if let Some(state) = orders.leaving_for {
            // Pulled out by its state: head for the nearest place in that state's country.
            let country = politics.states[state].name.as_str();
            let home = |p: usize| theatre.places[p].country == country;
            let step = (!home(here))
                .then(|| {
                    memo.standing_step(Search::Leave(state), side, here, || {
                        nearest(
                            &theatre,
                            here,
                            |p| home(p) || control.side(&theatre, p) == side,
                            home,
                            f64::INFINITY,
                        )
                    })
                })
                .flatten();
            match step {
                Some(step) => {
                    *position = Position::Moving {
                        route: step.route,
                        from: here,
                        to: step.next,
                        km_done: 0.0,
                    }
                }
                None => {
                    *readiness = Readiness::Withdrawn;
                    left.write(Logged {
                        kind: EventKind::Policy,
                        text: format!(
                            "{} leaves the theatre with {} personnel",
                            theatre.unit_names[unit.index], strength.personnel
                        ),
                    });
                }
            }
            continue;
        }
        let ceded_here = control.ceded[here] == Some(side);
        let posture = if ceded_here {
            Posture::Withdraw
        } else {
            orders.posture
        };
        let step = match posture {
            Posture::Defend => None,
            Posture::Attack if ceasefires.in_force() => None,
            Posture::Attack => attack_step(
                &theatre,
                &control,
                &mut memo,
                side,
                here,
                &orders.objectives,
            ),
            Posture::Reserve => {
                if control.side(&theatre, here) == side && control.hostile_to(here, side) {
                    None
                } else {
                    memo.standing_step(Search::Reserve, side, here, || {
                        nearest(
                            &theatre,
                            here,
                            |p| control.side(&theatre, p) == side,
                            |p| control.hostile_to(p, side),
                            reach,
                        )
                    })
                }
            }
            Posture::Withdraw => {
                let safe = |p: usize| {
                    if unit.peacekeeper {
                        !control.contested[p] && !theatre.places[p].sanctuary
                    } else {
                        control.safe_for(&theatre, p, side)
                    }
                };
                if safe(here) {
                    None
                } else {
                    let enter = |p: usize| {
                        if unit.peacekeeper {
                            !theatre.places[p].sanctuary
                        } else {
                            control.side(&theatre, p) == side
                        }
                    };
                    let search = Search::Withdraw {
                        peacekeeper: unit.peacekeeper,
                    };
                    let step = memo.standing_step(search, side, here, || {
                        nearest(&theatre, here, enter, safe, f64::INFINITY)
                    });
                    // Cut off: nowhere safe to go, the enemy here, and no friends holding the place.
                    let cut_off = step.is_none()
                        && (condition.broken || ceded_here)
                        && !unit.peacekeeper
                        && control.hostile_to(here, side)
                        && !control.held_by(here, side);
                    if cut_off {
                        let captured = strength.personnel;
                        casualties.captured += captured;
                        strength.personnel = 0;
                        *readiness = Readiness::Out;
                        surrendered.write(UnitSurrendered {
                            unit: unit.index,
                            place: here,
                            personnel: captured,
                        });
                    }
                    step
                }
            }
        };
        if let Some(step) = step {
            *position = Position::Moving {
                route: step.route,
                from: here,
                to: step.next,
                km_done: 0.0,
            };
        }
    }
}

/// The next move of an attacker: stay while fighting or taking its place, else head for the
/// first objective its side does not hold. The path enters only places its side holds and the
/// objective itself (never a sanctuary it does not hold), and crosses a lake only between two
/// places its side holds (docs/MODEL.md, "Orders"). With no such path it goes through the
/// places in the way, attacking the first, rather than wait.
fn attack_step(
    theatre: &Theatre,
    control: &ControlMap,
    memo: &mut PathMemo,
    side: usize,
    here: usize,
    objectives: &[usize],
) -> Option<Step> {
    if control.hostile_to(here, side) || control.side(theatre, here) != side {
        return None;
    }
    let objective = objectives
        .iter()
        .copied()
        .find(|&o| control.side(theatre, o) != side && control.ceded[o] != Some(side))?;
    *memo
        .attack
        .entry((side, here, objective))
        .or_insert_with(|| {
            let held = |p: usize| control.side(theatre, p) == side;
            let crossing = |r: usize| {
                let route = &theatre.routes[r];
                route.kind != RouteKind::Lake || (held(route.a) && held(route.b))
            };
            let search = |enter: &dyn Fn(usize) -> bool| {
                nearest_by(
                    theatre,
                    here,
                    enter,
                    crossing,
                    |p| p == objective,
                    f64::INFINITY,
                )
            };
            // Around the enemy if it can; else through the first place in the way, which the
            // unit then attacks (a blocked attacker does not stand idle).
            search(&|p| held(p) || (p == objective && !theatre.places[p].sanctuary))
                .or_else(|| search(&|p| held(p) || !theatre.places[p].sanctuary))
        })
}

/// A kind of search whose result depends on where units stand as well as on who holds what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Search {
    /// Home to the country of the state (index) pulling the unit out.
    Leave(usize),
    /// To the nearest threatened friendly place within reach.
    Reserve,
    /// To the nearest safe place.
    Withdraw {
        /// Peacekeepers' notion of safety: no fighting, no sanctuary.
        peacekeeper: bool,
    },
}

/// Paths found this run, so that units of one side at one place heading the same way share
/// one search, and searches are not repeated while nothing they depend on has changed. Attack
/// paths depend only on who holds each place (the places they may enter, sanctuaries, the ends
/// of lake crossings) and on the objective (in the key), so they are kept until a place
/// changes hands; the other searches also depend on where units stand, so they are kept
/// until a place changes hands or the sides present anywhere change.
#[derive(Default)]
pub struct PathMemo {
    /// Holder of each place when the memo was filled.
    controller: Vec<usize>,
    /// Sides present at each place when `standing` was filled.
    present: Vec<u64>,
    /// Reach of reserves, hours, when `standing` was filled (an event may change it).
    reach: f64,
    /// (side, from, objective) → first step.
    attack: HashMap<(usize, usize, usize), Option<Step>, FixedState>,
    /// (search, side, from) → first step.
    standing: HashMap<(Search, usize, usize), Option<Step>, FixedState>,
}

impl PathMemo {
    /// Forget what this tick's map of control and presence makes stale.
    fn start_tick(&mut self, controller: &[usize], present: &[u64], reach: f64) {
        if self.controller != controller {
            self.attack.clear();
            self.standing.clear();
            self.controller = controller.to_vec();
        }
        if self.present != present || self.reach.to_bits() != reach.to_bits() {
            self.standing.clear();
            self.present = present.to_vec();
            self.reach = reach;
        }
    }

    /// The step of `search` for `side` from `here`, found with `find` unless known.
    fn standing_step(
        &mut self,
        search: Search,
        side: usize,
        here: usize,
        find: impl FnOnce() -> Option<Step>,
    ) -> Option<Step> {
        *self
            .standing
            .entry((search, side, here))
            .or_insert_with(find)
    }
}
