//! A calibration spread over machines: `strife calibrate … --spread N` writes the state of the
//! fit, `strife calibrate-step WORK --shard K/N` simulates shard K of its next batch of
//! proposals, and `strife calibrate-step WORK` folds the batch in and plans the next, until the
//! fit stops and its outputs are written, byte for byte those of the same `strife calibrate`
//! on one machine (the fit's batches do not depend on where they are simulated; see
//! [`crate::analysis::abc::Smc`]).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::analysis::abc::{Batch, FitState, Smc, simulate_batch};
use crate::cli::{CalibrateArgs, CalibrateStepArgs, Cli, Command};
use crate::error::{Error, Result};
use crate::run::calibrate::Finished;
use crate::run::ensemble::Shard;

use super::calibrate::{Setup, generation_line, setup, setup_check, write_outputs};
use super::{claim_output, thread_pool};

/// Format tag of `state.json`.
const STATE_FORMAT: &str = "strife-calibrate-state/1";
/// Format tag of a shard's file.
const SHARD_FORMAT: &str = "strife-calibrate-shard/1";
/// Largest state or shard file read, bytes: far above any fit's (100,000 particles of a few
/// dozen inputs), so that a wrong file cannot exhaust memory.
const MAX_FILE_BYTES: u64 = 1 << 30;
/// Most shards.
const MAX_SHARDS: u64 = 10_000;

/// `state.json` of a spread fit.
#[derive(Debug, Serialize, Deserialize)]
struct SpreadState {
    /// Format tag.
    format: String,
    /// The `strife calibrate` command of the fit, without `--spread`.
    command: Vec<String>,
    /// The folder the command was given in (its paths are relative to it).
    folder: PathBuf,
    /// SHA-256 of the scenario file.
    scenario_sha256: String,
    /// SHA-256 of the observed file.
    observed_sha256: String,
    /// Shards each batch is split into.
    shards: u64,
    /// The fit so far.
    fit: FitState,
}

/// What shard K writes for a batch.
#[derive(Debug, Serialize, Deserialize)]
struct ShardResult {
    /// Format tag.
    format: String,
    /// The batch.
    batch: Batch,
    /// This shard.
    shard: Shard,
    /// Its proposals' inputs, in index order.
    thetas: Vec<Vec<f64>>,
    /// Their summaries.
    summaries: Vec<Vec<f64>>,
}

/// The work folder of a spread fit writing to `out`: `OUT.spread` beside it.
fn work_folder(out: &Path) -> PathBuf {
    let mut name = out
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "calibrate".into());
    name.push(".spread");
    out.with_file_name(name)
}

/// The command without `--spread N` (or `--spread=N`).
fn without_spread(command_line: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(command_line.len());
    let mut skip = false;
    for word in command_line {
        if skip {
            skip = false;
        } else if word == "--spread" {
            skip = true;
        } else if !word.starts_with("--spread=") {
            out.push(word.clone());
        }
    }
    out
}

/// Write `bytes` to `path` through a temporary file and a rename, so a reader never sees half.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let staged = path.with_extension("json.part");
    std::fs::write(&staged, bytes).map_err(|source| Error::Write {
        path: staged.clone(),
        source,
    })?;
    std::fs::rename(&staged, path).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Read a JSON file strife wrote, refusing one too large to be its.
