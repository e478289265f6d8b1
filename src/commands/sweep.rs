//! `strife sweep`: an ensemble at every point of a grid of parameter values.

use crate::cli::SweepArgs;
use crate::error::{Error, Result};
use crate::output::report;
use crate::output::sweep::{sweep_csv, sweep_summary_json, sweep_text};
use crate::run::sweep::run_sweep;
use crate::scenario::load_with_overrides;

use super::{check_days, claim_output, finish, manifest_of, with_progress};

/// `strife sweep`: an ensemble at every point of a grid, reduced to one metric.
pub fn sweep(args: &SweepArgs, command_line: Vec<String>) -> Result<()> {
    if args.vary.len() > 2 {
        return Err(Error::Usage("a sweep has one or two --vary axes".into()));
    }
    let points = args
        .vary
        .iter()
        .fold(1u64, |n, v| n.saturating_mul(v.values.len() as u64));
    crate::run::check_runs(args.runs.saturating_mul(points), "--runs × sweep points")?;
    check_days(args.run.days)?;
    let loaded = load_with_overrides(&args.scenario, &args.run.set)?;
    let spec = crate::run::expr::MetricSpec::for_scenario(&args.metric, &loaded)?;
    // A faction or a stance as the metric: say what its numbers are (docs/METRICS.md).
    let note = match spec.category() {
        Some("faction") => {
            let theatre = crate::sim::build_theatre(&loaded.central()?)?;
            let numbers: Vec<String> = theatre
                .factions
                .iter()
                .enumerate()
                .map(|(i, f)| format!("{}={i}", f.id))
                .collect();
            format!(
                "\n{} is a faction: its values are the factions' numbers ({}); compare it with a faction (`… == ID`) for the share of runs\n",
                spec.name(),
                numbers.join(", ")
            )
        }
        Some(_) => format!(
            "\n{} is a stance: its values are 0 reinforce, 1 hold, 2 draw_down, 3 withdraw; compare it (`… == withdraw`) for the share of runs\n",
            spec.name()
        ),
        None => String::new(),
    };
    let (out, claim) = claim_output(&args.output, &args.scenario, &args.run.set, "sweep")?;
    let master = args.run.seed.unwrap_or(loaded.scenario.seed);
    let record = with_progress(args.run.jobs, points * args.runs, &args.output, |tick| {
        run_sweep(
            &loaded,
            &args.vary,
            &args.metric,
            args.stat,
            master,
            args.runs,
            args.run.days,
            tick,
        )
    })?;
    let days = args.run.days.unwrap_or(loaded.scenario.duration_days);
    let manifest = manifest_of(&loaded, master, days, args.runs, command_line);
    let mut files = vec![
        ("sweep.csv".to_owned(), sweep_csv(&record)?),
        ("summary.json".to_owned(), sweep_summary_json(&record)?),
        ("manifest.json".to_owned(), manifest.to_json()?),
    ];
    files.extend(crate::output::plot::sweep_plots(
        &record,
        args.output.plots,
    )?);
    let report = report::sweep_report(&record, &loaded.scenario.description, &manifest, &files)?;
    files.push(("report.html".to_owned(), report));
    let written = claim.write(&files)?;
    finish(&args.output, &files, &out, written.len(), || {
        sweep_text(&record) + &note
    })
}
