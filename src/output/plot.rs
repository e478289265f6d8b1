//! Plots of a run (PNG and SVG), drawn with plotters and an embedded DejaVu font.
//!
//! Eight figures: personnel, control of places, cumulative casualties and days of supply, each
//! by faction over calendar time; pressure on states with the escalation rung; displaced
//! people and civilian deaths; peacekeepers killed by contingent; and small multiples of the
//! theatre map. Every figure is drawn once, by code generic over the plotters backend, and
//! rendered twice: into an RGB bitmap encoded as PNG, and into an SVG string. A faction has its
//! scenario colour in every figure. Output is deterministic: the same record gives the same
//! bytes.
//!
//! An ensemble of runs gets three figures of its own ([`ensemble_plots`]): fan charts of
//! personnel by faction (a panel per faction) and of people displaced and pressure on states
//! (median, middle 50% and 90% of runs, day by day), and the probability that each place has
//! changed hands by each date, with its 90% Wilson interval.

mod axis;
mod capture;
mod civilians;
mod control;
mod escalation;
mod fan;
mod lines;
mod map;
mod panels;
mod peacekeepers;
mod theme;

use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use plotters::backend::RGBPixel;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::Result;
use crate::run::RunRecord;
use crate::run::ensemble::EnsembleRecord;
use capture::CaptureChart;
use civilians::CiviliansChart;
use control::ControlChart;
use escalation::EscalationChart;
use fan::{DisplacementFan, ForcesFan};
use lines::LineChart;
use map::MapChart;
use peacekeepers::PeacekeepersChart;
use theme::{draw_error, ensure_fonts};

/// Every plot of one run, as `(file name, bytes)`: PNG and SVG of each.
///
/// The files are `forces`, `control`, `casualties`, `supply`, `escalation`, `displacement`,
/// `peacekeepers` and `map`, each as `.png` and `.svg`.
pub fn run_plots(record: &RunRecord) -> Result<Vec<(String, Vec<u8>)>> {
    ensure_fonts()?;
    let figures = [
        ("forces", Figure::Lines(lines::forces(record))),
        ("control", Figure::Control(control::control(record))),
        ("casualties", Figure::Lines(lines::casualties(record))),
        ("supply", Figure::Lines(lines::supply(record))),
        (
            "escalation",
            Figure::Escalation(escalation::escalation(record)),
        ),
        (
            "displacement",
            Figure::Civilians(civilians::civilians(record)),
        ),
        (
            "peacekeepers",
            Figure::Peacekeepers(peacekeepers::peacekeepers(record)),
        ),
        ("map", Figure::Map(map::map(record))),
    ];
    render_all(&figures)
}

/// Every plot of an ensemble, as `(file name, bytes)`: PNG and SVG of each.
///
/// The files are `fan_forces` (personnel by faction: median, middle 50% and 90% of runs, a
/// panel per faction), `fan_displacement` (people displaced, and pressure on each state if the
/// scenario has states) and `capture_probability` (the share of runs in which each city, key
/// place or often-taken place has changed hands by each date), each as `.png` and `.svg`.
pub fn ensemble_plots(e: &EnsembleRecord) -> Result<Vec<(String, Vec<u8>)>> {
    ensure_fonts()?;
    let figures = [
        ("fan_forces", Figure::ForcesFan(fan::forces(e))),
        (
            "fan_displacement",
            Figure::DisplacementFan(fan::displacement(e)),
        ),
        ("capture_probability", Figure::Capture(capture::capture(e))),
    ];
    render_all(&figures)
}

/// PNG and SVG of each figure, named after its stem.
fn render_all(figures: &[(&str, Figure)]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::with_capacity(2 * figures.len());
    for (stem, figure) in figures {
        files.push((format!("{stem}.png"), render_png(figure)?));
        files.push((format!("{stem}.svg"), render_svg(figure)?));
    }
    Ok(files)
}

/// One figure, ready to draw on any backend.
enum Figure {
    /// A line per faction over time.
    Lines(LineChart),
    /// The control timeline.
    Control(ControlChart),
    /// Pressure on states and the escalation rung.
    Escalation(EscalationChart),
    /// Displaced people and civilian deaths.
    Civilians(CiviliansChart),
    /// Peacekeepers killed by contingent.
    Peacekeepers(PeacekeepersChart),
    /// Small multiples of the theatre map.
    Map(MapChart),
    /// Ensemble: personnel by faction, fan charts in small multiples.
    ForcesFan(ForcesFan),
    /// Ensemble: people displaced and pressure on states, fan charts.
    DisplacementFan(DisplacementFan),
    /// Ensemble: probability each place has changed hands, by date.
    Capture(CaptureChart),
}

