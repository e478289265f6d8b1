//! Growth and capture (issue 14, "Recruitment and capture"): factions recruit among the
//! residents of the places they hold, up to a cap; a captor takes the stocks and equipment of a
//! depot it captures.
//!
//! See docs/MODEL.md, "Recruitment" and "Captured depots", for the rules and their parameters.

use std::collections::HashMap;

use bevy_ecs::prelude::*;

use crate::scenario::Scenario;
use crate::sim::components::{
    Casualties, Condition, Place, Population, Position, Readiness, Strength, Supply, Unit,
};
use crate::sim::messages::{Logged, PlaceCaptured};
use crate::sim::resources::{Clock, ControlMap, EventKind, SimParams, Theatre};

/// A faction's recruitment, resolved.
#[derive(Debug, Clone)]
pub struct RecruitSpec {
    /// Recruits per resident per day.
    pub per_resident_per_day: f64,
    /// Personnel at which it stops, persons.
    pub cap: f64,
    /// Places where it recruits (`None`: every place it holds).
    pub places: Option<Vec<bool>>,
}

/// What growth and capture keep between ticks.
#[derive(Resource, Debug, Clone, Default)]
pub struct Growth {
    /// Recruitment by faction index.
    pub recruitment: Vec<Option<RecruitSpec>>,
    /// Recruits owed but not yet whole, by faction then place.
    pub owed: Vec<Vec<f64>>,
    /// Stocks held at each place, tonnes.
    pub stocks_t: Vec<f64>,
    /// Usable equipment at each place, soldier-equivalents of firepower 1.
    pub equipment: Vec<f64>,
}

impl Growth {
    /// Resolve the scenario's recruitment and depots (`places` maps place ids to indices).
    pub fn new(scenario: &Scenario, places: &HashMap<&str, usize>) -> Self {
        let n = scenario.places.len();
        let recruitment = scenario
            .factions
            .iter()
            .map(|f| {
                f.recruitment.as_ref().map(|r| RecruitSpec {
                    per_resident_per_day: r.per_1000_residents_per_day / 1000.0,
                    cap: r.cap,
                    places: (!r.places.is_empty()).then(|| {
                        let mut listed = vec![false; n];
                        for id in &r.places {
                            if let Some(&p) = places.get(id.as_str()) {
                                listed[p] = true;
                            }
                        }
                        listed
                    }),
                })
            })
            .collect();
        let depot = |f: fn(&crate::scenario::Depot) -> f64| {
            scenario
                .places
                .iter()
                .map(|p| p.depot.as_ref().map_or(0.0, f))
                .collect()
        };
        Self {
            recruitment,
            owed: vec![vec![0.0; n]; scenario.factions.len()],
            stocks_t: depot(|d| d.stocks_t),
            equipment: depot(|d| d.equipment),
        }
    }
}

