//! Evaluating a checked expression on one run's record.
//!
//! A run is its samples (one at the start, one after every tick). An expression is evaluated on
//! a *window* of them: the whole run, or the run cut at the time of an `@`. A series' value in a
//! window is its value at the window's last sample (the last at or before the time); an
//! aggregate is over the window's samples; `fall_day` looks at the captures up to the window's
//! time and is censored at the earlier of that time and the day limit.

use super::check::{ActorQ, Agg, AirQ, FactionQ, Node, PlaceQ, STANCES, Series, StateQ, TheatreQ};
use super::parse::{BinOp, Time};
use crate::run::RunRecord;
use crate::sim::resources::Sample;

/// Slack on comparisons of hours (samples fall on multiples of the tick).
const EPS_HOURS: f64 = 1e-6;

/// Which samples an expression sees.
#[derive(Debug, Clone, Copy)]
struct Window {
    /// Samples `[0, end)`.
    end: usize,
    /// Hours at which the window is cut (infinite: the whole run).
    limit_hours: f64,
}

/// The value of `node` in the run `record` with day limit `days`.
pub fn evaluate(node: &Node, record: &RunRecord, days: f64) -> Option<f64> {
    let whole = Window {
        end: record.samples.len(),
        limit_hours: f64::INFINITY,
    };
    let v = scalar(node, record, days, whole)?;
    v.is_finite().then_some(v)
}

/// The value of `node` in the run `record` (day limit `days`) as it stood at `hours`: the run
/// cut there, so that aggregates see the samples up to it, a series is read at it, an `@` time
/// after it is read at it and `fall_day` is censored at it. `None` before the first sample.
pub fn evaluate_until(node: &Node, record: &RunRecord, days: f64, hours: f64) -> Option<f64> {
    let end = record
        .samples
        .partition_point(|s| s.hours <= hours + EPS_HOURS);
    if end == 0 {
        return None;
    }
    let cut = Window {
        end,
        limit_hours: hours,
    };
    let v = scalar(node, record, days, cut)?;
    v.is_finite().then_some(v)
}

fn truth(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

fn binary(op: BinOp, a: Option<f64>, b: Option<f64>) -> Option<f64> {
    let (a, b) = (a?, b?);
    let v = match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => {
            if b == 0.0 {
                return None;
            }
            a / b
        }
        BinOp::Eq => truth(a == b),
        BinOp::Ne => truth(a != b),
        BinOp::Lt => truth(a < b),
        BinOp::Le => truth(a <= b),
        BinOp::Gt => truth(a > b),
        BinOp::Ge => truth(a >= b),
        BinOp::And => truth(a != 0.0 && b != 0.0),
        BinOp::Or => truth(a != 0.0 || b != 0.0),
    };
    v.is_finite().then_some(v)
}

/// Hours after the start of a time.
fn hours_of(time: Time, record: &RunRecord) -> f64 {
    match time {
        Time::Day(d) => d * 24.0,
        Time::Date(at) => {
            let origin = record.start_date.and_time(chrono::NaiveTime::MIN);
            (at - origin).num_minutes() as f64 / 60.0
        }
    }
}

/// One value for the window.
fn scalar(node: &Node, r: &RunRecord, days: f64, w: Window) -> Option<f64> {
    match node {
        Node::Const(x) => Some(*x),
        Node::Series(s) => sample_value(s, r, r.samples.get(w.end.checked_sub(1)?)?),
        Node::At(x, time) => {
            // Within a window cut at a time (an observation's), nothing after it is seen.
            let hours = hours_of(*time, r).min(w.limit_hours);
            let end = r.samples.partition_point(|s| s.hours <= hours + EPS_HOURS);
            if end == 0 {
                return None;
            }
            scalar(
                x,
                r,
                days,
                Window {
                    end,
                    limit_hours: hours,
                },
            )
        }
        Node::Agg(agg, x) => {
            let values = series_values(x, r, days, w);
            let present = || values.iter().flatten().copied();
            match agg {
                Agg::Min => present().reduce(f64::min),
                Agg::Max => present().reduce(f64::max),
                Agg::Mean => {
                    let (sum, n) = present().fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
                    (n > 0).then(|| sum / n as f64)
                }
                Agg::First => values.first().copied().flatten(),
                Agg::Last => values.last().copied().flatten(),
                Agg::FirstDay => values
                    .iter()
                    .position(|v| v.is_some_and(|v| v > 0.0))
                    .map(|i| r.samples[i].hours / 24.0),
            }
        }
        Node::FallDay(place, censored) => {
            let fell = r
                .captures
                .iter()
                .find(|c| c.place == *place)
                .filter(|c| c.hours <= w.limit_hours + EPS_HOURS)
                .map(|c| c.hours / 24.0);
            match fell {
                Some(day) => Some(day),
                None if *censored => Some(days.min(w.limit_hours / 24.0)),
                None => None,
            }
        }
        Node::Neg(x) => scalar(x, r, days, w).map(|v| -v),
        Node::Not(x, odd) => scalar(x, r, days, w).map(|v| truth((v == 0.0) == *odd)),
        Node::Bin(op, a, b) => binary(*op, scalar(a, r, days, w), scalar(b, r, days, w)),
    }
}

