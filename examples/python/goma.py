"""strife from Python, notebook style (issue 19): load the Goma scenario, run an ensemble,
draw a fan chart of M23's personnel with matplotlib from the long series, and run an EMA
Workbench experiment with PRIM scenario discovery.

    pip install ./python ema-workbench matplotlib
    python examples/python/goma.py [OUT_DIR]      # writes OUT_DIR/goma_fan.png (default output/python)

Runs headless (matplotlib's Agg backend); each cell below would be a notebook cell.
"""

import os
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

import strife  # noqa: E402
import strife.ema  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "output", "python")
os.makedirs(out, exist_ok=True)

# %% Load the scenario: its uncertain inputs are a DataFrame.
goma = strife.load(os.path.join(REPO, "scenarios", "goma_2025.ron"))
print(goma)
print(goma.inputs[["distribution", "low", "high"]].head(8).to_string())

# %% An ensemble of 100 runs with each run's daily series, on every core.
started = time.perf_counter()
runs, series = goma.ensemble(
    runs=100, seed=1, metrics=["fall_day.goma", "civilian_deaths"], series="daily"
)
print(f"100 runs in {time.perf_counter() - started:.1f} s")
print(runs[["metric:fall_day.goma", "metric:civilian_deaths"]].describe().round(1).to_string())

# %% A fan chart from the series: M23's personnel, median and the middle 50% and 90% of runs.
m23 = series[(series.quantity == "personnel") & (series.entity == "m23")]
by_day = m23.groupby("datetime").value  # a calendar date for each day of the run
bands = by_day.quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
fig, ax = plt.subplots(figsize=(7, 4))
ax.fill_between(bands.index, bands[0.05], bands[0.95], alpha=0.2, color="#d62728", label="90% of runs")
ax.fill_between(bands.index, bands[0.25], bands[0.75], alpha=0.4, color="#d62728", label="50% of runs")
ax.plot(bands.index, bands[0.5], color="#d62728", label="median")
ax.set(xlabel="date (2025)", ylabel="personnel (soldiers)", title="M23 / AFC personnel, Goma 2025 (100 runs)")
ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%-d %b"))
ax.legend(loc="lower left")
png = os.path.join(out, "goma_fan.png")
fig.savefig(png, dpi=100, bbox_inches="tight")
print(f"fan chart: {png}")

# %% The same ensemble's own fan chart, as strife draws it (an SVG; inline in Jupyter).
runs.plot("fan_forces").save(os.path.join(out, "goma_fan_forces.svg"))

# %% An EMA Workbench experiment: 50 scenarios of the uncertain inputs x 2 policies of the RDF's
# northern battle group's strength, 30 days each, then PRIM: where do many civilians die?
from ema_workbench import perform_experiments  # noqa: E402
from ema_workbench.analysis import prim  # noqa: E402

model = strife.ema.model(
    goma,
    levers={"units.rdf_north.personnel": (1000, 5000)},
    outcomes=["civilian_deaths", "fall_day.goma"],
    days=30,
    seed=1,
)
experiments, outcomes = perform_experiments(model, scenarios=50, policies=2)
deaths = outcomes["civilian_deaths"]
threshold = sorted(deaths)[len(deaths) * 3 // 4]
inputs = experiments[[p.name for p in model.uncertainties] + [p.name for p in model.levers]]
box = prim.Prim(inputs, deaths >= threshold, threshold=0.5).find_box()
print(f"PRIM: runs with at least {threshold:.0f} civilian deaths")
print(f"box: coverage {box.coverage:.2f}, density {box.density:.2f}")
# The inputs the box restricts, with their bounds in it (the first box is the whole space).
first, last = box.box_lims[0], box.box_lims[-1]
restricted = [c for c in last.columns if not last[c].equals(first[c])]
print(last[restricted].T.rename(columns={0: "low", 1: "high"}).to_string())