impl Figure {
    /// Size of the image, pixels.
    fn size(&self) -> (u32, u32) {
        match self {
            Figure::Lines(chart) => chart.size(),
            Figure::Control(chart) => chart.size(),
            Figure::Escalation(chart) => chart.size(),
            Figure::Civilians(chart) => chart.size(),
            Figure::Peacekeepers(chart) => chart.size(),
            Figure::Map(chart) => chart.size(),
            Figure::ForcesFan(chart) => chart.size(),
            Figure::DisplacementFan(chart) => chart.size(),
            Figure::Capture(chart) => chart.size(),
        }
    }

    /// Draw the figure on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        match self {
            Figure::Lines(chart) => chart.draw(root),
            Figure::Control(chart) => chart.draw(root),
            Figure::Escalation(chart) => chart.draw(root),
            Figure::Civilians(chart) => chart.draw(root),
            Figure::Peacekeepers(chart) => chart.draw(root),
            Figure::Map(chart) => chart.draw(root),
            Figure::ForcesFan(chart) => chart.draw(root),
            Figure::DisplacementFan(chart) => chart.draw(root),
            Figure::Capture(chart) => chart.draw(root),
        }
    }
}

/// Render `figure` to PNG bytes.
fn render_png(figure: &Figure) -> Result<Vec<u8>> {
    let (width, height) = figure.size();
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let backend = BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut rgb, (width, height))
            .map_err(draw_error)?;
        let root = backend.into_drawing_area();
        figure.draw(&root)?;
        root.present().map_err(draw_error)?;
    }
    let mut png = Vec::new();
    PngEncoder::new_with_quality(&mut png, CompressionType::Best, FilterType::Adaptive)
        .write_image(&rgb, width, height, image::ColorType::Rgb8)
        .map_err(draw_error)?;
    Ok(png)
}

