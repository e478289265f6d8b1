//! The figures of a calibration: the prior against the posterior of each input (weighted
//! histograms, a panel each), a pairwise scatter of the posterior for the inputs it narrowed
//! most, and the tolerance and acceptance rate by generation. The posterior predictive against
//! the observations is the hindcast figure ([`super::hindcast`]), its panels labelled fitted or
//! held out and its subtitle naming the cut-off.
//!
//! No faction colours: an input is not a faction's; the posterior is the first palette colour,
//! the prior grey.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::LinearAxis;
use super::theme::{
    HEADER_HEIGHT, INK, LABEL_SIZE, PAGE_MARGIN, PanelAxes, PanelChart, draw_error, draw_header,
    fit, font, palette, panel_chart,
};
use crate::error::Result;
use crate::run::calibrate::{CalibrationRecord, posterior_quantiles};

/// Width of a figure, pixels.
const WIDTH: u32 = 1200;
/// Height of one panel, pixels.
const PANEL_HEIGHT: u32 = 280;
/// Panels per row.
const COLUMNS: usize = 3;
/// Most inputs drawn (the first in path order); `summary.json` holds every one.
const MAX_PANELS: usize = 30;
/// Most inputs in the pairwise scatter: those the posterior narrowed most.
const MAX_PAIRS: usize = 4;
/// Histogram bins per panel.
const BINS: usize = 24;
/// The prior's colour.
const PRIOR: RGBColor = RGBColor(170, 170, 170);

/// One panel of weighted values: an input's prior and posterior.
#[derive(Debug, Clone)]
struct InputPanel {
    path: String,
    prior: Vec<(f64, f64)>,
    posterior: Vec<(f64, f64)>,
    median: f64,
}

/// What a calibration figure shows.
#[derive(Debug, Clone)]
enum Body {
    /// Prior against posterior, a panel per input.
    Inputs(Vec<InputPanel>),
    /// Posterior particles of each pair of inputs (names, then `(x, y, weight)` per pair).
    Pairs(Vec<String>, Vec<Vec<(f64, f64, f64)>>),
    /// Tolerance and acceptance by generation.
    Generations(Vec<(f64, f64, f64)>),
}

/// A calibration figure.
pub(super) struct CalibrationChart {
    title: String,
    subtitle: String,
    body: Body,
}

/// The prior-against-posterior figure of `c`.
pub(super) fn inputs(c: &CalibrationRecord) -> CalibrationChart {
    let prior = &c.fit.generations[0];
    let post = c.fit.posterior();
    let panels = c
        .inputs
        .iter()
        .enumerate()
        .take(MAX_PANELS)
        .map(|(i, input)| InputPanel {
            path: input.path.clone(),
            prior: prior
                .particles
                .iter()
                .map(|p| (p.theta[i], p.weight))
                .collect(),
            posterior: post
                .particles
                .iter()
                .map(|p| (p.theta[i], p.weight))
                .collect(),
            median: posterior_quantiles(post, i, &[0.5])[0],
        })
        .collect();
    CalibrationChart {
        title: format!("Calibration: prior and posterior — {}", c.scenario_name),
        subtitle: format!(
            "grey: prior (generation 0) · blue: posterior (generation {}, weighted) · dashed: \
             posterior median · {} particles",
            post.index, c.settings.abc.particles
        ),
        body: Body::Inputs(panels),
    }
}

