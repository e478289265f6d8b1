//! What each subcommand does: load, run, write, report; one file per subcommand, as ripgrep
//! and hyperfine do, and here what they share (printing, progress, threads, bounds). Returns
//! errors; prints results.

mod calibrate;
mod calibrate_step;
mod compare;
mod completions;
mod experiment;
mod generate;
mod hindcast;
mod merge;
mod metrics;
mod out_dir;
mod run;
mod sensitivity;
mod serve;
mod sweep;
mod validate;

pub use calibrate::calibrate;
pub use calibrate_step::calibrate_step;
pub use compare::compare;
pub use completions::completions;
pub use experiment::experiment;
pub use generate::generate;
pub use hindcast::hindcast;
pub use merge::merge;
pub use metrics::metrics;
pub use out_dir::{default_output_dir, result_dir};
pub use run::run;
pub use sensitivity::sensitivity;
pub use serve::serve;
pub use sweep::sweep;
pub use validate::validate;

use std::path::{Path, PathBuf};

use crate::output::write::print_stdout;

use crate::cli::OutputSettings;
use crate::error::{Error, Result};
use crate::output::summary::Manifest;
use crate::output::{report, write};
use crate::scenario::{LoadedScenario, Override};

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
    let mut manifest = Manifest::of_scenario(loaded, seed, days, command_line);
    manifest.runs = Some(runs);
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

/// A thread pool of `jobs` threads (all cores if `None`); `--jobs` out of range is refused.
pub fn thread_pool(jobs: Option<usize>) -> Result<rayon::ThreadPool> {
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

/// Refuse a `--days` that is not a number of days between 0 and 3650.
pub fn check_days(days: Option<f64>) -> Result<()> {
    match days {
        Some(days) if !(days.is_finite() && days > 0.0 && days <= 3650.0) => Err(Error::Usage(
            format!("--days must be a number of days between 0 and 3650, not {days}"),
        )),
        _ => Ok(()),
    }
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

/// Claim the output folder of a `kind` result (`run`, `ensemble`, `sweep`, …) of `scenario`
/// with `set` overrides: `--out`, or the default folder named after the scenario file and the
/// kind. Returns the folder and its claim.
fn claim_output(
    output: &OutputSettings,
    scenario: &Path,
    set: &[Override],
    kind: &str,
) -> Result<(PathBuf, write::Claim)> {
    let suffix = if kind == "run" { "" } else { kind };
    let out = output
        .out
        .clone()
        .unwrap_or_else(|| result_dir(scenario, set, suffix));
    let key = write::ResultKey::new(kind, &[scenario], set);
    let claim = write::claim(&out, key, output.force)?;
    Ok((out, claim))
}
