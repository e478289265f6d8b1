//! The scenario file format: serde types for RON, every field documented with its unit.
//!
//! A scenario describes a theatre (places and the routes between them), the factions and their
//! units, where supply comes from, the model parameters and when a run ends. Ids are short
//! lower-case strings (`"goma"`, `"m23_north"`) that other entries use to refer to each other.
//! Every struct denies unknown fields, so a typo is an error rather than a silently ignored line.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::params::Params;
use super::politics::{Actor, Event, Rung, StateActor};

/// The type of the numbers in a scenario: `f64` once resolved, or
/// [`Num`](super::uncertain::Num) (a number or a distribution) as written in a file.
pub trait Number:
    Clone + std::fmt::Debug + PartialEq + From<f64> + Serialize + for<'de> Deserialize<'de>
{
}

impl<T> Number for T where
    T: Clone + std::fmt::Debug + PartialEq + From<f64> + Serialize + for<'de> Deserialize<'de>
{
}

/// A whole scenario, as written in a `.ron` file. `N` is `f64` for a resolved scenario and
/// [`Num`](super::uncertain::Num) for one as written, where any number may be a distribution.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct Scenario<N = f64> {
    /// Human-readable title, used in plot titles and the summary.
    pub name: String,
    /// One or two sentences: what the scenario asks and where its figures come from.
    #[serde(default)]
    pub description: String,
    /// Calendar date of tick 0 (ISO `"YYYY-MM-DD"`, midnight local time of the theatre).
    pub start_date: NaiveDate,
    /// Length of a run in days (the day limit; `--days` overrides it). Range 1–3,650.
    pub duration_days: f64,
    /// Length of one tick in hours. Default 1 h. Range 0.25–24.
    #[serde(default = "default_tick_hours")]
    pub tick_hours: f64,
    /// Default random seed of a run (`--seed` overrides it).
    #[serde(default)]
    pub seed: u64,
    /// The armed actors. Order sets the order of legends and tables.
    pub factions: Vec<Faction>,
    /// Towns, camps, airports and crossings: the nodes of the theatre graph.
    pub places: Vec<Place<N>>,
    /// Roads, tracks, lake crossings and border crossings between places: the edges.
    pub routes: Vec<Route<N>>,
    /// Military units, including reinforcements that arrive later.
    pub units: Vec<Unit<N>>,
    /// Where each faction's supply enters the theatre.
    #[serde(default)]
    pub supply_sources: Vec<SupplySource<N>>,
    /// Model parameters; every one has a documented default.
    #[serde(default)]
    pub params: Params<N>,
    /// Conditions that end a run before the day limit. The day limit always applies.
    #[serde(default)]
    pub end_conditions: Vec<EndCondition>,
    /// Diplomatic actors: they turn triggers into attention and attention into pressure.
    #[serde(default)]
    pub actors: Vec<Actor<N>>,
    /// States that decide: sponsors (pressure against resolve) and troop contributors
    /// (deaths against tolerance).
    #[serde(default)]
    pub states: Vec<StateActor<N>>,
    /// The escalation ladder, lowest rung first.
    #[serde(default)]
    pub escalation: Vec<Rung>,
    /// Dated and conditional events.
    #[serde(default)]
    pub events: Vec<Event<N>>,
    /// Outlines of lakes, borders and rivers drawn on the theatre map, for orientation only:
    /// the model never reads them. Default none.
    #[serde(default)]
    pub outlines: Vec<Outline>,
}

fn default_tick_hours() -> f64 {
    1.0
}

/// An armed actor: a state army, a rebel movement, a militia, a peacekeeping mission.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Faction {
    /// Short id used by units, places and sources (e.g. `"m23"`).
    pub id: String,
    /// Display name (e.g. `"M23 / AFC"`).
    pub name: String,
    /// Alliance the faction fights for. Factions on the same side never fight each other;
    /// factions on different sides are hostile, except that peacekeepers only defend.
    pub side: String,
    /// What kind of force this is.
    pub kind: FactionKind,
    /// Colour in plots, `"#rrggbb"`. The same colour is used for the faction in every plot.
    pub colour: String,
    /// State that sponsors or commands the faction, if any (e.g. `"Rwanda"` for M23 and RDF).
    #[serde(default)]
    pub sponsor: Option<String>,
    /// Whether places this faction takes are held in its own name. `false` for a covert force:
    /// its captures are credited to the first faction of its side that claims territory (the
    /// RDF's to M23). Default `true`.
    #[serde(default = "yes")]
    pub claims_territory: bool,
    /// The kind of fire the faction uses, as shares of its fire (docs/MODEL.md, "The human
    /// cost"): sets how much civilian harm its fighting in inhabited places does. Default: all
    /// small arms (`(artillery: 0, drones: 0)`).
    #[serde(default)]
    pub fire: FireMix,
    /// The faction's campaign (issue 13, "Operational command"): the places its side's command
    /// takes, in order, each with its conditions and a pause to consolidate after it falls.
    /// Every attacking unit of the side (of any of its factions) whose own objectives are done
    /// is re-tasked to the campaign's current objective; when every objective is held, it holds
    /// what was taken (the `Reserve` posture). The campaigns of a side's factions are joined in
    /// faction order. Default none: a side with attacking units then follows a default campaign,
    /// its units' objectives in the order the units list them (see docs/MODEL.md, "Command").
    #[serde(default)]
    pub campaign: Vec<CampaignObjective>,
}

