//! `strife generate`: a synthetic theatre of any size, as a scenario file.

use crate::output::write::print_stdout;

use crate::cli::GenerateArgs;
use crate::error::Result;
use crate::generate::{GenerateOptions, generate_ron};
use crate::output::write;

/// `strife generate`: write a synthetic theatre to standard output or `--output`.
pub fn generate(args: &GenerateArgs) -> Result<()> {
    let options = GenerateOptions {
        places: args.places,
        units: args.units,
        factions: args.factions,
        sides: args.sides.unwrap_or(args.factions.min(4)),
        seed: args.seed,
        days: args.days,
    };
    let text = generate_ron(&options)?;
    match &args.output {
        Some(path) => write::write_new_file(path, text.as_bytes(), args.force),
        None => print_stdout(&text),
    }
}
