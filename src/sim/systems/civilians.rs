//! Civilians: people flee fighting, a feared occupier and expected strikes, spreading over the
//! reachable safe places by a gravity choice and crossing borders as their posts allow, are
//! killed and wounded by the fire of fights at their place, go hungry where routes
//! are cut or a place has just changed hands, and die of hardship when displaced.
//!
//! See docs/MODEL.md, "Civilians" and "The human cost".

use bevy_ecs::prelude::*;

use crate::scenario::params::HumanCostParams;
use crate::scenario::{BorderStatus, PlaceKind, Terrain};
use crate::sim::components::{Place, Population, Position, Readiness, Strength, Unit};
use crate::sim::messages::Logged;
use crate::sim::nearby::Nearby;
use crate::sim::politics::Tallies;
use crate::sim::relations::{FactionMask, Relations, faction_bit};
use crate::sim::resources::{CivilianSupply, Clock, ControlMap, EventKind, SimParams, Theatre};

/// The status of every border crossing post now, by place index (`None`: not a post). Starts
/// from the places' `border` fields; `Border` event actions change it.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Borders {
    status: Vec<Option<BorderStatus>>,
}

impl Borders {
    /// The statuses the scenario gives the places.
    pub fn new(theatre: &Theatre) -> Self {
        Self {
            status: theatre.places.iter().map(|p| p.border).collect(),
        }
    }

    /// Set the status of the crossing post at `place`.
    pub fn set(&mut self, place: usize, status: BorderStatus) {
        if let Some(s) = self.status.get_mut(place) {
            *s = Some(status);
        }
    }

    /// The status of the crossing post at `place`, if it is one.
    pub fn status(&self, place: usize) -> Option<BorderStatus> {
        self.status.get(place).copied().flatten()
    }
}

/// A border status in words, for the event log.
pub fn describe(status: BorderStatus) -> String {
    match status {
        BorderStatus::Open => "open".to_owned(),
        BorderStatus::Closed => "closed".to_owned(),
        BorderStatus::Limited(per_day) => format!("limited to {per_day:.0} people a day"),
    }
}

/// Strikes people expect from the air, by place index: published each tick by the air model
/// ([`fly_sorties`](crate::sim::systems::air::fly_sorties); docs/MODEL.md, "Air power",
/// "Expected strikes") and read by flight, which never writes it. Absent or empty: no air
/// strikes expected.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct ExpectedStrikes {
    /// Expected air and drone strikes on each place, in the unit of the ground threat:
    /// explosive-weighted hostile soldiers in reach (a strike asset able to reach the place
    /// counts as the soldiers whose fire it equals: its expected sorties a day there times its
    /// `strike_power`, after air defence).
    pub air: Vec<f64>,
    /// Bit mask of the factions whose aircraft or drones threaten each place (bit `f` for
    /// faction `f`): people flee them, and avoid places held by them or their allies.
    pub air_factions: Vec<FactionMask>,
}

/// Where the people of one place go: a destination, its share of them, the hours of travel to
/// it, the crossing post on the way (if any) and whether it lies in another country.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Flow {
    to: usize,
    share: f64,
    hours: f64,
    post: Option<usize>,
    abroad: bool,
    /// The share of those on the road who survive it, with the bits of the death rate it was
    /// worked out for (kept while the rate stays the same).
    survive: Option<(u64, f64)>,
}

/// Where the people of each place would flee to. It depends on which places are fought over
/// or threatened, on who holds each place, on the relations between factions, on the borders,
/// on the factions the people of the place flee and on the parameters, so it is kept while
/// those stay the same.
#[derive(Default)]
pub struct FlightPlan {
    contested: Vec<bool>,
    threatened: Vec<bool>,
    controller: Vec<usize>,
    borders: Vec<Option<BorderStatus>>,
    params: Vec<u64>,
    /// The version of the relations matrix the destinations were worked out under.
    relations: u64,
    /// The number of the tick being worked out (counted by [`FlightPlan::refresh`]).
    tick: u64,
    /// By place: the last tick its fighting, threat or holder changed, or the fighting at a
    /// neighbour.
    changed_at: Vec<u64>,
    /// The largest of `changed_at`: a search made since changed nothing it looked at.
    last_change: u64,
    /// By place: `None` if not yet worked out, else the factions fled when it was and the
    /// flows (worked out from `candidates`).
    destination: Vec<Option<(FactionMask, Vec<Flow>)>>,
    /// By place: the calm places its flight search reached, if it was made.
    candidates: Vec<Option<Vec<Candidate>>>,
    /// By place: the tick its flight search was made, and the places it looked at (the
    /// places it left from and their neighbours), the only ones whose change can alter it.
    searched_at: Vec<u64>,
    looked_at: Vec<Vec<usize>>,
    /// What the weight of a destination takes from the place alone.
    weights: Weights,
}

/// What the weight of a destination takes from the place alone, worked out again with the
/// destinations when a parameter changes.
#[derive(Default)]
struct Weights {
    /// By place: `(room + 1)^mass_exponent`, its weight before travel, kin and fear.
    room: Vec<f64>,
    /// By place, `words` words: a bit for each of the theatre's kin groups it belongs to.
    kin: Vec<u64>,
    words: usize,
    /// By place: an index for its country (places in the same country have the same).
    country: Vec<usize>,
}

