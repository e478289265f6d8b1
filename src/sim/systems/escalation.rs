//! Escalation: fire across borders next to a sanctuary, and the escalation ladder's rung.
//!
//! See docs/MODEL.md, "Escalation".

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::scenario::RouteKind;
use crate::sim::components::{Place, Population};
use crate::sim::messages::Logged;
use crate::sim::politics::*;
use crate::sim::resources::{Clock, ControlMap, EventKind, SimParams, Theatre};
use crate::sim::rng::{StreamKind, Streams};

/// Where a fight stands across a border from another side's sanctuary, fire may cross it and
/// kill civilians there.
pub fn exchange_cross_border_fire(
    theatre: Res<Theatre>,
    control: Res<ControlMap>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    mut streams: ResMut<Streams>,
    mut tallies: ResMut<Tallies>,
    mut places: Query<(&Place, &mut Population)>,
    mut log: MessageWriter<Logged>,
) {
    let d = &params.0.diplomacy;
    let p_fire = 1.0 - (-d.cross_border_fire_per_day * clock.dt_days()).exp();
    for (sanctuary, info) in theatre.places.iter().enumerate() {
        if !info.sanctuary {
            continue;
        }
        let fight = theatre.adjacency[sanctuary].iter().find(|&&(route, next)| {
            theatre.routes[route].kind == RouteKind::Border && control.contested[next]
        });
        let Some(&(_, front)) = fight else {
            continue;
        };
        let rng = streams.get(StreamKind::CrossBorderFire, sanctuary, &info.id);
        if rng.random::<f64>() >= p_fire {
            continue;
        }
        let mut killed = 0.0;
        for (place, mut population) in &mut places {
            if place.index == sanctuary && population.present() > 0.0 {
                killed = d.cross_border_deaths.min(population.present());
                let share = killed / population.present();
                population.residents -= population.residents * share;
                population.displaced_here -= population.displaced_here * share;
                population.refugees_here -= population.refugees_here * share;
                population.dead += killed;
                population.killed += killed;
            }
        }
        tallies.tick.cross_border_fire += 1.0;
        tallies.tick.civilian_deaths += killed;
        log.write(Logged {
            kind: EventKind::CrossBorderFire,
            text: format!(
                "fire from the fighting at {} falls on {}: {killed:.0} civilians killed",
                theatre.places[front].name, info.name
            ),
        });
    }
}

/// The current rung: the highest whose condition holds now, or held before if it is sticky.
pub fn climb_escalation_ladder(
    politics: Res<Politics>,
    theatre: Res<Theatre>,
    control: Res<ControlMap>,
    clock: Res<Clock>,
    tallies: Res<Tallies>,
    status: Res<PoliticalStatus>,
    ceasefires: Res<Ceasefires>,
    fired: Res<EventsFired>,
    mut escalation: ResMut<EscalationState>,
    mut log: MessageWriter<Logged>,
) {
    let view = View {
        clock: &clock,
        theatre: &theatre,
        control: &control,
        tallies: &tallies,
        status: &status,
        ceasefires: &ceasefires,
        fired: &fired,
        politics: &politics,
    };
    let mut current = None;
    for (i, (_, cond, sticky)) in politics.rungs.iter().enumerate() {
        let holds = view.holds(cond);
        if holds {
            escalation.reached[i] = true;
        }
        if holds || (*sticky && escalation.reached[i]) {
            current = Some(i);
        }
    }
    escalation.current = current;
    if let Some(rung) = current
        && escalation.highest.is_none_or(|(h, _)| rung > h)
    {
        escalation.highest = Some((rung, clock.hours_at_end_of_tick()));
        log.write(Logged {
            kind: EventKind::Escalation,
            text: format!("escalation: {} (rung {})", politics.rungs[rung].0, rung + 1),
        });
    }
}
