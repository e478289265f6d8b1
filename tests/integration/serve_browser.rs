//! `strife serve`'s page in real headless Chromium through WebDriver (fantoccini and Debian's
//! `chromium-driver`): a slider moved (RDF personnel to 0) lowers Goma's probability of falling,
//! a pinned baseline gives paired differences, the map's time slider changes the map, a saved
//! what-if validates and reproduces the numbers, and the console stays empty. Screenshots go to
//! `target/serve-browser-test/`. Skipped without chromedriver unless `STRIFE_REQUIRE_BROWSER=1`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

use super::serve::Server;
use crate::common::{repo, strife};

/// Runs of each ensemble the page asks for (a debug build runs them).
const RUNS: u64 = 12;

/// chromedriver, stopped when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The legacy log command chromedriver keeps: the browser console's entries since last asked.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or("")))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}

/// Where chromedriver is, if anywhere.
fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// Run `script` in the page and return its value.
async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Wait (at most three minutes) until the page shows the result of a job after `after`; the
/// job's number.
async fn wait_result(c: &Client, after: u64) -> u64 {
    let start = Instant::now();
    loop {
        let v = js(
            c,
            "const s = document.getElementById('status');
             return [Number(s.dataset.job || 0), document.getElementById('results').classList.contains('stale'),
                     document.getElementById('error').textContent];",
        )
        .await;
        let job = v[0].as_u64().unwrap_or(0);
        assert_eq!(v[2], "", "the page shows an error");
        if job > after && v[1] == false {
            return job;
        }
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "no new result after job {after}: {v}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Goma's probability of falling as the page shows it.
async fn goma(c: &Client) -> f64 {
    let v = js(
        c,
        "const r = document.querySelector('#places tr[data-place=goma]'); return r ? Number(r.dataset.p) : null;",
    )
    .await;
    v.as_f64().expect("Goma's row")
}

/// Set an input's value and fire its events, as a user's drag does.
async fn set(c: &Client, selector: &str, value: &str) {
    let script = format!(
        "const e = document.querySelector('{selector}'); e.value = '{value}';
         e.dispatchEvent(new Event('input', {{bubbles: true}}));
         e.dispatchEvent(new Event('change', {{bubbles: true}})); return e.value;"
    );
    js(c, &script).await;
}

/// Save a screenshot under target/serve-browser-test/.
async fn screenshot(c: &Client, name: &str) {
    let dir = repo("target/serve-browser-test");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_page_works_in_headless_chromium() {
    let required = std::env::var("STRIFE_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let Some(driver_path) = chromedriver() else {
        assert!(
            !required,
            "STRIFE_REQUIRE_BROWSER=1 but chromedriver is missing (apt-get install -y chromium-driver)"
        );
        eprintln!(
            "\n\n*** SKIPPED serve_page_works_in_headless_chromium: chromedriver is missing. ***\n\
             *** apt-get install -y chromium-driver, or set STRIFE_REQUIRE_BROWSER=1 to fail. ***\n\n"
        );
        return;
    };
    let server = Server::start("scenarios/goma_2025.ron", RUNS);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let _driver = Driver(
        Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let profile = tempfile::tempdir().expect("profile");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", "--window-size=1400,1800",
            format!("--user-data-dir={}", profile.path().display()),
        ]}),
    );
    caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let webdriver = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    let c = loop {
        match ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await
        {
            Ok(c) => break c,
            Err(e) if start.elapsed() < Duration::from_secs(30) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("no WebDriver session: {e}"),
        }
    };
    let url = format!("http://{}/", server.addr);
    c.goto(&url).await.expect("load the page");

    // The first result: the scenario as it is.
    let first = wait_result(&c, 0).await;
    let before = goma(&c).await;
    screenshot(&c, "1-loaded").await;

    // RDF personnel to 0: Goma's probability of falling drops.
    set(&c, "#force-rdf", "0").await;
    let second = wait_result(&c, first).await;
    let after = goma(&c).await;
    assert!(
        after < before,
        "Goma's probability of falling did not drop: {before} -> {after}"
    );
    screenshot(&c, "2-no-rdf").await;

    // Pin the baseline, change a control: a paired difference appears.
    js(&c, "document.getElementById('pin').click(); return 1;").await;
    let start = Instant::now();
    while js(
        &c,
        "return document.getElementById('pinned').dataset.pinned || '';",
    )
    .await
        != "1"
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "pin did not take"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    set(&c, "#force-rdf", "1").await;
    let third = wait_result(&c, second).await;
    let diff = js(
        &c,
        "const r = document.querySelector('#differences tr[data-metric=\"p_fall.goma\"]');
         return r && !document.getElementById('comparison').hidden ? Number(r.dataset.difference) : null;",
    )
    .await;
    let diff = diff.as_f64().expect("a paired difference of Goma's fall");
    assert!(
        diff > 0.0,
        "restoring the RDF should raise Goma's fall: {diff}"
    );
    let forest = js(
        &c,
        "return document.querySelectorAll('#chart-compare_differences svg').length;",
    )
    .await;
    assert_eq!(forest, 1, "no forest plot");
    screenshot(&c, "3-paired").await;

    // Drag the map's time slider: the map changes.
    let map = |c: &Client| {
        let c = c.clone();
        async move { js(&c, "return document.getElementById('map').innerHTML;").await }
    };
    let day0 = map(&c).await;
    assert!(day0.as_str().is_some_and(|s| s.contains("<svg")), "no map");
    let last = js(&c, "return document.getElementById('day').max;").await;
    let last = last.as_str().unwrap_or("0").to_owned();
    set(&c, "#day", &last).await;
    let start = Instant::now();
    loop {
        let shown = js(
            &c,
            "return document.getElementById('map').dataset.day || '';",
        )
        .await;
        if shown == last.as_str() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the map did not move to day {last}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_ne!(
        map(&c).await,
        day0,
        "the map is the same on day 0 and day {last}"
    );
    // Each place's name carries a tooltip: its holder in this run and the share of runs.
    let tooltip = js(
        &c,
        "return [...document.querySelectorAll('#map svg text title')].map(t => t.textContent).join('|');",
    )
    .await;
    assert!(
        tooltip
            .as_str()
            .is_some_and(|t| t.contains("Goma: held by") && t.contains("of runs")),
        "no tooltip on Goma: {tooltip}"
    );
    screenshot(&c, "4-map").await;

    // Save a what-if: it validates and reproduces the numbers.
    set(&c, "#force-rdf", "0").await;
    wait_result(&c, third).await;
    let shown = goma(&c).await;
    js(&c, "document.getElementById('save').click(); return 1;").await;
    let start = Instant::now();
    let file = loop {
        let f = js(
            &c,
            "const e = document.getElementById('saved-file'); return e ? e.textContent : '';",
        )
        .await;
        if let Some(f) = f.as_str().filter(|f| !f.is_empty()) {
            break PathBuf::from(f);
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the what-if was not saved"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    screenshot(&c, "5-saved").await;
    strife().arg("validate").arg(&file).assert().success();
    let out = tempfile::tempdir().expect("out");
    let run = strife()
        .args([
            "run",
            &file.display().to_string(),
            "--runs",
            &RUNS.to_string(),
            "--json",
            "-q",
        ])
        .args(["--plots", "none", "--out"])
        .arg(out.path().join("r"))
        .output()
        .expect("strife run");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary: Value = serde_json::from_slice(&run.stdout).expect("summary JSON");
    let p = summary["places"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["place"] == "goma"))
        .and_then(|p| p["changed_hands"]["p"].as_f64())
        .expect("Goma in the summary");
    assert_eq!(
        p, shown,
        "the saved what-if does not reproduce the page's numbers"
    );

    // The console logged nothing.
    let log = c.issue_cmd(BrowserLog).await.expect("browser log");
    assert!(
        log.as_array().is_some_and(Vec::is_empty),
        "the console logged: {log}"
    );
    c.close().await.expect("close the browser");
}
