//! Tidy CSV tables of a run, returned as bytes (the caller decides where they go).

use crate::error::{Error, Result};
use crate::output::safe_csv::CsvWriter;
use crate::run::RunRecord;
use crate::sim::resources::Sample;

/// Format hours since the start as the `day` column (days, three decimals).
fn day(hours: f64) -> String {
    format!("{:.3}", hours / 24.0)
}

fn csv_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("writing a table: {e}"))
}

/// A typed cell of a table: the CSV writes it as text, the series (issue 17) as a number or a
/// label, so both show the same value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A whole count (personnel, aircraft, soldiers killed).
    Count(i64),
    /// A quantity written with three decimals (days of supply, shares, attention, pressure).
    Num(f64),
    /// A number of people, written as whole persons and never below zero.
    People(f64),
    /// A yes/no state (`true`/`false`; 1/0 in the series).
    Flag(bool),
    /// A label: a faction, a stance, an instrument.
    Text(String),
    /// No value (an empty CSV cell; null in Parquet).
    Empty,
}

impl Cell {
    /// The cell as the CSV writes it.
    pub fn csv(&self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Num(x) => num(*x),
            Cell::People(x) => people(*x),
            Cell::Flag(b) => b.to_string(),
            Cell::Text(t) => t.clone(),
            Cell::Empty => String::new(),
        }
    }

    /// Write the cell as the CSV writes it (the same text as [`Self::csv`]) into the table,
    /// using `buf` for the number's text.
    fn write_csv<W: std::io::Write>(
        &self,
        w: &mut CsvWriter<W>,
        buf: &mut String,
    ) -> csv::Result<()> {
        use std::fmt::Write;
        buf.clear();
        // Writing into a String cannot fail.
        let _ = match self {
            Cell::Count(n) => write!(buf, "{n}"),
            // Issue 20: the same text as `{x:.3}` and `{:.0}`, without the formatter's
            // general (and slow) exact float printing.
            Cell::Num(x) => {
                fixed(buf, *x, 3);
                Ok(())
            }
            Cell::People(x) => {
                fixed(buf, x.max(0.0), 0);
                Ok(())
            }
            Cell::Flag(b) => write!(buf, "{b}"),
            // Labels can begin a formula: neutralised.
            Cell::Text(t) => return w.write_field(t.as_bytes()),
            Cell::Empty => Ok(()),
        };
        // Numbers and flags never read as formulas (a leading `-` starts a number).
        w.write_plain_field(buf.as_bytes())
    }

    /// The cell's number, if it has one: a count or quantity at full precision, people as
    /// whole persons (as the CSV writes them), a flag as 1 or 0.
    pub fn value(&self) -> Option<f64> {
        match self {
            Cell::Count(n) => Some(*n as f64),
            Cell::Num(x) => Some(*x),
            Cell::People(x) => Some(x.max(0.0).round()),
            Cell::Flag(b) => Some(if *b { 1.0 } else { 0.0 }),
            Cell::Text(_) | Cell::Empty => None,
        }
    }

    /// The cell's label, if it is one.
    pub fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// A table with a row per sample and entity (faction, place, actor, state, air asset, or the
/// whole theatre): what the per-sample CSV tables and the long series are both made from.
pub struct SampleTable<'a> {
    /// The table's file stem (`forces` for `forces.csv`).
    pub name: &'static str,
    /// What a row is about: `faction`, `place`, `actor`, `state`, `air` or `theatre`.
    pub entity_kind: &'static str,
    /// The column naming the row's entity (`faction`, `place`, …), or `None` for the theatre.
    pub key: Option<&'static str>,
    /// The names of the value columns.
    pub columns: Vec<&'static str>,
    /// The rows of one sample: the entity's id and its cells, one per column.
    rows: Box<dyn Fn(&Sample) -> Vec<(String, Vec<Cell>)> + 'a>,
}

