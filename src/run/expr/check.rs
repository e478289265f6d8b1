//! Checking a parsed expression against a scenario: every name resolved to a place, faction,
//! actor, state, air asset or quantity, every function given the arguments it takes, and every
//! node typed (a series over the run or one value; a number, a 0/1 indicator, a faction or a
//! stance).

use std::ops::Range;

use super::parse::{BinOp, Raw, RawKind, Time};
use crate::scenario::load::suggest;
use crate::scenario::{Instrument, Stance};
use crate::sim::politics::Politics;
use crate::sim::resources::Theatre;

/// What a value means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A quantity.
    Number,
    /// 0 or 1.
    Indicator,
    /// A faction, by its index in the scenario.
    Faction,
    /// A stance of a state, by its index in [`STANCES`].
    Stance,
}

impl Kind {
    fn is_category(self) -> bool {
        matches!(self, Kind::Faction | Kind::Stance)
    }
}

/// Whether a node has a value at every sample of the run or one value for the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A value at every sample (every tick, from the start).
    Series,
    /// One value for the run.
    Scalar,
}

/// The type of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ty {
    /// Series or scalar.
    pub shape: Shape,
    /// What the value means.
    pub kind: Kind,
}

/// The stances in the order of their index.
pub const STANCES: [Stance; 4] = [
    Stance::Reinforce,
    Stance::Hold,
    Stance::DrawDown,
    Stance::Withdraw,
];

/// The instruments and the names an expression calls them by.
pub const INSTRUMENTS: [(&str, Instrument); 5] = [
    ("statement", Instrument::Statement),
    ("emergency_meeting", Instrument::EmergencyMeeting),
    ("condemnation", Instrument::Condemnation),
    ("sanctions", Instrument::Sanctions),
    ("aid_suspension", Instrument::AidSuspension),
];

/// A quantity of a faction at one sample (forces.csv, supply.csv).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactionQ {
    Personnel,
    Killed,
    Wounded,
    Captured,
    Deserted,
    SupplyDays,
    SuppliedShare,
}

/// A quantity of a place at one sample (civilians.csv, control.csv).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceQ {
    Residents,
    DisplacedHere,
    RefugeesHere,
    Dead,
    CiviliansKilled,
    DiedOfHardship,
    CiviliansWounded,
    MilitaryKilled,
    MilitaryWounded,
    FoodDays,
    Contested,
}

/// A quantity of a diplomatic actor (diplomacy.csv).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorQ {
    Attention,
    PressureFrom,
    Level,
}

/// A quantity of a state (states.csv).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateQ {
    PressureOn,
    Resolve,
}

/// A quantity of an air asset (air.csv).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AirQ {
    InService,
    Sorties,
    Lost,
    Grounded,
}

/// A quantity of the whole theatre (escalation.csv).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TheatreQ {
    Rung,
    Ceasefire,
    NewlyDisplaced,
    Displaced,
    Refugees,
    CivilianDeaths,
    PeacekeepersKilled,
}

/// A time series the run records.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Series {
    Faction(FactionQ, usize),
    Place(PlaceQ, usize),
    /// The faction holding a place.
    Holder(usize),
    /// Whether the faction holds the place.
    Holds(usize, usize),
    Actor(ActorQ, usize),
    /// Whether the actor has used the instrument or a higher one.
    Instrument(usize, Instrument),
    State(StateQ, usize),
    /// The stance of a state.
    Stance(usize),
    Air(AirQ, usize),
    Theatre(TheatreQ),
}

/// An aggregate over the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agg {
    Min,
    Max,
    Mean,
    First,
    Last,
    FirstDay,
}

/// A checked expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A number (or a faction's or stance's index).
    Const(f64),
    /// A series.
    Series(Series),
    /// A value at a time: the expression over the run cut at that time.
    At(Box<Node>, Time),
    /// An aggregate of a series over the run.
    Agg(Agg, Box<Node>),
    /// The day a place first changed hands; `true`: censored at the day limit.
    FallDay(usize, bool),
    /// `-x`.
    Neg(Box<Node>),
    /// `not x` (`false`: `not not x`, whether x is not 0).
    Not(Box<Node>, bool),
    /// `a op b`.
    Bin(BinOp, Box<Node>, Box<Node>),
}

