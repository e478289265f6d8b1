//! Checking a parsed scenario: references, ranges and the route graph, every problem at once.

use std::collections::{HashMap, HashSet, VecDeque};

use super::load::suggest;
use super::politics::{Action, Condition, OrderTarget};
use super::schema::{BorderStatus, EndCondition, Scenario};
use super::uncertain::{Distribution, Num, distributions, value_scenario};
use crate::error::Diagnostic;

/// Most personnel of one unit (persons).
pub const MAX_UNIT_PERSONNEL: f64 = 10_000_000.0;
/// Most personnel of all units together (persons): with it, every count of soldiers or losses
/// fits the 32-bit counters of a run (up to 4.29 billion) with room to spare.
pub const MAX_TOTAL_PERSONNEL: f64 = 1_000_000_000.0;
/// Most residents of one place (persons).
pub const MAX_POPULATION: f64 = 1_000_000_000.0;

/// Check a scenario; return every problem found, each located in `source` where possible.
pub fn validate(scenario: &Scenario, source: &str, file: &str) -> Result<(), Vec<Diagnostic>> {
    check(scenario, source, file, true)
}

/// Check a scenario whose strings are those of a scenario already checked with [`validate`]:
/// one whose uncertain inputs were drawn or set to numbers (a run of an ensemble, a design
/// point), which changes numbers only. Every check but that of the text's characters, which
/// walks every string of the scenario and would find the same as before (issue 20: 2.5 M
/// instructions, 1.4% of a Goma run of an ensemble).
pub fn validate_values(
    scenario: &Scenario,
    source: &str,
    file: &str,
) -> Result<(), Vec<Diagnostic>> {
    check(scenario, source, file, false)
}

/// [`validate`], checking the text's characters or not.
fn check(scenario: &Scenario, source: &str, file: &str, text: bool) -> Result<(), Vec<Diagnostic>> {
    let mut check = Checker {
        file,
        source,
        text,
        problems: Vec::new(),
    };
    check.run(scenario);
    if check.problems.is_empty() {
        Ok(())
    } else {
        Err(check.problems)
    }
}

/// The names a condition or action may refer to.
struct Refs<'a> {
    factions: &'a HashMap<&'a str, usize>,
    places: &'a HashMap<&'a str, usize>,
    sides: &'a HashSet<&'a str>,
    states: &'a HashMap<&'a str, usize>,
    actors: &'a HashMap<&'a str, usize>,
    events: &'a HashMap<&'a str, usize>,
}

