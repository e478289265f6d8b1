//! The figures of a sensitivity analysis: rows of horizontal bars, one row per input.
//!
//! The **tornado** sorts the inputs from most to least important and shows, for Morris, μ*
//! (the mean absolute effect, in the metric's unit) beside σ (the spread of the effects), and
//! for Sobol', the total index ST beside the first-order S1. The **index chart** keeps the
//! inputs in the scenario's order and draws the main indices with their 90% bootstrap
//! intervals as error bars (Morris: μ*; Sobol': S1 and ST).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Keyed, LinearAxis};
use super::theme::{
    CHART_TOP, FrameSpec, HEADER_HEIGHT, INK, LABEL_SIZE, MAX_NAME_WIDTH, PAGE_MARGIN,
    X_LABEL_AREA, draw_error, draw_frame, draw_header, fit, font, row_at, row_centre, rows_axis,
    text, text_width, theatre_colour,
};
use crate::error::Result;
use crate::output::sensitivity::ranking;
use crate::run::sensitivity::{Method, SensitivityRecord};

/// Width of the figure, pixels.
const WIDTH: u32 = 1200;
/// Height of a row with one bar, and of each further bar in a row, pixels.
const ROW_HEIGHT: u32 = 30;
const EXTRA_BAR: u32 = 14;
/// Most rows drawn (the rest are left out and said so).
const MAX_ROWS: usize = 40;
/// Height of a line of the key above the frame, pixels.
const KEY_LINE: u32 = 24;

/// One entry of the key: a series (a bar swatch) or a faction (a square).
struct KeyEntry {
    name: String,
    colour: RGBColor,
    square: bool,
}
/// Half the height of an error bar's caps, in row heights.
const CAP: f64 = 0.12;
/// The main index's bars (μ*, ST) and the second's (σ, S1): greys, so that the faction
/// squares beside the names stand out.
const MAIN: RGBColor = RGBColor(84, 104, 134);
const SECOND: RGBColor = RGBColor(186, 190, 196);
/// Side of a faction square, pixels.
const SQUARE: i32 = 9;

/// One series of bars: a value (and optionally an interval) per row.
struct Series {
    name: String,
    colour: RGBColor,
    values: Vec<f64>,
    intervals: Option<Vec<[f64; 2]>>,
}

/// A figure of rows of bars.
pub(super) struct IndexChart {
    title: String,
    subtitle: String,
    x_desc: String,
    rows: Vec<String>,
    /// The colour of each row's faction, for inputs of a unit.
    factions: Vec<Option<RGBColor>>,
    /// The factions that appear, with their colours, for the key.
    faction_key: Vec<(String, RGBColor)>,
    series: Vec<Series>,
}

/// `index` of each factor by `pick`, in the order `order`.
fn column(order: &[usize], pick: impl Fn(usize) -> f64) -> Vec<f64> {
    order.iter().map(|&i| pick(i)).collect()
}

fn intervals(order: &[usize], pick: impl Fn(usize) -> [f64; 2]) -> Option<Vec<[f64; 2]>> {
    Some(order.iter().map(|&i| pick(i)).collect())
}

/// The subtitle: method, sizes, seed.
fn subtitle(s: &SensitivityRecord) -> String {
    let runs = s.design.points.len() as u64 * s.settings.replicates;
    match s.settings.method {
        Method::Morris => format!(
            "Morris elementary effects · {} inputs · {} trajectories, {}-level grid · {runs} runs · seed {}",
            s.factors.len(),
            s.settings.base,
            s.settings.levels,
            s.settings.master_seed
        ),
        Method::Sobol => format!(
            "Sobol' indices (Saltelli sampling, Jansen ST) · {} inputs · N = {} · {runs} runs · seed {}",
            s.factors.len(),
            s.settings.base,
            s.settings.master_seed
        ),
    }
}

/// The unit of the metric, for the x axis of Morris charts.
fn metric_unit(metric: &str) -> &'static str {
    if metric.starts_with("fall_day") {
        "days"
    } else if metric.starts_with("p_") {
        "probability"
    } else if metric == "highest_rung" {
        "rungs"
    } else {
        "persons"
    }
}

