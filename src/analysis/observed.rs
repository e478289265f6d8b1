//! Observed history for a hindcast: a CSV file of what happened, read with precise errors and
//! checked against a scenario's places, factions and actors.
//!
//! The file has a header and one observation per line (lines starting with `#` are comments):
//!
//! ```csv
//! kind,subject,detail,date,value,source
//! capture,goma,m23,2025-01-27,,"US Treasury; M23 declared Goma liberated (Kigali Daily News)"
//! instrument,EU,Statement,2025-01-25,,"source article: EU statement on Saturday"
//! count,peacekeepers_killed,,2025-01-24,13,"The Citizen (Tanzania)"
//! ```
//!
//! - `capture`: place `subject` changed hands on `date`, taken by a faction on the side of
//!   faction `detail` (empty: by anyone). The model's value is the day it first did.
//! - `instrument`: actor `subject` first used instrument `detail` (`Statement`,
//!   `EmergencyMeeting`, `Condemnation`, `Sanctions`, `AidSuspension`) on `date`.
//! - `count`: quantity `subject` had reached `value` by the end of `date`: `newly_displaced`,
//!   `displaced` (sheltering away from home now), `civilian_deaths`, `peacekeepers_killed`,
//!   `killed.FACTION`, `captured.FACTION` (surrendered or taken), `losses.FACTION`.
//! - `holder`: place `subject` was held at the end of `date` by a faction on the side of
//!   faction `detail` (which may not be empty). The model's value is 1 if it was, else 0; several
//!   lines of one place on several dates make a series.
//!
//! - `metric`: a metric expression `subject` (docs/METRICS.md), such as
//!   `personnel(fardc)` or `holds(m23, sake)`, had the value `value` at the end of `date`. The
//!   model's value is the expression on the run as it stood then: aggregates over the samples up
//!   to it, a quantity read at it, `fall_day` censored at it. `detail` is optional: the smallest
//!   scale of a discrepancy in calibration, in the metric's unit (default: 0.25 for a 0/1 value,
//!   half a day for a day, a tenth of the observed value otherwise).
//!
//! `date` is a day, `YYYY-MM-DD`, or a day and a time of day (ISO 8601: `YYYY-MM-DDTHH:MM`,
//! `YYYY-MM-DD HH:MM`, seconds allowed). A day alone stands for the whole day: an event on it
//! happened somewhen in `[day, day + 1)`, a count or holder is read at the end of it. With a
//! time, an event happened at that time and a count or holder is read at it.
//!
//! `source` names where the figure comes from; it may not be empty.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use crate::error::{Diagnostic, Error, Result};
use crate::run::expr::MetricSpec;
use crate::scenario::Instrument;
use crate::scenario::load::suggest;
use crate::sim::politics::Politics;
use crate::sim::resources::Theatre;

/// The columns of an observed file, in order.
pub const COLUMNS: [&str; 6] = ["kind", "subject", "detail", "date", "value", "source"];

/// What an observation is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A place changed hands on a date.
    Capture,
    /// An actor used an instrument on a date.
    Instrument,
    /// A count had reached a value by a date.
    Count,
    /// A place was held by a side at the end of a date.
    Holder,
    /// A metric expression had a value at the end of a date.
    Metric,
}

impl Kind {
    /// The word used in the file.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Capture => "capture",
            Kind::Instrument => "instrument",
            Kind::Count => "count",
            Kind::Holder => "holder",
            Kind::Metric => "metric",
        }
    }

    /// The unit of the model's values: `days`, `persons` or `held` (1 held, 0 not); a metric's
    /// is its target's ([`Target::unit`]).
    pub fn unit(self) -> &'static str {
        match self {
            Kind::Capture | Kind::Instrument => "days",
            Kind::Count => "persons",
            Kind::Holder => "held",
            Kind::Metric => "value",
        }
    }

    /// Whether the observed value is a date (scored in days) rather than a count or a value.
    pub fn is_date(self) -> bool {
        !matches!(self, Kind::Count | Kind::Holder | Kind::Metric)
    }
}

/// A counted quantity, read from the run's samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// People who have left their homes so far.
    NewlyDisplaced,
    /// People sheltering away from home now.
    Displaced,
    /// Civilians killed so far.
    CivilianDeaths,
    /// Peacekeepers killed so far.
    PeacekeepersKilled,
    /// Soldiers of a faction killed so far.
    Killed(usize),
    /// Soldiers of a faction captured (surrendered or taken) so far.
    Captured(usize),
    /// All losses of a faction (killed, wounded, captured, deserted) so far.
    Losses(usize),
}

