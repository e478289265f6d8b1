//! Fan charts of an ensemble: for each day, the median over runs and the bands that hold the
//! middle 50% and 90% of runs. Personnel by faction is drawn as small multiples (a panel per
//! faction, each on its own scale, over one calendar span); people displaced and the pressure
//! on each state as two panels over one calendar axis.
//!
//! A run that ended early (an end condition) counts on later days with its last value, so that
//! every day's spread is over every run; the subtitle says how many runs that concerns.

use chrono::{NaiveDateTime, NaiveTime};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{TimeAxis, ValueAxis, at};
use super::escalation::{draw_resolve_labels, draw_resolve_lines, resolves, state_colour};
use super::grid::{CELL_GAP_RIGHT, CELL_TITLE, GRID_WIDTH, Grid, LEFT, TICK_ROOM, TOP, X_DESC_ROW};
use super::lines::TimeValue;
use super::panels::{PanelSpec, Stack, Y_DESC_ROOM, draw_note};
use super::theme::{
    CHART_BOTTOM, CHART_TOP, DESC_SIZE, HEADER_HEIGHT, INK, Key, LegendEntry, PAGE_MARGIN, Swatch,
    bold, draw_error, draw_header, fit, theatre_colour,
};
use crate::error::Result;
use crate::run::ensemble::{EnsembleRecord, RunDigest};
use crate::run::stats::quantile_sorted;

/// Opacity of a fan's 90% band.
pub(super) const OUTER_ALPHA: f64 = 0.17;
/// Opacity of a fan's 50% band, drawn over the 90% band.
pub(super) const INNER_ALPHA: f64 = 0.32;
/// The quantiles of a fan: the 90% band, the 50% band and the median.
const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];
/// Grey of the band legend when the fans have many colours.
const NEUTRAL: RGBColor = RGBColor(90, 90, 90);
/// Colour of the displaced-people fan.
const DISPLACED: RGBColor = RGBColor(78, 121, 167);

/// Shown in every frame of an ensemble with no runs.
pub(super) const NO_RUNS: &str = "No runs in this ensemble";

/// How a fan counts a run that ended early, in the subtitle.
const EARLY_FAN: &str = "a run that ended counts with its last value";

/// The calendar span and run count shared by every ensemble figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Span {
    /// Day 0, midnight.
    pub origin: NaiveDateTime,
    /// Right end of the time axis, days.
    pub end: f64,
    /// Points of the longest daily series (days 0 to `days - 1`).
    pub days: usize,
    /// Runs that ended early, on an end condition.
    pub early: usize,
}

/// Length of a run's daily series.
fn daily_len(r: &RunDigest) -> usize {
    r.personnel_daily
        .len()
        .max(r.displaced_daily.len())
        .max(r.pressure_daily.len())
}

/// The span of `e`: from its start to the last day any run reached or the latest change of
/// hands, whichever is later.
pub(super) fn span(e: &EnsembleRecord) -> Span {
    let days = e.runs.iter().map(daily_len).max().unwrap_or(0);
    let early = e.runs.iter().filter(|r| r.end != "day_limit").count();
    let last_capture = e
        .runs
        .iter()
        .flat_map(|r| r.first_capture_day.iter().flatten())
        .copied()
        .filter(|d| d.is_finite())
        .fold(0.0f64, f64::max);
    Span {
        origin: e.start_date.and_time(NaiveTime::MIN),
        end: (days.saturating_sub(1) as f64).max(last_capture),
        days,
        early,
    }
}

/// "1 run", "8 runs".
pub(super) fn runs_phrase(n: usize) -> String {
    if n == 1 {
        "1 run".to_owned()
    } else {
        format!("{} runs", crate::output::thousands(n as i64))
    }
}

/// The title of an ensemble figure: `what — scenario, N runs`.
pub(super) fn ensemble_title(what: &str, e: &EnsembleRecord) -> String {
    format!(
        "{what} — {}, {}",
        e.scenario_name,
        runs_phrase(e.runs.len())
    )
}

