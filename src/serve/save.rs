//! Saving the page's setting as a what-if file: the overrides as its `set`, a comment saying
//! what was changed, written as a new file (never over one strife did not write), and the
//! commands that reproduce the view.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::output::write::write_new_file;
use crate::scenario::Override;

/// A RON string literal of `text` (one line: requests with control characters are refused
/// before this).
fn ron_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `to` relative to the folder `from` (both made absolute first), as a what-if's `base` names
/// its base; `to` as given where no relative path joins them.
fn relative(from: &Path, to: &Path) -> String {
    let (Ok(from), Ok(to_abs)) = (std::fs::canonicalize(from), std::fs::canonicalize(to)) else {
        return to.display().to_string();
    };
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to_abs.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return to_abs.display().to_string();
    }
    let mut path = PathBuf::new();
    for _ in common..a.len() {
        path.push("..");
    }
    for c in &b[common..] {
        path.push(c.as_os_str());
    }
    path.display().to_string()
}

/// The text of a what-if of `base` with `overrides` (the last value of a path wins, as when
/// they are applied in order), titled after `scenario_name`.
pub fn whatif_text(
    base: &Path,
    folder: &Path,
    scenario_name: &str,
    overrides: &[Override],
    preset: Option<&str>,
) -> String {
    let mut set: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    for o in overrides {
        set.insert(o.path.as_str(), o.value.as_str());
    }
    let changes: Vec<String> = set.iter().map(|(p, v)| format!("{p}={v}")).collect();
    let what = if changes.is_empty() {
        "nothing changed".to_owned()
    } else {
        changes.join(", ")
    };
    let from = preset.map_or_else(String::new, |p| format!(" (the what-if {p})"));
    let mut text = format!(
        "// Saved by `strife serve` from its explorer page.\n\
         // Changed from {}{from}: {what}.\n\
         WhatIf(\n    name: {},\n    description: {},\n    base: {},\n    set: {{\n",
        base.display(),
        ron_string(&format!("{scenario_name} — explorer setting")),
        ron_string(&format!("The explorer's setting: {what}.")),
        ron_string(&relative(folder, base)),
    );
    for (path, value) in &set {
        text.push_str(&format!(
            "        {}: {},\n",
            ron_string(path),
            ron_string(value)
        ));
    }
    text.push_str("    },\n)\n");
    text
}

/// Write `text` as a new what-if in `folder` named after its content (`whatif-<hash>.ron`):
/// the same setting saved twice is the same file; an existing file of another content, or one
/// strife would have to replace, is refused.
pub fn save(folder: &Path, stem: &str, text: &str) -> Result<PathBuf> {
    std::fs::create_dir_all(folder).map_err(|source| Error::Write {
        path: folder.to_path_buf(),
        source,
    })?;
    let hash = crate::output::summary::sha256_hex(text.as_bytes());
    let path = folder.join(format!("{stem}-whatif-{}.ron", &hash[..10]));
    match std::fs::symlink_metadata(&path) {
        Ok(meta)
            if meta.is_file() && std::fs::read(&path).ok().as_deref() == Some(text.as_bytes()) =>
        {
            Ok(path)
        }
        _ => {
            write_new_file(&path, text.as_bytes(), false)?;
            Ok(path)
        }
    }
}

/// A path as a command line shows it: quoted if it holds anything but plain characters.
pub fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:,".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