/// What the model is asked, resolved against the scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// First change of hands of `place`, by a faction of side `side` (any side if `None`).
    Capture {
        /// Place index.
        place: usize,
        /// Side index of the taker.
        side: Option<usize>,
    },
    /// First use of `instrument` by actor `actor`.
    Instrument {
        /// Actor index.
        actor: usize,
        /// The instrument.
        instrument: Instrument,
    },
    /// Whether a faction of side `side` holds `place` at `hours` (the end of the observed date, or
    /// its time if given).
    Holder {
        /// Place index.
        place: usize,
        /// Side index of the holder.
        side: usize,
        /// Hours since the start.
        hours: f64,
    },
    /// A quantity at `hours` (the end of the observed date, or its time if given).
    Count {
        /// What is counted.
        quantity: Quantity,
        /// Hours since the start.
        hours: f64,
    },
    /// A metric expression on the run as it stood at `hours`.
    Metric {
        /// The expression, checked against the scenario.
        spec: Box<MetricSpec>,
        /// Hours since the start.
        hours: f64,
        /// Smallest scale of a discrepancy in calibration, in the metric's unit.
        scale: f64,
    },
}

impl Target {
    /// The unit of the model's values: the kind's ([`Kind::unit`]); for a metric `days` for a
    /// day, `0/1` for a 0/1 value, else `value`.
    pub fn unit(&self, kind: Kind) -> &'static str {
        match self {
            Target::Metric { spec, .. } if spec.is_day() => "days",
            Target::Metric { spec, .. } if spec.is_probability() => "0/1",
            Target::Metric { .. } => "value",
            _ => kind.unit(),
        }
    }
}

/// One line of an observed file.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Line in the file (1-based).
    pub line: usize,
    /// What it is of.
    pub kind: Kind,
    /// Place, actor or quantity.
    pub subject: String,
    /// Taking faction or instrument.
    pub detail: String,
    /// The date.
    pub date: NaiveDate,
    /// The time of day, if the file gives one; without it the date stands for the whole day.
    pub time: Option<NaiveTime>,
    /// The observed count or value (counts and metrics only).
    pub value: Option<f64>,
    /// Where it comes from.
    pub source: String,
}

impl Observation {
    /// A short label: `capture goma (m23)`, `count peacekeepers_killed`.
    pub fn label(&self) -> String {
        // A metric's detail is its scale in calibration, not part of what it is.
        if self.detail.is_empty() || self.kind == Kind::Metric {
            format!("{} {}", self.kind.word(), self.subject)
        } else {
            format!("{} {} ({})", self.kind.word(), self.subject, self.detail)
        }
    }

    /// The date as the file gives it, normalised: `2025-01-27`, or `2025-01-27 14:00` with a
    /// time (seconds shown only if not 0).
    pub fn when(&self) -> String {
        let day = self.date.format("%Y-%m-%d");
        match self.time {
            None => day.to_string(),
            Some(t) if t.second() == 0 => format!("{day} {}", t.format("%H:%M")),
            Some(t) => format!("{day} {}", t.format("%H:%M:%S")),
        }
    }

    /// When it was observed, in days since `start`: the start of the date (time 00:00) and the
    /// length of the interval it stands for, 1 day for a date alone and 0 for a date with a
    /// time.
    pub fn days_since(&self, start: NaiveDate) -> (f64, f64) {
        let day = (self.date - start).num_days() as f64;
        match self.time {
            None => (day, 1.0),
            Some(t) => (
                day + f64::from(t.num_seconds_from_midnight()) / 86_400.0,
                0.0,
            ),
        }
    }
}

/// The forms a `date` may take, for messages.
pub const DATE_FORMS: &str = "YYYY-MM-DD, or with a time YYYY-MM-DDTHH:MM or YYYY-MM-DD HH:MM \
                              (e.g. 2025-01-27, 2025-01-27T14:00)";

/// Read a `date` field: a day, or a day and a time of day (`T` or one space between them;
/// minutes, optionally seconds).
pub fn parse_when(text: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some((d, None));
    }
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    .map(|t| (t.date(), Some(t.time())))
}

/// The 1-based column (in characters) where field `index` (0-based) of the CSV line `line`
/// starts; commas inside double quotes do not separate fields.
fn field_column(line: &str, index: usize) -> usize {
    let (mut field, mut quoted) = (0, false);
    for (col, c) in line.chars().enumerate() {
        if field == index {
            return col + 1;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => field += 1,
            _ => {}
        }
    }
    1
}

