//! Command-line definitions (clap derive) — no logic here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::run::ensemble::Shard;
use crate::run::sensitivity::{InputRange, Method};
use crate::run::statistic::Stat;
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
    /// Combine the shards of an ensemble (`run --runs N --shard I/N`) or of an experiment
    /// (`experiment D --shard I/N`) into its outputs.
    Merge(MergeArgs),
    /// Write a synthetic theatre of any size (for benchmarks and scale tests) as a scenario.
    Generate(GenerateArgs),
    /// List the shipped scenarios and what-ifs (`scenarios/`) with their descriptions.
    List(ListArgs),
    /// Write NAME.ron in the current folder: a commented scenario that validates and runs.
    New(NewArgs),
    /// Show a scenario as a tree: places, forces by side, routes, events, uncertain inputs.
    Explain(ExplainArgs),
    /// Print a shell completion script, e.g. `strife completions bash > ~/.local/share/bash-completion/completions/strife`.
    Completions(CompletionsArgs),
    /// Which uncertain inputs move a metric: Morris screening or Sobol' indices.
    Sensitivity(SensitivityArgs),
    /// Score an ensemble against what happened (CRPS, PIT, interval coverage).
    Hindcast(HindcastArgs),
    /// Fit uncertain inputs to what happened up to a date (ABC-SMC), forecast past it and
    /// score the forecast of the observations held out.
    Calibrate(CalibrateArgs),
    /// Go on with a fit spread over machines (`calibrate … --spread N`): simulate one shard of
    /// its next batch (`--shard K/N`), or fold the batch in and plan the next.
    CalibrateStep(CalibrateStepArgs),
    /// Run an experiment design file: uncertainties sampled over their ranges, policies, seeds;
    /// an experiments × outcomes table, a summary per policy and a report.
    Experiment(ExperimentArgs),
    /// Explore a scenario in the browser: sliders for its inputs, outcomes of an ensemble
    /// after each change, the map day by day, paired differences against a pinned baseline.
    Serve(ServeArgs),
}

/// Settings of the runs, shared by `run`, `compare` and `sweep`.
#[derive(Debug, Clone, Args)]
pub struct RunSettings {
    /// Random seed (default: the scenario's `seed`). For several runs it is the master seed:
    /// run k's seed is derived from it and k, the same for every scenario and every point.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Day limit (default: the scenario's `duration_days`).
    #[arg(long, allow_negative_numbers = true)]
    pub days: Option<f64>,
    /// Change a field: `PATH=VALUE`, e.g. `units.rdf_north.personnel=6000`,
    /// `params.combat.defender_base_rate=0.02`, `places.goma.population=Uniform(min: 1e6, max: 2e6)`,
    /// `seed=42`. Quote an id with a dot: `units."3.bde".personnel=900` (or `units["3.bde"]`).
    /// Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Threads for several runs, 1 to 1024 (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "J", value_parser = crate::commands::parse_jobs)]
    pub jobs: Option<usize>,
}

/// Where and how results are written, shared by every command that writes.
#[derive(Debug, Clone, Args)]
pub struct OutputSettings {
    /// Output folder (default: under `output/`, named after the scenario file, e.g.
    /// `output/goma_2025/`, `output/goma_2025-ensemble/`, `output/goma_2025-sweep/`,
    /// `output/compare-goma_2025-no_rdf/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace a result of another command, scenario or overrides in the output folder (the
    /// same command replaces its own result without it). Never replaces a folder strife did not
    /// write, a file, a device or a link.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors (no progress, no summary).
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary as JSON on stdout (what `summary.json` holds) instead of text, and no
    /// progress bar.
    #[arg(long)]
    pub json: bool,
    /// Which plots to draw: `none` (tables and the report only, the fastest), `png`, `svg` or
    /// `all` (PNG and SVG of every figure).
    #[arg(long, value_enum, default_value_t = crate::output::plot::Plots::All)]
    pub plots: crate::output::plot::Plots,
}

