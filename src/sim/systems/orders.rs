//! Orders: attackers head for their next objective, reserves for threatened places, broken
//! units for safety (or surrender when cut off); defenders hold; units pulled out by their
//! state head home; during a ceasefire nobody advances.

use std::collections::{BTreeMap, HashMap};

use foldhash::fast::FixedState;

use bevy_ecs::prelude::*;

use crate::scenario::params::CutOffParams;
use crate::scenario::{FactionKind, Posture, RouteKind};
use crate::sim::components::{
    Casualties, Condition, Morale, Orders, Position, Readiness, Strength, Supply, Unit,
};
use crate::sim::messages::Logged;
use crate::sim::messages::UnitSurrendered;
use crate::sim::pathing::{Step, nearest, nearest_by};
use crate::sim::politics::{Ceasefires, Politics};
use crate::sim::resources::{Clock, ControlMap, EventKind, SimParams, Theatre};
use crate::sim::rng::{StreamKind, Streams, stochastic_round};
use crate::sim::systems::command::{Command, Group, GroupKey, combat_power};
use crate::sim::systems::cut_off::{breaks_out, give_up, hazards};

/// Decide, for every unit standing at a place, whether and where it moves this tick. An
/// attacker of a side under command steps into a defended place only when its assault group
/// goes in (docs/MODEL.md, "Command"); any unit takes a route with limited means to cross only
/// when they carry it (docs/MODEL.md, "Movement").
#[allow(clippy::too_many_arguments)]
pub fn issue_orders(
    theatre: Res<Theatre>,
    control: Res<ControlMap>,
    params: Res<SimParams>,
    politics: Res<Politics>,
    ceasefires: Res<Ceasefires>,
    clock: Res<Clock>,
    mut command: ResMut<Command>,
    mut streams: ResMut<Streams>,
    mut left: MessageWriter<Logged>,
    mut units: OrderedUnits,
    mut surrendered: MessageWriter<UnitSurrendered>,
    mut memo: Local<PathMemo>,
    mut crossings: Local<Crossings>,
    mut scratch: Local<GroupScratch>,
) {
    let reach = params.0.movement.reserve_reach_hours;
    memo.start_tick(
        &control.controller,
        &control.present_factions,
        control.relations.version,
        reach,
    );
    let assaults = if params.0.command.enabled && !ceasefires.in_force() {
        let scratch = &mut *scratch;
        let groups = assault_groups(
            &theatre, &control, &params, &command, &mut memo, scratch, &units,
        );
        defence_at(&theatre, &params, &groups, scratch, &units);
        let sides = theatre.sides.len();
        let defence = &scratch.defence;
        command.decide_assaults(
            &groups,
            |k| {
                defence
                    .get(k.target * sides + k.side)
                    .copied()
                    .unwrap_or(0.0)
            },
            &params.0.command,
            &clock,
            &theatre,
            &mut left,
        )
    } else {
        command.waiting.clear();
        command.short.clear();
        BTreeMap::new()
    };
    // By place: the sides whose assault group against it does not go in this tick.
    let held_back = &mut scratch.held_back;
    held_back.clear();
    held_back.resize(theatre.places.len(), 0);
    for (key, _) in assaults.iter().filter(|(_, go)| !**go) {
        if let Some(mask) = held_back.get_mut(key.target) {
            *mask |= 1 << key.side;
        }
    }
    let held_back = &scratch.held_back;
    let mut set_out =
        |position: &mut Position, side: usize, personnel: u32, here: usize, step: Step| {
            let cap = theatre.routes[step.route].crossing_per_day;
            if cap.is_finite() && !crossings.embark(step.route, side, cap, personnel, &clock) {
                return false;
            }
            *position = Position::Moving {
                route: step.route,
                from: here,
                to: step.next,
                km_done: 0.0,
            };
            true
        };
    for (
        unit,
        mut readiness,
        mut position,
        orders,
        mut condition,
        mut strength,
        mut casualties,
        morale,
        supply,
    ) in &mut units
    {
        let (Readiness::Active, Position::At(here)) = (*readiness, *position) else {
            continue;
        };
        let side = unit.side;
        if condition.cantoned {
            // Cantoned where it was cut off: it stays, and leaves only when its state pulls it
            // out (by agreement, not by a path through the enemy).
            if orders.leaving_for.is_some() {
                *readiness = Readiness::Withdrawn;
                left.write(Logged {
                    kind: EventKind::Policy,
                    text: format!(
                        "{} leaves its cantonment at {} by agreement with {} personnel",
                        theatre.unit_names[unit.index],
                        theatre.places[here].name,
                        strength.personnel
                    ),
                });
            }
            continue;
        }
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
                            |p| home(p) || control.friendly_to_side(p, side),
                            home,
                            f64::INFINITY,
                        )
                    })
                })
                .flatten();
            match step {
                Some(step) => {
                    set_out(&mut position, side, strength.personnel, here, step);
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
            )
            .filter(|step| {
                // Into a defended place only with its group (no decision: not an assault).
                held_back.get(step.next).copied().unwrap_or(0) & (1 << side) == 0
            }),
            Posture::Reserve => {
                if control.friendly_to_side(here, side) && control.hostile_to_side(here, side) {
                    None
                } else {
                    memo.standing_step(Search::Reserve, side, here, || {
                        nearest(
                            &theatre,
                            here,
                            |p| control.friendly_to_side(p, side),
                            |p| control.hostile_to_side(p, side),
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
                        control.safe_for_side(p, side)
                    }
                };
                if safe(here) {
                    condition.cut_off_days = 0.0;
                    None
                } else {
                    let enter = |p: usize| {
                        if unit.peacekeeper {
                            !theatre.places[p].sanctuary
                        } else {
                            control.friendly_to_side(p, side)
                        }
                    };
                    let search = Search::Withdraw {
                        peacekeeper: unit.peacekeeper,
                    };
                    let step = memo.standing_step(search, side, here, || {
                        nearest(&theatre, here, enter, safe, f64::INFINITY)
                    });
                    if step.is_some() || unit.peacekeeper {
                        condition.cut_off_days = 0.0;
                        step
                    } else {
                        let mut pocket = Pocket {
                            theatre: &theatre,
                            params: &params.0.cut_off,
                            dt: clock.dt_days(),
                            log: &mut left,
                            surrendered: &mut surrendered,
                        };
                        pocket.no_friendly_path(
                            unit,
                            here,
                            &control,
                            &mut memo,
                            &mut streams,
                            ceded_here,
                            CutOffUnit {
                                readiness: &mut readiness,
                                condition: &mut condition,
                                strength: &mut strength,
                                casualties: &mut casualties,
                                morale: morale.value,
                                supply_days: supply.days,
                            },
                        )
                    }
                }
            }
        };
        if let Some(step) = step {
            set_out(&mut position, side, strength.personnel, here, step);
        }
    }
}

