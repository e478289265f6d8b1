//! Shared look of every plot: the embedded font, text sizes, faction colours, the header
//! (title and subtitle), the legend panel and the error mapping.

use std::fmt::Display;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::register_font;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::Keyed;
use super::lines::TimeValue;
use crate::error::{Error, Result};
use crate::run::RunRecord;
use crate::sim::resources::Theatre;

/// The one font family every text uses, registered from the embedded DejaVu Sans.
pub(super) const FONT: &str = "sans-serif";

/// Text sizes (plotters units: about 1.24 × the em size in pixels).
pub(super) const TITLE_SIZE: f64 = 27.0;
pub(super) const SUBTITLE_SIZE: f64 = 18.0;
pub(super) const DESC_SIZE: f64 = 19.0;
pub(super) const LABEL_SIZE: f64 = 17.0;

/// Height of the header (title and subtitle) above every chart, pixels.
pub(super) const HEADER_HEIGHT: u32 = 66;
/// Left and right page margin, pixels.
pub(super) const PAGE_MARGIN: u32 = 20;
/// Space between the header and the top of the plot frame, pixels.
pub(super) const CHART_TOP: u32 = 12;
/// Height of the area under the plot frame for date labels and the axis description.
pub(super) const X_LABEL_AREA: u32 = 62;
/// Space under the x labels, pixels.
pub(super) const CHART_BOTTOM: u32 = 10;
/// Space between the plot frame and the legend, pixels.
pub(super) const CHART_RIGHT: u32 = 36;

/// Dark grey of titles and labels.
pub(super) const INK: RGBColor = RGBColor(33, 33, 33);
/// Mid grey of subtitles and notes.
pub(super) const MUTED: RGBColor = RGBColor(100, 100, 100);
/// Grid lines at labelled ticks.
pub(super) const GRID: RGBColor = RGBColor(215, 215, 215);
/// Grid lines between labelled ticks.
pub(super) const GRID_LIGHT: RGBColor = RGBColor(238, 238, 238);
/// Frame of the legend.
const LEGEND_BORDER: RGBColor = RGBColor(190, 190, 190);

/// Widest a legend name or row label may be before it is shortened with an ellipsis, pixels.
pub(super) const MAX_NAME_WIDTH: u32 = 300;

/// Colours used when a faction's colour is not `#rrggbb` (Tableau 10).
const FALLBACK: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Register the embedded DejaVu Sans as [`FONT`], once per process.
pub(super) fn ensure_fonts() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        let regular = register_font(FONT, FontStyle::Normal, dejavu::sans::regular()).is_ok();
        let bold = register_font(FONT, FontStyle::Bold, dejavu::sans::bold()).is_ok();
        regular && bold
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Internal(
            "the embedded DejaVu font was rejected".to_owned(),
        ))
    }
}

/// Map a plotters (or encoder) error into the library's error.
pub(super) fn draw_error<E: Display>(e: E) -> Error {
    Error::Internal(format!("drawing a plot: {e}"))
}

/// The regular font at `size`.
pub(super) fn font(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT), size, FontStyle::Normal)
}

/// The bold font at `size`.
pub(super) fn bold(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT), size, FontStyle::Bold)
}

/// Text in the regular font at `size`, coloured `colour`.
pub(super) fn text(size: f64, colour: RGBColor) -> TextStyle<'static> {
    font(size).color(&colour)
}

/// Width of `s` set in `font`, pixels (estimated from its length if layout fails).
pub(super) fn text_width(font: &FontDesc<'_>, s: &str) -> u32 {
    font.box_size(s).map_or_else(
        |_| (s.chars().count() as f64 * font.get_size() * 0.5).ceil() as u32,
        |(w, _)| w,
    )
}

/// `s`, shortened with an ellipsis if it is wider than `max_width` in `font`.
pub(super) fn fit(font: &FontDesc<'_>, s: &str, max_width: u32) -> String {
    if text_width(font, s) <= max_width {
        return s.to_owned();
    }
    // The longest prefix that fits, by bisection over prefix lengths (a longer prefix is never
    // narrower): O(log n) measurements, not one per length (an 8,000-character name took
    // minutes that way).
    let ends: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
    let shortened = |n: usize| format!("{}…", s[..ends[n]].trim_end());
    let (mut fits, mut too_wide) = (0, ends.len());
    while too_wide - fits > 1 {
        let mid = fits + (too_wide - fits) / 2;
        if text_width(font, &shortened(mid)) <= max_width {
            fits = mid;
        } else {
            too_wide = mid;
        }
    }
    if fits == 0 {
        return "…".to_owned();
    }
    shortened(fits)
}

