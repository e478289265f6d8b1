//! Samplers of experiment designs in the unit hypercube: Latin hypercube, scrambled Sobol',
//! full factorial and plain Monte Carlo. Each returns `n` points of `k` coordinates in
//! [0, 1]; an input's value is then its range's quantile at the coordinate.
//!
//! - **Latin hypercube** (McKay, Beckman & Conover 1979): each input's range is cut into `n`
//!   equal strata and every stratum holds exactly one point; the strata are paired across
//!   inputs by independent random permutations, and each point sits at a uniform draw inside
//!   its stratum: `u = (π_i(j) + U) / n`.
//! - **Sobol'**: the Owen-scrambled Sobol' sequence of Burley (2020, "Practical hash-based
//!   Owen scrambling", JCGT 9(4)) through the `sobol_burley` crate, the same as the Saltelli
//!   design of `strife sensitivity`; points 0..n of dimensions 0..k.
//! - **Full factorial**: every combination of `levels` evenly spaced values per input, both
//!   ends of the range included (`i / (levels − 1)`; the middle for one level), the last input
//!   varying fastest, as NetLogo BehaviorSpace and the EMA Workbench's full factorial do.
//! - **Monte Carlo**: independent uniforms.
//!
//! Every random sampler draws from a ChaCha8 generator seeded from the master seed, so a design
//! is the same on every machine, thread count and shard.

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

use crate::math::{derive_seed, open_unit};

/// Most inputs a Sobol' design takes: the dimensions of `sobol_burley`.
pub const MAX_SOBOL_DIMENSIONS: usize = sobol_burley::NUM_DIMENSIONS as usize;

/// A Latin hypercube of `n` points over `k` inputs from `seed`.
pub fn latin_hypercube(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(seed, 0x1a7e));
    let mut points = vec![vec![0.0; k]; n];
    for i in 0..k {
        let mut strata: Vec<usize> = (0..n).collect();
        // Fisher–Yates, drawing each index from the open unit interval.
        for j in (1..n).rev() {
            let pick = ((open_unit(&mut rng) * (j + 1) as f64) as usize).min(j);
            strata.swap(j, pick);
        }
        for (point, stratum) in points.iter_mut().zip(strata) {
            point[i] = (stratum as f64 + open_unit(&mut rng)) / n as f64;
        }
    }
    points
}

/// The first `n` points of the Owen-scrambled Sobol' sequence over `k` inputs (`k` at most
/// [`MAX_SOBOL_DIMENSIONS`], `n` below 2³²), scrambled by `seed`.
pub fn sobol(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let scramble = (derive_seed(seed, 0x50b0) >> 32) as u32;
    (0..n)
        .map(|j| {
            (0..k)
                .map(|i| f64::from(sobol_burley::sample(j as u32, i as u32, scramble)))
                .collect()
        })
        .collect()
}

/// Every combination of `levels` evenly spaced coordinates per input over `k` inputs, the last
/// input varying fastest.
pub fn full_factorial(levels: usize, k: usize) -> Vec<Vec<f64>> {
    let level = |i: usize| {
        if levels <= 1 {
            0.5
        } else {
            i as f64 / (levels - 1) as f64
        }
    };
    (0..k).fold(vec![Vec::new()], |acc, _| {
        acc.iter()
            .flat_map(|prefix| {
                (0..levels).map(move |i| {
                    let mut p = prefix.clone();
                    p.push(level(i));
                    p
                })
            })
            .collect()
    })
}

/// `n` points of `k` independent uniforms from `seed`.
pub fn monte_carlo(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(seed, 0x3c));
    (0..n)
        .map(|_| (0..k).map(|_| open_unit(&mut rng)).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_hypercube_has_one_point_in_every_stratum() {
        let n = 50;
        let points = latin_hypercube(n, 4, 7);
        for i in 0..4 {
            let mut seen = vec![false; n];
            for p in &points {
                let s = (p[i] * n as f64).floor() as usize;
                assert!(!seen[s], "stratum {s} of input {i} twice");
                seen[s] = true;
            }
            assert!(seen.iter().all(|s| *s));
        }
        assert_eq!(points, latin_hypercube(n, 4, 7), "deterministic");
        assert_ne!(points, latin_hypercube(n, 4, 8), "the seed matters");
    }

    #[test]
    fn other_samplers_fill_the_cube() {
        let s = sobol(64, 3, 1);
        assert_eq!(s.len(), 64);
        assert!(s.iter().flatten().all(|u| (0.0..1.0).contains(u)));
        // Each half of each dimension holds half the points (a (t, m, s)-net property).
        for i in 0..3 {
            assert_eq!(s.iter().filter(|p| p[i] < 0.5).count(), 32);
        }
        let f = full_factorial(3, 2);
        assert_eq!(f.len(), 9);
        assert_eq!(f[0], vec![0.0, 0.0]);
        assert_eq!(f[1], vec![0.0, 0.5]);
        assert_eq!(f[8], vec![1.0, 1.0]);
        assert_eq!(full_factorial(1, 2), vec![vec![0.5, 0.5]]);
        let m = monte_carlo(10, 2, 3);
        assert!(m.iter().flatten().all(|u| *u > 0.0 && *u < 1.0));
    }
}
