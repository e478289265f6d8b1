//! Model parameters: every number that drives the model, with its default and the reason for it.
//!
//! Defaults are documented in `docs/MODEL.md`; a scenario overrides any subset, e.g.
//! `params: (combat: (defender_base_rate: 0.01))`.

use serde::{Deserialize, Serialize};

use super::schema::{Mobility, Number, RouteKind, Surface, Terrain};

impl<N: Number> Default for Params<N> {
    fn default() -> Self {
        Self {
            combat: CombatParams::default(),
            movement: MovementParams::default(),
            supply: SupplyParams::default(),
            morale: MoraleParams::default(),
            civilians: CivilianParams::default(),
            diplomacy: DiplomacyParams::default(),
            cut_off: CutOffParams::default(),
            human_cost: HumanCostParams::default(),
            command: CommandParams::default(),
            breaking: BreakingParams::default(),
            air: AirParams::default(),
        }
    }
}

/// All model parameters, grouped by concern.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct Params<N = f64> {
    /// Combat: attrition, posture, terrain, breakpoints.
    pub combat: CombatParams<N>,
    /// Movement: speeds by mobility and surface, boats, withdrawals, reserves.
    pub movement: MovementParams<N>,
    /// Supply: consumption, capacities, effects of running out.
    pub supply: SupplyParams<N>,
    /// Morale: losses, supply, shocks, recovery.
    pub morale: MoraleParams<N>,
    /// Civilians: flight, harm, food.
    pub civilians: CivilianParams<N>,
    /// Diplomacy: exposure of covert forces, ceasefires, cross-border fire.
    pub diplomacy: DiplomacyParams<N>,
    /// Cut-off units: gradual surrender and desertion, break-outs.
    pub cut_off: CutOffParams<N>,
    /// The human cost: civilians killed and wounded by fire, deaths in camps, in flight and
    /// after a capture.
    pub human_cost: HumanCostParams<N>,
    /// Operational command: campaigns, massing before an assault, reserves, pauses.
    pub command: CommandParams<N>,
    /// Breaking and rallying: dissolution, commanders' loss, what rallying needs.
    pub breaking: BreakingParams<N>,
    /// Air power (issue 14): the strike power of a sortie by kind of aircraft, and the losses
    /// air defences inflict.
    pub air: AirParams<N>,
}

/// Breaking and rallying parameters (issue 14, "Commanders" and "Dissolution"; docs/MODEL.md,
/// "Breaking, dissolution and command").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct BreakingParams<N = f64> {
    /// Chance (0–1) that a breaking unit dissolves (its personnel disperse, counted as
    /// deserted) instead of retreating as a unit, for factions and units that set none.
    /// Default 0 (assumed: a force melts away because of what it is, poorly paid, led and
    /// bound, which its scenario says from its sources per faction; armies in general retreat
    /// as units).
    pub dissolution_chance: N,
    /// Morale lost at once by each unit whose commander or headquarters is lost or flees, 0–1.
    /// Default 0.15 (assumed; see calibration: the size of a key place's fall at the place
    /// itself. Shils & Janowitz 1948 find cohesion held by primary groups and their immediate
    /// leaders; Johnston 2012 finds that removing leaders weakens insurgent organisations,
    /// Jordan 2009 that it often does not: no number transfers to a unit, so it is set equal
    /// to the shock the model already gives to the loss of a city).
    pub commander_loss_shock: N,
    /// A broken unit whose commander is gone (lost or fled) rallies only once its morale
    /// reaches this, 0–1, instead of `morale.rally_threshold`. Default 0.6 (assumed: without
    /// the leaders who would reform it, a unit needs markedly better spirits to reform on its
    /// own; Shils & Janowitz 1948).
    pub leaderless_rally_threshold: N,
    /// Days of supply a broken unit must hold to rally, days (≥ 0): a unit with nothing to
    /// eat or fire does not reform. Default 0.5 (assumed: half a day's supplies in hand).
    pub rally_min_supply_days: N,
}

impl<N: Number> Default for BreakingParams<N> {
    fn default() -> Self {
        Self {
            dissolution_chance: 0.0.into(),
            commander_loss_shock: 0.15.into(),
            leaderless_rally_threshold: 0.6.into(),
            rally_min_supply_days: 0.5.into(),
        }
    }
}

/// Combat parameters (Helmbold/Dupuy force-ratio attrition; see docs/MODEL.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct CombatParams<N = f64> {
    /// Attacker's loss fraction per day at a force ratio of 1:1. Default 0.04/day: Dupuy's
    /// historical attacker rates at small-unit scale (assumed; see calibration).
    pub attacker_base_rate: N,
    /// Defender's loss fraction per day at a force ratio of 1:1. Default 0.03/day (Dupuy:
    /// defenders lose less than attackers at parity; assumed; see calibration).
    pub defender_base_rate: N,
    /// Exponent of the force ratio in the loss rate (Helmbold's exponent). Default 0.8, between
    /// Helmbold's square-root law (0.5) and Lanchester's square law (1).
    pub force_ratio_exponent: N,
    /// Ceiling on any unit's loss fraction per day. Default 0.5/day (assumed: a unit cannot lose
    /// more than half its strength in a day of fire before breaking).
    pub max_daily_loss: N,
    /// Standard deviation of the log-normal noise on each engagement's loss rates. Default 0.3
    /// (assumed; see calibration).
    pub noise_sigma: N,
    /// Share of battle casualties who die of them, killed outright or of their wounds (the rest
    /// are wounded). Default 0.19: the case fatality rate of US battle casualties in the Second
    /// World War, 19% (15% in Vietnam, 9% in Iraq and Afghanistan; Holcomb et al. 2006, J Trauma
    /// 60:397), for forces whose evacuation and surgery are no better than 1940s armies'.
    pub killed_share: N,
    /// Defender multiplier per unit of fortification: power × (1 + bonus × fortification).
    /// Default 0.6 (Dupuy's fortified-defence posture factor ≈ 1.6).
    pub fortification_bonus: N,
    /// Defender multiplier by terrain (Dupuy's terrain factors, rounded).
    pub terrain: TerrainFactors<N>,
    /// Combat-power multiplier of a unit in `Reserve` posture. Default 0.8 (assumed: not dug in).
    pub reserve_factor: N,
    /// Combat-power multiplier of a unit in `Withdraw` posture. Default 0.3 (assumed).
    pub withdraw_factor: N,
    /// Share of its personnel a peacekeeping unit exposes to fire (troops inside bases).
    /// Default 0.15 (assumed; see calibration: the perimeter guard of a base; Goma's value,
    /// fitted to 13 killed among thousands in January 2025, is written in its scenario).
    pub peacekeeper_exposure: N,
    /// Share of its personnel a regional intervention force (`RegionalForce`) exposes to fire:
    /// it fights, but from prepared bases. Default 0.5 (assumed; see calibration).
    pub regional_force_exposure: N,
    /// Losses (killed, wounded, captured) as a share of a unit's initial strength at which it
    /// breaks. Default 0.3 (Dupuy: units cease to be effective at 20–40% losses).
    pub breakpoint_losses: N,
    /// Morale below which a unit breaks. Default 0.2 (assumed).
    pub breakpoint_morale: N,
    /// Share of a broken unit's personnel that deserts when it breaks. Default 0.1 (assumed).
    pub desertion_on_break: N,
}