/// The units [`issue_orders`] moves.
type OrderedUnits<'w, 's> = Query<
    'w,
    's,
    (
        &'static Unit,
        &'static mut Readiness,
        &'static mut Position,
        &'static Orders,
        &'static mut Condition,
        &'static mut Strength,
        &'static mut Casualties,
        &'static Morale,
        &'static Supply,
    ),
>;

/// The assault groups of this tick: for every side under command, its unbroken attackers at
/// each place whose next step enters a place with hostile units in it and none of its own
/// unbroken units (an assault in progress is joined at once), by (side, target) whatever
/// place next to the target they stand at; with the number of the side's other attackers,
/// anywhere, heading for the target as their objective.
fn assault_groups(
    theatre: &Theatre,
    control: &ControlMap,
    params: &SimParams,
    command: &Command,
    memo: &mut PathMemo,
    scratch: &mut GroupScratch,
    units: &OrderedUnits,
) -> BTreeMap<GroupKey, Group> {
    let (places, sides) = (theatre.places.len(), theatre.sides.len());
    let mut groups: BTreeMap<GroupKey, Group> = BTreeMap::new();
    // Attackers by (side, the objective they head for); in each group, first the members
    // whose objective is its target.
    let heading = &mut scratch.heading;
    heading.clear();
    heading.resize(sides * places, 0);
    let staged = &mut scratch.staged;
    staged.clear();
    // Sides with units at each place, and with unbroken units (the map of control is last
    // tick's, and empty before the first).
    let present = &mut scratch.present;
    present.clear();
    present.resize(places, (0, 0));
    for (unit, readiness, position, _, condition, ..) in units {
        if let (Readiness::Active, Position::At(here)) = (*readiness, *position)
            && !unit.peacekeeper
            && let Some(at) = present.get_mut(here)
        {
            at.0 |= 1 << unit.side;
            if !condition.broken && !condition.out_of_the_fight() {
                at.1 |= 1 << unit.side;
            }
        }
    }
    for (unit, readiness, position, orders, condition, strength, _, morale, supply) in units {
        let side = unit.side;
        if *readiness != Readiness::Active
            || !command.commands(side)
            || orders.posture != Posture::Attack
            || orders.leaving_for.is_some()
            || condition.broken
            || condition.out_of_the_fight()
        {
            continue;
        }
        let objective = orders
            .objectives
            .iter()
            .copied()
            .find(|&o| !control.friendly_to_side(o, side) && control.ceded[o] != Some(side));
        if let Some(count) = objective.and_then(|o| heading.get_mut(side * places + o)) {
            *count += 1;
        }
        let Position::At(here) = *position else {
            continue;
        };
        if control.ceded[here] == Some(side) {
            continue;
        }
        let Some(step) = attack_step(theatre, control, memo, side, here, &orders.objectives) else {
            continue;
        };
        let target = step.next;
        let (sides_at, holding_at) = present.get(target).copied().unwrap_or_default();
        if sides_at & !(1 << side) == 0 || holding_at & (1 << side) != 0 {
            continue;
        }
        let g = groups.entry(GroupKey { side, target }).or_insert(Group {
            staging: here,
            ..Group::default()
        });
        if g.units == 0 || !staged.contains(&(side, target, here)) {
            g.stagings += 1;
            staged.push((side, target, here));
        }
        g.units += 1;
        if objective == Some(target) {
            g.coming += 1;
        }
        g.power += combat_power(theatre, &params.0, unit, strength, morale, supply);
        g.personnel += f64::from(strength.personnel);
        g.supply_person_days += f64::from(strength.personnel) * supply.days;
        g.connected |= supply.connected;
    }
    // `coming` counted the members heading for the target; it becomes the others.
    for (key, g) in groups.iter_mut() {
        let all = heading
            .get(key.side * places + key.target)
            .copied()
            .unwrap_or(0);
        g.coming = all.saturating_sub(g.coming);
    }
    groups
}

