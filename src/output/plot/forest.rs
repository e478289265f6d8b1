//! A forest plot of a comparison: for each scenario other than the baseline, the mean paired
//! difference of the headline outcomes (scenario − baseline, run `k` against run `k`) as a dot
//! with its 90% confidence interval as a whisker, against a dashed zero line.
//!
//! Outcomes of different units never share an axis: a panel for the chance that each city or
//! key place changes hands (percentage points), one for the day it first does (days), and a
//! panel each for peacekeepers killed, people newly displaced and civilians killed (persons).
//! Rows are places (or the one outcome), with a dot per scenario in its comparison colour; the
//! numbers are printed right of each frame.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{LinearAxis, number, signed};
use super::capture::first_days;
use super::compare::{NEUTRAL, Scenario, compare_title, push_scenario, scenarios};
use super::fan::runs_phrase;
use super::theme::{
    CHART_BOTTOM, CHART_TOP, DESC_SIZE, GRID, HEADER_HEIGHT, INK, Key, LABEL_SIZE, LegendEntry,
    MUTED, PAGE_MARGIN, Swatch, bold, draw_error, draw_header, fit, font, text, text_width,
};
use crate::error::Result;
use crate::output::compare::{Difference, differences};
use crate::run::ensemble::EnsembleRecord;
use crate::run::statistic::Stat;
use crate::scenario::PlaceKind;

/// Width of the figure, pixels.
const WIDTH: u32 = 1400;
/// Height of one scenario's line within a row, pixels.
const SUB_ROW: u32 = 22;
/// Space above and below the lines of a row, pixels.
const ROW_PAD: u32 = 8;
/// Least height of a row (room for its label and the baseline under it), pixels.
const MIN_ROW: u32 = 46;
/// Room above a frame for its title, pixels.
const TITLE_ROOM: u32 = 34;
/// Room above a frame without a title, pixels.
const NO_TITLE_ROOM: u32 = 6;
/// Room under a frame for the tick labels, pixels.
const TICK_LABELS: u32 = 26;
/// Room under the tick labels for the axis description, pixels.
const X_DESC: u32 = 28;
/// Space under a panel, pixels.
const PANEL_GAP: u32 = 16;
/// Height of a group title above its panels, pixels.
const GROUP_TITLE: u32 = 34;
/// Space between the row labels and the frame, and between the frame and the numbers, pixels.
const GUTTER: u32 = 14;
/// Space between the numbers and the key, pixels.
const KEY_GAP: u32 = 24;
/// Least and most width of the row labels, pixels.
const LABEL_AREA: (u32, u32) = (110, 260);
/// Size of the numbers right of the frames and of the baseline under a row label.
const SMALL_SIZE: f64 = 15.0;
/// Radius of the dot at a mean difference, pixels.
const DOT: u32 = 5;
/// Half the height of a whisker's end cap, pixels.
const CAP: i32 = 5;
/// Room beyond each round end of an axis, as a share of the axis.
const PAD: f64 = 0.03;
/// Fill of every other row.
const STRIPE: RGBColor = RGBColor(246, 246, 246);
/// Least height of the figure, pixels.
const MIN_HEIGHT: u32 = 420;

/// One scenario's difference in one row.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cell {
    mean: f64,
    low: f64,
    high: f64,
    pairs: usize,
}

/// One row: a place, or the one outcome of its panel.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    label: String,
    /// The baseline's value, under the label.
    baseline: String,
    /// One cell per scenario other than the baseline.
    cells: Vec<Option<Cell>>,
}

/// One panel: an outcome (or a kind of outcome over places) with its own axis.
#[derive(Debug, Clone, PartialEq)]
struct Panel {
    /// Title of the group of panels that starts here.
    group: Option<String>,
    /// Title above the frame.
    title: Option<String>,
    /// Description of the x axis, with the unit.
    desc: String,
    rows: Vec<Row>,
    axis: LinearAxis,
    /// Decimals of the numbers.
    decimals: usize,
    /// Whether the numbers say how many pairs they are over.
    show_pairs: bool,
    /// Shown instead of the numbers of a scenario without a value.
    missing: &'static str,
    note: Option<&'static str>,
}