/// `s` broken at spaces into at most `max_lines` lines no wider than `max_width` in `font`;
/// the last line is shortened with an ellipsis if the text does not fit. Two lines are
/// balanced: the break that makes the wider line narrowest is chosen.
pub(super) fn wrap(font: &FontDesc<'_>, s: &str, max_width: u32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut words = s.split_whitespace().peekable();
    while words.peek().is_some() {
        if lines.len() + 1 == max_lines.max(1) {
            let rest: Vec<&str> = words.collect();
            lines.push(fit(font, &rest.join(" "), max_width));
            break;
        }
        let mut line = String::new();
        while let Some(word) = words.peek() {
            let candidate = if line.is_empty() {
                (*word).to_owned()
            } else {
                format!("{line} {word}")
            };
            if line.is_empty() || text_width(font, &candidate) <= max_width {
                line = candidate;
                words.next();
            } else {
                break;
            }
        }
        lines.push(fit(font, &line, max_width));
    }
    if lines.len() == 2 && !lines[1].ends_with('…') {
        let words: Vec<&str> = s.split_whitespace().collect();
        let balanced = (1..words.len())
            .map(|k| (words[..k].join(" "), words[k..].join(" ")))
            .map(|(a, b)| {
                let widest = text_width(font, &a).max(text_width(font, &b));
                (widest, a, b)
            })
            .filter(|(widest, _, _)| *widest <= max_width)
            .min_by_key(|(widest, _, _)| *widest);
        if let Some((_, a, b)) = balanced {
            lines = vec![a, b];
        }
    }
    lines
}

/// The colour of faction `index`: its `#rrggbb`, or a fixed fallback.
pub(super) fn faction_colour(record: &RunRecord, index: usize) -> RGBColor {
    theatre_colour(&record.theatre, index)
}

/// The colour of faction `index` of `theatre`: its `#rrggbb`, or a fixed fallback.
pub(super) fn theatre_colour(theatre: &Theatre, index: usize) -> RGBColor {
    theatre
        .factions
        .get(index)
        .and_then(|f| parse_hex(&f.colour))
        .unwrap_or(FALLBACK[index % FALLBACK.len()])
}

/// The `i`-th colour of a fixed palette of ten (Tableau 10), for things other than factions.
pub(super) fn palette(i: usize) -> RGBColor {
    FALLBACK[i % FALLBACK.len()]
}

/// The display name of faction `index`.
pub(super) fn faction_name(record: &RunRecord, index: usize) -> String {
    record
        .theatre
        .factions
        .get(index)
        .map_or_else(|| format!("faction {index}"), |f| f.name.clone())
}

/// Parse `#rrggbb` (the `#` optional).
fn parse_hex(s: &str) -> Option<RGBColor> {
    let hex = s.trim().trim_start_matches('#');
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some(RGBColor(channel(0)?, channel(2)?, channel(4)?))
}

/// The title of a plot: `what — scenario`.
pub(super) fn title(what: &str, record: &RunRecord) -> String {
    format!("{what} — {}", record.scenario_name)
}

/// The subtitle of every plot: seed and the period covered.
pub(super) fn subtitle(record: &RunRecord) -> String {
    let end = record.samples.last().map_or(0.0, |s| s.hours);
    let format = "%-d %b %Y %H:%M";
    format!(
        "Seed {} · {} to {} · {} factions, {} places",
        record.seed,
        record.datetime(0.0).format(format),
        record.datetime(end).format(format),
        record.theatre.factions.len(),
        record.theatre.places.len()
    )
}

/// Fill `root` white, draw the title and subtitle at its top, and return the area below them.
pub(super) fn draw_header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>> {
    root.fill(&WHITE).map_err(draw_error)?;
    let (width, _) = root.dim_in_pixel();
    let max_width = width.saturating_sub(2 * PAGE_MARGIN);
    let left = PAGE_MARGIN as i32;
    // A long title is set smaller before it is shortened.
    let title_font = [TITLE_SIZE, TITLE_SIZE - 3.0, TITLE_SIZE - 6.0]
        .into_iter()
        .map(bold)
        .find(|f| text_width(f, title) <= max_width)
        .unwrap_or_else(|| bold(TITLE_SIZE - 6.0));
    let title = fit(&title_font, title, max_width);
    root.draw(&Text::new(title, (left, 12), title_font.color(&INK)))
        .map_err(draw_error)?;
    let sub_font = font(SUBTITLE_SIZE);
    let subtitle = fit(&sub_font, subtitle, max_width);
    root.draw(&Text::new(subtitle, (left, 44), sub_font.color(&MUTED)))
        .map_err(draw_error)?;
    Ok(root.split_vertically(HEADER_HEIGHT).1)
}

