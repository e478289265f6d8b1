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
    /// Relations between pairs of factions that differ from the default (issue 14): by
    /// default factions of one side are allied and factions of different sides hostile, e.g.
    /// `relations: [(a: "mnla", b: "ansar_dine", relation: Allied)]`. A `Relation` event action
    /// changes a pair during a run. Default none.
    #[serde(default)]
    pub relations: Vec<RelationSpec>,
    /// Air and drone strike assets (issue 14): aircraft flown from a base over the fights in
    /// their range (docs/MODEL.md, "Air power"). Default none.
    #[serde(default)]
    pub air: Vec<AirAsset<N>>,
}

/// How two factions stand to each other (issue 14, "More than two sides").
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum Relation {
    /// They fight on one side: never fight each other; each may pass and hold where the other
    /// holds.
    Allied,
    /// They leave each other alone: no fighting, but neither passes as a friend where the other
    /// holds.
    Neutral,
    /// They fight wherever they meet.
    Hostile,
}

/// A relation between two factions that overrides the default taken from their sides.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RelationSpec {
    /// Faction id.
    pub a: String,
    /// The other faction id.
    pub b: String,
    /// How they stand.
    pub relation: Relation,
}

/// Recruitment of a faction in the places it holds (issue 14, "Recruitment and capture").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Recruitment {
    /// Recruits per 1,000 residents of a recruiting place per day, persons/1,000/day (≥ 0).
    /// Give its source in a comment, or say it is assumed.
    pub per_1000_residents_per_day: f64,
    /// The faction stops recruiting once its personnel (units not out of action) reach this,
    /// persons (≥ 0).
    pub cap: f64,
    /// Place ids where it recruits while it holds them. Default: every place it holds.
    #[serde(default)]
    pub places: Vec<String>,
}

/// Military stocks and equipment at a place, taken by whoever captures it (issue 14).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Depot {
    /// Supplies stored (ammunition, fuel, food), tonnes (≥ 0). The captor's units at the place
    /// refill from them up to the supply ceiling; what they cannot carry stays for the next
    /// holder. Default 0.
    #[serde(default)]
    pub stocks_t: f64,
    /// Heavy weapons and vehicles the captor can put to use, as soldier-equivalents of
    /// firepower 1 (≥ 0): the captor's units there raise their firepower so that their combined
    /// personnel × firepower grows by this much. Discount what is disabled or unusable before
    /// writing it. Default 0.
    #[serde(default)]
    pub equipment: f64,
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
    /// Unit id of the faction's headquarters (issue 14, "Commanders"): the commander of every
    /// unit of the faction that names no `commander` of its own (but itself). Its loss or flight
    /// shocks those units (`params.breaking.commander_loss_shock`), and while it is gone they
    /// rally only at `params.breaking.leaderless_rally_threshold`. Default none.
    #[serde(default)]
    pub headquarters: Option<String>,
    /// Share (0–1) of a unit's present personnel that deserts when it breaks, for the units of
    /// this faction (issue 14, "Dissolution"). Default `params.combat.desertion_on_break`.
    #[serde(default)]
    pub desertion_on_break: Option<f64>,
    /// Chance (0–1) that a unit of this faction dissolves when it breaks: its personnel
    /// disperse (counted as deserted) instead of retreating as a unit (issue 14,
    /// "Dissolution"). Default `params.breaking.dissolution_chance`.
    #[serde(default)]
    pub dissolution_on_break: Option<f64>,
    /// How the faction's units move (docs/MODEL.md, "Movement"): sets their speed on each
    /// route surface and the hours they move a day. A unit's own `mobility` overrides it.
    /// Default `Foot` (the slowest and commonest: light infantry, militias).
    #[serde(default)]
    pub mobility: Mobility,
    /// Whether the faction takes a place it stands in whose holder has no unbroken unit there
    /// and no hostile unit contests it, even when the holder is an ally or a neutral (issue 14:
    /// an abandoned place taken over, e.g. by a regional force). A place held by a hostile
    /// faction is taken whatever this says. Default `false`: allies' and neutrals' places are
    /// left to them.
    #[serde(default)]
    pub occupies_abandoned: bool,
    /// Recruitment in the places it holds (issue 14). Default none: the faction does not grow.
    #[serde(default)]
    pub recruitment: Option<Recruitment>,
    /// Strength of the faction's air defences (MANPADS, surface-to-air missiles, anti-aircraft
    /// guns, jamming), 0 (none) to 1 (the airspace over its units is denied), over every fight
    /// where its units stand: a hostile sortie there strikes with `1 − air_defence` of its power
    /// and is lost with probability `air_defence × params.air.*_loss_per_sortie`
    /// (docs/MODEL.md, "Air power"). Default 0.
    #[serde(default)]
    pub air_defence: f64,
    /// The faction's record with civilians (issue 14, item 7; docs/MODEL.md, "Civilians"), 0–1:
    /// 0 no record of abuse, 1 a record of killing or expelling the civilians of the places it
    /// takes. People flee a place this faction occupies (holds against the side that held it at
    /// the start) at `params.civilians.flight_occupier_per_day` times this. Default 0.
    #[serde(default)]
    pub civilian_abuse: f64,
    /// States held to account for this faction's conduct besides its `sponsor` (issue 14): a
    /// movement without a sponsor names its backers or the territory's government. The
    /// residents of places it captures and holds feed the attention of the actors targeting
    /// them, and a backer's pressure weighs on its side's ceasefire decisions
    /// (docs/MODEL.md, "Diplomacy"). Default none.
    #[serde(default)]
    pub pressure_on: Vec<String>,
}

