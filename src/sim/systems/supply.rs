//! Supply: sources feed units through friendly, uninterdicted routes, within capacity.
//!
//! See docs/MODEL.md, "Supply".

use bevy_ecs::prelude::*;

use crate::scenario::{FactionKind, Stance};
use crate::sim::components::{Interdiction, Position, Readiness, Route, Strength, Supply, Unit};
use crate::sim::pathing::widest_from;
use crate::sim::politics::{PoliticalStatus, Politics};
use crate::sim::resources::{CivilianSupply, Clock, ControlMap, SimParams, Theatre};

/// What supply keeps between ticks: the widest-path capacities from each source, recomputed
/// only when the places its rule lets supply pass through change, and scratch space.
#[derive(Default)]
pub struct SupplyCache {
    /// Passable places by rule (each side, then the peacekeepers' rule).
    passable: Vec<Vec<bool>>,
    /// Version of each rule's passable places, bumped when they change.
    version: Vec<u64>,
    /// Version each source's widths were computed at.
    computed_at: Vec<Option<u64>>,
    /// Widths from each source (`None`: the source is not usable now).
    widths: Vec<Option<Vec<f64>>>,
    /// Whether some source of each side reaches each place (by side, then place).
    reached_by_side: Vec<Vec<bool>>,
    /// Demand drawn on each source at each place this tick.
    demand: Demand,
    /// This tick's scratch: the (source, faction) pairs withheld by a withdrawn sponsor
    /// (empty when none is), each unit's source and width (by unit index), and the demand on
    /// each source.
    withheld: Vec<bool>,
    best: Vec<Option<(usize, f64)>>,
    source_demand: Vec<f64>,
    /// Holders, the factions present at each place and the relations' version when last
    /// looked at.
    seen: (
        Vec<usize>,
        Vec<crate::sim::relations::FactionMask>,
        Option<u64>,
    ),
}

impl SupplyCache {
    /// Whether holders, the factions present anywhere or the relations between factions
    /// changed since the last call (true the first time). Whether a place is fought over
    /// follows from the factions present and their relations.
    fn control_changed(&mut self, control: &ControlMap) -> bool {
        let version = Some(control.relations.version);
        if self.seen.0 == control.controller
            && self.seen.1 == control.present_factions
            && self.seen.2 == version
        {
            return false;
        }
        self.seen = (
            control.controller.clone(),
            control.present_factions.clone(),
            version,
        );
        true
    }

    /// Take this tick's passable places (`passable(rule, place)`), bumping the version of each
    /// rule whose places changed. Returns whether any did.
    fn update(
        &mut self,
        rules: usize,
        places: usize,
        passable: impl Fn(usize, usize) -> bool,
    ) -> bool {
        self.passable.resize_with(rules, Vec::new);
        self.version.resize(rules, 0);
        let mut changed = false;
        for (rule, row) in self.passable.iter_mut().enumerate() {
            let mut differs = row.len() != places;
            row.resize(places, false);
            for (place, was) in row.iter_mut().enumerate() {
                let now = passable(rule, place);
                if *was != now {
                    *was = now;
                    differs = true;
                }
            }
            if differs {
                self.version[rule] += 1;
                changed = true;
            }
        }
        changed
    }

    /// Recompute source `i`'s widths with `compute` if its rule's places changed since; returns
    /// whether it did.
    fn refresh_source(
        &mut self,
        i: usize,
        rule: Option<usize>,
        compute: impl FnOnce(&[bool]) -> Option<Vec<f64>>,
    ) -> bool {
        if self.widths.len() <= i {
            self.widths.resize(i + 1, None);
            self.computed_at.resize(i + 1, None);
        }
        let Some(rule) = rule else {
            return false;
        };
        let version = self.version[rule];
        if self.computed_at[i] == Some(version) {
            return false;
        }
        self.widths[i] = compute(&self.passable[rule]);
        self.computed_at[i] = Some(version);
        true
    }

