//! What each subcommand does: load, run, write, report. Returns errors; prints results.

use std::path::{Path, PathBuf};

use crate::tooling::print_stdout;

use crate::cli::{
    Cli, CompareArgs, GenerateArgs, HindcastArgs, MergeArgs, MetricsArgs, OutputSettings, RunArgs,
    SensitivityArgs, SweepArgs, ValidateArgs,
};
use crate::error::{Error, Result};
use crate::generate::{GenerateOptions, generate_ron};
use crate::output::compare::{comparison_csv, comparison_summary_json, comparison_text};
use crate::output::ensemble::{ensemble_summary_json, ensemble_text, runs_csv};
use crate::output::report::html::thousands;
use crate::output::summary::sha256_hex;
use crate::output::summary::{Manifest, text_summary};
use crate::output::sweep::{sweep_csv, sweep_summary_json, sweep_text};
use crate::output::{report, run_outputs, write};
use crate::run::ensemble::run_digests;
use crate::run::ensemble::{EnsembleRecord, SHARD_FORMAT, Shard, ShardFile, digest};
use crate::run::sweep::run_sweep;
use crate::run::{RunOptions, run_loaded};
use crate::scenario::Override;
use crate::scenario::{LoadedScenario, load_scenario, load_with_overrides};

/// `strife run`: run a scenario once, write its outputs, print a summary.
pub fn run(args: &RunArgs, command_line: Vec<String>) -> Result<()> {
    if args.watch {
        return crate::tooling::watch(args, command_line);
    }
    check_days(args.run.days)?;
    let loaded = load_with_overrides(&args.scenario, &args.run.set)?;
    if let Some(runs) = args.runs {
        return run_ensemble_command(args, &loaded, runs, command_line);
    }
    let out = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| result_dir(&args.scenario, &args.run.set, ""));
    let claim = write::claim(
        &out,
        result_key("run", &args.scenario, args),
        args.output.force,
    )?;
    let seed = args.run.seed.unwrap_or(loaded.scenario.seed);
    let days = args.run.days.unwrap_or(loaded.scenario.duration_days);
    let record = run_loaded(
        &loaded,
        RunOptions {
            seed,
            days: Some(days),
        },
    )?;
    let mut manifest = Manifest::new(&loaded.file, &loaded.source, seed, days, command_line);
    manifest.overrides = loaded.overrides.iter().map(ToString::to_string).collect();
    let files = run_outputs(&record, &manifest, &loaded.scenario.description)?;
    let written = claim.write(&files)?;
    finish(&args.output, &files, &out, written.len(), || {
        text_summary(&record)
    })
}

/// `strife run --runs N`: an ensemble, in parallel, with a progress bar.
fn run_ensemble_command(
    args: &RunArgs,
    loaded: &LoadedScenario,
    runs: u64,
    command_line: Vec<String>,
) -> Result<()> {
    crate::run::check_runs(runs, "--runs")?;
    let master = args.run.seed.unwrap_or(loaded.scenario.seed);
    if let Some(shard) = args.shard {
        return run_shard(args, loaded, (runs, master, shard), command_line);
    }
    let out = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| result_dir(&args.scenario, &args.run.set, "ensemble"));
    let key = result_key("ensemble", &args.scenario, args);
    let claim = write::claim(&out, key, args.output.force)?;
    let ensemble = with_progress(args.run.jobs, runs, &args.output, |tick| {
        run_digests(loaded, master, 0..runs, args.run.days, tick)
    })?;
    write_ensemble(claim, &out, &ensemble, loaded, command_line, &args.output)
}

/// The key of a `command` result of `args`: its scenario file and `--set` overrides.
fn result_key(command: &str, scenario: &Path, args: &RunArgs) -> write::ResultKey {
    write::ResultKey::new(command, &[scenario], &args.run.set)
}

