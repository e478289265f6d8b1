// strife serve: the explorer page's script (issue 18). Written for strife; no libraries.
// Controls are generated from GET /api/scenario; each change posts the overrides to
// /api/run, polls /api/status, and shows the result (SVGs drawn by strife).
"use strict";

const $ = (id) => document.getElementById(id);
// The tab's id, kept across reloads so that a reload's run cancels the one before it.
const client = sessionStorage.getItem("strife-client") || (() => {
  const id = Array.from(crypto.getRandomValues(new Uint8Array(8)),
    (b) => b.toString(16).padStart(2, "0")).join("");
  sessionStorage.setItem("strife-client", id);
  return id;
})();
let scenario = null;
let job = 0;
let timer = null;
let mapBusy = false;
let mapWanted = null;
let playing = null;
let pinned = false;
// Override path -> the element showing errors about it.
const errorSlots = new Map();

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k in e) e[k] = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function fmt(x, digits) {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  return Math.abs(x) >= 1000 ? Math.round(x).toLocaleString("en") : x.toFixed(digits);
}

function pct(p) { return p === null || p === undefined ? "–" : (100 * p).toFixed(0) + "%"; }

// A number in an override: plain, without exponent noise.
function num(x) { return String(Math.round(x * 1e6) / 1e6); }

// A unit's personnel scaled by k, as an override value (RON).
function scaled(personnel, k) {
  if (k === 0) return "0";
  if (typeof personnel === "number") return String(Math.round(personnel * k));
  const [kind, fields] = Object.entries(personnel)[0];
  const scale = ["min", "max", "mode", "mean", "sd", "median", "values"];
  const parts = [];
  for (const [name, v] of Object.entries(fields)) {
    if (v === null) continue;
    const s = scale.includes(name);
    if (Array.isArray(v)) parts.push(`${name}: [${v.map((x) => num(s ? x * k : x)).join(", ")}]`);
    else if (typeof v === "string") parts.push(`${name}: "${v}"`);
    else parts.push(`${name}: ${num(s ? v * k : v)}`);
  }
  return `${kind}(${parts.join(", ")})`;
}

function slider(path, label, min, max, value, onchange) {
  const step = max > min ? (max - min) / 100 : 1;
  const input = el("input", { type: "range", min, max, step, value });
  input.dataset.path = path;
  const shown = el("span", { class: "value" }, fmt(value, 2));
  const err = el("span", { class: "err" });
  errorSlots.set(path, err);
  input.addEventListener("input", () => { shown.textContent = fmt(Number(input.value), 2); });
  input.addEventListener("change", onchange);
  return { input, shown, err, box: el("div", { class: "control" }, el("span", { class: "name" }, label), input, shown, err) };
}

function buildControls(s) {
  $("title").textContent = `strife explorer: ${s.name}`;
  $("description").textContent = s.description;
  $("runs").value = s.runs;
  $("runs").max = s.max_runs;
  $("runs").addEventListener("change", schedule);
  for (const p of s.presets) $("preset").append(el("option", { value: p.file }, p.name));
  $("preset").addEventListener("change", () => {
    const p = s.presets.find((x) => x.file === $("preset").value);
    $("preset-description").textContent = p ? p.description : "";
    schedule();
  });
  for (const f of s.forces) {
    const c = slider(`force:${f.faction}`, `${f.name}: personnel × scenario`, 0, 2, 1, schedule);
    c.input.step = 0.05;
    c.input.id = `force-${f.faction}`;
    c.input.dataset.kind = "force";
    c.input.dataset.faction = f.faction;
    for (const u of f.units) errorSlots.set(u.path, c.err);
    $("forces").append(c.box);
  }
  for (const i of s.inputs) {
    const c = slider(i.path, i.path, i.min, i.max, i.value, () => { c.input.dataset.touched = "1"; schedule(); });
    c.input.dataset.kind = "input";
    const reset = el("button", { type: "button", class: "reset", title: "draw it again for every run" }, "↺");
    reset.addEventListener("click", () => {
      delete c.input.dataset.touched;
      c.input.value = i.value;
      c.shown.textContent = fmt(i.value, 2);
      schedule();
    });
    c.box.insertBefore(reset, c.err);
    $("inputs").append(c.box);
  }
  for (const e of s.events) {
    const box = el("input", { type: "checkbox", checked: true });
    box.dataset.kind = "event";
    box.dataset.path = e.path;
    box.addEventListener("change", schedule);
    const err = el("span", { class: "err" });
    errorSlots.set(e.path, err);
    $("events").append(el("label", { class: "control", title: e.text }, box, ` ${e.id}: ${e.text}`, err));
  }
  for (const p of s.params) {
    const box = el("input", { type: "number", value: p.value, step: "any" });
    box.dataset.kind = "param";
    box.dataset.path = p.path;
    box.dataset.initial = String(p.value);
    box.addEventListener("change", schedule);
    const err = el("span", { class: "err" });
    errorSlots.set(p.path, err);
    $("params").append(el("label", { class: "control" }, el("span", { class: "name" }, p.path), box, err));
  }
  $("pin").addEventListener("click", pin);
  $("unpin").addEventListener("click", unpin);
  $("save").addEventListener("click", saveWhatif);
  $("day").addEventListener("input", () => showMap(Number($("day").value)));
  $("play").addEventListener("click", play);
  $("run").addEventListener("change", () => showMap(Number($("day").value)));
  const step = (by) => {
    const day = Math.min(Number($("day").max), Math.max(0, Number($("day").value) + by));
    $("day").value = day;
    showMap(day);
  };
  $("prev-day").addEventListener("click", () => step(-1));
  $("next-day").addEventListener("click", () => step(1));
}

