//! Experiment designs as files (`strife experiment design.ron`), in the style of the EMA
//! Workbench and NetLogo BehaviorSpace: a base scenario, uncertainties as ranges by override
//! path, policies (named sets of overrides), a sampler, the number of scenarios (design
//! points), seeds per point and metrics. This module reads and checks a design, lays out its
//! runs and runs them (in parallel, no I/O); [`crate::output::experiment`] writes the tables.
//!
//! **Runs.** Run `r` of a design of `E` points, `P` policies and `S` seeds is point
//! `e = r / (P·S)`, policy `p = (r / S) mod P`, seed index `s = r mod S`, with seed
//! [`run_seed`]`(master, s)`: the same seeds at every point and policy (common random
//! numbers), so that differences between policies come from the policies. An uncertainty is
//! put in the scenario as `Uniform(min, max)` (so that the scenario is checked at both ends of
//! its range) and fixed at the point's value in each run; every other uncertain input of the
//! scenario is drawn from the run's seed as an ensemble draws it. A shard (`--shard I/N`) runs
//! the contiguous block `[⌊(I−1)·R/N⌋, ⌊I·R/N⌋)` of the `R` runs; results come back in run
//! order, whatever the number of threads.

use crate::run::expr::MetricSpec;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::ensemble::{Shard, run_seed};
use super::one::{RunOptions, run_one};
use super::record::RunRecord;
use crate::analysis::samplers;
use crate::error::{Diagnostic, Error, Result};
use crate::scenario::load::{read_text, suggest, syntax_help, syntax_message};
use crate::scenario::overrides::apply_overrides;
use crate::scenario::uncertain::fixed_scenario;
use crate::scenario::validate::line_col;
use crate::scenario::{LoadedScenario, Override, load_with_overrides, validate_values};
use crate::sim::politics::Politics;
use crate::sim::resources::Theatre;

/// Most uncertainties a design may have (the dimensions of the Sobol' sequence).
pub const MAX_UNCERTAINTIES: usize = samplers::MAX_SOBOL_DIMENSIONS;
/// Most policies a design may have.
pub const MAX_POLICIES: usize = 100;
/// Most metrics a design may have.
pub const MAX_METRICS: usize = 64;
/// Most design points (scenarios): every one runs at least once.
pub const MAX_POINTS: u64 = super::MAX_RUNS;

/// A design file, as written (see `strife experiment --template`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Experiment {
    /// Title of the experiment (default: the base scenario's name).
    #[serde(default)]
    pub name: Option<String>,
    /// The question it asks, in a sentence or two.
    #[serde(default)]
    pub description: String,
    /// The base scenario (or what-if), relative to the design file.
    pub scenario: String,
    /// The uncertainties: ranges by override path.
    pub uncertainties: Vec<Uncertainty>,
    /// The policies; none means one policy, `base`, that changes nothing.
    #[serde(default)]
    pub policies: Vec<Policy>,
    /// How the design points are chosen.
    pub sampler: Sampler,
    /// Number of design points (required but for `FullFactorial` and `Csv`, where it is the
    /// grid's size or the file's rows and, if given, must agree).
    #[serde(default)]
    pub scenarios: Option<u64>,
    /// Runs per point and policy, each with its own seed (the same seeds everywhere).
    #[serde(default = "one")]
    pub seeds: u64,
    /// The metrics (see `strife metrics SCENARIO`).
    pub metrics: Vec<String>,
    /// Master seed of the design and the runs (default: the scenario's; `--seed` wins).
    #[serde(default)]
    pub seed: Option<u64>,
    /// Day limit of each run (default: the scenario's; `--days` wins).
    #[serde(default)]
    pub days: Option<f64>,
}

fn one() -> u64 {
    1
}

/// One uncertainty: a number of the scenario that ranges uniformly over `[min, max]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Uncertainty {
    /// Path of the field, as for `--set` (`units.rdf_north.personnel`).
    pub path: String,
    /// Lowest value.
    pub min: f64,
    /// Highest value.
    pub max: f64,
    /// Unit of the value, for tables and plots (`persons`, `days`, `0–1`).
    #[serde(default)]
    pub unit: String,
}

