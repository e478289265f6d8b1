//! Command-line definitions (clap derive) — no logic here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::run::ensemble::Shard;
use crate::run::sweep::Vary;
use crate::scenario::Override;

/// strife: a conflict escalation simulation engine.
///
/// Run a RON scenario and get tables and plots; validate scenario files.
#[derive(Debug, Parser)]
#[command(name = "strife", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario once and write tables, a summary and plots.
    Run(RunArgs),
    /// Load and check scenario files without running them.
    Validate(ValidateArgs),
    /// Run several scenarios with common random numbers and compare their outcomes.
    Compare(CompareArgs),
    /// Run an ensemble at every point of a grid of values and chart one metric.
    Sweep(SweepArgs),
    /// List the metrics `sweep` can chart (all of a scenario's, if one is given).
    Metrics(MetricsArgs),
    /// Combine the shards of an ensemble (`run --runs N --shard I/N`) into its outputs.
    Merge(MergeArgs),
}

/// Arguments of `strife merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard folders, each holding a `shard.json`.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Output folder (default: `output/<scenario file name>-ensemble/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing ensemble, comparison or sweep result in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `strife sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario or what-if file.
    pub scenario: PathBuf,
    /// An axis: `PATH=START:END:STEP` or `PATH=V1,V2,...` (one or two).
    #[arg(long, value_name = "PATH=RANGE", required = true)]
    pub vary: Vec<Vary>,
    /// The metric to chart (see `strife metrics`).
    #[arg(long)]
    pub metric: String,
    /// Runs per point; every point uses the same seeds.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub runs: u64,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "J")]
    pub jobs: Option<usize>,
    /// Day limit (default: the scenario's `duration_days`).
    #[arg(long, allow_negative_numbers = true)]
    pub days: Option<f64>,
    /// Change a field at every point: `PATH=VALUE` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Output folder (default: `output/<scenario file name>-sweep/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing ensemble, comparison or sweep result in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `strife metrics`.
#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// A scenario whose places and factions name the metrics.
    pub scenario: Option<PathBuf>,
}

/// Arguments of `strife compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario or what-if files; the first is the baseline.
    #[arg(required = true, num_args = 2..)]
    pub scenarios: Vec<PathBuf>,
    /// Runs per scenario. Run k of every scenario uses the same seed.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub runs: u64,
    /// Master seed (default: the baseline's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "J")]
    pub jobs: Option<usize>,
    /// Day limit (default: each scenario's `duration_days`).
    #[arg(long, allow_negative_numbers = true)]
    pub days: Option<f64>,
    /// Change a field of every scenario: `PATH=VALUE` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Output folder (default: `output/compare-<first>-<second>...`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing ensemble, comparison or sweep result in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `strife run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (.ron).
    pub scenario: PathBuf,
    /// Random seed (default: the scenario's `seed`); with `--runs`, the master seed from which
    /// each run's seed is derived.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Run an ensemble of N seeded runs in parallel and write probabilities and quantiles
    /// (default output: `output/<scenario file name>-ensemble/`).
    #[arg(long, value_name = "N")]
    pub runs: Option<u64>,
    /// Threads for an ensemble (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "J")]
    pub jobs: Option<usize>,
    /// Run only shard I of N of the ensemble (a contiguous block of its runs) and write
    /// `shard.json`; `strife merge` combines the shards.
    #[arg(long, value_name = "I/N", requires = "runs")]
    pub shard: Option<Shard>,
    /// Output folder (default: `output/<scenario file name>/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Day limit (default: the scenario's `duration_days`).
    #[arg(long, allow_negative_numbers = true)]
    pub days: Option<f64>,
    /// Replace an existing ensemble, comparison or sweep result in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Change a field: `PATH=VALUE`, e.g. `units.rdf_north.personnel=6000`,
    /// `params.combat.defender_base_rate=0.02`, `places.goma.population=Uniform(min: 1e6, max: 2e6)`.
    /// Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
}

/// Arguments of `strife validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files (.ron).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
}
