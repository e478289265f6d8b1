//! Scenarios: the file format, loading with precise errors, and validation.

pub mod load;
pub mod params;
pub mod schema;
pub mod validate;

pub use load::{LoadedScenario, load_scenario, parse_scenario};
pub use params::Params;
pub use schema::*;
pub use validate::validate;
