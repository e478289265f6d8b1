//! The figure of a sweep: one metric at every point of a grid of overrides, each point an
//! ensemble with the same runs (common random numbers).
//!
//! Each point shows the statistic chosen with `--stat` (the mean by default; "mean" below stands
//! for it), and the share of runs behind it where not every run has a value.
//!
//! A sweep of one axis is a line of the mean against the axis value (a numeric axis when every
//! value is a number, else one category per value), with the 90% confidence interval of the
//! mean shaded and the range of the middle 90% of runs (5% to 95%) lighter behind it. A sweep
//! of two axes is a heatmap: the first axis across, the second up, each cell coloured by the
//! mean on a sequential scale with a colour bar, and the value printed in the cell when there
//! is room. A point where no run has a value (the place never fell) is marked "–".

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Keyed, LinearAxis, ValueAxis, number};
use super::fan::{runs_phrase, tint};
use super::lines::TimeValue;
use super::panels::draw_note;
use super::theme::{
    CHART_BOTTOM, CHART_TOP, DESC_SIZE, FrameSpec, HEADER_HEIGHT, INK, Key, LABEL_SIZE,
    LegendEntry, MUTED, PAGE_MARGIN, Swatch, X_LABEL_AREA, draw_error, draw_frame, draw_header,
    fit, font, palette, text, text_width,
};
use crate::error::Result;
use crate::run::statistic::Stat;
use crate::run::sweep::{SweepPoint, SweepRecord};

/// Width of the figure, pixels.
const WIDTH: u32 = 1200;
/// Height of the line figure, pixels.
const LINE_HEIGHT: u32 = 700;
/// Room left of the widest y label for tick marks and the rotated description, pixels.
const Y_DESC_ROOM: u32 = 58;
/// Opacity of the band of the mean's 90% confidence interval.
const CI_ALPHA: f64 = 0.30;
/// Opacity of the band of the middle 90% of runs.
const RANGE_ALPHA: f64 = 0.12;
/// Radius of the dot at each mean, pixels.
const DOT: u32 = 4;
/// Most points whose number of runs with a value is printed along the top of the frame.
const MAX_N_LABELS: usize = 24;
/// Most points of a line whose missing values are marked "no value" (else "–").
const MAX_NO_VALUE_LABELS: usize = 12;
/// Size of small text: the runs with a value, and the values in small cells.
const SMALL_SIZE: f64 = 14.0;
/// Most cells of a heatmap with their values printed.
const MAX_VALUE_CELLS: usize = 150;
/// Height the cells of a heatmap share, pixels, and the least and most height of a cell.
const HEAT_HEIGHT: u32 = 460;
const CELL_HEIGHT: (u32, u32) = (16, 110);
/// Least height of the cells together, pixels.
const MIN_GRID: u32 = 300;
/// Width of the colour bar, pixels.
const BAR_WIDTH: u32 = 22;
/// Space between the heatmap and the colour bar, pixels.
const BAR_GAP: u32 = 34;
/// Most height of the colour bar, pixels.
const BAR_HEIGHT: u32 = 420;
/// Fill of a cell with no value, and the hatching over it.
const NO_VALUE: RGBColor = RGBColor(236, 236, 236);
const HATCH: RGBColor = RGBColor(200, 200, 200);
/// The viridis colour scale at five stops.
const VIRIDIS: [(f64, (f64, f64, f64)); 5] = [
    (0.0, (68.0, 1.0, 84.0)),
    (0.25, (59.0, 82.0, 139.0)),
    (0.5, (33.0, 145.0, 140.0)),
    (0.75, (94.0, 201.0, 98.0)),
    (1.0, (253.0, 231.0, 37.0)),
];

/// What the metric measures, for its unit and the format of its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A probability, shown in percent.
    Probability,
    /// A day since the start.
    Day,
    /// An escalation rung.
    Rung,
    /// A count of persons.
    Persons,
}

impl Kind {
    /// The kind of `s`'s metric.
    fn of(s: &SweepRecord) -> Self {
        if s.probability || s.stat == Stat::P || s.metric.starts_with("p_") {
            Kind::Probability
        } else if s.metric.starts_with("fall_day") {
            Kind::Day
        } else if s.metric == "highest_rung" {
            Kind::Rung
        } else {
            Kind::Persons
        }
    }

    /// What a value is multiplied by to be shown.
    fn scale(self) -> f64 {
        if self == Kind::Probability {
            100.0
        } else {
            1.0
        }
    }

    /// The description of `metric`'s axis, with its unit.
    fn desc(self, metric: &str, stat: Stat) -> String {
        let of = match stat {
            Stat::Mean | Stat::P => String::new(),
            s => format!("{} of ", s.words()),
        };
        match self {
            Kind::Probability => format!("{metric} (% of runs)"),
            Kind::Day => format!("{of}{metric} (days since the start)"),
            Kind::Rung => format!("{of}{metric} (rung; 0 = none)"),
            Kind::Persons => format!("{of}{metric} (persons)"),
        }
    }

