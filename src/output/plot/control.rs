//! The control timeline: one row per place, coloured bars showing which faction held it when,
//! with a dark strip along the top of a bar while the place was fought over (contested).

use std::collections::BTreeSet;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::TimeAxis;
use super::theme::{
    CHART_BOTTOM, CHART_RIGHT, CHART_TOP, DESC_SIZE, FrameSpec, HEADER_HEIGHT, LABEL_SIZE,
    LegendEntry, MAX_NAME_WIDTH, MUTED, PAGE_MARGIN, Swatch, X_LABEL_AREA, draw_error, draw_frame,
    draw_header_split, draw_legend, faction_colour, fit, font, legend_height, legend_width, row_at,
    row_centre, rows_axis, subtitle, text, text_width, title,
};
use crate::error::Result;
use crate::run::RunRecord;

/// Width of the image, pixels.
const WIDTH: u32 = 1200;
/// Height of one place's row, pixels.
const ROW_HEIGHT: u32 = 30;
/// Share of a row's height its bars fill.
const BAR_SHARE: f64 = 0.7;
/// Gap between the widest place name and the frame, pixels.
const ROW_LABEL_ROOM: u32 = 22;
/// Least width of the row label area, so the first date label is never cut off, pixels.
const MIN_ROW_LABEL_AREA: u32 = 60;
/// Least width of a bar, pixels.
const MIN_BAR_PIXELS: f64 = 3.0;
/// Least height of the image, pixels.
const MIN_HEIGHT: u32 = 260;

/// One stretch of time a place was held by one faction, days.
#[derive(Debug, Clone, PartialEq)]
struct Bar {
    from: f64,
    to: f64,
    colour: RGBColor,
}

/// Colour of the strip that marks a place fought over.
const CONTESTED: RGBColor = RGBColor(40, 40, 40);
/// Share of a row's height the fought-over strip takes, at the top of the bar.
const CONTESTED_SHARE: f64 = 0.22;

/// One place's row.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    name: String,
    bars: Vec<Bar>,
    /// Stretches during which the place was fought over, days.
    contested: Vec<(f64, f64)>,
}

/// The control timeline of a run, ready to draw on any backend.
#[derive(Debug, Clone)]
pub(super) struct ControlChart {
    title: String,
    subtitle: String,
    rows: Vec<Row>,
    legend: Vec<LegendEntry>,
    legend_width: u32,
    y_area: u32,
    time: TimeAxis,
    height: u32,
}

/// The control timeline of `record`.
pub(super) fn control(record: &RunRecord) -> ControlChart {
    let holders: BTreeSet<usize> = record
        .samples
        .iter()
        .flat_map(|s| s.control.iter().copied())
        .collect();
    let mut legend: Vec<LegendEntry> = holders
        .iter()
        .map(|&f| LegendEntry::faction(record, f))
        .collect();
    let any_contested = record
        .samples
        .iter()
        .any(|s| s.contested.iter().any(|&c| c));
    if any_contested {
        legend.push(LegendEntry::new("fought over", CONTESTED));
    }
    let legend_width = legend_width(&legend);
    let label_font = font(LABEL_SIZE);
    let names: Vec<String> = record
        .theatre
        .places
        .iter()
        .map(|p| fit(&label_font, &p.name, MAX_NAME_WIDTH))
        .collect();
    let widest = names
        .iter()
        .map(|n| text_width(&label_font, n))
        .max()
        .unwrap_or(0);
    let y_area = (widest + ROW_LABEL_ROOM).max(MIN_ROW_LABEL_AREA);
    let frame = WIDTH.saturating_sub(legend_width + y_area + PAGE_MARGIN + CHART_RIGHT);
    let time = TimeAxis::new(record, frame);
    let rows = names
        .into_iter()
        .enumerate()
        .map(|(place, name)| Row {
            name,
            bars: bars(record, place, time.end),
            contested: contested(record, place),
        })
        .collect::<Vec<_>>();
    let chrome = HEADER_HEIGHT + CHART_TOP + X_LABEL_AREA + CHART_BOTTOM;
    let height = (chrome + ROW_HEIGHT * rows.len().max(1) as u32)
        .max(HEADER_HEIGHT + CHART_TOP + legend_height(&legend) + CHART_BOTTOM)
        .max(MIN_HEIGHT);
    ControlChart {
        title: title("Control of places", record),
        subtitle: subtitle(record),
        rows,
        legend,
        legend_width,
        y_area,
        time,
        height,
    }
}

/// The bars of `place`: one per stretch of samples with the same holder. A sample records the
/// state reached during the tick that ended at it, so its holder is drawn over that tick; the
/// last change of hands therefore stays visible at the right edge.
fn bars(record: &RunRecord, place: usize, end: f64) -> Vec<Bar> {
    let samples = &record.samples;
    let mut spans: Vec<(usize, f64, f64)> = Vec::new();
    for (i, sample) in samples.iter().enumerate() {
        let Some(&holder) = sample.control.get(place) else {
            continue;
        };
        let at = RunRecord::day(sample.hours);
        let from = i
            .checked_sub(1)
            .map_or(at, |p| RunRecord::day(samples[p].hours));
        let to = if samples.len() == 1 { end } else { at };
        match spans.last_mut() {
            Some((h, _, span_to)) if *h == holder && *span_to == from => *span_to = to,
            _ => spans.push((holder, from, to)),
        }
    }
    spans
        .into_iter()
        .filter(|&(_, from, to)| to > from)
        .map(|(holder, from, to)| Bar {
            from,
            to,
            colour: faction_colour(record, holder),
        })
        .collect()
}