struct Checker<'a> {
    file: &'a str,
    source: &'a str,
    /// Whether to check the characters of every string.
    text: bool,
    problems: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn run(&mut self, s: &Scenario) {
        self.check_run_settings(s);
        if self.text {
            let text_problems = super::text::check_text(s, self.source, self.file);
            self.problems.extend(text_problems);
        }
        let faction_ids = self.unique_ids("faction", s.factions.iter().map(|f| f.id.as_str()));
        let place_ids = self.unique_ids("place", s.places.iter().map(|p| p.id.as_str()));
        let unit_ids = self.unique_ids("unit", s.units.iter().map(|u| u.id.as_str()));
        let sides: HashSet<&str> = s.factions.iter().map(|f| f.side.as_str()).collect();

        for f in &s.factions {
            let valid_colour = f.colour.len() == 7
                && f.colour.starts_with('#')
                && f.colour[1..].chars().all(|c| c.is_ascii_hexdigit());
            if !valid_colour {
                self.problem_at(
                    "colour",
                    &f.colour,
                    format!("faction `{}`: colour `{}` is not `#rrggbb`", f.id, f.colour),
                    Some("write a colour as six hex digits, e.g. \"#1f77b4\"".into()),
                );
            }
            let what = format!("faction `{}`", f.id);
            self.in_range(&f.id, &what, "air_defence", f.air_defence, 0.0, 1.0);
            self.in_range(&f.id, &what, "fire.artillery", f.fire.artillery, 0.0, 1.0);
            self.in_range(&f.id, &what, "fire.drones", f.fire.drones, 0.0, 1.0);
            self.in_range(&f.id, &what, "civilian_abuse", f.civilian_abuse, 0.0, 1.0);
            let sum = f.fire.artillery + f.fire.drones;
            if sum > 1.0 + 1e-9 {
                self.problem_at(
                    "id",
                    &f.id,
                    format!("{what}: fire shares add up to {sum}; they must add up to at most 1"),
                    Some("the rest of a faction's fire is small arms".into()),
                );
            }
        }
        if s.factions.is_empty() {
            self.problem("the scenario has no factions", None);
        }
        self.check_campaigns(s, &place_ids);
        self.check_command_and_breaking(s, &unit_ids);
        self.check_sides(s, &faction_ids, &place_ids);
        if s.places.is_empty() {
            self.problem("the scenario has no places", None);
        }

        for p in &s.places {
            let what = format!("place `{}`", p.id);
            self.reference("controller", &p.controller, "faction", &faction_ids);
            self.in_range(&p.id, &what, "lat", p.lat, -90.0, 90.0);
            self.in_range(&p.id, &what, "lon", p.lon, -180.0, 180.0);
            self.in_range(
                &p.id,
                &what,
                "population",
                p.population,
                0.0,
                MAX_POPULATION,
            );
            self.in_range(&p.id, &what, "fortification", p.fortification, 0.0, 1.0);
            if let Some(BorderStatus::Limited(per_day)) = p.border {
                self.non_negative(&p.id, &what, "border: Limited", per_day);
            }
            if let Some(area) = p.area_km2
                && !(area.is_finite() && area > 0.0)
            {
                self.problem_at(
                    "id",
                    &p.id,
                    format!("{what}: area_km2 is {area}; it must be a number > 0"),
                    None,
                );
            }
            if let Some(shelter) = p.shelter {
                self.in_range(&p.id, &what, "shelter", shelter, 0.0, 1.0);
            }
            if let Some(capacity) = p.shelter_capacity {
                self.non_negative(&p.id, &what, "shelter_capacity", capacity);
            }
        }
        self.check_outlines(s);
        for r in &s.routes {
            let what = format!("route `{}` – `{}`", r.from, r.to);
            self.reference("from", &r.from, "place", &place_ids);
            self.reference("to", &r.to, "place", &place_ids);
            if r.from == r.to {
                self.problem_at("to", &r.to, format!("{what} joins a place to itself"), None);
            }
            if !(r.km.is_finite() && r.km > 0.0) {
                self.problem_at(
                    "from",
                    &r.from,
                    format!("{what}: km must be a positive number, not {}", r.km),
                    None,
                );
            }
            if r.kind == crate::scenario::RouteKind::Lake && r.surface.is_some() {
                self.problem_at(
                    "from",
                    &r.from,
                    format!("{what}: a `Lake` route has no surface (boats carry every unit alike)"),
                    Some("remove `surface`, or give the route another kind".into()),
                );
            }
            for (name, value) in [
                ("speed_kmh", r.speed_kmh),
                ("capacity_t_per_day", r.capacity_t_per_day),
                ("crossing_per_day", r.crossing_per_day),
            ] {
                if let Some(v) = value
                    && !(v.is_finite() && v > 0.0)
                {
                    self.problem_at(
                        "from",
                        &r.from,
                        format!("{what}: {name} must be a positive number, not {v}"),
                        None,
                    );
                }
            }
        }
        let graph = Graph::new(s, &place_ids);
        for u in &s.units {
            let what = format!("unit `{}`", u.id);
            self.reference("faction", &u.faction, "faction", &faction_ids);
            self.reference("place", &u.place, "place", &place_ids);
            self.in_range(
                &u.id,
                &what,
                "personnel",
                u.personnel,
                0.0,
                MAX_UNIT_PERSONNEL,
            );
            self.non_negative(&u.id, &what, "firepower", u.firepower);
            self.in_range(&u.id, &what, "morale", u.morale, 0.0, 1.0);
            self.non_negative(&u.id, &what, "supply_days", u.supply_days);
            for objective in &u.objectives {
                if self.reference("objectives", objective, "place", &place_ids)
                    && place_ids.contains_key(u.place.as_str())
                    && !graph.connected(&u.place, objective)
                {
                    self.problem_at(
                        "objectives",
                        objective,
                        format!(
                            "{what}: objective `{objective}` cannot be reached from `{}` by any route",
                            u.place
                        ),
                        Some("add a route, or pick an objective in the same part of the map".into()),
                    );
                }
            }
            if let Some(day) = u.arrival_day
                && !(day.is_finite() && (0.0..=s.duration_days).contains(&day))
            {
                self.problem_at(
                    "id",
                    &u.id,
                    format!(
                        "{what}: arrival_day {day} is outside the run (0 to {} days)",
                        s.duration_days
                    ),
                    None,
                );
            }
        }
        self.check_air(s, &faction_ids, &place_ids);
        let total: f64 = s.units.iter().map(|u| u.personnel).sum();
        if total > MAX_TOTAL_PERSONNEL {
            self.problem_key(
                "personnel",
                format!(
                    "the units' personnel add up to {total}; a scenario may have at most {MAX_TOTAL_PERSONNEL} in all"
                ),
            );
        }
        for (i, source) in s.supply_sources.iter().enumerate() {
            self.reference("place", &source.place, "place", &place_ids);
            for f in &source.factions {
                self.reference("factions", f, "faction", &faction_ids);
            }
            let value = source.tonnes_per_day;
            if !(value.is_finite() && value >= 0.0) {
                // Located at the source's own field, not at the place it names.
                let mut d = Diagnostic::new(
                    self.file,
                    format!(
                        "supply source at `{}`: tonnes_per_day is {value}; it must be a number ≥ 0",
                        source.place
                    ),
                );
                if let Some((line, col)) =
                    locate_in_section(self.source, "supply_sources", "tonnes_per_day", i)
                {
                    d = d.at(self.source, line, col);
                }
                self.problems.push(d);
            }
        }
        for end in &s.end_conditions {
            match end {
                EndCondition::PlaceCaptured { place, by } => {
                    self.reference("place", place, "place", &place_ids);
                    if let Some(by) = by
                        && !faction_ids.contains_key(by.as_str())
                        && !sides.contains(by.as_str())
                    {
                        let names = faction_ids.keys().copied().chain(sides.iter().copied());
                        self.problem_at(
                            "by",
                            by,
                            format!("unknown faction or side `{by}`"),
                            suggest(by, names).map(|s| format!("did you mean `{s}`?")),
                        );
                    }
                }
                EndCondition::SideBroken { side } => {
                    if !sides.contains(side.as_str()) {
                        self.problem_at(
                            "side",
                            side,
                            format!("unknown side `{side}`"),
                            suggest(side, sides.iter().copied())
                                .map(|s| format!("did you mean `{s}`?")),
                        );
                    }
                }
            }
        }
        if sides.len() > 64 {
            self.problem(
                format!("{} sides: at most 64 are supported", sides.len()),
                None,
            );
        }
        for source in &s.supply_sources {
            let side_of = |id: &String| {
                s.factions
                    .iter()
                    .find(|f| &f.id == id)
                    .map(|f| f.side.as_str())
            };
            let mut source_sides: Vec<&str> = source.factions.iter().filter_map(side_of).collect();
            source_sides.dedup();
            if source_sides.len() > 1 {
                self.problem_at(
                    "place",
                    &source.place,
                    format!(
                        "supply source at `{}` feeds factions of different sides ({})",
                        source.place,
                        source_sides.join(", ")
                    ),
                    Some("give each side its own source".into()),
                );
            }
        }
        for u in &s.units {
            if u.held && u.arrival_day.is_some() {
                self.problem_at(
                    "id",
                    &u.id,
                    format!("unit `{}` is both held and given an arrival_day", u.id),
                    Some("a held unit arrives when released; remove one of the two".into()),
                );
            }
        }
        self.check_params(s);
        self.check_politics(s, &faction_ids, &place_ids, &sides);
    }

    fn check_politics(
        &mut self,
        s: &Scenario,
        faction_ids: &HashMap<&str, usize>,
        place_ids: &HashMap<&str, usize>,
        sides: &HashSet<&str>,
    ) {
        let state_ids = self.unique_ids("state", s.states.iter().map(|st| st.id.as_str()));
        let actor_ids = self.unique_ids("actor", s.actors.iter().map(|a| a.id.as_str()));
        let event_ids = self.unique_ids("event", s.events.iter().map(|e| e.id.as_str()));
        let unit_ids: HashMap<&str, usize> = s
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.as_str(), i))
            .collect();
        let refs = Refs {
            factions: faction_ids,
            places: place_ids,
            sides,
            states: &state_ids,
            actors: &actor_ids,
            events: &event_ids,
        };
        for a in &s.actors {
            let what = format!("actor `{}`", a.id);
            self.reference("target", &a.target, "state", &state_ids);
            self.in_range(&a.id, &what, "closeness", a.closeness, 0.0, 1.0);
            self.non_negative(&a.id, &what, "decay_per_day", a.decay_per_day);
            self.non_negative(&a.id, &what, "lag_days", a.lag_days);
            let w = &a.weights;
            for (name, v) in [
                ("peacekeepers_killed", w.peacekeepers_killed),
                ("city_captured", w.city_captured),
                ("civilian_deaths", w.civilian_deaths),
                ("displaced", w.displaced),
                ("covert_exposure", w.covert_exposure),
                ("ceasefire_broken", w.ceasefire_broken),
                ("rupture", w.rupture),
                ("cross_border_fire", w.cross_border_fire),
                ("occupation", w.occupation),
                ("displaced_present", w.displaced_present),
                ("foreign_army", w.foreign_army),
                ("peacekeepers_under_fire", w.peacekeepers_under_fire),
                ("contingent_exit", w.contingent_exit),
            ] {
                self.non_negative(&a.id, &what, &format!("weights.{name}"), v);
            }
            let mut last = 0.0;
            for step in &a.ladder {
                self.non_negative(&a.id, &what, "ladder attention", step.attention);
                self.non_negative(&a.id, &what, "ladder pressure", step.pressure);
                if let Some(d) = step.deliberation_days {
                    self.non_negative(&a.id, &what, "ladder deliberation_days", d);
                }
                if step.attention < last {
                    self.problem_at(
                        "id",
                        &a.id,
                        format!(
                            "{what}: ladder steps must need rising attention ({} after {last})",
                            step.attention
                        ),
                        Some("list the instruments from the least to the most severe".into()),
                    );
                }
                last = step.attention;
            }
            if let Some(m) = &a.mediation {
                self.non_negative(&a.id, &what, "offer_attention", m.offer_attention);
                if !(m.ceasefire_days.is_finite() && m.ceasefire_days > 0.0) {
                    self.problem_at(
                        "id",
                        &a.id,
                        format!("{what}: ceasefire_days must be > 0"),
                        None,
                    );
                }
                if let Some(terms) = &m.terms {
                    for place in &terms.withdraw_from {
                        self.reference("withdraw_from", place, "place", place_ids);
                    }
                    if let Some(f) = &terms.return_to {
                        self.reference("return_to", f, "faction", faction_ids);
                    }
                    if !(terms.deadline_days.is_finite()
                        && terms.deadline_days > 0.0
                        && terms.deadline_days <= m.ceasefire_days)
                    {
                        self.problem_at(
                            "id",
                            &a.id,
                            format!(
                                "{what}: terms deadline_days must be > 0 and at most ceasefire_days ({}), not {}",
                                m.ceasefire_days, terms.deadline_days
                            ),
                            Some("the withdrawal is due while the ceasefire holds".into()),
                        );
                    }
                }
            }
        }
        for st in &s.states {
            let what = format!("state `{}`", st.id);
            if let Some(r) = st.resolve
                && !(r.is_finite() && r > 0.0)
            {
                self.problem_at(
                    "id",
                    &st.id,
                    format!("{what}: resolve must be > 0, not {r}"),
                    None,
                );
            }
            for f in st.forces.iter().chain(&st.proxies) {
                self.reference("forces", f, "faction", faction_ids);
            }
            for r in &st.reserves {
                if self.reference("reserves", r, "unit", &unit_ids)
                    && let Some(u) = s.units.iter().find(|u| &u.id == r)
                    && !u.held
                {
                    self.problem_at(
                        "reserves",
                        r,
                        format!("{what}: reserve `{r}` is not held back"),
                        Some(format!("add `held: true` to unit `{r}`")),
                    );
                }
            }
            if let Some(t) = st.casualty_tolerance {
                self.non_negative(&st.id, &what, "casualty_tolerance", t);
            }
            for p in &st.objectives {
                self.reference("objectives", p, "place", place_ids);
            }
            for p in &st.defends {
                self.reference("defends", p, "place", place_ids);
            }
            if let Some(f) = &st.partner {
                self.reference("partner", f, "faction", faction_ids);
            }
            if let Some(c) = &st.leave_when {
                self.condition(c, &refs, s.duration_days);
            }
            self.in_range(
                &st.id,
                &what,
                "partner_rout_share",
                st.partner_rout_share,
                0.0,
                1.0,
            );
            self.non_negative(&st.id, &what, "decision_lag_days", st.decision_lag_days);
            if let Some(c) = &st.request_help_when {
                self.condition(c, &refs, s.duration_days);
            }
            if let Some(i) = &st.intervention {
                if self.reference("on_request_of", &i.on_request_of, "state", &state_ids)
                    && i.on_request_of == st.id
                {
                    self.problem_at(
                        "on_request_of",
                        &i.on_request_of,
                        format!("{what}: an intervention answers another state's request"),
                        Some("name the ally that asks for help".into()),
                    );
                }
                self.condition(&i.when, &refs, s.duration_days);
                self.non_negative(&st.id, &what, "intervention lag_days", i.lag_days);
                for r in &i.units {
                    if self.reference("units", r, "unit", &unit_ids)
                        && let Some(u) = s.units.iter().find(|u| &u.id == r)
                        && !u.held
                    {
                        self.problem_at(
                            "units",
                            r,
                            format!("{what}: intervention unit `{r}` is not held back"),
                            Some(format!("add `held: true` to unit `{r}`")),
                        );
                    }
                }
            }
            let p = &st.policy;
            self.in_range(&st.id, &what, "draw_down_to", p.draw_down_to, 0.0, 1.0);
            for (name, v) in [
                ("reinforce_below", p.reinforce_below),
                ("draw_down_at", p.draw_down_at),
                ("withdraw_at", p.withdraw_at),
                ("draw_down_held_at", p.draw_down_held_at),
                ("reinforce_lag_days", p.reinforce_lag_days),
                ("hold_lag_days", p.hold_lag_days),
                ("draw_down_lag_days", p.draw_down_lag_days),
                ("withdraw_lag_days", p.withdraw_lag_days),
                ("resolve_erosion_per_day", p.resolve_erosion_per_day),
            ] {
                self.non_negative(&st.id, &what, name, v);
            }
            if !(p.reinforce_below <= p.draw_down_at && p.draw_down_at <= p.withdraw_at) {
                self.problem_at(
                    "id",
                    &st.id,
                    format!("{what}: policy needs reinforce_below ≤ draw_down_at ≤ withdraw_at"),
                    None,
                );
            }
            if !(p.decide_every_days.is_finite() && p.decide_every_days > 0.0) {
                self.problem_at(
                    "id",
                    &st.id,
                    format!("{what}: decide_every_days must be > 0"),
                    None,
                );
            }
        }
        for f in &s.factions {
            for st in &f.pressure_on {
                self.reference("pressure_on", st, "state", &state_ids);
            }
        }
        for rung in &s.escalation {
            self.condition(&rung.when, &refs, s.duration_days);
        }
        for e in &s.events {
            self.condition(&e.when, &refs, s.duration_days);
            for action in &e.actions {
                self.action(action, s, &refs, &unit_ids);
            }
        }
    }

    fn condition(&mut self, c: &Condition, refs: &Refs, duration: f64) {
        match c {
            Condition::Always | Condition::CovertExposed | Condition::Rupture => {}
            Condition::CrossBorderFire | Condition::CeasefireInForce => {}
            Condition::Day(d) => {
                // A day after the run's end is not a mistake (issue 14): the event is noted
                // and ignored (see `late_events`).
                if !(d.is_finite() && *d >= 0.0) {
                    let exact = format!("Day({d}");
                    let needle = if self.source.contains(&exact) {
                        exact.as_str()
                    } else {
                        "Day("
                    };
                    self.problem_key_value(
                        needle,
                        format!("Day({d}) is before the run's start (day 0 to {duration})"),
                    );
                }
            }
            Condition::Captured { place, by } => {
                self.reference("place", place, "place", refs.places);
                if let Some(by) = by {
                    self.captor(by, refs);
                }
            }
            Condition::HeldBy { place, by } => {
                self.reference("place", place, "place", refs.places);
                self.captor(by, refs);
            }
            Condition::Fighting(place) => {
                self.reference("Fighting", place, "place", refs.places);
            }
            Condition::PeacekeepersKilled(n)
            | Condition::CivilianDeaths(n)
            | Condition::Displaced(n) => {
                if !(n.is_finite() && *n >= 0.0) {
                    self.problem(
                        format!("a condition's threshold must be a number ≥ 0, not {n}"),
                        None,
                    );
                }
            }
            Condition::Pressure { state, .. } | Condition::Stance { state, .. } => {
                self.reference("state", state, "state", refs.states);
            }
            Condition::Instrument { actor, .. } => {
                self.reference("actor", actor, "actor", refs.actors);
            }
            Condition::Happened(event) => {
                self.reference("Happened", event, "event", refs.events);
            }
            Condition::All(cs) | Condition::Any(cs) => {
                for c in cs {
                    self.condition(c, refs, duration);
                }
            }
            Condition::Not(c) => self.condition(c, refs, duration),
        }
    }

    fn captor(&mut self, by: &str, refs: &Refs) {
        if !refs.factions.contains_key(by) && !refs.sides.contains(by) {
            let names = refs
                .factions
                .keys()
                .copied()
                .chain(refs.sides.iter().copied());
            self.problem_at(
                "by",
                by,
                format!("unknown faction or side `{by}`"),
                suggest(by, names).map(|s| format!("did you mean `{s}`?")),
            );
        }
    }

    fn action(&mut self, a: &Action, s: &Scenario, refs: &Refs, units: &HashMap<&str, usize>) {
        match a {
            Action::Instrument { actor, instrument } => {
                if self.reference("actor", actor, "actor", refs.actors)
                    && let Some(spec) = s.actors.iter().find(|x| &x.id == actor)
                    && !spec
                        .ladder
                        .iter()
                        .any(|step| step.instrument == *instrument)
                {
                    let on: Vec<&str> =
                        spec.ladder.iter().map(|st| st.instrument.words()).collect();
                    self.problem_at(
                        "actor",
                        actor,
                        format!(
                            "actor `{actor}` has no {} on its ladder",
                            instrument.words()
                        ),
                        Some(format!("its ladder has: {}", on.join(", "))),
                    );
                }
            }
            Action::Attention { actor, amount } => {
                self.reference("actor", actor, "actor", refs.actors);
                if !amount.is_finite() {
                    self.problem("an Attention action needs a finite amount".to_owned(), None);
                }
            }
            Action::Rupture => {}
            Action::RequestHelp(state) => {
                self.reference("RequestHelp", state, "state", refs.states);
            }
            Action::MediationOffer(actor) => {
                if self.reference("MediationOffer", actor, "actor", refs.actors)
                    && s.actors
                        .iter()
                        .any(|x| &x.id == actor && x.mediation.is_none())
                {
                    self.problem_at(
                        "MediationOffer",
                        actor,
                        format!("actor `{actor}` does not mediate"),
                        Some(format!(
                            "give `{actor}` a `mediation: (offer_attention: ...)`"
                        )),
                    );
                }
            }
            Action::Release(unit) => {
                if self.reference("Release", unit, "unit", units)
                    && s.units.iter().any(|u| &u.id == unit && !u.held)
                {
                    self.problem_at(
                        "Release",
                        unit,
                        format!("unit `{unit}` is released by an event but is not held back"),
                        Some(format!("add `held: true` to unit `{unit}`")),
                    );
                }
            }
            Action::Firepower { faction, factor } => {
                self.reference("faction", faction, "faction", refs.factions);
                self.non_negative(faction, "a Firepower action", "factor", *factor);
            }
            Action::Morale { faction, delta } => {
                self.reference("faction", faction, "faction", refs.factions);
                if !delta.is_finite() {
                    self.problem("a Morale action needs a finite delta".to_owned(), None);
                }
            }
            Action::Relation { a, b, .. } => {
                self.reference("a", a, "faction", refs.factions);
                self.reference("b", b, "faction", refs.factions);
                if a == b {
                    self.problem_at(
                        "a",
                        a,
                        format!("a Relation action relates faction `{a}` to itself"),
                        Some("name two different factions in `a` and `b`".into()),
                    );
                }
            }
            Action::Border { place, status } => {
                self.reference("place", place, "place", refs.places);
                if let BorderStatus::Limited(per_day) = status {
                    self.non_negative(place, "a Border action", "Limited", *per_day);
                }
            }
            Action::SetParam { path, value } => {
                match super::params::set_param(&s.params, path, *value) {
                    Err(why) => self.problem_at("path", path, format!("SetParam: {why}"), None),
                    Ok(set) if value.is_finite() => {
                        let before = param_problems(&s.params);
                        for (_, why) in param_problems(&set) {
                            if !before.iter().any(|(_, b)| *b == why) {
                                let why = why.trim_start_matches("params: ");
                                self.problem_at(
                                    "path",
                                    path,
                                    format!("SetParam `{path}` to {value}: {why}"),
                                    None,
                                );
                            }
                        }
                    }
                    Ok(_) => {}
                }
                if !value.is_finite() {
                    self.problem_at(
                        "path",
                        path,
                        format!("SetParam `{path}`: value must be finite"),
                        None,
                    );
                }
            }
            Action::Order {
                target,
                posture: _,
                objectives,
                campaign,
            } => {
                let what = match target {
                    OrderTarget::Unit(u) => {
                        self.reference("Unit", u, "unit", units);
                        format!("an Order to unit `{u}`")
                    }
                    OrderTarget::Faction(f) => {
                        self.reference("Faction", f, "faction", refs.factions);
                        format!("an Order to faction `{f}`")
                    }
                    OrderTarget::Side(side) => {
                        if !refs.sides.contains(side.as_str()) {
                            self.problem_at(
                                "Side",
                                side,
                                format!("unknown side `{side}`"),
                                suggest(side, refs.sides.iter().copied())
                                    .map(|s| format!("did you mean `{s}`?")),
                            );
                        }
                        format!("an Order to side `{side}`")
                    }
                };
                for o in objectives.iter().flatten() {
                    self.reference("objectives", o, "place", refs.places);
                }
                if let Some(campaign) = campaign {
                    if let OrderTarget::Unit(u) = target {
                        self.problem_at(
                            "campaign",
                            u,
                            format!("{what} gives a campaign; campaigns belong to a side"),
                            Some(
                                "order the unit's faction or side, or give the unit `objectives`"
                                    .into(),
                            ),
                        );
                    }
                    self.campaign(&what, campaign, refs.places);
                }
            }
            Action::Flee(unit) => {
                self.reference("Flee", unit, "unit", units);
            }
        }
    }

    /// A problem located at the first occurrence of `needle` in the source.
    fn problem_key_value(&mut self, needle: &str, message: String) {
        let mut d = Diagnostic::new(self.file, message);
        if let Some(offset) = self.source.find(needle) {
            let (line, col) = line_col(self.source, offset);
            d = d.at(self.source, line, col);
        }
        self.problems.push(d);
    }

    fn check_run_settings(&mut self, s: &Scenario) {
        if !(s.duration_days.is_finite() && (1.0..=3650.0).contains(&s.duration_days)) {
            self.problem_key(
                "duration_days",
                format!(
                    "duration_days is {}; it must be between 1 and 3650",
                    s.duration_days
                ),
            );
        }
        let first = chrono::NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(chrono::NaiveDate::MIN);
        let last = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(chrono::NaiveDate::MAX);
        let end = chrono::TimeDelta::try_days(s.duration_days.clamp(0.0, 3650.0).ceil() as i64)
            .and_then(|d| s.start_date.checked_add_signed(d));
        if s.start_date < first || end.is_none_or(|end| end > last) {
            self.problem_key(
                "start_date",
                format!(
                    "start_date is {}; a run must start on or after 0001-01-01 and end by \
                     9999-12-31 (start_date + duration_days)",
                    s.start_date
                ),
            );
        }
        if !(s.tick_hours.is_finite() && (0.25..=24.0).contains(&s.tick_hours)) {
            self.problem_key(
                "tick_hours",
                format!(
                    "tick_hours is {}; it must be between 0.25 and 24",
                    s.tick_hours
                ),
            );
        }
    }

    fn check_params(&mut self, s: &Scenario) {
        for (name, message) in param_problems(&s.params) {
            self.problem_key(name, message);
        }
    }

    /// Check ids are unique; return a map from id to index.
    fn unique_ids<'s>(
        &mut self,
        what: &str,
        ids: impl Iterator<Item = &'s str>,
    ) -> HashMap<&'s str, usize> {
        let mut seen = HashMap::new();
        for (index, id) in ids.enumerate() {
            if id.is_empty() {
                self.problem(format!("a {what} has an empty id"), None);
            } else if seen.insert(id, index).is_some() {
                let (line, col) = nth_value_position(self.source, "id", id, 1).unwrap_or((0, 0));
                let mut d = Diagnostic::new(self.file, format!("duplicate {what} id `{id}`"))
                    .help(format!("each {what} needs its own id"));
                if line > 0 {
                    d = d.at(self.source, line, col);
                }
                self.problems.push(d);
            }
        }
        seen
    }

    /// Check a reference; return whether it resolves.
    fn reference(
        &mut self,
        key: &str,
        name: &str,
        what: &str,
        known: &HashMap<&str, usize>,
    ) -> bool {
        if known.contains_key(name) {
            return true;
        }
        let help = suggest(name, known.keys().copied())
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| {
                let mut names: Vec<&str> = known.keys().copied().collect();
                names.sort_unstable();
                (!names.is_empty()).then(|| format!("known {what}s: {}", names.join(", ")))
            });
        self.problem_at(key, name, format!("unknown {what} `{name}`"), help);
        false
    }

    /// Relations, recruitment and depots (issue 14): known factions and places, rates and caps
    /// that are numbers ≥ 0, at most 128 factions.
    fn check_sides(
        &mut self,
        s: &Scenario,
        faction_ids: &HashMap<&str, usize>,
        place_ids: &HashMap<&str, usize>,
    ) {
        if s.factions.len() > 128 {
            self.problem(
                format!("{} factions: at most 128 are supported", s.factions.len()),
                None,
            );
        }
        for r in &s.relations {
            self.reference("a", &r.a, "faction", faction_ids);
            self.reference("b", &r.b, "faction", faction_ids);
            if r.a == r.b {
                self.problem_at(
                    "a",
                    &r.a,
                    format!("relations: faction `{}` is related to itself", r.a),
                    Some("name two different factions in `a` and `b`".into()),
                );
            }
        }
        for f in &s.factions {
            let Some(r) = &f.recruitment else { continue };
            let what = format!("faction `{}`: recruitment", f.id);
            self.non_negative(
                &f.id,
                &what,
                "per_1000_residents_per_day",
                r.per_1000_residents_per_day,
            );
            self.non_negative(&f.id, &what, "cap", r.cap);
            for place in &r.places {
                self.reference("places", place, "place", place_ids);
            }
        }
        for p in &s.places {
            let Some(d) = &p.depot else { continue };
            let what = format!("place `{}`: depot", p.id);
            self.non_negative(&p.id, &what, "stocks_t", d.stocks_t);
            self.non_negative(&p.id, &what, "equipment", d.equipment);
        }
    }

    /// Air assets (issue 14): known factions and bases, and numbers in their ranges.
    fn check_air(
        &mut self,
        s: &Scenario,
        faction_ids: &HashMap<&str, usize>,
        place_ids: &HashMap<&str, usize>,
    ) {
        self.unique_ids("air asset", s.air.iter().map(|a| a.id.as_str()));
        for a in &s.air {
            let what = format!("air asset `{}`", a.id);
            self.reference("faction", &a.faction, "faction", faction_ids);
            self.reference("base", &a.base, "place", place_ids);
            self.in_range(&a.id, &what, "count", a.count, 0.0, 10_000.0);
            self.in_range(
                &a.id,
                &what,
                "sorties_per_day",
                a.sorties_per_day,
                0.0,
                24.0,
            );
            if !(a.range_km.is_finite() && a.range_km > 0.0 && a.range_km <= 20_000.0) {
                self.problem_at(
                    "id",
                    &a.id,
                    format!(
                        "{what}: range_km is {}; it must be above 0 and at most 20000 km",
                        a.range_km
                    ),
                    None,
                );
            }
            if let Some(power) = a.strike_power {
                self.non_negative(&a.id, &what, "strike_power", power);
            }
        }
    }

    /// Campaigns (issue 13): known places, conditions on the campaign's own objectives, and a
    /// pause that is a number of days.
    fn check_campaigns(&mut self, s: &Scenario, place_ids: &HashMap<&str, usize>) {
        for f in &s.factions {
            let what = format!("faction `{}`", f.id);
            self.campaign(&what, &f.campaign, place_ids);
        }
    }

    /// One campaign (a faction's, or an `Order`'s): its places, pauses and conditions.
    fn campaign(
        &mut self,
        what: &str,
        campaign: &[super::schema::CampaignObjective],
        place_ids: &HashMap<&str, usize>,
    ) {
        for (k, o) in campaign.iter().enumerate() {
            self.reference("place", &o.place, "place", place_ids);
            if !(o.consolidate_days.is_finite() && o.consolidate_days >= 0.0) {
                self.problem_at(
                    "place",
                    &o.place,
                    format!(
                        "{what}: campaign objective `{}`: consolidate_days must be a number ≥ 0, not {}",
                        o.place, o.consolidate_days
                    ),
                    None,
                );
            }
            for a in o.after.iter().flatten() {
                if self.reference("after", a, "place", place_ids)
                    && !campaign[..k].iter().any(|earlier| &earlier.place == a)
                {
                    self.problem_at(
                        "after",
                        a,
                        format!(
                            "{what}: campaign objective `{}` comes after `{a}`, which is not an earlier objective of the campaign",
                            o.place
                        ),
                        Some(format!(
                            "list `{a}` as an objective before `{}`, or drop it from `after`",
                            o.place
                        )),
                    );
                }
            }
        }
    }

    /// Commanders, headquarters, paper strength and break shares of units and factions
    /// (issue 14, "Commanders" and "Dissolution").
    fn check_command_and_breaking(&mut self, s: &Scenario, unit_ids: &HashMap<&str, usize>) {
        for f in &s.factions {
            let what = format!("faction `{}`", f.id);
            if let Some(hq) = &f.headquarters
                && self.reference("headquarters", hq, "unit", unit_ids)
                && s.units.iter().any(|u| &u.id == hq && u.faction != f.id)
            {
                self.problem_at(
                    "headquarters",
                    hq,
                    format!("{what}: headquarters `{hq}` is a unit of another faction"),
                    Some(format!(
                        "name a unit of `{}`, or give units a `commander`",
                        f.id
                    )),
                );
            }
            if let Some(x) = f.desertion_on_break {
                self.in_range(&f.id, &what, "desertion_on_break", x, 0.0, 1.0);
            }
            if let Some(x) = f.dissolution_on_break {
                self.in_range(&f.id, &what, "dissolution_on_break", x, 0.0, 1.0);
            }
        }
        for u in &s.units {
            let what = format!("unit `{}`", u.id);
            if let Some(c) = &u.commander
                && self.reference("commander", c, "unit", unit_ids)
                && c == &u.id
            {
                self.problem_at(
                    "commander",
                    c,
                    format!("{what} is named as its own commander"),
                    Some("name another unit, or leave `commander` out".into()),
                );
            }
            if let Some(paper) = u.paper_personnel {
                self.in_range(
                    &u.id,
                    &what,
                    "paper_personnel",
                    paper,
                    u.personnel,
                    MAX_UNIT_PERSONNEL,
                );
            }
            if let Some(x) = u.desertion_on_break {
                self.in_range(&u.id, &what, "desertion_on_break", x, 0.0, 1.0);
            }
            if let Some(x) = u.dissolution_on_break {
                self.in_range(&u.id, &what, "dissolution_on_break", x, 0.0, 1.0);
            }
        }
    }

    /// Map outlines: at least two points each, every one a real latitude and longitude.
    fn check_outlines(&mut self, s: &Scenario) {
        for o in &s.outlines {
            let what = format!("outline `{}`", o.name);
            if o.points.len() < 2 {
                self.problem_at(
                    "name",
                    &o.name,
                    format!("{what} has {} point(s); it needs at least 2", o.points.len()),
                    Some("give its vertices as (lat, lon) pairs: points: [(-1.6, 29.1), (-1.7, 29.2)]".into()),
                );
            }
            for (k, &(lat, lon)) in o.points.iter().enumerate() {
                let ok = |v: f64, limit: f64| v.is_finite() && (-limit..=limit).contains(&v);
                if !(ok(lat, 90.0) && ok(lon, 180.0)) {
                    self.problem_at(
                        "name",
                        &o.name,
                        format!(
                            "{what}: point {} is ({lat}, {lon}); latitude must be between -90 and 90 and longitude between -180 and 180",
                            k + 1
                        ),
                        Some("points are (lat, lon) in decimal degrees: is a pair swapped?".into()),
                    );
                }
            }
        }
    }

    fn in_range(&mut self, id: &str, what: &str, field: &str, value: f64, lo: f64, hi: f64) {
        if !(value.is_finite() && (lo..=hi).contains(&value)) {
            self.problem_at(
                "id",
                id,
                format!("{what}: {field} is {value}; it must be between {lo} and {hi}"),
                None,
            );
        }
    }

    fn non_negative(&mut self, id: &str, what: &str, field: &str, value: f64) {
        if !(value.is_finite() && value >= 0.0) {
            self.problem_at(
                "id",
                id,
                format!("{what}: {field} is {value}; it must be a number ≥ 0"),
                None,
            );
        }
    }

    fn problem(&mut self, message: impl Into<String>, help: Option<String>) {
        let mut d = Diagnostic::new(self.file, message);
        if let Some(h) = help {
            d = d.help(h);
        }
        self.problems.push(d);
    }

    /// A problem located at the string value `"value"` of field `key`.
    fn problem_at(&mut self, key: &str, value: &str, message: String, help: Option<String>) {
        let mut d = Diagnostic::new(self.file, message);
        if let Some((line, col)) = nth_value_position(self.source, key, value, 0) {
            d = d.at(self.source, line, col);
        }
        if let Some(h) = help {
            d = d.help(h);
        }
        self.problems.push(d);
    }

    /// A problem located at the first field named `key`.
    fn problem_key(&mut self, key: &str, message: String) {
        let mut d = Diagnostic::new(self.file, message);
        if let Some(offset) = find_key(self.source, key) {
            let (line, col) = line_col(self.source, offset);
            d = d.at(self.source, line, col);
        }
        self.problems.push(d);
    }
}