fn read_json<T: for<'de> Deserialize<'de>>(path: &Path, what: &str) -> Result<T> {
    let size = std::fs::metadata(path)
        .map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(Error::Usage(format!(
            "{}: {size} bytes is too large to be {what}",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "{}:{}:{}: not {what} ({e})",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

/// `strife calibrate … --spread N`: write the state of a fit spread over `shards` machines and
/// say how to go on.
pub(super) fn start(
    args: &CalibrateArgs,
    check: &(String, String),
    command_line: Vec<String>,
    shards: u64,
) -> Result<()> {
    if !(1..=MAX_SHARDS).contains(&shards) {
        return Err(Error::Usage(format!(
            "--spread {shards}: between 1 and {MAX_SHARDS} shards"
        )));
    }
    let out = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| super::result_dir(&args.scenario, &args.run.set, "calibrate"));
    let work = work_folder(&out);
    if work.join("state.json").exists() {
        return Err(Error::Usage(format!(
            "a spread fit is already under way in {}: go on with `strife calibrate-step {}`, or \
             remove that folder to start again",
            work.display(),
            work.display()
        )));
    }
    if work.exists() {
        return Err(Error::Usage(format!(
            "{} exists and strife did not write it; choose another --out",
            work.display()
        )));
    }
    // Claim the output folder now, so a folder strife must not replace is refused before any
    // simulation; the last step claims it again to write the outputs.
    drop(claim_output(
        &args.output,
        &args.scenario,
        &args.run.set,
        "calibrate",
    )?);
    std::fs::create_dir_all(&work).map_err(|source| Error::Write {
        path: work.clone(),
        source,
    })?;
    let folder = std::env::current_dir().map_err(|source| Error::Read {
        path: PathBuf::from("."),
        source,
    })?;
    // The fit's first batch needs nothing but the settings.
    let setup = setup(args)?;
    let prepared = setup.prepare()?;
    let problem = prepared.problem(&setup.settings.kind_weights);
    let smc = Smc::new(&problem, &setup.settings.abc)?;
    let state = SpreadState {
        format: STATE_FORMAT.into(),
        command: without_spread(&command_line),
        folder,
        scenario_sha256: check.0.clone(),
        observed_sha256: check.1.clone(),
        shards,
        fit: smc.start(),
    };
    save(&work, &state)?;
    if !(args.output.quiet || args.output.json) {
        let w = work.display();
        crate::output::write::print_stdout(&format!(
            "Started a fit spread over {shards} shards in {w}.\n\
             Run every shard of the next batch (one machine each, from this folder), then fold \
             it in; repeat until {} holds the outputs:\n\
             \x20 strife calibrate-step {w} --shard K/{shards}   # for K = 1..{shards}\n\
             \x20 strife calibrate-step {w}\n\
             docs/ANALYSIS.md (\"A fit spread over machines\") has a Slurm loop.\n",
            out.display()
        ))?;
    }
    Ok(())
}

/// Write `state.json` of `work`.
fn save(work: &Path, state: &SpreadState) -> Result<()> {
    let json = serde_json::to_vec_pretty(state)
        .map_err(|e| Error::Internal(format!("writing the fit's state: {e}")))?;
    write_whole(&work.join("state.json"), &json)
}

/// The fit's state and its calibration set up again from its command, checked against the
/// files it started from.
fn resume(work: &Path) -> Result<(SpreadState, CalibrateArgs, Setup)> {
    let path = work.join("state.json");
    if !path.exists() {
        return Err(Error::Usage(format!(
            "{} holds no state.json: start a spread fit with `strife calibrate … --spread N`",
            work.display()
        )));
    }
    let state: SpreadState = read_json(&path, "the state of a spread fit")?;
    if state.format != STATE_FORMAT {
        return Err(Error::Usage(format!(
            "{}: format `{}`, this strife reads `{STATE_FORMAT}`",
            path.display(),
            state.format
        )));
    }
    let here = std::env::current_dir().map_err(|source| Error::Read {
        path: PathBuf::from("."),
        source,
    })?;
    if here != state.folder {
        return Err(Error::Usage(format!(
            "run calibrate-step from {}, where the fit was started: its paths are relative to it",
            state.folder.display()
        )));
    }
    let cli = <Cli as clap::Parser>::try_parse_from(&state.command).map_err(|e| {
        Error::Usage(format!(
            "{}: the fit's command no longer parses: {e}",
            path.display()
        ))
    })?;
    let Command::Calibrate(args) = cli.command else {
        return Err(Error::Usage(format!(
            "{}: its command is not `strife calibrate`",
            path.display()
        )));
    };
    let setup = setup(&args)?;
    let (scenario, observed) = setup_check(&setup);
    if scenario != state.scenario_sha256 || observed != state.observed_sha256 {
        return Err(Error::Usage(format!(
            "{} or {} changed since the fit started; start it again",
            args.scenario.display(),
            args.observed.display()
        )));
    }
    Ok((state, args, setup))
}

/// The folder of `batch`'s shard files.
fn batch_folder(work: &Path, batch: Batch) -> PathBuf {
    work.join(format!(
        "g{}-{}-{}",
        batch.generation, batch.start, batch.end
    ))
}

/// The file of shard `shard` of `batch`.
fn shard_file(work: &Path, batch: Batch, shard: Shard) -> PathBuf {
    batch_folder(work, batch).join(format!("shard-{}-of-{}.json", shard.index, shard.count))
}

/// `strife calibrate-step WORK [--shard K/N]`.
pub fn calibrate_step(args: &CalibrateStepArgs) -> Result<()> {
    let work = &args.work;
    let (mut state, calibrate, setup) = resume(work)?;
    let jobs = args.jobs.or(calibrate.run.jobs);
    let prepared = setup.prepare()?;
    let problem = prepared.problem(&setup.settings.kind_weights);
    let smc = Smc::new(&problem, &setup.settings.abc)?;
    let say = |text: String| -> Result<()> {
        if args.quiet {
            Ok(())
        } else {
            crate::output::write::print_stdout(&text)
        }
    };
    let Some(batch) = state.fit.batch else {
        return finish(work, &state, calibrate, setup, &prepared, jobs, args.quiet);
    };
    if let Some(shard) = args.shard {
        if shard.count != state.shards {
            return Err(Error::Usage(format!(
                "--shard {}/{}: this fit is spread over {} shards (--shard K/{})",
                shard.index, shard.count, state.shards, state.shards
            )));
        }
        let mine = shard.runs(batch.end - batch.start);
        let all = smc.thetas(&state.fit, batch);
        let thetas: Vec<Vec<f64>> = all[mine.start as usize..mine.end as usize].to_vec();
        let part = Batch {
            generation: batch.generation,
            start: batch.start + mine.start,
            end: batch.start + mine.end,
        };
        let runs = setup.settings.runs_per_particle;
        let simulate = |theta: &[f64], seed: u64| {
            prepared.simulate(
                &setup.loaded,
                &setup.observations,
                &setup.targets,
                runs,
                theta,
                seed,
            )
        };
        let summaries = thread_pool(jobs)?
            .install(|| simulate_batch(setup.settings.abc.seed, part, &thetas, &simulate))?;
        let folder = batch_folder(work, batch);
        std::fs::create_dir_all(&folder).map_err(|source| Error::Write {
            path: folder.clone(),
            source,
        })?;
        let result = ShardResult {
            format: SHARD_FORMAT.into(),
            batch,
            shard,
            thetas,
            summaries,
        };
        let json = serde_json::to_vec(&result)
            .map_err(|e| Error::Internal(format!("writing a shard: {e}")))?;
        let file = shard_file(work, batch, shard);
        write_whole(&file, &json)?;
        return say(format!(
            "Shard {}/{}: simulated proposals {}..{} of generation {}; wrote {}\n",
            shard.index,
            shard.count,
            part.start,
            part.end,
            batch.generation,
            file.display()
        ));
    }
    // Fold the batch in from its shards.
    let mut thetas = Vec::with_capacity((batch.end - batch.start) as usize);
    let mut summaries = Vec::with_capacity(thetas.capacity());
    let mut missing = Vec::new();
    for index in 1..=state.shards {
        let shard = Shard {
            index,
            count: state.shards,
        };
        let file = shard_file(work, batch, shard);
        if !file.exists() {
            missing.push(index.to_string());
            continue;
        }
        let result: ShardResult = read_json(&file, "a shard of a spread fit")?;
        let mine = shard.runs(batch.end - batch.start);
        if result.format != SHARD_FORMAT
            || result.batch != batch
            || result.shard != shard
            || result.thetas.len() as u64 != mine.end - mine.start
            || result.summaries.len() != result.thetas.len()
        {
            return Err(Error::Usage(format!(
                "{}: not shard {index}/{} of this batch; run it again",
                file.display(),
                state.shards
            )));
        }
        thetas.extend(result.thetas);
        summaries.extend(result.summaries);
    }
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "batch {}..{} of generation {} lacks shard(s) {} of {}: run `strife calibrate-step \
             {} --shard K/{}` for each",
            batch.start,
            batch.end,
            batch.generation,
            missing.join(", "),
            state.shards,
            work.display(),
            state.shards
        )));
    }
    let lines = std::cell::RefCell::new(Vec::new());
    smc.fold(&mut state.fit, thetas, summaries, |g| {
        lines.borrow_mut().push(generation_line(g, 0.0))
    })?;
    save(work, &state)?;
    let mut text: String = lines
        .into_inner()
        .into_iter()
        .map(|l| {
            let trimmed = l
                .rsplit_once("  [")
                .map_or(l.as_str(), |(a, _)| a)
                .to_owned();
            trimmed + "\n"
        })
        .collect();
    match state.fit.batch {
        Some(next) => {
            text += &format!(
                "Folded proposals {}..{} of generation {}. Next: proposals {}..{} of generation \
                 {}; run its {} shards, then `strife calibrate-step {}` again.\n",
                batch.start,
                batch.end,
                batch.generation,
                next.start,
                next.end,
                next.generation,
                state.shards,
                work.display()
            );
            say(text)
        }
        None => {
            say(text)?;
            finish(work, &state, calibrate, setup, &prepared, jobs, args.quiet)
        }
    }
}

/// The fit has stopped: run its posterior predictive ensemble and write its outputs.
fn finish(
    work: &Path,
    state: &SpreadState,
    calibrate: CalibrateArgs,
    setup: Setup,
    prepared: &crate::run::calibrate::Prepared,
    jobs: Option<usize>,
    quiet: bool,
) -> Result<()> {
    let fit = state.fit.fit().ok_or_else(|| {
        Error::Internal(format!(
            "{}: the fit has no batch and no end",
            work.display()
        ))
    })?;
    let (out, claim) = claim_output(
        &calibrate.output,
        &calibrate.scenario,
        &calibrate.run.set,
        "calibrate",
    )?;
    let record = thread_pool(jobs)?.install(|| {
        Finished {
            loaded: &setup.loaded,
            inputs: setup.inputs.clone(),
            observations: &setup.observations,
            targets: &setup.targets,
            observed_file: &setup.observed_file,
            settings: setup.settings.clone(),
        }
        .finish(prepared, fit, |_| {})
    })?;
    let mut calibrate = calibrate;
    calibrate.output.quiet |= quiet;
    write_outputs(
        &calibrate,
        state.command.clone(),
        &setup,
        record,
        (out, claim),
    )
}
