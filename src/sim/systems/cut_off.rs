//! Cut-off units give up gradually: each tick a share surrenders and a share slips away, at
//! hazards that grow with the time cut off, with hunger and with low morale; a way out through
//! lightly held ground is tried at a rate (issue 13; docs/MODEL.md, "Cut-off units").

use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use crate::scenario::params::CutOffParams;
use crate::sim::rng::stochastic_round;

/// Hazards per day of a cut-off unit: (surrender, desertion).
///
/// `h = base × (1 + t / T) × (F if out of supply) × (1 + w × (1 − m))`, with `t` the days cut
/// off, `T = hazard_doubling_days`, `F = out_of_supply_factor`, `w = morale_weight`, `m` the
/// unit's morale.
pub fn hazards(p: &CutOffParams, days_cut_off: f64, supply_days: f64, morale: f64) -> (f64, f64) {
    let time = if p.hazard_doubling_days > 0.0 {
        1.0 + days_cut_off.max(0.0) / p.hazard_doubling_days
    } else {
        1.0
    };
    let hunger = if supply_days <= 0.0 {
        p.out_of_supply_factor
    } else {
        1.0
    };
    let morale = 1.0 + p.morale_weight * (1.0 - morale.clamp(0.0, 1.0));
    let g = time * hunger * morale;
    (p.surrender_per_day * g, p.desertion_per_day * g)
}

/// Persons of `personnel` who surrender and who desert in a tick of `dt` days, at daily
/// hazards `(surrender, desertion)`: together they leave with probability `1 − e^(−(h_s +
/// h_d)·dt)`, split between the two in proportion to their hazards; each count is rounded
/// stochastically (its expectation exact), and their sum never exceeds `personnel`.
pub fn give_up(
    rng: &mut ChaCha8Rng,
    personnel: u32,
    (surrender, desertion): (f64, f64),
    dt: f64,
) -> (u32, u32) {
    let total = surrender + desertion;
    if total.is_nan() || total <= 0.0 || personnel == 0 {
        return (0, 0);
    }
    let leaving = f64::from(personnel) * (1.0 - (-total * dt).exp());
    let captured = stochastic_round(rng, leaving * surrender / total).min(personnel);
    let deserted = stochastic_round(rng, leaving * desertion / total).min(personnel - captured);
    (captured, deserted)
}

/// Whether a cut-off unit with a way out tries to break out this tick (rate per day).
pub fn breaks_out(rng: &mut ChaCha8Rng, per_day: f64, dt: f64) -> bool {
    let p = 1.0 - (-per_day.max(0.0) * dt).exp();
    rng.random::<f64>() < p
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn hazards_grow_with_time_hunger_and_low_morale() {
        let p = CutOffParams::default();
        let (s0, d0) = hazards(&p, 0.0, 5.0, 1.0);
        assert_eq!((s0, d0), (p.surrender_per_day, p.desertion_per_day));
        assert!(hazards(&p, 7.0, 5.0, 1.0).0 > s0 * 1.99);
        assert!(hazards(&p, 0.0, 0.0, 1.0).0 > s0 * 1.99);
        assert!(hazards(&p, 0.0, 5.0, 0.0).0 > s0 * 1.99);
    }

    #[test]
    fn giving_up_never_takes_more_than_there_is() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for personnel in [0, 1, 3, 1000] {
            let (c, d) = give_up(&mut rng, personnel, (50.0, 50.0), 1.0);
            assert!(c + d <= personnel);
        }
    }
}
