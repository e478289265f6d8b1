//! Pure math at the bottom of the crate: the normal distribution, truncated to a range, and
//! the seeded random streams every draw comes from. It uses nothing else of the crate.
//!
//! See docs/MODEL.md, "Uncertain inputs" and "Random streams".

use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

/// The standard normal density φ(z).
pub fn normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// The standard normal distribution function Φ(z), from the complementary error function of
/// `libm` (musl's, accurate to a few units in the last place, relative, far into both tails).
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// The standard normal quantile Φ⁻¹(p) for p in (0, 1); −∞ and +∞ at 0 and 1, NaN for NaN.
///
/// Acklam's rational approximation (relative error below 1.15e-9) refined by one step of
/// Halley's method on [`normal_cdf`], which brings it to about full double precision; the
/// upper half is computed by symmetry from `1 − p`, so that small tail probabilities keep
/// their precision. A subnormal `p` keeps the unrefined value.
pub fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() {
        return f64::NAN;
    }
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        return -normal_quantile(1.0 - p);
    }
    let x = acklam(p);
    // Halley's step (Acklam's refinement): e = Φ(x) − p, u = e / φ(x).
    let e = normal_cdf(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (0.5 * x * x).exp();
    let refined = x - u / (1.0 + 0.5 * x * u);
    if refined.is_finite() { refined } else { x }
}