impl Panel {
    /// Height of a row, pixels.
    fn row_height(&self) -> u32 {
        (SUB_ROW * self.rows.first().map_or(1, |r| r.cells.len().max(1)) as u32 + 2 * ROW_PAD)
            .max(MIN_ROW)
    }

    /// Height of the frame, pixels.
    fn frame_height(&self) -> u32 {
        self.row_height() * self.rows.len().max(1) as u32
    }

    /// Room above the frame, pixels.
    fn top_room(&self) -> u32 {
        self.group.as_ref().map_or(0, |_| GROUP_TITLE)
            + if self.title.is_some() {
                TITLE_ROOM
            } else {
                NO_TITLE_ROOM
            }
    }

    /// Height of the whole panel, pixels.
    fn height(&self) -> u32 {
        self.top_room() + self.frame_height() + TICK_LABELS + X_DESC + PANEL_GAP
    }

    /// The text of a cell: the mean difference and its interval (and the pairs).
    fn number(&self, cell: &Cell, runs: usize) -> String {
        let d = self.decimals;
        let mut s = format!(
            "{} ({} to {})",
            signed(cell.mean, d),
            signed(cell.low, d),
            signed(cell.high, d)
        );
        if self.show_pairs && cell.pairs < runs {
            let pairs = if cell.pairs == 1 { "pair" } else { "pairs" };
            s.push_str(&format!(" · {} {pairs}", cell.pairs));
        }
        s
    }
}

/// The forest plot of a comparison, ready to draw on any backend.
#[derive(Debug, Clone)]
pub(super) struct Forest {
    title: String,
    subtitle: String,
    /// The scenarios other than the baseline.
    others: Vec<Scenario>,
    panels: Vec<Panel>,
    key: Key,
    label_area: u32,
    value_width: u32,
    /// Runs of the baseline (a cell over fewer pairs says so).
    runs: usize,
    note: Option<&'static str>,
}

