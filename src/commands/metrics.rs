//! `strife metrics`: the names of the metrics, generic or of a scenario.

use crate::output::write::print_stdout;

use crate::cli::MetricsArgs;
use crate::error::Result;
use crate::scenario::load_scenario;

/// `strife metrics`: the metric names, generic or of a scenario.
pub fn metrics(args: &MetricsArgs) -> Result<()> {
    match &args.scenario {
        None => {
            let lines: Vec<String> = crate::run::metrics::PATTERNS
                .iter()
                .map(|(name, meaning)| format!("{name:<22} {meaning}\n"))
                .collect();
            print_stdout(&lines.concat())
        }
        Some(path) => {
            let loaded = load_scenario(path)?;
            let theatre = crate::sim::build_theatre(&loaded.central()?)?;
            let lines: Vec<String> = crate::run::metrics::Metric::all(&theatre)
                .iter()
                .map(|m| format!("{}\n", m.name(&theatre)))
                .collect();
            print_stdout(&lines.concat())
        }
    }
}
