//! Uncertain inputs: any number in a scenario may be a distribution, sampled once per run.
//!
//! A scenario file is read as `Scenario<Num>`, where every [`Num`] is a fixed number or a
//! [`Distribution`]. Each run turns it into a plain `Scenario` (numbers only) by drawing every
//! distribution from its own stream (the run's seed and the input's path), and records what it
//! drew.

use rand::rngs::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::schema::Scenario;
use crate::error::{Error, Result};
use crate::math::{TruncatedNormal, open_unit, stream};

/// A number in a scenario: fixed, or drawn from a distribution once per run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Num {
    /// A fixed value.
    Fixed(f64),
    /// A distribution, sampled once per run.
    Dist(Distribution),
}

impl From<f64> for Num {
    fn from(value: f64) -> Self {
        Num::Fixed(value)
    }
}

/// A probability distribution of an uncertain input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Distribution {
    /// Every value in `[min, max]` equally likely.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Normal with mean and standard deviation, optionally truncated to `[min, max]` (drawn
    /// from the normal restricted to the range, not clamped: no draw lands on a bound).
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (> 0).
        sd: f64,
        /// Lower truncation bound.
        #[serde(default)]
        min: Option<f64>,
        /// Upper truncation bound.
        #[serde(default)]
        max: Option<f64>,
    },
    /// Triangular on `[min, max]` with its peak at `mode`.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Log-normal: `median × exp(sigma × z)`, optionally truncated to `[min, max]` (restricted
    /// to the range, not clamped).
    LogNormal {
        /// Median (> 0).
        median: f64,
        /// Standard deviation of the logarithm (> 0).
        sigma: f64,
        /// Lower truncation bound.
        #[serde(default)]
        min: Option<f64>,
        /// Upper truncation bound.
        #[serde(default)]
        max: Option<f64>,
    },
    /// One of several values, with optional weights (default: equally likely).
    Choice {
        /// The values.
        values: Vec<f64>,
        /// Their weights (≥ 0), as many as values.
        #[serde(default)]
        weights: Option<Vec<f64>>,
    },
    /// One column of a table of rows drawn together: every input of the same `group` takes
    /// its value from the same row, row `i` with probability `weights[i]` (default: equally
    /// likely), so that the inputs' joint distribution (their correlations) survives. What
    /// `strife calibrate` writes for a posterior (`calibrated.ron`).
    Joint {
        /// Name of the table; every input of a group has as many values and the same weights.
        group: String,
        /// This input's value in each row.
        values: Vec<f64>,
        /// The rows' weights (≥ 0, not all 0), as many as values.
        #[serde(default)]
        weights: Option<Vec<f64>>,
    },
}