    /// Recompute which places each side's sources reach.
    fn refresh_reach(&mut self, theatre: &Theatre) {
        let places = theatre.places.len();
        self.reached_by_side = vec![vec![false; places]; theatre.sides.len()];
        for (source, width) in theatre.sources.iter().zip(&self.widths) {
            if let (Some(&f), Some(width)) = (source.factions.first(), width) {
                let side = theatre.factions[f].side;
                for (reached, &w) in self.reached_by_side[side].iter_mut().zip(width) {
                    *reached |= w > 0.0;
                }
            }
        }
    }
}

/// Demand drawn on each source at each place in one tick, t/day (source × places + place),
/// with the entries written so that clearing costs what was written.
#[derive(Default)]
struct Demand {
    place_demand: Vec<f64>,
    touched: Vec<usize>,
}

impl Demand {
    /// Add `demand` to source `i` at `place` (of `places`).
    fn add(&mut self, i: usize, place: usize, places: usize, demand: f64) {
        let at = i * places + place;
        if self.place_demand.len() <= at {
            self.place_demand.resize(at + 1, 0.0);
        }
        if self.place_demand[at] == 0.0 {
            self.touched.push(at);
        }
        self.place_demand[at] += demand;
    }

    /// Demand on source `i` at `place` this tick.
    fn at(&self, i: usize, place: usize, places: usize) -> f64 {
        self.place_demand
            .get(i * places + place)
            .copied()
            .unwrap_or(0.0)
    }

    /// Forget this tick's demands.
    fn clear(&mut self) {
        for at in self.touched.drain(..) {
            self.place_demand[at] = 0.0;
        }
    }
}

