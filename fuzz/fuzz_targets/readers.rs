//! Fuzz target: any bytes as the files strife reads besides scenarios — a hindcast's observed
//! CSV and a shard's `shard.json` (as `strife merge` reads it). Parse and check; nothing may
//! panic, hang or allocate beyond what the input needs.

#![no_main]

use libfuzzer_sys::fuzz_target;
use strife::analysis::observed::parse_observed;
use strife::run::ensemble::ShardFile;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_observed(text, "observed.csv");
    }
    let _ = serde_json::from_slice::<ShardFile>(data);
});