/// The subtitle of an ensemble figure: runs, master seed, the dates covered, and how many runs
/// ended early with `early` (how they are counted) when any did.
pub(super) fn ensemble_subtitle(e: &EnsembleRecord, span: &Span, early: &str) -> String {
    let format = "%-d %b %Y";
    let mut s = format!(
        "{}, master seed {} · {} to {}",
        runs_phrase(e.runs.len()),
        e.master_seed,
        span.origin.format(format),
        at(span.origin, span.end.max(0.0)).format(format),
    );
    if span.early > 0 {
        s.push_str(&format!(
            " · {} of {} ended early (end condition); {early}",
            span.early,
            e.runs.len()
        ));
    }
    s
}

/// The time axis of `span` for a frame `width` pixels wide.
pub(super) fn time_axis(span: &Span, width: u32) -> TimeAxis {
    TimeAxis::calendar(span.origin, span.end, width)
}

/// `colour` laid over white at `alpha`: what a fill of that opacity looks like, for legends.
pub(super) fn tint(colour: RGBColor, alpha: f64) -> RGBColor {
    let mix = |c: u8| (f64::from(c) * alpha + 255.0 * (1.0 - alpha)).round() as u8;
    RGBColor(mix(colour.0), mix(colour.1), mix(colour.2))
}

/// One day of a fan: the day and the 5%, 25%, 50%, 75% and 95% quantiles over runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct FanPoint {
    pub day: f64,
    pub q: [f64; 5],
}

/// The value of a daily series on `day`, or its last value if the run ended before.
pub(super) fn carried<T>(series: &[T], day: usize) -> Option<&T> {
    series.get(day.min(series.len().checked_sub(1)?))
}

/// The fan of `value` (a run's value on a day, `None` for none) over `span`'s days.
pub(super) fn fan(
    e: &EnsembleRecord,
    span: &Span,
    value: impl Fn(&RunDigest, usize) -> Option<f64>,
) -> Vec<FanPoint> {
    (0..span.days)
        .filter_map(|day| {
            let mut values: Vec<f64> = e
                .runs
                .iter()
                .filter_map(|r| value(r, day))
                .filter(|v| v.is_finite())
                .collect();
            values.sort_by(f64::total_cmp);
            let mut q = [0.0; 5];
            for (slot, p) in q.iter_mut().zip(QUANTILES) {
                *slot = quantile_sorted(&values, p)?;
            }
            Some(FanPoint { day: day as f64, q })
        })
        .collect()
}

/// The top of a fan's 90% band.
pub(super) fn fan_max(points: &[FanPoint]) -> f64 {
    points.iter().map(|p| p.q[4]).fold(0.0, f64::max)
}

/// Draw a fan on `chart`: the 90% band, the 50% band over it and the median line.
fn draw_fan<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, TimeValue>,
    points: &[FanPoint],
    colour: RGBColor,
) -> Result<()> {
    draw_bands(
        chart,
        points,
        colour,
        &[(0, 4, OUTER_ALPHA), (1, 3, INNER_ALPHA)],
    )?;
    draw_median(chart, points, colour)
}

/// Draw the bands of a fan on `chart`: each `(low, high, alpha)` fills between quantiles
/// `low` and `high` (indices into [`FanPoint::q`]) at opacity `alpha`. A fan of one day is a
/// bar over the widest band.
pub(super) fn draw_bands<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, TimeValue>,
    points: &[FanPoint],
    colour: RGBColor,
    bands: &[(usize, usize, f64)],
) -> Result<()> {
    if let [p] = points {
        let (low, high) = bands
            .iter()
            .map(|&(l, h, _)| (l, h))
            .min_by_key(|&(l, _)| l)
            .unwrap_or((2, 2));
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(p.day, p.q[low.min(4)]), (p.day, p.q[high.min(4)])],
                colour.mix(0.5).stroke_width(4),
            )))
            .map_err(draw_error)?;
        return Ok(());
    }
    if points.len() < 2 {
        return Ok(());
    }
    for &(low, high, alpha) in bands {
        let (low, high) = (low.min(4), high.min(4));
        let outline: Vec<(f64, f64)> = points
            .iter()
            .map(|p| (p.day, p.q[high]))
            .chain(points.iter().rev().map(|p| (p.day, p.q[low])))
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(
                outline,
                colour.mix(alpha).filled(),
            )))
            .map_err(draw_error)?;
    }
    Ok(())
}

