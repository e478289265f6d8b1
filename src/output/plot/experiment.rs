//! The figures of an experiment: each metric's distribution by policy (histograms overlaid,
//! a panel per metric), a scatter matrix of the metrics (a dot per run, coloured by policy;
//! two metrics or more), and the probability of an outcome against each uncertainty (the runs
//! binned by the uncertainty's value, a line per policy).
//!
//! Policy `i` has the `i`-th palette colour in every figure (policies are not factions).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::LinearAxis;
use super::theme::{
    HEADER_HEIGHT, INK, LABEL_SIZE, MUTED, PAGE_MARGIN, PanelAxes, draw_error, draw_header, fit,
    font, palette, panel_chart, text_width,
};
use crate::error::Result;
use crate::run::experiment::{Design, ExperimentRun};

/// Width of a figure, pixels.
const WIDTH: u32 = 1200;
/// Height of one panel, pixels.
const PANEL_HEIGHT: u32 = 300;
/// Panels per row.
const COLUMNS: usize = 3;
/// Most panels drawn (the first metrics or uncertainties); the tables hold every one.
const MAX_PANELS: usize = 12;
/// Most metrics in the scatter matrix (the first of the design).
const MAX_MATRIX: usize = 5;
/// Histogram bins per panel.
const BINS: usize = 20;
/// Bins of an uncertainty's range in the probability figure.
const INPUT_BINS: usize = 10;
/// Height of the policy key under the header, pixels.
const KEY_HEIGHT: u32 = 30;

/// A policy's dots or bars in one panel.
type Series = Vec<(usize, Vec<(f64, f64)>)>;

/// One panel: a caption, axis descriptions and a series per policy.
#[derive(Debug, Clone)]
struct Panel {
    caption: String,
    x_desc: String,
    y_desc: String,
    /// Ranges of the axes (the y range from 0 for histograms and shares).
    x_range: (f64, f64),
    y_range: (f64, f64),
    /// Per policy: its index and its points.
    series: Series,
    kind: Kind,
}

/// How a panel draws its series.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Bars of `(bin left edge, % of runs)` of the given width.
    Bars(f64),
    /// Dots of `(x, y)`.
    Dots,
    /// Lines with markers of `(x, %)`.
    Lines,
}

/// An experiment figure.
pub(super) struct ExperimentChart {
    title: String,
    subtitle: String,
    policies: Vec<String>,
    panels: Vec<Panel>,
    columns: usize,
    /// Width of the figure, pixels.
    width: u32,
    /// Height of a panel, pixels.
    panel_height: u32,
}

/// Each run's value of metric `m`, by policy: `(policy, values)` for the policies with any.
fn by_policy(d: &Design, rows: &[ExperimentRun], m: usize) -> Vec<(usize, Vec<f64>)> {
    (0..d.policies.len())
        .map(|p| {
            let xs = rows
                .iter()
                .filter(|r| r.policy == p)
                .filter_map(|r| r.values[m])
                .filter(|x| x.is_finite())
                .collect::<Vec<f64>>();
            (p, xs)
        })
        .collect()
}

/// Smallest and largest of `xs` (0, 1 when empty).
fn span(xs: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
}

/// The histogram of metric `m` by policy, as a panel.
fn histogram(d: &Design, rows: &[ExperimentRun], m: usize) -> Panel {
    let name = &d.outcomes.names()[m];
    let groups = by_policy(d, rows, m);
    let (lo, hi) = span(groups.iter().flat_map(|g| g.1.iter().copied()));
    let x = LinearAxis::new(lo, hi, 5);
    let width = (x.max - x.min) / BINS as f64;
    let mut top: f64 = 0.0;
    let series = groups
        .iter()
        .map(|(p, xs)| {
            let mut bins = [0.0; BINS];
            for v in xs {
                let b = (((v - x.min) / width).floor().max(0.0) as usize).min(BINS - 1);
                bins[b] += 100.0 / xs.len() as f64;
            }
            top = bins.iter().copied().fold(top, f64::max);
            let bars = bins
                .iter()
                .enumerate()
                .filter(|(_, h)| **h > 0.0)
                .map(|(b, h)| (x.min + b as f64 * width, *h))
                .collect();
            (*p, bars)
        })
        .collect();
    Panel {
        caption: name.clone(),
        x_desc: name.clone(),
        y_desc: "% of the policy's runs".into(),
        x_range: (x.min, x.max),
        y_range: (0.0, (top * 1.15).clamp(1.0, 100.0)),
        series,
        kind: Kind::Bars(width),
    }
}

