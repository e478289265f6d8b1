//! `strife explain SCENARIO`: a scenario as a readable tree: places, forces by side, routes,
//! supply, diplomacy, events and the uncertain inputs, with their units.

use std::collections::BTreeMap;

use crate::cli::ExplainArgs;
use crate::error::Result;
use crate::output::report::thousands;
use crate::scenario::{Distribution, LoadedScenario, Num, RouteKind, load_scenario};

/// A line of the tree and the lines under it.
#[derive(Debug, Default)]
struct Node {
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            children: Vec::new(),
        }
    }

    fn with(mut self, children: Vec<Node>) -> Self {
        self.children = children;
        self
    }

    /// The tree under this node, drawn with box-drawing characters.
    fn render(&self, prefix: &str, out: &mut String) {
        for (i, child) in self.children.iter().enumerate() {
            let last = i + 1 == self.children.len();
            let (branch, indent) = if last {
                ("└─ ", "   ")
            } else {
                ("├─ ", "│  ")
            };
            out.push_str(&format!("{prefix}{branch}{}\n", child.text));
            child.render(&format!("{prefix}{indent}"), out);
        }
    }
}

/// A number as people write it: `1,500`, `0.8`, `2.5e6` stays `2,500,000`.
fn number(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        thousands(x)
    } else {
        format!("{}", (x * 1e6).round() / 1e6)
    }
}

/// A distribution as written in a scenario.
pub fn distribution(d: &Distribution) -> String {
    let bounds = |min: &Option<f64>, max: &Option<f64>| match (min, max) {
        (None, None) => String::new(),
        (lo, hi) => format!(
            ", within {}–{}",
            lo.map_or("…".into(), number),
            hi.map_or("…".into(), number)
        ),
    };
    match d {
        Distribution::Uniform { min, max } => format!("Uniform {}–{}", number(*min), number(*max)),
        Distribution::Normal { mean, sd, min, max } => format!(
            "Normal mean {} sd {}{}",
            number(*mean),
            number(*sd),
            bounds(min, max)
        ),
        Distribution::Triangular { min, mode, max } => format!(
            "Triangular {}–{}, most likely {}",
            number(*min),
            number(*max),
            number(*mode)
        ),
        Distribution::LogNormal {
            median,
            sigma,
            min,
            max,
        } => format!(
            "LogNormal median {} sigma {}{}",
            number(*median),
            number(*sigma),
            bounds(min, max)
        ),
        Distribution::Choice { values, weights } => {
            let values: Vec<String> = values.iter().map(|v| number(*v)).collect();
            match weights {
                Some(w) => format!(
                    "Choice of {} (weights {})",
                    values.join(", "),
                    w.iter().map(|x| number(*x)).collect::<Vec<_>>().join(", ")
                ),
                None => format!("Choice of {}", values.join(", ")),
            }
        }
        Distribution::Joint { group, values, .. } => {
            format!(
                "Joint group {group}: one of {} rows drawn together",
                values.len()
            )
        }
    }
}

/// A number or a range.
fn num(n: &Num) -> String {
    match n {
        Num::Fixed(x) => number(*x),
        Num::Dist(d) => format!("[{}]", distribution(d)),
    }
}

/// A condition or action, as RON on one line.
fn ron_line<T: serde::Serialize>(value: &T) -> String {
    ron::to_string(value).unwrap_or_else(|_| "?".to_owned())
}

