//! `strife serve`'s requests and the page's controls: what a request may hold, its bounds, and
//! its validation with the same rules and messages as `--set`; the controls generated from a
//! scenario (its uncertain inputs, each faction's personnel, main parameters, events, what-ifs).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::scenario::uncertain::distributions;
use crate::scenario::whatif::{WhatIf, is_whatif};
use crate::scenario::{LoadedScenario, Num, Override, load_with_overrides};

/// Most runs one request may ask for.
pub const MAX_RUNS: u64 = 2_000;
/// Most overrides in one request.
pub const MAX_OVERRIDES: usize = 500;
/// Longest override (`PATH=VALUE`) accepted, bytes.
pub const MAX_OVERRIDE_BYTES: usize = 2_000;
/// Largest request body accepted, bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Most what-if files of the scenario's folder offered as presets.
const MAX_PRESETS: usize = 200;
/// Most overrides tried one by one to find the one a message is about.
const MAX_SEARCHED: usize = 64;
/// Longest client id, bytes.
const MAX_CLIENT_BYTES: usize = 64;

/// A request to run the ensemble (`POST /api/run`) or to save it as a what-if
/// (`POST /api/whatif`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// The page's id (one computation at a time per client).
    pub client: String,
    /// The what-if of the scenario's folder to start from (its file name), if any.
    #[serde(default)]
    pub preset: Option<String>,
    /// Overrides, `PATH=VALUE` as for `--set`, applied in order.
    #[serde(default)]
    pub overrides: Vec<String>,
    /// Runs of the ensemble (default: `--runs`).
    #[serde(default)]
    pub runs: Option<u64>,
}

/// A request naming only the client (`POST /api/pin`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientRequest {
    /// The page's id.
    pub client: String,
    /// `false` to drop the baseline rather than pin one.
    #[serde(default)]
    pub pin: Option<bool>,
}

/// A request checked and loaded: the scenario with its overrides applied.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The client's id.
    pub client: String,
    /// The file the overrides apply to: the scenario, or a what-if preset.
    pub base: PathBuf,
    /// The preset's file name, if one was chosen.
    pub preset: Option<String>,
    /// The overrides, parsed.
    pub overrides: Vec<Override>,
    /// Runs of the ensemble.
    pub runs: u64,
    /// The scenario loaded with the overrides.
    pub loaded: LoadedScenario,
}

/// A bad request: the message, and the override path it is about (shown beside its control).
#[derive(Debug, Clone, Serialize)]
pub struct BadRequest {
    /// What is wrong, as `--set` would say it.
    pub error: String,
    /// The path of the override at fault, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl BadRequest {
    /// A bad request about no control in particular.
    pub fn new(error: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            field: None,
        }
    }
}

/// Parse a request body as JSON of type `T`; a message saying what is wrong otherwise.
pub fn parse_body<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, BadRequest> {
    serde_json::from_slice(body)
        .map_err(|e| BadRequest::new(format!("the request is not valid JSON of this form: {e}")))
}

/// Check a client id: 1 to 64 letters, digits, `-` or `_`.
pub fn check_client(client: &str) -> Result<(), BadRequest> {
    let ok = !client.is_empty()
        && client.len() <= MAX_CLIENT_BYTES
        && client
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(BadRequest::new(format!(
            "`client` must be 1 to {MAX_CLIENT_BYTES} letters, digits, `-` or `_`"
        )))
    }
}

/// Check a request and load the scenario with its overrides (the same loading, rules and
/// messages as `--set`). `presets` are the what-ifs the page offers.
pub fn check(
    request: &RunRequest,
    scenario: &Path,
    presets: &[Preset],
    default_runs: u64,
) -> Result<Checked, BadRequest> {
    check_client(&request.client)?;
    let runs = request.runs.unwrap_or(default_runs);
    if !(1..=MAX_RUNS).contains(&runs) {
        return Err(BadRequest::new(format!(
            "runs is {runs}: strife serve runs between 1 and {MAX_RUNS} runs per request \
             (use `strife run --runs N` for more)"
        )));
    }
    if request.overrides.len() > MAX_OVERRIDES {
        return Err(BadRequest::new(format!(
            "{} overrides: at most {MAX_OVERRIDES} per request",
            request.overrides.len()
        )));
    }
    let mut overrides = Vec::with_capacity(request.overrides.len());
    for text in &request.overrides {
        let field = text.split('=').next().map(|p| p.trim().to_owned());
        if text.len() > MAX_OVERRIDE_BYTES {
            return Err(BadRequest {
                error: format!("an override is longer than {MAX_OVERRIDE_BYTES} bytes"),
                field,
            });
        }
        if text.chars().any(char::is_control) {
            return Err(BadRequest {
                error: format!("`{}`: an override is one line of text", text.escape_debug()),
                field,
            });
        }
        let o: Override = text.parse().map_err(|why: String| BadRequest {
            error: format!("--set: {why}"),
            field: field.clone(),
        })?;
        overrides.push(o);
    }
    let base = match &request.preset {
        None => scenario.to_path_buf(),
        Some(name) => presets
            .iter()
            .find(|p| p.file == *name)
            .map(|p| p.path.clone())
            .ok_or_else(|| {
                let names: Vec<&str> = presets.iter().map(|p| p.file.as_str()).collect();
                let best = crate::scenario::load::suggest(name, names.iter().copied());
                BadRequest::new(match best {
                    Some(best) => {
                        format!("no what-if `{name}` beside the scenario; did you mean `{best}`?")
                    }
                    None => format!(
                        "no what-if `{name}` beside the scenario; there are: {}",
                        names.join(", ")
                    ),
                })
            })?,
    };
    let loaded = load_with_overrides(&base, &overrides).map_err(|e| {
        let error = e.to_string();
        // The override the message names, so that the page shows it beside its control.
        let named = overrides
            .iter()
            .find(|o| error.contains(&format!("`{}", o.path)) || error.contains(&o.path));
        // A message about the scenario as changed (`unit `x`: personnel is -5`) names no path:
        // the first override with which the scenario no longer loads is the one.
        let field = named.map(|o| o.path.clone()).or_else(|| {
            (0..overrides.len().min(MAX_SEARCHED))
                .find(|&i| load_with_overrides(&base, &overrides[..=i]).is_err())
                .map(|i| overrides[i].path.clone())
        });
        BadRequest { error, field }
    })?;
    Ok(Checked {
        client: request.client.clone(),
        base,
        preset: request.preset.clone(),
        overrides,
        runs,
        loaded,
    })
}

