//! Figures of a comparison: several scenarios run with common random numbers (run `k` of each
//! has the same seed), the first being the baseline. Scenario `i` has palette colour `i` in
//! every figure, and every figure's key names the scenarios by their titles.
//!
//! Two figures are drawn here: the share of runs in which each important place has changed
//! hands by each date, a panel per place with a step curve per scenario
//! ([`CompareCapture`]); and fans of people displaced and of the personnel of the two largest
//! sides, a median line and the middle 50% of runs per scenario ([`CompareFans`]). The paired
//! differences against the baseline are in [`super::forest`].
//!
//! Places and factions are matched between scenarios by their ids, so a scenario that lacks
//! one simply has no curve for it.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Keyed, TimeAxis, ValueAxis, at};
use super::capture::{Curve, DOT_RADIUS, curve, first_days, percent};
use super::fan::{
    FanPoint, NO_RUNS, Span, carried, draw_bands, draw_median, fan, runs_phrase, span, tint,
};
use super::grid::{CELL_TITLE, GRID_WIDTH, Grid, TICK_ROOM, TOP, X_DESC_ROW};
use super::lines::TimeValue;
use super::panels::{PanelSpec, Stack, Y_DESC_ROOM, draw_note};
use super::theme::{
    CHART_BOTTOM, CHART_TOP, DESC_SIZE, HEADER_HEIGHT, INK, Key, LABEL_SIZE, LegendEntry,
    MAX_NAME_WIDTH, MUTED, PAGE_MARGIN, Swatch, bold, draw_error, draw_header, fit, font, palette,
    text, text_width, wrap,
};
use crate::error::Result;
use crate::run::ensemble::EnsembleRecord;
use crate::run::stats::quantile_sorted;
use crate::scenario::PlaceKind;

/// Grey of legend entries that explain marks drawn in every scenario's colour.
pub(super) const NEUTRAL: RGBColor = RGBColor(90, 90, 90);

// ---------------------------------------------------------------------------------------------
// Scenarios: colours, names, titles and the key.

/// How one scenario of a comparison is shown.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Scenario {
    /// Label (the file stem), e.g. `no_rdf`.
    pub label: String,
    /// Title, e.g. "Goma 2025 — no RDF troops".
    pub title: String,
    /// Its colour in every figure.
    pub colour: RGBColor,
}

/// The scenarios of a comparison: the `i`-th has palette colour `i`. A missing label is
/// `scenario i`.
pub(super) fn scenarios(labels: &[String], ensembles: &[EnsembleRecord]) -> Vec<Scenario> {
    ensembles
        .iter()
        .enumerate()
        .map(|(i, e)| Scenario {
            label: labels
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("scenario {}", i + 1)),
            title: e.scenario_name.clone(),
            colour: palette(i),
        })
        .collect()
}

/// Push scenario `s` onto `key`: its title (with ` (baseline)` after the first), set on up to
/// two lines, the first with `swatch` in its colour.
pub(super) fn push_scenario(key: &mut Key, s: &Scenario, baseline: bool, swatch: Swatch) {
    let name = if baseline {
        format!("{} (baseline)", s.title)
    } else {
        s.title.clone()
    };
    let lines = wrap(&font(LABEL_SIZE), &name, MAX_NAME_WIDTH, 2);
    for (i, line) in lines.iter().enumerate() {
        let swatch = if i == 0 { swatch } else { Swatch::Blank };
        key.push(LegendEntry::new(line, s.colour), swatch);
    }
    if lines.is_empty() {
        key.push(LegendEntry::new(&s.label, s.colour), swatch);
    }
}

/// Runs per scenario: "100 runs each", or a range when they differ.
fn runs_each(ensembles: &[EnsembleRecord]) -> String {
    let least = ensembles.iter().map(|e| e.runs.len()).min().unwrap_or(0);
    let most = ensembles.iter().map(|e| e.runs.len()).max().unwrap_or(0);
    match (ensembles.len(), least == most) {
        (1, _) => runs_phrase(most),
        (_, true) => format!("{} each", runs_phrase(most)),
        _ => format!("{least}–{most} runs each"),
    }
}

/// The title of a comparison figure: `what — N scenarios against baseline, R runs each`.
pub(super) fn compare_title(what: &str, ensembles: &[EnsembleRecord]) -> String {
    let Some(base) = ensembles.first() else {
        return format!("{what} — no scenarios");
    };
    let runs = runs_each(ensembles);
    match ensembles.len() - 1 {
        0 => format!("{what} — {}, {runs}", base.scenario_name),
        1 => format!("{what} — 1 scenario against {}, {runs}", base.scenario_name),
        n => format!(
            "{what} — {n} scenarios against {}, {runs}",
            base.scenario_name
        ),
    }
}

