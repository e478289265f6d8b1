//! Control of places: a place changes hands when the factions holding it are at peace with each
//! other and one of them may take it: a faction hostile to its holder, or (issue 14) one that
//! occupies abandoned places where its holder has no unit left.

use bevy_ecs::prelude::*;

use crate::sim::components::{Condition, Controller, Place, Position, Readiness, Strength, Unit};
use crate::sim::messages::{FightingStarted, PlaceCaptured};
use crate::sim::politics::{Politics, Tallies};
use crate::sim::resources::{Clock, ControlMap, Theatre};

/// Update who is present at each place, which places are contested, and who holds them.
pub fn update_control(
    theatre: Res<Theatre>,
    control: ResMut<ControlMap>,
    units: Query<(&Unit, &Readiness, &Position, &Strength, &Condition)>,
    mut places: Query<(&Place, &mut Controller)>,
    mut fighting: MessageWriter<FightingStarted>,
    mut captured: MessageWriter<PlaceCaptured>,
    politics: Res<Politics>,
    clock: Res<Clock>,
    tallies: ResMut<Tallies>,
    mut holding: Local<Vec<Vec<(usize, u64)>>>,
) {
    // Deref the resources once, not at every write in the loops below.
    let (control, tallies) = (control.into_inner(), tallies.into_inner());
    let n = theatre.places.len();
    // Who stands where, gathered straight into the map's own vectors (no buffers a tick).
    for v in [&mut control.present, &mut control.holding] {
        v.clear();
        v.resize(n, 0);
    }
    control.present_factions.clear();
    control.present_factions.resize(n, 0);
    control.personnel.clear();
    control.personnel.resize(n, 0);
    // Unbroken personnel by faction at each place: who can hold it (buffers kept between ticks).
    holding.resize_with(n, Vec::new);
    for list in holding.iter_mut() {
        list.clear();
    }
    for (unit, readiness, position, strength, condition) in &units {
        let (Readiness::Active, Position::At(place)) = (*readiness, *position) else {
            continue;
        };
        // Peacekeepers and cut-off or cantoned units neither hold a place nor contest it.
        if unit.peacekeeper || strength.personnel == 0 || condition.out_of_the_fight() {
            continue;
        }
        control.present[place] |= 1u64 << unit.side;
        control.present_factions[place] |= crate::sim::relations::faction_bit(unit.faction);
        control.personnel[place] = control.personnel[place].saturating_add(strength.personnel);
        if !condition.broken {
            control.holding[place] |= 1u64 << unit.side;
            match holding[place].iter_mut().find(|(f, _)| *f == unit.faction) {
                Some((_, p)) => *p += u64::from(strength.personnel),
                None => holding[place].push((unit.faction, u64::from(strength.personnel))),
            }
        }
    }

    for place in 0..n {
        let holder = control.controller[place];
        let holder_side = theatre.factions[holder].side;
        let relations = &control.relations;
        // Fighting wherever two factions hostile to each other stand (by default: two sides).
        let (present, present_factions) = (control.present[place], control.present_factions[place]);
        let contested = relations.any_hostile_pair(present_factions);
        if contested && !control.contested[place] {
            fighting.write(FightingStarted {
                place,
                sides: (0..64).filter(|s| present & (1u64 << s) != 0).collect(),
            });
        }
        let threatened = present_factions & relations.hostile_mask(holder) != 0;
        let holders = &mut holding[place];
        holders.sort_unstable();
        let mask = holders
            .iter()
            .fold(0, |m, &(f, _)| m | crate::sim::relations::faction_bit(f));
        // Those who may take it, when the holders are at peace with each other: a faction
        // hostile to the holder, or one that occupies abandoned places where the holder has no
        // unbroken unit (docs/MODEL.md, "Control").
        let holder_here = holders.iter().any(|&(f, _)| f == holder);
        let may_take = |f: usize| {
            relations.hostile(holder, f) || (theatre.factions[f].occupies_abandoned && !holder_here)
        };
        let taker = if holders.is_empty() || relations.any_hostile_pair(mask) {
            None
        } else {
            // The strongest of them takes it (ties: the first in the scenario).
            holders
                .iter()
                .filter(|&&(f, _)| may_take(f))
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|&(f, _)| theatre.claimant(f))
        };
        control.contested[place] = contested;
        control.threatened[place] = threatened;
        if let Some(by) = taker
            && by != holder
            && control.ceded[place] != Some(theatre.factions[by].side)
        {
            let from = holder;
            control.previous[place] = from;
            control.controller[place] = by;
            captured.write(PlaceCaptured { place, from, by });
            tallies.taken[place][by] = true;
            tallies
                .capture_ticks
                .push((clock.tick, theatre.factions[by].side, holder_side));
            for &state in &politics.faction_pressed[by] {
                tallies.captured_millions[state] += theatre.places[place].population / 1e6;
            }
        }
    }

    for (place, mut controller) in &mut places {
        if controller.faction != control.controller[place.index] {
            controller.faction = control.controller[place.index];
        }
    }
}
