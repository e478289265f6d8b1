//! Axes: a calendar-date time axis over days since the start, and a "nice" value axis from
//! zero. Both choose their own tick positions so labels are round, few and never overlap.

use crate::output::thousands;
use chrono::{Datelike, Months, NaiveDateTime};
use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;

use super::theme::{LABEL_SIZE, font, text_width};
use crate::run::RunRecord;

/// Most labels on the time axis.
const MAX_TIME_TICKS: usize = 10;
/// Least free space between two time labels, pixels.
const LABEL_GAP: u32 = 28;
/// Longest run (days) that gets a light grid line every day.
const MAX_DAILY_LINES: f64 = 35.0;
/// Steps between labelled ticks when the run is short (hours), or longer (days).
const HOUR_STEPS: [f64; 6] = [1.0, 2.0, 3.0, 6.0, 12.0, 24.0];
const DAY_STEPS: [f64; 7] = [1.0, 2.0, 3.0, 4.0, 7.0, 14.0, 28.0];
const MONTH_STEPS: [u32; 5] = [1, 2, 3, 6, 12];

/// A linear `f64` axis whose ticks (labelled) and light grid lines are given, not computed.
///
/// Like plotters' `WithKeyPoints`, but usable with `configure_mesh` and a label formatter.
#[derive(Clone)]
pub(super) struct Keyed {
    linear: RangedCoordf64,
    bold: Vec<f64>,
    light: Vec<f64>,
}

impl Keyed {
    /// An axis over `range` with ticks at `bold` and light grid lines at `light`.
    pub fn new(range: Range<f64>, bold: Vec<f64>, light: Vec<f64>) -> Self {
        Self {
            linear: range.into(),
            bold,
            light,
        }
    }
}

impl Ranged for Keyed {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.linear.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.linear.range()
    }
}

/// A time axis in days since the start (hour 0), labelled with calendar dates.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TimeAxis {
    /// Right end of the axis, days (at least one hour after the start).
    pub end: f64,
    /// Labelled ticks, days, with their labels.
    ticks: Vec<Tick>,
    /// Unlabelled grid lines, days.
    light: Vec<f64>,
    /// Axis description, e.g. "date (2025)".
    pub desc: String,
}

impl TimeAxis {
    /// The axis of `record`'s samples, for a plot frame about `width` pixels wide.
    pub fn new(record: &RunRecord, width: u32) -> Self {
        let last = record
            .samples
            .last()
            .map_or(0.0, |s| RunRecord::day(s.hours));
        Self::calendar(record.datetime(0.0), last, width)
    }

    /// An axis from `origin` (day 0) to `end` days after it, for a plot frame about `width`
    /// pixels wide. An empty or invalid span becomes one day.
    pub fn calendar(origin: NaiveDateTime, end: f64, width: u32) -> Self {
        let end = if end.is_finite() && end > 0.0 {
            end
        } else {
            1.0
        };
        let start = origin.date();
        let finish = at(origin, end).date();
        let one_year = start.year() == finish.year();
        let desc = if end <= 2.0 {
            format!("date and time ({})", start.year())
        } else if one_year {
            format!("date ({})", start.year())
        } else {
            "date".to_owned()
        };
        let fits = |ticks: &[Tick]| {
            let widest = ticks
                .iter()
                .map(|(_, l)| text_width(&font(LABEL_SIZE), l))
                .max();
            let needed = ticks.len() as u32 * (widest.unwrap_or(0) + LABEL_GAP);
            ticks.len() <= MAX_TIME_TICKS && needed <= width
        };
        let (ticks, light) = if end <= 2.0 {
            pick(&hour_candidates(origin, end), &fits)
        } else {
            let day_format = if one_year { "%-d %b" } else { "%-d %b %Y" };
            let mut candidates = day_candidates(origin, end, day_format);
            candidates.extend(month_candidates(origin, end));
            pick(&candidates, &fits)
        };
        Self {
            end,
            ticks,
            light,
            desc,
        }
    }

    /// The plotters coordinate of this axis.
    pub fn coord(&self) -> Keyed {
        let bold = self.ticks.iter().map(|(d, _)| *d).collect();
        Keyed::new(0.0..self.end, bold, self.light.clone())
    }