/// A what-if of the scenario's folder, offered as a preset.
#[derive(Debug, Clone, Serialize)]
pub struct Preset {
    /// Its file name (what a request names).
    pub file: String,
    /// Its title.
    pub name: String,
    /// Its question.
    pub description: String,
    /// Where it is.
    #[serde(skip)]
    pub path: PathBuf,
}

/// The what-ifs whose base is `scenario`, in its folder and its `whatif/` folder, by file name.
pub fn presets(scenario: &Path) -> Vec<Preset> {
    let Ok(target) = std::fs::canonicalize(scenario) else {
        return Vec::new();
    };
    let dir = match scenario.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut files: Vec<PathBuf> = [dir.clone(), dir.join("whatif")]
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flat_map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())))
        .filter(|p| p.extension().is_some_and(|x| x == "ron") && p.is_file())
        .take(MAX_PRESETS * 4)
        .collect();
    files.sort();
    let mut out: Vec<Preset> = Vec::new();
    for path in files {
        let Ok(source) = crate::scenario::load::read_text(&path) else {
            continue;
        };
        if !is_whatif(&source) {
            continue;
        }
        let Ok(whatif) = WhatIf::<Num>::parse(&source) else {
            continue;
        };
        let base = whatif.base_path(&path);
        if std::fs::canonicalize(&base).ok().as_deref() != Some(target.as_path()) {
            continue;
        }
        let Some(file) = path.file_name().map(|f| f.to_string_lossy().into_owned()) else {
            continue;
        };
        if out.iter().any(|p| p.file == file) {
            continue;
        }
        out.push(Preset {
            name: whatif.name.clone().unwrap_or_else(|| file.clone()),
            description: whatif.description.clone(),
            file,
            path,
        });
        if out.len() >= MAX_PRESETS {
            break;
        }
    }
    out
}

/// The controls of the page, generated from the scenario: a slider for each uncertain input
/// (over its plausible range) and for each faction's personnel (a factor on every one of its
/// units), a number box for each fixed number of `params` and for the day limit, a toggle for
/// each event, and the what-ifs as presets.
pub fn controls(loaded: &LoadedScenario, presets: &[Preset], runs: u64) -> Result<Value> {
    let scenario = &loaded.scenario;
    let inputs: Vec<Value> = distributions(scenario)?
        .into_iter()
        .map(|(path, dist)| {
            let (min, max) = dist.extremes();
            json!({
                "path": path,
                "min": min,
                "max": max,
                "value": dist.central(),
                "distribution": Num::Dist(dist),
            })
        })
        .collect();
    let tree = serde_json::to_value(scenario).map_err(|e| Error::Internal(e.to_string()))?;
    let forces: Vec<Value> = scenario
        .factions
        .iter()
        .filter_map(|f| {
            let units: Vec<Value> = scenario
                .units
                .iter()
                .filter(|u| u.faction == f.id)
                .map(|u| {
                    json!({
                        "path": format!(
                            "units.{}.personnel",
                            crate::scenario::overrides::quote_key(&u.id)
                        ),
                        "personnel": u.personnel,
                    })
                })
                .collect();
            (!units.is_empty()).then(|| {
                json!({
                    "faction": f.id,
                    "name": f.name,
                    "units": units,
                })
            })
        })
        .collect();
    let mut params = Vec::new();
    if let Some(p) = tree.get("params") {
        fixed_numbers(p, "params".to_owned(), &mut params);
    }
    let events: Vec<Value> = scenario
        .events
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "text": e.text,
                "path": format!(
                    "events.{}.actions",
                    crate::scenario::overrides::quote_key(&e.id)
                ),
            })
        })
        .collect();
    Ok(json!({
        "name": scenario.name,
        "description": scenario.description,
        "file": loaded.file,
        "days": scenario.duration_days,
        "seed": scenario.seed,
        "runs": runs,
        "max_runs": MAX_RUNS,
        "inputs": inputs,
        "forces": forces,
        "params": params,
        "events": events,
        "presets": presets,
    }))
}

/// Every fixed number under `v` (distributions left out: they are uncertain inputs), with its
/// path.
fn fixed_numbers(v: &Value, path: String, out: &mut Vec<Value>) {
    match v {
        Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                out.push(json!({ "path": path, "value": x }));
            }
        }
        Value::Object(map) => {
            let distribution = map.len() == 1
                && map
                    .keys()
                    .all(|k| crate::scenario::uncertain::DISTRIBUTIONS.contains(&k.as_str()));
            if !distribution {
                for (k, child) in map {
                    fixed_numbers(
                        child,
                        format!("{path}.{}", crate::scenario::overrides::quote_key(k)),
                        out,
                    );
                }
            }
        }
        _ => {}
    }
}
