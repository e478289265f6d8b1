//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC; Beaumont, Cornuet,
//! Marin & Robert 2009, "Adaptive approximate Bayesian computation", Biometrika 96(4); Del
//! Moral, Doucet & Jasra 2012, "An adaptive sequential Monte Carlo method for approximate
//! Bayesian computation", Statistics and Computing 22(5)), with no model in it: the model is a
//! function from inputs and a seed to summaries, one per observation.
//!
//! - **Generation 0** draws `N` particles from the prior (independent marginals, each the
//!   quantile of a uniform of its own stream) and simulates each once. Its summaries fix the
//!   **scale** of each observation for the whole fit: the median absolute deviation of the
//!   prior predictive (× 1.4826, the normal's sd), at least the observation's floor.
//! - **Distance** of a simulation from the observations: the standardised discrepancy
//!   `e_o = (s_o − y_o) / scale_o` of each observation, averaged as squares within each group
//!   (kind of observation), the groups weighted (`w_g`, default 1 each) so that no kind
//!   dominates by number: `d = √(Σ_g w_g · mean_{o∈g} e_o² / Σ_g w_g)`.
//! - **Tolerance schedule**: generation t accepts only simulations with `d ≤ ε_t`, where `ε_t`
//!   is the weighted `α`-quantile (default the median) of the previous generation's distances
//!   (the adaptive quantile schedule of Del Moral et al.; Drovandi & Pettitt 2011).
//! - **Kernel**: a proposal picks a particle `θ_j` of the previous generation by weight and
//!   moves it by a multivariate normal with covariance `Σ = 2 × the weighted covariance` of that
//!   generation (Beaumont et al. 2009; Filippi et al. 2013), redrawn until it lies in the prior's
//!   support: the kernel is the normal truncated to the support.
//! - **Weights**: `w_i ∝ π(θ_i) / Σ_j W_j K_Σ(θ_i | θ_j) / P_j`, where `P_j` is the normal kernel's
//!   mass inside the support around `θ_j` (estimated from 1,000 common standard-normal draws per
//!   generation), so the truncated kernel is a proper density. The effective sample size is
//!   `(Σw)² / Σw²`.
//! - **Stopping**: after the given number of generations, once `ε_t` reaches the target
//!   tolerance, or when a generation cannot accept `N` particles within `N / min_acceptance`
//!   proposals (then the previous generation is the posterior).
//!
//! Determinism: proposal `k` of generation `t` draws from its own stream, and its simulation gets
//! a seed from `(seed, t, k)`; proposals are made in batches whose size depends only on earlier
//! results, simulated in parallel, and accepted in index order. The result does not depend on
//! the number of threads.

use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::math::{TruncatedNormal, derive_seed, normal_pdf, open_unit, stream};
use crate::scenario::Distribution;

/// Standard-normal draws that estimate each kernel's mass inside the prior's support.
const MASS_DRAWS: usize = 1000;
/// Most redraws of a proposal until it lies in the support (then the particle itself is used).
const MAX_REDRAWS: usize = 10_000;
/// The smallest batch of proposals, as a share of the particles `N`: at most `N / 10` proposals
/// simulated past a generation's last acceptance, against a batch of one or two at the end of
/// every generation without it (assumed; a spread fit's round costs scheduling, not runs).
const BATCH_FLOOR: f64 = 0.1;

/// What the fit is asked to match.
#[derive(Debug, Clone)]
pub struct Problem<'a> {
    /// The prior of each input: continuous distributions, independent.
    pub prior: &'a [Distribution],
    /// The observed summaries, one per observation (on the scale the model's summaries use).
    pub observed: &'a [f64],
    /// The group (kind) of each observation: an index into `group_weights`.
    pub group: &'a [usize],
    /// The weight of each group in the distance (≥ 0, not all 0 among groups present).
    pub group_weights: &'a [f64],
    /// The smallest scale of each observation (its prior-predictive spread may be 0).
    pub floors: &'a [f64],
}

/// How to fit.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Particles per generation, N.
    pub particles: usize,
    /// Most generations after the prior (generation 0).
    pub generations: usize,
    /// Stop once the tolerance reaches this distance.
    pub tolerance: Option<f64>,
    /// α: each tolerance is this weighted quantile of the previous generation's distances.
    pub quantile: f64,
    /// A generation that accepts fewer than this share of its proposals stops the fit.
    pub min_acceptance: f64,
    /// The kernel's covariance is this multiple of the weighted covariance (2, Beaumont et al.).
    pub kernel_scale: f64,
    /// Master seed of the proposals and the simulations.
    pub seed: u64,
}

/// One particle of a generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Particle {
    /// Its inputs, in the prior's order.
    pub theta: Vec<f64>,
    /// Its normalised importance weight.
    pub weight: f64,
    /// Its distance from the observations.
    pub distance: f64,
}