/// Draw the median line of a fan on `chart` (a dot for a fan of one day).
pub(super) fn draw_median<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, TimeValue>,
    points: &[FanPoint],
    colour: RGBColor,
) -> Result<()> {
    if let [p] = points {
        chart
            .draw_series(std::iter::once(Circle::new(
                (p.day, p.q[2]),
                4,
                colour.filled(),
            )))
            .map_err(draw_error)?;
        return Ok(());
    }
    chart
        .draw_series(LineSeries::new(
            points.iter().map(|p| (p.day, p.q[2])),
            colour.stroke_width(2),
        ))
        .map_err(draw_error)?;
    Ok(())
}

/// Push the entries that explain a fan drawn in `colour` onto `key`.
fn push_band_entries(key: &mut Key, colour: RGBColor) {
    key.push(LegendEntry::new("median of runs", colour), Swatch::Line);
    let both = 1.0 - (1.0 - OUTER_ALPHA) * (1.0 - INNER_ALPHA);
    key.push(
        LegendEntry::new("middle 50% of runs", tint(colour, both)),
        Swatch::Block,
    );
    key.push(
        LegendEntry::new("middle 90% of runs", tint(colour, OUTER_ALPHA)),
        Swatch::Block,
    );
}

// ---------------------------------------------------------------------------------------------
// Personnel by faction: small multiples.

/// Side of the colour block before a faction's name, pixels.
const NAME_BLOCK: i32 = 14;

/// One faction's panel.
#[derive(Debug, Clone)]
struct FactionPanel {
    name: String,
    colour: RGBColor,
    fan: Vec<FanPoint>,
    values: ValueAxis,
    note: Option<&'static str>,
}

/// Personnel by faction as small multiples of fans, ready to draw on any backend.
#[derive(Debug, Clone)]
pub(super) struct ForcesFan {
    title: String,
    subtitle: String,
    panels: Vec<FactionPanel>,
    key: Key,
    grid: Grid,
    /// Whether the key is drawn in the last, empty cell of the grid.
    key_in_cell: bool,
    note: Option<&'static str>,
}

/// Personnel by faction over the runs of `e`.
pub(super) fn forces(e: &EnsembleRecord) -> ForcesFan {
    let span = span(e);
    let n = e.theatre.factions.len();
    let (cols, rows) = match n {
        0 | 1 => (1, 1),
        2..=4 => (2, n.div_ceil(2) as u32),
        _ => (3, n.div_ceil(3) as u32),
    };
    let frame_height = match rows {
        1 => 320,
        2 => 240,
        _ => 190,
    };
    let mut key = Key::new("Each panel");
    push_band_entries(&mut key, NEUTRAL);
    // The key goes in the last cell when the grid has one to spare, else right of the grid.
    let key_in_cell = n > 0 && (n as u32) < cols * rows;
    let key_width = if key_in_cell {
        PAGE_MARGIN
    } else {
        key.frame_width() + PAGE_MARGIN
    };
    let name_font = bold(DESC_SIZE);
    let cell_width = Grid::cell_width(cols, key_width);
    let mut panels: Vec<FactionPanel> = (0..n)
        .map(|f| {
            let fan = fan(e, &span, |r, day| {
                r.personnel_daily
                    .carried(day)
                    .and_then(|row| row.get(f))
                    .map(f64::from)
            });
            let max = fan_max(&fan);
            let name = e
                .theatre
                .factions
                .get(f)
                .map_or_else(|| format!("faction {f}"), |x| x.name.clone());
            let never = e
                .runs
                .iter()
                .flat_map(|r| r.personnel_daily.rows())
                .all(|row| row.get(f).is_none_or(|v| v == 0));
            FactionPanel {
                name,
                colour: theatre_colour(&e.theatre, f),
                fan,
                values: ValueAxis::new(max, true),
                note: if e.runs.is_empty() {
                    Some(NO_RUNS)
                } else {
                    never.then_some("None in the theatre in any run")
                },
            }
        })
        .collect();
    let label_width = panels
        .iter()
        .map(|p| p.values.label_width())
        .max()
        .unwrap_or_else(|| ValueAxis::new(0.0, true).label_width());
    let y_area = label_width + TICK_ROOM;
    let name_width = cell_width.saturating_sub(y_area + NAME_BLOCK as u32 + 8 + CELL_GAP_RIGHT);
    for panel in &mut panels {
        panel.name = fit(&name_font, &panel.name, name_width);
    }
    ForcesFan {
        title: ensemble_title("Personnel by faction", e),
        subtitle: ensemble_subtitle(e, &span, EARLY_FAN),
        panels,
        key,
        grid: Grid::new(cols, rows, frame_height, y_area, key_width, &span),
        key_in_cell,
        note: (n == 0).then_some("No factions in this scenario"),
    }
}

