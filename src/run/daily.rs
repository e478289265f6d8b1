//! A run's daily series, held compactly for ensembles: every day's row in one vector, and no
//! column that is zero on every day (issue 20, "memory of an ensemble").

use serde::{Deserialize, Serialize};

/// A value a daily series holds: a whole count (`u32`) or a real number (`f64`). Both are
/// read, written to shards and plotted as `f64`, exactly.
pub trait DailyValue: Copy + PartialEq + std::fmt::Debug {
    /// The value as a real number (exact for both).
    fn to_f64(self) -> f64;
    /// The value a real number stands for, if it can be held exactly.
    fn from_f64(x: f64) -> Option<Self>;
    /// Whether it is exactly zero (`+0.0` for a real: `-0.0` is kept, so that it reads back).
    fn is_zero(self) -> bool;
    /// Zero.
    fn zero() -> Self;
    /// The value the stored offsets of a column count from, given the column's values: a
    /// count's least, so that a column of large counts that vary little is stored in few bytes.
    fn base(column: impl Iterator<Item = Self>) -> Self;
    /// The value as an offset from `base` (exact: `from_offset(base, offset(x, base)) == x`).
    fn offset(self, base: Self) -> u64;
    /// The value at `offset` from `base`.
    fn from_offset(base: Self, offset: u64) -> Self;
}

impl DailyValue for f64 {
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(x: f64) -> Option<Self> {
        Some(x)
    }
    fn is_zero(self) -> bool {
        self.to_bits() == 0
    }
    fn zero() -> Self {
        0.0
    }
    fn base(_: impl Iterator<Item = Self>) -> Self {
        0.0
    }
    fn offset(self, _: Self) -> u64 {
        self.to_bits()
    }
    fn from_offset(_: Self, offset: u64) -> Self {
        f64::from_bits(offset)
    }
}

impl DailyValue for u32 {
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn from_f64(x: f64) -> Option<Self> {
        (x.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&x)).then_some(x as u32)
    }
    fn is_zero(self) -> bool {
        self == 0
    }
    fn zero() -> Self {
        0
    }
    fn base(column: impl Iterator<Item = Self>) -> Self {
        column.min().unwrap_or(0)
    }
    fn offset(self, base: Self) -> u64 {
        u64::from(self - base)
    }
    fn from_offset(base: Self, offset: u64) -> Self {
        base + offset as u32
    }
}

/// Rows of equal width, one a day (row `d` is day `d`). Only the columns that are not zero on
/// every day are stored, in one row-major vector of bytes: each value as its offset from its
/// column's base (see [`DailyValue::base`]) in as few bytes as the largest offset needs (1, 2, 4
/// or 8), so that a faction's personnel, thousands that change by hundreds, takes two bytes a
/// day, not four (issue 20). In a shard it is written as the plain rows (`[[…], …]`, real
/// numbers), so shards keep their format.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(
    try_from = "Vec<Vec<f64>>",
    into = "Vec<Vec<f64>>",
    bound = "T: DailyValue"
)]
pub struct DailyRows<T> {
    /// Number of rows (days).
    rows: usize,
    /// Number of columns of every row.
    width: usize,
    /// The stored columns, in increasing order.
    kept: Vec<u32>,
    /// Each stored column's base.
    base: Vec<T>,
    /// Bytes of each stored value.
    size: usize,
    /// The stored columns' offsets from their bases, row after row, `size` bytes each,
    /// little-endian.
    bytes: Vec<u8>,
}

impl<T: DailyValue> PartialEq for DailyRows<T> {
    /// The same rows of the same values, however they are stored.
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows
            && self.width == other.width
            && self
                .rows()
                .zip(other.rows())
                .all(|(a, b)| a.iter().eq(b.iter()))
    }
}

impl<T: DailyValue> Default for DailyRows<T> {
    fn default() -> Self {
        Self {
            rows: 0,
            width: 0,
            kept: Vec::new(),
            base: Vec::new(),
            size: 1,
            bytes: Vec::new(),
        }
    }
}

/// One day's row of a [`DailyRows`].
#[derive(Debug, Clone, Copy)]
pub struct Row<'a, T> {
    width: usize,
    kept: &'a [u32],
    base: &'a [T],
    size: usize,
    bytes: &'a [u8],
}

impl<'a, T: DailyValue> Row<'a, T> {
    /// The value of column `column`, `None` past the row's end.
    pub fn get(&self, column: usize) -> Option<T> {
        if column >= self.width {
            return None;
        }
        Some(
            u32::try_from(column)
                .ok()
                .and_then(|c| self.kept.binary_search(&c).ok())
                .map_or_else(T::zero, |k| {
                    let mut le = [0; 8];
                    le[..self.size].copy_from_slice(&self.bytes[k * self.size..][..self.size]);
                    T::from_offset(self.base[k], u64::from_le_bytes(le))
                }),
        )
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.width
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.width == 0
    }

    /// Every column's value, in order.
    pub fn iter(self) -> impl Iterator<Item = T> + 'a {
        (0..self.width).filter_map(move |c| self.get(c))
    }
}

