//! `strife merge`: shards of an ensemble combined into what one machine would write.

use std::path::Path;

use crate::cli::MergeArgs;
use crate::error::{Error, Result};
use crate::output::summary::sha256_hex;
use crate::output::write;
use crate::run::ensemble::run_digests;
use crate::scenario::Override;
use crate::scenario::load_with_overrides;

use super::result_dir;
use super::run::write_ensemble;

/// `strife merge`: combine shards into exactly the tables and summary one machine would write.
pub fn merge(args: &MergeArgs, command_line: Vec<String>) -> Result<()> {
    // An experiment's shards (`experiment … --shard I/N`) merge into an experiment's files.
    let first_file = args.shards.first().map(|d| d.join("shard.json"));
    if first_file
        .and_then(|f| {
            crate::scenario::load::read_regular_file(&f, crate::run::ensemble::MAX_SHARD_BYTES).ok()
        })
        .is_some_and(|bytes| crate::run::experiment::is_experiment_shard(&bytes))
    {
        return super::experiment::merge_experiment(args, command_line);
    }
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
    // The same runs on one machine: the shards' command without --shard and --out.
    let head = [
        "run",
        &first.scenario_file,
        "--runs",
        &first.runs.to_string(),
    ]
    .map(String::from);
    let one_machine = one_machine_command(&head, first.master_seed, first.days, &first.set);
    write_ensemble(
        claim,
        &out,
        &ensemble,
        &loaded,
        (command_line, Some(one_machine)),
        (&args.output, crate::output::TableFormat::Csv),
    )
}

/// The command that makes on one machine what shards made: `strife`, then `head` (the
/// subcommand and its main arguments), the master seed, the day limit if one was given, and
/// the overrides, in the order the shards' command had them.
pub(super) fn one_machine_command(
    head: &[String],
    seed: u64,
    days: Option<f64>,
    set: &[String],
) -> Vec<String> {
    let mut command = vec!["strife".to_owned()];
    command.extend(head.iter().cloned());
    command.extend(["--seed".to_owned(), seed.to_string()]);
    if let Some(days) = days {
        command.extend(["--days".to_owned(), days.to_string()]);
    }
    for s in set {
        command.extend(["--set".to_owned(), s.clone()]);
    }
    command
}