    /// A shown value (already scaled) as text.
    fn format(self, v: f64) -> String {
        if !v.is_finite() {
            return "–".to_owned();
        }
        match self {
            Kind::Probability => format!("{}%", number(v, 0)),
            Kind::Day | Kind::Rung => number(v, 1),
            Kind::Persons => number(v, if v.abs() < 10.0 { 1 } else { 0 }),
        }
    }
}

/// The title of a sweep's figure: `metric across path(s) — scenario`.
fn title(s: &SweepRecord) -> String {
    let paths: Vec<&str> = s.axes.iter().map(|a| a.path.as_str()).collect();
    format!(
        "{} across {} — {}",
        s.metric,
        paths.join(" and "),
        s.scenario_name
    )
}

/// The subtitle: runs per point, master seed, and what the mean is over.
fn subtitle(s: &SweepRecord) -> String {
    let runs = usize::try_from(s.runs).unwrap_or(usize::MAX);
    let mut out = format!(
        "{} per point, master seed {}, the same runs at every point",
        runs_phrase(runs),
        s.master_seed
    );
    let over = if s.metric.starts_with("fall_day_if") {
        "the runs in which the place changed hands"
    } else if s.metric.starts_with("fall_day") {
        "all runs (a run where the place held counts at the day limit)"
    } else {
        "the runs with a value"
    };
    match s.stat {
        Stat::P if !s.probability => out.push_str(&format!(
            " · statistic: the share of all runs in which {}",
            if s.metric.starts_with("fall_day") {
                "the place changed hands"
            } else {
                "it is above zero"
            }
        )),
        Stat::P => out.push_str(" · statistic: the share of runs"),
        st => out.push_str(&format!(" · statistic: the {} over {over}", st.words())),
    }
    out
}

/// Whether the number of runs with a value differs from the runs at some point.
fn conditional(s: &SweepRecord) -> bool {
    s.points.iter().any(|p| p.stat.share < 1.0 - 1e-12)
}

/// The sweep figure, ready to draw on any backend.
#[derive(Debug, Clone)]
pub(super) enum SweepChart {
    /// One axis (or none to draw): a line.
    Line(SweepLine),
    /// Two axes: a heatmap.
    Heat(Heatmap),
}

/// The figure of `s`.
pub(super) fn sweep(s: &SweepRecord) -> SweepChart {
    if s.axes.len() == 2 {
        SweepChart::Heat(heatmap(s))
    } else {
        SweepChart::Line(line(s))
    }
}

impl SweepChart {
    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        match self {
            SweepChart::Line(chart) => chart.size(),
            SweepChart::Heat(chart) => chart.size(),
        }
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        match self {
            SweepChart::Line(chart) => chart.draw(root),
            SweepChart::Heat(chart) => chart.draw(root),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One axis: a line.

/// One point of the line, in shown units.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LinePoint {
    x: f64,
    /// The mean, and its 90% interval (none without a value).
    mean: Option<(f64, [f64; 2])>,
    /// The 5% and 95% quantiles.
    range: Option<[f64; 2]>,
    n: usize,
    /// Share of the runs behind the value.
    share: f64,
}

/// The x axis of the line: the axis values as numbers, or as categories.
#[derive(Debug, Clone, PartialEq)]
enum XAxis {
    /// Positions are the values; ticks are round numbers.
    Numeric { axis: LinearAxis, pad: f64 },
    /// Positions are 0, 1, …; ticks are the values as written.
    Categorical { labels: Vec<String> },
}

impl XAxis {
    /// The plotters coordinate.
    fn coord(&self) -> Keyed {
        match self {
            XAxis::Numeric { axis, pad } => Keyed::new(
                axis.min - pad..axis.max + pad,
                axis.ticks().to_vec(),
                Vec::new(),
            ),
            XAxis::Categorical { labels } => Keyed::new(
                -0.5..labels.len().max(1) as f64 - 0.5,
                (0..labels.len()).map(|i| i as f64).collect(),
                Vec::new(),
            ),
        }
    }

