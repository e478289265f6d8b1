//! Movement along routes at the route's speed (faster when withdrawing).

use bevy_ecs::prelude::*;

use crate::scenario::Posture;
use crate::sim::components::{Orders, Position, Readiness};
use crate::sim::resources::{Clock, SimParams, Theatre};

/// Advance every moving unit; a unit that covers the route's length arrives at its end.
pub fn move_units(
    theatre: Res<Theatre>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    mut units: Query<(&Readiness, &Orders, &mut Position)>,
) {
    for (readiness, orders, mut position) in &mut units {
        if *readiness != Readiness::Active {
            continue;
        }
        if let Position::Moving {
            route,
            to,
            ref mut km_done,
            ..
        } = *position
        {
            let info = &theatre.routes[route];
            let speedup = if orders.posture == Posture::Withdraw {
                params.0.movement.withdraw_speedup
            } else {
                1.0
            };
            *km_done += info.speed_kmh * speedup * clock.tick_hours;
            if *km_done >= info.km {
                *position = Position::At(to);
            }
        }
    }
}
