//! docs/SCENARIOS.md documents every field of the scenario format: the names are read from the
//! schema itself through serde (serde-reflection traces every struct, enum, variant and field
//! the deserialiser accepts), so a field added to the schema and not to the page fails here.

use serde_reflection::{ContainerFormat, Samples, Tracer, TracerConfig, VariantFormat};
use strife::scenario::whatif::WhatIf;
use strife::scenario::*;

use crate::common::{load, repo};

/// Every container (struct or enum) of the scenario format, by type name: the names of its
/// fields (a struct) or of its variants and their fields (an enum).
fn schema() -> Vec<(String, Vec<String>)> {
    let mut tracer = Tracer::new(TracerConfig::default());
    let samples = Samples::new();
    macro_rules! trace {
        ($($ty:ty),* $(,)?) => {
            $(
                tracer
                    .trace_type::<$ty>(&samples)
                    .unwrap_or_else(|e| panic!("tracing {}: {e}", stringify!($ty)));
            )*
        };
    }
    // Everything below `Scenario` (whose `start_date` the tracer cannot invent), each enum
    // traced on its own so that every variant is seen; the numbers as `f64`, the ranges as
    // `Distribution`.
    trace!(
        Faction,
        FactionKind,
        Mobility,
        Surface,
        Place<f64>,
        PlaceKind,
        BorderStatus,
        Terrain,
        Route<f64>,
        RouteKind,
        Outline,
        OutlineKind,
        Unit<f64>,
        Posture,
        SupplySource<f64>,
        EndCondition,
        AirAsset<f64>,
        AirKind,
        Params<f64>,
        Actor<f64>,
        Instrument,
        StateActor<f64>,
        Exit,
        Stance,
        Rung,
        Condition,
        Event<f64>,
        Action<f64>,
        OrderTarget,
        Relation,
        Distribution,
        WhatIf<f64>,
    );
    let registry = tracer
        .registry()
        .unwrap_or_else(|e| panic!("the schema trace is incomplete: {e}"));
    let mut out: Vec<(String, Vec<String>)> = registry
        .into_iter()
        .filter_map(|(name, format)| {
            let names = match format {
                ContainerFormat::Struct(fields) => fields.into_iter().map(|f| f.name).collect(),
                ContainerFormat::Enum(variants) => variants
                    .into_values()
                    .flat_map(|v| {
                        let mut names = vec![v.name];
                        if let VariantFormat::Struct(fields) = v.value {
                            names.extend(fields.into_iter().map(|f| f.name));
                        }
                        names
                    })
                    .collect(),
                _ => return None,
            };
            Some((name, names))
        })
        .collect();
    // The top level, as serde writes it (every field, optional ones included).
    let scenario = load("scenarios/minimal.ron")
        .central()
        .expect("central scenario");
    let value = serde_json::to_value(&scenario).expect("scenario as JSON");
    let fields = value
        .as_object()
        .expect("a scenario is a record")
        .keys()
        .cloned()
        .collect();
    out.push(("Scenario".to_owned(), fields));
    out
}

/// The text of the section `### name` of `doc` (to the next heading), if there is one.
fn section<'a>(doc: &'a str, name: &str) -> Option<&'a str> {
    let heading = format!("\n### {name}\n");
    let start = doc.find(&heading)? + heading.len();
    let rest = &doc[start..];
    let end = rest.find("\n#").unwrap_or(rest.len());
    Some(&rest[..end])
}

/// What `doc` fails to document: `Type` (no section) or `Type.field`.
fn missing(doc: &str, schema: &[(String, Vec<String>)]) -> Vec<String> {
    let mut out = Vec::new();
    for (name, fields) in schema {
        let Some(text) = section(doc, name) else {
            out.push(format!("{name} (no `### {name}` section)"));
            continue;
        };
        for field in fields {
            if !text.contains(&format!("`{field}`")) {
                out.push(format!("{name}.{field}"));
            }
        }
    }
    out
}

#[test]
fn every_scenario_field_is_documented_in_scenarios_md() {
    let doc = std::fs::read_to_string(repo("docs/SCENARIOS.md")).expect("docs/SCENARIOS.md");
    let schema = schema();
    // The trace reaches deep: nested parameters and the variants' fields are there.
    let names: Vec<&str> = schema.iter().map(|(n, _)| n.as_str()).collect();
    for expected in [
        "Scenario",
        "CombatParams",
        "TerrainFactors",
        "Condition",
        "Outline",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} not traced: {names:?}"
        );
    }
    let fields: usize = schema.iter().map(|(_, f)| f.len()).sum();
    assert!(fields > 200, "only {fields} names traced");

    let gaps = missing(&doc, &schema);
    assert!(
        gaps.is_empty(),
        "docs/SCENARIOS.md does not document these (add each, with its unit and default, to the \
         section of its type):\n  {}",
        gaps.join("\n  ")
    );

    // And the check can fail: a page without one field, or one section, is caught.
    let without_field = doc.replacen("| `fortification_bonus` |", "| fortification bonus |", 1);
    assert_eq!(
        missing(&without_field, &schema),
        vec!["CombatParams.fortification_bonus"]
    );
    let without_section = doc.replacen("### Outline\n", "### Outlines\n", 1);
    assert!(
        missing(&without_section, &schema)
            .iter()
            .any(|m| m.starts_with("Outline (no")),
        "a missing section is caught"
    );
}
