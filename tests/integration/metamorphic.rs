//! Metamorphic tests on the Goma scenario (issue 13): a change whose direction history and
//! common sense agree on must move the outcome that way, in distribution, over paired runs with
//! common random numbers (run `k` of the base and of the variant share their seed).
//!
//! `metamorphic_relations_hold` checks every relation on a modest number of runs in CI;
//! [`effects_table`] gives the effect sizes of docs/CALIBRATION.md ("Metamorphic relations")
//! over more runs, which the `docs_tables` test keeps up to date.

use std::path::Path;

use strife::run::RunRecord;
use strife::run::ensemble::run_ensemble;
use strife::scenario::{Override, Stance, load_with_overrides};

use crate::common::repo;

/// What one run says about the relations.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    /// Day M23 first took Goma (∞ if it did not within the run).
    goma: f64,
    /// Day Rwanda first drew down or withdrew (∞ if it did not).
    rwanda_draws_down: f64,
    /// Places M23 and the RDF hold (outside their sanctuaries), averaged over the daily samples
    /// of the run: the area under the advance, which a slower advance makes smaller.
    places_held: f64,
}

fn outcome(record: &RunRecord) -> Outcome {
    let faction = |id: &str| {
        record
            .theatre
            .factions
            .iter()
            .position(|f| f.id == id)
            .unwrap_or_else(|| panic!("no faction {id}"))
    };
    let goma = record
        .theatre
        .places
        .iter()
        .position(|p| p.id == "goma")
        .expect("goma");
    let (m23, rdf) = (faction("m23"), faction("rdf"));
    let rwanda = record
        .politics
        .states
        .iter()
        .position(|s| s.name == "Rwanda")
        .expect("Rwanda");
    let goma_day = record
        .captures
        .iter()
        .find(|c| c.place == goma && c.by == m23)
        .map_or(f64::INFINITY, |c| c.hours / 24.0);
    let rwanda_draws_down = record
        .samples
        .iter()
        .find(|s| {
            s.stance
                .get(rwanda)
                .is_some_and(|st| !matches!(st, Stance::Hold | Stance::Reinforce))
        })
        .map_or(f64::INFINITY, |s| s.hours / 24.0);
    let held = |control: &[usize]| {
        control
            .iter()
            .enumerate()
            .filter(|&(p, &f)| (f == m23 || f == rdf) && !record.theatre.places[p].sanctuary)
            .count() as f64
    };
    let per_day = (24.0 / record.tick_hours).round().max(1.0) as usize;
    let daily: Vec<f64> = record
        .samples
        .iter()
        .step_by(per_day)
        .map(|s| held(&s.control))
        .collect();
    let places_held = daily.iter().sum::<f64>() / daily.len().max(1) as f64;
    Outcome {
        goma: goma_day,
        rwanda_draws_down,
        places_held,
    }
}

/// Run `runs` runs of the Goma scenario with `set` applied (`PATH=VALUE` each), seeds from
/// master 2025 as the CLI draws them.
fn outcomes(set: &[&str], runs: u64, days: f64) -> Vec<Outcome> {
    // A first entry `@whatif:NAME` runs the shipped what-if NAME (its removals, additions and
    // overrides) instead of the Goma scenario.
    let (path, set) = match set.split_first() {
        Some((first, rest)) if first.starts_with("@whatif:") => (
            repo(&format!(
                "scenarios/whatif/{}.ron",
                first.trim_start_matches("@whatif:")
            )),
            rest,
        ),
        _ => (repo("scenarios/goma_2025.ron"), set),
    };
    let overrides: Vec<Override> = set
        .iter()
        .map(|s| {
            s.parse::<Override>()
                .unwrap_or_else(|e| panic!("override {s}: {e}"))
        })
        .collect();
    let loaded = load_with_overrides(Path::new(&path), &overrides)
        .unwrap_or_else(|e| panic!("goma with {set:?}: {e}"));
    run_ensemble(
        &loaded,
        2025,
        0..runs,
        Some(days),
        |_, record| outcome(&record),
        || {},
    )
    .expect("runs")
}

