//! Places within a distance of each place: what a shock that spreads by distance (a city's
//! fall, a rout) reaches, found without measuring every pair of places every tick.

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
