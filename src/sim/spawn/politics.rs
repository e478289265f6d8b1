//! Resolving the scenario's politics (actors, states, rungs, events) to indices, and spawning
//! the actor and state entities.

use std::collections::HashMap;

use bevy_ecs::prelude::World;

use crate::error::{Error, Result};
use crate::scenario::{Action, CampaignObjective, Condition, OrderTarget, Scenario};
use crate::sim::components::{Attention, DiplomaticActor, StateActorTag, StatePolicy};
use crate::sim::politics::*;
use crate::sim::resources::{Captor, Theatre};

/// Look-ups from scenario ids to indices.
pub struct Ids<'a> {
    /// Place ids.
    pub places: HashMap<&'a str, usize>,
    /// Faction ids.
    pub factions: HashMap<&'a str, usize>,
    /// Unit ids.
    pub units: HashMap<&'a str, usize>,
    /// State ids.
    pub states: HashMap<&'a str, usize>,
    /// Actor ids.
    pub actors: HashMap<&'a str, usize>,
    /// Event ids.
    pub events: HashMap<&'a str, usize>,
}

impl<'a> Ids<'a> {
    /// Index every id of the scenario.
    pub fn new(s: &'a Scenario) -> Self {
        fn index<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
            ids.enumerate().map(|(i, id)| (id, i)).collect()
        }
        Self {
            places: index(s.places.iter().map(|p| p.id.as_str())),
            factions: index(s.factions.iter().map(|f| f.id.as_str())),
            units: index(s.units.iter().map(|u| u.id.as_str())),
            states: index(s.states.iter().map(|st| st.id.as_str())),
            actors: index(s.actors.iter().map(|a| a.id.as_str())),
            events: index(s.events.iter().map(|e| e.id.as_str())),
        }
    }
}

fn get(map: &HashMap<&str, usize>, id: &str, what: &str) -> Result<usize> {
    map.get(id)
        .copied()
        .ok_or_else(|| Error::Internal(format!("unvalidated {what} `{id}`")))
}

/// A faction id or a side name as a captor.
pub fn captor(theatre: &Theatre, ids: &Ids, name: &str) -> Result<Captor> {
    ids.factions
        .get(name)
        .map(|&f| Captor::Faction(f))
        .or_else(|| {
            theatre
                .sides
                .iter()
                .position(|s| s == name)
                .map(Captor::Side)
        })
        .ok_or_else(|| Error::Internal(format!("unvalidated faction or side `{name}`")))
}

/// Resolve a condition's references.
pub fn condition(theatre: &Theatre, ids: &Ids, c: &Condition) -> Result<Cond> {
    let place = |id: &str| get(&ids.places, id, "place");
    Ok(match c {
        Condition::Always => Cond::Always,
        Condition::Day(d) => Cond::Day(*d),
        Condition::Captured { place: p, by } => Cond::Captured(
            place(p)?,
            by.as_deref().map(|b| captor(theatre, ids, b)).transpose()?,
        ),
        Condition::HeldBy { place: p, by } => Cond::HeldBy(place(p)?, captor(theatre, ids, by)?),
        Condition::Fighting(p) => Cond::Fighting(place(p)?),
        Condition::PeacekeepersKilled(n) => Cond::PeacekeepersKilled(*n),
        Condition::CivilianDeaths(n) => Cond::CivilianDeaths(*n),
        Condition::Displaced(n) => Cond::Displaced(*n),
        Condition::CovertExposed => Cond::CovertExposed,
        Condition::Rupture => Cond::Rupture,
        Condition::CrossBorderFire => Cond::CrossBorderFire,
        Condition::Pressure { state, at_least } => {
            Cond::Pressure(get(&ids.states, state, "state")?, *at_least)
        }
        Condition::Instrument { actor, instrument } => {
            Cond::Instrument(get(&ids.actors, actor, "actor")?, *instrument)
        }
        Condition::Stance { state, stance } => {
            Cond::Stance(get(&ids.states, state, "state")?, *stance)
        }
        Condition::CeasefireInForce => Cond::CeasefireInForce,
        Condition::Happened(e) => Cond::Happened(get(&ids.events, e, "event")?),
        Condition::All(cs) => Cond::All(
            cs.iter()
                .map(|c| condition(theatre, ids, c))
                .collect::<Result<_>>()?,
        ),
        Condition::Any(cs) => Cond::Any(
            cs.iter()
                .map(|c| condition(theatre, ids, c))
                .collect::<Result<_>>()?,
        ),
        Condition::Not(c) => Cond::Not(Box::new(condition(theatre, ids, c)?)),
    })
}

