//! Many runs of one scenario in parallel (rayon), each reduced to what the caller keeps.
//!
//! Run `k` of an ensemble with master seed `S` uses seed `derive_seed(S, k)`, so that it is the
//! same run whatever the number of threads, and results come back in run order.

use rayon::prelude::*;

use super::one::{RunOptions, run_loaded};
use super::record::RunRecord;
use crate::error::Result;
use crate::scenario::LoadedScenario;
use crate::scenario::uncertain::derive_seed;

/// The seed of run `k` of an ensemble with master seed `master`.
pub fn run_seed(master: u64, k: u64) -> u64 {
    derive_seed(master, k.wrapping_add(1_000_000))
}

/// Run `runs` seeded runs of `loaded` (days: `days` or the scenario's), reduce each record with
/// `keep`, and return the results in run order. Uses rayon's global pool.
pub fn run_ensemble<T: Send>(
    loaded: &LoadedScenario,
    master: u64,
    runs: u64,
    days: Option<f64>,
    keep: impl Fn(u64, RunRecord) -> T + Sync,
) -> Result<Vec<T>> {
    (0..runs)
        .into_par_iter()
        .map(|k| {
            let seed = run_seed(master, k);
            let record = run_loaded(loaded, RunOptions { seed, days })?;
            Ok(keep(k, record))
        })
        .collect()
}
