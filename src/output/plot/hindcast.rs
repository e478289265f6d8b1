//! The figure of a hindcast: small multiples, one panel per observation, each a histogram of
//! the model's values over the runs (share of runs per bin) with the central 90% and 50%
//! intervals shaded, the median dashed and the observed value as a red line.
//!
//! Dates are in days since the start; counts are in persons. Runs where the event did not
//! happen within the run (censored at the day limit) are not drawn as a bar at the limit: the
//! panel says what share of runs they are, and a median or interval end that falls among them
//! reads "not by day N".

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::LinearAxis;
use super::theme::{
    HEADER_HEIGHT, INK, LABEL_SIZE, PAGE_MARGIN, PanelAxes, draw_error, draw_header, fit, font,
    palette, panel_chart,
};
use crate::error::Result;
use crate::run::hindcast::{HindcastRecord, Scored};

/// Width of the figure, pixels.
const WIDTH: u32 = 1200;
/// Height of one panel, pixels.
const PANEL_HEIGHT: u32 = 280;
/// Panels per row.
const COLUMNS: usize = 3;
/// Most observations drawn as panels (the first in file order); `hindcast.csv` and the report
/// hold every one. Keeps the image's size bounded whatever the observed file holds.
pub(super) const MAX_PANELS: usize = 60;
/// Histogram bins per panel.
const BINS: usize = 24;
/// The observation's colour.
const OBSERVED: RGBColor = RGBColor(200, 30, 30);
/// Shades of the 90% and 50% intervals.
const BAND_90: RGBColor = RGBColor(222, 232, 245);
const BAND_50: RGBColor = RGBColor(178, 202, 232);

/// The hindcast figure.
pub(super) struct HindcastChart {
    pub(super) title: String,
    pub(super) subtitle: String,
    panels: Vec<Scored>,
    start: chrono::NaiveDate,
    /// The day limit of the runs, where the events that did not happen are censored.
    days: f64,
}

/// The figure of `h`.
pub(super) fn hindcast(h: &HindcastRecord) -> HindcastChart {
    HindcastChart {
        title: format!(
            "Hindcast: the model's forecasts and what happened — {}",
            h.scenario_name
        ),
        subtitle: format!(
            "{}{} runs · seed {} · bars: share of runs · shaded: central 90% and 50% · dashed: median · red: observed",
            if h.scored.len() > MAX_PANELS {
                format!(
                    "first {MAX_PANELS} of {} observations (all in hindcast.csv) · ",
                    crate::output::thousands(h.scored.len() as i64)
                )
            } else {
                String::new()
            },
            crate::output::thousands(h.runs as i64),
            h.master_seed,
        ),
        panels: h.scored.iter().take(MAX_PANELS).cloned().collect(),
        start: h.start_date,
        days: h.days,
    }
}

