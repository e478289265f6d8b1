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
//!
//! A comparison of scenarios gets three ([`compare_plots`]): the share of runs in which each
//! important place has changed hands by date, a panel per place and a curve per scenario; fans
//! of people displaced and of the personnel of the two largest sides, overlaid by scenario;
//! and a forest plot of the paired differences from the baseline. Scenario `i` has the `i`-th
//! palette colour in all three. A sweep gets one ([`sweep_plots`]): a line of the metric
//! against the axis value, or a heatmap over two axes.

mod axis;
mod calibrate;
mod capture;
mod civilians;
mod compare;
mod control;
mod escalation;
mod experiment;
mod fan;
mod forest;
mod glyphs;
mod grid;
mod hindcast;
mod indices;
mod lines;
mod map;
mod panels;
mod peacekeepers;
mod sweep;
mod theme;

use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use plotters::backend::RGBPixel;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::Result;
use crate::run::RunRecord;
use crate::run::ensemble::EnsembleRecord;
use crate::run::hindcast::HindcastRecord;
use crate::run::sensitivity::SensitivityRecord;
use crate::run::sweep::SweepRecord;
use capture::CaptureChart;
use civilians::CiviliansChart;
use compare::{CompareCapture, CompareFans};
use control::ControlChart;
use escalation::EscalationChart;
use fan::{DisplacementFan, ForcesFan};
use forest::Forest;
use lines::LineChart;
use map::MapChart;
use peacekeepers::PeacekeepersChart;
use sweep::SweepChart;
use theme::{draw_error, ensure_fonts};

/// Every plot of one run, as `(file name, bytes)`: PNG and SVG of each.
///
/// The files are `forces`, `control`, `casualties`, `supply`, `escalation`, `displacement`,
/// `peacekeepers` and `map`, each as `.png` and `.svg`.
pub fn run_plots(record: &RunRecord, plots: Plots) -> Result<Vec<(String, Vec<u8>)>> {
    if plots == Plots::None {
        return Ok(Vec::new());
    }
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
    render_all(plots, &figures)
}

/// Every plot of an ensemble, as `(file name, bytes)`: PNG and SVG of each.
///
/// The files are `fan_forces` (personnel by faction: median, middle 50% and 90% of runs, a
/// panel per faction), `fan_displacement` (people displaced, and pressure on each state if the
/// scenario has states), `capture_probability` (the share of runs in which each city, key
/// place or often-taken place has changed hands by each date) and `map_probability` (the
/// theatre map: each place's most likely holder at the end, and the share of runs in which it
/// changed hands), each as `.png` and `.svg`.
pub fn ensemble_plots(e: &EnsembleRecord, plots: Plots) -> Result<Vec<(String, Vec<u8>)>> {
    if plots == Plots::None {
        return Ok(Vec::new());
    }
    ensure_fonts()?;
    let figures = [
        ("fan_forces", Figure::ForcesFan(fan::forces(e))),
        (
            "fan_displacement",
            Figure::DisplacementFan(fan::displacement(e)),
        ),
        ("capture_probability", Figure::Capture(capture::capture(e))),
        ("map_probability", Figure::Map(map::ensemble_map(e))),
    ];
    render_all(plots, &figures)
}

/// The theatre map of one run on day `day`, as SVG text: a single panel of the run's state at
/// the start of that day (control, contested places, cut routes), drawn by the same code as the
/// run's `map.svg`; with `shares` (each place's share of an ensemble's runs in which the
/// faction holding it in this run holds it that day), beside it the same map shaded by that
/// share. `strife serve` shows it under its time slider.
pub fn map_day_svg(record: &RunRecord, day: f64, shares: Option<&[f64]>) -> Result<String> {
    ensure_fonts()?;
    let svg = render_svg(&Figure::Map(map::day_map(record, day, shares)))?;
    Ok(String::from_utf8_lossy(&svg).into_owned())
}

/// Every plot of a comparison of scenarios, as `(file name, bytes)`: PNG and SVG of each.
///
/// `ensembles` were run with common random numbers (run `k` of each has the same seed), the
/// first is the baseline, and `labels` are their file stems. Scenario `i` has the `i`-th colour
/// of the palette in every figure. The files are `compare_capture` (for each city, key place
/// or often-taken place, at most six, the share of runs in which it has changed hands by each
/// date, a step curve per scenario), `compare_fans` (people displaced now and the personnel of
/// the two sides with the most personnel: the median and the middle 50% of runs per scenario)
/// and `compare_differences` (a forest plot of the mean paired difference of each headline
/// outcome from the baseline, with its 90% confidence interval, a panel per unit), each as
/// `.png` and `.svg`.
pub fn compare_plots(
    labels: &[String],
    ensembles: &[EnsembleRecord],
    stat: crate::run::statistic::Stat,
    plots: Plots,
) -> Result<Vec<(String, Vec<u8>)>> {
    if plots == Plots::None {
        return Ok(Vec::new());
    }
    ensure_fonts()?;
    let figures = [
        (
            "compare_capture",
            Figure::CompareCapture(compare::capture(labels, ensembles)),
        ),
        (
            "compare_fans",
            Figure::CompareFans(compare::fans(labels, ensembles)),
        ),
        (
            "compare_differences",
            Figure::Forest(forest::forest(labels, ensembles, stat)),
        ),
    ];
    render_all(plots, &figures)
}