/// The values at every sample of the window (a one-value node has its value at every
/// sample, computed once).
fn series_values(node: &Node, r: &RunRecord, days: f64, w: Window) -> Vec<Option<f64>> {
    match node {
        Node::Series(s) => r.samples[..w.end]
            .iter()
            .map(|sample| sample_value(s, r, sample))
            .collect(),
        Node::Neg(x) => series_values(x, r, days, w)
            .into_iter()
            .map(|v| v.map(|v| -v))
            .collect(),
        Node::Not(x, odd) => series_values(x, r, days, w)
            .into_iter()
            .map(|v| v.map(|v| truth((v == 0.0) == *odd)))
            .collect(),
        Node::Bin(op, a, b) => series_values(a, r, days, w)
            .into_iter()
            .zip(series_values(b, r, days, w))
            .map(|(a, b)| binary(*op, a, b))
            .collect(),
        Node::Const(_) | Node::At(..) | Node::Agg(..) | Node::FallDay(..) => {
            vec![scalar(node, r, days, w); w.end]
        }
    }
}

/// A series' value at one sample.
fn sample_value(series: &Series, r: &RunRecord, s: &Sample) -> Option<f64> {
    let v = match *series {
        Series::Faction(q, f) => {
            let x = s.factions.get(f)?;
            match q {
                FactionQ::Personnel => f64::from(x.personnel),
                FactionQ::Killed => f64::from(x.killed),
                FactionQ::Wounded => f64::from(x.wounded),
                FactionQ::Captured => f64::from(x.captured),
                FactionQ::Deserted => f64::from(x.deserted),
                FactionQ::SupplyDays => x.supply_days,
                FactionQ::SuppliedShare => x.supplied_share,
            }
        }
        Series::Place(PlaceQ::Contested, p) => truth(*s.contested.get(p)?),
        Series::Place(q, p) => {
            let c = s.places.get(p)?;
            match q {
                PlaceQ::Residents => c.residents,
                PlaceQ::DisplacedHere => c.displaced_here,
                PlaceQ::RefugeesHere => c.refugees_here,
                PlaceQ::Dead => c.dead,
                PlaceQ::CiviliansKilled => c.killed,
                PlaceQ::DiedOfHardship => c.dead - c.killed,
                PlaceQ::CiviliansWounded => c.wounded,
                PlaceQ::MilitaryKilled => f64::from(c.military_killed),
                PlaceQ::MilitaryWounded => f64::from(c.military_wounded),
                PlaceQ::FoodDays => c.food_days,
                PlaceQ::Contested => return None,
            }
        }
        Series::Holder(p) => *s.control.get(p)? as f64,
        Series::Holds(f, p) => truth(*s.control.get(p)? == f),
        Series::Actor(q, a) => match q {
            ActorQ::Attention => *s.attention.get(a)?,
            ActorQ::PressureFrom => *s.pressure_from.get(a)?,
            ActorQ::Level => s.level.get(a)?.map_or(0.0, |l| (l + 1) as f64),
        },
        Series::Instrument(a, kind) => {
            let ladder = &r.politics.actors.get(a)?.ladder;
            let used = s
                .level
                .get(a)?
                .and_then(|l| ladder.get(..=l))
                .is_some_and(|steps| steps.iter().any(|step| step.instrument >= kind));
            truth(used)
        }
        Series::State(StateQ::PressureOn, st) => *s.pressure_on.get(st)?,
        Series::State(StateQ::Resolve, st) => r.politics.states.get(st)?.resolve?,
        Series::Stance(st) => {
            let stance = s.stance.get(st)?;
            STANCES.iter().position(|x| x == stance)? as f64
        }
        Series::Air(q, a) => {
            let x = s.air.get(a)?;
            match q {
                AirQ::InService => f64::from(x.in_service),
                AirQ::Sorties => x.sorties,
                AirQ::Lost => f64::from(x.lost),
                AirQ::Grounded => truth(x.grounded),
            }
        }
        Series::Theatre(q) => match q {
            TheatreQ::Rung => s.rung.map_or(0.0, |r| (r + 1) as f64),
            TheatreQ::Ceasefire => truth(s.ceasefire),
            TheatreQ::NewlyDisplaced => s.newly_displaced,
            TheatreQ::Displaced => s.places.iter().map(|p| p.displaced_here).sum(),
            TheatreQ::Refugees => s.places.iter().map(|p| p.refugees_here).sum(),
            TheatreQ::CivilianDeaths => s.civilian_deaths,
            TheatreQ::PeacekeepersKilled => s.peacekeepers_killed,
        },
    };
    Some(v)
}
