//! Synthetic theatres of any size, for benchmarks and scale tests (`strife generate`).
//!
//! A generated theatre is a jittered grid of places joined to their grid neighbours by roads
//! and tracks (so the graph is connected and sparse, like a real road network), split among
//! factions by nearest home place (a Voronoi partition), with units spread over each faction's
//! places: some attack the nearest hostile places, most defend, a few are reserves. Every
//! number is drawn from one seeded generator, so the same options give the same file.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use crate::error::{Error, Result};
use crate::scenario::{
    EndCondition, Faction, FactionKind, Params, Place, PlaceKind, Posture, Route, RouteKind,
    Scenario, SupplySource, Terrain, Unit,
};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Places (nodes of the theatre graph), ≥ 2.
    pub places: usize,
    /// Units, ≥ 1.
    pub units: usize,
    /// Factions, 2 to `places`.
    pub factions: usize,
    /// Sides the factions are split among, 2 to min(`factions`, 64).
    pub sides: usize,
    /// Seed of the generator (also written as the scenario's seed).
    pub seed: u64,
    /// Length of the run, days.
    pub days: u32,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        Self {
            places: 500,
            units: 5_000,
            factions: 120,
            sides: 4,
            seed: 1,
            days: 60,
        }
    }
}

/// The bounding box of the generated map, degrees: about 440 × 440 km near the equator, the
/// size of North and South Kivu together.
const LAT_RANGE: (f64, f64) = (-4.0, 0.0);
const LON_RANGE: (f64, f64) = (27.0, 31.0);
/// Most places, units and factions `generate` makes: a theatre eight to twenty times the size
/// of the benchmark's, written in seconds (placing factions and objectives grows with places ×
/// factions and places × places), whose file (about 450 bytes a place and its routes, 225 a
/// unit: under 14 MB) stays within the 16 MiB a scenario may be.
pub const MAX_PLACES: usize = 10_000;
/// Most units; see [`MAX_PLACES`].
pub const MAX_UNITS: usize = 40_000;
/// Most factions; see [`MAX_PLACES`].
pub const MAX_FACTIONS: usize = 1_000;
/// Share of units that attack; of those left, share that are reserves (the rest defend).
const ATTACK_SHARE: f64 = 0.35;
const RESERVE_SHARE: f64 = 0.15;