/// Acklam's approximation of Φ⁻¹(p) for p in (0, 1/2].
fn acklam(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    if p < LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The smallest uniform a stream gives, 2⁻⁵³; the largest is `1 − U_MIN`. Quantiles are
/// taken at `u` clamped to this range, so the most extreme value a distribution can take is
/// its quantile at `U_MIN` (about 8.29 standard deviations out for an untruncated normal).
pub const U_MIN: f64 = 1.0 / 9_007_199_254_740_992.0;

/// A uniform draw in the open interval (0, 1): `(k + ½) · 2⁻⁵²` for a random 52-bit `k`,
/// exact in a double, so never 0 nor 1 and symmetric about ½.
pub fn open_unit(rng: &mut ChaCha8Rng) -> f64 {
    ((rng.next_u64() >> 12) as f64 + 0.5) * (1.0 / 4_503_599_627_370_496.0)
}

/// A standard normal truncated to `[a, b]` (either may be infinite), in the form that keeps
/// tail probabilities precise: on the side of zero where the range lies, mirrored if needed.
#[derive(Debug, Clone, Copy)]
pub struct TruncatedNormal {
    /// Whether the range lies above zero and is handled as its mirror image `[−b, −a]`.
    mirrored: bool,
    /// Φ at the lower end of the (possibly mirrored) range.
    low: f64,
    /// Φ(upper) − Φ(lower): the probability the range holds.
    mass: f64,
    /// The (possibly mirrored) range.
    range: (f64, f64),
}

impl TruncatedNormal {
    /// The standard normal on `[a, b]`; `None` where the range holds no probability that a
    /// double can tell from 0 (a range some 37 standard deviations out or beyond), or where
    /// `a > b` or either is NaN.
    pub fn new(a: f64, b: f64) -> Option<TruncatedNormal> {
        if a.is_nan() || b.is_nan() || a > b {
            return None;
        }
        let mirrored = a > 0.0;
        let range = if mirrored { (-b, -a) } else { (a, b) };
        let low = normal_cdf(range.0);
        let mass = normal_cdf(range.1) - low;
        (mass >= f64::MIN_POSITIVE).then_some(TruncatedNormal {
            mirrored,
            low,
            mass,
            range,
        })
    }

    /// The probability the range holds under the untruncated normal, on its own side of zero.
    pub fn mass(&self) -> f64 {
        self.mass
    }

    /// The value at quantile `u` of the truncated distribution (increasing in `u`), always in
    /// the range; `u` is clamped to `[U_MIN, 1 − U_MIN]` so that the result is finite.
    pub fn quantile(&self, u: f64) -> f64 {
        let u = if u.is_nan() {
            0.5
        } else {
            u.clamp(U_MIN, 1.0 - U_MIN)
        };
        let v = if self.mirrored { 1.0 - u } else { u };
        let z = normal_quantile(self.low + v * self.mass).clamp(self.range.0, self.range.1);
        if self.mirrored { -z } else { z }
    }
}

/// A generator for one stream: ChaCha8 seeded with the 32 bytes of
/// SHA-256(`"strife stream v1"`, 0, seed as 8 little-endian bytes, `kind`, 0, `key`).
///
/// `seed` is a run's seed, `kind` names what the stream is for (`"input"`, `"combat"`, …) and
/// `key` which one (an input's path, a place's id): a stream never depends on which other
/// streams exist or how much they were drawn from.
pub fn stream(seed: u64, kind: &str, key: &str) -> ChaCha8Rng {
    let mut hash = Sha256::new();
    hash.update(b"strife stream v1\0");
    hash.update(seed.to_le_bytes());
    hash.update(kind.as_bytes());
    hash.update([0]);
    hash.update(key.as_bytes());
    ChaCha8Rng::from_seed(hash.finalize().into())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_functions_match_tables_far_into_the_tails() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-15);
        assert!((normal_cdf(-1.0) - 0.158_655_253_931_457_05).abs() < 1e-15);
        // Φ(−10) = 7.6198530241605e-24, Φ(−30) = 4.906713927148187e-198 (relative accuracy).
        assert!((normal_cdf(-10.0) / 7.619_853_024_160_527e-24 - 1.0).abs() < 1e-12);
        assert!((normal_cdf(-30.0) / 4.906_713_927_148_187e-198 - 1.0).abs() < 1e-12);
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-14);
        for p in [1e-300, 1e-100, 1e-20, 1e-6, 0.02, 0.3, 0.5] {
            let x = normal_quantile(p);
            assert!((normal_cdf(x) / p - 1.0).abs() < 1e-12, "{p}: {x}");
            assert!(
                (normal_quantile(1.0 - p) + x).abs() < 1e-6 || p < 1e-15,
                "{p}"
            );
        }
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(normal_quantile(1.0), f64::INFINITY);
        assert!((normal_pdf(0.0) - 0.398_942_280_401_432_7).abs() < 1e-15);
    }

    #[test]
    fn truncated_quantiles_stay_in_range_even_far_out() {
        for (a, b) in [
            (-1.0, 1.0),
            (2.0, 3.0),
            (30.0, 30.5),
            (-36.0, -35.0),
            (5.0, f64::INFINITY),
        ] {
            let t = TruncatedNormal::new(a, b).expect("has mass");
            let mut last = f64::NEG_INFINITY;
            for u in [0.0, 1e-12, 0.1, 0.5, 0.9, 1.0 - 1e-12, 1.0] {
                let z = t.quantile(u);
                assert!(
                    z.is_finite() && (a..=b).contains(&z),
                    "[{a}, {b}] at {u}: {z}"
                );
                assert!(z >= last, "not increasing at {u}");
                last = z;
            }
        }
        // The median of [30, 30.5] is near the lower end (the density falls by e^-30 per unit).
        let t = TruncatedNormal::new(30.0, 30.5).expect("has mass");
        assert!((t.quantile(0.5) - (30.0 + 2f64.ln() / 30.0)).abs() < 1e-3);
        assert!(TruncatedNormal::new(40.0, 41.0).is_none());
        assert!(TruncatedNormal::new(1.0, 0.0).is_none());
    }

    #[test]
    fn streams_depend_on_seed_kind_and_key_only() {
        let draw = |seed, kind, key| open_unit(&mut stream(seed, kind, key));
        assert_eq!(draw(1, "input", "a.b"), draw(1, "input", "a.b"));
        assert_ne!(draw(1, "input", "a.b"), draw(2, "input", "a.b"));
        assert_ne!(draw(1, "input", "a.b"), draw(1, "combat", "a.b"));
        assert_ne!(draw(1, "input", "a.b"), draw(1, "input", "a.c"));
        // Kind and key are separated: ("ab", "c") is not ("a", "bc").
        assert_ne!(draw(1, "ab", "c"), draw(1, "a", "bc"));
        const { assert!(1.0 - U_MIN < 1.0) };
        let mut rng = stream(7, "input", "x");
        for _ in 0..10_000 {
            let u = open_unit(&mut rng);
            assert!(u > 0.0 && u < 1.0);
        }
    }
}
