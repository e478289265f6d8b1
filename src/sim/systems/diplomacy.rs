//! Diplomacy: covert forces are exposed; actors turn triggers and lasting conditions into a
//! stock of attention, deliberate before they adopt each instrument of their ladders, keep
//! binding instruments in force until the target complies, and put pressure on their targets.
//!
//! See docs/MODEL.md, "Diplomacy".

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::sim::components::{
    Attention, DiplomaticActor, Population, Position, Readiness, StateActorTag, StatePolicy,
    Strength, Unit,
};
use crate::sim::messages::Logged;
use crate::sim::politics::{PoliticalStatus, Politics, Tallies};
use crate::sim::resources::{Clock, ControlMap, EventKind, SimParams, Theatre};
use crate::sim::rng::{StreamKind, Streams};

/// Each covert force (`claims_territory: false`) not yet exposed may be exposed this tick,
/// the more likely the more of its troops are in the theatre.
pub fn expose_covert_forces(
    theatre: Res<Theatre>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    mut streams: ResMut<Streams>,
    units: Query<(&Unit, &Readiness, &Strength)>,
    mut tallies: ResMut<Tallies>,
    mut status: ResMut<PoliticalStatus>,
    mut log: MessageWriter<Logged>,
) {
    let rate = params.0.diplomacy.exposure_per_1000_per_day;
    for (f, faction) in theatre.factions.iter().enumerate() {
        if faction.claims_territory || tallies.exposed[f] {
            continue;
        }
        let personnel: u32 = units
            .iter()
            .filter(|(u, r, _)| u.faction == f && **r == Readiness::Active)
            .map(|(_, _, s)| s.personnel)
            .sum();
        if personnel == 0 {
            continue;
        }
        let p = 1.0 - (-rate * f64::from(personnel) / 1000.0 * clock.dt_days()).exp();
        let rng = streams.get(StreamKind::Exposure, f, &faction.id);
        if rng.random::<f64>() < p {
            tallies.exposed[f] = true;
            tallies.tick.covert_exposures += 1.0;
            status.exposures.push((clock.hours_at_end_of_tick(), f));
            log.write(Logged {
                kind: EventKind::Exposure,
                text: format!(
                    "{} troops in the theatre are exposed ({personnel} personnel)",
                    faction.name
                ),
            });
        }
    }
}

/// The conditions that last, measured once per tick: what feeds attention each day they hold.
#[derive(Debug, Clone, Default)]
struct Lasting {
    /// Millions of residents of places held by forces each state sponsors that took them.
    occupied_millions: Vec<f64>,
    /// Thousands of each state's own troops in the theatre outside its country (exposed).
    foreign_thousands: Vec<f64>,
    /// Hundreds of thousands of people displaced and away from home.
    displaced_100k: f64,
    /// Thousands of peacekeepers at places where fighting stands.
    peacekeepers_under_fire_thousands: f64,
    /// Thousands of allies' or contributors' troops that stopped fighting or left since the
    /// last tick, weighed for each state: those of sides other than the state's own.
    exit_thousands: Vec<f64>,
}

/// What the diplomacy system reads of the scenario's politics and theatre, which do not change
/// during a run, worked out once; and its buffers, kept from tick to tick.
#[derive(Debug, Default)]
pub struct DiplomacyCache {
    /// Whether the fixed part has been worked out.
    built: bool,
    /// For each faction, the state whose own forces it is (the first that names it), if any.
    state_of_force: Vec<Option<usize>>,
    /// For each faction, the states (in order) that answer for the places it holds: those whose
    /// forces or proxies it is and those held to account for its conduct.
    sponsors: Vec<Vec<usize>>,
    /// `home[place * states + state]`: whether the place is in the state's country.
    home: Vec<bool>,
    /// For each state, the sides it fights on or answers for ([`state_sides`]).
    sides: Vec<Vec<usize>>,
    /// `tick_hours` and each actor's attention kept over one tick, `exp(−decay × dt)`.
    decay: (f64, Vec<f64>),
    /// The lasting conditions of this tick.
    lasting: Lasting,
    /// For each state, whether its side holds a place it took.
    holds_taken: Vec<bool>,
    /// The holders and the number of captures `occupied_millions` and `holds_taken` were
    /// measured for: they change only with those.
    occupation_seen: Option<(Vec<usize>, usize)>,
    /// For each state, whether some of its own forces are outside its country.
    forces_abroad: Vec<bool>,
    /// For each state, whether it complies now.
    complying: Vec<bool>,
}