    /// The label of the tick at `x`.
    fn label(&self, x: f64) -> String {
        match self {
            XAxis::Numeric { axis, .. } => axis.label(x),
            XAxis::Categorical { labels } => {
                let i = x.round().max(0.0) as usize;
                labels.get(i).cloned().unwrap_or_default()
            }
        }
    }
}

/// A sweep of one axis, ready to draw on any backend.
#[derive(Debug, Clone)]
pub(super) struct SweepLine {
    title: String,
    subtitle: String,
    kind: Kind,
    x: XAxis,
    x_desc: String,
    /// The value axis (none: 0–100% for a probability).
    values: Option<ValueAxis>,
    y_desc: String,
    y_area: u32,
    points: Vec<LinePoint>,
    key: Key,
    show_n: bool,
    colour: RGBColor,
    note: Option<String>,
}

/// The line of `s` (its first axis; a note when it has none or more than two).
fn line(s: &SweepRecord) -> SweepLine {
    let kind = Kind::of(s);
    let scale = kind.scale();
    let axis = s.axes.first();
    let labels: Vec<String> = axis.map(|a| a.values.clone()).unwrap_or_default();
    let numbers: Option<Vec<f64>> = labels
        .iter()
        .map(|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect();
    let x = match numbers.as_ref().filter(|n| !n.is_empty()) {
        Some(n) => {
            let lo = n.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = n.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let axis = LinearAxis::new(lo, hi, 8);
            let pad = 0.03 * (axis.max - axis.min);
            XAxis::Numeric { axis, pad }
        }
        None => XAxis::Categorical {
            labels: labels.clone(),
        },
    };
    let position = |value: &str, fallback: usize| -> f64 {
        match (&x, &numbers) {
            (XAxis::Numeric { .. }, Some(_)) => value.trim().parse::<f64>().unwrap_or(f64::NAN),
            _ => labels.iter().position(|l| l == value).unwrap_or(fallback) as f64,
        }
    };
    let points: Vec<LinePoint> = if s.axes.len() == 1 {
        s.points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let at = position(p.values.first()?, i);
                at.is_finite().then(|| line_point(p, at, scale))
            })
            .collect()
    } else {
        Vec::new()
    };
    let top = points
        .iter()
        .flat_map(|p| {
            let mean = p.mean.map_or([f64::NAN; 3], |(m, ci)| [m, ci[0], ci[1]]);
            let range = p.range.unwrap_or([f64::NAN; 2]);
            mean.into_iter().chain(range)
        })
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let values = (kind != Kind::Probability)
        .then(|| ValueAxis::new(top, kind == Kind::Persons && top >= 10.0));
    let y_area = values
        .as_ref()
        .map_or_else(
            || text_width(&font(LABEL_SIZE), "100%"),
            ValueAxis::label_width,
        )
        .max(text_width(&font(LABEL_SIZE), "10,000"))
        + Y_DESC_ROOM;
    let any_value = points.iter().any(|p| p.mean.is_some());
    let show_n = conditional(s) && points.len() <= MAX_N_LABELS && any_value;
    let colour = palette(0);
    let mut key = Key::new("At each point");
    let stat_words = if s.stat == Stat::P {
        "share of runs"
    } else {
        s.stat.words()
    };
    key.push(
        LegendEntry::new(&format!("{stat_words} of runs"), colour),
        Swatch::Line,
    );
    key.push(
        LegendEntry::new(
            &format!("90% interval of the {stat_words}"),
            tint(colour, CI_ALPHA),
        ),
        Swatch::Block,
    );
    if kind != Kind::Probability {
        key.push(
            LegendEntry::new("middle 90% of runs (5–95%)", tint(colour, RANGE_ALPHA)),
            Swatch::Block,
        );
    }
    if show_n {
        key.push(
            LegendEntry::new("n = runs with a value (share of runs)", MUTED),
            Swatch::Blank,
        );
    }
    let note = if s.axes.is_empty() {
        Some("No axis to sweep".to_owned())
    } else if s.axes.len() > 2 {
        Some(format!(
            "A sweep of {} axes is not drawn: see sweep.csv",
            s.axes.len()
        ))
    } else if points.is_empty() {
        Some("No points in this sweep".to_owned())
    } else if !any_value {
        Some(format!("No run had a value of {} at any point", s.metric))
    } else {
        None
    };
    SweepLine {
        title: title(s),
        subtitle: subtitle(s),
        kind,
        x,
        x_desc: axis.map_or_else(String::new, |a| a.path.clone()),
        values,
        y_desc: kind.desc(&s.metric, s.stat),
        y_area,
        points,
        key,
        show_n,
        colour,
        note,
    }
}

/// The point of `p` at `x`, with values multiplied by `scale`.
fn line_point(p: &SweepPoint, x: f64, scale: f64) -> LinePoint {
    let finite = |v: f64| v.is_finite().then_some(v * scale);
    let [lo, hi] = p.stat.ci.unwrap_or([f64::NAN; 2]);
    let mean = finite(p.stat.value).map(|m| {
        let low = finite(lo).unwrap_or(m);
        let high = finite(hi).unwrap_or(m);
        (m, [low.min(m), high.max(m)])
    });
    let range = p.quantiles.and_then(|[_, q05, q95]| {
        let (low, high) = (finite(q05)?, finite(q95)?);
        Some([low, high])
    });
    LinePoint {
        x,
        mean,
        range,
        n: p.stat.n,
        share: p.stat.share,
    }
}