// The overrides of the page's current setting, in order (a fixed input after its force).
function overrides() {
  const out = [];
  for (const input of document.querySelectorAll("input[data-kind=force]")) {
    const k = Number(input.value);
    if (k === 1) continue;
    const f = scenario.forces.find((x) => x.faction === input.dataset.faction);
    for (const u of f.units) out.push(`${u.path}=${scaled(u.personnel, k)}`);
  }
  for (const input of document.querySelectorAll("input[data-kind=input][data-touched]")) {
    out.push(`${input.dataset.path}=${num(Number(input.value))}`);
  }
  for (const box of document.querySelectorAll("input[data-kind=event]")) {
    if (!box.checked) out.push(`${box.dataset.path}=[]`);
  }
  for (const box of document.querySelectorAll("input[data-kind=param]")) {
    if (box.value !== box.dataset.initial) out.push(`${box.dataset.path}=${box.value}`);
  }
  return out;
}

function request() {
  const body = { client, overrides: overrides(), runs: Number($("runs").value) };
  if ($("preset").value) body.preset = $("preset").value;
  return body;
}

function clearErrors() {
  for (const slot of errorSlots.values()) slot.textContent = "";
  $("error").textContent = "";
}

function showError(answer) {
  const slot = answer.field && errorSlots.get(answer.field);
  if (slot) slot.textContent = answer.error; else $("error").textContent = answer.error;
  $("status").textContent = "not run: see the error";
}

async function post(path, body) {
  const r = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const answer = await r.json();
  return { ok: r.ok, answer };
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(runNow, 200);
}

async function runNow() {
  clearErrors();
  const { ok, answer } = await post("/api/run", request());
  if (!ok) { showError(answer); return; }
  job = answer.job;
  $("results").classList.add("stale");
  $("status").textContent = `running ${answer.runs} runs…`;
  poll(job);
}

async function poll(mine) {
  if (mine !== job) return;
  const r = await fetch(`/api/status?client=${client}`);
  const s = await r.json();
  if (mine !== job || s.job !== mine) { if (mine === job) setTimeout(() => poll(mine), 250); return; }
  $("progress").max = Math.max(1, s.total);
  $("progress").value = s.done;
  if (s.status === "done") {
    show(s);
  } else if (s.status === "failed") {
    $("error").textContent = s.error || "the run failed";
    $("status").textContent = "failed";
    $("results").classList.remove("stale");
  } else if (s.status !== "cancelled") {
    $("status").textContent = `${s.status}: ${s.done} of ${s.total} runs`;
    setTimeout(() => poll(mine), 250);
  }
}

function setSvg(id, svg) {
  const box = $(id);
  if (box) box.innerHTML = svg || "";
}

function show(s) {
  const res = s.result;
  $("results").classList.remove("stale");
  $("status").textContent = `done: ${res.runs} runs (seed ${res.seed})`;
  $("status").dataset.job = String(s.job);
  const tbody = $("places").tBodies[0];
  tbody.replaceChildren();
  for (const p of res.places) {
    const holder = p.holder_end ? `${p.holder_end[0]} (${pct(p.holder_end[1])})` : "–";
    const row = el("tr", {},
      el("td", {}, p.name),
      el("td", { class: "num p" }, pct(p.p)),
      el("td", { class: "num" }, `${pct(p.low)}–${pct(p.high)}`),
      el("td", { class: "num" }, p.median_day === null ? "–" : `${fmt(p.median_day, 1)}${p.median_date ? " (" + p.median_date.slice(0, 10) + ")" : ""}`),
      el("td", {}, holder));
    row.dataset.place = p.id;
    row.dataset.p = String(p.p);
    tbody.append(row);
  }
  const rung = res.highest_rung.length ? res.highest_rung.reduce((a, b) => (b[2] > a[2] ? b : a)) : null;
  const pk = res.peacekeepers_killed;
  $("monitors").replaceChildren(
    el("span", {}, `Highest rung, most often: ${rung ? `${rung[0]} ${rung[1]} (${pct(rung[2])})` : "none"}`),
    el("span", { id: "peacekeepers" }, `Peacekeepers killed: median ${pk ? fmt(pk.median, 0) : "–"} (90% of runs ${pk ? fmt(pk.q05, 0) : "–"}–${pk ? fmt(pk.q95, 0) : "–"})`));
  for (const [name, svg] of Object.entries(res.svgs)) setSvg(`chart-${name}`, svg);
  const cmp = s.comparison;
  $("comparison").hidden = !cmp;
  if (cmp) {
    const body = $("differences").tBodies[0];
    body.replaceChildren();
    for (const d of cmp.differences) {
      const row = el("tr", {},
        el("td", {}, d.metric),
        el("td", { class: "num" }, fmt(d.baseline, 3)),
        el("td", { class: "num" }, fmt(d.value, 3)),
        el("td", { class: "num diff" }, fmt(d.difference, 3)),
        el("td", { class: "num" }, `${fmt(d.low, 3)} to ${fmt(d.high, 3)}`));
      row.dataset.metric = d.metric;
      row.dataset.difference = String(d.difference);
      if (d.low !== null && d.high !== null && (d.low > 0 || d.high < 0)) row.classList.add("significant");
      body.append(row);
    }
    for (const [name, svg] of Object.entries(cmp.svgs)) setSvg(`chart-${name}`, svg);
  }
  $("day").max = res.days;
  $("run").max = res.runs - 1;
  if ($("run").value !== "" && Number($("run").value) >= res.runs) $("run").value = "";
  if (Number($("day").value) > res.days) $("day").value = res.days;
  showMap(Number($("day").value));
}

