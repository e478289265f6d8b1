//! Sensitivity analysis of a scenario: which uncertain inputs move a metric. The design and
//! the estimators are in [`crate::analysis::sensitivity`]; this module maps the design's
//! points onto the scenario's inputs, runs the model at each (in parallel) and collects the
//! metric.
//!
//! **Inputs.** The factors are the scenario's distributions (all of them, or those whose path
//! matches an `--input` pattern) and the ranges given with `--vary` (`PATH=LO..HI`, a
//! uniform range, or `PATH=DISTRIBUTION`); when `--vary` is given without `--input`, only the
//! `--vary` ranges are factors. A design coordinate u in [0, 1] becomes the input's value
//! through its quantile function ([`crate::scenario::Distribution::quantile`]); every
//! distribution that is not a factor stays at its central value.
//!
//! **Common random numbers.** Every evaluation runs with the same seeds: replicate `r` of
//! every design point uses the ensemble seed of run `r` ([`run_seed`]`(master, r)`), so that
//! the combat noise is the same at every point and differences between points come from the
//! inputs alone. The metric of a point is its mean over the replicates (`--replicates`,
//! default 1). A `fall_day.PLACE` of a run in which the place did not fall is censored at the
//! day limit.

use rayon::prelude::*;
use serde::Serialize;

use super::ensemble::run_seed;
use super::expr::MetricSpec;
use super::one::{RunOptions, run_one};
use crate::analysis::sensitivity::{
    Design, MorrisIndex, SobolIndex, morris_design, morris_indices, saltelli_design, sobol_indices,
};
use crate::error::{Error, Result};
use crate::scenario::load::{check_scenario, suggest};
use crate::scenario::overrides::apply_overrides;
use crate::scenario::uncertain::{derive_seed, design_scenario, distributions};
use crate::scenario::{Distribution, LoadedScenario, Override, validate_values};

/// Most model runs one analysis may ask for: the bound of every command.
pub const MAX_EVALUATIONS: u64 = super::MAX_RUNS;
/// Most bootstrap resamples.
pub const MAX_BOOTSTRAP: usize = 100_000;

/// The method of a sensitivity analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Morris elementary effects (screening: μ*, σ), r(k + 1) runs.
    Morris,
    /// Sobol' first-order and total indices by Saltelli sampling, N(k + 2) runs.
    Sobol,
}

impl Method {
    /// The word used on the command line.
    pub fn word(self) -> &'static str {
        match self {
            Method::Morris => "morris",
            Method::Sobol => "sobol",
        }
    }
}

/// A range given with `--vary`: `PATH=LO..HI`, `PATH=START:END:STEP`, `PATH=V1,V2,...` or
/// `PATH=DISTRIBUTION`.
#[derive(Debug, Clone, PartialEq)]
pub struct InputRange {
    /// Path of the field, as for `--set`.
    pub path: String,
    /// The distribution, as RON text (`Uniform(min: LO, max: HI)` for `LO..HI`).
    pub distribution: String,
}

impl std::str::FromStr for InputRange {
    type Err = String;

    /// Parse `PATH=SPEC` with SPEC in any form of [`super::ranges::FORMS`]: a range is
    /// uniform, a grid or a list of numbers is a choice of equally likely values.
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        let (path, spec) = text.split_once('=').ok_or_else(|| {
            format!(
                "`{text}` is not PATH=SPEC (e.g. units.rdf_crossing.personnel=500..1500), with SPEC {}",
                super::ranges::FORMS
            )
        })?;
        let path = path.trim();
        if path.is_empty() {
            return Err(format!("`{text}` has no path"));
        }
        let distribution = super::ranges::RangeSpec::parse(spec, text)?.distribution()?;
        Ok(InputRange {
            path: path.to_owned(),
            distribution,
        })
    }
}

/// One input of the analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    /// Path of the field.
    pub path: String,
    /// Its distribution.
    pub distribution: Distribution,
    /// The faction of the unit the input belongs to (`units.ID.…`), if it is a unit's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub faction: Option<String>,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Morris or Sobol'.
    pub method: Method,
    /// The metric's name.
    pub metric: String,
    /// Morris trajectories r, or Sobol' base rows N.
    pub base: usize,
    /// Morris grid levels p.
    pub levels: usize,
    /// Runs per design point (their metric is averaged).
    pub replicates: u64,
    /// Bootstrap resamples for the intervals.
    pub bootstrap: usize,
    /// Master seed: the design's and the runs'.
    pub master_seed: u64,
    /// Day limit (default: the scenario's).
    pub days: Option<f64>,
}