impl<N: Number> Default for CombatParams<N> {
    fn default() -> Self {
        Self {
            attacker_base_rate: 0.04.into(),
            defender_base_rate: 0.03.into(),
            force_ratio_exponent: 0.8.into(),
            max_daily_loss: 0.5.into(),
            noise_sigma: 0.3.into(),
            killed_share: 0.19.into(),
            fortification_bonus: 0.6.into(),
            terrain: TerrainFactors::default(),
            reserve_factor: 0.8.into(),
            withdraw_factor: 0.3.into(),
            peacekeeper_exposure: 0.15.into(),
            regional_force_exposure: 0.5.into(),
            breakpoint_losses: 0.3.into(),
            breakpoint_morale: 0.2.into(),
            desertion_on_break: 0.1.into(),
        }
    }
}

/// Defender combat-power multipliers by terrain.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct TerrainFactors<N = f64> {
    /// Open ground. Default 1.0 (the reference).
    pub open: N,
    /// Hills. Default 1.3 (Dupuy: rolling/mixed terrain 1.2–1.4).
    pub hills: N,
    /// Mountains. Default 1.6 (Dupuy: rugged terrain 1.5–1.6).
    pub mountains: N,
    /// Forest. Default 1.3 (Dupuy: wooded 1.2–1.4).
    pub forest: N,
    /// Built-up area. Default 1.4 (Dupuy: urban 1.3–1.5).
    pub urban: N,
    /// Marsh. Default 1.2 (Dupuy: marsh 1.2).
    pub swamp: N,
}

impl<N: Number> Default for TerrainFactors<N> {
    fn default() -> Self {
        Self {
            open: 1.0.into(),
            hills: 1.3.into(),
            mountains: 1.6.into(),
            forest: 1.3.into(),
            urban: 1.4.into(),
            swamp: 1.2.into(),
        }
    }
}

impl TerrainFactors<f64> {
    /// The multiplier for one terrain.
    pub fn factor(&self, terrain: Terrain) -> f64 {
        match terrain {
            Terrain::Open => self.open,
            Terrain::Hills => self.hills,
            Terrain::Mountains => self.mountains,
            Terrain::Forest => self.forest,
            Terrain::Urban => self.urban,
            Terrain::Swamp => self.swamp,
        }
    }
}

/// Movement (docs/MODEL.md, "Movement"): a unit's march speed by its mobility and the route's
/// surface, and the hours it moves a day; boats on lakes; withdrawals and reserves.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct MovementParams<N = f64> {
    /// Units on foot. Default 4 km/h on paved and dirt roads, 2.4 km/h on tracks, 8 hours a
    /// day: US Army FM 21-18, Foot Marches (1990): 4 km/h on roads and 2.4 km/h across
    /// country, a 10-minute halt each hour included; a normal day's march is 20–32 km, 8 hours
    /// at 4 km/h.
    pub foot: MobilitySpeeds<N>,
    /// Wheeled units (trucks, pickups). Default 40 km/h paved, 24 km/h dirt, 8 km/h on tracks,
    /// 8 hours a day: convoy speeds of US Army FM 11-43 (40 km/h on two-lane roads, 24 km/h
    /// through built-up areas, taken here for unpaved roads; 8 km/h, its blackout speed, for
    /// tracks, assumed); 8 hours of driving, 320 km a day on paved roads, as the World War
    /// II rule of thumb of at least 300 km a day for wheeled columns (assumed).
    pub trucks: MobilitySpeeds<N>,
    /// Tracked units (armour, mechanised infantry). Default 25 km/h paved, 20 km/h dirt,
    /// 12 km/h on tracks, 8 hours a day: the 25 km/h of a division's road march (US Army
    /// ST 100-3, Battle Book, movement planning), 200 km a day as the World War II rule of
    /// thumb for tracked columns; off roads assumed.
    pub mechanised: MobilitySpeeds<N>,
    /// Speed of a boat crossing of a `Lake` route, km/h, averaged over the day, for every
    /// mobility (boats ply day and night; no daily cap). Default 8 km/h (assumed: a loaded
    /// motor boat or lake ferry; the 3–14 h crossings of 105 km on Lake Kivu agree).
    pub lake_kmh: N,
    /// Speed multiplier of a withdrawing unit. Default 1.5 (assumed: a rout moves fast).
    pub withdraw_speedup: N,
    /// Farthest a reserve marches to a threatened place, hours of travel. Default 48 h
    /// (assumed: reserves are committed within two days' march).
    pub reserve_reach_hours: N,
    /// Soldiers a `Lake` route carries per day when the route gives no `crossing_per_day`,
    /// persons/day. Default 1,500 (assumed; see calibration: a few dozen requisitioned boats
    /// and the lake ferries, each carrying tens to a couple of hundred people a trip, a few
    /// trips a day).
    pub lake_crossing_per_day: N,
}