/// The shipped what-if `name` (scenarios/whatif/NAME.ron), run whole: its removals and
/// additions as well as its overrides (issue 16).
fn whatif(name: &str) -> Vec<String> {
    vec![format!("@whatif:{name}")]
}

/// The FARDC units' morale raised by `by` (each unit's range shifted up).
fn fardc_morale_up() -> Vec<String> {
    [
        ("fardc_minova", 0.35, 0.55),
        ("fardc_sake", 0.4, 0.6),
        ("fardc_munigi", 0.35, 0.55),
        ("fardc_goma", 0.35, 0.55),
        ("fardc_reserve", 0.4, 0.6),
        ("fardc_airport", 0.4, 0.6),
    ]
    .iter()
    .map(|(unit, lo, hi)| {
        format!(
            "units.{unit}.morale=Uniform(min: {:.2}, max: {:.2})",
            lo + 0.25,
            hi + 0.25
        )
    })
    .collect()
}

/// The paired differences `variant − base` of a measure, infinities compared as such: a pair
/// where both are ∞ counts as no change, one ∞ as ±∞.
fn paired(base: &[Outcome], variant: &[Outcome], measure: impl Fn(&Outcome) -> f64) -> Vec<f64> {
    base.iter()
        .zip(variant)
        .map(|(b, v)| {
            let (b, v) = (measure(b), measure(v));
            if b == v { 0.0 } else { v - b }
        })
        .collect()
}

/// Median of values (infinities included, nearest rank).
fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v[(v.len() - 1) / 2]
}

fn share(values: &[f64], test: impl Fn(f64) -> bool) -> f64 {
    values.iter().filter(|&&x| test(x)).count() as f64 / values.len() as f64
}

/// One relation, measured: the paired median change and the shares of pairs that moved each way.
struct Effect {
    name: &'static str,
    median: f64,
    later: f64,
    earlier: f64,
    base_happens: f64,
    variant_happens: f64,
}

impl std::fmt::Display for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "| {} | {:+.2} | {:.0}% | {:.0}% | {:.0}% → {:.0}% |",
            self.name,
            self.median,
            100.0 * self.earlier,
            100.0 * self.later,
            100.0 * self.base_happens,
            100.0 * self.variant_happens
        )
    }
}

fn effect(
    name: &'static str,
    base: &[Outcome],
    variant: &[Outcome],
    measure: impl Fn(&Outcome) -> f64 + Copy,
) -> Effect {
    let d = paired(base, variant, measure);
    let happens = |o: &[Outcome]| share(&o.iter().map(measure).collect::<Vec<_>>(), f64::is_finite);
    Effect {
        name,
        median: median(&d),
        later: share(&d, |x| x > 0.0),
        earlier: share(&d, |x| x < 0.0),
        base_happens: happens(base),
        variant_happens: happens(variant),
    }
}

