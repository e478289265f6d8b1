//! Resources: the static theatre, parameters, clock, random numbers, and what the run records.

use bevy_ecs::prelude::Resource;

use crate::scenario::{FactionKind, Params, PlaceKind, RouteKind, Terrain};

/// A faction as the simulation sees it.
#[derive(Debug, Clone)]
pub struct FactionInfo {
    /// Scenario id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Side index.
    pub side: usize,
    /// Kind of force.
    pub kind: FactionKind,
    /// Plot colour, `#rrggbb`.
    pub colour: String,
    /// Whether places it takes are credited to it (false for covert forces).
    pub claims_territory: bool,
    /// Whether it takes places it stands in that their holder abandoned, even an ally's or a
    /// neutral's (issue 14).
    pub occupies_abandoned: bool,
    /// Its kinds of fire (shares of artillery and drones).
    pub fire: crate::scenario::FireMix,
    /// Strength of its air defences, 0–1 (issue 14).
    pub air_defence: f64,
    /// Its record with civilians, 0–1 (people flee its occupation).
    pub civilian_abuse: f64,
}

/// A place as the simulation sees it (static data).
#[derive(Debug, Clone)]
pub struct PlaceInfo {
    /// Scenario id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Kind of place.
    pub kind: PlaceKind,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Country it lies in.
    pub country: String,
    /// Residents, persons.
    pub population: f64,
    /// Ground.
    pub terrain: Terrain,
    /// Prepared defences, 0–1.
    pub fortification: f64,
    /// Attackers never take or cross it.
    pub sanctuary: bool,
    /// Its fall shocks morale.
    pub key: bool,
    /// Built-up area, km², if the scenario gives it.
    pub area_km2: Option<f64>,
    /// Share of its people with hard cover, if the scenario gives it.
    pub shelter: Option<f64>,
    /// Displaced people it can house, if the scenario gives it.
    pub shelter_capacity: Option<f64>,
    /// Its status at the start as a border crossing post, if it is one.
    pub border: Option<crate::scenario::BorderStatus>,
    /// Kin groups of its people.
    pub kin: Vec<String>,
}

/// A route as the simulation sees it (static data).
#[derive(Debug, Clone)]
pub struct RouteInfo {
    /// One end (place index).
    pub a: usize,
    /// The other end (place index).
    pub b: usize,
    /// Length, km.
    pub km: f64,
    /// Kind of route.
    pub kind: RouteKind,
    /// Movement speed of a unit on foot, km/h averaged over a day: the speed paths are chosen
    /// by (every mobility takes the same paths) and civilians flee at.
    pub speed_kmh: f64,
    /// Movement speed of a unit of each mobility (by [`Mobility::index`]), km/h averaged over
    /// a day.
    ///
    /// [`Mobility::index`]: crate::scenario::Mobility::index
    pub speeds_kmh: [f64; 3],
    /// Supply capacity, t/day.
    pub capacity_t_per_day: f64,
    /// Soldiers who can start along it per day (boats, a ferry), persons/day; infinite when
    /// nothing limits it.
    pub crossing_per_day: f64,
}

impl RouteInfo {
    /// The end that is not `place`.
    pub fn other(&self, place: usize) -> usize {
        if self.a == place { self.b } else { self.a }
    }

    /// Hours to travel the route on foot.
    pub fn hours(&self) -> f64 {
        self.km / self.speed_kmh
    }

    /// Speed of a unit of `mobility` along the route, km/h averaged over a day.
    pub fn speed_for(&self, mobility: crate::scenario::Mobility) -> f64 {
        self.speeds_kmh[mobility.index()]
    }
}

/// A supply source as the simulation sees it.
#[derive(Debug, Clone)]
pub struct SourceInfo {
    /// Place index.
    pub place: usize,
    /// Faction indices fed.
    pub factions: Vec<usize>,
    /// Throughput, t/day.
    pub tonnes_per_day: f64,
}