/// March speeds of one mobility on each surface, km/h while moving (short halts included), and
/// the hours it moves a day: its average speed over a day is `kmh × hours_per_day / 24`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct MobilitySpeeds<N = f64> {
    /// On a `Paved` road, km/h.
    pub paved_kmh: N,
    /// On a `Dirt` road, km/h.
    pub dirt_kmh: N,
    /// On a `Track`, km/h.
    pub track_kmh: N,
    /// Hours moved a day, 0–24 h.
    pub hours_per_day: N,
}

impl<N: Number> MobilitySpeeds<N> {
    fn new(paved: f64, dirt: f64, track: f64, hours: f64) -> Self {
        Self {
            paved_kmh: paved.into(),
            dirt_kmh: dirt.into(),
            track_kmh: track.into(),
            hours_per_day: hours.into(),
        }
    }
}

impl<N: Number> Default for MovementParams<N> {
    fn default() -> Self {
        Self {
            foot: MobilitySpeeds::new(4.0, 4.0, 2.4, 8.0),
            trucks: MobilitySpeeds::new(40.0, 24.0, 8.0, 8.0),
            mechanised: MobilitySpeeds::new(25.0, 20.0, 12.0, 8.0),
            lake_kmh: 8.0.into(),
            withdraw_speedup: 1.5.into(),
            reserve_reach_hours: 48.0.into(),
            lake_crossing_per_day: 1500.0.into(),
        }
    }
}

impl MovementParams<f64> {
    /// The speeds of a mobility.
    pub fn of(&self, mobility: Mobility) -> &MobilitySpeeds {
        match mobility {
            Mobility::Foot => &self.foot,
            Mobility::Trucks => &self.trucks,
            Mobility::Mechanised => &self.mechanised,
        }
    }

    /// The speed of a unit of `mobility` on a route of `kind` and `surface`, km/h averaged
    /// over a day: the march speed on the surface × hours moved a day / 24, or on a `Lake`
    /// route the boats' `lake_kmh`.
    pub fn speed(&self, mobility: Mobility, kind: RouteKind, surface: Option<Surface>) -> f64 {
        let Some(surface) = surface.or(kind.default_surface()) else {
            return self.lake_kmh;
        };
        if kind == RouteKind::Lake {
            return self.lake_kmh;
        }
        let m = self.of(mobility);
        let kmh = match surface {
            Surface::Paved => m.paved_kmh,
            Surface::Dirt => m.dirt_kmh,
            Surface::Track => m.track_kmh,
        };
        kmh * m.hours_per_day.clamp(0.0, 24.0) / 24.0
    }
}

/// Supply parameters.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct SupplyParams<N = f64> {
    /// Consumption per soldier, kg/day (food, water, fuel, ammunition). Default 15 kg (light
    /// infantry in combat; assumed; see calibration).
    pub consumption_kg_per_person_day: N,
    /// Most days of supply a unit can hold. Default 10 days (assumed).
    pub max_days: N,
    /// Firepower multiplier of a unit with no supply left. Default 0.5 (assumed).
    pub out_of_supply_firepower: N,
    /// Road capacity, t/day. Default 500 (a few dozen trucks a day; assumed).
    pub road_capacity: N,
    /// Track capacity, t/day. Default 50 (assumed).
    pub track_capacity: N,
    /// Lake capacity, t/day. Default 300 (assumed: a few barges and boats a day; Goma's Lake
    /// Kivu value is written in its scenario).
    pub lake_capacity: N,
    /// Border-crossing capacity, t/day. Default 500 (assumed, as road).
    pub border_capacity: N,
}

impl<N: Number> Default for SupplyParams<N> {
    fn default() -> Self {
        Self {
            consumption_kg_per_person_day: 15.0.into(),
            max_days: 10.0.into(),
            out_of_supply_firepower: 0.5.into(),
            road_capacity: 500.0.into(),
            track_capacity: 50.0.into(),
            lake_capacity: 300.0.into(),
            border_capacity: 500.0.into(),
        }
    }
}

impl SupplyParams<f64> {
    /// The default capacity of a route kind, t/day.
    pub fn capacity(&self, kind: RouteKind) -> f64 {
        match kind {
            RouteKind::Road => self.road_capacity,
            RouteKind::Track => self.track_capacity,
            RouteKind::Lake => self.lake_capacity,
            RouteKind::Border => self.border_capacity,
        }
    }
}