impl SweepLine {
    /// The plotters coordinate of the value axis.
    fn y_coord(&self) -> Keyed {
        match &self.values {
            Some(values) => values.coord(),
            None => {
                let ticks = (0..=10).map(|i| f64::from(i) * 10.0).collect();
                Keyed::new(-2.0..102.0, ticks, Vec::new())
            }
        }
    }

    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        (WIDTH, LINE_HEIGHT)
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let body = draw_header(root, &self.title, &self.subtitle)?;
        let key_width = self.key.frame_width() + PAGE_MARGIN;
        let (plot_area, key_area) = body.split_horizontally(WIDTH - key_width);
        let y_label = |v: &f64| match &self.values {
            Some(values) => values.label(*v),
            None => format!("{v:.0}%"),
        };
        let spec = FrameSpec {
            top: CHART_TOP + if self.show_n { 22 } else { 0 },
            y_area: self.y_area,
            x_label: &|x: &f64| self.x.label(*x),
            y_label: &y_label,
            x_desc: self.x_desc.as_str(),
            y_desc: Some(self.y_desc.as_str()),
            rows: false,
        };
        let mut chart = draw_frame(&plot_area, self.x.coord(), self.y_coord(), &spec)?;
        self.draw_points(&mut chart)?;
        if self.show_n {
            self.draw_n(&chart, &plot_area)?;
        }
        if let Some(note) = &self.note {
            draw_note(&mut chart, note)?;
        }
        self.key
            .draw(&key_area, (0, CHART_TOP as i32), key_width - PAGE_MARGIN)
    }

    /// The bands, the line and the dots; whiskers where a point stands alone (a category, or
    /// a neighbour without a value).
    fn draw_points<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<'_, DB, TimeValue>,
    ) -> Result<()> {
        let colour = self.colour;
        let joined = matches!(self.x, XAxis::Numeric { .. });
        // Stretches of consecutive points with a value (a single stretch for a category axis
        // would imply an order, so each category stands alone).
        let mut stretches: Vec<Vec<LinePoint>> = Vec::new();
        let mut open = false;
        for p in &self.points {
            match (p.mean.is_some(), open && joined) {
                (true, true) => {
                    if let Some(last) = stretches.last_mut() {
                        last.push(*p);
                    }
                }
                (true, false) => {
                    stretches.push(vec![*p]);
                    open = true;
                }
                (false, _) => open = false,
            }
        }
        for stretch in &stretches {
            if let [p] = stretch.as_slice() {
                self.draw_whiskers(chart, p)?;
                continue;
            }
            if self.kind != Kind::Probability {
                let ranged: Vec<(f64, [f64; 2])> = stretch
                    .iter()
                    .filter_map(|p| Some((p.x, p.range?)))
                    .collect();
                band(chart, &ranged, colour.mix(RANGE_ALPHA))?;
            }
            let ci: Vec<(f64, [f64; 2])> = stretch
                .iter()
                .filter_map(|p| Some((p.x, p.mean?.1)))
                .collect();
            band(chart, &ci, colour.mix(CI_ALPHA))?;
            chart
                .draw_series(LineSeries::new(
                    stretch.iter().filter_map(|p| Some((p.x, p.mean?.0))),
                    colour.stroke_width(2),
                ))
                .map_err(draw_error)?;
        }
        chart
            .draw_series(self.points.iter().filter_map(|p| {
                let (mean, _) = p.mean?;
                Some(Circle::new((p.x, mean), DOT, colour.filled()))
            }))
            .map_err(draw_error)?;
        // A point without a value: "no value" (a dash when points are close) at the foot of
        // the frame, unless no point has one (the note says so).
        if self.points.iter().all(|p| p.mean.is_none()) {
            return Ok(());
        }
        let y = chart.plotting_area().get_y_range();
        let foot = y.start + 0.05 * (y.end - y.start);
        let (mark, size) = if self.points.len() <= MAX_NO_VALUE_LABELS {
            ("no value", SMALL_SIZE)
        } else {
            ("–", DESC_SIZE)
        };
        let style = text(size, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
        chart
            .draw_series(
                self.points
                    .iter()
                    .filter(|p| p.mean.is_none())
                    .map(|p| Text::new(mark.to_owned(), (p.x, foot), style.clone())),
            )
            .map_err(draw_error)?;
        Ok(())
    }

    /// A point on its own: the range of runs as a wide light bar, the interval of the mean as
    /// a narrower darker one.
    fn draw_whiskers<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<'_, DB, TimeValue>,
        p: &LinePoint,
    ) -> Result<()> {
        let colour = self.colour;
        let mut bars = Vec::new();
        if let (Some(range), true) = (p.range, self.kind != Kind::Probability) {
            bars.push((range, colour.mix(RANGE_ALPHA * 2.0).stroke_width(14)));
        }
        if let Some((_, ci)) = p.mean {
            bars.push((ci, colour.mix(CI_ALPHA * 1.5).stroke_width(8)));
        }
        chart
            .draw_series(
                bars.into_iter().map(|([low, high], style)| {
                    PathElement::new(vec![(p.x, low), (p.x, high)], style)
                }),
            )
            .map_err(draw_error)?;
        Ok(())
    }

    /// The runs with a value at each point, along the top of the frame.
    fn draw_n<DB: DrawingBackend>(
        &self,
        chart: &ChartContext<'_, DB, TimeValue>,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<()> {
        let y = chart.plotting_area().get_y_range();
        let style = text(SMALL_SIZE, MUTED).pos(Pos::new(HPos::Center, VPos::Bottom));
        for p in &self.points {
            let (x, top) = chart.backend_coord(&(p.x, y.end));
            let (ox, oy) = area.get_base_pixel();
            area.draw(&Text::new(
                format!("n={} ({:.0}%)", p.n, 100.0 * p.share),
                (x - ox, top - oy - 4),
                style.clone(),
            ))
            .map_err(draw_error)?;
        }
        Ok(())
    }
}

