//! Integration tests of strife: the binary and the library on real scenario files.

mod bounds;
mod broken;
mod calibration;
mod cli;
mod command;
mod common;
mod cut_off;
mod determinism;
mod diplomacy_stock;
mod hindcast;
mod human_cost;
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
mod states_decide;
mod streams;
mod tooling;