impl SampleTable<'_> {
    /// The rows of one sample: the entity's id (`theatre` for the whole theatre) and its cells.
    pub fn rows(&self, sample: &Sample) -> Vec<(String, Vec<Cell>)> {
        (self.rows)(sample)
    }

    /// The table as CSV: `day`, `datetime`, the key column, then the value columns.
    pub fn csv(&self, record: &RunRecord) -> Result<Vec<u8>> {
        self.write_csv(record, CsvWriter::new())
            .and_then(CsvWriter::into_inner)
            .map_err(csv_error)
    }

    /// Write the table as CSV (the bytes of [`Self::csv`]) into `w`, and hand `w` back
    /// unflushed.
    pub fn write_csv<W: std::io::Write>(
        &self,
        record: &RunRecord,
        mut w: CsvWriter<W>,
    ) -> csv::Result<CsvWriter<W>> {
        let mut header = vec!["day", "datetime"];
        header.extend(self.key);
        header.extend(&self.columns);
        w.write_record(&header)?;
        let mut buf = String::new();
        for sample in &record.samples {
            let time = [day(sample.hours), datetime(record, sample.hours)];
            for (entity, cells) in self.rows(sample) {
                for t in &time {
                    w.write_field(t.as_bytes())?;
                }
                if self.key.is_some() {
                    w.write_field(entity.as_bytes())?;
                }
                for cell in &cells {
                    cell.write_csv(&mut w, &mut buf)?;
                }
                w.end_record()?;
            }
        }
        Ok(w)
    }
}

/// The calendar time `hours` after the start, as the tables write it.
pub fn datetime(record: &RunRecord, hours: f64) -> String {
    record.datetime(hours).format("%Y-%m-%d %H:%M").to_string()
}

/// Every per-sample table of a run, in the order of its files: forces, air (only with air
/// assets), control, supply, civilians, diplomacy, states, escalation.
pub fn sample_tables(record: &RunRecord) -> Vec<SampleTable<'_>> {
    sample_table_makers(record)
        .into_iter()
        .map(|make| make(record))
        .collect()
}

/// What makes a per-sample table of a run.
pub type TableMaker = for<'a> fn(&'a RunRecord) -> SampleTable<'a>;

/// What makes each table of [`sample_tables`], in the same order (a maker can be sent to
/// another thread; a table cannot).
pub fn sample_table_makers(record: &RunRecord) -> Vec<TableMaker> {
    let mut makers: Vec<TableMaker> = vec![forces];
    if !record.theatre.air.is_empty() {
        makers.push(air);
    }
    makers.extend([
        control as TableMaker,
        supply,
        civilians,
        diplomacy,
        states,
        escalation,
    ]);
    makers
}

/// A table with a row per sample and faction: `row` gives the faction's cells.
fn per_faction<'a>(
    record: &'a RunRecord,
    name: &'static str,
    columns: Vec<&'static str>,
    row: impl Fn(&crate::sim::resources::FactionSample) -> Vec<Cell> + 'a,
) -> SampleTable<'a> {
    SampleTable {
        name,
        entity_kind: "faction",
        key: Some("faction"),
        columns,
        rows: Box::new(move |sample| {
            sample
                .factions
                .iter()
                .enumerate()
                .map(|(f, s)| (record.theatre.factions[f].id.clone(), row(s)))
                .collect()
        }),
    }
}

