//! Reading a scenario file: size and encoding checks, RON parsing with `line:col` errors.

use std::path::{Path, PathBuf};

use ron::extensions::Extensions;

use super::overrides::{Override, apply_overrides};
use super::schema::Scenario;
use super::uncertain::{
    Draw, Num, central_scenario, distributions, extreme_scenario, push_key, sample_scenario,
};
use super::validate::{locate_path, unsupported_inputs, validate, validate_values};
use super::whatif::{WhatIf, is_whatif};
use crate::error::{Diagnostic, Error, Result};
use crate::output::summary::sha256_hex;

/// Largest scenario file accepted, bytes. Real scenarios are tens of kilobytes.
pub const MAX_SCENARIO_BYTES: u64 = 16 * 1024 * 1024;

/// A scenario read from disk, with its source text kept for error positions and hashing.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// The parsed and validated scenario, its numbers possibly uncertain.
    pub scenario: Scenario<Num>,
    /// The file as the user named it.
    pub file: String,
    /// The file's bytes (for the SHA-256 in the manifest).
    pub source: String,
    /// Overrides applied to the base scenario (from what-if files and `--set`), in order.
    pub overrides: Vec<Override>,
    /// Every file that went into the scenario, with the SHA-256 of its bytes: the file itself
    /// and, for a what-if, its base, the base's base and so on.
    pub files_read: Vec<(String, String)>,
}

/// Read, parse and validate a scenario or what-if file, reporting every problem found.
pub fn load_scenario(path: &Path) -> Result<LoadedScenario> {
    load_with_overrides(path, &[])
}

/// Load a scenario or what-if file and apply `--set` overrides on top.
pub fn load_with_overrides(path: &Path, overrides: &[Override]) -> Result<LoadedScenario> {
    let mut chain = Vec::new();
    let mut loaded = load_any(path, &mut chain)?;
    if !overrides.is_empty() {
        loaded.scenario = apply_overrides(&loaded.scenario, overrides)
            .map_err(|why| Error::Usage(format!("--set: {why}")))?;
        check_scenario(&loaded.scenario, &loaded.source, &loaded.file).map_err(|e| match e {
            // The file's text no longer shows the values in question: drop the positions.
            Error::Invalid(problems) => Error::Invalid(
                problems
                    .into_iter()
                    .map(|mut d| {
                        d.position = None;
                        d.source_line = None;
                        d.message = format!("with the --set overrides: {}", d.message);
                        d
                    })
                    .collect(),
            ),
            other => other,
        })?;
        loaded.overrides.extend(overrides.iter().cloned());
    }
    for note in super::validate::late_events(&loaded.scenario) {
        eprintln!("{}: note: {note}", loaded.file);
    }
    Ok(loaded)
}

/// Most files in a chain of what-ifs (each the `base` of the one before), the scenario included.
pub const MAX_WHATIF_DEPTH: usize = 32;

/// Load a scenario, or a what-if and its base (recursively), refusing cycles and chains longer
/// than [`MAX_WHATIF_DEPTH`].
fn load_any(path: &Path, chain: &mut Vec<(PathBuf, PathBuf)>) -> Result<LoadedScenario> {
    load_chain(path, chain).map(|(loaded, _)| loaded)
}