    /// Width of the widest date label, pixels.
    pub fn widest_label(&self) -> u32 {
        let label_font = font(LABEL_SIZE);
        self.ticks
            .iter()
            .map(|(_, l)| text_width(&label_font, l))
            .max()
            .unwrap_or(0)
    }

    /// The label of the tick at `day` (the nearest labelled tick).
    pub fn label(&self, day: f64) -> String {
        self.ticks
            .iter()
            .min_by(|a, b| (a.0 - day).abs().total_cmp(&(b.0 - day).abs()))
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    }
}

/// A labelled tick: days since the start, and its label.
type Tick = (f64, String);

/// A candidate tick layout: labelled ticks and light grid lines.
type Layout = (Vec<Tick>, Vec<f64>);

/// The first candidate whose labels fit, or the sparsest one.
fn pick(candidates: &[Layout], fits: &dyn Fn(&[Tick]) -> bool) -> Layout {
    candidates
        .iter()
        .find(|(ticks, _)| fits(ticks))
        .or_else(|| candidates.last())
        .cloned()
        .unwrap_or_default()
}

/// Every `step` days from 0 to `end`, inclusive.
fn multiples(step: f64, end: f64) -> Vec<f64> {
    let n = (end / step + 1e-9).floor() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// The calendar time `days` after `origin`, to the minute (as [`RunRecord::datetime`]).
pub(super) fn at(origin: NaiveDateTime, days: f64) -> NaiveDateTime {
    crate::run::record::time_after(origin, days)
}

fn labelled(origin: NaiveDateTime, days: &[f64], format: &str) -> Vec<Tick> {
    days.iter()
        .map(|&d| (d, at(origin, d).format(format).to_string()))
        .collect()
}

/// Ticks every 1–24 hours, light lines every hour.
fn hour_candidates(origin: NaiveDateTime, end: f64) -> Vec<Layout> {
    HOUR_STEPS
        .iter()
        .map(|&h| {
            let ticks = labelled(origin, &multiples(h / 24.0, end), "%-d %b %H:%M");
            let light = if h > 1.0 {
                multiples(1.0 / 24.0, end)
            } else {
                Vec::new()
            };
            (ticks, light)
        })
        .collect()
}

/// Ticks every 1–28 days, light lines every day (when there are not too many).
fn day_candidates(origin: NaiveDateTime, end: f64, format: &str) -> Vec<Layout> {
    DAY_STEPS
        .iter()
        .map(|&d| {
            let ticks = labelled(origin, &multiples(d, end), format);
            let light = if d > 1.0 && end <= MAX_DAILY_LINES {
                multiples(1.0, end)
            } else {
                Vec::new()
            };
            (ticks, light)
        })
        .collect()
}

/// Ticks on the first of every 1–12 months, for long runs.
fn month_candidates(origin: NaiveDateTime, end: f64) -> Vec<Layout> {
    let Some(first) = origin.date().with_day(1) else {
        return Vec::new();
    };
    let firsts: Vec<f64> = (0..)
        .map_while(|m| first.checked_add_months(Months::new(m)))
        .map(|date| (date.and_time(chrono::NaiveTime::MIN) - origin).num_minutes() as f64 / 1440.0)
        .skip_while(|&d| d < 0.0)
        .take_while(|&d| d <= end + 1e-9)
        .collect();
    MONTH_STEPS
        .iter()
        .map(|&m| {
            let days: Vec<f64> = firsts.iter().copied().step_by(m as usize).collect();
            (labelled(origin, &days, "%b %Y"), Vec::new())
        })
        .collect()
}

/// A value axis from zero to a round number above the data, with round ticks.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ValueAxis {
    /// Top of the axis.
    pub max: f64,
    /// Labelled ticks.
    ticks: Vec<f64>,
    /// Decimals shown in labels.
    decimals: usize,
}

impl ValueAxis {
    /// An axis that shows values up to `data_max` (an empty or zero range becomes 0–1);
    /// `whole` for counts, whose ticks must be whole numbers.
    pub fn new(data_max: f64, whole: bool) -> Self {
        let data_max = if data_max.is_finite() && data_max > 1e-6 {
            data_max
        } else {
            1.0
        };
        let step = nice_step(data_max / 6.0);
        let step = if whole { step.max(1.0) } else { step };
        let steps = (data_max * 1.04 / step).ceil().max(1.0) as usize;
        let decimals = decimals_of(step);
        Self {
            max: steps as f64 * step,
            ticks: (0..=steps).map(|i| i as f64 * step).collect(),
            decimals,
        }
    }