/// Build a synthetic scenario. Errors when the options are out of range.
pub fn generate(options: &GenerateOptions) -> Result<Scenario> {
    check(options)?;
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let places = grid_places(options.places, &mut rng);
    let routes = grid_routes(&places, &mut rng);

    // Factions: home places spread over the map; each place belongs to the nearest home.
    let mut homes: Vec<usize> = (0..places.len()).collect();
    shuffle(&mut homes, &mut rng);
    homes.truncate(options.factions);
    let owner: Vec<usize> = places
        .iter()
        .map(|p| {
            (0..homes.len())
                .min_by(|&a, &b| {
                    distance_km(p, &places[homes[a]]).total_cmp(&distance_km(p, &places[homes[b]]))
                })
                .unwrap_or(0)
        })
        .collect();
    let factions: Vec<Faction> = (0..options.factions)
        .map(|f| faction(f, options.factions, options.sides))
        .collect();
    let side_of = |f: usize| f % options.sides;

    let mut places = places;
    for (place, &f) in places.iter_mut().zip(&owner) {
        place.controller = factions[f].id.clone();
    }
    let territory: Vec<Vec<usize>> = (0..options.factions)
        .map(|f| (0..places.len()).filter(|&p| owner[p] == f).collect())
        .collect();

    let mut targets: std::collections::HashMap<(usize, usize), Vec<usize>> =
        std::collections::HashMap::new();
    let units: Vec<Unit> = (0..options.units)
        .map(|u| {
            let f = u % options.factions;
            // A faction always holds at least its home place (distance zero to itself).
            let home = &territory[f];
            let at = match home.len() {
                0 => homes[f],
                len => home[rng.random_range(0..len)],
            };
            let roll: f64 = rng.random();
            let posture = if roll < ATTACK_SHARE {
                Posture::Attack
            } else if roll < ATTACK_SHARE + (1.0 - ATTACK_SHARE) * RESERVE_SHARE {
                Posture::Reserve
            } else {
                Posture::Defend
            };
            let objectives = if posture == Posture::Attack {
                // The same for every attacker of a side at one place: found once.
                targets
                    .entry((at, side_of(f)))
                    .or_insert_with(|| {
                        nearest_hostile(&places, &owner, at, side_of(f), &side_of, 2)
                    })
                    .iter()
                    .map(|&p| places[p].id.clone())
                    .collect()
            } else {
                Vec::new()
            };
            Unit {
                id: format!("u{u}"),
                name: None,
                faction: factions[f].id.clone(),
                contingent: None,
                place: places[at].id.clone(),
                personnel: (100 + 50 * rng.random_range(0..30u32)) as f64,
                firepower: round2(rng.random_range(0.5..2.0)),
                morale: round2(rng.random_range(0.45..0.9)),
                supply_days: rng.random_range(3..15u32) as f64,
                posture,
                objectives,
                arrival_day: None,
                held: false,
                commander: None,
                paper_personnel: None,
                desertion_on_break: None,
                dissolution_on_break: None,
                mobility: None,
            }
        })
        .collect();

    let supply_sources = homes
        .iter()
        .enumerate()
        .map(|(f, &home)| SupplySource {
            place: places[home].id.clone(),
            factions: vec![factions[f].id.clone()],
            tonnes_per_day: 20.0 + 2.0 * (options.units / options.factions) as f64,
        })
        .collect();

    Ok(Scenario {
        name: format!(
            "Synthetic theatre: {} places, {} units, {} factions (seed {})",
            options.places, options.units, options.factions, options.seed
        ),
        description: "A generated theatre for benchmarks and scale tests (strife generate).".into(),
        start_date: chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
            .ok_or_else(|| Error::Internal("fixed start date".into()))?,
        duration_days: f64::from(options.days),
        tick_hours: 1.0,
        seed: options.seed,
        factions,
        places,
        routes,
        units,
        supply_sources,
        params: Params::default(),
        end_conditions: Vec::<EndCondition>::new(),
        actors: Vec::new(),
        states: Vec::new(),
        escalation: Vec::new(),
        events: Vec::new(),
        outlines: Vec::new(),
        relations: Vec::new(),
        air: Vec::new(),
    })
}

/// The scenario as a RON file, opening with a comment that says how to make it again.
pub fn generate_ron(options: &GenerateOptions) -> Result<String> {
    let scenario = generate(options)?;
    let config = ron::ser::PrettyConfig::new()
        .struct_names(true)
        .depth_limit(2)
        .indentor("  ".to_string());
    let body = ron::ser::to_string_pretty(&scenario, config)
        .map_err(|e| Error::Internal(format!("writing the generated scenario: {e}")))?;
    Ok(format!(
        "// A synthetic theatre, made by:\n//   strife generate --places {} --units {} --factions {} \
         --sides {} --seed {} --days {}\n// Invented places and forces, for benchmarks and scale \
         tests; nothing here is real.\n{body}\n",
        options.places, options.units, options.factions, options.sides, options.seed, options.days
    ))
}

fn check(o: &GenerateOptions) -> Result<()> {
    let bad = |what: String| Err(Error::Usage(format!("strife generate: {what}")));
    if !(2..=MAX_PLACES).contains(&o.places) {
        return bad(format!(
            "--places must be between 2 and {MAX_PLACES}, not {}",
            o.places
        ));
    }
    if !(1..=MAX_UNITS).contains(&o.units) {
        return bad(format!(
            "--units must be between 1 and {MAX_UNITS}, not {}",
            o.units
        ));
    }
    let most_factions = o.places.min(MAX_FACTIONS);
    if o.factions < 2 || o.factions > most_factions {
        return bad(format!(
            "--factions must be between 2 and {most_factions} (the number of places, at most {MAX_FACTIONS}), not {}",
            o.factions
        ));
    }
    if o.sides < 2 || o.sides > o.factions.min(64) {
        return bad(format!(
            "--sides must be between 2 and {} (the factions, at most 64), not {}",
            o.factions.min(64),
            o.sides
        ));
    }
    if !(1..=3650).contains(&o.days) {
        return bad(format!("--days must be between 1 and 3650, not {}", o.days));
    }
    Ok(())
}