/// What the single frame of a figure shows around its data.
pub(super) struct FrameSpec<'a> {
    /// Room above the frame, pixels.
    pub top: u32,
    /// Width of the label area left of the frame, pixels.
    pub y_area: u32,
    /// Tick labels of each axis.
    pub x_label: &'a dyn Fn(&f64) -> String,
    pub y_label: &'a dyn Fn(&f64) -> String,
    /// Description of each axis (none for rows of bars, labelled by name).
    pub x_desc: &'a str,
    pub y_desc: Option<&'a str>,
    /// Whether the frame holds rows of bars: no horizontal grid lines, no light vertical ones.
    pub rows: bool,
}

/// The frame of a figure on `plot` (all of it but the margins), over `x` and `y`, with its
/// mesh and axis descriptions drawn.
pub(super) fn draw_frame<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    x: Keyed,
    y: Keyed,
    spec: &FrameSpec<'_>,
) -> Result<ChartContext<'a, DB, TimeValue>> {
    let mut chart = ChartBuilder::on(plot)
        .margin_top(spec.top)
        .margin_bottom(CHART_BOTTOM)
        .margin_left(PAGE_MARGIN)
        .margin_right(CHART_RIGHT)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(spec.y_area)
        .build_cartesian_2d(x, y)
        .map_err(draw_error)?;
    let mut mesh = chart.configure_mesh();
    if spec.rows {
        mesh.disable_y_mesh().light_line_style(TRANSPARENT);
    } else {
        mesh.light_line_style(GRID_LIGHT);
    }
    if let Some(desc) = spec.y_desc {
        mesh.y_desc(desc);
    }
    mesh.x_desc(spec.x_desc)
        .x_label_formatter(spec.x_label)
        .y_label_formatter(spec.y_label)
        .label_style(text(LABEL_SIZE, INK))
        .axis_desc_style(text(DESC_SIZE, INK))
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .draw()
        .map_err(draw_error)?;
    Ok(chart)
}

/// The y axis of `n` rows of bars, the first at the top: a key point at each row's centre.
pub(super) fn rows_axis(n: usize) -> Keyed {
    let centres = (0..n).map(|i| i as f64 + 0.5).collect();
    Keyed::new(0.0..n.max(1) as f64, centres, Vec::new())
}

/// The centre of row `i` from the top of `n` rows: row i is drawn between y = n - i - 1 and
/// n - i.
pub(super) fn row_centre(n: usize, i: usize) -> f64 {
    n as f64 - i as f64 - 0.5
}

/// The row from the top of `n` rows at `y`.
pub(super) fn row_at(n: usize, y: f64) -> usize {
    (n as f64 - y).floor() as usize
}

/// Draw the header on `root` and split the area below it into the plot and, right of it, a
/// legend column `legend_width` pixels wide.
pub(super) fn draw_header_split<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    legend_width: u32,
) -> Result<(DrawingArea<DB, Shift>, DrawingArea<DB, Shift>)> {
    let body = draw_header(root, title, subtitle)?;
    let (width, _) = body.dim_in_pixel();
    Ok(body.split_horizontally(width.saturating_sub(legend_width)))
}

/// How a legend entry shows its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Swatch {
    /// A short thick line (for line plots).
    Line,
    /// A filled block (for bars).
    Block,
    /// A short dashed line (thresholds, cumulative totals).
    Dashed,
    /// A thin dashed line (tracks, lake crossings).
    ThinDashed,
    /// A dotted line (border crossings).
    Dotted,
    /// A filled circle of this radius, pixels (places on a map).
    Dot(u32),
    /// An unfilled ring (contested places).
    Ring,
    /// A line with a cross in its middle (cut routes).
    Cut,
    /// A small upward triangle (events on a time line).
    Triangle,
    /// Nothing: the entry is a note on the entry above.
    Blank,
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LegendEntry {
    /// Display name (already shortened to fit).
    pub name: String,
    /// Colour.
    pub colour: RGBColor,
}

