//! Pressure and escalation: two panels over one calendar axis. Above, the pressure on each
//! state with its resolve and the instruments adopted against it; below, the escalation rung
//! in force, with the rungs named on the y axis and ceasefires shaded.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Keyed, ValueAxis};
use super::lines::{TimeValue, draw_run, runs};
use super::panels::{PanelSpec, Stack, Y_DESC_ROOM, draw_note, spans};
use super::theme::{
    HEADER_HEIGHT, INK, Key, LABEL_SIZE, LegendEntry, Swatch, draw_error, draw_header, font,
    subtitle, text, text_width, theatre_colour, title, wrap,
};
use crate::error::Result;
use crate::run::RunRecord;
use crate::sim::politics::Politics;
use crate::sim::resources::Theatre;

/// Height of the pressure panel's frame, pixels.
const PRESSURE_FRAME: u32 = 300;
/// Height of one rung's row, pixels.
const RUNG_ROW: u32 = 46;
/// Least height of the rung panel's frame, pixels.
const MIN_RUNG_FRAME: u32 = 120;
/// Widest line of a rung's name, pixels.
const RUNG_LABEL_WIDTH: u32 = 250;
/// Gap between a rung's name and the frame, pixels.
const RUNG_LABEL_GAP: u32 = 12;
/// Distance between the lines of a wrapped rung name, pixels.
const RUNG_LINE_HEIGHT: i32 = 18;
/// Height of a resolve label's white ground, pixels.
const LABEL_HEIGHT: i32 = 17;
/// Colour of the rung line.
const RUNG_COLOUR: RGBColor = RGBColor(70, 70, 70);
/// Colour of the marks of instruments adopted.
const ADOPTION: RGBColor = RGBColor(90, 90, 90);
/// Shade of spans under a ceasefire.
const CEASEFIRE: RGBColor = RGBColor(204, 229, 246);
/// Colours of states that have no faction colour of their own.
const STATE_COLOURS: [RGBColor; 6] = [
    RGBColor(148, 103, 189),
    RGBColor(23, 190, 207),
    RGBColor(188, 189, 34),
    RGBColor(227, 119, 194),
    RGBColor(140, 86, 75),
    RGBColor(127, 127, 127),
];

/// The pressure on one state.
#[derive(Debug, Clone, PartialEq)]
struct StateLine {
    /// State index.
    state: usize,
    colour: RGBColor,
    runs: Vec<Vec<(f64, f64)>>,
    /// The state's resolve and its label.
    resolve: Option<(f64, String)>,
}

/// The pressure and escalation figure of a run, ready to draw on any backend.
#[derive(Debug, Clone)]
pub(super) struct EscalationChart {
    title: String,
    subtitle: String,
    stack: Stack,
    states: Vec<StateLine>,
    pressure: ValueAxis,
    /// Days on which instruments were adopted against a drawn state.
    adoptions: Vec<f64>,
    pressure_key: Key,
    pressure_note: Option<&'static str>,
    /// Each rung's name, in lines.
    rungs: Vec<Vec<String>>,
    /// The rung in force as runs of step-line points (day, rung index).
    steps: Vec<Vec<(f64, f64)>>,
    ceasefires: Vec<(f64, f64)>,
    rung_key: Key,
    rung_note: Option<&'static str>,
    rung_frame: u32,
}

/// The pressure and escalation figure of `record`.
pub(super) fn escalation(record: &RunRecord) -> EscalationChart {
    let label_font = font(LABEL_SIZE);
    let (states, mut pressure_key, data_max) = state_lines(record);
    let pressure = ValueAxis::new(data_max, false);
    let drawn: Vec<usize> = states.iter().map(|s| s.state).collect();
    let adoptions = adoptions(record, &drawn);
    if !adoptions.is_empty() {
        pressure_key.push(
            LegendEntry::new(
                &format!("instrument adopted ({})", adoptions.len()),
                ADOPTION,
            ),
            Swatch::Triangle,
        );
    }
    let pressure_note = if record.politics.states.is_empty() {
        Some("No states in this scenario")
    } else if states.is_empty() {
        Some("No pressure on any state in this run")
    } else {
        None
    };

    let rungs: Vec<Vec<String>> = record
        .politics
        .rungs
        .iter()
        .map(|(name, _, _)| wrap(&label_font, name, RUNG_LABEL_WIDTH, 2))
        .collect();
    let steps = rung_steps(record);
    let ceasefires = spans(record, |i| record.samples[i].ceasefire);
    let mut rung_key = Key::new("Escalation");
    if !steps.is_empty() {
        rung_key.push(LegendEntry::new("rung in force", RUNG_COLOUR), Swatch::Line);
    }
    if !ceasefires.is_empty() {
        rung_key.push(
            LegendEntry::new("ceasefire in force", CEASEFIRE),
            Swatch::Block,
        );
    }
    let rung_note = if rungs.is_empty() {
        Some("No escalation ladder in this scenario")
    } else if steps.is_empty() {
        Some("No rung reached in this run")
    } else {
        None
    };
    let widest_rung = rungs
        .iter()
        .flatten()
        .map(|l| text_width(&label_font, l))
        .max()
        .unwrap_or(0);
    let y_area = (widest_rung + RUNG_LABEL_GAP + 10).max(pressure.label_width() + Y_DESC_ROOM);
    let stack = Stack::new(record, y_area, &[&pressure_key, &rung_key]);
    let rung_frame = (RUNG_ROW * rungs.len() as u32).max(MIN_RUNG_FRAME);
    EscalationChart {
        title: title("Pressure and escalation", record),
        subtitle: subtitle(record),
        stack,
        states,
        pressure,
        adoptions,
        pressure_key,
        pressure_note,
        rungs,
        steps,
        ceasefires,
        rung_key,
        rung_note,
        rung_frame,
    }
}

