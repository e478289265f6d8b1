//! strife: a conflict escalation simulation engine.
//!
//! **Architecture.** Data flows one way: a scenario file is loaded and validated
//! ([`scenario`]), turned into a `bevy_ecs` world ([`sim`]), advanced tick by tick by a fixed
//! schedule of systems, and collected into a [`run::RunRecord`]; [`output`] turns records into
//! tables, a summary and plots. Nothing reaches backwards: plots never read the world, systems
//! never do I/O. [`analysis`] holds the estimators and scores that need no model (Morris and
//! Sobol' sensitivity indices, CRPS and PIT, observed history); [`run`] feeds them model runs.
//!
//! **Terms.** A *place* is a node of the theatre graph (a city, a camp, a border crossing); a
//! *route* joins two places; a *faction* is an armed actor on a *side*; a *unit* is a body of a
//! faction's troops at a place or on a route. A *tick* is one step of simulated time
//! (`tick_hours`, default 1 h); day 0 is the scenario's `start_date` at midnight.

// Systems take their resources and queries as arguments, as bevy intends: long argument lists
// and nested query tuples are the idiom there, not a smell.
#![allow(clippy::too_many_arguments, clippy::type_complexity)]

pub mod analysis;
pub mod cli;
pub mod commands;
pub mod error;
pub mod generate;
pub mod math;
pub mod output;
pub mod run;
pub mod scenario;
pub mod serve;
pub mod sim;
pub mod tooling;

pub use error::{Error, Result};
