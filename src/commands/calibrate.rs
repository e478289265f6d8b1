//! `strife calibrate`: fit uncertain inputs to observed history by ABC-SMC, forecast past the
//! cut-off and score the held-out observations.

use std::ffi::OsString;
use std::path::Path;

use crate::analysis::abc::Settings;
use crate::cli::CalibrateArgs;
use crate::error::{Error, Result};
use crate::output::report::html::thousands;
use crate::output::summary::sha256_hex;
use crate::run::calibrate::{CalibrateSettings, Input, KINDS, default_until, run_calibration};
use crate::scenario::load_with_overrides;

use super::{check_days, claim_output, manifest_of, thread_pool, write_analysis};

/// Generations without `--generations` or `--tolerance`.
const DEFAULT_GENERATIONS: usize = 5;
/// Most generations with `--tolerance`.
const MAX_GENERATIONS: usize = 30;
/// A generation that accepts fewer than this share of its proposals ends the fit.
const MIN_ACCEPTANCE: f64 = 0.01;

/// `--weight KIND=W`: the weights of the kinds, 1 each unless given.
fn kind_weights(given: &[String]) -> Result<[f64; 5]> {
    let mut weights = [1.0; 5];
    for text in given {
        let words: Vec<&str> = KINDS.iter().map(|k| k.word()).collect();
        let bad = || {
            Error::Usage(format!(
                "--weight {text}: expected KIND=W with KIND one of {} and W a number ≥ 0, e.g. \
                 count=0.5",
                words.join(", ")
            ))
        };
        let (kind, w) = text.split_once('=').ok_or_else(bad)?;
        let i = words
            .iter()
            .position(|k| *k == kind.trim())
            .ok_or_else(bad)?;
        let w: f64 = w.trim().parse().map_err(|_| bad())?;
        if !(w.is_finite() && w >= 0.0) {
            return Err(bad());
        }
        weights[i] = w;
    }
    Ok(weights)
}

/// The path of `file` relative to the folder `dir` (both made absolute lexically), with `/`.
fn relative_to(dir: &Path, file: &Path) -> String {
    let parts = |p: &Path| -> Vec<OsString> {
        std::path::absolute(p)
            .unwrap_or_else(|_| p.to_path_buf())
            .components()
            .map(|c| c.as_os_str().to_owned())
            .collect()
    };
    let (from, to) = (parts(dir), parts(file));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out: Vec<String> = vec!["..".to_owned(); from.len() - common];
    out.extend(
        to[common..]
            .iter()
            .map(|c| c.to_string_lossy().into_owned()),
    );
    out.join("/")
}

/// A calibration set up from its arguments: everything but the fit itself.
pub(super) struct Setup {
    /// The scenario (with `--vary`'s ranges in place).
    pub(super) loaded: crate::scenario::LoadedScenario,
    /// The inputs fitted.
    pub(super) inputs: Vec<Input>,
    /// The observations, file order.
    pub(super) observations: Vec<crate::analysis::observed::Observation>,
    /// The observed file's text.
    pub(super) observed_text: String,
    /// The observed file as given.
    pub(super) observed_file: String,
    /// The observations' targets in the model.
    pub(super) targets: Vec<crate::analysis::observed::Target>,
    /// The settings.
    pub(super) settings: CalibrateSettings,
    /// The master seed.
    pub(super) master: u64,
}

impl Setup {
    /// The calibration prepared for the ABC-SMC: what [`crate::run::calibrate::Prepared`]
    /// holds, from this setup.
    pub(super) fn prepare(&self) -> Result<crate::run::calibrate::Prepared> {
        crate::run::calibrate::prepare(
            &self.loaded,
            &self.inputs,
            (&self.observations, &self.targets),
            &self.settings,
        )
    }
}

