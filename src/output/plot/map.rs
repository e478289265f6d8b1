//! The theatre map: small multiples of the places and routes at the start, at each capture of
//! a city and at the end. Places sit at their latitude and longitude (equirectangular, with
//! longitude scaled by the cosine of the mean latitude so distances look right), coloured by
//! the faction holding them; routes are drawn by kind, and marked when cut; the scenario's
//! outlines (lakes, borders, rivers) are drawn under them. Each panel has a scale bar in km and
//! a north arrow.
//!
//! An ensemble gets its own map ([`ensemble_map`]): the faction most likely to hold each place
//! at the end, and the share of runs in which each place changed hands, shaded.

use std::collections::BTreeSet;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::fan::{ensemble_subtitle, ensemble_title, span};
use super::theme::theatre_colour;
use super::theme::{
    CHART_BOTTOM, CHART_TOP, DESC_SIZE, HEADER_HEIGHT, INK, Key, LABEL_SIZE, LegendEntry, MUTED,
    PAGE_MARGIN, Swatch, bold, draw_cross, draw_error, draw_header, faction_name, fit, font,
    subtitle, text, text_width, title,
};
use crate::error::Result;
use crate::run::RunRecord;
use crate::run::ensemble::EnsembleRecord;
use crate::scenario::{OutlineKind, PlaceKind, RouteKind};
use crate::sim::resources::Theatre;

/// Width of the image, pixels.
const WIDTH: u32 = 1500;
/// Tallest the image grows before the panels are made smaller, pixels.
const MAX_HEIGHT: u32 = 1750;
/// Most panels: the start, up to [`MAX_CAPTURES`] city captures and the end.
const MAX_CAPTURES: usize = 4;
/// Share of the largest possible map scale a layout with fewer rows may settle for.
const NEARLY: f64 = 0.85;
/// Space between panels, and between the panels and the keys, pixels.
const GAP: u32 = 18;
/// Room above each map for its title, pixels.
const PANEL_TITLE: u32 = 30;
/// Room below each map for its scale bar and north arrow, pixels.
const PANEL_FOOTER: u32 = 34;
/// Least space between a place and the edge of its map, pixels.
const PAD: f64 = 22.0;
/// Greatest height of a map, pixels.
const MAX_MAP_HEIGHT: u32 = 900;
/// Least height of a map, pixels.
const MIN_MAP_HEIGHT: u32 = 180;
/// Extent of a theatre with a single place (or none), km.
const MIN_SPAN_KM: f64 = 10.0;
/// Kilometres per degree of latitude (and of longitude at the equator).
const KM_PER_DEGREE: f64 = 111.2;
/// Size of place names (plotters units).
const NAME_SIZE: f64 = 14.0;
/// Space between a marker and its name, pixels.
const NAME_GAP: i32 = 3;
/// Cost of a name lying across a route (it stays legible on its white ground).
const ROUTE_CROSSING: f64 = 10.0;
/// Cost of a name crossed by a leader line.
const LEADER_CROSSING: f64 = 40.0;
/// Least space kept between a name and the edge of the map, pixels.
const NAME_MARGIN: i32 = 2;

/// Background of a map.
const LAND: RGBColor = RGBColor(248, 247, 243);
/// Frame of a map.
const FRAME: RGBColor = RGBColor(190, 190, 190);
/// Colour of roads and tracks.
const ROAD: RGBColor = RGBColor(120, 120, 120);
/// Colour of lake crossings.
const LAKE: RGBColor = RGBColor(52, 125, 196);
/// Colour of border crossings.
const BORDER: RGBColor = RGBColor(80, 80, 80);
/// Colour of cut routes.
const CUT: RGBColor = RGBColor(190, 0, 0);
/// Colour of places nobody is recorded as holding.
const UNKNOWN: RGBColor = RGBColor(160, 160, 160);
/// Fill of lakes.
const WATER: RGBColor = RGBColor(200, 222, 240);
/// Shore of lakes and rivers.
const SHORE: RGBColor = RGBColor(110, 160, 205);
/// International borders.
const FRONTIER: RGBColor = RGBColor(140, 80, 150);
/// Shades of the share of runs in which a place changed hands: upper bound of each bin (a
/// share of 0 is the first bin) and its colour (a purple ramp, apart from every faction's hue).
const SHARE_BINS: [(f64, &str, RGBColor); 5] = [
    (0.0, "never", RGBColor(218, 218, 235)),
    (0.10, "up to 10%", RGBColor(188, 189, 220)),
    (0.50, "10–50%", RGBColor(158, 154, 200)),
    (0.90, "50–90%", RGBColor(117, 107, 177)),
    (1.0, "over 90%", RGBColor(84, 39, 143)),
];

/// A rectangle in pixels: left, top, right, bottom.
type Box2 = (f64, f64, f64, f64);

/// One panel: the state of the theatre at one sample.
#[derive(Debug, Clone, PartialEq)]
struct Panel {
    title: String,
    /// Faction holding each place, if known.
    holder: Vec<Option<usize>>,
    /// Each place's fill instead of its holder's colour (the ensemble's shares).
    shade: Option<Vec<RGBColor>>,
    /// Whether each place is contested.
    contested: Vec<bool>,
    /// Whether each route is cut.
    cut: Vec<bool>,
}

/// Where a place's name goes, relative to the map.
#[derive(Debug, Clone, PartialEq)]
struct Label {
    text: String,
    /// Top left corner, pixels.
    at: (i32, i32),
    /// A leader line from the marker to the name, when the name had to move away.
    leader: Option<((i32, i32), (i32, i32))>,
    bold: bool,
}

/// The size and arrangement of the panels, and the projection of every map.
#[derive(Debug, Clone, PartialEq)]
struct Layout {
    cols: usize,
    rows: usize,
    panel_width: u32,
    map_height: u32,
    /// Pixels per km.
    scale: f64,
    /// Scale bar: length in km and pixels.
    bar: (f64, i32),
}

/// The theatre map of a run, ready to draw on any backend.
#[derive(Debug, Clone)]
pub(super) struct MapChart {
    title: String,
    subtitle: String,
    /// Each place's marker position on a map, pixels.
    points: Vec<(i32, i32)>,
    /// Each place's marker radius, pixels.
    radii: Vec<i32>,
    labels: Vec<Label>,
    routes: Vec<(usize, usize, RouteKind)>,
    /// Outlines in map pixels, clipped to the map: each kind with its pieces.
    outlines: Vec<(OutlineKind, Vec<Vec<(i32, i32)>>)>,
    panels: Vec<Panel>,
    colours: Vec<RGBColor>,
    faction_key: Key,
    map_key: Key,
    key_width: u32,
    layout: Layout,
    height: u32,
}

/// The theatre map of `record`.
pub(super) fn map(record: &RunRecord) -> MapChart {
    let panels = panels(record);
    build(
        &record.theatre,
        title("Theatre map", record),
        subtitle(record),
        panels,
        "Held by",
        None,
    )
}

