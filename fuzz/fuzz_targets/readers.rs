//! Fuzz target: any bytes as the files strife reads besides scenarios — a hindcast's observed
//! CSV, and a `shard.json` as `strife merge` reads and checks it (alone, and as the second shard
//! of a set). Nothing may panic, hang or allocate beyond what the input needs.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use strife::analysis::observed::parse_observed;
use strife::run::ensemble::read_shard_set;

/// Two shard folders of this process: `a/` (the fuzzed file) and `b/` (a good first shard).
fn folders() -> &'static (PathBuf, PathBuf) {
    static DIRS: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    DIRS.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("strife-fuzz-readers-{}", std::process::id()));
        let (a, b) = (root.join("a"), root.join("b"));
        std::fs::create_dir_all(&a).expect("folder a");
        std::fs::create_dir_all(&b).expect("folder b");
        let good = r#"{"format":"strife-shard-1","scenario_file":"x.ron","scenario_sha256":"00","set":[],"master_seed":1,"runs":2,"days":null,"shard":{"index":1,"count":2},"digests":[]}"#;
        std::fs::write(b.join("shard.json"), good).expect("shard b");
        (a, b)
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_observed(text, "observed.csv");
    }
    let (a, b) = folders();
    if std::fs::write(a.join("shard.json"), data).is_ok() {
        let _ = read_shard_set(&[a.clone()]);
        let _ = read_shard_set(&[b.clone(), a.clone()]);
    }
});
