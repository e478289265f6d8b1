//! Metrics that users define (issue 17, part 2): a small expression language over a run's
//! time series, usable wherever a metric is taken (`--metric` of `sweep`, `sensitivity` and
//! `compare`). docs/METRICS.md is its manual: grammar, functions and units, time semantics.
//!
//! A [`MetricSpec`] is a metric as a user wrote it: one of the built-in names of
//! [`crate::run::metrics::Metric`] (`fall_day.goma`, `p_fall.goma`, …; their values are
//! unchanged), or an expression such as `holds(m23, goma) @ day 30`, checked against a scenario
//! when it is parsed and evaluated on a run's full record while an ensemble reduces the run to
//! its digest ([`crate::run::ensemble::run_digests_with`] keeps its value in
//! [`RunDigest::custom`]).

pub mod check;
pub mod eval;
pub mod parse;

use check::{Kind, Node, Scope, Ty};

use super::ensemble::RunDigest;
use super::metrics::Metric;
use super::record::RunRecord;
use super::statistic::{Estimate, Stat, estimate, estimate_with, happened};
use crate::error::{Diagnostic, Error, Result};
use crate::scenario::LoadedScenario;
use crate::sim::politics::Politics;
use crate::sim::resources::Theatre;

/// A metric as a user wrote it: a built-in name or an expression, checked against a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSpec {
    text: String,
    kind: SpecKind,
}

#[derive(Debug, Clone, PartialEq)]
enum SpecKind {
    Builtin(Metric),
    Expression(Node, Ty),
}

