//! What bevy's schedule costs on its own: a tick of strife's shape (25 chained systems on the
//! single-threaded executor) whose systems do nothing but take their parameters.
//!
//! `cargo run --release --example schedule_overhead -- [TICKS]` prints the time per tick, per
//! system run and per resource parameter fetched, for systems taking 0 and 5 resources
//! (strife's systems take about 5 on average). Run it under `valgrind --tool=callgrind` for
//! instruction counts (see docs/PERFORMANCE.md, "Issue 20, round three").

use std::time::Instant;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{ScheduleLabel, SingleThreadedExecutor};

/// Systems in a tick, as in strife's schedule.
const SYSTEMS: usize = 25;

#[derive(Resource, Default)]
struct A(u64);
#[derive(Resource, Default)]
struct B(u64);
#[derive(Resource, Default)]
struct C(u64);
#[derive(Resource, Default)]
struct D(u64);
#[derive(Resource, Default)]
struct E(u64);

#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
struct Tick;

/// A system with no parameters.
fn bare() {}

/// A system taking five resources, four read and one written, and touching each.
fn five(a: Res<A>, b: Res<B>, c: Res<C>, d: Res<D>, mut e: ResMut<E>) {
    e.0 = e.0.wrapping_add(a.0 ^ b.0 ^ c.0 ^ d.0);
}

/// A world with the five resources and a schedule of `SYSTEMS` copies of `system`, chained.
fn build<M>(system: impl IntoSystem<(), (), M> + Copy) -> (World, Schedule) {
    let mut world = World::new();
    world.init_resource::<A>();
    world.init_resource::<B>();
    world.init_resource::<C>();
    world.init_resource::<D>();
    world.init_resource::<E>();
    let mut schedule = Schedule::new(Tick);
    schedule.set_executor(SingleThreadedExecutor::new());
    // Each copy of the function is its own system instance. They are not chained: the
    // single-threaded executor runs them one after the other either way.
    for _ in 0..SYSTEMS {
        schedule.add_systems(system);
    }
    (world, schedule)
}

/// Run `ticks` ticks of the schedule and return the time per tick, in nanoseconds.
fn time(world: &mut World, schedule: &mut Schedule, ticks: u64) -> f64 {
    schedule.run(world); // initialise outside the timing
    let started = Instant::now();
    for _ in 0..ticks {
        schedule.run(world);
    }
    started.elapsed().as_secs_f64() * 1e9 / ticks as f64
}

fn main() {
    let ticks: u64 = std::env::args()
        .nth(1)
        .and_then(|t| t.parse().ok())
        .unwrap_or(100_000);
    let (mut world, mut schedule) = build(bare);
    let bare_ns = time(&mut world, &mut schedule, ticks);
    let (mut world, mut schedule) = build(five);
    let five_ns = time(&mut world, &mut schedule, ticks);
    let per_system = bare_ns / SYSTEMS as f64;
    let per_resource = (five_ns - bare_ns) / (SYSTEMS * 5) as f64;
    println!("{ticks} ticks of {SYSTEMS} systems on the single-threaded executor:");
    println!("  no parameters:   {bare_ns:.0} ns a tick, {per_system:.1} ns a system run");
    println!(
        "  five resources:  {five_ns:.0} ns a tick, {:.1} ns a system run, {per_resource:.1} ns a resource fetched",
        five_ns / SYSTEMS as f64
    );
    println!(
        "  a 60-day hourly run (1,440 ticks) pays {:.2} ms for the schedule alone at five resources a system",
        five_ns * 1440.0 / 1e6
    );
}