/// The pairwise scatter of the posterior, for the inputs whose 90% interval narrowed most.
pub(super) fn pairs(c: &CalibrationRecord) -> CalibrationChart {
    let prior = &c.fit.generations[0];
    let post = c.fit.posterior();
    let mut narrowed: Vec<(usize, f64)> = (0..c.inputs.len())
        .map(|i| {
            let width = |g| {
                let q = posterior_quantiles(g, i, &[0.05, 0.95]);
                q[1] - q[0]
            };
            let before = width(prior);
            (
                i,
                if before > 0.0 {
                    width(post) / before
                } else {
                    1.0
                },
            )
        })
        .collect();
    narrowed.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let mut chosen: Vec<usize> = narrowed.iter().take(MAX_PAIRS).map(|n| n.0).collect();
    chosen.sort_unstable();
    let mut names = Vec::new();
    let mut points = Vec::new();
    for (a, &i) in chosen.iter().enumerate() {
        for &j in &chosen[a + 1..] {
            names.push(format!("{} × {}", c.inputs[i].path, c.inputs[j].path));
            points.push(
                post.particles
                    .iter()
                    .map(|p| (p.theta[i], p.theta[j], p.weight))
                    .collect(),
            );
        }
    }
    CalibrationChart {
        title: format!("Calibration: the posterior in pairs — {}", c.scenario_name),
        subtitle: "each dot a particle of the posterior, its size by weight; the inputs whose 90% \
                   interval narrowed most"
            .to_owned(),
        body: Body::Pairs(names, points),
    }
}

/// The tolerance and acceptance figure of `c`.
pub(super) fn generations(c: &CalibrationRecord) -> CalibrationChart {
    CalibrationChart {
        title: format!(
            "Calibration: tolerance and acceptance — {}",
            c.scenario_name
        ),
        subtitle: format!("by generation (0 is the prior) · {}", c.fit.stopped),
        body: Body::Generations(
            c.fit
                .generations
                .iter()
                .map(|g| (g.index as f64, g.tolerance, g.acceptance * 100.0))
                .collect(),
        ),
    }
}

impl CalibrationChart {
    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        let panels = match &self.body {
            Body::Inputs(p) => p.len(),
            Body::Pairs(names, _) => names.len(),
            Body::Generations(_) => 2,
        };
        let rows = panels.div_ceil(COLUMNS).max(1) as u32;
        (WIDTH, HEADER_HEIGHT + 10 + rows * PANEL_HEIGHT + 10)
    }

    /// Draw the figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let body = draw_header(root, &self.title, &self.subtitle)?;
        let body = body.margin(10, 10, PAGE_MARGIN as i32 / 2, PAGE_MARGIN as i32 / 2);
        let count = match &self.body {
            Body::Inputs(p) => p.len(),
            Body::Pairs(names, _) => names.len(),
            Body::Generations(_) => 2,
        };
        let rows = count.div_ceil(COLUMNS).max(1);
        let cells = body.split_evenly((rows, COLUMNS));
        match &self.body {
            Body::Inputs(panels) => {
                for (panel, cell) in panels.iter().zip(cells.iter()) {
                    draw_input(panel, cell)?;
                }
            }
            Body::Pairs(names, points) => {
                for ((name, pts), cell) in names.iter().zip(points).zip(cells.iter()) {
                    draw_pair(name, pts, cell)?;
                }
            }
            Body::Generations(rows) => {
                let tolerance: Vec<(f64, f64)> = rows.iter().map(|r| (r.0, r.1)).collect();
                let acceptance: Vec<(f64, f64)> = rows.iter().map(|r| (r.0, r.2)).collect();
                if let Some(cell) = cells.first() {
                    draw_series("tolerance (distance)", "", &tolerance, cell)?;
                }
                if let Some(cell) = cells.get(1) {
                    draw_series("acceptance", "%", &acceptance, cell)?;
                }
            }
        }
        Ok(())
    }
}

/// A small cartesian frame on `area` with a caption and axes labelled by `x` and `y`.
fn frame<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    caption: &str,
    x: &LinearAxis,
    y: &LinearAxis,
    (x_desc, y_desc): (&str, &str),
) -> Result<PanelChart<'a, DB>> {
    let caption = fit(
        &font(LABEL_SIZE),
        caption,
        (WIDTH / COLUMNS as u32).saturating_sub(30),
    );
    let x_label = |v: &f64| x.label(*v);
    let y_label = |v: &f64| y.label(*v);
    let axes = PanelAxes {
        x: x.min..x.max,
        y: y.min..y.max,
        x_label: &x_label,
        y_label: &y_label,
        x_desc,
        y_desc,
        y_area: 52,
        x_grid: true,
    };
    panel_chart(area, caption, axes)
}

