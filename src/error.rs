//! Error types of the library and the exit codes they map to.
//!
//! A [`Diagnostic`] is one problem in a user's file, with where it is and what to do about it;
//! an [`Error`] is what a library call returns. Users' mistakes exit with code 2, internal
//! failures with code 1.

use std::fmt;
use std::path::PathBuf;

/// Exit code of a successful command.
pub const EXIT_OK: u8 = 0;
/// Exit code of an internal failure (a bug, or a disk that failed under us).
pub const EXIT_INTERNAL: u8 = 1;
/// Exit code of a user's mistake: a bad file, a bad flag, an unwritable folder.
pub const EXIT_USER: u8 = 2;

/// One problem found in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The file the problem is in, as the user named it.
    pub file: String,
    /// 1-based line and column, where known.
    pub position: Option<(usize, usize)>,
    /// What is wrong, naming the offending value.
    pub message: String,
    /// A suggestion, where one helps ("did you mean `goma`?").
    pub help: Option<String>,
    /// The source line the position points into, for a caret display.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A problem with no known position.
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            position: None,
            message: message.into(),
            help: None,
            source_line: None,
        }
    }

    /// Attach a 1-based line and column, and the text of that line from `source`.
    pub fn at(mut self, source: &str, line: usize, col: usize) -> Self {
        self.position = Some((line, col));
        self.source_line = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(str::to_owned);
        self
    }

    /// Attach a 1-based line and column whose line's text is already known (`lines[line - 1]`):
    /// cheaper than [`Diagnostic::at`] when a file has many problems.
    pub fn at_line(mut self, lines: &[&str], line: usize, col: usize) -> Self {
        self.position = Some((line, col));
        self.source_line = lines.get(line.saturating_sub(1)).map(|l| (*l).to_owned());
        self
    }

    /// Attach a suggestion.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, col)) => {
                write!(f, "{}:{}:{}: error: {}", self.file, line, col, self.message)?
            }
            None => write!(f, "{}: error: {}", self.file, self.message)?,
        }
        if let (Some((line, col)), Some(text)) = (self.position, &self.source_line) {
            let gutter = line.to_string().len();
            let (shown, caret) = excerpt(text, col);
            let pad = " ".repeat(caret.saturating_sub(1));
            write!(
                f,
                "\n{:gutter$} |\n{line} | {shown}\n{:gutter$} | {pad}^",
                "", ""
            )?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Characters of a source line shown on each side of the column in a caret display.
const EXCERPT_RADIUS: usize = 60;

/// The part of `text` shown under a diagnostic, and the 1-based column of `col` in it: the whole
/// line when it is short, else the characters around `col` with `…` where text is cut (a
/// minified one-line scenario is not printed whole). A column past the end points just after
/// it. Linear in the line's length.
fn excerpt(text: &str, col: usize) -> (String, usize) {
    let len = text.chars().count();
    if len <= 2 * EXCERPT_RADIUS {
        return (text.to_owned(), col.min(len + 1));
    }
    let start = col
        .saturating_sub(1)
        .saturating_sub(EXCERPT_RADIUS)
        .min(len - 2 * EXCERPT_RADIUS);
    let end = start + 2 * EXCERPT_RADIUS;
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(text.chars().skip(start).take(end - start));
    if end < len {
        shown.push('…');
    }
    let caret = col.saturating_sub(start) + usize::from(start > 0);
    let most = shown.chars().count() + 1;
    (shown, caret.min(most))
}

/// Every error the library returns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// One or more problems in a scenario file.
    #[error("{}", format_diagnostics(.0))]
    Invalid(Vec<Diagnostic>),
    /// An output folder or file could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A command-line value that does not fit.
    #[error("{0}")]
    Usage(String),
    /// Something that should not happen: a bug.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Internal(_) => EXIT_INTERNAL,
            _ => EXIT_USER,
        }
    }
}

fn format_diagnostics(diagnostics: &[Diagnostic]) -> String {
    let mut text = diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n\n");
    if diagnostics.len() > 1 {
        text.push_str(&format!("\n\n{} problems found", diagnostics.len()));
    }
    text
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 12: a column past 65535 panicked in the caret display; a long line is shown
    /// around its column, wherever the column is.
    #[test]
    fn a_long_line_is_shown_around_its_column() {
        let line = format!("{}typo{}", " ".repeat(70_000), "x".repeat(500));
        let d = Diagnostic::new("f.ron", "bad").at(&line, 1, 70_001);
        let shown = d.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert!(
            lines[2].contains("typo") && lines[2].starts_with("1 | …"),
            "{shown}"
        );
        let caret = lines[3].find('^').expect("caret");
        let under: String = lines[2].chars().skip(caret).take(4).collect();
        assert_eq!(under, "typo", "{shown}");
        for col in [0, 1, 70_600, 1_000_000] {
            let d = Diagnostic::new("f.ron", "bad").at(&line, 1, col);
            assert!(d.to_string().lines().all(|l| l.chars().count() < 200));
        }
        let short = Diagnostic::new("f.ron", "bad").at("a: b", 1, 4).to_string();
        assert!(short.ends_with("1 | a: b\n  |    ^"), "{short}");
    }
}