/// The plot of a sweep, as `(file name, bytes)`: `sweep.png` and `sweep.svg`.
///
/// A sweep of one axis is a line of the metric's mean against the axis value, with the 90%
/// interval of the mean and the middle 90% of runs shaded; a sweep of two axes is a heatmap
/// of the mean with a colour bar.
pub fn sweep_plots(s: &SweepRecord, plots: Plots) -> Result<Vec<(String, Vec<u8>)>> {
    if plots == Plots::None {
        return Ok(Vec::new());
    }
    ensure_fonts()?;
    render_all(plots, &[("sweep", Figure::Sweep(sweep::sweep(s)))])
}

/// The plots of a sensitivity analysis, as `(file name, bytes)`: `tornado` (inputs from most
/// to least important: μ* beside σ, or ST beside S1) and `indices` (the indices of every input
/// in the scenario's order with their 90% bootstrap intervals), each as `.png` and `.svg`.
pub fn sensitivity_plots(s: &SensitivityRecord, plots: Plots) -> Result<Vec<(String, Vec<u8>)>> {
    if plots == Plots::None {
        return Ok(Vec::new());
    }
    ensure_fonts()?;
    render_all(
        plots,
        &[
            ("tornado", Figure::Indices(indices::tornado(s))),
            ("indices", Figure::Indices(indices::indices(s))),
        ],
    )
}

/// The plot of a hindcast, as `(file name, bytes)`: `hindcast.png` and `hindcast.svg`, a
/// panel per observation with the model's distribution and the observed value.
pub fn hindcast_plots(h: &HindcastRecord, plots: Plots) -> Result<Vec<(String, Vec<u8>)>> {
    if plots == Plots::None {
        return Ok(Vec::new());
    }
    ensure_fonts()?;
    render_all(
        plots,
        &[("hindcast", Figure::Hindcast(hindcast::hindcast(h)))],
    )
}

/// The plots of a calibration, as `(file name, bytes)`: `calibration_inputs` (prior against
/// posterior, a panel per input), `calibration_pairs` (the posterior in pairs of the inputs it
/// narrowed most; only with two inputs or more), `calibration_generations` (tolerance and
/// acceptance by generation) and `calibration_predictive` (the posterior predictive against each
/// observation, fitted or held out), each as `.png` and `.svg`.
pub fn calibrate_plots(
    c: &crate::run::calibrate::CalibrationRecord,
    plots: Plots,
) -> Result<Vec<(String, Vec<u8>)>> {
    if plots == Plots::None {
        return Ok(Vec::new());
    }
    ensure_fonts()?;
    let predictive = HindcastRecord {
        scenario_name: c.scenario_name.clone(),
        start_date: c.start_date,
        observed_file: c.observed_file.clone(),
        runs: c.settings.predictive_runs,
        master_seed: c.settings.abc.seed,
        days: c.days,
        scored: c
            .scored
            .iter()
            .zip(&c.fitted)
            .map(|(s, fitted)| {
                let mut s = s.clone();
                let role = if *fitted { "fitted" } else { "held out" };
                s.label = format!("{role} · {}", s.label);
                s
            })
            .collect(),
        overall: Vec::new(),
    };
    let mut chart = hindcast::hindcast(&predictive);
    chart.title = format!(
        "Calibration: posterior predictive against what happened — {}",
        c.scenario_name
    );
    chart.subtitle = format!(
        "cut-off {}: observations up to it fitted, later ones held out · {} runs at posterior \
         particles · shaded: 90% and 50% · red: observed",
        c.settings.until, c.settings.predictive_runs
    );
    let mut figures = vec![
        (
            "calibration_inputs",
            Figure::Calibration(calibrate::inputs(c)),
        ),
        (
            "calibration_generations",
            Figure::Calibration(calibrate::generations(c)),
        ),
        ("calibration_predictive", Figure::Hindcast(chart)),
    ];
    if c.inputs.len() >= 2 {
        figures.insert(
            1,
            (
                "calibration_pairs",
                Figure::Calibration(calibrate::pairs(c)),
            ),
        );
    }
    render_all(plots, &figures)
}

/// The plots of an experiment (`strife experiment`), as `(file name, bytes)`:
/// `experiment_outcomes` (each metric's distribution by policy, a panel per metric),
/// `experiment_scatter` (a scatter matrix of the metrics coloured by policy; only with two
/// metrics or more) and `experiment_probability` (the share of runs where an outcome happens
/// against each uncertainty, binned, a line per policy), each as `.png` and `.svg`.
pub fn experiment_plots(
    d: &crate::run::experiment::Design,
    rows: &[crate::run::experiment::ExperimentRun],
    plots: Plots,
) -> Result<Vec<(String, Vec<u8>)>> {
    if plots == Plots::None {
        return Ok(Vec::new());
    }
    ensure_fonts()?;
    let mut figures = vec![(
        "experiment_outcomes",
        Figure::Experiment(experiment::distributions(d, rows)),
    )];
    if let Some(chart) = experiment::scatter(d, rows) {
        figures.push(("experiment_scatter", Figure::Experiment(chart)));
    }
    figures.push((
        "experiment_probability",
        Figure::Experiment(experiment::probability(d, rows)),
    ));
    render_all(plots, &figures)
}