/// Morale parameters.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct MoraleParams<N = f64> {
    /// Morale lost per unit fraction of strength lost: Δm = −k × losses / personnel.
    /// Default 1.5 (assumed: losing 10% in an engagement costs 0.15 morale).
    pub loss_sensitivity: N,
    /// Morale lost per day with no supply. Default 0.05/day (assumed).
    pub out_of_supply_per_day: N,
    /// Morale lost per day cut off from every supply source of the faction. Default 0.05/day.
    pub encircled_per_day: N,
    /// Morale recovered per day toward the unit's starting morale when not fighting and
    /// supplied. Default 0.03/day (assumed).
    pub recovery_per_day: N,
    /// Morale shock to the losing side's units when a key place (or a city) of
    /// `shock_reference_population` falls, at distance 0; larger and smaller places scale it by
    /// `shock_per_decade`. Default 0.15 (assumed; see calibration: the cascade that made Goma
    /// fall in days).
    pub key_place_shock: N,
    /// Shock of an ordinary place's fall, as a share of that of a key place of the same
    /// population. Default 0.25 (assumed; see calibration).
    pub minor_place_share: N,
    /// Population at which a place's fall shocks by `key_place_shock` (key) or its
    /// `minor_place_share` (other), persons. Default 50,000: the smallest city of the Degree of
    /// Urbanisation (an urban centre of at least 50,000 inhabitants; UN Statistical Commission,
    /// 2020). Assumed as the reference; see calibration.
    pub shock_reference_population: N,
    /// Growth of a fall's shock per tenfold population, as a share of the reference shock:
    /// size × (1 + k × log10(P / P_ref)), never below 0. Default 0.5 (assumed; see calibration:
    /// perceived magnitude grows with the logarithm of size, Weber–Fechner; a city of 500,000
    /// shocks 1.5 times a town of 50,000).
    pub shock_per_decade: N,
    /// Places smaller than this, or with no residents (an airport, a base), count as this
    /// many people when their fall is sized, persons. Default 10,000 (assumed: such a place
    /// matters for what it is, not for who lives there; it shocks 0.65 of the reference).
    pub shock_min_population: N,
    /// Hours of travel on foot along the routes over which a fall's shock falls by a factor e:
    /// weight e^(−t / T), `t` the travel time from the fallen place (the news travels at the
    /// pace of the people who carry it, fleeing soldiers and civilians). Default 24 h (assumed;
    /// see calibration: a day's travel; at Goma's road speed, 2 km/h over the day, that is
    /// 48 km of road, close to the former 50 km e-folding distance, so the local cascade keeps
    /// its strength).
    pub shock_length_hours: N,
    /// Share of a fall's shock taken by the units of the losing side outside the chain of
    /// command of the faction that held the place (its allies), 0–1. Default 1 (assumed; see
    /// calibration: the news reaches allies as it reaches the army that lost the place; a
    /// scenario whose allies fight apart may lower it).
    pub shock_ally_share: N,
    /// Shocks smaller than this (morale, 0–1) are not applied: a fall's shock reaches places
    /// within T × ln(size / floor) hours of travel. Default 0.001 (assumed: less than one hour's recovery at
    /// `recovery_per_day` 0.03).
    pub shock_floor: N,
    /// Shock to allied units when a unit breaks nearby, at distance 0. Default 0.05 (assumed).
    pub rout_shock: N,
    /// Radius of a rout's shock, km: it falls linearly to 0 at this distance. Default 25 km
    /// (assumed: news of a rout reaches the neighbouring positions).
    pub rout_radius_km: N,
    /// Share of a shock received as a boost by the winning side. Default 0.5 (assumed).
    pub victory_share: N,
    /// A broken unit that has reached safety rallies (returns to `Defend`) once its morale
    /// is back above this. Default 0.4 (assumed).
    pub rally_threshold: N,
}

impl<N: Number> Default for MoraleParams<N> {
    fn default() -> Self {
        Self {
            loss_sensitivity: 1.5.into(),
            out_of_supply_per_day: 0.05.into(),
            encircled_per_day: 0.05.into(),
            recovery_per_day: 0.03.into(),
            key_place_shock: 0.15.into(),
            minor_place_share: 0.25.into(),
            shock_reference_population: 50_000.0.into(),
            shock_per_decade: 0.5.into(),
            shock_min_population: 10_000.0.into(),
            shock_length_hours: 24.0.into(),
            shock_ally_share: 1.0.into(),
            shock_floor: 0.001.into(),
            rout_shock: 0.05.into(),
            rout_radius_km: 25.0.into(),
            victory_share: 0.5.into(),
            rally_threshold: 0.4.into(),
        }
    }
}

