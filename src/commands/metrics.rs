//! `strife metrics`: the names of the metrics, generic or of a scenario, and the expressions
//! users may write instead (docs/METRICS.md).

use crate::output::write::print_stdout;

use crate::cli::MetricsArgs;
use crate::error::Result;
use crate::run::expr::check::{FUNCTIONS, spelling};
use crate::scenario::load_scenario;

/// The expression language in brief: the summary and every function with its unit.
fn language() -> String {
    let mut text = format!(
        "\n{}\nFunctions and quantities (unit):\n",
        crate::run::expr::SUMMARY
    );
    for (call, unit, meaning) in FUNCTIONS {
        text.push_str(&format!("  {call:<34} ({unit}) {meaning}\n"));
    }
    text
}

/// `strife metrics`: the metric names, generic or of a scenario, and the expression language.
pub fn metrics(args: &MetricsArgs) -> Result<()> {
    match &args.scenario {
        None => {
            let lines: Vec<String> = crate::run::metrics::PATTERNS
                .iter()
                .map(|(name, meaning)| format!("{name:<22} {meaning}\n"))
                .collect();
            print_stdout(&(lines.concat() + &language()))
        }
        Some(path) => {
            let loaded = load_scenario(path)?;
            let scenario = loaded.central()?;
            let theatre = crate::sim::build_theatre(&scenario)?;
            let politics = crate::sim::spawn::politics::resolve_politics(&scenario, &theatre)?;
            let lines: Vec<String> = crate::run::metrics::Metric::all(&theatre)
                .iter()
                .map(|m| format!("{}\n", m.name(&theatre)))
                .collect();
            let names = |what: &str, ids: Vec<&str>| {
                if ids.is_empty() {
                    String::new()
                } else {
                    let ids: Vec<String> = ids.into_iter().map(spelling).collect();
                    format!("  {what}: {}\n", ids.join(", "))
                }
            };
            let mut text = lines.concat() + &language();
            text.push_str(
                "\nNames in this scenario (a holder's value is the faction's number, from 0):\n",
            );
            let factions: Vec<String> = theatre
                .factions
                .iter()
                .enumerate()
                .map(|(i, f)| format!("{}={i}", spelling(&f.id)))
                .collect();
            text.push_str(&format!("  factions: {}\n", factions.join(", ")));
            text.push_str(&names(
                "places",
                theatre.places.iter().map(|p| p.id.as_str()).collect(),
            ));
            text.push_str(&names(
                "actors",
                politics.actors.iter().map(|a| a.id.as_str()).collect(),
            ));
            text.push_str(&names(
                "states",
                politics.states.iter().map(|s| s.name.as_str()).collect(),
            ));
            text.push_str(&names(
                "air assets",
                theatre.air.iter().map(|a| a.id.as_str()).collect(),
            ));
            print_stdout(&text)
        }
    }
}
