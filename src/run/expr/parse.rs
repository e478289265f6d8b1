//! The grammar of metric expressions (docs/METRICS.md), parsed with `winnow` into a syntax tree
//! whose every node knows the bytes of the text it came from (for located errors).
//!
//! ```text
//! expr    := or
//! or      := and ("or" and)*
//! and     := not ("and" not)*
//! not     := "not"* compare
//! compare := sum (("==" | "!=" | "<=" | ">=" | "<" | ">") sum)?
//! sum     := product (("+" | "-") product)*
//! product := unary (("*" | "/") unary)*
//! unary   := "-"* postfix
//! postfix := primary ("@" time)?
//! primary := number | name "(" expr ("," expr)* ")" | name | "\"" text "\"" | "(" expr ")"
//! time    := "day" number | YYYY-MM-DD ((" " | "T") HH:MM)?
//! ```

use std::ops::Range;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use winnow::LocatingSlice;
use winnow::ascii::{digit0, digit1, multispace0};
use winnow::combinator::{alt, cut_err, not, opt, preceded};
use winnow::error::{ContextError, ErrMode, StrContext, StrContextValue};
use winnow::prelude::*;
use winnow::stream::{Location, Stream};
use winnow::token::{one_of, take_while};

/// Longest expression, characters.
pub const MAX_CHARS: usize = 1000;
/// Deepest nesting of parentheses (calls and groups).
pub const MAX_DEPTH: usize = 32;

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `and`
    And,
    /// `or`
    Or,
}

impl BinOp {
    /// Whether the operator compares.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }

    /// Whether the operator is `and` or `or`.
    pub fn is_logical(self) -> bool {
        matches!(self, BinOp::And | BinOp::Or)
    }
}

/// A time an expression is taken at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Time {
    /// `day D`: D days after the start (day 0 is the start date at 00:00).
    Day(f64),
    /// `YYYY-MM-DD[ HH:MM]`: a calendar time (a date alone is its 00:00).
    Date(NaiveDateTime),
}

/// A node of the syntax tree, with the byte range of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Raw {
    /// What it is.
    pub kind: RawKind,
    /// Its bytes in the expression.
    pub span: Range<usize>,
}

/// The kinds of syntax node.
#[derive(Debug, Clone, PartialEq)]
pub enum RawKind {
    /// A number.
    Num(f64),
    /// A bare name or a quoted one.
    Name(String),
    /// A call: the function's name, the bytes of the name, and the arguments.
    Call(String, Range<usize>, Vec<Raw>),
    /// `-x` (an odd number of minus signs).
    Neg(Box<Raw>),
    /// `not x` (`nots` is 1 or 2: `not not x` is whether x is not 0).
    Not(Box<Raw>, u8),
    /// `a op b`.
    Bin(BinOp, Box<Raw>, Box<Raw>),
    /// `x @ time`, with the bytes of the time.
    At(Box<Raw>, Time, Range<usize>),
}

/// A syntax error: where and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// Byte offset.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

type In<'a> = LocatingSlice<&'a str>;
type PResult<T> = Result<T, ErrMode<ContextError>>;

