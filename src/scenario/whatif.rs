//! What-if files: a base scenario, a description, things removed from it and added to it, and
//! a set of overrides, run like any scenario.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::overrides::Override;
use super::politics::{Actor, Event, StateActor};
use super::schema::{Number, Place, Route, Scenario, SupplySource, Unit};
use super::uncertain::Num;
use crate::error::Diagnostic;

/// A what-if file, as written:
///
/// ```ron
/// WhatIf(
///     name: "Goma 2025 — no RDF troops",
///     description: "What if Rwanda had sent no troops?",
///     base: "../goma_2025.ron",
///     remove: (units: ["rdf_south"]),
///     add: (events: [(id: "talks", when: Day(5), actions: [Rupture])]),
///     set: { "units.rdf_north.personnel": "500" },
/// )
/// ```
///
/// The base is changed in that order: `remove`, then `add`, then `set` (so `set` may change
/// what `add` brought).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct WhatIf<N = Num> {
    /// Title of the what-if (default: the base's name).
    #[serde(default)]
    pub name: Option<String>,
    /// The question it asks, in a sentence or two.
    pub description: String,
    /// The base scenario (or another what-if), relative to this file.
    pub base: String,
    /// Things taken out of the base, by id. Something still referred to once the what-if's
    /// additions are in is refused, naming what refers to it.
    #[serde(default)]
    pub remove: Removals,
    /// Things put into the base, written as in a scenario file and checked like it. An id the
    /// base has is refused unless `remove` takes it out first (which replaces it).
    #[serde(default = "Additions::none")]
    pub add: Additions<N>,
    /// Overrides, `PATH: VALUE` as for `--set`; a path may appear once.
    #[serde(default, deserialize_with = "unique_keys")]
    pub set: BTreeMap<String, String>,
}

/// What a what-if takes out of its base, by id.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Removals {
    /// Unit ids.
    #[serde(default)]
    pub units: Vec<String>,
    /// Place ids (the routes that end there go with them).
    #[serde(default)]
    pub places: Vec<String>,
    /// Routes, each as its two place ids in either order: `("sake", "goma")`.
    #[serde(default)]
    pub routes: Vec<(String, String)>,
    /// Event ids.
    #[serde(default)]
    pub events: Vec<String>,
    /// Supply sources, by the place id where each enters (every source at that place).
    #[serde(default)]
    pub supply_sources: Vec<String>,
    /// State ids.
    #[serde(default)]
    pub states: Vec<String>,
    /// Diplomatic actor ids.
    #[serde(default)]
    pub actors: Vec<String>,
}

/// What a what-if puts into its base, each written as in a scenario file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, bound = "N: Number")]
pub struct Additions<N = Num> {
    /// Units, as in a scenario's `units`.
    #[serde(default)]
    pub units: Vec<Unit<N>>,
    /// Places, as in a scenario's `places`.
    #[serde(default)]
    pub places: Vec<Place<N>>,
    /// Routes, as in a scenario's `routes`.
    #[serde(default)]
    pub routes: Vec<Route<N>>,
    /// Events, as in a scenario's `events`.
    #[serde(default)]
    pub events: Vec<Event<N>>,
    /// Supply sources, as in a scenario's `supply_sources`.
    #[serde(default)]
    pub supply_sources: Vec<SupplySource<N>>,
    /// States, as in a scenario's `states`.
    #[serde(default)]
    pub states: Vec<StateActor<N>>,
    /// Diplomatic actors, as in a scenario's `actors`.
    #[serde(default)]
    pub actors: Vec<Actor<N>>,
}