/// The static theatre: factions, sides, places, routes, sources, adjacency.
#[derive(Resource, Debug, Clone)]
pub struct Theatre {
    /// Factions in scenario order.
    pub factions: Vec<FactionInfo>,
    /// Side names, in order of first appearance.
    pub sides: Vec<String>,
    /// Places in scenario order.
    pub places: Vec<PlaceInfo>,
    /// Routes in scenario order.
    pub routes: Vec<RouteInfo>,
    /// For each place, `(route index, neighbour place index)`.
    pub adjacency: Vec<Vec<(usize, usize)>>,
    /// Supply sources.
    pub sources: Vec<SourceInfo>,
    /// For each faction, the indices of the sources that feed it, in order.
    pub faction_sources: Vec<Vec<usize>>,
    /// Unit display names, by unit index.
    pub unit_names: Vec<String>,
    /// Unit ids (stable keys of their random streams), by unit index.
    pub unit_ids: Vec<String>,
    /// Faction index of each unit, by unit index.
    pub unit_factions: Vec<usize>,
    /// How each unit moves (its own mobility or its faction's), by unit index.
    pub unit_mobility: Vec<crate::scenario::Mobility>,
    /// Lakes, borders and rivers to draw on the map (never read by the model).
    pub outlines: Vec<crate::scenario::Outline>,
    /// Air assets in scenario order (issue 14).
    pub air: Vec<AirAssetInfo>,
}

/// An air asset as the simulation and the outputs see it (static data; issue 14).
#[derive(Debug, Clone)]
pub struct AirAssetInfo {
    /// Scenario id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Faction index flying it.
    pub faction: usize,
    /// Kind of aircraft.
    pub kind: crate::scenario::AirKind,
    /// Place index of its base.
    pub base: usize,
    /// Aircraft at the start.
    pub count: u32,
    /// Sorties per aircraft per day.
    pub sorties_per_day: f64,
    /// Combat radius, km.
    pub range_km: f64,
    /// Combat power one sortie a day adds, soldier-equivalents.
    pub strike_power: f64,
}

/// What the air assets add to this tick's fights (issue 14; docs/MODEL.md, "Air power"),
/// written by [`fly_sorties`](crate::sim::systems::air::fly_sorties) and read by combat.
#[derive(Resource, Debug, Clone, Default)]
pub struct AirSupport {
    /// Sides in the theatre: the stride of `power`.
    pub sides: usize,
    /// Combat power added at each place to each side: `power[place × sides + side]`,
    /// soldier-equivalents, after air defence.
    pub power: Vec<f64>,
}

impl AirSupport {
    /// Power added at `place`, by side.
    pub fn at(&self, place: usize) -> &[f64] {
        let start = place * self.sides;
        self.power.get(start..start + self.sides).unwrap_or(&[])
    }
}

impl Theatre {
    /// Whether the theatre has peacekeepers or a regional intervention force, whose dead the
    /// outputs count apart.
    pub fn has_peacekeepers(&self) -> bool {
        self.factions.iter().any(|f| {
            matches!(
                f.kind,
                crate::scenario::FactionKind::Peacekeeper
                    | crate::scenario::FactionKind::RegionalForce
            )
        })
    }

    /// Width in characters of the longest of `names`, at least `least`: the column width that
    /// keeps a text table aligned whatever the scenario's names.
    pub fn column_width<'a>(names: impl IntoIterator<Item = &'a str>, least: usize) -> usize {
        names
            .into_iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
            .max(least)
    }

    /// Great-circle distance between two places, km (haversine, R = 6,371 km).
    pub fn distance_km(&self, a: usize, b: usize) -> f64 {
        let (p, q) = (&self.places[a], &self.places[b]);
        let (lat1, lat2) = (p.lat.to_radians(), q.lat.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (q.lon - p.lon).to_radians();
        let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * 6371.0 * h.sqrt().min(1.0).asin()
    }

    /// The faction a capture by `faction` is credited to: itself, or for a covert force the
    /// first faction of its side that claims territory.
    pub fn claimant(&self, faction: usize) -> usize {
        if self.factions[faction].claims_territory {
            return faction;
        }
        let side = self.factions[faction].side;
        self.factions
            .iter()
            .position(|f| f.side == side && f.claims_territory)
            .unwrap_or(faction)
    }
}

