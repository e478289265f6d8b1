//! Relations between factions: allied, neutral or hostile (issue 14, "More than two sides").
//!
//! Every question "do these two fight?", "may this one pass or hold here?" is asked of one
//! matrix, [`Relations`], kept inside the [`ControlMap`](super::resources::ControlMap). By
//! default it is derived from the factions' sides exactly as before: factions of one side are
//! allied, factions of different sides hostile (peacekeepers, who only defend, stay apart by
//! their unit flag). A scenario's `relations` override pairs, and a `Relation` event action
//! changes a pair during a run.

use crate::scenario::Relation;

/// A set of factions as bits (faction `f` is bit `f`): at most 128 factions.
pub type FactionMask = u128;

/// The bit of faction `f` (none past the 128th).
pub fn faction_bit(f: usize) -> FactionMask {
    (1 as FactionMask).checked_shl(f as u32).unwrap_or(0)
}

/// The relation of every pair of factions, with bit masks for fast questions per place.
#[derive(Debug, Clone, PartialEq)]
pub struct Relations {
    /// Relation by `a * n + b` (symmetric; a faction is allied with itself).
    matrix: Vec<Relation>,
    /// Number of factions.
    n: usize,
    /// Side index of each faction.
    sides: Vec<usize>,
    /// For each faction, the mask of factions hostile to it.
    hostile_mask: Vec<FactionMask>,
    /// For each faction, the mask of factions allied with it (itself included).
    allied_mask: Vec<FactionMask>,
    /// For each side, the mask of its factions.
    side_mask: Vec<FactionMask>,
    /// For each side, the mask of factions hostile to some faction of it (kept with the matrix).
    hostile_to_side: Vec<FactionMask>,
    /// Bumped at every change, so that caches keyed on relations know to look again.
    pub version: u64,
}

impl Relations {
    /// The default matrix: same side allied, different sides hostile. `sides[f]` is faction
    /// `f`'s side index. At most 128 factions take part in the masks (the validator checks).
    pub fn from_sides(sides: &[usize]) -> Self {
        let n = sides.len();
        let mut matrix = vec![Relation::Hostile; n * n];
        for a in 0..n {
            for b in 0..n {
                if sides[a] == sides[b] {
                    matrix[a * n + b] = Relation::Allied;
                }
            }
        }
        let side_count = sides.iter().map(|&s| s + 1).max().unwrap_or(0);
        let mut side_mask = vec![0 as FactionMask; side_count];
        for (f, &s) in sides.iter().enumerate().take(64) {
            side_mask[s] |= (1 as FactionMask) << f;
        }
        let mut relations = Self {
            matrix,
            n,
            sides: sides.to_vec(),
            hostile_mask: vec![0; n],
            allied_mask: vec![0; n],
            hostile_to_side: vec![0; side_count],
            side_mask,
            version: 0,
        };
        relations.refresh_masks();
        relations
    }

    fn refresh_masks(&mut self) {
        for a in 0..self.n {
            let (mut hostile, mut allied) = ((0 as FactionMask), (0 as FactionMask));
            for b in 0..self.n.min(64) {
                match self.matrix[a * self.n + b] {
                    Relation::Hostile => hostile |= (1 as FactionMask) << b,
                    Relation::Allied => allied |= (1 as FactionMask) << b,
                    Relation::Neutral => {}
                }
            }
            self.hostile_mask[a] = hostile;
            self.allied_mask[a] = allied;
        }
        for (side, &members) in self.side_mask.iter().enumerate() {
            self.hostile_to_side[side] =
                factions_in(members, self.n).fold(0, |m, f| m | self.hostile_mask[f]);
        }
    }

    /// Set the relation of `a` and `b` (both ways). A faction stays allied with itself.
    pub fn set(&mut self, a: usize, b: usize, relation: Relation) {
        if a == b || a >= self.n || b >= self.n {
            return;
        }
        self.matrix[a * self.n + b] = relation;
        self.matrix[b * self.n + a] = relation;
        self.refresh_masks();
        self.version += 1;
    }

    /// The relation of factions `a` and `b`.
    pub fn get(&self, a: usize, b: usize) -> Relation {
        self.matrix
            .get(a * self.n + b)
            .copied()
            .unwrap_or(Relation::Neutral)
    }