/// A policy (a lever setting): a name and the overrides it applies to the base.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Its name: letters, digits, `_` and `-`.
    pub name: String,
    /// What it does, in words.
    #[serde(default)]
    pub description: String,
    /// Overrides, `"PATH": "VALUE"` as for `--set`; a path may appear once.
    #[serde(default, deserialize_with = "crate::scenario::whatif::unique_keys")]
    pub set: BTreeMap<String, String>,
}

/// How a design's points are chosen in the uncertainties' ranges.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub enum Sampler {
    /// A Latin hypercube: one point in each of the `scenarios` strata of every uncertainty.
    LatinHypercube,
    /// The Owen-scrambled Sobol' sequence.
    Sobol,
    /// Every combination of this many evenly spaced values of each uncertainty, ends included.
    FullFactorial(u32),
    /// Independent uniform draws.
    MonteCarlo,
    /// The rows of a CSV file (relative to the design file) whose header names every
    /// uncertainty's path; each row is a point, in the uncertainties' units.
    Csv(String),
}

impl Sampler {
    /// The sampler's name as a design file writes it.
    pub fn word(&self) -> String {
        match self {
            Sampler::LatinHypercube => "LatinHypercube".into(),
            Sampler::Sobol => "Sobol".into(),
            Sampler::FullFactorial(l) => format!("FullFactorial({l})"),
            Sampler::MonteCarlo => "MonteCarlo".into(),
            Sampler::Csv(p) => format!("Csv({p:?})"),
        }
    }
}

/// The outcomes a design asks for, named in its `metrics`: built-in metric names or
/// expressions ([`MetricSpec`], docs/METRICS.md). This is the one place where a design's metric
/// texts are read and evaluated.
#[derive(Debug, Clone)]
pub struct Outcomes {
    metrics: Vec<MetricSpec>,
    names: Vec<String>,
}

impl Outcomes {
    /// Parse each text against the theatre and the scenario's politics; `Err` gives the index
    /// of the text at fault.
    pub fn parse(
        texts: &[String],
        theatre: &Theatre,
        politics: &Politics,
    ) -> std::result::Result<Self, (usize, Error)> {
        let metrics = texts
            .iter()
            .enumerate()
            .map(|(i, t)| MetricSpec::parse(t, theatre, politics).map_err(|e| (i, e)))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(Outcomes {
            metrics,
            names: texts.to_vec(),
        })
    }

    /// The metrics' names, in the design's order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Each metric of run `k` (its record, of `days` days); `None` where it has no value.
    pub fn evaluate(&self, _k: u64, record: &RunRecord, days: f64) -> Vec<Option<f64>> {
        self.metrics
            .iter()
            .map(|m| m.evaluate_days(record, days))
            .collect()
    }
}

/// A design read, checked and laid out: everything needed to run any of its runs.
#[derive(Debug, Clone)]
pub struct Design {
    /// The design file as given.
    pub file: String,
    /// Its text.
    pub source: String,
    /// What it says.
    pub spec: Experiment,
    /// The base scenario (with `--set` applied).
    pub base: LoadedScenario,
    /// Policy names, in order (`base` if the file has none).
    pub policies: Vec<String>,
    /// For each policy, the base with its overrides and the uncertainties' ranges in place.
    pub scenarios: Vec<LoadedScenario>,
    /// The design's points: each uncertainty's value, in the file's order.
    pub points: Vec<Vec<f64>>,
    /// Seeds per point and policy.
    pub seeds: u64,
    /// Master seed.
    pub master_seed: u64,
    /// Day limit of each run.
    pub days: f64,
    /// `--days` as given (kept for shards).
    pub days_given: Option<f64>,
    /// The CSV file of a `Csv` sampler and its SHA-256.
    pub csv: Option<(String, String)>,
    /// The theatre (names and colours for the plots).
    pub theatre: Theatre,
    /// The metrics.
    pub outcomes: Outcomes,
}

/// One run of a design and its metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExperimentRun {
    /// Run index in the design.
    pub run: u64,
    /// Design point.
    pub experiment: u64,
    /// Policy index.
    pub policy: usize,
    /// Seed index (the same seed at every point and policy).
    pub seed_index: u64,
    /// The run's seed.
    pub seed: u64,
    /// Each metric's value, `None` where it has none.
    pub values: Vec<Option<f64>>,
}