    /// The plotters coordinate of this axis.
    pub fn coord(&self) -> Keyed {
        Keyed::new(0.0..self.max, self.ticks.clone(), Vec::new())
    }

    /// The label of `value`: thousands separated, with as many decimals as the step needs.
    pub fn label(&self, value: f64) -> String {
        if self.decimals == 0 {
            thousands(value.round() as i64)
        } else {
            format!("{value:.*}", self.decimals)
        }
    }

    /// Width of the widest label, pixels (at least that of `10,000`, so the frames of most
    /// plots line up).
    pub fn label_width(&self) -> u32 {
        let label_font = font(LABEL_SIZE);
        self.ticks
            .iter()
            .map(|&v| text_width(&label_font, &self.label(v)))
            .fold(text_width(&label_font, "10,000"), u32::max)
    }
}

/// A value axis over any span (negative values too), from one round number to another, with
/// round ticks: for differences, sweeps and colour scales.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LinearAxis {
    /// Bottom (or left end) of the axis.
    pub min: f64,
    /// Top (or right end) of the axis.
    pub max: f64,
    /// Labelled ticks.
    ticks: Vec<f64>,
    /// Decimals shown in labels.
    decimals: usize,
}

impl LinearAxis {
    /// An axis that shows every value from `lo` to `hi` with about `target` ticks (at least
    /// two), extended to round numbers. Non-finite ends are ignored; an empty span becomes
    /// one around its value (0–1 when there is none).
    pub fn new(lo: f64, hi: f64, target: usize) -> Self {
        let (lo, hi) = match (lo.is_finite(), hi.is_finite()) {
            (true, true) => (lo.min(hi), lo.max(hi)),
            (true, false) => (lo, lo),
            (false, true) => (hi, hi),
            (false, false) => (0.0, 1.0),
        };
        let (lo, hi) = if hi - lo > 1e-9 * lo.abs().max(hi.abs()).max(1e-9) {
            (lo, hi)
        } else if lo == 0.0 {
            (0.0, 1.0)
        } else {
            let pad = lo.abs() * 0.1;
            (lo - pad, hi + pad)
        };
        let step = nice_step((hi - lo) / target.max(2) as f64);
        // Ends already on a round number stay there.
        let first = (lo / step + 1e-9).floor() as i64;
        let last = (hi / step - 1e-9).ceil() as i64;
        let decimals = decimals_of(step);
        Self {
            min: first as f64 * step,
            max: last as f64 * step,
            ticks: (first..=last).map(|i| i as f64 * step).collect(),
            decimals,
        }
    }

    /// The labelled ticks.
    pub fn ticks(&self) -> &[f64] {
        &self.ticks
    }

    /// The label of `value`: thousands separated, with as many decimals as the step needs.
    pub fn label(&self, value: f64) -> String {
        number(value, self.decimals)
    }

    /// The label of `value` with its sign (`+5`, `−5`, `0`), for differences.
    pub fn signed_label(&self, value: f64) -> String {
        signed(value, self.decimals)
    }
}

/// Decimals needed to write multiples of `step` exactly (at most six).
fn decimals_of(step: f64) -> usize {
    (0..6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(6)
}

/// `value` with `decimals` decimals, thousands separated; never `-0`.
pub(super) fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".to_owned();
    }
    let scale = 10f64.powi(decimals as i32);
    let rounded = (value * scale).round() / scale;
    let rounded = if rounded == 0.0 { 0.0 } else { rounded };
    let whole = rounded.trunc();
    let mut out = thousands(whole as i64);
    if rounded < 0.0 && whole == 0.0 {
        out.insert(0, '-');
    }
    if decimals > 0 {
        let fraction = format!("{:.*}", decimals, rounded.abs().fract());
        out.push_str(fraction.trim_start_matches('0'));
    }
    out.replace('-', "−")
}

/// `value` with `decimals` decimals and its sign: `+1.5`, `−1.5`, `0`.
pub(super) fn signed(value: f64, decimals: usize) -> String {
    let s = number(value, decimals);
    if s.starts_with('−') || s.trim_start_matches(['0', '.', ',']).is_empty() || s == "–" {
        s
    } else {
        format!("+{s}")
    }
}

