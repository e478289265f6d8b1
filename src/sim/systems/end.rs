//! End conditions and the clock: stop at the day limit, on a capture, or when a side breaks.

use bevy_ecs::prelude::*;

use crate::sim::components::{Condition, Readiness, Unit};
use crate::sim::messages::PlaceCaptured;
use crate::sim::resources::*;

/// Check the scenario's end conditions and the day limit; mark the run ended if one holds.
pub fn check_end_conditions(
    theatre: Res<Theatre>,
    rules: Res<EndRules>,
    clock: Res<Clock>,
    mut captures: MessageReader<PlaceCaptured>,
    units: Query<(&Unit, &Readiness, &Condition)>,
    mut status: ResMut<RunStatus>,
    mut log: ResMut<RunLog>,
) {
    let captures: Vec<&PlaceCaptured> = captures.read().collect();
    let mut reason = None;
    for rule in &rules.conditions {
        reason = match *rule {
            EndRule::PlaceCaptured { place, by } => captures
                .iter()
                .find(|c| {
                    c.place == place
                        && match by {
                            None => true,
                            Some(Captor::Faction(f)) => c.by == f,
                            Some(Captor::Side(s)) => theatre.factions[c.by].side == s,
                        }
                })
                .map(|c| EndReason::PlaceCaptured { place, by: c.by }),
            EndRule::SideBroken { side } => {
                let mut of_side = units.iter().filter(|(u, ..)| u.side == side).peekable();
                let any = of_side.peek().is_some();
                let all_broken = of_side.all(|(_, readiness, condition)| match readiness {
                    Readiness::Out | Readiness::Withdrawn => true,
                    Readiness::Active => condition.broken,
                    Readiness::Pending { .. } | Readiness::Held => false,
                });
                (any && all_broken).then_some(EndReason::SideBroken { side })
            }
        };
        if reason.is_some() {
            break;
        }
    }
    if reason.is_none() && clock.tick + 1 >= clock.total_ticks {
        reason = Some(EndReason::DayLimit {
            days: clock.hours_at_end_of_tick() / 24.0,
        });
    }
    if let Some(reason) = reason {
        log.events.push(LoggedEvent {
            hours: clock.hours_at_end_of_tick(),
            kind: EventKind::End,
            text: describe_end(&theatre, &reason),
        });
        status.ended = Some(reason);
    }
}

/// The reason a run ended, in words.
pub fn describe_end(theatre: &Theatre, reason: &EndReason) -> String {
    match *reason {
        EndReason::DayLimit { days } => format!("day limit reached ({days:.0} days)"),
        EndReason::PlaceCaptured { place, by } => format!(
            "{} captured by {}",
            theatre.places[place].name, theatre.factions[by].name
        ),
        EndReason::SideBroken { side } => format!("side `{}` broken", theatre.sides[side]),
    }
}

/// Move the clock to the next tick and close this tick's tallies.
pub fn advance_clock(mut clock: ResMut<Clock>, mut tallies: ResMut<crate::sim::politics::Tallies>) {
    clock.tick += 1;
    tallies.close_tick();
}
