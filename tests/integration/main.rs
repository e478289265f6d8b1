//! Integration tests of strife: the binary and the library on real scenario files.

mod broken;
mod calibration;
mod cli;
mod common;
mod determinism;
mod model;
mod politics;
mod properties;
mod scale;
mod report;
mod scenario_docs;
mod scenarios;
mod tooling;