/// An error at a span of the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// Bytes it concerns.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
}

fn located(span: &Range<usize>, message: String, help: Option<String>) -> Located {
    Located {
        span: span.clone(),
        message,
        help,
    }
}

/// An argument a function takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arg {
    Faction,
    Place,
    Actor,
    State,
    /// A state or, failing that, an actor.
    StateOrActor,
    Air,
    Instrument,
    /// A series expression.
    Series,
}

impl Arg {
    fn words(self) -> &'static str {
        match self {
            Arg::Faction => "a faction",
            Arg::Place => "a place",
            Arg::Actor => "an actor",
            Arg::State => "a state",
            Arg::StateOrActor => "a state or an actor",
            Arg::Air => "an air asset",
            Arg::Instrument => "an instrument",
            Arg::Series => "a quantity over time",
        }
    }
}

/// Every function: name, arguments, unit and meaning (for `strife metrics` and the docs).
pub const FUNCTIONS: [(&str, &str, &str); 44] = [
    (
        "personnel(FACTION)",
        "persons",
        "personnel in the theatre (forces.csv)",
    ),
    ("killed(FACTION)", "persons", "killed so far (forces.csv)"),
    ("wounded(FACTION)", "persons", "wounded so far (forces.csv)"),
    (
        "captured(FACTION)",
        "persons",
        "captured so far (forces.csv)",
    ),
    (
        "deserted(FACTION)",
        "persons",
        "deserted so far (forces.csv)",
    ),
    (
        "supply_days(FACTION)",
        "days",
        "personnel-weighted mean supply held (supply.csv)",
    ),
    (
        "supplied_share(FACTION)",
        "0–1",
        "share of personnel with a path to a source (supply.csv)",
    ),
    (
        "holder(PLACE)",
        "faction",
        "the faction holding the place (control.csv); compare it: holder(goma) == m23",
    ),
    (
        "holds(FACTION, PLACE)",
        "0/1",
        "1 while the faction holds the place",
    ),
    (
        "contested(PLACE)",
        "0/1",
        "1 while hostile forces face each other there (control.csv)",
    ),
    (
        "residents(PLACE)",
        "persons",
        "residents at home (civilians.csv)",
    ),
    (
        "displaced_here(PLACE)",
        "persons",
        "displaced people sheltering there (civilians.csv)",
    ),
    (
        "refugees_here(PLACE)",
        "persons",
        "of them, refugees (civilians.csv)",
    ),
    (
        "dead(PLACE)",
        "persons",
        "civilians dead there so far, all causes (civilians.csv)",
    ),
    (
        "civilians_killed(PLACE)",
        "persons",
        "of them, killed by fire (civilians.csv `killed`)",
    ),
    (
        "died_of_hardship(PLACE)",
        "persons",
        "of them, dead of hardship (civilians.csv)",
    ),
    (
        "civilians_wounded(PLACE)",
        "persons",
        "civilians wounded there so far (civilians.csv `wounded`)",
    ),
    (
        "military_killed(PLACE)",
        "persons",
        "soldiers killed there so far (civilians.csv)",
    ),
    (
        "military_wounded(PLACE)",
        "persons",
        "soldiers wounded there so far (civilians.csv)",
    ),
    (
        "food_days(PLACE)",
        "days",
        "days of food held (civilians.csv)",
    ),
    (
        "fall_day(PLACE)",
        "day",
        "day the place first changed hands; censored: the day limit if it did not",
    ),
    (
        "fall_day_if(PLACE)",
        "day",
        "the same, no value in a run where it did not fall",
    ),
    (
        "attention(ACTOR)",
        "attention",
        "attention of the actor (diplomacy.csv)",
    ),
    (
        "pressure(ACTOR)",
        "pressure",
        "pressure the actor puts on its target (diplomacy.csv); also pressure_from(ACTOR)",
    ),
    (
        "level(ACTOR)",
        "step",
        "step of its ladder the actor has reached, 1-based; 0 none",
    ),
    (
        "instrument(ACTOR, KIND)",
        "0/1",
        "1 once the actor has used KIND or a higher instrument (statement, emergency_meeting, condemnation, sanctions, aid_suspension)",
    ),
    (
        "pressure(STATE)",
        "pressure",
        "pressure on the state (states.csv); also pressure_on(STATE)",
    ),
    (
        "resolve(STATE)",
        "pressure",
        "pressure the state bears (states.csv); no value if unlimited",
    ),
    (
        "stance(STATE)",
        "stance",
        "its stance; compare it: stance(rwanda) == withdraw (reinforce, hold, draw_down, withdraw)",
    ),
    (
        "in_service(ASSET)",
        "aircraft",
        "aircraft in service (air.csv)",
    ),
    (
        "sorties(ASSET)",
        "sorties",
        "sorties flown so far (air.csv)",
    ),
    (
        "aircraft_lost(ASSET)",
        "aircraft",
        "aircraft lost so far (air.csv `lost`)",
    ),
    (
        "grounded(ASSET)",
        "0/1",
        "1 while its base is not held by its side (air.csv)",
    ),
    (
        "rung",
        "rung",
        "escalation rung, 1-based; 0 none (escalation.csv)",
    ),
    (
        "ceasefire",
        "0/1",
        "1 while a ceasefire is in force (escalation.csv)",
    ),
    (
        "newly_displaced",
        "persons",
        "people displaced so far (escalation.csv)",
    ),
    (
        "displaced",
        "persons",
        "people displaced now (escalation.csv `displaced_now`)",
    ),
    ("refugees", "persons", "refugees now, all places"),
    (
        "civilian_deaths",
        "persons",
        "civilians dead so far (escalation.csv)",
    ),
    (
        "peacekeepers_killed",
        "persons",
        "peacekeepers killed so far (escalation.csv)",
    ),
    (
        "min(X) max(X) mean(X)",
        "of X",
        "least, greatest, mean of X over the run's samples",
    ),
    ("first(X) last(X)", "of X", "X at the start, at the end"),
    ("first_day(X)", "day", "first day X > 0; no value if never"),
    (
        "X @ day D, X @ YYYY-MM-DD[ HH:MM]",
        "of X",
        "X at a time: the last sample at or before it",
    ),
];

