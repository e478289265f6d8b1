//! Run a scenario a number of times with no output but timings: for profilers.
//!
//! `cargo run --release --example simulate -- SCENARIO [RUNS] [DAYS]`, e.g. under
//! `valgrind --tool=callgrind` or `perf record` (see docs/PERFORMANCE.md).

use std::time::Instant;

use strife::run::{RunOptions, run_loaded};
use strife::scenario::load_scenario;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: simulate SCENARIO [RUNS] [DAYS]");
        return std::process::ExitCode::from(2);
    };
    let runs: u64 = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(1);
    let days: Option<f64> = args.get(2).and_then(|d| d.parse().ok());
    let loaded = match load_scenario(std::path::Path::new(path)) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let mut ticks = 0;
    for k in 0..runs {
        match run_loaded(
            &loaded,
            RunOptions {
                seed: loaded.scenario.seed + k,
                days,
            },
        ) {
            Ok(record) => ticks += record.ticks,
            Err(e) => {
                eprintln!("{e}");
                return std::process::ExitCode::from(1);
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{runs} runs, {ticks} ticks: {:.3} ms per run, {:.1} µs per tick",
        1e3 * seconds / runs as f64,
        1e6 * seconds / ticks.max(1) as f64
    );
    std::process::ExitCode::SUCCESS
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
