//! Analysis of a model's outputs with no model in it: sensitivity estimators (Morris, Sobol'),
//! forecast scores (CRPS, PIT) and observed history to score against.

pub mod abc;
pub mod observed;
pub mod samplers;
pub mod scores;
pub mod sensitivity;