/// One generation of the fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generation {
    /// 0 for the prior.
    pub index: usize,
    /// Its tolerance ε (for generation 0: the largest distance, every particle accepted).
    pub tolerance: f64,
    /// Proposals simulated up to the last one accepted.
    pub proposals: u64,
    /// Proposals simulated in all, those past the last acceptance of a batch included.
    pub simulations: u64,
    /// Share of proposals accepted.
    pub acceptance: f64,
    /// Effective sample size of its weights.
    pub ess: f64,
    /// Its particles.
    #[serde(skip)]
    pub particles: Vec<Particle>,
}

/// A finished fit.
#[derive(Debug, Clone)]
pub struct Fit {
    /// Every generation; the last is the posterior.
    pub generations: Vec<Generation>,
    /// The scale of each observation in the distance.
    pub scales: Vec<f64>,
    /// Why the fit stopped, in a sentence.
    pub stopped: String,
}

impl Fit {
    /// The posterior: the last generation.
    pub fn posterior(&self) -> &Generation {
        // A fit always holds generation 0.
        &self.generations[self.generations.len() - 1]
    }
}

/// The support of a continuous distribution: where its density is positive.
pub fn support(d: &Distribution) -> Option<(f64, f64)> {
    match d {
        Distribution::Uniform { min, max } | Distribution::Triangular { min, max, .. } => {
            Some((*min, *max))
        }
        Distribution::Normal { min, max, .. } => Some((
            min.unwrap_or(f64::NEG_INFINITY),
            max.unwrap_or(f64::INFINITY),
        )),
        Distribution::LogNormal { min, max, .. } => {
            Some((min.unwrap_or(0.0).max(0.0), max.unwrap_or(f64::INFINITY)))
        }
        _ => None,
    }
}

/// The density of a continuous distribution at `x` (0 outside its support); `None` for a
/// discrete one (`Choice`, `Joint`), which a kernel cannot move through.
pub fn density(d: &Distribution, x: f64) -> Option<f64> {
    let (lo, hi) = support(d)?;
    if !(x >= lo && x <= hi) {
        return Some(0.0);
    }
    let mass = |a: Option<f64>, b: Option<f64>, f: &dyn Fn(f64) -> f64| {
        TruncatedNormal::new(a.map_or(f64::NEG_INFINITY, f), b.map_or(f64::INFINITY, f))
            .map_or(f64::NAN, |t| t.mass())
    };
    Some(match d {
        Distribution::Uniform { min, max } => 1.0 / (max - min),
        Distribution::Normal { mean, sd, min, max } => {
            let m = mass(*min, *max, &|v| (v - mean) / sd);
            normal_pdf((x - mean) / sd) / (sd * m)
        }
        Distribution::Triangular { min, mode, max } => {
            if x < *mode {
                2.0 * (x - min) / ((max - min) * (mode - min))
            } else if x > *mode {
                2.0 * (max - x) / ((max - min) * (max - mode))
            } else {
                2.0 / (max - min)
            }
        }
        Distribution::LogNormal {
            median,
            sigma,
            min,
            max,
        } => {
            if x <= 0.0 {
                return Some(0.0);
            }
            let z = |v: f64| (v.ln() - median.ln()) / sigma;
            let m = mass(min.filter(|v| *v > 0.0), *max, &z);
            normal_pdf(z(x)) / (x * sigma * m)
        }
        _ => return None,
    })
}

/// The weighted `q`-quantile of `values` (the smallest value whose cumulative weight reaches
/// `q` of the total).
pub fn weighted_quantile(values: &[f64], weights: &[f64], q: f64) -> f64 {
    let mut pairs: Vec<(f64, f64)> = values
        .iter()
        .copied()
        .zip(weights.iter().copied())
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = pairs.iter().map(|p| p.1).sum();
    let mut cumulative = 0.0;
    for (v, w) in &pairs {
        cumulative += w;
        if cumulative >= q * total - 1e-12 * total {
            return *v;
        }
    }
    pairs.last().map_or(f64::NAN, |p| p.0)
}

/// The effective sample size of `weights`: `(Σw)² / Σw²`.
pub fn ess(weights: &[f64]) -> f64 {
    let sum: f64 = weights.iter().sum();
    let squares: f64 = weights.iter().map(|w| w * w).sum();
    if squares > 0.0 {
        sum * sum / squares
    } else {
        0.0
    }
}

/// The index picked by a uniform `u` from `weights` (cumulative, in order).
fn pick(weights: &[f64], u: f64) -> usize {
    let total: f64 = weights.iter().sum();
    let mut cumulative = 0.0;
    for (i, w) in weights.iter().enumerate() {
        cumulative += w;
        if u * total < cumulative {
            return i;
        }
    }
    weights.len().saturating_sub(1)
}

