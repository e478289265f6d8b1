//! Civilians: people flee danger along routes to safer places (camps and other countries
//! first), are killed and wounded by the fire of fights at their place, go hungry where routes
//! are cut or a place has just changed hands, and die of hardship when displaced.
//!
//! See docs/MODEL.md, "Civilians" and "The human cost".

use bevy_ecs::prelude::*;

use crate::scenario::params::HumanCostParams;
use crate::scenario::{PlaceKind, Terrain};
use crate::sim::components::{Place, Population};
use crate::sim::messages::Logged;
use crate::sim::pathing::reachable_from;
use crate::sim::politics::Tallies;
use crate::sim::resources::{CivilianSupply, Clock, ControlMap, EventKind, SimParams, Theatre};

/// Where the people of each place would flee to. It depends only on which places are fought
/// over or threatened and on three parameters, so it is kept while those stay the same.
#[derive(Default)]
pub struct FlightPlan {
    contested: Vec<bool>,
    threatened: Vec<bool>,
    params: [u64; 3],
    /// By place: `None` if not yet worked out, else the destination (if any) and the hours of
    /// travel to it.
    destination: Vec<Option<Option<(usize, f64)>>>,
}

impl FlightPlan {
    /// Forget the destinations that what changed since the last tick could alter: all of them
    /// if a parameter changed, else those of places within `flight_reach_hours` of a place
    /// whose fighting or threat changed or that neighbours a change in fighting (its calm
    /// depends on fights next door). A flight search never goes farther than that reach, and
    /// travel times are symmetric, so the others cannot have changed.
    fn refresh(
        &mut self,
        theatre: &Theatre,
        contested: &[bool],
        threatened: &[bool],
        params: [f64; 3],
    ) {
        let bits = params.map(f64::to_bits);
        let n = contested.len();
        if self.params != bits || self.destination.len() != n {
            self.params = bits;
            self.contested = contested.to_vec();
            self.threatened = threatened.to_vec();
            self.destination = vec![None; n];
            return;
        }
        let mut changed = Vec::new();
        for p in 0..n {
            let fighting = self.contested[p] != contested[p];
            if fighting || self.threatened[p] != threatened[p] {
                changed.push(p);
            }
            if fighting {
                changed.extend(theatre.adjacency[p].iter().map(|&(_, q)| q));
            }
        }
        if changed.is_empty() {
            return;
        }
        for p in within_hours(theatre, &changed, params[1]) {
            self.destination[p] = None;
        }
        self.contested.copy_from_slice(contested);
        self.threatened.copy_from_slice(threatened);
    }
}

/// Places within `max_hours` of any of `starts` by any route (the starts included).
fn within_hours(theatre: &Theatre, starts: &[usize], max_hours: f64) -> Vec<usize> {
    let mut best = vec![f64::INFINITY; theatre.places.len()];
    let mut heap = std::collections::BinaryHeap::new();
    for &s in starts {
        if best[s] > 0.0 {
            best[s] = 0.0;
            heap.push(std::cmp::Reverse((OrderedHours(0.0), s)));
        }
    }
    let mut reached = Vec::new();
    while let Some(std::cmp::Reverse((OrderedHours(hours), place))) = heap.pop() {
        if hours > best[place] {
            continue;
        }
        reached.push(place);
        for &(route, next) in &theatre.adjacency[place] {
            let t = hours + theatre.routes[route].hours();
            if t < best[next] && t <= max_hours {
                best[next] = t;
                heap.push(std::cmp::Reverse((OrderedHours(t), next)));
            }
        }
    }
    reached
}

/// Hours with a total order, for the heap.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrderedHours(f64);

impl Eq for OrderedHours {}

