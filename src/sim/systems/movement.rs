//! Movement along routes at the unit's speed there, set by its mobility and the route's surface
//! (faster when withdrawing; docs/MODEL.md, "Movement").

use bevy_ecs::prelude::*;

use crate::scenario::Posture;
use crate::sim::components::{Orders, Position, Readiness, Unit};
use crate::sim::resources::{Clock, SimParams, Theatre};

/// Advance every moving unit at its mobility's speed on the route's surface, averaged over the
/// day; a unit that covers the route's length arrives at its end.
pub fn move_units(
    theatre: Res<Theatre>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    mut units: Query<(&Unit, &Readiness, &Orders, &mut Position)>,
) {
    for (unit, readiness, orders, mut position) in &mut units {
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
            let mobility = theatre
                .unit_mobility
                .get(unit.index)
                .copied()
                .unwrap_or_default();
            *km_done += info.speed_for(mobility) * speedup * clock.tick_hours;
            if *km_done >= info.km {
                *position = Position::At(to);
            }
        }
    }
}