/// The round number (1, 2, 2.5 or 5 times a power of ten) at or above `raw`.
fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-12000), "-12,000");
    }

    #[test]
    fn value_axis_is_round_and_never_empty() {
        let a = ValueAxis::new(0.0, true);
        assert!(a.max >= 1.0);
        assert_eq!(a.decimals, 0);
        assert_eq!(a.label(1.0), "1");
        let a = ValueAxis::new(2300.0, true);
        assert_eq!(a.max, 2500.0);
        assert_eq!(a.label(2000.0), "2,000");
        let a = ValueAxis::new(7.3, false);
        assert!(a.max >= 7.3 && a.max <= 10.0);
        assert_eq!(a.decimals, 0);
        let a = ValueAxis::new(0.9, false);
        assert_eq!(a.label(0.4), "0.4");
        assert!(ValueAxis::new(f64::NAN, false).max >= 1.0);
    }

    #[test]
    fn time_axis_shows_dates_and_few_labels() {
        super::super::theme::ensure_fonts().ok();
        let mut record = crate::output::plot::tests::minimal_record();
        let axis = TimeAxis::new(&record, 800);
        assert!(axis.ticks.len() >= 2 && axis.ticks.len() <= MAX_TIME_TICKS);
        assert_eq!(axis.label(0.0), "1 Jan");
        assert_eq!(axis.desc, "date (2025)");

        let first = record.samples[0].clone();
        record.samples = (0..=12)
            .map(|h| {
                let mut s = first.clone();
                s.hours = f64::from(h);
                s
            })
            .collect();
        let axis = TimeAxis::new(&record, 800);
        assert_eq!(axis.label(0.0), "1 Jan 00:00");
        assert!(axis.ticks.len() <= MAX_TIME_TICKS);

        let last = record.samples[0].clone();
        record.samples.push(crate::sim::resources::Sample {
            hours: 400.0 * 24.0,
            ..last
        });
        let axis = TimeAxis::new(&record, 800);
        assert!(axis.ticks.len() <= MAX_TIME_TICKS);
        assert_eq!(axis.desc, "date");
        assert!(
            axis.ticks.iter().all(|(_, l)| l.contains("202")),
            "{:?}",
            axis.ticks
        );
    }

    #[test]
    fn linear_axis_is_round_and_spans_the_data() {
        let a = LinearAxis::new(-100.0, 0.0, 6);
        assert_eq!((a.min, a.max), (-100.0, 0.0));
        assert_eq!(a.signed_label(-20.0), "−20");
        assert_eq!(a.signed_label(0.0), "0");
        let a = LinearAxis::new(0.0, 3000.0, 8);
        assert_eq!((a.min, a.max), (0.0, 3000.0));
        assert_eq!(a.label(1500.0), "1,500");
        let a = LinearAxis::new(7.3, 8.7, 6);
        assert!(
            a.min <= 7.3 && a.min > 7.0 && a.max >= 8.7 && a.max < 9.0,
            "{a:?}"
        );
        assert_eq!(a.label(7.5), "7.50");
        assert_eq!(a.signed_label(0.25), "+0.25");
        let a = LinearAxis::new(5.0, 5.0, 6);
        assert!(a.min < 5.0 && a.max > 5.0);
        let a = LinearAxis::new(f64::NAN, f64::NAN, 6);
        assert_eq!((a.min, a.max), (0.0, 1.0));
        assert!(a.ticks().len() >= 2);
    }

    #[test]
    fn numbers_have_signs_and_separators() {
        assert_eq!(number(-1234.56, 1), "−1,234.6");
        assert_eq!(number(-0.04, 1), "0.0");
        assert_eq!(number(-0.5, 1), "−0.5");
        assert_eq!(number(f64::NAN, 1), "–");
        assert_eq!(signed(12.0, 0), "+12");
        assert_eq!(signed(-12.0, 0), "−12");
        assert_eq!(signed(0.0, 1), "0.0");
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.9), 1.0);
        assert_eq!(nice_step(1.5), 2.0);
        assert_eq!(nice_step(2.2), 2.5);
        assert_eq!(nice_step(380.0), 500.0);
    }
}
