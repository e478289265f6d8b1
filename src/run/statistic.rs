//! Which statistic of a metric over runs a sweep's cell or a comparison's row shows
//! (`--stat median|q10|q90|mean|p`), with its 90% interval and the share of runs behind it.

use serde::Serialize;

use super::ensemble::RunDigest;
use super::metrics::Metric;
use super::stats::{mean_interval, probability, quantile_sorted};

/// A statistic of a metric over the runs of an ensemble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Stat {
    /// The mean over the runs with a value (a probability for `p_` metrics).
    #[default]
    Mean,
    /// The median over the runs with a value.
    Median,
    /// The 10% quantile over the runs with a value.
    Q10,
    /// The 90% quantile over the runs with a value.
    Q90,
    /// The share of all runs in which the metric's event happens: the place fell
    /// (`fall_day`, `fall_day_if`, `p_fall`), the state withdrew or the ceasefire held (`p_`
    /// metrics), or the count is above zero (`killed`, `civilian_deaths`, `highest_rung`, …).
    P,
}

impl Stat {
    /// The name as given to `--stat`.
    pub fn name(self) -> &'static str {
        match self {
            Stat::Mean => "mean",
            Stat::Median => "median",
            Stat::Q10 => "q10",
            Stat::Q90 => "q90",
            Stat::P => "p",
        }
    }

    /// The statistic in words, for captions and headers: "mean", "median", "10% quantile",
    /// "90% quantile", "share of runs where it happens".
    pub fn words(self) -> &'static str {
        match self {
            Stat::Mean => "mean",
            Stat::Median => "median",
            Stat::Q10 => "10% quantile",
            Stat::Q90 => "90% quantile",
            Stat::P => "share of runs where it happens",
        }
    }

    /// The quantile level of a quantile statistic.
    pub fn level(self) -> Option<f64> {
        match self {
            Stat::Median => Some(0.5),
            Stat::Q10 => Some(0.1),
            Stat::Q90 => Some(0.9),
            Stat::Mean | Stat::P => None,
        }
    }

    /// The statistic a metric is shown with: a probability metric (`p_fall`, `p_withdrawal`,
    /// `p_ceasefire`) is always its share of runs, whatever was asked.
    pub fn for_metric(self, metric: Metric) -> Stat {
        if metric.is_probability() {
            Stat::P
        } else {
            self
        }
    }
}

/// A statistic of a metric over an ensemble's runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The statistic's value (NaN when no run has a value).
    pub value: f64,
    /// Its 90% confidence interval: Wilson for a share, Student's t for a mean, the exact
    /// distribution-free order-statistic interval for a quantile; `None` where none reaches
    /// 90% (too few runs).
    pub ci: Option<[f64; 2]>,
    /// Runs behind the value: runs with a value, or every run for a share.
    pub n: usize,
    /// `n` as a share of all runs (below 1 for a conditional metric such as `fall_day_if`).
    pub share: f64,
}

/// Whether a metric's event happened in a run (see [`Stat::P`]).
pub fn happened(metric: Metric, r: &RunDigest, days: f64) -> bool {
    match metric {
        Metric::FallDay(p) | Metric::FallDayIf(p) | Metric::PFall(p) => {
            r.first_capture_day.get(p).copied().flatten().is_some()
        }
        _ => metric.value(r, days).is_some_and(|v| v > 0.0),
    }
}

/// The statistic `stat` of `metric` over `runs` of `days` days.
pub fn estimate(stat: Stat, metric: Metric, runs: &[RunDigest], days: f64) -> Estimate {
    estimate_with(
        stat.for_metric(metric),
        runs,
        |r| happened(metric, r, days),
        |r| metric.value(r, days),
    )
}

/// The statistic `stat` over `runs` of any metric, given whether its event `happened` in a run
/// (for [`Stat::P`]: the share of runs, with its Wilson interval) and its `value` in a run (for
/// a mean or quantile, over the runs with a finite value; `share` says how many those are).
pub fn estimate_with(
    stat: Stat,
    runs: &[RunDigest],
    happened: impl Fn(&RunDigest) -> bool,
    value: impl Fn(&RunDigest) -> Option<f64>,
) -> Estimate {
    let total = runs.len();
    let share = |n: usize| {
        if total == 0 {
            0.0
        } else {
            n as f64 / total as f64
        }
    };
    match stat {
        Stat::P => {
            let k = runs.iter().filter(|r| happened(r)).count();
            let p = probability(k, total);
            Estimate {
                value: if total == 0 { f64::NAN } else { p.p },
                ci: (total > 0).then_some([p.low, p.high]),
                n: total,
                share: share(total),
            }
        }
        s => {
            let xs: Vec<f64> = runs
                .iter()
                .filter_map(value)
                .filter(|x| x.is_finite())
                .collect();
            let mut e = of_values(s, &xs);
            e.share = share(xs.len());
            e
        }
    }
}

