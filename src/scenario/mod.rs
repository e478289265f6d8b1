//! Scenarios: the file format, loading with precise errors, and validation.

pub mod load;
pub mod overrides;
pub mod params;
pub mod politics;
pub mod schema;
pub mod text;
pub mod uncertain;
pub mod validate;
pub mod whatif;

pub use load::{LoadedScenario, load_scenario, load_with_overrides, parse_scenario};
pub use overrides::Override;
pub use params::Params;
pub use politics::*;
pub use schema::*;
pub use uncertain::{Distribution, Draw, Num};
pub use validate::{validate, validate_values};
