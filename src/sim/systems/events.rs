//! Scenario events: dated or conditional happenings and what they do (an instrument used, a
//! rupture, a mediation offer, a unit released, new equipment, a parameter changed, an order
//! given, a commander's flight, a border crossing opened or closed).

use bevy_ecs::prelude::*;

use crate::sim::components::{
    Attention, Condition, DiplomaticActor, Morale, Orders, Readiness, Strength, Unit,
};
use crate::sim::messages::Logged;
use crate::sim::politics::*;
use crate::sim::resources::{Clock, ControlMap, EventKind, SimParams, Theatre};
use crate::sim::systems::command::Command;

/// Fire every event whose condition first holds this tick, in scenario order, and apply its
/// actions. Exclusive: actions reach units, actors and parameters alike.
pub fn fire_events(world: &mut World) {
    let due = {
        let politics = world.resource::<Politics>();
        let before = world.resource::<EventsFired>();
        let clock = world.resource::<Clock>();
        let (theatre, control, tallies) = (
            world.resource::<Theatre>(),
            world.resource::<ControlMap>(),
            world.resource::<Tallies>(),
        );
        let (status, ceasefires) = (
            world.resource::<PoliticalStatus>(),
            world.resource::<Ceasefires>(),
        );
        // The record of fired events, copied only when one fires this tick (an event's
        // condition may name one fired earlier in the same tick, so it reads the copy).
        let mut fired: Option<EventsFired> = None;
        let mut due = Vec::new();
        for (i, event) in politics.events.iter().enumerate() {
            let now = fired.as_ref().unwrap_or(before);
            if now.at[i].is_some() {
                continue;
            }
            let view = View {
                clock,
                theatre,
                control,
                tallies,
                status,
                ceasefires,
                fired: now,
                politics,
            };
            if view.holds(&event.when) {
                fired.get_or_insert_with(|| before.clone()).at[i] =
                    Some(clock.hours_at_end_of_tick());
                due.push((i, event.text.clone(), event.actions.clone()));
            }
        }
        if let Some(fired) = fired {
            world.insert_resource(fired);
        }
        due
    };
    for (_, text, actions) in due {
        world.write_message(Logged {
            kind: EventKind::Event,
            text,
        });
        for action in actions {
            apply(world, &action);
        }
    }
}