impl DiplomacyCache {
    /// Work out the fixed part from the run's politics and theatre.
    fn build(&mut self, politics: &Politics, theatre: &Theatre) {
        let n_states = politics.states.len();
        let n_factions = theatre.factions.len();
        self.state_of_force = (0..n_factions)
            .map(|f| politics.states.iter().position(|s| s.forces.contains(&f)))
            .collect();
        self.sponsors = (0..n_factions)
            .map(|holder| {
                politics
                    .states
                    .iter()
                    .enumerate()
                    .filter(|(i, s)| {
                        s.forces.contains(&holder)
                            || s.proxies.contains(&holder)
                            || politics
                                .faction_pressed
                                .get(holder)
                                .is_some_and(|pressed| pressed.contains(i))
                    })
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        self.home = theatre
            .places
            .iter()
            .flat_map(|place| politics.states.iter().map(|s| place.country == s.name))
            .collect();
        self.sides = state_sides(politics, theatre);
        self.decay = (f64::NAN, Vec::new());
        self.lasting = Lasting::default();
        self.holds_taken = vec![false; n_states];
        self.occupation_seen = None;
        self.forces_abroad = vec![false; n_states];
        self.complying = vec![false; n_states];
        self.built = true;
    }
}

/// Attention gained this tick by an actor: the weighted triggers (jumps) and the lasting
/// conditions (flows per day × the tick's days), damped by closeness.
fn attention_gained(
    politics: &Politics,
    actor: usize,
    tallies: &Tallies,
    lasting: &Lasting,
    dt: f64,
) -> f64 {
    let a = &politics.actors[actor];
    let w = &a.weights;
    let t = &tallies.tick;
    let jumps = w.peacekeepers_killed * t.peacekeepers_killed
        + w.city_captured
            * tallies
                .captured_millions
                .get(a.target)
                .copied()
                .unwrap_or(0.0)
        + w.civilian_deaths * t.civilian_deaths / 100.0
        + w.displaced * t.displaced / 100_000.0
        + w.covert_exposure * t.covert_exposures
        + w.ceasefire_broken * t.ceasefires_broken
        + w.rupture * t.ruptures
        + w.cross_border_fire * t.cross_border_fire
        + w.contingent_exit * lasting.exit_thousands[a.target];
    let flows = w.occupation * lasting.occupied_millions[a.target]
        + w.foreign_army * lasting.foreign_thousands[a.target]
        + w.displaced_present * lasting.displaced_100k
        + w.peacekeepers_under_fire * lasting.peacekeepers_under_fire_thousands;
    (jumps + flows * dt) * (1.0 - a.closeness).clamp(0.0, 1.0)
}

/// Measure the lasting conditions and which states comply now (their own forces out of the
/// theatre's foreign ground and nothing their side took still held by their forces or
/// proxies, or an agreement's withdrawal carried out), into the cache's `lasting` and
/// `complying`.
fn measure_lasting(
    cache: &mut DiplomacyCache,
    politics: &Politics,
    theatre: &Theatre,
    control: &ControlMap,
    tallies: &Tallies,
    units: &Query<(&Unit, &Readiness, &Position, &Strength)>,
    places: &Query<&Population>,
) {
    let n_states = politics.states.len();
    let DiplomacyCache {
        state_of_force,
        sponsors,
        home,
        lasting,
        holds_taken,
        occupation_seen,
        forces_abroad,
        complying,
        ..
    } = cache;
    // Places held by those that took them: measured again only when a place changed hands
    // (a capture is counted in `capture_ticks`, the only way `taken` grows).
    let occupation_same = occupation_seen.as_ref().is_some_and(|(holders, captures)| {
        *holders == control.controller && *captures == tallies.capture_ticks.len()
    });
    if !occupation_same {
        lasting.occupied_millions.clear();
        lasting.occupied_millions.resize(n_states, 0.0);
        holds_taken.clear();
        holds_taken.resize(n_states, false);
        for (p, place) in theatre.places.iter().enumerate() {
            let holder = control.controller[p];
            if !tallies.taken[p][holder] {
                continue;
            }
            for &i in &sponsors[holder] {
                lasting.occupied_millions[i] += place.population / 1e6;
                holds_taken[i] = true;
            }
        }
        *occupation_seen = Some((control.controller.clone(), tallies.capture_ticks.len()));
    }
    lasting.foreign_thousands.clear();
    lasting.foreign_thousands.resize(n_states, 0.0);
    lasting.displaced_100k = 0.0;
    lasting.peacekeepers_under_fire_thousands = 0.0;
    forces_abroad.clear();
    forces_abroad.resize(n_states, false);
    for (u, readiness, position, strength) in units {
        if *readiness != Readiness::Active || strength.personnel == 0 {
            continue;
        }
        let here = match *position {
            Position::At(p) => Some(p),
            Position::Moving { .. } => None,
        };
        if u.peacekeeper
            && let Some(p) = here
            && control.contested[p]
        {
            lasting.peacekeepers_under_fire_thousands += f64::from(strength.personnel) / 1000.0;
        }
        let Some(state) = state_of_force.get(u.faction).copied().flatten() else {
            continue;
        };
        let at_home = here.is_some_and(|p| home[p * n_states + state]);
        if at_home {
            continue;
        }
        forces_abroad[state] = true;
        let faction = &theatre.factions[u.faction];
        if faction.claims_territory || tallies.exposed[u.faction] {
            lasting.foreign_thousands[state] += f64::from(strength.personnel) / 1000.0;
        }
    }
    lasting.displaced_100k = places.iter().map(|p| p.displaced_here).sum::<f64>() / 100_000.0;
    complying.clear();
    complying.extend((0..n_states).map(|i| !forces_abroad[i] && !holds_taken[i]));
}

/// For each state, the sides it fights on or answers for: those of its forces and proxies and
/// of the factions that name it (`sponsor`, `pressure_on`).
fn state_sides(politics: &Politics, theatre: &Theatre) -> Vec<Vec<usize>> {
    politics
        .states
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let mut sides: Vec<usize> = st
                .forces
                .iter()
                .chain(&st.proxies)
                .copied()
                .chain(
                    (0..theatre.factions.len())
                        .filter(|&f| politics.faction_pressed[f].contains(&i)),
                )
                .map(|f| theatre.factions[f].side)
                .collect();
            sides.sort_unstable();
            sides.dedup();
            sides
        })
        .collect()
}