/// Check `args` and set the calibration up.
pub(super) fn setup(args: &CalibrateArgs) -> Result<Setup> {
    use crate::analysis::observed::read_observed;
    check_days(args.run.days)?;
    let loaded = load_with_overrides(&args.scenario, &args.run.set)?;
    let observed_file = args.observed.display().to_string();
    let (observations, observed_text) = read_observed(&args.observed)?;
    let targets = crate::run::hindcast::hindcast_targets(
        &loaded,
        &observations,
        (&observed_file, &observed_text),
        args.run.days,
    )?;
    let (loaded, factors) = crate::run::sensitivity::factors(&loaded, &args.input, &args.vary)?;
    let chosen_by_default = args.input.is_empty() && args.vary.is_empty();
    let inputs: Vec<Input> = factors
        .into_iter()
        .map(|f| Input {
            path: f.path,
            prior: f.distribution,
        })
        // By default every continuous input; a discrete one is drawn in each run, not fitted.
        .filter(|i| !chosen_by_default || crate::analysis::abc::support(&i.prior).is_some())
        .collect();
    if inputs.is_empty() {
        return Err(Error::Usage(format!(
            "{} has no continuous uncertain inputs to fit; give ranges with --vary PATH=LO..HI",
            args.scenario.display()
        )));
    }
    for input in &inputs {
        if crate::analysis::abc::support(&input.prior).is_none() {
            return Err(Error::Usage(format!(
                "`{}` is drawn from a discrete distribution ({:?}): calibration moves inputs \
                 continuously; leave it out with --input, or give it a range with --vary {}=LO..HI",
                input.path, input.prior, input.path
            )));
        }
    }
    if let Some(t) = args.tolerance
        && !(t.is_finite() && t >= 0.0)
    {
        return Err(Error::Usage(format!(
            "--tolerance {t}: a distance is a number ≥ 0"
        )));
    }
    let generations = match (args.generations, args.tolerance) {
        (Some(g), _) if !(1..=1000).contains(&g) => {
            return Err(Error::Usage(format!(
                "--generations {g}: between 1 and 1000"
            )));
        }
        (Some(g), _) => g,
        (None, Some(_)) => MAX_GENERATIONS,
        (None, None) => DEFAULT_GENERATIONS,
    };
    if !(2..=100_000).contains(&args.particles) {
        return Err(Error::Usage(format!(
            "--particles {}: between 2 and 100,000",
            args.particles
        )));
    }
    let until = match args.until {
        Some(d) => d,
        None => default_until(&observations)
            .ok_or_else(|| Error::Usage("no observations to fit".into()))?,
    };
    // The most runs the fit can take, for the bound every command keeps.
    let most =
        (args.particles as f64 / MIN_ACCEPTANCE) * generations as f64 + args.particles as f64;
    let total = (most * args.runs_per_particle as f64) as u64 + args.predictive_runs;
    crate::run::check_runs(args.runs_per_particle.max(1), "--runs-per-particle")?;
    crate::run::check_runs(args.predictive_runs, "--predictive-runs")?;
    if total > 100 * crate::run::MAX_RUNS {
        return Err(Error::Usage(format!(
            "up to {} model runs; fewer --particles, --generations or --runs-per-particle",
            thousands(total as f64)
        )));
    }
    let master = args.run.seed.unwrap_or(loaded.scenario.seed);
    let settings = CalibrateSettings {
        abc: Settings {
            particles: args.particles,
            generations,
            tolerance: args.tolerance,
            quantile: 0.5,
            min_acceptance: MIN_ACCEPTANCE,
            kernel_scale: 2.0,
            seed: master,
        },
        until,
        runs_per_particle: args.runs_per_particle,
        predictive_runs: args.predictive_runs,
        kind_weights: kind_weights(&args.weight)?,
        days: args.run.days,
        metrics: args
            .metrics
            .iter()
            .map(|m| crate::run::expr::MetricSpec::for_scenario(m, &loaded))
            .collect::<Result<_>>()?,
    };
    Ok(Setup {
        loaded,
        inputs,
        observations,
        observed_text,
        observed_file,
        targets,
        settings,
        master,
    })
}

/// The line shown for a finished generation.
pub(super) fn generation_line(g: &crate::analysis::abc::Generation, seconds: f64) -> String {
    format!(
        "generation {}: tolerance {:.3}, {} of {} proposals accepted ({:.0}%), ESS {:.0}  [{:.0} s]",
        g.index,
        g.tolerance,
        g.particles.len(),
        g.proposals,
        100.0 * g.acceptance,
        g.ess,
        seconds
    )
}

