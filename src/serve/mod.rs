//! `strife serve`: a local web server with an interactive explorer of a scenario. The page
//! (embedded in the binary: no network, no CDN) has controls generated from the scenario;
//! each change re-runs the ensemble in the background (a newer change cancels an older one)
//! and shows the outcomes as the SVGs strife draws, a map with a time slider, paired
//! differences against a pinned baseline, and saves the setting as a what-if.
//!
//! API (JSON): `GET /api/scenario` (the controls), `POST /api/run` (start a computation),
//! `GET /api/status?client=ID` (its progress, then its result), `GET /api/map?client=ID&day=N`,
//! `POST /api/pin`, `POST /api/cancel`, `POST /api/whatif`. A bad request answers 400 with `{"error": …}`, an
//! unknown path 404.

mod api;
mod jobs;
mod save;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::cli::ServeArgs;
use crate::error::{Error, Result};
use api::{BadRequest, Preset};
use jobs::{Ensemble, Progress, Setting};

/// The page, its script and its style, served from the binary.
const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

/// Most pages (clients) the server keeps a state for; the least recently used idle one goes.
const MAX_CLIENTS: usize = 16;
/// Most maps drawn at once.
const MAP_SLOTS: usize = 2;

/// What one page has: its latest computation, its result and its pinned baseline.
#[derive(Default)]
struct Client {
    /// The latest job's number; an older job that sees a newer number stops.
    generation: AtomicU64,
    state: Mutex<ClientState>,
}

#[derive(Default)]
struct ClientState {
    /// Number of the latest job.
    job: u64,
    /// `idle`, `queued`, `running`, `done`, `failed`.
    status: &'static str,
    error: Option<String>,
    progress: Arc<Progress>,
    current: Option<Arc<Ensemble>>,
    comparison: Option<Value>,
    baseline: Option<Arc<Ensemble>>,
    touched: Option<Instant>,
}

/// The server's state.
struct App {
    scenario: PathBuf,
    controls: Value,
    presets: Vec<Preset>,
    runs: u64,
    seed: Option<u64>,
    out: PathBuf,
    clients: Mutex<HashMap<String, Arc<Client>>>,
    /// One ensemble at a time on the machine (each uses every core).
    compute: tokio::sync::Semaphore,
    /// At most [`MAP_SLOTS`] maps drawn at once (each may run one run again).
    maps: tokio::sync::Semaphore,
    /// Set on Ctrl-C: every computation stops.
    stopping: AtomicBool,
}

type Shared = Arc<App>;

/// A JSON answer with `status`.
fn answer(status: StatusCode, value: Value) -> Response {
    (status, axum::Json(value)).into_response()
}

impl IntoResponse for BadRequest {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, axum::Json(self)).into_response()
    }
}

/// An internal failure as a 500 with its message.
fn internal(e: &Error) -> Response {
    answer(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "error": e.to_string() }),
    )
}

impl App {
    /// The state of `id`, made if new (the least recently used idle page's state goes when
    /// there are [`MAX_CLIENTS`]); `None` if every slot is busy.
    fn client(&self, id: &str) -> Option<Arc<Client>> {
        let mut clients = self.clients.lock().ok()?;
        if let Some(c) = clients.get(id) {
            return Some(Arc::clone(c));
        }
        if clients.len() >= MAX_CLIENTS {
            let idle = clients
                .iter()
                .filter_map(|(k, c)| {
                    let s = c.state.lock().ok()?;
                    (!matches!(s.status, "queued" | "running")).then(|| (s.touched, k.clone()))
                })
                .min()
                .map(|(_, k)| k)?;
            clients.remove(&idle);
        }
        let c = Arc::new(Client::default());
        clients.insert(id.to_owned(), Arc::clone(&c));
        Some(c)
    }

    /// The state of `id` if it exists.
    fn existing(&self, id: &str) -> Option<Arc<Client>> {
        self.clients.lock().ok()?.get(id).cloned()
    }
}

/// `GET /`.
async fn index() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        INDEX_HTML,
    )
        .into_response()
}

/// `GET /app.js`.
async fn app_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        APP_JS,
    )
        .into_response()
}

/// `GET /style.css`.
async fn style_css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLE_CSS,
    )
        .into_response()
}

/// `GET /api/scenario`.
async fn scenario(State(app): State<Shared>) -> Response {
    answer(StatusCode::OK, app.controls.clone())
}

/// Check a run request on a blocking thread (loading a scenario reads files).
async fn checked(app: &Shared, body: &Bytes) -> std::result::Result<api::Checked, Response> {
    let request: api::RunRequest = api::parse_body(body).map_err(IntoResponse::into_response)?;
    let app = Arc::clone(app);
    tokio::task::spawn_blocking(move || api::check(&request, &app.scenario, &app.presets, app.runs))
        .await
        .map_err(|e| internal(&Error::Internal(format!("checking the request: {e}"))))?
        .map_err(IntoResponse::into_response)
}