/// One objective of a campaign.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CampaignObjective {
    /// Place id to take (phase "take").
    pub place: String,
    /// Place ids the side must hold before the command turns to this objective: a conditional
    /// objective. Default: the campaign's previous objective (none for the first), so a
    /// campaign is taken in order.
    #[serde(default)]
    pub after: Option<Vec<String>>,
    /// Days the command pauses after the place is taken, before it launches the next assault
    /// (phase "consolidate"), days (≥ 0). Default 0.
    #[serde(default)]
    pub consolidate_days: f64,
}

fn yes() -> bool {
    true
}

/// The kinds of fire of a faction, as shares (0–1, summing to at most 1) of its combat power;
/// the rest is small arms and other direct fire.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct FireMix {
    /// Share of its fire from artillery, mortars and rockets (ground-launched explosive
    /// weapons), 0–1. Default 0.
    pub artillery: f64,
    /// Share of its fire from armed drones and aircraft (air-launched explosive weapons), 0–1.
    /// Default 0.
    pub drones: f64,
}

/// The kind of an armed actor.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum FactionKind {
    /// A national army acting in its own right.
    StateArmy,
    /// A rebel movement holding territory.
    Rebel,
    /// A local or ethnic militia.
    Militia,
    /// An impartial peacekeeping force: defends where it stands, never takes a place.
    Peacekeeper,
    /// A regional or intervention force deployed under a mandate (e.g. SAMIDRC).
    RegionalForce,
    /// Private military contractors.
    Contractor,
}

/// A node of the theatre graph.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct Place<N = f64> {
    /// Short id used by routes and units (e.g. `"goma"`).
    pub id: String,
    /// Display name (e.g. `"Goma"`).
    pub name: String,
    /// What kind of place it is.
    pub kind: PlaceKind,
    /// Latitude in decimal degrees (north positive).
    pub lat: f64,
    /// Longitude in decimal degrees (east positive).
    pub lon: f64,
    /// Country the place lies in (e.g. `"DRC"`, `"Rwanda"`).
    pub country: String,
    /// Residents, persons.
    #[serde(default = "zero")]
    pub population: N,
    /// Ground the defender fights on.
    #[serde(default)]
    pub terrain: Terrain,
    /// Prepared defences, 0 (none) to 1 (fortified position).
    #[serde(default = "zero")]
    pub fortification: N,
    /// Faction id holding the place at the start.
    pub controller: String,
    /// A sanctuary (e.g. a town across an international border): attacking it is an escalation,
    /// so attackers never take it as a routine objective and never path through it.
    #[serde(default)]
    pub sanctuary: bool,
    /// A key place: its fall shocks the morale of the loser's units by the full
    /// `key_place_shock` for its population, not the `minor_place_share` of it. A `City` counts
    /// as key whatever this says.
    #[serde(default)]
    pub key: bool,
    /// Built-up area over which its people live, km²: their density is people present / area
    /// (docs/MODEL.md, "The human cost"). Default: the starting population at the density of
    /// its kind (`params.human_cost.*_density_per_km2`).
    #[serde(default)]
    pub area_km2: Option<N>,
    /// Share of the people here with hard cover from fire (solid buildings, basements), 0–1.
    /// Default `params.human_cost.default_shelter` (`camp_shelter` for a `Camp`).
    #[serde(default)]
    pub shelter: Option<N>,
    /// Displaced people the place can house (camp shelters, host families, public buildings),
    /// persons; those beyond it are unsheltered. Default: a `Camp` its starting population,
    /// any other place `params.human_cost.host_share` of it.
    #[serde(default)]
    pub shelter_capacity: Option<N>,
}

/// The kind of a place.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum PlaceKind {
    /// A city (a provincial capital or larger).
    City,
    /// A town or village.
    Town,
    /// A camp for displaced people.
    Camp,
    /// An airport or airfield.
    Airport,
    /// A border crossing point.
    BorderCrossing,
    /// A lake or river port.
    Port,
    /// A military position or base.
    Base,
}

/// The ground a defender fights on; sets the terrain multiplier of its combat power.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
pub enum Terrain {
    /// Open ground, fields.
    #[default]
    Open,
    /// Hills.
    Hills,
    /// Mountains, volcanic slopes.
    Mountains,
    /// Forest.
    Forest,
    /// Built-up area.
    Urban,
    /// Marsh, swamp.
    Swamp,
}