/// The statistic `stat` (mean or a quantile) of values in any order; `share` is 1.
pub fn of_values(stat: Stat, values: &[f64]) -> Estimate {
    let n = values.len();
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (value, ci) = match stat.level() {
        Some(q) => (
            quantile_sorted(&sorted, q).unwrap_or(f64::NAN),
            quantile_ci(&sorted, q),
        ),
        None if n == 0 => (f64::NAN, None),
        None => (sorted.iter().sum::<f64>() / n as f64, mean_interval(values)),
    };
    Estimate {
        value,
        ci,
        n,
        share: 1.0,
    }
}

/// The exact, distribution-free 90% confidence interval of the q-quantile of sorted values:
/// the order statistics of ranks `l` and `u` (1-based), `l` the largest rank with
/// `P(B ≤ l − 1) ≤ 0.05` and `u` the smallest with `P(B ≤ u − 1) ≥ 0.95`, for
/// `B ~ Binomial(n, q)` the number of values below the quantile; it covers the quantile with
/// probability `P(l ≤ B ≤ u − 1) ≥ 90%` (Conover, *Practical Nonparametric Statistics*, 3rd
/// ed., 1999, §3.2). `None` when no such ranks exist within 1..n (too few values).
pub fn quantile_ci(sorted: &[f64], q: f64) -> Option<[f64; 2]> {
    let (l, u) = quantile_ci_ranks(sorted.len(), q)?;
    Some([sorted[l - 1], sorted[u - 1]])
}

/// The ranks `(l, u)` of [`quantile_ci`] for `n` values, if both lie in 1..=n.
pub fn quantile_ci_ranks(n: usize, q: f64) -> Option<(usize, usize)> {
    if n == 0 || !(0.0..=1.0).contains(&q) || q == 0.0 || q == 1.0 {
        return None;
    }
    let tail = 0.05;
    let nf = n as f64;
    // The binomial(n, q) distribution function, walked up from 0 in logs.
    let mut ln_pmf = nf * (1.0 - q).ln();
    let mut cdf = 0.0_f64;
    let mut lower = None;
    let mut upper = None;
    for k in 0..=n {
        // cdf before adding P(B = k) is P(B ≤ k − 1).
        if cdf <= tail * (1.0 + 1e-12) && k >= 1 {
            lower = Some(k);
        }
        if cdf >= (1.0 - tail) * (1.0 - 1e-12) && k >= 1 {
            upper = Some(k);
            break;
        }
        cdf += ln_pmf.exp();
        if k < n {
            ln_pmf += ((nf - k as f64) / (k as f64 + 1.0)).ln() + (q / (1.0 - q)).ln();
        }
    }
    match (lower, upper) {
        (Some(l), Some(u)) if u <= n => Some((l, u)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 16: the quantile interval's ranks reproduce the median's exact ranks, and for
    /// every n its coverage, summed exactly from the binomial, is at least 90%.
    #[test]
    fn quantile_ranks_cover_their_level() {
        for n in 5..400 {
            let (l, u) = quantile_ci_ranks(n, 0.5).expect("median interval from n = 5");
            assert_eq!(Some(l), super::super::stats::median_ci_rank(n), "n = {n}");
            assert_eq!(u, n + 1 - l, "n = {n}");
        }
        for q in [0.1, 0.5, 0.9] {
            for n in 1..300 {
                let Some((l, u)) = quantile_ci_ranks(n, q) else {
                    continue;
                };
                let nf = n as f64;
                let pmf = |k: usize| {
                    let ln_choose = (1..=k)
                        .map(|i| ((nf - i as f64 + 1.0) / i as f64).ln())
                        .sum::<f64>();
                    (ln_choose + k as f64 * q.ln() + (nf - k as f64) * (1.0 - q).ln()).exp()
                };
                let coverage: f64 = (l..u).map(pmf).sum();
                assert!(coverage >= 0.9 - 1e-9, "q {q} n {n}: {coverage}");
            }
        }
        // Too few runs for a 90% interval of the 10% quantile.
        assert_eq!(quantile_ci_ranks(10, 0.1), None);
        assert!(quantile_ci_ranks(100, 0.1).is_some());
    }

    #[test]
    fn statistics_of_values() {
        let v: Vec<f64> = (1..=101).map(f64::from).collect();
        assert_eq!(of_values(Stat::Median, &v).value, 51.0);
        assert_eq!(of_values(Stat::Mean, &v).value, 51.0);
        assert!((of_values(Stat::Q10, &v).value - 11.0).abs() < 1e-12);
        assert!((of_values(Stat::Q90, &v).value - 91.0).abs() < 1e-12);
        let ci = of_values(Stat::Median, &v).ci.expect("an interval");
        assert!(ci[0] < 51.0 && ci[1] > 51.0);
        assert!(of_values(Stat::Median, &[]).value.is_nan());
    }
}
