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

/// Scratch space of [`search`], kept between searches on the same thread so that a search costs
/// what it explores, not the size of the whole graph: only the entries it touched are reset.
#[derive(Default)]
struct Scratch {
    best: Vec<f64>,
    first: Vec<Option<(usize, usize)>>,
    touched: Vec<usize>,
    heap: BinaryHeap<Entry>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Dijkstra by travel time from `start`, entering only places for which `can_enter` holds by
/// routes for which `can_use` holds, within `max_hours`, settling places in order of time (ties
/// by place index). `settled` is called with each place other than `start` as it is settled,
/// with its travel time and the first route and place of its best path; returning true stops
/// the search there.
fn search(
    theatre: &Theatre,
    start: usize,
    can_enter: impl Fn(usize) -> bool,
    can_use: impl Fn(usize) -> bool,
    max_hours: f64,
    mut settled: impl FnMut(usize, f64, (usize, usize)) -> bool,
) {
    SCRATCH.with(|scratch| {
        let mut guard = scratch.borrow_mut();
        let Scratch {
            best,
            first,
            touched,
            heap,
        } = &mut *guard;
        let n = theatre.places.len();
        if best.len() != n {
            *best = vec![f64::INFINITY; n];
            *first = vec![None; n];
            touched.clear();
        }
        heap.clear();
        best[start] = 0.0;
        touched.push(start);
        heap.push(Entry {
            hours: 0.0,
            place: start,
        });
        while let Some(Entry { hours, place }) = heap.pop() {
            if hours > best[place] {
                continue;
            }
            if place != start
                && let Some(step) = first[place]
                && settled(place, hours, step)
            {
                break;
            }
            for &(route, neighbour) in &theatre.adjacency[place] {
                if neighbour == start || !can_enter(neighbour) || !can_use(route) {
                    continue;
                }
                let t = hours + theatre.routes[route].hours();
                if t < best[neighbour] && t <= max_hours {
                    if best[neighbour] == f64::INFINITY {
                        touched.push(neighbour);
                    }
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
        for &place in touched.iter() {
            best[place] = f64::INFINITY;
            first[place] = None;
        }
        touched.clear();
    });
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
    nearest_by(theatre, start, can_enter, |_| true, is_target, max_hours)
}

/// As [`nearest`], using only the routes (by index) for which `can_use` holds.
pub fn nearest_by(
    theatre: &Theatre,
    start: usize,
    can_enter: impl Fn(usize) -> bool,
    can_use: impl Fn(usize) -> bool,
    is_target: impl Fn(usize) -> bool,
    max_hours: f64,
) -> Option<Step> {
    let mut found = None;
    search(
        theatre,
        start,
        can_enter,
        can_use,
        max_hours,
        |place, hours, (route, next)| {
            let hit = is_target(place);
            if hit {
                found = Some(Step {
                    route,
                    next,
                    target: place,
                    hours,
                });
            }
            hit
        },
    );
    found
}

/// Travel time in hours from `start` to every place, entering only places for which
/// `can_enter` holds, up to `max_hours`; unreachable places get `f64::INFINITY` (`start` 0).
pub fn hours_from(
    theatre: &Theatre,
    start: usize,
    can_enter: impl Fn(usize) -> bool,
    max_hours: f64,
) -> Vec<f64> {
    let mut hours = vec![f64::INFINITY; theatre.places.len()];
    hours[start] = 0.0;
    reachable_from(theatre, start, can_enter, max_hours, |place, h| {
        hours[place] = h
    });
    hours
}

/// Call `reached(place, hours)` for every place other than `start` reachable from `start`
/// within `max_hours`, entering only places for which `can_enter` holds, with its travel time,
/// nearest first.
pub fn reachable_from(
    theatre: &Theatre,
    start: usize,
    can_enter: impl Fn(usize) -> bool,
    max_hours: f64,
    mut reached: impl FnMut(usize, f64),
) {
    search(
        theatre,
        start,
        can_enter,
        |_| true,
        max_hours,
        |place, hours, _| {
            reached(place, hours);
            false
        },
    );
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