/// The position of the first `"text"` in `source` outside `//` comment lines.
fn locate_text(source: &str, text: &str) -> Option<(usize, usize)> {
    let quoted = format!("\"{text}\"");
    source
        .match_indices(&quoted)
        .map(|(i, _)| i)
        .find(|&i| {
            let start = source[..i].rfind('\n').map_or(0, |n| n + 1);
            !source[start..i].trim_start().starts_with("//")
        })
        .map(|i| line_col(source, i))
}

/// A problem of the design file, located at `"at"` where that text appears.
fn problem(file: &str, source: &str, at: Option<&str>, message: impl Into<String>) -> Diagnostic {
    let mut d = Diagnostic::new(file, message);
    if let Some((line, col)) = at.and_then(|t| locate_text(source, t)) {
        d = d.at(source, line, col);
    }
    d
}

/// A problem of the design file, located at its field `key` (`seeds:`, `days:`).
fn problem_at_key(file: &str, source: &str, key: &str, message: impl Into<String>) -> Diagnostic {
    let mut d = Diagnostic::new(file, message);
    if let Some((line, col)) = crate::scenario::validate::locate_path(source, key) {
        d = d.at(source, line, col);
    }
    d
}

/// Parse a design file's text (as scenarios are parsed: `Some` may be left implicit).
pub fn parse_design(source: &str, file: &str) -> Result<Experiment> {
    let options =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    options.from_str(source).map_err(|e| {
        let ron::error::Position { line, col } = e.span.start;
        let mut d = Diagnostic::new(file, syntax_message(&e.code)).at(source, line, col);
        if let Some(help) = syntax_help(&e.code) {
            d = d.help(help);
        }
        Error::Invalid(vec![d])
    })
}

