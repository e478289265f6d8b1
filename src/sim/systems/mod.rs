//! The systems, one file per concern, run in a fixed order each tick.

pub mod ceasefire;
pub mod civilians;
pub mod combat;
pub mod command;
pub mod control;
pub mod cut_off;
pub mod diplomacy;
pub mod end;
pub mod escalation;
pub mod events;
pub mod morale;
pub mod movement;
pub mod orders;
pub mod record;
pub mod reinforcements;
pub mod states;
pub mod supply;

pub use ceasefire::mediate_ceasefires;
pub use civilians::displace_civilians;
pub use combat::resolve_engagements;
pub use command::direct_campaigns;
pub use control::update_control;
pub use cut_off::hand_over_at_bases;
pub use diplomacy::{expose_covert_forces, turn_triggers_into_pressure};
pub use end::{advance_clock, check_end_conditions};
pub use escalation::{climb_escalation_ladder, exchange_cross_border_fire};
pub use events::fire_events;
pub use morale::update_morale;
pub use movement::move_units;
pub use orders::issue_orders;
pub use record::{record_start, record_tick};
pub use reinforcements::arrive_reinforcements;
pub use states::decide_state_policies;
pub use supply::distribute_supply;
