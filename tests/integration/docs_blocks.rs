//! Docs that cannot go stale (issue 16): every output block of README.md and docs/*.md is the
//! output of a command, named by a marker on the line above the block's fence:
//!
//! ```text
//! <!-- strife-block: run scenarios/goma_2025.ron --runs 200 | keep:   Goma  ;  Bukavu  -->
//! ```
//!
//! The test runs `strife` (the debug binary cargo builds for the tests: the same numbers as the
//! release binary, as strife's results do not depend on the build) with the marker's arguments
//! from the repository root, an output folder of its own added for commands that write one, and
//! compares the block with what it printed. After the arguments, `| keep: A; B` keeps only the
//! lines containing one of the texts, spaces included (an excerpt; the texts are separated by a
//! semicolon and one space), and `| stderr` takes what it printed on
//! standard error (a refused file's diagnostics). The "Wrote N files to DIR" line is left out.
//!
//! `STRIFE_UPDATE_DOCS=1 cargo test --test integration docs_blocks` rewrites every block from
//! its command instead (the README's "Developing" section says when).
//!
//! The same test checks the tables `output/README.md` lists against the files the commands
//! write.

use std::path::Path;
use std::process::Command;

use crate::common::repo;

/// The files whose blocks are checked: README.md and every page of docs/.
pub(crate) fn documents() -> Vec<String> {
    let mut out = vec!["README.md".to_owned()];
    let mut pages: Vec<String> = std::fs::read_dir(repo("docs"))
        .expect("docs/")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.ends_with(".md").then(|| format!("docs/{name}"))
        })
        .collect();
    pages.sort();
    out.extend(pages);
    out
}

/// A marked block: its command and filters, and the lines of the block's body.
#[derive(Debug)]
struct Block {
    /// 1-based line of the marker.
    line: usize,
    /// The marker's text after `strife-block:`.
    spec: String,
    /// Index of the first body line and one past the last (the closing fence).
    body: (usize, usize),
}

/// Every marked block of `text`; `Err` for a marker not followed by a fenced block.
fn blocks(text: &str) -> Result<Vec<Block>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i].trim();
        if let Some(rest) = l.strip_prefix("<!-- strife-block:") {
            let spec = rest
                .strip_suffix("-->")
                .ok_or_else(|| format!("line {}: the marker does not end with -->", i + 1))?
                .trim()
                .to_owned();
            let open = lines
                .get(i + 1)
                .filter(|n| n.starts_with("```"))
                .ok_or_else(|| format!("line {}: no ``` fence right after the marker", i + 1))?;
            let _ = open;
            let start = i + 2;
            let end = (start..lines.len())
                .find(|&k| lines[k].trim_end() == "```")
                .ok_or_else(|| format!("line {}: the block is not closed", i + 1))?;
            out.push(Block {
                line: i + 1,
                spec,
                body: (start, end),
            });
            i = end + 1;
        } else {
            i += 1;
        }
    }
    Ok(out)
}

/// The arguments of a marker, split at spaces (double quotes group).
fn split_args(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut current));
                    any = false;
                }
            }
            c => {
                current.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(current);
    }
    out
}

/// Commands that write an output folder, and so get one of the test's own.
const WRITING: [&str; 6] = [
    "run",
    "compare",
    "sweep",
    "hindcast",
    "sensitivity",
    "calibrate",
];