/// A table of plain rows.
fn plain(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>> {
    let mut w = CsvWriter::new();
    w.write_record(header).map_err(csv_error)?;
    for row in rows {
        w.write_record(&row).map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// Append `x` with `decimals` decimals (0 to 3) to `out`: the same text as
/// `format!("{x:.decimals$}")`, which rounds the exact binary value half to even and keeps the
/// sign of a negative number that rounds to zero (`-0.000`). Done with integers for finite values
/// under 10^15; anything else goes to the formatter.
fn fixed(out: &mut String, x: f64, decimals: usize) {
    const SCALE: [u64; 4] = [1, 10, 100, 1000];
    let Some(&scale) = SCALE
        .get(decimals)
        .filter(|_| x.is_finite() && x.abs() < 1e15)
    else {
        use std::fmt::Write;
        let _ = write!(out, "{x:.decimals$}");
        return;
    };
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1 << 52) - 1);
    // x = mantissa × 2^exponent, exactly.
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    // Below 10^15 < 2^52 the exponent is negative; the scaled mantissa is below 2^63.
    let scaled = u128::from(mantissa) * u128::from(scale);
    let shift = (-exponent).max(0) as u32;
    let rounded = if shift == 0 {
        scaled
    } else if shift >= 127 {
        // Below a half: rounds to zero.
        0
    } else {
        let whole = scaled >> shift;
        let rest = scaled - (whole << shift);
        let half = 1u128 << (shift - 1);
        if rest > half || (rest == half && whole & 1 == 1) {
            whole + 1
        } else {
            whole
        }
    };
    let rounded = rounded as u64;
    if bits >> 63 == 1 {
        out.push('-');
    }
    push_digits(out, rounded / scale, 1);
    if decimals > 0 {
        out.push('.');
        push_digits(out, rounded % scale, decimals);
    }
}

/// Append `n` in decimal to `out`, padded with zeros to at least `width` digits.
fn push_digits(out: &mut String, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    while n > 0 || digits.len() - start < width {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    for &d in &digits[start..] {
        out.push(char::from(d));
    }
}

fn num(x: f64) -> String {
    format!("{x:.3}")
}

fn people(x: f64) -> String {
    format!("{:.0}", x.max(0.0))
}

/// A count as a cell.
fn count(n: impl Into<i64>) -> Cell {
    Cell::Count(n.into())
}

/// `forces.csv`: one row per sample and faction: personnel in the theatre and cumulative losses.
pub fn forces_csv(record: &RunRecord) -> Result<Vec<u8>> {
    forces(record).csv(record)
}

fn forces(record: &RunRecord) -> SampleTable<'_> {
    let columns = vec!["personnel", "killed", "wounded", "captured", "deserted"];
    per_faction(record, "forces", columns, |s| {
        vec![
            count(s.personnel),
            count(s.killed),
            count(s.wounded),
            count(s.captured),
            count(s.deserted),
        ]
    })
}

/// `air.csv` (issue 14; written only when the scenario has air assets): one row per sample
/// and air asset: aircraft in service, sorties flown so far (expected sorties), aircraft lost to
/// air defences so far, and whether it is grounded (its base lost).
pub fn air_csv(record: &RunRecord) -> Result<Vec<u8>> {
    air(record).csv(record)
}

fn air(record: &RunRecord) -> SampleTable<'_> {
    let t = &record.theatre;
    SampleTable {
        name: "air",
        entity_kind: "air",
        key: Some("asset"),
        columns: vec![
            "faction",
            "kind",
            "in_service",
            "sorties",
            "lost",
            "grounded",
        ],
        rows: Box::new(move |sample| {
            t.air
                .iter()
                .zip(&sample.air)
                .map(|(a, s)| {
                    let cells = vec![
                        Cell::Text(t.factions[a.faction].id.clone()),
                        Cell::Text(format!("{:?}", a.kind)),
                        count(s.in_service),
                        Cell::Num(s.sorties),
                        count(s.lost),
                        Cell::Flag(s.grounded),
                    ];
                    (a.id.clone(), cells)
                })
                .collect()
        }),
    }
}

/// `control.csv`: one row per sample and place: the faction holding it, and whether it is
/// fought over.
pub fn control_csv(record: &RunRecord) -> Result<Vec<u8>> {
    control(record).csv(record)
}

fn control(record: &RunRecord) -> SampleTable<'_> {
    let t = &record.theatre;
    SampleTable {
        name: "control",
        entity_kind: "place",
        key: Some("place"),
        columns: vec!["controller", "contested"],
        rows: Box::new(move |sample| {
            sample
                .control
                .iter()
                .enumerate()
                .map(|(p, &f)| {
                    let contested = sample.contested.get(p).copied().unwrap_or(false);
                    let cells = vec![Cell::Text(t.factions[f].id.clone()), Cell::Flag(contested)];
                    (t.places[p].id.clone(), cells)
                })
                .collect()
        }),
    }
}

/// `supply.csv`: one row per sample and faction: mean days of supply held and the share of
/// personnel connected to a source.
pub fn supply_csv(record: &RunRecord) -> Result<Vec<u8>> {
    supply(record).csv(record)
}

fn supply(record: &RunRecord) -> SampleTable<'_> {
    let columns = vec!["supply_days", "supplied_share"];
    per_faction(record, "supply", columns, |s| {
        vec![Cell::Num(s.supply_days), Cell::Num(s.supplied_share)]
    })
}

/// `civilians.csv`: one row per sample and place: residents at home, displaced people
/// sheltering there, civilians dead there so far (all causes), of them killed by fire and dead
/// of hardship, civilians wounded, soldiers (all factions) killed and wounded there so far,
/// days of food held, and of the displaced sheltering there the refugees (who crossed an
/// international border in their flight).
pub fn civilians_csv(record: &RunRecord) -> Result<Vec<u8>> {
    civilians(record).csv(record)
}

