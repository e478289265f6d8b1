//! The `strife` binary: parse arguments, call the library, map the result to an exit code.

use std::process::ExitCode;

use clap::Parser;
use strife::cli::{Cli, Command};
use strife::error::EXIT_OK;

/// mimalloc rather than glibc's allocator: a run makes many small, short-lived vectors (one
/// sample of a dozen vectors per tick), and an ensemble makes them on every core at once; see
/// docs/PERFORMANCE.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Die quietly when a reader closes the pipe (`strife explain … | head`), as Unix tools do,
    // instead of panicking on the next print. Rust ignores SIGPIPE by default.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to the default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let command_line: Vec<String> = std::env::args().collect();
    let result = match &cli.command {
        Command::Run(args) if args.watch => strife::tooling::watch(args, command_line),
        Command::Run(args) => strife::commands::run(args, command_line),
        Command::Validate(args) => strife::commands::validate(args),
        Command::Compare(args) => strife::commands::compare(args, command_line),
        Command::Sweep(args) => strife::commands::sweep(args, command_line),
        Command::Metrics(args) => strife::commands::metrics(args),
        Command::Merge(args) => strife::commands::merge(args, command_line),
        Command::Generate(args) => strife::commands::generate(args),
        Command::List(args) => strife::tooling::list(args),
        Command::New(args) => strife::tooling::new(args),
        Command::Explain(args) => strife::tooling::explain(args),
        Command::Completions(args) => strife::commands::completions(args.shell),
        Command::Sensitivity(args) => strife::commands::sensitivity(args, command_line),
        Command::Hindcast(args) => strife::commands::hindcast(args, command_line),
        Command::Calibrate(args) => strife::commands::calibrate(args, command_line),
        Command::CalibrateStep(args) => strife::commands::calibrate_step(args),
        Command::Experiment(args) => strife::commands::experiment(args, command_line),
        Command::Serve(args) => strife::commands::serve(args),
    };
    match result {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}