/// Fill between the low and high ends of `points` (in order of x).
fn band<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, TimeValue>,
    points: &[(f64, [f64; 2])],
    colour: RGBAColor,
) -> Result<()> {
    if points.len() < 2 {
        return Ok(());
    }
    let outline: Vec<(f64, f64)> = points
        .iter()
        .map(|&(x, [_, high])| (x, high))
        .chain(points.iter().rev().map(|&(x, [low, _])| (x, low)))
        .collect();
    chart
        .draw_series(std::iter::once(Polygon::new(outline, colour.filled())))
        .map_err(draw_error)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Two axes: a heatmap.

/// One cell of the heatmap, in shown units.
#[derive(Debug, Clone, Copy, PartialEq)]
struct HeatCell {
    value: f64,
    /// Share of the runs behind the value.
    share: f64,
}

/// A sweep of two axes, ready to draw on any backend.
#[derive(Debug, Clone)]
pub(super) struct Heatmap {
    title: String,
    subtitle: String,
    kind: Kind,
    /// Values of the first axis (across) and of the second (up), as written.
    xs: Vec<String>,
    ys: Vec<String>,
    /// Cell of x index `i` and y index `j` at `i * ys.len() + j`.
    cells: Vec<Option<HeatCell>>,
    /// The colour scale.
    scale: LinearAxis,
    x_desc: String,
    y_desc: String,
    bar_desc: String,
    cell_width: u32,
    cell_height: u32,
    /// Left of the cells, pixels.
    left: u32,
    /// Size of the values printed in the cells (none: not printed).
    value_size: Option<f64>,
    show_n: bool,
    /// Every how many labels one is printed, across and up.
    x_every: usize,
    y_every: usize,
    bar_label_width: u32,
    /// Width of the image, pixels (wider than usual when the cells need more room).
    width: u32,
    footnote: Option<String>,
    note: Option<String>,
}

/// The heatmap of `s`.
fn heatmap(s: &SweepRecord) -> Heatmap {
    let kind = Kind::of(s);
    let scale = kind.scale();
    let xs = s.axes.first().map(|a| a.values.clone()).unwrap_or_default();
    let ys = s.axes.get(1).map(|a| a.values.clone()).unwrap_or_default();
    let mut cells: Vec<Option<HeatCell>> = vec![None; xs.len() * ys.len()];
    for p in &s.points {
        let (Some(x), Some(y)) = (p.values.first(), p.values.get(1)) else {
            continue;
        };
        let (Some(i), Some(j)) = (
            xs.iter().position(|v| v == x),
            ys.iter().position(|v| v == y),
        ) else {
            continue;
        };
        if let Some(cell) = cells.get_mut(i * ys.len() + j) {
            *cell = p.stat.value.is_finite().then_some(HeatCell {
                value: p.stat.value * scale,
                share: p.stat.share,
            });
        }
    }
    let finite = || cells.iter().flatten().map(|c| c.value);
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    // A probability's scale starts at 0%.
    let colour_scale = if kind == Kind::Probability && lo.is_finite() {
        LinearAxis::new(0.0, hi.clamp(0.0, 100.0), 6)
    } else {
        LinearAxis::new(lo, hi, 6)
    };

    let label_font = font(LABEL_SIZE);
    let widest_y = ys
        .iter()
        .map(|v| text_width(&label_font, v))
        .max()
        .unwrap_or(0);
    let left = PAGE_MARGIN + 34 + widest_y + 12;
    let bar_label_width = colour_scale
        .ticks()
        .iter()
        .map(|&t| text_width(&label_font, &bar_label(kind, &colour_scale, t)))
        .max()
        .unwrap_or(0);
    let right = BAR_GAP + BAR_WIDTH + 10 + bar_label_width + 14 + 30 + PAGE_MARGIN;
    let nx = xs.len().max(1) as u32;
    let ny = ys.len().max(1) as u32;
    let cell_width = (WIDTH.saturating_sub(left + right) / nx).max(1);
    // At least MIN_GRID tall, so that the colour bar and its description fit beside it.
    let cell_height = (HEAT_HEIGHT / ny)
        .clamp(CELL_HEIGHT.0, CELL_HEIGHT.1)
        .max(MIN_GRID.div_ceil(ny));
    let widest_x = xs
        .iter()
        .map(|v| text_width(&label_font, v))
        .max()
        .unwrap_or(0);
    let x_every = ((widest_x + 12) / cell_width + 1) as usize;
    let y_every = (22 / cell_height + 1) as usize;
    let show_n = conditional(s);
    let widest_value = cells
        .iter()
        .flatten()
        .map(|c| c.value)
        .map(|v| kind.format(v))
        .chain(std::iter::once("–".to_owned()))
        .map(|t| text_width(&label_font, &t))
        .max()
        .unwrap_or(0);
    let value_size = if cells.len() > MAX_VALUE_CELLS {
        None
    } else if widest_value + 8 <= cell_width && cell_height >= 22 {
        Some(LABEL_SIZE)
    } else if widest_value * 3 / 4 + 6 <= cell_width && cell_height >= 16 {
        Some(SMALL_SIZE - 2.0)
    } else {
        None
    };
    let any_value = cells.iter().any(Option::is_some);
    let show_n = show_n && any_value && value_size == Some(LABEL_SIZE) && cell_height >= 44;
    let missing = cells.iter().any(Option::is_none);
    let mut footnote = Vec::new();
    if missing && any_value {
        footnote.push("hatched: no run with a value at this point".to_owned());
    }
    if show_n {
        footnote.push("small: share of runs with a value".to_owned());
    }
    let note = if s.points.is_empty() || xs.is_empty() || ys.is_empty() {
        Some("No points in this sweep".to_owned())
    } else if cells.iter().all(Option::is_none) {
        Some(format!("No run had a value of {} at any point", s.metric))
    } else {
        None
    };
    Heatmap {
        title: title(s),
        subtitle: subtitle(s),
        kind,
        xs,
        ys,
        cells,
        scale: colour_scale,
        x_desc: s.axes.first().map_or_else(String::new, |a| a.path.clone()),
        y_desc: s.axes.get(1).map_or_else(String::new, |a| a.path.clone()),
        bar_desc: kind.desc(&s.metric, s.stat),
        cell_width,
        cell_height,
        left,
        value_size,
        show_n,
        x_every,
        y_every,
        bar_label_width,
        width: WIDTH.max(left + cell_width * nx + right),
        footnote: (!footnote.is_empty()).then(|| footnote.join(" · ")),
        note,
    }
}

/// The label of tick `t` of the colour scale: with the scale's decimals, in % for a
/// probability.
fn bar_label(kind: Kind, scale: &LinearAxis, t: f64) -> String {
    if kind == Kind::Probability {
        format!("{}%", scale.label(t))
    } else {
        scale.label(t)
    }
}

/// The colour of share `t` (0–1) of the viridis scale.
fn viridis(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (mut low, mut high) = (VIRIDIS[0], VIRIDIS[VIRIDIS.len() - 1]);
    for pair in VIRIDIS.windows(2) {
        if t >= pair[0].0 && t <= pair[1].0 {
            (low, high) = (pair[0], pair[1]);
            break;
        }
    }
    let f = if high.0 > low.0 {
        (t - low.0) / (high.0 - low.0)
    } else {
        0.0
    };
    let mix = |a: f64, b: f64| (a + f * (b - a)).round().clamp(0.0, 255.0) as u8;
    RGBColor(
        mix(low.1.0, high.1.0),
        mix(low.1.1, high.1.1),
        mix(low.1.2, high.1.2),
    )
}

/// Whether text on `c` should be white (on a dark colour) rather than dark.
fn dark(c: RGBColor) -> bool {
    let luminance = 0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2);
    luminance < 140.0
}