/// Places on a jittered grid of about `n` cells, row by row.
fn grid_places(n: usize, rng: &mut ChaCha8Rng) -> Vec<Place> {
    let columns = (n as f64).sqrt().ceil() as usize;
    let rows = n.div_ceil(columns);
    let cell_lat = (LAT_RANGE.1 - LAT_RANGE.0) / rows as f64;
    let cell_lon = (LON_RANGE.1 - LON_RANGE.0) / columns as f64;
    (0..n)
        .map(|i| {
            let (row, column) = (i / columns, i % columns);
            let lat = LAT_RANGE.1 - (row as f64 + rng.random_range(0.2..0.8)) * cell_lat;
            let lon = LON_RANGE.0 + (column as f64 + rng.random_range(0.2..0.8)) * cell_lon;
            let roll: f64 = rng.random();
            let (kind, population, terrain, fortification) = if roll < 0.05 {
                (PlaceKind::City, 200_000.0, Terrain::Urban, 0.4)
            } else if roll < 0.6 {
                (PlaceKind::Town, 15_000.0, Terrain::Hills, 0.1)
            } else {
                (PlaceKind::Town, 3_000.0, Terrain::Forest, 0.0)
            };
            Place {
                id: format!("p{i}"),
                name: format!("Place {i}"),
                kind,
                lat: round4(lat),
                lon: round4(lon),
                country: "Synthetia".into(),
                population,
                terrain,
                fortification,
                controller: String::new(),
                sanctuary: false,
                key: kind == PlaceKind::City,
                area_km2: None,
                shelter: None,
                shelter_capacity: None,
                depot: None,
                border: None,
                kin: Vec::new(),
            }
        })
        .collect()
}

/// Roads to the right and downward grid neighbours (so the graph is connected), and a track
/// on one diagonal of about a third of the cells.
fn grid_routes(places: &[Place], rng: &mut ChaCha8Rng) -> Vec<Route> {
    let n = places.len();
    let columns = (n as f64).sqrt().ceil() as usize;
    let mut routes = Vec::new();
    let mut join = |a: usize, b: usize, kind: RouteKind| {
        // Roads wind: 1.3 × the straight-line distance.
        let km = (distance_km(&places[a], &places[b]) * 1.3).max(1.0);
        routes.push(Route {
            from: places[a].id.clone(),
            to: places[b].id.clone(),
            km: km.round(),
            kind,
            speed_kmh: None,
            capacity_t_per_day: None,
            crossing_per_day: None,
            surface: None,
        });
    };
    for i in 0..n {
        let column = i % columns;
        if column + 1 < columns && i + 1 < n {
            join(i, i + 1, RouteKind::Road);
        }
        if i + columns < n {
            join(i, i + columns, RouteKind::Road);
        }
        if column + 1 < columns && i + columns + 1 < n && rng.random::<f64>() < 0.33 {
            join(i, i + columns + 1, RouteKind::Track);
        }
    }
    // Every place but those of the first row is joined to the one above it, and every row is
    // joined along itself, so the grid is connected.
    routes
}

/// Up to `count` places held by other sides, nearest to `from` first (straight line).
fn nearest_hostile(
    places: &[Place],
    owner: &[usize],
    from: usize,
    side: usize,
    side_of: &impl Fn(usize) -> usize,
    count: usize,
) -> Vec<usize> {
    let mut hostile: Vec<(f64, usize)> = (0..places.len())
        .filter(|&p| side_of(owner[p]) != side)
        .map(|p| (distance_km(&places[from], &places[p]), p))
        .collect();
    // The `count` nearest, nearer first (ties by index): selected, not the whole list sorted.
    let order = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    if hostile.len() > count && count > 0 {
        hostile.select_nth_unstable_by(count - 1, order);
        hostile.truncate(count);
    }
    hostile.sort_by(order);
    hostile.into_iter().take(count).map(|(_, p)| p).collect()
}

