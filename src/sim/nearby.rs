//! Places within a distance of each place: what a shock that spreads by distance (a city's
//! fall, a rout) reaches, found without measuring every pair of places every tick.
//!
//! Two ways, for two sizes of reach: [`Nearby::cover`] and [`Nearby::around`] list the places
//! within one short radius of every place once per run (a rout's 25 km); [`Nearby::scan`]
//! measures, for one place, only the places in the band of latitude its reach can touch (a
//! city's fall, whose reach of a few hundred km would make the lists of every pair too large
//! on a big theatre).

use bevy_ecs::prelude::Resource;

use super::resources::Theatre;

/// Mean Earth radius used by [`Theatre::distance_km`], km.
const EARTH_RADIUS_KM: f64 = 6371.0;

/// For each place, the places (itself included) closer than `radius_km`, by place index, with
/// their great-circle distance from [`Theatre::distance_km`]. Built when first needed and
/// rebuilt only if a larger radius is asked for (a parameter changed by an event).
#[derive(Resource, Debug, Default)]
pub struct Nearby {
    radius_km: f64,
    within: Vec<Vec<(usize, f64)>>,
    /// Every place as (latitude in radians, place index), in order of latitude; built on the
    /// first [`Nearby::scan`].
    by_lat: Vec<(f64, usize)>,
}

impl Nearby {
    /// The places closer than the cached radius to `place`, with distances in km. Call
    /// [`Nearby::cover`] first with the radius you need.
    pub fn around(&self, place: usize) -> &[(usize, f64)] {
        self.within.get(place).map_or(&[], Vec::as_slice)
    }

    /// Make sure the lists hold every place closer than `radius_km`.
    pub fn cover(&mut self, theatre: &Theatre, radius_km: f64) {
        if !self.within.is_empty() && radius_km <= self.radius_km {
            return;
        }
        self.radius_km = radius_km.max(self.radius_km);
        self.within = within(theatre, self.radius_km);
    }

    /// Replace `out` with the places closer than `radius_km` to `place` (itself included), with
    /// their distances from it in km, in order of place index. Only the places whose latitude
    /// is within reach are measured (the bound of `within`); nothing is kept between calls
    /// but the order of latitude.
    pub fn scan(
        &mut self,
        theatre: &Theatre,
        place: usize,
        radius_km: f64,
        out: &mut Vec<(usize, f64)>,
    ) {
        out.clear();
        if radius_km.is_nan() || radius_km <= 0.0 || place >= theatre.places.len() {
            return;
        }
        if self.by_lat.len() != theatre.places.len() {
            self.by_lat = theatre
                .places
                .iter()
                .enumerate()
                .map(|(i, p)| (p.lat.to_radians(), i))
                .collect();
            self.by_lat.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        let lat = theatre.places[place].lat.to_radians();
        let reach_rad = radius_km / EARTH_RADIUS_KM * (1.0 + 1e-9) + 1e-12;
        let start = self.by_lat.partition_point(|&(l, _)| l < lat - reach_rad);
        for &(l, other) in &self.by_lat[start..] {
            if l - lat > reach_rad {
                break;
            }
            let d = theatre.distance_km(place, other);
            if d < radius_km {
                out.push((other, d));
            }
        }
        out.sort_by_key(|&(other, _)| other);
    }
}

/// Every pair of places closer than `radius_km`. Places are swept in order of latitude: the
/// great-circle distance is at least the distance along the meridian, R·|Δφ|, so the sweep
/// stops once that alone exceeds the radius.
fn within(theatre: &Theatre, radius_km: f64) -> Vec<Vec<(usize, f64)>> {
    let n = theatre.places.len();
    let mut within: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut by_lat: Vec<usize> = (0..n).collect();
    by_lat.sort_by(|&a, &b| theatre.places[a].lat.total_cmp(&theatre.places[b].lat));
    // A little slack so rounding in the bound never drops a pair the exact distance keeps.
    let reach_rad = radius_km / EARTH_RADIUS_KM * (1.0 + 1e-9) + 1e-12;
    for (i, &a) in by_lat.iter().enumerate() {
        let lat_a = theatre.places[a].lat.to_radians();
        for &b in &by_lat[i..] {
            if theatre.places[b].lat.to_radians() - lat_a > reach_rad {
                break;
            }
            let d = theatre.distance_km(a, b);
            if d < radius_km {
                within[a].push((b, d));
            }
            if a != b {
                let back = theatre.distance_km(b, a);
                if back < radius_km {
                    within[b].push((a, back));
                }
            }
        }
    }
    for list in &mut within {
        list.sort_by_key(|&(place, _)| place);
    }
    within
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `scan` lists, for each place, exactly what the all-pairs lists of `cover` hold.
    #[test]
    fn scan_finds_what_the_lists_of_every_pair_hold() {
        let scenario = crate::generate::generate(&crate::generate::GenerateOptions {
            places: 200,
            units: 10,
            factions: 2,
            sides: 2,
            seed: 3,
            days: 1,
        })
        .expect("generates");
        let theatre = crate::sim::spawn::build_theatre(&scenario).expect("theatre");
        let mut nearby = Nearby::default();
        let mut found = Vec::new();
        for radius in [10.0, 60.0, 250.0] {
            let lists = within(&theatre, radius);
            for (place, list) in lists.iter().enumerate() {
                nearby.scan(&theatre, place, radius, &mut found);
                assert_eq!(&found, list, "place {place}, {radius} km");
            }
        }
        nearby.scan(&theatre, 0, 0.0, &mut found);
        assert!(found.is_empty());
    }
}