/// What the command line adds to a design.
#[derive(Debug, Clone, Default)]
pub struct DesignOptions {
    /// `--set` overrides of the base scenario.
    pub set: Vec<Override>,
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--days`.
    pub days: Option<f64>,
}

/// Read and check the design file at `path`, reporting every problem found with its place.
pub fn load_design(path: &Path, options: &DesignOptions) -> Result<Design> {
    let file = path.display().to_string();
    let source = read_text(path)?;
    let spec = parse_design(&source, &file)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    check_design(spec, source, file, dir, options)
}

/// Check a parsed design (`dir` is the design file's folder) and lay it out.
pub fn check_design(
    spec: Experiment,
    source: String,
    file: String,
    dir: &Path,
    options: &DesignOptions,
) -> Result<Design> {
    let bad = |at: Option<&str>, message: String| problem(&file, &source, at, message);
    let bad_key = |key: &str, message: String| problem_at_key(&file, &source, key, message);
    let mut problems = Vec::new();
    // The file's own fields.
    let k = spec.uncertainties.len();
    if k == 0 {
        problems.push(
            bad(None, "the design has no uncertainties".into()).help(
                "add `uncertainties: [(path: \"units.ID.personnel\", min: 1000, max: 3000)]`",
            ),
        );
    }
    if k > MAX_UNCERTAINTIES {
        problems.push(bad(
            None,
            format!("{k} uncertainties; a design may have at most {MAX_UNCERTAINTIES}"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for u in &spec.uncertainties {
        if !seen.insert(u.path.as_str()) {
            problems.push(bad(
                Some(&u.path),
                format!("uncertainty `{}` is given twice", u.path),
            ));
        }
        if !(u.min.is_finite() && u.max.is_finite()) {
            problems.push(bad(
                Some(&u.path),
                format!(
                    "uncertainty `{}`: its range {}..{} is not two finite numbers",
                    u.path, u.min, u.max
                ),
            ));
        } else if u.min >= u.max {
            problems.push(
                bad(
                    Some(&u.path),
                    format!(
                        "uncertainty `{}`: min {} is not below max {}",
                        u.path, u.min, u.max
                    ),
                )
                .help("write the range low to high; fix a value with a policy's `set` instead"),
            );
        }
    }
    if spec.metrics.is_empty() || spec.metrics.len() > MAX_METRICS {
        problems.push(
            bad(
                None,
                format!(
                    "the design has {} metrics; it needs 1 to {MAX_METRICS}",
                    spec.metrics.len()
                ),
            )
            .help("add `metrics: [\"fall_day.PLACE\"]` (`strife metrics SCENARIO` lists them)"),
        );
    }
    if spec.policies.len() > MAX_POLICIES {
        problems.push(bad(
            None,
            format!(
                "{} policies; a design may have at most {MAX_POLICIES}",
                spec.policies.len()
            ),
        ));
    }
    let mut names = std::collections::HashSet::new();
    for p in &spec.policies {
        let good = !p.name.is_empty()
            && p.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !good {
            problems.push(bad(
                Some(&p.name),
                format!(
                    "policy name `{}` must be letters, digits, `_` and `-`",
                    p.name
                ),
            ));
        }
        if !names.insert(p.name.as_str()) {
            problems.push(bad(
                Some(&p.name),
                format!("policy `{}` is given twice", p.name),
            ));
        }
    }
    if spec.seeds == 0 {
        problems.push(bad_key("seeds", "`seeds` must be at least 1".into()));
    }
    let days_given = options.days.or(spec.days);
    if let Some(days) = days_given
        && !(days.is_finite() && days > 0.0 && days <= 3650.0)
    {
        problems.push(bad_key(
            "days",
            format!("days is {days}; it must be a number of days between 0 and 3650"),
        ));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    // The base scenario.
    let scenario_path = dir.join(&spec.scenario);
    if !scenario_path.is_file() {
        return Err(Error::Invalid(vec![
            bad(
                Some(&spec.scenario),
                format!("scenario `{}` not found", scenario_path.display()),
            )
            .help("`scenario` is a scenario or what-if file, relative to the design file's folder"),
        ]));
    }
    let base = load_with_overrides(&scenario_path, &options.set)?;
    // Each uncertainty names a number of the scenario.
    let ranges: Vec<Override> = spec
        .uncertainties
        .iter()
        .map(|u| Override {
            path: u.path.clone(),
            value: format!("Uniform(min: {:?}, max: {:?})", u.min, u.max),
        })
        .collect();
    for (u, o) in spec.uncertainties.iter().zip(&ranges) {
        if let Err(why) = apply_overrides(&base.scenario, std::slice::from_ref(o)) {
            problems.push(bad(Some(&u.path), format!("uncertainty: {why}")));
        }
    }
    // Each policy's overrides, then the uncertainties on top, checked at both ends.
    let policies: Vec<(String, Vec<Override>)> = if spec.policies.is_empty() {
        vec![("base".to_owned(), Vec::new())]
    } else {
        spec.policies
            .iter()
            .map(|p| {
                let set = p
                    .set
                    .iter()
                    .map(|(path, value)| Override {
                        path: path.clone(),
                        value: value.clone(),
                    })
                    .collect();
                (p.name.clone(), set)
            })
            .collect()
    };
    let mut scenarios = Vec::with_capacity(policies.len());
    for (name, set) in &policies {
        let mut scenario = base.scenario.clone();
        let mut ok = true;
        for o in set {
            match apply_overrides(&scenario, std::slice::from_ref(o)) {
                Ok(s) => scenario = s,
                Err(why) => {
                    ok = false;
                    problems.push(bad(Some(&o.path), format!("policy `{name}`: {why}")));
                }
            }
        }
        if !ok || !problems.is_empty() {
            continue;
        }
        let scenario = apply_overrides(&scenario, &ranges)
            .map_err(|why| Error::Usage(format!("{file}: policy `{name}`: {why}")))?;
        if let Err(e) = crate::scenario::load::check_scenario(&scenario, &base.source, &base.file) {
            match e {
                Error::Invalid(found) => problems.extend(found.into_iter().map(|mut d| {
                    d.file = file.clone();
                    d.position = None;
                    d.source_line = None;
                    d.message = format!(
                        "policy `{name}`, with the uncertainties over their ranges: {}",
                        d.message
                    );
                    d
                })),
                other => return Err(other),
            }
        }
        let mut loaded = base.clone();
        loaded.scenario = scenario;
        scenarios.push(loaded);
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    // The metrics.
    let central = base.central()?;
    let theatre = crate::sim::build_theatre(&central)?;
    let politics = crate::sim::spawn::politics::resolve_politics(&central, &theatre)?;
    let outcomes = Outcomes::parse(&spec.metrics, &theatre, &politics).map_err(|(i, e)| {
        let why = match e {
            Error::Usage(m) => m,
            other => other.to_string(),
        };
        Error::Invalid(vec![bad(Some(&spec.metrics[i]), why)])
    })?;
    // The points.
    let master_seed = options.seed.or(spec.seed).unwrap_or(base.scenario.seed);
    let (points, csv) = design_points(&spec, &file, &source, dir, master_seed)?;
    let total = (points.len() as u64)
        .checked_mul(policies.len() as u64)
        .and_then(|x| x.checked_mul(spec.seeds))
        .unwrap_or(u64::MAX);
    if !(1..=super::MAX_RUNS).contains(&total) {
        return Err(Error::Invalid(vec![
            bad_key(
                "scenarios",
                format!(
                    "the design is {} scenarios × {} policies × {} seeds = {} runs; it must be \
                     between 1 and 1,000,000",
                    points.len(),
                    policies.len(),
                    spec.seeds,
                    if total == u64::MAX {
                        "too many".to_owned()
                    } else {
                        total.to_string()
                    }
                ),
            )
            .help("fewer scenarios, policies or seeds"),
        ]));
    }
    let days = days_given.unwrap_or(base.scenario.duration_days);
    Ok(Design {
        file,
        source,
        seeds: spec.seeds,
        spec,
        base,
        policies: policies.into_iter().map(|(n, _)| n).collect(),
        scenarios,
        points,
        master_seed,
        days,
        days_given: options.days,
        csv,
        theatre,
        outcomes,
    })
}

/// The design's points, in the uncertainties' units, and the CSV file read (with its hash).
#[allow(clippy::type_complexity)] // a pair of plain results
fn design_points(
    spec: &Experiment,
    file: &str,
    source: &str,
    dir: &Path,
    master_seed: u64,
) -> Result<(Vec<Vec<f64>>, Option<(String, String)>)> {
    let k = spec.uncertainties.len();
    let bad =
        |message: String| Error::Invalid(vec![problem_at_key(file, source, "sampler", message)]);
    let count = |what: &str| -> Result<usize> {
        match spec.scenarios {
            None => Err(Error::Invalid(vec![
                problem(file, source, None, format!("{what} needs `scenarios`"))
                    .help("add `scenarios: 50`: the number of design points"),
            ])),
            Some(n) if n == 0 || n > MAX_POINTS => Err(Error::Invalid(vec![problem_at_key(
                file,
                source,
                "scenarios",
                format!("`scenarios` is {n}; it must be between 1 and {MAX_POINTS}"),
            )])),
            Some(n) => Ok(n as usize),
        }
    };
    let unit_points = match &spec.sampler {
        Sampler::LatinHypercube => {
            samplers::latin_hypercube(count("LatinHypercube")?, k, master_seed)
        }
        Sampler::Sobol => samplers::sobol(count("Sobol")?, k, master_seed),
        Sampler::MonteCarlo => samplers::monte_carlo(count("MonteCarlo")?, k, master_seed),
        Sampler::FullFactorial(levels) => {
            let size = u64::from(*levels).checked_pow(k as u32);
            match size {
                Some(n) if *levels >= 1 && n <= MAX_POINTS => {}
                _ => {
                    return Err(bad(format!(
                        "FullFactorial({levels}) of {k} uncertainties is {} points; it must be 1 \
                         to {MAX_POINTS} (levels at least 1)",
                        size.map_or("too many".to_owned(), |n| n.to_string())
                    )));
                }
            }
            let points = samplers::full_factorial(*levels as usize, k);
            if let Some(n) = spec.scenarios
                && n != points.len() as u64
            {
                return Err(bad(format!(
                    "`scenarios` is {n} but FullFactorial({levels}) of {k} uncertainties has {} \
                     points; leave `scenarios` out or make it {}",
                    points.len(),
                    points.len()
                )));
            }
            points
        }
        Sampler::Csv(name) => {
            let (values, hash) = csv_points(spec, file, source, &dir.join(name), name)?;
            return Ok((values, Some((name.clone(), hash))));
        }
    };
    let values = unit_points
        .iter()
        .map(|p| {
            spec.uncertainties
                .iter()
                .zip(p)
                .map(|(u, x)| u.min * (1.0 - x) + u.max * x)
                .collect()
        })
        .collect();
    Ok((values, None))
}

/// The points of a `Csv` sampler: one per row, its columns the uncertainties' paths.
fn csv_points(
    spec: &Experiment,
    file: &str,
    source: &str,
    path: &Path,
    name: &str,
) -> Result<(Vec<Vec<f64>>, String)> {
    let shown = path.display().to_string();
    if !path.is_file() {
        return Err(Error::Invalid(vec![
            problem(
                file,
                source,
                Some(name),
                format!("design points `{shown}` not found"),
            )
            .help("`Csv(\"FILE\")` is relative to the design file's folder"),
        ]));
    }
    let text = read_text(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::Usage(format!("{shown}: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let paths: Vec<&str> = spec.uncertainties.iter().map(|u| u.path.as_str()).collect();
    let at = |line: u64, message: String| {
        Error::Invalid(vec![Diagnostic::new(&shown, message).at(
            &text,
            line as usize,
            1,
        )])
    };
    for h in &header {
        if !paths.contains(&h.as_str()) {
            let hint = suggest(h, paths.iter().copied())
                .map_or_else(String::new, |s| format!("; did you mean `{s}`?"));
            return Err(at(
                1,
                format!("column `{h}` is not an uncertainty of the design{hint}"),
            ));
        }
    }
    let columns: Vec<usize> = paths
        .iter()
        .map(|p| {
            header
                .iter()
                .position(|h| h == p)
                .ok_or_else(|| at(1, format!("no column for uncertainty `{p}`")))
        })
        .collect::<Result<_>>()?;
    let mut points = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::Usage(format!("{shown}: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        let mut point = Vec::with_capacity(columns.len());
        for (u, &c) in spec.uncertainties.iter().zip(&columns) {
            let cell = record.get(c).unwrap_or("");
            let x = cell
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| {
                    at(
                        line,
                        format!("`{}` is `{cell}`, not a finite number", u.path),
                    )
                })?;
            if !(u.min..=u.max).contains(&x) {
                return Err(at(
                    line,
                    format!(
                        "`{}` is {x}, outside its range {}..{} in the design",
                        u.path, u.min, u.max
                    ),
                ));
            }
            point.push(x);
        }
        points.push(point);
        if points.len() as u64 > MAX_POINTS {
            return Err(at(line, format!("more than {MAX_POINTS} rows")));
        }
    }
    if points.is_empty() {
        return Err(at(1, "no rows: a design needs at least one point".into()));
    }
    if let Some(n) = spec.scenarios
        && n != points.len() as u64
    {
        return Err(Error::Invalid(vec![problem(
            file,
            source,
            None,
            format!(
                "`scenarios` is {n} but {shown} has {} rows; leave `scenarios` out or make it {}",
                points.len(),
                points.len()
            ),
        )]));
    }
    Ok((points, crate::output::summary::sha256_hex(text.as_bytes())))
}

impl Design {
    /// Runs of the whole design: points × policies × seeds.
    pub fn total_runs(&self) -> u64 {
        self.points.len() as u64 * self.policies.len() as u64 * self.seeds
    }

    /// The title of the experiment.
    pub fn name(&self) -> String {
        self.spec
            .name
            .clone()
            .unwrap_or_else(|| self.base.scenario.name.clone())
    }

    /// Point, policy and seed index of run `r`.
    pub fn layout(&self, r: u64) -> (u64, usize, u64) {
        let per_point = self.policies.len() as u64 * self.seeds;
        (
            r / per_point,
            ((r / self.seeds) % self.policies.len() as u64) as usize,
            r % self.seeds,
        )
    }

    /// Run the runs `block` of the design on rayon's current pool, in run order; `progress`
    /// is called once per run.
    pub fn run_block(
        &self,
        block: std::ops::Range<u64>,
        progress: impl Fn() + Sync,
    ) -> Result<Vec<ExperimentRun>> {
        block
            .into_par_iter()
            .map(|r| {
                let run = self.run_one(r)?;
                progress();
                Ok(run)
            })
            .collect()
    }

    /// Run the runs `block` of the design as [`Design::run_block`] does, and make each run's
    /// record into a `T` with `make` as it finishes (an experiment's series stream to disk
    /// that way).
    pub fn run_block_with<T: Send>(
        &self,
        block: std::ops::Range<u64>,
        progress: impl Fn() + Sync,
        make: &(dyn Fn(u64, &RunRecord) -> Result<T> + Sync),
    ) -> Result<Vec<(ExperimentRun, T)>> {
        block
            .into_par_iter()
            .map(|r| {
                let (run, record) = self.run_record(r)?;
                let made = make(r, &record)?;
                progress();
                Ok((run, made))
            })
            .collect()
    }

    /// Run `r` of the design.
    fn run_one(&self, r: u64) -> Result<ExperimentRun> {
        self.run_record(r).map(|(run, _)| run)
    }

    /// Run `r` of the design, with its record.
    fn run_record(&self, r: u64) -> Result<(ExperimentRun, RunRecord)> {
        let (e, p, s) = self.layout(r);
        let seed = run_seed(self.master_seed, s);
        let at: Vec<(String, f64)> = self
            .spec
            .uncertainties
            .iter()
            .zip(&self.points[e as usize])
            .map(|(u, x)| (u.path.clone(), *x))
            .collect();
        let loaded = &self.scenarios[p];
        let (scenario, draws) = fixed_scenario(&loaded.scenario, seed, &at)?;
        validate_values(&scenario, &loaded.source, &loaded.file).map_err(|mut problems| {
            for d in &mut problems {
                d.message = format!(
                    "at design point {e}, policy `{}`: {}",
                    self.policies[p], d.message
                );
            }
            Error::Invalid(problems)
        })?;
        let mut record = run_one(
            &scenario,
            RunOptions {
                seed,
                days: Some(self.days),
            },
        )?;
        record.inputs = draws;
        let run = ExperimentRun {
            run: r,
            experiment: e,
            policy: p,
            seed_index: s,
            seed,
            values: self.outcomes.evaluate(r, &record, self.days),
        };
        Ok((run, record))
    }
}

/// The format tag of an experiment's `shard.json`.
pub const EXPERIMENT_SHARD_FORMAT: &str = "strife-experiment-shard-1";

/// What a shard of an experiment writes (`shard.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExperimentShard {
    /// Format tag ([`EXPERIMENT_SHARD_FORMAT`]).
    pub format: String,
    /// The design file as given.
    pub design_file: String,
    /// SHA-256 of the design file.
    pub design_sha256: String,
    /// SHA-256 of the base scenario file.
    pub scenario_sha256: String,
    /// `--set` overrides, `PATH=VALUE`.
    pub set: Vec<String>,
    /// Master seed.
    pub master_seed: u64,
    /// `--days`, if given.
    pub days: Option<f64>,
    /// Runs of the whole design.
    pub runs: u64,
    /// This shard.
    pub shard: Shard,
    /// Its runs, in run order.
    pub rows: Vec<ExperimentRun>,
}

/// Whether the `shard.json` bytes are an experiment's shard (rather than an ensemble's).
pub fn is_experiment_shard(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Tag {
        format: String,
    }
    serde_json::from_slice::<Tag>(bytes).is_ok_and(|t| t.format == EXPERIMENT_SHARD_FORMAT)
}

/// Read the shards of an experiment and check that together they are one whole design: all of
/// one design file, overrides, seed, days and size, each shard of `1..=N` once, each holding
/// exactly its block of runs. Returns the shards in index order.
pub fn read_experiment_shards(dirs: &[PathBuf]) -> Result<Vec<ExperimentShard>> {
    let mut shards: Vec<(String, ExperimentShard)> = Vec::new();
    for dir in dirs {
        let path = dir.join("shard.json");
        let name = path.display().to_string();
        let bytes =
            crate::scenario::load::read_regular_file(&path, super::ensemble::MAX_SHARD_BYTES)?;
        let shard: ExperimentShard = serde_json::from_slice(&bytes)
            .map_err(|e| Error::Usage(format!("{name}: not a strife experiment shard: {e}")))?;
        if shard.format != EXPERIMENT_SHARD_FORMAT {
            return Err(Error::Usage(format!(
                "{name}: not an experiment's shard (format `{}`); merge the shards of one \
                 command together",
                shard.format
            )));
        }
        let Shard { index, count } = shard.shard;
        if count == 0 || index == 0 || index > count || !(1..=super::MAX_RUNS).contains(&shard.runs)
        {
            return Err(Error::Usage(format!(
                "{name}: shard {index}/{count} of {} runs is not a shard",
                shard.runs
            )));
        }
        let block = shard.shard.runs(shard.runs);
        let in_order = shard.rows.len() as u64 == block.end - block.start
            && shard
                .rows
                .iter()
                .zip(block.clone())
                .all(|(row, r)| row.run == r);
        if !in_order {
            return Err(Error::Usage(format!(
                "{name}: shard {index}/{count} should hold runs {}–{} in order",
                block.start,
                block.end.saturating_sub(1)
            )));
        }
        shards.push((name, shard));
    }
    shards.sort_by_key(|(_, s)| s.shard.index);
    let Some((first_name, first)) = shards.first() else {
        return Err(Error::Usage("merge needs at least one shard folder".into()));
    };
    let same = |s: &ExperimentShard| {
        s.design_sha256 == first.design_sha256
            && s.design_file == first.design_file
            && s.scenario_sha256 == first.scenario_sha256
            && s.set == first.set
            && s.master_seed == first.master_seed
            && s.days == first.days
            && s.runs == first.runs
            && s.shard.count == first.shard.count
    };
    if let Some((name, odd)) = shards.iter().find(|(_, s)| !same(s)) {
        return Err(Error::Usage(format!(
            "{name}: shard {}/{} does not belong with shard {}/{} ({first_name}): design, \
             overrides, seed, days or runs differ",
            odd.shard.index, odd.shard.count, first.shard.index, first.shard.count
        )));
    }
    let count = first.shard.count;
    let mut present = vec![false; count.min(super::MAX_RUNS) as usize + 1];
    for (name, s) in &shards {
        let i = s.shard.index as usize;
        if present[i] {
            return Err(Error::Usage(format!(
                "shard {}/{count} is given twice ({name}): each shard may be merged once",
                s.shard.index
            )));
        }
        present[i] = true;
    }
    let missing: Vec<String> = (1..=count)
        .filter(|&i| !present[i as usize])
        .take(5)
        .map(|index| {
            let b = Shard { index, count }.runs(first.runs);
            format!(
                "runs {}–{} (shard {index}/{count})",
                b.start,
                b.end.saturating_sub(1)
            )
        })
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "the experiment of {} runs is incomplete: {} missing\n  help: merge the folders of \
             all {count} shards, each once",
            first.runs,
            missing.join(", ")
        )));
    }
    Ok(shards.into_iter().map(|(_, s)| s).collect())
}

/// Check merged rows against the design: each run's point, policy, seed index and seed as the
/// design lays them out, and one finite value (or none) per metric.
pub fn check_rows(design: &Design, rows: &[ExperimentRun]) -> Result<()> {
    if rows.len() as u64 != design.total_runs() {
        return Err(Error::Usage(format!(
            "the shards hold {} runs; the design has {}",
            rows.len(),
            design.total_runs()
        )));
    }
    let metrics = design.outcomes.names().len();
    for (r, row) in rows.iter().enumerate() {
        let (e, p, s) = design.layout(r as u64);
        let fits = row.run == r as u64
            && row.experiment == e
            && row.policy == p
            && row.seed_index == s
            && row.seed == run_seed(design.master_seed, s)
            && row.values.len() == metrics
            && row.values.iter().flatten().all(|x| x.is_finite());
        if !fits {
            return Err(Error::Usage(format!(
                "run {r} of the shards is not run {r} of the design (point {e}, policy `{}`, \
                 seed {s}) with {metrics} finite metrics",
                design.policies[p]
            )));
        }
    }
    Ok(())
}