/// The theatre map of `record` on day `day` alone: one panel, of the first sample at or after
/// the start of that day (the last sample if the run ended before it), drawn as the run's map
/// draws each of its panels. What `strife serve`'s time slider shows.
///
/// With `shares` (each place's share of an ensemble's runs in which the faction holding it in
/// this run holds it on that day), a second panel shades each place by that share.
pub(super) fn day_map(record: &RunRecord, day: f64, shares: Option<&[f64]>) -> MapChart {
    let samples = &record.samples;
    let at = samples
        .iter()
        .position(|s| s.hours >= day * 24.0 - 1e-9)
        .or_else(|| samples.len().checked_sub(1));
    let panels = match at {
        Some(index) => {
            let hours = samples[index].hours;
            let date = record.datetime(hours).format("%-d %b %Y %H:%M");
            let panel = panel_at(
                record,
                index,
                format!("Day {:.0}, {date}", (hours / 24.0).floor()),
            );
            match shares {
                Some(shares) => {
                    let shaded = Panel {
                        title: "Share of runs in which the same faction holds each place"
                            .to_owned(),
                        shade: Some(shares.iter().map(|&s| share_colour(s)).collect()),
                        ..panel.clone()
                    };
                    vec![panel, shaded]
                }
                None => vec![panel],
            }
        }
        None => panels(record),
    };
    build(
        &record.theatre,
        title("Theatre map", record),
        subtitle(record),
        panels,
        "Held by",
        shares.map(|s| (s.to_vec(), "same holder")),
    )
}

/// The theatre map of an ensemble: the faction most likely to hold each place at the end
/// (routes whose ends are likely held by different sides marked as cut), and the share of
/// runs in which each place changed hands at least once.
pub(super) fn ensemble_map(e: &EnsembleRecord) -> MapChart {
    let theatre = &e.theatre;
    let n = e.runs.len();
    let places = theatre.places.len();
    let holder: Vec<Option<usize>> = (0..places)
        .map(|p| {
            let mut counts = vec![0usize; theatre.factions.len()];
            for r in &e.runs {
                if let Some(&f) = r.holder_end.get(p)
                    && f < counts.len()
                {
                    counts[f] += 1;
                }
            }
            // The most likely holder; ties go to the faction listed first.
            let best = counts.iter().copied().max().unwrap_or(0);
            (best > 0)
                .then(|| counts.iter().position(|&c| c == best))
                .flatten()
        })
        .collect();
    let contested = vec![false; places];
    let cut = cut_routes(theatre, &holder, &contested);
    let shares: Vec<f64> = (0..places)
        .map(|p| {
            let k = e
                .runs
                .iter()
                .filter(|r| r.first_capture_day.get(p).copied().flatten().is_some())
                .count();
            k as f64 / n.max(1) as f64
        })
        .collect();
    let shade = shares.iter().map(|&s| share_colour(s)).collect();
    let end = Panel {
        title: "Most likely holder at the end".to_owned(),
        holder: holder.clone(),
        shade: None,
        contested: contested.clone(),
        cut,
    };
    let changed = Panel {
        title: format!(
            "Share of the {} runs in which each place changed hands",
            crate::output::thousands(n as i64)
        ),
        holder,
        shade: Some(shade),
        contested,
        cut: vec![false; theatre.routes.len()],
    };
    build(
        theatre,
        ensemble_title("Theatre map", e),
        ensemble_subtitle(e, &span(e), "their last state counts as the end"),
        vec![end, changed],
        "Most likely holder",
        Some((shares, "changed hands")),
    )
}

/// The colour of a share of runs, from [`SHARE_BINS`].
fn share_colour(share: f64) -> RGBColor {
    SHARE_BINS
        .iter()
        .find(|(upper, ..)| share <= *upper + 1e-12)
        .map_or(SHARE_BINS[SHARE_BINS.len() - 1].2, |b| b.2)
}

/// The map of `theatre` with `panels`; `shares` when a panel is shaded by share of runs, with
/// what the share is of (the key's words: "changed hands").
fn build(
    theatre: &Theatre,
    title: String,
    subtitle: String,
    panels: Vec<Panel>,
    holder_title: &str,
    shares: Option<(Vec<f64>, &str)>,
) -> MapChart {
    let colours = (0..theatre.factions.len())
        .map(|f| theatre_colour(theatre, f))
        .collect();
    // Every route, in scenario order (as the panels' cut flags are); any whose ends are not
    // places are left out when drawn.
    let routes: Vec<(usize, usize, RouteKind)> =
        theatre.routes.iter().map(|r| (r.a, r.b, r.kind)).collect();

    let holders: BTreeSet<usize> = panels
        .iter()
        .flat_map(|p| p.holder.iter().flatten().copied())
        .filter(|&f| f < theatre.factions.len())
        .collect();
    let mut faction_key = Key::new(holder_title).of("factions", "control.csv");
    for &f in &holders {
        faction_key.push(
            LegendEntry::new(&theatre.factions[f].name, theatre_colour(theatre, f)),
            Swatch::Dot(7),
        );
    }
    let map_key = map_key(
        theatre,
        &routes,
        &panels,
        shares.as_ref().map(|(s, what)| (s.as_slice(), *what)),
    );
    let key_width = faction_key.frame_width().max(map_key.frame_width()) + PAGE_MARGIN;

    let projection = Projection::new(theatre);
    let km: Vec<(f64, f64)> = theatre
        .places
        .iter()
        .map(|p| projection.km(p.lat, p.lon))
        .collect();
    let layout = layout(&km, panels.len(), key_width);
    let points = place_points(&km, &layout);
    let outlines = outline_pixels(theatre, &projection, &km, &layout);
    let radii: Vec<i32> = theatre.places.iter().map(|p| radius(p.kind)).collect();
    let labels = place_labels(theatre, &points, &radii, &routes, &layout);
    let keys_height =
        faction_key.height() + if map_key.height() > 0 { GAP } else { 0 } + map_key.height();
    let grid = layout.rows as u32 * (PANEL_TITLE + layout.map_height + PANEL_FOOTER)
        + (layout.rows as u32).saturating_sub(1) * GAP;
    let height = HEADER_HEIGHT + CHART_TOP + grid.max(keys_height) + CHART_BOTTOM;
    MapChart {
        title,
        subtitle,
        points,
        radii,
        labels,
        routes,
        outlines,
        panels,
        colours,
        faction_key,
        map_key,
        key_width,
        layout,
        height,
    }
}

/// The panels of `record`: the start, the first city captures, and the end.
fn panels(record: &RunRecord) -> Vec<Panel> {
    let samples = &record.samples;
    let date = |hours: f64| record.datetime(hours).format("%-d %b %Y").to_string();
    let Some(last) = samples.len().checked_sub(1) else {
        return vec![Panel {
            title: "Theatre (no samples recorded)".to_owned(),
            holder: vec![None; record.theatre.places.len()],
            shade: None,
            contested: vec![false; record.theatre.places.len()],
            cut: vec![false; record.theatre.routes.len()],
        }];
    };
    let mut chosen: Vec<(usize, String)> = vec![(0, format!("Start, {}", date(samples[0].hours)))];
    let captures = record.captures.iter().filter(|c| {
        record
            .theatre
            .places
            .get(c.place)
            .is_some_and(|p| p.kind == PlaceKind::City)
    });
    for capture in captures.take(MAX_CAPTURES) {
        let Some(index) = samples.iter().position(|s| s.hours >= capture.hours - 1e-9) else {
            continue;
        };
        let place = record
            .theatre
            .places
            .get(capture.place)
            .map_or("?", |p| p.name.as_str());
        let title = format!(
            "{place} taken by {}, {}",
            faction_name(record, capture.by),
            date(capture.hours)
        );
        chosen.push((index, title));
    }
    let several = chosen.len() > 1;
    match chosen.last_mut() {
        Some((index, title)) if *index == last && several => {
            title.push_str(" (end)");
        }
        Some((index, _)) if *index == last => {}
        _ => chosen.push((last, format!("End, {}", date(samples[last].hours)))),
    }
    chosen
        .into_iter()
        .map(|(index, title)| panel_at(record, index, title))
        .collect()
}