impl Distribution {
    /// Check the parameters; `Err` says what is impossible: parameters out of their domain, a
    /// truncation range that holds no probability a double can represent, or draws that would
    /// overflow.
    pub fn check(&self) -> std::result::Result<(), String> {
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
        let bounds_ok = |min: Option<f64>, max: Option<f64>| match (min, max) {
            (Some(a), Some(b)) if a > b => Err(format!("min {a} is above max {b}")),
            (Some(a), Some(b)) if a == b => Err(format!(
                "min and max are both {a}: write the number itself instead of a distribution"
            )),
            (Some(a), _) | (_, Some(a)) if !a.is_finite() => Err("bounds must be finite".into()),
            _ => Ok(()),
        };
        match self {
            Distribution::Uniform { min, max } => {
                if !finite(&[*min, *max]) || min > max {
                    return Err(format!(
                        "Uniform needs finite min ≤ max, got min {min}, max {max}"
                    ));
                }
            }
            Distribution::Normal { mean, sd, min, max } => {
                if !finite(&[*mean, *sd]) || *sd <= 0.0 {
                    return Err(format!(
                        "Normal needs a finite mean and sd > 0, got sd {sd}"
                    ));
                }
                bounds_ok(*min, *max)?;
            }
            Distribution::Triangular { min, mode, max } => {
                if !(finite(&[*min, *mode, *max]) && min <= mode && mode <= max) || min == max {
                    return Err(format!(
                        "Triangular needs min ≤ mode ≤ max with min < max, got {min}, {mode}, {max}"
                    ));
                }
            }
            Distribution::LogNormal {
                median,
                sigma,
                min,
                max,
            } => {
                if !finite(&[*median, *sigma]) || *median <= 0.0 || *sigma <= 0.0 {
                    return Err(format!(
                        "LogNormal needs median > 0 and sigma > 0, got median {median}, sigma {sigma}"
                    ));
                }
                bounds_ok(*min, *max)?;
                if max.is_some_and(|m| m <= 0.0) {
                    return Err(format!(
                        "a LogNormal draws only values above 0, so max must be above 0, not {}",
                        max.unwrap_or_default()
                    ));
                }
            }
            Distribution::Choice { values, weights }
            | Distribution::Joint {
                values, weights, ..
            } => {
                let what = if matches!(self, Distribution::Joint { .. }) {
                    "Joint"
                } else {
                    "Choice"
                };
                if values.is_empty() || !finite(values) {
                    return Err(format!("{what} needs at least one finite value"));
                }
                if let Distribution::Joint { group, .. } = self
                    && group.trim().is_empty()
                {
                    return Err("Joint needs a group name".into());
                }
                if let Some(w) = weights
                    && (w.len() != values.len()
                        || !finite(w)
                        || w.iter().any(|x| *x < 0.0)
                        || !(w.iter().sum::<f64>() > 0.0 && w.iter().sum::<f64>().is_finite()))
                {
                    return Err(format!(
                        "{what} needs one finite weight ≥ 0 per value ({} values, {} weights), \
                         not all 0",
                        values.len(),
                        w.len()
                    ));
                }
            }
        }
        if let Some((a, b)) = self.standard_range()
            && TruncatedNormal::new(a, b).is_none()
        {
            return Err(format!(
                "the range from min to max lies {:.1} to {:.1} standard deviations from the \
                 centre, where the distribution holds no probability a computer can represent; \
                 bring min and max closer to the centre or widen the spread",
                a, b
            ));
        }
        let (lo, hi, centre) = (self.quantile(0.0), self.quantile(1.0), self.central());
        if !(lo.is_finite() && hi.is_finite() && centre.is_finite()) {
            return Err(format!(
                "its draws overflow: they would range from {lo} to {hi}; use a smaller spread \
                 or truncate it with min and max"
            ));
        }
        if matches!(self, Distribution::LogNormal { .. }) && lo <= 0.0 {
            return Err(format!(
                "sigma is so large that draws underflow to {lo}; use a smaller sigma or a min"
            ));
        }
        Ok(())
    }

    /// For a normal or log-normal: the range `[a, b]` of the underlying standard normal `z`
    /// that the truncation bounds allow (infinite where a side is not truncated).
    fn standard_range(&self) -> Option<(f64, f64)> {
        match self {
            Distribution::Normal { mean, sd, min, max } => Some((
                min.map_or(f64::NEG_INFINITY, |m| (m - mean) / sd),
                max.map_or(f64::INFINITY, |m| (m - mean) / sd),
            )),
            Distribution::LogNormal {
                median,
                sigma,
                min,
                max,
            } => {
                let z = |m: f64| (m.ln() - median.ln()) / sigma;
                Some((
                    min.filter(|m| *m > 0.0).map_or(f64::NEG_INFINITY, z),
                    max.map_or(f64::INFINITY, |m| if m > 0.0 { z(m) } else { f64::NAN }),
                ))
            }
            _ => None,
        }
    }

    /// The value used where one number stands for the distribution (validation, `explain`):
    /// the midpoint, the median (of the truncated distribution, for a normal or log-normal),
    /// the mode, or the first choice.
    pub fn central(&self) -> f64 {
        match self {
            Distribution::Uniform { min, max } => 0.5 * min + 0.5 * max,
            Distribution::Normal { .. } | Distribution::LogNormal { .. } => self.quantile(0.5),
            Distribution::Triangular { mode, .. } => *mode,
            Distribution::Choice { values, .. } => values.first().copied().unwrap_or(0.0),
            Distribution::Joint {
                values, weights, ..
            } => values
                .get(heaviest_row(weights.as_deref(), values.len()))
                .copied()
                .unwrap_or(0.0),
        }
    }