/// The setting of a checked request.
fn setting(app: &App, c: api::Checked) -> Setting {
    let seed = app.seed.unwrap_or(c.loaded.scenario.seed);
    Setting {
        base: c.base,
        preset: c.preset,
        overrides: c.overrides,
        loaded: c.loaded,
        runs: c.runs,
        seed,
    }
}

/// `POST /api/run`: check the request, cancel the client's older computation and start this
/// one in the background. Answers 202 with the job's number; `GET /api/status` follows it.
async fn run(State(app): State<Shared>, body: Bytes) -> Response {
    let c = match checked(&app, &body).await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let Some(client) = app.client(&c.client) else {
        return answer(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({ "error": format!("{MAX_CLIENTS} pages are computing at once; try again shortly") }),
        );
    };
    let setting = setting(&app, c);
    let job = client.generation.fetch_add(1, Ordering::SeqCst) + 1;
    let progress = Arc::new(Progress::default());
    let runs = setting.runs;
    let baseline = {
        let Ok(mut s) = client.state.lock() else {
            return internal(&Error::Internal("a client's state is poisoned".into()));
        };
        s.job = job;
        s.status = "queued";
        s.error = None;
        s.progress = Arc::clone(&progress);
        s.touched = Some(Instant::now());
        s.baseline.clone()
    };
    // The baseline is run again when the runs or the seed changed, so that pairs share seeds.
    let rerun = baseline
        .as_ref()
        .filter(|b| b.setting.runs != setting.runs || b.setting.seed != setting.seed)
        .map(|b| Setting {
            runs: setting.runs,
            seed: setting.seed,
            ..b.setting.clone()
        });
    let total = runs + rerun.as_ref().map_or(0, |s| s.runs);
    progress.total.store(total, Ordering::Relaxed);
    let task_app = Arc::clone(&app);
    let task_client = Arc::clone(&client);
    tokio::spawn(async move {
        let (app, client) = (task_app, task_client);
        let Ok(_permit) = app.compute.acquire().await else {
            return;
        };
        let current = || client.generation.load(Ordering::SeqCst) == job;
        if !current() || app.stopping.load(Ordering::SeqCst) {
            return;
        }
        if let Ok(mut s) = client.state.lock() {
            s.status = "running";
        }
        let (work_app, work_client) = (Arc::clone(&app), Arc::clone(&client));
        let worked = tokio::task::spawn_blocking(move || {
            let cancelled = || {
                work_client.generation.load(Ordering::SeqCst) != job
                    || work_app.stopping.load(Ordering::SeqCst)
            };
            let baseline = match rerun {
                Some(s) => Some(Arc::new(Ensemble::compute(s, &progress, &cancelled)?)),
                None => baseline,
            };
            let now = Ensemble::compute(setting, &progress, &cancelled)?;
            let comparison = match &baseline {
                Some(b) => Some(now.compare(b)?),
                None => None,
            };
            Ok::<_, Error>((Arc::new(now), comparison, baseline))
        })
        .await;
        let Ok(mut s) = client.state.lock() else {
            return;
        };
        if s.job != job {
            return;
        }
        match worked {
            Ok(Ok((now, comparison, baseline))) => {
                s.status = "done";
                s.current = Some(now);
                s.comparison = comparison;
                if s.baseline.is_some() {
                    s.baseline = baseline;
                }
            }
            Ok(Err(e)) if jobs::is_cancelled(&e) => s.status = "cancelled",
            Ok(Err(e)) => {
                s.status = "failed";
                s.error = Some(e.to_string());
            }
            Err(e) => {
                s.status = "failed";
                s.error = Some(format!("the computation stopped: {e}"));
            }
        }
    });
    answer(StatusCode::ACCEPTED, json!({ "job": job, "runs": runs }))
}

/// Query of `GET /api/status` and `GET /api/map`.
#[derive(Debug, Deserialize)]
struct ClientQuery {
    client: String,
    #[serde(default)]
    day: Option<usize>,
    /// A run of the ensemble to show on the map (default: the run nearest the median).
    #[serde(default)]
    run: Option<usize>,
}

/// Parse a query string; 400 with the reason otherwise.
fn query(
    q: std::result::Result<Query<ClientQuery>, axum::extract::rejection::QueryRejection>,
) -> std::result::Result<ClientQuery, BadRequest> {
    let Query(q) = q.map_err(|e| BadRequest::new(format!("bad query: {}", e.body_text())))?;
    api::check_client(&q.client)?;
    Ok(q)
}

