//! Scores of an ensemble forecast against one observed value: the continuous ranked
//! probability score (CRPS), the probability integral transform (PIT) and whether the value
//! falls inside the central 50% and 90% intervals.
//!
//! **CRPS** of the ensemble's empirical distribution F (values x_1..x_n) at the observation y
//! (Gneiting & Raftery 2007, eq. 21): CRPS(F, y) = E|X − y| − ½ E|X − X′|, in the unit of the
//! values (days, persons). With the values sorted, E|X − X′| = (2/n²) Σ_i (2i − n − 1) x_(i),
//! so the score costs O(n log n). Lower is better; 0 is a forecast of exactly y by every run.
//!
//! **PIT** = F(y−) + V·(F(y) − F(y−)), V uniform on [0, 1] (randomised for ties, as for
//! discrete forecasts, Czado, Gneiting & Held 2009), where F(y−) and F(y) are the shares of
//! runs below and at or below y. Over many observations the PIT of a calibrated forecast is
//! uniform; values near 0 mean the model ran high (too late, too many), near 1 too low.

use serde::Serialize;

use crate::run::stats::quantile_sorted;

/// The scores of one forecast against one observation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Score {
    /// CRPS, in the unit of the values.
    pub crps: f64,
    /// Randomised PIT.
    pub pit: f64,
    /// Share of the values below the observation, F(y−).
    pub pit_low: f64,
    /// Share of the values at or below the observation, F(y).
    pub pit_high: f64,
    /// The central 50% interval (25% to 75% quantiles).
    pub interval_50: [f64; 2],
    /// The central 90% interval (5% to 95% quantiles).
    pub interval_90: [f64; 2],
    /// Whether the observation is inside the 50% interval.
    pub inside_50: bool,
    /// Whether it is inside the 90% interval.
    pub inside_90: bool,
}

/// CRPS of the empirical distribution of `sorted` (ascending) at `y`; `None` for no values.
pub fn crps_sorted(sorted: &[f64], y: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as f64;
    let to_obs = sorted.iter().map(|x| (x - y).abs()).sum::<f64>() / n;
    let spread = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x)
        .sum::<f64>()
        / (n * n);
    Some(to_obs - spread)
}

/// Score the values `values` (any order, finite) against `y`, with `v` in [0, 1] the uniform
/// draw that randomises the PIT within ties. `None` for no values.
pub fn score(values: &[f64], y: f64, v: f64) -> Option<Score> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let crps = crps_sorted(&sorted, y)?;
    let n = sorted.len() as f64;
    let below = sorted.partition_point(|x| *x < y) as f64 / n;
    let at_or_below = sorted.partition_point(|x| *x <= y) as f64 / n;
    let q = |p: f64| quantile_sorted(&sorted, p).unwrap_or(f64::NAN);
    let interval_50 = [q(0.25), q(0.75)];
    let interval_90 = [q(0.05), q(0.95)];
    let inside = |[lo, hi]: [f64; 2]| lo <= y && y <= hi;
    Some(Score {
        crps,
        pit: below + v.clamp(0.0, 1.0) * (at_or_below - below),
        pit_low: below,
        pit_high: at_or_below,
        interval_50,
        interval_90,
        inside_50: inside(interval_50),
        inside_90: inside(interval_90),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::stats::{normal_cdf, normal_pdf, normal_quantile};

    /// By hand: values 1, 2, 4 and y = 3. E|X − y| = (2 + 1 + 1)/3 = 4/3;
    /// E|X − X′| = 2(|1−2| + |1−4| + |2−4|)/9 = 12/9; CRPS = 4/3 − 6/9 = 2/3.
    #[test]
    fn crps_of_a_small_ensemble_by_hand() {
        let s = score(&[4.0, 1.0, 2.0], 3.0, 0.5).expect("values");
        assert!((s.crps - 2.0 / 3.0).abs() < 1e-12, "{}", s.crps);
        // One value: the absolute error.
        assert_eq!(crps_sorted(&[5.0], 2.0), Some(3.0));
        assert_eq!(crps_sorted(&[], 2.0), None);
        // Brute force over all pairs agrees.
        let xs: [f64; 6] = [0.5, 3.0, 3.0, 7.25, 10.0, -2.0];
        let n = xs.len() as f64;
        let y: f64 = 2.0;
        let brute = xs.iter().map(|x| (x - y).abs()).sum::<f64>() / n
            - 0.5
                * xs.iter()
                    .flat_map(|a| xs.iter().map(move |b| (a - b).abs()))
                    .sum::<f64>()
                / (n * n);
        assert!((score(&xs, y, 0.0).expect("values").crps - brute).abs() < 1e-12);
    }

    /// 20,001 normal quantiles stand for N(μ, σ): CRPS within 0.1% of the closed form
    /// σ[z(2Φ(z) − 1) + 2φ(z) − 1/√π].
    #[test]
    fn crps_of_a_large_normal_ensemble_matches_the_closed_form() {
        let (mu, sigma) = (10.0, 2.0);
        let n = 20_001;
        let xs: Vec<f64> = (0..n)
            .map(|i| mu + sigma * normal_quantile((i as f64 + 0.5) / n as f64))
            .collect();
        for y in [10.0, 11.0, 4.0, 17.5] {
            let z = (y - mu) / sigma;
            let exact = sigma
                * (z * (2.0 * normal_cdf(z) - 1.0) + 2.0 * normal_pdf(z)
                    - 1.0 / std::f64::consts::PI.sqrt());
            let got = score(&xs, y, 0.5).expect("values").crps;
            assert!(
                (got - exact).abs() < 1e-3 * exact.max(0.1),
                "y {y}: {got} vs {exact}"
            );
        }
    }

    #[test]
    fn pit_and_intervals() {
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = score(&xs, 50.0, 0.5).expect("values");
        assert!((s.pit_low - 0.49).abs() < 1e-12 && (s.pit_high - 0.50).abs() < 1e-12);
        assert!((s.pit - 0.495).abs() < 1e-12);
        assert!(s.inside_50 && s.inside_90);
        let far = score(&xs, 99.0, 0.0).expect("values");
        assert!(!far.inside_50 && !far.inside_90);
        // Every run at the same value: the PIT spreads over [0, 1] by the draw.
        let tied = score(&[3.0; 10], 3.0, 0.25).expect("values");
        assert_eq!((tied.pit_low, tied.pit_high, tied.pit), (0.0, 1.0, 0.25));
        assert_eq!(tied.crps, 0.0);
    }
}
