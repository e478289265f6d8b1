//! `report.html`: one self-contained page per result (a run, an ensemble, a comparison, a
//! sweep) that a person can open, share and trust. It opens with the key outcomes in words,
//! then every plot (inline SVG) with a caption, the tables that matter, and the manifest that
//! reproduces the result. No script, no network, no timestamp: the same result gives the same
//! bytes.

pub mod html;

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::output::compare::{comparison_summary, comparison_text};
use crate::output::ensemble::{date as ensemble_date, ensemble_summary};
use crate::output::summary::{Manifest, peacekeepers_in_words, run_summary};
use crate::output::sweep::point_value;
use crate::output::tables::CASUALTY_COLUMNS;
use crate::run::RunRecord;
use crate::run::ensemble::EnsembleRecord;
use crate::run::stats::Distribution;
use crate::run::sweep::SweepRecord;
use crate::scenario::PlaceKind;
use crate::sim::resources::Theatre;
pub use html::{escape, percent, thousands};
use html::{figures, header, list, manifest, page, paragraph, section, table};

/// Share of runs in which a place that is neither a city nor key must change hands to be
/// named among the key outcomes of an ensemble.
const NOTABLE_SHARE: f64 = 0.05;
/// Most places named among the key outcomes of an ensemble.
const MAX_NAMED_PLACES: usize = 8;

/// The sections every report has, for its navigation bar.
const SECTIONS: [(&str, &str); 4] = [
    ("outcomes", "Key outcomes"),
    ("plots", "Plots"),
    ("tables", "Tables"),
    ("manifest", "Reproduce"),
];