/// The tree of `loaded`.
fn tree(loaded: &LoadedScenario) -> Result<Node> {
    let s = &loaded.scenario;
    let faction_name = |id: &str| {
        s.factions
            .iter()
            .find(|f| f.id == id)
            .map_or_else(|| id.to_owned(), |f| f.name.clone())
    };
    let place_name = |id: &str| {
        s.places
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_owned(), |p| p.name.clone())
    };
    let mut root = Node::default();

    let places = s
        .places
        .iter()
        .map(|p| {
            let mut flags = Vec::new();
            if p.key {
                flags.push("key");
            }
            if p.sanctuary {
                flags.push("sanctuary");
            }
            let flags = if flags.is_empty() {
                String::new()
            } else {
                format!(" · {}", flags.join(", "))
            };
            Node::new(format!(
                "{} ({}) — {:?}, {}, {:.3}°, {:.3}° · held by {} · population {} · {:?}, \
                 fortification {}{flags}",
                p.name,
                p.id,
                p.kind,
                p.country,
                p.lat,
                p.lon,
                faction_name(&p.controller),
                num(&p.population),
                p.terrain,
                num(&p.fortification),
            ))
        })
        .collect();
    root.children
        .push(Node::new(format!("Places ({})", s.places.len())).with(places));

    // Forces by side: side → faction → units.
    let mut sides: Vec<&str> = Vec::new();
    for f in &s.factions {
        if !sides.contains(&f.side.as_str()) {
            sides.push(&f.side);
        }
    }
    let side_nodes = sides
        .iter()
        .map(|side| {
            let factions = s
                .factions
                .iter()
                .filter(|f| f.side == *side)
                .map(|f| {
                    let units: Vec<_> = s.units.iter().filter(|u| u.faction == f.id).collect();
                    let central: f64 = units
                        .iter()
                        .map(|u| match &u.personnel {
                            Num::Fixed(x) => *x,
                            Num::Dist(d) => d.central(),
                        })
                        .sum();
                    let ranged = units
                        .iter()
                        .any(|u| matches!(u.personnel, Num::Dist(_)));
                    let total = if ranged {
                        format!("about {} personnel (ranges at their centres)", number(central.round()))
                    } else {
                        format!("{} personnel", number(central))
                    };
                    let sponsor = f
                        .sponsor
                        .as_ref()
                        .map_or(String::new(), |s| format!(", sponsor {s}"));
                    let unit_nodes = units
                        .iter()
                        .map(|u| {
                            let mut text = format!(
                                "{} — {} personnel at {}, {:?}, firepower {}, morale {}, supply {} days",
                                u.name.as_deref().unwrap_or(&u.id),
                                num(&u.personnel),
                                place_name(&u.place),
                                u.posture,
                                num(&u.firepower),
                                num(&u.morale),
                                num(&u.supply_days),
                            );
                            if let Some(c) = &u.contingent {
                                text.push_str(&format!(", contingent {c}"));
                            }
                            if !u.objectives.is_empty() {
                                let names: Vec<String> =
                                    u.objectives.iter().map(|o| place_name(o)).collect();
                                text.push_str(&format!(", objectives {}", names.join(" → ")));
                            }
                            if let Some(day) = &u.arrival_day {
                                text.push_str(&format!(", arrives day {}", num(day)));
                            }
                            if u.held {
                                text.push_str(", held back until released");
                            }
                            Node::new(text)
                        })
                        .collect();
                    Node::new(format!("{} ({:?}{sponsor}) — {total}", f.name, f.kind))
                        .with(unit_nodes)
                })
                .collect();
            Node::new(format!("side {side}")).with(factions)
        })
        .collect();
    root.children
        .push(Node::new("Forces by side (faction → units)").with(side_nodes));

    let mut by_kind: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for r in &s.routes {
        let entry = by_kind.entry(format!("{:?}", r.kind)).or_default();
        entry.0 += 1;
        if let Num::Fixed(km) = r.km {
            entry.1 += km;
        }
    }
    let summary: Vec<String> = by_kind
        .iter()
        .map(|(kind, (n, km))| format!("{n} {} ({} km)", kind.to_lowercase(), number(km.round())))
        .collect();
    let routes = s
        .routes
        .iter()
        .map(|r| {
            let kind = match r.kind {
                RouteKind::Road => "road",
                RouteKind::Track => "track",
                RouteKind::Lake => "lake crossing",
                RouteKind::Border => "border crossing",
            };
            Node::new(format!(
                "{} – {}: {} km {kind}",
                place_name(&r.from),
                place_name(&r.to),
                num(&r.km)
            ))
        })
        .collect();
    root.children.push(
        Node::new(format!(
            "Routes ({}): {}",
            s.routes.len(),
            summary.join(", ")
        ))
        .with(routes),
    );

    let sources = s
        .supply_sources
        .iter()
        .map(|src| {
            let names: Vec<String> = src.factions.iter().map(|f| faction_name(f)).collect();
            Node::new(format!(
                "{}: {} t/day for {}",
                place_name(&src.place),
                num(&src.tonnes_per_day),
                names.join(", ")
            ))
        })
        .collect();
    root.children
        .push(Node::new(format!("Supply sources ({})", s.supply_sources.len())).with(sources));

    if !s.actors.is_empty() || !s.states.is_empty() {
        let mut children: Vec<Node> = s
            .actors
            .iter()
            .map(|a| {
                let ladder: Vec<String> = a
                    .ladder
                    .iter()
                    .map(|step| ron_line(&step.instrument))
                    .collect();
                Node::new(format!(
                    "actor {} → {}: {}",
                    a.name,
                    a.target,
                    if ladder.is_empty() {
                        "no ladder".to_owned()
                    } else {
                        ladder.join(" → ")
                    }
                ))
            })
            .collect();
        children.extend(s.states.iter().map(|st| {
            let mut text = format!("state {}", st.id);
            if let Some(r) = &st.resolve {
                text.push_str(&format!(", resolve {}", num(r)));
            }
            if let Some(t) = &st.casualty_tolerance {
                text.push_str(&format!(", casualty tolerance {}", num(t)));
            }
            if !st.proxies.is_empty() {
                text.push_str(&format!(", proxies {}", st.proxies.join(", ")));
            }
            Node::new(text)
        }));
        root.children.push(
            Node::new(format!(
                "Diplomacy ({} actors, {} states)",
                s.actors.len(),
                s.states.len()
            ))
            .with(children),
        );
    }
    if !s.escalation.is_empty() {
        let rungs = s
            .escalation
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Node::new(format!(
                    "{}. {} — when {}",
                    i + 1,
                    r.name,
                    ron_line(&r.when)
                ))
            })
            .collect();
        root.children.push(
            Node::new(format!("Escalation ladder ({} rungs)", s.escalation.len())).with(rungs),
        );
    }
    let events = s
        .events
        .iter()
        .map(|e| {
            let actions: Vec<Node> = e.actions.iter().map(|a| Node::new(ron_line(a))).collect();
            Node::new(format!("{} — when {}: {}", e.id, ron_line(&e.when), e.text)).with(actions)
        })
        .collect();
    root.children
        .push(Node::new(format!("Events ({})", s.events.len())).with(events));

    let inputs = crate::scenario::uncertain::distributions(&loaded.scenario)?
        .into_iter()
        .map(|(path, d)| Node::new(format!("{path}: {}", distribution(&d))))
        .collect::<Vec<_>>();
    root.children.push(
        Node::new(format!(
            "Uncertain inputs ({}), drawn once per run",
            inputs.len()
        ))
        .with(inputs),
    );
    if !s.outlines.is_empty() {
        let outlines = s
            .outlines
            .iter()
            .map(|o| {
                Node::new(format!(
                    "{} ({:?}, {} points)",
                    o.name,
                    o.kind,
                    o.points.len()
                ))
            })
            .collect();
        root.children
            .push(Node::new(format!("Map outlines ({})", s.outlines.len())).with(outlines));
    }
    Ok(root)
}