/// Resolve the scenario's politics.
pub fn resolve_politics(s: &Scenario, theatre: &Theatre) -> Result<Politics> {
    let d = &s.params.diplomacy;
    let ids = Ids::new(s);
    let factions = |list: &[String]| {
        list.iter()
            .map(|f| get(&ids.factions, f, "faction"))
            .collect::<Result<Vec<_>>>()
    };
    let states: Vec<StateSpec> = s
        .states
        .iter()
        .map(|st| {
            Ok(StateSpec {
                name: st.id.clone(),
                resolve: st.resolve,
                forces: factions(&st.forces)?,
                proxies: factions(&st.proxies)?,
                reserves: st
                    .reserves
                    .iter()
                    .map(|u| get(&ids.units, u, "unit"))
                    .collect::<Result<_>>()?,
                casualty_tolerance: st.casualty_tolerance,
                policy: st.policy.clone(),
                objectives: st
                    .objectives
                    .iter()
                    .map(|p| get(&ids.places, p, "place"))
                    .collect::<Result<_>>()?,
                defends: st
                    .defends
                    .iter()
                    .map(|p| get(&ids.places, p, "place"))
                    .collect::<Result<_>>()?,
                partner: st
                    .partner
                    .as_deref()
                    .map(|f| get(&ids.factions, f, "faction"))
                    .transpose()?,
                partner_rout_share: st.partner_rout_share,
                leave_when: st
                    .leave_when
                    .as_ref()
                    .map(|c| condition(theatre, &ids, c))
                    .transpose()?,
                decision_lag_days: st.decision_lag_days,
                exit: st.exit,
                request_help_when: st
                    .request_help_when
                    .as_ref()
                    .map(|c| condition(theatre, &ids, c))
                    .transpose()?,
                intervention: st
                    .intervention
                    .as_ref()
                    .map(|i| {
                        Ok::<_, Error>(InterventionSpec {
                            on_request_of: get(&ids.states, &i.on_request_of, "state")?,
                            when: condition(theatre, &ids, &i.when)?,
                            lag_days: i.lag_days,
                            units: i
                                .units
                                .iter()
                                .map(|u| get(&ids.units, u, "unit"))
                                .collect::<Result<_>>()?,
                        })
                    })
                    .transpose()?,
            })
        })
        .collect::<Result<_>>()?;
    let actors: Vec<ActorSpec> = s
        .actors
        .iter()
        .map(|a| {
            Ok(ActorSpec {
                id: a.id.clone(),
                name: a.name.clone(),
                target: get(&ids.states, &a.target, "state")?,
                closeness: a.closeness,
                decay_per_day: a.decay_per_day,
                lag_days: a.lag_days,
                deliberation_days: a
                    .ladder
                    .iter()
                    .map(|step| {
                        step.deliberation_days
                            .unwrap_or(if step.instrument.binding() {
                                d.binding_deliberation_days
                            } else {
                                d.talk_deliberation_days
                            })
                    })
                    .collect(),
                terms: a
                    .mediation
                    .as_ref()
                    .and_then(|m| m.terms.as_ref())
                    .map(|t| {
                        Ok::<_, Error>(TermsSpec {
                            withdraw_from: t
                                .withdraw_from
                                .iter()
                                .map(|p| get(&ids.places, p, "place"))
                                .collect::<Result<_>>()?,
                            deadline_days: t.deadline_days,
                            return_to: t
                                .return_to
                                .as_deref()
                                .map(|f| get(&ids.factions, f, "faction"))
                                .transpose()?,
                        })
                    })
                    .transpose()?,
                weights: a.weights.clone(),
                ladder: a.ladder.clone(),
                mediation: a.mediation.clone(),
            })
        })
        .collect::<Result<_>>()?;
    let rungs = s
        .escalation
        .iter()
        .map(|r| Ok((r.name.clone(), condition(theatre, &ids, &r.when)?, r.sticky)))
        .collect::<Result<_>>()?;
    let events = s
        .events
        .iter()
        .map(|e| {
            let actions = e
                .actions
                .iter()
                .map(|a| action(theatre, &ids, &actors, a))
                .collect::<Result<_>>()?;
            Ok(EventSpec {
                id: e.id.clone(),
                text: e.text.clone(),
                when: condition(theatre, &ids, &e.when)?,
                actions,
            })
        })
        .collect::<Result<_>>()?;
    let faction_sponsor = s
        .factions
        .iter()
        .map(|f| {
            f.sponsor
                .as_deref()
                .and_then(|name| ids.states.get(name).copied())
        })
        .collect::<Vec<Option<usize>>>();
    let faction_pressed = s
        .factions
        .iter()
        .zip(&faction_sponsor)
        .map(|(f, sponsor)| {
            let mut pressed: Vec<usize> = sponsor.iter().copied().collect();
            for name in &f.pressure_on {
                let state = get(&ids.states, name, "state")?;
                if !pressed.contains(&state) {
                    pressed.push(state);
                }
            }
            Ok(pressed)
        })
        .collect::<Result<_>>()?;
    let contingent_units = states
        .iter()
        .map(|state| {
            (0..s.units.len())
                .filter(|&u| s.units[u].contingent.as_deref() == Some(state.name.as_str()))
                .collect()
        })
        .collect();
    Ok(Politics {
        actors,
        states,
        rungs,
        events,
        faction_sponsor,
        faction_pressed,
        contingent_units,
    })
}