/// A calm place a flight search reached: where it is, the hours to it, the first crossing
/// post on the way, whether it lies abroad, its weight before fear and kin
/// (`(room + 1)^mass_exponent × e^(−h / travel_scale_hours)`) and whether it shares a kin
/// group with the origin.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    to: usize,
    hours: f64,
    post: Option<usize>,
    abroad: bool,
    weight: f64,
    kin: bool,
}

impl Weights {
    fn new(theatre: &Theatre, h: &HumanCostParams, mass_exponent: f64) -> Self {
        let room = theatre
            .places
            .iter()
            .map(|info| (shelter_capacity(h, info).max(0.0) + 1.0).powf(mass_exponent))
            .collect();
        let mut groups: Vec<&str> = Vec::new();
        let ids: Vec<Vec<usize>> = theatre
            .places
            .iter()
            .map(|info| {
                info.kin
                    .iter()
                    .map(|k| match groups.iter().position(|g| *g == k.as_str()) {
                        Some(i) => i,
                        None => {
                            groups.push(k.as_str());
                            groups.len() - 1
                        }
                    })
                    .collect()
            })
            .collect();
        let words = groups.len().div_ceil(64);
        let mut kin = vec![0u64; ids.len() * words];
        for (p, list) in ids.iter().enumerate() {
            for &i in list {
                kin[p * words + i / 64] |= 1 << (i % 64);
            }
        }
        let mut countries: Vec<&str> = Vec::new();
        let country = theatre
            .places
            .iter()
            .map(
                |info| match countries.iter().position(|c| *c == info.country.as_str()) {
                    Some(i) => i,
                    None => {
                        countries.push(info.country.as_str());
                        countries.len() - 1
                    }
                },
            )
            .collect();
        Self {
            room,
            kin,
            words,
            country,
        }
    }

    /// Whether places `a` and `b` share a kin group.
    fn kin(&self, a: usize, b: usize) -> bool {
        let w = self.words;
        self.kin[a * w..(a + 1) * w]
            .iter()
            .zip(&self.kin[b * w..(b + 1) * w])
            .any(|(x, y)| x & y != 0)
    }
}

impl FlightPlan {
    /// Note what changed since the last tick: forget every destination if a parameter, a
    /// relation or a border changed, else mark the places whose fighting, threat or holder
    /// changed, and the neighbours of a change in fighting (their calm depends on fights next
    /// door). A flight search stays valid while no place it looked at changed
    /// ([`FlightPlan::searched`]): it depends on nothing else.
    #[allow(clippy::too_many_arguments)]
    fn refresh(
        &mut self,
        theatre: &Theatre,
        control: &ControlMap,
        borders: &[Option<BorderStatus>],
        params: &[f64],
        h: &HumanCostParams,
        mass_exponent: f64,
    ) {
        let (contested, threatened) = (&control.contested, &control.threatened);
        let n = contested.len();
        self.tick += 1;
        let same_params = self.params.len() == params.len()
            && self
                .params
                .iter()
                .zip(params)
                .all(|(a, b)| *a == b.to_bits());
        if !same_params
            || self.destination.len() != n
            || self.relations != control.relations.version
            || self.borders != borders
        {
            self.params = params.iter().map(|x| x.to_bits()).collect();
            self.relations = control.relations.version;
            self.contested = contested.to_vec();
            self.threatened = threatened.to_vec();
            self.controller = control.controller.clone();
            self.borders = borders.to_vec();
            self.changed_at = vec![self.tick; n];
            self.last_change = self.tick;
            self.destination = vec![None; n];
            self.candidates = vec![None; n];
            self.searched_at = vec![0; n];
            self.looked_at.resize_with(n, Vec::new);
            self.weights = Weights::new(theatre, h, mass_exponent);
            return;
        }
        for p in 0..n {
            let fighting = self.contested[p] != contested[p];
            if fighting
                || self.threatened[p] != threatened[p]
                || self.controller[p] != control.controller[p]
            {
                self.changed_at[p] = self.tick;
                self.last_change = self.tick;
            }
            if fighting {
                for &(_, q) in &theatre.adjacency[p] {
                    self.changed_at[q] = self.tick;
                }
            }
        }
        self.contested.copy_from_slice(contested);
        self.threatened.copy_from_slice(threatened);
        self.controller.copy_from_slice(&control.controller);
    }

    /// Whether the flight search from `place` was made and no place it looked at changed
    /// since.
    fn searched(&self, place: usize) -> bool {
        let at = self.searched_at[place];
        self.candidates[place].is_some()
            && (self.last_change <= at
                || self.looked_at[place]
                    .iter()
                    .all(|&q| self.changed_at[q] <= at))
    }
}

