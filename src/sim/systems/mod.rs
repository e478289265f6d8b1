//! The systems, one file per concern, run in a fixed order each tick.

pub mod combat;
pub mod control;
pub mod end;
pub mod morale;
pub mod movement;
pub mod orders;
pub mod record;
pub mod reinforcements;
pub mod supply;

pub use combat::resolve_engagements;
pub use control::update_control;
pub use end::{advance_clock, check_end_conditions};
pub use morale::update_morale;
pub use movement::move_units;
pub use orders::issue_orders;
pub use record::{record_start, record_tick};
pub use reinforcements::arrive_reinforcements;
pub use supply::distribute_supply;