/// Notes on the events dated after the run's end (issue 14): each `when` that is `Day(d)`, or
/// an `All` holding one, with `d` past `duration_days` never comes to pass in a run. Such an
/// event is not a mistake (a scenario may record what happened after its window): it is
/// noted ("event `X` on DATE (day D) is after the run's end (day N); ignored") and ignored.
pub fn late_events<N: crate::scenario::Number>(s: &Scenario<N>) -> Vec<String> {
    fn last_day(c: &Condition) -> Option<f64> {
        match c {
            Condition::Day(d) => Some(*d),
            Condition::All(cs) => cs.iter().filter_map(last_day).reduce(f64::max),
            _ => None,
        }
    }
    s.events
        .iter()
        .filter_map(|e| {
            let d = last_day(&e.when)?;
            (d.is_finite() && d > s.duration_days).then(|| {
                let date = chrono::TimeDelta::try_seconds((d * 86_400.0).min(1e12) as i64)
                    .and_then(|t| s.start_date.checked_add_signed(t))
                    .map_or_else(String::new, |date| format!(" on {date}"));
                format!(
                    "event `{}`{date} (day {d}) is after the run's end (day {}); ignored",
                    e.id, s.duration_days
                )
            })
        })
        .collect()
}

/// Every parameter out of its range: (name, message). Shares are 0–1, the rest ≥ 0; the
/// same ranges apply to a parameter set by a `SetParam` event.
fn param_problems(p: &crate::scenario::Params) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    let mut out_of_range = |list: &[(&'static str, f64)], ok: fn(f64) -> bool, range: &str| {
        for &(name, value) in list {
            if !(value.is_finite() && ok(value)) {
                problems.push((
                    name,
                    format!("params: {name} is {value}; it must be {range}"),
                ));
            }
        }
    };
    let c = &p.combat;
    let m = &p.morale;
    let shares = [
        ("max_daily_loss", c.max_daily_loss),
        ("killed_share", c.killed_share),
        ("peacekeeper_exposure", c.peacekeeper_exposure),
        ("regional_force_exposure", c.regional_force_exposure),
        ("breakpoint_losses", c.breakpoint_losses),
        ("breakpoint_morale", c.breakpoint_morale),
        ("desertion_on_break", c.desertion_on_break),
        ("dissolution_chance", p.breaking.dissolution_chance),
        ("commander_loss_shock", p.breaking.commander_loss_shock),
        (
            "leaderless_rally_threshold",
            p.breaking.leaderless_rally_threshold,
        ),
        ("out_of_supply_firepower", p.supply.out_of_supply_firepower),
        ("minor_place_share", m.minor_place_share),
        ("victory_share", m.victory_share),
        ("shock_ally_share", m.shock_ally_share),
        ("rally_threshold", m.rally_threshold),
        ("compliance_base", p.diplomacy.compliance_base),
        ("breakout_loss_share", p.cut_off.breakout_loss_share),
        ("default_shelter", p.human_cost.default_shelter),
        ("camp_shelter", p.human_cost.camp_shelter),
        ("shelter_protection", p.human_cost.shelter_protection),
        ("civilian_killed_share", p.human_cost.civilian_killed_share),
        ("base_refuge_share", p.cut_off.base_refuge_share),
        ("jet_loss_per_sortie", p.air.jet_loss_per_sortie),
        (
            "helicopter_loss_per_sortie",
            p.air.helicopter_loss_per_sortie,
        ),
        ("drone_loss_per_sortie", p.air.drone_loss_per_sortie),
    ];
    out_of_range(&shares, |v| (0.0..=1.0).contains(&v), "between 0 and 1");
    let t = &c.terrain;
    let positives = [
        ("attacker_base_rate", c.attacker_base_rate),
        ("defender_base_rate", c.defender_base_rate),
        ("force_ratio_exponent", c.force_ratio_exponent),
        ("noise_sigma", c.noise_sigma),
        ("fortification_bonus", c.fortification_bonus),
        ("reserve_factor", c.reserve_factor),
        ("withdraw_factor", c.withdraw_factor),
        ("open", t.open),
        ("hills", t.hills),
        ("mountains", t.mountains),
        ("forest", t.forest),
        ("urban", t.urban),
        ("swamp", t.swamp),
        ("withdraw_speedup", p.movement.withdraw_speedup),
        ("reserve_reach_hours", p.movement.reserve_reach_hours),
        (
            "consumption_kg_per_person_day",
            p.supply.consumption_kg_per_person_day,
        ),
        ("max_days", p.supply.max_days),
        ("road_capacity", p.supply.road_capacity),
        ("track_capacity", p.supply.track_capacity),
        ("lake_capacity", p.supply.lake_capacity),
        ("border_capacity", p.supply.border_capacity),
        ("loss_sensitivity", m.loss_sensitivity),
        ("out_of_supply_per_day", m.out_of_supply_per_day),
        ("encircled_per_day", m.encircled_per_day),
        ("recovery_per_day", m.recovery_per_day),
        ("key_place_shock", m.key_place_shock),
        ("rout_shock", m.rout_shock),
        ("shock_length_hours", m.shock_length_hours),
        ("rout_radius_km", m.rout_radius_km),
        ("rally_min_supply_days", p.breaking.rally_min_supply_days),
        (
            "flight_fighting_per_day",
            p.civilians.flight_fighting_per_day,
        ),
        ("flight_threat_per_day", p.civilians.flight_threat_per_day),
        ("near_fight_km", p.civilians.near_fight_km),
        ("people_per_soldier", p.civilians.people_per_soldier),
        ("flight_hunger_per_day", p.civilians.flight_hunger_per_day),
        ("flight_reach_hours", p.civilians.flight_reach_hours),
        ("camp_preference", p.civilians.camp_preference),
        (
            "fight_area_km2_per_soldier",
            p.civilians.fight_area_km2_per_soldier,
        ),
        (
            "flight_occupier_per_day",
            p.civilians.flight_occupier_per_day,
        ),
        ("occupier_fear_days", p.civilians.occupier_fear_days),
        ("flight_strike_per_day", p.civilians.flight_strike_per_day),
        ("strike_reach_km", p.civilians.strike_reach_km),
        ("strike_half_soldiers", p.civilians.strike_half_soldiers),
        ("mass_exponent", p.civilians.mass_exponent),
        ("travel_scale_hours", p.civilians.travel_scale_hours),
        ("kin_preference", p.civilians.kin_preference),
        ("feared_holder_weight", p.civilians.feared_holder_weight),
        ("flight_destinations", p.civilians.flight_destinations),
        ("food_days", p.civilians.food_days),
        (
            "exposure_per_1000_per_day",
            p.diplomacy.exposure_per_1000_per_day,
        ),
        (
            "ceasefire_base_acceptance",
            p.diplomacy.ceasefire_base_acceptance,
        ),
        (
            "ceasefire_pressure_weight",
            p.diplomacy.ceasefire_pressure_weight,
        ),
        (
            "ceasefire_momentum_weight",
            p.diplomacy.ceasefire_momentum_weight,
        ),
        ("momentum_days", p.diplomacy.momentum_days),
        (
            "ceasefire_break_per_day",
            p.diplomacy.ceasefire_break_per_day,
        ),
        ("reoffer_days", p.diplomacy.reoffer_days),
        (
            "cross_border_fire_per_day",
            p.diplomacy.cross_border_fire_per_day,
        ),
        ("cross_border_deaths", p.diplomacy.cross_border_deaths),
        ("abandonment_shock", p.diplomacy.abandonment_shock),
        ("talk_deliberation_days", p.diplomacy.talk_deliberation_days),
        (
            "binding_deliberation_days",
            p.diplomacy.binding_deliberation_days,
        ),
        ("lift_after_days", p.diplomacy.lift_after_days),
        (
            "compliance_pressure_weight",
            p.diplomacy.compliance_pressure_weight,
        ),
        (
            "compliance_balance_weight",
            p.diplomacy.compliance_balance_weight,
        ),
        ("shock_per_decade", m.shock_per_decade),
        ("surrender_per_day", p.cut_off.surrender_per_day),
        ("desertion_per_day", p.cut_off.desertion_per_day),
        ("out_of_supply_factor", p.cut_off.out_of_supply_factor),
        ("morale_weight", p.cut_off.morale_weight),
        ("breakout_per_day", p.cut_off.breakout_per_day),
        (
            "explosive_casualties_per_soldier_day",
            p.human_cost.explosive_casualties_per_soldier_day,
        ),
        ("small_arms_factor", p.human_cost.small_arms_factor),
        ("drone_factor", p.human_cost.drone_factor),
        ("host_share", p.human_cost.host_share),
        (
            "displaced_excess_per_10k_day",
            p.human_cost.displaced_excess_per_10k_day,
        ),
        (
            "unfed_excess_per_10k_day",
            p.human_cost.unfed_excess_per_10k_day,
        ),
        ("unsheltered_factor", p.human_cost.unsheltered_factor),
        (
            "capture_disruption_days",
            p.human_cost.capture_disruption_days,
        ),
        ("base_reach_km", p.cut_off.base_reach_km),
        ("assault_ratio", p.command.assault_ratio),
        ("max_wait_days", p.command.max_wait_days),
        ("pause_supply_days", p.command.pause_supply_days),
        ("commit_reach_hours", p.command.commit_reach_hours),
        ("drone_strike_power", p.air.drone_strike_power),
        ("jet_strike_power", p.air.jet_strike_power),
        ("helicopter_strike_power", p.air.helicopter_strike_power),
    ];
    out_of_range(&positives, |v| v >= 0.0, "a number ≥ 0");
    // The sizing of a place's fall's morale shock (issue 13) divides by or takes a logarithm
    // of these.
    let above_zero = [
        ("shock_reference_population", m.shock_reference_population),
        ("shock_min_population", m.shock_min_population),
        ("shock_floor", m.shock_floor),
        ("hazard_doubling_days", p.cut_off.hazard_doubling_days),
        (
            "reference_density_per_km2",
            p.human_cost.reference_density_per_km2,
        ),
        ("urban_density_per_km2", p.human_cost.urban_density_per_km2),
        ("camp_density_per_km2", p.human_cost.camp_density_per_km2),
        ("other_density_per_km2", p.human_cost.other_density_per_km2),
        ("lake_crossing_per_day", p.movement.lake_crossing_per_day),
        // Issue 14: a unit's speed divides a route's length.
        ("lake_kmh", p.movement.lake_kmh),
        ("foot.paved_kmh", p.movement.foot.paved_kmh),
        ("foot.dirt_kmh", p.movement.foot.dirt_kmh),
        ("foot.track_kmh", p.movement.foot.track_kmh),
        ("trucks.paved_kmh", p.movement.trucks.paved_kmh),
        ("trucks.dirt_kmh", p.movement.trucks.dirt_kmh),
        ("trucks.track_kmh", p.movement.trucks.track_kmh),
        ("mechanised.paved_kmh", p.movement.mechanised.paved_kmh),
        ("mechanised.dirt_kmh", p.movement.mechanised.dirt_kmh),
        ("mechanised.track_kmh", p.movement.mechanised.track_kmh),
    ];
    out_of_range(&above_zero, |v| v > 0.0, "a number > 0");
    let hours = [
        ("foot.hours_per_day", p.movement.foot.hours_per_day),
        ("trucks.hours_per_day", p.movement.trucks.hours_per_day),
        (
            "mechanised.hours_per_day",
            p.movement.mechanised.hours_per_day,
        ),
    ];
    out_of_range(
        &hours,
        |v| v > 0.0 && v <= 24.0,
        "above 0 and at most 24 hours",
    );
    problems
}

