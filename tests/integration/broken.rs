//! The corpus of broken scenarios in tests/broken/: each file says what is wrong with it and
//! the messages its error must contain (`// expect: ...`), so that messages never silently
//! degrade. Each must fail with exit code 2, name the file, and not panic.

use crate::common::{repo, strife};

#[test]
fn every_broken_scenario_gets_its_expected_message() {
    let mut files: Vec<_> = std::fs::read_dir(repo("tests/broken"))
        .expect("tests/broken")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "the corpus has {} files", files.len());
    for path in files {
        let bytes = std::fs::read(&path).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        let expected: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("// expect: "))
            .collect();
        assert!(
            !expected.is_empty(),
            "{} has no `// expect:` line",
            path.display()
        );
        let output = strife().arg("validate").arg(&path).output().expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{name}: exit code; stderr:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name} panicked:\n{stderr}");
        // Issue 16: serde's internals never reach the reader.
        assert!(
            !stderr.contains("untagged enum"),
            "{name}: serde jargon in:\n{stderr}"
        );
        assert!(
            stderr.contains(name),
            "{name}: the file is not named:\n{stderr}"
        );
        for e in expected {
            assert!(stderr.contains(e), "{name}: expected `{e}` in:\n{stderr}");
        }
    }
}
