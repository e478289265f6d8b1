//! `strife compare`: several scenarios run with common random numbers, and their paired differences.

use std::path::{Path, PathBuf};

use crate::cli::CompareArgs;
use crate::error::Result;
use crate::output::compare::{comparison_csv, comparison_summary_json, comparison_text};
use crate::output::ensemble::runs_csv;
use crate::output::summary::Manifest;
use crate::output::summary::sha256_hex;
use crate::output::{report, write};
use crate::run::ensemble::{compare_ensembles, compare_metrics};
use crate::scenario::{LoadedScenario, load_with_overrides};

use super::{check_days, finish, progress_bar, thread_pool};

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
    let metrics = compare_metrics(&loaded, &args.metrics)?;
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
    let ensembles = pool.install(|| {
        compare_ensembles(&loaded, &metrics, master, args.runs, args.run.days, || {
            bar.inc(1)
        })
    })?;
    bar.finish_and_clear();
    let mut manifest = Manifest::new(
        &loaded[0].file,
        &loaded[0].source,
        master,
        ensembles[0].days,
        command_line,
    );
    manifest.runs = Some(args.runs);
    manifest.files_read = loaded
        .iter()
        .flat_map(|l| l.files_read.iter().cloned())
        .fold(Vec::new(), |mut all, f| {
            if !all.contains(&f) {
                all.push(f);
            }
            all
        });
    manifest.compared = loaded
        .iter()
        .map(|l| (l.file.clone(), sha256_hex(l.source.as_bytes())))
        .collect();
    manifest.overrides = args.run.set.iter().map(ToString::to_string).collect();
    let mut files = vec![
        (
            "comparison.csv".to_owned(),
            comparison_csv(&labels, &ensembles, args.stat)?,
        ),
        (
            "summary.json".to_owned(),
            comparison_summary_json(&labels, &ensembles, args.stat)?,
        ),
        ("manifest.json".to_owned(), manifest.to_json()?),
    ];
    let runs_files = crate::output::compare::runs_file_names(&labels);
    for (file, e) in runs_files.into_iter().zip(&ensembles) {
        files.push((file, runs_csv(e)?));
    }
    files.extend(crate::output::plot::compare_plots(
        &labels,
        &ensembles,
        args.stat,
        args.output.plots,
    )?);
    let descriptions: Vec<String> = loaded
        .iter()
        .map(|l| l.scenario.description.clone())
        .collect();
    let report = report::compare_report(
        &labels,
        &ensembles,
        args.stat,
        &descriptions,
        &manifest,
        &files,
    )?;
    files.push(("report.html".to_owned(), report));
    let written = claim.write(&files)?;
    finish(&args.output, &files, &out, written.len(), || {
        comparison_text(&labels, &ensembles, args.stat)
    })
}
