//! Civilians: people flee danger along routes to safer places (camps and other countries
//! first), are killed in fighting at inhabited places, and go hungry where routes are cut.
//!
//! See docs/MODEL.md, "Civilians".

use bevy_ecs::prelude::*;

use crate::scenario::PlaceKind;
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
    /// By place: `None` if not yet worked out, else the destination (if any).
    destination: Vec<Option<Option<usize>>>,
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

/// Move, harm and feed the civilians of every place for one tick.
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
) {
    let c = &params.0.civilians;
    let dt = clock.dt_days();
    let n = theatre.places.len();
    let mut people = vec![Population::default(); n];
    for (place, population) in &places {
        people[place.index] = *population;
    }
    let before = people.clone();

    // Harm: civilians killed where soldiers fell this tick.
    for (p, pop) in people.iter_mut().enumerate() {
        let casualties = f64::from(tallies.battle_casualties[p]);
        let present = pop.present();
        if casualties <= 0.0 || present <= 0.0 {
            continue;
        }
        let urban = if theatre.places[p].terrain == crate::scenario::Terrain::Urban {
            c.urban_harm_factor
        } else {
            1.0
        };
        let density = present / (present + c.density_half.max(1.0));
        let deaths = (c.deaths_per_casualty * casualties * urban * density).min(present);
        let share = deaths / present;
        pop.residents -= pop.residents * share;
        pop.displaced_here -= pop.displaced_here * share;
        pop.dead += deaths;
        tallies.tick.civilian_deaths += deaths;
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
                    }
                },
            );
            destination.map(|(_, q)| q)
        });
        if let Some(q) = destination {
            let share = 1.0 - (-r * dt).exp();
            moves.push((
                p,
                q,
                people[p].residents * share,
                people[p].displaced_here * share,
            ));
        }
    }
    for &(p, q, residents, displaced) in &moves {
        people[p].residents -= residents;
        people[p].displaced_here -= displaced;
        people[q].displaced_here += residents + displaced;
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
        // Food: stocks refill while the holder's supply reaches the place, else run down.
        pop.food_days = if food.connected[p] {
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