/// The stretches during which `place` was fought over: a sample records the tick that ended at
/// it, so a contested sample covers that tick.
fn contested(record: &RunRecord, place: usize) -> Vec<(f64, f64)> {
    let samples = &record.samples;
    let mut spans: Vec<(f64, f64)> = Vec::new();
    for (i, sample) in samples.iter().enumerate().skip(1) {
        if !sample.contested.get(place).copied().unwrap_or(false) {
            continue;
        }
        let (from, to) = (
            RunRecord::day(samples[i - 1].hours),
            RunRecord::day(sample.hours),
        );
        match spans.last_mut() {
            Some((_, span_to)) if *span_to == from => *span_to = to,
            _ => spans.push((from, to)),
        }
    }
    spans
}

/// `bar` widened (leftwards, or rightwards at the start) to at least `min` days, so that
/// holdings of an hour or two stay visible.
fn visible(bar: &Bar, min: f64) -> (f64, f64) {
    if bar.to - bar.from >= min {
        (bar.from, bar.to)
    } else {
        let from = (bar.to - min).max(0.0);
        (from, from + min)
    }
}

impl ControlChart {
    /// Size of the image, pixels: taller with more places.
    pub fn size(&self) -> (u32, u32) {
        (WIDTH, self.height)
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let (plot, legend) =
            draw_header_split(root, &self.title, &self.subtitle, self.legend_width)?;
        let n = self.rows.len();
        let y_label = |y: &f64| {
            self.rows
                .get(row_at(n, *y))
                .map(|r| r.name.clone())
                .unwrap_or_default()
        };
        let spec = FrameSpec {
            top: CHART_TOP,
            y_area: self.y_area,
            x_label: &|d: &f64| self.time.label(*d),
            y_label: &y_label,
            x_desc: self.time.desc.as_str(),
            y_desc: None,
            rows: true,
        };
        let mut chart = draw_frame(&plot, self.time.coord(), rows_axis(n), &spec)?;
        let half = BAR_SHARE / 2.0;
        let (frame_width, _) = chart.plotting_area().dim_in_pixel();
        let min = MIN_BAR_PIXELS * self.time.end / f64::from(frame_width.max(1));
        let rects = self.rows.iter().enumerate().flat_map(|(i, row)| {
            let centre = row_centre(n, i);
            row.bars.iter().map(move |bar| {
                let (from, to) = visible(bar, min);
                Rectangle::new(
                    [(from, centre + half), (to, centre - half)],
                    bar.colour.filled(),
                )
            })
        });
        chart.draw_series(rects).map_err(draw_error)?;
        let strips = self.rows.iter().enumerate().flat_map(|(i, row)| {
            let centre = row_centre(n, i);
            row.contested.iter().map(move |&(from, to)| {
                let (from, to) = visible(
                    &Bar {
                        from,
                        to,
                        colour: CONTESTED,
                    },
                    min,
                );
                Rectangle::new(
                    [(from, centre + half), (to, centre + half - CONTESTED_SHARE)],
                    CONTESTED.filled(),
                )
            })
        });
        chart.draw_series(strips).map_err(draw_error)?;
        if n == 0 {
            let style = text(DESC_SIZE, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
            let centre = (self.time.end / 2.0, 0.5);
            chart
                .draw_series(std::iter::once(Text::new(
                    "No places in this scenario",
                    centre,
                    style,
                )))
                .map_err(draw_error)?;
        }
        draw_legend(&legend, &self.legend, Swatch::Block)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::plot::tests::minimal_record;

    /// The minimal record with samples at hours 0, 1, 2, 3 where place 0 is held by
    /// `holders[k]` at sample k.
    fn record_with(holders: &[usize]) -> RunRecord {
        let mut record = minimal_record();
        let first = record.samples[0].clone();
        record.samples = holders
            .iter()
            .enumerate()
            .map(|(k, &h)| {
                let mut s = first.clone();
                s.hours = k as f64;
                s.control[0] = h;
                s
            })
            .collect();
        record
    }

    #[test]
    fn bars_merge_equal_holders_and_show_the_last_change() {
        let record = record_with(&[0, 0, 0, 1]);
        let bars = bars(&record, 0, 3.0 / 24.0);
        let spans: Vec<(f64, f64)> = bars.iter().map(|b| (b.from * 24.0, b.to * 24.0)).collect();
        assert_eq!(spans, vec![(0.0, 2.0), (2.0, 3.0)]);
        assert_eq!(bars[0].colour, faction_colour(&record, 0));
        assert_eq!(bars[1].colour, faction_colour(&record, 1));
    }

    #[test]
    fn a_single_sample_spans_the_axis() {
        let record = record_with(&[1]);
        let bars = bars(&record, 0, 1.0);
        assert_eq!(bars.len(), 1);
        assert_eq!((bars[0].from, bars[0].to), (0.0, 1.0));
    }

    #[test]
    fn short_bars_are_widened() {
        let bar = Bar {
            from: 0.5,
            to: 0.51,
            colour: RGBColor(0, 0, 0),
        };
        let (from, to) = visible(&bar, 0.1);
        assert!((to - from - 0.1).abs() < 1e-12 && (to - 0.51).abs() < 1e-12);
        let early = Bar {
            from: 0.0,
            to: 0.01,
            ..bar
        };
        assert_eq!(visible(&early, 0.1), (0.0, 0.1));
    }

    #[test]
    fn height_grows_with_places() {
        let record = minimal_record();
        let chart = control(&record);
        let (w, h) = chart.size();
        assert_eq!(w, WIDTH);
        assert!(h >= 120 + 28 * record.theatre.places.len() as u32);
    }
}