fn action(theatre: &Theatre, ids: &Ids, actors: &[ActorSpec], a: &Action) -> Result<Act> {
    Ok(match a {
        Action::Instrument { actor, instrument } => {
            let index = get(&ids.actors, actor, "actor")?;
            let step = actors[index]
                .ladder
                .iter()
                .position(|s| s.instrument == *instrument)
                .ok_or_else(|| Error::Internal(format!("unvalidated instrument of `{actor}`")))?;
            Act::Instrument(index, step)
        }
        Action::Attention { actor, amount } => {
            Act::Attention(get(&ids.actors, actor, "actor")?, *amount)
        }
        Action::Rupture => Act::Rupture,
        Action::MediationOffer(actor) => Act::MediationOffer(get(&ids.actors, actor, "actor")?),
        Action::Release(unit) => Act::Release(get(&ids.units, unit, "unit")?),
        Action::Firepower { faction, factor } => {
            Act::Firepower(get(&ids.factions, faction, "faction")?, *factor)
        }
        Action::Morale { faction, delta } => {
            Act::Morale(get(&ids.factions, faction, "faction")?, *delta)
        }
        Action::Border { place, status } => Act::Border(get(&ids.places, place, "place")?, *status),
        Action::SetParam { path, value } => Act::SetParam(path.clone(), *value),
        Action::Order {
            target,
            posture,
            objectives,
            campaign,
        } => {
            let to = match target {
                OrderTarget::Unit(u) => OrderTo::Unit(get(&ids.units, u, "unit")?),
                OrderTarget::Faction(f) => OrderTo::Faction(get(&ids.factions, f, "faction")?),
                OrderTarget::Side(side) => OrderTo::Side(
                    theatre
                        .sides
                        .iter()
                        .position(|s| s == side)
                        .ok_or_else(|| Error::Internal(format!("unvalidated side `{side}`")))?,
                ),
            };
            let objectives = objectives
                .as_ref()
                .map(|list| {
                    list.iter()
                        .map(|o| get(&ids.places, o, "place"))
                        .collect::<Result<Vec<_>>>()
                })
                .transpose()?;
            let campaign = campaign
                .as_ref()
                .map(|list| resolve_campaign(ids, list))
                .transpose()?;
            Act::Order(Box::new(OrderSpec {
                to,
                posture: *posture,
                objectives,
                campaign,
            }))
        }
        Action::Flee(unit) => Act::Flee(get(&ids.units, unit, "unit")?),
        Action::Relation { a, b, relation } => Act::Relation(
            get(&ids.factions, a, "faction")?,
            get(&ids.factions, b, "faction")?,
            *relation,
        ),
        Action::RequestHelp(state) => Act::RequestHelp(get(&ids.states, state, "state")?),
    })
}