/// Build a chart over the factors in `order` with the series of the method.
fn chart(s: &SensitivityRecord, order: &[usize], tornado: bool) -> IndexChart {
    let rows = order.iter().map(|&i| s.factors[i].path.clone()).collect();
    let indices: Vec<Option<usize>> = order
        .iter()
        .map(|&i| {
            let id = s.factors[i].faction.as_deref()?;
            s.theatre.factions.iter().position(|f| f.id == id)
        })
        .collect();
    let factions = indices
        .iter()
        .map(|f| f.map(|f| theatre_colour(&s.theatre, f)))
        .collect();
    let faction_key = (0..s.theatre.factions.len())
        .filter(|f| indices.contains(&Some(*f)))
        .map(|f| {
            (
                s.theatre.factions[f].name.clone(),
                theatre_colour(&s.theatre, f),
            )
        })
        .collect();
    let metric = &s.settings.metric;
    let (what, x_desc, series) = match (&s.morris, &s.sobol) {
        (Some(m), _) => {
            let mut series = vec![Series {
                name: "μ* — mean absolute effect (90% bootstrap interval)".into(),
                colour: MAIN,
                values: column(order, |i| m[i].mu_star),
                intervals: intervals(order, |i| m[i].mu_star_ci),
            }];
            if tornado {
                series[0].intervals = None;
                series[0].name = "μ* — mean absolute effect".into();
                series.push(Series {
                    name: "σ — spread of the effects (non-linearity, interactions)".into(),
                    colour: SECOND,
                    values: column(order, |i| m[i].sigma),
                    intervals: None,
                });
            }
            (
                "Morris μ*",
                format!(
                    "change in {metric} over the input's range ({})",
                    metric_unit(metric)
                ),
                series,
            )
        }
        (_, Some((x, _))) => {
            let st = Series {
                name: "ST — total index".into(),
                colour: MAIN,
                values: column(order, |i| x[i].st),
                intervals: (!tornado)
                    .then(|| intervals(order, |i| x[i].st_ci))
                    .flatten(),
            };
            let s1 = Series {
                name: "S1 — first-order index".into(),
                colour: SECOND,
                values: column(order, |i| x[i].s1),
                intervals: (!tornado)
                    .then(|| intervals(order, |i| x[i].s1_ci))
                    .flatten(),
            };
            (
                "Sobol' indices",
                format!("share of the variance of {metric} (0–1)"),
                vec![st, s1],
            )
        }
        _ => ("Indices", String::new(), Vec::new()),
    };
    let title = if tornado {
        format!(
            "What moves {metric}: {what}, largest first — {}",
            s.scenario_name
        )
    } else {
        format!("{what} of {metric} by input — {}", s.scenario_name)
    };
    let mut sub = subtitle(s);
    if !tornado {
        sub.push_str(" · error bars: 90% bootstrap intervals");
    }
    IndexChart {
        title,
        subtitle: sub,
        x_desc,
        rows,
        factions,
        faction_key,
        series,
    }
}

/// The tornado: inputs sorted by importance (at most [`MAX_ROWS`]).
pub(super) fn tornado(s: &SensitivityRecord) -> IndexChart {
    let order: Vec<usize> = ranking(s)
        .into_iter()
        .map(|(i, _)| i)
        .take(MAX_ROWS)
        .collect();
    chart(s, &order, true)
}

/// The index chart: inputs in the scenario's order (at most [`MAX_ROWS`]), with intervals.
pub(super) fn indices(s: &SensitivityRecord) -> IndexChart {
    let order: Vec<usize> = (0..s.factors.len().min(MAX_ROWS)).collect();
    chart(s, &order, false)
}

impl IndexChart {
    fn row_height(&self) -> u32 {
        ROW_HEIGHT + EXTRA_BAR * (self.series.len().max(1) as u32 - 1)
    }

    fn label_width(&self) -> u32 {
        let f = font(LABEL_SIZE);
        let squares = if self.factions.iter().any(Option::is_some) {
            SQUARE as u32 + 8
        } else {
            0
        };
        self.rows
            .iter()
            .map(|r| text_width(&f, &fit(&f, r, MAX_NAME_WIDTH)))
            .max()
            .unwrap_or(0)
            + 16
            + squares
    }

    /// Every key entry with its x position and line: the series, then the factions.
    fn key_layout(&self) -> Vec<(i32, usize, KeyEntry)> {
        let entries = self
            .series
            .iter()
            .map(|s| KeyEntry {
                name: s.name.clone(),
                colour: s.colour,
                square: false,
            })
            .chain(self.faction_key.iter().map(|(name, colour)| KeyEntry {
                name: name.clone(),
                colour: *colour,
                square: true,
            }));
        let start = PAGE_MARGIN as i32 + self.label_width() as i32;
        let right = (WIDTH - PAGE_MARGIN) as i32;
        let (mut x, mut line) = (start, 0);
        let mut out = Vec::new();
        for entry in entries {
            let swatch = if entry.square { SQUARE } else { 18 };
            let width = swatch + 7 + text_width(&font(LABEL_SIZE), &entry.name) as i32;
            if x > start && x + width > right {
                x = start;
                line += 1;
            }
            let next = x + width + 26;
            out.push((x, line, entry));
            x = next;
        }
        out
    }

