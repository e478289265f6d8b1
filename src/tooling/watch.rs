//! `strife run --watch`: run, then run again and rewrite the outputs and report every time the
//! scenario file changes (for a what-if, its base files too). The files are read twice a second
//! and compared by content, so an edit is seen whatever the file system's clock; a bad edit
//! prints its errors and the watch goes on. Ctrl-C ends it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cli::RunArgs;
use crate::error::Result;
use crate::output::summary::sha256_hex;
use crate::scenario::whatif::{WhatIf, is_whatif};

/// How often the file is read.
const POLL: Duration = Duration::from_millis(500);

/// Longest chain of what-if bases followed.
const MAX_BASES: usize = 16;

/// The file at `path` and, if it is a what-if, its base, the base's base and so on (as far as
/// they can be read and parsed).
fn watched_files(path: &Path) -> Vec<PathBuf> {
    let mut files = vec![path.to_path_buf()];
    while files.len() <= MAX_BASES {
        let Some(last) = files.last() else { break };
        let Ok(text) = std::fs::read_to_string(last) else {
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

/// What the watch compares: the SHA-256 of every watched file, or `None` while one cannot be
/// read (e.g. in the middle of a save that replaces it).
fn fingerprint(path: &Path) -> Option<Vec<String>> {
    watched_files(path)
        .iter()
        .map(|file| std::fs::read(file).ok().map(|bytes| sha256_hex(&bytes)))
        .collect()
}

/// Watch `args.scenario`, running `args` (without `--watch`) at the start and after every
/// change. Returns only if the first run cannot even start (e.g. the output folder cannot be
/// written); otherwise it runs until the process is interrupted.
pub fn watch(args: &RunArgs, command_line: Vec<String>) -> Result<()> {
    let mut args = args.clone();
    args.watch = false;
    let path = args.scenario.clone();
    let mut last: Option<Option<Vec<String>>> = None;
    loop {
        let now = fingerprint(&path);
        if last.as_ref() != Some(&now) {
            let first = last.is_none();
            last = Some(now.clone());
            if now.is_none() {
                eprintln!("{}: cannot be read; waiting for it", path.display());
            } else {
                if !first {
                    eprintln!("\n{} changed: running again", path.display());
                }
                match crate::commands::run(&args, command_line.clone()) {
                    // Replacing its own result is what the watch is for.
                    Ok(()) => args.output.force = true,
                    Err(e) => eprintln!("{e}"),
                }
                eprintln!("Watching {} for changes (Ctrl-C to stop)", path.display());
            }
        }
        std::thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