/// The forest plot of `ensembles` against the first.
pub(super) fn forest(labels: &[String], ensembles: &[EnsembleRecord], stat: Stat) -> Forest {
    let all = scenarios(labels, ensembles);
    let others: Vec<Scenario> = all.iter().skip(1).cloned().collect();
    let diffs: Vec<Vec<Difference>> = match ensembles.first() {
        Some(base) => others
            .iter()
            .zip(ensembles.iter().skip(1))
            .map(|(s, e)| differences(&s.label, base, e, stat))
            .collect(),
        None => Vec::new(),
    };
    let find = |i: usize, metric: &str| -> Option<Cell> {
        let d = diffs.get(i)?.iter().find(|d| d.metric == metric)?;
        // A quantile's difference without a bootstrap interval is drawn as a dot alone.
        let or_mean = |x: f64| if x.is_finite() { x } else { d.difference };
        Some(Cell {
            mean: d.difference,
            low: or_mean(d.ci[0]),
            high: or_mean(d.ci[1]),
            pairs: d.pairs,
        })
    };
    let cells = |metric: &str, scale: f64| -> Vec<Option<Cell>> {
        (0..others.len())
            .map(|i| {
                find(i, metric).map(|c| Cell {
                    mean: c.mean * scale,
                    low: c.low * scale,
                    high: c.high * scale,
                    pairs: c.pairs,
                })
            })
            .collect()
    };
    let mut panels = Vec::new();
    if let (Some(base), false) = (ensembles.first(), others.is_empty()) {
        let runs = base.runs.len();
        let important: Vec<usize> = base
            .theatre
            .places
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == PlaceKind::City || p.key)
            .map(|(i, _)| i)
            .collect();
        // The chance of a change of hands: the cities and key places, and every other place
        // whose chance moved in some scenario, as the text reports them.
        let moved: Vec<usize> = (0..base.theatre.places.len())
            .filter(|&p| {
                important.contains(&p)
                    || cells(&format!("p_fall.{}", base.theatre.places[p].id), 1.0)
                        .iter()
                        .flatten()
                        .any(|c| c.mean.abs() >= 1e-12)
            })
            .collect();
        let place_rows =
            |places: &[usize], prefix: &str, scale: f64, baseline: &dyn Fn(usize) -> String| {
                places
                    .iter()
                    .filter_map(|&p| {
                        let place = &base.theatre.places[p];
                        let cells = cells(&format!("{prefix}.{}", place.id), scale);
                        cells.iter().any(Option::is_some).then(|| Row {
                            label: place.name.clone(),
                            baseline: baseline(p),
                            cells,
                        })
                    })
                    .collect::<Vec<Row>>()
            };
        let p_rows = place_rows(&moved, "p_fall", 100.0, &|p| {
            format!(
                "baseline {}",
                super::capture::percent(first_days(base, p).len(), runs)
            )
        });
        if !p_rows.is_empty() {
            panels.push(panel(
                None,
                Some("Chance that the place changes hands by the end"),
                "difference in the share of runs in which it changed hands (percentage points)",
                p_rows,
                None,
            ));
        }
        let day_rows = place_rows(&important, "fall_day_if", 1.0, &|p| {
            let days = first_days(base, p);
            if days.is_empty() {
                "baseline: never".to_owned()
            } else {
                let of = crate::run::statistic::of_values(stat, &days);
                format!("baseline day {}", number(of.value, 1))
            }
        });
        // With `--stat p` the chance panel above is the share of runs where a place fell.
        let day_title = match stat {
            Stat::Mean => {
                "Day the place first changes hands, over runs in which it does in both".to_owned()
            }
            s => format!(
                "Day the place first changes hands: the {} over runs in which it does",
                s.words()
            ),
        };
        if !day_rows.is_empty() && stat != Stat::P {
            panels.push(panel(
                None,
                Some(day_title.as_str()),
                "difference in days since the start (> 0: later than in the baseline)",
                day_rows,
                Some("no run in which it fell in both"),
            ));
        }
        let totals = [
            ("peacekeepers_killed", "Peacekeepers killed"),
            ("newly_displaced", "People newly displaced"),
            ("civilian_deaths", "Civilians dead"),
        ];
        let mut group = Some("Totals over the run".to_owned());
        let total_scale = if stat == Stat::P { 100.0 } else { 1.0 };
        let total_desc = match stat {
            Stat::Mean => "difference (persons)".to_owned(),
            Stat::P => "difference in the share of runs with any (percentage points)".to_owned(),
            s => format!("difference of the {} (persons)", s.words()),
        };
        for (metric, name) in totals {
            let cells = cells(metric, total_scale);
            if cells.iter().all(Option::is_none) {
                continue;
            }
            let mean = crate::run::metrics::Metric::all(&base.theatre)
                .into_iter()
                .find(|m| m.name(&base.theatre) == metric)
                .map(|m| {
                    let values: Vec<f64> = base
                        .runs
                        .iter()
                        .filter_map(|r| m.value(r, base.days))
                        .collect();
                    values.iter().sum::<f64>() / values.len().max(1) as f64
                })
                .unwrap_or(f64::NAN);
            let decimals = if mean.abs() < 10.0 { 1 } else { 0 };
            let shown = diffs
                .iter()
                .flatten()
                .find(|d| d.metric == metric)
                .map_or(f64::NAN, |d| d.baseline);
            let baseline = match stat {
                Stat::Mean => format!("baseline {}", number(mean, decimals)),
                Stat::P => format!("baseline {}%", number(100.0 * shown, 0)),
                s => format!("baseline {} {}", s.words(), number(shown, decimals)),
            };
            let row = Row {
                label: name.to_owned(),
                baseline,
                cells,
            };
            let mut p = panel(group.take(), None, &total_desc, vec![row], None);
            let none = diffs
                .iter()
                .flatten()
                .filter(|d| d.metric == metric)
                .all(|d| d.baseline == 0.0 && d.value == 0.0);
            if none {
                p.note = Some("None in any run of any scenario");
            }
            panels.push(p);
        }
    }

    let label_font = font(LABEL_SIZE);
    let small = font(SMALL_SIZE);
    let label_area = panels
        .iter()
        .flat_map(|p| &p.rows)
        .map(|r| text_width(&label_font, &r.label).max(text_width(&small, &r.baseline)))
        .max()
        .unwrap_or(0)
        .saturating_add(GUTTER)
        .clamp(LABEL_AREA.0, LABEL_AREA.1);
    for row in panels.iter_mut().flat_map(|p| &mut p.rows) {
        row.label = fit(&label_font, &row.label, label_area - GUTTER);
        row.baseline = fit(&small, &row.baseline, label_area - GUTTER);
    }
    let runs = ensembles.first().map_or(0, |e| e.runs.len());
    let value_width = panels
        .iter()
        .flat_map(|p| {
            p.rows
                .iter()
                .flat_map(|r| r.cells.iter().flatten())
                .map(|c| p.number(c, runs))
        })
        .map(|s| text_width(&small, &s))
        .chain(panels.iter().map(|p| text_width(&small, p.missing)))
        .max()
        .unwrap_or(0);

    let mut key = Key::new("Scenario − baseline");
    for s in &others {
        push_scenario(&mut key, s, false, Swatch::Dot(DOT));
    }
    if !others.is_empty() {
        let dot = match stat {
            Stat::Mean => "mean paired difference".to_owned(),
            Stat::P => "difference of the shares of runs".to_owned(),
            s => format!("difference of the {}s", s.words()),
        };
        key.push(LegendEntry::new(&dot, NEUTRAL), Swatch::Dot(DOT));
        key.push(
            LegendEntry::new("its 90% confidence interval", NEUTRAL),
            Swatch::Line,
        );
    }
    if let Some(base) = all.first() {
        key.push(
            LegendEntry::new("no difference from the baseline:", NEUTRAL),
            Swatch::Dashed,
        );
        push_scenario(&mut key, base, false, Swatch::Blank);
    }
    let note = if ensembles.is_empty() {
        Some("No scenarios to compare")
    } else if others.is_empty() {
        Some("One scenario only: nothing to compare with the baseline")
    } else if ensembles.iter().all(|e| e.runs.is_empty()) {
        Some("No runs in these ensembles")
    } else if panels.is_empty() {
        Some("No outcome has a value in both the baseline and another scenario")
    } else {
        None
    };
    let seed = ensembles.first().map_or(0, |e| e.master_seed);
    Forest {
        title: compare_title("Differences from the baseline", ensembles),
        subtitle: match stat {
            Stat::Mean => format!(
                "Mean of the paired differences (scenario − baseline, run k against run k: the \
                 same seed, master seed {seed}) with its 90% confidence interval · {} per \
                 scenario",
                runs_phrase(runs)
            ),
            s => format!(
                "Statistic: {} · scenario − baseline (run k against run k: the same seed, master \
                 seed {seed}) with its 90% confidence interval{} · {} per scenario",
                s.words(),
                if s.level().is_some() {
                    " (paired bootstrap)"
                } else {
                    ""
                },
                runs_phrase(runs)
            ),
        },
        others,
        panels,
        key,
        label_area,
        value_width,
        runs,
        note,
    }
}