impl LegendEntry {
    /// The entry of faction `index`.
    pub fn faction(record: &RunRecord, index: usize) -> Self {
        Self {
            name: fit(
                &font(LABEL_SIZE),
                &faction_name(record, index),
                MAX_NAME_WIDTH,
            ),
            colour: faction_colour(record, index),
        }
    }

    /// An entry named `name` (shortened to fit) in `colour`.
    pub fn new(name: &str, colour: RGBColor) -> Self {
        Self {
            name: fit(&font(LABEL_SIZE), name, MAX_NAME_WIDTH),
            colour,
        }
    }
}

/// Most rows a legend draws: with more entries it draws the first `MAX_KEY_ROWS − 1` and a
/// note of how many more there are and where to find them (a theatre of 120 factions would
/// otherwise run its legend off the image).
pub(super) const MAX_KEY_ROWS: usize = 16;

/// A legend: a title and entries, each with its own swatch.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Key {
    /// Title, in bold.
    pub title: String,
    /// Entries and how each shows its colour.
    pub entries: Vec<(LegendEntry, Swatch)>,
    /// What the entries are, for the note of those not drawn ("factions").
    pub noun: &'static str,
    /// Where the entries not drawn can be read ("forces.csv"), if anywhere.
    pub see: Option<&'static str>,
}

impl Key {
    /// A key titled `title` with no entries yet.
    pub fn new(title: &str) -> Self {
        Self {
            title: title.to_owned(),
            entries: Vec::new(),
            noun: "entries",
            see: None,
        }
    }

    /// The same key, its entries named `noun` in the note of those not drawn, which says they
    /// are in `see`.
    pub fn of(mut self, noun: &'static str, see: &'static str) -> Self {
        self.noun = noun;
        self.see = Some(see);
        self
    }

    /// The entries drawn: all of them, or the first `MAX_KEY_ROWS − 1` when there are more
    /// than `MAX_KEY_ROWS`.
    pub fn shown(&self) -> &[(LegendEntry, Swatch)] {
        if self.entries.len() > MAX_KEY_ROWS {
            &self.entries[..MAX_KEY_ROWS - 1]
        } else {
            &self.entries
        }
    }

    /// The note in place of the entries not drawn: "+ 105 more factions; see forces.csv".
    pub fn overflow_note(&self) -> Option<String> {
        let hidden = self.entries.len() - self.shown().len();
        (hidden > 0).then(|| match self.see {
            Some(see) => format!("+ {hidden} more {}; see {see}", self.noun),
            None => format!("+ {hidden} more {}", self.noun),
        })
    }

    /// Rows of the frame: the entries drawn and the note.
    fn rows(&self) -> u32 {
        (self.shown().len() + usize::from(self.overflow_note().is_some())) as u32
    }

    /// Add an entry.
    pub fn push(&mut self, entry: LegendEntry, swatch: Swatch) {
        self.entries.push((entry, swatch));
    }

    /// Width of the frame, pixels (0 when there are no entries).
    pub fn frame_width(&self) -> u32 {
        if self.entries.is_empty() {
            return 0;
        }
        let label = font(LABEL_SIZE);
        let names = self
            .shown()
            .iter()
            .map(|(e, _)| text_width(&label, &e.name))
            .max()
            .unwrap_or(0);
        let title = text_width(&bold(LABEL_SIZE), &self.title);
        let note = self
            .overflow_note()
            .map_or(0, |n| text_width(&font(NOTE_SIZE), &n));
        (SWATCH_WIDTH + SWATCH_GAP + names).max(title).max(note) + 2 * LEGEND_PAD
    }

    /// Height of the frame, pixels (0 when there are no entries).
    pub fn height(&self) -> u32 {
        if self.entries.is_empty() {
            0
        } else {
            LEGEND_TITLE_ROW + LEGEND_ROW * self.rows() + LEGEND_PAD
        }
    }

