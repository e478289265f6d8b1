//! Overrides: `--set PATH=VALUE` and what-if files change any field of a scenario by path.
//!
//! A path names fields by key and list entries by id (`units.rdf_north.personnel`,
//! `actors.US.closeness`, `params.combat.defender_base_rate`) or, for entries without an id, by
//! index (`routes[3].km`). An id with a dot, bracket or quote in it is quoted, either way:
//! `units."3.brigade".personnel` or `units["3.brigade"].personnel` (a `"` inside is written
//! `\"`). A value is a number, a distribution (`Uniform(min: 1, max: 2)`), `true`/`false`, or
//! text.

use serde_json::Value;

use super::load::suggest;
use super::politics::Condition;
use super::schema::Scenario;
use super::uncertain::Num;
use super::uncertain::join_path;

/// One override: the path and the value as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Path of the field.
    pub path: String,
    /// Value, as written.
    pub value: String,
}

impl std::fmt::Display for Override {
    /// `PATH=VALUE`, as given.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.path, self.value)
    }
}

impl std::str::FromStr for Override {
    type Err = String;

    /// Parse `PATH=VALUE`.
    fn from_str(text: &str) -> Result<Self, String> {
        // The first `=` outside a quoted id.
        let mut quoted = false;
        let mut escaped = false;
        let split = text.char_indices().find_map(|(i, c)| {
            if escaped {
                escaped = false;
                return None;
            }
            match c {
                '\\' if quoted => escaped = true,
                '"' => quoted = !quoted,
                '=' if !quoted => return Some(i),
                _ => {}
            }
            None
        });
        let (path, value) = split.map(|i| (&text[..i], &text[i + 1..])).ok_or_else(|| {
            format!("`{text}` is not PATH=VALUE (e.g. units.rdf_north.personnel=6000)")
        })?;
        let (path, value) = (path.trim(), value.trim());
        if path.is_empty() || value.is_empty() {
            return Err(format!("`{text}` needs both a path and a value"));
        }
        Ok(Override {
            path: path.to_owned(),
            value: value.to_owned(),
        })
    }
}

/// Apply overrides in order; `Err` says which one does not fit and lists the nearest paths.
pub fn apply_overrides(
    scenario: &Scenario<Num>,
    overrides: &[Override],
) -> Result<Scenario<Num>, String> {
    if overrides.is_empty() {
        return Ok(scenario.clone());
    }
    let mut tree = serde_json::to_value(scenario).map_err(|e| e.to_string())?;
    for o in overrides {
        if o.value.parse::<f64>().is_ok_and(|x| !x.is_finite()) {
            return Err(format!(
                "`{}={}`: every number must be finite",
                o.path, o.value
            ));
        }
        let value = parse_value(&o.value);
        let slot = find(&mut tree, &o.path).ok_or_else(|| {
            let mut paths = Vec::new();
            leaf_paths(
                &serde_json::to_value(scenario).unwrap_or(Value::Null),
                String::new(),
                &mut paths,
            );
            unknown_path(&o.path, &paths)
        })?;
        let was_group = slot.is_object() && !is_distribution(slot);
        let primitive = !(value.is_object() || value.is_array());
        *slot = value;
        // Check the type at once, so that the error names this override.
        serde_json::from_value::<Scenario<Num>>(tree.clone()).map_err(|e| {
            let why = e.to_string();
            if was_group && primitive {
                return format!(
                    "`{}` is a group of fields, not a value; name one of its fields",
                    o.path
                );
            }
            let why = if why.contains("untagged enum Num") {
                "expected a number, or a distribution such as Uniform(min: 1, max: 2)".to_owned()
            } else {
                why
            };
            format!("`{}={}` does not fit: {why}", o.path, o.value)
        })?;
    }
    serde_json::from_value(tree).map_err(|e| e.to_string())
}

/// A value as written: a number, a distribution, a condition (`Day(10)`), a list
/// (`["rdf"]`), a boolean, or text.
fn parse_value(text: &str) -> Value {
    // Whole numbers stay whole, for integer fields such as `seed`.
    if let Ok(n) = text.parse::<u64>() {
        return serde_json::json!(n);
    }
    if let Ok(n) = text.parse::<i64>() {
        return serde_json::json!(n);
    }
    if let Ok(x) = text.parse::<f64>() {
        return serde_json::json!(x);
    }
    let options =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    if let Ok(num) = options.from_str::<Num>(text)
        && let Ok(v) = serde_json::to_value(num)
    {
        return v;
    }
    if let Ok(condition) = options.from_str::<Condition>(text)
        && let Ok(v) = serde_json::to_value(condition)
    {
        return v;
    }
    if text.starts_with('[')
        && let Ok(list) = options.from_str::<Vec<String>>(text)
    {
        return serde_json::json!(list);
    }
    match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::String(text.trim_matches('"').to_owned()),
    }
}

