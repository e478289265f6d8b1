//! The simulation: a `bevy_ecs` world of places, routes and units, advanced tick by tick by a
//! fixed, single-threaded schedule of systems.

pub mod components;
pub mod messages;
pub mod nearby;
pub mod pathing;
pub mod politics;
pub mod relations;
pub mod resources;
pub mod rng;
pub mod spawn;
pub mod systems;

use bevy_ecs::message::message_update_system;
use bevy_ecs::schedule::{
    IntoScheduleConfigs, LogLevel, Schedule, ScheduleBuildSettings, SingleThreadedExecutor,
    SystemSet,
};

pub use spawn::{build_theatre, build_world};

/// The systems that advance one tick, in order.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct SimulationSystems;

/// The schedule of one tick: every system in a fixed order on the single-threaded executor.
///
/// `ambiguity` sets what happens if two systems touching the same data had no order between
/// them (a determinism bug); tests build with [`LogLevel::Error`].
pub fn build_schedule(ambiguity: LogLevel) -> Schedule {
    let mut schedule = Schedule::default();
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.set_build_settings(ScheduleBuildSettings {
        ambiguity_detection: ambiguity,
        ..Default::default()
    });
    schedule.add_systems(
        (
            (
                systems::fire_events,
                systems::arrive_reinforcements,
                systems::direct_campaigns,
                systems::issue_orders,
                systems::move_units,
                systems::fly_sorties,
                systems::resolve_engagements,
                systems::update_control,
                systems::seize_depots,
                systems::recruit_in_held_places,
                systems::exchange_cross_border_fire,
                systems::distribute_supply,
                systems::displace_civilians,
                systems::update_morale,
                systems::hand_over_at_bases,
            )
                .chain(),
            (
                systems::expose_covert_forces,
                systems::turn_triggers_into_pressure,
                systems::decide_state_policies,
                systems::mediate_ceasefires,
                systems::climb_escalation_ladder,
                systems::record_tick,
                systems::check_end_conditions,
                systems::advance_clock,
                message_update_system,
            )
                .chain(),
        )
            .chain()
            .in_set(SimulationSystems),
    );
    schedule
}
