//! `strife serve` (issue 18): the binary started on a free port, its HTTP API driven over raw
//! HTTP/1.1 (malformed JSON, unknown paths, out-of-range values with `--set`'s message, huge run
//! counts and bodies, concurrent clients, a reload storm), and the page in headless Chromium
//! through WebDriver (Debian's `chromium-driver`), skipped where it is missing unless
//! `STRIFE_REQUIRE_BROWSER=1`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{repo, strife};

/// A running `strife serve`, stopped when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// Where it saves what-ifs.
    pub out: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Start `strife serve SCENARIO --port 0 --runs RUNS` and read the address it prints.
    pub fn start(scenario: &str, runs: u64) -> Server {
        let out = tempfile::tempdir().expect("temp dir");
        let mut child = Command::new(assert_cmd::cargo::cargo_bin!("strife"))
            .args(["serve", &repo(scenario).display().to_string()])
            .args(["--port", "0", "--runs", &runs.to_string(), "--out"])
            .arg(out.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("strife serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the address");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        Server { child, addr, out }
    }

    /// `METHOD PATH` with `body`; the status and the body.
    pub fn http(&self, method: &str, path: &str, body: &[u8]) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .expect("timeout");
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        stream.write_all(head.as_bytes()).expect("send");
        // A body the server refuses may be cut off: what was sent is enough.
        let _ = stream.write_all(body);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(body)
        } else {
            body.to_owned()
        };
        (status, body)
    }

    /// `METHOD PATH` with a JSON body; the status and the JSON answer.
    pub fn json(&self, method: &str, path: &str, body: &Value) -> (u16, Value) {
        // A GET carries no body: one the server does not read can make the kernel reset the
        // closed connection and cut the answer short.
        let body = if method == "GET" {
            String::new()
        } else {
            body.to_string()
        };
        let (status, text) = self.http(method, path, body.as_bytes());
        let value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {text}"));
        (status, value)
    }

    /// Start a run for `client` and wait for its result (at most two minutes).
    pub fn run(&self, client: &str, overrides: &[&str], runs: u64) -> Value {
        let (status, started) = self.json(
            "POST",
            "/api/run",
            &json!({ "client": client, "overrides": overrides, "runs": runs }),
        );
        assert_eq!(status, 202, "{started}");
        self.wait(client, started["job"].as_u64().expect("job"))
    }

    /// Wait for job `job` of `client` to end; its status answer.
    pub fn wait(&self, client: &str, job: u64) -> Value {
        let start = Instant::now();
        loop {
            let (status, s) = self.json("GET", &format!("/api/status?client={client}"), &json!({}));
            assert_eq!(status, 200, "{s}");
            if s["job"] == job
                && ["done", "failed", "cancelled"].contains(&s["status"].as_str().unwrap_or(""))
            {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(180),
                "job {job} of {client} did not end: {s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The body of a chunked answer.
fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// The probability that `place` changed hands in a status answer's result.
pub fn p_fall(status: &Value, place: &str) -> f64 {
    status["result"]["places"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["id"] == place))
        .and_then(|p| p["p"].as_f64())
        .unwrap_or_else(|| panic!("no {place} in {status}"))
}

/// What `strife run SCENARIO --set SET` says on stderr.
fn cli_error(scenario: &Path, set: &str) -> String {
    let out = strife()
        .args([
            "run",
            &scenario.display().to_string(),
            "--set",
            set,
            "--days",
            "1",
            "-q",
        ])
        .args(["--plots", "none", "--out"])
        .arg(tempfile::tempdir().expect("dir").path().join("x"))
        .output()
        .expect("strife run");
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).trim().to_owned()
}

#[test]
fn serve_answers_bad_requests_with_400_and_keeps_serving() {
    let server = Server::start("scenarios/goma_2025.ron", 6);
    let (status, page) = server.http("GET", "/", b"");
    assert_eq!(status, 200);
    assert!(page.contains("<script src=\"/app.js\">"), "{page}");
    let (status, controls) = server.json("GET", "/api/scenario", &json!({}));
    assert_eq!(status, 200);
    for key in ["inputs", "forces", "events", "params", "presets"] {
        assert!(
            controls[key].as_array().is_some_and(|a| !a.is_empty()),
            "no {key} in {controls}"
        );
    }
    // Unknown paths.
    for (method, path) in [
        ("GET", "/nope"),
        ("POST", "/api/nope"),
        ("GET", "/api/run/../x"),
    ] {
        let (status, body) = server.http(method, path, b"");
        assert_eq!(status, 404, "{method} {path}: {body}");
    }
    // Malformed and mistyped JSON.
    for body in [
        &b"{not json"[..],
        b"",
        b"[]",
        b"{\"client\": \"a\", \"runs\": \"many\"}",
        b"{\"client\": \"a\", \"unknown\": 1}",
        b"{\"client\": \"../../etc\"}",
        b"\xff\xfe",
    ] {
        let (status, answer) = server.http("POST", "/api/run", body);
        assert_eq!(status, 400, "{}: {answer}", String::from_utf8_lossy(body));
        let answer: Value = serde_json::from_str(&answer).expect("JSON error");
        assert!(answer["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    // Out-of-range and unknown values: the same message as `--set`, naming the control.
    let goma = repo("scenarios/goma_2025.ron");
    for set in [
        "units.rdf_south.personnel=-5",
        "units.rdf_soth.personnel=5",
        "params.combat.defender_base_rate=abc",
        "units.rdf_south.personnel=inf",
    ] {
        let (status, answer) = server.json(
            "POST",
            "/api/run",
            &json!({ "client": "bad", "overrides": [set] }),
        );
        assert_eq!(status, 400, "{set}: {answer}");
        let path = set.split('=').next().expect("path");
        assert_eq!(answer["field"], path, "{answer}");
        let message = answer["error"].as_str().expect("error");
        let cli = cli_error(&goma, set);
        let cli = cli.replace(&goma.display().to_string(), "");
        assert!(
            cli.contains(message.rsplit(": error: ").next().unwrap_or(message)),
            "server: {message}\n   cli: {cli}"
        );
    }
    let (status, answer) = server.json(
        "POST",
        "/api/run",
        &json!({ "client": "bad", "overrides": ["no equals sign"] }),
    );
    assert_eq!(status, 400, "{answer}");
    // Huge run counts, bodies and override lists.
    for runs in [0u64, 2_001, 1_000_000_000, u64::MAX] {
        let (status, answer) = server.json(
            "POST",
            "/api/run",
            &json!({ "client": "big", "runs": runs }),
        );
        assert_eq!(status, 400, "{runs}: {answer}");
        assert!(
            answer["error"].as_str().unwrap_or("").contains("2000"),
            "{answer}"
        );
    }
    let huge = vec![b' '; 4 * 1024 * 1024];
    let (status, _) = server.http("POST", "/api/run", &huge);
    assert_eq!(status, 413);
    let many: Vec<String> = (0..600).map(|i| format!("seed={i}")).collect();
    let (status, _) = server.json(
        "POST",
        "/api/run",
        &json!({ "client": "big", "overrides": many }),
    );
    assert_eq!(status, 400);
    // Queries.
    for path in [
        "/api/status",
        "/api/status?client=",
        "/api/map?client=x&day=-1",
        "/api/map?client=nobody",
    ] {
        let (status, body) = server.http("GET", path, b"");
        assert_eq!(status, 400, "{path}: {body}");
    }
    // A preset that does not exist.
    let (status, answer) = server.json(
        "POST",
        "/api/run",
        &json!({ "client": "p", "preset": "../../goma_2025.ron" }),
    );
    assert_eq!(status, 400, "{answer}");
    // And it still serves: a run, its map, a pin, a paired comparison and a saved what-if.
    let base = server.run("ok", &[], 6);
    assert_eq!(base["status"], "done", "{base}");
    assert!((0.0..=1.0).contains(&p_fall(&base, "goma")));
    let days = base["result"]["days"].as_u64().expect("days");
    assert!(days > 1);
    let (status, m0) = server.json("GET", "/api/map?client=ok&day=0", &json!({}));
    assert_eq!(status, 200, "{m0}");
    let (status, m1) = server.json("GET", &format!("/api/map?client=ok&day={days}"), &json!({}));
    assert_eq!(status, 200, "{m1}");
    assert!(m0["svg"].as_str().is_some_and(|s| s.contains("<svg")));
    assert_ne!(
        m0["svg"], m1["svg"],
        "the map does not change from day 0 to the end"
    );
    // One run stepped through: its own map and events.
    let (status, r3) = server.json("GET", "/api/map?client=ok&day=5&run=3", &json!({}));
    assert_eq!(status, 200, "{r3}");
    assert_eq!((&r3["run"], &r3["median"]), (&json!(3), &json!(false)));
    assert!(r3["events"].is_array());
    let (status, _) = server.json("GET", "/api/map?client=ok&day=5&run=6", &json!({}));
    assert_eq!(status, 400);
    let (status, pinned) = server.json("POST", "/api/pin", &json!({ "client": "ok" }));
    assert_eq!(status, 200, "{pinned}");
    let now = server.run("ok", &["units.rdf_south.personnel=0"], 6);
    let diffs = now["comparison"]["differences"]
        .as_array()
        .expect("differences");
    assert!(
        diffs.iter().any(|d| d["metric"] == "p_fall.goma"),
        "{diffs:?}"
    );
    assert!(
        now["comparison"]["svgs"]["compare_differences"]
            .as_str()
            .is_some_and(|s| s.contains("<svg"))
    );
    let (status, saved) = server.json(
        "POST",
        "/api/whatif",
        &json!({ "client": "ok", "overrides": ["units.rdf_south.personnel=0"], "runs": 6 }),
    );
    assert_eq!(status, 200, "{saved}");
    let file = PathBuf::from(saved["file"].as_str().expect("file"));
    assert!(file.starts_with(server.out.path()), "{file:?}");
    strife().arg("validate").arg(&file).assert().success();
    assert!(
        saved["compare"]
            .as_str()
            .expect("compare")
            .starts_with("strife compare ")
    );
    // Saving the same setting again is the same file, not an error.
    let (status, again) = server.json(
        "POST",
        "/api/whatif",
        &json!({ "client": "ok", "overrides": ["units.rdf_south.personnel=0"], "runs": 6 }),
    );
    assert_eq!((status, &again["file"]), (200, &saved["file"]));
}

#[test]
fn serve_handles_concurrent_clients_and_a_reload_storm() {
    let server = Server::start("scenarios/minimal.ron", 4);
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for i in 0..6 {
            let server = &server;
            handles.push(scope.spawn(move || {
                let client = format!("c{i}");
                let s = server.run(&client, &[], 4);
                assert_eq!(s["status"], "done", "{s}");
                s["result"]["places"].as_array().map_or(0, Vec::len)
            }));
        }
        // Malformed requests and closed connections meanwhile.
        for _ in 0..3 {
            let server = &server;
            handles.push(scope.spawn(move || {
                for _ in 0..20 {
                    let (status, _) = server.http("POST", "/api/run", b"{");
                    assert_eq!(status, 400);
                    let stream = TcpStream::connect(&server.addr).expect("connect");
                    drop(stream);
                }
                1
            }));
        }
        for h in handles {
            assert!(h.join().expect("thread") > 0);
        }
    });
    // A reload storm of one client: only the last request's job ends done.
    let mut last = 0;
    for k in 0..8 {
        let (status, started) = server.json(
            "POST",
            "/api/run",
            &json!({ "client": "storm", "runs": 4, "overrides": [format!("seed={}", k + 1)] }),
        );
        assert_eq!(status, 202, "{started}");
        last = started["job"].as_u64().expect("job");
    }
    let s = server.wait("storm", last);
    assert_eq!(s["status"], "done", "{s}");
    assert_eq!(s["job"], last);
    // A closed tab cancels its computation.
    let (status, started) = server.json(
        "POST",
        "/api/run",
        &json!({ "client": "closed", "runs": 2000 }),
    );
    assert_eq!(status, 202, "{started}");
    let (status, _) = server.json("POST", "/api/cancel", &json!({ "client": "closed" }));
    assert_eq!(status, 200);
    let s = server.wait("closed", started["job"].as_u64().expect("job"));
    assert_eq!(s["status"], "cancelled", "{s}");
    let (status, _) = server.json("GET", "/api/scenario", &json!({}));
    assert_eq!(status, 200);
}

#[test]
fn serve_refuses_bad_flags() {
    strife()
        .args([
            "serve",
            &repo("scenarios/minimal.ron").display().to_string(),
        ])
        .args(["--runs", "5000", "--port", "0"])
        .assert()
        .failure()
        .code(2);
    strife()
        .args([
            "serve",
            &repo("scenarios/minimal.ron").display().to_string(),
        ])
        .args(["--host", "not-an-address", "--port", "0"])
        .assert()
        .failure()
        .code(2);
}