/// Write an ensemble's files (and print its summary): the same for one machine and for merged
/// shards.
fn write_ensemble(
    claim: write::Claim,
    out: &Path,
    ensemble: &EnsembleRecord,
    loaded: &LoadedScenario,
    command_line: Vec<String>,
    output: &OutputSettings,
) -> Result<()> {
    let overrides = loaded.overrides.iter().map(ToString::to_string).collect();
    let mut manifest = Manifest::new(
        &loaded.file,
        &loaded.source,
        ensemble.master_seed,
        ensemble.days,
        command_line,
    );
    manifest.runs = Some(ensemble.runs.len() as u64);
    manifest.overrides = overrides;
    let mut files = vec![
        ("runs.csv".to_owned(), runs_csv(ensemble)?),
        ("summary.json".to_owned(), ensemble_summary_json(ensemble)?),
        ("manifest.json".to_owned(), manifest.to_json()?),
    ];
    files.extend(crate::output::plot::ensemble_plots(ensemble)?);
    let report =
        report::ensemble_report(ensemble, &loaded.scenario.description, &manifest, &files)?;
    files.push(("report.html".to_owned(), report));
    let written = claim.write(&files)?;
    finish(output, &files, out, written.len(), || {
        ensemble_text(ensemble)
    })
}

/// After writing `files` to `out`: print the summary as JSON (`--json`: the bytes of
/// `summary.json`), or as `text` unless `--quiet`.
fn finish(
    output: &OutputSettings,
    files: &[(String, Vec<u8>)],
    out: &Path,
    written: usize,
    text: impl FnOnce() -> String,
) -> Result<()> {
    if output.json {
        let summary = files
            .iter()
            .find(|(name, _)| name == "summary.json")
            .map(|(_, bytes)| bytes.as_slice())
            .unwrap_or(b"{}\n");
        print_stdout(&String::from_utf8_lossy(summary))?;
    } else if !output.quiet {
        print_stdout(&format!(
            "{}\nWrote {written} files to {}\n",
            text(),
            out.display()
        ))?;
    }
    Ok(())
}

/// `strife run --runs N --shard I/N`: run one block of the ensemble and write `shard.json`.
fn run_shard(
    args: &RunArgs,
    loaded: &LoadedScenario,
    (runs, master, shard): (u64, u64, Shard),
    command_line: Vec<String>,
) -> Result<()> {
    let out = args.output.out.clone().unwrap_or_else(|| {
        let suffix = format!("ensemble-shard-{}-of-{}", shard.index, shard.count);
        result_dir(&args.scenario, &args.run.set, &suffix)
    });
    let command = format!("shard {}/{} of {runs} runs", shard.index, shard.count);
    let key = result_key(&command, &args.scenario, args);
    let claim = write::claim(&out, key, args.output.force)?;
    let block = shard.runs(runs);
    let pool = thread_pool(args.run.jobs)?;
    let bar = progress_bar(block.end - block.start, &args.output);
    let digests = pool.install(|| {
        crate::run::ensemble::run_ensemble(
            loaded,
            master,
            block.clone(),
            args.run.days,
            |k, r| digest(k, &r),
            || bar.inc(1),
        )
    })?;
    bar.finish_and_clear();
    let file = ShardFile {
        format: SHARD_FORMAT.into(),
        scenario_file: args.scenario.display().to_string(),
        scenario_sha256: sha256_hex(loaded.source.as_bytes()),
        set: args.run.set.iter().map(ToString::to_string).collect(),
        master_seed: master,
        runs,
        days: args.run.days,
        shard,
        digests,
    };
    let bytes = serde_json::to_vec(&file)
        .map_err(|e| Error::Internal(format!("writing shard.json: {e}")))?;
    let days = args.run.days.unwrap_or(loaded.scenario.duration_days);
    let mut manifest = manifest_of(loaded, master, days, runs, command_line);
    manifest.shard = Some(shard);
    let files = [
        ("shard.json".to_owned(), bytes),
        ("manifest.json".to_owned(), manifest.to_json()?),
    ];
    claim.write(&files)?;
    if !(args.output.quiet || args.output.json) {
        print_stdout(&format!(
            "Shard {}/{}: runs {}–{} of {runs} written to {}\n",
            shard.index,
            shard.count,
            block.start,
            block.end.saturating_sub(1),
            out.display()
        ))?;
    }
    Ok(())
}