/// [`load_any`], also returning the file and text of the scenario at the root of the chain
/// (the file itself if it is a scenario), where a what-if's values are located.
fn load_chain(
    path: &Path,
    chain: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<(LoadedScenario, (String, String))> {
    let file = path.display().to_string();
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if chain.iter().any(|(seen, _)| *seen == canonical) {
        return Err(Error::Invalid(vec![Diagnostic::new(
            file,
            "this what-if includes itself through its `base` chain",
        )]));
    }
    if chain.len() >= MAX_WHATIF_DEPTH {
        return Err(Error::Invalid(vec![
            Diagnostic::new(
                chain[0].1.display().to_string(),
                format!(
                    "this what-if's chain of `base` files is longer than {MAX_WHATIF_DEPTH} files: {}",
                    chain_text(chain, path)
                ),
            )
            .help("make a what-if's `base` a scenario, or a what-if close to one"),
        ]));
    }
    let source = read_text(path)?;
    chain.push((canonical, path.to_path_buf()));
    if !is_whatif(&source) {
        let scenario = parse_scenario(&source, &file)?;
        check_scenario(&scenario, &source, &file)?;
        let root = (file.clone(), source.clone());
        let files_read = vec![(file.clone(), sha256_hex(source.as_bytes()))];
        let loaded = LoadedScenario {
            scenario,
            file,
            source,
            overrides: Vec::new(),
            files_read,
        };
        return Ok((loaded, root));
    }
    let whatif = WhatIf::parse(&source).map_err(|e| {
        let ron::error::Position { line, col } = e.span.start;
        let mut d = Diagnostic::new(&file, syntax_message(&e.code)).at(&source, line, col);
        if let Some(help) = syntax_help(&e.code) {
            d = d.help(help);
        }
        Error::Invalid(vec![d])
    })?;
    let base_path = whatif.base_path(path);
    if !base_path.is_file() {
        let (line, col) = locate_path(&source, "base").unwrap_or((1, 1));
        let what = if base_path.is_dir() {
            "is a folder, not a scenario file"
        } else if base_path.exists() {
            "is not a regular file"
        } else {
            "not found"
        };
        return Err(Error::Invalid(vec![
            Diagnostic::new(
                &file,
                format!("base scenario `{}` {what}", base_path.display()),
            )
            .at(&source, line, col)
            .help(
                "`base` is a scenario or what-if file, relative to the folder of the what-if file",
            ),
        ]));
    }
    let (base, root) = load_chain(&base_path, chain)?;
    let mut scenario = whatif
        .apply_changes(&base.scenario, &file, &source)
        .map_err(Error::Invalid)?;
    let mut problems = Vec::new();
    for o in whatif.overrides() {
        match apply_overrides(&scenario, std::slice::from_ref(&o)) {
            Ok(s) => scenario = s,
            Err(why) => {
                let mut d = Diagnostic::new(&file, why);
                if let Some(offset) = source.find(&format!("\"{}\"", o.path)) {
                    let (line, col) = super::validate::line_col(&source, offset);
                    d = d.at(&source, line, col);
                }
                problems.push(d);
            }
        }
    }
    problems.extend(whatif.dangling(&scenario, &file, &source));
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    scenario.name = whatif.name.clone().unwrap_or(scenario.name);
    scenario.description = whatif.description.clone();
    check_whatif(&scenario, &root, (&file, &source))?;
    let mut overrides = base.overrides;
    overrides.extend(whatif.overrides());
    let mut files_read = vec![(file.clone(), sha256_hex(source.as_bytes()))];
    files_read.extend(base.files_read);
    let loaded = LoadedScenario {
        scenario,
        file,
        source,
        overrides,
        files_read,
    };
    Ok((loaded, root))
}

/// Check a what-if's scenario. A problem is located in the scenario file at the root of the
/// chain (`root`: file and text) where its value is written; a value only the what-if writes
/// (an override) is located in the what-if file.
fn check_whatif(
    scenario: &Scenario<Num>,
    root: &(String, String),
    whatif: (&str, &str),
) -> Result<()> {
    let in_root = match check_scenario(scenario, &root.1, &root.0) {
        Err(Error::Invalid(found)) => found,
        other => return other,
    };
    let in_whatif = match check_scenario(scenario, whatif.1, whatif.0) {
        Err(Error::Invalid(found)) if found.len() == in_root.len() => found,
        _ => return Err(Error::Invalid(in_root)),
    };
    let problems = in_root
        .into_iter()
        .zip(in_whatif)
        .map(|(r, w)| {
            if r.position.is_none() && w.position.is_some() {
                w
            } else {
                r
            }
        })
        .collect();
    Err(Error::Invalid(problems))
}

/// A chain of files for a message, as the user and the `base` fields name them:
/// `a.ron → b.ron → … → z.ron`.
fn chain_text(chain: &[(PathBuf, PathBuf)], next: &Path) -> String {
    let names: Vec<String> = chain
        .iter()
        .map(|(_, given)| given.display().to_string())
        .chain(std::iter::once(next.display().to_string()))
        .collect();
    if names.len() <= 6 {
        return names.join(" → ");
    }
    format!(
        "{} → … ({} more) … → {}",
        names[..3].join(" → "),
        names.len() - 6,
        names[names.len() - 3..].join(" → ")
    )
}

impl LoadedScenario {
    /// The scenario of one run: every uncertain input drawn from the stream of `seed`, and the
    /// values drawn. A draw that makes the scenario invalid is reported with its path.
    pub fn resolve(&self, seed: u64) -> Result<(Scenario, Vec<Draw>)> {
        let (scenario, draws) = sample_scenario(&self.scenario, seed)?;
        validate_values(&scenario, &self.source, &self.file).map_err(|mut problems| {
            for p in &mut problems {
                p.message = format!("with the values drawn for seed {seed}: {}", p.message);
            }
            Error::Invalid(problems)
        })?;
        Ok((scenario, draws))
    }

    /// The scenario with every uncertain input at its central value.
    pub fn central(&self) -> Result<Scenario> {
        central_scenario(&self.scenario)
    }
}

/// Check a parsed scenario: every distribution's parameters, then the whole scenario with the
/// distributions at their central values and at both ends of their ranges; where an end fails,
/// the inputs at fault are named at their distributions ([`unsupported_inputs`]).
pub fn check_scenario(scenario: &Scenario<Num>, source: &str, file: &str) -> Result<()> {
    let mut problems = Vec::new();
    let inputs = distributions(scenario)?;
    for (path, dist) in &inputs {
        if let Err(why) = dist.check() {
            let mut d = Diagnostic::new(file, format!("`{path}`: {why}"));
            if let Some((line, col)) = locate_path(source, path) {
                d = d.at(source, line, col);
            }
            problems.push(d);
        }
    }
    if problems.is_empty()
        && let Err((path, why)) = crate::scenario::uncertain::check_joint_groups(&inputs)
    {
        let mut d = Diagnostic::new(file, format!("`{path}`: {why}"));
        if let Some((line, col)) = locate_path(source, &path) {
            d = d.at(source, line, col);
        }
        problems.push(d);
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    const AT_ENDS: [&str; 2] = [
        "with uncertain inputs at their lowest: ",
        "with uncertain inputs at their highest: ",
    ];
    // With no uncertain input, both ends are the central scenario: checked once.
    let mut variants = vec![(central_scenario(scenario)?, "")];
    if !inputs.is_empty() {
        variants.push((extreme_scenario(scenario, false)?, AT_ENDS[0]));
        variants.push((extreme_scenario(scenario, true)?, AT_ENDS[1]));
    }
    let mut at_ends = false;
    for (variant, context) in variants {
        if let Err(found) = validate(&variant, source, file) {
            at_ends |= !context.is_empty();
            for mut d in found {
                d.message = format!("{context}{}", d.message);
                let plain = d.message.trim_start_matches(context);
                if !problems
                    .iter()
                    .any(|p: &Diagnostic| p.message.ends_with(plain) && p.position == d.position)
                {
                    problems.push(d);
                }
            }
        }
    }
    if at_ends {
        // Say which inputs can draw what their field refuses, at their distributions.
        let culprits = unsupported_inputs(scenario, source, file)?;
        if !culprits.is_empty() {
            problems.retain(|p| !AT_ENDS.iter().any(|c| p.message.starts_with(c)));
            problems.extend(culprits);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Read a text file (a scenario, what-if or observed file), refusing anything but a regular
/// file (after following symlinks: not a folder, device or FIFO), files larger than
/// [`MAX_SCENARIO_BYTES`] and text that is not UTF-8. A leading UTF-8 byte-order mark is dropped.
pub fn read_text(path: &Path) -> Result<String> {
    let file = path.display().to_string();
    let mut bytes = read_regular_file(path, MAX_SCENARIO_BYTES)?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    utf8_text(file, bytes)
}

/// The bytes of a regular file (after following symlinks; not a folder, device or FIFO) of at
/// most `max_bytes`, read without reading past the limit.
pub fn read_regular_file(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let file = path.display().to_string();
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let too_large = |len: u64| {
        Error::Invalid(vec![Diagnostic::new(
            &file,
            format!(
                "file is {len} bytes, larger than the {max_bytes} bytes ({} MiB) it may be",
                max_bytes / (1024 * 1024)
            ),
        )])
    };
    // Checked before opening: opening a FIFO waits for a writer.
    let metadata = std::fs::metadata(path).map_err(read_error)?;
    if metadata.is_dir() {
        return Err(Error::Invalid(vec![Diagnostic::new(
            file,
            "is a folder, not a file",
        )]));
    }
    if !metadata.is_file() {
        return Err(Error::Invalid(vec![
            Diagnostic::new(&file, "is not a regular file (a device, FIFO or socket)")
                .help("give the path of a file saved on disk"),
        ]));
    }
    if metadata.len() > max_bytes {
        return Err(too_large(metadata.len()));
    }
    // Read at most one byte past the limit, whatever the file grew to since.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max_bytes + 1).read_to_end(&mut bytes))
        .map_err(read_error)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The text part of [`read_text`].
fn utf8_text(file: String, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(valid);
        let line = text.matches('\n').count() + 1;
        let col = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Error::Invalid(vec![
            Diagnostic::new(file, "file is not valid UTF-8 text")
                .at(&text, line, col)
                .help("save the file as UTF-8"),
        ])
    })
}

/// Parse RON text into a [`Scenario`] (no validation), mapping syntax errors to diagnostics.
/// Numbers that are not finite (`NaN`, `inf`) are refused here, before anything else.
pub fn parse_scenario(source: &str, file: &str) -> Result<Scenario<Num>> {
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    if let Ok(tree) = options.from_str::<ron::Value>(source) {
        let mut found = Vec::new();
        non_finite(&tree, &mut String::new(), &mut found);
        if !found.is_empty() {
            return Err(Error::Invalid(
                found
                    .into_iter()
                    .map(|(path, x)| {
                        let mut d = Diagnostic::new(
                            file,
                            format!("`{path}` is {x}; every number must be finite"),
                        );
                        if let Some((line, col)) = locate_path(source, &path) {
                            d = d.at(source, line, col);
                        }
                        d
                    })
                    .collect(),
            ));
        }
    }
    options.from_str(source).map_err(|e| {
        let ron::error::Position { line, col } = e.span.start;
        let mut diagnostic = Diagnostic::new(file, syntax_message(&e.code)).at(source, line, col);
        if let Some(help) = syntax_help(&e.code) {
            diagnostic = diagnostic.help(help);
        }
        Error::Invalid(vec![diagnostic])
    })
}

/// Every number in a RON tree that is NaN or infinite, with its path and value.
fn non_finite(v: &ron::Value, path: &mut String, out: &mut Vec<(String, f64)>) {
    let len = path.len();
    match v {
        ron::Value::Number(n) => {
            let x = n.into_f64();
            if !x.is_finite() {
                out.push((path.clone(), x));
            }
        }
        ron::Value::Map(map) => {
            for (k, child) in map.iter() {
                match k {
                    ron::Value::String(s) => push_key(path, s),
                    other => push_key(path, &format!("{other:?}")),
                }
                non_finite(child, path, out);
                path.truncate(len);
            }
        }
        ron::Value::Seq(items) => {
            for (i, child) in items.iter().enumerate() {
                // Entries with an id are named by it, as in override paths.
                let id = match child {
                    ron::Value::Map(m) => m.iter().find_map(|(k, v)| match (k, v) {
                        (ron::Value::String(k), ron::Value::String(v)) if k == "id" => Some(v),
                        _ => None,
                    }),
                    _ => None,
                };
                match id {
                    Some(id) => push_key(path, id),
                    None => {
                        use std::fmt::Write;
                        let _ = write!(path, "[{i}]");
                    }
                }
                non_finite(child, path, out);
                path.truncate(len);
            }
        }
        ron::Value::Option(Some(inner)) => non_finite(inner, path, out),
        _ => {}
    }
}

/// A RON error in words: serde's own, except where it speaks of its internals ("data did not
/// match any variant of untagged enum Num" is a value that is neither a number nor a
/// distribution).
pub(crate) fn syntax_message(code: &ron::Error) -> String {
    match code {
        ron::Error::Message(m) if m.contains("untagged enum Num") => {
            "this value is neither a number nor a distribution".to_owned()
        }
        other => other.to_string(),
    }
}

/// A suggestion for a RON error, where one helps.
pub(crate) fn syntax_help(code: &ron::Error) -> Option<String> {
    match code {
        ron::Error::NoSuchStructField {
            expected, found, ..
        } => suggest(found, expected.iter().copied()).map(|s| format!("did you mean `{s}`?")),
        ron::Error::NoSuchEnumVariant {
            expected, found, ..
        } => Some(match suggest(found, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("expected one of: {}", expected.join(", ")),
        }),
        ron::Error::MissingStructField { field, .. } => {
            Some(format!("add `{field}: ...` to this entry"))
        }
        ron::Error::Message(m) if m.contains("untagged enum Num") => Some(
            "expected a number, or a distribution: Uniform(min: a, max: b), Normal(mean: m, sd: s), \
             Triangular(min: a, mode: c, max: b), LogNormal(median: m, sigma: s), \
             Choice(values: [..], weights: [..]), Joint(group: \"g\", values: [..], weights: [..])"
                .into(),
        ),
        _ => None,
    }
}

/// The candidate closest to `name`, if it is close enough to be a likely typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_owned())
}
