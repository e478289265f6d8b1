//! `strife list`: the shipped scenarios and what-ifs with their one-line descriptions.

use std::path::{Path, PathBuf};

use crate::cli::ListArgs;
use crate::error::{Error, Result};
use crate::scenario::load_scenario;

/// The folder of shipped scenarios: `--dir`, else `scenarios/` in the current folder or the
/// nearest folder above it that has one.
pub fn scenarios_dir(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = given {
        if dir.is_dir() {
            return Ok(dir.to_path_buf());
        }
        return Err(Error::Usage(format!("{} is not a folder", dir.display())));
    }
    let here = std::env::current_dir().map_err(|source| Error::Read {
        path: PathBuf::from("."),
        source,
    })?;
    here.ancestors()
        .map(|d| d.join("scenarios"))
        .find(|d| d.is_dir())
        .map(|d| {
            // Show it relative to where the user stands, when it is below.
            d.strip_prefix(&here).map_or(d.clone(), Path::to_path_buf)
        })
        .ok_or_else(|| {
            Error::Usage(format!(
                "no scenarios/ folder in {} or any folder above it; run strife list from a \
                 clone of the strife repository, or give the folder with --dir",
                here.display()
            ))
        })
}

/// The `.ron` files directly in `dir`, sorted by name.
fn ron_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    Ok(files)
}

/// One line per file: its name, its title and its description (or why it does not load).
fn describe(files: &[PathBuf]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let text = match load_scenario(path) {
                Ok(loaded) => {
                    let description = loaded
                        .scenario
                        .description
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    if description.is_empty() {
                        loaded.scenario.name.clone()
                    } else {
                        format!("{} — {description}", loaded.scenario.name)
                    }
                }
                Err(e) => format!(
                    "(does not load: {})",
                    e.to_string().lines().next().unwrap_or("")
                ),
            };
            (name, text)
        })
        .collect()
}

/// The listing of `dir`: its scenarios, then its `whatif/` folder's what-ifs.
pub fn listing(dir: &Path) -> Result<String> {
    let mut out = String::new();
    let mut section = |heading: String, rows: Vec<(String, String)>| {
        out.push_str(&heading);
        if rows.is_empty() {
            out.push_str("  (none)\n");
        }
        let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        for (name, text) in rows {
            let pad = width - name.chars().count();
            out.push_str(&format!("  {name}{}  {text}\n", " ".repeat(pad)));
        }
    };
    section(
        format!("Scenarios ({}):\n", dir.display()),
        describe(&ron_files(dir)?),
    );
    let whatif = dir.join("whatif");
    if whatif.is_dir() {
        section(
            format!("\nWhat-ifs ({}):\n", whatif.display()),
            describe(&ron_files(&whatif)?),
        );
    }
    Ok(out)
}

/// `strife list`.
pub fn list(args: &ListArgs) -> Result<()> {
    let dir = scenarios_dir(args.dir.as_deref())?;
    let mut text = listing(&dir)?;
    if let Some(first) = ron_files(&dir)?.first() {
        text.push_str(&format!(
            "\nRun one: strife run {}   Read one: strife explain {}\n",
            first.display(),
            first.display()
        ));
    }
    crate::output::write::print_stdout(&text)
}