/// Civilian parameters: flight from danger, harm in fighting, food in cut-off places.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct CivilianParams<N = f64> {
    /// Flight rate from a place being fought over, per day (share leaving = 1 − e^(−rate·dt)).
    /// Default 1.0/day (assumed; see calibration: >400,000 newly displaced in days, UNHCR).
    pub flight_fighting_per_day: N,
    /// Flight rate from a place with hostile forces in it, or next to a fight, per day.
    /// Default 0.1/day (assumed).
    pub flight_threat_per_day: N,
    /// A place is next to a fight when a route of at most this length leads to a place being
    /// fought over. Default 15 km (assumed: within earshot of artillery).
    pub near_fight_km: N,
    /// Residents per soldier at which a fight's flight rate is halved, if the scenario fixes it:
    /// the rates above are multiplied by `s / (s + people / this)`, `s` the soldiers at the place
    /// and at the fights next to it. Default 0: not fixed; the share of the place the fight
    /// endangers sets it, `s·a / (s·a + area)` with `a` = `fight_area_km2_per_soldier` and the
    /// place's built-up area (docs/MODEL.md, "Civilians"). The Goma scenario fixes 10 (Goma's
    /// residents mostly stayed through the fighting of 26–29 January 2025).
    pub people_per_soldier: N,
    /// Area a soldier's fighting makes dangerous to stay in, km² per soldier: a fight of `s`
    /// soldiers in a place of `area` km² endangers `s·a / (s·a + area)` of it, the share of its
    /// people it drives out at the full rate. Default 0.005 km² (assumed: a 600-strong
    /// battalion's fight endangers about 3 km², a front of about 1.5 km by the 2 km within
    /// mortar and small-arms reach of it; the geographical scope of fighting, more than its
    /// intensity, drives flight: Melander & Öberg 2007).
    pub fight_area_km2_per_soldier: N,
    /// Flight rate from a place occupied by a faction with a record of abuse, per day, at
    /// `civilian_abuse` 1 and just after it took the place: multiplied by the occupier's
    /// `civilian_abuse` and by `e^(−days since it took the place / occupier_fear_days)`.
    /// Default 0.05/day (assumed; people flee the threat of violence against them more than
    /// fighting itself: Davenport, Moore & Poe 2003; Moore & Shellman 2004).
    pub flight_occupier_per_day: N,
    /// Days over which the flight from a feared occupier dies down (e-folding time): those most
    /// ready to leave go first, and flows abate over time (Melander & Öberg 2006, "Time to Go:
    /// Duration Dependence in Forced Migration"). Default 30 days (assumed).
    pub occupier_fear_days: N,
    /// Flight rate from a place within reach of hostile artillery, rockets or armed drones, per
    /// day, at full threat: multiplied by `E / (E + strike_half_soldiers)`, `E` the soldiers of
    /// hostile factions within `strike_reach_km` weighted by the share of explosive weapons in
    /// their fire (`fire.artillery + fire.drones`), plus the air strikes expected there
    /// ([`ExpectedStrikes`](crate::sim::systems::civilians::ExpectedStrikes)). Default
    /// 0.01/day (assumed; see calibration: people in reach of shelling leave before the
    /// fighting reaches them).
    pub flight_strike_per_day: N,
    /// Reach of the hostile fire people expect to be struck by, km (great circle). Default 20 km
    /// (assumed: the range of the commonest rocket artillery, the 122 mm BM-21, about 20 km).
    pub strike_reach_km: N,
    /// Explosive-weighted hostile soldiers in reach at which strike flight runs at half its
    /// rate. Default 100 (assumed: a battery's worth of gunners).
    pub strike_half_soldiers: N,
    /// Gravity model of where people go (docs/MODEL.md, "Civilians"): exponent of a
    /// destination's room (displaced people it can house, +1) in its weight. Default 1
    /// (assumed: the gravity model's mass term, flows in proportion to the size of the
    /// destination; the Flee model of refugee destinations weighs camps and towns by size and
    /// distance, Suleimenova, Bell & Groen 2017).
    pub mass_exponent: N,
    /// Travel time over which a destination's weight falls by e, hours (after the
    /// `camp_preference` weighting). Default 12 h (assumed: a destination a day further off
    /// draws about an eighth as many).
    pub travel_scale_hours: N,
    /// Weight of a destination that shares a kin group (`kin`) with the place fled. Default 3
    /// (assumed: social networks steer where the displaced go: Adhikari 2013; IOM DTM surveys
    /// find most displaced staying with host families).
    pub kin_preference: N,
    /// Weight of a destination in the same country held by a faction people flee or an ally
    /// of one (a faction hostile to the holder of the place fled whose forces fight or stand
    /// there, strike it, or occupy it; by the relations matrix). Default 0: nobody
    /// flees into the hands of those they flee (assumed). A crossing into another country is
    /// governed by its border status, not by who holds the other side.
    pub feared_holder_weight: N,
    /// Most destinations the people of a place spread over (those of largest weight).
    /// Default 4 (assumed).
    pub flight_destinations: N,
    /// Flight rate from a place with no food left, per day. Default 0.05/day (assumed).
    pub flight_hunger_per_day: N,
    /// Farthest people flee in one move, hours of travel. Default 72 h (assumed).
    pub flight_reach_hours: N,
    /// Weight of the travel time to a camp or across a border, relative to other safe places:
    /// below 1, people prefer them. Default 0.5 (assumed).
    pub camp_preference: N,
    /// Days of food a place holds for its people when its routes are cut. Default 14 (assumed).
    pub food_days: N,
}

impl<N: Number> Default for CivilianParams<N> {
    fn default() -> Self {
        Self {
            flight_fighting_per_day: 1.0.into(),
            flight_threat_per_day: 0.1.into(),
            near_fight_km: 15.0.into(),
            people_per_soldier: 0.0.into(),
            fight_area_km2_per_soldier: 0.005.into(),
            flight_occupier_per_day: 0.05.into(),
            occupier_fear_days: 30.0.into(),
            flight_strike_per_day: 0.01.into(),
            strike_reach_km: 20.0.into(),
            strike_half_soldiers: 100.0.into(),
            mass_exponent: 1.0.into(),
            travel_scale_hours: 12.0.into(),
            kin_preference: 3.0.into(),
            feared_holder_weight: 0.0.into(),
            flight_destinations: 4.0.into(),
            flight_hunger_per_day: 0.05.into(),
            flight_reach_hours: 72.0.into(),
            camp_preference: 0.5.into(),
            food_days: 14.0.into(),
        }
    }
}

/// Diplomacy parameters: exposure of covert forces, ceasefires, cross-border fire.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct DiplomacyParams<N = f64> {
    /// Hazard of a covert force being exposed, per 1,000 of its personnel in the theatre per
    /// day. Default 0.02 (assumed: a covert force of a few thousand is exposed within a fortnight or
    /// so; Goma's value, for the RDF's 3,000–4,000, is written in its scenario).
    pub exposure_per_1000_per_day: N,
    /// A side's base probability of accepting a ceasefire offer. Default 0.2 (assumed).
    pub ceasefire_base_acceptance: N,
    /// Added acceptance per unit of its sponsor's pressure-to-resolve ratio. Default 0.5.
    pub ceasefire_pressure_weight: N,
    /// Acceptance lost per place the side took (gained per place it lost) in the last
    /// `momentum_days`. Default 0.1 (assumed: winners do not stop).
    pub ceasefire_momentum_weight: N,
    /// Window for a side's momentum, days. Default 7.
    pub momentum_days: N,
    /// Rate at which a ceasefire in force breaks down, per day. Default 0.05/day (assumed:
    /// a ceasefire holds for weeks, not months; Goma's value, from the Kivus' ceasefires, is
    /// written in its scenario).
    pub ceasefire_break_per_day: N,
    /// Days a mediator waits before offering again after an offer. Default 7.
    pub reoffer_days: N,
    /// Probability per day of fire across a border where a fight stands next to another
    /// side's sanctuary. Default 0.5/day (assumed; Goma's
    /// value, from the shells on Rubavu of 27 January 2025, is written in its scenario).
    pub cross_border_fire_per_day: N,
    /// Civilians killed by one exchange of cross-border fire. Default 3 (assumed).
    pub cross_border_deaths: N,
    /// Morale lost by a proxy's units when its sponsor withdraws. Default 0.2 (assumed).
    pub abandonment_shock: N,
    /// Days attention must stay above a talk step's threshold (statement, emergency meeting,
    /// condemnation) before the actor uses it, unless the step says otherwise. Default 0.5
    /// (assumed: a statement is drafted and cleared within a day).
    pub talk_deliberation_days: N,
    /// Days attention must stay above a binding step's threshold (sanctions, aid suspension)
    /// before the actor adopts it, unless the step says otherwise. Default 14 (assumed: a
    /// designation or an aid review takes weeks of evidence and consultation).
    pub binding_deliberation_days: N,
    /// Days a target must keep complying (its forces out of the theatre and its proxies holding
    /// nothing they took, or an agreement's withdrawal done) before binding instruments on it
    /// are lifted. Default 30 (assumed: a review after a month of compliance).
    pub lift_after_days: N,
    /// A party's base probability of complying with an agreement's withdrawal at its deadline.
    /// Default 0.5 (assumed).
    pub compliance_base: N,
    /// Added compliance per unit of its sponsor's pressure-to-resolve ratio. Default 0.5
    /// (assumed, as `ceasefire_pressure_weight`).
    pub compliance_pressure_weight: N,
    /// Compliance lost per unit of the party's balance of forces, `2 × own / (own + enemy) − 1`
    /// (−1 to 1, personnel in the theatre). Default 0.4 (assumed: the stronger side keeps what
    /// it holds more often).
    pub compliance_balance_weight: N,
}

