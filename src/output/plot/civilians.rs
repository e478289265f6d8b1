//! Civilians: two panels over one calendar axis. Above, where displaced people are sheltering
//! (stacked, the largest few places and the rest) with everyone who has left home so far;
//! below, civilians killed so far.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::axis::ValueAxis;
use super::lines::{draw_run, simplify};
use super::panels::{PanelSpec, Stack, Y_DESC_ROOM, draw_note};
use super::theme::{
    HEADER_HEIGHT, Key, LegendEntry, Swatch, draw_error, draw_header, subtitle, title,
};
use crate::error::Result;
use crate::run::RunRecord;

/// Height of the displacement panel's frame, pixels.
const DISPLACED_FRAME: u32 = 330;
/// Height of the deaths panel's frame, pixels.
const DEATHS_FRAME: u32 = 200;
/// Most places shown on their own in the stack; the rest are summed as "elsewhere".
const TOP_PLACES: usize = 4;
/// Colours of the places in the stack, largest first, then of "elsewhere".
const PLACE_COLOURS: [RGBColor; TOP_PLACES] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(89, 161, 79),
    RGBColor(176, 122, 161),
];
const ELSEWHERE: RGBColor = RGBColor(191, 186, 180);
/// Colour of the cumulative count of people who left home.
const LEFT_HOME: RGBColor = RGBColor(33, 33, 33);
/// Colour of the civilian deaths line.
const DEATHS: RGBColor = RGBColor(140, 29, 24);

/// One band of the stack: its colour and the day and top edge (cumulative) at each point.
#[derive(Debug, Clone, PartialEq)]
struct Band {
    colour: RGBColor,
    /// (day, lower edge, upper edge).
    points: Vec<(f64, f64, f64)>,
}

/// The civilians figure of a run, ready to draw on any backend.
#[derive(Debug, Clone)]
pub(super) struct CiviliansChart {
    title: String,
    subtitle: String,
    stack: Stack,
    bands: Vec<Band>,
    left_home: Vec<(f64, f64)>,
    displaced: ValueAxis,
    displaced_key: Key,
    displaced_note: Option<&'static str>,
    deaths: Vec<(f64, f64)>,
    deaths_axis: ValueAxis,
    deaths_key: Key,
    deaths_note: Option<&'static str>,
}

/// The civilians figure of `record`.
pub(super) fn civilians(record: &RunRecord) -> CiviliansChart {
    let samples = &record.samples;
    let finite = |v: f64| if v.is_finite() { v.max(0.0) } else { 0.0 };
    let day = |i: usize| RunRecord::day(samples[i].hours);
    let here = |i: usize, p: usize| {
        samples[i]
            .places
            .get(p)
            .map_or(0.0, |s| finite(s.displaced_here))
    };

    // The places that sheltered the most people at any time, largest first.
    let n_places = samples.iter().map(|s| s.places.len()).max().unwrap_or(0);
    let mut peaks: Vec<(usize, f64)> = (0..n_places)
        .map(|p| {
            (
                p,
                (0..samples.len()).map(|i| here(i, p)).fold(0.0, f64::max),
            )
        })
        .filter(|&(_, peak)| peak > 0.0)
        .collect();
    peaks.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let shown: Vec<usize> = if peaks.len() <= TOP_PLACES + 1 {
        peaks.iter().map(|&(p, _)| p).collect()
    } else {
        peaks.iter().take(TOP_PLACES).map(|&(p, _)| p).collect()
    };
    let rest = peaks.len() > shown.len();

    let mut displaced_key = Key::new("Displaced people");
    let mut layers: Vec<(RGBColor, Vec<f64>)> = Vec::new();
    for (k, &p) in shown.iter().enumerate() {
        let name = record
            .theatre
            .places
            .get(p)
            .map_or_else(|| format!("place {p}"), |place| place.name.clone());
        let colour = PLACE_COLOURS[k % PLACE_COLOURS.len()];
        displaced_key.push(
            LegendEntry::new(&format!("sheltering in {name}"), colour),
            Swatch::Block,
        );
        layers.push((colour, (0..samples.len()).map(|i| here(i, p)).collect()));
    }
    if rest {
        displaced_key.push(
            LegendEntry::new("sheltering elsewhere", ELSEWHERE),
            Swatch::Block,
        );
        let values = (0..samples.len())
            .map(|i| {
                (0..n_places)
                    .filter(|p| !shown.contains(p))
                    .map(|p| here(i, p))
                    .sum()
            })
            .collect();
        layers.push((ELSEWHERE, values));
    }
    let bands = stack_bands(&(0..samples.len()).map(day).collect::<Vec<_>>(), &layers);
    let left_home: Vec<(f64, f64)> = (0..samples.len())
        .map(|i| (day(i), finite(samples[i].newly_displaced)))
        .collect();
    let left_home = if left_home.iter().any(|&(_, v)| v > 0.0) {
        displaced_key.push(
            LegendEntry::new("left home so far (cumulative)", LEFT_HOME),
            Swatch::Dashed,
        );
        simplify(&left_home)
    } else {
        Vec::new()
    };
    let top = bands
        .last()
        .map_or(0.0, |b| b.points.iter().map(|p| p.2).fold(0.0, f64::max));
    let displaced_max = left_home.iter().map(|p| p.1).fold(top, f64::max);
    let displaced = ValueAxis::new(displaced_max, true);
    let displaced_note = (displaced_max <= 0.0).then_some("No one was displaced in this run");

    let deaths: Vec<(f64, f64)> = (0..samples.len())
        .map(|i| (day(i), finite(samples[i].civilian_deaths)))
        .collect();
    let deaths_max = deaths.iter().map(|p| p.1).fold(0.0, f64::max);
    let deaths_axis = ValueAxis::new(deaths_max, true);
    let mut deaths_key = Key::new("Civilians");
    let deaths_note = if deaths_max > 0.0 {
        deaths_key.push(
            LegendEntry::new("killed, or dead of hardship", DEATHS),
            Swatch::Line,
        );
        None
    } else {
        Some("No civilians died in this run")
    };
    let deaths = if deaths_max > 0.0 {
        simplify(&deaths)
    } else {
        Vec::new()
    };

    let y_area = displaced.label_width().max(deaths_axis.label_width()) + Y_DESC_ROOM;
    let stack = Stack::new(record, y_area, &[&displaced_key, &deaths_key]);
    CiviliansChart {
        title: title("Civilians", record),
        subtitle: subtitle(record),
        stack,
        bands,
        left_home,
        displaced,
        displaced_key,
        displaced_note,
        deaths,
        deaths_axis,
        deaths_key,
        deaths_note,
    }
}

