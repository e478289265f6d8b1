//! Model parameters: every number that drives the model, with its default and the reason for it.
//!
//! Defaults are documented in `docs/MODEL.md`; a scenario overrides any subset, e.g.
//! `params: (combat: (defender_base_rate: 0.01))`.

use serde::{Deserialize, Serialize};

use super::schema::{RouteKind, Terrain};

/// All model parameters, grouped by concern.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// Combat: attrition, posture, terrain, breakpoints.
    pub combat: CombatParams,
    /// Movement speeds by route kind.
    pub movement: MovementParams,
    /// Supply: consumption, capacities, effects of running out.
    pub supply: SupplyParams,
    /// Morale: losses, supply, shocks, recovery.
    pub morale: MoraleParams,
}

/// Combat parameters (Helmbold/Dupuy force-ratio attrition; see docs/MODEL.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CombatParams {
    /// Attacker's loss fraction per day at a force ratio of 1:1. Default 0.04/day: Dupuy's
    /// historical attacker rates at small-unit scale (assumed; see calibration).
    pub attacker_base_rate: f64,
    /// Defender's loss fraction per day at a force ratio of 1:1. Default 0.03/day (Dupuy:
    /// defenders lose less than attackers at parity; assumed; see calibration).
    pub defender_base_rate: f64,
    /// Exponent of the force ratio in the loss rate (Helmbold's exponent). Default 0.8, between
    /// Helmbold's square-root law (0.5) and Lanchester's square law (1).
    pub force_ratio_exponent: f64,
    /// Ceiling on any unit's loss fraction per day. Default 0.5/day (assumed: a unit cannot lose
    /// more than half its strength in a day of fire before breaking).
    pub max_daily_loss: f64,
    /// Standard deviation of the log-normal noise on each engagement's loss rates. Default 0.3
    /// (assumed; see calibration).
    pub noise_sigma: f64,
    /// Share of battle casualties killed (the rest are wounded). Default 0.25 (the classic 1:3
    /// killed-to-wounded ratio of modern infantry combat).
    pub killed_share: f64,
    /// Defender multiplier per unit of fortification: power × (1 + bonus × fortification).
    /// Default 0.6 (Dupuy's fortified-defence posture factor ≈ 1.6).
    pub fortification_bonus: f64,
    /// Defender multiplier by terrain (Dupuy's terrain factors, rounded).
    pub terrain: TerrainFactors,
    /// Combat-power multiplier of a unit in `Reserve` posture. Default 0.8 (assumed: not dug in).
    pub reserve_factor: f64,
    /// Combat-power multiplier of a unit in `Withdraw` posture. Default 0.3 (assumed).
    pub withdraw_factor: f64,
    /// Share of its personnel a peacekeeping unit exposes to fire (troops inside bases).
    /// Default 0.15 (assumed; see calibration: 13 killed among thousands in Jan 2025).
    pub peacekeeper_exposure: f64,
    /// Losses (killed, wounded, captured) as a share of a unit's initial strength at which it
    /// breaks. Default 0.3 (Dupuy: units cease to be effective at 20–40% losses).
    pub breakpoint_losses: f64,
    /// Morale below which a unit breaks. Default 0.2 (assumed).
    pub breakpoint_morale: f64,
    /// Share of a broken unit's personnel that deserts when it breaks. Default 0.1 (assumed).
    pub desertion_on_break: f64,
}

impl Default for CombatParams {
    fn default() -> Self {
        Self {
            attacker_base_rate: 0.04,
            defender_base_rate: 0.03,
            force_ratio_exponent: 0.8,
            max_daily_loss: 0.5,
            noise_sigma: 0.3,
            killed_share: 0.25,
            fortification_bonus: 0.6,
            terrain: TerrainFactors::default(),
            reserve_factor: 0.8,
            withdraw_factor: 0.3,
            peacekeeper_exposure: 0.15,
            breakpoint_losses: 0.3,
            breakpoint_morale: 0.2,
            desertion_on_break: 0.1,
        }
    }
}

/// Defender combat-power multipliers by terrain.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TerrainFactors {
    /// Open ground. Default 1.0 (the reference).
    pub open: f64,
    /// Hills. Default 1.3 (Dupuy: rolling/mixed terrain 1.2–1.4).
    pub hills: f64,
    /// Mountains. Default 1.6 (Dupuy: rugged terrain 1.5–1.6).
    pub mountains: f64,
    /// Forest. Default 1.3 (Dupuy: wooded 1.2–1.4).
    pub forest: f64,
    /// Built-up area. Default 1.4 (Dupuy: urban 1.3–1.5).
    pub urban: f64,
    /// Marsh. Default 1.2 (Dupuy: marsh 1.2).
    pub swamp: f64,
}

impl Default for TerrainFactors {
    fn default() -> Self {
        Self {
            open: 1.0,
            hills: 1.3,
            mountains: 1.6,
            forest: 1.3,
            urban: 1.4,
            swamp: 1.2,
        }
    }
}

