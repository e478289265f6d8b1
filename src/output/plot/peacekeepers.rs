//! Peacekeepers killed: a horizontal bar per contingent of every peacekeeping or regional
//! force, coloured by its faction, with the count printed at the end of the bar.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::ValueAxis;
use super::theme::{
    CHART_BOTTOM, CHART_TOP, DESC_SIZE, FrameSpec, HEADER_HEIGHT, INK, LABEL_SIZE, LegendEntry,
    MAX_NAME_WIDTH, MUTED, Swatch, X_LABEL_AREA, draw_error, draw_frame, draw_header_split,
    draw_legend, faction_colour, faction_name, fit, font, legend_height, legend_width, row_at,
    row_centre, rows_axis, subtitle, text, text_width, title,
};
use crate::error::Result;
use crate::run::RunRecord;
use crate::scenario::FactionKind;

/// Width of the image, pixels.
const WIDTH: u32 = 1200;
/// Height of one contingent's row, pixels.
const ROW_HEIGHT: u32 = 36;
/// Share of a row's height its bar fills.
const BAR_SHARE: f64 = 0.64;
/// Gap between the widest label and the frame, pixels.
const ROW_LABEL_ROOM: u32 = 22;
/// Least width of the row label area, pixels.
const MIN_ROW_LABEL_AREA: u32 = 60;
/// Least height of the image, pixels.
const MIN_HEIGHT: u32 = 300;
/// Room right of the longest bar for its count, as a share of the longest bar.
const VALUE_ROOM: f64 = 0.12;

/// One contingent's bar.
#[derive(Debug, Clone, PartialEq)]
struct Bar {
    label: String,
    killed: u32,
    colour: RGBColor,
}

/// The peacekeepers chart of a run, ready to draw on any backend.
#[derive(Debug, Clone)]
pub(super) struct PeacekeepersChart {
    title: String,
    subtitle: String,
    bars: Vec<Bar>,
    values: ValueAxis,
    legend: Vec<LegendEntry>,
    legend_width: u32,
    y_area: u32,
    note: Option<&'static str>,
    height: u32,
}

/// Whether faction `kind` keeps the peace under a mandate.
fn is_peacekeeping(kind: FactionKind) -> bool {
    matches!(kind, FactionKind::Peacekeeper | FactionKind::RegionalForce)
}

/// The peacekeepers chart of `record`.
pub(super) fn peacekeepers(record: &RunRecord) -> PeacekeepersChart {
    let label_font = font(LABEL_SIZE);
    let factions: Vec<usize> = record
        .theatre
        .factions
        .iter()
        .enumerate()
        .filter(|(_, f)| is_peacekeeping(f.kind))
        .map(|(i, _)| i)
        .collect();
    let mut bars = Vec::new();
    let mut legend = Vec::new();
    for &faction in &factions {
        let mut rows: Vec<(&str, u32)> = record
            .casualties
            .iter()
            .filter(|c| c.faction == faction)
            .map(|c| (c.contingent.as_str(), c.killed))
            .collect();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let name = faction_name(record, faction);
        let colour = faction_colour(record, faction);
        legend.push(LegendEntry::faction(record, faction));
        for (contingent, killed) in rows {
            let label = if contingent.is_empty() {
                name.clone()
            } else {
                format!("{name} — {contingent}")
            };
            bars.push(Bar {
                label: fit(&label_font, &label, MAX_NAME_WIDTH),
                killed,
                colour,
            });
        }
    }
    let most = bars.iter().map(|b| b.killed).max().unwrap_or(0);
    let values = ValueAxis::new(f64::from(most) * (1.0 + VALUE_ROOM), true);
    let note = if factions.is_empty() {
        Some("No peacekeepers killed in this run (no peacekeeping or regional forces)")
    } else if most == 0 {
        Some("No peacekeepers killed in this run")
    } else {
        None
    };
    let widest = bars
        .iter()
        .map(|b| text_width(&label_font, &b.label))
        .max()
        .unwrap_or(0);
    let y_area = (widest + ROW_LABEL_ROOM).max(MIN_ROW_LABEL_AREA);
    let chrome = HEADER_HEIGHT + CHART_TOP + X_LABEL_AREA + CHART_BOTTOM;
    let height = (chrome + ROW_HEIGHT * bars.len().max(2) as u32)
        .max(HEADER_HEIGHT + CHART_TOP + legend_height(&legend) + CHART_BOTTOM)
        .max(MIN_HEIGHT);
    PeacekeepersChart {
        title: title("Peacekeepers killed by contingent", record),
        subtitle: subtitle(record),
        bars,
        values,
        legend_width: legend_width(&legend),
        legend,
        y_area,
        note,
        height,
    }
}

