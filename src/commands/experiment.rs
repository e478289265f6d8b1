//! `strife experiment`: run a design file (uncertainties × policies × seeds), or one shard of
//! it, and write its experiments × outcomes table, summaries, plots and report; and the merge
//! of an experiment's shards.

use crate::output::series::{SeriesWriter, run_batch};
use crate::run::RunRecord;
use crate::run::ensemble::{blocks, streaming_block};
use std::path::Path;

use crate::cli::{ExperimentArgs, MergeArgs, OutputSettings};
use crate::error::{Error, Result};
use crate::output::experiment::{
    design_csv, experiment_text, experiments_csv, summary_csv, summary_json,
};
use crate::output::report::html::thousands;
use crate::output::summary::{Manifest, sha256_hex};
use crate::output::write::{self, print_stdout};
use crate::run::experiment::{
    Design, DesignOptions, EXPERIMENT_SHARD_FORMAT, ExperimentRun, ExperimentShard, check_rows,
    load_design, read_experiment_shards,
};
use crate::scenario::Override;

use super::{check_days, claim_output, finish, result_dir, with_progress};

/// The commented example design `--template` prints.
pub const TEMPLATE: &str = include_str!("../run/experiment_template.ron");

/// `strife experiment`: check a design, then run it (or one shard of it) in parallel.
pub fn experiment(args: &ExperimentArgs, command_line: Vec<String>) -> Result<()> {
    if args.template {
        return print_stdout(TEMPLATE);
    }
    let path = args
        .design
        .as_ref()
        .ok_or_else(|| Error::Usage("give a design file (or --template)".into()))?;
    check_days(args.run.days)?;
    let options = DesignOptions {
        set: args.run.set.clone(),
        seed: args.run.seed,
        days: args.run.days,
    };
    let design = load_design(path, &options)?;
    let total = design.total_runs();
    if args.check {
        if !args.output.quiet {
            print_stdout(&format!(
                "{}: valid; {} scenarios ({}) × {} policies × {} seeds = {} runs of {} days\n",
                design.file,
                design.points.len(),
                design.spec.sampler.word(),
                design.policies.len(),
                design.seeds,
                thousands(total as f64),
                design.days
            ))?;
        }
        return Ok(());
    }
    if let Some(shard) = args.shard {
        let kind = format!("experiment-shard-{}-of-{}", shard.index, shard.count);
        let (out, claim) = claim_output(&args.output, path, &args.run.set, &kind)?;
        let block = shard.runs(total);
        let rows = with_progress(
            args.run.jobs,
            block.end - block.start,
            &args.output,
            |tick| design.run_block(block.clone(), tick),
        )?;
        let file = ExperimentShard {
            format: EXPERIMENT_SHARD_FORMAT.into(),
            design_file: design.file.clone(),
            design_sha256: sha256_hex(design.source.as_bytes()),
            scenario_sha256: sha256_hex(design.base.source.as_bytes()),
            set: args.run.set.iter().map(ToString::to_string).collect(),
            master_seed: design.master_seed,
            days: args.run.days,
            runs: total,
            shard,
            rows,
        };
        let bytes = serde_json::to_vec(&file)
            .map_err(|e| Error::Internal(format!("writing shard.json: {e}")))?;
        let mut manifest = manifest(&design, total, command_line);
        manifest.shard = Some(shard);
        claim.write(&[
            ("shard.json".to_owned(), bytes),
            ("manifest.json".to_owned(), manifest.to_json()?),
        ])?;
        if !(args.output.quiet || args.output.json) {
            print_stdout(&format!(
                "Shard {}/{}: runs {}–{} of {total} written to {}\n",
                shard.index,
                shard.count,
                block.start,
                block.end.saturating_sub(1),
                out.display()
            ))?;
        }
        return Ok(());
    }
    let (out, mut claim) = claim_output(&args.output, path, &args.run.set, "experiment")?;
    let rows = match args.series {
        None => with_progress(args.run.jobs, total, &args.output, |tick| {
            design.run_block(0..total, tick)
        })?,
        Some(resolution) => {
            let mut series = SeriesWriter::create(&claim.stream_file("series.parquet")?)?;
            let make = |r: u64, record: &RunRecord| run_batch(r, record, resolution);
            let rows = with_progress(args.run.jobs, total, &args.output, |tick| {
                let mut rows = Vec::with_capacity(total as usize);
                for block in blocks(0..total, streaming_block()) {
                    for (row, batch) in design.run_block_with(block, tick, &make)? {
                        series.append(&batch)?;
                        rows.push(row);
                    }
                }
                Ok(rows)
            })?;
            series.finish()?;
            rows
        }
    };
    write_experiment(
        claim,
        &out,
        &design,
        &rows,
        (command_line, None),
        &args.output,
    )
}