/// Mark cut routes, then resupply every unit from the best source that reaches it, and mark
/// the places whose holder's supply reaches them (for their civilians' food).
pub fn distribute_supply(
    theatre: Res<Theatre>,
    control: Res<ControlMap>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    politics: Res<Politics>,
    status: Res<PoliticalStatus>,
    mut food: ResMut<CivilianSupply>,
    mut cache: Local<SupplyCache>,
    mut routes: Query<(&Route, &mut Interdiction)>,
    mut units: Query<(&Unit, &Readiness, &Position, &Strength, &mut Supply)>,
) {
    let supply = &params.0.supply;
    let sides = theatre.sides.len();
    let places = theatre.places.len();
    // Which places each side may pass through (it holds them and no hostile force stands in
    // them), and, last, which the peacekeepers may (no one is fighting there and it is no
    // sanctuary). A route is cut for a side when either end is not passable for it.
    let peacekeepers = sides;
    // They depend only on who holds each place and who stands in it: look again only if that
    // changed since the last tick.
    let control_changed = cache.control_changed(&control);
    let changed = control_changed
        && cache.update(sides + 1, places, |rule, p| {
            if rule == peacekeepers {
                !control.contested[p] && !theatre.places[p].sanctuary
            } else {
                control.safe_for_side(p, rule)
            }
        });
    if changed {
        // The route entities' Interdiction is the record of the cuts.
        for (route, mut interdiction) in &mut routes {
            let r = &theatre.routes[route.index];
            for side in 0..sides {
                let now = !cache.passable[side][r.a] || !cache.passable[side][r.b];
                if interdiction.cut[side] != now {
                    interdiction.cut[side] = now;
                }
            }
        }
    }

    // Widest-path capacity from each source that its side still holds (peacekeepers hold
    // nothing: their sources and routes serve them wherever no one is fighting). A source's
    // widths depend only on its rule's passable places, so they are kept until those change.
    let mut recomputed = false;
    for (i, source) in theatre.sources.iter().enumerate() {
        let rule = source.factions.first().map(|&f| {
            let faction = &theatre.factions[f];
            if faction.kind == FactionKind::Peacekeeper {
                peacekeepers
            } else {
                faction.side
            }
        });
        recomputed |= cache.refresh_source(i, rule, |pass| {
            pass[source.place].then(|| {
                widest_from(
                    &theatre,
                    source.place,
                    |p| pass[p],
                    |r| pass[theatre.routes[r].a] && pass[theatre.routes[r].b],
                )
            })
        });
    }
    if recomputed {
        cache.refresh_reach(&theatre);
    }
    // Places whose holder's supply reaches them (for civilians' food).
    if recomputed || control_changed {
        for (place, connected) in food.connected.iter_mut().enumerate() {
            // No source has been searched yet (a scenario with no supply sources): none.
            *connected = cache
                .reached_by_side
                .get(control.side(&theatre, place))
                .and_then(|reached| reached.get(place))
                .copied()
                .unwrap_or(false);
        }
    }

    // A sponsor that has withdrawn no longer lets its proxies draw on sources in its country:
    // which (source, faction) pairs are withheld, by source × factions + faction, worked out
    // once per tick (names compared per source, not per unit).
    let cache = &mut *cache;
    let factions = theatre.factions.len();
    cache.withheld.clear();
    for (s, spec) in politics.states.iter().enumerate() {
        if status.stance.get(s) != Some(&Stance::Withdraw) {
            continue;
        }
        if cache.withheld.is_empty() {
            cache
                .withheld
                .resize(theatre.sources.len() * factions, false);
        }
        for (i, source) in theatre.sources.iter().enumerate() {
            if theatre.places[source.place].country == spec.name {
                for &f in spec.proxies.iter().filter(|&&f| f < factions) {
                    cache.withheld[i * factions + f] = true;
                }
            }
        }
    }
    let withheld_pairs = &cache.withheld;
    let withheld = |source: usize, faction: usize| {
        withheld_pairs
            .get(source * factions + faction)
            .copied()
            .unwrap_or(false)
    };
    // Each unit draws on the widest source that reaches it (the first, on ties); demands are
    // summed per source and per (source, place) so that throughput and route capacity are
    // shared.
    let demand_of =
        |s: &Strength| s.personnel as f64 * supply.consumption_kg_per_person_day / 1000.0;
    let (widths, demands) = (&cache.widths, &mut cache.demand);
    let best_source = |faction: usize, place: usize| -> Option<(usize, f64)> {
        theatre.faction_sources[faction]
            .iter()
            .filter(|&&i| !withheld(i, faction))
            .filter_map(|&i| {
                let w = widths[i].as_ref()?[place];
                (w > 0.0).then_some((i, w))
            })
            .fold(None, |best: Option<(usize, f64)>, (i, w)| match best {
                Some((_, bw)) if bw >= w => best,
                _ => Some((i, w)),
            })
    };
    let best = &mut cache.best;
    best.clear();
    best.resize(theatre.unit_names.len(), None);
    let source_demand = &mut cache.source_demand;
    source_demand.clear();
    source_demand.resize(theatre.sources.len(), 0.0);
    for (unit, readiness, position, strength, _) in &units {
        if let (Readiness::Active, Position::At(place)) = (*readiness, *position) {
            best[unit.index] = best_source(unit.faction, place);
            if let Some((i, _)) = best[unit.index] {
                source_demand[i] += demand_of(strength);
                demands.add(i, place, places, demand_of(strength));
            }
        }
    }

    let dt = clock.dt_days();
    for (unit, readiness, position, strength, mut held) in &mut units {
        if *readiness != Readiness::Active {
            continue;
        }
        let delivered_share = match *position {
            Position::At(place) => match best[unit.index] {
                Some((i, width)) => {
                    held.connected = true;
                    let demand = demands.at(i, place, places);
                    let by_route = width / demand.max(1e-9);
                    let by_source = theatre.sources[i].tonnes_per_day / source_demand[i].max(1e-9);
                    // Units refill at up to one extra day of supply per day.
                    by_route.min(by_source).min(2.0)
                }
                None => {
                    held.connected = false;
                    0.0
                }
            },
            Position::Moving { .. } => 0.0,
        };
        if strength.personnel > 0 {
            held.days = (held.days + dt * (delivered_share - 1.0))
                .clamp(0.0, supply.max_days.max(held.days));
        }
    }
    demands.clear();
}