/// The position of the `nth` occurrence of `key: "value"` (or, failing that, of `"value"`).
fn nth_value_position(source: &str, key: &str, value: &str, nth: usize) -> Option<(usize, usize)> {
    let quoted = format!("\"{value}\"");
    let occurrences: Vec<usize> = source.match_indices(&quoted).map(|(i, _)| i).collect();
    let after_key: Vec<usize> = occurrences
        .iter()
        .copied()
        .filter(|&i| {
            let before = source[..i].trim_end();
            let before = before.strip_suffix(':').unwrap_or(before).trim_end();
            let before = before.trim_end_matches(['(', '[', ',', ' ', '\n', '\r', '\t']);
            before.ends_with(key) || source[..i].trim_end().ends_with(&format!("{key}:"))
        })
        .collect();
    after_key
        .get(nth)
        .or_else(|| after_key.first())
        .or_else(|| occurrences.first())
        .map(|&i| line_col(source, i))
}

/// Position of a path like `units.rdf_north.personnel` or `routes[3].km`: the field name that
/// follows the entry's id (or the n-th entry), else the first field of that name.
pub fn locate_path(source: &str, path: &str) -> Option<(usize, usize)> {
    let field = path.rsplit('.').next()?;
    let field = field.split('[').next()?;
    let mut from = 0;
    for part in path.split('.') {
        let id = part.split('[').next().unwrap_or(part);
        let quoted = format!("\"{id}\"");
        if let Some(i) = source[from..].find(&quoted) {
            from += i;
        }
    }
    let offset = find_key(&source[from..], field)
        .map(|i| i + from)
        .or_else(|| find_key(source, field))?;
    Some(line_col(source, offset))
}

