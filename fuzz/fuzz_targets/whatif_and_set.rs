//! Fuzz target: any bytes as a what-if file over the minimal scenario, followed by `--set`
//! values (one per line after a line `---`). Load, validate, draw and, if valid, run a day.
//! Nothing may panic.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use strife::run::{RunOptions, run_loaded};
use strife::scenario::{Override, load_with_overrides};

/// A folder holding the base scenario, `base.ron` (and `scenarios/minimal.ron` under that name).
fn folder() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("strife-fuzz-whatif-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp folder");
        let base = include_str!("../../scenarios/minimal.ron");
        std::fs::write(dir.join("base.ron"), base).expect("base");
        std::fs::write(dir.join("minimal.ron"), base).expect("base");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (whatif, sets) = text.split_once("\n---\n").unwrap_or((text, ""));
    let overrides: Vec<Override> = sets
        .lines()
        .filter_map(|line| line.parse::<Override>().ok())
        .take(16)
        .collect();
    let path = folder().join(format!("case-{}.ron", std::process::id()));
    if std::fs::write(&path, whatif).is_err() {
        return;
    }
    let Ok(loaded) = load_with_overrides(&path, &overrides) else {
        return;
    };
    if loaded.scenario.units.len() > 50 || loaded.scenario.places.len() > 50 {
        return;
    }
    let _ = run_loaded(&loaded, RunOptions { seed: 1, days: Some(1.0) });
});