impl<T: DailyValue> DailyRows<T> {
    /// `rows` rows of `width` columns, the value at (row, column) given by `value`.
    pub fn from_fn(rows: usize, width: usize, value: impl Fn(usize, usize) -> T) -> Self {
        let kept: Vec<u32> = (0..width)
            .filter(|&c| (0..rows).any(|r| !value(r, c).is_zero()))
            .filter_map(|c| u32::try_from(c).ok())
            .collect();
        let base: Vec<T> = kept
            .iter()
            .map(|&c| T::base((0..rows).map(|r| value(r, c as usize))))
            .collect();
        let widest = (0..rows)
            .flat_map(|r| kept.iter().zip(&base).map(move |(&c, &b)| (r, c, b)))
            .map(|(r, c, b)| value(r, c as usize).offset(b))
            .max()
            .unwrap_or(0);
        let size = match widest {
            0..=0xff => 1,
            0x100..=0xffff => 2,
            0x1_0000..=0xffff_ffff => 4,
            _ => 8,
        };
        let mut bytes = Vec::with_capacity(rows * kept.len() * size);
        for r in 0..rows {
            for (&c, &b) in kept.iter().zip(&base) {
                bytes.extend_from_slice(&value(r, c as usize).offset(b).to_le_bytes()[..size]);
            }
        }
        Self {
            rows,
            width,
            kept,
            base,
            size,
            bytes,
        }
    }

    /// Number of rows (days).
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Number of columns of every row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Row `day`, if there is one.
    pub fn row(&self, day: usize) -> Option<Row<'_, T>> {
        (day < self.rows).then(|| {
            let k = self.kept.len() * self.size;
            Row {
                width: self.width,
                kept: &self.kept,
                base: &self.base,
                size: self.size,
                bytes: &self.bytes[day * k..(day + 1) * k],
            }
        })
    }

    /// The first row.
    pub fn first(&self) -> Option<Row<'_, T>> {
        self.row(0)
    }

    /// Row `day`, or the last row for a day past the end (a run that ended early holds its
    /// final state); `None` when there is no row.
    pub fn carried(&self, day: usize) -> Option<Row<'_, T>> {
        self.row(day.min(self.rows.checked_sub(1)?))
    }

    /// Every row, in order.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_, T>> + '_ {
        (0..self.rows).filter_map(|d| self.row(d))
    }

    /// Keep the first `rows` rows.
    pub fn truncate(&mut self, rows: usize) {
        if rows < self.rows {
            self.rows = rows;
            self.bytes.truncate(rows * self.kept.len() * self.size);
        }
    }

    /// Remove every row.
    pub fn clear(&mut self) {
        self.truncate(0);
    }
}

impl<T: DailyValue> TryFrom<Vec<Vec<f64>>> for DailyRows<T> {
    type Error = String;

    fn try_from(rows: Vec<Vec<f64>>) -> Result<Self, String> {
        let width = rows.first().map_or(0, Vec::len);
        if let Some(d) = rows.iter().position(|r| r.len() != width) {
            return Err(format!(
                "daily rows of unequal length: day {d} has {} values, day 0 has {width}",
                rows[d].len()
            ));
        }
        let mut typed = Vec::with_capacity(rows.len() * width);
        for (d, row) in rows.iter().enumerate() {
            for &x in row {
                typed.push(
                    T::from_f64(x)
                        .ok_or_else(|| format!("day {d}: {x} is not a whole count of people"))?,
                );
            }
        }
        Ok(Self::from_fn(rows.len(), width, |r, c| {
            typed[r * width + c]
        }))
    }
}

impl<T: DailyValue> From<DailyRows<T>> for Vec<Vec<f64>> {
    fn from(series: DailyRows<T>) -> Self {
        series
            .rows()
            .map(|row| row.iter().map(DailyValue::to_f64).collect())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_back_exactly_with_zero_columns_left_out() {
        let plain = vec![
            vec![0.0, 1.5, 0.0, -0.0],
            vec![0.0, 2.5, 0.0, 0.0],
            vec![0.0, 0.0, 3.0, 0.0],
        ];
        let series = DailyRows::<f64>::try_from(plain.clone()).expect("equal rows");
        // Column 0 is zero every day and is not stored; -0.0 is kept (it reads back).
        assert_eq!(series.kept, vec![1, 2, 3]);
        assert_eq!(series.size, 8);
        assert_eq!(Vec::<Vec<f64>>::from(series.clone()), plain);
        let back: Vec<Vec<f64>> = series.clone().into();
        assert!(back[0][3].is_sign_negative());
        assert_eq!(series.carried(9).and_then(|r| r.get(2)), Some(3.0));
        assert_eq!(series.row(0).and_then(|r| r.get(4)), None);
        let mut short = series.clone();
        short.truncate(1);
        assert_eq!(short.len(), 1);
        short.clear();
        assert!(short.is_empty() && short.carried(0).is_none());
    }

    #[test]
    fn shards_keep_their_format_and_bad_rows_are_refused() {
        let series = DailyRows::<u32>::from_fn(2, 3, |r, c| (r * 10 + c) as u32);
        let json = serde_json::to_string(&series).expect("serialises");
        assert_eq!(json, "[[0.0,1.0,2.0],[10.0,11.0,12.0]]");
        let back: DailyRows<u32> = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, series);
        // Counts are kept as offsets from each column's least, in as few bytes as they need.
        let wide =
            DailyRows::<u32>::from_fn(3, 3, |r, c| [9200, 70_000, 1000][c] - (r * 300) as u32);
        assert_eq!((wide.size, wide.bytes.len()), (2, 3 * 3 * 2));
        assert_eq!(
            Vec::<Vec<f64>>::from(wide),
            vec![
                vec![9200.0, 70_000.0, 1000.0],
                vec![8900.0, 69_700.0, 700.0],
                vec![8600.0, 69_400.0, 400.0]
            ]
        );
        for bad in ["[[1.0],[1.0,2.0]]", "[[1.5]]", "[[-1.0]]"] {
            assert!(
                serde_json::from_str::<DailyRows<u32>>(bad).is_err(),
                "{bad}"
            );
        }
    }
}
