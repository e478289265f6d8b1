//! Figures of panels stacked over one shared calendar-date axis (escalation, civilians):
//! the shared layout, each panel's frame and mesh, its title, its rotated axis description
//! and its key on the right.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Keyed, TimeAxis};
use super::lines::TimeValue;
use super::theme::{
    CHART_BOTTOM, CHART_RIGHT, DESC_SIZE, GRID, GRID_LIGHT, INK, Key, LABEL_SIZE, MUTED,
    PAGE_MARGIN, X_LABEL_AREA, bold, draw_error, text,
};
use crate::error::Result;
use crate::run::RunRecord;

/// Width of every stacked figure, pixels.
pub(super) const WIDTH: u32 = 1200;
/// Room above each frame for the panel's title, pixels.
pub(super) const PANEL_TITLE_ROOM: u32 = 34;
/// Space between one panel's frame and the next panel's title, pixels.
pub(super) const PANEL_GAP: u32 = 14;
/// Room between a y axis description and the widest tick label, pixels.
const DESC_GAP: u32 = 16;
/// Room left of the widest y label for tick marks and a rotated description, pixels.
pub(super) const Y_DESC_ROOM: u32 = 58;

/// The layout shared by every panel of a stacked figure.
#[derive(Debug, Clone)]
pub(super) struct Stack {
    /// The shared time axis.
    pub time: TimeAxis,
    /// Width of the label area left of every frame, pixels.
    pub y_area: u32,
    /// Width of the key column right of every frame (frame plus page margin), pixels.
    pub key_width: u32,
}

/// What one panel shows besides its data.
pub(super) struct PanelSpec<'a> {
    /// Title above the frame.
    pub title: &'a str,
    /// The value axis.
    pub y: Keyed,
    /// Tick labels of the value axis (empty: drawn by the caller).
    pub y_label: &'a dyn Fn(&f64) -> String,
    /// Description of the value axis with the width of its widest tick label, pixels.
    pub y_desc: Option<(&'a str, u32)>,
    /// Whether this is the lowest panel, which carries the date labels.
    pub last: bool,
    /// The panel's key, drawn right of its frame.
    pub key: &'a Key,
}

impl Stack {
    /// The layout of `record`'s figure with `y_area` pixels left of the frames and `keys`
    /// right of them.
    pub fn new(record: &RunRecord, y_area: u32, keys: &[&Key]) -> Self {
        Self::with_time(|frame| TimeAxis::new(record, frame), y_area, keys)
    }

    /// The layout of a figure whose time axis `time` makes for a frame of a given width, with
    /// `y_area` pixels left of the frames and `keys` right of them.
    pub fn with_time(time: impl FnOnce(u32) -> TimeAxis, y_area: u32, keys: &[&Key]) -> Self {
        let key_width = keys.iter().map(|k| k.frame_width()).max().unwrap_or(0) + PAGE_MARGIN;
        let frame = WIDTH.saturating_sub(PAGE_MARGIN + y_area + CHART_RIGHT + key_width);
        Self {
            time: time(frame),
            y_area,
            key_width,
        }
    }

    /// Height of a panel area whose frame is `frame` pixels tall.
    pub fn panel_height(frame: u32, last: bool) -> u32 {
        PANEL_TITLE_ROOM
            + frame
            + if last {
                X_LABEL_AREA + CHART_BOTTOM
            } else {
                PANEL_GAP
            }
    }