impl<N: Number> Default for DiplomacyParams<N> {
    fn default() -> Self {
        Self {
            exposure_per_1000_per_day: 0.02.into(),
            ceasefire_base_acceptance: 0.2.into(),
            ceasefire_pressure_weight: 0.5.into(),
            ceasefire_momentum_weight: 0.1.into(),
            momentum_days: 7.0.into(),
            ceasefire_break_per_day: 0.05.into(),
            reoffer_days: 7.0.into(),
            cross_border_fire_per_day: 0.5.into(),
            cross_border_deaths: 3.0.into(),
            abandonment_shock: 0.2.into(),
            talk_deliberation_days: 0.5.into(),
            binding_deliberation_days: 14.0.into(),
            lift_after_days: 30.0.into(),
            compliance_base: 0.5.into(),
            compliance_pressure_weight: 0.5.into(),
            compliance_balance_weight: 0.4.into(),
        }
    }
}

/// Cut-off units (issue 13): a broken unit with no friendly path to safety and the enemy upon
/// it gives up gradually, or breaks out where a way through lightly held ground exists
/// (docs/MODEL.md, "Cut-off units"). The hazards are per day, multiplied by
/// `(1 + t / hazard_doubling_days) × (out_of_supply_factor if out of supply) × (1 +
/// morale_weight × (1 − morale))`, `t` the days the unit has been cut off.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct CutOffParams<N = f64> {
    /// Hazard of a cut-off soldier surrendering (captured), per day, on the first day, supplied
    /// and at full morale. Default 0.03/day (assumed; see calibration: no source gives a daily
    /// rate; small unsupplied pockets give up within weeks, not in an hour).
    pub surrender_per_day: N,
    /// Hazard of a cut-off soldier slipping away (deserted), per day, on the same terms.
    /// Default 0.03/day (assumed; see calibration: as many slip away as give themselves up).
    pub desertion_per_day: N,
    /// Days cut off after which the hazards have doubled (they grow linearly with time).
    /// Default 7 days (assumed: a week without relief).
    pub hazard_doubling_days: N,
    /// Multiplier of the hazards of a unit with no supply left. Default 2 (assumed).
    pub out_of_supply_factor: N,
    /// Weight of low morale: the hazards are multiplied by `1 + weight × (1 − morale)`.
    /// Default 1 (assumed: a unit at morale 0 gives up twice as fast as one at morale 1).
    pub morale_weight: N,
    /// Rate at which a cut-off unit with a way out tries to break out, per day. Default 1/day
    /// (assumed: a way out is taken within a day or so).
    pub breakout_per_day: N,
    /// Share of a breaking-out unit's personnel left behind and captured. Default 0.15
    /// (assumed; see calibration).
    pub breakout_loss_share: N,
    /// Share of a broken or cut-off unit of a regular army or of contractors that gives itself
    /// up at a peacekeeper base, once, when the unit stands in a city (a `City` place) with the
    /// enemy in it and a base in the city or within `base_reach_km` of it. Default 0.33: of the 800–1,000 foreign contractors in
    /// Goma, 288 handed themselves over on 29–30 January 2025, 29–36% (CAJ News; ziare; the
    /// calibration facts).
    pub base_refuge_share: N,
    /// Longest route from a city to a place with an active peacekeeper unit for the city's
    /// soldiers to reach that base, km (0: only a base in the city itself). Default 10 km (assumed: a
    /// couple of hours on foot through a falling city).
    pub base_reach_km: N,
}

impl<N: Number> Default for CutOffParams<N> {
    fn default() -> Self {
        Self {
            surrender_per_day: 0.03.into(),
            desertion_per_day: 0.03.into(),
            hazard_doubling_days: 7.0.into(),
            out_of_supply_factor: 2.0.into(),
            morale_weight: 1.0.into(),
            breakout_per_day: 1.0.into(),
            breakout_loss_share: 0.15.into(),
            base_refuge_share: 0.33.into(),
            base_reach_km: 10.0.into(),
        }
    }
}