const THEATRE: [(&str, TheatreQ, Kind); 8] = [
    ("rung", TheatreQ::Rung, Kind::Number),
    ("ceasefire", TheatreQ::Ceasefire, Kind::Indicator),
    ("newly_displaced", TheatreQ::NewlyDisplaced, Kind::Number),
    ("displaced", TheatreQ::Displaced, Kind::Number),
    ("displaced_now", TheatreQ::Displaced, Kind::Number),
    ("refugees", TheatreQ::Refugees, Kind::Number),
    ("civilian_deaths", TheatreQ::CivilianDeaths, Kind::Number),
    (
        "peacekeepers_killed",
        TheatreQ::PeacekeepersKilled,
        Kind::Number,
    ),
];

/// The names that can be called, with their arguments.
const CALLS: [(&str, &[Arg]); 40] = [
    ("personnel", &[Arg::Faction]),
    ("killed", &[Arg::Faction]),
    ("wounded", &[Arg::Faction]),
    ("captured", &[Arg::Faction]),
    ("deserted", &[Arg::Faction]),
    ("supply_days", &[Arg::Faction]),
    ("supplied_share", &[Arg::Faction]),
    ("holder", &[Arg::Place]),
    ("holds", &[Arg::Faction, Arg::Place]),
    ("contested", &[Arg::Place]),
    ("residents", &[Arg::Place]),
    ("displaced_here", &[Arg::Place]),
    ("refugees_here", &[Arg::Place]),
    ("dead", &[Arg::Place]),
    ("civilians_killed", &[Arg::Place]),
    ("died_of_hardship", &[Arg::Place]),
    ("civilians_wounded", &[Arg::Place]),
    ("military_killed", &[Arg::Place]),
    ("military_wounded", &[Arg::Place]),
    ("food_days", &[Arg::Place]),
    ("fall_day", &[Arg::Place]),
    ("fall_day_if", &[Arg::Place]),
    ("attention", &[Arg::Actor]),
    ("pressure", &[Arg::StateOrActor]),
    ("pressure_from", &[Arg::Actor]),
    ("pressure_on", &[Arg::State]),
    ("level", &[Arg::Actor]),
    ("instrument", &[Arg::Actor, Arg::Instrument]),
    ("resolve", &[Arg::State]),
    ("stance", &[Arg::State]),
    ("in_service", &[Arg::Air]),
    ("sorties", &[Arg::Air]),
    ("aircraft_lost", &[Arg::Air]),
    ("grounded", &[Arg::Air]),
    ("min", &[Arg::Series]),
    ("max", &[Arg::Series]),
    ("mean", &[Arg::Series]),
    ("first", &[Arg::Series]),
    ("last", &[Arg::Series]),
    ("first_day", &[Arg::Series]),
];