    /// Whether `a` and `b` fight each other.
    pub fn hostile(&self, a: usize, b: usize) -> bool {
        self.get(a, b) == Relation::Hostile
    }

    /// Whether `a` and `b` are allied (a faction is allied with itself).
    pub fn allied(&self, a: usize, b: usize) -> bool {
        self.get(a, b) == Relation::Allied
    }

    /// Mask of the factions hostile to faction `a`.
    pub fn hostile_mask(&self, a: usize) -> FactionMask {
        self.hostile_mask.get(a).copied().unwrap_or(0)
    }

    /// Mask of the factions hostile to some faction of `side`.
    pub fn hostile_to_side_mask(&self, side: usize) -> FactionMask {
        self.hostile_to_side.get(side).copied().unwrap_or(0)
    }

    /// Whether faction `a` is allied with every faction of `side`: a place `a` holds is a
    /// friendly place for that side. By default, whether `a` is of that side.
    pub fn allied_with_side(&self, a: usize, side: usize) -> bool {
        let members = self.side_mask.get(side).copied().unwrap_or(0);
        members != 0 && self.allied_mask.get(a).copied().unwrap_or(0) & members == members
    }

    /// Side index of faction `a`.
    pub fn side_of(&self, a: usize) -> usize {
        self.sides.get(a).copied().unwrap_or(0)
    }

    /// Whether some pair among the factions in `mask` is hostile.
    pub fn any_hostile_pair(&self, mask: FactionMask) -> bool {
        factions_in(mask, self.n).any(|f| self.hostile_mask[f] & mask != 0)
    }
}

/// The factions whose bits are set in `mask`, in increasing order, among the first
/// `min(n, 64)` (the factions the masks describe): one step per set bit, not per faction.
fn factions_in(mask: FactionMask, n: usize) -> impl Iterator<Item = usize> {
    let limit = n.min(64);
    let mut rest = if limit == 0 {
        0
    } else {
        mask & (FactionMask::MAX >> (FactionMask::BITS as usize - limit))
    };
    std::iter::from_fn(move || {
        if rest == 0 {
            return None;
        }
        let f = rest.trailing_zeros() as usize;
        rest &= rest - 1;
        Some(f)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_follows_sides() {
        let r = Relations::from_sides(&[0, 0, 1]);
        assert!(r.allied(0, 1) && r.hostile(0, 2) && r.hostile(2, 1));
        assert!(r.allied_with_side(1, 0) && !r.allied_with_side(2, 0));
        assert_eq!(r.hostile_to_side_mask(0), 0b100);
        assert!(r.any_hostile_pair(0b101) && !r.any_hostile_pair(0b011));
    }

    #[test]
    fn mask_questions_equal_the_matrix() {
        // Every relation of 4 factions on 3 sides, every mask: the bit-walking answers equal
        // the plain definitions over the matrix.
        let mut r = Relations::from_sides(&[0, 1, 1, 2]);
        let kinds = [Relation::Allied, Relation::Neutral, Relation::Hostile];
        for code in 0..3usize.pow(6) {
            let mut c = code;
            for a in 0..4 {
                for b in a + 1..4 {
                    r.set(a, b, kinds[c % 3]);
                    c /= 3;
                }
            }
            for mask in 0..16u128 {
                let naive = (0..4).any(|a| {
                    (0..4).any(|b| mask >> a & 1 == 1 && mask >> b & 1 == 1 && r.hostile(a, b))
                });
                assert_eq!(r.any_hostile_pair(mask), naive, "mask {mask:b}");
            }
            for side in 0..3 {
                let naive = (0..4)
                    .filter(|&b| (0..4).any(|a| r.side_of(a) == side && r.hostile(a, b)))
                    .fold(0u128, |m, b| m | 1 << b);
                assert_eq!(r.hostile_to_side_mask(side), naive, "side {side}");
            }
        }
    }

    #[test]
    fn a_change_is_symmetric_and_counted() {
        let mut r = Relations::from_sides(&[0, 0, 1]);
        r.set(0, 1, Relation::Hostile);
        r.set(2, 1, Relation::Neutral);
        assert!(r.hostile(1, 0) && r.get(1, 2) == Relation::Neutral && r.version == 2);
        assert!(!r.allied_with_side(1, 0));
    }
}
