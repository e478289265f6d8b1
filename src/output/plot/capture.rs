//! Over an ensemble, the probability that each place has changed hands by each date: the share
//! of all runs in which it had changed hands at least once by then, a step curve from the start
//! to the end, with its 90% Wilson interval shaded. Cities, key places and places that changed
//! hands in at least 5% of runs are shown, at most ten: cities and key places that changed hands
//! first, then the most likely.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{Keyed, ValueAxis};
use super::fan::{NO_RUNS, Span, ensemble_subtitle, ensemble_title, span, time_axis, tint};
use super::panels::{PanelSpec, Stack, Y_DESC_ROOM, draw_note};
use super::theme::{
    HEADER_HEIGHT, Key, LABEL_SIZE, LegendEntry, Swatch, draw_error, draw_header, font, palette,
    text_width,
};
use crate::error::Result;
use crate::run::ensemble::EnsembleRecord;
use crate::run::stats::{probability, quantile_sorted};
use crate::scenario::PlaceKind;

/// Most places drawn.
const MAX_PLACES: usize = 10;
/// Least share of runs in which a place that is neither a city nor key must change hands to
/// be drawn.
const MIN_SHARE: f64 = 0.05;
/// Height of the frame, pixels.
const FRAME: u32 = 480;
/// Opacity of the interval bands.
pub(super) const BAND_ALPHA: f64 = 0.10;
/// The y axis runs a little beyond 0–100% so that lines at either end stay visible.
const Y_RANGE: std::ops::Range<f64> = -2.0..102.0;
/// Radius of the mark where a line reaches 100%, pixels.
pub(super) const DOT_RADIUS: u32 = 4;
/// Grey of the interval's legend entry.
const NEUTRAL: RGBColor = RGBColor(90, 90, 90);

/// One place's curve.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Curve {
    pub colour: RGBColor,
    /// The share in percent, as a step line from day 0 to the end.
    pub line: Vec<(f64, f64)>,
    /// The 90% interval in percent, (day, low, high), as step outlines over the stretches
    /// where the share is neither 0% nor 100% (a one-sided interval at either end would only
    /// blur the lines that pile up there).
    pub bands: Vec<Vec<(f64, f64, f64)>>,
    /// The day from which it had changed hands in every run, when that came after the start
    /// (lines that reach 100% run on together, so the point is marked).
    pub every_run: Option<f64>,
}

/// The capture-probability figure of an ensemble, ready to draw on any backend.
#[derive(Debug, Clone)]
pub(super) struct CaptureChart {
    title: String,
    subtitle: String,
    panel_title: String,
    stack: Stack,
    /// Most likely first.
    curves: Vec<Curve>,
    key: Key,
    note: Option<&'static str>,
}

