//! Random draws used by the systems, all from the run's one seeded generator.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;

/// A standard normal draw (Box–Muller).
pub fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1]: keeps ln finite
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Mean-one log-normal noise: `exp(σz − σ²/2)`.
pub fn lognormal_noise(rng: &mut ChaCha8Rng, sigma: f64) -> f64 {
    if sigma <= 0.0 {
        return 1.0;
    }
    (sigma * standard_normal(rng) - 0.5 * sigma * sigma).exp()
}

/// Round `x ≥ 0` to an integer whose expectation is `x`: `floor(x) + Bernoulli(frac(x))`.
pub fn stochastic_round(rng: &mut ChaCha8Rng, x: f64) -> u32 {
    if x.is_nan() || x <= 0.0 {
        return 0;
    }
    let floor = x.floor();
    let up = rng.random::<f64>() < x - floor;
    (floor as u32).saturating_add(u32::from(up))
}