fn faction(f: usize, factions: usize, sides: usize) -> Faction {
    let side = f % sides;
    let kind = match f / sides {
        0 if side == 0 => FactionKind::StateArmy,
        0 => FactionKind::Rebel,
        _ => FactionKind::Militia,
    };
    // Colours around the hue circle, by side first so that allies look alike.
    let hue =
        (side as f64 + 0.6 * (f / sides) as f64 / factions.div_ceil(sides) as f64) / sides as f64;
    Faction {
        id: format!("f{f}"),
        name: format!("Faction {f}"),
        side: format!("side {side}"),
        kind,
        colour: hsv_hex(hue, 0.7, 0.8),
        sponsor: None,
        claims_territory: true,
        fire: Default::default(),
        campaign: Vec::new(),
        headquarters: None,
        desertion_on_break: None,
        dissolution_on_break: None,
        mobility: Default::default(),
        occupies_abandoned: false,
        recruitment: None,
        air_defence: 0.0,
        civilian_abuse: 0.0,
        pressure_on: Vec::new(),
    }
}

/// `#rrggbb` of a colour given by hue (0–1), saturation and value.
fn hsv_hex(hue: f64, saturation: f64, value: f64) -> String {
    let h = (hue.fract() * 6.0).max(0.0);
    let sector = h.floor() as u32 % 6;
    let f = h - h.floor();
    let p = value * (1.0 - saturation);
    let q = value * (1.0 - saturation * f);
    let t = value * (1.0 - saturation * (1.0 - f));
    let (r, g, b) = match sector {
        0 => (value, t, p),
        1 => (q, value, p),
        2 => (p, value, t),
        3 => (p, q, value),
        4 => (t, p, value),
        _ => (value, p, q),
    };
    let byte = |x: f64| (x * 255.0).round().clamp(0.0, 255.0) as u8;
    format!("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b))
}

/// Great-circle distance, km.
fn distance_km(a: &Place, b: &Place) -> f64 {
    let (la, lb) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lb - la;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la.cos() * lb.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// Fisher–Yates shuffle from the generator (kept here so the file depends only on the seed).
fn shuffle<T>(items: &mut [T], rng: &mut ChaCha8Rng) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_options_same_file_and_other_seed_other_file() {
        let options = GenerateOptions {
            places: 40,
            units: 100,
            factions: 6,
            sides: 3,
            seed: 3,
            days: 5,
        };
        let a = generate_ron(&options).expect("generates");
        assert_eq!(a, generate_ron(&options).expect("generates"));
        let b = generate_ron(&GenerateOptions { seed: 4, ..options }).expect("generates");
        assert_ne!(a, b);
    }

    #[test]
    fn out_of_range_options_are_refused() {
        let base = GenerateOptions::default();
        for bad in [
            GenerateOptions { places: 1, ..base },
            GenerateOptions { units: 0, ..base },
            GenerateOptions {
                factions: 1,
                ..base
            },
            GenerateOptions {
                factions: 501,
                ..base
            },
            GenerateOptions { sides: 1, ..base },
            GenerateOptions { sides: 65, ..base },
            GenerateOptions { days: 0, ..base },
        ] {
            assert!(generate(&bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn every_place_is_reachable() {
        for places in [2, 3, 7, 10, 11, 50] {
            let options = GenerateOptions {
                places,
                units: 4,
                factions: 2,
                sides: 2,
                seed: 1,
                days: 1,
            };
            let s = generate(&options).expect("generates");
            let index = |id: &str| s.places.iter().position(|p| p.id == id).expect("known");
            let mut seen = vec![false; places];
            let mut stack = vec![0];
            seen[0] = true;
            while let Some(p) = stack.pop() {
                for r in &s.routes {
                    let (a, b) = (index(&r.from), index(&r.to));
                    for (x, y) in [(a, b), (b, a)] {
                        if x == p && !seen[y] {
                            seen[y] = true;
                            stack.push(y);
                        }
                    }
                }
            }
            assert!(seen.iter().all(|&s| s), "{places} places: not connected");
        }
    }
}