    /// Draw the key in a frame `width` pixels wide whose top left corner is at `(x, top)`.
    pub fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        (x, top): (i32, i32),
        width: u32,
    ) -> Result<()> {
        if self.entries.is_empty() {
            return Ok(());
        }
        let right = x + width as i32;
        let bottom = top + self.height() as i32;
        area.draw(&Rectangle::new([(x, top), (right, bottom)], WHITE.filled()))
            .map_err(draw_error)?;
        area.draw(&Rectangle::new(
            [(x, top), (right, bottom)],
            LEGEND_BORDER.stroke_width(1),
        ))
        .map_err(draw_error)?;
        let pad = x + LEGEND_PAD as i32;
        let title_style = bold(LABEL_SIZE)
            .color(&INK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let title_y = top + LEGEND_TITLE_ROW as i32 / 2 + 2;
        area.draw(&Text::new(self.title.as_str(), (pad, title_y), title_style))
            .map_err(draw_error)?;
        let label = text(LABEL_SIZE, INK).pos(Pos::new(HPos::Left, VPos::Center));
        let row_y =
            |i: usize| top + (LEGEND_TITLE_ROW + LEGEND_ROW * i as u32 + LEGEND_ROW / 2) as i32;
        for (i, (entry, swatch)) in self.shown().iter().enumerate() {
            let y = row_y(i);
            draw_swatch(area, (pad, y), entry.colour, *swatch)?;
            let label_x = pad + (SWATCH_WIDTH + SWATCH_GAP) as i32;
            area.draw(&Text::new(entry.name.as_str(), (label_x, y), label.clone()))
                .map_err(draw_error)?;
        }
        if let Some(note) = self.overflow_note() {
            let style = text(NOTE_SIZE, MUTED).pos(Pos::new(HPos::Left, VPos::Center));
            area.draw(&Text::new(note, (pad, row_y(self.shown().len())), style))
                .map_err(draw_error)?;
        }
        Ok(())
    }
}

const LEGEND_TITLE: &str = "Faction";
/// Size of the note of a legend's entries not drawn.
const NOTE_SIZE: f64 = 15.0;
const LEGEND_PAD: u32 = 12;
const LEGEND_ROW: u32 = 26;
const LEGEND_TITLE_ROW: u32 = 32;
const SWATCH_WIDTH: u32 = 28;
const SWATCH_GAP: u32 = 10;

/// The faction legend of `entries`, all shown with `swatch`.
fn faction_key(entries: &[LegendEntry], swatch: Swatch) -> Key {
    Key {
        title: LEGEND_TITLE.to_owned(),
        entries: entries.iter().map(|e| (e.clone(), swatch)).collect(),
        noun: "entries",
        see: None,
    }
    .of("factions", "forces.csv")
}

/// Width of the legend panel (frame plus the page margin right of it), pixels.
pub(super) fn legend_width(entries: &[LegendEntry]) -> u32 {
    faction_key(entries, Swatch::Line).frame_width() + PAGE_MARGIN
}

/// Height of the legend frame, pixels.
pub(super) fn legend_height(entries: &[LegendEntry]) -> u32 {
    faction_key(entries, Swatch::Line).height()
}

/// Draw the legend in a frame at the top of `area` (which includes the right page margin).
pub(super) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    swatch: Swatch,
) -> Result<()> {
    let (width, _) = area.dim_in_pixel();
    faction_key(entries, swatch).draw(
        area,
        (0, CHART_TOP as i32),
        width.saturating_sub(PAGE_MARGIN),
    )
}

/// Draw one swatch whose left end is at `(x, y)` (vertical centre).
pub(super) fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    colour: RGBColor,
    swatch: Swatch,
) -> Result<()> {
    let x1 = x + SWATCH_WIDTH as i32;
    let mid = (x + x1) / 2;
    let line = [(x, y), (x1, y)];
    match swatch {
        Swatch::Line => area.draw(&PathElement::new(line, colour.stroke_width(3))),
        Swatch::Block => area.draw(&Rectangle::new([(x, y - 8), (x1, y + 8)], colour.filled())),
        Swatch::Dashed => area.draw(&DashedPathElement::new(line, 7, 4, colour.stroke_width(2))),
        Swatch::ThinDashed => {
            area.draw(&DashedPathElement::new(line, 5, 3, colour.stroke_width(1)))
        }
        Swatch::Dotted => area.draw(&DashedPathElement::new(line, 2, 3, colour.stroke_width(2))),
        Swatch::Dot(r) => area.draw(&Circle::new((mid, y), r, colour.filled())),
        Swatch::Ring => area.draw(&Circle::new((mid, y), 9, colour.stroke_width(2))),
        Swatch::Cut => {
            area.draw(&PathElement::new(line, colour.stroke_width(2)))
                .map_err(draw_error)?;
            draw_cross(area, (mid, y), 5, colour)
        }
        Swatch::Triangle => {
            let points = vec![(mid - 6, y + 5), (mid + 6, y + 5), (mid, y - 6)];
            area.draw(&Polygon::new(points, colour.filled()))
        }
        Swatch::Blank => Ok(()),
    }
    .map_err(draw_error)
}

