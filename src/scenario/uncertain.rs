//! Uncertain inputs: any number in a scenario may be a distribution, sampled once per run.
//!
//! A scenario file is read as `Scenario<Num>`, where every [`Num`] is a fixed number or a
//! [`Distribution`]. Each run turns it into a plain `Scenario` (numbers only) by drawing every
//! distribution from the run's own generator, in a fixed order, and records what it drew.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::schema::Scenario;
use crate::error::{Error, Result};

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
    /// Normal with mean and standard deviation, optionally truncated to `[min, max]`.
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
    /// Log-normal: `median × exp(sigma × z)`, optionally truncated to `[min, max]`.
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
}

impl Distribution {
    /// Check the parameters; `Err` says what is impossible.
    pub fn check(&self) -> std::result::Result<(), String> {
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
        let bounds_ok = |min: Option<f64>, max: Option<f64>| match (min, max) {
            (Some(a), Some(b)) if a > b => Err(format!("min {a} is above max {b}")),
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
            }
            Distribution::Choice { values, weights } => {
                if values.is_empty() || !finite(values) {
                    return Err("Choice needs at least one finite value".into());
                }
                if let Some(w) = weights
                    && (w.len() != values.len()
                        || !finite(w)
                        || w.iter().any(|x| *x < 0.0)
                        || w.iter().sum::<f64>() <= 0.0)
                {
                    return Err(format!(
                        "Choice needs one weight ≥ 0 per value ({} values, {} weights), not all 0",
                        values.len(),
                        w.len()
                    ));
                }
            }
        }
        Ok(())
    }

    /// The value used where one number stands for the distribution (validation, `explain`):
    /// the midpoint, mean, mode, median or first choice.
    pub fn central(&self) -> f64 {
        match self {
            Distribution::Uniform { min, max } => 0.5 * (min + max),
            Distribution::Normal { mean, min, max, .. } => clamp(*mean, *min, *max),
            Distribution::Triangular { mode, .. } => *mode,
            Distribution::LogNormal {
                median, min, max, ..
            } => clamp(*median, *min, *max),
            Distribution::Choice { values, .. } => values.first().copied().unwrap_or(0.0),
        }
    }

    /// The range a draw can fall in; unbounded tails are cut at 4 standard deviations for the
    /// purpose of validation.
    pub fn extremes(&self) -> (f64, f64) {
        match self {
            Distribution::Uniform { min, max } => (*min, *max),
            Distribution::Normal { mean, sd, min, max } => (
                min.unwrap_or(mean - 4.0 * sd),
                max.unwrap_or(mean + 4.0 * sd),
            ),
            Distribution::Triangular { min, max, .. } => (*min, *max),
            Distribution::LogNormal {
                median,
                sigma,
                min,
                max,
            } => (
                min.unwrap_or(median * (-4.0 * sigma).exp()),
                max.unwrap_or(median * (4.0 * sigma).exp()),
            ),
            Distribution::Choice { values, .. } => (
                values.iter().copied().fold(f64::INFINITY, f64::min),
                values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ),
        }
    }

    /// The value at quantile `u` in [0, 1] (the inverse distribution function), used to map a
    /// design point of the unit hypercube onto the input (`strife sensitivity`). Normal and
    /// log-normal tails are cut where [`Distribution::extremes`] cuts them (at their bounds, or
    /// at 4 standard deviations), as draws are clamped to their bounds; a `Choice` is taken
    /// over its values in ascending order.
    pub fn quantile(&self, u: f64) -> f64 {
        let u = if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) };
        let (lo, hi) = self.extremes();
        let z = || crate::run::stats::normal_quantile(u);
        match self {
            Distribution::Uniform { min, max } => min + (max - min) * u,
            Distribution::Normal { mean, sd, .. } => (mean + sd * z()).clamp(lo, hi),
            Distribution::Triangular { min, mode, max } => {
                let split = (mode - min) / (max - min);
                if u < split {
                    min + ((max - min) * (mode - min) * u).sqrt()
                } else {
                    max - ((max - min) * (max - mode) * (1.0 - u)).sqrt()
                }
            }
            Distribution::LogNormal { median, sigma, .. } => {
                (median * (sigma * z()).exp()).clamp(lo, hi)
            }
            Distribution::Choice { values, weights } => {
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

    /// One draw.
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            Distribution::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
            Distribution::Normal { mean, sd, min, max } => clamp(
                mean + sd * crate::sim::rng::standard_normal(rng),
                *min,
                *max,
            ),
            Distribution::Triangular { min, mode, max } => {
                let u: f64 = rng.random();
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
            } => clamp(
                median * (sigma * crate::sim::rng::standard_normal(rng)).exp(),
                *min,
                *max,
            ),
            Distribution::Choice { values, weights } => {
                let total: f64 = weights
                    .as_ref()
                    .map_or(values.len() as f64, |w| w.iter().sum());
                let mut u = rng.random::<f64>() * total;
                for (i, v) in values.iter().enumerate() {
                    let w = weights.as_ref().map_or(1.0, |w| w[i]);
                    if u < w {
                        return *v;
                    }
                    u -= w;
                }
                values.last().copied().unwrap_or(0.0)
            }
        }
    }
}

