//! Tools for people who write scenarios: list the shipped scenarios, start a new one from a
//! template, explain one as a tree, re-run one whenever it changes, shell completions.

pub mod explain;
pub mod list;
pub mod new;
pub mod watch;

pub use explain::explain;
pub use list::list;
pub use new::new;
pub use watch::watch;