/// The crossing post that governs the route from `a` to `b`, if the route crosses an
/// international border (its ends lie in different countries) and either end is a post: the
/// post at `a` if there is one, else the one at `b`.
/// `country` gives each place an index for its country.
fn crossing_post(
    country: &[usize],
    borders: &[Option<BorderStatus>],
    a: usize,
    b: usize,
) -> Option<usize> {
    if country[a] == country[b] {
        None
    } else if borders[a].is_some() {
        Some(a)
    } else if borders[b].is_some() {
        Some(b)
    } else {
        None
    }
}

/// The arrays of a search over the places, kept between searches: a search resets only the
/// places it touched, so it costs what it explores rather than the size of the map.
#[derive(Default)]
pub struct Search {
    best: Vec<f64>,
    post: Vec<Option<usize>>,
    done: Vec<bool>,
    /// Places whose entries the last search changed.
    touched: Vec<usize>,
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(OrderedHours, usize)>>,
    /// What the last flight search reached: place, hours, first crossing post.
    reached: Vec<(usize, f64, Option<usize>)>,
    /// The places the last flight search looked at: those it left from and their neighbours.
    looked_at: Vec<usize>,
    /// By place: whether it is in `looked_at`.
    looked: Vec<bool>,
    /// Candidate destinations and their weights (a buffer).
    weighted: Vec<(f64, Flow)>,
}

impl Search {
    /// Every place unreached, for a map of `n` places.
    fn begin(&mut self, n: usize) {
        if self.best.len() == n {
            for &p in &self.touched {
                self.best[p] = f64::INFINITY;
                self.post[p] = None;
                self.done[p] = false;
            }
            for &p in &self.looked_at {
                self.looked[p] = false;
            }
        } else {
            self.best = vec![f64::INFINITY; n];
            self.post = vec![None; n];
            self.done = vec![false; n];
            self.looked = vec![false; n];
        }
        self.touched.clear();
        self.looked_at.clear();
        self.heap.clear();
    }