/// `strife calibrate`: ABC-SMC over the chosen inputs, a posterior predictive ensemble, and
/// its scores in and out of sample. With `--spread N` it only writes the state of a fit spread
/// over machines (`strife calibrate-step`).
pub fn calibrate(args: &CalibrateArgs, command_line: Vec<String>) -> Result<()> {
    let setup = setup(args)?;
    if let Some(shards) = args.spread {
        return super::calibrate_step::start(args, &setup_check(&setup), command_line, shards);
    }
    let (out, claim) = claim_output(&args.output, &args.scenario, &args.run.set, "calibrate")?;
    let quiet = args.output.quiet || args.output.json;
    let started = std::time::Instant::now();
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new_spinner()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} simulations  {msg}  {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.set_message("generation 0 (the prior)");
    let generations = setup.settings.abc.generations;
    let pool = thread_pool(args.run.jobs)?;
    let record = pool.install(|| {
        run_calibration(
            &setup.loaded,
            setup.inputs.clone(),
            &setup.observations,
            &setup.targets,
            &setup.observed_file,
            setup.settings.clone(),
            |g| {
                bar.suspend(|| {
                    if !quiet {
                        eprintln!("{}", generation_line(g, started.elapsed().as_secs_f64()));
                    }
                });
                bar.set_message(format!(
                    "generation {} of at most {generations} · last ESS {:.0}",
                    g.index + 1,
                    g.ess
                ));
            },
            || bar.inc(1),
            |m| bar.set_message(format!("posterior predictive: {m} runs")),
        )
    });
    bar.finish_and_clear();
    let record = record?;
    write_outputs(args, command_line, &setup, record, (out, claim))
}

/// The scenario's and the observed file's SHA-256, which a spread fit checks at every step.
pub(super) fn setup_check(setup: &Setup) -> (String, String) {
    (
        sha256_hex(setup.loaded.source.as_bytes()),
        sha256_hex(setup.observed_text.as_bytes()),
    )
}

/// Write a finished calibration's files to `out`.
pub(super) fn write_outputs(
    args: &CalibrateArgs,
    command_line: Vec<String>,
    setup: &Setup,
    record: crate::run::calibrate::CalibrationRecord,
    (out, claim): (std::path::PathBuf, crate::output::write::Claim),
) -> Result<()> {
    use crate::output::calibrate::{
        calibrate_summary_json, calibrate_text, calibrated_ron, observations_csv, posterior_csv,
    };
    let master = setup.master;
    let runs = record.model_runs();
    let mut manifest = manifest_of(
        &setup.loaded,
        master,
        record.days,
        runs,
        command_line.clone(),
    );
    manifest.observed = Some((
        setup.observed_file.clone(),
        sha256_hex(setup.observed_text.as_bytes()),
    ));
    let base = relative_to(&out, &args.scenario);
    let command = command_line.join(" ");
    let mut files = vec![
        ("observations.csv".to_owned(), observations_csv(&record)?),
        ("posterior.csv".to_owned(), posterior_csv(&record)?),
        ("summary.json".to_owned(), calibrate_summary_json(&record)?),
        (
            "calibrated.ron".to_owned(),
            calibrated_ron(&record, &base, &command),
        ),
        ("manifest.json".to_owned(), manifest.to_json()?),
    ];
    if !record.metrics.is_empty() {
        files.push((
            "forecasts.csv".to_owned(),
            crate::output::calibrate::forecasts_csv(&record)?,
        ));
    }
    files.extend(crate::output::plot::calibrate_plots(
        &record,
        args.output.plots,
    )?);
    let title = format!("{} — calibration", record.scenario_name);
    let context = format!(
        "Against {} up to {} · {} particles · {} model runs, master seed {master}",
        record.observed_file,
        record.settings.until,
        record.settings.abc.particles,
        thousands(runs as f64)
    );
    let text = calibrate_text(&record);
    let description = &setup.loaded.scenario.description;
    let page = (title.as_str(), context.as_str(), description.as_str());
    write_analysis(claim, &args.output, &out, files, page, text, &manifest)
}