    /// The ends of the range a draw can fall in, for validation: a field must accept both.
    /// An untruncated side of a normal stands at ±`f64::MAX` (any finite value may be
    /// drawn), and the untruncated lower side of a log-normal at the smallest positive double
    /// (any value above 0 may be drawn), so that a field with a limit on that side refuses it.
    pub fn extremes(&self) -> (f64, f64) {
        match self {
            Distribution::Uniform { min, max } => (*min, *max),
            Distribution::Normal { min, max, .. } => {
                (min.unwrap_or(-f64::MAX), max.unwrap_or(f64::MAX))
            }
            Distribution::Triangular { min, max, .. } => (*min, *max),
            Distribution::LogNormal { min, max, .. } => (
                min.filter(|m| *m > 0.0).unwrap_or(f64::MIN_POSITIVE),
                max.unwrap_or(f64::MAX),
            ),
            Distribution::Choice { values, .. } | Distribution::Joint { values, .. } => (
                values.iter().copied().fold(f64::INFINITY, f64::min),
                values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ),
        }
    }

    /// The value at quantile `u` in [0, 1] (the inverse distribution function). Every draw is
    /// this function at a uniform `u` of the input's stream, and `strife sensitivity` maps a
    /// design point of the unit hypercube onto the input through it. A normal or log-normal is
    /// truncated to its bounds (not clamped: no mass sits on a bound), and `u` is kept in
    /// `[2⁻⁵³, 1 − 2⁻⁵³]`, the range of a stream's uniforms, so an untruncated tail ends at
    /// the most extreme value a draw can take (≈ 8.29 standard deviations out). A `Choice` is
    /// taken over its values in ascending order.
    pub fn quantile(&self, u: f64) -> f64 {
        let u = if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) };
        let truncated_z = || {
            self.standard_range()
                .and_then(|(a, b)| TruncatedNormal::new(a, b))
                .map_or(f64::NAN, |t| t.quantile(u))
        };
        match self {
            Distribution::Uniform { min, max } => min * (1.0 - u) + max * u,
            Distribution::Normal { mean, sd, min, max } => {
                clamp(mean + sd * truncated_z(), *min, *max)
            }
            Distribution::Triangular { min, mode, max } => {
                let split = (mode - min) / (max - min);
                if u < split {
                    min + ((max - min) * (mode - min) * u).sqrt()
                } else {
                    max - ((max - min) * (max - mode) * (1.0 - u)).sqrt()
                }
            }
            Distribution::LogNormal {
                median,
                sigma,
                min,
                max,
            } => clamp(median * (sigma * truncated_z()).exp(), *min, *max),
            Distribution::Choice { values, weights }
            | Distribution::Joint {
                values, weights, ..
            } => {
                let mut pairs: Vec<(f64, f64)> = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (*v, weights.as_ref().map_or(1.0, |w| w[i])))
                    .collect();
                pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
                let total: f64 = pairs.iter().map(|p| p.1).sum();
                let mut cumulative = 0.0;
                for (v, w) in &pairs {
                    cumulative += w;
                    if u * total < cumulative {
                        return *v;
                    }
                }
                pairs.last().map_or(0.0, |p| p.0)
            }
        }
    }

    /// One draw: the quantile at a uniform in (0, 1) from `rng`.
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        self.quantile(open_unit(rng))
    }
}

/// The row a `Joint` table stands at where one value stands for it: the heaviest (the first of
/// the heaviest), the same row for every input of a group.
fn heaviest_row(weights: Option<&[f64]>, rows: usize) -> usize {
    let Some(w) = weights else { return 0 };
    let mut best = 0;
    for (i, x) in w.iter().enumerate().take(rows) {
        if *x > w[best] {
            best = i;
        }
    }
    best
}

/// The row of a `Joint` table drawn for the run of `seed`: one uniform of the group's own stream
/// (kind [`JOINT_STREAM`], key the group's name), the same for every input of the group, picks
/// a row in row order by weight.
fn joint_row(seed: u64, group: &str, weights: Option<&[f64]>, rows: usize) -> usize {
    let u = open_unit(&mut stream(seed, JOINT_STREAM, group));
    let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
    let total: f64 = (0..rows).map(weight).sum();
    let mut cumulative = 0.0;
    for i in 0..rows {
        cumulative += weight(i);
        if u * total < cumulative {
            return i;
        }
    }
    rows.saturating_sub(1)
}

