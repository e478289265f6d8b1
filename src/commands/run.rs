//! `strife run`: one run, an ensemble (`--runs`), or one shard of an ensemble (`--shard`).

use std::path::Path;

use crate::output::write::print_stdout;

use crate::cli::{OutputSettings, RunArgs};
use crate::error::{Error, Result};
use crate::output::TableFormat;
use crate::output::ensemble::{
    ensemble_summary_json, ensemble_text, runs_columns, runs_csv, runs_csv_to,
};
use crate::output::parquet::{columns_csv, csv_to_parquet_from};
use crate::output::series::{SeriesWriter, run_batch};
use crate::output::summary::sha256_hex;
use crate::output::summary::{Manifest, text_summary};
use crate::output::{report, run_outputs_into, write};
use crate::run::RunRecord;
use crate::run::ensemble::run_digests;
use crate::run::ensemble::{EnsembleRecord, SHARD_FORMAT, Shard, ShardFile, digest};
use crate::run::ensemble::{PerRun, run_digests_streaming};
use crate::run::{RunOptions, run_loaded};
use crate::scenario::{LoadedScenario, load_with_overrides};
use arrow_array::RecordBatch;

use super::{
    check_days, claim_output, finish, manifest_of, progress_bar, thread_pool, with_progress,
};

/// `strife run`: run a scenario once, write its outputs, print a summary (`--watch` is
/// [`crate::tooling::watch()`], which calls this on every change).
pub fn run(args: &RunArgs, command_line: Vec<String>) -> Result<()> {
    check_days(args.run.days)?;
    let loaded = load_with_overrides(&args.scenario, &args.run.set)?;
    if let Some(runs) = args.runs {
        return run_ensemble_command(args, &loaded, runs, command_line);
    }
    let (out, mut claim) = claim_output(&args.output, &args.scenario, &args.run.set, "run")?;
    let seed = args.run.seed.unwrap_or(loaded.scenario.seed);
    let days = args.run.days.unwrap_or(loaded.scenario.duration_days);
    let record = run_loaded(
        &loaded,
        RunOptions {
            seed,
            days: Some(days),
        },
    )?;
    let manifest = Manifest::of_scenario(&loaded, seed, days, command_line);
    let files = run_outputs_into(
        &record,
        &manifest,
        &loaded.scenario.description,
        (args.format, args.output.plots),
        &mut claim,
    )?;
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
    let (out, mut claim) = claim_output(&args.output, &args.scenario, &args.run.set, "ensemble")?;
    let ensemble = match args.series {
        None => with_progress(args.run.jobs, runs, &args.output, |tick| {
            run_digests(loaded, master, 0..runs, args.run.days, tick)
        })?,
        Some(resolution) => {
            let path = claim.stream_file("series.parquet")?;
            let mut series = SeriesWriter::create(&path)?;
            let make = |k: u64, record: &RunRecord| run_batch(k, record, resolution);
            let mut take = |batch: RecordBatch| series.append(&batch);
            let ensemble = with_progress(args.run.jobs, runs, &args.output, |tick| {
                let per_run: PerRun<'_, RecordBatch> = (&make, &mut take);
                let days = args.run.days;
                run_digests_streaming(loaded, master, 0..runs, days, &[], tick, Some(per_run))
            })?;
            series.finish()?;
            ensemble
        }
    };
    write_ensemble(
        claim,
        &out,
        &ensemble,
        loaded,
        (command_line, None),
        (&args.output, args.format),
    )
}

/// Write an ensemble's files (and print its summary): the same for one machine and for merged
/// shards.
pub(super) fn write_ensemble(
    mut claim: write::Claim,
    out: &Path,
    ensemble: &EnsembleRecord,
    loaded: &LoadedScenario,
    (command_line, one_machine_command): (Vec<String>, Option<Vec<String>>),
    (output, format): (&OutputSettings, TableFormat),
) -> Result<()> {
    let mut manifest =
        Manifest::of_scenario(loaded, ensemble.master_seed, ensemble.days, command_line);
    manifest.runs = Some(ensemble.runs.len() as u64);
    manifest.one_machine_command = one_machine_command;
    write_runs_table(&mut claim, ensemble, format)?;
    let mut files = vec![("columns.csv".to_owned(), {
        let (names, infos) = runs_columns(ensemble);
        columns_csv(&names, &infos)?
    })];
    files.extend([
        ("summary.json".to_owned(), ensemble_summary_json(ensemble)?),
        ("manifest.json".to_owned(), manifest.to_json()?),
    ]);
    files.extend(crate::output::plot::ensemble_plots(ensemble, output.plots)?);
    let report =
        report::ensemble_report(ensemble, &loaded.scenario.description, &manifest, &files)?;
    files.push(("report.html".to_owned(), report));
    let written = claim.write(&files)?;
    finish(output, &files, out, written.len(), || {
        ensemble_text(ensemble)
    })
}

/// Write an ensemble's `runs.csv` (unless `format` is Parquet only) and `runs.parquet` straight
/// into the claimed folder: the CSV row by row, the Parquet twin read back from it (issue 20,
/// "memory of an ensemble": neither table is held whole in memory beside the runs).
fn write_runs_table(
    claim: &mut write::Claim,
    ensemble: &EnsembleRecord,
    format: TableFormat,
) -> Result<()> {
    use std::io::Write as _;
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    let (names, infos) = runs_columns(ensemble);
    let parquet_path = claim.stream_file("runs.parquet")?;
    let parquet = std::fs::File::create(&parquet_path).map_err(write_error(&parquet_path))?;
    let mut parquet = std::io::BufWriter::new(parquet);
    if format == TableFormat::Parquet {
        let runs = runs_csv(ensemble)?;
        csv_to_parquet_from(|| Ok(runs.as_slice()), Some(&names), &infos, &mut parquet)?;
    } else {
        let csv_path = claim.stream_file("runs.csv")?;
        let csv = std::fs::File::create(&csv_path).map_err(write_error(&csv_path))?;
        drop(runs_csv_to(ensemble, csv)?);
        let open = || std::fs::File::open(&csv_path).map(std::io::BufReader::new);
        csv_to_parquet_from(open, Some(&names), &infos, &mut parquet)?;
    }
    parquet.flush().map_err(write_error(&parquet_path))
}

/// `strife run --runs N --shard I/N`: run one block of the ensemble and write `shard.json`.
fn run_shard(
    args: &RunArgs,
    loaded: &LoadedScenario,
    (runs, master, shard): (u64, u64, Shard),
    command_line: Vec<String>,
) -> Result<()> {
    let kind = format!("ensemble-shard-{}-of-{}", shard.index, shard.count);
    let (out, claim) = claim_output(&args.output, &args.scenario, &args.run.set, &kind)?;
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