/// A finished analysis: the design, the metric at every point, and the indices.
#[derive(Debug, Clone)]
pub struct SensitivityRecord {
    /// Scenario title.
    pub scenario_name: String,
    /// The settings.
    pub settings: Settings,
    /// Day limit of each run.
    pub days: f64,
    /// The inputs.
    pub factors: Vec<Factor>,
    /// The theatre (faction names and colours for the plots).
    pub theatre: crate::sim::resources::Theatre,
    /// The design's points in the unit hypercube.
    pub design: Design,
    /// The inputs' values at each point.
    pub values: Vec<Vec<f64>>,
    /// The metric at each point (mean over the replicates).
    pub y: Vec<f64>,
    /// Runs whose metric was censored at the day limit (the place did not fall).
    pub censored: u64,
    /// Morris indices, for Morris.
    pub morris: Option<Vec<MorrisIndex>>,
    /// Sobol' indices and the metric's variance, for Sobol'.
    pub sobol: Option<(Vec<SobolIndex>, f64)>,
}

/// Whether `path` matches `pattern`, where `*` stands for any run of characters.
fn glob(pattern: &str, path: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == path;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !path.starts_with(first) || !path[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &path[first.len()..path.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// The scenario with the `--vary` ranges in place, and the factors of the analysis.
pub fn factors(
    loaded: &LoadedScenario,
    patterns: &[String],
    vary: &[InputRange],
) -> Result<(LoadedScenario, Vec<Factor>)> {
    let overrides: Vec<Override> = vary
        .iter()
        .map(|v| Override {
            path: v.path.clone(),
            value: v.distribution.clone(),
        })
        .collect();
    let scenario = apply_overrides(&loaded.scenario, &overrides)
        .map_err(|why| Error::Usage(format!("--vary: {why}")))?;
    check_scenario(&scenario, &loaded.source, &loaded.file)
        .map_err(|e| Error::Usage(format!("--vary: {e}")))?;
    let all = distributions(&scenario)?;
    for v in vary {
        if !all.iter().any(|(p, _)| *p == v.path) {
            return Err(Error::Usage(format!(
                "--vary {}={}: not a number that can range (is it a group of fields?)",
                v.path, v.distribution
            )));
        }
    }
    let paths: Vec<&str> = all.iter().map(|(p, _)| p.as_str()).collect();
    for pattern in patterns {
        if !paths.iter().any(|p| glob(pattern, p)) {
            let hint = suggest(pattern, paths.iter().copied())
                .map_or_else(String::new, |s| format!("; did you mean `{s}`?"));
            return Err(Error::Usage(format!(
                "--input `{pattern}` matches no uncertain input of {}{hint} (its inputs: {})",
                loaded.file,
                paths.join(", ")
            )));
        }
    }
    let chosen = all
        .into_iter()
        .filter(|(path, _)| {
            let varied = vary.iter().any(|v| v.path == *path);
            let matched = patterns.iter().any(|p| glob(p, path));
            varied || matched || (patterns.is_empty() && vary.is_empty())
        })
        .map(|(path, distribution)| {
            let unit = path
                .strip_prefix("units.")
                .and_then(|p| p.split('.').next());
            let faction = unit.and_then(|id| {
                scenario
                    .units
                    .iter()
                    .find(|u| u.id == id)
                    .map(|u| u.faction.clone())
            });
            Factor {
                path,
                distribution,
                faction,
            }
        })
        .collect::<Vec<_>>();
    if chosen.is_empty() {
        return Err(Error::Usage(format!(
            "{} has no uncertain inputs to analyse; give ranges with --vary PATH=LO..HI",
            loaded.file
        )));
    }
    Ok((
        LoadedScenario {
            scenario,
            ..loaded.clone()
        },
        chosen,
    ))
}

/// The number of model runs an analysis of `inputs` inputs takes.
pub fn evaluations(settings: &Settings, inputs: usize) -> u64 {
    let points = match settings.method {
        Method::Morris => settings.base.saturating_mul(inputs + 1),
        Method::Sobol => settings.base.saturating_mul(inputs + 2),
    };
    (points as u64).saturating_mul(settings.replicates)
}

/// Run the analysis of `factors` of `loaded` (with the `--vary` ranges in place). Runs on
/// rayon's current pool; `progress` is called once per model run.
pub fn run_sensitivity(
    loaded: &LoadedScenario,
    factors: Vec<Factor>,
    settings: Settings,
    progress: impl Fn() + Sync,
) -> Result<SensitivityRecord> {
    let k = factors.len();
    let days = settings.days.unwrap_or(loaded.scenario.duration_days);
    let theatre = crate::sim::build_theatre(&loaded.central()?)?;
    let metric = MetricSpec::for_scenario(&settings.metric, loaded)?;
    if settings.replicates == 0 {
        return Err(Error::Usage("--replicates must be at least 1".into()));
    }
    if settings.bootstrap > MAX_BOOTSTRAP {
        return Err(Error::Usage(format!(
            "--bootstrap {}: at most {MAX_BOOTSTRAP} resamples",
            settings.bootstrap
        )));
    }
    let total = evaluations(&settings, k);
    if total > MAX_EVALUATIONS {
        return Err(Error::Usage(format!(
            "{total} model runs; at most {MAX_EVALUATIONS} (fewer --runs, --replicates or inputs)"
        )));
    }
    let design_seed = derive_seed(settings.master_seed, 0x5e45);
    let (design, morris_design) = match settings.method {
        Method::Morris => {
            let d = morris_design(k, settings.base, settings.levels, design_seed)
                .map_err(Error::Usage)?;
            (d.design.clone(), Some(d))
        }
        Method::Sobol => (
            saltelli_design(k, settings.base, design_seed).map_err(Error::Usage)?,
            None,
        ),
    };
    let replicates = settings.replicates;
    let evaluate = |e: u64| -> Result<(f64, bool)> {
        let point = &design.points[(e / replicates) as usize];
        let at: Vec<(String, f64)> = factors
            .iter()
            .zip(point)
            .map(|(f, u)| (f.path.clone(), *u))
            .collect();
        let (scenario, _) = design_scenario(&loaded.scenario, &at)?;
        validate_values(&scenario, &loaded.source, &loaded.file).map_err(|mut problems| {
            for p in &mut problems {
                p.message = format!("at design point {}: {}", e / replicates, p.message);
            }
            Error::Invalid(problems)
        })?;
        let seed = run_seed(settings.master_seed, e % replicates);
        let record = run_one(
            &scenario,
            RunOptions {
                seed,
                days: Some(days),
            },
        )?;
        let value = metric.evaluate_days(&record, days);
        progress();
        // A censored day is the limit: count it as censored for the text. A run without a
        // value counts as the day limit for a day, else 0 (docs/METRICS.md).
        let censored = metric.is_censored_day() && value.is_some_and(|v| v >= days);
        Ok((
            value.unwrap_or(metric.missing_value(days)),
            censored || value.is_none(),
        ))
    };
    let runs: Vec<(f64, bool)> = (0..design.points.len() as u64 * replicates)
        .into_par_iter()
        .map(evaluate)
        .collect::<Result<_>>()?;
    let censored = runs.iter().filter(|r| r.1).count() as u64;
    let y: Vec<f64> = runs
        .chunks(replicates as usize)
        .map(|c| c.iter().map(|r| r.0).sum::<f64>() / c.len() as f64)
        .collect();
    let values = design
        .points
        .iter()
        .map(|p| {
            factors
                .iter()
                .zip(p)
                .map(|(f, u)| f.distribution.quantile(*u))
                .collect()
        })
        .collect();
    let (morris, sobol) = match &morris_design {
        Some(d) => (
            Some(morris_indices(d, &y, settings.bootstrap, design_seed).map_err(Error::Internal)?),
            None,
        ),
        None => (
            None,
            Some(
                sobol_indices(k, settings.base, &y, settings.bootstrap, design_seed)
                    .map_err(Error::Internal)?,
            ),
        ),
    };
    Ok(SensitivityRecord {
        scenario_name: loaded.scenario.name.clone(),
        settings,
        days,
        factors,
        theatre,
        design,
        values,
        y,
        censored,
        morris,
        sobol,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_ranges() {
        assert!(glob("units.*.personnel", "units.rdf_north.personnel"));
        assert!(!glob("units.*.personnel", "units.rdf_north.firepower"));
        assert!(glob("states.*", "states.Rwanda.resolve"));
        assert!(glob("places.goma.population", "places.goma.population"));
        assert!(!glob("places.goma", "places.goma.population"));
        let r: InputRange = "states.Rwanda.resolve=4..20".parse().expect("range");
        assert_eq!(r.distribution, "Uniform(min: 4, max: 20)");
        assert!("a=5..1".parse::<InputRange>().is_err());
        assert!("a=x..1".parse::<InputRange>().is_err());
        assert!("a=7".parse::<InputRange>().is_err());
        let t: InputRange = "a=Triangular(min: 1, mode: 2, max: 3)"
            .parse()
            .expect("dist");
        assert_eq!(t.distribution, "Triangular(min: 1, mode: 2, max: 3)");
    }
}
