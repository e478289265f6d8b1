//! Statistics of an ensemble: quantiles, probabilities with Wilson intervals, and
//! distribution-free confidence intervals for quantiles.

use serde::Serialize;

/// The q-quantile of sorted values (linear interpolation between order statistics, the
/// "type 7" definition of R and NumPy). `None` for no values.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// A probability estimated from `k` successes in `n` trials, with its Wilson score interval
/// at 90% (z = 1.645).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Probability {
    /// k / n.
    pub p: f64,
    /// Lower end of the 90% interval.
    pub low: f64,
    /// Upper end of the 90% interval.
    pub high: f64,
}

/// `k` out of `n` as a [`Probability`].
pub fn probability(k: usize, n: usize) -> Probability {
    if n == 0 {
        return Probability {
            p: 0.0,
            low: 0.0,
            high: 1.0,
        };
    }
    let (k, n) = (k as f64, n as f64);
    let z = 1.645_f64;
    let p = k / n;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    Probability {
        p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

/// The distribution of a quantity over runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    /// Runs with a value.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// 5% quantile.
    pub q05: f64,
    /// 25% quantile.
    pub q25: f64,
    /// Median.
    pub median: f64,
    /// 75% quantile.
    pub q75: f64,
    /// 95% quantile.
    pub q95: f64,
    /// 90% confidence interval of the median (distribution-free, from order statistics).
    pub median_ci: [f64; 2],
}

/// Summarise values (in any order); `None` for no values.
pub fn distribution(values: &[f64]) -> Option<Distribution> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let q = |p: f64| quantile_sorted(&sorted, p).unwrap_or(f64::NAN);
    Some(Distribution {
        n,
        mean: sorted.iter().sum::<f64>() / n as f64,
        q05: q(0.05),
        q25: q(0.25),
        median: q(0.5),
        q75: q(0.75),
        q95: q(0.95),
        median_ci: median_ci(&sorted),
    })
}

/// A 90% confidence interval for the median of sorted values: the order statistics at ranks
/// `n/2 ∓ 1.645·√n/2` (normal approximation to the binomial), clamped to the sample.
fn median_ci(sorted: &[f64]) -> [f64; 2] {
    let n = sorted.len() as f64;
    let half = 1.645 * n.sqrt() / 2.0;
    let lo = ((n / 2.0 - half).floor() as isize).clamp(0, sorted.len() as isize - 1) as usize;
    let hi = ((n / 2.0 + half).ceil() as isize).clamp(0, sorted.len() as isize - 1) as usize;
    [sorted[lo], sorted[hi]]
}

// The normal distribution's functions live with the rest of the pure math.
pub use crate::math::{normal_cdf, normal_pdf, normal_quantile};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_functions_match_tables() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_964) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(-1.0) - 0.158_655_25).abs() < 1e-6);
        assert!((normal_quantile(0.975) - 1.959_964).abs() < 1e-6);
        assert!((normal_quantile(0.01) + 2.326_348).abs() < 1e-6);
        for p in [1e-6, 0.02, 0.3, 0.5, 0.9, 0.999] {
            assert!((normal_cdf(normal_quantile(p)) - p).abs() < 2e-7, "{p}");
        }
        assert!((normal_pdf(0.0) - 0.398_942_28).abs() < 1e-8);
    }

    #[test]
    fn quantiles_match_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.5), Some(2.5));
        assert_eq!(quantile_sorted(&v, 0.25), Some(1.75));
        assert_eq!(quantile_sorted(&v, 1.0), Some(4.0));
        assert_eq!(quantile_sorted(&[], 0.5), None);
    }

    #[test]
    fn wilson_interval_is_sane() {
        let p = probability(87, 100);
        assert!((p.p - 0.87).abs() < 1e-12);
        assert!(
            p.low < 0.87 && p.high > 0.87 && p.low > 0.79 && p.high < 0.93,
            "{p:?}"
        );
        let none = probability(0, 50);
        assert_eq!(none.low, 0.0);
        assert!(none.high > 0.0 && none.high < 0.1);
    }

    #[test]
    fn distribution_of_a_sample() {
        let values: Vec<f64> = (1..=101).map(f64::from).collect();
        let d = distribution(&values).expect("values");
        assert_eq!(d.median, 51.0);
        assert_eq!(d.q05, 6.0);
        assert!(d.median_ci[0] < 51.0 && d.median_ci[1] > 51.0);
        assert!(distribution(&[f64::INFINITY]).is_none());
    }
}