/// Recruit in the places each recruiting faction holds: `rate × residents × dt` recruits a
/// tick, kept as a fraction until whole, joining the faction's first unbroken unit standing
/// there (by scenario order), until the faction's personnel reach its cap. Recruits leave the
/// residents.
#[allow(clippy::type_complexity)]
pub fn recruit_in_held_places(
    control: Res<ControlMap>,
    clock: Res<Clock>,
    growth: ResMut<Growth>,
    mut units: Query<(
        Entity,
        &Unit,
        &Readiness,
        &Position,
        &Condition,
        &mut Strength,
        &mut Casualties,
    )>,
    mut places: Query<(&Place, &mut Population)>,
) {
    if growth.recruitment.iter().all(Option::is_none) {
        return;
    }
    let growth = growth.into_inner();
    let dt = clock.dt_days();
    // Personnel by faction (units in the theatre), and the unit each faction's recruits join
    // at each place: its first unbroken one there.
    let mut personnel = vec![0.0; growth.recruitment.len()];
    let mut joins: Vec<(usize, usize, usize, Entity)> = Vec::new();
    for (entity, unit, readiness, position, condition, strength, _) in &units {
        if *readiness != Readiness::Active {
            continue;
        }
        personnel[unit.faction] += f64::from(strength.personnel);
        if let Position::At(place) = *position
            && growth.recruitment[unit.faction].is_some()
            && control.controller[place] == unit.faction
            && !condition.broken
            && !condition.out_of_the_fight()
        {
            joins.push((unit.faction, place, unit.index, entity));
        }
    }
    // One unit per (faction, place): the first in scenario order; places in index order.
    joins.sort_unstable_by_key(|&(f, p, u, _)| (p, f, u));
    joins.dedup_by_key(|j| (j.0, j.1));
    if joins.is_empty() {
        return;
    }
    let mut residents: HashMap<usize, Mut<Population>> = places
        .iter_mut()
        .filter(|(place, _)| joins.iter().any(|j| j.1 == place.index))
        .map(|(place, pop)| (place.index, pop))
        .collect();
    for (faction, place, _, entity) in joins {
        let Some(spec) = &growth.recruitment[faction] else {
            continue;
        };
        if spec.places.as_ref().is_some_and(|listed| !listed[place]) {
            continue;
        }
        let Some(pop) = residents.get_mut(&place) else {
            continue;
        };
        let owed = &mut growth.owed[faction][place];
        *owed += spec.per_resident_per_day * pop.residents.max(0.0) * dt;
        let room = (spec.cap - personnel[faction]).max(0.0).floor();
        let whole = owed.floor().min(room).min(pop.residents.max(0.0).floor());
        if room <= 0.0 {
            // At the cap: recruits are not banked for later.
            *owed = 0.0;
            continue;
        }
        if whole < 1.0 {
            continue;
        }
        *owed -= whole;
        let Ok((.., mut strength, mut casualties)) = units.get_mut(entity) else {
            continue;
        };
        let n = whole as u32;
        strength.personnel += n;
        // Recruits are on the payroll too: paper strength never falls below the present.
        strength.paper += n;
        strength.reference += n;
        casualties.recruited += n;
        pop.residents -= whole;
        pop.recruited += whole;
        personnel[faction] += whole;
    }
}

/// A captor takes a captured place's depot: its unbroken units there (and its allies') refill
/// their supply from the stocks, up to the supply ceiling, and put its equipment to use, their
/// firepower rising so that their combined personnel × firepower grows by the equipment's
/// soldier-equivalents. Stocks not carried off stay for the next holder.
#[allow(clippy::type_complexity)]
pub fn seize_depots(
    theatre: Res<Theatre>,
    control: Res<ControlMap>,
    params: Res<SimParams>,
    mut growth: ResMut<Growth>,
    mut captures: MessageReader<PlaceCaptured>,
    mut units: Query<(
        &Unit,
        &Readiness,
        &Position,
        &Condition,
        &mut Strength,
        &mut Supply,
    )>,
    mut log: MessageWriter<Logged>,
) {
    let supply = &params.0.supply;
    for capture in captures.read() {
        let place = capture.place;
        let (stocks, equipment) = (growth.stocks_t[place], growth.equipment[place]);
        if stocks <= 0.0 && equipment <= 0.0 {
            continue;
        }
        let takes = |unit: &Unit, readiness: &Readiness, position: &Position, c: &Condition| {
            *readiness == Readiness::Active
                && *position == Position::At(place)
                && !unit.peacekeeper
                && !c.broken
                && !c.out_of_the_fight()
                && control.relations.allied(unit.faction, capture.by)
        };
        let kg = supply.consumption_kg_per_person_day.max(1e-9);
        let (mut wanted_t, mut power) = (0.0, 0.0);
        for (unit, readiness, position, condition, strength, held) in &units {
            if takes(unit, readiness, position, condition) {
                let p = f64::from(strength.personnel);
                wanted_t += (supply.max_days - held.days).max(0.0) * p * kg / 1000.0;
                power += p * strength.firepower;
            }
        }
        if power <= 0.0 {
            continue;
        }
        let share = if wanted_t > 0.0 {
            (stocks / wanted_t).min(1.0)
        } else {
            0.0
        };
        let factor = (power + equipment) / power;
        for (unit, readiness, position, condition, mut strength, mut held) in &mut units {
            if takes(unit, readiness, position, condition) {
                held.days += (supply.max_days - held.days).max(0.0) * share;
                strength.firepower *= factor;
            }
        }
        let used = wanted_t * share;
        growth.stocks_t[place] = (stocks - used).max(0.0);
        growth.equipment[place] = 0.0;
        log.write(Logged {
            kind: EventKind::Capture,
            text: format!(
                "{} takes the depot at {}: {:.0} t of stocks, firepower x{:.2}",
                theatre.factions[capture.by].name, theatre.places[place].name, used, factor
            ),
        });
    }
}
