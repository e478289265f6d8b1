//! `report.html`: written beside every run, ensemble, comparison and sweep; self-contained,
//! complete (every plot, the key outcomes, the manifest), escaped, deterministic; and it renders
//! in a headless browser (Debian's chromium), which `.ci/run` requires (`STRIFE_REQUIRE_BROWSER=1`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{repo, strife, temp_file};

/// Every kind of result, each as `strife` arguments (small and short, to stay fast).
fn kinds() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "run",
            vec!["run", "scenarios/goma_2025.ron", "--days", "12"],
        ),
        (
            "ensemble",
            vec![
                "run",
                "scenarios/goma_2025.ron",
                "--runs",
                "20",
                "--days",
                "12",
            ],
        ),
        (
            "compare",
            vec![
                "compare",
                "scenarios/goma_2025.ron",
                "scenarios/whatif/no_rdf.ron",
                "--runs",
                "10",
                "--days",
                "12",
            ],
        ),
        (
            "sweep",
            vec![
                "sweep",
                "scenarios/minimal.ron",
                "--vary",
                "units.reb_column.personnel=1000,1500",
                "--metric",
                "fall_day.city",
                "--runs",
                "10",
            ],
        ),
        (
            "sensitivity",
            vec![
                "sensitivity",
                "scenarios/minimal.ron",
                "--vary",
                "units.reb_column.personnel=1000..2000",
                "--vary",
                "units.gov_city.morale=0.4..0.8",
                "--metric",
                "fall_day.city",
                "--runs",
                "4",
            ],
        ),
        (
            "hindcast",
            vec![
                "hindcast",
                "scenarios/goma_2025.ron",
                "--observed",
                "scenarios/observed/goma_2025.csv",
                "--runs",
                "8",
            ],
        ),
    ]
}

/// Run `strife args --out out --force -q` from the repository root.
fn produce(args: &[&str], out: &Path) {
    strife()
        .args(args)
        .arg("--out")
        .arg(out)
        .args(["--force", "-q"])
        .current_dir(repo(""))
        .assert()
        .success();
}

/// The stems of the SVG plots in `dir`, sorted.
fn svg_stems(dir: &Path) -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(dir)
        .expect("output folder")
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".svg").map(str::to_owned)
        })
        .collect();
    stems.sort();
    stems
}

