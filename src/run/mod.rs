//! Running scenarios: one (scenario, seed) to a [`RunRecord`], with no I/O.

pub mod ensemble;
pub mod hindcast;
pub mod metrics;
pub mod one;
pub mod record;
pub mod sensitivity;
pub mod stats;
pub mod sweep;

pub use one::{RunOptions, run_loaded, run_one};
pub use record::RunRecord;