/// Buffers [`issue_orders`] reuses from tick to tick to form the assault groups and weigh
/// the defence against them (dense, by place or by place and side).
#[derive(Default)]
pub struct GroupScratch {
    /// By place: the sides with units there, and those with unbroken units.
    present: Vec<(u64, u64)>,
    /// By side × places + place: the side's attackers heading for that place.
    heading: Vec<usize>,
    /// (side, target, staging place) already counted as a staging place.
    staged: Vec<(usize, usize, usize)>,
    /// By place: the sides with an assault group against it.
    targeted: Vec<u64>,
    /// By target place × sides + attacking side: the power standing against the group.
    defence: Vec<f64>,
    /// By place: the sides whose assault group against it is held back this tick.
    held_back: Vec<u64>,
}

/// The power standing against each group, into `scratch.defence`: by (target place, attacking
/// side), the combat power of the unbroken units of every other side at the target.
fn defence_at(
    theatre: &Theatre,
    params: &SimParams,
    groups: &BTreeMap<GroupKey, Group>,
    scratch: &mut GroupScratch,
    units: &OrderedUnits,
) {
    let (places, sides) = (theatre.places.len(), theatre.sides.len());
    let (targeted, defence) = (&mut scratch.targeted, &mut scratch.defence);
    targeted.clear();
    targeted.resize(places, 0);
    defence.clear();
    defence.resize(places * sides, 0.0);
    if groups.is_empty() {
        return;
    }
    for key in groups.keys() {
        targeted[key.target] |= 1 << key.side;
    }
    for (unit, readiness, position, _, condition, strength, _, morale, supply) in units {
        let (Readiness::Active, Position::At(here)) = (*readiness, *position) else {
            continue;
        };
        if condition.broken || condition.out_of_the_fight() {
            continue;
        }
        let mut against = targeted.get(here).copied().unwrap_or(0) & !(1 << unit.side);
        if against == 0 {
            continue;
        }
        let power = combat_power(theatre, &params.0, unit, strength, morale, supply);
        // The groups against this place of every other side, in increasing side order.
        while against != 0 {
            let side = against.trailing_zeros() as usize;
            against &= against - 1;
            defence[here * sides + side] += power;
        }
    }
}

