//! The estimators of sensitivity analysis, with no model in them: Morris elementary effects and
//! Sobol' indices by Saltelli sampling, each as a design over the unit hypercube, then the
//! indices from the model's values at the design's points.
//!
//! **Morris** (Morris 1991; μ* from Campolongo, Cariboni & Saltelli 2007). A trajectory starts
//! at a random point of a `p`-level grid of [0, 1]^k and moves one input at a time, in random
//! order, by Δ = p / (2(p − 1)) up or down. Each move gives one elementary effect
//! EE_i = (f(x + Δ·d·e_i) − f(x)) / (Δ·d), d = ±1: the change in the output when input i moves
//! over its whole range, extrapolated from a step of Δ. Over r trajectories, μ_i is the mean
//! of EE_i, μ*_i the mean of |EE_i| (the importance: large μ* = influential), σ_i their
//! standard deviation (large σ = non-linear or interacting). r(k + 1) model runs.
//!
//! **Sobol'** (Saltelli 2002, 2010). Two independent N × k matrices A and B of quasi-random
//! points (an Owen-scrambled Sobol' sequence, Burley 2020, through the `sobol_burley` crate:
//! A from dimensions 0..k, B from k..2k), and for each input i the matrix A_B^i: A with column
//! i from B. With V the variance of f over the rows of A and B together,
//!
//! - first-order S1_i = (1/N) Σ_j (f(B)_j − f̄) (f(A_B^i)_j − f(A)_j) / V (Saltelli et al.
//!   2010, table 2 (b); f(B) centred on the mean f̄ of A and B, which leaves the expectation
//!   unchanged and cuts the variance when the mean is large beside the spread),
//! - total ST_i = (1/2N) Σ_j (f(A)_j − f(A_B^i)_j)² / V (Jansen 1999).
//!
//! N(k + 2) model runs. Confidence intervals: the indices recomputed on bootstrap resamples of
//! the rows (the same resampled rows j for A, B and every A_B^i), seeded; the interval is the
//! 5% and 95% percentiles of the resamples (a 90% interval).

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde::Serialize;

use crate::run::stats::quantile_sorted;
use crate::scenario::uncertain::derive_seed;

/// Most inputs of a Sobol' design: A and B take 2k dimensions of the sequence, which has 256.
pub const MAX_SOBOL_INPUTS: usize = 128;
/// Most rows N of a Sobol' design (the sequence's length, 2^16).
pub const MAX_SOBOL_ROWS: usize = 1 << 16;
/// Default bootstrap resamples.
pub const BOOTSTRAP: usize = 500;

/// A design: points of the unit hypercube at which the model is run, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Number of inputs k.
    pub inputs: usize,
    /// The points, each of `inputs` coordinates in [0, 1].
    pub points: Vec<Vec<f64>>,
}

/// One step of a Morris trajectory: which input moved, and by how much (±Δ).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// Input index.
    pub input: usize,
    /// Signed step in the unit hypercube.
    pub delta: f64,
}

/// A Morris design: r trajectories of k + 1 points each, and the step taken between each
/// point and the next.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisDesign {
    /// The points: trajectory t holds points t(k+1) .. (t+1)(k+1).
    pub design: Design,
    /// Grid levels p.
    pub levels: usize,
    /// Steps: trajectory t's k steps are `steps[t*k .. (t+1)*k]`.
    pub steps: Vec<Step>,
}

/// Morris indices of one input.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MorrisIndex {
    /// Mean elementary effect μ (signed: the direction of the effect).
    pub mu: f64,
    /// Mean absolute elementary effect μ* (importance).
    pub mu_star: f64,
    /// Standard deviation σ of the elementary effects (non-linearity, interactions).
    pub sigma: f64,
    /// 90% bootstrap interval of μ* (trajectories resampled).
    pub mu_star_ci: [f64; 2],
}

/// Sobol' indices of one input.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SobolIndex {
    /// First-order index S1: the share of the variance due to the input alone.
    pub s1: f64,
    /// 90% bootstrap interval of S1.
    pub s1_ci: [f64; 2],
    /// Total index ST: the share due to the input with all its interactions.
    pub st: f64,
    /// 90% bootstrap interval of ST.
    pub st_ci: [f64; 2],
}