/// Every relation over `runs` paired runs; returns the effects and the failures in words.
fn relations(runs: u64) -> (Vec<Effect>, Vec<String>) {
    let base30 = outcomes(&[], runs, 30.0);
    let base60 = outcomes(&[], runs, 60.0);
    let with = |set: Vec<String>, days: f64| {
        outcomes(
            &set.iter().map(String::as_str).collect::<Vec<_>>(),
            runs,
            days,
        )
    };
    let goma = |o: &Outcome| o.goma;
    let held = |o: &Outcome| -o.places_held;
    let drawdown = |o: &Outcome| o.rwanda_draws_down;
    let mut effects = Vec::new();
    let mut failed = Vec::new();

    // More RDF: Goma falls no later (a tolerance of a few hours for the noise of a paired run).
    let surge = effect(
        "more RDF (`rdf_surge`): Goma's fall, days (30-day runs)",
        &base30,
        &with(whatif("rdf_surge"), 30.0),
        goma,
    );
    if surge.median > 0.25 || surge.variant_happens < surge.base_happens {
        failed.push(format!("more RDF delays Goma's fall: {surge}"));
    }
    effects.push(surge);

    // No RDF: Goma falls later, or not at all within 30 days.
    let none = effect(
        "no RDF (`no_rdf`): Goma's fall, days (30-day runs)",
        &base30,
        &with(whatif("no_rdf"), 30.0),
        goma,
    );
    if !(none.median > 0.0 || none.variant_happens < none.base_happens) || none.earlier > 0.1 {
        failed.push(format!("without the RDF Goma does not fall later: {none}"));
    }
    effects.push(none);

    // Earlier sanctions: Rwanda draws down or withdraws no later and no less often.
    let sanctions = effect(
        "sanctions on day 10 (`early_sanctions`): Rwanda's first drawdown or withdrawal, days (60-day runs)",
        &base60,
        &with(whatif("early_sanctions"), 60.0),
        drawdown,
    );
    if sanctions.median > 0.0 || sanctions.variant_happens < sanctions.base_happens {
        failed.push(format!(
            "earlier sanctions delay Rwanda's drawdown: {sanctions}"
        ));
    }
    effects.push(sanctions);

    // The border closed to M23's supply: the advance is slower (fewer places held on average
    // over the 60 days, counted negatively so that "later" is "fewer").
    let border = effect(
        "border closed to M23 (`border_closed`): places M23/RDF hold, mean over 60 days (negated)",
        &base60,
        &with(whatif("border_closed"), 60.0),
        held,
    );
    if border.median < 0.0 || border.earlier >= border.later {
        failed.push(format!(
            "closing the border does not slow the advance: {border}"
        ));
    }
    effects.push(border);

    // Higher FARDC morale: Goma holds longer.
    let morale = effect(
        "FARDC morale +0.25 (every FARDC unit near Goma): Goma's fall, days (30-day runs)",
        &base30,
        &with(fardc_morale_up(), 30.0),
        goma,
    );
    if morale.median < 0.0 || morale.earlier > morale.later {
        failed.push(format!(
            "higher FARDC morale does not make Goma hold longer: {morale}"
        ));
    }
    effects.push(morale);
    (effects, failed)
}

/// Issue 13: each metamorphic relation holds over 40 paired runs.
#[test]
fn metamorphic_relations_hold() {
    let (effects, failed) = relations(40);
    assert!(
        failed.is_empty(),
        "relations that do not hold:\n{}\n\nall effects:\n{}",
        failed.join("\n"),
        effects
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The effect sizes of docs/CALIBRATION.md ("Metamorphic relations") over `runs` paired runs,
/// as a table; `docs_tables` keeps the page's copy up to date. A relation that does not hold
/// adds a row saying so.
pub(crate) fn effects_table(runs: u64) -> Vec<String> {
    let (effects, failed) = relations(runs);
    let mut out = vec![
        "| relation (what-if) | measure | paired median change | pairs lower | pairs higher | happens (base → variant) |".to_owned(),
        "|---|---|---|---|---|---|".to_owned(),
    ];
    for e in &effects {
        let (relation, measure) = e.name.split_once(": ").unwrap_or((e.name, ""));
        let median = if e.median == f64::INFINITY {
            "later, or not at all in the variant".to_owned()
        } else if e.median == f64::NEG_INFINITY {
            "earlier, or only in the variant".to_owned()
        } else {
            format!("{:+.2}", e.median).replace('-', "−")
        };
        out.push(format!(
            "| {relation} | {measure} | {median} | {:.0}% | {:.0}% | {:.0}% → {:.0}% |",
            100.0 * e.earlier,
            100.0 * e.later,
            100.0 * e.base_happens,
            100.0 * e.variant_happens
        ));
    }
    for f in failed {
        out.push(format!("| **does not hold** | {f} | | | | |"));
    }
    out
}
