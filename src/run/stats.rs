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
    /// Exact 90% confidence interval of the median (distribution-free, from order statistics);
    /// `None` (`null` in JSON) for fewer than 5 values, where no interval reaches 90%.
    pub median_ci: Option<[f64; 2]>,
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

/// The 90% confidence interval of the mean of `values` (in any order), Student's t with n − 1
/// degrees of freedom: mean ± t(0.95; n − 1) · s / √n (exact for normal values, and right for
/// small n where the normal z = 1.645 is too narrow: t = 2.92 for n = 3, 1.73 for n = 20,
/// 1.66 for n = 100). `None` for fewer than two values, where the spread is unknown.
pub fn mean_interval(values: &[f64]) -> Option<[f64; 2]> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let mean = values.iter().sum::<f64>() / nf;
    let var = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (nf - 1.0);
    let half = t_quantile(0.95, nf - 1.0) * (var / nf).sqrt();
    Some([mean - half, mean + half])
}

/// The p-quantile of Student's t distribution with `df` degrees of freedom (statrs).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    match StudentsT::new(0.0, 1.0, df) {
        Ok(t) => t.inverse_cdf(p),
        // Only for df ≤ 0 or NaN, which callers never pass: the normal limit.
        Err(_) => normal_quantile(p),
    }
}

/// Level of every confidence interval of a median.
pub const MEDIAN_CI_LEVEL: f64 = 0.90;

/// The exact, distribution-free 90% confidence interval for the median of sorted values: the
/// order statistics of ranks `l` and `n + 1 − l` (1-based), with `l` the largest rank such that
/// `P(B ≤ l − 1) ≤ 0.05` for `B ~ Binomial(n, ½)`, the number of values below the median. The
/// interval then covers the median with probability `1 − 2·P(B ≤ l − 1) ≥ 90%` (Conover,
/// *Practical Nonparametric Statistics*, 3rd ed., 1999, §3.2; Campbell & Gardner, BMJ 1988,
/// whose table these ranks reproduce). `None` when no interval reaches 90%: for n ≤ 4, even
/// the smallest and largest values cover the median with probability `1 − 2^(1−n)` < 90%.
fn median_ci(sorted: &[f64]) -> Option<[f64; 2]> {
    let rank = median_ci_rank(sorted.len())?;
    Some([sorted[rank - 1], sorted[sorted.len() - rank]])
}

/// The lower rank `l` (1-based) of the exact 90% interval of a median of `n` values, or `None`
/// if none reaches 90%.
pub fn median_ci_rank(n: usize) -> Option<usize> {
    let tail = (1.0 - MEDIAN_CI_LEVEL) / 2.0;
    // Walk the binomial(n, ½) distribution function up from 0, in logs so that n in the
    // millions does not underflow: ln P(B = k + 1) = ln P(B = k) + ln((n − k) / (k + 1)).
    let nf = n as f64;
    let mut ln_pmf = -nf * std::f64::consts::LN_2;
    let mut cdf = 0.0_f64;
    let mut rank = None;
    for k in 0..n.div_ceil(2) {
        cdf += ln_pmf.exp();
        // The interval [X_(k+1), X_(n−k)] misses the median when B ≤ k or B ≥ n − k.
        if cdf > tail * (1.0 + 1e-12) {
            break;
        }
        rank = Some(k + 1);
        ln_pmf += ((nf - k as f64) / (k as f64 + 1.0)).ln();
    }
    rank
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

    /// Issue 16: t quantiles match SciPy's `scipy.stats.t.ppf(0.95, df)`, and the interval of a
    /// mean uses them.
    #[test]
    fn t_interval_of_a_mean() {
        assert!((t_quantile(0.95, 2.0) - 2.919_986).abs() < 1e-5);
        assert!((t_quantile(0.95, 19.0) - 1.729_133).abs() < 1e-5);
        assert!((t_quantile(0.95, 99.0) - 1.660_391).abs() < 1e-5);
        let [lo, hi] = mean_interval(&[1.0, 2.0, 3.0]).expect("three values");
        // mean 2, s = 1, half-width 2.919986 / √3.
        assert!((lo - (2.0 - 2.919_986 / 3f64.sqrt())).abs() < 1e-5, "{lo}");
        assert!((hi - (2.0 + 2.919_986 / 3f64.sqrt())).abs() < 1e-5, "{hi}");
        assert_eq!(mean_interval(&[5.0]), None);
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
        let [lo, hi] = d.median_ci.expect("an interval for 101 values");
        assert!(lo < 51.0 && hi > 51.0);
        assert!(distribution(&[f64::INFINITY]).is_none());
        assert_eq!(
            distribution(&[1.0, 2.0, 3.0, 4.0])
                .expect("values")
                .median_ci,
            None
        );
    }

    /// Exact binomial(n, ½) distribution function P(B ≤ k), summed term by term from a table
    /// of ln k! (a different path from the walk in `median_ci_rank`).
    fn binomial_half_cdf(ln_fact: &[f64], n: usize, k: usize) -> f64 {
        (0..=k)
            .map(|j| {
                (ln_fact[n] - ln_fact[j] - ln_fact[n - j] - n as f64 * std::f64::consts::LN_2).exp()
            })
            .sum()
    }

    /// Issue 16: the interval of the median reaches 90% for every n from 5 to 2,000 by exact
    /// binomial sums, and it is the narrowest symmetric one that does; below 5 there is none.
    #[test]
    fn median_interval_covers_exactly() {
        for n in 1..=4 {
            assert_eq!(median_ci_rank(n), None, "n = {n}");
        }
        let mut ln_fact = vec![0.0_f64; 2001];
        for k in 1..=2000 {
            ln_fact[k] = ln_fact[k - 1] + (k as f64).ln();
        }
        for n in 5..=2000 {
            let l = median_ci_rank(n).unwrap_or_else(|| panic!("no interval for n = {n}"));
            let miss = 2.0 * binomial_half_cdf(&ln_fact, n, l - 1);
            assert!(
                1.0 - miss >= 0.9 - 1e-12,
                "n = {n}: coverage {}",
                1.0 - miss
            );
            if 2 * l < n {
                let wider_miss = 2.0 * binomial_half_cdf(&ln_fact, n, l);
                assert!(1.0 - wider_miss < 0.9, "n = {n}: rank {} would do", l + 1);
            }
        }
        // The ranks quoted in the issue for n = 1000: 474..527.
        assert_eq!(median_ci_rank(1000), Some(474));
    }
}