/// Stack `layers` (values at `days`), the first at the bottom, keeping only the points where
/// some layer changes, so long flat stretches cost two points.
fn stack_bands(days: &[f64], layers: &[(RGBColor, Vec<f64>)]) -> Vec<Band> {
    let n = days.len();
    let changes = |i: usize, j: usize| layers.iter().any(|(_, v)| v.get(i) != v.get(j));
    let keep: Vec<usize> = (0..n)
        .filter(|&i| i == 0 || i + 1 == n || changes(i, i - 1) || changes(i, i + 1))
        .collect();
    let mut below = vec![0.0f64; n];
    let mut bands = Vec::with_capacity(layers.len());
    for (colour, values) in layers {
        let points = keep
            .iter()
            .map(|&i| {
                let lower = below[i];
                (
                    days[i],
                    lower,
                    lower + values.get(i).copied().unwrap_or(0.0),
                )
            })
            .collect();
        for (b, v) in below.iter_mut().zip(values) {
            *b += v;
        }
        bands.push(Band {
            colour: *colour,
            points,
        });
    }
    bands
}

impl CiviliansChart {
    /// Size of the image, pixels.
    pub fn size(&self) -> (u32, u32) {
        let height = HEADER_HEIGHT
            + Stack::panel_height(DISPLACED_FRAME, false)
            + Stack::panel_height(DEATHS_FRAME, true);
        (super::panels::WIDTH, height)
    }

    /// Width of the widest y label of either panel, pixels, so both descriptions line up.
    fn label_width(&self) -> u32 {
        self.displaced
            .label_width()
            .max(self.deaths_axis.label_width())
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let body = draw_header(root, &self.title, &self.subtitle)?;
        let (upper, lower) = body.split_vertically(Stack::panel_height(DISPLACED_FRAME, false));

        let y_label = |v: &f64| self.displaced.label(*v);
        let spec = PanelSpec {
            title: "People displaced, by where they are sheltering",
            y: self.displaced.coord(),
            y_label: &y_label,
            y_desc: Some(("displaced people (persons)", self.label_width())),
            last: false,
            key: &self.displaced_key,
        };
        let mut chart = self.stack.panel(&upper, &spec)?;
        for band in &self.bands {
            if band.points.len() < 2 {
                continue;
            }
            let outline: Vec<(f64, f64)> = band
                .points
                .iter()
                .map(|&(d, _, top)| (d, top))
                .chain(band.points.iter().rev().map(|&(d, bottom, _)| (d, bottom)))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(outline, band.colour.filled())))
                .map_err(draw_error)?;
        }
        if self.left_home.len() >= 2 {
            let points: Vec<(i32, i32)> = self
                .left_home
                .iter()
                .map(|p| chart.backend_coord(p))
                .collect();
            root.draw(&DashedPathElement::new(
                points,
                8,
                5,
                LEFT_HOME.stroke_width(2),
            ))
            .map_err(draw_error)?;
        }
        if let Some(note) = self.displaced_note {
            draw_note(&mut chart, note)?;
        }

        let y_label = |v: &f64| self.deaths_axis.label(*v);
        let spec = PanelSpec {
            title: "Civilians dead (killed in fighting or of hardship), cumulative",
            y: self.deaths_axis.coord(),
            y_label: &y_label,
            y_desc: Some(("dead (persons, cumulative)", self.label_width())),
            last: true,
            key: &self.deaths_key,
        };
        let mut chart = self.stack.panel(&lower, &spec)?;
        if !self.deaths.is_empty() {
            draw_run(&mut chart, &self.deaths, DEATHS)?;
        }
        if let Some(note) = self.deaths_note {
            draw_note(&mut chart, note)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_stack_and_drop_flat_stretches() {
        let days = [0.0, 1.0, 2.0, 3.0, 4.0];
        let layers = vec![
            (RGBColor(0, 0, 0), vec![0.0, 1.0, 1.0, 1.0, 1.0]),
            (RGBColor(1, 1, 1), vec![0.0, 2.0, 2.0, 2.0, 3.0]),
        ];
        let bands = stack_bands(&days, &layers);
        assert_eq!(bands.len(), 2);
        assert_eq!(
            bands[0].points,
            vec![
                (0.0, 0.0, 0.0),
                (1.0, 0.0, 1.0),
                (3.0, 0.0, 1.0),
                (4.0, 0.0, 1.0)
            ]
        );
        assert_eq!(bands[1].points[3], (4.0, 1.0, 4.0));
        assert!(
            stack_bands(&[], &layers)
                .iter()
                .all(|b| b.points.is_empty())
        );
    }
}