/// Check that the inputs of each `Joint` group of `found` (path, distribution) form one table:
/// as many values each and the same weights. `Err` holds the path at fault and why.
pub fn check_joint_groups(
    found: &[(String, Distribution)],
) -> std::result::Result<(), (String, String)> {
    let mut first: Vec<(&str, &str, usize, Option<&Vec<f64>>)> = Vec::new();
    for (path, dist) in found {
        let Distribution::Joint {
            group,
            values,
            weights,
        } = dist
        else {
            continue;
        };
        match first.iter().find(|(g, ..)| *g == group) {
            None => first.push((group, path, values.len(), weights.as_ref())),
            Some((_, other, rows, w)) => {
                if *rows != values.len() || *w != weights.as_ref() {
                    return Err((
                        path.clone(),
                        format!(
                            "Joint group `{group}` has {rows} rows at `{other}` but {} here, or \
                             other weights: every input of a group needs as many values and the \
                             same weights",
                            values.len()
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `x` within the bounds (a NaN stays NaN): guards the last bit of rounding of a truncated
/// draw, which is in its range in exact arithmetic.
fn clamp(x: f64, min: Option<f64>, max: Option<f64>) -> f64 {
    if x.is_nan() {
        return x;
    }
    let x = min.map_or(x, |m| x.max(m));
    max.map_or(x, |m| x.min(m))
}

/// One value drawn for an uncertain input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draw {
    /// Where the input is, e.g. `units.rdf_north.personnel` or `routes[3].km` (shared: an
    /// ensemble keeps one copy of each path for all its runs).
    pub path: std::sync::Arc<str>,
    /// The value drawn.
    pub value: f64,
}

/// Which value stands for each distribution.
#[derive(Debug, Clone, Copy)]
enum Pick<'a> {
    Central,
    Low,
    High,
    /// Each input at the quantile of a uniform from its own stream of the run's seed.
    Sample(u64),
    /// The named inputs at the given quantiles, every other at its central value.
    Design(&'a [(String, f64)]),
    /// The named input at the given value, every other at its central value.
    Value(&'a str, f64),
    /// The named inputs at the given values, every other drawn as for `Sample`.
    Fixed(u64, &'a [(String, f64)]),
}

pub use crate::math::derive_seed;

/// The kind of stream an uncertain input draws from (see [`crate::math::stream`]); the key is
/// the input's path.
pub const INPUT_STREAM: &str = "input";

/// The names of the distributions, as a scenario writes them.
pub const DISTRIBUTIONS: [&str; 6] = [
    "Uniform",
    "Normal",
    "Triangular",
    "LogNormal",
    "Choice",
    "Joint",
];

/// The kind of stream a `Joint` group draws its row from; the key is the group's name.
pub const JOINT_STREAM: &str = "joint";

/// Draw every uncertain input of `scenario` for the run of `seed`; return the plain scenario
/// and the values drawn, in a fixed order (by path).
///
/// Each input draws one uniform from its own stream, keyed by the run's seed and the input's
/// path, and takes its quantile: adding, removing or changing one input leaves every other
/// input's draw as it was.
pub fn sample_scenario(scenario: &Scenario<Num>, seed: u64) -> Result<(Scenario, Vec<Draw>)> {
    resolve(scenario, Pick::Sample(seed))
}

/// The scenario with every distribution at its central value.
pub fn central_scenario(scenario: &Scenario<Num>) -> Result<Scenario> {
    resolve(scenario, Pick::Central).map(|(s, _)| s)
}

/// The scenario with every distribution at its lowest (or highest) plausible value.
pub fn extreme_scenario(scenario: &Scenario<Num>, high: bool) -> Result<Scenario> {
    resolve(scenario, if high { Pick::High } else { Pick::Low }).map(|(s, _)| s)
}

/// The scenario with each input named in `at` at its quantile `u` (`(path, u)`, u in [0, 1])
/// and every other uncertain input at its central value; and the values used, in the fixed
/// order of [`sample_scenario`]'s draws.
pub fn design_scenario(
    scenario: &Scenario<Num>,
    at: &[(String, f64)],
) -> Result<(Scenario, Vec<Draw>)> {
    resolve(scenario, Pick::Design(at))
}

/// The scenario with the input at `path` at `value` and every other at its central value.
pub fn value_scenario(scenario: &Scenario<Num>, path: &str, value: f64) -> Result<Scenario> {
    resolve(scenario, Pick::Value(path, value)).map(|(s, _)| s)
}

/// The scenario of the run of `seed` with each input named in `at` at its value (`(path,
/// value)`) and every other uncertain input drawn as [`sample_scenario`] draws it; and the
/// values used. What `strife calibrate` runs for a particle.
pub fn fixed_scenario(
    scenario: &Scenario<Num>,
    seed: u64,
    at: &[(String, f64)],
) -> Result<(Scenario, Vec<Draw>)> {
    resolve(scenario, Pick::Fixed(seed, at))
}

/// Every distribution in the scenario, with its path.
pub fn distributions(scenario: &Scenario<Num>) -> Result<Vec<(String, Distribution)>> {
    let mut tree = serde_json::to_value(scenario).map_err(|e| Error::Internal(e.to_string()))?;
    let mut found = Vec::new();
    walk(&mut tree, &mut String::new(), &mut |path, dist| {
        found.push((path.to_owned(), dist.clone()));
        None
    });
    Ok(found)
}

fn resolve(scenario: &Scenario<Num>, pick: Pick) -> Result<(Scenario, Vec<Draw>)> {
    let mut tree = serde_json::to_value(scenario).map_err(|e| Error::Internal(e.to_string()))?;
    let mut draws = Vec::new();
    walk(&mut tree, &mut String::new(), &mut |path, dist| {
        let value = match pick {
            Pick::Central => dist.central(),
            Pick::Low => dist.extremes().0,
            Pick::High => dist.extremes().1,
            Pick::Sample(seed) => sample_one(dist, seed, path),
            Pick::Fixed(seed, at) => at
                .iter()
                .find(|(p, _)| p == path)
                .map_or_else(|| sample_one(dist, seed, path), |(_, x)| *x),
            Pick::Design(at) => at
                .iter()
                .find(|(p, _)| p == path)
                .map_or_else(|| dist.central(), |(_, u)| dist.quantile(*u)),
            Pick::Value(at, x) => {
                if at == path {
                    x
                } else {
                    dist.central()
                }
            }
        };
        draws.push(Draw {
            path: path.into(),
            value,
        });
        Some(value)
    });
    let plain = serde_json::from_value(tree)
        .map_err(|e| Error::Internal(format!("resolving uncertain inputs: {e}")))?;
    Ok((plain, draws))
}

/// The draw of one input for the run of `seed`: its own stream's uniform at its quantile, or
/// for a `Joint`, its value in the group's row.
fn sample_one(dist: &Distribution, seed: u64, path: &str) -> f64 {
    match dist {
        Distribution::Joint {
            group,
            values,
            weights,
        } => {
            let row = joint_row(seed, group, weights.as_deref(), values.len());
            values.get(row).copied().unwrap_or(f64::NAN)
        }
        _ => dist.sample(&mut stream(seed, INPUT_STREAM, path)),
    }
}

/// Visit every distribution in a JSON tree (object keys in sorted order, arrays in order),
/// replacing it with the number `visit` returns. `path` is the path of `value`, built in one
/// buffer as the walk goes down and cut back as it comes up.
fn walk(
    value: &mut Value,
    path: &mut String,
    visit: &mut dyn FnMut(&str, &Distribution) -> Option<f64>,
) {
    let is_distribution = value.as_object().is_some_and(|map| {
        map.len() == 1 && map.keys().all(|k| DISTRIBUTIONS.contains(&k.as_str()))
    });
    if is_distribution && let Ok(dist) = serde_json::from_value::<Distribution>(value.clone()) {
        if let Some(x) = visit(path, &dist) {
            *value = serde_json::json!(x);
        }
        return;
    }
    let len = path.len();
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                push_key(path, key);
                walk(child, path, visit);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                push_entry(path, i, child);
                walk(child, path, visit);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Append `key` to `path` as [`join_path`] joins them.
pub(crate) fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(&super::overrides::quote_key(key));
}

/// Append the name of entry `i` of a list, `entry`, to `path`: entries with an id are named by
/// it (`units.rdf_north`), others by their index (`routes[3]`).
pub(crate) fn push_entry(path: &mut String, i: usize, entry: &Value) {
    match entry.get("id").and_then(Value::as_str) {
        Some(id) => push_key(path, id),
        None => {
            use std::fmt::Write;
            let _ = write!(path, "[{i}]");
        }
    }
}

/// The path of `key` under `path` (`units` + `rdf_north` → `units.rdf_north`), as `--set` and
/// the error messages write it; a key with a dot, bracket or quote is quoted (`units."a.b"`).
pub(crate) fn join_path(path: &str, key: &str) -> String {
    let key = super::overrides::quote_key(key);
    if path.is_empty() {
        key.into_owned()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::{normal_cdf, normal_pdf};
    use rand::SeedableRng;

    fn rng() -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(42)
    }

    fn draws(d: &Distribution, n: usize) -> Vec<f64> {
        let mut r = rng();
        (0..n).map(|_| d.sample(&mut r)).collect()
    }

    fn mean_of(d: &Distribution, n: usize) -> f64 {
        draws(d, n).iter().sum::<f64>() / n as f64
    }

    /// Mean and variance of a sample.
    fn moments(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var)
    }

    #[test]
    fn draws_stay_in_their_ranges_and_have_the_right_means() {
        let uniform = Distribution::Uniform {
            min: 3000.0,
            max: 4000.0,
        };
        assert!(
            draws(&uniform, 1000)
                .iter()
                .all(|x| (3000.0..=4000.0).contains(x))
        );
        assert!((mean_of(&uniform, 20_000) - 3500.0).abs() < 10.0);
        let tri = Distribution::Triangular {
            min: 0.0,
            mode: 3.0,
            max: 6.0,
        };
        assert!((mean_of(&tri, 20_000) - 3.0).abs() < 0.05);
        let choice = Distribution::Choice {
            values: vec![1.0, 2.0],
            weights: Some(vec![3.0, 1.0]),
        };
        assert!((mean_of(&choice, 20_000) - 1.25).abs() < 0.02);
        let lognormal = Distribution::LogNormal {
            median: 100.0,
            sigma: 0.5,
            min: None,
            max: None,
        };
        let mut xs = draws(&lognormal, 20_001);
        xs.sort_by(f64::total_cmp);
        assert!((xs[10_000] - 100.0).abs() < 3.0, "median {}", xs[10_000]);
        let normal = Distribution::Normal {
            mean: 10.0,
            sd: 2.0,
            min: None,
            max: None,
        };
        let (mean, var) = moments(&draws(&normal, 100_000));
        assert!(
            (mean - 10.0).abs() < 0.03 && (var - 4.0).abs() < 0.08,
            "{mean} {var}"
        );
    }

    /// Issue 12: a truncated normal is truncated, not clamped. Its draws have the truncated
    /// distribution's mean and variance, and none lands on a bound.
    #[test]
    fn truncated_normal_draws_have_the_closed_form_moments_and_no_mass_on_the_bounds() {
        for (mu, sigma, lo, hi) in [
            (10.0, 2.0, Some(9.0), Some(13.0)),
            (0.6, 0.3, Some(0.0), Some(1.0)),
            (0.0, 1.0, Some(1.5), None),
            (5.0, 1.0, None, Some(2.0)),
        ] {
            let d = Distribution::Normal {
                mean: mu,
                sd: sigma,
                min: lo,
                max: hi,
            };
            d.check().expect("valid");
            let a = lo.map_or(f64::NEG_INFINITY, |l| (l - mu) / sigma);
            let b = hi.map_or(f64::INFINITY, |h| (h - mu) / sigma);
            let z = normal_cdf(b) - normal_cdf(a);
            let (pa, pb) = (normal_pdf(a), normal_pdf(b));
            let term = |x: f64, p: f64| if x.is_finite() { x * p } else { 0.0 };
            let shift = (pa - pb) / z;
            let mean = mu + sigma * shift;
            let var = sigma * sigma * (1.0 + (term(a, pa) - term(b, pb)) / z - shift * shift);
            let xs = draws(&d, 200_000);
            let (m, v) = moments(&xs);
            let se = (var / xs.len() as f64).sqrt();
            assert!(
                (m - mean).abs() < 4.0 * se,
                "{d:?}: mean {m}, expected {mean}"
            );
            assert!(
                (v / var - 1.0).abs() < 0.02,
                "{d:?}: variance {v}, expected {var}"
            );
            let on_bound = xs
                .iter()
                .filter(|x| Some(**x) == lo || Some(**x) == hi)
                .count();
            assert_eq!(on_bound, 0, "{d:?}: {on_bound} draws on a bound");
            assert!(
                xs.iter()
                    .all(|x| lo.is_none_or(|l| *x >= l) && hi.is_none_or(|h| *x <= h))
            );
        }
    }

    /// Issue 12: a truncated log-normal's draws have the closed-form moments
    /// `E[Xᵏ] = exp(kμ + k²σ²/2)·(Φ(β − kσ) − Φ(α − kσ))/(Φ(β) − Φ(α))`.
    #[test]
    fn truncated_lognormal_draws_have_the_closed_form_moments() {
        let (median, sigma, lo, hi) = (100.0_f64, 0.5, 80.0_f64, 250.0_f64);
        let d = Distribution::LogNormal {
            median,
            sigma,
            min: Some(lo),
            max: Some(hi),
        };
        let mu = median.ln();
        let (a, b) = ((lo.ln() - mu) / sigma, (hi.ln() - mu) / sigma);
        let z = normal_cdf(b) - normal_cdf(a);
        let raw = |k: f64| {
            (k * mu + 0.5 * k * k * sigma * sigma).exp()
                * (normal_cdf(b - k * sigma) - normal_cdf(a - k * sigma))
                / z
        };
        let mean = raw(1.0);
        let var = raw(2.0) - mean * mean;
        let xs = draws(&d, 200_000);
        let (m, v) = moments(&xs);
        let se = (var / xs.len() as f64).sqrt();
        assert!((m - mean).abs() < 4.0 * se, "mean {m}, expected {mean}");
        assert!((v / var - 1.0).abs() < 0.02, "variance {v}, expected {var}");
        assert!(xs.iter().all(|x| *x > lo && *x < hi));
    }

    /// Issue 12: ranges far in a tail draw finite values in range; a range with no
    /// representable probability, and draws that overflow, are refused.
    #[test]
    fn extreme_tails_stay_finite_or_are_refused() {
        let far = Distribution::Normal {
            mean: 0.0,
            sd: 1.0,
            min: Some(30.0),
            max: Some(31.0),
        };
        far.check()
            .expect("30 sd out still holds a representable probability");
        let xs = draws(&far, 10_000);
        assert!(
            xs.iter()
                .all(|x| x.is_finite() && (30.0..=31.0).contains(x))
        );
        let (m, _) = moments(&xs);
        assert!((m - (30.0 + 1.0 / 30.0)).abs() < 0.01, "mean {m}");
        let low_far = Distribution::LogNormal {
            median: 1.0,
            sigma: 0.1,
            min: None,
            max: Some(0.05),
        };
        low_far.check().expect("about 30 sigma below the median");
        assert!(draws(&low_far, 1000).iter().all(|x| *x > 0.0 && *x <= 0.05));
        for bad in [
            Distribution::Normal {
                mean: 0.0,
                sd: 1.0,
                min: Some(40.0),
                max: Some(41.0),
            },
            Distribution::Normal {
                mean: 0.0,
                sd: 1e308,
                min: None,
                max: None,
            },
            Distribution::Triangular {
                min: -1e308,
                mode: 0.0,
                max: 1.7e308,
            },
            Distribution::LogNormal {
                median: 1e300,
                sigma: 5.0,
                min: None,
                max: None,
            },
            Distribution::Normal {
                mean: 1.0,
                sd: 1.0,
                min: Some(1.0),
                max: Some(1.0),
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?} was accepted");
        }
        // A wide uniform does not overflow: it is fine.
        let wide = Distribution::Uniform {
            min: -1e308,
            max: 1.7e308,
        };
        assert!(wide.check().is_ok());
    }

    #[test]
    fn quantiles_invert_the_distributions() {
        let uniform = Distribution::Uniform { min: 2.0, max: 4.0 };
        assert_eq!(uniform.quantile(0.25), 2.5);
        let tri = Distribution::Triangular {
            min: 0.0,
            mode: 1.0,
            max: 2.0,
        };
        assert!((tri.quantile(0.5) - 1.0).abs() < 1e-12);
        let normal = Distribution::Normal {
            mean: 10.0,
            sd: 2.0,
            min: None,
            max: Some(12.0),
        };
        // Truncated above at +1 sd: the median is at Φ⁻¹(Φ(1)/2).
        let median = 10.0 + 2.0 * crate::math::normal_quantile(normal_cdf(1.0) / 2.0);
        assert!((normal.quantile(0.5) - median).abs() < 1e-9);
        assert!((normal.central() - median).abs() < 1e-12);
        assert!(normal.quantile(0.99) < 12.0);
        assert!((normal.quantile(1.0) - 12.0).abs() < 1e-12);
        // An untruncated tail ends where the most extreme draw can be, about 8.29 sd out.
        let lowest = normal.quantile(0.0);
        let z = crate::math::normal_quantile(crate::math::U_MIN * normal_cdf(1.0));
        assert!(
            (lowest - (10.0 + 2.0 * z)).abs() < 1e-9 && z < -8.2,
            "{lowest}"
        );
        assert_eq!(normal.extremes(), (-f64::MAX, 12.0));
        let lognormal = Distribution::LogNormal {
            median: 5.0,
            sigma: 0.5,
            min: None,
            max: None,
        };
        assert!((lognormal.quantile(0.5) - 5.0).abs() < 1e-9);
        assert_eq!(lognormal.extremes(), (f64::MIN_POSITIVE, f64::MAX));
        let choice = Distribution::Choice {
            values: vec![3.0, 1.0],
            weights: Some(vec![1.0, 3.0]),
        };
        assert_eq!(choice.quantile(0.7), 1.0);
        assert_eq!(choice.quantile(0.8), 3.0);
        assert_eq!(choice.quantile(1.0), 3.0);
    }

    #[test]
    fn impossible_parameters_are_refused() {
        for bad in [
            Distribution::Uniform { min: 2.0, max: 1.0 },
            Distribution::Normal {
                mean: 0.0,
                sd: -1.0,
                min: None,
                max: None,
            },
            Distribution::Triangular {
                min: 0.0,
                mode: 5.0,
                max: 4.0,
            },
            Distribution::LogNormal {
                median: -1.0,
                sigma: 1.0,
                min: None,
                max: None,
            },
            Distribution::LogNormal {
                median: 1.0,
                sigma: 1.0,
                min: None,
                max: Some(-1.0),
            },
            Distribution::Choice {
                values: vec![],
                weights: None,
            },
            Distribution::Choice {
                values: vec![1.0],
                weights: Some(vec![1.0, 2.0]),
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn sampling_is_deterministic_and_recorded_by_path() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/minimal.ron"
        ))
        .expect("minimal.ron")
        .replacen(
            "personnel: 1500",
            "personnel: Uniform(min: 1000, max: 2000)",
            1,
        );
        let with_km = text.replacen("km: 25", "km: Triangular(min: 20, mode: 25, max: 35)", 1);
        let scenario = crate::scenario::parse_scenario(&with_km, "t.ron").expect("parses");
        let (a, draws_a) = sample_scenario(&scenario, 1).expect("samples");
        let (_, draws_b) = sample_scenario(&scenario, 1).expect("samples");
        let (_, draws_c) = sample_scenario(&scenario, 2).expect("samples");
        assert_eq!(draws_a, draws_b);
        assert_ne!(draws_a, draws_c);
        let paths: Vec<&str> = draws_a.iter().map(|d| &*d.path).collect();
        assert_eq!(paths, ["routes[0].km", "units.reb_column.personnel"]);
        assert_eq!(a.units[0].personnel, draws_a[1].value);
        assert_eq!(
            central_scenario(&scenario).expect("central").units[0].personnel,
            1500.0
        );
        // Issue 12: without the uncertain `km`, personnel draws exactly the same value.
        let without = crate::scenario::parse_scenario(&text, "t.ron").expect("parses");
        let (_, draws_d) = sample_scenario(&without, 1).expect("samples");
        assert_eq!(draws_d, draws_a[1..]);
    }
}