/// The capture-probability figure of `e`.
pub(super) fn capture(e: &EnsembleRecord) -> CaptureChart {
    let span = span(e);
    let n = e.runs.len();
    let days: Vec<Vec<f64>> = (0..e.theatre.places.len())
        .map(|p| first_days(e, p))
        .collect();
    let mut candidates: Vec<usize> = e
        .theatre
        .places
        .iter()
        .enumerate()
        .filter(|&(p, place)| {
            n > 0
                && (place.kind == PlaceKind::City
                    || place.key
                    || days[p].len() as f64 >= MIN_SHARE * n as f64)
        })
        .map(|(p, _)| p)
        .collect();
    // The most likely to change hands first, whatever their kind; among equally likely
    // places, cities and key places first, then the one that usually fell first.
    let median = |p: usize| quantile_sorted(&days[p], 0.5).unwrap_or(f64::INFINITY);
    let minor = |p: usize| {
        let place = &e.theatre.places[p];
        !(place.kind == PlaceKind::City || place.key)
    };
    candidates.sort_by(|&a, &b| {
        days[b]
            .len()
            .cmp(&days[a].len())
            .then(minor(a).cmp(&minor(b)))
            .then(median(a).total_cmp(&median(b)))
            .then(a.cmp(&b))
    });
    let eligible = candidates.len();
    candidates.truncate(MAX_PLACES);
    // Colours by place order, so that a place keeps its colour whatever its rank.
    let mut by_order = candidates.clone();
    by_order.sort_unstable();

    let mut key = Key::new("Place (share by the end)");
    let curves: Vec<Curve> = candidates
        .iter()
        .map(|&p| {
            let colour = palette(by_order.iter().position(|&q| q == p).unwrap_or(p));
            let name = e.theatre.places.get(p).map_or("?", |x| x.name.as_str());
            let label = format!("{name} ({})", percent(days[p].len(), n));
            key.push(LegendEntry::new(&label, colour), Swatch::Line);
            curve(&days[p], n, span.end, colour)
        })
        .collect();
    if curves.iter().any(|c| c.every_run.is_some()) {
        key.push(
            LegendEntry::new("changed hands in every run", NEUTRAL),
            Swatch::Dot(DOT_RADIUS),
        );
    }
    if curves.iter().any(|c| !c.bands.is_empty()) {
        key.push(
            LegendEntry::new("90% interval (Wilson),", tint(NEUTRAL, BAND_ALPHA * 2.0)),
            Swatch::Block,
        );
        key.push(
            LegendEntry::new("where 0% < share < 100%", NEUTRAL),
            Swatch::Blank,
        );
    }
    let note = if n == 0 {
        Some(NO_RUNS)
    } else if e.theatre.places.is_empty() {
        Some("No places in this scenario")
    } else if curves.is_empty() {
        Some("No place changed hands in any run")
    } else if curves.iter().all(|c| c.line.iter().all(|p| p.1 <= 0.0)) {
        Some("No city or key place changed hands in any run")
    } else {
        None
    };
    let panel_title = if eligible > curves.len() {
        format!(
            "Share of runs in which the place has changed hands by that date \
             (the {} most likely of {eligible} places)",
            curves.len()
        )
    } else {
        "Share of runs in which the place has changed hands at least once by that date".to_owned()
    };
    let y_area = label_width() + Y_DESC_ROOM;
    let stack = Stack::with_time(|frame| time_axis(&span, frame), y_area, &[&key]);
    CaptureChart {
        title: ensemble_title("Probability each place has changed hands, by date", e),
        subtitle: subtitle(e, &span),
        panel_title,
        stack,
        curves,
        key,
        note,
    }
}

/// The day place `p` first changed hands in every run of `e` where it did, in order.
pub(super) fn first_days(e: &EnsembleRecord, p: usize) -> Vec<f64> {
    let mut d: Vec<f64> = e
        .runs
        .iter()
        .filter_map(|r| r.first_capture_day.get(p).copied().flatten())
        .filter(|d| d.is_finite())
        .collect();
    d.sort_by(f64::total_cmp);
    d
}

/// Width of the y labels, pixels: as wide as those of the other figures, so frames line up.
fn label_width() -> u32 {
    ValueAxis::new(0.0, true)
        .label_width()
        .max(text_width(&font(LABEL_SIZE), "100%"))
}

/// The subtitle: runs, seed, dates, and how runs that ended early count.
fn subtitle(e: &EnsembleRecord, span: &Span) -> String {
    ensemble_subtitle(e, span, "a run that ended counts as it stood then")
}

/// `k` of `n` as a whole percentage, never rounded to 0% or 100% unless it is.
pub(super) fn percent(k: usize, n: usize) -> String {
    if n == 0 {
        return "no runs".to_owned();
    }
    let p = 100.0 * k as f64 / n as f64;
    if k > 0 && p < 0.5 {
        "<1%".to_owned()
    } else if k < n && p > 99.5 {
        ">99%".to_owned()
    } else {
        format!("{p:.0}%")
    }
}

/// The curve of a place that first changed hands on `days` (sorted) in `n` runs.
pub(super) fn curve(days: &[f64], n: usize, end: f64, colour: RGBColor) -> Curve {
    // (day, runs in which it has changed hands by then), at day 0 and at every change.
    let mut steps: Vec<(f64, usize)> = vec![(0.0, days.iter().filter(|&&d| d <= 0.0).count())];
    for (i, &d) in days.iter().enumerate() {
        if d <= 0.0 {
            continue;
        }
        let count = i + 1;
        match steps.last_mut() {
            Some(last) if last.0 == d => last.1 = count,
            _ => steps.push((d, count)),
        }
    }
    // Each step holds from its day to the next step's (the last to the end).
    let until: Vec<f64> = steps
        .iter()
        .skip(1)
        .map(|s| s.0)
        .chain(std::iter::once(end))
        .collect();
    let mut line = Vec::with_capacity(2 * steps.len());
    let mut bands: Vec<Vec<(f64, f64, f64)>> = Vec::new();
    let mut open = false;
    for (&(from, k), &to) in steps.iter().zip(&until) {
        let to = to.max(from);
        let p = probability(k, n);
        line.push((from, 100.0 * p.p));
        if to > from {
            line.push((to, 100.0 * p.p));
        }
        if k > 0 && k < n {
            let (low, high) = (100.0 * p.low, 100.0 * p.high);
            if !open {
                bands.push(Vec::new());
                open = true;
            }
            if let Some(band) = bands.last_mut() {
                band.extend([(from, low, high), (to, low, high)]);
            }
        } else {
            open = false;
        }
    }
    line.dedup();
    let every_run = steps
        .iter()
        .find(|&&(d, k)| k == n && n > 0 && d > 0.0)
        .map(|&(d, _)| d);
    Curve {
        colour,
        line,
        bands,
        every_run,
    }
}