/// The distribution of each metric by policy.
pub(super) fn distributions(d: &Design, rows: &[ExperimentRun]) -> ExperimentChart {
    let panels = (0..d.outcomes.names().len())
        .take(MAX_PANELS)
        .map(|m| histogram(d, rows, m))
        .collect();
    ExperimentChart {
        title: format!("Outcomes by policy — {}", d.name()),
        subtitle: format!(
            "{} runs per policy ({} scenarios × {} seeds) · share of each policy's runs with a \
             value, by bin",
            d.points.len() as u64 * d.seeds,
            d.points.len(),
            d.seeds
        ),
        policies: d.policies.clone(),
        panels,
        columns: COLUMNS,
        width: WIDTH,
        panel_height: PANEL_HEIGHT,
    }
}

/// The scatter matrix of the first metrics that are not 0/1 events (at most [`MAX_MATRIX`]),
/// a dot per run coloured by policy; `None` with fewer than two such metrics.
pub(super) fn scatter(d: &Design, rows: &[ExperimentRun]) -> Option<ExperimentChart> {
    let all = d.outcomes.names();
    let chosen: Vec<usize> = (0..all.len())
        .filter(|&m| {
            rows.iter()
                .filter_map(|r| r.values[m])
                .any(|x| x != 0.0 && x != 1.0)
        })
        .take(MAX_MATRIX)
        .collect();
    let m = chosen.len();
    if m < 2 {
        return None;
    }
    let names: Vec<String> = chosen.iter().map(|&i| all[i].clone()).collect();
    let ranges: Vec<(f64, f64)> = chosen
        .iter()
        .map(|&i| span(rows.iter().filter_map(|r| r.values[i])))
        .collect();
    let mut panels = Vec::with_capacity(m * m);
    for yi in 0..m {
        for xi in 0..m {
            if xi == yi {
                let mut panel = histogram(d, rows, chosen[xi]);
                panel.y_desc = if xi == 0 {
                    "% of runs".into()
                } else {
                    String::new()
                };
                panel.x_desc = if yi == m - 1 {
                    names[xi].clone()
                } else {
                    String::new()
                };
                panels.push(panel);
                continue;
            }
            let series = (0..d.policies.len())
                .map(|p| {
                    let pts = rows
                        .iter()
                        .filter(|r| r.policy == p)
                        .filter_map(|r| Some((r.values[chosen[xi]]?, r.values[chosen[yi]]?)))
                        .collect();
                    (p, pts)
                })
                .collect();
            panels.push(Panel {
                caption: format!("{} × {}", names[yi], names[xi]),
                x_desc: if yi == m - 1 {
                    names[xi].clone()
                } else {
                    String::new()
                },
                y_desc: if xi == 0 {
                    names[yi].clone()
                } else {
                    String::new()
                },
                x_range: ranges[xi],
                y_range: ranges[yi],
                series,
                kind: Kind::Dots,
            });
        }
    }
    Some(ExperimentChart {
        title: format!("Outcomes against each other — {}", d.name()),
        subtitle: "a dot per run, coloured by policy · the diagonal: each metric's distribution · \
                   metrics that are not 0/1 events · runs without a value of either are left out"
            .to_owned(),
        policies: d.policies.clone(),
        panels,
        columns: m,
        width: (m as u32 * 300).max(WIDTH),
        panel_height: 300,
    })
}