impl ForcesFan {
    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        let body = self.grid.body_height(&self.key);
        (
            GRID_WIDTH,
            HEADER_HEIGHT + CHART_TOP + body + X_DESC_ROW + CHART_BOTTOM,
        )
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        draw_header(root, &self.title, &self.subtitle)?;
        let grid = &self.grid;
        grid.draw_cells(root, self.panels.len(), |area, i| {
            self.draw_cell(area, self.panels.get(i))
        })?;
        grid.draw_descs(root, "personnel (persons)")?;
        if self.key_in_cell {
            let last = grid.cols * grid.rows - 1;
            let (row, col) = (last / grid.cols, last % grid.cols);
            let x = LEFT + (col * grid.cell_width) as i32 + grid.y_area as i32;
            let y = TOP + (row * grid.cell_height() + CELL_TITLE) as i32;
            self.key.draw(root, (x, y), self.key.frame_width())
        } else {
            grid.draw_key_right(root, &self.key)
        }
    }

    /// Draw one cell: the faction's name, the frame with its own scale, and the fan.
    fn draw_cell<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: Option<&FactionPanel>,
    ) -> Result<()> {
        let values = panel.map_or_else(|| ValueAxis::new(0.0, true), |p| p.values.clone());
        let mut chart = self
            .grid
            .chart(area, values.coord(), &|v: &f64| values.label(*v))?;
        let frame_left = self.grid.y_area as i32;
        let title_y = CELL_TITLE as i32 - 9;
        if let Some(panel) = panel {
            area.draw(&Rectangle::new(
                [
                    (frame_left, title_y - NAME_BLOCK),
                    (frame_left + NAME_BLOCK, title_y),
                ],
                panel.colour.filled(),
            ))
            .map_err(draw_error)?;
            let style = bold(DESC_SIZE)
                .color(&INK)
                .pos(Pos::new(HPos::Left, VPos::Bottom));
            area.draw(&Text::new(
                panel.name.as_str(),
                (frame_left + NAME_BLOCK + 8, title_y + 2),
                style,
            ))
            .map_err(draw_error)?;
            draw_fan(&mut chart, &panel.fan, panel.colour)?;
            if let Some(note) = panel.note {
                draw_note(&mut chart, note)?;
            }
        } else if let Some(note) = self.note {
            draw_note(&mut chart, note)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// People displaced, and pressure on states.

/// Height of the displaced-people panel's frame, pixels.
const DISPLACED_FRAME: u32 = 300;
/// Height of the pressure panel's frame, pixels.
const PRESSURE_FRAME: u32 = 300;

/// One state's fan of pressure.
#[derive(Debug, Clone)]
struct StateFan {
    colour: RGBColor,
    fan: Vec<FanPoint>,
    /// Its resolve and the resolve's label.
    resolve: Option<(f64, String)>,
}

/// The pressure panel.
#[derive(Debug, Clone)]
struct PressurePanel {
    states: Vec<StateFan>,
    values: ValueAxis,
    key: Key,
    note: Option<&'static str>,
}

/// People displaced and pressure on states over the runs of an ensemble, ready to draw on any
/// backend.
#[derive(Debug, Clone)]
pub(super) struct DisplacementFan {
    title: String,
    subtitle: String,
    stack: Stack,
    displaced: Vec<FanPoint>,
    displaced_values: ValueAxis,
    displaced_key: Key,
    displaced_note: Option<&'static str>,
    /// Present when the scenario has states.
    pressure: Option<PressurePanel>,
}

/// People displaced (and pressure on states, if any) over the runs of `e`.
pub(super) fn displacement(e: &EnsembleRecord) -> DisplacementFan {
    let span = span(e);
    let displaced = fan(e, &span, |r, day| carried(&r.displaced_daily, day).copied());
    let displaced_values = ValueAxis::new(fan_max(&displaced), true);
    let mut displaced_key = Key::new("Displaced now");
    push_band_entries(&mut displaced_key, DISPLACED);
    let anyone = e
        .runs
        .iter()
        .flat_map(|r| &r.displaced_daily)
        .any(|&v| v > 0.0);
    let displaced_note = if e.runs.is_empty() {
        Some(NO_RUNS)
    } else {
        (!anyone).then_some("No one was displaced in any run")
    };
    let pressure = (!e.politics.states.is_empty()).then(|| pressure_panel(e, &span));
    let y_area = displaced_values
        .label_width()
        .max(pressure.as_ref().map_or(0, |p| p.values.label_width()))
        + Y_DESC_ROOM;
    let mut keys = vec![&displaced_key];
    if let Some(p) = &pressure {
        keys.push(&p.key);
    }
    let stack = Stack::with_time(|frame| time_axis(&span, frame), y_area, &keys);
    let what = if pressure.is_some() {
        "People displaced and pressure on states"
    } else {
        "People displaced"
    };
    DisplacementFan {
        title: ensemble_title(what, e),
        subtitle: ensemble_subtitle(e, &span, EARLY_FAN),
        stack,
        displaced,
        displaced_values,
        displaced_key,
        displaced_note,
        pressure,
    }
}

/// The fan of pressure on every state that is under pressure in some run.
fn pressure_panel(e: &EnsembleRecord, span: &Span) -> PressurePanel {
    let mut states = Vec::new();
    let mut key = Key::new("Pressure on");
    let mut used: Vec<RGBColor> = Vec::new();
    let mut data_max = 0.0f64;
    for (index, state) in e.politics.states.iter().enumerate() {
        let pressed = e
            .runs
            .iter()
            .flat_map(|r| r.pressure_daily.rows())
            .any(|row| row.get(index).is_some_and(|p| p.is_finite() && p > 0.0));
        if !pressed {
            continue;
        }
        let colour = state_colour(&e.theatre, &e.politics, index, &used);
        used.push(colour);
        let fan = fan(e, span, |r, day| {
            r.pressure_daily.carried(day).and_then(|row| row.get(index))
        });
        data_max = data_max.max(fan_max(&fan));
        let resolve = resolve(e, index);
        if let Some((r, _)) = resolve {
            data_max = data_max.max(r);
        }
        key.push(LegendEntry::new(&state.name, colour), Swatch::Line);
        states.push(StateFan {
            colour,
            fan,
            resolve,
        });
    }
    let note = if e.runs.is_empty() {
        Some(NO_RUNS)
    } else if states.is_empty() {
        Some("No pressure on any state in any run")
    } else {
        let both = 1.0 - (1.0 - OUTER_ALPHA) * (1.0 - INNER_ALPHA);
        key.push(
            LegendEntry::new("middle 50% of runs", tint(NEUTRAL, both)),
            Swatch::Block,
        );
        key.push(
            LegendEntry::new("middle 90% of runs", tint(NEUTRAL, OUTER_ALPHA)),
            Swatch::Block,
        );
        if states.iter().any(|s| s.resolve.is_some()) {
            key.push(LegendEntry::new("resolve", NEUTRAL), Swatch::Dashed);
        }
        None
    };
    PressurePanel {
        states,
        values: ValueAxis::new(data_max, false),
        key,
        note,
    }
}

/// The resolve of state `index` over the runs of `e`, where it has one, and its label: the
/// resolve itself, or the median of the runs' when it is an uncertain input drawn per run.
fn resolve(e: &EnsembleRecord, index: usize) -> Option<(f64, String)> {
    let state = e.politics.states.get(index)?;
    let path = format!("states.{}.resolve", state.name);
    let mut values: Vec<f64> = e
        .runs
        .iter()
        .filter_map(|r| {
            r.inputs
                .iter()
                .find(|d| d.path == path)
                .map(|d| d.value)
                .or(state.resolve)
        })
        .filter(|r| r.is_finite() && *r > 0.0)
        .collect();
    if values.is_empty() {
        values.extend(state.resolve.filter(|r| r.is_finite() && *r > 0.0));
    }
    values.sort_by(f64::total_cmp);
    let median = quantile_sorted(&values, 0.5)?;
    let (low, high) = (
        quantile_sorted(&values, 0.05)?,
        quantile_sorted(&values, 0.95)?,
    );
    let label = if high - low > 1e-9 {
        format!(
            "resolve of {}: median {median:.1} (90% of runs {low:.1}–{high:.1})",
            state.name
        )
    } else {
        format!("resolve of {}", state.name)
    };
    Some((median, label))
}

impl DisplacementFan {
    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        let height = HEADER_HEIGHT
            + if self.pressure.is_some() {
                Stack::panel_height(DISPLACED_FRAME, false)
                    + Stack::panel_height(PRESSURE_FRAME, true)
            } else {
                Stack::panel_height(DISPLACED_FRAME, true)
            };
        (super::panels::WIDTH, height)
    }

    /// Width of the widest y label of either panel, pixels, so both descriptions line up.
    fn label_width(&self) -> u32 {
        self.displaced_values
            .label_width()
            .max(self.pressure.as_ref().map_or(0, |p| p.values.label_width()))
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let body = draw_header(root, &self.title, &self.subtitle)?;
        let last = self.pressure.is_none();
        let (upper, lower) = body.split_vertically(Stack::panel_height(DISPLACED_FRAME, last));
        let y_label = |v: &f64| self.displaced_values.label(*v);
        let spec = PanelSpec {
            title: "People displaced now (away from home)",
            y: self.displaced_values.coord(),
            y_label: &y_label,
            y_desc: Some(("displaced people (persons)", self.label_width())),
            last,
            key: &self.displaced_key,
        };
        let mut chart = self.stack.panel(&upper, &spec)?;
        draw_fan(&mut chart, &self.displaced, DISPLACED)?;
        if let Some(note) = self.displaced_note {
            draw_note(&mut chart, note)?;
        }
        let Some(pressure) = &self.pressure else {
            return Ok(());
        };

        let y_label = |v: &f64| pressure.values.label(*v);
        let spec = PanelSpec {
            title: "Pressure on states",
            y: pressure.values.coord(),
            y_label: &y_label,
            y_desc: Some(("pressure (pressure units)", self.label_width())),
            last: true,
            key: &pressure.key,
        };
        let mut chart = self.stack.panel(&lower, &spec)?;
        let resolves = resolves(pressure.states.iter().map(|s| (&s.resolve, s.colour)));
        draw_resolve_lines(root, &chart, &resolves)?;
        for state in &pressure.states {
            draw_fan(&mut chart, &state.fan, state.colour)?;
        }
        draw_resolve_labels(root, &chart, &resolves)?;
        if let Some(note) = pressure.note {
            draw_note(&mut chart, note)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carried_holds_the_last_value() {
        let s = [1.0, 2.0, 3.0];
        assert_eq!(carried(&s, 0), Some(&1.0));
        assert_eq!(carried(&s, 2), Some(&3.0));
        assert_eq!(carried(&s, 9), Some(&3.0));
        assert_eq!(carried::<f64>(&[], 0), None);
    }

    #[test]
    fn tint_is_the_colour_over_white() {
        assert_eq!(tint(RGBColor(0, 0, 0), 1.0), RGBColor(0, 0, 0));
        assert_eq!(tint(RGBColor(0, 0, 0), 0.0), RGBColor(255, 255, 255));
        assert_eq!(tint(RGBColor(100, 200, 0), 0.5), RGBColor(178, 228, 128));
    }
}