/// The human cost (issue 13, item 7; docs/MODEL.md, "The human cost"): civilians killed and
/// wounded by the fire of a fight at their place, scaled by their density, the kind of fire
/// and their shelter; excess deaths of displaced people, of people whose food runs short
/// (a cut-off place, a place just captured) and of people in flight.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct HumanCostParams<N = f64> {
    /// Civilian casualties (killed and wounded) per soldier-day of explosive (artillery) fire at
    /// `reference_density_per_km2`, unsheltered. Default 0.3: where explosive weapons are used
    /// in populated areas about 90% of their casualties are civilians (Action on Armed Violence,
    /// 2011–2020: 91%; ground-launched weapons 90% in 2014), nine for every combatant; the
    /// model's soldiers lose about 0.035 a day at parity, so 9 × 0.035 ≈ 0.3 (a derived rate,
    /// not fitted to any toll).
    pub explosive_casualties_per_soldier_day: N,
    /// Harm of small-arms (direct) fire relative to artillery, per soldier-day. Default 0.1
    /// (assumed; see calibration: a bullet hits a point, a shell an area).
    pub small_arms_factor: N,
    /// Harm of air-launched fire (armed drones, aircraft) relative to artillery. Default 0.17:
    /// civilians were 61% of the casualties of air-launched explosive weapons and 90% of those
    /// of ground-launched ones (AOAV, 2014), 1.56 against 9 civilians per combatant.
    pub drone_factor: N,
    /// Density at which the rate above holds, persons/km². Default 1,500: the least density of
    /// an urban centre in the Degree of Urbanisation (UN Statistical Commission, 2020), the
    /// "populated area" of the AOAV figure at its thinnest.
    pub reference_density_per_km2: N,
    /// Density of a place on `Urban` terrain given no `area_km2`, persons/km². Default 1,500
    /// (an urban centre's least density, as above).
    pub urban_density_per_km2: N,
    /// Density of a camp given no `area_km2`, persons/km². Default 22,000: Sphere's minimum of
    /// 45 m² of camp per person (Sphere Handbook 2018, shelter standard 2).
    pub camp_density_per_km2: N,
    /// Density of any other place given no `area_km2`, persons/km². Default 300: the least
    /// density of an urban cluster (a town) in the Degree of Urbanisation.
    pub other_density_per_km2: N,
    /// Share of the people of a place (not a camp) with hard cover, when it gives no `shelter`.
    /// Default 0.5 (assumed; see calibration).
    pub default_shelter: N,
    /// Share of the people of a camp with hard cover, when it gives no `shelter`. Default 0
    /// (assumed: tents and plastic sheeting stop no fragment).
    pub camp_shelter: N,
    /// Share of harm that hard cover stops. Default 0.7 (assumed; see calibration).
    pub shelter_protection: N,
    /// Share of civilian casualties killed (the rest wounded). Default 0.3 (assumed; see
    /// calibration: no evacuation or surgery to speak of for civilians under fire).
    pub civilian_killed_share: N,
    /// Share of a place's starting population it can house as displaced (host families,
    /// public buildings) when it gives no `shelter_capacity`; a camp houses its starting
    /// population. Default 0.2 (assumed).
    pub host_share: N,
    /// Excess deaths among displaced people with shelter and food, per 10,000 per day.
    /// Default 0.5: Sphere's emergency threshold for sub-Saharan Africa (0.9) above its
    /// baseline (0.44) (Sphere, as tabulated by Checchi et al. 2008, Conflict and Health 2:9).
    pub displaced_excess_per_10k_day: N,
    /// Excess deaths among people whose food has run out, per 10,000 per day, scaled by the
    /// share of the food stock gone. Default 5: the "major catastrophe" threshold of CDC and
    /// MSF Epicentre (> 5 per 10,000 per day; Checchi et al. 2008), and the 5–8 of the camps of
    /// Goma in August 1994 once relief came (Goma Epidemiology Group 1995, Lancet 345:339; the
    /// first month's 20–35, with cholera and no water, is not the default).
    pub unfed_excess_per_10k_day: N,
    /// Multiplier of the excess deaths of displaced people beyond a place's shelter capacity,
    /// and of people in flight. Default 2 (assumed; see calibration).
    pub unsheltered_factor: N,
    /// Days a place's supply stays cut after it changes hands (markets shut, roads closed,
    /// aid suspended): its food runs down meanwhile. Default 7 days (assumed; see calibration).
    pub capture_disruption_days: N,
}

impl<N: Number> Default for HumanCostParams<N> {
    fn default() -> Self {
        Self {
            explosive_casualties_per_soldier_day: 0.3.into(),
            small_arms_factor: 0.1.into(),
            drone_factor: 0.17.into(),
            reference_density_per_km2: 1500.0.into(),
            urban_density_per_km2: 1500.0.into(),
            camp_density_per_km2: 22000.0.into(),
            other_density_per_km2: 300.0.into(),
            default_shelter: 0.5.into(),
            camp_shelter: 0.0.into(),
            shelter_protection: 0.7.into(),
            civilian_killed_share: 0.3.into(),
            host_share: 0.2.into(),
            displaced_excess_per_10k_day: 0.5.into(),
            unfed_excess_per_10k_day: 5.0.into(),
            unsheltered_factor: 2.0.into(),
            capture_disruption_days: 7.0.into(),
        }
    }
}

/// Operational command (issue 13): a side's command re-tasks attackers to its campaign, masses
/// a group before it assaults a defended place, commits reserves to a group short of its ratio
/// and pauses while the group's supply recovers (docs/MODEL.md, "Command").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct CommandParams<N = f64> {
    /// Whether sides with attacking units are under command at all. Default `true`; `false`
    /// gives the model before issue 13: every unit follows its own objectives and goes in
    /// alone.
    pub enabled: bool,
    /// Force ratio at which an assault group at its staging place goes in: its combat power
    /// (personnel × firepower × (0.2 + 0.8 × morale) × supply factor) over that of the
    /// defenders at the place (peacekeepers and regional forces at their exposure), before
    /// terrain and fortification. Default 3 (the attacker's 3:1 rule of thumb against a
    /// prepared defence: US Army FM 6-0, 2014, table of historical minimum planning ratios;
    /// Mearsheimer 1989). 0: no massing.
    pub assault_ratio: N,
    /// Longest an assault group waits at its staging place for the ratio, days: it then goes
    /// in with what it has. Default 1 day (assumed; see calibration; Goma's value, from its
    /// attackers' tempo of a town every one or two days, is written in its scenario).
    pub max_wait_days: N,
    /// A group connected to its supply whose mean supply (personnel-weighted) is below this
    /// pauses before an assault until supply recovers, days of supply. Default 1 day (assumed:
    /// one day of combat consumption in hand). 0: never pause for supply.
    pub pause_supply_days: N,
    /// Farthest a reserve is sent to join a group short of its ratio, hours of travel through
    /// places its side holds. Default 48 h (assumed, as `movement.reserve_reach_hours`).
    pub commit_reach_hours: N,
}