/// The outcome of the probability figure: the first metric whose every value is 0 or 1 (an
/// event) and that happens in some runs but not all, else the first event, else the first
/// metric counted as "above its median over all runs"; its index, the threshold (for a
/// median split) and the outcome's name.
fn outcome(d: &Design, rows: &[ExperimentRun]) -> (usize, Option<f64>, String) {
    let names = d.outcomes.names();
    let events: Vec<(usize, bool)> = (0..names.len())
        .filter_map(|m| {
            let values: Vec<f64> = rows.iter().filter_map(|r| r.values[m]).collect();
            let event = !values.is_empty() && values.iter().all(|x| *x == 0.0 || *x == 1.0);
            let varies = values.contains(&0.0) && values.contains(&1.0);
            event.then_some((m, varies))
        })
        .collect();
    let chosen = events
        .iter()
        .find(|e| e.1)
        .or_else(|| events.first())
        .map(|e| e.0);
    match chosen {
        Some(m) => (m, None, names[m].clone()),
        None => {
            let mut xs: Vec<f64> = rows.iter().filter_map(|r| r.values[0]).collect();
            xs.sort_by(f64::total_cmp);
            let median = crate::run::stats::quantile_sorted(&xs, 0.5).unwrap_or(0.0);
            let shown = super::axis::number(median, if median.abs() >= 100.0 { 0 } else { 2 });
            (0, Some(median), format!("{} > {shown}", names[0]))
        }
    }
}

/// The probability of an outcome against each uncertainty: the runs binned by the
/// uncertainty's value, the share of each policy's runs in a bin where the outcome happens.
pub(super) fn probability(d: &Design, rows: &[ExperimentRun]) -> ExperimentChart {
    let (m, threshold, what) = outcome(d, rows);
    let happens = |x: f64| match threshold {
        Some(t) => x > t,
        None => x > 0.5,
    };
    let panels = d
        .spec
        .uncertainties
        .iter()
        .enumerate()
        .take(MAX_PANELS)
        .map(|(i, u)| {
            let width = (u.max - u.min) / INPUT_BINS as f64;
            let series = (0..d.policies.len())
                .map(|p| {
                    let mut counts = [(0u64, 0u64); INPUT_BINS];
                    for r in rows.iter().filter(|r| r.policy == p) {
                        let x = d.points[r.experiment as usize][i];
                        let b =
                            (((x - u.min) / width).floor().max(0.0) as usize).min(INPUT_BINS - 1);
                        counts[b].1 += 1;
                        if r.values[m].is_some_and(happens) {
                            counts[b].0 += 1;
                        }
                    }
                    let line = counts
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.1 > 0)
                        .map(|(b, c)| {
                            (
                                u.min + (b as f64 + 0.5) * width,
                                100.0 * c.0 as f64 / c.1 as f64,
                            )
                        })
                        .collect();
                    (p, line)
                })
                .collect();
            let x = LinearAxis::new(u.min, u.max, 4);
            Panel {
                caption: u.path.clone(),
                x_desc: if u.unit.is_empty() {
                    u.path.clone()
                } else {
                    format!("{} ({})", u.path, u.unit)
                },
                y_desc: format!("% of runs: {what}"),
                x_range: (x.min, x.max),
                y_range: (0.0, 100.0),
                series,
                kind: Kind::Lines,
            }
        })
        .collect();
    ExperimentChart {
        title: format!("Chance of {what} against each uncertainty — {}", d.name()),
        subtitle: format!(
            "the runs of each policy in {INPUT_BINS} equal bins of each uncertainty's range; a \
             point per bin with runs"
        ),
        policies: d.policies.clone(),
        panels,
        columns: COLUMNS,
        width: WIDTH,
        panel_height: PANEL_HEIGHT,
    }
}