/// A standard normal draw from `rng` (Box–Muller from two open uniforms).
fn normal(rng: &mut rand::rngs::ChaCha8Rng) -> f64 {
    let (u, v) = (open_unit(rng), open_unit(rng));
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// The lower-triangular Cholesky factor of the symmetric positive-definite `a` (d × d, row
/// major), with a growing ridge on the diagonal until it factors.
// Matrix arithmetic reads best with its indices.
#[allow(clippy::needless_range_loop)]
fn cholesky(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let d = a.len();
    let scale = (0..d)
        .map(|i| a[i][i].abs())
        .fold(0.0, f64::max)
        .max(1e-300);
    let mut ridge = 0.0;
    loop {
        let mut l = vec![vec![0.0; d]; d];
        let mut ok = true;
        for i in 0..d {
            for j in 0..=i {
                let mut s = a[i][j] + if i == j { ridge } else { 0.0 };
                for k in 0..j {
                    s -= l[i][k] * l[j][k];
                }
                if i == j {
                    if s <= 0.0 || !s.is_finite() {
                        ok = false;
                        break;
                    }
                    l[i][i] = s.sqrt();
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
            if !ok {
                break;
            }
        }
        if ok {
            return l;
        }
        ridge = if ridge == 0.0 {
            scale * 1e-10
        } else {
            ridge * 10.0
        };
    }
}

/// `L z` for the lower-triangular `l`.
fn lower_times(l: &[Vec<f64>], z: &[f64]) -> Vec<f64> {
    (0..l.len())
        .map(|i| (0..=i).map(|k| l[i][k] * z[k]).sum())
        .collect()
}

/// `|L⁻¹ (a − b)|²`: the squared Mahalanobis distance of `a` from `b` under `Σ = L Lᵀ`;
/// `y` is room for the solution, as long as `a`.
fn mahalanobis2(l: &[Vec<f64>], a: &[f64], b: &[f64], y: &mut [f64]) -> f64 {
    let mut total = 0.0;
    for i in 0..a.len() {
        let s: f64 = (0..i).map(|k| l[i][k] * y[k]).sum();
        y[i] = (a[i] - b[i] - s) / l[i][i];
        total += y[i] * y[i];
    }
    total
}

/// The kernel's covariance: `scale ×` the weighted covariance of `particles`, each variance at
/// least a millionth of the prior's 90% range squared (a collapsed input keeps moving a little).
// Matrix arithmetic reads best with its indices.
#[allow(clippy::needless_range_loop)]
fn kernel_covariance(particles: &[Particle], prior: &[Distribution], scale: f64) -> Vec<Vec<f64>> {
    let d = prior.len();
    let total: f64 = particles.iter().map(|p| p.weight).sum();
    let mean: Vec<f64> = (0..d)
        .map(|i| particles.iter().map(|p| p.weight * p.theta[i]).sum::<f64>() / total)
        .collect();
    let mut cov = vec![vec![0.0; d]; d];
    for p in particles {
        for i in 0..d {
            for j in 0..=i {
                cov[i][j] += p.weight * (p.theta[i] - mean[i]) * (p.theta[j] - mean[j]) / total;
            }
        }
    }
    for i in 0..d {
        for j in 0..i {
            cov[j][i] = cov[i][j];
        }
        let range = prior[i].quantile(0.95) - prior[i].quantile(0.05);
        cov[i][i] = cov[i][i].max((range * 1e-3).powi(2));
        for j in 0..d {
            cov[i][j] *= scale;
        }
    }
    cov
}

/// Whether `theta` lies in every input's support.
fn in_support(theta: &[f64], supports: &[(f64, f64)]) -> bool {
    theta
        .iter()
        .zip(supports)
        .all(|(x, (lo, hi))| *x >= *lo && *x <= *hi)
}

/// Whether `theta + step` lies in every input's support.
fn moved_in_support(theta: &[f64], step: &[f64], supports: &[(f64, f64)]) -> bool {
    theta
        .iter()
        .zip(step)
        .zip(supports)
        .all(|((x, s), (lo, hi))| x + s >= *lo && x + s <= *hi)
}

/// The seed of the simulation of proposal `k` of generation `t`.
pub fn simulation_seed(seed: u64, t: usize, k: u64) -> u64 {
    derive_seed(derive_seed(seed, 0xABC0 + t as u64), k)
}

/// The distance of summaries `s` from the problem's observations with the given scales.
pub fn distance(problem: &Problem, scales: &[f64], s: &[f64]) -> f64 {
    let groups = problem.group_weights.len();
    let mut sums = vec![0.0; groups];
    let mut counts = vec![0usize; groups];
    for (o, (&x, &y)) in s.iter().zip(problem.observed).enumerate() {
        let e = (x - y) / scales[o];
        sums[problem.group[o]] += e * e;
        counts[problem.group[o]] += 1;
    }
    let (mut total, mut weight) = (0.0, 0.0);
    for g in 0..groups {
        if counts[g] > 0 {
            total += problem.group_weights[g] * sums[g] / counts[g] as f64;
            weight += problem.group_weights[g];
        }
    }
    if weight > 0.0 {
        (total / weight).sqrt()
    } else {
        0.0
    }
}

/// Scales of the observations from the prior predictive summaries (one row per particle).
fn scales_of(problem: &Problem, summaries: &[Vec<f64>]) -> Vec<f64> {
    (0..problem.observed.len())
        .map(|o| {
            let mut xs: Vec<f64> = summaries.iter().map(|s| s[o]).collect();
            xs.sort_by(f64::total_cmp);
            let median = crate::run::stats::quantile_sorted(&xs, 0.5).unwrap_or(0.0);
            let mut dev: Vec<f64> = xs.iter().map(|x| (x - median).abs()).collect();
            dev.sort_by(f64::total_cmp);
            let mad = 1.4826 * crate::run::stats::quantile_sorted(&dev, 0.5).unwrap_or(0.0);
            mad.max(problem.floors[o])
        })
        .collect()
}

/// Check the problem and settings; `Err` says what is wrong.
fn check(problem: &Problem, settings: &Settings) -> Result<Vec<(f64, f64)>> {
    let usage = |m: String| Err(Error::Usage(m));
    if settings.particles < 2 {
        return usage(format!(
            "--particles {}: at least 2 particles",
            settings.particles
        ));
    }
    if !(settings.quantile > 0.0 && settings.quantile < 1.0) {
        return usage(format!(
            "the tolerance quantile must lie between 0 and 1, not {}",
            settings.quantile
        ));
    }
    if !(settings.min_acceptance > 0.0 && settings.min_acceptance <= 1.0) {
        return usage(format!(
            "the least acceptance rate must lie in (0, 1], not {}",
            settings.min_acceptance
        ));
    }
    if problem.observed.is_empty() {
        return usage("no observations to fit".into());
    }
    if problem
        .group_weights
        .iter()
        .any(|w| !(w.is_finite() && *w >= 0.0))
    {
        return usage("a kind's weight must be a number ≥ 0".into());
    }
    let supports = problem
        .prior
        .iter()
        .map(|d| {
            support(d).ok_or_else(|| {
                Error::Usage(format!(
                    "{d:?} is discrete: a calibration moves inputs continuously; fix it, or give \
                     it a range with --vary PATH=LO..HI"
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(supports)
}

/// A batch of proposals to simulate: proposals `start..end` of generation `generation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    /// The generation the proposals belong to (0: draws from the prior).
    pub generation: usize,
    /// First proposal index.
    pub start: u64,
    /// One past the last proposal index.
    pub end: u64,
}

/// A generation being filled, batch after batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Filling {
    /// Its tolerance ε.
    pub epsilon: f64,
    /// The proposals accepted so far, in index order: inputs and distance.
    pub accepted: Vec<(Vec<f64>, f64)>,
    /// The next proposal index to simulate.
    pub next: u64,
    /// Proposals looked at up to the last acceptance of each batch.
    pub considered: u64,
    /// The acceptance rate the next batch is sized by.
    pub rate: f64,
}

/// A generation as kept between batches: its figures and its particles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredGeneration {
    /// Its figures.
    #[serde(flatten)]
    pub generation: Generation,
    /// Its particles.
    pub particles: Vec<Particle>,
}

/// Where a fit stands between two batches: every finished generation, the one being filled and
/// the batch to simulate next (none once the fit has stopped). It is serialisable, so a fit can
/// be spread over machines one batch at a time ([`Smc`]) with the same result as on one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitState {
    /// Finished generations, the prior's first.
    pub generations: Vec<StoredGeneration>,
    /// The scale of each observation (empty until generation 0 is done).
    pub scales: Vec<f64>,
    /// The generation being filled, if any.
    pub filling: Option<Filling>,
    /// The batch to simulate next; `None` once the fit has stopped.
    pub batch: Option<Batch>,
    /// Why the fit stopped, once it has.
    pub stopped: Option<String>,
}

impl FitState {
    /// The finished fit (`None` while batches remain).
    pub fn fit(&self) -> Option<Fit> {
        let stopped = self.stopped.clone()?;
        Some(Fit {
            generations: self
                .generations
                .iter()
                .map(|g| Generation {
                    particles: g.particles.clone(),
                    ..g.generation.clone()
                })
                .collect(),
            scales: self.scales.clone(),
            stopped,
        })
    }
}

/// The kernel of generation `t` around the particles of generation `t − 1`.
struct Kernel {
    /// Cholesky factor of its covariance.
    l: Vec<Vec<f64>>,
    /// The weights of the previous generation's particles.
    weights: Vec<f64>,
}

/// ABC-SMC as a machine that is fed the simulations of one batch at a time: [`Smc::start`]
/// plans the first batch, [`Smc::thetas`] gives the proposals' inputs, [`Smc::fold`] takes the
/// batch's summaries and plans the next. [`abc_smc`] runs it on one machine.
pub struct Smc<'p, 'a> {
    problem: &'p Problem<'a>,
    settings: &'p Settings,
    supports: Vec<(f64, f64)>,
}

impl<'p, 'a> Smc<'p, 'a> {
    /// Check the problem and settings.
    pub fn new(problem: &'p Problem<'a>, settings: &'p Settings) -> Result<Self> {
        let supports = check(problem, settings)?;
        Ok(Smc {
            problem,
            settings,
            supports,
        })
    }

    /// A fit that has not started: its first batch is the prior's `N` draws.
    pub fn start(&self) -> FitState {
        FitState {
            generations: Vec::new(),
            scales: Vec::new(),
            filling: None,
            batch: Some(Batch {
                generation: 0,
                start: 0,
                end: self.settings.particles as u64,
            }),
            stopped: None,
        }
    }

    /// The kernel of generation `t ≥ 1` (from generation `t − 1` of `state`).
    fn kernel(&self, state: &FitState, t: usize) -> Kernel {
        let prev = &state.generations[t - 1].particles;
        let cov = kernel_covariance(prev, self.problem.prior, self.settings.kernel_scale);
        Kernel {
            l: cholesky(&cov),
            weights: prev.iter().map(|p| p.weight).collect(),
        }
    }

    /// The inputs of every proposal of `batch`, in index order.
    pub fn thetas(&self, state: &FitState, batch: Batch) -> Vec<Vec<f64>> {
        let seed = self.settings.seed;
        if batch.generation == 0 {
            return (batch.start..batch.end)
                .map(|i| {
                    let mut rng = stream(seed, "abc-prior", &i.to_string());
                    self.problem
                        .prior
                        .iter()
                        .map(|p| p.quantile(open_unit(&mut rng)))
                        .collect()
                })
                .collect();
        }
        let t = batch.generation;
        let kernel = self.kernel(state, t);
        let prev = &state.generations[t - 1].particles;
        let d = self.problem.prior.len();
        (batch.start..batch.end)
            .map(|k| {
                let mut rng = stream(seed, "abc-propose", &format!("{t}/{k}"));
                let j = pick(&kernel.weights, open_unit(&mut rng));
                let centre = &prev[j].theta;
                for _ in 0..MAX_REDRAWS {
                    let z: Vec<f64> = (0..d).map(|_| normal(&mut rng)).collect();
                    let step = lower_times(&kernel.l, &z);
                    let moved: Vec<f64> = centre.iter().zip(&step).map(|(a, b)| a + b).collect();
                    if in_support(&moved, &self.supports) {
                        return moved;
                    }
                }
                centre.clone()
            })
            .collect()
    }

    /// Take the summaries of `state`'s batch (one per proposal, in index order, with the inputs
    /// [`Smc::thetas`] gave) and plan the next batch. `on_generation` is called when a
    /// generation is finished.
    pub fn fold(
        &self,
        state: &mut FitState,
        thetas: Vec<Vec<f64>>,
        summaries: Vec<Vec<f64>>,
        on_generation: impl Fn(&Generation),
    ) -> Result<()> {
        let Some(batch) = state.batch else {
            return Err(Error::Internal("the fit has already stopped".into()));
        };
        let n = self.settings.particles;
        if thetas.len() != summaries.len() || summaries.len() as u64 != batch.end - batch.start {
            return Err(Error::Internal(format!(
                "batch {}..{} of generation {} needs {} simulations, got {}",
                batch.start,
                batch.end,
                batch.generation,
                batch.end - batch.start,
                summaries.len()
            )));
        }
        if batch.generation == 0 {
            state.scales = scales_of(self.problem, &summaries);
            let particles: Vec<Particle> = thetas
                .into_iter()
                .zip(&summaries)
                .map(|(theta, s)| Particle {
                    distance: distance(self.problem, &state.scales, s),
                    theta,
                    weight: 1.0 / n as f64,
                })
                .collect();
            let first = Generation {
                index: 0,
                tolerance: particles.iter().map(|p| p.distance).fold(0.0, f64::max),
                proposals: n as u64,
                simulations: n as u64,
                acceptance: 1.0,
                ess: n as f64,
                particles: Vec::new(),
            };
            self.finish(state, first, particles, on_generation);
            return Ok(());
        }
        let t = batch.generation;
        let Some(mut filling) = state.filling.take() else {
            return Err(Error::Internal(format!(
                "generation {t} has no tolerance yet"
            )));
        };
        let (mut seen, mut taken) = (0u64, 0u64);
        for (theta, s) in thetas.into_iter().zip(&summaries) {
            seen += 1;
            let dist = distance(self.problem, &state.scales, s);
            if dist <= filling.epsilon {
                filling.accepted.push((theta, dist));
                taken += 1;
                if filling.accepted.len() == n {
                    break;
                }
            }
        }
        filling.considered += seen;
        filling.next = batch.end;
        filling.rate = (taken as f64 / seen as f64).max(1.0 / seen as f64);
        if filling.accepted.len() == n {
            let (generation, particles) = self.weigh(state, t, &filling)?;
            self.finish(state, generation, particles, on_generation);
            return Ok(());
        }
        let cap = self.cap();
        if filling.next >= cap {
            state.stopped = Some(format!(
                "generation {t} accepted {} of {n} particles in {cap} proposals (less than {}%): \
                 the previous generation is the posterior",
                filling.accepted.len(),
                self.settings.min_acceptance * 100.0
            ));
            state.batch = None;
            return Ok(());
        }
        state.batch = Some(self.next_batch(t, &filling));
        state.filling = Some(filling);
        Ok(())
    }

    /// The most proposals a generation may simulate.
    fn cap(&self) -> u64 {
        let n = self.settings.particles;
        ((n as f64 / self.settings.min_acceptance).ceil() as u64).max(n as u64)
    }

    /// The next batch of generation `t`: enough proposals to fill it at the last rate, plus
    /// 10%, and at least [`BATCH_FLOOR`] of `N` (a generation's last particles would otherwise
    /// take a round of tiny batches: a spread fit pays each round's scheduling), within the
    /// cap. The batches change only how many proposals are simulated, not which are accepted:
    /// proposal `k` is the same whatever batch it falls in, and they are accepted in index
    /// order.
    fn next_batch(&self, t: usize, filling: &Filling) -> Batch {
        let n = self.settings.particles;
        let needed = (n - filling.accepted.len()) as f64;
        let floor = (n as f64 * BATCH_FLOOR).ceil() as u64;
        let size = ((needed / filling.rate.max(0.02) * 1.1).ceil() as u64)
            .max(needed as u64)
            .max(floor)
            .min(self.cap() - filling.next);
        Batch {
            generation: t,
            start: filling.next,
            end: filling.next + size,
        }
    }

    /// Record a finished generation and plan the next one (or stop).
    fn finish(
        &self,
        state: &mut FitState,
        generation: Generation,
        particles: Vec<Particle>,
        on_generation: impl Fn(&Generation),
    ) {
        let shown = Generation {
            particles,
            ..generation
        };
        on_generation(&shown);
        let Generation {
            particles,
            index,
            tolerance,
            acceptance,
            ..
        } = shown.clone();
        state.generations.push(StoredGeneration {
            generation: Generation {
                particles: Vec::new(),
                ..shown
            },
            particles,
        });
        state.filling = None;
        state.batch = None;
        let t = index + 1;
        if t > self.settings.generations {
            state.stopped = Some(format!("{} generations done", self.settings.generations));
            return;
        }
        if let Some(target) = self.settings.tolerance
            && tolerance <= target
        {
            state.stopped = Some(format!("the tolerance reached {target}"));
            return;
        }
        let prev = &state.generations[index].particles;
        let weights: Vec<f64> = prev.iter().map(|p| p.weight).collect();
        let distances: Vec<f64> = prev.iter().map(|p| p.distance).collect();
        let mut epsilon = weighted_quantile(&distances, &weights, self.settings.quantile);
        if let Some(target) = self.settings.tolerance {
            epsilon = epsilon.max(target);
        }
        let filling = Filling {
            epsilon,
            accepted: Vec::new(),
            next: 0,
            considered: 0,
            rate: if t == 1 {
                self.settings.quantile
            } else {
                acceptance
            },
        };
        state.batch = Some(self.next_batch(t, &filling));
        state.filling = Some(filling);
    }

    /// The importance weights of a filled generation `t`.
    fn weigh(
        &self,
        state: &FitState,
        t: usize,
        filling: &Filling,
    ) -> Result<(Generation, Vec<Particle>)> {
        let n = self.settings.particles;
        let d = self.problem.prior.len();
        let prev = &state.generations[t - 1].particles;
        let kernel = self.kernel(state, t);
        let l = &kernel.l;
        // The kernel's mass inside the support around each particle.
        let bounded = self
            .supports
            .iter()
            .any(|(lo, hi)| lo.is_finite() || hi.is_finite());
        let masses: Vec<f64> = if bounded {
            let mut rng = stream(self.settings.seed, "abc-kernel-mass", &t.to_string());
            let steps: Vec<Vec<f64>> = (0..MASS_DRAWS)
                .map(|_| {
                    let z: Vec<f64> = (0..d).map(|_| normal(&mut rng)).collect();
                    lower_times(l, &z)
                })
                .collect();
            prev.par_iter()
                .map(|p| {
                    let inside = steps
                        .iter()
                        .filter(|s| moved_in_support(&p.theta, s, &self.supports))
                        .count();
                    (inside as f64).max(0.5) / MASS_DRAWS as f64
                })
                .collect()
        } else {
            vec![1.0; prev.len()]
        };
        let raw: Vec<f64> = filling
            .accepted
            .par_iter()
            .map(|(theta, _)| {
                let mut room = vec![0.0; d];
                let prior: f64 = self
                    .problem
                    .prior
                    .iter()
                    .zip(theta)
                    .map(|(p, x)| density(p, *x).unwrap_or(0.0))
                    .product();
                let kernel: f64 = prev
                    .iter()
                    .zip(&masses)
                    .map(|(p, m)| {
                        p.weight * (-0.5 * mahalanobis2(l, theta, &p.theta, &mut room)).exp() / m
                    })
                    .sum();
                if kernel > 0.0 { prior / kernel } else { 0.0 }
            })
            .collect();
        let total: f64 = raw.iter().sum();
        if !(total > 0.0 && total.is_finite()) {
            return Err(Error::Internal(format!(
                "generation {t}: the importance weights sum to {total}"
            )));
        }
        let particles: Vec<Particle> = filling
            .accepted
            .iter()
            .zip(&raw)
            .map(|((theta, distance), w)| Particle {
                theta: theta.clone(),
                weight: w / total,
                distance: *distance,
            })
            .collect();
        let weights: Vec<f64> = particles.iter().map(|p| p.weight).collect();
        let generation = Generation {
            index: t,
            tolerance: filling.epsilon,
            proposals: filling.considered,
            simulations: filling.next,
            acceptance: n as f64 / filling.considered as f64,
            ess: ess(&weights),
            particles: Vec::new(),
        };
        Ok((generation, particles))
    }
}

/// Fit the prior of `problem` to its observations by ABC-SMC on this machine. `simulate(θ,
/// seed)` returns the model's summaries (one per observation) at inputs `θ`; it runs on
/// rayon's current pool. `on_generation` is called after each generation.
pub fn abc_smc(
    problem: &Problem,
    settings: &Settings,
    simulate: impl Fn(&[f64], u64) -> Result<Vec<f64>> + Sync,
    on_generation: impl Fn(&Generation),
) -> Result<Fit> {
    let smc = Smc::new(problem, settings)?;
    let mut state = smc.start();
    while let Some(batch) = state.batch {
        let thetas = smc.thetas(&state, batch);
        let summaries = simulate_batch(settings.seed, batch, &thetas, &simulate)?;
        smc.fold(&mut state, thetas, summaries, &on_generation)?;
    }
    state
        .fit()
        .ok_or_else(|| Error::Internal("the fit stopped without a reason".into()))
}

/// Simulate the proposals of `batch` (inputs `thetas`, in index order) in parallel.
pub fn simulate_batch(
    seed: u64,
    batch: Batch,
    thetas: &[Vec<f64>],
    simulate: &(impl Fn(&[f64], u64) -> Result<Vec<f64>> + Sync),
) -> Result<Vec<Vec<f64>>> {
    thetas
        .par_iter()
        .enumerate()
        .map(|(i, theta)| {
            let k = batch.start + i as u64;
            simulate(theta, simulation_seed(seed, batch.generation, k))
        })
        .collect()
}

/// Draw `k` particle indices from `generation` by weight, each from its own stream.
pub fn resample(generation: &Generation, k: u64, seed: u64) -> Vec<usize> {
    let weights: Vec<f64> = generation.particles.iter().map(|p| p.weight).collect();
    (0..k)
        .map(|m| {
            let mut rng = stream(seed, "abc-resample", &m.to_string());
            pick(&weights, rng.random::<f64>())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Weighted mean and standard deviation of one input of a generation.
    fn moments(g: &Generation, i: usize) -> (f64, f64) {
        let mean: f64 = g.particles.iter().map(|p| p.weight * p.theta[i]).sum();
        let var: f64 = g
            .particles
            .iter()
            .map(|p| p.weight * (p.theta[i] - mean).powi(2))
            .sum();
        (mean, var.sqrt())
    }

    fn settings(particles: usize, generations: usize, seed: u64) -> Settings {
        Settings {
            particles,
            generations,
            tolerance: None,
            quantile: 0.5,
            min_acceptance: 0.005,
            kernel_scale: 2.0,
            seed,
        }
    }

    /// Issue 15: a normal mean with a normal prior and a normal-noise observation has the
    /// closed-form posterior N(m, s²) with 1/s² = 1/τ² + n/σ² and m = s²(μ₀/τ² + n ȳ/σ²). The
    /// model returns the mean of n = 4 noisy draws; the ABC-SMC posterior's mean must lie within
    /// 0.05 and its sd within 12% of the closed form as the tolerance shrinks (2,000 particles,
    /// 8 generations), and the tolerances must shrink.
    #[test]
    fn normal_mean_posterior_matches_the_closed_form() {
        let (mu0, tau, sigma, n, ybar) = (0.0, 2.0, 1.0, 4.0, 1.5);
        let prior = [Distribution::Normal {
            mean: mu0,
            sd: tau,
            min: None,
            max: None,
        }];
        let problem = Problem {
            prior: &prior,
            observed: &[ybar],
            group: &[0],
            group_weights: &[1.0],
            floors: &[1e-9],
        };
        let simulate = |theta: &[f64], seed: u64| -> Result<Vec<f64>> {
            let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(seed);
            let mean = (0..n as usize)
                .map(|_| theta[0] + sigma * normal(&mut rng))
                .sum::<f64>()
                / n;
            Ok(vec![mean])
        };
        let fit = abc_smc(&problem, &settings(2000, 8, 5), simulate, |_| {}).expect("fits");
        let s2 = 1.0 / (1.0 / (tau * tau) + n / (sigma * sigma));
        let m = s2 * (mu0 / (tau * tau) + n * ybar / (sigma * sigma));
        let (mean, sd) = moments(fit.posterior(), 0);
        assert!((mean - m).abs() < 0.05, "mean {mean}, expected {m}");
        assert!(
            (sd / s2.sqrt() - 1.0).abs() < 0.12,
            "sd {sd}, expected {}",
            s2.sqrt()
        );
        let tolerances: Vec<f64> = fit.generations.iter().map(|g| g.tolerance).collect();
        assert!(
            tolerances.windows(2).all(|w| w[1] <= w[0]),
            "{tolerances:?}"
        );
        assert!(fit.generations.iter().all(|g| g.ess > 100.0));
    }

    /// Issue 15: a binomial rate with a uniform (Beta(1, 1)) prior has the posterior
    /// Beta(1 + k, 1 + n − k). The kernel is truncated to the prior's support [0, 1]: the
    /// posterior's mean and sd must lie within 0.02 and 15% of the Beta's, every particle in
    /// [0, 1].
    #[test]
    fn binomial_rate_posterior_matches_the_beta_posterior() {
        let (trials, successes) = (40usize, 12.0);
        let prior = [Distribution::Uniform { min: 0.0, max: 1.0 }];
        let problem = Problem {
            prior: &prior,
            observed: &[successes],
            group: &[0],
            group_weights: &[1.0],
            floors: &[1e-9],
        };
        let simulate = |theta: &[f64], seed: u64| -> Result<Vec<f64>> {
            let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(seed);
            let k = (0..trials)
                .filter(|_| open_unit(&mut rng) < theta[0])
                .count();
            Ok(vec![k as f64])
        };
        let mut s = settings(1500, 10, 9);
        s.tolerance = Some(0.0);
        let fit = abc_smc(&problem, &s, simulate, |_| {}).expect("fits");
        let (a, b) = (1.0 + successes, 1.0 + trials as f64 - successes);
        let m = a / (a + b);
        let sd = (a * b / ((a + b).powi(2) * (a + b + 1.0))).sqrt();
        let (mean, got_sd) = moments(fit.posterior(), 0);
        assert!((mean - m).abs() < 0.02, "mean {mean}, expected {m}");
        assert!(
            (got_sd / sd - 1.0).abs() < 0.15,
            "sd {got_sd}, expected {sd}"
        );
        assert!(
            fit.posterior()
                .particles
                .iter()
                .all(|p| (0.0..=1.0).contains(&p.theta[0]))
        );
    }

    /// Issue 15: the fit is the same on one thread and on four.
    #[test]
    fn the_fit_does_not_depend_on_the_threads() {
        let prior = [
            Distribution::Uniform {
                min: -3.0,
                max: 3.0,
            },
            Distribution::Triangular {
                min: 0.0,
                mode: 1.0,
                max: 4.0,
            },
        ];
        let problem = Problem {
            prior: &prior,
            observed: &[0.5, 2.0],
            group: &[0, 1],
            group_weights: &[1.0, 1.0],
            floors: &[0.01, 0.01],
        };
        let simulate = |theta: &[f64], seed: u64| -> Result<Vec<f64>> {
            let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(seed);
            Ok(vec![
                theta[0] + 0.3 * normal(&mut rng),
                theta[0] * theta[1] + 0.3 * normal(&mut rng),
            ])
        };
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            pool.install(|| abc_smc(&problem, &settings(200, 4, 3), simulate, |_| {}))
                .expect("fits")
                .generations
        };
        assert_eq!(run(1), run(4));
    }

    /// The last batch of a generation is at least a tenth of N, and never past the cap.
    #[test]
    fn tail_batches_have_a_floor() {
        let prior = [Distribution::Uniform { min: 0.0, max: 1.0 }];
        let problem = Problem {
            prior: &prior,
            observed: &[0.5],
            group: &[0],
            group_weights: &[1.0],
            floors: &[0.01],
        };
        let s = settings(200, 3, 1);
        let smc = Smc::new(&problem, &s).expect("valid");
        let filling = Filling {
            epsilon: 1.0,
            accepted: vec![(vec![0.5], 0.0); 199],
            next: 300,
            considered: 300,
            rate: 1.0,
        };
        let batch = smc.next_batch(1, &filling);
        assert_eq!((batch.start, batch.end), (300, 320));
        let near_cap = Filling {
            next: smc.cap() - 5,
            ..filling
        };
        assert_eq!(smc.next_batch(1, &near_cap).end, smc.cap());
    }

    #[test]
    fn densities_integrate_to_one() {
        for d in [
            Distribution::Uniform { min: 1.0, max: 3.0 },
            Distribution::Normal {
                mean: 0.0,
                sd: 1.0,
                min: Some(-0.5),
                max: Some(2.0),
            },
            Distribution::Triangular {
                min: 0.0,
                mode: 1.0,
                max: 4.0,
            },
            Distribution::LogNormal {
                median: 2.0,
                sigma: 0.4,
                min: Some(1.0),
                max: Some(5.0),
            },
        ] {
            let (lo, hi) = (d.quantile(0.0), d.quantile(1.0));
            let steps = 20_000;
            let h = (hi - lo) / steps as f64;
            let area: f64 = (0..steps)
                .map(|i| density(&d, lo + (i as f64 + 0.5) * h).unwrap_or(0.0) * h)
                .sum();
            assert!((area - 1.0).abs() < 1e-3, "{d:?}: {area}");
        }
    }
}