fn civilians(record: &RunRecord) -> SampleTable<'_> {
    let t = &record.theatre;
    SampleTable {
        name: "civilians",
        entity_kind: "place",
        key: Some("place"),
        columns: vec![
            "residents",
            "displaced_here",
            "dead",
            "killed",
            "died_of_hardship",
            "wounded",
            "military_killed",
            "military_wounded",
            "food_days",
            "refugees_here",
        ],
        rows: Box::new(move |sample| {
            sample
                .places
                .iter()
                .enumerate()
                .map(|(p, c)| {
                    let cells = vec![
                        Cell::People(c.residents),
                        Cell::People(c.displaced_here),
                        Cell::People(c.dead),
                        Cell::People(c.killed),
                        Cell::People(c.dead - c.killed),
                        Cell::People(c.wounded),
                        count(c.military_killed),
                        count(c.military_wounded),
                        Cell::Num(c.food_days),
                        Cell::People(c.refugees_here),
                    ];
                    (t.places[p].id.clone(), cells)
                })
                .collect()
        }),
    }
}

/// `diplomacy.csv`: one row per sample and actor: attention, the highest instrument used, the
/// binding instruments in force (adopted and not yet lifted), and the pressure it puts on its
/// target now.
pub fn diplomacy_csv(record: &RunRecord) -> Result<Vec<u8>> {
    diplomacy(record).csv(record)
}

fn diplomacy(record: &RunRecord) -> SampleTable<'_> {
    let politics = &record.politics;
    let lifted = &record.political.instruments_lifted;
    SampleTable {
        name: "diplomacy",
        entity_kind: "actor",
        key: Some("actor"),
        columns: vec![
            "target",
            "attention",
            "instrument",
            "binding_in_force",
            "pressure",
        ],
        rows: Box::new(move |sample| {
            politics
                .actors
                .iter()
                .enumerate()
                .map(|(a, spec)| {
                    let level = sample.level.get(a).copied().flatten();
                    let instrument = level.map_or("", |l| spec.ladder[l].instrument.words());
                    let binding: Vec<&str> = level
                        .map_or(0..0, |l| 0..(l + 1).min(spec.ladder.len()))
                        .filter(|&i| {
                            spec.ladder[i].instrument.binding()
                                && !lifted.iter().any(|&(hours, x, step)| {
                                    x == a && step == i && hours <= sample.hours + 1e-9
                                })
                        })
                        .map(|i| spec.ladder[i].instrument.words())
                        .collect();
                    let label = |s: String| {
                        if s.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(s)
                        }
                    };
                    let cells = vec![
                        Cell::Text(politics.states[spec.target].name.clone()),
                        Cell::Num(sample.attention.get(a).copied().unwrap_or(0.0)),
                        label(instrument.to_owned()),
                        label(binding.join("; ")),
                        Cell::Num(sample.pressure_from.get(a).copied().unwrap_or(0.0)),
                    ];
                    (spec.id.clone(), cells)
                })
                .collect()
        }),
    }
}

/// `states.csv`: one row per sample and state: pressure on it, its resolve, its stance.
pub fn states_csv(record: &RunRecord) -> Result<Vec<u8>> {
    states(record).csv(record)
}

fn states(record: &RunRecord) -> SampleTable<'_> {
    let states = &record.politics.states;
    SampleTable {
        name: "states",
        entity_kind: "state",
        key: Some("state"),
        columns: vec!["pressure", "resolve", "stance"],
        rows: Box::new(move |sample| {
            states
                .iter()
                .enumerate()
                .map(|(s, spec)| {
                    let cells = vec![
                        Cell::Num(sample.pressure_on.get(s).copied().unwrap_or(0.0)),
                        spec.resolve.map_or(Cell::Empty, Cell::Num),
                        sample
                            .stance
                            .get(s)
                            .map_or(Cell::Empty, |st| Cell::Text(st.word().to_owned())),
                    ];
                    (spec.name.clone(), cells)
                })
                .collect()
        }),
    }
}

/// `escalation.csv`: one row per sample: the escalation rung, whether a ceasefire is in force,
/// and the running totals of displacement, civilian deaths and peacekeepers killed.
pub fn escalation_csv(record: &RunRecord) -> Result<Vec<u8>> {
    escalation(record).csv(record)
}

