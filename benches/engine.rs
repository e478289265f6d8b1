//! Benchmarks of the engine (criterion): `cargo bench --bench engine`.
//!
//! - `goma/run_60_days`: one 60-day run of the Goma scenario at hourly ticks (world built,
//!   run, record collected; no I/O).
//! - `goma/ensemble_1000_runs_with_plots`: the command `strife run scenarios/goma_2025.ron
//!   --runs 1000` end to end (runs, statistics, tables and plots written), wall time.
//! - `per_tick/N_units`: the cost of one tick on a synthetic theatre of N units (places = N/10,
//!   factions = N/40 between 4 and 120), averaged over its first two days; building the world is
//!   not timed. `per_tick_500_places/N_units`: the same with the places fixed at 500.
//! - `theatre/5000_units_60_days`: a 120-faction, 500-place, 5,000-unit theatre run for 60 days.
//!
//! docs/PERFORMANCE.md records the figures and what the profiles showed.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use strife::generate::{GenerateOptions, generate};
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

fn tick_cost(c: &mut Criterion, group: &str, units: usize, places: usize) {
    const TICKS: u64 = 48;
    let mut group = c.benchmark_group(group);
    group.sample_size(10);
    group.throughput(Throughput::Elements(TICKS));
    {
        let scenario = synthetic(units, places, 60);
        group.bench_function(format!("{units}_units"), |b| {
            b.iter_batched(
                || match Simulation::new(
                    &scenario,
                    RunOptions {
                        seed: 1,
                        days: None,
                    },
                ) {
                    Ok(simulation) => simulation,
                    Err(e) => panic!("{units} units: {e}"),
                },
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
    group.finish();
}

fn tempfile_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("strife-bench-{}", std::process::id()))
}

/// The allocator of the `strife` binary, so that the figures are those a user gets.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

criterion_group!(benches, goma, per_tick, large_theatre);
criterion_main!(benches);
