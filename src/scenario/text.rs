//! Checking a scenario's text: no control characters in names, ids or texts, since they would
//! make SVG files that browsers refuse and could rewrite the user's terminal when printed.
//!
//! Free texts (`description`, an event's `text`) may hold line breaks and tabs; every other
//! string may hold no control character at all. Bidirectional overrides (U+202A–U+202E,
//! U+2066–U+2069), which make text display in another order than it is stored, are refused
//! everywhere.

use serde_json::Value;

use super::schema::Scenario;
use super::uncertain::{push_entry, push_key};
use super::validate::locate_path;
use crate::error::Diagnostic;

/// Fields whose text may span lines.
const FREE_TEXT: [&str; 2] = ["description", "text"];

/// Every string of `scenario` holding a character it must not, one diagnostic each.
pub fn check_text(scenario: &Scenario, source: &str, file: &str) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if let Ok(value) = serde_json::to_value(scenario) {
        walk(&value, &mut String::new(), &mut |path, text| {
            let Some(bad) = text
                .chars()
                .find(|&c| forbidden(c, FREE_TEXT.iter().any(|f| path.ends_with(f))))
            else {
                return;
            };
            let mut d = Diagnostic::new(
                file,
                format!(
                    "`{path}` holds the control character U+{:04X} ({:?}); names and texts may \
                     not hold control characters",
                    u32::from(bad),
                    text.chars().take(60).collect::<String>()
                ),
            )
            .help("remove it (a name is shown in plots, tables and the terminal)");
            if let Some((line, col)) = locate_path(source, path) {
                d = d.at(source, line, col);
            }
            found.push(d);
        });
    }
    found
}

/// Whether `c` may not stand in a string (`free`: a free text, where line breaks may).
fn forbidden(c: char, free: bool) -> bool {
    let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let control = c.is_control() && !(free && matches!(c, '\n' | '\t' | '\r'));
    bidi || control
}

/// Call `visit(path, text)` for every string in `value`; entries of a list are named by their
/// `id` where they have one (`units.rdf_north.name`), else by index (`routes[3].from`).
fn walk(value: &Value, path: &mut String, visit: &mut impl FnMut(&str, &str)) {
    let len = path.len();
    match value {
        Value::String(text) => visit(path, text),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                push_entry(path, i, item);
                walk(item, path, visit);
                path.truncate(len);
            }
        }
        Value::Object(fields) => {
            for (key, field) in fields {
                push_key(path, key);
                walk(field, path, visit);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_but_line_breaks_in_free_text_are_not() {
        assert!(forbidden('\u{1b}', true));
        assert!(forbidden('\n', false));
        assert!(!forbidden('\n', true));
        assert!(forbidden('\u{202E}', true));
        assert!(!forbidden('é', false));
    }

    /// `validate_values` skips the text (it serves scenarios whose strings were checked) but
    /// keeps every other check.
    #[test]
    fn validate_values_skips_the_text_only() {
        use crate::scenario::{load_scenario, validate, validate_values};
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/minimal.ron");
        let loaded = load_scenario(&path).expect("the minimal scenario loads");
        let mut scenario = loaded.central().expect("its central scenario");
        let (source, file) = (loaded.source.as_str(), loaded.file.as_str());
        assert!(validate(&scenario, source, file).is_ok());
        assert!(validate_values(&scenario, source, file).is_ok());
        scenario.factions[0].name.push('\u{1b}');
        let problems = validate(&scenario, source, file).expect_err("a control character");
        assert!(problems[0].message.contains("control character"));
        assert!(validate_values(&scenario, source, file).is_ok());
        scenario.units[0].personnel = -5.0;
        let problems = validate_values(&scenario, source, file).expect_err("negative personnel");
        assert!(problems.iter().any(|p| p.message.contains("personnel")));
    }
}
