//! Line plots of one value per faction over time: personnel, cumulative casualties and
//! days of supply. All three are built by [`by_faction`] from a value extractor and drawn by
//! the one generic [`LineChart::draw`].

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Keyed, TimeAxis, ValueAxis};
use super::theme::{
    CHART_RIGHT, CHART_TOP, DESC_SIZE, FrameSpec, LegendEntry, MUTED, PAGE_MARGIN, Swatch,
    draw_error, draw_frame, draw_header_split, draw_legend, faction_colour, legend_width, subtitle,
    text, title,
};
use crate::error::Result;
use crate::run::RunRecord;
use crate::sim::resources::FactionSample;

/// Size of every line plot, pixels.
const SIZE: (u32, u32) = (1200, 700);
/// Room left of the widest y label for tick marks and the rotated axis description, pixels.
const Y_DESC_ROOM: u32 = 58;

/// The coordinates of a line plot: days since the start against a value.
pub(super) type TimeValue = Cartesian2d<Keyed, Keyed>;

/// Which factions get a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Every faction.
    All,
    /// Factions whose value is non-zero at some time.
    NonZero,
    /// Factions with a value (present) at some time.
    Present,
}

/// What a line plot shows.
#[derive(Debug, Clone, Copy)]
struct LineSpec {
    /// Title, before the scenario name.
    what: &'static str,
    /// Y axis description, with units.
    y_desc: &'static str,
    /// Shown in the frame when no faction has a line.
    empty_note: &'static str,
    /// Which factions get a line.
    keep: Keep,
    /// Whether the values are counts (whole-number ticks).
    whole: bool,
}

/// One faction's line: runs of consecutive points (gaps where the faction was absent).
#[derive(Debug, Clone, PartialEq)]
struct Series {
    colour: RGBColor,
    runs: Vec<Vec<(f64, f64)>>,
}

/// A line plot of one value per faction over time, ready to draw on any backend.
#[derive(Debug, Clone)]
pub(super) struct LineChart {
    title: String,
    subtitle: String,
    spec: LineSpec,
    series: Vec<Series>,
    legend: Vec<LegendEntry>,
    legend_width: u32,
    y_area: u32,
    time: TimeAxis,
    values: ValueAxis,
}

/// Personnel in the theatre by faction.
pub(super) fn forces(record: &RunRecord) -> LineChart {
    let spec = LineSpec {
        what: "Personnel by faction",
        y_desc: "personnel (persons)",
        empty_note: "No factions in this scenario",
        keep: Keep::All,
        whole: true,
    };
    by_faction(record, spec, |s| Some(f64::from(s.personnel)))
}

/// Cumulative killed, wounded, captured and deserted by faction (factions with no losses
/// are left out).
pub(super) fn casualties(record: &RunRecord) -> LineChart {
    let spec = LineSpec {
        what: "Cumulative casualties by faction",
        y_desc: "casualties (persons, cumulative)",
        empty_note: "No casualties in this run",
        keep: Keep::NonZero,
        whole: true,
    };
    by_faction(record, spec, |s| {
        let total = u64::from(s.killed)
            + u64::from(s.wounded)
            + u64::from(s.captured)
            + u64::from(s.deserted);
        Some(total as f64)
    })
}

/// Personnel-weighted mean days of supply held by faction, while it has personnel.
pub(super) fn supply(record: &RunRecord) -> LineChart {
    let spec = LineSpec {
        what: "Mean days of supply held by faction",
        y_desc: "days of supply held",
        empty_note: "No faction had personnel in the theatre",
        keep: Keep::Present,
        whole: false,
    };
    by_faction(record, spec, |s| (s.personnel > 0).then_some(s.supply_days))
}