/// An edge of the theatre graph, usable in both directions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct Route<N = f64> {
    /// Place id at one end.
    pub from: String,
    /// Place id at the other end.
    pub to: String,
    /// Length in kilometres (> 0).
    pub km: N,
    /// What kind of route.
    pub kind: RouteKind,
    /// Speed of a unit moving along it, km/h. Default: by kind, see `params.movement`.
    #[serde(default)]
    pub speed_kmh: Option<N>,
    /// Supply it can carry, tonnes per day. Default: by kind, see `params.supply`.
    #[serde(default)]
    pub capacity_t_per_day: Option<N>,
    /// Means to cross (boats, a ferry, a bridge): soldiers who can start along the route per
    /// day, persons/day (> 0). A unit embarks whole once the day's capacity left covers it
    /// (or, a unit larger than a day's capacity, once a full day's is free). Default: a `Lake`
    /// route carries `params.movement.lake_crossing_per_day`; other routes are unlimited.
    #[serde(default)]
    pub crossing_per_day: Option<N>,
}

/// The kind of a route.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum RouteKind {
    /// A paved or main road.
    Road,
    /// A dirt track.
    Track,
    /// A boat crossing of a lake.
    Lake,
    /// A short crossing of an international border.
    Border,
}

/// A line or shape drawn on the theatre map: a lake's shore, an international border, a river.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Outline {
    /// Display name (e.g. `"Lake Kivu"`), shown in the map's key.
    pub name: String,
    /// What it outlines: sets how it is drawn.
    pub kind: OutlineKind,
    /// Vertices as `(lat, lon)` pairs in decimal degrees (north and east positive), at least
    /// two. A `Lake` is closed (its last point joins its first) and filled; a `Border` or a
    /// `River` is an open line.
    pub points: Vec<(f64, f64)>,
}

/// What an [`Outline`] shows.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum OutlineKind {
    /// A lake's shore: a closed shape, filled blue.
    Lake,
    /// An international border: a dash-dotted line.
    Border,
    /// A river: a thin blue line.
    River,
}

/// A military unit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct Unit<N = f64> {
    /// Short id (e.g. `"rdf_north"`).
    pub id: String,
    /// Display name; defaults to the id.
    #[serde(default)]
    pub name: Option<String>,
    /// Faction id.
    pub faction: String,
    /// Nationality of the contingent (e.g. `"South Africa"`); casualties are reported by it.
    #[serde(default)]
    pub contingent: Option<String>,
    /// Place id where the unit starts, or arrives if it is a reinforcement.
    pub place: String,
    /// Soldiers, persons (≥ 0).
    pub personnel: N,
    /// Combat power per soldier relative to a baseline light infantryman (1.0): equipment,
    /// training, artillery, drones. Typical range 0.3–3.
    #[serde(default = "one")]
    pub firepower: N,
    /// Morale, 0 (broken) to 1 (excellent).
    #[serde(default = "default_morale")]
    pub morale: N,
    /// Supplies carried, days of consumption.
    #[serde(default = "default_supply_days")]
    pub supply_days: N,
    /// What the unit does.
    #[serde(default)]
    pub posture: Posture,
    /// Place ids to take, in order (for `Attack`), or to guard (ignored by other postures). An
    /// attack path enters only places the unit's side holds and the objective it heads for, so
    /// list every enemy-held place it must take on its way.
    #[serde(default)]
    pub objectives: Vec<String>,
    /// Day (from the start, fractional) on which a reinforcement enters the theatre at `place`.
    /// `None`: present from the start.
    #[serde(default)]
    pub arrival_day: Option<N>,
    /// Held back outside the theatre until an event (`Release`) or its state's decision to
    /// reinforce sends it in at `place`. Default false.
    #[serde(default)]
    pub held: bool,
}

fn one<N: Number>() -> N {
    1.0.into()
}
fn default_morale<N: Number>() -> N {
    0.7.into()
}
fn default_supply_days<N: Number>() -> N {
    7.0.into()
}
fn zero<N: Number>() -> N {
    0.0.into()
}

/// What a unit is ordered to do.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default, Hash)]
pub enum Posture {
    /// Take the objectives in order, moving along the shortest usable route.
    Attack,
    /// Hold the place where it stands.
    #[default]
    Defend,
    /// Move toward the nearest threatened friendly place and defend it.
    Reserve,
    /// Fall back to the nearest safe friendly place (broken units take this posture).
    Withdraw,
}

/// Where a faction's supply enters the theatre.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct SupplySource<N = f64> {
    /// Place id of the source. It feeds only while a faction of the same side holds it.
    pub place: String,
    /// Faction ids supplied from here.
    pub factions: Vec<String>,
    /// Throughput, tonnes per day, shared by all the units it feeds.
    pub tonnes_per_day: N,
}

/// A condition that ends a run early.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum EndCondition {
    /// The place changes hands to the given faction (or to any faction on the given side).
    PlaceCaptured {
        /// Place id.
        place: String,
        /// Faction id or side name; `None`: any capture.
        #[serde(default)]
        by: Option<String>,
    },
    /// Every unit of the side is broken, surrendered or destroyed.
    SideBroken {
        /// Side name.
        side: String,
    },
}
