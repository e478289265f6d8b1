//! Control of places: a place changes hands when only one side holds it.

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
    let mut present = vec![0u64; n];
    let mut personnel = vec![0u32; n];
    let mut holding_sides = vec![0u64; n];
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
        present[place] |= 1u64 << unit.side;
        personnel[place] = personnel[place].saturating_add(strength.personnel);
        if !condition.broken {
            holding_sides[place] |= 1u64 << unit.side;
            match holding[place].iter_mut().find(|(f, _)| *f == unit.faction) {
                Some((_, p)) => *p += u64::from(strength.personnel),
                None => holding[place].push((unit.faction, u64::from(strength.personnel))),
            }
        }
    }

    for place in 0..n {
        let holder_side = control.side(&theatre, place);
        let contested = present[place].count_ones() >= 2;
        if contested && !control.contested[place] {
            fighting.write(FightingStarted {
                place,
                sides: (0..64)
                    .filter(|s| present[place] & (1u64 << s) != 0)
                    .collect(),
            });
        }
        control.contested[place] = contested;
        control.threatened[place] = present[place] & !(1u64 << holder_side) != 0;
        control.present[place] = present[place];
        control.holding[place] = holding_sides[place];

        let holders = &mut holding[place];
        holders.sort_unstable();
        let first_side = holders.first().map(|&(f, _)| theatre.factions[f].side);
        let one_side =
            first_side.filter(|&s| holders.iter().all(|&(f, _)| theatre.factions[f].side == s));
        if let Some(side) = one_side
            && side != holder_side
            && control.ceded[place] != Some(side)
        {
            // The strongest faction there takes it (ties: the first in the scenario).
            let strongest = holders
                .iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map_or(0, |&(f, _)| f);
            let by = theatre.claimant(strongest);
            let from = control.controller[place];
            control.previous[place] = from;
            control.controller[place] = by;
            captured.write(PlaceCaptured { place, from, by });
            tallies.taken[place][by] = true;
            tallies
                .capture_ticks
                .push((clock.tick, theatre.factions[by].side, holder_side));
            if let Some(state) = politics.faction_sponsor[by] {
                tallies.captured_millions[state] += theatre.places[place].population / 1e6;
            }
        }
    }

    control.personnel = personnel;
    for (place, mut controller) in &mut places {
        if controller.faction != control.controller[place.index] {
            controller.faction = control.controller[place.index];
        }
    }
}