/// A line for every state that is ever under pressure, the key of those lines, and the
/// largest value to show (pressure or resolve).
fn state_lines(record: &RunRecord) -> (Vec<StateLine>, Key, f64) {
    let mut lines = Vec::new();
    let mut key = Key::new("Pressure on");
    let mut data_max = 0.0f64;
    let mut used: Vec<RGBColor> = Vec::new();
    for (index, state) in record.politics.states.iter().enumerate() {
        let points: Vec<(f64, Option<f64>)> = record
            .samples
            .iter()
            .map(|s| {
                let v = s.pressure_on.get(index).copied().filter(|v| v.is_finite());
                (RunRecord::day(s.hours), v)
            })
            .collect();
        let peak = points.iter().filter_map(|(_, v)| *v).fold(0.0f64, f64::max);
        if peak <= 0.0 {
            continue;
        }
        let colour = state_colour(&record.theatre, &record.politics, index, &used);
        used.push(colour);
        data_max = data_max.max(peak);
        let resolve = state
            .resolve
            .filter(|r| r.is_finite() && *r > 0.0)
            .map(|r| (r, format!("resolve of {}", state.name)));
        if let Some((r, _)) = resolve {
            data_max = data_max.max(r);
        }
        key.push(LegendEntry::new(&state.name, colour), Swatch::Line);
        lines.push(StateLine {
            state: index,
            colour,
            runs: runs(&points),
            resolve,
        });
    }
    (lines, key, data_max)
}

/// The colour of state `index`: that of its first own force or proxy not yet `used`, or one
/// of a fixed set.
pub(super) fn state_colour(
    theatre: &Theatre,
    politics: &Politics,
    index: usize,
    used: &[RGBColor],
) -> RGBColor {
    let Some(state) = politics.states.get(index) else {
        return STATE_COLOURS[index % STATE_COLOURS.len()];
    };
    state
        .forces
        .iter()
        .chain(&state.proxies)
        .map(|&f| theatre_colour(theatre, f))
        .chain((0..STATE_COLOURS.len()).map(|k| STATE_COLOURS[(index + k) % STATE_COLOURS.len()]))
        .find(|c| !used.contains(c))
        .unwrap_or(STATE_COLOURS[index % STATE_COLOURS.len()])
}

/// The day of every instrument adopted against a state in `drawn` during the run.
fn adoptions(record: &RunRecord, drawn: &[usize]) -> Vec<f64> {
    let end = record.samples.last().map_or(0.0, |s| s.hours);
    record
        .political
        .instruments_used
        .iter()
        .filter(|(hours, _, _)| hours.is_finite() && *hours >= 0.0 && *hours <= end)
        .filter(|&&(_, actor, _)| {
            record
                .politics
                .actors
                .get(actor)
                .is_some_and(|a| drawn.contains(&a.target))
        })
        .map(|&(hours, _, _)| RunRecord::day(hours))
        .collect()
}

/// The rung in force as step lines: a rung reached at a sample holds over the tick that
/// ended at it; gaps where no rung is in force.
fn rung_steps(record: &RunRecord) -> Vec<Vec<(f64, f64)>> {
    let samples = &record.samples;
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let mut previous: Option<f64> = None;
    let known = record.politics.rungs.len();
    for (i, sample) in samples.iter().enumerate() {
        let at = RunRecord::day(sample.hours);
        let from = i
            .checked_sub(1)
            .map_or(at, |p| RunRecord::day(samples[p].hours));
        let rung = sample.rung.filter(|&r| r < known).map(|r| r as f64);
        match (rung, previous) {
            (Some(r), Some(p)) if r == p => {}
            (Some(r), Some(p)) => {
                current.push((from, p));
                current.push((from, r));
            }
            (Some(r), None) => current.push((from, r)),
            (None, Some(p)) => {
                current.push((from, p));
                out.push(std::mem::take(&mut current));
            }
            (None, None) => {}
        }
        previous = rung;
    }
    if let (Some(p), Some(last)) = (previous, samples.last()) {
        current.push((RunRecord::day(last.hours), p));
        out.push(current);
    }
    for run in &mut out {
        run.dedup();
    }
    out
}