impl CaptureChart {
    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        (
            super::panels::WIDTH,
            HEADER_HEIGHT + Stack::panel_height(FRAME, true),
        )
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let body = draw_header(root, &self.title, &self.subtitle)?;
        let ticks: Vec<f64> = (0..=10).map(|i| f64::from(i) * 10.0).collect();
        let y_label = |v: &f64| format!("{v:.0}%");
        let spec = PanelSpec {
            title: &self.panel_title,
            y: Keyed::new(Y_RANGE, ticks, Vec::new()),
            y_label: &y_label,
            y_desc: Some(("runs in which it has changed hands (%)", label_width())),
            last: true,
            key: &self.key,
        };
        let mut chart = self.stack.panel(&body, &spec)?;
        for curve in &self.curves {
            for band in curve.bands.iter().filter(|b| b.len() >= 2) {
                let outline: Vec<(f64, f64)> = band
                    .iter()
                    .map(|&(d, _, high)| (d, high))
                    .chain(band.iter().rev().map(|&(d, low, _)| (d, low)))
                    .collect();
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        outline,
                        curve.colour.mix(BAND_ALPHA).filled(),
                    )))
                    .map_err(draw_error)?;
            }
        }
        // The most likely last, on top.
        for curve in self.curves.iter().rev() {
            chart
                .draw_series(LineSeries::new(
                    curve.line.iter().copied(),
                    curve.colour.stroke_width(2),
                ))
                .map_err(draw_error)?;
        }
        chart
            .draw_series(self.curves.iter().rev().filter_map(|c| {
                let day = c.every_run?;
                Some(Circle::new((day, 100.0), DOT_RADIUS, c.colour.filled()))
            }))
            .map_err(draw_error)?;
        if let Some(note) = self.note {
            draw_note(&mut chart, note)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_steps_up_at_each_first_change_of_hands() {
        let c = curve(&[2.0, 2.0, 5.0], 4, 10.0, NEUTRAL);
        assert_eq!(
            c.line,
            vec![
                (0.0, 0.0),
                (2.0, 0.0),
                (2.0, 50.0),
                (5.0, 50.0),
                (5.0, 75.0),
                (10.0, 75.0)
            ]
        );
        // One band from the first change of hands to the end (never 0% or 100% there).
        assert_eq!(c.bands.len(), 1);
        assert_eq!(c.bands[0].first().map(|b| b.0), Some(2.0));
        assert_eq!(c.bands[0].last().map(|b| b.0), Some(10.0));
        assert!(c.bands[0].iter().all(|&(_, lo, hi)| lo <= hi));
        let never = curve(&[], 4, 10.0, NEUTRAL);
        assert_eq!(never.line, vec![(0.0, 0.0), (10.0, 0.0)]);
        assert!(never.bands.is_empty());
        let always = curve(&[1.0, 1.0], 2, 10.0, NEUTRAL);
        assert_eq!(
            always.line,
            vec![(0.0, 0.0), (1.0, 0.0), (1.0, 100.0), (10.0, 100.0)]
        );
        assert!(always.bands.is_empty());
        assert_eq!(always.every_run, Some(1.0));
        assert_eq!(c.every_run, None);
        let at_start = curve(&[0.0], 1, 0.0, NEUTRAL);
        assert_eq!(at_start.line, vec![(0.0, 100.0)]);
    }

    #[test]
    fn percentages_never_round_to_the_ends() {
        assert_eq!(percent(0, 10), "0%");
        assert_eq!(percent(1, 300), "<1%");
        assert_eq!(percent(299, 300), ">99%");
        assert_eq!(percent(87, 100), "87%");
        assert_eq!(percent(0, 0), "no runs");
    }
}
