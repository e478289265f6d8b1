//! Civilians: people flee danger along routes to safer places (camps and other countries
//! first), are killed in fighting at inhabited places, and go hungry where routes are cut.
//!
//! See docs/MODEL.md, "Civilians".

use bevy_ecs::prelude::*;

use crate::scenario::PlaceKind;
use crate::sim::components::{Place, Population};
use crate::sim::messages::Logged;
use crate::sim::pathing::hours_from;
use crate::sim::politics::Tallies;
use crate::sim::resources::{CivilianSupply, Clock, ControlMap, EventKind, SimParams, Theatre};

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
    let fights_next_door: Vec<Vec<usize>> = (0..n)
        .map(|p| {
            theatre.adjacency[p]
                .iter()
                .filter(|&&(r, q)| control.contested[q] && theatre.routes[r].km <= c.near_fight_km)
                .map(|&(_, q)| q)
                .collect()
        })
        .collect();
    let near_fight: Vec<bool> = fights_next_door.iter().map(|q| !q.is_empty()).collect();
    let soldiers: Vec<f64> = (0..n)
        .map(|p| {
            let next_door: f64 = fights_next_door[p]
                .iter()
                .map(|&q| f64::from(control.personnel[q]))
                .sum();
            f64::from(control.personnel[p]) + next_door
        })
        .collect();
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
    let mut moves = Vec::new();
    for p in 0..n {
        let r = rate(p, &before[p]);
        if r <= 0.0 || before[p].present() <= 0.0 {
            continue;
        }
        let hours = hours_from(theatre, p, |q| !control.contested[q], c.flight_reach_hours);
        let destination = (0..n)
            .filter(|&q| q != p && hours[q].is_finite() && calm(q))
            .map(|q| {
                let info = &theatre.places[q];
                let preferred =
                    info.kind == PlaceKind::Camp || info.country != theatre.places[p].country;
                let weight = if preferred { c.camp_preference } else { 1.0 };
                (hours[q] * weight, q)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .map(|(_, q)| q);
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
    for (p, pop) in people.iter_mut().enumerate() {
        pop.fleeing = moves.iter().any(|&(from, ..)| from == p);
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