/// A line per faction of `value` over the run's samples (`None`: no point, a gap).
fn by_faction(
    record: &RunRecord,
    spec: LineSpec,
    value: impl Fn(&FactionSample) -> Option<f64>,
) -> LineChart {
    let mut series = Vec::new();
    let mut legend = Vec::new();
    let mut data_max = 0.0f64;
    for faction in 0..record.theatre.factions.len() {
        let points: Vec<(f64, Option<f64>)> = record
            .samples
            .iter()
            .map(|s| {
                let v = s.factions.get(faction).and_then(&value);
                (RunRecord::day(s.hours), v.filter(|v| v.is_finite()))
            })
            .collect();
        let values = || points.iter().filter_map(|(_, v)| *v);
        let keep = match spec.keep {
            Keep::All => true,
            Keep::NonZero => values().any(|v| v != 0.0),
            Keep::Present => values().next().is_some(),
        };
        if keep {
            data_max = values().fold(data_max, f64::max);
            series.push(Series {
                colour: faction_colour(record, faction),
                runs: runs(&points),
            });
            legend.push(LegendEntry::faction(record, faction));
        }
    }
    let values = ValueAxis::new(data_max, spec.whole);
    let legend_width = legend_width(&legend);
    let y_area = values.label_width() + Y_DESC_ROOM;
    let frame = SIZE
        .0
        .saturating_sub(legend_width + y_area + PAGE_MARGIN + CHART_RIGHT);
    LineChart {
        title: title(spec.what, record),
        subtitle: subtitle(record),
        spec,
        series,
        legend,
        legend_width,
        y_area,
        time: TimeAxis::new(record, frame),
        values,
    }
}

/// Split points into runs at gaps (`None`), dropping points that change nothing.
pub(super) fn runs(points: &[(f64, Option<f64>)]) -> Vec<Vec<(f64, f64)>> {
    points
        .split(|(_, v)| v.is_none())
        .filter(|run| !run.is_empty())
        .map(|run| {
            let run: Vec<(f64, f64)> = run.iter().filter_map(|&(d, v)| Some((d, v?))).collect();
            simplify(&run)
        })
        .collect()
}

/// Keep the ends and every point whose value differs from a neighbour's: the drawn line is
/// unchanged, but long flat stretches cost two points instead of hundreds.
pub(super) fn simplify(run: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let last = run.len().saturating_sub(1);
    run.iter()
        .enumerate()
        .filter(|&(i, p)| i == 0 || i == last || run[i - 1].1 != p.1 || run[i + 1].1 != p.1)
        .map(|(_, p)| *p)
        .collect()
}

impl LineChart {
    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        SIZE
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let (plot, legend) =
            draw_header_split(root, &self.title, &self.subtitle, self.legend_width)?;
        let spec = FrameSpec {
            top: CHART_TOP,
            y_area: self.y_area,
            x_label: &|d: &f64| self.time.label(*d),
            y_label: &|v: &f64| self.values.label(*v),
            x_desc: self.time.desc.as_str(),
            y_desc: Some(self.spec.y_desc),
            rows: false,
        };
        let mut chart = draw_frame(&plot, self.time.coord(), self.values.coord(), &spec)?;
        for series in &self.series {
            for run in &series.runs {
                draw_run(&mut chart, run, series.colour)?;
            }
        }
        if self.series.is_empty() {
            let centre = (self.time.end / 2.0, self.values.max / 2.0);
            let style = text(DESC_SIZE, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
            chart
                .draw_series(std::iter::once(Text::new(
                    self.spec.empty_note,
                    centre,
                    style,
                )))
                .map_err(draw_error)?;
        }
        draw_legend(&legend, &self.legend, Swatch::Line)
    }
}

/// Draw one run of a line (a single point as a dot).
pub(super) fn draw_run<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, TimeValue>,
    run: &[(f64, f64)],
    colour: RGBColor,
) -> Result<()> {
    if let [point] = run {
        chart
            .draw_series(std::iter::once(Circle::new(*point, 3, colour.filled())))
            .map_err(draw_error)?;
    } else {
        chart
            .draw_series(LineSeries::new(run.iter().copied(), colour.stroke_width(2)))
            .map_err(draw_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplify_keeps_the_shape() {
        let run = [
            (0.0, 5.0),
            (1.0, 5.0),
            (2.0, 5.0),
            (3.0, 4.0),
            (4.0, 4.0),
            (5.0, 4.0),
        ];
        assert_eq!(
            simplify(&run),
            vec![(0.0, 5.0), (2.0, 5.0), (3.0, 4.0), (5.0, 4.0)]
        );
        assert_eq!(simplify(&[(0.0, 1.0)]), vec![(0.0, 1.0)]);
        assert!(simplify(&[]).is_empty());
    }

    #[test]
    fn runs_split_at_gaps() {
        let points = [
            (0.0, None),
            (1.0, Some(2.0)),
            (2.0, None),
            (3.0, Some(1.0)),
            (4.0, Some(1.0)),
        ];
        assert_eq!(
            runs(&points),
            vec![vec![(1.0, 2.0)], vec![(3.0, 1.0), (4.0, 1.0)]]
        );
    }
}