/// Arguments of `strife run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Scenario or what-if file (.ron).
    pub scenario: PathBuf,
    /// Run an ensemble of N seeded runs in parallel and write probabilities and quantiles
    /// (1 to 1,000,000 runs).
    #[arg(long, value_name = "N")]
    pub runs: Option<u64>,
    /// Run only shard I of N of the ensemble (a contiguous block of its runs) and write
    /// `shard.json`; `strife merge` combines the shards.
    #[arg(long, value_name = "I/N", requires = "runs")]
    pub shard: Option<Shard>,
    /// Run again, and rewrite the outputs and report, every time the scenario file changes
    /// (checked twice a second); a bad edit prints its errors and keeps watching. Ctrl-C ends.
    #[arg(long, conflicts_with = "shard")]
    pub watch: bool,
    /// Write the time series of every run of the ensemble to `series.parquet` (long format: run,
    /// seed, day, datetime, entity kind, entity, quantity, value, text): one sample a day
    /// (`daily`) or every sample (`tick`, 24× larger with hourly ticks).
    #[arg(
        long,
        value_enum,
        value_name = "EVERY",
        requires = "runs",
        conflicts_with = "shard"
    )]
    pub series: Option<crate::output::series::Resolution>,
    /// Table format: `csv` (the default), `parquet` (Snappy-compressed, typed columns) or
    /// `both`. An ensemble always writes `runs.parquet` beside `runs.csv`; `parquet` leaves the
    /// CSV out.
    #[arg(long, value_enum, default_value_t = crate::output::TableFormat::Csv)]
    pub format: crate::output::TableFormat,
    /// Settings of the runs.
    #[command(flatten)]
    pub run: RunSettings,
    /// Output settings.
    #[command(flatten)]
    pub output: OutputSettings,
}

/// Arguments of `strife compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario or what-if files; the first is the baseline.
    #[arg(required = true, num_args = 2..)]
    pub scenarios: Vec<PathBuf>,
    /// Runs per scenario. Run k of every scenario uses the same seed. At most 1,000,000 runs in
    /// all.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub runs: u64,
    /// Which statistic of each outcome a row compares: `mean` (the mean of the paired
    /// differences, run k against run k), `median`, `q10`, `q90` (the difference of the two
    /// scenarios' quantiles over the runs with a value, with a 90% paired bootstrap interval) or
    /// `p` (the difference of the shares of runs where the outcome happens: the place fell, the
    /// count is above zero). The share of runs behind each row is printed where not every run
    /// has a value.
    #[arg(long, value_enum, default_value_t = Stat::Mean)]
    pub stat: Stat,
    /// A metric to compare besides the usual outcomes: a built-in name or an expression such as
    /// `holds(m23, goma) @ day 30` (docs/METRICS.md). Repeat for several; each adds a row per
    /// scenario to the comparison.
    #[arg(long = "metric", value_name = "METRIC")]
    pub metrics: Vec<String>,
    /// Settings of the runs.
    #[command(flatten)]
    pub run: RunSettings,
    /// Output settings.
    #[command(flatten)]
    pub output: OutputSettings,
}

/// Arguments of `strife sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario or what-if file.
    pub scenario: PathBuf,
    /// An axis (one or two): `PATH=START:END:STEP`, `PATH=V1,V2,...` or `PATH=LO..HI` (five
    /// evenly spaced values, both ends included).
    #[arg(long, value_name = "PATH=RANGE", required = true)]
    pub vary: Vec<Vary>,
    /// The metric to chart (see `strife metrics`).
    #[arg(long)]
    pub metric: String,
    /// Which statistic of the metric each point shows: `mean` (over the runs with a value),
    /// `median`, `q10`, `q90` (quantiles over the runs with a value, with their exact 90%
    /// intervals) or `p` (the share of all runs where the metric's event happens: the place fell,
    /// the count is above zero). A `p_` metric always shows its share. The share of runs behind
    /// each point is printed beside it where not every run has a value.
    #[arg(long, value_enum, default_value_t = Stat::Mean)]
    pub stat: Stat,
    /// Runs per point; every point uses the same seeds. At most 1,000,000 runs in all (points ×
    /// runs).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub runs: u64,
    /// Settings of the runs.
    #[command(flatten)]
    pub run: RunSettings,
    /// Output settings.
    #[command(flatten)]
    pub output: OutputSettings,
}