fn is_distribution(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.len() == 1
            && m.keys()
                .all(|k| super::uncertain::DISTRIBUTIONS.contains(&k.as_str()))
    })
}

/// One step of a path: a field's key or a list entry's id, or a list index.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// `name`, `"quoted name"` or `["quoted name"]`.
    Name(String),
    /// `[3]`.
    Index(usize),
}

/// The steps of a path: `units."a.b".personnel`, `units["a.b"].personnel`, `routes[3].km`.
/// `None` if it is malformed (an unclosed quote or bracket, an empty step).
fn steps(path: &str) -> Option<Vec<Step>> {
    let mut out = Vec::new();
    let mut chars = path.chars().peekable();
    let quoted = |chars: &mut std::iter::Peekable<std::str::Chars>| {
        let mut text = String::new();
        loop {
            match chars.next()? {
                '"' => return Some(text),
                '\\' => text.push(chars.next()?),
                c => text.push(c),
            }
        }
    };
    let mut expect_step = true;
    while let Some(&c) = chars.peek() {
        match c {
            '.' if !expect_step => {
                chars.next();
                expect_step = true;
                continue;
            }
            '[' => {
                chars.next();
                if chars.peek() == Some(&'"') {
                    chars.next();
                    out.push(Step::Name(quoted(&mut chars)?));
                } else {
                    let mut digits = String::new();
                    while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                        digits.push(d);
                        chars.next();
                    }
                    out.push(Step::Index(digits.parse().ok()?));
                }
                if chars.next()? != ']' {
                    return None;
                }
            }
            _ if !expect_step => return None,
            '"' => {
                chars.next();
                out.push(Step::Name(quoted(&mut chars)?));
            }
            _ => {
                let mut name = String::new();
                while let Some(&d) = chars.peek().filter(|d| !matches!(d, '.' | '[' | '"')) {
                    name.push(d);
                    chars.next();
                }
                if name.is_empty() {
                    return None;
                }
                out.push(Step::Name(name));
            }
        }
        expect_step = false;
    }
    (!expect_step).then_some(out)
}

/// `key` as a path writes it: as is, or quoted if it holds a dot, bracket, quote or backslash.
pub(crate) fn quote_key(key: &str) -> std::borrow::Cow<'_, str> {
    if key.contains(['.', '[', ']', '"', '\\']) {
        let escaped = key.replace('\\', "\\\\").replace('"', "\\\"");
        std::borrow::Cow::Owned(format!("\"{escaped}\""))
    } else {
        std::borrow::Cow::Borrowed(key)
    }
}

/// The node at `path`, entries of lists found by id or `[index]`.
fn find<'a>(tree: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut node = tree;
    for step in steps(path)? {
        node = match (node, step) {
            (Value::Object(map), Step::Name(key)) => map.get_mut(&key)?,
            (Value::Array(items), Step::Name(id)) => items
                .iter_mut()
                .find(|item| item.get("id").and_then(Value::as_str) == Some(id.as_str()))?,
            (Value::Array(items), Step::Index(i)) => items.get_mut(i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Every path to a value in the tree.
fn leaf_paths(v: &Value, path: String, out: &mut Vec<String>) {
    match v {
        Value::Object(map) if !is_distribution(v) => {
            for (k, child) in map {
                leaf_paths(child, join_path(&path, k), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let p = match child.get("id").and_then(Value::as_str) {
                    Some(id) => join_path(&path, id),
                    None => format!("{path}[{i}]"),
                };
                leaf_paths(child, p, out);
            }
        }
        _ => out.push(path),
    }
}

fn unknown_path(path: &str, paths: &[String]) -> String {
    let mut scored: Vec<(f64, &String)> = paths
        .iter()
        .map(|p| (strsim::jaro_winkler(path, p), p))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let nearest: Vec<&str> = scored.iter().take(5).map(|(_, p)| p.as_str()).collect();
    let best = suggest(path, paths.iter().map(String::as_str));
    match best {
        Some(best) => format!(
            "no field `{path}` in the scenario; did you mean `{best}`? Nearest paths: {}",
            nearest.join(", ")
        ),
        None => format!(
            "no field `{path}` in the scenario; nearest paths: {}",
            nearest.join(", ")
        ),
    }
}