/// How a force moves: its speed on each surface is `params.movement.<mobility>`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default, Hash)]
pub enum Mobility {
    /// On foot: light infantry, militias, most rebel movements.
    #[default]
    Foot,
    /// Wheeled: trucks, pickups, wheeled armoured vehicles (motorised infantry).
    Trucks,
    /// Tracked: tanks and mechanised infantry in tracked carriers.
    Mechanised,
}

impl Mobility {
    /// Every mobility, in order.
    pub const ALL: [Mobility; 3] = [Mobility::Foot, Mobility::Trucks, Mobility::Mechanised];

    /// Position in [`Mobility::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
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
    /// Military stocks and equipment stored here, taken by a captor (issue 14). Default none.
    #[serde(default)]
    pub depot: Option<Depot>,
    /// An international border crossing post and its status at the start (issue 14, item 7):
    /// people fleeing along a route from here to a place in another country (or from there to
    /// here) pass only while it is `Open`, up to the cap while it is `Limited`, never while it is
    /// `Closed`; a `Border` event action changes it. Default none: not a controlled crossing
    /// (every route across a border is open to people in flight).
    #[serde(default)]
    pub border: Option<BorderStatus>,
    /// Kin or community groups of the people here (e.g. `["nande", "hunde"]`): people fleeing
    /// weigh a destination that shares one with the place they leave by
    /// `params.civilians.kin_preference`. Default none.
    #[serde(default)]
    pub kin: Vec<String>,
}

/// Whether an international border crossing lets people in flight through.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub enum BorderStatus {
    /// Open: everyone who comes may cross.
    Open,
    /// Closed: nobody crosses.
    Closed,
    /// Limited: at most this many people cross per day, persons/day (≥ 0); the rest stay where
    /// they are.
    Limited(f64),
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
    /// Speed of every unit moving along it, whatever its mobility, km/h averaged over a day
    /// (no daily cap applies). Default: by the unit's mobility and the route's surface, see
    /// `params.movement` (a `Lake` route: `params.movement.lake_kmh`).
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
    /// The surface of a land route, which sets a unit's speed on it with its mobility
    /// (docs/MODEL.md, "Movement"). Default: `Paved` for a `Road` or a `Border` crossing,
    /// `Track` for a `Track`; a `Lake` route has none (boats carry every unit alike).
    #[serde(default)]
    pub surface: Option<Surface>,
}

