"""strife from Python: conflict scenarios, runs and ensembles as pandas DataFrames.

strife's runs, ensembles and comparisons are run in-process by the Rust library (in parallel,
with the GIL released), and their tables reach pandas through Arrow, with the values of the
CSV and Parquet files the command line writes::

    import strife
    goma = strife.load("scenarios/goma_2025.ron")
    run = goma.run(seed=7)                      # run.forces, run.control, ... are DataFrames
    runs = goma.ensemble(runs=200, seed=1, metrics=["fall_day.goma"])
    runs["fall_day.goma"].describe()

Errors in a scenario, an override or an argument raise :class:`StrifeError` (a ``ValueError``)
whose message is strife's own, with the file, ``line:col``, the bad name and a suggestion.
:mod:`strife.ema` wraps a scenario as an EMA Workbench model.
"""

from __future__ import annotations

import json
import numbers
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Union

import pandas as pd
import pyarrow as pa

from . import _strife
from ._strife import StrifeError

__version__: str = _strife.__version__

__all__ = [
    "StrifeError",
    "Scenario",
    "Run",
    "Svg",
    "Frame",
    "load",
    "compare",
    "compare_runs",
    "sweep",
    "sensitivity",
    "hindcast",
    "__version__",
]

#: The run tables, in the order of ``strife run``'s files (``air`` only with air assets).
RUN_TABLES = (
    "forces",
    "control",
    "casualties",
    "supply",
    "events",
    "civilians",
    "diplomacy",
    "states",
    "escalation",
    "air",
)


def _frame(ipc: bytes) -> pd.DataFrame:
    """An Arrow IPC stream as a pandas DataFrame."""
    return pa.ipc.open_stream(pa.py_buffer(ipc)).read_all().to_pandas()


def _value(value: object) -> str:
    """An override's value as ``--set`` takes it: a number, ``true``/``false`` or text."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):  # numpy's too: `np.float64(0.5)` is written 0.5
        return repr(float(value))
    return str(value)


def _overrides(overrides: Optional[Mapping[str, object]]) -> List[str]:
    """``{path: value}`` as ``PATH=VALUE`` texts."""
    if not overrides:
        return []
    if not isinstance(overrides, Mapping):
        raise TypeError("overrides must be a dict {path: value}")
    return [f"{path}={_value(value)}" for path, value in overrides.items()]


class Svg(str):
    """An SVG figure, as the command line draws it; shown inline by Jupyter."""

    def _repr_svg_(self) -> str:
        return str(self)

    def save(self, path: str) -> None:
        """Write the figure to ``path``."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self)


class Frame(pd.DataFrame):
    """A DataFrame with strife's figures: ``.plot()`` hands back the SVG the command line
    would draw (``.plot("name")`` for another figure; ``.figures`` lists them), and
    ``.summary`` is the command's ``summary.json``. Frames derived from it (a selection,
    a sum) are plain DataFrames."""

    _metadata = ["_native", "figures"]

    @property
    def _constructor(self):  # derived frames are plain DataFrames
        return pd.DataFrame

    @classmethod
    def _wrap(cls, df: pd.DataFrame, native: object, figures: Sequence[str]) -> "Frame":
        out = cls(df)
        out._native = native
        out.figures = list(figures)
        return out

    def plot(self, name: Optional[str] = None) -> Svg:  # type: ignore[override]
        """The SVG of figure ``name`` (the first of :attr:`figures` if None)."""
        return Svg(self._native.svg(name))

    @property
    def summary(self) -> dict:
        """The command's ``summary.json``, as a dict."""
        return json.loads(self._native.summary_json())

    def text(self) -> str:
        """The command's printed summary."""
        return self._native.text()


ENSEMBLE_FIGURES = ("fan_forces", "fan_displacement", "capture_probability", "map_probability")
COMPARE_FIGURES = ("compare_capture", "compare_fans", "compare_differences")
RUN_FIGURES = ("control", "forces", "displacement", "escalation", "map")


class Run:
    """One run's tables, as DataFrames: ``forces``, ``control``, ``casualties``, ``supply``,
    ``events``, ``civilians``, ``diplomacy``, ``states``, ``escalation``, ``air`` (only with
    air assets) and ``series`` (the long series, every sample). ``summary`` is the run's
    ``summary.json`` as a dict."""

    def __init__(self, native: "_strife.Run") -> None:
        self._native = native
        self._tables: Optional[Dict[str, pd.DataFrame]] = None
        self._series: Optional[pd.DataFrame] = None

    def _all(self) -> Dict[str, pd.DataFrame]:
        if self._tables is None:
            self._tables = {name: _frame(ipc) for name, ipc in self._native.tables()}
        return self._tables

    @property
    def tables(self) -> Dict[str, pd.DataFrame]:
        """Every table, by name."""
        return dict(self._all())

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in RUN_TABLES:
            tables = self._all()
            if name in tables:
                return tables[name]
            raise AttributeError(f"this run has no {name} table (its scenario has no air assets)")
        raise AttributeError(name)

    @property
    def series(self) -> pd.DataFrame:
        """The long series of the run (every sample; the columns of ``series.parquet``)."""
        if self._series is None:
            self._series = _frame(self._native.series("tick"))
        return self._series

    def daily_series(self) -> pd.DataFrame:
        """The long series with one sample a day."""
        return _frame(self._native.series("daily"))

    def csv(self) -> Dict[str, bytes]:
        """The tables' CSV files, byte for byte as ``strife run`` writes them."""
        return dict(self._native.csv())

    @property
    def summary(self) -> dict:
        """``summary.json``, as a dict."""
        return json.loads(self._native.summary_json())

    def text(self) -> str:
        """The summary ``strife run`` prints."""
        return self._native.text()

    def plot(self, name: Optional[str] = None) -> Svg:
        """The SVG of one of ``strife run``'s figures (the first if None)."""
        return Svg(self._native.svg(name))

    def __repr__(self) -> str:
        return f"<strife.Run {self.summary.get('scenario', '')!r} seed {self.summary.get('seed')}>"