/// The explanation of `loaded` as text.
pub fn explanation(loaded: &LoadedScenario) -> Result<String> {
    let s = &loaded.scenario;
    let mut out = format!("{} ({})\n", s.name, loaded.file);
    if !s.description.trim().is_empty() {
        out.push_str(&format!("{}\n", s.description.trim()));
    }
    out.push_str(&format!(
        "From {} for {} days, ticks of {} h, seed {}",
        s.start_date.format("%-d %b %Y"),
        number(s.duration_days),
        number(s.tick_hours),
        s.seed
    ));
    if !loaded.overrides.is_empty() {
        let o: Vec<String> = loaded.overrides.iter().map(ToString::to_string).collect();
        out.push_str(&format!("; overrides {}", o.join(", ")));
    }
    out.push('\n');
    tree(loaded)?.render("", &mut out);
    Ok(out)
}

/// `strife explain`.
pub fn explain(args: &ExplainArgs) -> Result<()> {
    let loaded = load_scenario(&args.scenario)?;
    crate::output::write::print_stdout(&explanation(&loaded)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(1500.0), "1,500");
        assert_eq!(number(0.8), "0.8");
        assert_eq!(number(2.5e6), "2,500,000");
        assert_eq!(
            distribution(&Distribution::Uniform {
                min: 3000.0,
                max: 4000.0
            }),
            "Uniform 3,000–4,000"
        );
    }

    #[test]
    fn trees_are_drawn_with_branches() {
        let root = Node::default().with(vec![
            Node::new("a").with(vec![Node::new("a1"), Node::new("a2")]),
            Node::new("b"),
        ]);
        let mut out = String::new();
        root.render("", &mut out);
        assert_eq!(out, "├─ a\n│  ├─ a1\n│  └─ a2\n└─ b\n");
    }
}