/// The surface of a land route.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub enum Surface {
    /// Asphalt or concrete.
    Paved,
    /// Unpaved but graded: dirt, gravel, laterite.
    Dirt,
    /// A track or path, not built for vehicles: movement is as across country.
    Track,
}

impl RouteKind {
    /// The surface of a route of this kind that gives none; `None` for a `Lake`.
    pub fn default_surface(self) -> Option<Surface> {
        match self {
            RouteKind::Road | RouteKind::Border => Some(Surface::Paved),
            RouteKind::Track => Some(Surface::Track),
            RouteKind::Lake => None,
        }
    }
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
    /// Unit id of its commander or headquarters (issue 14, "Commanders"). The commander's loss
    /// (destroyed, surrendered, dissolved, gone from the theatre) or flight (broken,
    /// withdrawing, fled by an event) shocks this unit's morale by
    /// `params.breaking.commander_loss_shock`, and while it is gone this unit rallies only at
    /// `params.breaking.leaderless_rally_threshold`. Default: its faction's `headquarters`, if
    /// any.
    #[serde(default)]
    pub commander: Option<String>,
    /// Strength on paper, persons (≥ `personnel`): the payroll, including absentee "ghost"
    /// soldiers who draw pay but are not there. Only `personnel` (present strength) fights;
    /// the difference is reported, never simulated. Default: `personnel`.
    #[serde(default)]
    pub paper_personnel: Option<N>,
    /// Share (0–1) of its present personnel that deserts when it breaks. Default: its
    /// faction's `desertion_on_break`.
    #[serde(default)]
    pub desertion_on_break: Option<N>,
    /// Chance (0–1) that it dissolves when it breaks instead of retreating as a unit. Default:
    /// its faction's `dissolution_on_break`.
    #[serde(default)]
    pub dissolution_on_break: Option<N>,
    /// How the unit moves, if not as its faction does (e.g. a motorised brigade of an army on
    /// foot). Default: its faction's `mobility`.
    #[serde(default)]
    pub mobility: Option<Mobility>,
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

/// An air or drone strike asset (issue 14): `count` aircraft of one kind, flown by a faction
/// from a base it must hold, against the hostile units in the fights within `range_km` of it
/// (docs/MODEL.md, "Air power").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct AirAsset<N = f64> {
    /// Short id (e.g. `"fardc_drones"`); names the asset in `air.csv` and the summary.
    pub id: String,
    /// Display name; defaults to the id.
    #[serde(default)]
    pub name: Option<String>,
    /// Faction id flying it: its sorties add to that faction's side.
    pub faction: String,
    /// What kind of aircraft.
    pub kind: AirKind,
    /// Aircraft in service at the start, aircraft (0–10,000; rounded to a whole number).
    pub count: N,
    /// Sorties each aircraft flies a day while there is a fight in range, sorties per aircraft
    /// per day (0–24).
    pub sorties_per_day: N,
    /// Combat radius: the farthest fight from the base it strikes, great-circle km (> 0).
    pub range_km: N,
    /// Place id of its base. It flies only while a faction of its side holds the base and its
    /// own faction has a unit in the theatre; losing either grounds it until both hold again.
    pub base: String,
    /// Combat power one sortie a day adds to its side in a fight, soldier-equivalents (the
    /// units of a unit's `personnel × firepower`; ≥ 0). Default by kind:
    /// `params.air.jet_strike_power`, `helicopter_strike_power` or `drone_strike_power`.
    #[serde(default)]
    pub strike_power: Option<N>,
}

/// The kind of an air asset.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum AirKind {
    /// Fixed-wing strike or ground-attack aircraft (e.g. the Su-25).
    Jet,
    /// Attack or armed transport helicopters.
    Helicopter,
    /// Armed drones (e.g. the CH-4, the TB2).
    ArmedDrone,
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