/// Render `figure` to SVG bytes.
fn render_svg(figure: &Figure) -> Result<Vec<u8>> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, figure.size()).into_drawing_area();
        figure.draw(&root)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg.into_bytes())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::run::{RunOptions, run_loaded};
    use crate::scenario::load_scenario;

    const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

    /// The record of the minimal scenario with seed 7.
    pub(super) fn minimal_record() -> RunRecord {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/minimal.ron");
        let loaded = load_scenario(&path).expect("minimal scenario loads");
        run_loaded(
            &loaded,
            RunOptions {
                seed: 7,
                days: None,
            },
        )
        .expect("minimal run")
    }

    /// The record of the Goma scenario over its first ten days (politics, civilians,
    /// peacekeepers, and usually the fall of Goma).
    fn goma_record() -> RunRecord {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/goma_2025.ron");
        let loaded = load_scenario(&path).expect("Goma scenario loads");
        run_loaded(
            &loaded,
            RunOptions {
                seed: 11,
                days: Some(10.0),
            },
        )
        .expect("Goma run")
    }

    fn expected_names() -> Vec<String> {
        [
            "forces",
            "control",
            "casualties",
            "supply",
            "escalation",
            "displacement",
            "peacekeepers",
            "map",
        ]
        .iter()
        .flat_map(|s| [format!("{s}.png"), format!("{s}.svg")])
        .collect()
    }

    fn check_files(record: &RunRecord, files: &[(String, Vec<u8>)]) {
        let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(names, expected_names());
        for (name, bytes) in files {
            if name.ends_with(".png") {
                assert!(bytes.starts_with(&PNG_SIGNATURE), "{name} is not a PNG");
                let image = image::load_from_memory(bytes).expect("PNG decodes");
                match name.as_str() {
                    "forces.png" | "casualties.png" | "supply.png" => {
                        assert_eq!((image.width(), image.height()), (1200, 700), "{name}");
                    }
                    "control.png" => {
                        assert_eq!(image.width(), 1200, "{name}");
                        assert!(image.height() >= 120 + 28 * 3, "{name}");
                    }
                    "map.png" => {
                        assert_eq!(image.width(), 1500, "{name}");
                        assert!(image.height() >= 300, "{name}");
                    }
                    _ => {
                        assert_eq!(image.width(), 1200, "{name}");
                        assert!(image.height() >= 300, "{name}");
                    }
                }
            } else {
                let svg = std::str::from_utf8(bytes).expect("SVG is UTF-8");
                assert!(svg.starts_with("<svg"), "{name}");
                assert!(svg.contains("<text"), "{name} has no text");
                assert!(
                    svg.contains(&record.scenario_name),
                    "{name} lacks the scenario name"
                );
                assert!(svg.contains("font-family=\"sans-serif\""), "{name}");
            }
        }
    }

    /// The SVG named `name` among `files`, as text.
    fn svg_of(files: &[(String, Vec<u8>)], name: &str) -> String {
        let (_, bytes) = files.iter().find(|(n, _)| n == name).expect("file");
        String::from_utf8_lossy(bytes).into_owned()
    }

    #[test]
    fn minimal_run_gives_sixteen_files() {
        let record = minimal_record();
        let files = run_plots(&record).expect("plots");
        check_files(&record, &files);
        let svg = |name: &str| svg_of(&files, name);
        for faction in &record.theatre.factions {
            assert!(
                svg("forces.svg").contains(&faction.name),
                "{}",
                faction.name
            );
            assert!(
                svg("control.svg").contains(&faction.name),
                "{}",
                faction.name
            );
        }
        for place in &record.theatre.places {
            assert!(svg("control.svg").contains(&place.name), "{}", place.name);
        }
        assert!(svg("forces.svg").contains("personnel (persons)"));
        assert!(
            svg("forces.svg").contains("1 Jan"),
            "dates on the time axis"
        );
        // No politics, no peacekeepers: the figures say so.
        assert!(svg("escalation.svg").contains("No states in this scenario"));
        assert!(svg("escalation.svg").contains("No escalation ladder in this scenario"));
        assert!(svg("peacekeepers.svg").contains("No peacekeepers killed in this run"));
        assert!(svg("displacement.svg").contains("displaced people (persons)"));
        for place in &record.theatre.places {
            assert!(svg("map.svg").contains(&place.name), "{}", place.name);
        }
        assert!(svg("map.svg").contains("Start, 1 Jan 2025"));
        assert!(svg("map.svg").contains(" km"), "scale bar");
    }

    #[test]
    fn goma_run_plots_politics_civilians_and_the_map() {
        let record = goma_record();
        let files = run_plots(&record).expect("plots");
        check_files(&record, &files);
        let escalation = svg_of(&files, "escalation.svg");
        assert!(escalation.contains("pressure (pressure units)"));
        for (index, state) in record.politics.states.iter().enumerate() {
            let pressed = record
                .samples
                .iter()
                .any(|s| s.pressure_on.get(index).is_some_and(|&p| p > 0.0));
            if pressed {
                assert!(escalation.contains(&state.name), "{}", state.name);
                if state.resolve.is_some() {
                    let label = format!("resolve of {}", state.name);
                    assert!(escalation.contains(&label), "{label}");
                }
            }
        }
        for (name, _, _) in &record.politics.rungs {
            let first = name.split_whitespace().next().unwrap_or_default();
            assert!(escalation.contains(first), "rung {name}");
        }

        let displacement = svg_of(&files, "displacement.svg");
        assert!(displacement.contains("killed (persons, cumulative)"));
        assert!(displacement.contains("sheltering in"));

        let peacekeepers = svg_of(&files, "peacekeepers.svg");
        for c in &record.casualties {
            let faction = &record.theatre.factions[c.faction];
            if matches!(
                faction.kind,
                crate::scenario::FactionKind::Peacekeeper
                    | crate::scenario::FactionKind::RegionalForce
            ) && !c.contingent.is_empty()
            {
                let label = format!("{} — {}", faction.name, c.contingent);
                assert!(peacekeepers.contains(&label), "{label}");
            }
        }

        let map = svg_of(&files, "map.svg");
        assert!(map.contains("Start, 20 Jan 2025"));
        assert!(map.contains("End, ") || map.contains("(end)"));
        for capture in record
            .captures
            .iter()
            .filter(|c| record.theatre.places[c.place].kind == crate::scenario::PlaceKind::City)
        {
            let title = format!("{} taken by", record.theatre.places[capture.place].name);
            assert!(map.contains(&title), "{title}");
        }
    }

    #[test]
    fn plots_are_deterministic() {
        let record = minimal_record();
        let first = run_plots(&record).expect("plots");
        let second = run_plots(&record).expect("plots");
        assert_eq!(first, second);
    }

    /// An ensemble of `runs` runs of `scenario` over `days` days (the scenario's if `None`).
    fn ensemble(scenario: &str, runs: u64, days: Option<f64>) -> EnsembleRecord {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(scenario);
        let loaded = load_scenario(&path).expect("scenario loads");
        crate::run::ensemble::run_digests(&loaded, 42, 0..runs, days, || {}).expect("ensemble")
    }

    fn ensemble_names() -> Vec<String> {
        ["fan_forces", "fan_displacement", "capture_probability"]
            .iter()
            .flat_map(|s| [format!("{s}.png"), format!("{s}.svg")])
            .collect()
    }

    fn check_ensemble_files(e: &EnsembleRecord, files: &[(String, Vec<u8>)]) {
        let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(names, ensemble_names());
        for (name, bytes) in files {
            if name.ends_with(".png") {
                assert!(bytes.starts_with(&PNG_SIGNATURE), "{name} is not a PNG");
                let image = image::load_from_memory(bytes).expect("PNG decodes");
                assert!(image.width() >= 1200, "{name}");
                assert!(image.height() >= 400, "{name}");
            } else {
                let svg = std::str::from_utf8(bytes).expect("SVG is UTF-8");
                assert!(svg.starts_with("<svg"), "{name}");
                assert!(svg.contains("<text"), "{name} has no text");
                assert!(
                    svg.contains(&e.scenario_name),
                    "{name} lacks the scenario name"
                );
                let seed = format!("master seed {}", e.master_seed);
                assert!(svg.contains(&seed), "{name} lacks the seed");
                assert!(svg.contains("font-family=\"sans-serif\""), "{name}");
            }
        }
    }

    #[test]
    fn minimal_ensemble_gives_six_files() {
        let e = ensemble("scenarios/minimal.ron", 8, None);
        let files = ensemble_plots(&e).expect("plots");
        check_ensemble_files(&e, &files);
        let svg = |name: &str| svg_of(&files, name);
        assert!(svg("fan_forces.svg").contains("8 runs"));
        for faction in &e.theatre.factions {
            assert!(
                svg("fan_forces.svg").contains(&faction.name),
                "{}",
                faction.name
            );
        }
        assert!(svg("fan_forces.svg").contains("personnel (persons)"));
        assert!(svg("fan_forces.svg").contains("middle 90% of runs"));
        assert!(
            svg("fan_forces.svg").contains("1 Jan"),
            "dates on the time axis"
        );
        // No states: the displacement figure has one panel.
        let displacement = svg("fan_displacement.svg");
        assert!(displacement.contains("displaced people (persons)"));
        assert!(!displacement.contains("Pressure on states"));
        let capture = svg("capture_probability.svg");
        assert!(capture.contains("runs in which it has changed hands (%)"));
        for place in e
            .theatre
            .places
            .iter()
            .filter(|p| p.kind == crate::scenario::PlaceKind::City || p.key)
        {
            assert!(capture.contains(&place.name), "{}", place.name);
        }
        assert_eq!(files, ensemble_plots(&e).expect("plots again"));
    }

    #[test]
    fn goma_ensemble_plots_fans_pressure_and_captures() {
        let e = ensemble("scenarios/goma_2025.ron", 8, Some(20.0));
        let files = ensemble_plots(&e).expect("plots");
        check_ensemble_files(&e, &files);
        let forces = svg_of(&files, "fan_forces.svg");
        for faction in &e.theatre.factions {
            assert!(forces.contains(&faction.name), "{}", faction.name);
        }
        let displacement = svg_of(&files, "fan_displacement.svg");
        assert!(displacement.contains("pressure (pressure units)"));
        assert!(displacement.contains("20 Jan"));
        let capture = svg_of(&files, "capture_probability.svg");
        let goma = e
            .theatre
            .places
            .iter()
            .position(|p| p.name == "Goma")
            .expect("Goma is a place");
        let taken = e
            .runs
            .iter()
            .filter(|r| r.first_capture_day[goma].is_some())
            .count();
        let label = format!("Goma ({})", capture::percent(taken, e.runs.len()));
        assert!(capture.contains(&label), "{label}");
        assert_eq!(files, ensemble_plots(&e).expect("plots again"));
    }

    #[test]
    fn degenerate_ensembles_still_plot() {
        let mut e = ensemble("scenarios/minimal.ron", 1, Some(3.0));
        check_ensemble_files(&e, &ensemble_plots(&e).expect("one run"));

        // Nothing ever captured, one run cut short, and a run with no daily series at all.
        for r in &mut e.runs {
            r.first_capture_day.iter_mut().for_each(|d| *d = None);
        }
        let mut short = e.runs[0].clone();
        short.end = "place_captured".into();
        short.personnel_daily.truncate(1);
        short.displaced_daily.truncate(1);
        short.pressure_daily.truncate(1);
        let mut empty = e.runs[0].clone();
        empty.personnel_daily.clear();
        empty.displaced_daily.clear();
        empty.pressure_daily.clear();
        e.runs.extend([short, empty]);
        let files = ensemble_plots(&e).expect("nothing captured");
        check_ensemble_files(&e, &files);
        assert!(svg_of(&files, "fan_forces.svg").contains("ended early"));

        // States with no pressure recorded.
        let goma = {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/goma_2025.ron");
            let loaded = load_scenario(&path).expect("Goma loads");
            crate::run::ensemble::run_digests(&loaded, 1, 0..1, Some(0.5), || {})
                .expect("Goma ensemble")
        };
        e.politics = goma.politics;
        check_ensemble_files(&e, &ensemble_plots(&e).expect("states, no pressure"));
        assert!(
            svg_of(&ensemble_plots(&e).expect("plots"), "fan_displacement.svg")
                .contains("No pressure on any state in any run")
        );

        e.runs.clear();
        let files = ensemble_plots(&e).expect("no runs");
        check_ensemble_files(&e, &files);
        for name in [
            "fan_forces.svg",
            "fan_displacement.svg",
            "capture_probability.svg",
        ] {
            assert!(
                svg_of(&files, name).contains("No runs in this ensemble"),
                "{name}"
            );
        }
        e.theatre.factions.clear();
        e.theatre.places.clear();
        check_ensemble_files(&e, &ensemble_plots(&e).expect("no factions or places"));
    }

    /// Writes the ensemble plots of Goma and of the minimal scenario (`ENS_RUNS` runs, default
    /// 100, over `ENS_DAYS` days or the scenario's), of one run of the minimal scenario, of two
    /// days of Goma and of Goma with no runs to `/tmp/ens_plots/`, to look at: `cargo test
    /// ensemble_plots_to_tmp -- --ignored`.
    #[test]
    #[ignore]
    fn ensemble_plots_to_tmp() {
        let runs = std::env::var("ENS_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100);
        let days = std::env::var("ENS_DAYS").ok().and_then(|v| v.parse().ok());
        for (name, scenario, runs, days) in [
            ("goma", "scenarios/goma_2025.ron", runs, days),
            ("minimal", "scenarios/minimal.ron", runs, days),
            ("minimal_one_run", "scenarios/minimal.ron", 1, None),
            ("goma_two_days", "scenarios/goma_2025.ron", 8, Some(2.0)),
            ("goma_no_runs", "scenarios/goma_2025.ron", 1, Some(1.0)),
        ] {
            let mut e = ensemble(scenario, runs, days);
            if name.ends_with("no_runs") {
                e.runs.clear();
            }
            let dir = Path::new("/tmp/ens_plots").join(name);
            std::fs::create_dir_all(&dir).expect("folder");
            for (file, bytes) in ensemble_plots(&e).expect("plots") {
                std::fs::write(dir.join(file), bytes).expect("write");
            }
        }
    }

    #[test]
    fn degenerate_records_still_plot() {
        let mut record = minimal_record();
        record.samples.truncate(1);
        check_files(&record, &run_plots(&record).expect("one sample"));

        for sample in &mut record.samples {
            for f in &mut sample.factions {
                *f = Default::default();
            }
        }
        check_files(&record, &run_plots(&record).expect("all zero"));

        record.samples.clear();
        check_files(&record, &run_plots(&record).expect("no samples"));

        record.theatre.factions.clear();
        record.theatre.places.clear();
        check_files(&record, &run_plots(&record).expect("no factions or places"));
    }
}