/// Update every actor's attention, deliberations and instruments in force, then the pressure
/// on every state.
#[allow(clippy::too_many_arguments)]
pub fn turn_triggers_into_pressure(
    politics: Res<Politics>,
    theatre: Res<Theatre>,
    params: Res<SimParams>,
    clock: Res<Clock>,
    control: Res<ControlMap>,
    tallies: Res<Tallies>,
    units: Query<(&Unit, &Readiness, &Position, &Strength)>,
    places: Query<&Population>,
    mut actors: Query<(&DiplomaticActor, &mut Attention)>,
    mut states: Query<(&StateActorTag, &mut StatePolicy)>,
    mut status: ResMut<PoliticalStatus>,
    mut cache: Local<DiplomacyCache>,
    mut log: MessageWriter<Logged>,
) {
    let status = &mut *status;
    if politics.actors.is_empty() && politics.states.is_empty() {
        // No one to weigh anything or to bear pressure (pressure_on stays empty).
        status.exits_by_side.iter_mut().for_each(|x| *x = 0.0);
        return;
    }
    if !cache.built || politics.is_changed() || theatre.is_changed() {
        cache.build(&politics, &theatre);
    }
    let dt = clock.dt_days();
    let hours = clock.hours_at_end_of_tick();
    measure_lasting(
        &mut cache, &politics, &theatre, &control, &tallies, &units, &places,
    );
    // Contingents that stopped fighting or left (decided last tick): news for the actors
    // whose target fights, or answers for a faction, on another side.
    let DiplomacyCache {
        sides,
        decay,
        lasting,
        complying: complying_now,
        ..
    } = &mut *cache;
    lasting.exit_thousands.clear();
    lasting.exit_thousands.extend(sides.iter().map(|sides| {
        status
            .exits_by_side
            .iter()
            .enumerate()
            .filter(|(side, _)| sides.iter().any(|s| s != side))
            .map(|(_, x)| x)
            .sum::<f64>()
    }));
    status.exits_by_side.iter_mut().for_each(|x| *x = 0.0);
    // Each actor's attention kept over a tick: the same for every tick of the run.
    if decay.0.to_bits() != clock.tick_hours.to_bits() {
        *decay = (
            clock.tick_hours,
            politics
                .actors
                .iter()
                .map(|a| (-a.decay_per_day * dt).exp())
                .collect(),
        );
    }
    let lasting = &*lasting;
    let complying_now = &*complying_now;

    // Compliance: a deal kept lapses once the state's side takes a place again.
    for (i, spec) in politics.states.iter().enumerate() {
        let took = tallies
            .capture_ticks
            .iter()
            .rev()
            .take_while(|(t, ..)| *t == clock.tick)
            .any(|&(_, by, _)| {
                spec.forces
                    .iter()
                    .chain(&spec.proxies)
                    .any(|&f| theatre.factions[f].side == by)
            });
        if took {
            status.deal_kept[i] = false;
        }
        let complying = complying_now[i] || status.deal_kept[i];
        status.complying_since[i] = if complying {
            Some(status.complying_since[i].unwrap_or(clock.tick))
        } else {
            None
        };
    }
    let lift_hours = params.0.diplomacy.lift_after_days * 24.0;

    for (actor, mut attention) in &mut actors {
        let spec = &politics.actors[actor.index];
        attention.value = attention.value * decay.1[actor.index]
            + attention_gained(&politics, actor.index, &tallies, lasting, dt);
        // Deliberation: the next step is adopted once attention has stayed at or above its
        // threshold for its deliberation time plus the actor's institutional lag.
        loop {
            let next = attention.level.map_or(0, |l| l + 1);
            let Some(step) = spec.ladder.get(next) else {
                attention.deliberating = None;
                break;
            };
            if attention.value < step.attention {
                attention.deliberating = None;
                break;
            }
            let since = match attention.deliberating {
                Some((s, since)) if s == next => since,
                _ => clock.tick,
            };
            attention.deliberating = Some((next, since));
            let elapsed = (clock.tick + 1 - since) as f64 * clock.tick_hours;
            let needed = (spec.deliberation_days[next] + spec.lag_days) * 24.0;
            if elapsed + 1e-9 < needed {
                break;
            }
            attention.level = Some(next);
            attention.deliberating = None;
            status.instruments_used.push((hours, actor.index, next));
            log.write(Logged {
                kind: EventKind::Diplomacy,
                text: format!(
                    "{}: {} (pressure on {})",
                    spec.name,
                    step.instrument.words(),
                    politics.states[spec.target].name
                ),
            });
        }
        // Binding instruments are lifted once the target has complied long enough.
        let complied_hours = status.complying_since[spec.target].map_or(0.0, |since| {
            (clock.tick + 1 - since) as f64 * clock.tick_hours
        });
        if let Some(level) = attention.level
            && complied_hours + 1e-9 >= lift_hours
        {
            for i in 0..=level.min(spec.ladder.len().saturating_sub(1)) {
                if spec.ladder[i].instrument.binding() && !attention.lifted[i] {
                    attention.lifted[i] = true;
                    status.instruments_lifted.push((hours, actor.index, i));
                    log.write(Logged {
                        kind: EventKind::Diplomacy,
                        text: format!(
                            "{} lifts its {} on {}",
                            spec.name,
                            spec.ladder[i].instrument.words(),
                            politics.states[spec.target].name
                        ),
                    });
                }
            }
        }
        // Pressure: binding instruments in full while in force; talk as much as the attention
        // behind it.
        let pressure: f64 = attention.level.map_or(0.0, |l| {
            (0..=l.min(spec.ladder.len().saturating_sub(1)))
                .map(|i| {
                    let step = &spec.ladder[i];
                    if step.instrument.binding() {
                        if attention.lifted[i] {
                            0.0
                        } else {
                            step.pressure
                        }
                    } else if step.attention > 0.0 {
                        step.pressure * (attention.value / step.attention).min(1.0)
                    } else {
                        step.pressure
                    }
                })
                .sum()
        });
        status.attention[actor.index] = attention.value;
        status.level[actor.index] = attention.level;
        status.pressure_from[actor.index] = pressure;
    }
    status.pressure_on.clear();
    status.pressure_on.resize(politics.states.len(), 0.0);
    for (a, spec) in politics.actors.iter().enumerate() {
        status.pressure_on[spec.target] += status.pressure_from[a];
    }
    for (state, mut policy) in &mut states {
        policy.pressure = status.pressure_on[state.index];
    }
}