/// What each side's boats on each route with limited means to cross can still carry: a
/// budget of persons that refills at the route's `crossing_per_day` up to one day's worth.
#[derive(Default)]
pub struct Crossings {
    /// (route, side) → (persons that may still embark, tick of the last refill).
    budget: HashMap<(usize, usize), (f64, u64), FixedState>,
}

impl Crossings {
    /// Whether a unit of `personnel` of `side` embarks on `route` (capacity `per_day`) this
    /// tick: once the budget covers it (or, for a unit larger than a day's capacity, once a
    /// full day's is free); its crossing is then taken from the budget.
    fn embark(
        &mut self,
        route: usize,
        side: usize,
        per_day: f64,
        personnel: u32,
        clock: &Clock,
    ) -> bool {
        let (budget, last) = self
            .budget
            .entry((route, side))
            .or_insert((per_day, clock.tick));
        *budget = (*budget + per_day * (clock.tick - *last) as f64 * clock.dt_days()).min(per_day);
        *last = clock.tick;
        let needed = f64::from(personnel).min(per_day);
        if *budget >= needed {
            *budget -= f64::from(personnel);
            true
        } else {
            false
        }
    }
}

/// A unit with no friendly path to safety, as the cut-off rules change it.
struct CutOffUnit<'a> {
    readiness: &'a mut Readiness,
    condition: &'a mut Condition,
    strength: &'a mut Strength,
    casualties: &'a mut Casualties,
    morale: f64,
    supply_days: f64,
}

/// What the cut-off rules need of the world this tick (docs/MODEL.md, "Cut-off units").
struct Pocket<'a, 'l, 's> {
    theatre: &'a Theatre,
    params: &'a CutOffParams,
    dt: f64,
    log: &'a mut MessageWriter<'l, Logged>,
    surrendered: &'a mut MessageWriter<'s, UnitSurrendered>,
}