/// Model parameters of this run.
#[derive(Resource, Debug, Clone)]
pub struct SimParams(pub Params);

/// Simulation time.
#[derive(Resource, Debug, Clone, Copy)]
pub struct Clock {
    /// Index of the tick being run (0-based).
    pub tick: u64,
    /// Hours per tick.
    pub tick_hours: f64,
    /// Number of ticks in the run (the day limit).
    pub total_ticks: u64,
}

impl Clock {
    /// Hours since the start at the end of the current tick.
    pub fn hours_at_end_of_tick(&self) -> f64 {
        (self.tick + 1) as f64 * self.tick_hours
    }

    /// Length of a tick in days.
    pub fn dt_days(&self) -> f64 {
        self.tick_hours / 24.0
    }
}

/// Control of every place, kept in step with the [`Controller`](super::components::Controller)
/// components, plus which places are contested, and the relations between factions.
#[derive(Resource, Debug, Clone)]
pub struct ControlMap {
    /// Faction index holding each place.
    pub controller: Vec<usize>,
    /// Whether hostile forces face each other at each place.
    pub contested: Vec<bool>,
    /// Whether each place has units of a faction hostile to its holder.
    pub threatened: Vec<bool>,
    /// Bit mask of the sides with units at each place (peacekeepers excluded).
    pub present: Vec<u64>,
    /// Bit mask of the factions with units at each place (peacekeepers excluded).
    pub present_factions: Vec<crate::sim::relations::FactionMask>,
    /// Bit mask of the sides with unbroken units at each place: those who can hold it.
    pub holding: Vec<u64>,
    /// The faction that held each place before its last change of hands.
    pub previous: Vec<usize>,
    /// A side that gave the place back and may not take it again.
    pub ceded: Vec<Option<usize>>,
    /// Soldiers (peacekeepers excluded) standing at each place.
    pub personnel: Vec<u32>,
    /// Who is allied, neutral or hostile to whom (issue 14): every friend-or-foe question asks
    /// it.
    pub relations: crate::sim::relations::Relations,
}

impl ControlMap {
    /// Side index of the holder of a place (for bookkeeping by side; friend or foe is asked of
    /// [`ControlMap::friendly`] and [`ControlMap::hostile_to`]).
    pub fn side(&self, theatre: &Theatre, place: usize) -> usize {
        theatre.factions[self.controller[place]].side
    }

    /// Whether the holder of `place` is `faction` or its ally.
    pub fn friendly(&self, place: usize, faction: usize) -> bool {
        self.relations.allied(self.controller[place], faction)
    }

    /// Whether the holder of `place` is allied with every faction of `side` (by default:
    /// whether it is of that side).
    pub fn friendly_to_side(&self, place: usize, side: usize) -> bool {
        self.relations
            .allied_with_side(self.controller[place], side)
    }

    /// Whether units of a faction hostile to `faction` are at `place`.
    pub fn hostile_to(&self, place: usize, faction: usize) -> bool {
        self.present_factions[place] & self.relations.hostile_mask(faction) != 0
    }

    /// Whether units of a faction hostile to some faction of `side` are at `place` (by
    /// default: units of another side).
    pub fn hostile_to_side(&self, place: usize, side: usize) -> bool {
        self.present_factions[place] & self.relations.hostile_to_side_mask(side) != 0
    }

    /// Whether unbroken units of `side` stand at `place`.
    pub fn held_by(&self, place: usize, side: usize) -> bool {
        self.holding[place] & (1u64 << side) != 0
    }

