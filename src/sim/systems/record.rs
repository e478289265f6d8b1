//! The recorder: a sample of every faction and place after each tick, and the events log.

use bevy_ecs::prelude::*;

use crate::sim::components::{
    AirAsset, AirState, Casualties, Place, Population, Position, Readiness, Strength, Supply, Unit,
};
use crate::sim::messages::*;
use crate::sim::politics::{Ceasefires, EscalationState, PoliticalStatus, Tallies};
use crate::sim::resources::*;

/// The units query the recorder reads.
pub type RecordedUnits<'w, 's> = Query<
    'w,
    's,
    (
        &'static Unit,
        &'static Readiness,
        &'static Strength,
        &'static Supply,
        &'static Casualties,
    ),
>;

/// Per-faction figures of the units now.
pub fn sample_factions(theatre: &Theatre, units: &RecordedUnits) -> Vec<FactionSample> {
    let mut samples = vec![FactionSample::default(); theatre.factions.len()];
    let mut supply_weight = vec![0.0; theatre.factions.len()];
    let mut connected = vec![0.0; theatre.factions.len()];
    for (unit, readiness, strength, supply, casualties) in units {
        let s = &mut samples[unit.faction];
        s.killed += casualties.killed;
        s.wounded += casualties.wounded;
        s.captured += casualties.captured;
        s.deserted += casualties.deserted;
        if *readiness == Readiness::Active {
            s.personnel += strength.personnel;
            let p = f64::from(strength.personnel);
            supply_weight[unit.faction] += p * supply.days;
            if supply.connected {
                connected[unit.faction] += p;
            }
        }
    }
    for (i, s) in samples.iter_mut().enumerate() {
        if s.personnel > 0 {
            let p = f64::from(s.personnel);
            s.supply_days = supply_weight[i] / p;
            s.supplied_share = connected[i] / p;
        }
    }
    samples
}

/// Everything a sample is taken from.
#[derive(bevy_ecs::system::SystemParam)]
pub struct SampleSources<'w, 's> {
    theatre: Res<'w, Theatre>,
    control: Res<'w, ControlMap>,
    units: RecordedUnits<'w, 's>,
    places: Query<'w, 's, (&'static Place, &'static Population)>,
    status: Res<'w, PoliticalStatus>,
    escalation: Res<'w, EscalationState>,
    tallies: Res<'w, Tallies>,
    ceasefires: Res<'w, Ceasefires>,
    air: Query<'w, 's, (&'static AirAsset, &'static AirState)>,
}

impl SampleSources<'_, '_> {
    /// The state of the run now.
    fn sample(&self, hours: f64) -> Sample {
        let mut places = vec![PlaceSample::default(); self.theatre.places.len()];
        for (place, p) in &self.places {
            places[place.index] = PlaceSample {
                residents: p.residents,
                displaced_here: p.displaced_here,
                refugees_here: p.refugees_here,
                dead: p.dead,
                killed: p.killed,
                wounded: p.wounded,
                military_killed: self.tallies.military_killed[place.index],
                military_wounded: self.tallies.military_wounded[place.index],
                food_days: p.food_days,
            };
        }
        let totals = self.tallies.so_far();
        let mut air = vec![AirSample::default(); self.theatre.air.len()];
        for (asset, state) in &self.air {
            air[asset.index] = AirSample {
                in_service: state.in_service,
                sorties: state.sorties,
                lost: state.lost,
                grounded: state.grounded,
            };
        }
        Sample {
            hours,
            factions: sample_factions(&self.theatre, &self.units),
            control: self.control.controller.clone(),
            contested: self.control.contested.clone(),
            places,
            attention: self.status.attention.clone(),
            level: self.status.level.clone(),
            pressure_from: self.status.pressure_from.clone(),
            pressure_on: self.status.pressure_on.clone(),
            stance: self.status.stance.clone(),
            rung: self.escalation.current,
            ceasefire: self.ceasefires.in_force(),
            newly_displaced: totals.displaced,
            civilian_deaths: totals.civilian_deaths,
            peacekeepers_killed: totals.peacekeepers_killed,
            air,
        }
    }
}

/// Record the state at the start of the run (hour 0).
pub fn record_start(sources: SampleSources, mut log: ResMut<RunLog>) {
    log.samples.push(sources.sample(0.0));
}