fn apply(world: &mut World, action: &Act) {
    let hours = world.resource::<Clock>().hours_at_end_of_tick();
    let tick = world.resource::<Clock>().tick;
    match *action {
        Act::Instrument(actor, step) => {
            let threshold = world.resource::<Politics>().actors[actor].ladder[step].attention;
            let mut query = world.query::<(&DiplomaticActor, &mut Attention)>();
            let mut raised = false;
            for (a, mut attention) in query.iter_mut(world) {
                if a.index == actor && attention.level.is_none_or(|l| l < step) {
                    attention.level = Some(step);
                    attention.value = attention.value.max(threshold);
                    raised = true;
                }
            }
            if raised {
                world
                    .resource_mut::<PoliticalStatus>()
                    .instruments_used
                    .push((hours, actor, step));
            }
        }
        Act::Attention(actor, amount) => {
            let mut query = world.query::<(&DiplomaticActor, &mut Attention)>();
            for (a, mut attention) in query.iter_mut(world) {
                if a.index == actor {
                    attention.value = (attention.value + amount).max(0.0);
                }
            }
        }
        Act::Rupture => world.resource_mut::<Tallies>().tick.ruptures += 1.0,
        Act::RequestHelp(state) => {
            let mut status = world.resource_mut::<PoliticalStatus>();
            if let Some(asked) = status.help_requested.get_mut(state) {
                asked.get_or_insert(tick);
            }
        }
        Act::MediationOffer(actor) => world.resource_mut::<Ceasefires>().requested.push(actor),
        Act::Release(unit) => {
            let mut query = world.query::<(&Unit, &mut Readiness)>();
            for (u, mut readiness) in query.iter_mut(world) {
                if u.index == unit && *readiness == Readiness::Held {
                    *readiness = Readiness::Pending { arrival_tick: tick };
                }
            }
        }
        Act::Firepower(faction, factor) => {
            let mut query = world.query::<(&Unit, &mut Strength)>();
            for (u, mut strength) in query.iter_mut(world) {
                if u.faction == faction {
                    strength.firepower *= factor;
                }
            }
        }
        Act::Morale(faction, delta) => {
            let mut query = world.query::<(&Unit, &mut Morale)>();
            for (u, mut morale) in query.iter_mut(world) {
                if u.faction == faction {
                    morale.value = (morale.value + delta).clamp(0.0, 1.0);
                }
            }
        }
        Act::Order(ref order) => give_order(world, order),
        Act::Flee(unit) => {
            let mut query = world.query::<(&Unit, &mut Readiness, &Strength)>();
            let mut fled = None;
            for (u, mut readiness, strength) in query.iter_mut(world) {
                if u.index == unit && !matches!(*readiness, Readiness::Out | Readiness::Withdrawn) {
                    *readiness = Readiness::Withdrawn;
                    fled = Some(strength.personnel);
                }
            }
            if let Some(personnel) = fled {
                let name = world.resource::<Theatre>().unit_names[unit].clone();
                world.write_message(Logged {
                    kind: EventKind::Event,
                    text: format!("{name} flees the theatre with {personnel} personnel"),
                });
            }
        }
        Act::Relation(a, b, relation) => {
            world
                .resource_mut::<crate::sim::resources::ControlMap>()
                .relations
                .set(a, b, relation);
        }
        Act::Border(place, status) => {
            let theatre = world.resource::<Theatre>();
            let text = format!(
                "border crossing at {}: {}",
                theatre.places[place].name,
                super::civilians::describe(status)
            );
            let fresh = super::civilians::Borders::new(theatre);
            world
                .get_resource_or_insert_with(|| fresh)
                .set(place, status);
            world.write_message(Logged {
                kind: EventKind::Event,
                text,
            });
        }
        Act::SetParam(ref path, value) => {
            let result =
                crate::scenario::params::set_param(&world.resource::<SimParams>().0, path, value);
            match result {
                Ok(changed) => world.resource_mut::<SimParams>().0 = changed,
                Err(why) => {
                    world.write_message(Logged {
                        kind: EventKind::Event,
                        text: format!("parameter `{path}` not changed: {why}"),
                    });
                }
            }
        }
    }
}

/// An order (docs/MODEL.md, "Orders by events"): every unit it reaches takes the posture (a
/// broken unit when it rallies) and the objectives given; a campaign replaces its side's.
fn give_order(world: &mut World, order: &OrderSpec) {
    let mut query = world.query::<(&Unit, &mut Orders, &Condition)>();
    let mut reached = 0usize;
    for (u, mut orders, condition) in query.iter_mut(world) {
        let to_it = match order.to {
            OrderTo::Unit(i) => u.index == i,
            OrderTo::Faction(f) => u.faction == f,
            OrderTo::Side(s) => u.side == s,
        };
        if !to_it {
            continue;
        }
        reached += 1;
        if let Some(posture) = order.posture {
            orders.standing = posture;
            if !condition.broken {
                orders.posture = posture;
            }
        }
        if let Some(objectives) = &order.objectives {
            orders.objectives.clone_from(objectives);
        }
    }
    let side = {
        let theatre = world.resource::<Theatre>();
        match order.to {
            OrderTo::Unit(_) => None,
            OrderTo::Faction(f) => Some(theatre.factions[f].side),
            OrderTo::Side(s) => Some(s),
        }
    };
    if let (Some(campaign), Some(side)) = (&order.campaign, side) {
        world
            .resource_mut::<Command>()
            .replace_campaign(side, campaign.clone());
    }
    let words = order.posture.map(|p| format!("{p:?}").to_lowercase());
    world.write_message(Logged {
        kind: EventKind::Event,
        text: format!(
            "order to {reached} unit(s){}{}{}",
            words.map(|w| format!(": posture {w}")).unwrap_or_default(),
            if order.objectives.is_some() {
                "; new objectives"
            } else {
                ""
            },
            if order.campaign.is_some() {
                "; a new campaign"
            } else {
                ""
            },
        ),
    });
}
