//! Small multiples (personnel by faction, the capture comparison): a grid of cells, each a
//! frame over one shared calendar span with its title above, one description per axis centred
//! on the grid, and a key right of the grid.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Keyed, TimeAxis};
use super::fan::{Span, time_axis};
use super::lines::TimeValue;
use super::theme::{
    CHART_TOP, DESC_SIZE, GRID, GRID_LIGHT, HEADER_HEIGHT, INK, Key, LABEL_SIZE, MUTED,
    PAGE_MARGIN, draw_error, text,
};
use crate::error::Result;

/// Width of a small-multiples figure, pixels.
pub(super) const GRID_WIDTH: u32 = 1500;
/// Width of the column left of the grid for the rotated y description, pixels.
const DESC_COLUMN: u32 = 30;
/// Room above each frame for the cell's title, pixels.
pub(super) const CELL_TITLE: u32 = 34;
/// Room under each frame for its date labels, pixels.
const CELL_X_LABELS: u32 = 34;
/// Space under a cell, pixels.
const CELL_GAP_BOTTOM: u32 = 12;
/// Least space right of a cell's frame, pixels.
pub(super) const CELL_GAP_RIGHT: u32 = 30;
/// Least space between the last date label of a cell and the next cell's first, pixels.
const LABEL_CLEARANCE: u32 = 16;
/// Room for tick marks between the y labels and the frame, pixels.
pub(super) const TICK_ROOM: u32 = 14;
/// Height of the row under the grid for the x description, pixels.
pub(super) const X_DESC_ROW: u32 = 34;

/// Top of the grid, pixels.
pub(super) const TOP: i32 = (HEADER_HEIGHT + CHART_TOP) as i32;
/// Left of the grid, pixels.
pub(super) const LEFT: i32 = (PAGE_MARGIN + DESC_COLUMN) as i32;

/// The layout of a grid of cells.
#[derive(Debug, Clone)]
pub(super) struct Grid {
    pub cols: u32,
    pub rows: u32,
    pub cell_width: u32,
    pub frame_height: u32,
    /// Width of the label area left of every frame, pixels.
    pub y_area: u32,
    /// The shared time axis.
    pub time: TimeAxis,
    /// Space right of each frame, pixels.
    pub gap_right: u32,
    /// Width of the key column right of the grid (the page margin alone when the key is in a
    /// cell), pixels.
    pub key_width: u32,
}

impl Grid {
    /// Width of each of `cols` cells with a key column `key_width` pixels wide, pixels.
    pub fn cell_width(cols: u32, key_width: u32) -> u32 {
        GRID_WIDTH.saturating_sub(PAGE_MARGIN + DESC_COLUMN + key_width) / cols
    }

    /// The layout of `cols` × `rows` cells over `span`, with frames `frame_height` pixels high
    /// and `y_area` pixels left of each frame.
    pub fn new(
        cols: u32,
        rows: u32,
        frame_height: u32,
        y_area: u32,
        key_width: u32,
        span: &Span,
    ) -> Self {
        let cell_width = Self::cell_width(cols, key_width);
        // Room right of each frame for half the last date label, so it stays clear of the
        // next cell's labels.
        let time = time_axis(span, cell_width.saturating_sub(y_area + CELL_GAP_RIGHT));
        let gap_right = CELL_GAP_RIGHT.max(time.widest_label() / 2 + LABEL_CLEARANCE);
        let time = time_axis(span, cell_width.saturating_sub(y_area + gap_right));
        Grid {
            cols,
            rows,
            cell_width,
            frame_height,
            y_area,
            time,
            gap_right,
            key_width,
        }
    }

    /// Height of one cell, pixels.
    pub fn cell_height(&self) -> u32 {
        CELL_TITLE + self.frame_height + CELL_X_LABELS + CELL_GAP_BOTTOM
    }

    /// Height of the grid, pixels.
    pub fn height(&self) -> u32 {
        self.rows * self.cell_height()
    }

    /// Height of the grid or of `key` beside it, whichever is taller, pixels.
    pub fn body_height(&self, key: &Key) -> u32 {
        self.height().max(CELL_TITLE + key.height())
    }

    /// Left of the first column's frames, pixels.
    pub fn frames_left(&self) -> i32 {
        LEFT + self.y_area as i32
    }

    /// Draw `cells` cells (at least one) on `root`, each with `draw_cell` on its area and
    /// index.
    pub fn draw_cells<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        cells: usize,
        mut draw_cell: impl FnMut(&DrawingArea<DB, Shift>, usize) -> Result<()>,
    ) -> Result<()> {
        let cell_height = self.cell_height();
        for i in 0..cells.max(1) {
            let (row, col) = (i as u32 / self.cols, i as u32 % self.cols);
            let area = root.clone().shrink(
                (
                    LEFT + (col * self.cell_width) as i32,
                    TOP + (row * cell_height) as i32,
                ),
                (self.cell_width, cell_height),
            );
            draw_cell(&area, i)?;
        }
        Ok(())
    }

    /// Draw the description of each axis, centred on the grid: `y_desc` rotated left of it,
    /// the time axis's under it.
    pub fn draw_descs<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        y_desc: &str,
    ) -> Result<()> {
        let grid_height = self.height();
        let frames_right = LEFT + (self.cols * self.cell_width) as i32 - self.gap_right as i32;
        let y_style = text(DESC_SIZE, INK)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(
            y_desc,
            (PAGE_MARGIN as i32, TOP + grid_height as i32 / 2),
            y_style,
        ))
        .map_err(draw_error)?;
        let x_style = text(DESC_SIZE, INK).pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(
            self.time.desc.as_str(),
            (
                (self.frames_left() + frames_right) / 2,
                TOP + grid_height as i32 + 2,
            ),
            x_style,
        ))
        .map_err(draw_error)?;
        Ok(())
    }

    /// Draw `key` in the key column right of the grid.
    pub fn draw_key_right<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        key: &Key,
    ) -> Result<()> {
        let (width, _) = root.dim_in_pixel();
        key.draw(
            root,
            (
                width as i32 - self.key_width as i32,
                TOP + CELL_TITLE as i32,
            ),
            self.key_width - PAGE_MARGIN,
        )
    }

    /// The frame of a cell on `area`, over the time axis and `y`, with its mesh drawn and `y`
    /// labelled by `y_label`.
    pub fn chart<'a, DB: DrawingBackend>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        y: Keyed,
        y_label: &dyn Fn(&f64) -> String,
    ) -> Result<ChartContext<'a, DB, TimeValue>> {
        let mut chart = ChartBuilder::on(area)
            .margin_top(CELL_TITLE)
            .margin_bottom(CELL_GAP_BOTTOM)
            .margin_right(self.gap_right)
            .x_label_area_size(CELL_X_LABELS)
            .y_label_area_size(self.y_area)
            .build_cartesian_2d(self.time.coord(), y)
            .map_err(draw_error)?;
        let x_label = |d: &f64| self.time.label(*d);
        chart
            .configure_mesh()
            .x_label_formatter(&x_label)
            .y_label_formatter(y_label)
            .label_style(text(LABEL_SIZE, INK))
            .bold_line_style(GRID)
            .light_line_style(GRID_LIGHT)
            .axis_style(MUTED)
            .draw()
            .map_err(draw_error)?;
        Ok(chart)
    }
}