impl Pocket<'_, '_, '_> {
    /// The move of a withdrawing unit with no friendly path to safety. A way out is a path to
    /// safety whose first step may enter a neighbouring place its side does not hold, if no
    /// hostile unit stands there (lightly held ground), and which crosses a lake only between
    /// two places its side holds (its ports). A unit cut off (the enemy at its
    /// place, no unbroken friend holding it) tries that way out at `breakout_per_day`, leaving
    /// `breakout_loss_share` behind as captured; otherwise a regional intervention force is
    /// cantoned, and any other unit loses a share to surrender and desertion each tick. A
    /// unit stranded on ground its side does not hold, with no enemy there, takes the way out
    /// without a draw.
    #[allow(clippy::too_many_arguments)]
    fn no_friendly_path(
        &mut self,
        unit: &Unit,
        here: usize,
        control: &ControlMap,
        memo: &mut PathMemo,
        streams: &mut Streams,
        ceded_here: bool,
        u: CutOffUnit,
    ) -> Option<Step> {
        let theatre = self.theatre;
        let side = unit.side;
        let hostile_here = control.hostile_to_side(here, side);
        let cut_off =
            (u.condition.broken || ceded_here) && hostile_here && !control.held_by(here, side);
        let stranded = !hostile_here && !control.friendly_to_side(here, side);
        if !cut_off && !stranded {
            u.condition.cut_off_days = 0.0;
            return None;
        }
        let way_out = memo.standing_step(Search::BreakOut, side, here, || {
            let next_to_here = |p: usize| theatre.adjacency[here].iter().any(|&(_, n)| n == p);
            let held = |p: usize| control.friendly_to_side(p, side);
            nearest_by(
                theatre,
                here,
                |p| {
                    held(p)
                        || (next_to_here(p)
                            && !control.hostile_to_side(p, side)
                            && !theatre.places[p].sanctuary)
                },
                |r| {
                    let route = &theatre.routes[r];
                    route.kind != RouteKind::Lake || (held(route.a) && held(route.b))
                },
                |p| control.safe_for_side(p, side),
                f64::INFINITY,
            )
        });
        let name = &theatre.unit_names[unit.index];
        let place = &theatre.places[here].name;
        if !cut_off {
            // Stranded: no longer cut off; walk on out.
            u.condition.cut_off_days = 0.0;
            return way_out;
        }
        if theatre.factions[unit.faction].kind == FactionKind::RegionalForce {
            u.condition.cantoned = true;
            self.log.write(Logged {
                kind: EventKind::Surrender,
                text: format!(
                    "{name} is cut off at {place} and cantoned with {} personnel: it stops fighting",
                    u.strength.personnel
                ),
            });
            return None;
        }
        if u.condition.cut_off_days == 0.0 {
            self.log.write(Logged {
                kind: EventKind::Surrender,
                text: format!(
                    "{name} is cut off at {place} with {} personnel",
                    u.strength.personnel
                ),
            });
        }
        let rng = streams.get(
            StreamKind::CutOff,
            unit.index,
            &theatre.unit_ids[unit.index],
        );
        let p = self.params;
        let mut step = None;
        let (captured, deserted) = match way_out {
            Some(out) if breaks_out(rng, p.breakout_per_day, self.dt) => {
                let behind =
                    stochastic_round(rng, f64::from(u.strength.personnel) * p.breakout_loss_share)
                        .min(u.strength.personnel);
                step = Some(out);
                (behind, 0)
            }
            _ => {
                let h = hazards(p, u.condition.cut_off_days, u.supply_days, u.morale);
                give_up(rng, u.strength.personnel, h, self.dt)
            }
        };
        u.strength.personnel -= captured + deserted;
        u.casualties.captured += captured;
        u.casualties.deserted += deserted;
        if let Some(out) = step {
            u.condition.cut_off_days = 0.0;
            self.log.write(Logged {
                kind: EventKind::Rout,
                text: format!(
                    "{name} breaks out of {place} toward {} with {} personnel; {captured} left behind and captured",
                    theatre.places[out.target].name, u.strength.personnel
                ),
            });
        } else {
            u.condition.cut_off_days += self.dt;
        }
        if u.strength.personnel == 0 {
            *u.readiness = Readiness::Out;
            self.surrendered.write(UnitSurrendered {
                unit: unit.index,
                place: here,
                captured: u.casualties.captured,
                deserted: u.casualties.deserted,
            });
            return None;
        }
        step
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
    if control.hostile_to_side(here, side) || !control.friendly_to_side(here, side) {
        return None;
    }
    let objective = objectives
        .iter()
        .copied()
        .find(|&o| !control.friendly_to_side(o, side) && control.ceded[o] != Some(side))?;
    *memo
        .attack
        .entry((side, here, objective))
        .or_insert_with(|| {
            let held = |p: usize| control.friendly_to_side(p, side);
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
    /// A cut-off unit's way out to the nearest safe place, its first step allowed onto
    /// neighbouring ground with no hostile unit in it.
    BreakOut,
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
    /// Factions present at each place when `standing` was filled.
    present: Vec<crate::sim::relations::FactionMask>,
    /// Version of the relations between factions when the memo was filled.
    relations: u64,
    /// Reach of reserves, hours, when `standing` was filled (an event may change it).
    reach: f64,
    /// (side, from, objective) → first step.
    attack: HashMap<(usize, usize, usize), Option<Step>, FixedState>,
    /// (search, side, from) → first step.
    standing: HashMap<(Search, usize, usize), Option<Step>, FixedState>,
}

impl PathMemo {
    /// Forget what this tick's map of control and presence makes stale.
    fn start_tick(
        &mut self,
        controller: &[usize],
        present: &[crate::sim::relations::FactionMask],
        relations: u64,
        reach: f64,
    ) {
        if self.controller != controller || self.relations != relations {
            self.relations = relations;
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