impl TerrainFactors {
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

/// Movement speeds of units by route kind, km/h of march averaged over a day of moving.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MovementParams {
    /// Road. Default 2.0 km/h (≈ 48 km/day: motorised light infantry on poor roads; assumed).
    pub road_kmh: f64,
    /// Track. Default 1.0 km/h (≈ 24 km/day on foot; assumed).
    pub track_kmh: f64,
    /// Lake crossing by boat. Default 8.0 km/h (the 3–14 h Goma–Bukavu crossings).
    pub lake_kmh: f64,
    /// Border crossing. Default 2.0 km/h (assumed, as road).
    pub border_kmh: f64,
    /// Speed multiplier of a withdrawing unit. Default 1.5 (assumed: a rout moves fast).
    pub withdraw_speedup: f64,
    /// Farthest a reserve marches to a threatened place, hours of travel. Default 48 h
    /// (assumed: reserves are committed within two days' march).
    pub reserve_reach_hours: f64,
}

impl Default for MovementParams {
    fn default() -> Self {
        Self {
            road_kmh: 2.0,
            track_kmh: 1.0,
            lake_kmh: 8.0,
            border_kmh: 2.0,
            withdraw_speedup: 1.5,
            reserve_reach_hours: 48.0,
        }
    }
}

impl MovementParams {
    /// The default speed of a route kind, km/h.
    pub fn speed(&self, kind: RouteKind) -> f64 {
        match kind {
            RouteKind::Road => self.road_kmh,
            RouteKind::Track => self.track_kmh,
            RouteKind::Lake => self.lake_kmh,
            RouteKind::Border => self.border_kmh,
        }
    }
}

/// Supply parameters.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SupplyParams {
    /// Consumption per soldier, kg/day (food, water, fuel, ammunition). Default 15 kg (light
    /// infantry in combat; assumed; see calibration).
    pub consumption_kg_per_person_day: f64,
    /// Most days of supply a unit can hold. Default 10 days (assumed).
    pub max_days: f64,
    /// Firepower multiplier of a unit with no supply left. Default 0.5 (assumed).
    pub out_of_supply_firepower: f64,
    /// Road capacity, t/day. Default 500 (a few dozen trucks a day; assumed).
    pub road_capacity: f64,
    /// Track capacity, t/day. Default 50 (assumed).
    pub track_capacity: f64,
    /// Lake capacity, t/day. Default 300 (barges and boats on Lake Kivu; assumed).
    pub lake_capacity: f64,
    /// Border-crossing capacity, t/day. Default 500 (assumed, as road).
    pub border_capacity: f64,
}

impl Default for SupplyParams {
    fn default() -> Self {
        Self {
            consumption_kg_per_person_day: 15.0,
            max_days: 10.0,
            out_of_supply_firepower: 0.5,
            road_capacity: 500.0,
            track_capacity: 50.0,
            lake_capacity: 300.0,
            border_capacity: 500.0,
        }
    }
}

impl SupplyParams {
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
#[serde(deny_unknown_fields, default)]
pub struct MoraleParams {
    /// Morale lost per unit fraction of strength lost: Δm = −k × losses / personnel.
    /// Default 1.5 (assumed: losing 10% in an engagement costs 0.15 morale).
    pub loss_sensitivity: f64,
    /// Morale lost per day with no supply. Default 0.05/day (assumed).
    pub out_of_supply_per_day: f64,
    /// Morale lost per day cut off from every supply source of the faction. Default 0.05/day.
    pub encircled_per_day: f64,
    /// Morale recovered per day toward the unit's starting morale when not fighting and
    /// supplied. Default 0.03/day (assumed).
    pub recovery_per_day: f64,
    /// Morale shock to the losing side's units when a key place falls, at distance 0.
    /// Default 0.15 (assumed; see calibration: the cascade that made Goma fall in days).
    pub key_place_shock: f64,
    /// Shock of an ordinary place's fall, as a share of `key_place_shock`. Default 0.25.
    pub minor_place_share: f64,
    /// Shock to allied units when a unit breaks nearby, at distance 0. Default 0.05 (assumed).
    pub rout_shock: f64,
    /// Radius of a rout's shock, km: it falls linearly to 0 at this distance. Default 25 km
    /// (assumed: news of a rout reaches the neighbouring positions).
    pub rout_radius_km: f64,
    /// Radius of a place's fall's shock, km: it falls linearly to 0 at this distance.
    /// Default 60 km (assumed: a provincial front).
    pub shock_radius_km: f64,
    /// Share of a shock received as a boost by the winning side. Default 0.5 (assumed).
    pub victory_share: f64,
    /// A broken unit that has reached safety rallies (returns to `Defend`) once its morale
    /// is back above this. Default 0.4 (assumed).
    pub rally_threshold: f64,
}

impl Default for MoraleParams {
    fn default() -> Self {
        Self {
            loss_sensitivity: 1.5,
            out_of_supply_per_day: 0.05,
            encircled_per_day: 0.05,
            recovery_per_day: 0.03,
            key_place_shock: 0.15,
            minor_place_share: 0.25,
            rout_shock: 0.05,
            rout_radius_km: 25.0,
            shock_radius_km: 60.0,
            victory_share: 0.5,
            rally_threshold: 0.4,
        }
    }
}