impl EscalationChart {
    /// Size of the image, pixels: taller with more rungs.
    pub fn size(&self) -> (u32, u32) {
        let height = HEADER_HEIGHT
            + Stack::panel_height(PRESSURE_FRAME, false)
            + Stack::panel_height(self.rung_frame, true);
        (super::panels::WIDTH, height)
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let body = draw_header(root, &self.title, &self.subtitle)?;
        let (upper, lower) = body.split_vertically(Stack::panel_height(PRESSURE_FRAME, false));
        self.draw_pressure(root, &upper)?;
        self.draw_rungs(root, &lower)
    }

    /// The upper panel: pressure on each state.
    fn draw_pressure<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<()> {
        let y_label = |v: &f64| self.pressure.label(*v);
        let spec = PanelSpec {
            title: "Pressure on states",
            y: self.pressure.coord(),
            y_label: &y_label,
            y_desc: Some(("pressure (pressure units)", self.pressure.label_width())),
            last: false,
            key: &self.pressure_key,
        };
        let mut chart = self.stack.panel(area, &spec)?;
        let resolves = resolves(self.states.iter().map(|s| (&s.resolve, s.colour)));
        draw_resolve_lines(root, &chart, &resolves)?;
        for state in &self.states {
            for run in &state.runs {
                draw_run(&mut chart, run, state.colour)?;
            }
        }
        draw_resolve_labels(root, &chart, &resolves)?;
        // A rug of triangles just under the frame, pointing at the day of each adoption.
        for &day in &self.adoptions {
            let (x, y) = chart.backend_coord(&(day, 0.0));
            let points = vec![(x - 5, y + 12), (x + 5, y + 12), (x, y + 2)];
            draw_at(root, &Polygon::new(points, ADOPTION.filled()))?;
        }
        if let Some(note) = self.pressure_note {
            draw_note(&mut chart, note)?;
        }
        Ok(())
    }

    /// The lower panel: the rung in force, with ceasefires shaded.
    fn draw_rungs<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<()> {
        let n = self.rungs.len();
        let y = if n == 0 {
            Keyed::new(0.0..1.0, Vec::new(), Vec::new())
        } else {
            let rows = (0..n).map(|r| r as f64).collect();
            Keyed::new(-0.5..n as f64 - 0.5, Vec::new(), rows)
        };
        let no_label = |_: &f64| String::new();
        let spec = PanelSpec {
            title: "Escalation rung in force",
            y,
            y_label: &no_label,
            y_desc: None,
            last: true,
            key: &self.rung_key,
        };
        let mut chart = self.stack.panel(area, &spec)?;
        let (y_top, y_bottom) = if n == 0 {
            (1.0, 0.0)
        } else {
            (n as f64 - 0.5, -0.5)
        };
        chart
            .draw_series(self.ceasefires.iter().map(|&(from, to)| {
                Rectangle::new([(from, y_top), (to, y_bottom)], CEASEFIRE.filled())
            }))
            .map_err(draw_error)?;
        let label = text(LABEL_SIZE, INK).pos(Pos::new(HPos::Right, VPos::Center));
        for (r, lines) in self.rungs.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(0.0, r as f64));
            let x = x - RUNG_LABEL_GAP as i32;
            let first = y - RUNG_LINE_HEIGHT * (lines.len() as i32 - 1) / 2;
            for (k, line) in lines.iter().enumerate() {
                draw_at(
                    root,
                    &Text::new(
                        line.clone(),
                        (x, first + RUNG_LINE_HEIGHT * k as i32),
                        label.clone(),
                    ),
                )?;
            }
        }
        for run in &self.steps {
            if let [point] = run.as_slice() {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        *point,
                        4,
                        RUNG_COLOUR.filled(),
                    )))
                    .map_err(draw_error)?;
            } else {
                chart
                    .draw_series(LineSeries::new(
                        run.iter().copied(),
                        RUNG_COLOUR.stroke_width(3),
                    ))
                    .map_err(draw_error)?;
            }
        }
        if let Some(note) = self.rung_note {
            draw_note(&mut chart, note)?;
        }
        Ok(())
    }
}

/// A state's resolve as drawn over its pressure: a dashed line across the frame, labelled at
/// its right end.
pub(super) struct Resolve<'a> {
    /// The pressure the state bears.
    pub value: f64,
    /// Its label, e.g. "resolve of Rwanda".
    pub label: &'a str,
    /// The state's colour.
    pub colour: RGBColor,
}