/// A map of text to text that refuses a key written twice (serde's maps keep the last one
/// silently).
pub(crate) fn unique_keys<'de, D: serde::Deserializer<'de>>(
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

    /// The base with the what-if's removals and additions applied (`file` and `source` are
    /// the what-if's, where problems are located). Every id to remove that the base does not
    /// have is reported, with the nearest one; what still refers to a removed part is checked
    /// by [`WhatIf::dangling`] once `set` is applied.
    pub fn apply_changes(
        &self,
        base: &Scenario<Num>,
        file: &str,
        source: &str,
    ) -> Result<Scenario<Num>, Vec<Diagnostic>> {
        let mut s = base.clone();
        let mut problems = Vec::new();
        let r = &self.remove;
        let at = |d: Diagnostic, needle: &str| locate_in_section(d, source, "remove", needle);
        // Take out each kind by id, refusing ids the base does not have.
        fn take<T>(
            items: &mut Vec<T>,
            ids: &[String],
            id_of: impl Fn(&T) -> &str,
            kind: &str,
            problems: &mut Vec<(String, String, Option<String>)>,
        ) {
            for id in ids {
                let before = items.len();
                let known: Vec<String> = items.iter().map(|x| id_of(x).to_owned()).collect();
                items.retain(|x| id_of(x) != id);
                if items.len() == before {
                    let hint = super::load::suggest(id, known.iter().map(String::as_str));
                    problems.push((id.clone(), kind.to_owned(), hint));
                }
            }
        }
        let mut unknown = Vec::new();
        take(
            &mut s.units,
            &r.units,
            |u| u.id.as_str(),
            "unit",
            &mut unknown,
        );
        take(
            &mut s.places,
            &r.places,
            |p| p.id.as_str(),
            "place",
            &mut unknown,
        );
        take(
            &mut s.events,
            &r.events,
            |e| e.id.as_str(),
            "event",
            &mut unknown,
        );
        take(
            &mut s.states,
            &r.states,
            |x| x.id.as_str(),
            "state",
            &mut unknown,
        );
        take(
            &mut s.actors,
            &r.actors,
            |a| a.id.as_str(),
            "actor",
            &mut unknown,
        );
        take(
            &mut s.supply_sources,
            &r.supply_sources,
            |x| x.place.as_str(),
            "supply source at place",
            &mut unknown,
        );
        for (id, kind, hint) in unknown {
            let mut d = Diagnostic::new(
                file,
                format!("`remove`: the base has no {kind} `{id}` to remove"),
            );
            if let Some(h) = hint {
                d = d.help(format!("did you mean `{h}`?"));
            }
            problems.push(at(d, &format!("\"{id}\"")));
        }
        // Routes go with their places; named routes by their two ends.
        let places_gone: Vec<&String> = r.places.iter().collect();
        s.routes
            .retain(|x| !places_gone.contains(&&x.from) && !places_gone.contains(&&x.to));
        for (a, b) in &r.routes {
            let before = s.routes.len();
            s.routes
                .retain(|x| !((&x.from == a && &x.to == b) || (&x.from == b && &x.to == a)));
            if s.routes.len() == before {
                let d = Diagnostic::new(
                    file,
                    format!("`remove`: the base has no route between `{a}` and `{b}`"),
                )
                .help("a route is named by the place ids at its two ends, in either order");
                problems.push(at(d, &format!("\"{a}\"")));
            }
        }
        let add = &self.add;
        s.units.extend(add.units.iter().cloned());
        s.places.extend(add.places.iter().cloned());
        s.routes.extend(add.routes.iter().cloned());
        s.events.extend(add.events.iter().cloned());
        s.supply_sources.extend(add.supply_sources.iter().cloned());
        s.states.extend(add.states.iter().cloned());
        s.actors.extend(add.actors.iter().cloned());
        if problems.is_empty() {
            Ok(s)
        } else {
            Err(problems)
        }
    }

    /// What still refers to something the what-if removed (and did not add back), in
    /// `result`: the what-if's scenario once `set` is applied too (so `set` may clear a
    /// reference). One problem per removed id, naming its referrers.
    pub fn dangling(&self, result: &Scenario<Num>, file: &str, source: &str) -> Vec<Diagnostic> {
        let s = result;
        let r = &self.remove;
        let at = |d: Diagnostic, needle: &str| locate_in_section(d, source, "remove", needle);
        let mut problems = Vec::new();
        // A removed id that is not added back must no longer be referred to.
        let removed: Vec<(&str, &String)> = [
            ("unit", &r.units),
            ("place", &r.places),
            ("event", &r.events),
            ("state", &r.states),
            ("actor", &r.actors),
        ]
        .into_iter()
        .flat_map(|(kind, ids)| ids.iter().map(move |id| (kind, id)))
        .filter(|(kind, id)| !added(s, kind, id))
        .collect();
        if !removed.is_empty() {
            let tree = serde_json::to_value(s).unwrap_or(serde_json::Value::Null);
            for (kind, id) in removed {
                let mut found = Vec::new();
                references(&tree, id, String::new(), &mut found);
                if let Some(first) = found.first() {
                    let more = match found.len() {
                        1 => String::new(),
                        n => format!(" (and {} more: {})", n - 1, found[1..].join(", ")),
                    };
                    let d = Diagnostic::new(
                        file,
                        format!("`remove`: {kind} `{id}` is still referred to by `{first}`{more}"),
                    )
                    .help(
                        "remove the referrer too, or add back a replacement with the same id \
                         under `add`",
                    );
                    problems.push(at(d, &format!("\"{id}\"")));
                }
            }
        }
        problems
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

impl<N> Additions<N> {
    /// Nothing added.
    pub fn none() -> Self {
        Self {
            units: Vec::new(),
            places: Vec::new(),
            routes: Vec::new(),
            events: Vec::new(),
            supply_sources: Vec::new(),
            states: Vec::new(),
            actors: Vec::new(),
        }
    }
}

/// Whether the what-if's result has a `kind` called `id` (added back after its removal).
fn added(s: &Scenario<Num>, kind: &str, id: &str) -> bool {
    match kind {
        "unit" => s.units.iter().any(|x| x.id == id),
        "place" => s.places.iter().any(|x| x.id == id),
        "event" => s.events.iter().any(|x| x.id == id),
        "state" => s.states.iter().any(|x| x.id == id),
        "actor" => s.actors.iter().any(|x| x.id == id),
        _ => false,
    }
}

/// Every path in `tree` (a scenario as JSON) holding the text `id`, other than ids, names and
/// descriptions: `events.rdf_crossing.actions[0].Release`. An item of a list is named by its
/// id where it has one.
fn references(tree: &serde_json::Value, id: &str, path: String, found: &mut Vec<String>) {
    use serde_json::Value;
    match tree {
        Value::String(text) if text == id => found.push(path),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let name = item
                    .get("id")
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("{path}[{i}]"), |x| format!("{path}.{x}"));
                references(item, id, name, found);
            }
        }
        Value::Object(fields) => {
            for (key, value) in fields {
                if ["id", "name", "description", "text"].contains(&key.as_str()) {
                    continue;
                }
                let next = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                references(value, id, next, found);
            }
        }
        _ => {}
    }
}

/// `d` located at the first `needle` after the `section:` key in `source`, if found.
fn locate_in_section(d: Diagnostic, source: &str, section: &str, needle: &str) -> Diagnostic {
    let start = source.find(&format!("{section}:")).unwrap_or(0);
    match source[start..].find(needle) {
        Some(offset) => {
            let (line, col) = super::validate::line_col(source, start + offset);
            d.at(source, line, col)
        }
        None => d,
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