/// The subtitle of a comparison figure: common random numbers, the master seed, the dates
/// covered and, when any run ended early, `early` (how such runs are counted).
pub(super) fn compare_subtitle(ensembles: &[EnsembleRecord], span: &Span, early: &str) -> String {
    let seed = ensembles.first().map_or(0, |e| e.master_seed);
    let format = "%-d %b %Y";
    let mut s = format!(
        "Run k of every scenario has the same seed (master seed {seed}) · {} to {}",
        span.origin.format(format),
        at(span.origin, span.end.max(0.0)).format(format),
    );
    if span.early > 0 && !early.is_empty() {
        let total: usize = ensembles.iter().map(|e| e.runs.len()).sum();
        s.push_str(&format!(
            " · {} of {total} runs ended early; {early}",
            span.early
        ));
    }
    s
}

/// The span shared by every scenario: from the baseline's start to the latest day or change
/// of hands of any, with the early runs of all.
pub(super) fn common_span(ensembles: &[EnsembleRecord]) -> Option<Span> {
    let spans: Vec<Span> = ensembles.iter().map(span).collect();
    let first = spans.first()?;
    Some(Span {
        origin: first.origin,
        end: spans.iter().map(|s| s.end).fold(0.0, f64::max),
        days: spans.iter().map(|s| s.days).max().unwrap_or(0),
        early: spans.iter().map(|s| s.early).sum(),
    })
}

/// The span of no scenarios: one day from 1 Jan 2025.
fn empty_span() -> Span {
    Span {
        origin: chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
            .unwrap_or_default()
            .and_time(chrono::NaiveTime::MIN),
        end: 0.0,
        days: 0,
        early: 0,
    }
}

/// The index of the place with id `id` in `e`'s theatre.
fn place_in(e: &EnsembleRecord, id: &str) -> Option<usize> {
    e.theatre.places.iter().position(|p| p.id == id)
}