/// A Morris design of `trajectories` trajectories over `inputs` inputs on a `levels`-level
/// grid (even, ≥ 2), seeded.
pub fn morris_design(
    inputs: usize,
    trajectories: usize,
    levels: usize,
    seed: u64,
) -> Result<MorrisDesign, String> {
    if inputs == 0 {
        return Err("a Morris design needs at least one input".into());
    }
    if trajectories < 2 {
        return Err(format!(
            "a Morris design needs at least 2 trajectories, not {trajectories}"
        ));
    }
    if levels < 2 || !levels.is_multiple_of(2) {
        return Err(format!(
            "Morris levels must be an even number ≥ 2, not {levels}"
        ));
    }
    let delta = levels as f64 / (2.0 * (levels as f64 - 1.0));
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(seed, 11));
    let mut points = Vec::with_capacity(trajectories * (inputs + 1));
    let mut steps = Vec::with_capacity(trajectories * inputs);
    for _ in 0..trajectories {
        // Base point on the lower half of the grid, a direction per input, a random order.
        let mut x: Vec<f64> = Vec::with_capacity(inputs);
        let mut direction: Vec<f64> = Vec::with_capacity(inputs);
        for _ in 0..inputs {
            let level = rng.random_range(0..levels / 2);
            let up = rng.random::<bool>();
            let base = level as f64 / (levels as f64 - 1.0);
            x.push(if up { base } else { base + delta });
            direction.push(if up { 1.0 } else { -1.0 });
        }
        let mut order: Vec<usize> = (0..inputs).collect();
        for i in (1..inputs).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        points.push(x.clone());
        for &i in &order {
            let step = direction[i] * delta;
            x[i] = (x[i] + step).clamp(0.0, 1.0);
            steps.push(Step {
                input: i,
                delta: step,
            });
            points.push(x.clone());
        }
    }
    Ok(MorrisDesign {
        design: Design { inputs, points },
        levels,
        steps,
    })
}

/// The elementary effects of a Morris design from the model's values `y` (one per point):
/// `effects[t][i]` is input i's effect in trajectory t.
fn elementary_effects(design: &MorrisDesign, y: &[f64]) -> Vec<Vec<f64>> {
    let k = design.design.inputs;
    let r = design.steps.len() / k.max(1);
    (0..r)
        .map(|t| {
            let mut effects = vec![0.0; k];
            for s in 0..k {
                let step = design.steps[t * k + s];
                let before = y[t * (k + 1) + s];
                let after = y[t * (k + 1) + s + 1];
                effects[step.input] = (after - before) / step.delta;
            }
            effects
        })
        .collect()
}

/// Morris indices of every input from the model's values `y` at the design's points, with
/// `bootstrap` resamples of the trajectories for the interval of μ*.
pub fn morris_indices(
    design: &MorrisDesign,
    y: &[f64],
    bootstrap: usize,
    seed: u64,
) -> Result<Vec<MorrisIndex>, String> {
    if y.len() != design.design.points.len() {
        return Err(format!(
            "{} values for {} design points",
            y.len(),
            design.design.points.len()
        ));
    }
    let k = design.design.inputs;
    let effects = elementary_effects(design, y);
    let r = effects.len();
    let mean_abs = |rows: &mut dyn Iterator<Item = &Vec<f64>>, i: usize| {
        let (sum, n) = rows.fold((0.0, 0usize), |(s, n), e| (s + e[i].abs(), n + 1));
        sum / n.max(1) as f64
    };
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(seed, 12));
    let mut resampled = vec![Vec::with_capacity(bootstrap); k];
    for _ in 0..bootstrap {
        let rows: Vec<usize> = (0..r).map(|_| rng.random_range(0..r)).collect();
        for (i, out) in resampled.iter_mut().enumerate() {
            out.push(mean_abs(&mut rows.iter().map(|&t| &effects[t]), i));
        }
    }
    Ok((0..k)
        .map(|i| {
            let values: Vec<f64> = effects.iter().map(|e| e[i]).collect();
            let mu = values.iter().sum::<f64>() / r as f64;
            let sigma = if r > 1 {
                (values.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / (r as f64 - 1.0)).sqrt()
            } else {
                0.0
            };
            MorrisIndex {
                mu,
                mu_star: mean_abs(&mut effects.iter(), i),
                sigma,
                mu_star_ci: percentile_interval(&mut resampled[i]),
            }
        })
        .collect())
}