/// The manifest of `design`'s `runs` runs: the base scenario's, with the design file (and a
/// CSV of points) among the files read.
fn manifest(design: &Design, runs: u64, command_line: Vec<String>) -> Manifest {
    let mut m = Manifest::of_scenario(&design.base, design.master_seed, design.days, command_line);
    m.runs = Some(runs);
    let mut read = vec![(design.file.clone(), sha256_hex(design.source.as_bytes()))];
    if let Some(csv) = &design.csv {
        read.push(csv.clone());
    }
    read.extend(std::mem::take(&mut m.files_read));
    m.files_read = read;
    m
}

/// Write an experiment's files and report (and print its summary): the same for one machine
/// and for merged shards.
fn write_experiment(
    claim: write::Claim,
    out: &Path,
    design: &Design,
    rows: &[ExperimentRun],
    (command_line, one_machine): (Vec<String>, Option<Vec<String>>),
    output: &OutputSettings,
) -> Result<()> {
    let mut manifest = manifest(design, design.total_runs(), command_line);
    manifest.one_machine_command = one_machine;
    let summary = summary_csv(design, rows)?;
    let table = experiments_csv(design, rows)?;
    let (names, infos) = crate::output::experiment::experiments_columns(design);
    let parquet = crate::output::parquet::csv_to_parquet(&table, Some(&names), &infos)?;
    let columns = crate::output::parquet::columns_csv(&names, &infos)?;
    let mut files = vec![
        ("summary.csv".to_owned(), summary.clone()),
        ("experiments.csv".to_owned(), table),
        ("experiments.parquet".to_owned(), parquet),
        ("columns.csv".to_owned(), columns),
        ("design.csv".to_owned(), design_csv(design)?),
        ("summary.json".to_owned(), summary_json(design, rows)?),
        ("manifest.json".to_owned(), manifest.to_json()?),
    ];
    files.extend(crate::output::plot::experiment_plots(
        design,
        rows,
        output.plots,
    )?);
    let title = format!("{} — experiment", design.name());
    let context = format!(
        "{} scenarios ({}) × {} policies × {} seeds = {} runs of {} days, master seed {}",
        design.points.len(),
        design.spec.sampler.word(),
        design.policies.len(),
        design.seeds,
        thousands(design.total_runs() as f64),
        design.days,
        design.master_seed
    );
    let text = experiment_text(design, rows);
    let description = if design.spec.description.is_empty() {
        design.base.scenario.description.clone()
    } else {
        design.spec.description.clone()
    };
    let report = crate::output::report::analysis_report(
        &title,
        &context,
        &description,
        &text,
        &summary,
        &files,
        &manifest,
    )?;
    files.push(("report.html".to_owned(), report));
    let written = claim.write(&files)?;
    finish(output, &files, out, written.len(), || text)
}

/// `strife merge` of an experiment's shards: exactly the files one machine writes.
pub(super) fn merge_experiment(args: &MergeArgs, command_line: Vec<String>) -> Result<()> {
    let shards = read_experiment_shards(&args.shards)?;
    let first = shards[0].clone();
    let set: Vec<Override> = first
        .set
        .iter()
        .map(|s| s.parse::<Override>().map_err(Error::Usage))
        .collect::<Result<_>>()?;
    let path = Path::new(&first.design_file);
    let design = load_design(
        path,
        &DesignOptions {
            set: set.clone(),
            seed: Some(first.master_seed),
            days: first.days,
        },
    )?;
    if sha256_hex(design.source.as_bytes()) != first.design_sha256
        || sha256_hex(design.base.source.as_bytes()) != first.scenario_sha256
    {
        return Err(Error::Usage(format!(
            "{} or its scenario has changed since the shards were run (its SHA-256 differs)",
            first.design_file
        )));
    }
    if design.total_runs() != first.runs {
        return Err(Error::Usage(format!(
            "{} now has {} runs; the shards were run for {}",
            first.design_file,
            design.total_runs(),
            first.runs
        )));
    }
    let rows: Vec<ExperimentRun> = shards.into_iter().flat_map(|s| s.rows).collect();
    check_rows(&design, &rows)?;
    let out = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| result_dir(path, &set, "experiment"));
    let key = write::ResultKey::new("experiment", &[path], &set);
    let claim = write::claim(&out, key, args.output.force)?;
    let head = ["experiment".to_owned(), first.design_file.clone()];
    let one_machine =
        super::merge::one_machine_command(&head, first.master_seed, first.days, &first.set);
    write_experiment(
        claim,
        &out,
        &design,
        &rows,
        (command_line, Some(one_machine)),
        &args.output,
    )
}