class Scenario:
    """A loaded and validated scenario or what-if file, with its overrides."""

    def __init__(self, native: "_strife.Scenario") -> None:
        self._native = native

    @property
    def file(self) -> str:
        """The file, as named."""
        return self._native.file

    @property
    def name(self) -> str:
        """The scenario's title."""
        return self._native.name

    @property
    def description(self) -> str:
        """The scenario's description."""
        return self._native.description

    @property
    def seed(self) -> int:
        """The scenario's own seed (the default of :meth:`run` and :meth:`ensemble`)."""
        return self._native.seed

    @property
    def duration_days(self) -> float:
        """The scenario's length, in days."""
        return self._native.duration_days

    @property
    def overrides(self) -> List[str]:
        """The overrides applied, as ``PATH=VALUE``."""
        return self._native.overrides

    @property
    def inputs(self) -> pd.DataFrame:
        """The uncertain inputs, indexed by path: ``kind`` (Uniform, Normal, ...),
        ``distribution`` (as written), ``low`` and ``high`` (the range of its draws) and
        ``central`` (the value that stands for it)."""
        rows = self._native.inputs()
        df = pd.DataFrame(
            rows, columns=["path", "kind", "distribution", "low", "high", "central"]
        )
        return df.set_index("path")

    def metrics(self) -> List[str]:
        """The built-in metric names of this scenario (``strife metrics SCENARIO``); an
        expression of docs/METRICS.md works wherever a metric is asked for."""
        return self._native.metrics()

    def validate(self) -> str:
        """Read and validate the file again; raises :class:`StrifeError` if it no longer
        loads, else returns ``strife validate``'s line."""
        return self._native.validate()

    def explain(self) -> str:
        """The scenario in words (``strife explain``)."""
        return self._native.explain()

    def with_overrides(self, overrides: Mapping[str, object]) -> "Scenario":
        """The scenario with ``{path: value}`` overrides (``--set PATH=VALUE``) on top."""
        return Scenario(self._native.with_overrides(_overrides(overrides)))

    def run(
        self,
        seed: Optional[int] = None,
        days: Optional[float] = None,
        overrides: Optional[Mapping[str, object]] = None,
    ) -> Run:
        """One run, in memory (``strife run``, with no files): ``seed`` and ``days`` default
        to the scenario's."""
        scenario = self.with_overrides(overrides) if overrides else self
        return Run(scenario._native.run(seed, days))

    def ensemble(
        self,
        runs: int = 100,
        seed: Optional[int] = None,
        jobs: Optional[int] = None,
        metrics: Iterable[str] = (),
        series: Union[bool, str] = False,
        days: Optional[float] = None,
        overrides: Optional[Mapping[str, object]] = None,
    ):
        """``runs`` runs (``strife run --runs``) on ``jobs`` threads (all cores if None),
        returned as a DataFrame of runs × outcomes: the columns of ``runs.csv``, then one
        column per metric of ``metrics`` (names or expressions, docs/METRICS.md). The
        result does not depend on ``jobs``. With ``series`` (True or "daily", or "tick"),
        returns ``(runs, series)``, the second the long series of every run."""
        scenario = self.with_overrides(overrides) if overrides else self
        resolution = None
        if series is True:
            resolution = "daily"
        elif isinstance(series, str):
            resolution = series
        native = scenario._native.ensemble(
            int(runs), seed, jobs, days, [str(m) for m in metrics], resolution
        )
        table = Frame._wrap(_frame(native.runs_table()), native, ENSEMBLE_FIGURES)
        if resolution is None:
            return table
        return table, _frame(native.series())

    def __repr__(self) -> str:
        return f"<strife.Scenario {self.name!r} from {self.file!r}>"


def load(path: str, overrides: Optional[Mapping[str, object]] = None) -> Scenario:
    """Read, parse and validate a scenario or what-if file (``overrides`` as ``{path: value}``,
    like ``--set``). Raises :class:`StrifeError` with strife's located message."""
    return Scenario(_strife.load(str(path), _overrides(overrides)))