/// The indices of the factions with ids `ids` in `e`'s theatre (those it has).
fn factions_in(e: &EnsembleRecord, ids: &[String]) -> Vec<usize> {
    ids.iter()
        .filter_map(|id| e.theatre.factions.iter().position(|f| &f.id == id))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Capture: a panel per place, a curve per scenario.

/// Most places drawn.
const MAX_PLACES: usize = 6;
/// Least share of runs in which a place that is neither a city nor key must change hands (in
/// some scenario) to be drawn.
const MIN_SHARE: f64 = 0.05;
/// Height of a line of the footnote under the grid, pixels.
const FOOTNOTE_LINE: u32 = 24;
/// The y axis runs a little beyond 0–100% so that lines at either end stay visible.
const Y_RANGE: std::ops::Range<f64> = -3.0..103.0;
/// Width of the baseline's line, drawn under the others so that equal curves still show it.
const BASELINE_WIDTH: u32 = 4;
/// Width of the other scenarios' lines.
const LINE_WIDTH: u32 = 2;

/// One place's panel.
#[derive(Debug, Clone)]
struct PlacePanel {
    name: String,
    /// One curve per scenario (none where the scenario lacks the place or has no runs).
    curves: Vec<Option<Curve>>,
    /// The share by the end, per scenario, as text.
    shares: Vec<String>,
    note: Option<&'static str>,
}

/// Capture-probability curves of several scenarios, a panel per place, ready to draw on any
/// backend.
#[derive(Debug, Clone)]
pub(super) struct CompareCapture {
    title: String,
    subtitle: String,
    scenarios: Vec<Scenario>,
    panels: Vec<PlacePanel>,
    key: Key,
    grid: Grid,
    footnote: Vec<String>,
    note: Option<&'static str>,
}

/// The capture comparison of `ensembles` (the first is the baseline).
pub(super) fn capture(labels: &[String], ensembles: &[EnsembleRecord]) -> CompareCapture {
    let scenarios = scenarios(labels, ensembles);
    let span = common_span(ensembles).unwrap_or_else(empty_span);
    let places = ensembles
        .first()
        .map_or(&[][..], |e| e.theatre.places.as_slice());
    // days[p][s]: the first changes of hands of place p in scenario s, with its runs.
    let days: Vec<Vec<Option<(Vec<f64>, usize)>>> = places
        .iter()
        .map(|place| {
            ensembles
                .iter()
                .map(|e| {
                    let q = place_in(e, &place.id)?;
                    (!e.runs.is_empty()).then(|| (first_days(e, q), e.runs.len()))
                })
                .collect()
        })
        .collect();
    let share = |p: usize| {
        days[p]
            .iter()
            .flatten()
            .map(|(d, n)| d.len() as f64 / *n as f64)
            .fold(0.0, f64::max)
    };
    let median = |p: usize| {
        days[p]
            .iter()
            .flatten()
            .filter_map(|(d, _)| quantile_sorted(d, 0.5))
            .fold(f64::INFINITY, f64::min)
    };
    // 0 for a city, 1 for another key place, 2 for the rest.
    let rank = |p: usize| match (places[p].kind == PlaceKind::City, places[p].key) {
        (true, _) => 0,
        (false, true) => 1,
        (false, false) => 2,
    };
    let mut candidates: Vec<usize> = (0..places.len())
        .filter(|&p| rank(p) < 2 || share(p) >= MIN_SHARE)
        .collect();
    // Places that changed hands in some run first: cities, then key places, then the others,
    // each the most likely first; places that never changed hands last.
    candidates.sort_by(|&a, &b| {
        (share(a) <= 0.0)
            .cmp(&(share(b) <= 0.0))
            .then(rank(a).cmp(&rank(b)))
            .then(share(b).total_cmp(&share(a)))
            .then(median(a).total_cmp(&median(b)))
            .then(a.cmp(&b))
    });
    let shown: Vec<usize> = candidates.iter().copied().take(MAX_PLACES).collect();
    let left_out: Vec<usize> = candidates.iter().copied().skip(MAX_PLACES).collect();
    let mut footnote = Vec::new();
    let never: Vec<&str> = left_out
        .iter()
        .filter(|&&p| share(p) <= 0.0)
        .map(|&p| places[p].name.as_str())
        .collect();
    let others = left_out.len() - never.len();
    if others > 0 {
        footnote.push(format!(
            "Not shown: {others} more {} that changed hands in some runs ({}).",
            if others == 1 { "place" } else { "places" },
            left_out
                .iter()
                .filter(|&&p| share(p) > 0.0)
                .map(|&p| places[p].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !never.is_empty() {
        footnote.push(format!(
            "Not shown: never changed hands in any run of any scenario: {}.",
            never.join(", ")
        ));
    }

    let panels: Vec<PlacePanel> = shown
        .iter()
        .map(|&p| {
            let curves: Vec<Option<Curve>> = days[p]
                .iter()
                .zip(&scenarios)
                .map(|(d, s)| d.as_ref().map(|(d, n)| curve(d, *n, span.end, s.colour)))
                .collect();
            let shares = days[p]
                .iter()
                .map(|d| {
                    d.as_ref()
                        .map_or("–".to_owned(), |(d, n)| percent(d.len(), *n))
                })
                .collect();
            PlacePanel {
                name: places[p].name.clone(),
                curves,
                shares,
                note: (share(p) <= 0.0).then_some("Never changed hands in any run"),
            }
        })
        .collect();

    let mut key = Key::new("Scenario");
    for (i, s) in scenarios.iter().enumerate() {
        push_scenario(&mut key, s, i == 0 && scenarios.len() > 1, Swatch::Line);
    }
    if panels
        .iter()
        .flat_map(|p| p.curves.iter().flatten())
        .any(|c| c.every_run.is_some())
    {
        key.push(
            LegendEntry::new("changed hands in every run", NEUTRAL),
            Swatch::Dot(DOT_RADIUS),
        );
    }
    if !panels.is_empty() {
        key.push(
            LegendEntry::new("By each place's name: the", NEUTRAL),
            Swatch::Blank,
        );
        key.push(
            LegendEntry::new("share by the end in each", NEUTRAL),
            Swatch::Blank,
        );
        key.push(
            LegendEntry::new("scenario, in this order", NEUTRAL),
            Swatch::Blank,
        );
    }
    let n = panels.len();
    let (cols, rows) = match n {
        0 | 1 => (1, 1),
        2 => (2, 1),
        3 => (3, 1),
        4 => (2, 2),
        _ => (3, n.div_ceil(3) as u32),
    };
    let frame_height = if rows == 1 { 340 } else { 250 };
    let key_width = key.frame_width() + PAGE_MARGIN;
    let y_area = text_width(&font(LABEL_SIZE), "100%") + TICK_ROOM;
    let note = if ensembles.is_empty() {
        Some("No scenarios to compare")
    } else if ensembles.iter().all(|e| e.runs.is_empty()) {
        Some(NO_RUNS)
    } else if places.is_empty() {
        Some("No places in this scenario")
    } else if panels.is_empty() {
        Some("No city or key place, and no place changed hands in any run")
    } else {
        None
    };
    CompareCapture {
        title: compare_title(
            "Share of runs in which each place has changed hands",
            ensembles,
        ),
        subtitle: compare_subtitle(ensembles, &span, "a run that ended counts as it stood then"),
        scenarios,
        panels,
        key,
        grid: Grid::new(cols, rows, frame_height, y_area, key_width, &span),
        footnote,
        note,
    }
}

impl CompareCapture {
    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        let body = self.grid.body_height(&self.key);
        (
            GRID_WIDTH,
            HEADER_HEIGHT
                + CHART_TOP
                + body
                + X_DESC_ROW
                + FOOTNOTE_LINE * self.footnote.len() as u32
                + CHART_BOTTOM,
        )
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        draw_header(root, &self.title, &self.subtitle)?;
        let grid = &self.grid;
        grid.draw_cells(root, self.panels.len(), |area, i| {
            self.draw_cell(area, self.panels.get(i))
        })?;
        grid.draw_descs(root, "runs in which it has changed hands (%)")?;
        let (width, _) = root.dim_in_pixel();
        let note_style = text(LABEL_SIZE, MUTED).pos(Pos::new(HPos::Left, VPos::Top));
        let max_width = width.saturating_sub(2 * PAGE_MARGIN);
        for (i, line) in self.footnote.iter().enumerate() {
            let y = TOP + (grid.height() + X_DESC_ROW + FOOTNOTE_LINE * i as u32) as i32;
            root.draw(&Text::new(
                fit(&font(LABEL_SIZE), line, max_width),
                (grid.frames_left(), y),
                note_style.clone(),
            ))
            .map_err(draw_error)?;
        }
        grid.draw_key_right(root, &self.key)
    }

    /// Draw one cell: the place's name and shares by the end, the frame and the curves.
    fn draw_cell<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: Option<&PlacePanel>,
    ) -> Result<()> {
        let ticks: Vec<f64> = (0..=5).map(|i| f64::from(i) * 20.0).collect();
        let y = Keyed::new(Y_RANGE, ticks, Vec::new());
        let mut chart = self.grid.chart(area, y, &|v: &f64| format!("{v:.0}%"))?;
        let Some(panel) = panel else {
            if let Some(note) = self.note {
                draw_note(&mut chart, note)?;
            }
            return Ok(());
        };
        self.draw_cell_title(area, panel)?;
        // The baseline under the others, wider, so that a curve equal to it still shows it.
        for (i, c) in panel.curves.iter().enumerate() {
            let Some(c) = c else { continue };
            let width = if i == 0 && panel.curves.len() > 1 {
                BASELINE_WIDTH
            } else {
                LINE_WIDTH
            };
            chart
                .draw_series(LineSeries::new(
                    c.line.iter().copied(),
                    c.colour.stroke_width(width),
                ))
                .map_err(draw_error)?;
        }
        chart
            .draw_series(panel.curves.iter().flatten().filter_map(|c| {
                let day = c.every_run?;
                Some(Circle::new((day, 100.0), DOT_RADIUS, c.colour.filled()))
            }))
            .map_err(draw_error)?;
        if let Some(note) = self.note.or(panel.note) {
            draw_note(&mut chart, note)?;
        }
        Ok(())
    }

    /// The place's name at the left of the cell's title row, and the share by the end of each
    /// scenario, in its colour, at the right.
    fn draw_cell_title<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: &PlacePanel,
    ) -> Result<()> {
        let frame_left = self.grid.y_area as i32;
        let frame_right = self.grid.cell_width.saturating_sub(self.grid.gap_right) as i32;
        let y = CELL_TITLE as i32 - 7;
        let shares_width: u32 = panel
            .shares
            .iter()
            .map(|s| text_width(&bold(LABEL_SIZE), s) + 10)
            .sum::<u32>();
        let name_font = bold(DESC_SIZE);
        let room = (frame_right - frame_left).max(0) as u32;
        let name = fit(
            &name_font,
            &panel.name,
            room.saturating_sub(shares_width + 12),
        );
        area.draw(&Text::new(
            name,
            (frame_left, y),
            name_font
                .color(&INK)
                .pos(Pos::new(HPos::Left, VPos::Bottom)),
        ))
        .map_err(draw_error)?;
        let mut x = frame_right;
        for (share, s) in panel.shares.iter().zip(&self.scenarios).rev() {
            area.draw(&Text::new(
                share.as_str(),
                (x, y),
                bold(LABEL_SIZE)
                    .color(&s.colour)
                    .pos(Pos::new(HPos::Right, VPos::Bottom)),
            ))
            .map_err(draw_error)?;
            x -= (text_width(&bold(LABEL_SIZE), share) + 10) as i32;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Fans: people displaced and the personnel of the two largest sides.

/// Height of the displaced-people panel's frame, pixels.
const DISPLACED_FRAME: u32 = 260;
/// Height of each side's panel's frame, pixels.
const SIDE_FRAME: u32 = 220;
/// Most sides drawn.
const MAX_SIDES: usize = 2;
/// Opacity of each scenario's middle-50% band (the bands of several scenarios overlap).
const BAND_ALPHA: f64 = 0.22;

/// One panel of overlaid fans.
#[derive(Debug, Clone)]
struct FanPanel {
    title: String,
    y_desc: &'static str,
    /// One fan per scenario.
    fans: Vec<Vec<FanPoint>>,
    values: ValueAxis,
    note: Option<&'static str>,
}

/// Overlaid fans of several scenarios, ready to draw on any backend.
#[derive(Debug, Clone)]
pub(super) struct CompareFans {
    title: String,
    subtitle: String,
    scenarios: Vec<Scenario>,
    stack: Stack,
    panels: Vec<FanPanel>,
    key: Key,
    label_width: u32,
}

/// The fans of `ensembles`: people displaced now, and the personnel of the two sides with the
/// most personnel at the start of the baseline.
pub(super) fn fans(labels: &[String], ensembles: &[EnsembleRecord]) -> CompareFans {
    let scenarios = scenarios(labels, ensembles);
    let span = common_span(ensembles).unwrap_or_else(empty_span);
    let no_runs = ensembles.iter().all(|e| e.runs.is_empty());
    let mut panels = Vec::new();

    let displaced: Vec<Vec<FanPoint>> = ensembles
        .iter()
        .map(|e| fan(e, &span, |r, day| carried(&r.displaced_daily, day).copied()))
        .collect();
    let anyone = ensembles
        .iter()
        .flat_map(|e| &e.runs)
        .flat_map(|r| &r.displaced_daily)
        .any(|&v| v > 0.0);
    panels.push(FanPanel {
        title: "People displaced now (away from home)".to_owned(),
        y_desc: "displaced people (persons)",
        values: ValueAxis::new(fan_top(&displaced), true),
        fans: displaced,
        note: if no_runs {
            Some(NO_RUNS)
        } else {
            (!anyone).then_some("No one was displaced in any run")
        },
    });

    if let Some(base) = ensembles.first() {
        for (side, ids) in largest_sides(base) {
            let fans: Vec<Vec<FanPoint>> = ensembles
                .iter()
                .map(|e| {
                    let members = factions_in(e, &ids);
                    fan(e, &span, |r, day| {
                        let row = r.personnel_daily.carried(day)?;
                        Some(
                            members
                                .iter()
                                .filter_map(|&f| row.get(f))
                                .map(f64::from)
                                .sum(),
                        )
                    })
                })
                .collect();
            let names: Vec<&str> = ids
                .iter()
                .filter_map(|id| base.theatre.factions.iter().find(|f| &f.id == id))
                .map(|f| f.name.as_str())
                .collect();
            panels.push(FanPanel {
                title: format!("Personnel of the {side} side ({})", names.join(", ")),
                y_desc: "personnel (persons)",
                values: ValueAxis::new(fan_top(&fans), true),
                fans,
                note: no_runs.then_some(NO_RUNS),
            });
        }
    }

    let mut key = Key::new("Scenario");
    for (i, s) in scenarios.iter().enumerate() {
        push_scenario(&mut key, s, i == 0 && scenarios.len() > 1, Swatch::Line);
    }
    key.push(LegendEntry::new("median of runs", NEUTRAL), Swatch::Line);
    key.push(
        LegendEntry::new("middle 50% of runs", tint(NEUTRAL, BAND_ALPHA)),
        Swatch::Block,
    );
    let label_width = panels
        .iter()
        .map(|p| p.values.label_width())
        .max()
        .unwrap_or(0);
    // Titles run over the frame (and the key column, below the key's panel).
    let title_font = bold(DESC_SIZE);
    let room = super::panels::WIDTH.saturating_sub(2 * PAGE_MARGIN + label_width + Y_DESC_ROOM);
    for panel in panels.iter_mut().skip(1) {
        panel.title = fit(&title_font, &panel.title, room);
    }
    let stack = Stack::with_time(
        |frame| TimeAxis::calendar(span.origin, span.end, frame),
        label_width + Y_DESC_ROOM,
        &[&key],
    );
    let mut subtitle = compare_subtitle(
        ensembles,
        &span,
        "a run that ended counts with its last value",
    );
    subtitle.push_str(" · median and middle 50% of runs per scenario");
    CompareFans {
        title: compare_title("People displaced and personnel by side", ensembles),
        subtitle,
        scenarios,
        stack,
        panels,
        key,
        label_width,
    }
}

/// The top of the middle-50% bands of `fans`.
fn fan_top(fans: &[Vec<FanPoint>]) -> f64 {
    fans.iter()
        .flatten()
        .map(|p| p.q[3].max(p.q[2]))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

/// The (at most two) sides of `e` with the most personnel on day 0 (median over runs), each
/// with its factions' ids; sides with none are left out.
fn largest_sides(e: &EnsembleRecord) -> Vec<(String, Vec<String>)> {
    let t = &e.theatre;
    let mut sides: Vec<(usize, f64)> = (0..t.sides.len())
        .map(|side| {
            let mut starts: Vec<f64> = e
                .runs
                .iter()
                .filter_map(|r| r.personnel_daily.first())
                .map(|row| {
                    t.factions
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| f.side == side)
                        .filter_map(|(i, _)| row.get(i))
                        .map(f64::from)
                        .sum::<f64>()
                })
                .collect();
            starts.sort_by(f64::total_cmp);
            (side, quantile_sorted(&starts, 0.5).unwrap_or(0.0))
        })
        .filter(|&(_, total)| total > 0.0 || e.runs.is_empty())
        .collect();
    sides.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    sides.truncate(MAX_SIDES);
    sides
        .into_iter()
        .map(|(side, _)| {
            let ids = t
                .factions
                .iter()
                .filter(|f| f.side == side)
                .map(|f| f.id.clone())
                .collect();
            (t.sides.get(side).cloned().unwrap_or_default(), ids)
        })
        .collect()
}

impl CompareFans {
    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        let last = self.panels.len().saturating_sub(1);
        let panels: u32 = self
            .panels
            .iter()
            .enumerate()
            .map(|(i, _)| Stack::panel_height(Self::frame(i), i == last))
            .sum();
        let key = CHART_TOP + self.key.height() + CHART_BOTTOM + 40;
        (super::panels::WIDTH, HEADER_HEIGHT + panels.max(key))
    }

    /// Height of panel `i`'s frame, pixels.
    fn frame(i: usize) -> u32 {
        if i == 0 { DISPLACED_FRAME } else { SIDE_FRAME }
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let mut rest = draw_header(root, &self.title, &self.subtitle)?;
        let empty = Key::new("");
        let last = self.panels.len().saturating_sub(1);
        for (i, panel) in self.panels.iter().enumerate() {
            let (area, below) =
                rest.split_vertically(Stack::panel_height(Self::frame(i), i == last));
            let y_label = |v: &f64| panel.values.label(*v);
            let spec = PanelSpec {
                title: &panel.title,
                y: panel.values.coord(),
                y_label: &y_label,
                y_desc: Some((panel.y_desc, self.label_width)),
                last: i == last,
                key: if i == 0 { &self.key } else { &empty },
            };
            let mut chart = self.stack.panel(&area, &spec)?;
            draw_overlaid(&mut chart, &panel.fans, &self.scenarios)?;
            if let Some(note) = panel.note {
                draw_note(&mut chart, note)?;
            }
            rest = below;
        }
        Ok(())
    }
}

/// Draw one fan per scenario on `chart`: every band first, then every median line, the
/// baseline's last so that it stays on top.
fn draw_overlaid<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, TimeValue>,
    fans: &[Vec<FanPoint>],
    scenarios: &[Scenario],
) -> Result<()> {
    for (points, s) in fans.iter().zip(scenarios) {
        draw_bands(chart, points, s.colour, &[(1, 3, BAND_ALPHA)])?;
    }
    for (points, s) in fans.iter().zip(scenarios).rev() {
        draw_median(chart, points, s.colour)?;
    }
    Ok(())
}