/// An order's campaign resolved to place indices: each objective after the one before unless
/// it says otherwise, as a faction's campaign.
fn resolve_campaign(
    ids: &Ids,
    list: &[CampaignObjective],
) -> Result<Vec<crate::sim::systems::command::Objective>> {
    let mut out: Vec<crate::sim::systems::command::Objective> = Vec::new();
    for o in list {
        let place = get(&ids.places, &o.place, "place")?;
        let after = match &o.after {
            Some(after) => after
                .iter()
                .map(|a| get(&ids.places, a, "place"))
                .collect::<Result<Vec<_>>>()?,
            None => out.last().map(|p| vec![p.place]).unwrap_or_default(),
        };
        out.push(crate::sim::systems::command::Objective {
            place,
            after,
            consolidate_days: o.consolidate_days,
        });
    }
    Ok(out)
}

/// Spawn an entity per actor and per state, and the political resources.
pub fn spawn_politics(world: &mut World, politics: Politics, theatre: &Theatre) {
    for (index, actor) in politics.actors.iter().enumerate() {
        let attention = Attention {
            lifted: vec![false; actor.ladder.len()],
            ..Default::default()
        };
        world.spawn((DiplomaticActor { index }, attention));
    }
    for (index, state) in politics.states.iter().enumerate() {
        let policy = StatePolicy {
            resolve: state.resolve.unwrap_or(0.0),
            ..Default::default()
        };
        world.spawn((StateActorTag { index }, policy));
    }
    let (n_actors, n_states) = (politics.actors.len(), politics.states.len());
    let n_places = theatre.places.len();
    let n_factions = theatre.factions.len();
    world.insert_resource(Tallies {
        captured_millions: vec![0.0; n_states],
        taken: vec![vec![false; n_factions]; n_places],
        exposed: vec![false; n_factions],
        battle_casualties: vec![0; n_places],
        fire: vec![0.0; n_places],
        military_killed: vec![0; n_places],
        military_wounded: vec![0; n_places],
        ..Default::default()
    });
    world.insert_resource(PoliticalStatus {
        attention: vec![0.0; n_actors],
        level: vec![None; n_actors],
        pressure_from: vec![0.0; n_actors],
        pressure_on: vec![0.0; n_states],
        stance: vec![Default::default(); n_states],
        deal_kept: vec![false; n_states],
        complying_since: vec![None; n_states],
        resolve: politics
            .states
            .iter()
            .map(|st| st.resolve.unwrap_or(0.0))
            .collect(),
        exits_by_side: vec![0.0; theatre.sides.len()],
        help_requested: vec![None; n_states],
        intervening_since: vec![None; n_states],
        ..Default::default()
    });
    world.insert_resource(EscalationState {
        reached: vec![false; politics.rungs.len()],
        ..Default::default()
    });
    world.insert_resource(EventsFired {
        at: vec![None; politics.events.len()],
    });
    world.insert_resource(Ceasefires::default());
    world.insert_resource(politics);
}