/// Names an identifier is matched by: lower case, spaces and hyphens as `_`.
pub fn normal(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The scenario's names an expression may use.
pub struct Scope<'a> {
    /// The theatre.
    pub theatre: &'a Theatre,
    /// Its politics.
    pub politics: &'a Politics,
}

/// The index of `name` among `ids`: the exact id, else the one id it matches in
/// [`normal`] form; `Err` with the nearest id.
fn find(name: &str, ids: &[&str], what: &str, span: &Range<usize>) -> Result<usize, Located> {
    if let Some(i) = ids.iter().position(|id| *id == name) {
        return Ok(i);
    }
    let n = normal(name);
    let matches: Vec<usize> = (0..ids.len()).filter(|&i| normal(ids[i]) == n).collect();
    match matches.as_slice() {
        [i] => Ok(*i),
        [] => {
            let hint = suggest(&n, ids.iter().copied())
                .or_else(|| suggest(name, ids.iter().copied()))
                .map(|s| format!("did you mean `{}`?", spelling(&s)));
            let list = if ids.is_empty() {
                format!("the scenario has no {what}s")
            } else {
                format!(
                    "the {what}s are {}",
                    ids.iter()
                        .take(12)
                        .map(|s| format!("`{}`", spelling(s)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ) + if ids.len() > 12 { ", …" } else { "" }
            };
            Err(located(
                span,
                format!("unknown {what} `{name}`"),
                Some(hint.map_or(list.clone(), |h| format!("{h} ({list})"))),
            ))
        }
        _ => Err(located(
            span,
            format!("`{name}` names more than one {what}"),
            Some("write the id exactly, in quotes if it has spaces".into()),
        )),
    }
}

/// How an id is written in an expression: as it is if it is a plain name, else in quotes.
pub fn spelling(id: &str) -> String {
    let plain = id
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && id.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        id.to_owned()
    } else if id
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == ' ' || c == '-')
    {
        normal(id)
    } else {
        format!("\"{id}\"")
    }
}

