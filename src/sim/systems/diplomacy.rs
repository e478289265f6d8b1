//! Diplomacy: covert forces are exposed; actors turn triggers into attention, climb their
//! ladders of instruments, and put pressure on their target states.
//!
//! See docs/MODEL.md, "Diplomacy".

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::sim::components::{
    Attention, DiplomaticActor, Readiness, StateActorTag, StatePolicy, Strength, Unit,
};
use crate::sim::messages::Logged;
use crate::sim::politics::{PoliticalStatus, Politics, Tallies};
use crate::sim::resources::{Clock, EventKind, SimParams, Theatre};
use crate::sim::rng::{StreamKind, Streams};

/// Each covert force (`claims_territory: false`) not yet exposed may be exposed this tick,
/// the more likely the more of its troops are in the theatre.
pub fn expose_covert_forces(
    theatre: Res<Theatre>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    mut streams: ResMut<Streams>,
    units: Query<(&Unit, &Readiness, &Strength)>,
    mut tallies: ResMut<Tallies>,
    mut status: ResMut<PoliticalStatus>,
    mut log: MessageWriter<Logged>,
) {
    let rate = params.0.diplomacy.exposure_per_1000_per_day;
    for (f, faction) in theatre.factions.iter().enumerate() {
        if faction.claims_territory || tallies.exposed[f] {
            continue;
        }
        let personnel: u32 = units
            .iter()
            .filter(|(u, r, _)| u.faction == f && **r == Readiness::Active)
            .map(|(_, _, s)| s.personnel)
            .sum();
        if personnel == 0 {
            continue;
        }
        let p = 1.0 - (-rate * f64::from(personnel) / 1000.0 * clock.dt_days()).exp();
        let rng = streams.get(StreamKind::Exposure, f, &faction.id);
        if rng.random::<f64>() < p {
            tallies.exposed[f] = true;
            tallies.tick.covert_exposures += 1.0;
            status.exposures.push((clock.hours_at_end_of_tick(), f));
            log.write(Logged {
                kind: EventKind::Exposure,
                text: format!(
                    "{} troops in the theatre are exposed ({personnel} personnel)",
                    faction.name
                ),
            });
        }
    }
}

/// Attention gained this tick by an actor: the weighted triggers, damped by closeness.
fn attention_gained(politics: &Politics, actor: usize, tallies: &Tallies) -> f64 {
    let a = &politics.actors[actor];
    let w = &a.weights;
    let t = &tallies.tick;
    let raw = w.peacekeepers_killed * t.peacekeepers_killed
        + w.city_captured
            * tallies
                .captured_millions
                .get(a.target)
                .copied()
                .unwrap_or(0.0)
        + w.civilian_deaths * t.civilian_deaths / 100.0
        + w.displaced * t.displaced / 100_000.0
        + w.covert_exposure * t.covert_exposures
        + w.ceasefire_broken * t.ceasefires_broken
        + w.rupture * t.ruptures
        + w.cross_border_fire * t.cross_border_fire;
    raw * (1.0 - a.closeness).clamp(0.0, 1.0)
}

/// Update every actor's attention and ladder, then the pressure on every state.
pub fn turn_triggers_into_pressure(
    politics: Res<Politics>,
    clock: Res<Clock>,
    tallies: Res<Tallies>,
    mut actors: Query<(&DiplomaticActor, &mut Attention)>,
    mut states: Query<(&StateActorTag, &mut StatePolicy)>,
    mut status: ResMut<PoliticalStatus>,
    mut log: MessageWriter<Logged>,
) {
    let dt = clock.dt_days();
    let hours = clock.hours_at_end_of_tick();
    for (actor, mut attention) in &mut actors {
        let spec = &politics.actors[actor.index];
        attention.value = attention.value * (-spec.decay_per_day * dt).exp()
            + attention_gained(&politics, actor.index, &tallies);
        loop {
            let next = attention.level.map_or(0, |l| l + 1);
            match spec.ladder.get(next) {
                Some(step) if attention.value >= step.attention => {
                    attention.level = Some(next);
                    status.instruments_used.push((hours, actor.index, next));
                    log.write(Logged {
                        kind: EventKind::Diplomacy,
                        text: format!(
                            "{}: {} (pressure on {})",
                            spec.name,
                            step.instrument.words(),
                            politics.states[spec.target].name
                        ),
                    });
                }
                _ => break,
            }
        }
        let in_force = |i: usize| {
            let step = &spec.ladder[i];
            step.instrument.binding() || attention.value >= 0.5 * step.attention
        };
        let pressure: f64 = attention.level.map_or(0.0, |l| {
            (0..=l)
                .filter(|&i| in_force(i))
                .map(|i| spec.ladder[i].pressure)
                .sum()
        });
        status.attention[actor.index] = attention.value;
        status.level[actor.index] = attention.level;
        status.pressure_from[actor.index] = pressure;
    }
    let mut on = vec![0.0; politics.states.len()];
    for (a, spec) in politics.actors.iter().enumerate() {
        on[spec.target] += status.pressure_from[a];
    }
    for (state, mut policy) in &mut states {
        policy.pressure = on[state.index];
    }
    status.pressure_on = on;
}