fn escalation(record: &RunRecord) -> SampleTable<'_> {
    let rungs = &record.politics.rungs;
    SampleTable {
        name: "escalation",
        entity_kind: "theatre",
        key: None,
        columns: vec![
            "rung",
            "rung_name",
            "ceasefire",
            "newly_displaced",
            "displaced_now",
            "civilian_deaths",
            "peacekeepers_killed",
        ],
        rows: Box::new(move |sample| {
            let displaced_now: f64 = sample.places.iter().map(|p| p.displaced_here).sum();
            let cells = vec![
                sample.rung.map_or(Cell::Empty, |r| count(r as i64 + 1)),
                sample
                    .rung
                    .map_or(Cell::Empty, |r| Cell::Text(rungs[r].0.clone())),
                Cell::Flag(sample.ceasefire),
                Cell::People(sample.newly_displaced),
                Cell::People(displaced_now),
                Cell::People(sample.civilian_deaths),
                Cell::People(sample.peacekeepers_killed),
            ];
            vec![("theatre".to_owned(), cells)]
        }),
    }
}

/// The columns of `casualties.csv` (and of the report's table of losses).
pub const CASUALTY_COLUMNS: [&str; 8] = [
    "faction",
    "contingent",
    "committed",
    "killed",
    "wounded",
    "captured",
    "deserted",
    "remaining",
];

/// `casualties.csv`: one row per faction and contingent: losses by kind at the end of the run;
/// then one row `civilians` for the people of every place: their starting number, the dead
/// (killed by fire and dead of hardship), the wounded, and those present at the end
/// (`civilians.csv` has them by place).
pub fn casualties_csv(record: &RunRecord) -> Result<Vec<u8>> {
    let military = record.casualties.iter().map(|row| {
        vec![
            record.theatre.factions[row.faction].id.clone(),
            row.contingent.clone(),
            row.personnel_committed.to_string(),
            row.killed.to_string(),
            row.wounded.to_string(),
            row.captured.to_string(),
            row.deserted.to_string(),
            row.personnel_end.to_string(),
        ]
    });
    let civilians = record.samples.last().map(|last| {
        let sum = |f: fn(&crate::sim::resources::PlaceSample) -> f64| -> f64 {
            last.places.iter().map(f).sum()
        };
        let start: f64 = record.theatre.places.iter().map(|p| p.population).sum();
        vec![
            "civilians".to_owned(),
            String::new(),
            people(start),
            people(sum(|p| p.dead)),
            people(sum(|p| p.wounded)),
            "0".to_owned(),
            "0".to_owned(),
            people(sum(|p| p.residents + p.displaced_here)),
        ]
    });
    plain(&CASUALTY_COLUMNS, military.chain(civilians))
}

/// `events.csv`: the events log: time, kind and what happened.
pub fn events_csv(record: &RunRecord) -> Result<Vec<u8>> {
    plain(
        &["day", "datetime", "kind", "text"],
        record.events.iter().map(|e| {
            vec![
                day(e.hours),
                datetime(record, e.hours),
                e.kind.name().to_owned(),
                e.text.clone(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::fixed;

    /// `fixed` writes what `format!` writes, for 0 and 3 decimals: ties (k/16), values a hair
    /// off a rounding boundary, negatives, zeros, subnormals, large values, and random bits.
    #[test]
    fn fixed_matches_the_formatter() {
        let mut values = vec![
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            0.0005,
            -0.0005,
            0.0015,
            0.5,
            1.5,
            2.5,
            -2.5,
            999.9995,
            999_999_999_999_999.9,
            1e15,
            -1e15,
            4.5e15,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for k in -20_000..20_000 {
            let tie = f64::from(k) / 16.0;
            let step = f64::from(k) / 2000.0;
            values.extend([
                tie,
                tie / 1000.0,
                step,
                f64::from_bits(step.to_bits() + 1),
                f64::from_bits(step.to_bits().saturating_sub(1)),
            ]);
        }
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let scale = 10f64.powi((state % 19) as i32 - 4);
            values.push(f64::from_bits(state));
            values.push((state >> 11) as f64 / (1u64 << 53) as f64 * scale);
            values.push(-((state >> 11) as f64) / (1u64 << 53) as f64 * scale);
        }
        let mut out = String::new();
        for x in values {
            for decimals in [0, 3] {
                out.clear();
                fixed(&mut out, x, decimals);
                assert_eq!(
                    out,
                    format!("{x:.decimals$}"),
                    "{x:e} with {decimals} decimals"
                );
            }
        }
    }
}