/// The report of one run: `files` are the run's other outputs (its SVG plots are embedded).
pub fn run_report(
    record: &RunRecord,
    description: &str,
    m: &Manifest,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<u8>> {
    let t = &record.theatre;
    let s = run_summary(record);
    let faction = |id: &str| faction_name(t, id);
    let place = |id: &str| place_name(t, id);
    let end_hours = record.samples.last().map_or(0.0, |x| x.hours);
    let when = |hours: f64| {
        format!(
            "{} (day {:.1})",
            record.datetime(hours).format("%-d %b %Y %H:%M"),
            RunRecord::day(hours)
        )
    };

    let mut outcomes = Vec::new();
    let important: Vec<_> = record
        .captures
        .iter()
        .filter(|c| is_important(t, c.place))
        .collect();
    for c in &important {
        outcomes.push(format!(
            "{}: taken by {} from {} on {}.",
            t.places[c.place].name,
            t.factions[c.by].name,
            t.factions[c.from].name,
            when(c.hours)
        ));
    }
    let others = record.captures.len() - important.len();
    if record.captures.is_empty() {
        outcomes.push("No place changed hands.".to_owned());
    } else if others > 0 {
        outcomes.push(format!(
            "{others} more change(s) of hands of smaller places (table below)."
        ));
    }
    let mut held: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (p, &f) in record.final_control().iter().enumerate() {
        held.entry(f).or_default().push(t.places[p].name.as_str());
    }
    let holdings: Vec<String> = held
        .iter()
        .map(|(&f, places)| {
            let name = t.factions.get(f).map_or("?", |x| x.name.as_str());
            format!("{name} {} ({})", places.len(), places.join(", "))
        })
        .collect();
    outcomes.push(format!(
        "Held at the end, {}: {}.",
        record.datetime(end_hours).format("%-d %b %Y"),
        holdings.join("; ")
    ));
    let mut killed: Vec<(String, u32)> = s
        .casualties
        .iter()
        .filter(|l| l.killed > 0)
        .map(|l| (faction(&l.faction), l.killed))
        .collect();
    killed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if !killed.is_empty() {
        let parts: Vec<String> = killed
            .iter()
            .map(|(name, k)| format!("{name} {}", thousands(f64::from(*k))))
            .collect();
        outcomes.push(format!("Killed: {}.", parts.join(", ")));
    }
    if s.peacekeepers_killed.total > 0 {
        outcomes.push(format!(
            "Peacekeepers killed: {} ({}).",
            s.peacekeepers_killed.total,
            peacekeepers_in_words(t, &s.peacekeepers_killed).join(", ")
        ));
    }
    let c = &s.civilians;
    outcomes.push(format!(
        "Civilians: {} newly displaced; at most {} displaced at once (day {:.1}); {} dead \
         ({} killed by fire, {} of hardship in camps, in flight or after a capture); {} wounded.",
        thousands(c.newly_displaced),
        thousands(c.peak_displaced),
        c.peak_displaced_day,
        thousands(c.deaths),
        thousands(c.killed),
        thousands(c.died_of_hardship),
        thousands(c.wounded)
    ));
    outcomes.push(format!(
        "Soldiers: {} killed, {} wounded.",
        thousands(f64::from(s.military.killed)),
        thousands(f64::from(s.military.wounded))
    ));
    if let Some(r) = &s.highest_rung {
        outcomes.push(format!(
            "Highest escalation rung: {} ({} of {}), first reached {} (day {:.1}).",
            r.name,
            r.rung,
            record.politics.rungs.len(),
            r.date,
            r.day
        ));
    }
    for w in &s.withdrawals {
        outcomes.push(format!(
            "{} pulled out {} on {} (day {:.1}).",
            w.state, w.what, w.date, w.day
        ));
    }
    outcomes.push(format!("The run ended: {}.", s.end.text));

    let mut tables = String::new();
    tables.push_str("<h3>Changes of hands</h3>\n");
    let capture_rows: Vec<Vec<String>> = s
        .captures
        .iter()
        .map(|c| {
            vec![
                c.datetime.clone(),
                format!("{:.1}", c.day),
                place(&c.place),
                faction(&c.from),
                faction(&c.by),
            ]
        })
        .collect();
    tables.push_str(&or_none(
        table(
            &["date and time", "day", "place", "from", "to"],
            &capture_rows,
            &[1],
        ),
        capture_rows.is_empty(),
        "No place changed hands.",
    ));
    tables.push_str("<h3>Losses by faction and contingent (persons)</h3>\n");
    let loss_rows: Vec<Vec<String>> = s
        .casualties_by_contingent
        .iter()
        .map(|l| {
            let mut row = vec![
                faction(&l.faction),
                l.contingent.clone().unwrap_or_default(),
            ];
            row.extend(
                [
                    l.committed,
                    l.killed,
                    l.wounded,
                    l.captured,
                    l.deserted,
                    l.remaining,
                ]
                .map(|x| thousands(f64::from(x))),
            );
            row
        })
        .collect();
    tables.push_str(&table(&CASUALTY_COLUMNS, &loss_rows, &[2, 3, 4, 5, 6, 7]));
    tables.push_str("<h3>Killed and wounded by place (persons)</h3>\n");
    let place_rows: Vec<Vec<String>> = s
        .casualties_by_place
        .iter()
        .map(|c| {
            vec![
                place(&c.place),
                thousands(c.civilians_killed),
                thousands(c.civilians_wounded),
                thousands(c.civilians_died_of_hardship),
                thousands(f64::from(c.military_killed)),
                thousands(f64::from(c.military_wounded)),
            ]
        })
        .collect();
    tables.push_str(&or_none(
        table(
            &[
                "place",
                "civilians killed",
                "civilians wounded",
                "civilians dead of hardship",
                "soldiers killed",
                "soldiers wounded",
            ],
            &place_rows,
            &[1, 2, 3, 4, 5],
        ),
        place_rows.is_empty(),
        "Nobody was killed or wounded.",
    ));
    if !s.events.is_empty() {
        tables.push_str("<h3>Scenario events that happened</h3>\n");
        let rows: Vec<Vec<String>> = s
            .events
            .iter()
            .map(|e| {
                let text = record
                    .politics
                    .events
                    .iter()
                    .find(|x| x.id == e.what)
                    .map_or(e.what.clone(), |x| x.text.clone());
                vec![e.date.clone(), format!("{:.1}", e.day), text]
            })
            .collect();
        tables.push_str(&table(&["date", "day", "event"], &rows, &[1]));
    }
    if !s.instruments.is_empty() {
        tables.push_str("<h3>Diplomatic instruments used</h3>\n");
        let rows: Vec<Vec<String>> = s
            .instruments
            .iter()
            .map(|i| {
                vec![
                    i.date.clone(),
                    format!("{:.1}", i.day),
                    i.actor.clone(),
                    i.instrument.clone(),
                    i.target.clone(),
                ]
            })
            .collect();
        tables.push_str(&table(
            &["date", "day", "actor", "instrument", "target"],
            &rows,
            &[1],
        ));
    }
    tables.push_str(&inputs_table(
        &s.inputs
            .iter()
            .map(|d| vec![d.path.to_string(), drawn(d.value)])
            .collect::<Vec<_>>(),
        &["uncertain input", "value drawn"],
    ));

    let context = format!(
        "One run, seed {} · {} to {} · {} factions, {} places",
        record.seed,
        record.datetime(0.0).format("%-d %b %Y"),
        record.datetime(end_hours).format("%-d %b %Y"),
        t.factions.len(),
        t.places.len()
    );
    Ok(assemble(
        &record.scenario_name,
        &context,
        description,
        &list("outcomes", &outcomes),
        files,
        &tables,
        m,
    ))
}

/// The report of an ensemble of runs.
pub fn ensemble_report(
    e: &EnsembleRecord,
    description: &str,
    m: &Manifest,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<u8>> {
    let n = e.runs.len();
    let context = format!(
        "{} runs, master seed {} · from {} · {} days each",
        thousands(n as f64),
        e.master_seed,
        e.start_date.format("%-d %b %Y"),
        e.days
    );
    let tables = ensemble_tables(e);
    Ok(assemble(
        &e.scenario_name,
        &context,
        description,
        &list("outcomes", &ensemble_outcomes(e)),
        files,
        &tables,
        m,
    ))
}

/// The key outcomes of an ensemble in words: the important places, then the totals.
fn ensemble_outcomes(e: &EnsembleRecord) -> Vec<String> {
    let s = ensemble_summary(e);
    let t = &e.theatre;
    let n = e.runs.len();
    let runs = format!("{} runs", thousands(n as f64));
    let mut named: Vec<usize> = (0..t.places.len())
        .filter(|&p| {
            let share = s.places[p].changed_hands.p;
            share > 0.0 && (is_important(t, p) || share >= NOTABLE_SHARE)
        })
        .collect();
    named.sort_by(|&a, &b| {
        let (pa, pb) = (&s.places[a], &s.places[b]);
        is_important(t, b)
            .cmp(&is_important(t, a))
            .then(pb.changed_hands.p.total_cmp(&pa.changed_hands.p))
            .then(a.cmp(&b))
    });
    let mut out = Vec::new();
    for &p in named.iter().take(MAX_NAMED_PLACES) {
        let o = &s.places[p];
        let mut line = format!("{}: ", t.places[p].name);
        if let Some((id, share)) = o.holder_end.first() {
            line.push_str(&format!(
                "held by {} at the end in {} of {runs}; ",
                faction_name(t, id),
                percent(*share)
            ));
        }
        line.push_str(&format!(
            "changed hands in {} (90% CI {}–{})",
            percent(o.changed_hands.p),
            percent(o.changed_hands.low),
            percent(o.changed_hands.high)
        ));
        if let Some(d) = &o.fall_day {
            line.push_str(&format!(
                ", first on {} (day {:.1}) in the median run; 90% of falls between {} and {}",
                ensemble_date(e, d.median),
                d.median,
                ensemble_date(e, d.q05),
                ensemble_date(e, d.q95)
            ));
        }
        line.push('.');
        out.push(line);
    }
    if named.len() > MAX_NAMED_PLACES {
        out.push(format!(
            "{} more places changed hands in some runs (table below).",
            named.len() - MAX_NAMED_PLACES
        ));
    }
    let held: Vec<&str> = (0..t.places.len())
        .filter(|&p| is_important(t, p) && s.places[p].changed_hands.p == 0.0)
        .map(|p| t.places[p].name.as_str())
        .collect();
    if !held.is_empty() {
        out.push(format!(
            "Never changed hands in any of the {runs}: {}.",
            held.join(", ")
        ));
    }
    let total = |name: &str, d: &Option<Distribution>| {
        d.as_ref().map(|d| {
            format!(
                "{name}: median {}; 90% of runs between {} and {}.",
                thousands(d.median),
                thousands(d.q05),
                thousands(d.q95)
            )
        })
    };
    if e.theatre.has_peacekeepers() {
        out.extend(total("Peacekeepers killed", &s.peacekeepers_killed));
    }
    out.extend(total("People newly displaced", &s.newly_displaced));
    out.extend(total("Civilians dead", &s.civilian_deaths));
    out.extend(total("Civilians wounded", &s.civilian_wounded));
    out.extend(total("Soldiers killed", &s.military_killed));
    out.extend(total("Soldiers wounded", &s.military_wounded));
    // Only what applies: withdrawals where there are states, ceasefires where someone
    // mediates.
    // Each state apart: a contributor's contingents stopping is not its sponsor's drawdown.
    for (state, p) in &s.withdrawal_by_state {
        out.push(format!(
            "{state} pulls forces back (its contingents stop fighting, or it draws down or \
             withdraws) in {} of runs.",
            percent(p.p)
        ));
    }
    if e.politics.actors.iter().any(|a| a.mediation.is_some()) {
        out.push(format!(
            "A ceasefire is accepted in {} of runs.",
            percent(s.ceasefire.p)
        ));
    }
    if let Some((_, name, share)) = s
        .highest_rung
        .iter()
        .max_by(|a, b| a.2.total_cmp(&b.2).then(b.0.cmp(&a.0)))
    {
        out.push(format!(
            "Highest escalation rung most often reached: {name} ({} of runs).",
            percent(*share)
        ));
    }
    out
}

/// The tables of an ensemble: every place, the totals, the uncertain inputs.
fn ensemble_tables(e: &EnsembleRecord) -> String {
    let s = ensemble_summary(e);
    let t = &e.theatre;
    let mut out = String::from("<h3>Places</h3>\n");
    let rows: Vec<Vec<String>> = s
        .places
        .iter()
        .enumerate()
        .map(|(p, o)| {
            let (median, range) = o.fall_day.as_ref().map_or_else(
                || ("–".to_owned(), "–".to_owned()),
                |d| {
                    (
                        format!("{} (day {:.1})", ensemble_date(e, d.median), d.median),
                        format!("{} – {}", ensemble_date(e, d.q05), ensemble_date(e, d.q95)),
                    )
                },
            );
            let holder = o.holder_end.first().map_or("–".to_owned(), |(id, share)| {
                format!("{} ({})", faction_name(t, id), percent(*share))
            });
            vec![
                t.places[p].name.clone(),
                percent(o.changed_hands.p),
                format!(
                    "{}–{}",
                    percent(o.changed_hands.low),
                    percent(o.changed_hands.high)
                ),
                median,
                range,
                holder,
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "place",
            "changed hands",
            "90% CI",
            "median first change",
            "90% of first changes",
            "most likely holder at the end",
        ],
        &rows,
        &[1],
    ));
    out.push_str("<h3>Totals over the runs</h3>\n");
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut push = |name: String, d: &Option<Distribution>| {
        if let Some(d) = d {
            rows.push(vec![
                name,
                thousands(d.median),
                thousands(d.mean),
                format!("{} – {}", thousands(d.q05), thousands(d.q95)),
            ]);
        }
    };
    push("peacekeepers killed".into(), &s.peacekeepers_killed);
    push("people newly displaced".into(), &s.newly_displaced);
    push("most people displaced at once".into(), &s.peak_displaced);
    push("civilians dead".into(), &s.civilian_deaths);
    push("of them killed by fire".into(), &s.civilian_killed);
    push("civilians wounded".into(), &s.civilian_wounded);
    push("soldiers killed".into(), &s.military_killed);
    push("soldiers wounded".into(), &s.military_wounded);
    for k in &s.killed {
        push(
            format!("{} killed", faction_name(t, &k.faction)),
            &k.distribution,
        );
    }
    out.push_str(&table(
        &["quantity (persons)", "median", "mean", "90% of runs"],
        &rows,
        &[1, 2],
    ));
    let inputs: Vec<Vec<String>> = s
        .inputs
        .iter()
        .filter_map(|(path, d)| {
            d.as_ref().map(|d| {
                vec![
                    path.clone(),
                    drawn(d.median),
                    format!("{} – {}", drawn(d.q05), drawn(d.q95)),
                ]
            })
        })
        .collect();
    out.push_str(&inputs_table(
        &inputs,
        &["uncertain input", "median drawn", "90% of draws"],
    ));
    out
}

/// The report of a comparison: the scenarios side by side, then the paired differences.
pub fn compare_report(
    labels: &[String],
    ensembles: &[EnsembleRecord],
    stat: crate::run::statistic::Stat,
    descriptions: &[String],
    m: &Manifest,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<u8>> {
    let Some(base) = ensembles.first() else {
        return Ok(page("Comparison", &paragraph("Nothing to compare.")).into_bytes());
    };
    let n = base.runs.len();
    let title = format!(
        "Comparison: {}",
        ensembles
            .iter()
            .map(|e| e.scenario_name.as_str())
            .collect::<Vec<_>>()
            .join(" vs ")
    );
    let context = format!(
        "{} scenarios, {} runs each with common random numbers (run k of every scenario has the \
         same seed; master seed {}) · baseline: {}",
        ensembles.len(),
        thousands(n as f64),
        base.master_seed,
        labels.first().map_or("", String::as_str)
    );
    // Side by side: a card per scenario with its own key outcomes.
    let mut outcomes = String::from("<div class=\"side-by-side\">\n");
    for (i, (label, e)) in labels.iter().zip(ensembles).enumerate() {
        let role = if i == 0 { " (baseline)" } else { "" };
        outcomes.push_str(&format!(
            "<div class=\"card\">\n<h3>{}{role}</h3>\n<p class=\"muted\"><code>{}</code></p>\n",
            escape(&e.scenario_name),
            escape(label)
        ));
        if let Some(d) = descriptions.get(i).filter(|d| !d.trim().is_empty()) {
            outcomes.push_str(&paragraph(d.trim()));
        }
        let mut lines = ensemble_outcomes(e);
        lines.truncate(7);
        outcomes.push_str(&list("outcomes", &lines));
        outcomes.push_str("</div>\n");
    }
    outcomes.push_str("</div>\n");
    // The differences in words, as `strife compare` prints them: a heading line per scenario
    // (not indented), then its lines.
    let text = comparison_text(labels, ensembles, stat);
    let mut group: Vec<String> = Vec::new();
    let flush = |heading: Option<&str>, group: &mut Vec<String>, out: &mut String| {
        if let Some(h) = heading {
            out.push_str(&format!(
                "<h3>{}</h3>\n",
                escape(&format!("How {}", h.trim_end_matches(':')))
            ));
            if group.is_empty() {
                out.push_str(&paragraph("No difference worth reporting."));
            } else {
                out.push_str(&list("outcomes", group));
            }
        }
        group.clear();
    };
    let mut heading: Option<String> = None;
    for line in text.lines().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with(' ') {
            group.push(line.trim().to_owned());
        } else {
            flush(heading.as_deref(), &mut group, &mut outcomes);
            heading = Some(format!(
                "{} differs from the baseline",
                line.trim_end_matches(':')
            ));
        }
    }
    flush(heading.as_deref(), &mut group, &mut outcomes);

    let mut tables = String::from("<h3>Side by side</h3>\n");
    let summary = comparison_summary(labels, ensembles, stat);
    let mut headers: Vec<&str> = vec!["outcome"];
    headers.extend(labels.iter().map(String::as_str));
    let mut rows: Vec<Vec<String>> = Vec::new();
    let t = &base.theatre;
    if let Some(first) = summary.scenarios.first() {
        for (k, (place, _)) in first.changed_hands.iter().enumerate() {
            let mut row = vec![format!("{} changes hands", place_name(t, place))];
            for (sc, e) in summary.scenarios.iter().zip(ensembles) {
                let p = sc.changed_hands.get(k).map_or(0.0, |x| x.1.p);
                let index = t.places.iter().position(|x| &x.id == place);
                let median = index
                    .and_then(|i| {
                        let mut days: Vec<f64> = e
                            .runs
                            .iter()
                            .filter_map(|r| r.first_capture_day.get(i).copied().flatten())
                            .collect();
                        days.sort_by(f64::total_cmp);
                        crate::run::stats::quantile_sorted(&days, 0.5)
                    })
                    .map_or(String::new(), |d| {
                        format!(", median {}", ensemble_date(e, d))
                    });
                row.push(format!("{}{median}", percent(p)));
            }
            rows.push(row);
        }
    }
    let medians: [(&str, fn(&crate::run::ensemble::RunDigest) -> f64); 3] = [
        ("peacekeepers killed (median)", |r| {
            f64::from(r.peacekeepers_killed)
        }),
        ("people newly displaced (median)", |r| r.newly_displaced),
        ("civilians killed (median)", |r| r.civilian_deaths),
    ];
    for (name, f) in medians {
        let mut row = vec![name.to_owned()];
        for e in ensembles {
            let mut values: Vec<f64> = e.runs.iter().map(f).collect();
            values.sort_by(f64::total_cmp);
            row.push(
                crate::run::stats::quantile_sorted(&values, 0.5).map_or("–".into(), thousands),
            );
        }
        rows.push(row);
    }
    let numeric: Vec<usize> = (1..=labels.len()).collect();
    tables.push_str(&table(&headers, &rows, &numeric));
    tables.push_str(if stat.level().is_some() {
        "<h3>Differences of the quantiles from the baseline</h3>\n"
    } else {
        "<h3>Paired differences from the baseline</h3>\n"
    });
    let rows: Vec<Vec<String>> = summary
        .differences
        .iter()
        .map(|d| {
            vec![
                d.metric.clone(),
                d.scenario.clone(),
                d.stat.name().to_owned(),
                format!("{} ({:.0}%)", d.pairs, 100.0 * d.share),
                format!("{:.3}", d.baseline),
                format!("{:.3}", d.value),
                format!("{:+.3}", d.difference),
                if d.ci[0].is_finite() && d.ci[1].is_finite() {
                    format!("{:+.3} to {:+.3}", d.ci[0], d.ci[1])
                } else {
                    "–".to_owned()
                },
            ]
        })
        .collect();
    tables.push_str(&table(
        &[
            "metric",
            "scenario",
            "statistic",
            "pairs (share of runs)",
            "baseline",
            "scenario",
            "difference",
            "90% CI",
        ],
        &rows,
        &[3, 4, 5, 6],
    ));
    Ok(assemble(&title, &context, "", &outcomes, files, &tables, m))
}

/// The report of a sweep.
pub fn sweep_report(
    s: &SweepRecord,
    description: &str,
    m: &Manifest,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<u8>> {
    let axes: Vec<&str> = s.axes.iter().map(|a| a.path.as_str()).collect();
    let context = format!(
        "Sweep of the {} of {} by {} · {} points, {} runs per point (the same seeds at every point; \
         master seed {})",
        s.stat.words(),
        s.metric,
        axes.join(" and "),
        s.points.len(),
        thousands(s.runs as f64),
        s.master_seed
    );
    let lines: Vec<String> = s
        .points
        .iter()
        .map(|p| {
            let at: Vec<String> = s
                .axes
                .iter()
                .zip(&p.values)
                .map(|(a, v)| format!("{} = {v}", a.path))
                .collect();
            let value = point_value(s, p);
            format!("{}: {} is {value}", at.join(", "), s.metric)
        })
        .collect();
    let mut headers: Vec<&str> = axes.clone();
    headers.extend([
        "runs with a value",
        "mean",
        "90% CI of the mean",
        "median",
        "90% of runs",
    ]);
    let fmt = |x: f64| {
        if !x.is_finite() {
            "–".to_owned()
        } else if s.probability {
            percent(x)
        } else {
            format!("{x:.2}")
        }
    };
    let rows: Vec<Vec<String>> = s
        .points
        .iter()
        .map(|p| {
            let mut row = p.values.clone();
            let [median, q05, q95] = p.quantiles.unwrap_or([f64::NAN; 3]);
            row.extend([
                p.n.to_string(),
                fmt(p.mean),
                format!("{} – {}", fmt(p.ci[0]), fmt(p.ci[1])),
                fmt(median),
                format!("{} – {}", fmt(q05), fmt(q95)),
            ]);
            row
        })
        .collect();
    let numeric: Vec<usize> = (axes.len()..axes.len() + 4).collect();
    let tables = table(&headers, &rows, &numeric);
    Ok(assemble(
        &format!("{} — sweep of {}", s.scenario_name, s.metric),
        &context,
        description,
        &list("outcomes", &lines),
        files,
        &tables,
        m,
    ))
}

/// The report of an analysis (`sensitivity`, `hindcast`): its findings in words (one per
/// line of `summary_text`), its plots, its main table (`csv`, shown whole) and the manifest.
pub fn analysis_report(
    title: &str,
    context: &str,
    description: &str,
    summary_text: &str,
    csv: &[u8],
    files: &[(String, Vec<u8>)],
    m: &Manifest,
) -> Result<Vec<u8>> {
    let lines: Vec<String> = summary_text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let mut reader = csv::Reader::from_reader(csv);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::Internal(format!("reading back a table for the report: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.map(|r| r.iter().map(str::to_owned).collect()))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::Internal(format!("reading back a table for the report: {e}")))?;
    let numeric: Vec<usize> = (0..headers.len())
        .filter(|&c| {
            rows.iter().all(|r| {
                r.get(c)
                    .is_some_and(|v| v.is_empty() || v.parse::<f64>().is_ok())
            })
        })
        .collect();
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let tables = table(&header_refs, &rows, &numeric);
    Ok(assemble(
        title,
        context,
        description,
        &list("outcomes", &lines),
        files,
        &tables,
        m,
    ))
}

/// The whole page: header, key outcomes, plots, tables, manifest.
fn assemble(
    title: &str,
    context: &str,
    description: &str,
    outcomes: &str,
    files: &[(String, Vec<u8>)],
    tables: &str,
    m: &Manifest,
) -> Vec<u8> {
    let mut body = header(title, context, description, &SECTIONS);
    body.push_str(&section("outcomes", "Key outcomes", outcomes));
    body.push_str(&section("plots", "Plots", &figures(files, caption)));
    body.push_str(&section("tables", "Tables", tables));
    body.push_str(&section("manifest", "Reproduce", &manifest(m)));
    page(title, &body).into_bytes()
}

/// A drawn input's value as a reader wants it: whole numbers from 100 up (personnel, people,
/// tonnes) with thousands separators, three significant figures below (morale 0.457, firepower
/// 1.83, resolve 12.4), never the 16 digits of a float.
fn drawn(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_owned();
    }
    if v.abs() >= 100.0 {
        return thousands(v);
    }
    if v == 0.0 {
        return "0".to_owned();
    }
    let decimals = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A table of uncertain inputs, or a sentence saying there are none.
fn inputs_table(rows: &[Vec<String>], headers: &[&str]) -> String {
    let mut out = String::from("<h3>Uncertain inputs</h3>\n");
    out.push_str(&or_none(
        table(headers, rows, &[1]),
        rows.is_empty(),
        "The scenario has no uncertain inputs: every number is fixed.",
    ));
    out
}

/// `html`, or a paragraph saying `none` when `empty`.
fn or_none(html: String, empty: bool, none: &str) -> String {
    if empty { paragraph(none) } else { html }
}

/// A caption for the figure `stem`: a heading and what it shows.
fn caption(stem: &str) -> (String, String) {
    let (heading, text) = match stem {
        "forces" => (
            "Personnel",
            "Soldiers of each faction over calendar time (persons).",
        ),
        "control" => (
            "Control",
            "Which faction held each place over time; a dark strip along the top of a bar marks the stretches during which the place was fought over.",
        ),
        "casualties" => (
            "Casualties",
            "Cumulative losses of each faction (killed, wounded, captured, deserted), persons.",
        ),
        "supply" => (
            "Supply",
            "Days of supply held by each faction: the mean over its units, weighted by their personnel, while it has any in the theatre.",
        ),
        "escalation" => (
            "Pressure and escalation",
            "Pressure on each state (pressure units) and the escalation rung over time.",
        ),
        "displacement" => (
            "Civilians",
            "People displaced (sheltering away from home) and civilians killed, persons.",
        ),
        "peacekeepers" => (
            "Peacekeepers killed",
            "Peacekeepers killed, by mission and contingent (nationality).",
        ),
        "map" => (
            "Theatre map",
            "Places at their coordinates, coloured by holder, at the start, at each city's fall and \
             at the end; routes by kind, cut routes marked with a cross; lakes and borders where the \
             scenario outlines them. Scale bar in km; north is up.",
        ),
        "fan_forces" => (
            "Personnel across the runs",
            "Each faction's personnel: the median run's line, the middle 50% and 90% of runs shaded.",
        ),
        "fan_displacement" => (
            "Displacement and pressure across the runs",
            "People displaced and the pressure on each state: median, middle 50% and 90% of runs.",
        ),
        "capture_probability" => (
            "Chance of changing hands by date",
            "The share of runs in which each place has changed hands by each date, with its 90% \
             Wilson interval.",
        ),
        "map_probability" => (
            "Theatre map of the ensemble",
            "Left: the faction most likely to hold each place at the end (routes between places \
             likely held by different sides marked as cut). Right: the share of runs in which each \
             place changed hands at least once. Scale bar in km; north is up.",
        ),
        "compare_capture" => (
            "Chance of changing hands, by scenario",
            "For each important place, the share of runs in which it has changed hands by each \
             date: one curve per scenario, in the same colour in every comparison plot.",
        ),
        "compare_fans" => (
            "Displacement and personnel, by scenario",
            "People displaced and the personnel of the two largest sides: the median and the \
             middle 50% of runs of each scenario.",
        ),
        "compare_differences" => (
            "Differences from the baseline",
            "The mean paired difference (scenario − baseline) of each headline outcome with its \
             90% confidence interval; run k of every scenario has the same seed.",
        ),
        "sweep" => (
            "The sweep",
            "The metric's mean at every point of the grid: a line with its 90% interval and the \
             middle 90% of runs for one axis, a heatmap with a colour bar for two.",
        ),
        "tornado" => (
            "Which inputs move the metric",
            "Each input's effect on the metric, largest first: Morris μ* (mean absolute \
             elementary effect) with σ, or Sobol' total and first-order indices, with 90% \
             bootstrap intervals.",
        ),
        "indices" => (
            "Sensitivity indices",
            "The indices of every input with their 90% bootstrap intervals as error bars.",
        ),
        "hindcast" => (
            "Predicted and observed",
            "For each observation, the model's distribution over the ensemble (runs where it \
             never happened are censored at the day limit) with the observed value marked.",
        ),
        "calibration_inputs" => (
            "Prior and posterior",
            "For each fitted input, its prior (generation 0, grey) and its posterior (the last \
             generation, weighted, blue), with the posterior median dashed.",
        ),
        "calibration_pairs" => (
            "The posterior in pairs",
            "Particles of the posterior for pairs of the inputs it narrowed most, each dot sized \
             by its weight: a slanted cloud is a correlation the joint draw keeps.",
        ),
        "calibration_generations" => (
            "Tolerance and acceptance",
            "The tolerance (distance) and the share of proposals accepted in each generation.",
        ),
        "calibration_predictive" => (
            "Posterior predictive against what happened",
            "For each observation, the runs of the posterior predictive ensemble with the \
             observed value marked; panels say whether it was fitted or held out after the cut-off.",
        ),
        "experiment_outcomes" => (
            "Outcomes by policy",
            "Each metric's distribution over the runs of each policy (the share of the policy's \
             runs in each bin), policies side by side in every bin.",
        ),
        "experiment_scatter" => (
            "Outcomes against each other",
            "A scatter matrix of the metrics: a dot per run, coloured by policy; on the diagonal, \
             each metric's distribution.",
        ),
        "experiment_probability" => (
            "Chance of an outcome against each uncertainty",
            "The runs of each policy binned by each uncertainty's value, and the share of them \
             in which the outcome happens: the first 0/1 metric of the design that happens in some \
             runs but not all (else the first 0/1 metric, else the first metric above its \
             median).",
        ),
        other => (other, ""),
    };
    (heading.to_owned(), text.to_owned())
}

/// Whether place `p` is a city or a key place.
fn is_important(t: &Theatre, p: usize) -> bool {
    t.places
        .get(p)
        .is_some_and(|x| x.kind == PlaceKind::City || x.key)
}

/// The display name of the faction with id `id` (the id if there is none).
fn faction_name(t: &Theatre, id: &str) -> String {
    t.factions
        .iter()
        .find(|f| f.id == id)
        .map_or_else(|| id.to_owned(), |f| f.name.clone())
}

/// The display name of the place with id `id` (the id if there is none).
fn place_name(t: &Theatre, id: &str) -> String {
    t.places
        .iter()
        .find(|p| p.id == id)
        .map_or_else(|| id.to_owned(), |p| p.name.clone())
}

#[cfg(test)]
mod tests {
    use super::drawn;

    /// Issue 16: drawn inputs are rounded to what their size warrants.
    #[test]
    fn drawn_values_are_rounded_for_readers() {
        assert_eq!(drawn(3_421.713_987_654_321), "3,422");
        assert_eq!(drawn(0.456_789_012_345_678_9), "0.457");
        assert_eq!(drawn(1.829_999_999_999_999_8), "1.83");
        assert_eq!(drawn(12.4), "12.4");
        assert_eq!(drawn(0.5), "0.5");
        assert_eq!(drawn(0.0), "0");
        assert_eq!(drawn(0.001_234_5), "0.00123");
    }
}
