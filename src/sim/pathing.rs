//! Shortest paths on the theatre graph (Dijkstra by travel time), with deterministic ties.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::resources::Theatre;

/// The first step of a shortest path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// Route to take first.
    pub route: usize,
    /// Place that route leads to.
    pub next: usize,
    /// Place the path ends at.
    pub target: usize,
    /// Travel time of the whole path, hours.
    pub hours: f64,
}

#[derive(PartialEq)]
struct Entry {
    hours: f64,
    place: usize,
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Min-heap on time, then on place index, so that ties break the same way every run.
        other
            .hours
            .total_cmp(&self.hours)
            .then_with(|| other.place.cmp(&self.place))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The nearest place (by travel time) from `start` that satisfies `is_target`, moving only
/// through places for which `can_enter` holds (the target itself must also be enterable),
/// within `max_hours`. Returns `None` if `start` is itself a target or nothing is reachable.
pub fn nearest(
    theatre: &Theatre,
    start: usize,
    can_enter: impl Fn(usize) -> bool,
    is_target: impl Fn(usize) -> bool,
    max_hours: f64,
) -> Option<Step> {
    let n = theatre.places.len();
    let mut best = vec![f64::INFINITY; n];
    let mut first: Vec<Option<(usize, usize)>> = vec![None; n];
    let mut heap = BinaryHeap::new();
    best[start] = 0.0;
    heap.push(Entry {
        hours: 0.0,
        place: start,
    });
    while let Some(Entry { hours, place }) = heap.pop() {
        if hours > best[place] {
            continue;
        }
        if place != start && is_target(place) {
            let (route, next) = first[place]?;
            return Some(Step {
                route,
                next,
                target: place,
                hours,
            });
        }
        for &(route, neighbour) in &theatre.adjacency[place] {
            if neighbour == start || !can_enter(neighbour) {
                continue;
            }
            let t = hours + theatre.routes[route].hours();
            if t < best[neighbour] && t <= max_hours {
                best[neighbour] = t;
                first[neighbour] = if place == start {
                    Some((route, neighbour))
                } else {
                    first[place]
                };
                heap.push(Entry {
                    hours: t,
                    place: neighbour,
                });
            }
        }
    }
    None
}

/// Widest (max-bottleneck) path capacities from `start` to every place, entering only places
/// for which `can_enter` holds and using only routes for which `usable` holds. The start gets
/// `f64::INFINITY`; unreachable places get 0.
pub fn widest_from(
    theatre: &Theatre,
    start: usize,
    can_enter: impl Fn(usize) -> bool,
    usable: impl Fn(usize) -> bool,
) -> Vec<f64> {
    let n = theatre.places.len();
    let mut width = vec![0.0_f64; n];
    width[start] = f64::INFINITY;
    // Max-heap on width: reuse Entry with negated widths so the heap pops the widest first.
    let mut heap = BinaryHeap::new();
    heap.push(Entry {
        hours: f64::NEG_INFINITY,
        place: start,
    });
    while let Some(Entry { hours, place }) = heap.pop() {
        let w = -hours;
        if w < width[place] {
            continue;
        }
        for &(route, neighbour) in &theatre.adjacency[place] {
            if !usable(route) || !can_enter(neighbour) {
                continue;
            }
            let through = w.min(theatre.routes[route].capacity_t_per_day);
            if through > width[neighbour] {
                width[neighbour] = through;
                heap.push(Entry {
                    hours: -through,
                    place: neighbour,
                });
            }
        }
    }
    width
}

/// Travel time in hours from `start` to every place, entering only places for which
/// `can_enter` holds, up to `max_hours`; unreachable places get `f64::INFINITY`.
pub fn hours_from(
    theatre: &Theatre,
    start: usize,
    can_enter: impl Fn(usize) -> bool,
    max_hours: f64,
) -> Vec<f64> {
    let mut best = vec![f64::INFINITY; theatre.places.len()];
    let mut heap = BinaryHeap::new();
    best[start] = 0.0;
    heap.push(Entry {
        hours: 0.0,
        place: start,
    });
    while let Some(Entry { hours, place }) = heap.pop() {
        if hours > best[place] {
            continue;
        }
        for &(route, neighbour) in &theatre.adjacency[place] {
            if !can_enter(neighbour) {
                continue;
            }
            let t = hours + theatre.routes[route].hours();
            if t < best[neighbour] && t <= max_hours {
                best[neighbour] = t;
                heap.push(Entry {
                    hours: t,
                    place: neighbour,
                });
            }
        }
    }
    best
}