    /// Whether `faction` or an ally holds `place` and no hostile unit stands in it.
    pub fn safe_for(&self, place: usize, faction: usize) -> bool {
        self.friendly(place, faction) && !self.hostile_to(place, faction)
    }

    /// Whether a friend of `side` holds `place` and no unit hostile to it stands in it.
    pub fn safe_for_side(&self, place: usize, side: usize) -> bool {
        self.friendly_to_side(place, side) && !self.hostile_to_side(place, side)
    }
}

/// Whether the supply of each place's holder reaches it: its people's food depends on it.
#[derive(Resource, Debug, Clone, Default)]
pub struct CivilianSupply {
    /// By place index.
    pub connected: Vec<bool>,
}

/// End conditions with their references resolved to indices.
#[derive(Resource, Debug, Clone, Default)]
pub struct EndRules {
    /// The conditions, in scenario order.
    pub conditions: Vec<EndRule>,
}

/// One resolved end condition.
#[derive(Debug, Clone, PartialEq)]
pub enum EndRule {
    /// A place is captured by a faction (or side), or by anyone.
    PlaceCaptured {
        /// Place index.
        place: usize,
        /// Who must take it.
        by: Option<Captor>,
    },
    /// Every unit of a side is broken or out of action.
    SideBroken {
        /// Side index.
        side: usize,
    },
}

/// Who must take a place for an end condition to hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Captor {
    /// A faction index.
    Faction(usize),
    /// A side index.
    Side(usize),
}

/// Per-faction figures at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FactionSample {
    /// Personnel in the theatre (arrived, not out of action).
    pub personnel: u32,
    /// Cumulative killed.
    pub killed: u32,
    /// Cumulative wounded.
    pub wounded: u32,
    /// Cumulative captured.
    pub captured: u32,
    /// Cumulative deserted.
    pub deserted: u32,
    /// Personnel-weighted mean supply held, days.
    pub supply_days: f64,
    /// Share of personnel with a path to a supply source, 0–1.
    pub supplied_share: f64,
}

/// Civilians at one place at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PlaceSample {
    /// Residents at home.
    pub residents: f64,
    /// Displaced people sheltering here.
    pub displaced_here: f64,
    /// Of `displaced_here`, refugees: people who crossed an international border in flight.
    pub refugees_here: f64,
    /// Civilians dead here so far: killed by fire and dead of hardship (hunger, disease,
    /// exposure; in camps, after a capture, in flight from here).
    pub dead: f64,
    /// Of `dead`, those killed by fire (fighting, cross-border fire).
    pub killed: f64,
    /// Civilians wounded here so far.
    pub wounded: f64,
    /// Soldiers killed here so far (all factions).
    pub military_killed: u32,
    /// Soldiers wounded here so far (all factions).
    pub military_wounded: u32,
    /// Days of food held.
    pub food_days: f64,
}

/// The state of the run at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Hours since the start.
    pub hours: f64,
    /// By faction index.
    pub factions: Vec<FactionSample>,
    /// Faction index holding each place.
    pub control: Vec<usize>,
    /// Whether hostile forces face each other at each place.
    pub contested: Vec<bool>,
    /// Civilians by place index.
    pub places: Vec<PlaceSample>,
    /// Attention of each actor.
    pub attention: Vec<f64>,
    /// Ladder step each actor has reached.
    pub level: Vec<Option<usize>>,
    /// Pressure each actor puts on its target.
    pub pressure_from: Vec<f64>,
    /// Pressure on each state.
    pub pressure_on: Vec<f64>,
    /// Stance of each state.
    pub stance: Vec<crate::scenario::Stance>,
    /// Current escalation rung.
    pub rung: Option<usize>,
    /// Whether a ceasefire is in force.
    pub ceasefire: bool,
    /// People newly displaced so far.
    pub newly_displaced: f64,
    /// Civilians killed so far.
    pub civilian_deaths: f64,
    /// Peacekeepers killed so far.
    pub peacekeepers_killed: f64,
    /// Each air asset now, in scenario order (issue 14).
    pub air: Vec<AirSample>,
}