/// The language in brief, for `strife metrics`.
pub const SUMMARY: &str = "\
Metrics may also be expressions (docs/METRICS.md):
  personnel(fardc) @ day 14          a quantity at a time: `@ day D` or `@ YYYY-MM-DD[ HH:MM]`,
                                     the last sample at or before it (after the run's end: its end)
  holds(m23, goma) @ 2025-02-15      0/1; its mean over runs is a probability
  holder(goma) @ day 30 == m23       holder(PLACE) is a faction: compare it with `==`/`!=`
  min(personnel(fardc))              min, max, mean, first, last over the run; first_day(X): first day X > 0
  fall_day(bukavu), fall_day_if(bukavu)   censored at the day limit / no value if it did not fall
  max(pressure(rwanda) / resolve(rwanda))   + - * / (x/0: no value), == != < <= > >=, and or not
  A quantity without `@` or an aggregate is its value at the end of the run.
  Names are the scenario's ids, in any case, spaces as `_` (south_africa) or in quotes.
";

impl MetricSpec {
    /// Parse `text`, a built-in metric name or an expression, against a scenario's theatre and
    /// politics. An error names the column of the expression, with a caret and a suggestion.
    pub fn parse(text: &str, theatre: &Theatre, politics: &Politics) -> Result<MetricSpec> {
        let trimmed = text.trim();
        if let Ok(metric) = Metric::parse(trimmed, theatre) {
            return Ok(MetricSpec {
                text: trimmed.to_owned(),
                kind: SpecKind::Builtin(metric),
            });
        }
        Self::parse_expression(trimmed, theatre, politics)
    }

    /// Parse `trimmed` as an expression (not a built-in name); a misspelt built-in name is told
    /// as one.
    fn parse_expression(
        trimmed: &str,
        theatre: &Theatre,
        politics: &Politics,
    ) -> Result<MetricSpec> {
        let raw = match parse::parse(trimmed) {
            Ok(raw) => raw,
            Err(e) => {
                // `killed.fardx`: a misspelt built-in name is told as one.
                let dotted_name = trimmed.contains('.')
                    && trimmed.starts_with(|c: char| c.is_alphabetic())
                    && trimmed
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'));
                if dotted_name && let Err(builtin) = Metric::parse(trimmed, theatre) {
                    return Err(builtin);
                }
                return Err(located(trimmed, e.offset, &e.message, None));
            }
        };
        let scope = Scope { theatre, politics };
        let (node, ty) = scope
            .check(&raw)
            .map_err(|e| located(trimmed, e.span.start, &e.message, e.help.as_deref()))?;
        Ok(MetricSpec {
            text: trimmed.to_owned(),
            kind: SpecKind::Expression(node, ty),
        })
    }

    /// Parse `text` against the central scenario of `loaded`.
    pub fn for_scenario(text: &str, loaded: &LoadedScenario) -> Result<MetricSpec> {
        let scenario = loaded.central()?;
        let theatre = crate::sim::build_theatre(&scenario)?;
        let politics = crate::sim::spawn::politics::resolve_politics(&scenario, &theatre)?;
        MetricSpec::parse(text, &theatre, &politics)
    }

    /// Parse `text` as the metric of an observed file's `metric` row: an expression (a
    /// built-in name is a value at the end of the run, not at an observed date) whose value is a
    /// number or 0/1, not a faction or a stance (compare those: `holder(goma) == m23`).
    pub fn parse_observed(
        text: &str,
        theatre: &Theatre,
        politics: &Politics,
    ) -> Result<MetricSpec> {
        let trimmed = text.trim();
        // An expression wins over a built-in name spelt the same (`peacekeepers_killed`).
        let spec = match Self::parse_expression(trimmed, theatre, politics) {
            Ok(spec) => spec,
            Err(e) => match Metric::parse(trimmed, theatre) {
                Ok(_) => MetricSpec::parse(trimmed, theatre, politics)?,
                Err(_) => return Err(e),
            },
        };
        if spec.builtin().is_some() {
            return Err(located(
                trimmed,
                0,
                "a built-in metric is a value at the end of the run, not at an observed date",
                Some(
                    "write it as an expression (docs/METRICS.md), e.g. `fall_day(goma)` or `killed(fardc)`",
                ),
            ));
        }
        if let Some(category) = spec.category() {
            return Err(located(
                trimmed,
                0,
                &format!("its value is a {category}, not a number an observation can give"),
                Some("compare it with one, e.g. `holder(goma) == m23`"),
            ));
        }
        Ok(spec)
    }

    /// Whether its value is a day since the start (`fall_day`, `fall_day_if`, `first_day`).
    pub fn is_day(&self) -> bool {
        fn day(node: &Node) -> bool {
            match node {
                Node::FallDay(..) | Node::Agg(check::Agg::FirstDay, _) => true,
                Node::At(x, _) => day(x),
                _ => false,
            }
        }
        match &self.kind {
            SpecKind::Builtin(m) => m.is_censored_day(),
            SpecKind::Expression(node, _) => day(node),
        }
    }

    /// The value in one run (day limit `days`) as it stood at `hours` (see
    /// [`eval::evaluate_until`]); a built-in metric has its value at the end of the run.
    pub fn evaluate_until(&self, record: &RunRecord, days: f64, hours: f64) -> Option<f64> {
        match &self.kind {
            SpecKind::Builtin(_) => self.evaluate_days(record, days),
            SpecKind::Expression(node, _) => eval::evaluate_until(node, record, days, hours),
        }
    }

    /// The text as written (trimmed).
    pub fn name(&self) -> &str {
        &self.text
    }

    /// The built-in metric, if it is one.
    pub fn builtin(&self) -> Option<Metric> {
        match self.kind {
            SpecKind::Builtin(m) => Some(m),
            SpecKind::Expression(..) => None,
        }
    }

    /// The value in one run (censored days at the run's day limit).
    pub fn evaluate(&self, record: &RunRecord) -> Option<f64> {
        self.evaluate_days(record, record.days)
    }

    /// The value in one run, censored days at `days`.
    pub fn evaluate_days(&self, record: &RunRecord, days: f64) -> Option<f64> {
        match &self.kind {
            SpecKind::Builtin(m) => m.value(&super::ensemble::digest(0, record), days),
            SpecKind::Expression(node, _) => eval::evaluate(node, record, days),
        }
    }

    /// Whether its values are 0 or 1, so that its mean over runs is a probability.
    pub fn is_probability(&self) -> bool {
        match &self.kind {
            SpecKind::Builtin(m) => m.is_probability(),
            SpecKind::Expression(_, ty) => ty.kind == Kind::Indicator,
        }
    }

    /// Whether it is a day censored at the day limit (`fall_day`).
    pub fn is_censored_day(&self) -> bool {
        match &self.kind {
            SpecKind::Builtin(m) => m.is_censored_day(),
            SpecKind::Expression(node, _) => matches!(node, Node::FallDay(_, true)),
        }
    }

    /// What its values name when they are not numbers: `Some("faction")` for `holder(PLACE)`
    /// (the faction's index in the scenario), `Some("stance")` for `stance(STATE)`.
    pub fn category(&self) -> Option<&'static str> {
        match &self.kind {
            SpecKind::Expression(_, ty) if ty.kind == Kind::Faction => Some("faction"),
            SpecKind::Expression(_, ty) if ty.kind == Kind::Stance => Some("stance"),
            _ => None,
        }
    }

    /// The value a sensitivity analysis uses in a run without one: the day limit for a day
    /// (as a censored `fall_day` is), else 0.
    pub fn missing_value(&self, days: f64) -> f64 {
        match &self.kind {
            SpecKind::Builtin(_) => days,
            SpecKind::Expression(node, _) => match node {
                Node::FallDay(..) | Node::Agg(check::Agg::FirstDay, _) => days,
                _ => 0.0,
            },
        }
    }

    /// Its value in a digest of an ensemble that kept the values of a list of metrics in which
    /// this one is number `slot` ([`crate::run::ensemble::run_digests_with`]).
    pub fn value(&self, r: &RunDigest, slot: usize, days: f64) -> Option<f64> {
        match self.kind {
            SpecKind::Builtin(m) => m.value(r, days),
            SpecKind::Expression(..) => r.custom.get(slot).copied().flatten(),
        }
    }

    /// Whether its event happened in a run (see [`Stat::P`]): for an expression, a value above 0.
    pub fn happened(&self, r: &RunDigest, slot: usize, days: f64) -> bool {
        match self.kind {
            SpecKind::Builtin(m) => happened(m, r, days),
            SpecKind::Expression(..) => self.value(r, slot, days).is_some_and(|v| v > 0.0),
        }
    }

    /// The statistic it is shown with: a probability metric is always its share of runs.
    pub fn stat(&self, stat: Stat) -> Stat {
        if self.is_probability() { Stat::P } else { stat }
    }

    /// The statistic `stat` of it over `runs` (see [`estimate`]).
    pub fn estimate(&self, stat: Stat, slot: usize, runs: &[RunDigest], days: f64) -> Estimate {
        if let SpecKind::Builtin(m) = self.kind {
            return estimate(stat, m, runs, days);
        }
        estimate_with(
            self.stat(stat),
            runs,
            |r| self.happened(r, slot, days),
            |r| self.value(r, slot, days),
        )
    }
}

