//! `strife run --watch`: run, then run again and rewrite the outputs and report every time the
//! scenario file changes. The file is read twice a second and compared by content, so an edit
//! is seen whatever the file system's clock; a bad edit prints its errors and the watch goes
//! on. Ctrl-C ends it.

use std::path::Path;
use std::time::Duration;

use crate::cli::RunArgs;
use crate::error::Result;
use crate::output::summary::sha256_hex;

/// How often the file is read.
const POLL: Duration = Duration::from_millis(500);

/// What the watch compares: the file's SHA-256, or `None` while it cannot be read (e.g. in the
/// middle of a save that replaces it).
fn fingerprint(path: &Path) -> Option<String> {
    std::fs::read(path).ok().map(|bytes| sha256_hex(&bytes))
}

/// Watch `args.scenario`, running `args` (without `--watch`) at the start and after every
/// change. Returns only if the first run cannot even start (e.g. the output folder cannot be
/// written); otherwise it runs until the process is interrupted.
pub fn watch(args: &RunArgs, command_line: Vec<String>) -> Result<()> {
    let mut args = args.clone();
    args.watch = false;
    let path = args.scenario.clone();
    let mut last: Option<Option<String>> = None;
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