/// What the block of `spec` should hold: the command's output, filtered.
fn expected(spec: &str, out_dir: &Path) -> String {
    let mut parts = spec.split(" | ");
    let args = split_args(parts.next().unwrap_or_default());
    let mut keep: Option<Vec<String>> = None;
    let mut stderr = false;
    for filter in parts {
        let filter = filter.trim_start();
        if let Some(list) = filter.strip_prefix("keep: ") {
            keep = Some(
                list.split("; ")
                    .map(str::to_owned)
                    .filter(|s| !s.trim().is_empty())
                    .collect(),
            );
        } else if filter == "stderr" {
            stderr = true;
        } else {
            panic!("unknown filter `{filter}` in `{spec}` (`keep: A; B`, or `stderr`)");
        }
    }
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("strife"));
    cmd.current_dir(repo("")).args(&args);
    if args.first().is_some_and(|a| WRITING.contains(&a.as_str()))
        && !args.iter().any(|a| a == "--out")
    {
        cmd.arg("--out").arg(out_dir);
    }
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("running `strife {}`: {e}", args.join(" ")));
    let text = String::from_utf8_lossy(if stderr {
        &output.stderr
    } else {
        &output.stdout
    })
    .into_owned();
    if !stderr {
        assert!(
            output.status.success(),
            "`strife {}` failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let lines = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.starts_with("Wrote "))
        .filter(|l| match &keep {
            Some(k) => k.iter().any(|t| l.contains(t.as_str())),
            None => true,
        })
        .map(str::to_owned)
        .collect::<Vec<_>>();
    tidy(&lines)
}

/// Lines without trailing blank ones, joined.
fn tidy(lines: &[String]) -> String {
    let mut lines: Vec<&str> = lines.iter().map(|l| l.trim_end()).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    while lines.first().is_some_and(|l| l.is_empty()) {
        lines.remove(0);
    }
    lines.join("\n")
}

/// Issue 16: every marked output block in README.md and docs/*.md is what its command prints
/// now; with `STRIFE_UPDATE_DOCS=1` the blocks are rewritten instead.
#[test]
fn docs_blocks_are_what_their_commands_print() {
    let update = std::env::var_os("STRIFE_UPDATE_DOCS").is_some_and(|v| v != "0" && !v.is_empty());
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut stale = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let path = repo(&doc);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{doc}: {e}"));
        let found = blocks(&text).unwrap_or_else(|e| panic!("{doc}: {e}"));
        if found.is_empty() {
            continue;
        }
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        // Rewrite from the end, so that earlier blocks keep their line numbers.
        for (k, block) in found.iter().enumerate().rev() {
            let out = tmp.path().join(format!("{}-{k}", doc.replace('/', "_")));
            let want = expected(&block.spec, &out);
            let have = tidy(&lines[block.body.0..block.body.1]);
            checked += 1;
            if want != have {
                stale.push(format!(
                    "{doc}:{}: `strife {}` prints\n{want}\n--- but the block holds ---\n{have}\n",
                    block.line, block.spec
                ));
                lines.splice(
                    block.body.0..block.body.1,
                    want.lines().map(str::to_owned).collect::<Vec<_>>(),
                );
            }
        }
        if update {
            let mut new = lines.join("\n");
            if text.ends_with('\n') {
                new.push('\n');
            }
            if new != text {
                std::fs::write(&path, new).unwrap_or_else(|e| panic!("writing {doc}: {e}"));
            }
        }
    }
    assert!(checked >= 4, "only {checked} marked blocks found");
    assert!(
        update || stale.is_empty(),
        "{} stale block(s); regenerate them with\n  STRIFE_UPDATE_DOCS=1 cargo test --test \
         integration docs_blocks\n\n{}",
        stale.len(),
        stale.join("\n")
    );
}

/// The tables (`.csv`, `.json`) named in the first column of the tables of `text`, except those
/// written "only for" scenarios with some feature (e.g. `air.csv`; air.rs tests those).
fn listed_files(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter(|l| !l.contains("` | only for "))
        .filter_map(|l| l.split_once('`').map(|(name, _)| name.to_owned()))
        .filter(|n| n.ends_with(".csv") || n.ends_with(".json"))
        .collect()
}

/// The tables (`.csv` and `.json`) in `dir`.
fn tables_in(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .expect("output folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| {
            [".csv", ".json", ".parquet"]
                .iter()
                .any(|ext| n.ends_with(ext))
        })
        .collect();
    out.sort();
    out
}

/// Issue 16: output/README.md lists every table a run writes and no other; its paragraph on
/// ensembles, comparisons and sweeps names every table each writes.
#[test]
fn docs_blocks_output_readme_lists_the_tables_written() {
    let readme = std::fs::read_to_string(repo("output/README.md")).expect("output/README.md");
    let tmp = tempfile::tempdir().expect("temp dir");
    let strife = || {
        let mut c = Command::new(assert_cmd::cargo::cargo_bin!("strife"));
        c.current_dir(repo(""));
        c
    };
    let run_dir = tmp.path().join("run");
    let ok = strife()
        .args(["run", "scenarios/minimal.ron", "-q", "--out"])
        .arg(&run_dir)
        .status()
        .expect("strife run");
    assert!(ok.success());
    let mut listed = listed_files(&readme);
    listed.sort();
    assert_eq!(
        tables_in(&run_dir),
        listed,
        "the table of output/README.md against the tables `strife run` writes"
    );
    let runs = [
        (
            "ensemble",
            vec!["run", "scenarios/minimal.ron", "--runs", "3"],
        ),
        (
            "compare",
            vec![
                "compare",
                "scenarios/minimal.ron",
                "scenarios/minimal.ron",
                "--runs",
                "3",
            ],
        ),
        (
            "sweep",
            vec![
                "sweep",
                "scenarios/minimal.ron",
                "--vary",
                "seed=1,2",
                "--metric",
                "peacekeepers_killed",
                "--runs",
                "2",
            ],
        ),
    ];
    for (name, args) in runs {
        let dir = tmp.path().join(name);
        let ok = strife()
            .args(&args)
            .args(["-q", "--out"])
            .arg(&dir)
            .status()
            .expect("strife");
        assert!(ok.success(), "{args:?}");
        for table in tables_in(&dir) {
            // A comparison's per-scenario tables are listed by their pattern.
            let named = if table.starts_with("runs_") {
                "runs_<name>.csv".to_owned()
            } else {
                table.clone()
            };
            assert!(
                readme.contains(&format!("`{named}`")),
                "output/README.md does not name `{named}`, which `strife {name}` writes"
            );
        }
    }
}
