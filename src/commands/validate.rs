//! `strife validate`: check scenario files without running them.

use crate::output::write::print_stdout;

use crate::cli::ValidateArgs;
use crate::error::{Error, Result};
use crate::scenario::load_scenario;

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