async function showMap(day) {
  mapWanted = day;
  if (mapBusy) return;
  mapBusy = true;
  try {
    while (mapWanted !== null) {
      const d = mapWanted;
      mapWanted = null;
      const run = $("run").value === "" ? "" : `&run=${Number($("run").value)}`;
      const r = await fetch(`/api/map?client=${client}&day=${d}${run}`);
      const m = await r.json();
      if (!r.ok) { $("map-note").textContent = m.error; continue; }
      $("map").innerHTML = m.svg;
      $("map").dataset.day = String(m.day);
      $("map-date").textContent = `day ${m.day}, ${m.date}`;
      const which = m.median ? "the run nearest the median on this day" : "chosen above (clear the box for the median run)";
      $("map-note").textContent = `Run ${m.run} (seed ${m.seed}), ${which}; the share is of the runs in which the same faction holds the place that day.`;
      const body = $("map-places").tBodies[0];
      body.replaceChildren();
      for (const p of m.places) {
        const row = el("tr", {}, el("td", {}, p.name), el("td", {}, p.holder || "–"), el("td", { class: "num" }, pct(p.share)));
        row.dataset.place = p.id;
        body.append(row);
      }
      $("map-events").replaceChildren(...(m.events.length ? m.events.map((e) => el("li", {}, `${e.time}: ${e.text}`)) : [el("li", { class: "muted" }, "nothing logged this day")]));
      placeTooltips(m);
    }
  } finally {
    mapBusy = false;
  }
}

// A tooltip on each place's name in the map: who holds it in this run, the share of runs in
// which the same faction does, and the run's events of the day that name it.
function placeTooltips(m) {
  const byName = new Map(m.places.map((p) => [p.name, p]));
  for (const text of $("map").querySelectorAll("svg text")) {
    const p = byName.get(text.textContent.trim());
    if (!p) continue;
    const news = m.events.filter((e) => e.text.includes(p.name)).map((e) => `${e.time}: ${e.text}`);
    const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
    title.textContent = [`${p.name}: held by ${p.holder || "no one"} in this run; the same holder in ${pct(p.share)} of runs`, ...news].join("\n");
    text.append(title);
    text.style.cursor = "help";
  }
}

function play() {
  if (playing) { clearInterval(playing); playing = null; $("play").textContent = "Play"; return; }
  $("play").textContent = "Pause";
  playing = setInterval(() => {
    const day = Number($("day").value);
    if (day >= Number($("day").max)) { play(); return; }
    $("day").value = day + 1;
    showMap(day + 1);
  }, 700);
}

async function pin() {
  const { ok, answer } = await post("/api/pin", { client });
  if (!ok) { $("error").textContent = answer.error; return; }
  pinned = true;
  $("pinned").textContent = `Baseline pinned: ${answer.overrides.length ? answer.overrides.join(", ") : "the scenario as it is"}.`;
  $("pinned").dataset.pinned = "1";
  $("unpin").hidden = false;
}

async function unpin() {
  await post("/api/pin", { client, pin: false });
  pinned = false;
  $("pinned").textContent = "";
  delete $("pinned").dataset.pinned;
  $("unpin").hidden = true;
  $("comparison").hidden = true;
}

async function saveWhatif() {
  const { ok, answer } = await post("/api/whatif", request());
  if (!ok) { showError(answer); return; }
  const saved = $("saved");
  saved.replaceChildren(
    el("p", {}, "Saved ", el("span", { id: "saved-file" }, answer.file), ". Reproduce the view with:"),
    el("code", { id: "saved-compare" }, answer.compare),
    el("code", { id: "saved-run" }, answer.run));
}

async function start() {
  const r = await fetch("/api/scenario");
  scenario = await r.json();
  // A reloaded page starts without a baseline.
  await post("/api/pin", { client, pin: false });
  buildControls(scenario);
  runNow();
}

// A closed or reloaded tab stops its computation.
addEventListener("pagehide", () => navigator.sendBeacon("/api/cancel", JSON.stringify({ client })));
start();