/// All the messages the recorder turns into events.
#[derive(bevy_ecs::system::SystemParam)]
pub struct TickMessages<'w, 's> {
    arrived: MessageReader<'w, 's, ReinforcementArrived>,
    fighting: MessageReader<'w, 's, FightingStarted>,
    captured: MessageReader<'w, 's, PlaceCaptured>,
    broke: MessageReader<'w, 's, UnitBroke>,
    rallied: MessageReader<'w, 's, UnitRallied>,
    surrendered: MessageReader<'w, 's, UnitSurrendered>,
    destroyed: MessageReader<'w, 's, UnitDestroyed>,
    logged: MessageReader<'w, 's, Logged>,
}

/// Log this tick's events and take a sample.
pub fn record_tick(
    sources: SampleSources,
    clock: Res<Clock>,
    positions: Query<(&Unit, &Position)>,
    mut messages: TickMessages,
    mut log: ResMut<RunLog>,
) {
    let theatre = &sources.theatre;
    let hours = clock.hours_at_end_of_tick();
    let t = &**theatre;
    let unit = |i: usize| {
        let faction = &t.factions[t.unit_factions[i]].name;
        format!("{} ({faction})", t.unit_names[i])
    };
    let place = |i: usize| t.places[i].name.as_str();
    let mut events = Vec::new();
    for m in messages.arrived.read() {
        events.push((
            EventKind::Reinforcement,
            format!(
                "{} arrives at {} with {} personnel",
                unit(m.unit),
                place(m.place),
                m.personnel
            ),
        ));
    }
    for m in messages.fighting.read() {
        let sides: Vec<&str> = m.sides.iter().map(|&s| t.sides[s].as_str()).collect();
        events.push((
            EventKind::Fighting,
            format!(
                "fighting at {} between {}",
                place(m.place),
                sides.join(" and ")
            ),
        ));
    }
    for m in messages.captured.read() {
        events.push((
            EventKind::Capture,
            format!(
                "{} taken by {} from {}",
                place(m.place),
                t.factions[m.by].name,
                t.factions[m.from].name
            ),
        ));
        log.captures.push(CaptureRecord {
            hours,
            place: m.place,
            from: m.from,
            by: m.by,
        });
    }
    // Which units are on the move, looked up once a tick and only when some unit broke.
    let mut moving: Vec<bool> = Vec::new();
    for m in messages.broke.read() {
        if moving.is_empty() {
            moving = vec![false; t.unit_names.len()];
            for (u, p) in &positions {
                if matches!(p, Position::Moving { .. })
                    && let Some(flag) = moving.get_mut(u.index)
                {
                    *flag = true;
                }
            }
        }
        let on_the_move = moving.get(m.unit).copied().unwrap_or(false);
        let where_ = if on_the_move { "near" } else { "at" };
        let text = if m.dissolved {
            format!(
                "{} breaks {where_} {} and dissolves: its {} personnel disperse",
                unit(m.unit),
                place(m.place),
                m.deserted
            )
        } else {
            format!(
                "{} breaks {where_} {} and withdraws; {} desert, {} remain",
                unit(m.unit),
                place(m.place),
                m.deserted,
                m.personnel
            )
        };
        events.push((EventKind::Rout, text));
    }
    for m in messages.rallied.read() {
        events.push((
            EventKind::Rally,
            format!("{} rallies at {}", unit(m.unit), place(m.place)),
        ));
    }
    for m in messages.surrendered.read() {
        events.push((
            EventKind::Surrender,
            format!(
                "the last of {} gives up at {}: {} captured and {} deserted in all",
                unit(m.unit),
                place(m.place),
                m.captured,
                m.deserted
            ),
        ));
    }
    for m in messages.destroyed.read() {
        events.push((
            EventKind::Destroyed,
            format!("{} is destroyed at {}", unit(m.unit), place(m.place)),
        ));
    }
    for m in messages.logged.read() {
        events.push((m.kind, m.text.clone()));
    }
    log.events.extend(
        events
            .into_iter()
            .map(|(kind, text)| LoggedEvent { hours, kind, text }),
    );
    log.samples.push(sources.sample(hours));
}