impl<N: Number> Default for CommandParams<N> {
    fn default() -> Self {
        Self {
            enabled: true,
            assault_ratio: 3.0.into(),
            max_wait_days: 1.0.into(),
            pause_supply_days: 1.0.into(),
            commit_reach_hours: 48.0.into(),
        }
    }
}

/// Air power (issue 14; docs/MODEL.md, "Air power"): what a sortie adds to a fight, by kind
/// of aircraft, and the chance that air defences down it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default, bound = "N: Number")]
pub struct AirParams<N = f64> {
    /// Whether air assets fly at all. Default `true`; `false` grounds every asset (the model
    /// before issue 14).
    pub enabled: bool,
    /// Combat power one armed-drone sortie a day adds to its side in a fight,
    /// soldier-equivalents. Default 300 (assumed; see calibration): at parity one
    /// soldier-equivalent of power kills about `h × d × killed_share` = 0.8 × 0.03 × 0.19 ≈
    /// 0.0046 enemy soldiers a day, so 300 kill about 1.4 a sortie, below the 8–10 dead a strike
    /// of the CIA's drone strikes in Pakistan (2,292–2,863 killed in 291 strikes, 2004–2011:
    /// Bureau of Investigative Journalism, August 2011), which hit targets watched for days, not
    /// dispersed troops in a fight.
    pub drone_strike_power: N,
    /// Combat power one jet sortie a day adds, soldier-equivalents. Default 600 (assumed; see
    /// calibration): twice a drone's, a ground-attack jet carrying several tonnes of bombs and
    /// rockets against a drone's few missiles, delivered less precisely.
    pub jet_strike_power: N,
    /// Combat power one attack-helicopter sortie a day adds, soldier-equivalents. Default 400
    /// (assumed; see calibration): between a drone's and a jet's.
    pub helicopter_strike_power: N,
    /// Probability that a jet sortie over a fight is lost, at `air_defence` 1 (it scales with
    /// the defence). Default 0.005 (assumed; see calibration): the US Air Force lost 1,737
    /// aircraft in combat in Southeast Asia (1962–1973) over some 1.4 million ground-attack
    /// sorties, about 0.0012 a sortie on average over defences from none to the densest of the
    /// time (Air Force Magazine, February 2013 and August 2004), taken as a quarter of the loss
    /// rate under full defence.
    pub jet_loss_per_sortie: N,
    /// Probability that a helicopter sortie is lost, at `air_defence` 1. Default 0.01 (assumed;
    /// see calibration): twice a jet's, low and slow aircraft being the most exposed to
    /// MANPADS and guns.
    pub helicopter_loss_per_sortie: N,
    /// Probability that an armed-drone sortie is lost, at `air_defence` 1. Default 0.02
    /// (assumed; see calibration): drones are flown into risks a crew would not be, and
    /// jamming adds to missiles.
    pub drone_loss_per_sortie: N,
}

impl<N: Number> Default for AirParams<N> {
    fn default() -> Self {
        Self {
            enabled: true,
            drone_strike_power: 300.0.into(),
            jet_strike_power: 600.0.into(),
            helicopter_strike_power: 400.0.into(),
            jet_loss_per_sortie: 0.005.into(),
            helicopter_loss_per_sortie: 0.01.into(),
            drone_loss_per_sortie: 0.02.into(),
        }
    }
}

impl AirParams {
    /// Default combat power of one sortie a day of an aircraft of `kind`, soldier-equivalents.
    pub fn strike_power(&self, kind: super::schema::AirKind) -> f64 {
        match kind {
            super::schema::AirKind::Jet => self.jet_strike_power,
            super::schema::AirKind::Helicopter => self.helicopter_strike_power,
            super::schema::AirKind::ArmedDrone => self.drone_strike_power,
        }
    }

    /// Probability that a sortie of an aircraft of `kind` is lost at `air_defence` 1.
    pub fn loss_per_sortie(&self, kind: super::schema::AirKind) -> f64 {
        match kind {
            super::schema::AirKind::Jet => self.jet_loss_per_sortie,
            super::schema::AirKind::Helicopter => self.helicopter_loss_per_sortie,
            super::schema::AirKind::ArmedDrone => self.drone_loss_per_sortie,
        }
    }
}

/// A copy of `params` with the number at `path` (e.g. `"combat.defender_base_rate"`) set to
/// `value`; `Err` says why the path does not name a number.
pub fn set_param(params: &Params, path: &str, value: f64) -> Result<Params, String> {
    let mut tree = serde_json::to_value(params).map_err(|e| e.to_string())?;
    let mut node = &mut tree;
    for key in path.split('.') {
        let keys: Vec<String> = node
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        node = node
            .get_mut(key)
            .ok_or_else(|| match suggest_key(key, &keys) {
                Some(s) => format!("no parameter `{key}` in `{path}`; did you mean `{s}`?"),
                None => format!("no parameter `{key}` in `{path}`"),
            })?;
    }
    if !node.is_number() {
        return Err(format!("`{path}` is a group of parameters, not a number"));
    }
    *node = serde_json::json!(value);
    serde_json::from_value(tree).map_err(|e| e.to_string())
}

fn suggest_key(key: &str, keys: &[String]) -> Option<String> {
    super::load::suggest(key, keys.iter().map(String::as_str))
}