def compare(
    scenarios: Sequence[Union[Scenario, str]],
    runs: int = 100,
    seed: Optional[int] = None,
    jobs: Optional[int] = None,
    metrics: Iterable[str] = (),
    stat: str = "mean",
    days: Optional[float] = None,
) -> Frame:
    """``strife compare``: run each scenario (or file) ``runs`` times with common random
    numbers, and return ``comparison.csv`` as a DataFrame (the first scenario is the
    baseline). ``.plot()`` gives the comparison's figures; ``.runs`` each scenario's runs."""
    loaded = [s if isinstance(s, Scenario) else load(s) for s in scenarios]
    native = _strife.compare(
        [s._native for s in loaded], int(runs), seed, jobs, days, [str(m) for m in metrics], stat
    )
    table = Frame._wrap(_frame(native.table()), native, COMPARE_FIGURES)
    table.attrs["labels"] = native.labels
    return table


def compare_runs(comparison: Frame) -> Dict[str, pd.DataFrame]:
    """Each compared scenario's ``runs.csv`` as a DataFrame, by label."""
    return {label: _frame(ipc) for label, ipc in comparison._native.runs_tables()}


def _vary(vary: Union[Mapping[str, object], Sequence[str]]) -> List[str]:
    """``--vary`` texts from ``{path: spec}`` (a spec as the CLI writes it, e.g. ``"500..1500"``
    or ``"0.1:0.5:0.1"``, a ``(low, high)`` range, or a list of values) or ``PATH=SPEC`` texts."""
    if isinstance(vary, str):
        return [vary]
    if not isinstance(vary, Mapping):
        return [str(v) for v in vary]
    texts = []
    for path, spec in vary.items():
        if isinstance(spec, tuple) and len(spec) == 2:
            spec = f"{_value(spec[0])}..{_value(spec[1])}"
        elif isinstance(spec, (list, range)):
            spec = ",".join(_value(v) for v in spec)
        texts.append(f"{path}={spec}")
    return texts


def _scenario(scenario: Union[Scenario, str]) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load(scenario)


def _analysis(native, figures: Sequence[str]) -> Frame:
    tables = native.tables()
    frame = Frame._wrap(_frame(tables[0][1]), native, figures)
    frame.attrs["tables"] = [name for name, _ in tables]
    return frame


def sweep(
    scenario: Union[Scenario, str],
    vary: Union[Mapping[str, object], Sequence[str]],
    metric: str,
    runs: int = 100,
    stat: str = "mean",
    seed: Optional[int] = None,
    jobs: Optional[int] = None,
    days: Optional[float] = None,
) -> Frame:
    """``strife sweep``: an ensemble of ``runs`` runs at every point of a grid of one or two
    axes (``{path: spec}``), and ``stat`` of ``metric`` at each: ``sweep.csv`` as a DataFrame;
    ``.plot()`` is the sweep's figure."""
    native = _strife.sweep(
        _scenario(scenario)._native, _vary(vary), str(metric), int(runs), stat, seed, jobs, days
    )
    return _analysis(native, ("sweep",))


def sensitivity(
    scenario: Union[Scenario, str],
    metric: str,
    method: str = "morris",
    runs: Optional[int] = None,
    inputs: Sequence[str] = (),
    vary: Union[Mapping[str, object], Sequence[str]] = (),
    levels: int = 4,
    replicates: int = 1,
    bootstrap: int = 500,
    seed: Optional[int] = None,
    jobs: Optional[int] = None,
    days: Optional[float] = None,
) -> Frame:
    """``strife sensitivity``: Morris screening or Sobol' indices of ``metric`` over the
    scenario's uncertain inputs (those matching ``inputs`` patterns) and ``vary`` ranges:
    ``sensitivity.csv`` as a DataFrame (``sensitivity_samples(result)`` gives
    ``samples.csv``); ``.plot()`` is the command's figure."""
    native = _strife.sensitivity(
        _scenario(scenario)._native,
        str(metric),
        method,
        runs,
        [str(i) for i in inputs],
        _vary(vary),
        int(levels),
        int(replicates),
        int(bootstrap),
        seed,
        jobs,
        days,
    )
    return _analysis(native, ("tornado", "indices"))


def sensitivity_samples(result: Frame) -> pd.DataFrame:
    """The design and metric of every point of a :func:`sensitivity` (``samples.csv``)."""
    return _frame(dict(result._native.tables())["samples"])


def hindcast(
    scenario: Union[Scenario, str],
    observed: str,
    runs: int = 200,
    seed: Optional[int] = None,
    jobs: Optional[int] = None,
    days: Optional[float] = None,
) -> Frame:
    """``strife hindcast``: ``runs`` runs scored against the observed history in the CSV file
    ``observed``: ``hindcast.csv`` as a DataFrame; ``.plot()`` is the command's figure."""
    native = _strife.hindcast(
        _scenario(scenario)._native, str(observed), int(runs), seed, jobs, days
    )
    return _analysis(native, ("hindcast",))