/// Weighted histogram of `values` over `BINS` bins from `x0` of `width`, as shares (%).
fn histogram(values: &[(f64, f64)], x0: f64, width: f64) -> [f64; BINS] {
    let mut bins = [0.0; BINS];
    let total: f64 = values.iter().map(|v| v.1).sum();
    for (x, w) in values {
        if x.is_finite() {
            let b = (((x - x0) / width).floor().max(0.0) as usize).min(BINS - 1);
            bins[b] += 100.0 * w / total.max(f64::MIN_POSITIVE);
        }
    }
    bins
}

fn draw_input<DB: DrawingBackend>(p: &InputPanel, area: &DrawingArea<DB, Shift>) -> Result<()> {
    let (lo, hi) = p
        .prior
        .iter()
        .chain(&p.posterior)
        .map(|v| v.0)
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
    let x = LinearAxis::new(lo, hi, 5);
    let width = (x.max - x.min) / BINS as f64;
    let prior = histogram(&p.prior, x.min, width);
    let post = histogram(&p.posterior, x.min, width);
    let top = prior.iter().chain(&post).copied().fold(0.0, f64::max);
    let y = LinearAxis::new(0.0, (top * 1.15).max(1.0), 4);
    let mut chart = frame(area, &p.path, &x, &y, ("value", "% of weight"))?;
    for (bins, colour, shrink) in [(prior, PRIOR, 0.92), (post, palette(0), 0.6)] {
        chart
            .draw_series(
                bins.iter()
                    .enumerate()
                    .filter(|(_, h)| **h > 0.0)
                    .map(|(b, h)| {
                        let left = x.min + b as f64 * width + width * (1.0 - shrink) / 2.0;
                        Rectangle::new(
                            [(left, 0.0), (left + width * shrink, *h)],
                            colour.mix(0.85).filled(),
                        )
                    }),
            )
            .map_err(draw_error)?;
    }
    chart
        .draw_series(DashedLineSeries::new(
            vec![(p.median, 0.0), (p.median, y.max)],
            6,
            4,
            INK.stroke_width(2),
        ))
        .map_err(draw_error)?;
    Ok(())
}

fn draw_pair<DB: DrawingBackend>(
    name: &str,
    points: &[(f64, f64, f64)],
    area: &DrawingArea<DB, Shift>,
) -> Result<()> {
    let range = |f: &dyn Fn(&(f64, f64, f64)) -> f64| {
        points
            .iter()
            .map(f)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            })
    };
    let (x0, x1) = range(&|p| p.0);
    let (y0, y1) = range(&|p| p.1);
    let (x, y) = (LinearAxis::new(x0, x1, 4), LinearAxis::new(y0, y1, 4));
    let mut chart = frame(area, name, &x, &y, ("", ""))?;
    let most = points
        .iter()
        .map(|p| p.2)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    chart
        .draw_series(points.iter().map(|p| {
            let r = 2.0 + 4.0 * (p.2 / most).sqrt();
            Circle::new((p.0, p.1), r as i32, palette(0).mix(0.5).filled())
        }))
        .map_err(draw_error)?;
    Ok(())
}

fn draw_series<DB: DrawingBackend>(
    name: &str,
    unit: &str,
    points: &[(f64, f64)],
    area: &DrawingArea<DB, Shift>,
) -> Result<()> {
    let last = points.last().map_or(1.0, |p| p.0).max(1.0);
    let top = points.iter().map(|p| p.1).fold(0.0, f64::max);
    let x = LinearAxis::new(0.0, last, 5);
    let y = LinearAxis::new(0.0, (top * 1.1).max(1e-9), 4);
    let mut chart = frame(area, name, &x, &y, ("generation", unit))?;
    chart
        .draw_series(LineSeries::new(
            points.iter().copied(),
            palette(0).stroke_width(2),
        ))
        .map_err(draw_error)?;
    chart
        .draw_series(
            points
                .iter()
                .map(|p| Circle::new(*p, 4, palette(0).filled())),
        )
        .map_err(draw_error)?;
    Ok(())
}