fn clamp(x: f64, min: Option<f64>, max: Option<f64>) -> f64 {
    let x = min.map_or(x, |m| x.max(m));
    max.map_or(x, |m| x.min(m))
}

/// One value drawn for an uncertain input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draw {
    /// Where the input is, e.g. `units.rdf_north.personnel` or `routes[3].km`.
    pub path: String,
    /// The value drawn.
    pub value: f64,
}

/// Which value stands for each distribution.
#[derive(Debug, Clone, Copy)]
enum Pick<'a> {
    Central,
    Low,
    High,
    Sample(&'a std::cell::RefCell<ChaCha8Rng>),
    /// The named inputs at the given quantiles, every other at its central value.
    Design(&'a [(String, f64)]),
}

/// A seed for a stream derived from a master seed (SplitMix64): distinct streams for distinct
/// `(seed, stream)` pairs, the same on every platform.
pub fn derive_seed(seed: u64, stream: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Draw every uncertain input of `scenario` from the run's sampling stream; return the plain
/// scenario and the values drawn, in a fixed order.
pub fn sample_scenario(scenario: &Scenario<Num>, seed: u64) -> Result<(Scenario, Vec<Draw>)> {
    let rng = std::cell::RefCell::new(ChaCha8Rng::seed_from_u64(derive_seed(seed, 1)));
    resolve(scenario, Pick::Sample(&rng))
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

/// Every distribution in the scenario, with its path.
pub fn distributions(scenario: &Scenario<Num>) -> Result<Vec<(String, Distribution)>> {
    let mut tree = serde_json::to_value(scenario).map_err(|e| Error::Internal(e.to_string()))?;
    let mut found = Vec::new();
    walk(&mut tree, String::new(), &mut |path, dist| {
        found.push((path.to_owned(), dist.clone()));
        None
    });
    Ok(found)
}

fn resolve(scenario: &Scenario<Num>, pick: Pick) -> Result<(Scenario, Vec<Draw>)> {
    let mut tree = serde_json::to_value(scenario).map_err(|e| Error::Internal(e.to_string()))?;
    let mut draws = Vec::new();
    walk(&mut tree, String::new(), &mut |path, dist| {
        let value = match pick {
            Pick::Central => dist.central(),
            Pick::Low => dist.extremes().0,
            Pick::High => dist.extremes().1,
            Pick::Sample(rng) => dist.sample(&mut rng.borrow_mut()),
            Pick::Design(at) => at
                .iter()
                .find(|(p, _)| p == path)
                .map_or_else(|| dist.central(), |(_, u)| dist.quantile(*u)),
        };
        draws.push(Draw {
            path: path.to_owned(),
            value,
        });
        Some(value)
    });
    let plain = serde_json::from_value(tree)
        .map_err(|e| Error::Internal(format!("resolving uncertain inputs: {e}")))?;
    Ok((plain, draws))
}

/// Visit every distribution in a JSON tree (object keys in sorted order, arrays in order),
/// replacing it with the number `visit` returns.
fn walk(
    value: &mut Value,
    path: String,
    visit: &mut dyn FnMut(&str, &Distribution) -> Option<f64>,
) {
    let is_distribution = value.as_object().is_some_and(|map| {
        map.len() == 1
            && map.keys().all(|k| {
                ["Uniform", "Normal", "Triangular", "LogNormal", "Choice"].contains(&k.as_str())
            })
    });
    if is_distribution && let Ok(dist) = serde_json::from_value::<Distribution>(value.clone()) {
        if let Some(x) = visit(&path, &dist) {
            *value = serde_json::json!(x);
        }
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                walk(child, join_path(&path, key), visit);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                // Entries with an id are named by it: `units.rdf_north`, else `routes[3]`.
                let child_path = match child.get("id").and_then(Value::as_str) {
                    Some(id) => join_path(&path, id),
                    None => format!("{path}[{i}]"),
                };
                walk(child, child_path, visit);
            }
        }
        _ => {}
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

    fn rng() -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(42)
    }

    fn mean_of(d: &Distribution, n: usize) -> f64 {
        let mut r = rng();
        (0..n).map(|_| d.sample(&mut r)).sum::<f64>() / n as f64
    }

    #[test]
    fn draws_stay_in_their_ranges_and_have_the_right_means() {
        let uniform = Distribution::Uniform {
            min: 3000.0,
            max: 4000.0,
        };
        let mut r = rng();
        assert!(
            (0..1000)
                .map(|_| uniform.sample(&mut r))
                .all(|x| (3000.0..=4000.0).contains(&x))
        );
        assert!((mean_of(&uniform, 20_000) - 3500.0).abs() < 10.0);
        let tri = Distribution::Triangular {
            min: 0.0,
            mode: 3.0,
            max: 6.0,
        };
        assert!((mean_of(&tri, 20_000) - 3.0).abs() < 0.05);
        let normal = Distribution::Normal {
            mean: 10.0,
            sd: 2.0,
            min: Some(9.0),
            max: None,
        };
        let mut r = rng();
        assert!((0..1000).map(|_| normal.sample(&mut r)).all(|x| x >= 9.0));
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
        let mut r = rng();
        let mut xs: Vec<f64> = (0..20_001).map(|_| lognormal.sample(&mut r)).collect();
        xs.sort_by(f64::total_cmp);
        assert!((xs[10_000] - 100.0).abs() < 3.0, "median {}", xs[10_000]);
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
        assert!((normal.quantile(0.5) - 10.0).abs() < 1e-9);
        assert_eq!(normal.quantile(0.99), 12.0);
        assert_eq!(normal.quantile(0.0), 2.0);
        let lognormal = Distribution::LogNormal {
            median: 5.0,
            sigma: 0.5,
            min: None,
            max: None,
        };
        assert!((lognormal.quantile(0.5) - 5.0).abs() < 1e-9);
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
        )
        .replacen("km: 25", "km: Triangular(min: 20, mode: 25, max: 35)", 1);
        let scenario = crate::scenario::parse_scenario(&text, "t.ron").expect("parses");
        let (a, draws_a) = sample_scenario(&scenario, 1).expect("samples");
        let (_, draws_b) = sample_scenario(&scenario, 1).expect("samples");
        let (_, draws_c) = sample_scenario(&scenario, 2).expect("samples");
        assert_eq!(draws_a, draws_b);
        assert_ne!(draws_a, draws_c);
        let paths: Vec<&str> = draws_a.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["routes[0].km", "units.reb_column.personnel"]);
        assert_eq!(a.units[0].personnel, draws_a[1].value);
        assert_eq!(
            central_scenario(&scenario).expect("central").units[0].personnel,
            1500.0
        );
    }
}