/// An air asset at one instant (issue 14).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AirSample {
    /// Aircraft in service.
    pub in_service: u32,
    /// Sorties flown so far (expected sorties: a fraction of one may be flown in a tick).
    pub sorties: f64,
    /// Aircraft lost to air defences so far.
    pub lost: u32,
    /// Grounded: its base is not held by its side.
    pub grounded: bool,
}

/// What kind of thing an event log entry reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A reinforcement arrived.
    Reinforcement,
    /// Fighting started at a place.
    Fighting,
    /// A place changed hands.
    Capture,
    /// A unit broke.
    Rout,
    /// A unit rallied.
    Rally,
    /// A unit surrendered.
    Surrender,
    /// A unit was destroyed.
    Destroyed,
    /// A scenario event happened.
    Event,
    /// A diplomatic actor used an instrument.
    Diplomacy,
    /// A state changed its policy or pulled forces out.
    Policy,
    /// A ceasefire was offered, accepted, rejected, broken or expired.
    Ceasefire,
    /// The theatre climbed a rung of the escalation ladder.
    Escalation,
    /// A covert force was exposed.
    Exposure,
    /// Fire across an international border.
    CrossBorderFire,
    /// A place was handed back.
    Handover,
    /// Civilians began to flee a place.
    Displacement,
    /// A side's command re-tasked units, massed a group or committed a reserve.
    Command,
    /// An air asset lost an aircraft or was grounded (issue 14).
    Air,
    /// The run ended.
    End,
}

impl EventKind {
    /// Lower-case name used in the events table.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Reinforcement => "reinforcement",
            EventKind::Fighting => "fighting",
            EventKind::Capture => "capture",
            EventKind::Rout => "rout",
            EventKind::Rally => "rally",
            EventKind::Surrender => "surrender",
            EventKind::Destroyed => "destroyed",
            EventKind::Event => "event",
            EventKind::Diplomacy => "diplomacy",
            EventKind::Policy => "policy",
            EventKind::Ceasefire => "ceasefire",
            EventKind::Escalation => "escalation",
            EventKind::Exposure => "exposure",
            EventKind::CrossBorderFire => "cross-border fire",
            EventKind::Handover => "handover",
            EventKind::Displacement => "displacement",
            EventKind::Command => "command",
            EventKind::Air => "air",
            EventKind::End => "end",
        }
    }
}

/// One line of the events log.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedEvent {
    /// Hours since the start.
    pub hours: f64,
    /// Kind of event.
    pub kind: EventKind,
    /// What happened, in words.
    pub text: String,
}

/// A change of hands.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureRecord {
    /// Hours since the start.
    pub hours: f64,
    /// Place index.
    pub place: usize,
    /// Faction index of the previous holder.
    pub from: usize,
    /// Faction index of the new holder.
    pub by: usize,
}

/// Everything the recorder keeps during a run.
#[derive(Resource, Debug, Clone, Default)]
pub struct RunLog {
    /// One sample at the start and one after every tick.
    pub samples: Vec<Sample>,
    /// Events in order.
    pub events: Vec<LoggedEvent>,
    /// Changes of hands in order.
    pub captures: Vec<CaptureRecord>,
}

/// Why a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum EndReason {
    /// The day limit was reached.
    DayLimit {
        /// Days run.
        days: f64,
    },
    /// An end condition on a capture held.
    PlaceCaptured {
        /// Place index.
        place: usize,
        /// Faction index of the captor.
        by: usize,
    },
    /// Every unit of a side is broken or out of action.
    SideBroken {
        /// Side index.
        side: usize,
    },
}

/// Whether the run has ended.
#[derive(Resource, Debug, Clone, Default)]
pub struct RunStatus {
    /// Set when an end condition holds.
    pub ended: Option<EndReason>,
}
