//! The default output folder of each result, under `output/`.

use std::path::{Path, PathBuf};

use crate::output::summary::sha256_hex;
use crate::scenario::Override;

/// `output/<scenario file stem>`.
pub fn default_output_dir(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    PathBuf::from("output").join(stem)
}

/// The default folder of a result: `output/<scenario file stem>[-<suffix>]`, with
/// `-set-<hash>` when there are `--set` overrides (so that a what-if never lands on its
/// baseline's folder), and `-whatif` for a what-if file named like its base.
pub fn result_dir(scenario: &Path, overrides: &[Override], suffix: &str) -> PathBuf {
    let mut name = default_output_dir(scenario).into_os_string();
    if named_like_its_base(scenario) {
        name.push("-whatif");
    }
    if !suffix.is_empty() {
        name.push(format!("-{suffix}"));
    }
    if !overrides.is_empty() {
        let text: Vec<String> = overrides.iter().map(ToString::to_string).collect();
        let hash = sha256_hex(text.join("\n").as_bytes());
        name.push(format!("-set-{}", &hash[..8]));
    }
    PathBuf::from(name)
}

/// Whether `scenario` is a what-if file with the same file name as its base.
fn named_like_its_base(scenario: &Path) -> bool {
    use crate::scenario::whatif::{WhatIf, is_whatif};
    let small_file = std::fs::metadata(scenario).is_ok_and(|m| m.is_file() && m.len() < 1 << 24);
    let Some(text) = small_file
        .then(|| std::fs::read_to_string(scenario).ok())
        .flatten()
    else {
        return false;
    };
    is_whatif(&text)
        && WhatIf::parse(&text)
            .is_ok_and(|w| w.base_path(scenario).file_stem() == scenario.file_stem())
}