    /// Height of the key, pixels.
    fn key_height(&self) -> u32 {
        let lines = self.key_layout().last().map_or(0, |(_, line, _)| line + 1);
        KEY_LINE * lines as u32 + 8
    }

    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        let body = self.rows.len().max(1) as u32 * self.row_height();
        (
            WIDTH,
            HEADER_HEIGHT + CHART_TOP + self.key_height() + body + X_LABEL_AREA + 30,
        )
    }

    /// Draw the figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let body = draw_header(root, &self.title, &self.subtitle)?;
        // The key: a swatch and a name per series, then a square per faction, across the
        // top, on as many lines as it needs.
        for (x, line, entry) in self.key_layout() {
            let y = (CHART_TOP + 15) as i32 + line as i32 * KEY_LINE as i32;
            let (w, h) = if entry.square {
                (SQUARE, SQUARE)
            } else {
                (18, 14)
            };
            body.draw(&Rectangle::new(
                [(x, y - h / 2), (x + w, y + h / 2)],
                entry.colour.filled(),
            ))
            .map_err(draw_error)?;
            body.draw(&Text::new(
                entry.name.clone(),
                (x + w + 7, y),
                text(LABEL_SIZE, INK).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(draw_error)?;
        }
        let values = self.series.iter().flat_map(|s| {
            s.values
                .iter()
                .copied()
                .chain(s.intervals.iter().flatten().flat_map(|c| c.iter().copied()))
        });
        let (lo, hi) = values
            .filter(|v| v.is_finite())
            .fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let axis = LinearAxis::new(lo, hi.max(lo + 1e-9), 8);
        let x_axis = Keyed::new(axis.min..axis.max, axis.ticks().to_vec(), Vec::new());
        let n = self.rows.len();
        let names = |y: &f64| {
            let i = row_at(n, *y);
            self.rows
                .get(i)
                .map(|r| fit(&font(LABEL_SIZE), r, MAX_NAME_WIDTH))
                .unwrap_or_default()
        };
        let x_label = |v: &f64| axis.label(*v);
        let mut chart = draw_frame(
            &body,
            x_axis,
            rows_axis(n),
            &FrameSpec {
                top: CHART_TOP + self.key_height(),
                y_area: self.label_width(),
                x_label: &x_label,
                y_label: &names,
                x_desc: &self.x_desc,
                y_desc: None,
                rows: true,
            },
        )?;
        // A square in the faction's colour at the left of a unit's input's name.
        for (i, colour) in self.factions.iter().enumerate() {
            if let Some(colour) = colour {
                let (_, fy) = chart.backend_coord(&(axis.min, row_centre(n, i)));
                let left = PAGE_MARGIN as i32;
                root.draw(&Rectangle::new(
                    [(left, fy - SQUARE / 2), (left + SQUARE, fy + SQUARE / 2)],
                    colour.filled(),
                ))
                .map_err(draw_error)?;
            }
        }
        let bands = self.series.len().max(1) as f64;
        let band = 0.8 / bands;
        for (k, s) in self.series.iter().enumerate() {
            for (i, v) in s.values.iter().enumerate() {
                let top = row_centre(n, i) + 0.4 - k as f64 * band;
                let bottom = top - band * 0.9;
                if v.is_finite() {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(0.0_f64.max(axis.min), top), (*v, bottom)],
                            s.colour.filled(),
                        )))
                        .map_err(draw_error)?;
                }
                if let Some([a, b]) = s.intervals.as_ref().and_then(|c| c.get(i)).copied()
                    && a.is_finite()
                    && b.is_finite()
                {
                    let mid = (top + bottom) / 2.0;
                    let style = INK.stroke_width(2);
                    let cap = CAP.min(band * 0.4);
                    chart
                        .draw_series([
                            PathElement::new(vec![(a, mid), (b, mid)], style),
                            PathElement::new(vec![(a, mid - cap), (a, mid + cap)], style),
                            PathElement::new(vec![(b, mid - cap), (b, mid + cap)], style),
                        ])
                        .map_err(draw_error)?;
                }
            }
        }
        Ok(())
    }
}