/// The panel of sample `index`.
fn panel_at(record: &RunRecord, index: usize, title: String) -> Panel {
    let theatre = &record.theatre;
    let sample = &record.samples[index];
    let n = theatre.places.len();
    let holder: Vec<Option<usize>> = (0..n)
        .map(|p| {
            sample
                .control
                .get(p)
                .copied()
                .filter(|&f| f < theatre.factions.len())
        })
        .collect();
    let contested: Vec<bool> = (0..n)
        .map(|p| sample.contested.get(p).copied().unwrap_or(false))
        .collect();
    let cut = cut_routes(theatre, &holder, &contested);
    Panel {
        title,
        holder,
        shade: None,
        contested,
        cut,
    }
}

/// Whether each route is cut: an end contested, or its ends held by different sides.
fn cut_routes(theatre: &Theatre, holder: &[Option<usize>], contested: &[bool]) -> Vec<bool> {
    let n = holder.len().min(contested.len());
    let side = |p: usize| holder[p].and_then(|f| theatre.factions.get(f).map(|f| f.side));
    theatre
        .routes
        .iter()
        .map(|r| r.a < n && r.b < n && (contested[r.a] || contested[r.b] || side(r.a) != side(r.b)))
        .collect()
}

/// The key of the map's symbols: the shades of the share of runs (if any), the outlines, the
/// kinds of route present, cut routes, contested places and marker sizes.
fn map_key(
    theatre: &Theatre,
    routes: &[(usize, usize, RouteKind)],
    panels: &[Panel],
    shares: Option<(&[f64], &str)>,
) -> Key {
    let mut key = Key::new("Map");
    if let Some((_, what)) = shares {
        for (_, name, colour) in SHARE_BINS {
            key.push(
                LegendEntry::new(&format!("{what}: {name}"), colour),
                Swatch::Dot(7),
            );
        }
    }
    for outline in &theatre.outlines {
        let swatch = match outline.kind {
            OutlineKind::Lake => (WATER, Swatch::Block),
            OutlineKind::Border => (FRONTIER, Swatch::Dashed),
            OutlineKind::River => (SHORE, Swatch::Line),
        };
        key.push(LegendEntry::new(&outline.name, swatch.0), swatch.1);
    }
    let kinds: Vec<RouteKind> = routes.iter().map(|r| r.2).collect();
    let entries = [
        (RouteKind::Road, "road", ROAD, Swatch::Line),
        (RouteKind::Track, "track", ROAD, Swatch::ThinDashed),
        (RouteKind::Lake, "lake crossing", LAKE, Swatch::Dashed),
        (RouteKind::Border, "border crossing", BORDER, Swatch::Dotted),
    ];
    for (kind, name, colour, swatch) in entries {
        if kinds.contains(&kind) {
            key.push(LegendEntry::new(name, colour), swatch);
        }
    }
    if panels.iter().any(|p| p.cut.iter().any(|&c| c)) {
        key.push(LegendEntry::new("cut route (front line)", CUT), Swatch::Cut);
    }
    if panels.iter().any(|p| p.contested.iter().any(|&c| c)) {
        key.push(LegendEntry::new("contested place", INK), Swatch::Ring);
    }
    let places = &theatre.places;
    if places.iter().any(|p| p.kind == PlaceKind::City) {
        key.push(
            LegendEntry::new("city", UNKNOWN),
            Swatch::Dot(radius(PlaceKind::City) as u32),
        );
    }
    if places.iter().any(|p| p.kind == PlaceKind::Town) {
        key.push(
            LegendEntry::new("town", UNKNOWN),
            Swatch::Dot(radius(PlaceKind::Town) as u32),
        );
    }
    if places
        .iter()
        .any(|p| !matches!(p.kind, PlaceKind::City | PlaceKind::Town))
    {
        key.push(
            LegendEntry::new("other place", UNKNOWN),
            Swatch::Dot(radius(PlaceKind::Camp) as u32),
        );
    }
    key
}

/// Marker radius of a kind of place, pixels.
fn radius(kind: PlaceKind) -> i32 {
    match kind {
        PlaceKind::City => 9,
        PlaceKind::Town => 6,
        _ => 5,
    }
}

/// The projection of a theatre: km east and north of the south-west corner of its places,
/// equirectangular, with longitude scaled by the cosine of the places' mean latitude.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Projection {
    min_lat: f64,
    min_lon: f64,
    cos: f64,
}

impl Projection {
    /// The projection fitted to `theatre`'s places (coordinates that are not finite count as
    /// (0, 0)).
    fn new(theatre: &Theatre) -> Self {
        let finite: Vec<(f64, f64)> = theatre
            .places
            .iter()
            .map(|p| finite_or_origin(p.lat, p.lon))
            .collect();
        if finite.is_empty() {
            return Self {
                min_lat: 0.0,
                min_lon: 0.0,
                cos: 1.0,
            };
        }
        let mean_lat = finite.iter().map(|p| p.0).sum::<f64>() / finite.len() as f64;
        Self {
            min_lat: finite.iter().map(|p| p.0).fold(f64::INFINITY, f64::min),
            min_lon: finite.iter().map(|p| p.1).fold(f64::INFINITY, f64::min),
            cos: mean_lat.to_radians().cos().abs().max(0.01),
        }
    }

    /// A point in km east and north of the corner.
    fn km(&self, lat: f64, lon: f64) -> (f64, f64) {
        let (lat, lon) = finite_or_origin(lat, lon);
        (
            (lon - self.min_lon) * KM_PER_DEGREE * self.cos,
            (lat - self.min_lat) * KM_PER_DEGREE,
        )
    }
}

fn finite_or_origin(lat: f64, lon: f64) -> (f64, f64) {
    if lat.is_finite() && lon.is_finite() {
        (lat, lon)
    } else {
        (0.0, 0.0)
    }
}

/// Every place of `record` in km east and north of the south-west corner of the theatre.
#[cfg(test)]
fn project(record: &RunRecord) -> Vec<(f64, f64)> {
    let projection = Projection::new(&record.theatre);
    record
        .theatre
        .places
        .iter()
        .map(|p| projection.km(p.lat, p.lon))
        .collect()
}

/// The extent of `km`: width and height, km, at least [`MIN_SPAN_KM`] each.
fn spans(km: &[(f64, f64)]) -> (f64, f64) {
    let max_x = km.iter().map(|p| p.0).fold(0.0, f64::max);
    let max_y = km.iter().map(|p| p.1).fold(0.0, f64::max);
    (max_x.max(MIN_SPAN_KM), max_y.max(MIN_SPAN_KM))
}

