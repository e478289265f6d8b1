//! The forms a range of values takes on the command line, one grammar for `sweep --vary` and
//! `sensitivity --vary`: a grid `START:END:STEP`, a range `LO..HI`, a list `V1,V2,...` or a
//! distribution as scenarios write it, `Triangular(min: 1, mode: 2, max: 4)`.

/// Most values a grid or a list may give.
pub const MAX_VALUES: usize = 10_000;

/// Points a sweep takes on a range `LO..HI`: both ends and three between, evenly spaced.
pub const RANGE_POINTS: usize = 5;

/// The accepted forms, for error messages.
pub const FORMS: &str = "START:END:STEP (a grid, e.g. 0.1:0.5:0.1), LO..HI (a range, e.g. 500..1500), \
                         V1,V2,... (a list, e.g. 0.2,0.4) or a distribution (e.g. Triangular(min: 1, mode: 2, max: 4))";

/// A range of values as written after `PATH=`.
#[derive(Debug, Clone, PartialEq)]
pub enum RangeSpec {
    /// `START:END:STEP`: the values from START to END (included when the steps land on it).
    Grid(Vec<f64>),
    /// `LO..HI`, LO < HI.
    Range {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
    },
    /// `V1,V2,...`, as written (a sweep may set text such as an enum variant).
    List(Vec<String>),
    /// A distribution, as RON text.
    Distribution(String),
}

impl RangeSpec {
    /// Parse `spec`; `whole` (the whole `PATH=SPEC`) is quoted in errors.
    pub fn parse(spec: &str, whole: &str) -> Result<Self, String> {
        let spec = spec.trim();
        let number = |s: &str| {
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("`{}` is not a number in `{whole}`", s.trim()))
        };
        if spec.contains('(') {
            return Ok(RangeSpec::Distribution(spec.to_owned()));
        }
        if let Some((lo, hi)) = spec.split_once("..") {
            let (lo, hi) = (number(lo)?, number(hi)?);
            if lo >= hi {
                return Err(format!("`{spec}` needs LO < HI"));
            }
            return Ok(RangeSpec::Range { lo, hi });
        }
        if spec.contains(':') {
            let parts: Vec<&str> = spec.split(':').collect();
            let [start, end, step] = parts[..] else {
                return Err(format!("`{spec}` is not START:END:STEP"));
            };
            let (start, end, step) = (number(start)?, number(end)?, number(step)?);
            if !(step > 0.0 && end >= start) {
                return Err(format!("`{spec}` needs START ≤ END and STEP > 0"));
            }
            let count = ((end - start) / step + 1e-9).floor() + 1.0;
            if count > MAX_VALUES as f64 {
                return Err(format!("`{spec}` has {count} values; at most {MAX_VALUES}"));
            }
            let values = (0..count as usize)
                .map(|i| start + i as f64 * step)
                .collect();
            return Ok(RangeSpec::Grid(values));
        }
        let values: Vec<String> = spec
            .split(',')
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect();
        if values.is_empty() {
            return Err(format!("`{whole}` gives no values; give {FORMS}"));
        }
        if values.len() > MAX_VALUES {
            return Err(format!(
                "`{whole}` lists {} values; at most {MAX_VALUES}",
                values.len()
            ));
        }
        Ok(RangeSpec::List(values))
    }

    /// The values a sweep sets: a grid's or a list's, or [`RANGE_POINTS`] evenly spaced on a
    /// range. A distribution has no values to sweep.
    pub fn sweep_values(&self) -> Result<Vec<String>, String> {
        match self {
            RangeSpec::Grid(values) => Ok(values.iter().map(|v| format!("{v}")).collect()),
            RangeSpec::Range { lo, hi } => Ok((0..RANGE_POINTS)
                .map(|i| format!("{}", lo + (hi - lo) * i as f64 / (RANGE_POINTS - 1) as f64))
                .collect()),
            RangeSpec::List(values) => Ok(values.clone()),
            RangeSpec::Distribution(d) => Err(format!(
                "a sweep sets values, and `{d}` is a distribution; give START:END:STEP, LO..HI or V1,V2,..."
            )),
        }
    }

    /// The distribution a sensitivity analysis draws from, as RON text: uniform on a range,
    /// equally likely values of a grid or a list (numbers only), or the distribution given.
    pub fn distribution(&self) -> Result<String, String> {
        let choice = |values: &[f64]| {
            if values.len() < 2 {
                return Err(format!(
                    "{values:?} is one value, and an analysed input needs several; give {FORMS}"
                ));
            }
            let list: Vec<String> = values.iter().map(|v| format!("{v}")).collect();
            Ok(format!("Choice(values: [{}])", list.join(", ")))
        };
        match self {
            RangeSpec::Range { lo, hi } => Ok(format!("Uniform(min: {lo}, max: {hi})")),
            RangeSpec::Grid(values) => choice(values),
            RangeSpec::List(values) => {
                let numbers: Result<Vec<f64>, String> = values
                    .iter()
                    .map(|v| {
                        v.parse::<f64>()
                            .ok()
                            .filter(|x| x.is_finite())
                            .ok_or_else(|| {
                                format!("`{v}` is not a number; an input's values must be numbers")
                            })
                    })
                    .collect();
                choice(&numbers?)
            }
            RangeSpec::Distribution(d) => Ok(d.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RangeSpec;

    fn parse(spec: &str) -> Result<RangeSpec, String> {
        RangeSpec::parse(spec, spec)
    }

    /// Issue 16: one grammar for both commands, each form turned into what the command needs.
    #[test]
    fn every_form_serves_both_commands() {
        let grid = parse("0.1:0.3:0.1").expect("grid");
        assert_eq!(grid.sweep_values().expect("values").len(), 3);
        assert_eq!(
            parse("1:3:1")
                .expect("grid")
                .distribution()
                .expect("choice"),
            "Choice(values: [1, 2, 3])"
        );
        let range = parse("500..1500").expect("range");
        assert_eq!(
            range.sweep_values().expect("values"),
            ["500", "750", "1000", "1250", "1500"]
        );
        assert_eq!(
            range.distribution().expect("uniform"),
            "Uniform(min: 500, max: 1500)"
        );
        let list = parse("0.2, 0.4").expect("list");
        assert_eq!(list.sweep_values().expect("values"), ["0.2", "0.4"]);
        assert_eq!(
            list.distribution().expect("choice"),
            "Choice(values: [0.2, 0.4])"
        );
        let text = parse("Hold,Withdraw").expect("list of words");
        assert!(text.distribution().is_err());
        let d = parse("Triangular(min: 1, mode: 2, max: 4)").expect("distribution");
        assert!(d.sweep_values().is_err());
        assert!(parse("5..1").is_err());
        assert!(parse("x..1").is_err());
        assert!(parse("1:0:1").is_err());
        assert!(parse("0:1e9:1e-9").is_err());
        assert!(parse(" , ").is_err());
    }
}