impl PeacekeepersChart {
    /// Size of the image, pixels: taller with more contingents.
    pub fn size(&self) -> (u32, u32) {
        (WIDTH, self.height)
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let (plot, legend) =
            draw_header_split(root, &self.title, &self.subtitle, self.legend_width)?;
        let n = self.bars.len();
        let y_label = |y: &f64| {
            self.bars
                .get(row_at(n, *y))
                .map(|b| b.label.clone())
                .unwrap_or_default()
        };
        let spec = FrameSpec {
            top: CHART_TOP,
            y_area: self.y_area,
            x_label: &|v: &f64| self.values.label(*v),
            y_label: &y_label,
            x_desc: "killed (persons)",
            y_desc: None,
            rows: true,
        };
        let mut chart = draw_frame(&plot, self.values.coord(), rows_axis(n), &spec)?;
        let half = BAR_SHARE / 2.0;
        let rects = self.bars.iter().enumerate().map(|(i, bar)| {
            let centre = row_centre(n, i);
            Rectangle::new(
                [(0.0, centre + half), (f64::from(bar.killed), centre - half)],
                bar.colour.filled(),
            )
        });
        chart.draw_series(rects).map_err(draw_error)?;
        let value_style = text(LABEL_SIZE, INK).pos(Pos::new(HPos::Left, VPos::Center));
        let counts = self.bars.iter().enumerate().map(|(i, bar)| {
            let centre = row_centre(n, i);
            EmptyElement::at((f64::from(bar.killed), centre))
                + Text::new(bar.killed.to_string(), (6, 0), value_style.clone())
        });
        chart.draw_series(counts).map_err(draw_error)?;
        if let Some(note) = self.note {
            let style = text(DESC_SIZE, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
            let centre = (self.values.max / 2.0, n.max(1) as f64 / 2.0);
            chart
                .draw_series(std::iter::once(Text::new(note, centre, style)))
                .map_err(draw_error)?;
        }
        draw_legend(&legend, &self.legend, Swatch::Block)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::plot::tests::minimal_record;
    use crate::run::record::ContingentCasualties;

    #[test]
    fn only_peacekeeping_contingents_get_bars() {
        let mut record = minimal_record();
        assert!(peacekeepers(&record).bars.is_empty());
        assert!(peacekeepers(&record).note.is_some());
        record.theatre.factions[0].kind = FactionKind::Peacekeeper;
        let casualty = |contingent: &str, killed| ContingentCasualties {
            faction: 0,
            contingent: contingent.to_owned(),
            killed,
            wounded: 0,
            captured: 0,
            deserted: 0,
            personnel_end: 0,
            personnel_committed: 0,
            paper_committed: 0,
        };
        record.casualties = vec![
            casualty("Malawi", 1),
            casualty("South Africa", 3),
            ContingentCasualties {
                faction: 1,
                ..casualty("", 9)
            },
        ];
        let chart = peacekeepers(&record);
        let labels: Vec<&str> = chart.bars.iter().map(|b| b.label.as_str()).collect();
        let name = &record.theatre.factions[0].name;
        assert_eq!(
            labels,
            vec![format!("{name} — South Africa"), format!("{name} — Malawi")]
        );
        assert_eq!(chart.note, None);
        assert!(chart.values.max >= 3.0 * (1.0 + VALUE_ROOM));
    }
}
