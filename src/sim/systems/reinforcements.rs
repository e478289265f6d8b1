//! Scripted reinforcements: units that enter the theatre on their arrival day.

use bevy_ecs::prelude::*;

use crate::sim::components::{Position, Readiness, Strength, Unit};
use crate::sim::messages::ReinforcementArrived;
use crate::sim::resources::Clock;

/// Activate every pending unit whose arrival tick has come.
pub fn arrive_reinforcements(
    clock: Res<Clock>,
    mut units: Query<(&Unit, &mut Readiness, &Position, &Strength)>,
    mut arrived: MessageWriter<ReinforcementArrived>,
) {
    for (unit, mut readiness, position, strength) in &mut units {
        if let Readiness::Pending { arrival_tick } = *readiness
            && arrival_tick <= clock.tick
        {
            *readiness = Readiness::Active;
            arrived.write(ReinforcementArrived {
                unit: unit.index,
                place: position.nearest_place(),
                personnel: strength.personnel,
            });
        }
    }
}