/// A panel of `rows`, with an axis over their intervals and zero (symmetric about zero when
/// every difference is zero). A panel over runs in which a place fell in both scenarios says
/// `pairs` where there are none, and how many pairs each difference is over.
fn panel(
    group: Option<String>,
    title: Option<&str>,
    desc: &str,
    rows: Vec<Row>,
    pairs: Option<&'static str>,
) -> Panel {
    let cells = || rows.iter().flat_map(|r| r.cells.iter().flatten());
    let low = cells()
        .flat_map(|c| [c.low, c.mean])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::min);
    let high = cells()
        .flat_map(|c| [c.high, c.mean])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let widest = low.abs().max(high.abs());
    let (low, high) = if widest < 1e-9 {
        (-1.0, 1.0)
    } else {
        (low, high)
    };
    let decimals = if title.is_some_and(|t| t.starts_with("Day")) || widest < 10.0 {
        1
    } else {
        0
    };
    Panel {
        group,
        title: title.map(str::to_owned),
        desc: desc.to_owned(),
        rows,
        axis: LinearAxis::new(low, high, 6),
        decimals,
        show_pairs: pairs.is_some(),
        missing: pairs.unwrap_or("no value"),
        note: None,
    }
}

impl Forest {
    /// Width of the key column (frame and page margin), pixels.
    fn key_width(&self) -> u32 {
        self.key.frame_width() + PAGE_MARGIN
    }

