//! Run one scenario with one seed: build the world, tick until an end condition, collect the record.

use bevy_ecs::schedule::{LogLevel, Schedule};
use bevy_ecs::system::RunSystemOnce;
use bevy_ecs::world::World;

use super::record::{ContingentCasualties, RunRecord};
use crate::error::{Error, Result};
use crate::scenario::{LoadedScenario, Scenario};
use crate::sim::components::{Casualties, Strength, Unit};
use crate::sim::politics::{Ceasefires, EscalationState, EventsFired, PoliticalStatus, Politics};
use crate::sim::resources::{RunLog, RunStatus, Theatre};
use crate::sim::{build_schedule, build_world, systems};

/// Options of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunOptions {
    /// Seed of the run's random-number generator.
    pub seed: u64,
    /// Day limit (defaults to the scenario's `duration_days`).
    pub days: Option<f64>,
}

/// Run a loaded scenario once with `seed`: draw its uncertain inputs, run, and keep the draws
/// in the record.
pub fn run_loaded(loaded: &LoadedScenario, options: RunOptions) -> Result<RunRecord> {
    let (scenario, draws) = loaded.resolve(options.seed)?;
    let mut record = run_one(&scenario, options)?;
    record.inputs = draws;
    Ok(record)
}

/// Run `scenario` once and return its record. Pure: no I/O.
pub fn run_one(scenario: &Scenario, options: RunOptions) -> Result<RunRecord> {
    let mut simulation = Simulation::new(scenario, options)?;
    while !simulation.tick() {}
    simulation.finish(scenario)
}

/// One run in progress: the world and its schedule, advanced a tick at a time. [`run_one`] is
/// `new`, `tick` until it says the run ended, then `finish`; benchmarks time the ticks alone.
pub struct Simulation {
    world: World,
    schedule: Schedule,
    seed: u64,
    ticks: u64,
    days: f64,
}

impl Simulation {
    /// Build the world for `scenario` and record its starting state.
    pub fn new(scenario: &Scenario, options: RunOptions) -> Result<Self> {
        let days = options.days.unwrap_or(scenario.duration_days);
        if !(days.is_finite() && days > 0.0) {
            return Err(Error::Usage(format!(
                "--days must be a positive number of days, not {days}"
            )));
        }
        let mut world = build_world(scenario, options.seed, days)?;
        world
            .run_system_once(systems::record_start)
            .map_err(|e| Error::Internal(format!("recording the start: {e}")))?;
        Ok(Self {
            world,
            schedule: build_schedule(LogLevel::Ignore),
            seed: options.seed,
            ticks: 0,
            days,
        })
    }

    /// Advance one tick; returns true once the run has ended (an end condition or the day
    /// limit). Ticking an ended run does nothing.
    pub fn tick(&mut self) -> bool {
        if !self.ended() {
            self.schedule.run(&mut self.world);
            self.ticks += 1;
        }
        self.ended()
    }

    /// Whether the run has ended.
    pub fn ended(&self) -> bool {
        self.world.resource::<RunStatus>().ended.is_some()
    }

    /// Ticks run so far.
    pub fn ticks(&self) -> u64 {
        self.ticks
    }

    /// The record of an ended run (`scenario` is the one the run was built from).
    pub fn finish(mut self, scenario: &Scenario) -> Result<RunRecord> {
        let ticks = self.ticks;
        let world = &mut self.world;
        let end = world
            .resource_mut::<RunStatus>()
            .ended
            .take()
            .ok_or_else(|| Error::Internal("run stopped without a reason".into()))?;
        let log = std::mem::take(&mut *world.resource_mut::<RunLog>());
        let politics = world.resource::<Politics>().clone();
        let political = world.resource::<PoliticalStatus>().clone();
        let ceasefires = world.resource::<Ceasefires>().history.clone();
        let highest_rung = world.resource::<EscalationState>().highest;
        let events_fired = world.resource::<EventsFired>().at.clone();
        let theatre = world.resource::<Theatre>().clone();

        let mut units: Vec<(usize, usize, Option<String>, u32, Casualties)> = world
            .query::<(&Unit, &Strength, &Casualties)>()
            .iter(world)
            .map(|(u, s, c)| (u.index, u.faction, u.contingent.clone(), s.personnel, *c))
            .collect();
        units.sort_by_key(|u| u.0);
        let mut casualties: Vec<ContingentCasualties> = Vec::new();
        for (index, faction, contingent, personnel, c) in units {
            let contingent = contingent.unwrap_or_default();
            let committed = scenario.units[index].personnel.round() as u32;
            let paper = scenario.units[index]
                .paper_personnel
                .map_or(committed, |p| (p.round() as u32).max(committed));
            let row = match casualties
                .iter_mut()
                .find(|r| r.faction == faction && r.contingent == contingent)
            {
                Some(row) => row,
                None => {
                    casualties.push(ContingentCasualties {
                        faction,
                        contingent,
                        killed: 0,
                        wounded: 0,
                        captured: 0,
                        deserted: 0,
                        personnel_end: 0,
                        personnel_committed: 0,
                        paper_committed: 0,
                    });
                    casualties
                        .last_mut()
                        .ok_or_else(|| Error::Internal("empty casualty table".into()))?
                }
            };
            row.killed += c.killed;
            row.wounded += c.wounded;
            row.captured += c.captured;
            row.deserted += c.deserted;
            row.personnel_end += personnel;
            row.personnel_committed += committed + c.recruited;
            row.paper_committed += paper + c.recruited;
        }
        casualties.sort_by_key(|r| r.faction);

        Ok(RunRecord {
            scenario_name: scenario.name.clone(),
            start_date: scenario.start_date,
            tick_hours: scenario.tick_hours,
            seed: self.seed,
            days: self.days,
            theatre,
            samples: log.samples,
            events: log.events,
            captures: log.captures,
            casualties,
            end,
            ticks,
            inputs: Vec::new(),
            politics,
            political,
            ceasefires,
            highest_rung,
            events_fired,
        })
    }
}
