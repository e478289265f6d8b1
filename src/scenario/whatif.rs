//! What-if files: a base scenario, a description, and a set of overrides, run like any scenario.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::overrides::Override;

/// A what-if file, as written:
///
/// ```ron
/// WhatIf(
///     name: "Goma 2025 — no RDF troops",
///     description: "What if Rwanda had sent no troops?",
///     base: "../goma_2025.ron",
///     set: { "units.rdf_south.personnel": "0" },
/// )
/// ```
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WhatIf {
    /// Title of the what-if (default: the base's name).
    #[serde(default)]
    pub name: Option<String>,
    /// The question it asks, in a sentence or two.
    pub description: String,
    /// The base scenario (or another what-if), relative to this file.
    pub base: String,
    /// Overrides, `PATH: VALUE` as for `--set`; a path may appear once.
    #[serde(default, deserialize_with = "unique_keys")]
    pub set: BTreeMap<String, String>,
}

/// A map of text to text that refuses a key written twice (serde's maps keep the last one
/// silently).
fn unique_keys<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    struct Unique;
    impl<'de> serde::de::Visitor<'de> for Unique {
        type Value = BTreeMap<String, String>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of \"PATH\": \"VALUE\"")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((key, value)) = map.next_entry::<String, String>()? {
                if out.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!(
                        "`{key}` is set twice in `set`; keep one value"
                    )));
                }
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    deserializer.deserialize_map(Unique)
}

impl WhatIf {
    /// Parse a what-if file's text (as scenarios are parsed: `Some` may be left implicit).
    pub fn parse(source: &str) -> Result<Self, ron::error::SpannedError> {
        ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(source)
    }

    /// The base's path, relative to the folder of the what-if file at `file`.
    pub fn base_path(&self, file: &Path) -> PathBuf {
        file.parent().unwrap_or(Path::new(".")).join(&self.base)
    }

    /// The overrides in path order.
    pub fn overrides(&self) -> Vec<Override> {
        self.set
            .iter()
            .map(|(path, value)| Override {
                path: path.clone(),
                value: value.clone(),
            })
            .collect()
    }
}

/// Whether RON text is a what-if file: its first token (after comments) is `WhatIf`.
pub fn is_whatif(source: &str) -> bool {
    let mut rest = source;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r);
        } else {
            return rest.starts_with("WhatIf");
        }
    }
}