impl ExperimentChart {
    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        let rows = self.panels.len().div_ceil(self.columns).max(1) as u32;
        (
            self.width,
            HEADER_HEIGHT + KEY_HEIGHT + 10 + rows * self.panel_height + 10,
        )
    }

    /// Draw the figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let body = draw_header(root, &self.title, &self.subtitle)?;
        let (key, body) = body.split_vertically(KEY_HEIGHT);
        self.draw_key(&key)?;
        let body = body.margin(10, 10, PAGE_MARGIN as i32 / 2, PAGE_MARGIN as i32 / 2);
        let rows = self.panels.len().div_ceil(self.columns).max(1);
        let cells = body.split_evenly((rows, self.columns));
        for (panel, cell) in self.panels.iter().zip(cells.iter()) {
            self.draw_panel(panel, cell)?;
        }
        Ok(())
    }

    /// The policies' colours in a row under the header.
    fn draw_key<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let label = font(LABEL_SIZE);
        let mut x = PAGE_MARGIN as i32;
        area.draw(&Text::new("Policy:", (x, 6), label.color(&MUTED)))
            .map_err(draw_error)?;
        x += text_width(&label, "Policy:") as i32 + 12;
        for (p, name) in self.policies.iter().enumerate() {
            area.draw(&Rectangle::new([(x, 8), (x + 16, 22)], palette(p).filled()))
                .map_err(draw_error)?;
            x += 22;
            area.draw(&Text::new(name.as_str(), (x, 6), label.color(&INK)))
                .map_err(draw_error)?;
            x += text_width(&label, name) as i32 + 20;
        }
        Ok(())
    }

    fn draw_panel<DB: DrawingBackend>(
        &self,
        p: &Panel,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<()> {
        let x = LinearAxis::new(p.x_range.0, p.x_range.1, 4);
        let y = LinearAxis::new(p.y_range.0, p.y_range.1, 4);
        // Room for the widest tick label, and the axis description beside it.
        let widest = y
            .ticks()
            .iter()
            .map(|t| text_width(&font(LABEL_SIZE - 3.0), &y.label(*t)))
            .max()
            .unwrap_or(0);
        let y_area = widest + if p.y_desc.is_empty() { 14 } else { 38 };
        let caption = fit(
            &font(LABEL_SIZE),
            &p.caption,
            (self.width / self.columns as u32).saturating_sub(30),
        );
        let x_label = |v: &f64| x.label(*v);
        let y_label = |v: &f64| y.label(*v);
        let cell_width = (self.width / self.columns as u32).saturating_sub(80);
        let x_desc = fit(&font(LABEL_SIZE - 3.0), &p.x_desc, cell_width);
        let y_desc = fit(
            &font(LABEL_SIZE - 3.0),
            &p.y_desc,
            self.panel_height.saturating_sub(60),
        );
        let axes = PanelAxes {
            x: x.min..x.max,
            y: y.min..y.max,
            x_label: &x_label,
            y_label: &y_label,
            x_desc: &x_desc,
            y_desc: &y_desc,
            y_area,
            x_grid: true,
        };
        let mut chart = panel_chart(area, caption, axes)?;
        let policies = p.series.len().max(1) as f64;
        for (policy, points) in &p.series {
            let colour = palette(*policy);
            match p.kind {
                Kind::Bars(width) => {
                    // Policies side by side within each bin.
                    let slot = width / policies;
                    chart
                        .draw_series(points.iter().map(|(left, h)| {
                            let l = left + slot * *policy as f64;
                            Rectangle::new(
                                [(l, 0.0), (l + slot * 0.9, *h)],
                                colour.mix(0.85).filled(),
                            )
                        }))
                        .map_err(draw_error)?;
                }
                Kind::Dots => {
                    chart
                        .draw_series(
                            points
                                .iter()
                                .map(|pt| Circle::new(*pt, 3, colour.mix(0.55).filled())),
                        )
                        .map_err(draw_error)?;
                }
                Kind::Lines => {
                    chart
                        .draw_series(LineSeries::new(
                            points.iter().copied(),
                            colour.stroke_width(2),
                        ))
                        .map_err(draw_error)?;
                    chart
                        .draw_series(points.iter().map(|pt| Circle::new(*pt, 4, colour.filled())))
                        .map_err(draw_error)?;
                }
            }
        }
        Ok(())
    }
}
