//! `strife sensitivity`: Morris or Sobol' indices of a metric over the uncertain inputs.

use crate::cli::SensitivityArgs;
use crate::error::Result;
use crate::output::report::html::thousands;
use crate::scenario::load_with_overrides;

use super::{check_days, claim_output, manifest_of, with_progress, write_analysis};

/// `strife sensitivity`: Morris or Sobol' indices of a metric over the scenario's uncertain
/// inputs (or `--vary` ranges), every model run in parallel with common random numbers.
pub fn sensitivity(args: &SensitivityArgs, command_line: Vec<String>) -> Result<()> {
    use crate::output::sensitivity::{
        samples_csv, sensitivity_csv, sensitivity_summary_json, sensitivity_text,
    };
    use crate::run::sensitivity::{Method, Settings, evaluations, factors, run_sensitivity};
    check_days(args.run.days)?;
    let loaded = load_with_overrides(&args.scenario, &args.run.set)?;
    crate::run::expr::MetricSpec::for_scenario(&args.metric, &loaded)?;
    let (loaded, inputs) = factors(&loaded, &args.input, &args.vary)?;
    let master = args.run.seed.unwrap_or(loaded.scenario.seed);
    let settings = Settings {
        method: args.method,
        metric: args.metric.clone(),
        base: args.runs.unwrap_or(match args.method {
            Method::Morris => 20,
            Method::Sobol => 256,
        }),
        levels: args.levels,
        replicates: args.replicates,
        bootstrap: args.bootstrap,
        master_seed: master,
        days: args.run.days,
    };
    let total = evaluations(&settings, inputs.len());
    crate::run::check_runs(
        total,
        "the model runs of the design (from --runs, --replicates and the inputs)",
    )?;
    let (out, claim) = claim_output(&args.output, &args.scenario, &args.run.set, "sensitivity")?;
    let record = with_progress(args.run.jobs, total, &args.output, |tick| {
        run_sensitivity(&loaded, inputs, settings, tick)
    })?;
    let manifest = manifest_of(&loaded, master, record.days, total, command_line);
    let mut files = vec![
        ("sensitivity.csv".to_owned(), sensitivity_csv(&record)?),
        ("samples.csv".to_owned(), samples_csv(&record)?),
        (
            "summary.json".to_owned(),
            sensitivity_summary_json(&record)?,
        ),
        ("manifest.json".to_owned(), manifest.to_json()?),
    ];
    files.extend(crate::output::plot::sensitivity_plots(
        &record,
        args.output.plots,
    )?);
    let title = format!("{} — sensitivity of {}", record.scenario_name, args.metric);
    let context = format!(
        "{:?} method, {} inputs, {} runs, master seed {master}",
        args.method,
        record.factors.len(),
        thousands(total as f64)
    );
    let text = sensitivity_text(&record);
    let description = &loaded.scenario.description;
    let page = (title.as_str(), context.as_str(), description.as_str());
    write_analysis(claim, &args.output, &out, files, page, text, &manifest)
}