    /// Fill `self.reached` with every place other than `start` reachable from it within
    /// `max_hours` entering only places for which `can_enter` holds and crossing no closed
    /// border post, with its travel time and the first crossing post on the quickest way to
    /// it, in the order reached (nearest first, ties by place index); and `self.looked_at`
    /// with the places it looked at (left from, or whose entry it weighed).
    fn flight(
        &mut self,
        theatre: &Theatre,
        country: &[usize],
        borders: &[Option<BorderStatus>],
        start: usize,
        can_enter: impl Fn(usize) -> bool,
        max_hours: f64,
    ) {
        self.begin(theatre.places.len());
        self.reached.clear();
        self.best[start] = 0.0;
        self.touched.push(start);
        self.heap
            .push(std::cmp::Reverse((OrderedHours(0.0), start)));
        while let Some(std::cmp::Reverse((OrderedHours(hours), place))) = self.heap.pop() {
            if self.done[place] || hours > self.best[place] {
                continue;
            }
            self.done[place] = true;
            if place != start {
                self.reached.push((place, hours, self.post[place]));
            }
            if !self.looked[place] {
                self.looked[place] = true;
                self.looked_at.push(place);
            }
            for &(route, next) in &theatre.adjacency[place] {
                if !self.looked[next] {
                    self.looked[next] = true;
                    self.looked_at.push(next);
                }
                if self.done[next] || !can_enter(next) {
                    continue;
                }
                let via = match crossing_post(country, borders, place, next) {
                    Some(p) if borders[p] == Some(BorderStatus::Closed) => continue,
                    Some(p) => self.post[place].or(Some(p)),
                    None => self.post[place],
                };
                let t = hours + theatre.routes[route].hours();
                if t < self.best[next] && t <= max_hours {
                    self.best[next] = t;
                    self.post[next] = via;
                    self.touched.push(next);
                    self.heap.push(std::cmp::Reverse((OrderedHours(t), next)));
                }
            }
        }
    }
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
    let typical = typical_density(h, info);
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

/// Built-up area of a place, km²: its `area_km2` if the scenario gives one, else its starting
/// population at the density of its kind.
fn area_km2(h: &HumanCostParams, info: &crate::sim::resources::PlaceInfo) -> f64 {
    info.area_km2
        .unwrap_or_else(|| info.population / typical_density(h, info).max(1e-9))
}

/// People per km² typical of a place's kind: a `Camp`, `Urban` terrain, or other.
fn typical_density(h: &HumanCostParams, info: &crate::sim::resources::PlaceInfo) -> f64 {
    if info.kind == PlaceKind::Camp {
        h.camp_density_per_km2
    } else if info.terrain == Terrain::Urban {
        h.urban_density_per_km2
    } else {
        h.other_density_per_km2
    }
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

/// When each place last changed hands, and the faction that held it at the start.
#[derive(Default)]
pub struct Occupation {
    start_holder: Vec<usize>,
    taken_at: Vec<f64>,
}

/// One tick's flight of people from a place along one of its flows.
struct Move {
    from: usize,
    /// The index of the flow among those of `from`.
    index: usize,
    flow: Flow,
    residents: f64,
    displaced: f64,
    /// Share of the displaced moving who are refugees.
    refugee_share: f64,
    /// How far the food of the place left had run down, 0–1.
    hungry: f64,
}

/// Explosive-weighted soldiers of one side at a place, with the factions behind the sum.
#[derive(Debug, Clone, PartialEq)]
struct Guns {
    side: usize,
    weighted: f64,
    factions: FactionMask,
    by_faction: Vec<(usize, f64)>,
}

impl Guns {
    /// Become a copy of `other`, reusing this entry's list of factions.
    fn copy_from(&mut self, other: &Guns) {
        self.side = other.side;
        self.weighted = other.weighted;
        self.factions = other.factions;
        self.by_faction.clone_from(&other.by_faction);
    }
}

/// The buffers of `expected_strikes`, kept between ticks.
#[derive(Default)]
pub struct Strikes {
    /// By place: explosive-weighted soldiers by side, in the order the sides were met; only
    /// the first `used[place]` entries are this tick's.
    guns: Vec<Vec<Guns>>,
    used: Vec<usize>,
    /// By place: the guns `out` was last worked out from (the first `used` entries of `guns`
    /// then).
    last_guns: Vec<Vec<Guns>>,
    /// By place: whether its guns differ from `last_guns` this tick.
    dirty: Vec<bool>,
    /// By place: the holder, and the bits of the air strikes and the mask of their factions,
    /// `out` was last worked out for.
    last_holder: Vec<usize>,
    last_air: Vec<(u64, FactionMask)>,
    /// The air model's strikes and their factions as they were at the last tick.
    air_then: (Vec<f64>, Vec<FactionMask>),
    /// The relations version and the bits of the reach `out` was last worked out for; `None`
    /// if `out` must be worked out again for every place.
    last_key: Option<(u64, u64)>,
    /// By place: the expected strikes and the factions they come from.
    out: Vec<(f64, FactionMask)>,
}

/// The strikes the people of each place expect, by place index, into `buffers.out`:
/// explosive-weighted soldiers of factions hostile to the place's holder (peacekeepers left
/// out) whose units stand within `reach_km` of it (great circle), plus the air strikes of
/// `air`, and the bit mask of the factions they come from (docs/MODEL.md, "Civilians").
fn expected_strikes(
    theatre: &Theatre,
    control: &ControlMap,
    reach_km: f64,
    nearby: &mut Nearby,
    units: &Query<(&Unit, &Position, &Strength, &Readiness)>,
    air: Option<&ExpectedStrikes>,
    buffers: &mut Strikes,
) {
    let n = theatre.places.len();
    // Explosive-weighted soldiers by place and side (summed by side, so that a side whose
    // factions are all hostile to a holder adds one sum, as before relations existed).
    let (guns, used) = (&mut buffers.guns, &mut buffers.used);
    guns.resize_with(n, Vec::new);
    used.clear();
    used.resize(n, 0);
    let mut any = false;
    for (unit, position, strength, readiness) in units {
        if unit.peacekeeper || *readiness != Readiness::Active || strength.personnel == 0 {
            continue;
        }
        let fire = theatre.factions[unit.faction].fire;
        let share = fire.artillery + fire.drones;
        if share <= 0.0 {
            continue;
        }
        let at = match *position {
            Position::At(place) => place,
            Position::Moving { from, .. } => from,
        };
        let weighted = f64::from(strength.personnel) * share;
        let (list, count) = (&mut guns[at], &mut used[at]);
        let i = match list[..*count].iter().position(|g| g.side == unit.side) {
            Some(i) => i,
            None => {
                if let Some(g) = list.get_mut(*count) {
                    g.side = unit.side;
                    g.weighted = 0.0;
                    g.factions = 0;
                    g.by_faction.clear();
                } else {
                    list.push(Guns {
                        side: unit.side,
                        weighted: 0.0,
                        factions: 0,
                        by_faction: Vec::new(),
                    });
                }
                *count += 1;
                *count - 1
            }
        };
        let entry = &mut list[i];
        entry.weighted += weighted;
        entry.factions |= faction_bit(unit.faction);
        match entry
            .by_faction
            .iter_mut()
            .find(|(f, _)| *f == unit.faction)
        {
            Some(e) => e.1 += weighted,
            None => entry.by_faction.push((unit.faction, weighted)),
        }
        any = true;
    }
    let air_at = |p: usize| -> (f64, FactionMask) {
        match air {
            Some(air) => (
                air.air.get(p).copied().unwrap_or(0.0).max(0.0),
                air.air_factions.get(p).copied().unwrap_or(0),
            ),
            None => (0.0, 0),
        }
    };
    let out = &mut buffers.out;
    if !any || reach_km <= 0.0 {
        out.clear();
        out.extend((0..n).map(|p| {
            let (strikes, sides) = air_at(p);
            (0.0 + strikes, sides)
        }));
        buffers.last_key = None;
        return;
    }
    // Work out again only the places whose holder or air strikes changed, or with a place in
    // reach whose guns changed: the others would get the same sums in the same order (the
    // factions hostile to a holder change only with it or with the relations' version).
    let key = (control.relations.version, reach_km.to_bits());
    let all = buffers.last_key != Some(key) || out.len() != n || buffers.last_guns.len() != n;
    if all {
        buffers.last_guns.resize_with(n, Vec::new);
        buffers.last_holder.clone_from(&control.controller);
        buffers.last_air.clear();
        buffers.last_air.resize(n, (0, 0));
        out.clear();
        out.resize(n, (0.0, 0));
    }
    let dirty = &mut buffers.dirty;
    dirty.clear();
    dirty.resize(n, false);
    let mut any_dirty = false;
    for q in 0..n {
        let now = &guns[q][..used[q]];
        let last = &mut buffers.last_guns[q];
        if all || last.as_slice() != now {
            dirty[q] = true;
            any_dirty = true;
            last.truncate(now.len());
            for (i, g) in now.iter().enumerate() {
                match last.get_mut(i) {
                    Some(l) => l.copy_from(g),
                    None => last.push(g.clone()),
                }
            }
        }
    }
    let (air_now, air_factions_now): (&[f64], &[FactionMask]) = match air {
        Some(air) => (&air.air, &air.air_factions),
        None => (&[], &[]),
    };
    let same_air = buffers.air_then.0 == air_now && buffers.air_then.1 == air_factions_now;
    if !same_air {
        buffers.air_then.0.clear();
        buffers.air_then.0.extend_from_slice(air_now);
        buffers.air_then.1.clear();
        buffers.air_then.1.extend_from_slice(air_factions_now);
    }
    if !all && !any_dirty && same_air && buffers.last_holder == control.controller {
        return;
    }
    nearby.cover(theatre, reach_km);
    for (p, o) in out.iter_mut().enumerate() {
        let (strikes, sides) = air_at(p);
        let air_key = (strikes.to_bits(), sides);
        let mut redo = all
            || buffers.last_holder[p] != control.controller[p]
            || buffers.last_air[p] != air_key;
        if !redo && any_dirty {
            redo = nearby
                .around(p)
                .iter()
                .any(|&(q, km)| km <= reach_km && dirty[q]);
        }
        if !redo {
            continue;
        }
        buffers.last_holder[p] = control.controller[p];
        buffers.last_air[p] = air_key;
        *o = (0.0, 0);
        if air.is_some() {
            o.0 += strikes;
            o.1 |= sides;
        }
        let hostile = control.relations.hostile_mask(control.controller[p]);
        for &(q, km) in nearby.around(p) {
            if km > reach_km {
                continue;
            }
            for g in &guns[q][..used[q]] {
                let h = g.factions & hostile;
                if h == 0 {
                    continue;
                }
                if h == g.factions {
                    o.0 += g.weighted;
                } else {
                    o.0 += g
                        .by_faction
                        .iter()
                        .filter(|(f, _)| faction_bit(*f) & h != 0)
                        .map(|(_, w)| w)
                        .sum::<f64>();
                }
                o.1 |= h;
            }
        }
    }
    buffers.last_key = Some(key);
}

/// Whether the holder of `place` is a faction people fleeing `fled` fear: one of them or an
/// ally of one of them (by default: a faction of a side they flee).
fn feared_holder(relations: &Relations, holder: usize, fled: FactionMask) -> bool {
    let mut rest = fled;
    while rest != 0 {
        let f = rest.trailing_zeros() as usize;
        rest &= rest - 1;
        if relations.allied(holder, f) {
            return true;
        }
    }
    false
}

/// The calm places the people of `origin` can flee to (docs/MODEL.md, "Civilians"): those
/// reachable within `flight_reach_hours` through places `can_enter` allows and no closed
/// border, in the order reached, into `out`, with their weights before fear and kin: `(room +
/// 1)^mass_exponent × e^(−h / travel_scale_hours)`, `h` the travel time (times
/// `camp_preference` for a camp or a place abroad). `weights` holds what a weight takes from
/// the place alone.
#[allow(clippy::too_many_arguments)]
fn candidates(
    theatre: &Theatre,
    c: &crate::scenario::params::CivilianParams,
    borders: &[Option<BorderStatus>],
    weights: &Weights,
    search: &mut Search,
    origin: usize,
    calm: &dyn Fn(usize) -> bool,
    can_enter: &dyn Fn(usize) -> bool,
    out: &mut Vec<Candidate>,
) {
    search.flight(
        theatre,
        &weights.country,
        borders,
        origin,
        can_enter,
        c.flight_reach_hours,
    );
    out.clear();
    for &(q, hours, post) in &search.reached {
        if !calm(q) {
            continue;
        }
        let info = &theatre.places[q];
        let abroad = weights.country[q] != weights.country[origin];
        let preferred = info.kind == PlaceKind::Camp || abroad;
        let effective = hours * if preferred { c.camp_preference } else { 1.0 };
        out.push(Candidate {
            to: q,
            hours,
            post,
            abroad,
            weight: weights.room[q] * (-effective / c.travel_scale_hours.max(1e-9)).exp(),
            kin: weights.kin(origin, q),
        });
    }
}

/// Where the people of a place go, fleeing the factions of the mask `fled`, from the
/// `candidates` of their place (docs/MODEL.md, "Civilians"): a gravity (multinomial logit)
/// choice. A destination's weight is its candidate weight, times `feared_holder_weight` if a
/// faction fled or an ally of one holds it in the origin's country, times `kin_preference` if
/// it shares a kin group with the origin. The `flight_destinations` largest weights share the
/// people in proportion (expected values: no random draw).
fn destinations(
    c: &crate::scenario::params::CivilianParams,
    candidates: &[Candidate],
    fled: FactionMask,
    feared: &dyn Fn(usize, FactionMask) -> bool,
    weighted: &mut Vec<(f64, Flow)>,
) -> Vec<Flow> {
    weighted.clear();
    for cand in candidates {
        let mut w = cand.weight;
        if !cand.abroad && fled != 0 && feared(cand.to, fled) {
            w *= c.feared_holder_weight;
        }
        if cand.kin {
            w *= c.kin_preference;
        }
        if w > 0.0 && w.is_finite() {
            weighted.push((
                w,
                Flow {
                    to: cand.to,
                    share: 0.0,
                    hours: cand.hours,
                    post: cand.post,
                    abroad: cand.abroad,
                    survive: None,
                },
            ));
        }
    }
    // The largest weights, ties by place index: a strict order (a place is reached once), so
    // selecting the first `keep` before sorting them gives the order a full sort would.
    let order = |a: &(f64, Flow), b: &(f64, Flow)| b.0.total_cmp(&a.0).then(a.1.to.cmp(&b.1.to));
    let keep = c.flight_destinations.round().max(0.0) as usize;
    if weighted.len() > keep {
        if keep > 0 {
            weighted.select_nth_unstable_by(keep - 1, order);
        }
        weighted.truncate(keep);
    }
    weighted.sort_by(order);
    let total: f64 = weighted.iter().map(|(w, _)| w).sum();
    if total <= 0.0 {
        return Vec::new();
    }
    weighted
        .iter()
        .map(|&(w, flow)| Flow {
            share: w / total,
            ..flow
        })
        .collect()
}

/// The buffers of [`displace_civilians`], kept between ticks so that a tick allocates
/// (almost) nothing once a run is under way.
#[derive(Default)]
pub struct Buffers {
    people: Vec<Population>,
    before: Vec<Population>,
    taken: Vec<bool>,
    near_fight: Vec<bool>,
    soldiers: Vec<f64>,
    feared: Vec<FactionMask>,
    borders: Vec<Option<BorderStatus>>,
    moves: Vec<Move>,
    demand: Vec<f64>,
    first: Vec<Option<usize>>,
    destinations_of: Vec<usize>,
    moved: Vec<f64>,
    fleeing: Vec<bool>,
    strikes: Strikes,
    search: Search,
    /// By place: the shares of the displaced and of the settled dying of hardship in a tick,
    /// each with the bits of the rate it was worked out for (kept while the rate stays the
    /// same).
    hardship: Vec<[Option<(u64, f64)>; 2]>,
    /// The bits of the tick's length in days the shares of `hardship` were worked out for.
    hardship_dt: u64,
}

/// `1 − e^(−rate / 10,000 × dt)`, the share dying in a tick at `rate` per 10,000 a day, from
/// `memo` if it was worked out for the same rate (and the same `dt`, which the caller checks).
fn death_share(memo: &mut Option<(u64, f64)>, rate: f64, dt: f64) -> f64 {
    match *memo {
        Some((bits, share)) if bits == rate.to_bits() => share,
        _ => {
            let share = 1.0 - (-rate / 10_000.0 * dt).exp();
            *memo = Some((rate.to_bits(), share));
            share
        }
    }
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
    mut occupation: Local<Occupation>,
    mut buffers: Local<Buffers>,
    mut nearby: ResMut<Nearby>,
    units: Query<(&Unit, &Position, &Strength, &Readiness)>,
    borders: Option<Res<Borders>>,
    strikes_from_air: Option<Res<ExpectedStrikes>>,
) {
    let c = &params.0.civilians;
    let h = &params.0.human_cost;
    let dt = clock.dt_days();
    let n = theatre.places.len();
    let Buffers {
        people,
        before,
        taken,
        near_fight,
        soldiers,
        feared,
        borders: border_now,
        moves,
        demand,
        first,
        destinations_of,
        moved,
        fleeing,
        strikes: strike_buffers,
        search,
        hardship,
        hardship_dt,
    } = &mut *buffers;
    people.clear();
    people.resize(n, Population::default());
    for (place, population) in &places {
        people[place.index] = *population;
    }
    before.clone_from(people);

    // A place that changed hands has its supply cut for a while (docs/MODEL.md, "The human
    // cost").
    if holders.len() != n {
        *holders = control.controller.clone();
    }
    taken.clear();
    taken.resize(n, false);
    for (p, pop) in people.iter_mut().enumerate() {
        if holders[p] != control.controller[p] {
            pop.disrupted_days = pop.disrupted_days.max(h.capture_disruption_days);
            taken[p] = true;
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
        pop.refugees_here -= pop.refugees_here * share;
        let killed = casualties * h.civilian_killed_share;
        pop.dead += killed;
        pop.killed += killed;
        pop.wounded += casualties - killed;
        tallies.tick.civilian_deaths += killed;
    }

    // Hardship: excess deaths of the displaced (all of a camp's people count as displaced) and
    // of anyone whose food runs short.
    if hardship.len() != n || *hardship_dt != dt.to_bits() {
        hardship.clear();
        hardship.resize(n, [None; 2]);
        *hardship_dt = dt.to_bits();
    }
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
        let [d_memo, s_memo] = &mut hardship[p];
        let d_share = death_share(d_memo, displaced_rate, dt);
        let s_share = death_share(s_memo, settled_rate, dt);
        let resident_share = if camp { d_share } else { s_share };
        let deaths_residents = pop.residents * resident_share;
        let deaths_displaced = pop.displaced_here * d_share;
        pop.residents -= deaths_residents;
        pop.displaced_here -= deaths_displaced;
        pop.refugees_here -= pop.refugees_here * d_share;
        pop.dead += deaths_residents + deaths_displaced;
        tallies.tick.civilian_deaths += deaths_residents + deaths_displaced;
    }

    // Flight (docs/MODEL.md, "Civilians"): why people leave each place, and the factions they
    // flee: those hostile to its holder (by the relations matrix). Soldiers at each place and
    // at the fights next to it; whether a fight is next door.
    let (theatre, control) = (&*theatre, &*control);
    let relations = &control.relations;
    let holder = |p: usize| control.controller[p];
    near_fight.clear();
    near_fight.resize(n, false);
    soldiers.clear();
    soldiers.resize(n, 0.0);
    feared.clear();
    feared.resize(n, 0);
    for p in 0..n {
        let hostile = relations.hostile_mask(holder(p));
        let mut next_door = 0.0;
        for &(r, q) in &theatre.adjacency[p] {
            if control.contested[q] && theatre.routes[r].km <= c.near_fight_km {
                near_fight[p] = true;
                next_door += f64::from(control.personnel[q]);
                feared[p] |= control.present_factions[q] & hostile;
            }
        }
        soldiers[p] = f64::from(control.personnel[p]) + next_door;
        if control.contested[p] || control.threatened[p] {
            feared[p] |= control.present_factions[p] & hostile;
        }
    }
    // Expected strikes: hostile soldiers in reach, weighted by the explosive share of their
    // fire, and the air strikes the air model expects.
    expected_strikes(
        theatre,
        control,
        c.strike_reach_km,
        &mut nearby,
        &units,
        strikes_from_air.as_deref(),
        strike_buffers,
    );
    let strikes = &strike_buffers.out;
    // Occupation: when each place last changed hands, and the faction that held it at the
    // start.
    let now_hours = clock.hours_at_end_of_tick();
    if occupation.start_holder.len() != n {
        occupation.start_holder = control.controller.clone();
        occupation.taken_at = vec![f64::NEG_INFINITY; n];
    }
    for (at, &was_taken) in occupation.taken_at.iter_mut().zip(taken.iter()) {
        if was_taken {
            *at = now_hours;
        }
    }
    let (near_fight, soldiers, feared) = (&*near_fight, &*soldiers, &*feared);
    let rate = |p: usize, pop: &Population| -> (f64, FactionMask) {
        let mut fled: FactionMask = 0;
        let base: f64 = if control.contested[p] {
            c.flight_fighting_per_day
        } else if control.threatened[p] || near_fight[p] {
            c.flight_threat_per_day
        } else {
            0.0
        };
        let s = soldiers[p];
        let intensity = if s <= 0.0 {
            0.0
        } else if c.people_per_soldier > 0.0 {
            s / (s + pop.present() / c.people_per_soldier)
        } else {
            let endangered = s * c.fight_area_km2_per_soldier;
            endangered / (endangered + area_km2(h, &theatre.places[p])).max(1e-9)
        };
        let mut r = base * intensity;
        if r > 0.0 {
            fled |= feared[p];
        }
        // A feared occupier: a holder not allied with the place's holder at the start.
        let occupier = holder(p);
        let abuse = theatre.factions[occupier].civilian_abuse;
        if abuse > 0.0 && !relations.allied(occupier, occupation.start_holder[p]) {
            let days = (now_hours - occupation.taken_at[p]) / 24.0;
            r += c.flight_occupier_per_day
                * abuse
                * (-days.max(0.0) / c.occupier_fear_days.max(1e-9)).exp();
            fled |= faction_bit(occupier);
        }
        let (threat, sides) = strikes[p];
        if threat > 0.0 {
            r += c.flight_strike_per_day * threat / (threat + c.strike_half_soldiers.max(1e-9));
            fled |= sides;
        }
        if pop.food_days <= 0.0 && pop.present() > 0.0 {
            r = r.max(c.flight_hunger_per_day);
        }
        (r, fled)
    };
    let calm = |p: usize| !control.contested[p] && !control.threatened[p] && !near_fight[p];
    border_now.clear();
    match borders.as_deref() {
        Some(b) if b.status.len() == n => border_now.extend_from_slice(&b.status),
        _ => border_now.extend(theatre.places.iter().map(|p| p.border)),
    }
    plan.refresh(
        theatre,
        control,
        border_now,
        &[
            c.near_fight_km,
            c.flight_reach_hours,
            c.camp_preference,
            c.mass_exponent,
            c.travel_scale_hours,
            c.kin_preference,
            c.feared_holder_weight,
            c.flight_destinations,
            h.host_share,
        ],
        h,
        c.mass_exponent,
    );
    let plan = &mut *plan;
    moves.clear();
    for p in 0..n {
        let (r, fled) = rate(p, &before[p]);
        if r <= 0.0 || before[p].present() <= 0.0 {
            continue;
        }
        if !plan.searched(p) {
            let mut found = plan.candidates[p].take().unwrap_or_default();
            candidates(
                theatre,
                c,
                border_now,
                &plan.weights,
                search,
                p,
                &calm,
                &|q| !control.contested[q],
                &mut found,
            );
            plan.candidates[p] = Some(found);
            plan.searched_at[p] = plan.tick;
            plan.looked_at[p].clone_from(&search.looked_at);
            plan.destination[p] = None;
        }
        let stale = plan.destination[p]
            .as_ref()
            .is_none_or(|(mask, _)| *mask != fled);
        if stale {
            let flows = destinations(
                c,
                plan.candidates[p].as_deref().unwrap_or_default(),
                fled,
                &|q, fled| feared_holder(relations, holder(q), fled),
                &mut search.weighted,
            );
            plan.destination[p] = Some((fled, flows));
        }
        let Some((_, flows)) = &plan.destination[p] else {
            continue;
        };
        let share = 1.0 - (-r * dt).exp();
        let refugee_share = if people[p].displaced_here > 0.0 {
            (people[p].refugees_here / people[p].displaced_here).clamp(0.0, 1.0)
        } else {
            0.0
        };
        for (index, flow) in flows.iter().enumerate() {
            moves.push(Move {
                from: p,
                index,
                flow: *flow,
                residents: people[p].residents * share * flow.share,
                displaced: people[p].displaced_here * share * flow.share,
                refugee_share,
                hungry: hunger(before[p].food_days, c.food_days),
            });
        }
    }
    // Limited crossings: the people who would cross a post beyond its cap for this tick stay
    // where they are.
    demand.clear();
    demand.resize(n, 0.0);
    for m in moves.iter() {
        if let Some(post) = m.flow.post {
            demand[post] += m.residents + m.displaced;
        }
    }
    for m in moves.iter_mut() {
        if let Some(post) = m.flow.post
            && let Some(BorderStatus::Limited(per_day)) = border_now[post]
            && demand[post] > per_day * dt
        {
            let allowed = (per_day * dt).max(0.0) / demand[post];
            m.residents *= allowed;
            m.displaced *= allowed;
        }
    }
    first.clear();
    first.resize(n, None);
    destinations_of.clear();
    destinations_of.resize(n, 0);
    moved.clear();
    moved.resize(n, 0.0);
    for m in moves.iter() {
        let (p, q) = (m.from, m.flow.to);
        let total = m.residents + m.displaced;
        if total <= 0.0 {
            continue;
        }
        people[p].residents -= m.residents;
        people[p].displaced_here -= m.displaced;
        let refugees_moved = m.displaced * m.refugee_share;
        people[p].refugees_here = (people[p].refugees_here - refugees_moved).max(0.0);
        // Deaths on the road: people in flight are displaced, unsheltered, and fed as their
        // place was.
        let (rate, _) = hardship_rates(h, m.hungry, 1.0, 0.0);
        let memo = plan.destination[p]
            .as_mut()
            .and_then(|(_, flows)| flows.get_mut(m.index))
            .map(|flow| &mut flow.survive);
        let survive = match memo {
            Some(Some((bits, survive))) if *bits == rate.to_bits() => *survive,
            memo => {
                let survive = (-rate / 10_000.0 * m.flow.hours / 24.0).exp();
                if let Some(memo) = memo {
                    *memo = Some((rate.to_bits(), survive));
                }
                survive
            }
        };
        let died = total * (1.0 - survive);
        people[p].dead += died;
        tallies.tick.civilian_deaths += died;
        people[q].displaced_here += total - died;
        people[q].refugees_here += if m.flow.abroad {
            total - died
        } else {
            refugees_moved * survive
        };
        tallies.tick.displaced += m.residents;
        if first[p].is_none() {
            first[p] = Some(q);
        }
        destinations_of[p] += 1;
        moved[p] += total;
    }
    for p in 0..n {
        let Some(q) = first[p] else {
            continue;
        };
        if before[p].fleeing || moved[p] < 1.0 {
            continue;
        }
        let others = destinations_of[p] - 1;
        let text = if others == 0 {
            format!(
                "civilians flee {} for {}",
                theatre.places[p].name, theatre.places[q].name
            )
        } else {
            format!(
                "civilians flee {} for {} and {others} other place{}",
                theatre.places[p].name,
                theatre.places[q].name,
                if others == 1 { "" } else { "s" }
            )
        };
        log.write(Logged {
            kind: EventKind::Displacement,
            text,
        });
    }
    fleeing.clear();
    fleeing.resize(n, false);
    for m in moves.iter() {
        fleeing[m.from] = true;
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