impl HindcastChart {
    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        let rows = self.panels.len().div_ceil(COLUMNS).max(1) as u32;
        (WIDTH, HEADER_HEIGHT + 10 + rows * PANEL_HEIGHT + 10)
    }

    /// Draw the figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let body = draw_header(root, &self.title, &self.subtitle)?;
        let body = body.margin(10, 10, PAGE_MARGIN as i32 / 2, PAGE_MARGIN as i32 / 2);
        let rows = self.panels.len().div_ceil(COLUMNS).max(1);
        let cells = body.split_evenly((rows, COLUMNS));
        for (panel, cell) in self.panels.iter().zip(cells.iter()) {
            self.draw_panel(panel, cell)?;
        }
        Ok(())
    }

    fn draw_panel<DB: DrawingBackend>(
        &self,
        s: &Scored,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<()> {
        let c = &s.score;
        let is_date = s.unit == "days";
        let censored = |v: f64| is_date && v >= self.days - 1e-9;
        let drawn = || {
            s.values
                .iter()
                .copied()
                .filter(move |v| v.is_finite() && !censored(*v))
        };
        let (lo, hi) = drawn()
            .chain([s.observed])
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        let pad = ((hi - lo) * 0.08).max(if s.unit == "days" { 0.5 } else { 1.0 });
        // Counts are never negative, nor are days and metrics unless a value is: the axis
        // starts at zero at the least.
        let floor = if lo < 0.0 && s.unit != "persons" {
            f64::NEG_INFINITY
        } else {
            0.0
        };
        let axis = LinearAxis::new((lo - pad).max(floor), hi + pad, 5);
        let (x0, x1) = (axis.min, axis.max);
        let width = (x1 - x0) / BINS as f64;
        let mut counts = [0usize; BINS];
        for v in drawn() {
            let b = (((v - x0) / width).floor() as usize).min(BINS - 1);
            counts[b] += 1;
        }
        let n = s.values.len().max(1) as f64;
        let not_happened = s.values.iter().filter(|v| censored(**v)).count();
        let top = counts.iter().map(|&k| k as f64 / n).fold(0.0, f64::max);
        // A share of runs never exceeds 100%: neither does its axis.
        let y_axis = LinearAxis::new(0.0, (top * 100.0 * 1.15).clamp(1.0, 100.0), 4);
        let caption = fit(
            &font(LABEL_SIZE),
            &format!("{} · {}", s.label, s.date.format("%-d %b %Y")),
            (WIDTH / COLUMNS as u32).saturating_sub(30),
        );
        let x_desc = if s.unit == "days" {
            format!("days since {}", self.start.format("%-d %b %Y"))
        } else {
            s.unit.clone()
        };
        let x_label = |v: &f64| axis.label(*v);
        let y_label = |v: &f64| format!("{}%", y_axis.label(*v));
        let axes = PanelAxes {
            x: x0..x1,
            y: 0.0..y_axis.max,
            x_label: &x_label,
            y_label: &y_label,
            x_desc: &x_desc,
            y_desc: "runs",
            y_area: 46,
            x_grid: false,
        };
        let mut chart = panel_chart(area, caption, axes)?;
        let y_top = y_axis.max;
        let band = |[a, b]: [f64; 2], colour: RGBColor| {
            Rectangle::new([(a.max(x0), 0.0), (b.min(x1), y_top)], colour.filled())
        };
        chart
            .draw_series([band(c.interval_90, BAND_90), band(c.interval_50, BAND_50)])
            .map_err(draw_error)?;
        chart
            .draw_series(
                counts
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| **k > 0)
                    .map(|(b, k)| {
                        let left = x0 + b as f64 * width;
                        Rectangle::new(
                            [(left, 0.0), (left + width * 0.92, 100.0 * *k as f64 / n)],
                            palette(0).mix(0.85).filled(),
                        )
                    }),
            )
            .map_err(draw_error)?;
        if !censored(s.median) {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(s.median, 0.0), (s.median, y_top)],
                    6,
                    4,
                    INK.stroke_width(2),
                ))
                .map_err(draw_error)?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(s.observed, 0.0), (s.observed, y_top)],
                OBSERVED.stroke_width(3),
            )))
            .map_err(draw_error)?;
        // The scores in the panel's top corner.
        let score = if s.unit == "days" {
            format!("CRPS {:.2} d · PIT {:.2}", c.crps, c.pit)
        } else {
            format!("CRPS {:.0} · PIT {:.2}", c.crps, c.pit)
        };
        let (w, _) = area.dim_in_pixel();
        area.draw(&Text::new(
            score,
            (w as i32 - 20, 34),
            font(LABEL_SIZE - 3.0)
                .color(&OBSERVED)
                .pos(Pos::new(HPos::Right, VPos::Top)),
        ))
        .map_err(draw_error)?;
        // The runs where it did not happen, which have no place on a time axis.
        if not_happened > 0 {
            let median = if censored(s.median) {
                format!(" · median: not by day {}", self.days)
            } else {
                String::new()
            };
            area.draw(&Text::new(
                format!(
                    "{} not by day {}{median}",
                    crate::output::report::html::percent(not_happened as f64 / n),
                    self.days
                ),
                (w as i32 - 20, 52),
                font(LABEL_SIZE - 3.0)
                    .color(&INK)
                    .pos(Pos::new(HPos::Right, VPos::Top)),
            ))
            .map_err(draw_error)?;
        }
        Ok(())
    }
}