/// `strife merge`: combine shards into exactly the tables and summary one machine would write.
pub fn merge(args: &MergeArgs, command_line: Vec<String>) -> Result<()> {
    let shards = crate::run::ensemble::read_shard_set(&args.shards)?;
    let first = shards[0].clone();
    let overrides: Vec<Override> = first
        .set
        .iter()
        .map(|s| s.parse::<Override>().map_err(Error::Usage))
        .collect::<Result<_>>()?;
    let loaded = load_with_overrides(Path::new(&first.scenario_file), &overrides)?;
    if sha256_hex(loaded.source.as_bytes()) != first.scenario_sha256 {
        return Err(Error::Usage(format!(
            "{} has changed since the shards were run (its SHA-256 differs)",
            first.scenario_file
        )));
    }
    // The theatre and politics, as the single-machine ensemble takes them from its first run;
    // every digest is checked against that run before the output folder is claimed.
    let ensemble = {
        let mut e = run_digests(&loaded, first.master_seed, 0..1, first.days, || {})?;
        let rungs = e.politics.rungs.len();
        crate::run::ensemble::check_digests(&e.runs[0], e.days, rungs, &shards)?;
        e.runs = shards.into_iter().flat_map(|s| s.digests).collect();
        e
    };
    let scenario = Path::new(&first.scenario_file);
    let out = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| result_dir(scenario, &overrides, "ensemble"));
    let key = write::ResultKey::new("ensemble", &[scenario], &overrides);
    let claim = write::claim(&out, key, args.output.force)?;
    write_ensemble(claim, &out, &ensemble, &loaded, command_line, &args.output)
}

/// Run `work` on a pool of `jobs` threads (all cores if `None`) with a progress bar of `total`
/// steps on stderr (hidden if `quiet`); `work` gets the function that advances the bar.
fn with_progress<T: Send>(
    jobs: Option<usize>,
    total: u64,
    output: &OutputSettings,
    work: impl FnOnce(&(dyn Fn() + Sync)) -> Result<T> + Send,
) -> Result<T> {
    let pool = thread_pool(jobs)?;
    let bar = progress_bar(total, output);
    let result = pool.install(|| work(&|| bar.inc(1)));
    bar.finish_and_clear();
    result
}

/// The manifest of `runs` runs of `loaded` with master seed `seed`.
fn manifest_of(
    loaded: &LoadedScenario,
    seed: u64,
    days: f64,
    runs: u64,
    command_line: Vec<String>,
) -> Manifest {
    let mut manifest = Manifest::new(&loaded.file, &loaded.source, seed, days, command_line);
    manifest.runs = Some(runs);
    manifest.overrides = loaded.overrides.iter().map(ToString::to_string).collect();
    manifest
}

/// Most threads `--jobs` may ask for: more than any machine strife runs on has cores.
pub const MAX_JOBS: usize = 1024;

/// `--jobs J`: a whole number from 1 to [`MAX_JOBS`].
pub fn parse_jobs(text: &str) -> Result<usize, String> {
    let most = MAX_JOBS;
    match text.parse::<usize>() {
        Ok(jobs) if (1..=most).contains(&jobs) => Ok(jobs),
        _ => {
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            Err(format!(
                "--jobs must be between 1 and {most}, not {text} (this machine has {cores} cores; \
                 without --jobs strife uses them all)"
            ))
        }
    }
}