/// A Saltelli design of N = `rows` rows over `inputs` inputs: the points of A (N rows), then B
/// (N), then A_B^i for each input i in order (N each).
pub fn saltelli_design(inputs: usize, rows: usize, seed: u64) -> Result<Design, String> {
    if inputs == 0 {
        return Err("a Sobol' design needs at least one input".into());
    }
    if inputs > MAX_SOBOL_INPUTS {
        return Err(format!(
            "a Sobol' design takes at most {MAX_SOBOL_INPUTS} inputs, not {inputs}"
        ));
    }
    if !(2..=MAX_SOBOL_ROWS).contains(&rows) {
        return Err(format!(
            "a Sobol' design needs between 2 and {MAX_SOBOL_ROWS} base rows, not {rows}"
        ));
    }
    let scramble = (derive_seed(seed, 13) >> 32) as u32;
    let point = |j: usize, offset: usize| -> Vec<f64> {
        (0..inputs)
            .map(|i| {
                f64::from(sobol_burley::sample(
                    j as u32,
                    (offset + i) as u32,
                    scramble,
                ))
            })
            .collect()
    };
    let a: Vec<Vec<f64>> = (0..rows).map(|j| point(j, 0)).collect();
    let b: Vec<Vec<f64>> = (0..rows).map(|j| point(j, inputs)).collect();
    let mut points = Vec::with_capacity(rows * (inputs + 2));
    points.extend(a.iter().cloned());
    points.extend(b.iter().cloned());
    for i in 0..inputs {
        for j in 0..rows {
            let mut p = a[j].clone();
            p[i] = b[j][i];
            points.push(p);
        }
    }
    Ok(Design { inputs, points })
}

/// First-order and total indices from f(A), f(B) and f(A_B^i) over the rows `rows`.
fn sobol_on(ya: &[f64], yb: &[f64], yab: &[&[f64]], rows: &[usize]) -> (Vec<f64>, Vec<f64>) {
    let n = rows.len() as f64;
    let mean = rows.iter().map(|&j| ya[j] + yb[j]).sum::<f64>() / (2.0 * n);
    let variance = rows
        .iter()
        .map(|&j| (ya[j] - mean).powi(2) + (yb[j] - mean).powi(2))
        .sum::<f64>()
        / (2.0 * n);
    let mut s1 = Vec::with_capacity(yab.len());
    let mut st = Vec::with_capacity(yab.len());
    for y in yab {
        // f(B) centred on the mean: the same expectation (the mean of f(A_B^i) − f(A) is
        // zero in expectation) with far less variance when the mean is large beside the spread.
        let first = rows
            .iter()
            .map(|&j| (yb[j] - mean) * (y[j] - ya[j]))
            .sum::<f64>()
            / n;
        let total = rows.iter().map(|&j| (ya[j] - y[j]).powi(2)).sum::<f64>() / (2.0 * n);
        // A metric that does not vary has no shares of its variance to give.
        if variance > 0.0 {
            s1.push(first / variance);
            st.push(total / variance);
        } else {
            s1.push(f64::NAN);
            st.push(f64::NAN);
        }
    }
    (s1, st)
}

/// Sobol' indices of every input from the model's values `y` at the points of
/// [`saltelli_design`]`(inputs, rows, _)`, with `bootstrap` resamples of the rows for the
/// intervals. Also returns the variance V of the output.
pub fn sobol_indices(
    inputs: usize,
    rows: usize,
    y: &[f64],
    bootstrap: usize,
    seed: u64,
) -> Result<(Vec<SobolIndex>, f64), String> {
    if y.len() != rows * (inputs + 2) {
        return Err(format!(
            "{} values for a design of {} points",
            y.len(),
            rows * (inputs + 2)
        ));
    }
    let (ya, rest) = y.split_at(rows);
    let (yb, rest) = rest.split_at(rows);
    let yab: Vec<&[f64]> = rest.chunks(rows).collect();
    let all: Vec<usize> = (0..rows).collect();
    let (s1, st) = sobol_on(ya, yb, &yab, &all);
    let mean = ya.iter().chain(yb).sum::<f64>() / (2 * rows) as f64;
    let variance = ya.iter().chain(yb).map(|v| (v - mean).powi(2)).sum::<f64>() / (2 * rows) as f64;
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(seed, 14));
    let mut boot_s1 = vec![Vec::with_capacity(bootstrap); inputs];
    let mut boot_st = vec![Vec::with_capacity(bootstrap); inputs];
    for _ in 0..bootstrap {
        let sample: Vec<usize> = (0..rows).map(|_| rng.random_range(0..rows)).collect();
        let (b1, bt) = sobol_on(ya, yb, &yab, &sample);
        for i in 0..inputs {
            boot_s1[i].push(b1[i]);
            boot_st[i].push(bt[i]);
        }
    }
    let indices = (0..inputs)
        .map(|i| SobolIndex {
            s1: s1[i],
            s1_ci: percentile_interval(&mut boot_s1[i]),
            st: st[i],
            st_ci: percentile_interval(&mut boot_st[i]),
        })
        .collect();
    Ok((indices, variance))
}