/// Arguments of `strife sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario or what-if file.
    pub scenario: PathBuf,
    /// `morris` (screening: μ*, σ; r(k+1) runs) or `sobol` (first-order and total indices;
    /// N(k+2) runs).
    #[arg(long, value_enum, default_value_t = Method::Morris)]
    pub method: Method,
    /// The metric (see `strife metrics`). A `fall_day.PLACE` of a run where the place did not
    /// fall counts as the day limit.
    #[arg(long)]
    pub metric: String,
    /// Morris trajectories r (default 20) or Sobol' base rows N (default 256; a power of two
    /// suits the Sobol' sequence).
    #[arg(long, value_name = "N")]
    pub runs: Option<usize>,
    /// An input and its range: `PATH=LO..HI` (uniform), `PATH=START:END:STEP` or
    /// `PATH=V1,V2,...` (equally likely values) or `PATH=DISTRIBUTION`. Repeatable. Without
    /// `--input`, only these ranges are analysed.
    #[arg(long, value_name = "PATH=LO..HI")]
    pub vary: Vec<InputRange>,
    /// Analyse the scenario's uncertain inputs whose path matches PATTERN (`*` for any text,
    /// e.g. `units.rdf_*.personnel`). Repeatable. Default: all of them (unless `--vary`).
    #[arg(long, value_name = "PATTERN")]
    pub input: Vec<String>,
    /// Morris grid levels p (even).
    #[arg(long, value_name = "P", default_value_t = 4)]
    pub levels: usize,
    /// Runs per design point, with the same seeds at every point; their metric is averaged.
    #[arg(long, value_name = "R", default_value_t = 1)]
    pub replicates: u64,
    /// Bootstrap resamples for the 90% intervals.
    #[arg(long, value_name = "B", default_value_t = 500)]
    pub bootstrap: usize,
    /// Settings of the runs.
    #[command(flatten)]
    pub run: RunSettings,
    /// Output settings.
    #[command(flatten)]
    pub output: OutputSettings,
}

/// Arguments of `strife hindcast`.
#[derive(Debug, Args)]
pub struct HindcastArgs {
    /// Scenario or what-if file.
    pub scenario: PathBuf,
    /// What happened: a CSV file with the header `kind,subject,detail,date,value,source`
    /// (see `scenarios/observed/goma_2025.csv` and docs/ANALYSIS.md).
    #[arg(long, value_name = "FILE.csv")]
    pub observed: PathBuf,
    /// Runs of the ensemble (1 to 1,000,000).
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub runs: u64,
    /// Settings of the runs.
    #[command(flatten)]
    pub run: RunSettings,
    /// Output settings.
    #[command(flatten)]
    pub output: OutputSettings,
}

/// Arguments of `strife calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Scenario or what-if file.
    pub scenario: PathBuf,
    /// What happened: a CSV file as `strife hindcast` reads it (docs/ANALYSIS.md).
    #[arg(long, value_name = "FILE.csv")]
    pub observed: PathBuf,
    /// Fit only the observations dated up to this day (YYYY-MM-DD); score the later ones, held
    /// out, on the forecast. Default: the date two thirds of the way through the observations'
    /// dates, so that about a third is held out.
    #[arg(long, value_name = "DATE")]
    pub until: Option<chrono::NaiveDate>,
    /// Fit the scenario's uncertain inputs whose path matches PATTERN (`*` for any text).
    /// Repeatable. Default: every continuous one (unless `--vary`); a discrete one (`Choice`,
    /// `Joint`) is then drawn in each run, not fitted.
    #[arg(long, value_name = "PATTERN")]
    pub input: Vec<String>,
    /// Fit a field with a uniform prior `PATH=LO..HI` (or `PATH=DISTRIBUTION`). Repeatable.
    #[arg(long, value_name = "PATH=LO..HI")]
    pub vary: Vec<InputRange>,
    /// Particles per generation.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub particles: usize,
    /// Generations after the prior (default 5; with `--tolerance`, at most 30).
    #[arg(long, value_name = "G", conflicts_with = "tolerance")]
    pub generations: Option<usize>,
    /// Stop once the tolerance (the distance, in standardised units) reaches T.
    #[arg(long, value_name = "T")]
    pub tolerance: Option<f64>,
    /// Runs of the model per particle (their values are averaged).
    #[arg(long, value_name = "R", default_value_t = 1)]
    pub runs_per_particle: u64,
    /// Runs of the posterior predictive ensemble that scores the forecast.
    #[arg(long, value_name = "M", default_value_t = 200)]
    pub predictive_runs: u64,
    /// Weight of a kind of observation in the distance, `KIND=W` (capture, instrument, count,
    /// holder, metric; default 1 each: every kind counts as much, however many observations
    /// it has).
    #[arg(long = "weight", value_name = "KIND=W")]
    pub weight: Vec<String>,
    /// A metric to forecast: a built-in name or an expression such as `holds(m23, goma) @ day
    /// 30` (docs/METRICS.md). Repeat for several. Each is reported on the prior and the
    /// posterior predictive ensembles (the same seeds), to show what the fit changed; the prior
    /// one costs `--predictive-runs` more runs. To fit to an observed value of a metric, give
    /// the observed file a `metric` row instead (docs/ANALYSIS.md).
    #[arg(long = "metric", value_name = "METRIC")]
    pub metrics: Vec<String>,
    /// Do not fit here: write the state of a fit spread over N machines to `OUT.spread/` and
    /// go on with `strife calibrate-step` (docs/ANALYSIS.md). The result is byte-identical to
    /// this command without `--spread`.
    #[arg(long, value_name = "N")]
    pub spread: Option<u64>,
    /// Settings of the runs.
    #[command(flatten)]
    pub run: RunSettings,
    /// Output settings.
    #[command(flatten)]
    pub output: OutputSettings,
}