/// A thread pool of `jobs` threads (all cores if `None`).
fn thread_pool(jobs: Option<usize>) -> Result<rayon::ThreadPool> {
    if let Some(jobs) = jobs
        && !(1..=MAX_JOBS).contains(&jobs)
    {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        return Err(Error::Usage(format!(
            "--jobs must be between 1 and {MAX_JOBS}, not {jobs} (this machine has {cores} cores; \
             without --jobs strife uses them all)"
        )));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .map_err(|e| Error::Internal(format!("starting threads: {e}")))
}

/// A progress bar of `runs` runs on stderr, or a hidden one (`--quiet`, `--json`).
fn progress_bar(runs: u64, output: &OutputSettings) -> indicatif::ProgressBar {
    let bar = if output.quiet || output.json {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(runs)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {elapsed} (eta {eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// `strife compare`: run every scenario with common random numbers and compare.
pub fn compare(args: &CompareArgs, command_line: Vec<String>) -> Result<()> {
    let scenarios = args.scenarios.len() as u64;
    crate::run::check_runs(args.runs.saturating_mul(scenarios), "--runs × scenarios")?;
    check_days(args.run.days)?;
    let loaded: Vec<LoadedScenario> = args
        .scenarios
        .iter()
        .map(|path| load_with_overrides(path, &args.run.set))
        .collect::<Result<_>>()?;
    // Paired differences need the same places and factions, in the same order.
    let theatres = loaded
        .iter()
        .map(|l| crate::sim::build_theatre(&l.central()?))
        .collect::<Result<Vec<_>>>()?;
    let ids = |t: &crate::sim::resources::Theatre| {
        (
            t.places.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
            t.factions.iter().map(|f| f.id.clone()).collect::<Vec<_>>(),
        )
    };
    if let Some(other) = theatres.iter().position(|t| ids(t) != ids(&theatres[0])) {
        return Err(Error::Usage(format!(
            "{} and {} do not share the same places and factions: compare what-ifs of one theatre",
            loaded[0].file, loaded[other].file
        )));
    }
    let labels = crate::output::compare::unique_labels(&args.scenarios);
    let out = args.output.out.clone().unwrap_or_else(|| {
        let name = crate::output::compare::folder_name(&labels, &args.run.set);
        PathBuf::from("output").join(name)
    });
    let paths: Vec<&Path> = args.scenarios.iter().map(PathBuf::as_path).collect();
    let key = write::ResultKey::new("compare", &paths, &args.run.set);
    let claim = write::claim(&out, key, args.output.force)?;
    let master = args.run.seed.unwrap_or(loaded[0].scenario.seed);
    let pool = thread_pool(args.run.jobs)?;
    let bar = progress_bar(args.runs * loaded.len() as u64, &args.output);
    let ensembles = loaded
        .iter()
        .map(|l| {
            pool.install(|| run_digests(l, master, 0..args.runs, args.run.days, || bar.inc(1)))
        })
        .collect::<Result<Vec<_>>>()?;
    bar.finish_and_clear();
    let mut manifest = Manifest::new(
        &loaded[0].file,
        &loaded[0].source,
        master,
        ensembles[0].days,
        command_line,
    );
    manifest.runs = Some(args.runs);
    manifest.compared = loaded
        .iter()
        .map(|l| (l.file.clone(), sha256_hex(l.source.as_bytes())))
        .collect();
    manifest.overrides = args.run.set.iter().map(ToString::to_string).collect();
    let mut files = vec![
        (
            "comparison.csv".to_owned(),
            comparison_csv(&labels, &ensembles)?,
        ),
        (
            "summary.json".to_owned(),
            comparison_summary_json(&labels, &ensembles)?,
        ),
        ("manifest.json".to_owned(), manifest.to_json()?),
    ];
    let runs_files = crate::output::compare::runs_file_names(&labels);
    for (file, e) in runs_files.into_iter().zip(&ensembles) {
        files.push((file, runs_csv(e)?));
    }
    files.extend(crate::output::plot::compare_plots(&labels, &ensembles)?);
    let descriptions: Vec<String> = loaded
        .iter()
        .map(|l| l.scenario.description.clone())
        .collect();
    let report = report::compare_report(&labels, &ensembles, &descriptions, &manifest, &files)?;
    files.push(("report.html".to_owned(), report));
    let written = claim.write(&files)?;
    finish(&args.output, &files, &out, written.len(), || {
        comparison_text(&labels, &ensembles)
    })
}

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
    let theatre = crate::sim::build_theatre(&loaded.central()?)?;
    crate::run::metrics::Metric::parse(&args.metric, &theatre)?;
    let out = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| result_dir(&args.scenario, &args.run.set, "sweep"));
    let key = write::ResultKey::new("sweep", &[&args.scenario], &args.run.set);
    let claim = write::claim(&out, key, args.output.force)?;
    let master = args.run.seed.unwrap_or(loaded.scenario.seed);
    let record = with_progress(args.run.jobs, points * args.runs, &args.output, |tick| {
        run_sweep(
            &loaded,
            &args.vary,
            &args.metric,
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
    files.extend(crate::output::plot::sweep_plots(&record)?);
    let report = report::sweep_report(&record, &loaded.scenario.description, &manifest, &files)?;
    files.push(("report.html".to_owned(), report));
    let written = claim.write(&files)?;
    finish(&args.output, &files, &out, written.len(), || {
        sweep_text(&record)
    })
}

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

/// `output/<scenario file stem>`.
pub fn default_output_dir(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    PathBuf::from("output").join(stem)
}

/// `strife validate`: check every file, report every problem, fail if any file is bad.
pub fn validate(args: &ValidateArgs) -> Result<()> {
    // Every problem is printed once, by `main`: diagnostics together, a file that cannot be read
    // as one of them, an internal failure (exit 1) after the diagnostics.
    let mut problems = Vec::new();
    let mut internal = None;
    for path in &args.scenarios {
        match load_scenario(path) {
            Ok(loaded) => print_stdout(&format!(
                "{}: ok ({} factions, {} places, {} routes, {} units)\n",
                path.display(),
                loaded.scenario.factions.len(),
                loaded.scenario.places.len(),
                loaded.scenario.routes.len(),
                loaded.scenario.units.len()
            ))?,
            Err(Error::Invalid(diagnostics)) => problems.extend(diagnostics),
            Err(e @ Error::Internal(_)) => {
                internal.get_or_insert(e);
            }
            Err(e) => problems.push(crate::error::Diagnostic::new(
                path.display().to_string(),
                e.to_string()
                    .strip_prefix(&format!("{}: ", path.display()))
                    .map_or_else(|| e.to_string(), str::to_owned),
            )),
        }
    }
    match internal {
        Some(e) if problems.is_empty() => Err(e),
        Some(e) => {
            eprintln!("{}", Error::Invalid(problems));
            Err(e)
        }
        None if problems.is_empty() => Ok(()),
        None => Err(Error::Invalid(problems)),
    }
}

/// `strife generate`: write a synthetic theatre to standard output or `--output`.
pub fn generate(args: &GenerateArgs) -> Result<()> {
    let options = GenerateOptions {
        places: args.places,
        units: args.units,
        factions: args.factions,
        sides: args.sides.unwrap_or(args.factions.min(4)),
        seed: args.seed,
        days: args.days,
    };
    let text = generate_ron(&options)?;
    match &args.output {
        Some(path) => write::write_new_file(path, text.as_bytes(), args.force),
        None => print_stdout(&text),
    }
}

/// `strife completions SHELL`: the completion script of every subcommand and flag, on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    use clap::CommandFactory;
    // Into memory first: clap_complete panics on a failed write.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "strife", &mut script);
    print_stdout(&String::from_utf8_lossy(&script))
}

/// Refuse a `--days` that is not a number of days between 0 and 3650.
fn check_days(days: Option<f64>) -> Result<()> {
    match days {
        Some(days) if !(days.is_finite() && days > 0.0 && days <= 3650.0) => Err(Error::Usage(
            format!("--days must be a number of days between 0 and 3650, not {days}"),
        )),
        _ => Ok(()),
    }
}

/// The default folder of a result: `output/<scenario file stem>[-<suffix>]`, with
/// `-set-<hash>` when there are `--set` overrides (so that a what-if never lands on its
/// baseline's folder), and `-whatif` for a what-if file named like its base.
pub fn result_dir(scenario: &Path, overrides: &[Override], suffix: &str) -> PathBuf {
    let mut name = default_output_dir(scenario).into_os_string();
    if named_like_its_base(scenario) {
        name.push("-whatif");
    }
    if !suffix.is_empty() {
        name.push(format!("-{suffix}"));
    }
    if !overrides.is_empty() {
        let text: Vec<String> = overrides.iter().map(ToString::to_string).collect();
        let hash = sha256_hex(text.join("\n").as_bytes());
        name.push(format!("-set-{}", &hash[..8]));
    }
    PathBuf::from(name)
}

/// Whether `scenario` is a what-if file with the same file name as its base.
fn named_like_its_base(scenario: &Path) -> bool {
    use crate::scenario::whatif::{WhatIf, is_whatif};
    let small_file = std::fs::metadata(scenario).is_ok_and(|m| m.is_file() && m.len() < 1 << 24);
    let Some(text) = small_file
        .then(|| std::fs::read_to_string(scenario).ok())
        .flatten()
    else {
        return false;
    };
    is_whatif(&text)
        && WhatIf::parse(&text)
            .is_ok_and(|w| w.base_path(scenario).file_stem() == scenario.file_stem())
}

/// `strife sensitivity`: Morris or Sobol' indices of a metric over the scenario's uncertain
/// inputs (or `--vary` ranges), every model run in parallel with common random numbers.
pub fn sensitivity(args: &SensitivityArgs, command_line: Vec<String>) -> Result<()> {
    use crate::output::sensitivity::{
        samples_csv, sensitivity_csv, sensitivity_summary_json, sensitivity_text,
    };
    use crate::run::sensitivity::{Method, Settings, evaluations, factors, run_sensitivity};
    check_days(args.run.days)?;
    let loaded = load_with_overrides(&args.scenario, &args.run.set)?;
    let theatre = crate::sim::build_theatre(&loaded.central()?)?;
    crate::run::metrics::Metric::parse(&args.metric, &theatre)?;
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
    let out = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| result_dir(&args.scenario, &args.run.set, "sensitivity"));
    let key = write::ResultKey::new("sensitivity", &[&args.scenario], &args.run.set);
    let claim = write::claim(&out, key, args.output.force)?;
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
    files.extend(crate::output::plot::sensitivity_plots(&record)?);
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
    let out = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| result_dir(&args.scenario, &args.run.set, "hindcast"));
    let key = write::ResultKey::new("hindcast", &[&args.scenario], &args.run.set);
    let claim = write::claim(&out, key, args.output.force)?;
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
    files.extend(crate::output::plot::hindcast_plots(&record)?);
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

/// Write an analysis's files with its report (the first file is the table it shows) and print
/// its findings: the end of `sensitivity` and `hindcast`. `page` is (title, context,
/// description).
fn write_analysis(
    claim: write::Claim,
    output: &OutputSettings,
    out: &Path,
    mut files: Vec<(String, Vec<u8>)>,
    page: (&str, &str, &str),
    text: String,
    manifest: &Manifest,
) -> Result<()> {
    let (title, context, description) = page;
    let table = files
        .first()
        .map(|(_, bytes)| bytes.clone())
        .unwrap_or_default();
    let report =
        report::analysis_report(title, context, description, &text, &table, &files, manifest)?;
    files.push(("report.html".to_owned(), report));
    let written = claim.write(&files)?;
    finish(output, &files, out, written.len(), || text)
}
