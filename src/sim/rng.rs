//! Random draws used by the systems, each kind of randomness from its own streams.
//!
//! Every stream is keyed by the run's seed, a kind and an entity's id (see
//! [`crate::math::stream`] and docs/MODEL.md, "Random streams"), so adding a place, a unit or
//! an uncertain input does not shift the draws anywhere else.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use crate::math::stream;

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

/// The kinds of in-run randomness, each with one stream per entity it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamKind {
    /// Combat noise and losses at a place (keyed by the place's id).
    Combat,
    /// Fire across a border onto a sanctuary (keyed by the sanctuary's id).
    CrossBorderFire,
    /// Exposure of a covert force (keyed by the faction's id).
    Exposure,
    /// A party complying with or defecting from an agreement's terms (keyed by the side's
    /// name).
    Compliance,
    /// A side accepting or refusing a ceasefire (keyed by the side's name).
    CeasefireAcceptance,
    /// A ceasefire in force breaking down (one stream, key "").
    CeasefireBreakdown,
    /// A cut-off unit giving up or breaking out (keyed by the unit's id).
    CutOff,
    /// Soldiers of a broken unit handing themselves over at a peacekeeper base (keyed by the
    /// unit's id).
    BaseHandover,
    /// A breaking unit dissolving rather than retreating (keyed by the unit's id).
    Dissolution,
    /// Aircraft of an air asset downed by air defences (keyed by the asset's id).
    Air,
}

impl StreamKind {
    /// Every kind, in the order of [`Streams`]' lanes.
    pub const ALL: [StreamKind; 10] = [
        StreamKind::Combat,
        StreamKind::CrossBorderFire,
        StreamKind::Exposure,
        StreamKind::Compliance,
        StreamKind::CeasefireAcceptance,
        StreamKind::CeasefireBreakdown,
        StreamKind::CutOff,
        StreamKind::BaseHandover,
        StreamKind::Dissolution,
        StreamKind::Air,
    ];

    /// The kind's name in the stream's seed (docs/MODEL.md, "Random streams").
    pub fn name(self) -> &'static str {
        match self {
            StreamKind::Combat => "combat",
            StreamKind::CrossBorderFire => "cross-border fire",
            StreamKind::Exposure => "exposure",
            StreamKind::Compliance => "compliance",
            StreamKind::CeasefireAcceptance => "ceasefire acceptance",
            StreamKind::CeasefireBreakdown => "ceasefire breakdown",
            StreamKind::CutOff => "cut off",
            StreamKind::BaseHandover => "base handover",
            StreamKind::Dissolution => "dissolution",
            StreamKind::Air => "air",
        }
    }
}

/// The run's random streams: for each kind, one generator per entity index, made the first
/// time it is asked for (a run touches few of them) and kept for the rest of the run. Looking
/// one up is an index, with no allocation after its first use.
#[derive(Resource, Debug)]
pub struct Streams {
    seed: u64,
    lanes: [Vec<Option<ChaCha8Rng>>; StreamKind::ALL.len()],
}

impl Streams {
    /// Streams for the run of `seed`, with room for `sizes[k]` entities of kind
    /// `StreamKind::ALL[k]` (more are added on demand).
    pub fn new(seed: u64, sizes: [usize; StreamKind::ALL.len()]) -> Streams {
        Streams {
            seed,
            lanes: sizes.map(|n| std::iter::repeat_with(|| None).take(n).collect()),
        }
    }

    /// The generator of kind `kind` for the entity at `index`, whose stable id is `id`.
    pub fn get(&mut self, kind: StreamKind, index: usize, id: &str) -> &mut ChaCha8Rng {
        let lane = &mut self.lanes[kind as usize];
        if lane.len() <= index {
            lane.resize_with(index + 1, || None);
        }
        lane[index].get_or_insert_with(|| stream(self.seed, kind.name(), id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_is_the_same_whatever_else_was_drawn() {
        let mut a = Streams::new(9, [2, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
        let mut b = Streams::new(9, [0; 10]);
        // `a` draws from other streams first; `b` asks for the place at another index.
        for _ in 0..5 {
            a.get(StreamKind::Combat, 0, "minova").random::<u64>();
            a.get(StreamKind::CeasefireBreakdown, 0, "").random::<u64>();
        }
        let x: u64 = a.get(StreamKind::Combat, 1, "goma").random();
        let y: u64 = b.get(StreamKind::Combat, 7, "goma").random();
        assert_eq!(x, y);
        let z: u64 = b.get(StreamKind::Exposure, 7, "goma").random();
        assert_ne!(x, z);
    }
}