/// A located error in `text` at byte `offset`.
fn located(text: &str, offset: usize, message: &str, help: Option<&str>) -> Error {
    let col = text.get(..offset).map_or(offset, |t| t.chars().count()) + 1;
    let mut d = Diagnostic::new("--metric", format!("in `{text}`: {message}")).at(text, 1, col);
    if let Some(help) = help {
        d = d.help(help);
    }
    Error::Invalid(vec![d])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{RunOptions, run_loaded};
    use crate::scenario::load_scenario;

    fn goma() -> (LoadedScenario, Theatre, Politics) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/goma_2025.ron");
        let loaded = load_scenario(&path).expect("Goma loads");
        let scenario = loaded.central().expect("central");
        let theatre = crate::sim::build_theatre(&scenario).expect("theatre");
        let politics =
            crate::sim::spawn::politics::resolve_politics(&scenario, &theatre).expect("politics");
        (loaded, theatre, politics)
    }

    #[test]
    fn examples_check_and_type() {
        let (_, t, p) = goma();
        let spec = |s: &str| MetricSpec::parse(s, &t, &p).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert!(spec("holds(m23, goma) @ 2025-02-15").is_probability());
        assert!(spec("holder(goma) @ day 30 == m23").is_probability());
        assert!(spec("m23 == holder(goma) @ day 30").is_probability());
        assert_eq!(spec("holder(goma) @ day 30").category(), Some("faction"));
        assert!(!spec("personnel(fardc) @ day 14").is_probability());
        assert!(spec("fall_day(bukavu)").is_censored_day());
        assert!(!spec("fall_day_if(bukavu)").is_censored_day());
        assert!(spec("fall_day.goma").builtin().is_some());
        assert!(spec(" p_fall.goma ").is_probability());
        assert_eq!(spec(" p_fall.goma ").name(), "p_fall.goma");
        for s in [
            "min(personnel(fardc))",
            "displaced @ 2025-02-15",
            "first_day(instrument(us, sanctions))",
            "max(pressure(rwanda) / resolve(rwanda))",
            "pressure(south_africa) + pressure(\"South Africa\") + pressure(US)",
            "stance(rwanda) @ day 20 == withdraw",
            "mean(supplied_share(fardc)) > 0.5 and not ceasefire",
            "max(displaced) @ day 10",
        ] {
            spec(s);
        }
    }

    #[test]
    fn errors_point_at_the_name_with_a_suggestion() {
        let (_, t, p) = goma();
        let err = |s: &str| MetricSpec::parse(s, &t, &p).expect_err(s).to_string();
        let e = err("holder(gomma) @ day 30");
        assert!(e.starts_with("--metric:1:8: error:"), "{e}");
        assert!(
            e.contains("unknown place `gomma`") && e.contains("did you mean `goma`?"),
            "{e}"
        );
        assert!(
            e.contains("\n1 | holder(gomma) @ day 30\n  |        ^"),
            "{e}"
        );
        let e = err("personel(fardc)");
        assert!(
            e.contains("1:1") && e.contains("did you mean `personnel`?"),
            "{e}"
        );
        let e = err("first_day(instrument(us, sanction))");
        assert!(e.contains("1:26") && e.contains("`sanctions`"), "{e}");
        let e = err("peacekeeper_killed");
        assert!(e.contains("did you mean `peacekeepers_killed`?"), "{e}");
        let e = err("killed.fardx");
        assert!(e.contains("did you mean `killed.fardc`?"), "{e}");
        let e = err("holder(goma) + 1");
        assert!(e.contains("a faction is not a number"), "{e}");
        let e = err("holder(goma) == 3");
        assert!(e.contains("1:17"), "{e}");
        let e = err("max(personnel(fardc) @ day 3)");
        assert!(e.contains("1:5") && e.contains("one value per run"), "{e}");
        let e = err("personnel(fardc, goma)");
        assert!(e.contains("takes 1 argument"), "{e}");
        let e = err("personnel(fardc) @ day");
        assert!(e.contains("1:23") && e.contains("a number"), "{e}");
    }

    #[test]
    fn values_follow_the_tables() {
        let (loaded, t, p) = goma();
        let record = run_loaded(
            &loaded,
            RunOptions {
                seed: 3,
                days: Some(12.0),
            },
        )
        .expect("run");
        let v = |s: &str| {
            MetricSpec::parse(s, &t, &p)
                .unwrap_or_else(|e| panic!("{s}: {e}"))
                .evaluate(&record)
        };
        let f = t
            .factions
            .iter()
            .position(|f| f.id == "fardc")
            .expect("fardc");
        let at_day = |d: f64| {
            record
                .samples
                .iter()
                .rfind(|s| s.hours <= d * 24.0 + 1e-9)
                .expect("a sample")
        };
        assert_eq!(
            v("personnel(fardc) @ day 5"),
            Some(f64::from(at_day(5.0).factions[f].personnel))
        );
        let min = record
            .samples
            .iter()
            .map(|s| f64::from(s.factions[f].personnel))
            .fold(f64::INFINITY, f64::min);
        assert_eq!(v("min(personnel(fardc))"), Some(min));
        // After the end: the end value; before the start: none.
        assert_eq!(v("personnel(fardc) @ day 400"), v("personnel(fardc)"));
        assert_eq!(v("personnel(fardc) @ 2000-01-01"), None);
        // Built-in names and their expressions agree.
        for place in ["goma", "bukavu", "sake"] {
            assert_eq!(
                v(&format!("fall_day.{place}")),
                v(&format!("fall_day({place})"))
            );
            assert_eq!(
                v(&format!("fall_day_if.{place}")),
                v(&format!("fall_day_if({place})"))
            );
        }
        assert_eq!(v("1 / 0"), None);
        assert_eq!(v("2 + 3 * 4 - 6 / 3"), Some(12.0));
        assert_eq!(v("(1 < 2) + (2 <= 2) + (3 == 3) + (1 != 1)"), Some(3.0));
        assert_eq!(v("(not 0) + (not not 5) + (not 5)"), Some(2.0));
        let holder = v("holder(goma) @ day 11").expect("a holder");
        let m23 = t.factions.iter().position(|f| f.id == "m23").expect("m23") as f64;
        assert_eq!(
            v("holder(goma) @ day 11 == m23"),
            Some(if holder == m23 { 1.0 } else { 0.0 })
        );
        assert_eq!(
            v("holds(m23, goma) @ day 11"),
            v("holder(goma) @ day 11 == m23")
        );
    }

    /// A Goma record of three days, made once for the property test.
    fn short_record() -> &'static (RunRecord, Theatre, Politics) {
        static RECORD: std::sync::OnceLock<(RunRecord, Theatre, Politics)> =
            std::sync::OnceLock::new();
        RECORD.get_or_init(|| {
            let (loaded, t, p) = goma();
            let record = run_loaded(
                &loaded,
                RunOptions {
                    seed: 1,
                    days: Some(3.0),
                },
            )
            .expect("run");
            (record, t, p)
        })
    }

    const TOKENS: [&str; 40] = [
        "holder(",
        "holds(",
        "personnel(",
        "min(",
        "max(",
        "mean(",
        "first_day(",
        "last(",
        "fall_day(",
        "fall_day_if(",
        "instrument(",
        "pressure(",
        "resolve(",
        "stance(",
        "goma",
        "m23",
        "fardc",
        "rwanda",
        "us",
        "sanctions",
        "withdraw",
        "displaced",
        "rung",
        "ceasefire",
        ")",
        ",",
        "@ day 2",
        "@ 2025-01-21",
        "@ day 9",
        "+",
        "-",
        "*",
        "/",
        "==",
        "<",
        "and",
        "not",
        "0",
        "1.5",
        "(",
    ];

    proptest::proptest! {
        /// Issue 17: any sequence of the language's words either is refused with a located
        /// error or evaluates on a run; none panics.
        #[test]
        fn any_words_check_and_evaluate_without_panic(
            words in proptest::collection::vec(proptest::sample::select(TOKENS.to_vec()), 0..14)
        ) {
            let (record, t, p) = short_record();
            let text = words.join(" ");
            match MetricSpec::parse(&text, t, p) {
                Ok(spec) => {
                    let _ = spec.evaluate(record);
                }
                Err(e) => proptest::prop_assert!(e.to_string().starts_with("--metric")
                    || e.to_string().contains("unknown metric")),
            }
        }
    }
}
