//! `strife new NAME`: write `NAME.ron` in the current folder, a commented scenario that
//! validates and runs.

use std::path::{Path, PathBuf};

use crate::cli::NewArgs;
use crate::error::{Error, Result};

/// The template; `__NAME__` stands for the scenario's name.
const TEMPLATE: &str = include_str!("template.ron");

/// Longest name accepted, characters.
const MAX_NAME: usize = 64;

/// The text of a new scenario named `name`.
pub fn template(name: &str) -> String {
    TEMPLATE.replace("__NAME__", name)
}

/// `name` without a `.ron` ending, if it is a good file name: letters, digits, `_` and `-`,
/// starting with a letter or digit, at most 64 characters.
pub fn check_name(name: &str) -> Result<&str> {
    let stem = name.strip_suffix(".ron").unwrap_or(name);
    let good = !stem.is_empty()
        && stem.chars().count() <= MAX_NAME
        && stem
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && stem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if good {
        Ok(stem)
    } else {
        Err(Error::Usage(format!(
            "`{name}` is not a scenario name: use letters, digits, `_` and `-` (at most \
             {MAX_NAME}, starting with a letter or digit), e.g. `strife new kivu_north`"
        )))
    }
}

/// Write the template for `name` into `dir`; refuse to replace a file unless `force`, and
/// anything but a regular file (a link, a folder, a device) whatever `force`.
pub fn write_new(dir: &Path, name: &str, force: bool) -> Result<PathBuf> {
    let stem = check_name(name)?;
    let path = dir.join(format!("{stem}.ron"));
    crate::output::write::write_new_file(&path, template(stem).as_bytes(), force)?;
    Ok(path)
}

/// `strife new NAME`.
pub fn new(args: &NewArgs) -> Result<()> {
    let path = write_new(Path::new("."), &args.name, args.force)?;
    let file = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    crate::output::write::print_stdout(&format!(
        "Wrote {file}. Next:\n  strife validate {file}\n  strife explain {file}\n  \
         strife run {file} --watch   (re-runs whenever you save)\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_scenario;

    #[test]
    fn names_are_checked() {
        assert_eq!(check_name("kivu_north").ok(), Some("kivu_north"));
        assert_eq!(check_name("kivu-2").ok(), Some("kivu-2"));
        assert_eq!(check_name("k.ron").ok(), Some("k"));
        for bad in ["", ".ron", "../x", "a b", "-x", "x/y", "é", &"a".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_template_validates() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = write_new(dir.path(), "my_theatre", false).expect("written");
        let loaded = load_scenario(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.scenario.name, "my_theatre");
        assert!(
            write_new(dir.path(), "my_theatre", false).is_err(),
            "overwrote"
        );
        assert!(write_new(dir.path(), "my_theatre", true).is_ok());
    }
}