/// `GET /api/status?client=ID`: the latest job's state and progress, and its result once done.
async fn status(
    State(app): State<Shared>,
    q: std::result::Result<Query<ClientQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = match query(q) {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let Some(client) = app.existing(&q.client) else {
        return answer(StatusCode::OK, json!({ "job": 0, "status": "idle" }));
    };
    let Ok(s) = client.state.lock() else {
        return internal(&Error::Internal("a client's state is poisoned".into()));
    };
    let mut out = json!({
        "job": s.job,
        "status": if s.status.is_empty() { "idle" } else { s.status },
        "done": s.progress.done.load(Ordering::Relaxed),
        "total": s.progress.total.load(Ordering::Relaxed),
        "pinned": s.baseline.is_some(),
    });
    if let Some(e) = &s.error {
        out["error"] = json!(e);
    }
    if s.status == "done"
        && let Some(now) = &s.current
    {
        out["result"] = now.view.clone();
        if let Some(c) = &s.comparison {
            out["comparison"] = c.clone();
        }
    }
    answer(StatusCode::OK, out)
}

/// `GET /api/map?client=ID&day=N[&run=K]`: the map of day N of the client's latest result, of
/// run K or of the run nearest the median that day.
async fn map(
    State(app): State<Shared>,
    q: std::result::Result<Query<ClientQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = match query(q) {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let current = app
        .existing(&q.client)
        .and_then(|c| c.state.lock().ok().and_then(|s| s.current.clone()));
    let Some(current) = current else {
        return BadRequest::new("no result yet: run the ensemble first").into_response();
    };
    let days = current.view["days"].as_u64().unwrap_or(0) as usize;
    let day = q.day.unwrap_or(0).min(days);
    let runs = current.view["runs"].as_u64().unwrap_or(0) as usize;
    if let Some(run) = q.run.filter(|&r| r >= runs) {
        return BadRequest::new(format!(
            "run {run}: the ensemble has runs 0 to {}",
            runs.saturating_sub(1)
        ))
        .into_response();
    }
    let run = q.run;
    let Ok(_slot) = app.maps.acquire().await else {
        return internal(&Error::Internal("the server is stopping".into()));
    };
    match tokio::task::spawn_blocking(move || current.map(day, run)).await {
        Ok(Ok(v)) => answer(StatusCode::OK, v),
        Ok(Err(e)) => internal(&e),
        Err(e) => internal(&Error::Internal(e.to_string())),
    }
}

/// `POST /api/pin {client, pin}`: pin the client's latest result as the baseline of paired
/// comparisons (`pin: false` drops it).
async fn pin(State(app): State<Shared>, body: Bytes) -> Response {
    let r: api::ClientRequest = match api::parse_body(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = api::check_client(&r.client) {
        return e.into_response();
    }
    let Some(client) = app.existing(&r.client) else {
        if r.pin == Some(false) {
            return answer(StatusCode::OK, json!({ "pinned": false }));
        }
        return BadRequest::new("no result yet: run the ensemble first").into_response();
    };
    let Ok(mut s) = client.state.lock() else {
        return internal(&Error::Internal("a client's state is poisoned".into()));
    };
    if r.pin == Some(false) {
        s.baseline = None;
        s.comparison = None;
        return answer(StatusCode::OK, json!({ "pinned": false }));
    }
    let Some(current) = s.current.clone().filter(|_| s.status == "done") else {
        return BadRequest::new("no finished result to pin yet: wait for the run to end")
            .into_response();
    };
    let described: Vec<String> = current
        .setting
        .overrides
        .iter()
        .map(ToString::to_string)
        .collect();
    s.baseline = Some(current);
    s.comparison = None;
    answer(
        StatusCode::OK,
        json!({ "pinned": true, "overrides": described }),
    )
}

/// `POST /api/cancel {client}`: stop the client's computation (the page sends it as it closes
/// or reloads).
async fn cancel(State(app): State<Shared>, body: Bytes) -> Response {
    let r: api::ClientRequest = match api::parse_body(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = api::check_client(&r.client) {
        return e.into_response();
    }
    if let Some(client) = app.existing(&r.client) {
        client.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut s) = client.state.lock()
            && matches!(s.status, "queued" | "running")
        {
            s.status = "cancelled";
        }
    }
    answer(StatusCode::OK, json!({ "cancelled": true }))
}

/// `POST /api/whatif`: save the request's setting as a what-if in the output folder (and the
/// pinned baseline's too, if it has overrides), and return the commands that reproduce the
/// view.
async fn whatif(State(app): State<Shared>, body: Bytes) -> Response {
    let c = match checked(&app, &body).await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let baseline = app
        .existing(&c.client)
        .and_then(|cl| cl.state.lock().ok().and_then(|s| s.baseline.clone()));
    let worker_app = Arc::clone(&app);
    let saved = tokio::task::spawn_blocking(move || -> Result<Value> {
        let app = worker_app;
        let setting = setting(&app, c);
        let stem = app.scenario.file_stem().map_or_else(
            || "scenario".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        );
        let write = |s: &Setting| -> Result<PathBuf> {
            let text = save::whatif_text(
                &s.base,
                &app.out,
                &s.loaded.scenario.name,
                &s.overrides,
                s.preset.as_deref(),
            );
            save::save(&app.out, &stem, &text)
        };
        let file = write(&setting)?;
        let base = match &baseline {
            Some(b) if b.setting.overrides.is_empty() => b.setting.base.clone(),
            Some(b) => write(&b.setting)?,
            None => app.scenario.clone(),
        };
        let tail = format!("--runs {} --seed {}", setting.runs, setting.seed);
        Ok(json!({
            "file": file.display().to_string(),
            "compare": format!(
                "strife compare {} {} {tail}",
                save::shell_word(&base),
                save::shell_word(&file)
            ),
            "run": format!("strife run {} {tail}", save::shell_word(&file)),
        }))
    })
    .await;
    match saved {
        Ok(Ok(v)) => answer(StatusCode::OK, v),
        Ok(Err(e @ (Error::Usage(_) | Error::Write { .. }))) => {
            BadRequest::new(e.to_string()).into_response()
        }
        Ok(Err(e)) => internal(&e),
        Err(e) => internal(&Error::Internal(e.to_string())),
    }
}

/// Anything else: 404 with a message.
async fn not_found() -> Response {
    answer(
        StatusCode::NOT_FOUND,
        json!({ "error": "no such page: the explorer is at /, its API under /api/" }),
    )
}

/// The router of the server.
fn router(app: Shared) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/app.js", get(app_js))
        .route("/style.css", get(style_css))
        .route("/api/scenario", get(scenario))
        .route("/api/run", post(run))
        .route("/api/status", get(status))
        .route("/api/map", get(map))
        .route("/api/pin", post(pin))
        .route("/api/cancel", post(cancel))
        .route("/api/whatif", post(whatif))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(api::MAX_BODY_BYTES))
        .with_state(app)
}

/// `strife serve`: load the scenario, bind, print the address, serve until Ctrl-C.
pub fn serve(args: &ServeArgs) -> Result<()> {
    if !(1..=api::MAX_RUNS).contains(&args.runs) {
        return Err(Error::Usage(format!(
            "--runs is {}: strife serve runs between 1 and {} runs per request",
            args.runs,
            api::MAX_RUNS
        )));
    }
    let loaded = crate::scenario::load_scenario(&args.scenario)?;
    let presets = api::presets(&args.scenario);
    let controls = api::controls(&loaded, &presets, args.runs)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| crate::commands::result_dir(&args.scenario, &[], "serve"));
    let host: std::net::IpAddr = args.host.parse().map_err(|_| {
        Error::Usage(format!(
            "--host {} is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for every interface)",
            args.host
        ))
    })?;
    if !host.is_loopback() {
        eprintln!(
            "warning: serving on {host}, not only this machine: anyone who can reach it can run \
             ensembles and write what-if files to {}",
            out.display()
        );
    }
    let app = Arc::new(App {
        scenario: args.scenario.clone(),
        controls,
        presets,
        runs: args.runs,
        seed: args.seed,
        out,
        clients: Mutex::new(HashMap::new()),
        compute: tokio::sync::Semaphore::new(1),
        maps: tokio::sync::Semaphore::new(MAP_SLOTS),
        stopping: AtomicBool::new(false),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("starting the server: {e}")))?;
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(host, args.port))
            .await
            .map_err(|e| Error::Usage(format!("cannot listen on {host}:{}: {e}", args.port)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Internal(e.to_string()))?;
        let url = format!("http://{addr}/");
        crate::output::write::print_stdout(&format!(
            "strife serve: {url} ({}; Ctrl-C ends)\n",
            args.scenario.display()
        ))?;
        if args.open {
            open_browser(&url);
        }
        let stop_app = Arc::clone(&app);
        axum::serve(listener, router(Arc::clone(&app)))
            .with_graceful_shutdown(async move {
                let _ = tokio::signal::ctrl_c().await;
                stop_app.stopping.store(true, Ordering::SeqCst);
            })
            .await
            .map_err(|e| Error::Internal(format!("serving: {e}")))
    });
    app.stopping.store(true, Ordering::SeqCst);
    runtime.shutdown_timeout(std::time::Duration::from_secs(10));
    result
}

/// Open `url` in the default browser (`xdg-open`, or `open` on macOS) where there is one.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("note: could not open a browser ({opener}: {e}); open {url} yourself");
    }
}