impl PartialOrd for OrderedHours {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedHours {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// People per km² at a place now: people present over its `area_km2` if the scenario gives
/// one, else the density of its kind (`Camp`, `Urban` terrain, other) scaled by how many of
/// its starting population are present (docs/MODEL.md, "The human cost").
pub fn density(h: &HumanCostParams, info: &crate::sim::resources::PlaceInfo, present: f64) -> f64 {
    if let Some(area) = info.area_km2 {
        return present / area.max(1e-9);
    }
    let typical = if info.kind == PlaceKind::Camp {
        h.camp_density_per_km2
    } else if info.terrain == Terrain::Urban {
        h.urban_density_per_km2
    } else {
        h.other_density_per_km2
    };
    if info.population > 0.0 {
        typical * present / info.population
    } else {
        typical
    }
}

/// Share of the people of a place with hard cover from fire.
fn shelter(h: &HumanCostParams, info: &crate::sim::resources::PlaceInfo) -> f64 {
    info.shelter.unwrap_or(if info.kind == PlaceKind::Camp {
        h.camp_shelter
    } else {
        h.default_shelter
    })
}

/// Displaced people a place can house.
fn shelter_capacity(h: &HumanCostParams, info: &crate::sim::resources::PlaceInfo) -> f64 {
    info.shelter_capacity
        .unwrap_or(if info.kind == PlaceKind::Camp {
            info.population
        } else {
            h.host_share * info.population
        })
}

/// Civilian casualties (killed and wounded) at a place in a tick from `fire` harm-weighted
/// soldier-days of fire on `present` people:
/// `k × fire × (density / reference density) × (1 − protection × shelter)`, at most `present`.
pub fn fire_casualties(
    h: &HumanCostParams,
    info: &crate::sim::resources::PlaceInfo,
    present: f64,
    fire: f64,
) -> f64 {
    if fire <= 0.0 || present <= 0.0 {
        return 0.0;
    }
    let relative_density = density(h, info, present) / h.reference_density_per_km2.max(1e-9);
    let exposure = 1.0 - h.shelter_protection * shelter(h, info);
    (h.explosive_casualties_per_soldier_day * fire * relative_density * exposure)
        .clamp(0.0, present)
}

/// The share of its food stock a place has used up: 0 with a full stock, 1 with none.
fn hunger(food_days: f64, full: f64) -> f64 {
    if full <= 0.0 {
        return if food_days > 0.0 { 0.0 } else { 1.0 };
    }
    (1.0 - food_days / full).clamp(0.0, 1.0)
}

/// Excess deaths of hardship per 10,000 per day, `(displaced, settled)`, at a place whose
/// food stock is `hunger` used up: the displaced beyond its shelter capacity die at
/// `unsheltered_factor` times the rate of the sheltered.
fn hardship_rates(h: &HumanCostParams, hunger: f64, displaced: f64, capacity: f64) -> (f64, f64) {
    let unfed = hunger * h.unfed_excess_per_10k_day;
    let unsheltered = if displaced > 0.0 {
        ((displaced - capacity).max(0.0) / displaced).min(1.0)
    } else {
        0.0
    };
    let displaced_rate = (h.displaced_excess_per_10k_day + unfed)
        * (1.0 + (h.unsheltered_factor - 1.0) * unsheltered);
    (displaced_rate, unfed)
}

/// Move, harm and feed the civilians of every place for one tick.
#[allow(clippy::too_many_arguments)]
pub fn displace_civilians(
    theatre: Res<Theatre>,
    control: Res<ControlMap>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    food: Res<CivilianSupply>,
    mut tallies: ResMut<Tallies>,
    mut places: Query<(&Place, &mut Population)>,
    mut log: MessageWriter<Logged>,
    mut plan: Local<FlightPlan>,
    mut holders: Local<Vec<usize>>,
) {
    let c = &params.0.civilians;
    let h = &params.0.human_cost;
    let dt = clock.dt_days();
    let n = theatre.places.len();
    let mut people = vec![Population::default(); n];
    for (place, population) in &places {
        people[place.index] = *population;
    }
    let before = people.clone();

    // A place that changed hands has its supply cut for a while (docs/MODEL.md, "The human
    // cost").
    if holders.len() != n {
        *holders = control.controller.clone();
    }
    for (p, pop) in people.iter_mut().enumerate() {
        if holders[p] != control.controller[p] {
            pop.disrupted_days = pop.disrupted_days.max(h.capture_disruption_days);
        }
    }
    holders.copy_from_slice(&control.controller);

    // Harm: civilians killed and wounded by the fire of a fight at their place.
    for (p, pop) in people.iter_mut().enumerate() {
        let present = pop.present();
        let casualties = fire_casualties(h, &theatre.places[p], present, tallies.fire[p]);
        if casualties <= 0.0 {
            continue;
        }
        let share = casualties / present;
        pop.residents -= pop.residents * share;
        pop.displaced_here -= pop.displaced_here * share;
        let killed = casualties * h.civilian_killed_share;
        pop.dead += killed;
        pop.killed += killed;
        pop.wounded += casualties - killed;
        tallies.tick.civilian_deaths += killed;
    }

    // Hardship: excess deaths of the displaced (all of a camp's people count as displaced) and
    // of anyone whose food runs short.
    for (p, pop) in people.iter_mut().enumerate() {
        let info = &theatre.places[p];
        let camp = info.kind == PlaceKind::Camp;
        let displaced = pop.displaced_here + if camp { pop.residents } else { 0.0 };
        let (displaced_rate, settled_rate) = hardship_rates(
            h,
            hunger(pop.food_days, c.food_days),
            displaced,
            shelter_capacity(h, info),
        );
        let share = |rate: f64| 1.0 - (-rate / 10_000.0 * dt).exp();
        let (d_share, s_share) = (share(displaced_rate), share(settled_rate));
        let resident_share = if camp { d_share } else { s_share };
        let deaths_residents = pop.residents * resident_share;
        let deaths_displaced = pop.displaced_here * d_share;
        pop.residents -= deaths_residents;
        pop.displaced_here -= deaths_displaced;
        pop.dead += deaths_residents + deaths_displaced;
        tallies.tick.civilian_deaths += deaths_residents + deaths_displaced;
    }

    // Flight: from every place in danger toward the best calm place within reach.
    // Soldiers at each place and at the fights next to it; whether a fight is next door.
    let (theatre, control) = (&*theatre, &*control);
    let mut near_fight = vec![false; n];
    let mut soldiers = vec![0.0; n];
    for p in 0..n {
        let mut next_door = 0.0;
        for &(r, q) in &theatre.adjacency[p] {
            if control.contested[q] && theatre.routes[r].km <= c.near_fight_km {
                near_fight[p] = true;
                next_door += f64::from(control.personnel[q]);
            }
        }
        soldiers[p] = f64::from(control.personnel[p]) + next_door;
    }
    let rate = |p: usize, pop: &Population| {
        let base: f64 = if control.contested[p] {
            c.flight_fighting_per_day
        } else if control.threatened[p] || near_fight[p] {
            c.flight_threat_per_day
        } else {
            0.0
        };
        let s = soldiers[p];
        let intensity = if s > 0.0 {
            s / (s + pop.present() / c.people_per_soldier.max(1e-9))
        } else {
            0.0
        };
        let mut r = base * intensity;
        if pop.food_days <= 0.0 && pop.present() > 0.0 {
            r = r.max(c.flight_hunger_per_day);
        }
        r
    };
    let calm = |p: usize| !control.contested[p] && !control.threatened[p] && !near_fight[p];
    plan.refresh(
        theatre,
        &control.contested,
        &control.threatened,
        [c.near_fight_km, c.flight_reach_hours, c.camp_preference],
    );
    let mut moves = Vec::new();
    for p in 0..n {
        let r = rate(p, &before[p]);
        if r <= 0.0 || before[p].present() <= 0.0 {
            continue;
        }
        let destination = *plan.destination[p].get_or_insert_with(|| {
            let mut destination: Option<(f64, usize)> = None;
            let mut travel_hours = 0.0;
            reachable_from(
                theatre,
                p,
                |q| !control.contested[q],
                c.flight_reach_hours,
                |q, hours| {
                    if !calm(q) {
                        return;
                    }
                    let info = &theatre.places[q];
                    let preferred =
                        info.kind == PlaceKind::Camp || info.country != theatre.places[p].country;
                    let weight = if preferred { c.camp_preference } else { 1.0 };
                    let candidate = (hours * weight, q);
                    let better = destination.is_none_or(|best| {
                        candidate
                            .0
                            .total_cmp(&best.0)
                            .then(candidate.1.cmp(&best.1))
                            .is_lt()
                    });
                    if better {
                        destination = Some(candidate);
                        travel_hours = hours;
                    }
                },
            );
            destination.map(|(_, q)| (q, travel_hours))
        });
        if let Some((q, hours)) = destination {
            let share = 1.0 - (-r * dt).exp();
            moves.push((
                p,
                q,
                people[p].residents * share,
                people[p].displaced_here * share,
                hours,
                hunger(before[p].food_days, c.food_days),
            ));
        }
    }
    for &(p, q, residents, displaced, hours, hungry) in &moves {
        people[p].residents -= residents;
        people[p].displaced_here -= displaced;
        // Deaths on the road: people in flight are displaced, unsheltered, and fed as their
        // place was.
        let (rate, _) = hardship_rates(h, hungry, 1.0, 0.0);
        let died = (residents + displaced) * (1.0 - (-rate / 10_000.0 * hours / 24.0).exp());
        people[p].dead += died;
        tallies.tick.civilian_deaths += died;
        people[q].displaced_here += residents + displaced - died;
        tallies.tick.displaced += residents;
        if !before[p].fleeing && residents + displaced >= 1.0 {
            log.write(Logged {
                kind: EventKind::Displacement,
                text: format!(
                    "civilians flee {} for {}",
                    theatre.places[p].name, theatre.places[q].name
                ),
            });
        }
    }
    let mut fleeing = vec![false; n];
    for &(from, ..) in &moves {
        fleeing[from] = true;
    }
    for (p, pop) in people.iter_mut().enumerate() {
        pop.fleeing = fleeing[p];
        // Food: stocks refill while the holder's supply reaches the place (and it has not just
        // changed hands), else run down.
        let supplied = food.connected[p] && pop.disrupted_days <= 0.0;
        pop.disrupted_days = (pop.disrupted_days - dt).max(0.0);
        pop.food_days = if supplied {
            (pop.food_days + dt).min(c.food_days.max(pop.food_days))
        } else {
            (pop.food_days - dt).max(0.0)
        };
    }
    for (place, mut population) in &mut places {
        if *population != people[place.index] {
            *population = people[place.index];
        }
    }
}