/// The resolves of the states that have one, from each state's resolve (pressure and label)
/// and colour.
pub(super) fn resolves<'a>(
    states: impl Iterator<Item = (&'a Option<(f64, String)>, RGBColor)>,
) -> Vec<Resolve<'a>> {
    states
        .filter_map(|(resolve, colour)| {
            let (value, label) = resolve.as_ref()?;
            Some(Resolve {
                value: *value,
                label,
                colour,
            })
        })
        .collect()
}

/// Draw each resolve as a dashed line across `chart`'s frame (`root` is the whole image).
pub(super) fn draw_resolve_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &ChartContext<'_, DB, TimeValue>,
    resolves: &[Resolve<'_>],
) -> Result<()> {
    let x_range = chart.x_range();
    for r in resolves {
        let (x0, y) = chart.backend_coord(&(x_range.start, r.value));
        let (x1, _) = chart.backend_coord(&(x_range.end, r.value));
        draw_at(
            root,
            &DashedPathElement::new(vec![(x0, y), (x1, y)], 9, 6, r.colour.stroke_width(2)),
        )?;
    }
    Ok(())
}

/// Label each resolve line at its right end, on a white ground, above the line (below it when
/// the line runs along the top of the frame).
pub(super) fn draw_resolve_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &ChartContext<'_, DB, TimeValue>,
    resolves: &[Resolve<'_>],
) -> Result<()> {
    let label_font = font(LABEL_SIZE);
    let (x_range, y_range) = (chart.x_range(), chart.y_range());
    let frame_top = chart.backend_coord(&(x_range.start, y_range.end)).1;
    for r in resolves {
        let (x, line_y) = chart.backend_coord(&(x_range.end, r.value));
        let below = line_y - LABEL_HEIGHT - 6 < frame_top;
        let (y, vpos) = if below {
            (line_y + 4, VPos::Top)
        } else {
            (line_y - 4, VPos::Bottom)
        };
        let x = x - 6;
        let (top, bottom) = if below {
            (y, y + LABEL_HEIGHT)
        } else {
            (y - LABEL_HEIGHT, y)
        };
        let width = text_width(&label_font, r.label) as i32;
        draw_at(
            root,
            &Rectangle::new(
                [(x - width - 3, top), (x + 3, bottom)],
                WHITE.mix(0.8).filled(),
            ),
        )?;
        let style = text(LABEL_SIZE, r.colour).pos(Pos::new(HPos::Right, vpos));
        draw_at(root, &Text::new(r.label.to_owned(), (x, y), style))?;
    }
    Ok(())
}

/// Draw `element`, placed in backend pixels, on `root` (the whole image).
fn draw_at<DB, E>(root: &DrawingArea<DB, Shift>, element: &E) -> Result<()>
where
    DB: DrawingBackend,
    for<'b> &'b E: plotters::element::PointCollection<'b, (i32, i32)>,
    E: plotters::element::Drawable<DB>,
{
    root.draw(element).map_err(draw_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::plot::tests::minimal_record;
    use crate::sim::politics::Cond;

    /// The minimal record with three rungs and samples at hours 0.. with these rungs.
    fn record_with(rungs: &[Option<usize>]) -> RunRecord {
        let mut record = minimal_record();
        record.politics.rungs = (0..3)
            .map(|k| (format!("rung {k}"), Cond::Always, false))
            .collect();
        let first = record.samples[0].clone();
        record.samples = rungs
            .iter()
            .enumerate()
            .map(|(h, &rung)| {
                let mut s = first.clone();
                s.hours = h as f64;
                s.rung = rung;
                s
            })
            .collect();
        record
    }

    #[test]
    fn rung_steps_change_over_the_tick_that_reached_them() {
        let record = record_with(&[None, Some(0), Some(0), Some(2), None, Some(1), Some(9)]);
        let hours: Vec<Vec<(f64, f64)>> = rung_steps(&record)
            .into_iter()
            .map(|run| run.into_iter().map(|(d, r)| (d * 24.0, r)).collect())
            .collect();
        assert_eq!(
            hours,
            vec![
                vec![(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (3.0, 2.0)],
                // An unknown rung (9) ends the run like no rung.
                vec![(4.0, 1.0), (5.0, 1.0)],
            ]
        );
        assert!(rung_steps(&record_with(&[None, None])).is_empty());
    }

    #[test]
    fn states_without_pressure_get_no_line() {
        let record = minimal_record();
        let chart = escalation(&record);
        assert!(chart.states.is_empty());
        assert!(chart.adoptions.is_empty());
        assert_eq!(chart.pressure_note, Some("No states in this scenario"));
        assert_eq!(
            chart.rung_note,
            Some("No escalation ladder in this scenario")
        );
    }
}