/// Read an observed file: its observations and its text (for line positions and the
/// manifest's hash). The file is read as scenarios are: a regular file of at most 16 MiB of UTF-8.
pub fn read_observed(path: &std::path::Path) -> Result<(Vec<Observation>, String)> {
    let text = crate::scenario::load::read_text(path)?;
    let observations = parse_observed(&text, &path.display().to_string())?;
    Ok((observations, text))
}

/// Parse the text of an observed file named `file`, reporting every bad line.
pub fn parse_observed(text: &str, file: &str) -> Result<Vec<Observation>> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let lines: Vec<&str> = text.lines().collect();
    let at = |line: usize, message: String| Diagnostic::new(file, message).at_line(&lines, line, 1);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => return Err(Error::Invalid(vec![Diagnostic::new(file, e.to_string())])),
    };
    if header != COLUMNS {
        let line = text
            .lines()
            .position(|l| !l.trim_start().starts_with('#'))
            .map_or(1, |i| i + 1);
        return Err(Error::Invalid(vec![
            at(line, format!("the header is `{}`", header.join(",")))
                .help(format!("the first line must be `{}`", COLUMNS.join(","))),
        ]));
    }
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line() as usize);
                problems.push(at(line, format!("not a CSV line: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(1, |p| p.line() as usize);
        if record.len() != COLUMNS.len() {
            problems.push(
                at(
                    line,
                    format!(
                        "{} fields; an observation has {}",
                        record.len(),
                        COLUMNS.len()
                    ),
                )
                .help(format!("columns: {}", COLUMNS.join(","))),
            );
            continue;
        }
        let field = |i: usize| record.get(i).unwrap_or("").to_owned();
        let kind = match field(0).as_str() {
            "capture" => Kind::Capture,
            "instrument" => Kind::Instrument,
            "count" => Kind::Count,
            "holder" => Kind::Holder,
            "metric" => Kind::Metric,
            other => {
                let hint = suggest(
                    other,
                    ["capture", "instrument", "count", "holder", "metric"],
                )
                .map_or_else(
                    || "kind is one of capture, instrument, count, holder, metric".to_owned(),
                    |s| format!("did you mean `{s}`?"),
                );
                problems.push(at(line, format!("unknown kind `{other}`")).help(hint));
                continue;
            }
        };
        let (date, time) = match parse_when(&field(3)) {
            Some(when) => when,
            None => {
                let col = field_column(lines.get(line.saturating_sub(1)).copied().unwrap_or(""), 3);
                problems.push(
                    Diagnostic::new(file, format!("`{}` is not a date", field(3)))
                        .at_line(&lines, line, col)
                        .help(format!("write dates as {DATE_FORMS}")),
                );
                continue;
            }
        };
        let value = match (kind, field(4).as_str()) {
            (Kind::Count, "") => {
                problems.push(at(line, "a count needs a value".into()));
                continue;
            }
            (Kind::Count, v) => match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
                _ => {
                    problems.push(at(line, format!("`{v}` is not a count (a number ≥ 0)")));
                    continue;
                }
            },
            (Kind::Metric, "") => {
                problems.push(
                    at(line, "a metric needs a value".into())
                        .help("the value the metric had at the end of the date"),
                );
                continue;
            }
            (Kind::Metric, v) => match v.parse::<f64>() {
                Ok(x) if x.is_finite() => Some(x),
                _ => {
                    problems.push(at(line, format!("`{v}` is not a number")));
                    continue;
                }
            },
            (_, "") => None,
            (_, v) => {
                problems.push(
                    at(
                        line,
                        format!("a {} has no value, but `{v}` is given", kind.word()),
                    )
                    .help("leave the value empty: the date is the observation"),
                );
                continue;
            }
        };
        if kind == Kind::Metric
            && !field(2).is_empty()
            && !field(2)
                .parse::<f64>()
                .is_ok_and(|x| x.is_finite() && x > 0.0)
        {
            let col = field_column(lines.get(line.saturating_sub(1)).copied().unwrap_or(""), 2);
            problems.push(
                Diagnostic::new(
                    file,
                    format!("`{}` is not a scale (a number > 0)", field(2)),
                )
                .at_line(&lines, line, col)
                .help(
                    "a metric's detail is the smallest scale of its discrepancy in \
                         calibration, in its unit; leave it empty for the default",
                ),
            );
            continue;
        }
        if field(5).is_empty() {
            problems.push(
                at(line, "the source is empty".into())
                    .help("name where the figure comes from, e.g. `UNSC res. 2773`"),
            );
            continue;
        }
        out.push(Observation {
            line,
            kind,
            subject: field(1),
            detail: field(2),
            date,
            time,
            value,
            source: field(5),
        });
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(Diagnostic::new(file, "no observations in the file"));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Resolve observations against a scenario's theatre and politics, starting on `start` and
/// running `days` days; every problem is reported with the file's line.
pub fn resolve(
    observations: &[Observation],
    file: &str,
    text: &str,
    theatre: &Theatre,
    politics: &Politics,
    start: NaiveDate,
    days: f64,
) -> Result<Vec<Target>> {
    let mut problems = Vec::new();
    let mut targets = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let unknown = |o: &Observation, what: &str, name: &str, names: Vec<String>| {
        let mut d =
            Diagnostic::new(file, format!("unknown {what} `{name}`")).at_line(&lines, o.line, 1);
        let help = match suggest(name, names.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("{}: {}", plural(what), names.join(", ")),
        };
        d = d.help(help);
        d
    };
    let faction = |name: &str| theatre.factions.iter().position(|f| f.id == name);
    let faction_ids = || theatre.factions.iter().map(|f| f.id.clone()).collect();
    for o in observations {
        let (day, width) = o.days_since(start);
        // Counts and holders are read at the end of a date alone, at the time given otherwise.
        let hours = ((day + width) * 24.0).min(days * 24.0);
        if day < 0.0 || day >= days {
            problems.push(
                Diagnostic::new(
                    file,
                    format!(
                        "{} is outside the run ({} to day {days})",
                        o.when(),
                        start.format("%Y-%m-%d")
                    ),
                )
                .at_line(&lines, o.line, 1)
                .help("drop the line, or run longer with --days"),
            );
            continue;
        }
        let target = match o.kind {
            Kind::Capture => {
                let Some(place) = theatre.places.iter().position(|p| p.id == o.subject) else {
                    let names = theatre.places.iter().map(|p| p.id.clone()).collect();
                    problems.push(unknown(o, "place", &o.subject, names));
                    continue;
                };
                let side = if o.detail.is_empty() {
                    None
                } else {
                    match faction(&o.detail) {
                        Some(f) => Some(theatre.factions[f].side),
                        None => {
                            problems.push(unknown(o, "faction", &o.detail, faction_ids()));
                            continue;
                        }
                    }
                };
                Target::Capture { place, side }
            }
            Kind::Holder => {
                let Some(place) = theatre.places.iter().position(|p| p.id == o.subject) else {
                    let names = theatre.places.iter().map(|p| p.id.clone()).collect();
                    problems.push(unknown(o, "place", &o.subject, names));
                    continue;
                };
                let Some(f) = faction(&o.detail) else {
                    problems.push(unknown(o, "faction", &o.detail, faction_ids()));
                    continue;
                };
                Target::Holder {
                    place,
                    side: theatre.factions[f].side,
                    hours,
                }
            }
            Kind::Instrument => {
                let Some(actor) = politics.actors.iter().position(|a| a.id == o.subject) else {
                    let names = politics.actors.iter().map(|a| a.id.clone()).collect();
                    problems.push(unknown(o, "actor", &o.subject, names));
                    continue;
                };
                let words: Vec<String> = politics.actors[actor]
                    .ladder
                    .iter()
                    .map(|s| format!("{:?}", s.instrument))
                    .collect();
                match politics.actors[actor]
                    .ladder
                    .iter()
                    .find(|s| format!("{:?}", s.instrument) == o.detail)
                {
                    Some(step) => Target::Instrument {
                        actor,
                        instrument: step.instrument,
                    },
                    None => {
                        let what = format!("instrument of {}", o.subject);
                        problems.push(unknown(o, &what, &o.detail, words));
                        continue;
                    }
                }
            }
            Kind::Count => {
                let quantity = match o.subject.split_once('.') {
                    None => match o.subject.as_str() {
                        "newly_displaced" => Some(Quantity::NewlyDisplaced),
                        "displaced" => Some(Quantity::Displaced),
                        "civilian_deaths" => Some(Quantity::CivilianDeaths),
                        "peacekeepers_killed" => Some(Quantity::PeacekeepersKilled),
                        _ => None,
                    },
                    Some((what, id)) => match (what, faction(id)) {
                        ("killed", Some(f)) => Some(Quantity::Killed(f)),
                        ("captured", Some(f)) => Some(Quantity::Captured(f)),
                        ("losses", Some(f)) => Some(Quantity::Losses(f)),
                        _ => None,
                    },
                };
                let Some(quantity) = quantity else {
                    let mut names: Vec<String> = [
                        "newly_displaced",
                        "displaced",
                        "civilian_deaths",
                        "peacekeepers_killed",
                    ]
                    .map(String::from)
                    .to_vec();
                    for f in &theatre.factions {
                        for what in ["killed", "captured", "losses"] {
                            names.push(format!("{what}.{}", f.id));
                        }
                    }
                    problems.push(unknown(o, "quantity", &o.subject, names));
                    continue;
                };
                Target::Count { quantity, hours }
            }
            Kind::Metric => match MetricSpec::parse_observed(&o.subject, theatre, politics) {
                Ok(spec) => {
                    let observed = o.value.unwrap_or(0.0);
                    let scale = match o.detail.parse::<f64>() {
                        Ok(s) => s,
                        Err(_) if spec.is_probability() => METRIC_SHARE_SCALE,
                        Err(_) if spec.is_day() => METRIC_DAY_SCALE,
                        Err(_) => (METRIC_RELATIVE_SCALE * observed.abs()).max(f64::MIN_POSITIVE),
                    };
                    Target::Metric {
                        spec: Box::new(spec),
                        hours,
                        scale,
                    }
                }
                Err(e) => {
                    let line = lines.get(o.line.saturating_sub(1)).copied().unwrap_or("");
                    problems.extend(in_file(e, file, &lines, o.line, subject_column(line)));
                    continue;
                }
            },
        };
        targets.push(target);
    }
    if problems.is_empty() {
        Ok(targets)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Default smallest scale of a 0/1 metric's discrepancy in calibration: as a holder's
/// (`crate::run::calibrate::HOLDER_FLOOR`).
pub const METRIC_SHARE_SCALE: f64 = 0.25;
/// Default smallest scale of a day metric's discrepancy, days: half a day, as a date's
/// (`crate::run::calibrate::DATE_FLOOR_DAYS`).
pub const METRIC_DAY_SCALE: f64 = 0.5;
/// Default smallest scale of another metric's discrepancy, as a share of the observed value:
/// a tenth, as a count's 0.1 on the log scale (`crate::run::calibrate::COUNT_FLOOR_LOG`).
pub const METRIC_RELATIVE_SCALE: f64 = 0.1;

/// The 1-based column (in characters) where the text of the subject field starts on `line`,
/// past an opening quote and spaces.
fn subject_column(line: &str) -> usize {
    let start = field_column(line, 1);
    let rest: String = line.chars().skip(start - 1).collect();
    let skipped = rest
        .chars()
        .take_while(|c| *c == '"' || c.is_whitespace())
        .count();
    start + skipped
}

/// The diagnostics of a metric's error (located in the expression, line 1) moved into the
/// observed file: line `line`, the expression starting at column `start`.
fn in_file(e: Error, file: &str, lines: &[&str], line: usize, start: usize) -> Vec<Diagnostic> {
    match e {
        Error::Invalid(problems) => problems
            .into_iter()
            .map(|d| {
                let col = d.position.map_or(1, |(_, c)| c);
                let mut moved =
                    Diagnostic::new(file, d.message).at_line(lines, line, start + col - 1);
                if let Some(help) = d.help {
                    moved = moved.help(help);
                }
                moved
            })
            .collect(),
        other => vec![Diagnostic::new(file, other.to_string()).at_line(lines, line, start)],
    }
}

/// The plural of a noun phrase whose first word is the noun: `quantity` → `quantities`,
/// `instrument of EU` → `instruments of EU`.
fn plural(what: &str) -> String {
    let (noun, rest) = what.split_once(' ').unwrap_or((what, ""));
    let noun = match noun.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{noun}s"),
    };
    if rest.is_empty() {
        noun
    } else {
        format!("{noun} {rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_file_parses() {
        let text = "# what happened\nkind,subject,detail,date,value,source\n\
                    capture,goma,m23,2025-01-27,,\"US Treasury, 27 Jan\"\n\
                    count,peacekeepers_killed,,2025-01-24,13,The Citizen\n";
        let obs = parse_observed(text, "o.csv").expect("parses");
        assert_eq!(obs.len(), 2);
        assert_eq!(obs[0].line, 3);
        assert_eq!(obs[0].source, "US Treasury, 27 Jan");
        assert_eq!(obs[1].value, Some(13.0));
    }

    /// Issue 15: a date may carry a time of day (ISO 8601, `T` or a space), which places an
    /// event at that time and reads a count at it; a date alone stands for the whole day.
    #[test]
    fn dates_may_carry_a_time() {
        let text = "kind,subject,detail,date,value,source\n\
                    capture,goma,m23,2025-01-27T14:00,,a\n\
                    capture,goma,m23,2025-01-27 14:30:36,,b\n\
                    capture,goma,m23,2025-01-27,,c\n\
                    capture,goma,m23,\"2025-01-27 9:05\",,d\n";
        let obs = parse_observed(text, "o.csv").expect("parses");
        let start = NaiveDate::from_ymd_opt(2025, 1, 20).expect("date");
        assert_eq!(obs[0].when(), "2025-01-27 14:00");
        assert_eq!(obs[0].days_since(start), (7.0 + 14.0 / 24.0, 0.0));
        assert_eq!(obs[1].when(), "2025-01-27 14:30:36");
        assert_eq!(obs[2].when(), "2025-01-27");
        assert_eq!(obs[2].days_since(start), (7.0, 1.0));
        assert_eq!(obs[3].when(), "2025-01-27 09:05");
        for bad in [
            "2025-01-27T25:00",
            "2025-01-27T14",
            "27/01/2025",
            "2025-01-27 14:00Z",
        ] {
            assert!(parse_when(bad).is_none(), "{bad} accepted");
        }
    }

    /// Issue 17: a `metric` row gives an expression a value on a date; its detail, if any, is
    /// a scale > 0; its value is any number and may not be missing.
    #[test]
    fn metric_rows_parse_and_are_checked() {
        let text = "kind,subject,detail,date,value,source\n\
                    metric,\"holds(m23, sake)\",,2025-01-24,1,a\n\
                    metric,personnel(fardc) - personnel(m23),500,2025-01-24,-2.5e3,b\n\
                    metric,fall_day(goma),0,2025-01-24,7,c\n\
                    metric,fall_day(goma),,2025-01-24,,d\n\
                    metric,fall_day(goma),,2025-01-24,x,e\n";
        let Err(Error::Invalid(problems)) = parse_observed(text, "o.csv") else {
            panic!("accepted a bad file");
        };
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 3, "{shown:#?}");
        assert!(
            shown[0].starts_with("o.csv:4:23: error: `0` is not a scale"),
            "{}",
            shown[0]
        );
        assert!(shown[1].starts_with("o.csv:5:1:") && shown[1].contains("needs a value"));
        assert!(shown[2].starts_with("o.csv:6:1:") && shown[2].contains("`x` is not a number"));
        let good: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
        let obs = parse_observed(&good, "o.csv").expect("parses");
        assert_eq!(obs[0].kind, Kind::Metric);
        assert_eq!(obs[0].subject, "holds(m23, sake)");
        assert_eq!(obs[0].label(), "metric holds(m23, sake)");
        assert_eq!(obs[1].value, Some(-2500.0));
        assert_eq!(obs[1].label(), "metric personnel(fardc) - personnel(m23)");
    }

    #[test]
    fn bad_lines_are_named_with_their_line() {
        let text = "kind,subject,detail,date,value,source\n\
                    captur,goma,m23,2025-01-27,,src\n\
                    count,peacekeepers_killed,,2025-13-01,13,src\n\
                    count,peacekeepers_killed,,2025-01-24,,src\n\
                    capture,goma,m23,2025-01-27,,\n";
        let Err(Error::Invalid(problems)) = parse_observed(text, "o.csv") else {
            panic!("accepted a bad file");
        };
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 4, "{shown:#?}");
        assert!(shown[0].starts_with("o.csv:2:1: error: unknown kind `captur`"));
        assert!(shown[0].contains("did you mean `capture`?"));
        assert!(shown[1].starts_with("o.csv:3:28:") && shown[1].contains("not a date"));
        assert!(shown[1].contains("YYYY-MM-DDTHH:MM"), "{}", shown[1]);
        assert!(shown[2].starts_with("o.csv:4:1:") && shown[2].contains("needs a value"));
        assert!(shown[3].starts_with("o.csv:5:1:") && shown[3].contains("source is empty"));
        let Err(Error::Invalid(header)) = parse_observed("a,b\n", "o.csv") else {
            panic!("accepted a bad header");
        };
        assert!(header[0].to_string().contains("the first line must be"));
    }
}
