//! `strife hindcast`: an ensemble scored against observed history.

use crate::cli::HindcastArgs;
use crate::error::Result;
use crate::output::report::html::thousands;
use crate::output::summary::sha256_hex;
use crate::scenario::load_with_overrides;

use super::{check_days, claim_output, manifest_of, with_progress, write_analysis};

/// `strife hindcast`: an ensemble scored against observed history.
pub fn hindcast(args: &HindcastArgs, command_line: Vec<String>) -> Result<()> {
    use crate::analysis::observed::read_observed;
    use crate::output::hindcast::{hindcast_csv, hindcast_summary_json, hindcast_text};
    use crate::run::hindcast::run_hindcast;
    check_days(args.run.days)?;
    crate::run::check_runs(args.runs, "--runs")?;
    let loaded = load_with_overrides(&args.scenario, &args.run.set)?;
    let observed_file = args.observed.display().to_string();
    let (observations, observed_text) = read_observed(&args.observed)?;
    // Check every observation against the scenario before the output folder.
    crate::run::hindcast::hindcast_targets(
        &loaded,
        &observations,
        (&observed_file, &observed_text),
        args.run.days,
    )?;
    let (out, claim) = claim_output(&args.output, &args.scenario, &args.run.set, "hindcast")?;
    let master = args.run.seed.unwrap_or(loaded.scenario.seed);
    let record = with_progress(args.run.jobs, args.runs, &args.output, |tick| {
        run_hindcast(
            &loaded,
            &observations,
            (&observed_file, &observed_text),
            master,
            args.runs,
            args.run.days,
            tick,
        )
    })?;
    let mut manifest = manifest_of(&loaded, master, record.days, args.runs, command_line);
    manifest.observed = Some((observed_file, sha256_hex(observed_text.as_bytes())));
    let mut files = vec![
        ("hindcast.csv".to_owned(), hindcast_csv(&record)?),
        ("summary.json".to_owned(), hindcast_summary_json(&record)?),
        ("manifest.json".to_owned(), manifest.to_json()?),
    ];
    files.extend(crate::output::plot::hindcast_plots(
        &record,
        args.output.plots,
    )?);
    let title = format!("{} — hindcast", record.scenario_name);
    let context = format!(
        "Against {} · {} runs, master seed {master}",
        record.observed_file,
        thousands(record.runs as f64)
    );
    let text = hindcast_text(&record);
    let description = &loaded.scenario.description;
    let page = (title.as_str(), context.as_str(), description.as_str());
    write_analysis(claim, &args.output, &out, files, page, text, &manifest)
}
