//! `strife completions SHELL`: the shell completion script.

use crate::output::write::print_stdout;

use crate::cli::Cli;
use crate::error::Result;

/// `strife completions SHELL`: the completion script of every subcommand and flag, on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    use clap::CommandFactory;
    // Into memory first: clap_complete panics on a failed write.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "strife", &mut script);
    print_stdout(&String::from_utf8_lossy(&script))
}