/// Which plot files a command draws (`--plots`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Plots {
    /// No plots: tables and the report only (the report says the plots were not drawn).
    None,
    /// PNG only (the report shows them as images beside it).
    Png,
    /// SVG only (the report embeds them).
    Svg,
    /// PNG and SVG of every figure.
    #[default]
    All,
}

impl Plots {
    /// Whether PNG files are drawn.
    pub fn png(self) -> bool {
        matches!(self, Plots::Png | Plots::All)
    }

    /// Whether SVG files are drawn.
    pub fn svg(self) -> bool {
        matches!(self, Plots::Svg | Plots::All)
    }
}

/// The PNG and SVG (as `plots` asks) of each figure, named after its stem.
///
/// Issue 20: every file is drawn on rayon's current pool, each PNG and each SVG a task of its
/// own (they share nothing but the read-only figure). The files come back in the same order
/// as before (figure by figure, PNG before SVG), and each file's bytes depend only on its
/// figure, so the output is the same whatever the number of threads; the first error in that
/// order is the one returned.
fn render_all(plots: Plots, figures: &[(&str, Figure)]) -> Result<Vec<(String, Vec<u8>)>> {
    let jobs: Vec<(&str, &Figure, bool)> = figures
        .iter()
        .flat_map(|(stem, figure)| {
            let png = plots.png().then_some((*stem, figure, true));
            let svg = plots.svg().then_some((*stem, figure, false));
            png.into_iter().chain(svg)
        })
        .collect();
    // Issue 20: the largest drawings are started first (a PNG costs about its pixels, an SVG
    // less), so that the last to finish is a small one: the 1200 × 15,150 control timeline of a
    // 5,000-unit theatre, started late, was the whole command's tail.
    let jobs = jobs
        .into_iter()
        .map(|job| {
            let (width, height) = job.1.size();
            let pixels = u64::from(width) * u64::from(height);
            (if job.2 { pixels } else { pixels / 2 }, job)
        })
        .collect();
    crate::output::costliest_first(jobs, |(stem, figure, png)| {
        if png {
            Ok((format!("{stem}.png"), render_png(figure)?))
        } else {
            Ok((format!("{stem}.svg"), render_svg(figure)?))
        }
    })
    .into_iter()
    .collect()
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
    /// Comparison: share of runs in which each place has changed hands, by scenario.
    CompareCapture(CompareCapture),
    /// Comparison: fans of people displaced and personnel, by scenario.
    CompareFans(CompareFans),
    /// Comparison: paired differences from the baseline.
    Forest(Forest),
    /// Sweep: a line or a heatmap.
    Sweep(SweepChart),
    /// Sensitivity: rows of index bars.
    Indices(indices::IndexChart),
    /// Hindcast: the model's distribution and the observation, a panel each.
    Hindcast(hindcast::HindcastChart),
    /// Calibration: prior against posterior, pairs, or generations.
    Calibration(calibrate::CalibrationChart),
    /// Experiment: outcomes by policy, their scatter matrix, or chances against the inputs.
    Experiment(experiment::ExperimentChart),
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
            Figure::CompareCapture(chart) => chart.size(),
            Figure::CompareFans(chart) => chart.size(),
            Figure::Forest(chart) => chart.size(),
            Figure::Sweep(chart) => chart.size(),
            Figure::Indices(chart) => chart.size(),
            Figure::Hindcast(chart) => chart.size(),
            Figure::Calibration(chart) => chart.size(),
            Figure::Experiment(chart) => chart.size(),
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
            Figure::CompareCapture(chart) => chart.draw(root),
            Figure::CompareFans(chart) => chart.draw(root),
            Figure::Forest(chart) => chart.draw(root),
            Figure::Sweep(chart) => chart.draw(root),
            Figure::Indices(chart) => chart.draw(root),
            Figure::Hindcast(chart) => chart.draw(root),
            Figure::Calibration(chart) => chart.draw(root),
            Figure::Experiment(chart) => chart.draw(root),
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
        let root = glyphs::GlyphFix(backend).into_drawing_area();
        figure.draw(&root)?;
        root.present().map_err(draw_error)?;
    }
    let mut png = Vec::new();
    // Issue 20: the default deflate level, not the best: about 3× faster to encode and within
    // 0.5% of the size (smaller for some figures) on the plots of a 5,000-unit theatre; the
    // fast level was 7–20× faster but 1.5–2.4× larger (docs/PERFORMANCE.md, "Issue 20").
    PngEncoder::new_with_quality(&mut png, CompressionType::Default, FilterType::Adaptive)
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
    Ok(map::svg_stroke_halos(svg).into_bytes())
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
        let files = run_plots(&record, Plots::All).expect("plots");
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
        let files = run_plots(&record, Plots::All).expect("plots");
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
        assert!(displacement.contains("dead (persons, cumulative)"));
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
        // The scenario's outlines are drawn and named in the key; the lake is a filled polygon.
        assert!(map.contains("Lake Kivu"), "lake in the key");
        assert!(map.contains("DRC–Rwanda border"), "border in the key");
        assert!(map.contains("fill=\"#C8DEF0\""), "the lake is filled");
        assert!(map.contains("\nN\n</text>"), "north arrow");
        assert!(map.contains(" km\n</text>"), "scale bar");
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
        let first = run_plots(&record, Plots::All).expect("plots");
        let second = run_plots(&record, Plots::All).expect("plots");
        assert_eq!(first, second);
    }

    /// An ensemble of `runs` runs of `scenario` over `days` days (the scenario's if `None`).
    fn ensemble(scenario: &str, runs: u64, days: Option<f64>) -> EnsembleRecord {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(scenario);
        let loaded = load_scenario(&path).expect("scenario loads");
        crate::run::ensemble::run_digests(&loaded, 42, 0..runs, days, || {}).expect("ensemble")
    }

    fn ensemble_names() -> Vec<String> {
        [
            "fan_forces",
            "fan_displacement",
            "capture_probability",
            "map_probability",
        ]
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
    fn minimal_ensemble_gives_eight_files() {
        let e = ensemble("scenarios/minimal.ron", 8, None);
        let files = ensemble_plots(&e, Plots::All).expect("plots");
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
        let map = svg("map_probability.svg");
        assert!(map.contains("Most likely holder at the end"));
        assert!(map.contains("Share of the 8 runs in which each place changed hands"));
        assert!(map.contains("changed hands: over 90%"));
        assert!(map.contains(" km"), "scale bar");
        assert_eq!(files, ensemble_plots(&e, Plots::All).expect("plots again"));
    }

    #[test]
    fn goma_ensemble_plots_fans_pressure_and_captures() {
        let e = ensemble("scenarios/goma_2025.ron", 8, Some(20.0));
        let files = ensemble_plots(&e, Plots::All).expect("plots");
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
        assert_eq!(files, ensemble_plots(&e, Plots::All).expect("plots again"));
    }

    #[test]
    fn degenerate_ensembles_still_plot() {
        let mut e = ensemble("scenarios/minimal.ron", 1, Some(3.0));
        check_ensemble_files(&e, &ensemble_plots(&e, Plots::All).expect("one run"));

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
        let files = ensemble_plots(&e, Plots::All).expect("nothing captured");
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
        check_ensemble_files(
            &e,
            &ensemble_plots(&e, Plots::All).expect("states, no pressure"),
        );
        assert!(
            svg_of(
                &ensemble_plots(&e, Plots::All).expect("plots"),
                "fan_displacement.svg"
            )
            .contains("No pressure on any state in any run")
        );

        e.runs.clear();
        let files = ensemble_plots(&e, Plots::All).expect("no runs");
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
        check_ensemble_files(
            &e,
            &ensemble_plots(&e, Plots::All).expect("no factions or places"),
        );
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
            for (file, bytes) in ensemble_plots(&e, Plots::All).expect("plots") {
                std::fs::write(dir.join(file), bytes).expect("write");
            }
        }
    }

    /// Ensembles of `scenarios` with the same master seed and runs (common random numbers),
    /// and their labels (file stems).
    fn comparison(
        scenarios: &[&str],
        runs: u64,
        days: Option<f64>,
    ) -> (Vec<String>, Vec<EnsembleRecord>) {
        let labels = scenarios
            .iter()
            .map(|s| {
                Path::new(s)
                    .file_stem()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect();
        let ensembles = scenarios
            .iter()
            .map(|s| {
                let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(s);
                let loaded = load_scenario(&path).expect("scenario loads");
                crate::run::ensemble::run_digests(&loaded, 2025, 0..runs, days, || {})
                    .expect("ensemble")
            })
            .collect();
        (labels, ensembles)
    }

    /// Checks the names, the PNGs (decode, at least `min` pixels) and the SVGs (text) of
    /// `files`, which must be `stems` in order.
    fn check_plot_files(files: &[(String, Vec<u8>)], stems: &[&str], min: (u32, u32)) {
        let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        let expected: Vec<String> = stems
            .iter()
            .flat_map(|s| [format!("{s}.png"), format!("{s}.svg")])
            .collect();
        assert_eq!(names, expected);
        for (name, bytes) in files {
            if name.ends_with(".png") {
                assert!(bytes.starts_with(&PNG_SIGNATURE), "{name} is not a PNG");
                let image = image::load_from_memory(bytes).expect("PNG decodes");
                assert!(image.width() >= min.0, "{name}");
                assert!(image.height() >= min.1, "{name}");
            } else {
                let svg = std::str::from_utf8(bytes).expect("SVG is UTF-8");
                assert!(svg.starts_with("<svg"), "{name}");
                assert!(svg.contains("<text"), "{name} has no text");
                assert!(svg.contains("font-family=\"sans-serif\""), "{name}");
            }
        }
    }

    const COMPARE_STEMS: [&str; 3] = ["compare_capture", "compare_fans", "compare_differences"];

    #[test]
    fn comparison_plots_every_scenario_in_its_colour() {
        let (labels, ensembles) = comparison(
            &[
                "scenarios/goma_2025.ron",
                "scenarios/whatif/no_rdf.ron",
                "scenarios/whatif/angola_ceasefire.ron",
            ],
            6,
            Some(12.0),
        );
        let files = compare_plots(
            &labels,
            &ensembles,
            crate::run::statistic::Stat::Mean,
            Plots::All,
        )
        .expect("plots");
        check_plot_files(&files, &COMPARE_STEMS, (1200, 400));
        for stem in COMPARE_STEMS {
            let svg = svg_of(&files, &format!("{stem}.svg"));
            assert!(svg.contains("Goma 2025"), "{stem}: baseline title");
            assert!(svg.contains("master seed 2025"), "{stem}: seed");
        }
        let capture = svg_of(&files, "compare_capture.svg");
        assert!(capture.contains("Goma"));
        assert!(capture.contains("(baseline)"));
        assert!(capture.contains("no RDF troops"));
        let fans = svg_of(&files, "compare_fans.svg");
        assert!(fans.contains("People displaced now"));
        assert!(fans.contains("Personnel of the"));
        assert!(fans.contains("middle 50% of runs"));
        let forest = svg_of(&files, "compare_differences.svg");
        assert!(forest.contains("percentage points"));
        assert!(forest.contains("Peacekeepers killed"));
        assert!(forest.contains("Civilians dead"));
        // Scenario i has palette colour i in every figure.
        for (i, _) in ensembles.iter().enumerate() {
            let c = theme::palette(i);
            let hex = format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
            for stem in ["compare_capture", "compare_fans"] {
                let svg = svg_of(&files, &format!("{stem}.svg"));
                assert!(svg.to_uppercase().contains(&hex), "{stem}: colour {i}");
            }
            if i > 0 {
                assert!(forest.to_uppercase().contains(&hex), "forest: colour {i}");
            }
        }
        assert_eq!(
            files,
            compare_plots(
                &labels,
                &ensembles,
                crate::run::statistic::Stat::Mean,
                Plots::All
            )
            .expect("again")
        );
    }

    #[test]
    fn degenerate_comparisons_still_plot() {
        // One scenario: nothing to compare with.
        let (labels, mut ensembles) = comparison(&["scenarios/minimal.ron"], 3, Some(4.0));
        let files = compare_plots(
            &labels,
            &ensembles,
            crate::run::statistic::Stat::Mean,
            Plots::All,
        )
        .expect("one scenario");
        check_plot_files(&files, &COMPARE_STEMS, (1200, 400));
        assert!(svg_of(&files, "compare_differences.svg").contains("One scenario only"));

        // Two scenarios, one run each, nothing ever captured.
        let (labels, mut two) = comparison(
            &["scenarios/minimal.ron", "scenarios/minimal.ron"],
            1,
            Some(2.0),
        );
        for r in two.iter_mut().flat_map(|e| &mut e.runs) {
            r.first_capture_day.iter_mut().for_each(|d| *d = None);
        }
        let files = compare_plots(&labels, &two, crate::run::statistic::Stat::Mean, Plots::All)
            .expect("nothing captured");
        check_plot_files(&files, &COMPARE_STEMS, (1200, 400));
        assert!(svg_of(&files, "compare_capture.svg").contains("Never changed hands"));

        // No runs at all, then no scenarios, then no labels.
        for e in &mut two {
            e.runs.clear();
        }
        check_plot_files(
            &compare_plots(&labels, &two, crate::run::statistic::Stat::Mean, Plots::All)
                .expect("no runs"),
            &COMPARE_STEMS,
            (1200, 400),
        );
        ensembles.clear();
        check_plot_files(
            &compare_plots(
                &[],
                &ensembles,
                crate::run::statistic::Stat::Mean,
                Plots::All,
            )
            .expect("no scenarios"),
            &COMPARE_STEMS,
            (1200, 400),
        );
        check_plot_files(
            &compare_plots(&[], &two, crate::run::statistic::Stat::Mean, Plots::All)
                .expect("no labels"),
            &COMPARE_STEMS,
            (1200, 400),
        );
        // Different theatres: places and factions are matched by id.
        let (_, mut mixed) = comparison(&["scenarios/minimal.ron"], 2, Some(3.0));
        let (_, goma) = comparison(&["scenarios/goma_2025.ron"], 2, Some(3.0));
        mixed.extend(goma);
        let labels = vec!["minimal".to_owned(), "goma".to_owned()];
        check_plot_files(
            &compare_plots(
                &labels,
                &mixed,
                crate::run::statistic::Stat::Mean,
                Plots::All,
            )
            .expect("different theatres"),
            &COMPARE_STEMS,
            (1200, 400),
        );
    }

    /// The sweep of `metric` over `axes` (as for `--vary`) of `scenario`.
    fn sweep_of(scenario: &str, axes: &[&str], metric: &str, runs: u64, days: f64) -> SweepRecord {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(scenario);
        let loaded = load_scenario(&path).expect("scenario loads");
        let axes: Vec<crate::run::sweep::Vary> = axes
            .iter()
            .map(|a| a.parse().expect("axis parses"))
            .collect();
        crate::run::sweep::run_sweep(
            &loaded,
            &axes,
            metric,
            crate::run::statistic::Stat::Mean,
            2025,
            runs,
            Some(days),
            || {},
        )
        .expect("sweep")
    }

    #[test]
    fn sweeps_plot_a_line_or_a_heatmap() {
        let one = sweep_of(
            "scenarios/minimal.ron",
            &["units.reb_column.personnel=500:2500:500"],
            "p_fall.city",
            4,
            6.0,
        );
        let files = sweep_plots(&one, Plots::All).expect("one axis");
        check_plot_files(&files, &["sweep"], (1200, 400));
        let svg = svg_of(&files, "sweep.svg");
        assert!(svg.contains("p_fall.city across units.reb_column.personnel"));
        assert!(svg.contains("4 runs per point, master seed 2025"));
        assert!(svg.contains("p_fall.city (% of runs)"));
        assert!(svg.contains("2,500") || svg.contains("2500"));
        assert_eq!(files, sweep_plots(&one, Plots::All).expect("again"));

        let two = sweep_of(
            "scenarios/goma_2025.ron",
            &[
                "units.rdf_crossing.personnel=0:3000:1000",
                "states.Rwanda.resolve=4,8,16",
            ],
            "fall_day.goma",
            3,
            8.0,
        );
        let files = sweep_plots(&two, Plots::All).expect("two axes");
        check_plot_files(&files, &["sweep"], (1200, 400));
        let svg = svg_of(&files, "sweep.svg");
        assert!(svg.contains("states.Rwanda.resolve"));
        assert!(svg.contains("fall_day.goma (days since the start)"));
        assert!(svg.contains(&two.scenario_name));
        assert_eq!(files, sweep_plots(&two, Plots::All).expect("again"));
    }

    #[test]
    fn degenerate_sweeps_still_plot() {
        let mut s = sweep_of(
            "scenarios/minimal.ron",
            &["units.reb_column.personnel=1500"],
            "fall_day.city",
            2,
            3.0,
        );
        check_plot_files(
            &sweep_plots(&s, Plots::All).expect("one point"),
            &["sweep"],
            (1200, 400),
        );
        // No values anywhere, on a line and on a heatmap.
        for p in &mut s.points {
            p.mean = f64::NAN;
            p.ci = [f64::NAN; 2];
            p.quantiles = None;
            p.n = 0;
            p.stat = crate::run::statistic::Estimate {
                value: f64::NAN,
                ci: None,
                n: 0,
                share: 0.0,
            };
        }
        let files = sweep_plots(&s, Plots::All).expect("all NaN");
        check_plot_files(&files, &["sweep"], (1200, 400));
        assert!(svg_of(&files, "sweep.svg").contains("No run had a value"));
        let mut heat = s.clone();
        heat.axes.push("states.x=a,b".parse().expect("axis"));
        heat.points = ["a", "b"]
            .iter()
            .map(|v| {
                let mut p = s.points[0].clone();
                p.values.push((*v).to_owned());
                p
            })
            .collect();
        let files = sweep_plots(&heat, Plots::All).expect("heatmap, all NaN");
        check_plot_files(&files, &["sweep"], (1200, 400));
        assert!(svg_of(&files, "sweep.svg").contains("No run had a value"));
        // Categories, a missing value, no points, and three axes.
        let mut cats = s.clone();
        cats.axes[0] = "units.reb_column.posture=Attack,Defend,Reserve"
            .parse()
            .expect("axis");
        cats.points = ["Attack", "Defend", "Reserve"]
            .iter()
            .enumerate()
            .map(|(i, v)| crate::run::sweep::SweepPoint {
                values: vec![(*v).to_owned()],
                n: i,
                mean: if i == 1 { f64::NAN } else { i as f64 + 2.0 },
                ci: [i as f64 + 1.0, i as f64 + 3.0],
                quantiles: (i != 1).then_some([2.0, 1.0, 6.0]),
                stat: crate::run::statistic::Estimate {
                    value: if i == 1 { f64::NAN } else { i as f64 + 2.0 },
                    ci: Some([i as f64 + 1.0, i as f64 + 3.0]),
                    n: i,
                    share: i as f64 / 40.0,
                },
            })
            .collect();
        let files = sweep_plots(&cats, Plots::All).expect("categories");
        check_plot_files(&files, &["sweep"], (1200, 400));
        assert!(svg_of(&files, "sweep.svg").contains("Reserve"));
        cats.points.clear();
        check_plot_files(
            &sweep_plots(&cats, Plots::All).expect("no points"),
            &["sweep"],
            (1200, 400),
        );
        heat.axes.push("states.y=1,2".parse().expect("axis"));
        check_plot_files(
            &sweep_plots(&heat, Plots::All).expect("three axes"),
            &["sweep"],
            (1200, 400),
        );
        heat.axes.clear();
        check_plot_files(
            &sweep_plots(&heat, Plots::All).expect("no axes"),
            &["sweep"],
            (1200, 400),
        );
    }

    /// Writes comparison plots to `/tmp/cmp_plots/` and sweep plots to `/tmp/sweep_plots/`, to
    /// look at: `cargo test comparison_and_sweep_plots_to_tmp -- --ignored`. `CMP_RUNS` (100)
    /// and `CMP_DAYS` (60) size the comparison of Goma, no RDF and the Angola ceasefire;
    /// `SWEEP_RUNS` (40) and `SWEEP_DAYS` (20) the sweeps.
    #[test]
    #[ignore]
    fn comparison_and_sweep_plots_to_tmp() {
        let var = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let (runs, days) = (var("CMP_RUNS", 100), var("CMP_DAYS", 60) as f64);
        let write = |dir: &Path, files: Vec<(String, Vec<u8>)>| {
            std::fs::create_dir_all(dir).expect("folder");
            for (file, bytes) in files {
                std::fs::write(dir.join(file), bytes).expect("write");
            }
        };
        let cmp = Path::new("/tmp/cmp_plots");
        let (labels, ensembles) = comparison(
            &[
                "scenarios/goma_2025.ron",
                "scenarios/whatif/no_rdf.ron",
                "scenarios/whatif/angola_ceasefire.ron",
            ],
            runs,
            Some(days),
        );
        write(
            &cmp.join("goma3"),
            compare_plots(
                &labels,
                &ensembles,
                crate::run::statistic::Stat::Mean,
                Plots::All,
            )
            .expect("plots"),
        );
        write(
            &cmp.join("goma1"),
            compare_plots(
                &labels[..1],
                &ensembles[..1],
                crate::run::statistic::Stat::Mean,
                Plots::All,
            )
            .expect("plots"),
        );
        let (labels, ensembles) = comparison(
            &["scenarios/minimal.ron", "scenarios/minimal.ron"],
            runs.min(40),
            None,
        );
        write(
            &cmp.join("minimal2"),
            compare_plots(
                &labels,
                &ensembles,
                crate::run::statistic::Stat::Mean,
                Plots::All,
            )
            .expect("plots"),
        );
        let mut empty = ensembles;
        for e in &mut empty {
            e.runs.clear();
        }
        write(
            &cmp.join("no_runs"),
            compare_plots(
                &labels,
                &empty,
                crate::run::statistic::Stat::Mean,
                Plots::All,
            )
            .expect("plots"),
        );
        write(
            &cmp.join("none"),
            compare_plots(&[], &[], crate::run::statistic::Stat::Mean, Plots::All).expect("plots"),
        );

        let (runs, days) = (var("SWEEP_RUNS", 40), var("SWEEP_DAYS", 20) as f64);
        let out = Path::new("/tmp/sweep_plots");
        for (name, scenario, axes, metric) in [
            (
                "goma_grid",
                "scenarios/goma_2025.ron",
                &[
                    "units.rdf_crossing.personnel=0:3000:1000",
                    "states.Rwanda.resolve=4,8,16",
                ][..],
                "fall_day.goma",
            ),
            (
                "goma_grid_p",
                "scenarios/goma_2025.ron",
                &[
                    "units.rdf_crossing.personnel=0:3000:1000",
                    "states.Rwanda.resolve=4,8,16",
                ][..],
                "p_fall.bukavu",
            ),
            (
                "goma_line",
                "scenarios/goma_2025.ron",
                &["units.rdf_crossing.personnel=0:3000:500"][..],
                "fall_day.goma",
            ),
            (
                "minimal_line_p",
                "scenarios/minimal.ron",
                &["units.reb_column.personnel=500:2500:500"][..],
                "p_fall.city",
            ),
            (
                "minimal_line_persons",
                "scenarios/minimal.ron",
                &["units.reb_column.personnel=500:2500:500"][..],
                "civilian_deaths",
            ),
        ] {
            let s = sweep_of(scenario, axes, metric, runs, days);
            write(&out.join(name), sweep_plots(&s, Plots::All).expect("plots"));
        }
    }

    /// A made-up sweep of `metric` over `axes` (path, values), with the mean at each point
    /// given by `mean` (of the point's value indices; NaN for none) out of 40 runs.
    fn synthetic_sweep(
        metric: &str,
        axes: &[(&str, Vec<String>)],
        mean: impl Fn(&[usize]) -> f64,
    ) -> SweepRecord {
        let axes: Vec<crate::run::sweep::Vary> = axes
            .iter()
            .map(|(path, values)| crate::run::sweep::Vary {
                path: (*path).to_owned(),
                values: values.clone(),
            })
            .collect();
        let mut grid: Vec<Vec<usize>> = vec![Vec::new()];
        for axis in &axes {
            grid = grid
                .iter()
                .flat_map(|prefix| {
                    (0..axis.values.len()).map(move |i| {
                        let mut p = prefix.clone();
                        p.push(i);
                        p
                    })
                })
                .collect();
        }
        let probability = metric.starts_with("p_");
        let points = grid
            .iter()
            .map(|ix| {
                let m = mean(ix);
                let n = if m.is_finite() { 40 - ix[0] % 7 } else { 0 };
                let half = if probability {
                    0.08
                } else {
                    0.1 * m.abs() + 0.5
                };
                crate::run::sweep::SweepPoint {
                    values: ix
                        .iter()
                        .zip(&axes)
                        .map(|(&i, a)| a.values[i].clone())
                        .collect(),
                    n,
                    mean: m,
                    ci: [(m - half).max(0.0), m + half],
                    quantiles: m.is_finite().then_some([m, 0.6 * m, 1.5 * m]),
                    stat: crate::run::statistic::Estimate {
                        value: m,
                        ci: Some([(m - half).max(0.0), m + half]),
                        n,
                        share: n as f64 / 40.0,
                    },
                }
            })
            .collect();
        SweepRecord {
            scenario_name: "Synthetic".to_owned(),
            axes,
            metric: metric.to_owned(),
            probability,
            stat: crate::run::statistic::Stat::Mean,
            runs: 40,
            master_seed: 7,
            points,
        }
    }

    /// Writes made-up sweeps (categories, one point, missing values, large grids) to
    /// `/tmp/sweep_plots/synthetic_*`, to look at: `cargo test synthetic_sweep_plots_to_tmp --
    /// --ignored`.
    #[test]
    #[ignore]
    fn synthetic_sweep_plots_to_tmp() {
        let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let numbers = |n: usize, step: usize| (0..n).map(|i| (i * step).to_string()).collect();
        let cases = [
            (
                "synthetic_categories",
                synthetic_sweep(
                    "fall_day.goma",
                    &[(
                        "units.m23_south.posture",
                        strings(&["Attack", "Defend", "Reserve", "Hold"]),
                    )],
                    |ix| {
                        if ix[0] == 2 {
                            f64::NAN
                        } else {
                            6.0 + ix[0] as f64
                        }
                    },
                ),
            ),
            (
                "synthetic_one_point",
                synthetic_sweep(
                    "civilian_deaths",
                    &[("params.x", strings(&["2.5"]))],
                    |_| 812.0,
                ),
            ),
            (
                "synthetic_line_gap",
                synthetic_sweep("fall_day.goma", &[("params.x", numbers(9, 250))], |ix| {
                    if ix[0] == 4 {
                        f64::NAN
                    } else {
                        5.0 + (ix[0] as f64).sqrt()
                    }
                }),
            ),
            (
                "synthetic_grid_120",
                synthetic_sweep(
                    "fall_day.bukavu",
                    &[
                        ("units.a.personnel", numbers(12, 500)),
                        ("states.Rwanda.resolve", numbers(10, 2)),
                    ],
                    |ix| {
                        if ix[0] + ix[1] < 3 {
                            f64::NAN
                        } else {
                            10.0 + ix[0] as f64 * 1.7 - ix[1] as f64
                        }
                    },
                ),
            ),
            (
                "synthetic_grid_600",
                synthetic_sweep(
                    "p_fall.goma",
                    &[
                        ("units.a.personnel", numbers(30, 100)),
                        ("states.Rwanda.resolve", numbers(20, 1)),
                    ],
                    |ix| (ix[0] as f64 / 30.0 * (1.0 - ix[1] as f64 / 25.0)).clamp(0.0, 1.0),
                ),
            ),
            (
                "synthetic_grid_nan",
                synthetic_sweep(
                    "fall_day.goma",
                    &[("a", numbers(3, 1)), ("b", numbers(2, 1))],
                    |_| f64::NAN,
                ),
            ),
            (
                "synthetic_grid_one",
                synthetic_sweep(
                    "newly_displaced",
                    &[("a", numbers(1, 1)), ("b", numbers(1, 1))],
                    |_| 123456.0,
                ),
            ),
        ];
        for (name, s) in cases {
            let dir = Path::new("/tmp/sweep_plots").join(name);
            std::fs::create_dir_all(&dir).expect("folder");
            for (file, bytes) in sweep_plots(&s, Plots::All).expect("plots") {
                std::fs::write(dir.join(file), bytes).expect("write");
            }
        }
    }

    #[test]
    fn degenerate_records_still_plot() {
        let mut record = minimal_record();
        record.samples.truncate(1);
        check_files(
            &record,
            &run_plots(&record, Plots::All).expect("one sample"),
        );

        for sample in &mut record.samples {
            for f in &mut sample.factions {
                *f = Default::default();
            }
        }
        check_files(&record, &run_plots(&record, Plots::All).expect("all zero"));

        record.samples.clear();
        check_files(
            &record,
            &run_plots(&record, Plots::All).expect("no samples"),
        );

        record.theatre.factions.clear();
        record.theatre.places.clear();
        check_files(
            &record,
            &run_plots(&record, Plots::All).expect("no factions or places"),
        );
    }
}