/// The arrangement of `n` panels that shows the theatre largest within the image.
fn layout(km: &[(f64, f64)], n: usize, key_width: u32) -> Layout {
    let (span_x, span_y) = spans(km);
    let n = n.max(1);
    let avail = WIDTH.saturating_sub(PAGE_MARGIN + GAP + key_width);
    let fixed_height = HEADER_HEIGHT + CHART_TOP + CHART_BOTTOM;
    let candidates = (1..=n).map(|cols| {
        let rows = n.div_ceil(cols);
        let panel_width = avail.saturating_sub((cols as u32 - 1) * GAP) / cols as u32;
        let chrome = rows as u32 * (PANEL_TITLE + PANEL_FOOTER) + (rows as u32 - 1) * GAP;
        let map_max =
            (MAX_HEIGHT.saturating_sub(fixed_height + chrome) / rows as u32).min(MAX_MAP_HEIGHT);
        let by_width = (f64::from(panel_width) - 2.0 * PAD) / span_x;
        let by_height = (f64::from(map_max) - 2.0 * PAD) / span_y;
        (cols, rows, panel_width, by_width.min(by_height).max(0.01))
    });
    let candidates: Vec<(usize, usize, u32, f64)> = candidates.collect();
    // The fewest rows whose maps are nearly as large as the largest possible: a compact
    // figure without empty cells beats slightly larger maps.
    let largest = candidates.iter().map(|c| c.3).fold(0.0, f64::max);
    let (cols, rows, panel_width, scale) = candidates
        .iter()
        .filter(|c| c.3 >= NEARLY * largest)
        .min_by(|a, b| a.1.cmp(&b.1).then(b.3.total_cmp(&a.3)))
        .copied()
        .unwrap_or((1, 1, avail, 1.0));
    let map_height = if km.is_empty() {
        MIN_MAP_HEIGHT
    } else {
        ((span_y * scale + 2.0 * PAD).ceil() as u32).max(MIN_MAP_HEIGHT)
    };
    Layout {
        cols,
        rows,
        panel_width,
        map_height,
        scale,
        bar: scale_bar(scale, f64::from(panel_width) / 3.0),
    }
}

/// The longest round length (1, 2 or 5 times a power of ten km) no longer than `max_px`.
fn scale_bar(scale: f64, max_px: f64) -> (f64, i32) {
    let max_km = max_px / scale;
    let magnitude = 10f64.powf(max_km.log10().floor());
    let km = [5.0, 2.0, 1.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&k| k <= max_km)
        .unwrap_or(magnitude);
    (km, (km * scale).round() as i32)
}

/// Each place's marker position on a map, pixels from the map's top left corner; the theatre
/// is centred in the map.
fn place_points(km: &[(f64, f64)], layout: &Layout) -> Vec<(i32, i32)> {
    let to_pixels = pixels(km, layout);
    km.iter()
        .map(|&p| {
            let (x, y) = to_pixels(p);
            (x.round() as i32, y.round() as i32)
        })
        .collect()
}

/// The map's pixel position of a point in km, for a theatre whose places are at `km`.
fn pixels(km: &[(f64, f64)], layout: &Layout) -> impl Fn((f64, f64)) -> (f64, f64) + use<> {
    let max_x = km.iter().map(|p| p.0).fold(0.0, f64::max);
    let max_y = km.iter().map(|p| p.1).fold(0.0, f64::max);
    let scale = layout.scale;
    let left = (f64::from(layout.panel_width) - max_x * scale) / 2.0;
    let top = (f64::from(layout.map_height) - max_y * scale) / 2.0;
    move |(x, y)| (left + x * scale, top + (max_y - y) * scale)
}

/// The scenario's outlines in map pixels, clipped to the map: a lake as one closed polygon, a
/// border or river as the pieces of its line inside the map.
fn outline_pixels(
    theatre: &Theatre,
    projection: &Projection,
    km: &[(f64, f64)],
    layout: &Layout,
) -> Vec<(OutlineKind, Vec<Vec<(i32, i32)>>)> {
    let to_pixels = pixels(km, layout);
    let bounds = (
        0.0,
        0.0,
        f64::from(layout.panel_width) - 1.0,
        f64::from(layout.map_height) - 1.0,
    );
    let round = |piece: Vec<(f64, f64)>| -> Vec<(i32, i32)> {
        piece
            .into_iter()
            .map(|(x, y)| (x.round() as i32, y.round() as i32))
            .collect()
    };
    theatre
        .outlines
        .iter()
        .map(|o| {
            let points: Vec<(f64, f64)> = o
                .points
                .iter()
                .map(|&(lat, lon)| to_pixels(projection.km(lat, lon)))
                .collect();
            let pieces = match o.kind {
                OutlineKind::Lake => {
                    let polygon = clip_polygon(&points, &bounds);
                    if polygon.len() >= 3 {
                        vec![round(polygon)]
                    } else {
                        Vec::new()
                    }
                }
                OutlineKind::Border | OutlineKind::River => {
                    clip_line(&points, &bounds).into_iter().map(round).collect()
                }
            };
            (o.kind, pieces)
        })
        .collect()
}

/// The part of the segment from `p` to `q` inside box `b`, if any (Liang–Barsky).
fn clip_segment(b: &Box2, p: (f64, f64), q: (f64, f64)) -> Option<Segment> {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let mut t0 = 0.0f64;
    let mut t1 = 1.0f64;
    for (den, num) in [
        (-dx, p.0 - b.0),
        (dx, b.2 - p.0),
        (-dy, p.1 - b.1),
        (dy, b.3 - p.1),
    ] {
        if den == 0.0 {
            if num < 0.0 {
                return None;
            }
        } else {
            let t = num / den;
            if den < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
            if t0 > t1 {
                return None;
            }
        }
    }
    let at = |t: f64| (p.0 + t * dx, p.1 + t * dy);
    Some((at(t0), at(t1)))
}

