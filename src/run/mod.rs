//! Running scenarios: one (scenario, seed) to a [`RunRecord`], with no I/O.

pub mod calibrate;
pub mod daily;
pub mod ensemble;
pub mod experiment;
pub mod expr;
pub mod hindcast;
pub mod metrics;
pub mod one;
pub mod ranges;
pub mod record;
pub mod sensitivity;
pub mod statistic;
pub mod stats;
pub mod sweep;

pub use one::{RunOptions, run_loaded, run_one};
pub use record::RunRecord;

/// Most model runs one command makes (`--runs`, and sweep points × runs, compared scenarios ×
/// runs, a sensitivity design's runs), sharded or not: about twelve minutes on two cores for the
/// Goma scenario, and an ensemble's digests in a few gigabytes at most.
pub const MAX_RUNS: u64 = 1_000_000;

/// Refuse `total` model runs unless 1 ≤ `total` ≤ [`MAX_RUNS`]; `what` says how the total is
/// made (`"--runs"`, `"--runs × points"`).
pub fn check_runs(total: u64, what: &str) -> crate::error::Result<()> {
    if (1..=MAX_RUNS).contains(&total) {
        return Ok(());
    }
    Err(crate::error::Error::Usage(format!(
        "{what} is {total}: it must be between 1 and 1,000,000 model runs"
    )))
}