impl Heatmap {
    /// Width and height of the cells together, pixels.
    fn grid(&self) -> (u32, u32) {
        (
            self.cell_width * self.xs.len().max(1) as u32,
            self.cell_height * self.ys.len().max(1) as u32,
        )
    }

    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        let (_, grid_height) = self.grid();
        let footnote = if self.footnote.is_some() { 26 } else { 0 };
        (
            self.width,
            HEADER_HEIGHT + CHART_TOP + 8 + grid_height + X_LABEL_AREA + footnote + CHART_BOTTOM,
        )
    }

    /// The colour of `value` on the scale.
    fn colour(&self, value: f64) -> RGBColor {
        viridis((value - self.scale.min) / (self.scale.max - self.scale.min))
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        draw_header(root, &self.title, &self.subtitle)?;
        let (grid_width, grid_height) = self.grid();
        let left = self.left as i32;
        let top = (HEADER_HEIGHT + CHART_TOP + 8) as i32;
        let (right, bottom) = (left + grid_width as i32, top + grid_height as i32);
        let (cw, ch) = (self.cell_width as i32, self.cell_height as i32);
        let ny = self.ys.len();
        for i in 0..self.xs.len() {
            for j in 0..ny {
                let x0 = left + i as i32 * cw;
                // The first value of the second axis at the bottom.
                let y0 = bottom - (j as i32 + 1) * ch;
                let cell = self.cells.get(i * ny + j).copied().flatten();
                self.draw_cell(root, (x0, y0), cell)?;
            }
        }
        root.draw(&Rectangle::new(
            [(left, top), (right, bottom)],
            MUTED.stroke_width(1),
        ))
        .map_err(draw_error)?;

        // Axis labels and descriptions.
        let label = text(LABEL_SIZE, INK);
        for (i, v) in self
            .xs
            .iter()
            .enumerate()
            .filter(|(i, _)| i % self.x_every == 0)
        {
            let x = left + i as i32 * cw + cw / 2;
            root.draw(&PathElement::new(
                vec![(x, bottom), (x, bottom + 5)],
                MUTED.stroke_width(1),
            ))
            .map_err(draw_error)?;
            root.draw(&Text::new(
                v.as_str(),
                (x, bottom + 8),
                label.pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(draw_error)?;
        }
        for (j, v) in self
            .ys
            .iter()
            .enumerate()
            .filter(|(j, _)| j % self.y_every == 0)
        {
            let y = bottom - j as i32 * ch - ch / 2;
            root.draw(&PathElement::new(
                vec![(left - 5, y), (left, y)],
                MUTED.stroke_width(1),
            ))
            .map_err(draw_error)?;
            root.draw(&Text::new(
                v.as_str(),
                (left - 8, y),
                label.pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(draw_error)?;
        }
        let desc = text(DESC_SIZE, INK);
        root.draw(&Text::new(
            self.x_desc.as_str(),
            ((left + right) / 2, bottom + 36),
            desc.pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(draw_error)?;
        let y_desc = fit(&font(DESC_SIZE), &self.y_desc, grid_height.max(200));
        root.draw(&Text::new(
            y_desc,
            (PAGE_MARGIN as i32, (top + bottom) / 2),
            desc.transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(draw_error)?;
        if let Some(footnote) = &self.footnote {
            root.draw(&Text::new(
                footnote.as_str(),
                (left, bottom + X_LABEL_AREA as i32),
                text(LABEL_SIZE, MUTED).pos(Pos::new(HPos::Left, VPos::Top)),
            ))
            .map_err(draw_error)?;
        }
        if let Some(note) = &self.note {
            let centre = ((left + right) / 2, (top + bottom) / 2);
            let (w, h) = font(DESC_SIZE).box_size(note).unwrap_or((300, 20));
            let (hw, hh) = (w as i32 / 2 + 12, h as i32 / 2 + 8);
            root.draw(&Rectangle::new(
                [
                    (centre.0 - hw, centre.1 - hh),
                    (centre.0 + hw, centre.1 + hh),
                ],
                WHITE.filled(),
            ))
            .map_err(draw_error)?;
            root.draw(&Text::new(
                note.as_str(),
                centre,
                text(DESC_SIZE, INK).pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(draw_error)?;
        }
        self.draw_bar(root, (right + BAR_GAP as i32, top), grid_height)
    }

    /// Draw one cell with its top left corner at `(x0, y0)`.
    fn draw_cell<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        (x0, y0): (i32, i32),
        cell: Option<HeatCell>,
    ) -> Result<()> {
        let (cw, ch) = (self.cell_width as i32, self.cell_height as i32);
        let (x1, y1) = (x0 + cw, y0 + ch);
        let centre = (x0 + cw / 2, y0 + ch / 2);
        let Some(cell) = cell else {
            root.draw(&Rectangle::new([(x0, y0), (x1, y1)], NO_VALUE.filled()))
                .map_err(draw_error)?;
            // Hatching: lines at 45°, every 8 pixels, clipped to the cell.
            let mut k = 0;
            while k < cw + ch {
                let (ax, ay) = (x0 + k.min(cw), y0 + (k - cw).max(0));
                let (bx, by) = (x0 + (k - ch).max(0), y0 + k.min(ch));
                root.draw(&PathElement::new(
                    vec![(ax, ay), (bx, by)],
                    HATCH.stroke_width(1),
                ))
                .map_err(draw_error)?;
                k += 8;
            }
            let words = "no value";
            let mark = if self.value_size.is_some()
                && text_width(&font(SMALL_SIZE), words) + 8 <= self.cell_width
            {
                Some((words, SMALL_SIZE))
            } else {
                (cw >= 14 && ch >= 14).then_some(("–", DESC_SIZE))
            };
            if let Some((mark, size)) = mark {
                let (w, h) = font(size).box_size(mark).unwrap_or((8, 8));
                let (hw, hh) = (w as i32 / 2 + 3, h as i32 / 2 + 1);
                root.draw(&Rectangle::new(
                    [
                        (centre.0 - hw, centre.1 - hh),
                        (centre.0 + hw, centre.1 + hh),
                    ],
                    NO_VALUE.filled(),
                ))
                .map_err(draw_error)?;
                root.draw(&Text::new(
                    mark,
                    centre,
                    text(size, MUTED).pos(Pos::new(HPos::Center, VPos::Center)),
                ))
                .map_err(draw_error)?;
            }
            return Ok(());
        };
        let colour = self.colour(cell.value);
        root.draw(&Rectangle::new([(x0, y0), (x1, y1)], colour.filled()))
            .map_err(draw_error)?;
        root.draw(&Rectangle::new(
            [(x0, y0), (x1, y1)],
            WHITE.mix(0.6).stroke_width(1),
        ))
        .map_err(draw_error)?;
        let Some(size) = self.value_size else {
            return Ok(());
        };
        let ink = if dark(colour) { WHITE } else { INK };
        let value = self.kind.format(cell.value);
        let (value_y, n_y) = if self.show_n {
            (centre.1 - 9, centre.1 + 12)
        } else {
            (centre.1, centre.1)
        };
        root.draw(&Text::new(
            value,
            (centre.0, value_y),
            font(size)
                .color(&ink)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(draw_error)?;
        if self.show_n {
            root.draw(&Text::new(
                format!("{:.0}% of runs", 100.0 * cell.share),
                (centre.0, n_y),
                font(SMALL_SIZE)
                    .color(&ink.mix(0.85))
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(draw_error)?;
        }
        Ok(())
    }

    /// Draw the colour bar with its top left corner at `(x, top)`, at most `height` tall.
    fn draw_bar<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        (x, top): (i32, i32),
        height: u32,
    ) -> Result<()> {
        let height = height.min(BAR_HEIGHT) as i32;
        let bottom = top + height;
        let x1 = x + BAR_WIDTH as i32;
        for k in 0..height {
            let t = (f64::from(k) + 0.5) / f64::from(height);
            let y = bottom - k - 1;
            root.draw(&Rectangle::new([(x, y), (x1, y + 1)], viridis(t).filled()))
                .map_err(draw_error)?;
        }
        root.draw(&Rectangle::new(
            [(x, top), (x1, bottom)],
            MUTED.stroke_width(1),
        ))
        .map_err(draw_error)?;
        let span = self.scale.max - self.scale.min;
        let label = text(LABEL_SIZE, INK).pos(Pos::new(HPos::Left, VPos::Center));
        for &t in self.scale.ticks() {
            let y = bottom - ((t - self.scale.min) / span * f64::from(height)).round() as i32;
            root.draw(&PathElement::new(
                vec![(x1, y), (x1 + 5, y)],
                MUTED.stroke_width(1),
            ))
            .map_err(draw_error)?;
            root.draw(&Text::new(
                bar_label(self.kind, &self.scale, t),
                (x1 + 8, y),
                label.clone(),
            ))
            .map_err(draw_error)?;
        }
        let desc = fit(&font(DESC_SIZE), &self.bar_desc, height as u32 + 20);
        let desc_x = x1 + 8 + self.bar_label_width as i32 + 14;
        root.draw(&Text::new(
            desc,
            (desc_x, (top + bottom) / 2),
            text(DESC_SIZE, INK)
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(draw_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_runs_from_purple_to_yellow() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(f64::NAN), RGBColor(68, 1, 84));
        assert!(dark(viridis(0.1)));
        assert!(!dark(viridis(0.9)));
    }

    #[test]
    fn values_are_formatted_by_kind() {
        assert_eq!(Kind::Probability.format(87.4), "87%");
        assert_eq!(Kind::Day.format(12.345), "12.3");
        assert_eq!(Kind::Persons.format(12345.0), "12,345");
        assert_eq!(Kind::Persons.format(2.25), "2.3");
        assert_eq!(Kind::Day.format(f64::NAN), "–");
    }
}