/// Check what every report must hold; return its text.
fn check_report(dir: &Path, kind: &str) -> String {
    let html = std::fs::read_to_string(dir.join("report.html"))
        .unwrap_or_else(|e| panic!("{kind}: no report.html: {e}"));
    assert!(html.starts_with("<!DOCTYPE html>"), "{kind}");
    assert!(html.trim_end().ends_with("</html>"), "{kind}");
    // Self-contained: no script, no external resource.
    for banned in [
        "<script", "<link", "<img", "<iframe", "src=", "@import", "url(",
    ] {
        assert!(!html.contains(banned), "{kind}: contains `{banned}`");
    }
    let without_xmlns = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(
        !without_xmlns.contains("http://") && !without_xmlns.contains("https://"),
        "{kind}: refers to the network"
    );
    // Every plot, as an inline SVG figure with a caption.
    let stems = svg_stems(dir);
    assert!(!stems.is_empty(), "{kind}: no plots written");
    for stem in &stems {
        assert!(
            html.contains(&format!("<figure id=\"fig-{stem}\">\n<svg")),
            "{kind}: plot {stem} is not embedded"
        );
    }
    assert_eq!(html.matches("<figcaption>").count(), stems.len(), "{kind}");
    // Key outcomes first, then plots, tables and the manifest.
    let order: Vec<usize> = [
        "id=\"outcomes\"",
        "id=\"plots\"",
        "id=\"tables\"",
        "id=\"manifest\"",
    ]
    .iter()
    .map(|id| html.find(id).unwrap_or_else(|| panic!("{kind}: no {id}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{kind}: {order:?}");
    assert!(html.contains("<table>"), "{kind}: no table");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest.json"))
            .expect("manifest is JSON");
    let sha = manifest["scenario_sha256"].as_str().expect("sha");
    assert!(html.contains(sha), "{kind}: no scenario hash");
    assert!(html.contains("To reproduce it exactly"), "{kind}");
    html
}

#[test]
fn every_kind_of_result_gets_a_complete_self_contained_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (kind, args) in kinds() {
        let out = dir.path().join(kind);
        produce(&args, &out);
        let html = check_report(&out, kind);
        match kind {
            "run" => {
                assert!(
                    html.contains("Goma: taken by M23 / AFC from FARDC on"),
                    "{html}"
                );
                assert!(html.contains("One run, seed 2025"));
                assert!(html.contains("Changes of hands"));
            }
            "ensemble" => {
                assert!(html.contains("Goma: held by M23 / AFC at the end in"));
                assert!(html.contains("of 20 runs; changed hands in"));
                assert!(html.contains("90% of falls between"));
                assert!(html.contains("fig-map_probability"));
            }
            "compare" => {
                assert!(html.contains("class=\"side-by-side\""));
                assert_eq!(html.matches("<div class=\"card\">").count(), 2);
                assert!(html.contains("(baseline)"));
                assert!(html.contains("differs from the baseline"));
                assert!(html.contains("Paired differences from the baseline"));
            }
            "sweep" => {
                assert!(html.contains("units.reb_column.personnel = 1000: fall_day.city is"));
            }
            "sensitivity" => {
                assert!(html.contains("sensitivity of fall_day.city"));
                assert!(html.contains("units.reb_column.personnel"));
                assert!(html.contains("fig-tornado"));
            }
            "hindcast" => {
                assert!(html.contains("hindcast"));
                assert!(html.contains("CRPS"));
                assert!(html.contains("fig-hindcast"));
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn reports_escape_what_users_write_and_are_deterministic() {
    let text = std::fs::read_to_string(repo("scenarios/minimal.ron"))
        .expect("minimal.ron")
        .replace(
            "name: \"Minimal: a rebel column and a river city\"",
            "name: \"<script>alert('x')</script> & co\"",
        )
        .replace(
            "description: \"Does a 1,500-strong rebel column take a city held by 800 soldiers?\"",
            "description: \"<b>bold</b> \\\"quoted\\\"\"",
        );
    let (dir, path) = temp_file("hostile.ron", &text);
    let out = dir.path().join("out");
    let args = ["run", path.to_str().expect("utf-8 path")];
    produce(&args, &out);
    let html = check_report(&out, "hostile");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    assert!(html.contains("&lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot;"));
    assert!(!html.contains("<b>bold</b>"));
    let first = std::fs::read(out.join("report.html")).expect("report");
    produce(&args, &out);
    let second = std::fs::read(out.join("report.html")).expect("report");
    assert!(first == second, "the same run gives a different report");
}

/// Whether the browser test must run (CI) rather than be skipped when chromium is missing.
fn browser_required() -> bool {
    std::env::var("STRIFE_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

/// Run chromium headless with `args` on the page `url`; return its stdout and stderr. Fails the
/// test if it does not finish within two minutes or exits with an error.
fn chromium(args: &[String], url: &str) -> (String, String) {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let stderr = child.stderr.take().expect("stderr");
    let errors = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 2 minutes on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = reader.join().unwrap_or_default();
    let err = errors.join().unwrap_or_default();
    if !status.success() {
        panic!("chromium failed ({status}) on {url}:\n{err}");
    }
    (out, err)
}

#[test]
fn reports_render_in_a_headless_browser() {
    let found = Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            !browser_required(),
            "STRIFE_REQUIRE_BROWSER=1 but chromium is not installed (apt-get install -y chromium)"
        );
        eprintln!(
            "\n\n*** SKIPPED reports_render_in_a_headless_browser: chromium is not installed. ***\n\
             *** apt-get install -y chromium, or set STRIFE_REQUIRE_BROWSER=1 to make this fail. ***\n\n"
        );
        return;
    }
    // Screenshots are kept as test artefacts under target/browser-test/ (git-ignored).
    let artefacts: PathBuf = repo("target/browser-test");
    std::fs::create_dir_all(&artefacts).expect("target/browser-test");
    for (kind, args) in kinds() {
        let out = artefacts.join(kind);
        // The test's own artefacts from an earlier run (perhaps interrupted, or of an older
        // strife) are cleared first: the folder is the test's, under target/.
        if out.exists() {
            std::fs::remove_dir_all(&out).expect("clear the test's artefacts");
        }
        produce(&args, &out);
        let page = out.join("report.html");
        let url = format!("file://{}", page.display());
        // With logging on, anything the page itself reports (a script error, a console
        // message, a blocked resource) is a `CONSOLE` line; the page must give none.
        let (dom, log) = chromium(
            &[
                "--dump-dom".to_owned(),
                "--enable-logging=stderr".to_owned(),
                "--v=0".to_owned(),
            ],
            &url,
        );
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        assert!(
            console.is_empty(),
            "{kind}: the page logged:\n{}",
            console.join("\n")
        );
        assert!(
            dom.contains("</html>"),
            "{kind}: the page did not load:\n{dom}"
        );
        assert!(
            !dom.contains("parsererror"),
            "{kind}: the page did not parse"
        );
        assert!(dom.contains("id=\"manifest\""), "{kind}: manifest missing");
        let stems = svg_stems(&out);
        for stem in &stems {
            assert!(
                dom.contains(&format!("id=\"fig-{stem}\"")),
                "{kind}: figure {stem} missing from the rendered page"
            );
        }
        assert!(
            dom.matches("<svg").count() >= stems.len(),
            "{kind}: fewer SVGs than plots in the rendered page"
        );
        let shot = artefacts.join(format!("{kind}.png"));
        let _ = std::fs::remove_file(&shot);
        chromium(
            &[
                format!("--screenshot={}", shot.display()),
                "--window-size=1280,2000".to_owned(),
            ],
            &url,
        );
        let image = image::open(&shot).unwrap_or_else(|e| panic!("{kind}: screenshot: {e}"));
        assert_eq!((image.width(), image.height()), (1280, 2000), "{kind}");
        // Not a blank page: the screenshot has text and plots, so many distinct colours.
        let rgb = image.to_rgb8();
        let distinct: std::collections::HashSet<[u8; 3]> =
            rgb.pixels().step_by(7).map(|p| p.0).collect();
        assert!(distinct.len() > 50, "{kind}: the screenshot looks blank");
    }
}