    /// Draw a panel's title, frame, mesh, axis description and key on `area` (a full-width
    /// strip of the figure), and return its chart for the data.
    pub fn panel<'a, DB: DrawingBackend>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        spec: &PanelSpec<'_>,
    ) -> Result<ChartContext<'a, DB, TimeValue>> {
        let (width, _) = area.dim_in_pixel();
        let mut chart = ChartBuilder::on(area)
            .margin_top(PANEL_TITLE_ROOM)
            .margin_bottom(if spec.last { CHART_BOTTOM } else { PANEL_GAP })
            .margin_left(PAGE_MARGIN)
            .margin_right(CHART_RIGHT + self.key_width)
            .x_label_area_size(if spec.last { X_LABEL_AREA } else { 0 })
            .y_label_area_size(self.y_area)
            .build_cartesian_2d(self.time.coord(), spec.y.clone())
            .map_err(draw_error)?;
        let x_label = |d: &f64| self.time.label(*d);
        let mut mesh = chart.configure_mesh();
        mesh.x_label_formatter(&x_label)
            .y_label_formatter(spec.y_label)
            .label_style(text(LABEL_SIZE, INK))
            .axis_desc_style(text(DESC_SIZE, INK))
            .bold_line_style(GRID)
            .light_line_style(GRID_LIGHT)
            .axis_style(MUTED);
        if spec.last {
            mesh.x_desc(self.time.desc.as_str());
        }
        mesh.draw().map_err(draw_error)?;

        let frame_left = (PAGE_MARGIN + self.y_area) as i32;
        let frame_top = PANEL_TITLE_ROOM as i32;
        let (_, frame_height) = chart.plotting_area().dim_in_pixel();
        let frame_bottom = frame_top + frame_height as i32;
        if !spec.last {
            // No label area below: close the frame with the axis line.
            let frame_right = width as i32 - (CHART_RIGHT + self.key_width) as i32;
            area.draw(&PathElement::new(
                vec![(frame_left, frame_bottom), (frame_right, frame_bottom)],
                MUTED.stroke_width(1),
            ))
            .map_err(draw_error)?;
        }
        let title_style = bold(DESC_SIZE)
            .color(&INK)
            .pos(Pos::new(HPos::Left, VPos::Bottom));
        area.draw(&Text::new(
            spec.title,
            (frame_left, frame_top - 8),
            title_style,
        ))
        .map_err(draw_error)?;
        if let Some((desc, label_width)) = spec.y_desc {
            let style = text(DESC_SIZE, INK)
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Center, VPos::Top));
            let x = (frame_left - (label_width + DESC_GAP + 26) as i32).max(PAGE_MARGIN as i32);
            let y = (frame_top + frame_bottom) / 2;
            area.draw(&Text::new(desc, (x, y), style))
                .map_err(draw_error)?;
        }
        let key_x = width as i32 - self.key_width as i32;
        spec.key
            .draw(area, (key_x, frame_top), self.key_width - PAGE_MARGIN)?;
        Ok(chart)
    }
}

/// Draw `note` in grey at the centre of `chart`'s frame.
pub(super) fn draw_note<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, TimeValue>,
    note: &str,
) -> Result<()> {
    let x = chart.plotting_area().get_x_range();
    let y = chart.plotting_area().get_y_range();
    let centre = ((x.start + x.end) / 2.0, (y.start + y.end) / 2.0);
    let style = text(DESC_SIZE, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    chart
        .draw_series(std::iter::once(Text::new(note.to_owned(), centre, style)))
        .map_err(draw_error)?;
    Ok(())
}

/// Spans of days over which `flag` holds. A sample records the state reached during the tick
/// that ended at it, so a flag set at a sample is drawn over that tick.
pub(super) fn spans(record: &RunRecord, flag: impl Fn(usize) -> bool) -> Vec<(f64, f64)> {
    let samples = &record.samples;
    let mut out: Vec<(f64, f64)> = Vec::new();
    for i in 0..samples.len() {
        if !flag(i) {
            continue;
        }
        let to = RunRecord::day(samples[i].hours);
        let from = i
            .checked_sub(1)
            .map_or(to, |p| RunRecord::day(samples[p].hours));
        match out.last_mut() {
            Some((_, end)) if *end == from => *end = to,
            _ => out.push((from, to)),
        }
    }
    out.retain(|(from, to)| to > from);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::plot::tests::minimal_record;

    #[test]
    fn spans_merge_and_cover_their_ticks() {
        let mut record = minimal_record();
        let first = record.samples[0].clone();
        record.samples = (0..6)
            .map(|h| {
                let mut s = first.clone();
                s.hours = f64::from(h);
                s
            })
            .collect();
        let on = [false, true, true, false, true, false];
        let got = spans(&record, |i| on[i]);
        let hours: Vec<(f64, f64)> = got.iter().map(|(a, b)| (a * 24.0, b * 24.0)).collect();
        assert_eq!(hours, vec![(0.0, 2.0), (3.0, 4.0)]);
        assert!(spans(&record, |_| false).is_empty());
    }
}