/// The 5% and 95% percentiles of `values` (NaN if none is finite).
fn percentile_interval(values: &mut Vec<f64>) -> [f64; 2] {
    values.retain(|v| v.is_finite());
    values.sort_by(f64::total_cmp);
    [
        quantile_sorted(values, 0.05).unwrap_or(f64::NAN),
        quantile_sorted(values, 0.95).unwrap_or(f64::NAN),
    ]
}

/// Morris screening of `f` over [0, 1]^k: design, evaluation, indices (for tests and small
/// models; the CLI evaluates the design in parallel itself).
pub fn morris(
    f: impl Fn(&[f64]) -> f64,
    inputs: usize,
    trajectories: usize,
    levels: usize,
    seed: u64,
) -> Result<Vec<MorrisIndex>, String> {
    let design = morris_design(inputs, trajectories, levels, seed)?;
    let y: Vec<f64> = design.design.points.iter().map(|x| f(x)).collect();
    morris_indices(&design, &y, BOOTSTRAP, seed)
}

/// Sobol' indices of `f` over [0, 1]^k with N = `rows` (for tests and small models).
pub fn sobol(
    f: impl Fn(&[f64]) -> f64,
    inputs: usize,
    rows: usize,
    bootstrap: usize,
    seed: u64,
) -> Result<Vec<SobolIndex>, String> {
    let design = saltelli_design(inputs, rows, seed)?;
    let y: Vec<f64> = design.points.iter().map(|x| f(x)).collect();
    sobol_indices(inputs, rows, &y, bootstrap, seed).map(|(indices, _)| indices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// The Ishigami function (a = 7, b = 0.1) with each input mapped from [0, 1] to [−π, π].
    fn ishigami(u: &[f64]) -> f64 {
        let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    /// Sobol's G function with coefficients `a`.
    fn g_function(u: &[f64], a: &[f64]) -> f64 {
        u.iter()
            .zip(a)
            .map(|(u, a)| ((4.0 * u - 2.0).abs() + a) / (1.0 + a))
            .product()
    }

    /// Analytic S1 and ST of the G function.
    fn g_indices(a: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let v: Vec<f64> = a.iter().map(|a| 1.0 / (3.0 * (1.0 + a).powi(2))).collect();
        let total = v.iter().map(|vi| 1.0 + vi).product::<f64>() - 1.0;
        let s1 = v.iter().map(|vi| vi / total).collect();
        let st = v
            .iter()
            .map(|vi| vi * v.iter().map(|vj| 1.0 + vj).product::<f64>() / (1.0 + vi) / total)
            .collect();
        (s1, st)
    }

    /// N = 4,096 rows (20,480 runs of the function): every index within 0.03 of its analytic
    /// value, and each 90% interval no wider than 0.15.
    #[test]
    fn sobol_indices_of_ishigami_match_the_analytic_values() {
        let indices = sobol(ishigami, 3, 4096, 200, 1).expect("design");
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        for i in 0..3 {
            let got = indices[i];
            assert!((got.s1 - s1[i]).abs() < 0.03, "S1[{i}] = {}", got.s1);
            assert!((got.st - st[i]).abs() < 0.03, "ST[{i}] = {}", got.st);
            assert!(got.s1_ci[0] <= got.s1 && got.s1 <= got.s1_ci[1], "{got:?}");
            assert!(got.st_ci[1] - got.st_ci[0] < 0.15, "{got:?}");
        }
    }

    /// N = 4,096 rows, eight inputs of very different importance: within 0.03 of the analytic
    /// values.
    #[test]
    fn sobol_indices_of_the_g_function_match_the_analytic_values() {
        let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];
        let (s1, st) = g_indices(&a);
        let indices = sobol(|u| g_function(u, &a), a.len(), 4096, 100, 2).expect("design");
        for i in 0..a.len() {
            assert!(
                (indices[i].s1 - s1[i]).abs() < 0.03,
                "S1[{i}] = {} not {}",
                indices[i].s1,
                s1[i]
            );
            assert!(
                (indices[i].st - st[i]).abs() < 0.03,
                "ST[{i}] = {} not {}",
                indices[i].st,
                st[i]
            );
        }
    }

    #[test]
    fn sobol_design_is_deterministic_and_seeded() {
        let a = saltelli_design(3, 16, 5).expect("design");
        assert_eq!(a, saltelli_design(3, 16, 5).expect("design"));
        assert_ne!(a, saltelli_design(3, 16, 6).expect("design"));
        assert_eq!(a.points.len(), 16 * 5);
        // A_B^1 takes column 1 from B and the rest from A.
        assert_eq!(a.points[2 * 16 + 16 + 3][1], a.points[16 + 3][1]);
        assert_eq!(a.points[2 * 16 + 16 + 3][0], a.points[3][0]);
        assert!(saltelli_design(0, 16, 1).is_err());
        assert!(saltelli_design(200, 16, 1).is_err());
    }

    /// A linear function: every elementary effect is exactly its coefficient, σ = 0, and the
    /// inert input has μ* = 0.
    #[test]
    fn morris_effects_of_a_linear_function_are_exact() {
        let c = [3.0, -2.0, 0.0, 0.5];
        let f = |x: &[f64]| x.iter().zip(&c).map(|(x, c)| x * c).sum::<f64>();
        let indices = morris(f, 4, 10, 4, 3).expect("design");
        for (i, m) in indices.iter().enumerate() {
            assert!((m.mu - c[i]).abs() < 1e-9, "μ[{i}] = {}", m.mu);
            assert!((m.mu_star - c[i].abs()).abs() < 1e-9, "μ*[{i}]");
            assert!(m.sigma.abs() < 1e-9, "σ[{i}] = {}", m.sigma);
        }
    }

    /// Ishigami plus two inert inputs (r = 50, p = 4): the three real inputs have μ* > 5, the
    /// inert ones exactly 0; x3 acts only through its interaction with x1, so its μ is ~0
    /// (its effects take both signs) while its μ* and σ are large.
    #[test]
    fn morris_ranks_the_inputs_of_ishigami() {
        let indices = morris(|u| ishigami(&u[..3]), 5, 50, 4, 4).expect("design");
        let mu_star: Vec<f64> = indices.iter().map(|m| m.mu_star).collect();
        assert!(mu_star[..3].iter().all(|m| *m > 5.0), "{mu_star:?}");
        assert!(indices[2].mu.abs() < 0.5 * mu_star[2], "{:?}", indices[2]);
        assert_eq!(mu_star[3], 0.0);
        assert_eq!(mu_star[4], 0.0);
        assert!(indices[2].sigma > 1.0);
        for m in &indices {
            assert!(m.mu_star_ci[0] <= m.mu_star && m.mu_star <= m.mu_star_ci[1]);
        }
    }

    #[test]
    fn morris_design_moves_one_input_at_a_time_on_the_grid() {
        let d = morris_design(3, 5, 4, 9).expect("design");
        assert_eq!(d.design.points.len(), 5 * 4);
        for t in 0..5 {
            for s in 0..3 {
                let a = &d.design.points[t * 4 + s];
                let b = &d.design.points[t * 4 + s + 1];
                let moved: Vec<usize> = (0..3).filter(|&i| a[i] != b[i]).collect();
                assert_eq!(moved, vec![d.steps[t * 3 + s].input]);
                assert!(((b[moved[0]] - a[moved[0]]).abs() - 2.0 / 3.0).abs() < 1e-12);
            }
        }
        for x in d.design.points.iter().flatten() {
            let level = x * 3.0;
            assert!((level - level.round()).abs() < 1e-9 && (0.0..=1.0).contains(x));
        }
        assert!(morris_design(3, 5, 3, 1).is_err());
        assert!(morris_design(3, 1, 4, 1).is_err());
    }
}