/// Parse `text` (already checked for length and nesting).
pub fn parse(text: &str) -> Result<Raw, SyntaxError> {
    if text.chars().count() > MAX_CHARS {
        return Err(SyntaxError {
            offset: 0,
            message: format!("an expression has at most {MAX_CHARS} characters"),
        });
    }
    let mut depth = 0usize;
    for (offset, c) in text.char_indices() {
        match c {
            '(' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(SyntaxError {
                        offset,
                        message: format!("parentheses nest at most {MAX_DEPTH} deep"),
                    });
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let mut parser = (expr, multispace0).map(|(e, _)| e);
    parser.parse(LocatingSlice::new(text)).map_err(|e| {
        let inner = e.inner().to_string();
        let offset = e.offset();
        let found = text.get(offset..).and_then(|r| r.chars().next());
        let message = match (inner.is_empty(), found) {
            (true, Some(c)) => format!("unexpected `{c}`"),
            (true, None) => "unexpected end of the expression".to_owned(),
            (false, Some(c)) => format!("{inner}, found `{c}`"),
            (false, None) => format!("{inner}, found the end of the expression"),
        };
        SyntaxError { offset, message }
    })
}

fn expected(what: &'static str) -> StrContext {
    StrContext::Expected(StrContextValue::Description(what))
}

fn ws(i: &mut In<'_>) -> PResult<()> {
    multispace0.void().parse_next(i)
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The word `kw`, not followed by a letter, digit or `_`.
fn keyword<'a>(kw: &'static str) -> impl Parser<In<'a>, (), ErrMode<ContextError>> {
    (kw, not(one_of(is_ident_char))).void()
}

fn binary(op: BinOp, a: Raw, b: Raw) -> Raw {
    let span = a.span.start..b.span.end;
    Raw {
        kind: RawKind::Bin(op, Box::new(a), Box::new(b)),
        span,
    }
}

fn expr(i: &mut In<'_>) -> PResult<Raw> {
    let mut left = and_expr(i)?;
    loop {
        let start = i.checkpoint();
        ws(i)?;
        if opt(keyword("or")).parse_next(i)?.is_none() {
            i.reset(&start);
            return Ok(left);
        }
        let right = cut_err(and_expr)
            .context(expected("an operand after `or`"))
            .parse_next(i)?;
        left = binary(BinOp::Or, left, right);
    }
}

fn and_expr(i: &mut In<'_>) -> PResult<Raw> {
    let mut left = not_expr(i)?;
    loop {
        let start = i.checkpoint();
        ws(i)?;
        if opt(keyword("and")).parse_next(i)?.is_none() {
            i.reset(&start);
            return Ok(left);
        }
        let right = cut_err(not_expr)
            .context(expected("an operand after `and`"))
            .parse_next(i)?;
        left = binary(BinOp::And, left, right);
    }
}

fn not_expr(i: &mut In<'_>) -> PResult<Raw> {
    let mut nots = 0usize;
    let mut first = None;
    loop {
        let start = i.checkpoint();
        ws(i)?;
        let at = i.current_token_start();
        if opt(keyword("not")).parse_next(i)?.is_none() {
            i.reset(&start);
            break;
        }
        first.get_or_insert(at);
        nots += 1;
    }
    let inner = if nots == 0 {
        compare(i)?
    } else {
        cut_err(compare)
            .context(expected("an operand after `not`"))
            .parse_next(i)?
    };
    Ok(match first {
        None => inner,
        Some(start) => {
            let span = start..inner.span.end;
            Raw {
                kind: RawKind::Not(Box::new(inner), if nots % 2 == 1 { 1 } else { 2 }),
                span,
            }
        }
    })
}

fn compare(i: &mut In<'_>) -> PResult<Raw> {
    let left = sum(i)?;
    let start = i.checkpoint();
    ws(i)?;
    let op = opt(alt((
        "==".value(BinOp::Eq),
        "!=".value(BinOp::Ne),
        "<=".value(BinOp::Le),
        ">=".value(BinOp::Ge),
        "<".value(BinOp::Lt),
        ">".value(BinOp::Gt),
    )))
    .parse_next(i)?;
    match op {
        None => {
            i.reset(&start);
            Ok(left)
        }
        Some(op) => {
            let right = cut_err(sum)
                .context(expected("an operand after the comparison"))
                .parse_next(i)?;
            Ok(binary(op, left, right))
        }
    }
}

fn sum(i: &mut In<'_>) -> PResult<Raw> {
    let mut left = product(i)?;
    loop {
        let start = i.checkpoint();
        ws(i)?;
        let op = opt(alt(('+'.value(BinOp::Add), '-'.value(BinOp::Sub)))).parse_next(i)?;
        let Some(op) = op else {
            i.reset(&start);
            return Ok(left);
        };
        let right = cut_err(product)
            .context(expected("an operand after `+` or `-`"))
            .parse_next(i)?;
        left = binary(op, left, right);
    }
}

fn product(i: &mut In<'_>) -> PResult<Raw> {
    let mut left = unary(i)?;
    loop {
        let start = i.checkpoint();
        ws(i)?;
        let op = opt(alt(('*'.value(BinOp::Mul), '/'.value(BinOp::Div)))).parse_next(i)?;
        let Some(op) = op else {
            i.reset(&start);
            return Ok(left);
        };
        let right = cut_err(unary)
            .context(expected("an operand after `*` or `/`"))
            .parse_next(i)?;
        left = binary(op, left, right);
    }
}

fn unary(i: &mut In<'_>) -> PResult<Raw> {
    let mut minus = 0usize;
    let mut first = None;
    loop {
        ws(i)?;
        let at = i.current_token_start();
        if opt('-').parse_next(i)?.is_none() {
            break;
        }
        first.get_or_insert(at);
        minus += 1;
    }
    let inner = if minus == 0 {
        postfix(i)?
    } else {
        cut_err(postfix)
            .context(expected("an operand after `-`"))
            .parse_next(i)?
    };
    Ok(match first {
        Some(start) if minus % 2 == 1 => {
            let span = start..inner.span.end;
            Raw {
                kind: RawKind::Neg(Box::new(inner)),
                span,
            }
        }
        _ => inner,
    })
}

fn postfix(i: &mut In<'_>) -> PResult<Raw> {
    let base = primary(i)?;
    let start = i.checkpoint();
    ws(i)?;
    if opt('@').parse_next(i)?.is_none() {
        i.reset(&start);
        return Ok(base);
    }
    ws(i)?;
    let (time, span) = cut_err(time.with_span())
        .context(expected("a time after `@`: `day N` or a date YYYY-MM-DD"))
        .parse_next(i)?;
    let whole = base.span.start..span.end;
    Ok(Raw {
        kind: RawKind::At(Box::new(base), time, span),
        span: whole,
    })
}

fn time(i: &mut In<'_>) -> PResult<Time> {
    alt((
        preceded((keyword("day"), ws), cut_err(number)).map(Time::Day),
        date.map(Time::Date),
    ))
    .parse_next(i)
}

fn n_digits<'a>(n: usize) -> impl Parser<In<'a>, u32, ErrMode<ContextError>> {
    take_while(n..=n, |c: char| c.is_ascii_digit()).try_map(|s: &str| s.parse::<u32>())
}

fn date(i: &mut In<'_>) -> PResult<NaiveDateTime> {
    let (y, _, m, _, d) = (n_digits(4), '-', n_digits(2), '-', n_digits(2)).parse_next(i)?;
    let day = cut_err(
        winnow::combinator::empty
            .verify_map(|_| NaiveDate::from_ymd_opt(y as i32, m, d))
            .context(expected("a calendar date")),
    )
    .parse_next(i)?;
    let clock = opt(preceded(
        alt((' ', 'T')),
        (n_digits(2), ':', n_digits(2)).map(|(h, _, m)| (h, m)),
    ))
    .parse_next(i)?;
    let at = match clock {
        None => NaiveTime::MIN,
        Some((h, m)) => cut_err(
            winnow::combinator::empty
                .verify_map(|_| NaiveTime::from_hms_opt(h, m, 0))
                .context(expected("a time of day HH:MM")),
        )
        .parse_next(i)?,
    };
    Ok(day.and_time(at))
}

fn number(i: &mut In<'_>) -> PResult<f64> {
    (
        digit1,
        opt(('.', digit0)),
        opt((one_of(['e', 'E']), opt(one_of(['+', '-'])), digit1)),
    )
        .take()
        .verify_map(|s: &str| s.parse::<f64>().ok().filter(|x| x.is_finite()))
        .context(expected("a number"))
        .parse_next(i)
}

fn ident(i: &mut In<'_>) -> PResult<String> {
    (one_of(is_ident_start), take_while(0.., is_ident_char))
        .take()
        .map(str::to_owned)
        .parse_next(i)
}

fn quoted(i: &mut In<'_>) -> PResult<String> {
    (
        '"',
        cut_err((take_while(0.., |c| c != '"'), '"')).context(expected("a closing `\"`")),
    )
        .map(|(_, (s, _)): (char, (&str, char))| s.to_owned())
        .parse_next(i)
}

fn primary(i: &mut In<'_>) -> PResult<Raw> {
    ws(i)?;
    alt((
        number.with_span().map(|(x, span)| Raw {
            kind: RawKind::Num(x),
            span,
        }),
        group,
        quoted.with_span().map(|(s, span)| Raw {
            kind: RawKind::Name(s),
            span,
        }),
        name_or_call,
    ))
    .context(expected("a number, a name or `(`"))
    .parse_next(i)
}

fn group(i: &mut In<'_>) -> PResult<Raw> {
    let start = i.current_token_start();
    '('.parse_next(i)?;
    let inner = cut_err(expr)
        .context(expected("an expression"))
        .parse_next(i)?;
    ws(i)?;
    cut_err(')').context(expected("`)`")).parse_next(i)?;
    Ok(Raw {
        kind: inner.kind,
        span: start..i.previous_token_end(),
    })
}

fn name_or_call(i: &mut In<'_>) -> PResult<Raw> {
    let (name, name_span) = ident.with_span().parse_next(i)?;
    let start = i.checkpoint();
    ws(i)?;
    if opt('(').parse_next(i)?.is_none() {
        i.reset(&start);
        return Ok(Raw {
            kind: RawKind::Name(name),
            span: name_span,
        });
    }
    let mut args = Vec::new();
    loop {
        let arg = cut_err(expr)
            .context(expected("an argument"))
            .parse_next(i)?;
        args.push(arg);
        ws(i)?;
        let more = cut_err(alt((','.value(true), ')'.value(false))))
            .context(expected("`,` or `)`"))
            .parse_next(i)?;
        if !more {
            break;
        }
    }
    Ok(Raw {
        kind: RawKind::Call(name, name_span.clone(), args),
        span: name_span.start..i.previous_token_end(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(r: &Raw) -> String {
        match &r.kind {
            RawKind::Num(x) => format!("{x}"),
            RawKind::Name(n) => n.clone(),
            RawKind::Call(n, _, args) => format!(
                "{n}({})",
                args.iter().map(shape).collect::<Vec<_>>().join(", ")
            ),
            RawKind::Neg(x) => format!("(-{})", shape(x)),
            RawKind::Not(x, n) => format!("(not{n} {})", shape(x)),
            RawKind::Bin(op, a, b) => format!("({} {op:?} {})", shape(a), shape(b)),
            RawKind::At(x, t, _) => format!("({} @ {t:?})", shape(x)),
        }
    }

    fn ok(text: &str) -> String {
        shape(&parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}")))
    }

    #[test]
    fn the_issue_examples_parse() {
        assert_eq!(ok("holder(goma) @ day 30"), "(holder(goma) @ Day(30.0))");
        assert_eq!(
            ok("holds(m23, goma) @ 2025-02-15"),
            "(holds(m23, goma) @ Date(2025-02-15T00:00:00))"
        );
        assert_eq!(
            ok("personnel(fardc) @ day 14"),
            "(personnel(fardc) @ Day(14.0))"
        );
        assert_eq!(ok("min(personnel(fardc))"), "min(personnel(fardc))");
        assert_eq!(
            ok("displaced @ 2025-02-15 06:30"),
            "(displaced @ Date(2025-02-15T06:30:00))"
        );
        assert_eq!(ok("fall_day_if(bukavu)"), "fall_day_if(bukavu)");
        assert_eq!(
            ok("first_day(instrument(us, sanctions))"),
            "first_day(instrument(us, sanctions))"
        );
        assert_eq!(
            ok("max(pressure(rwanda) / resolve(rwanda))"),
            "max((pressure(rwanda) Div resolve(rwanda)))"
        );
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(ok("1 + 2 * 3"), "(1 Add (2 Mul 3))");
        assert_eq!(ok("1 - 2 - 3"), "((1 Sub 2) Sub 3)");
        assert_eq!(ok("8 / 4 / 2"), "((8 Div 4) Div 2)");
        assert_eq!(ok("-x @ day 1 * 2"), "((-(x @ Day(1.0))) Mul 2)");
        assert_eq!(ok("--x"), "x");
        assert_eq!(ok("a + b > c * 2"), "((a Add b) Gt (c Mul 2))");
        assert_eq!(
            ok("a == 1 and not b or c"),
            "(((a Eq 1) And (not1 b)) Or c)"
        );
        assert_eq!(ok("not not a"), "(not2 a)");
        assert_eq!(ok("(a + b) @ day 2.5"), "((a Add b) @ Day(2.5))");
        assert_eq!(
            ok("holder(goma)@day 30==m23"),
            "((holder(goma) @ Day(30.0)) Eq m23)"
        );
        assert_eq!(ok("pressure(\"South Africa\")"), "pressure(South Africa)");
        assert_eq!(ok("1e3 + 2.5E-1"), "(1000 Add 0.25)");
        assert_eq!(ok("order"), "order");
        assert_eq!(
            ok("x @ 2025-01-02T23:59"),
            "(x @ Date(2025-01-02T23:59:00))"
        );
    }

    #[test]
    fn spans_point_at_their_text() {
        let text = "max(pressure(rwanda) / resolve(rwanda))";
        let r = parse(text).expect("parses");
        assert_eq!(r.span, 0..text.len());
        let RawKind::Call(_, name, args) = &r.kind else {
            panic!("a call")
        };
        assert_eq!(&text[name.clone()], "max");
        assert_eq!(
            &text[args[0].span.clone()],
            "pressure(rwanda) / resolve(rwanda)"
        );
    }

    #[test]
    fn errors_are_located() {
        let cases = [
            ("holder(goma) @ day", 18, "a number"),
            ("holder(goma) @ week 3", 15, "a time after `@`"),
            ("personnel(fardc", 15, "`,` or `)`"),
            ("1 +", 3, "an operand"),
            ("x @ 2025-02-30", 14, "a calendar date"),
            ("x @ 2025-02-03 25:00", 20, "a time of day"),
            ("(a", 2, "`)`"),
            ("a b", 2, ""),
            ("\"abc", 4, "closing"),
            ("", 0, "a number, a name"),
        ];
        for (text, offset, what) in cases {
            let e = parse(text).expect_err(text);
            assert_eq!(e.offset, offset, "{text}: {e:?}");
            assert!(e.message.contains(what), "{text}: {e:?}");
        }
        let deep = format!("{}1{}", "(".repeat(40), ")".repeat(40));
        assert!(parse(&deep).expect_err("too deep").message.contains("nest"));
        let long = "1+".repeat(600) + "1";
        assert!(
            parse(&long)
                .expect_err("too long")
                .message
                .contains("at most")
        );
    }

    proptest::proptest! {
        /// Issue 17: no string panics the parser, however odd.
        #[test]
        fn any_text_parses_or_errs(text in "\\PC{0,80}") {
            let _ = parse(&text);
        }

        #[test]
        fn any_text_of_the_alphabet_parses_or_errs(
            text in "[a-z0-9_ ()@,.+*/<>=!\":-]{0,120}"
        ) {
            if let Err(e) = parse(&text) {
                proptest::prop_assert!(e.offset <= text.len());
            }
        }
    }
}