/// Arguments of `strife experiment`.
#[derive(Debug, Args)]
pub struct ExperimentArgs {
    /// The design file (.ron; see `--template` and docs/ANALYSIS.md).
    #[arg(required_unless_present = "template")]
    pub design: Option<PathBuf>,
    /// Print a commented example design on stdout and exit.
    #[arg(long, conflicts_with_all = ["design", "shard", "check"])]
    pub template: bool,
    /// Check the design and print its size; run nothing.
    #[arg(long)]
    pub check: bool,
    /// Run only shard I of N of the design's runs (a contiguous block) and write `shard.json`;
    /// `strife merge` combines the shards.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Write the time series of every run to `series.parquet` (as `run --series`; its `run`
    /// column is the row of `experiments.csv`, counted from 0): one sample a day or every sample.
    #[arg(long, value_enum, value_name = "EVERY", conflicts_with = "shard")]
    pub series: Option<crate::output::series::Resolution>,
    /// Settings of the runs (`--seed` and `--days` win over the design's; `--set` changes the
    /// base scenario).
    #[command(flatten)]
    pub run: RunSettings,
    /// Output settings.
    #[command(flatten)]
    pub output: OutputSettings,
}

/// Arguments of `strife calibrate-step`.
#[derive(Debug, Args)]
pub struct CalibrateStepArgs {
    /// The work folder of the fit (`OUT.spread`, written by `calibrate … --spread N`).
    pub work: PathBuf,
    /// Simulate only shard K of N of the next batch (N as given to `--spread`).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Threads (default: the fit's `--jobs`, or every core).
    #[arg(long, value_name = "J")]
    pub jobs: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `strife merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard folders, each holding a `shard.json`.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Output settings.
    #[command(flatten)]
    pub output: OutputSettings,
}

/// Arguments of `strife metrics`.
#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// A scenario whose places and factions name the metrics.
    pub scenario: Option<PathBuf>,
}

/// Arguments of `strife serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Scenario file (.ron), or a what-if.
    pub scenario: PathBuf,
    /// Port to listen on (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8018)]
    pub port: u16,
    /// Address to listen on. Anything but 127.0.0.1 (or ::1) lets other machines in, and
    /// prints a warning.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Runs of each ensemble the page asks for (1 to 2,000).
    #[arg(long, default_value_t = 200)]
    pub runs: u64,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Folder the page saves what-if files to (default: `output/<scenario>-serve`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
}

/// Arguments of `strife validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files (.ron).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
}

/// Arguments of `strife generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Places (nodes of the theatre graph), from 2 to 10,000.
    #[arg(long, default_value_t = 500)]
    pub places: usize,
    /// Units, from 1 to 40,000.
    #[arg(long, default_value_t = 5_000)]
    pub units: usize,
    /// Factions, from 2 to the number of places (at most 1,000).
    #[arg(long, default_value_t = 120)]
    pub factions: usize,
    /// Sides the factions are split among, from 2 to min(factions, 64) (default: 4, or the
    /// number of factions if fewer).
    #[arg(long)]
    pub sides: Option<usize>,
    /// Seed: the same options and seed give the same file.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Length of the run, days (1 to 3,650).
    #[arg(long, default_value_t = 60)]
    pub days: u32,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Replace the `--output` file if it exists (a regular file only: never a link, a folder or
    /// a device).
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `strife list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The scenarios folder (default: `scenarios/` here or in the nearest folder above).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// Arguments of `strife new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// Name of the scenario and its file (`NAME.ron`): letters, digits, `_` and `-`.
    pub name: String,
    /// Replace an existing `NAME.ron` (a regular file only: never a link, a folder or a device).
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `strife explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Scenario or what-if file (.ron).
    pub scenario: PathBuf,
}

/// Arguments of `strife completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