/// Draw an × of half-size `half` centred at `(x, y)`, with a white halo.
pub(super) fn draw_cross<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    half: i32,
    colour: RGBColor,
) -> Result<(), plotters::drawing::DrawingAreaErrorKind<DB::ErrorType>> {
    for (style, extra) in [(WHITE.stroke_width(5), 1), (colour.stroke_width(2), 0)] {
        let h = half + extra;
        area.draw(&PathElement::new(
            vec![(x - h, y - h), (x + h, y + h)],
            style,
        ))?;
        area.draw(&PathElement::new(
            vec![(x - h, y + h), (x + h, y - h)],
            style,
        ))?;
    }
    Ok(())
}

/// The chart of a panel: f64 coordinates on both axes.
pub type PanelChart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// A chart of one panel in a grid of panels (the hindcast's, the calibration's and the
/// experiment's): its coordinates and how its axes are labelled.
pub struct PanelAxes<'f> {
    /// The x range.
    pub x: std::ops::Range<f64>,
    /// The y range.
    pub y: std::ops::Range<f64>,
    /// The label of an x tick.
    pub x_label: &'f dyn Fn(&f64) -> String,
    /// The label of a y tick.
    pub y_label: &'f dyn Fn(&f64) -> String,
    /// What the x axis shows, with its unit.
    pub x_desc: &'f str,
    /// What the y axis shows, with its unit.
    pub y_desc: &'f str,
    /// Width of the area left of the plot for the y labels and description, pixels.
    pub y_area: u32,
    /// Whether vertical grid lines are drawn (not under a histogram's bars).
    pub x_grid: bool,
}

/// A panel's chart on `area` under `caption` (already fitted to the panel's width): the same
/// margins, grid, five x and four y labels, fonts and colours in every grid of panels.
pub fn panel_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    caption: String,
    axes: PanelAxes<'_>,
) -> Result<PanelChart<'a, DB>> {
    let mut chart = ChartBuilder::on(area)
        .caption(caption, text(LABEL_SIZE, INK))
        .margin(6)
        .margin_right(14)
        .x_label_area_size(42)
        .y_label_area_size(axes.y_area)
        .build_cartesian_2d(axes.x, axes.y)
        .map_err(draw_error)?;
    let mut mesh = chart.configure_mesh();
    if !axes.x_grid {
        mesh.disable_x_mesh();
    }
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .x_labels(5)
        .y_labels(4)
        .x_label_formatter(axes.x_label)
        .y_label_formatter(axes.y_label)
        .x_desc(axes.x_desc)
        .y_desc(axes.y_desc)
        .label_style(font(LABEL_SIZE - 3.0).color(&INK))
        .axis_desc_style(font(LABEL_SIZE - 3.0).color(&INK))
        .axis_style(MUTED)
        .draw()
        .map_err(draw_error)?;
    Ok(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hex_colours() {
        assert_eq!(parse_hex("#1f5fbf"), Some(RGBColor(0x1f, 0x5f, 0xbf)));
        assert_eq!(parse_hex("D62728"), Some(RGBColor(0xd6, 0x27, 0x28)));
        assert_eq!(parse_hex("#12345"), None);
        assert_eq!(parse_hex("#gggggg"), None);
        assert_eq!(parse_hex("#ééé"), None);
    }

    #[test]
    fn fit_shortens_long_text_only() {
        ensure_fonts().ok();
        let f = font(LABEL_SIZE);
        assert_eq!(fit(&f, "Goma", 200), "Goma");
        let long = "A very long faction name that goes on and on and on";
        let short = fit(&f, long, 120);
        assert!(short.ends_with('…'));
        assert!(text_width(&f, &short) <= 120);
    }

    #[test]
    fn wrap_breaks_at_spaces_and_shortens_the_last_line() {
        ensure_fonts().ok();
        let f = font(LABEL_SIZE);
        assert_eq!(wrap(&f, "Regional war", 300, 2), vec!["Regional war"]);
        let lines = wrap(&f, "Peacekeepers killed and diplomatic rupture", 200, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| text_width(&f, l) <= 200), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            "Peacekeepers killed and diplomatic rupture"
        );
        let lines = wrap(
            &f,
            "one two three four five six seven eight nine ten",
            60,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(wrap(&f, "", 100, 2).is_empty());
    }
}
