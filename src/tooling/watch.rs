//! `strife run --watch`: run, then run again and rewrite the outputs and report every time the
//! scenario file changes (for a what-if, its base files too). The files are read twice a second
//! and compared by content, so an edit is seen whatever the file system's clock; a bad edit
//! prints its errors and the watch goes on. Ctrl-C ends it.
//!
//! The watch ends by itself on what an edit cannot fix: an error outside the scenario file (an
//! output folder that cannot be written, a bad flag: exit 2), a file that cannot be read for
//! `UNREADABLE_POLLS` polls in a row (exit 2), or `MAX_PANICS` failures in a row that are
//! bugs (exit 1). A bug in one run is reported and the watch goes on.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cli::RunArgs;
use crate::error::{Error, Result};
use crate::output::summary::sha256_hex;
use crate::scenario::whatif::{WhatIf, is_whatif};

/// How often the file is read.
const POLL: Duration = Duration::from_millis(500);

/// Longest chain of what-if bases followed: as far as loading follows them.
const MAX_BASES: usize = crate::scenario::load::MAX_WHATIF_DEPTH;

/// Polls in a row (a minute) after which a file that cannot be read ends the watch.
const UNREADABLE_POLLS: u32 = 120;

/// Runs in a row that end in a bug (a panic or an internal error) after which the watch ends.
const MAX_PANICS: u32 = 3;

/// A file's bytes, if it is a regular file of at most the scenario limit.
fn read_watched(path: &Path) -> Option<Vec<u8>> {
    crate::scenario::load::read_regular_file(path, crate::scenario::load::MAX_SCENARIO_BYTES).ok()
}

/// The file at `path` and, if it is a what-if, its base, the base's base and so on (as far as
/// they can be read and parsed).
fn watched_files(path: &Path) -> Vec<PathBuf> {
    let mut files = vec![path.to_path_buf()];
    while files.len() < MAX_BASES {
        let Some(last) = files.last() else { break };
        let Some(text) = read_watched(last).and_then(|b| String::from_utf8(b).ok()) else {
            break;
        };
        if !is_whatif(&text) {
            break;
        }
        let Ok(whatif) = WhatIf::parse(&text) else {
            break;
        };
        let base = whatif.base_path(last);
        if files.contains(&base) {
            break;
        }
        files.push(base);
    }
    files
}

/// What the watch compares: every watched file with its SHA-256, or `None` while one cannot be
/// read (e.g. in the middle of a save that replaces it).
fn fingerprint(path: &Path) -> Option<Vec<(PathBuf, String)>> {
    watched_files(path)
        .into_iter()
        .map(|file| read_watched(&file).map(|bytes| (file, sha256_hex(&bytes))))
        .collect()
}

/// The files of `now` that are new or changed since `before`, for the message: the base that
/// changed is named, not the what-if that names it.
fn changed_files(before: &[(PathBuf, String)], now: &[(PathBuf, String)]) -> Vec<String> {
    now.iter()
        .filter(|entry| !before.contains(entry))
        .map(|(file, _)| file.display().to_string())
        .collect()
}

/// Watch `args.scenario`, running `args` (without `--watch`) at the start and after every
/// change, until the process is interrupted or a failure an edit cannot fix (see the module).
pub fn watch(args: &RunArgs, command_line: Vec<String>) -> Result<()> {
    let mut args = args.clone();
    args.watch = false;
    let path = args.scenario.clone();
    let mut last: Option<Option<Vec<(PathBuf, String)>>> = None;
    let (mut unreadable, mut bugs) = (0u32, 0u32);
    loop {
        let now = fingerprint(&path);
        if now.is_none() {
            unreadable += 1;
            if unreadable > UNREADABLE_POLLS {
                return Err(Error::Usage(format!(
                    "{}: could not be read for {} seconds; stopped watching",
                    path.display(),
                    UNREADABLE_POLLS as u64 * POLL.as_millis() as u64 / 1000
                )));
            }
        } else {
            unreadable = 0;
        }
        if last.is_none() && now.is_none() {
            // A path that cannot be read at the start is a mistake, not a save in progress.
            run_once(&args, command_line)?;
            return Err(Error::Usage(format!("{}: cannot be read", path.display())));
        }
        if last.as_ref() != Some(&now) {
            let first = last.is_none();
            let before = last.replace(now.clone()).flatten().unwrap_or_default();
            if now.is_none() {
                eprintln!(
                    "{}: cannot be read; waiting for it (Ctrl-C to stop)",
                    path.display()
                );
            } else {
                if !first {
                    let changed = changed_files(&before, now.as_deref().unwrap_or_default());
                    let what = if changed.is_empty() {
                        path.display().to_string()
                    } else {
                        changed.join(", ")
                    };
                    eprintln!("\n{what} changed: running again");
                }
                match run_once(&args, command_line.clone()) {
                    // Replacing its own result is what the watch is for.
                    Ok(()) => {
                        args.output.force = true;
                        bugs = 0;
                    }
                    // A mistake in the scenario: the next edit may fix it.
                    Err(e @ (Error::Invalid(_) | Error::Read { .. })) => {
                        eprintln!("{e}");
                        bugs = 0;
                    }
                    Err(e @ Error::Internal(_)) => {
                        bugs += 1;
                        if bugs >= MAX_PANICS {
                            eprintln!(
                                "{MAX_PANICS} runs in a row failed with a bug; stopped watching"
                            );
                            return Err(e);
                        }
                        eprintln!("{e}");
                    }
                    // Outside the file (the output folder, a flag): no edit fixes it.
                    Err(e) => return Err(e),
                }
                eprintln!("Watching {} for changes (Ctrl-C to stop)", path.display());
            }
        }
        std::thread::sleep(POLL);
    }
}

/// One run of the watch; a panic (a bug) is caught and returned as an internal error, so that
/// it does not end the watch.
fn run_once(args: &RunArgs, command_line: Vec<String>) -> Result<()> {
    caught(|| crate::commands::run(args, command_line))
}

/// `work()`, with a panic turned into an internal error.
fn caught(work: impl FnOnce() -> Result<()>) -> Result<()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_owned());
        Err(Error::Internal(format!("this run failed: {why}")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 12: a panic in one reload ended the watch; it is an internal error now.
    #[test]
    fn a_panic_in_one_run_is_an_error_not_the_end_of_the_watch() {
        let result = caught(|| panic!("boom in a reload"));
        match result {
            Err(Error::Internal(why)) => assert!(why.contains("boom in a reload"), "{why}"),
            other => panic!("not an internal error: {other:?}"),
        }
        assert!(caught(|| Ok(())).is_ok());
    }

    #[test]
    fn a_what_if_is_watched_with_its_bases() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let files = watched_files(&root.join("scenarios/whatif/no_rdf.ron"));
        assert_eq!(files.len(), 2, "{files:?}");
        assert!(files[1].ends_with("goma_2025.ron"), "{files:?}");
        assert_eq!(watched_files(&root.join("scenarios/minimal.ron")).len(), 1);
        assert!(fingerprint(&root.join("no/such/file.ron")).is_none());
    }
}