    /// Left and right ends of every frame, pixels.
    fn frame_span(&self) -> (i32, i32) {
        let left = PAGE_MARGIN + self.label_area;
        let right = WIDTH.saturating_sub(self.key_width() + KEY_GAP + self.value_width + GUTTER);
        (left as i32, right.max(left + 100) as i32)
    }

    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        let panels: u32 = self.panels.iter().map(Panel::height).sum();
        let body = panels
            .max(self.key.height() + CHART_TOP)
            .max(MIN_HEIGHT - HEADER_HEIGHT);
        (WIDTH, HEADER_HEIGHT + CHART_TOP + body + CHART_BOTTOM)
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        draw_header(root, &self.title, &self.subtitle)?;
        let (width, height) = root.dim_in_pixel();
        let mut top = (HEADER_HEIGHT + CHART_TOP) as i32;
        for panel in &self.panels {
            self.draw_panel(root, panel, top)?;
            top += panel.height() as i32;
        }
        if let Some(note) = self.note {
            let (left, right) = self.frame_span();
            let y = (HEADER_HEIGHT as i32 + height as i32) / 2;
            root.draw(&Text::new(
                note,
                ((left + right) / 2, y),
                text(DESC_SIZE, MUTED).pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(draw_error)?;
        }
        let key_x = width as i32 - self.key_width() as i32;
        self.key.draw(
            root,
            (key_x, (HEADER_HEIGHT + CHART_TOP) as i32),
            self.key.frame_width(),
        )
    }

    /// Draw `panel` with the top of its room at `top`.
    fn draw_panel<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        panel: &Panel,
        top: i32,
    ) -> Result<()> {
        let (left, right) = self.frame_span();
        let mut y = top;
        if let Some(group) = &panel.group {
            root.draw(&Text::new(
                group.as_str(),
                (PAGE_MARGIN as i32, y + GROUP_TITLE as i32 - 8),
                bold(DESC_SIZE)
                    .color(&INK)
                    .pos(Pos::new(HPos::Left, VPos::Bottom)),
            ))
            .map_err(draw_error)?;
            y += GROUP_TITLE as i32;
        }
        if let Some(title) = &panel.title {
            let title = fit(
                &bold(DESC_SIZE),
                title,
                (right - left).max(0) as u32 + self.value_width,
            );
            root.draw(&Text::new(
                title,
                (left, y + TITLE_ROOM as i32 - 8),
                bold(DESC_SIZE)
                    .color(&INK)
                    .pos(Pos::new(HPos::Left, VPos::Bottom)),
            ))
            .map_err(draw_error)?;
            y += TITLE_ROOM as i32;
        } else {
            y += NO_TITLE_ROOM as i32;
        }
        let frame_top = y;
        let row_height = panel.row_height() as i32;
        let frame_bottom = frame_top + panel.frame_height() as i32;
        let axis = &panel.axis;
        // A little room beyond the round ends, so that dots and whiskers there stay clear of
        // the frame.
        let pad = PAD * (axis.max - axis.min);
        let (min, max) = (axis.min - pad, axis.max + pad);
        let x_of = |v: f64| {
            let share = (v - min) / (max - min);
            left + (share.clamp(0.0, 1.0) * f64::from(right - left)).round() as i32
        };

        // Stripes, grid lines and tick labels, the frame, the zero line.
        for (r, _) in panel.rows.iter().enumerate().filter(|(r, _)| r % 2 == 1) {
            let y0 = frame_top + r as i32 * row_height;
            root.draw(&Rectangle::new(
                [(left, y0), (right, y0 + row_height)],
                STRIPE.filled(),
            ))
            .map_err(draw_error)?;
        }
        let tick_style = text(LABEL_SIZE, INK).pos(Pos::new(HPos::Center, VPos::Top));
        for &t in axis.ticks() {
            let x = x_of(t);
            root.draw(&PathElement::new(
                vec![(x, frame_top), (x, frame_bottom)],
                GRID.stroke_width(1),
            ))
            .map_err(draw_error)?;
            root.draw(&PathElement::new(
                vec![(x, frame_bottom), (x, frame_bottom + 5)],
                MUTED.stroke_width(1),
            ))
            .map_err(draw_error)?;
            root.draw(&Text::new(
                axis.signed_label(t),
                (x, frame_bottom + 7),
                tick_style.clone(),
            ))
            .map_err(draw_error)?;
        }
        root.draw(&Rectangle::new(
            [(left, frame_top), (right, frame_bottom)],
            MUTED.stroke_width(1),
        ))
        .map_err(draw_error)?;
        let zero = x_of(0.0);
        root.draw(&DashedPathElement::new(
            vec![(zero, frame_top), (zero, frame_bottom)],
            7,
            4,
            INK.stroke_width(1),
        ))
        .map_err(draw_error)?;
        root.draw(&Text::new(
            panel.desc.as_str(),
            ((left + right) / 2, frame_bottom + TICK_LABELS as i32 + 2),
            text(DESC_SIZE - 1.0, INK).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(draw_error)?;

        // Rows: the label and the baseline at the left, a whisker and dot per scenario, the
        // numbers at the right.
        let label_x = left - GUTTER as i32;
        let small = text(SMALL_SIZE, MUTED).pos(Pos::new(HPos::Right, VPos::Center));
        for (r, row) in panel.rows.iter().enumerate() {
            let row_top = frame_top + r as i32 * row_height;
            let centre = row_top + row_height / 2;
            root.draw(&Text::new(
                row.label.as_str(),
                (label_x, centre - 9),
                text(LABEL_SIZE, INK).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(draw_error)?;
            root.draw(&Text::new(
                row.baseline.as_str(),
                (label_x, centre + 11),
                small.clone(),
            ))
            .map_err(draw_error)?;
            let lines = row.cells.len().max(1) as i32;
            let first = centre - (lines - 1) * SUB_ROW as i32 / 2;
            for (i, (cell, s)) in row.cells.iter().zip(&self.others).enumerate() {
                let y = first + i as i32 * SUB_ROW as i32;
                let Some(cell) = cell else {
                    root.draw(&Text::new(
                        panel.missing,
                        (right + GUTTER as i32, y),
                        text(SMALL_SIZE, MUTED).pos(Pos::new(HPos::Left, VPos::Center)),
                    ))
                    .map_err(draw_error)?;
                    continue;
                };
                let (x0, x1, xm) = (x_of(cell.low), x_of(cell.high), x_of(cell.mean));
                let style = s.colour.stroke_width(2);
                root.draw(&PathElement::new(vec![(x0, y), (x1, y)], style))
                    .map_err(draw_error)?;
                for x in [x0, x1] {
                    root.draw(&PathElement::new(vec![(x, y - CAP), (x, y + CAP)], style))
                        .map_err(draw_error)?;
                }
                root.draw(&Circle::new((xm, y), DOT + 1, WHITE.filled()))
                    .map_err(draw_error)?;
                root.draw(&Circle::new((xm, y), DOT, s.colour.filled()))
                    .map_err(draw_error)?;
                root.draw(&Text::new(
                    panel.number(cell, self.runs),
                    (right + GUTTER as i32, y),
                    font(SMALL_SIZE)
                        .color(&s.colour)
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(draw_error)?;
            }
        }
        if let Some(note) = panel.note {
            root.draw(&Text::new(
                note,
                ((left + right) / 2, frame_top + 12),
                text(SMALL_SIZE, MUTED).pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(draw_error)?;
        }
        Ok(())
    }
}