/// The pieces of the polyline `points` inside box `b`.
fn clip_line(points: &[(f64, f64)], b: &Box2) -> Vec<Vec<(f64, f64)>> {
    let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for pair in points.windows(2) {
        match clip_segment(b, pair[0], pair[1]) {
            Some((from, to)) => {
                if current.last() != Some(&from) {
                    if current.len() >= 2 {
                        pieces.push(std::mem::take(&mut current));
                    }
                    current = vec![from];
                }
                current.push(to);
            }
            None => {
                if current.len() >= 2 {
                    pieces.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        pieces.push(current);
    }
    pieces
}

/// The closed polygon `points` clipped to box `b` (Sutherland–Hodgman).
fn clip_polygon(points: &[(f64, f64)], b: &Box2) -> Vec<(f64, f64)> {
    type Inside = fn(&Box2, (f64, f64)) -> bool;
    type Cross = fn(&Box2, (f64, f64), (f64, f64)) -> (f64, f64);
    let edges: [(Inside, Cross); 4] = [
        (
            |b, p| p.0 >= b.0,
            |b, p, q| {
                let t = (b.0 - p.0) / (q.0 - p.0);
                (b.0, p.1 + t * (q.1 - p.1))
            },
        ),
        (
            |b, p| p.0 <= b.2,
            |b, p, q| {
                let t = (b.2 - p.0) / (q.0 - p.0);
                (b.2, p.1 + t * (q.1 - p.1))
            },
        ),
        (
            |b, p| p.1 >= b.1,
            |b, p, q| {
                let t = (b.1 - p.1) / (q.1 - p.1);
                (p.0 + t * (q.0 - p.0), b.1)
            },
        ),
        (
            |b, p| p.1 <= b.3,
            |b, p, q| {
                let t = (b.3 - p.1) / (q.1 - p.1);
                (p.0 + t * (q.0 - p.0), b.3)
            },
        ),
    ];
    let mut out: Vec<(f64, f64)> = points.to_vec();
    for (inside, cross) in edges {
        let input = std::mem::take(&mut out);
        let Some(&last) = input.last() else {
            break;
        };
        let mut prev = last;
        for &p in &input {
            match (inside(b, p), inside(b, prev)) {
                (true, true) => out.push(p),
                (true, false) => {
                    out.push(cross(b, prev, p));
                    out.push(p);
                }
                (false, true) => out.push(cross(b, prev, p)),
                (false, false) => {}
            }
            prev = p;
        }
    }
    out
}

/// A segment between two points, pixels.
type Segment = ((f64, f64), (f64, f64));

/// What a name must keep clear of on a map.
struct Obstacles {
    /// The map, less a margin.
    bounds: Box2,
    /// Every marker's box.
    markers: Vec<Box2>,
    /// Every route.
    routes: Vec<Segment>,
}

/// A name's text and size, and where its place is.
struct Name {
    text: String,
    bold: bool,
    size: (f64, f64),
    centre: (f64, f64),
    /// Marker radius plus the gap to the name, pixels.
    reach: f64,
}

/// A name's chosen box, and whether it stands away from its place (with a leader line).
type Spot = (Box2, bool);

/// Place names where they overlap the fewest other names, markers, routes and leader lines,
/// inside the map: first greedily (cities and the most populous first), then twice more
/// moving each name to its best spot given all the others. A name moved away from its place
/// gets a leader line.
fn place_labels(
    theatre: &Theatre,
    points: &[(i32, i32)],
    radii: &[i32],
    routes: &[(usize, usize, RouteKind)],
    layout: &Layout,
) -> Vec<Label> {
    let places = &theatre.places;
    let point = |i: usize| (f64::from(points[i].0), f64::from(points[i].1));
    let obstacles = Obstacles {
        bounds: (
            f64::from(NAME_MARGIN),
            f64::from(NAME_MARGIN),
            f64::from(layout.panel_width as i32 - NAME_MARGIN),
            f64::from(layout.map_height as i32 - NAME_MARGIN),
        ),
        markers: (0..points.len())
            .map(|i| {
                let ((x, y), r) = (point(i), f64::from(radii[i] + 2));
                (x - r, y - r, x + r, y + r)
            })
            .collect(),
        routes: routes
            .iter()
            .filter(|&&(a, b, _)| a < points.len() && b < points.len())
            .map(|&(a, b, _)| (point(a), point(b)))
            .collect(),
    };
    let names: Vec<Name> = places
        .iter()
        .enumerate()
        .map(|(i, place)| {
            let is_city = place.kind == PlaceKind::City;
            let name_font = if is_city {
                bold(NAME_SIZE)
            } else {
                font(NAME_SIZE)
            };
            let text = fit(
                &name_font,
                &place.name,
                layout.panel_width.saturating_sub(2 * NAME_MARGIN as u32),
            );
            let (w, h) = name_font
                .box_size(&text)
                .map_or((text_width(&name_font, &text), NAME_SIZE as u32), |s| s);
            Name {
                text,
                bold: is_city,
                size: (f64::from(w), f64::from(h)),
                centre: point(i),
                reach: f64::from(radii[i] + NAME_GAP),
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..places.len()).collect();
    order.sort_by(|&a, &b| {
        let rank = |i: usize| {
            (
                places[i].kind != PlaceKind::City,
                places[i].kind != PlaceKind::Town,
            )
        };
        rank(a)
            .cmp(&rank(b))
            .then(places[b].population.total_cmp(&places[a].population))
            .then(a.cmp(&b))
    });
    let mut spots: Vec<Option<Spot>> = vec![None; places.len()];
    for _pass in 0..3 {
        for &i in &order {
            spots[i] = None;
            spots[i] = Some(best_spot(i, &names, &spots, &obstacles));
        }
    }
    names
        .into_iter()
        .zip(spots)
        .zip(points)
        .filter_map(|((name, spot), &marker)| {
            let (b, far) = spot?;
            let leader = far.then(|| (marker, leader_end(name.centre, &b)));
            Some(Label {
                text: name.text,
                at: (b.0.round() as i32, b.1.round() as i32),
                leader,
                bold: name.bold,
            })
        })
        .collect()
}

/// The end of a leader line from `centre` to box `b`: the nearest point of the box.
fn leader_end(centre: (f64, f64), b: &Box2) -> (i32, i32) {
    (
        centre.0.clamp(b.0, b.2).round() as i32,
        centre.1.clamp(b.1, b.3).round() as i32,
    )
}

/// The best spot for name `i` given the names already placed in `spots`.
fn best_spot(i: usize, names: &[Name], spots: &[Option<Spot>], obstacles: &Obstacles) -> Spot {
    let name = &names[i];
    let (cx, cy) = name.centre;
    let (w, h) = name.size;
    let bounds = obstacles.bounds;
    let candidates = candidate_offsets(name.reach, w, h);
    // Issue 20: only what comes near some candidate can touch it. `near` holds the box around
    // every candidate and the marker's centre (where leader lines start), with a pixel of
    // slack; anything that does not meet it overlaps no candidate (an overlap of 0, and
    // `x + 0 = x`) and crosses none, so leaving it out changes no cost and no choice. This
    // keeps the work of a name from growing with every place and route of the theatre.
    let near = candidates.iter().fold(
        (cx - 1.0, cy - 1.0, cx + 1.0, cy + 1.0),
        |u, &(dx, dy, _)| {
            (
                u.0.min(cx + dx - 1.0),
                u.1.min(cy + dy - 1.0),
                u.2.max(cx + dx + w + 1.0),
                u.3.max(cy + dy + h + 1.0),
            )
        },
    );
    let meets = |b: &Box2| b.0 <= near.2 && b.2 >= near.0 && b.1 <= near.3 && b.3 >= near.1;
    let segment_meets = |s: &Segment| {
        meets(&(
            s.0.0.min(s.1.0),
            s.0.1.min(s.1.1),
            s.0.0.max(s.1.0),
            s.0.1.max(s.1.1),
        ))
    };
    let others: Vec<Box2> = spots
        .iter()
        .flatten()
        .map(|(b, _)| *b)
        .filter(|b| meets(b))
        .collect();
    let leaders: Vec<Segment> = spots
        .iter()
        .zip(names)
        .filter_map(|(spot, n)| match spot {
            Some((b, true)) => {
                let end = leader_end(n.centre, b);
                Some((n.centre, (f64::from(end.0), f64::from(end.1))))
            }
            _ => None,
        })
        .filter(|s| segment_meets(s))
        .collect();
    let markers: Vec<Box2> = obstacles
        .markers
        .iter()
        .enumerate()
        .filter(|&(j, m)| j != i && meets(m))
        .map(|(_, m)| *m)
        .collect();
    let routes: Vec<Segment> = obstacles
        .routes
        .iter()
        .filter(|s| segment_meets(s))
        .copied()
        .collect();
    let mut best: Option<(f64, Spot)> = None;
    for (k, (dx, dy, far)) in candidates.into_iter().enumerate() {
        let b = (cx + dx, cy + dy, cx + dx + w, cy + dy + h);
        if b.0 < bounds.0 || b.1 < bounds.1 || b.2 > bounds.2 || b.3 > bounds.3 {
            continue;
        }
        let names_overlap: f64 = others.iter().map(|o| overlap(&b, o)).sum();
        let marks: f64 = markers.iter().map(|m| overlap(&b, m)).sum();
        let routes = routes.iter().filter(|s| crosses(&b, s.0, s.1)).count();
        let crossed_leaders = leaders.iter().filter(|s| crosses(&b, s.0, s.1)).count();
        // A leader line should not cut through other names.
        let leader_crossings = if far {
            let end = leader_end(name.centre, &b);
            let end = (f64::from(end.0), f64::from(end.1));
            others.iter().filter(|o| crosses(o, (cx, cy), end)).count()
        } else {
            0
        };
        let cost = 4.0 * names_overlap
            + 4.0 * marks
            + ROUTE_CROSSING * routes as f64
            + LEADER_CROSSING * (crossed_leaders + leader_crossings) as f64
            + k as f64
            + if far { 60.0 } else { 0.0 };
        if best.is_none_or(|(c, _)| cost < c) {
            best = Some((cost, (b, far)));
        }
    }
    best.map_or_else(
        || {
            // Nowhere inside fits: right of the marker, pushed inside the map.
            let x = (cx + name.reach).clamp(bounds.0, (bounds.2 - w).max(bounds.0));
            let y = (cy - h / 2.0).clamp(bounds.1, (bounds.3 - h).max(bounds.1));
            ((x, y, x + w, y + h), false)
        },
        |(_, spot)| spot,
    )
}

/// Offsets of the top left corner of a `w` × `h` name from its marker's centre, best first:
/// beside, above and below the marker, then diagonally, then farther out (with a leader).
fn candidate_offsets(r: f64, w: f64, h: f64) -> Vec<(f64, f64, bool)> {
    let d = r * std::f64::consts::FRAC_1_SQRT_2;
    let mut out = vec![
        (r, -h / 2.0, false),
        (-r - w, -h / 2.0, false),
        (d, -d - h, false),
        (d, d, false),
        (-d - w, -d - h, false),
        (-d - w, d, false),
        (-w / 2.0, -r - h, false),
        (-w / 2.0, r, false),
    ];
    for extra in [14.0, 28.0, 44.0] {
        let far = r + extra;
        let fd = far * std::f64::consts::FRAC_1_SQRT_2;
        out.extend([
            (far, -h / 2.0, true),
            (-far - w, -h / 2.0, true),
            (-w / 2.0, -far - h, true),
            (-w / 2.0, far, true),
            (fd, -fd - h, true),
            (fd, fd, true),
            (-fd - w, -fd - h, true),
            (-fd - w, fd, true),
        ]);
    }
    out
}

/// Area of the overlap of two boxes.
fn overlap(a: &Box2, b: &Box2) -> f64 {
    let w = a.2.min(b.2) - a.0.max(b.0);
    let h = a.3.min(b.3) - a.1.max(b.1);
    if w > 0.0 && h > 0.0 { w * h } else { 0.0 }
}

/// Whether the segment from `p` to `q` passes through box `b`.
fn crosses(b: &Box2, p: (f64, f64), q: (f64, f64)) -> bool {
    clip_segment(b, p, q).is_some()
}

/// Fill of a name's halo box: white but for one unit of blue, so that the SVG can tell it from
/// every other white shape and drop it for a stroke halo.
const HALO_BOX: RGBColor = RGBColor(255, 255, 254);
/// Colour of the copy of a name drawn under it: white but for one unit of red. In a PNG it lies
/// on the halo box, unseen; in an SVG it becomes the white stroke halo.
const HALO_TEXT: RGBColor = RGBColor(254, 255, 255);
/// The stroke that makes a halo in SVG: as wide as the text the browser renders, 1.5 pixels
/// around each glyph, drawn under the fill.
const HALO_STROKE: &str = "fill=\"#FFFFFF\" stroke=\"#FFFFFF\" stroke-width=\"3\" stroke-linejoin=\"round\" \
     paint-order=\"stroke\"";

/// An SVG's name halos as text strokes: the halo boxes (sized from the bitmap font's metrics,
/// wider than the text a browser draws) are dropped, and the white copy drawn under each name
/// gets a white stroke. Other SVGs pass unchanged.
pub(super) fn svg_stroke_halos(svg: String) -> String {
    let boxes = "fill=\"#FFFFFE\"";
    let copies = "fill=\"#FEFFFF\"";
    if !svg.contains(boxes) && !svg.contains(copies) {
        return svg;
    }
    let mut out = String::with_capacity(svg.len() + svg.len() / 8);
    for line in svg.split_inclusive('\n') {
        if line.starts_with("<rect") && line.contains(boxes) {
            continue;
        }
        if line.starts_with("<text") && line.contains(copies) {
            out.push_str(&line.replace(copies, HALO_STROKE));
        } else {
            out.push_str(line);
        }
    }
    out
}

impl MapChart {
    /// Size of the image, pixels: taller for tall theatres and more panels.
    pub fn size(&self) -> (u32, u32) {
        (WIDTH, self.height)
    }

    /// Draw the whole figure on `root`.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let body = draw_header(root, &self.title, &self.subtitle)?;
        let (width, _) = body.dim_in_pixel();
        let layout = &self.layout;
        let panel_height = PANEL_TITLE + layout.map_height + PANEL_FOOTER;
        for (k, panel) in self.panels.iter().enumerate() {
            let (col, row) = ((k % layout.cols) as u32, (k / layout.cols) as u32);
            let x = PAGE_MARGIN + col * (layout.panel_width + GAP);
            let y = CHART_TOP + row * (panel_height + GAP);
            let area = body
                .clone()
                .shrink((x, y), (layout.panel_width, panel_height));
            self.draw_panel(&area, panel)?;
        }
        let key_x = width as i32 - self.key_width as i32;
        let frame = self.key_width - PAGE_MARGIN;
        let top = CHART_TOP as i32;
        self.faction_key.draw(&body, (key_x, top), frame)?;
        let below = top + self.faction_key.height() as i32 + GAP as i32;
        let map_top = if self.faction_key.height() > 0 {
            below
        } else {
            top
        };
        self.map_key.draw(&body, (key_x, map_top), frame)
    }

    /// Draw one panel: title, map and footer.
    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: &Panel,
    ) -> Result<()> {
        let layout = &self.layout;
        let title_font = bold(LABEL_SIZE);
        let title = fit(&title_font, &panel.title, layout.panel_width);
        area.draw(&Text::new(
            title,
            (0, PANEL_TITLE as i32 - 8),
            title_font
                .color(&INK)
                .pos(Pos::new(HPos::Left, VPos::Bottom)),
        ))
        .map_err(draw_error)?;
        let map = area
            .clone()
            .shrink((0, PANEL_TITLE), (layout.panel_width, layout.map_height));
        let (w, h) = (layout.panel_width as i32 - 1, layout.map_height as i32 - 1);
        map.draw(&Rectangle::new([(0, 0), (w, h)], LAND.filled()))
            .map_err(draw_error)?;
        map.draw(&Rectangle::new([(0, 0), (w, h)], FRAME.stroke_width(1)))
            .map_err(draw_error)?;
        if self.points.is_empty() {
            let style = text(DESC_SIZE, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
            map.draw(&Text::new(
                "No places in this scenario",
                (w / 2, h / 2),
                style,
            ))
            .map_err(draw_error)?;
        }
        self.draw_outlines(&map)?;
        self.draw_routes(&map, panel)?;
        self.draw_places(&map, panel)?;
        self.draw_labels(&map)?;
        let footer_y = PANEL_TITLE as i32 + layout.map_height as i32 + PANEL_FOOTER as i32 / 2;
        self.draw_scale_bar(area, footer_y)?;
        draw_north_arrow(area, (layout.panel_width as i32 - 12, footer_y))
    }

    /// Lakes filled, then rivers and borders over them.
    fn draw_outlines<DB: DrawingBackend>(&self, map: &DrawingArea<DB, Shift>) -> Result<()> {
        for (kind, pieces) in &self.outlines {
            for piece in pieces {
                match kind {
                    OutlineKind::Lake => {
                        map.draw(&Polygon::new(piece.clone(), WATER.filled()))
                            .map_err(draw_error)?;
                        let mut ring = piece.clone();
                        ring.extend(piece.first().copied());
                        map.draw(&PathElement::new(ring, SHORE.stroke_width(1)))
                            .map_err(draw_error)?;
                    }
                    OutlineKind::River => map
                        .draw(&PathElement::new(piece.clone(), SHORE.stroke_width(2)))
                        .map_err(draw_error)?,
                    OutlineKind::Border => map
                        .draw(&DashedPathElement::new(
                            piece.clone(),
                            9,
                            5,
                            FRONTIER.stroke_width(2),
                        ))
                        .map_err(draw_error)?,
                }
            }
        }
        Ok(())
    }

    /// Routes by kind, then cut routes over them, each marked with a cross.
    fn draw_routes<DB: DrawingBackend>(
        &self,
        map: &DrawingArea<DB, Shift>,
        panel: &Panel,
    ) -> Result<()> {
        for cut in [false, true] {
            for (index, &(a, b, kind)) in self.routes.iter().enumerate() {
                if panel.cut.get(index).copied().unwrap_or(false) != cut {
                    continue;
                }
                let (Some(&from), Some(&to)) = (self.points.get(a), self.points.get(b)) else {
                    continue;
                };
                let ends = [from, to];
                let (colour, width) = match (kind, cut) {
                    (RouteKind::Lake, false) => (LAKE, 2),
                    (RouteKind::Border, false) => (BORDER, 2),
                    (RouteKind::Track, false) => (ROAD, 1),
                    (_, false) => (ROAD, 2),
                    (_, true) => (CUT, 2),
                };
                let style = colour.stroke_width(width);
                match kind {
                    RouteKind::Road => map.draw(&PathElement::new(ends, style)),
                    RouteKind::Track => map.draw(&DashedPathElement::new(ends, 5, 4, style)),
                    RouteKind::Lake => map.draw(&DashedPathElement::new(ends, 8, 5, style)),
                    RouteKind::Border => map.draw(&DashedPathElement::new(ends, 2, 3, style)),
                }
                .map_err(draw_error)?;
                if cut {
                    let mid = ((ends[0].0 + ends[1].0) / 2, (ends[0].1 + ends[1].1) / 2);
                    draw_cross(map, mid, 4, CUT).map_err(draw_error)?;
                }
            }
        }
        Ok(())
    }

    /// Places as circles coloured by their holder (largest first, so small ones stay
    /// visible), contested places ringed.
    fn draw_places<DB: DrawingBackend>(
        &self,
        map: &DrawingArea<DB, Shift>,
        panel: &Panel,
    ) -> Result<()> {
        let mut order: Vec<usize> = (0..self.points.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(self.radii[i]));
        for &i in &order {
            if panel.contested.get(i).copied().unwrap_or(false) {
                map.draw(&Circle::new(
                    self.points[i],
                    self.radii[i] + 4,
                    INK.stroke_width(2),
                ))
                .map_err(draw_error)?;
            }
        }
        for &i in &order {
            let holder = panel
                .holder
                .get(i)
                .copied()
                .flatten()
                .and_then(|f| self.colours.get(f).copied());
            let colour = match &panel.shade {
                Some(shade) => shade.get(i).copied(),
                None => holder,
            }
            .unwrap_or(UNKNOWN);
            map.draw(&Circle::new(self.points[i], self.radii[i], colour.filled()))
                .map_err(draw_error)?;
            map.draw(&Circle::new(
                self.points[i],
                self.radii[i],
                WHITE.stroke_width(1),
            ))
            .map_err(draw_error)?;
        }
        Ok(())
    }

    /// Place names on a white halo, with leader lines where moved away. The PNG's halo is a
    /// translucent box sized from the bitmap font; the SVG's is a white stroke drawn under the
    /// name itself (see [`svg_stroke_halos`]), so that it is as wide as the text the browser
    /// renders, whatever its font.
    fn draw_labels<DB: DrawingBackend>(&self, map: &DrawingArea<DB, Shift>) -> Result<()> {
        for label in &self.labels {
            if let Some((from, to)) = label.leader {
                map.draw(&PathElement::new(vec![from, to], MUTED.stroke_width(1)))
                    .map_err(draw_error)?;
            }
        }
        for label in &self.labels {
            let name_font = if label.bold {
                bold(NAME_SIZE)
            } else {
                font(NAME_SIZE)
            };
            let (w, h) = name_font.box_size(&label.text).map_or(
                (text_width(&name_font, &label.text), NAME_SIZE as u32),
                |s| s,
            );
            let (x, y) = label.at;
            map.draw(&Rectangle::new(
                [(x - 1, y), (x + w as i32 + 1, y + h as i32)],
                HALO_BOX.mix(0.7).filled(),
            ))
            .map_err(draw_error)?;
            map.draw(&Text::new(
                label.text.as_str(),
                (x, y),
                name_font
                    .color(&HALO_TEXT)
                    .pos(Pos::new(HPos::Left, VPos::Top)),
            ))
            .map_err(draw_error)?;
            map.draw(&Text::new(
                label.text.as_str(),
                (x, y),
                name_font.color(&INK).pos(Pos::new(HPos::Left, VPos::Top)),
            ))
            .map_err(draw_error)?;
        }
        Ok(())
    }

    /// A scale bar in km at the left of a panel's footer, centred on `y`.
    fn draw_scale_bar<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        y: i32,
    ) -> Result<()> {
        let (km, px) = self.layout.bar;
        if px < 4 {
            return Ok(());
        }
        let x0 = 1;
        let x1 = x0 + px;
        let style = INK.stroke_width(2);
        for path in [
            vec![(x0, y), (x1, y)],
            vec![(x0, y - 5), (x0, y + 5)],
            vec![(x1, y - 5), (x1, y + 5)],
        ] {
            area.draw(&PathElement::new(path, style))
                .map_err(draw_error)?;
        }
        let label = if km >= 1.0 {
            format!("{km:.0} km")
        } else {
            format!("{km} km")
        };
        area.draw(&Text::new(
            label,
            (x1 + 8, y),
            text(LABEL_SIZE, INK).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(draw_error)
    }
}

/// A north arrow whose tip is above `(x, y)`, with "N" left of it.
fn draw_north_arrow<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
) -> Result<()> {
    area.draw(&Polygon::new(
        vec![(x - 6, y + 8), (x, y - 9), (x + 6, y + 8), (x, y + 4)],
        INK.filled(),
    ))
    .map_err(draw_error)?;
    area.draw(&Text::new(
        "N",
        (x - 12, y),
        bold(LABEL_SIZE)
            .color(&INK)
            .pos(Pos::new(HPos::Right, VPos::Center)),
    ))
    .map_err(draw_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::plot::tests::minimal_record;
    use crate::sim::resources::CaptureRecord;

    #[test]
    fn projection_keeps_distances() {
        let record = minimal_record();
        let km = project(&record);
        for (a, b) in [(0, 1), (1, 2), (0, 2)] {
            let d = ((km[a].0 - km[b].0).powi(2) + (km[a].1 - km[b].1).powi(2)).sqrt();
            let truth = record.theatre.distance_km(a, b);
            assert!((d - truth).abs() / truth < 0.01, "{a}-{b}: {d} vs {truth}");
        }
    }

    #[test]
    fn panels_are_start_city_captures_and_end() {
        let mut record = minimal_record();
        let n = record.samples.len();
        let city = record
            .theatre
            .places
            .iter()
            .position(|p| p.kind == PlaceKind::City)
            .expect("a city");
        let titles = |r: &RunRecord| panels(r).into_iter().map(|p| p.title).collect::<Vec<_>>();
        let got = titles(&record);
        assert!(got[0].starts_with("Start, 1 Jan 2025"), "{got:?}");
        assert!(got.len() >= 2);

        // Many captures of the city: at most four panels for them, then the end.
        record.captures = (1..=6)
            .map(|k| CaptureRecord {
                hours: k as f64,
                place: city,
                from: 0,
                by: 1,
            })
            .collect();
        let got = titles(&record);
        assert_eq!(got.len(), 2 + MAX_CAPTURES, "{got:?}");
        assert!(got[1].contains("taken by"), "{got:?}");
        assert!(
            got.last().is_some_and(|t| t.starts_with("End, ")),
            "{got:?}"
        );

        // A capture at the last sample is the end panel.
        let end = record.samples[n - 1].hours;
        record.captures = vec![CaptureRecord {
            hours: end,
            place: city,
            from: 0,
            by: 1,
        }];
        let got = titles(&record);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[1].ends_with("(end)"), "{got:?}");

        record.samples.clear();
        assert_eq!(panels(&record).len(), 1);
    }

    #[test]
    fn routes_are_cut_between_sides_and_at_contested_places() {
        let mut record = minimal_record();
        let sample = &mut record.samples[0];
        sample.control = vec![1, 0, 0];
        sample.contested = vec![false, false, true];
        let panel = panel_at(&record, 0, String::new());
        // Route 0 joins a rebel and a government place; route 1 ends at a contested place.
        assert_eq!(panel.cut, vec![true, true]);
        let sample = &mut record.samples[0];
        sample.control = vec![0, 0, 0];
        sample.contested = vec![false; 3];
        assert_eq!(panel_at(&record, 0, String::new()).cut, vec![false, false]);
    }

    #[test]
    fn labels_stay_inside_and_apart() {
        crate::output::plot::theme::ensure_fonts().ok();
        let record = minimal_record();
        let chart = map(&record);
        assert_eq!(chart.labels.len(), record.theatre.places.len());
        let boxes: Vec<Box2> = chart
            .labels
            .iter()
            .map(|l| {
                let f = if l.bold {
                    bold(NAME_SIZE)
                } else {
                    font(NAME_SIZE)
                };
                let (w, h) = f.box_size(&l.text).expect("text size");
                let (x, y) = (f64::from(l.at.0), f64::from(l.at.1));
                (x, y, x + f64::from(w), y + f64::from(h))
            })
            .collect();
        for b in &boxes {
            assert!(b.0 >= 0.0 && b.1 >= 0.0);
            assert!(b.2 <= f64::from(chart.layout.panel_width));
            assert!(b.3 <= f64::from(chart.layout.map_height));
        }
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert_eq!(overlap(a, b), 0.0);
            }
        }
    }

    #[test]
    fn segments_cross_boxes() {
        let b = (0.0, 0.0, 10.0, 10.0);
        assert!(crosses(&b, (-5.0, 5.0), (15.0, 5.0)));
        assert!(!crosses(&b, (-5.0, 15.0), (15.0, 15.0)));
        assert!(crosses(&b, (5.0, 5.0), (5.0, 5.0)));
        assert!(!crosses(&b, (11.0, -5.0), (20.0, 5.0)));
    }

    #[test]
    fn outlines_are_clipped_to_the_map() {
        let b = (0.0, 0.0, 100.0, 50.0);
        // A line leaving and re-entering the map is two pieces, cut at the edges.
        let pieces = clip_line(
            &[(10.0, 10.0), (150.0, 10.0), (150.0, 40.0), (10.0, 40.0)],
            &b,
        );
        assert_eq!(
            pieces,
            vec![
                vec![(10.0, 10.0), (100.0, 10.0)],
                vec![(100.0, 40.0), (10.0, 40.0)]
            ]
        );
        assert!(clip_line(&[(200.0, 0.0), (300.0, 10.0)], &b).is_empty());
        // A square overhanging the right edge is cut there.
        let square = [(50.0, 10.0), (150.0, 10.0), (150.0, 40.0), (50.0, 40.0)];
        let clipped = clip_polygon(&square, &b);
        assert!(
            clipped.iter().all(|p| p.0 <= 100.0 && p.0 >= 50.0),
            "{clipped:?}"
        );
        assert!(clipped.contains(&(100.0, 10.0)) && clipped.contains(&(100.0, 40.0)));
        assert!(clip_polygon(&[(200.0, 0.0), (300.0, 0.0), (250.0, 30.0)], &b).is_empty());
    }

    #[test]
    fn shares_are_binned() {
        assert_eq!(share_colour(0.0), SHARE_BINS[0].2);
        assert_eq!(share_colour(0.05), SHARE_BINS[1].2);
        assert_eq!(share_colour(0.5), SHARE_BINS[2].2);
        assert_eq!(share_colour(0.95), SHARE_BINS[4].2);
        assert_eq!(share_colour(1.0), SHARE_BINS[4].2);
    }

    #[test]
    fn scale_bars_are_round() {
        assert_eq!(scale_bar(4.0, 130.0), (20.0, 80));
        assert_eq!(scale_bar(1.0, 130.0), (100.0, 100));
        assert_eq!(scale_bar(10.0, 30.0).0, 2.0);
    }
}