impl Scope<'_> {
    fn factions(&self) -> Vec<&str> {
        self.theatre
            .factions
            .iter()
            .map(|f| f.id.as_str())
            .collect()
    }
    fn places(&self) -> Vec<&str> {
        self.theatre.places.iter().map(|p| p.id.as_str()).collect()
    }
    fn actors(&self) -> Vec<&str> {
        self.politics.actors.iter().map(|a| a.id.as_str()).collect()
    }
    fn states(&self) -> Vec<&str> {
        self.politics
            .states
            .iter()
            .map(|s| s.name.as_str())
            .collect()
    }
    fn air(&self) -> Vec<&str> {
        self.theatre.air.iter().map(|a| a.id.as_str()).collect()
    }

    /// Check the whole expression.
    pub fn check(&self, raw: &Raw) -> Result<(Node, Ty), Located> {
        match &raw.kind {
            RawKind::Num(x) => Ok((Node::Const(*x), scalar(Kind::Number))),
            RawKind::Name(name) => self.bare(name, &raw.span),
            RawKind::Call(name, span, args) => self.call(name, span, args, &raw.span),
            RawKind::Neg(x) => {
                let (node, ty) = self.check(x)?;
                numeric(&ty, x, "`-`")?;
                Ok((
                    Node::Neg(Box::new(node)),
                    Ty {
                        shape: ty.shape,
                        kind: Kind::Number,
                    },
                ))
            }
            RawKind::Not(x, nots) => {
                let (node, ty) = self.check(x)?;
                numeric(&ty, x, "`not`")?;
                Ok((
                    Node::Not(Box::new(node), *nots == 1),
                    Ty {
                        shape: ty.shape,
                        kind: Kind::Indicator,
                    },
                ))
            }
            RawKind::At(x, time, span) => {
                if let Time::Day(d) = time
                    && *d < 0.0
                {
                    return Err(located(span, "a day before the start".into(), None));
                }
                let (node, ty) = self.check(x)?;
                Ok((
                    Node::At(Box::new(node), *time),
                    Ty {
                        shape: Shape::Scalar,
                        kind: ty.kind,
                    },
                ))
            }
            RawKind::Bin(op, a, b) => self.binary(*op, a, b),
        }
    }

    fn bare(&self, name: &str, span: &Range<usize>) -> Result<(Node, Ty), Located> {
        let n = normal(name);
        if let Some((_, q, kind)) = THEATRE.iter().find(|(t, _, _)| *t == n) {
            return Ok((Node::Series(Series::Theatre(*q)), series(*kind)));
        }
        let builtin = [
            "p_withdrawal",
            "p_ceasefire",
            "highest_rung",
            "peak_displaced",
        ];
        let help = if builtin.contains(&n.as_str()) || name.contains('.') {
            Some(format!(
                "`{name}` is a built-in metric name: use it alone as the whole --metric, or write the quantity as a function (e.g. `fall_day(goma)`, `max(rung)`)"
            ))
        } else if CALLS.iter().any(|(c, _)| *c == n) {
            Some(format!("`{name}` is a function: call it, e.g. `{n}(…)`"))
        } else {
            let names = THEATRE.iter().map(|t| t.0).chain(CALLS.iter().map(|c| c.0));
            suggest(&n, names).map(|s| format!("did you mean `{s}`?"))
        };
        Err(located(
            span,
            format!("unknown name `{name}`: not a quantity of the theatre"),
            help.or_else(|| {
                Some("`strife metrics` lists the quantities; docs/METRICS.md explains them".into())
            }),
        ))
    }

    fn name_arg<'r>(
        &self,
        arg: &'r Raw,
        what: Arg,
    ) -> Result<(&'r str, &'r Range<usize>), Located> {
        match &arg.kind {
            RawKind::Name(n) => Ok((n.as_str(), &arg.span)),
            _ => Err(located(
                &arg.span,
                format!("expected {} here", what.words()),
                Some("write its id, e.g. `goma`, or in quotes if it has spaces".into()),
            )),
        }
    }

    fn call(
        &self,
        name: &str,
        name_span: &Range<usize>,
        args: &[Raw],
        span: &Range<usize>,
    ) -> Result<(Node, Ty), Located> {
        let n = normal(name);
        let Some((fname, params)) = CALLS.iter().find(|(c, _)| *c == n) else {
            let hint = if THEATRE.iter().any(|t| t.0 == n) {
                Some(format!(
                    "`{n}` is a quantity of the whole theatre: write it without parentheses"
                ))
            } else {
                suggest(&n, CALLS.iter().map(|c| c.0)).map(|s| format!("did you mean `{s}`?"))
            };
            return Err(located(
                name_span,
                format!("unknown function `{name}`"),
                hint.or_else(|| Some("`strife metrics` lists the functions".into())),
            ));
        };
        if args.len() != params.len() {
            let want = params
                .iter()
                .map(|p| p.words())
                .collect::<Vec<_>>()
                .join(" and ");
            return Err(located(
                span,
                format!(
                    "`{fname}` takes {} argument{} ({want}), not {}",
                    params.len(),
                    if params.len() == 1 { "" } else { "s" },
                    args.len()
                ),
                None,
            ));
        }
        let f = |q| Ok((Node::Series(q), series(Kind::Number)));
        let one = |what: Arg| -> Result<usize, Located> {
            let (id, at) = self.name_arg(&args[0], what)?;
            match what {
                Arg::Faction => find(id, &self.factions(), "faction", at),
                Arg::Place => find(id, &self.places(), "place", at),
                Arg::Actor => find(id, &self.actors(), "actor", at),
                Arg::State => find(id, &self.states(), "state", at),
                _ => find(id, &self.air(), "air asset", at),
            }
        };
        use FactionQ as F;
        use PlaceQ as P;
        match *fname {
            "personnel" => f(Series::Faction(F::Personnel, one(Arg::Faction)?)),
            "killed" => f(Series::Faction(F::Killed, one(Arg::Faction)?)),
            "wounded" => f(Series::Faction(F::Wounded, one(Arg::Faction)?)),
            "captured" => f(Series::Faction(F::Captured, one(Arg::Faction)?)),
            "deserted" => f(Series::Faction(F::Deserted, one(Arg::Faction)?)),
            "supply_days" => f(Series::Faction(F::SupplyDays, one(Arg::Faction)?)),
            "supplied_share" => f(Series::Faction(F::SuppliedShare, one(Arg::Faction)?)),
            "holder" => Ok((
                Node::Series(Series::Holder(one(Arg::Place)?)),
                series(Kind::Faction),
            )),
            "holds" => {
                let (fid, fat) = self.name_arg(&args[0], Arg::Faction)?;
                let (pid, pat) = self.name_arg(&args[1], Arg::Place)?;
                let faction = find(fid, &self.factions(), "faction", fat)?;
                let place = find(pid, &self.places(), "place", pat)?;
                Ok((
                    Node::Series(Series::Holds(faction, place)),
                    series(Kind::Indicator),
                ))
            }
            "contested" => Ok((
                Node::Series(Series::Place(P::Contested, one(Arg::Place)?)),
                series(Kind::Indicator),
            )),
            "residents" => f(Series::Place(P::Residents, one(Arg::Place)?)),
            "displaced_here" => f(Series::Place(P::DisplacedHere, one(Arg::Place)?)),
            "refugees_here" => f(Series::Place(P::RefugeesHere, one(Arg::Place)?)),
            "dead" => f(Series::Place(P::Dead, one(Arg::Place)?)),
            "civilians_killed" => f(Series::Place(P::CiviliansKilled, one(Arg::Place)?)),
            "died_of_hardship" => f(Series::Place(P::DiedOfHardship, one(Arg::Place)?)),
            "civilians_wounded" => f(Series::Place(P::CiviliansWounded, one(Arg::Place)?)),
            "military_killed" => f(Series::Place(P::MilitaryKilled, one(Arg::Place)?)),
            "military_wounded" => f(Series::Place(P::MilitaryWounded, one(Arg::Place)?)),
            "food_days" => f(Series::Place(P::FoodDays, one(Arg::Place)?)),
            "fall_day" | "fall_day_if" => Ok((
                Node::FallDay(one(Arg::Place)?, *fname == "fall_day"),
                scalar(Kind::Number),
            )),
            "attention" => f(Series::Actor(ActorQ::Attention, one(Arg::Actor)?)),
            "pressure_from" => f(Series::Actor(ActorQ::PressureFrom, one(Arg::Actor)?)),
            "level" => f(Series::Actor(ActorQ::Level, one(Arg::Actor)?)),
            "pressure_on" => f(Series::State(StateQ::PressureOn, one(Arg::State)?)),
            "resolve" => f(Series::State(StateQ::Resolve, one(Arg::State)?)),
            "pressure" => {
                let (id, at) = self.name_arg(&args[0], Arg::StateOrActor)?;
                let states = self.states();
                if let Ok(s) = find(id, &states, "state", at) {
                    return f(Series::State(StateQ::PressureOn, s));
                }
                match find(id, &self.actors(), "actor", at) {
                    Ok(a) => f(Series::Actor(ActorQ::PressureFrom, a)),
                    Err(e) => {
                        let all: Vec<&str> = states.iter().copied().chain(self.actors()).collect();
                        let hint = suggest(&normal(id), all.iter().copied())
                            .map(|s| format!("did you mean `{}`?", spelling(&s)));
                        Err(Located {
                            message: format!("unknown state or actor `{id}`"),
                            help: hint.or(e.help),
                            ..e
                        })
                    }
                }
            }
            "stance" => Ok((
                Node::Series(Series::Stance(one(Arg::State)?)),
                series(Kind::Stance),
            )),
            "instrument" => {
                let (aid, aat) = self.name_arg(&args[0], Arg::Actor)?;
                let actor = find(aid, &self.actors(), "actor", aat)?;
                let (kid, kat) = self.name_arg(&args[1], Arg::Instrument)?;
                let names: Vec<&str> = INSTRUMENTS.iter().map(|i| i.0).collect();
                let k = find(kid, &names, "instrument", kat)?;
                Ok((
                    Node::Series(Series::Instrument(actor, INSTRUMENTS[k].1)),
                    series(Kind::Indicator),
                ))
            }
            "in_service" => f(Series::Air(AirQ::InService, one(Arg::Air)?)),
            "sorties" => f(Series::Air(AirQ::Sorties, one(Arg::Air)?)),
            "aircraft_lost" => f(Series::Air(AirQ::Lost, one(Arg::Air)?)),
            "grounded" => Ok((
                Node::Series(Series::Air(AirQ::Grounded, one(Arg::Air)?)),
                series(Kind::Indicator),
            )),
            "min" | "max" | "mean" | "first" | "last" | "first_day" => {
                let (node, ty) = self.check(&args[0])?;
                if ty.shape == Shape::Scalar {
                    return Err(located(
                        &args[0].span,
                        format!(
                            "`{fname}` takes a quantity over time, and this is one value per run"
                        ),
                        Some(format!(
                            "apply `{fname}` first and the time after: `{fname}(x) @ day 30` is over the run up to day 30"
                        )),
                    ));
                }
                let agg = match *fname {
                    "min" => Agg::Min,
                    "max" => Agg::Max,
                    "mean" => Agg::Mean,
                    "first" => Agg::First,
                    "last" => Agg::Last,
                    _ => Agg::FirstDay,
                };
                let kind = match agg {
                    Agg::First | Agg::Last => ty.kind,
                    Agg::FirstDay => {
                        numeric(&ty, &args[0], "`first_day`")?;
                        Kind::Number
                    }
                    Agg::Min | Agg::Max => {
                        numeric(&ty, &args[0], &format!("`{fname}`"))?;
                        ty.kind
                    }
                    Agg::Mean => {
                        numeric(&ty, &args[0], "`mean`")?;
                        Kind::Number
                    }
                };
                Ok((Node::Agg(agg, Box::new(node)), scalar(kind)))
            }
            other => Err(located(
                name_span,
                format!("unknown function `{other}`"),
                None,
            )),
        }
    }

    /// A bare name compared with a category: a faction or a stance.
    fn constant(&self, raw: &Raw, kind: Kind) -> Option<Result<(Node, Ty), Located>> {
        let RawKind::Name(name) = &raw.kind else {
            return None;
        };
        let found = match kind {
            Kind::Faction => find(name, &self.factions(), "faction", &raw.span),
            Kind::Stance => {
                let words: Vec<String> = STANCES.iter().map(|s| normal(s.word())).collect();
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                find(name, &words, "stance", &raw.span)
            }
            _ => return None,
        };
        Some(found.map(|i| (Node::Const(i as f64), scalar(kind))))
    }

    fn binary(&self, op: BinOp, a: &Raw, b: &Raw) -> Result<(Node, Ty), Located> {
        let (na, ta, nb, tb) = if op.is_comparison() {
            // A bare name beside a category names a value of it.
            let a_bare = matches!(a.kind, RawKind::Name(_));
            let b_bare = matches!(b.kind, RawKind::Name(_));
            if a_bare && !b_bare {
                let (nb, tb) = self.check(b)?;
                let (na, ta) = match self.constant(a, tb.kind) {
                    Some(r) => r?,
                    None => self.check(a)?,
                };
                (na, ta, nb, tb)
            } else {
                let (na, ta) = self.check(a)?;
                let (nb, tb) = match self.constant(b, ta.kind) {
                    Some(r) => r?,
                    None => self.check(b)?,
                };
                (na, ta, nb, tb)
            }
        } else {
            let (na, ta) = self.check(a)?;
            let (nb, tb) = self.check(b)?;
            (na, ta, nb, tb)
        };
        let shape = if ta.shape == Shape::Series || tb.shape == Shape::Series {
            Shape::Series
        } else {
            Shape::Scalar
        };
        let kind = if op.is_comparison() {
            if ta.kind.is_category() || tb.kind.is_category() {
                let whole = a.span.start..b.span.end;
                if ta.kind != tb.kind {
                    let (cat, other) = if ta.kind.is_category() {
                        (ta, b)
                    } else {
                        (tb, a)
                    };
                    return Err(located(
                        &other.span,
                        format!(
                            "a {} is compared with something that is not one",
                            if cat.kind == Kind::Faction {
                                "faction"
                            } else {
                                "stance"
                            }
                        ),
                        Some(if cat.kind == Kind::Faction {
                            "compare a holder with a faction id: `holder(goma) == m23`".into()
                        } else {
                            "compare a stance with a stance: `stance(rwanda) == withdraw`".into()
                        }),
                    ));
                }
                if !matches!(op, BinOp::Eq | BinOp::Ne) {
                    return Err(located(
                        &whole,
                        "factions and stances are compared with `==` or `!=` only".into(),
                        None,
                    ));
                }
            }
            Kind::Indicator
        } else {
            numeric(&ta, a, "an operator")?;
            numeric(&tb, b, "an operator")?;
            if op.is_logical() {
                Kind::Indicator
            } else {
                Kind::Number
            }
        };
        Ok((
            Node::Bin(op, Box::new(na), Box::new(nb)),
            Ty { shape, kind },
        ))
    }
}

fn series(kind: Kind) -> Ty {
    Ty {
        shape: Shape::Series,
        kind,
    }
}

fn scalar(kind: Kind) -> Ty {
    Ty {
        shape: Shape::Scalar,
        kind,
    }
}

/// `Err` unless `ty` is a number or an indicator.
fn numeric(ty: &Ty, raw: &Raw, what: &str) -> Result<(), Located> {
    match ty.kind {
        Kind::Number | Kind::Indicator => Ok(()),
        Kind::Faction => Err(located(
            &raw.span,
            format!("a faction is not a number for {what}"),
            Some(
                "compare it with a faction: `holder(goma) == m23`, or use `holds(m23, goma)`"
                    .into(),
            ),
        )),
        Kind::Stance => Err(located(
            &raw.span,
            format!("a stance is not a number for {what}"),
            Some("compare it: `stance(rwanda) == withdraw`".into()),
        )),
    }
}