/// Position of the `nth` field `field` (0-based) inside the list `section` (e.g. the third
/// `tonnes_per_day` of `supply_sources`), where entries have no id to find them by.
pub fn locate_in_section(
    source: &str,
    section: &str,
    field: &str,
    nth: usize,
) -> Option<(usize, usize)> {
    let mut from = find_key(source, section)?;
    for _ in 0..nth {
        from += find_key(&source[from..], field)? + field.len();
    }
    let offset = from + find_key(&source[from..], field)?;
    Some(line_col(source, offset))
}

/// Byte offset of the first `key:` that stands as a field name.
fn find_key(source: &str, key: &str) -> Option<usize> {
    source.match_indices(key).map(|(i, _)| i).find(|&i| {
        let before_ok = source[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let after = source[i + key.len()..].trim_start();
        before_ok && after.starts_with(':')
    })
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The route graph, ignoring control, to check that objectives can be reached.
struct Graph<'a> {
    neighbours: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Graph<'a> {
    fn new(s: &'a Scenario, places: &HashMap<&str, usize>) -> Self {
        let mut neighbours: HashMap<&str, Vec<&str>> = HashMap::new();
        for r in &s.routes {
            if places.contains_key(r.from.as_str()) && places.contains_key(r.to.as_str()) {
                neighbours.entry(&r.from).or_default().push(&r.to);
                neighbours.entry(&r.to).or_default().push(&r.from);
            }
        }
        Self { neighbours }
    }

    fn connected(&self, from: &str, to: &str) -> bool {
        let mut seen = HashSet::from([from]);
        let mut queue = VecDeque::from([from]);
        while let Some(p) = queue.pop_front() {
            if p == to {
                return true;
            }
            for &n in self.neighbours.get(p).into_iter().flatten() {
                if seen.insert(n) {
                    queue.push_back(n);
                }
            }
        }
        false
    }
}

/// The uncertain inputs that can draw a value their field does not accept, each as a problem
/// located at its distribution, naming the values the field accepts and how to truncate it.
///
/// Each input is tried alone at both ends of [`Distribution::extremes`] (an untruncated
/// normal tail stands at ±`f64::MAX`), every other input at its central value; where an end
/// fails, the last value the field accepts is found by bisection on the doubles between the
/// central value and that end.
pub fn unsupported_inputs(
    scenario: &Scenario<Num>,
    source: &str,
    file: &str,
) -> crate::Result<Vec<Diagnostic>> {
    let check = |path: &str, x: f64| -> crate::Result<Result<(), Vec<Diagnostic>>> {
        Ok(validate(&value_scenario(scenario, path, x)?, source, file))
    };
    let mut found = Vec::new();
    for (path, dist) in distributions(scenario)? {
        let centre = dist.central();
        if check(&path, centre)?.is_err() {
            continue; // reported with every input at its central value
        }
        let (lo, hi) = dist.extremes();
        let mut limits = [None, None];
        let mut reason = None;
        for (side, end) in [(0, lo), (1, hi)] {
            if check(&path, end)?.is_ok() {
                continue;
            }
            // (`+ 0.0` writes a limit of −0 as 0.)
            let limit = last_valid(centre, end, |x| Ok(check(&path, x)?.is_ok()))? + 0.0;
            // Say why at a round value past the limit rather than at ±1.8e308.
            let step = limit.abs().max(1.0);
            let probe = if end > limit {
                (limit + step).min(end)
            } else {
                (limit - step).max(end)
            };
            if reason.is_none() {
                reason = check(&path, probe)?
                    .err()
                    .and_then(|p| p.into_iter().next())
                    .map(|d| d.message);
            }
            limits[side] = Some(limit);
        }
        if limits == [None, None] {
            continue;
        }
        // A limit a hair from 0 is an open bound at 0 (`> 0`).
        let tiny = |x: f64| x != 0.0 && x.abs() < f64::MIN_POSITIVE;
        let mut sides = Vec::new();
        let mut truncate = Vec::new();
        let words = [
            ("of 0 or less", "`min:` a little above 0", "below", "min"),
            ("of 0 or more", "`max:` a little below 0", "above", "max"),
        ];
        for (limit, (open, open_help, beyond, key)) in limits.iter().zip(words) {
            let Some(l) = *limit else { continue };
            sides.push(if tiny(l) {
                open.to_owned()
            } else {
                format!("{beyond} {l}")
            });
            truncate.push(if tiny(l) {
                open_help.to_owned()
            } else {
                format!("`{key}: {l}`")
            });
        }
        let kind = match dist {
            Distribution::Uniform { .. } => "Uniform",
            Distribution::Normal { .. } => "Normal",
            Distribution::Triangular { .. } => "Triangular",
            Distribution::LogNormal { .. } => "LogNormal",
            Distribution::Choice { .. } => "Choice",
            Distribution::Joint { .. } => "Joint",
        };
        let help = if matches!(
            dist,
            Distribution::Normal { .. } | Distribution::LogNormal { .. }
        ) {
            format!(
                "add {} to truncate it to the values the field accepts",
                truncate.join(" and ")
            )
        } else {
            format!(
                "narrow its range: the field accepts no values {}",
                sides.join(" or ")
            )
        };
        let mut d = Diagnostic::new(
            file,
            format!(
                "`{path}`: this {kind} can draw values {}, which the field does not accept{}",
                sides.join(" and "),
                reason.map_or_else(String::new, |r| format!(" ({r})"))
            ),
        )
        .help(help);
        if let Some((line, col)) = locate_path(source, &path) {
            d = d.at(source, line, col);
        }
        found.push(d);
    }
    Ok(found)
}

/// The last value from `good` towards `bad` that `valid` accepts, by bisection on the doubles
/// in their order (at most 64 steps).
fn last_valid(
    good: f64,
    bad: f64,
    mut valid: impl FnMut(f64) -> crate::Result<bool>,
) -> crate::Result<f64> {
    // Doubles mapped to integers in the same order.
    let key = |x: f64| {
        let b = x.to_bits();
        if b >> 63 == 1 { !b } else { b | 1 << 63 }
    };
    let value = |k: u64| {
        if k >> 63 == 1 {
            f64::from_bits(k & !(1 << 63))
        } else {
            f64::from_bits(!k)
        }
    };
    let (mut g, mut b) = (key(good), key(bad));
    while g.abs_diff(b) > 1 {
        let mid = if b > g {
            g + (b - g) / 2
        } else {
            g - (g - b) / 2
        };
        if valid(value(mid))? {
            g = mid;
        } else {
            b = mid;
        }
    }
    Ok(value(g))
}
