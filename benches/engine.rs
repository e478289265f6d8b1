//! Benchmarks of the engine (criterion): `cargo bench --bench engine`.
//!
//! - `goma/run_60_days`: one 60-day run of the Goma scenario at hourly ticks (world built,
//!   run, record collected; no I/O).
//! - `goma/ensemble_1000_runs_with_plots`: the command `strife run scenarios/goma_2025.ron
//!   --runs 1000` end to end (runs, statistics, tables and plots written), wall time.
//! - `per_tick/N_units`: the cost of one tick on a synthetic theatre of N units (places = N/10,
//!   factions = N/40 between 4 and 120), averaged over its first two days; building the world is
//!   not timed. `per_tick_500_places/N_units`: the same with the places fixed at 500.
//! - `per_tick_60_days/N_units`: the cost of a tick averaged over a whole 60-day run (1,440
//!   ticks) of the same synthetic theatres (1,000 and 10,000 units), world built outside the
//!   timing: the war as it goes on, not only its first days.
//! - `theatre/5000_units_60_days`: a 120-faction, 500-place, 5,000-unit theatre run for 60 days.
//! - `theatre/5000_units_command`: the command `strife run big.ron` on that theatre, end to end
//!   (tables, plots and report written), wall time.
//!
//! docs/PERFORMANCE.md records the figures and what the profiles showed.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use strife::generate::{GenerateOptions, generate, generate_ron};
use strife::run::one::Simulation;
use strife::run::{RunOptions, run_loaded, run_one};
use strife::scenario::load_scenario;

fn goma(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = root.join("scenarios/goma_2025.ron");
    let loaded = match load_scenario(&scenario) {
        Ok(loaded) => loaded,
        Err(e) => panic!("the Goma scenario does not load:\n{e}"),
    };
    let mut group = c.benchmark_group("goma");
    group.bench_function("run_60_days", |b| {
        b.iter(|| {
            let options = RunOptions {
                seed: black_box(20_250_127),
                days: Some(60.0),
            };
            run_loaded(&loaded, options).map(|r| r.ticks)
        })
    });
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(40));
    let out = tempfile_dir();
    group.bench_function("ensemble_1000_runs_with_plots", |b| {
        b.iter(|| {
            let status = Command::new(env!("CARGO_BIN_EXE_strife"))
                .arg("run")
                .arg(&scenario)
                .args(["--runs", "1000", "--force", "--quiet", "--out"])
                .arg(&out)
                .status();
            assert!(matches!(status, Ok(s) if s.success()), "ensemble failed");
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&out);
}

fn synthetic(units: usize, places: usize, days: u32) -> strife::scenario::Scenario {
    let options = GenerateOptions {
        places,
        units,
        factions: (units / 40).clamp(4, 120),
        sides: 4,
        seed: 1,
        days,
    };
    match generate(&options) {
        Ok(scenario) => scenario,
        Err(e) => panic!("generating {units} units: {e}"),
    }
}

fn per_tick(c: &mut Criterion) {
    // Places grow with the units (one place per ten units), then stay at 500 while the units
    // grow: the first shows the whole theatre growing, the second the units alone.
    let cases = [
        ("per_tick", 100, 10),
        ("per_tick", 1_000, 100),
        ("per_tick", 10_000, 1_000),
        ("per_tick_500_places", 1_000, 500),
        ("per_tick_500_places", 10_000, 500),
    ];
    for (group, units, places) in cases {
        tick_cost(c, group, units, places);
    }
}

/// The world of a synthetic theatre of `units` units built, seed 1, before its first tick.
fn started(scenario: &strife::scenario::Scenario, units: usize) -> Simulation {
    let options = RunOptions {
        seed: 1,
        days: None,
    };
    match Simulation::new(scenario, options) {
        Ok(simulation) => simulation,
        Err(e) => panic!("{units} units: {e}"),
    }
}

fn per_tick_whole_run(c: &mut Criterion) {
    // 60 days at hourly ticks. A run that ends early stops ticking (`tick` does nothing once it
    // has ended), so the synthetic theatres are checked to last the 60 days.
    const TICKS: u64 = 1_440;
    let mut group = c.benchmark_group("per_tick_60_days");
    group.sample_size(10);
    group.throughput(Throughput::Elements(TICKS));
    for (units, places) in [(1_000, 100), (10_000, 1_000)] {
        let scenario = synthetic(units, places, 60);
        let start = || started(&scenario, units);
        let mut probe = start();
        while !probe.tick() {}
        assert_eq!(probe.ticks(), TICKS, "{units} units: the run ends early");
        group.bench_function(format!("{units}_units"), |b| {
            b.iter_batched(
                start,
                |mut simulation| {
                    while !simulation.tick() {}
                    simulation
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn tick_cost(c: &mut Criterion, group: &str, units: usize, places: usize) {
    const TICKS: u64 = 48;
    let mut group = c.benchmark_group(group);
    group.sample_size(10);
    group.throughput(Throughput::Elements(TICKS));
    {
        let scenario = synthetic(units, places, 60);
        group.bench_function(format!("{units}_units"), |b| {
            b.iter_batched(
                || started(&scenario, units),
                |mut simulation| {
                    for _ in 0..TICKS {
                        simulation.tick();
                    }
                    simulation
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn large_theatre(c: &mut Criterion) {
    let scenario = match generate(&GenerateOptions::default()) {
        Ok(scenario) => scenario,
        Err(e) => panic!("generating the large theatre: {e}"),
    };
    let mut group = c.benchmark_group("theatre");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("5000_units_60_days", |b| {
        b.iter(|| {
            run_one(
                &scenario,
                RunOptions {
                    seed: 1,
                    days: None,
                },
            )
            .map(|r| r.ticks)
        })
    });
    // The whole command a user runs on it: the scenario file written once, then `strife run`.
    let dir = tempfile_dir();
    let file = dir.join("big.ron");
    let written = std::fs::create_dir_all(&dir)
        .map_err(|e| e.to_string())
        .and_then(|()| generate_ron(&GenerateOptions::default()).map_err(|e| e.to_string()))
        .and_then(|text| std::fs::write(&file, text).map_err(|e| e.to_string()));
    if let Err(e) = written {
        panic!("writing {}: {e}", file.display());
    }
    let out = dir.join("big-out");
    group.bench_function("5000_units_command", |b| {
        b.iter(|| {
            let status = Command::new(env!("CARGO_BIN_EXE_strife"))
                .arg("run")
                .arg(&file)
                .args(["--force", "--quiet", "--out"])
                .arg(&out)
                .status();
            assert!(matches!(status, Ok(s) if s.success()), "the command failed");
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("strife-bench-{}", std::process::id()))
}

/// The allocator of the `strife` binary, so that the figures are those a user gets.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

criterion_group!(benches, goma, per_tick, per_tick_whole_run, large_theatre);
criterion_main!(benches);
