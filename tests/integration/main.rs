//! Integration tests of strife: the binary and the library on real scenario files.

mod bounds;
mod broken;
mod calibrate;
mod calibration;
mod cli;
mod common;
mod cut_off;
mod determinism;
mod hindcast;
mod metamorphic;
mod model;
mod outputs;
mod politics;
mod properties;
mod report;
mod routes;
mod scale;
mod scenario_docs;
mod scenarios;
mod sensitivity;
mod shocks;
mod streams;
mod tooling;
