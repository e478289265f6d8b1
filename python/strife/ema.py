"""strife as an EMA Workbench model (https://emaworkbench.readthedocs.io).

:func:`model` wraps a scenario so that the Workbench's samplers, ``perform_experiments`` and
``prim`` work on it with no glue code::

    from ema_workbench import perform_experiments
    from ema_workbench.analysis import prim
    import strife, strife.ema

    goma = strife.load("scenarios/goma_2025.ron")
    m = strife.ema.model(goma, outcomes=["fall_day.goma", "civilian_deaths"])
    experiments, outcomes = perform_experiments(m, scenarios=50)
    box = prim.Prim(experiments[m.uncertainty_names], outcomes["civilian_deaths"] > 1000,
                    threshold=0.5).find_box()

Each experiment sets the sampled uncertainties and levers as overrides (``--set PATH=VALUE``)
and runs an ensemble of ``runs`` runs (one by default) with ``seed``; the scenario's other
uncertain inputs are drawn as in any run, with the same seeds in every experiment (common
random numbers). An outcome is a metric name or expression (docs/METRICS.md), averaged over
the runs. Parameter and outcome names are safe identifiers made from the paths and
expressions (``units.rdf_north.personnel`` is ``units__rdf_north__personnel``, as in
``runs.parquet``); ``model.strife_paths`` maps each back.
"""

from __future__ import annotations

import math
from typing import Dict, Iterable, Mapping, Optional, Sequence, Tuple, Union

import pandas as pd

from . import Scenario, _strife, load

__all__ = ["model"]

Range = Union[Tuple[float, float], Sequence[object]]


def _parameters(spec, scenario: Scenario, kind: str):
    """EMA parameters (and their strife paths) from a spec: None (every uncertain input of
    the scenario over the range of its draws), a list of paths (of uncertain inputs) or of EMA
    parameters, or a dict {path: (low, high)} or {path: [values]}."""
    from ema_workbench import CategoricalParameter, IntegerParameter, RealParameter

    inputs = scenario.inputs
    if spec is None:
        if kind == "levers":
            return [], {}
        spec = list(inputs.index)
    if isinstance(spec, Mapping):
        items = list(spec.items())
    else:
        items = []
        for entry in spec:
            if isinstance(entry, str):
                if entry not in inputs.index:
                    raise _strife.StrifeError(
                        f"{scenario.file}: error: `{entry}` is not an uncertain input of this "
                        f"scenario; give its range as {{'{entry}': (low, high)}}, or one of: "
                        + ", ".join(inputs.index[:8])
                    )
                row = inputs.loc[entry]
                items.append((entry, (float(row["low"]), float(row["high"]))))
            else:
                items.append((None, entry))
    paths = [p if p is not None else e.name for p, e in items]
    names = _strife.safe_names([str(p) for p in paths])
    params, mapping = [], {}
    for (path, value), name in zip(items, names):
        if path is None:  # an EMA parameter given as is: its name is the path
            params.append(value)
            mapping[value.name] = value.name
            continue
        if isinstance(value, tuple) and len(value) == 2:
            low, high = value
            if isinstance(low, int) and isinstance(high, int) and not isinstance(low, bool):
                params.append(IntegerParameter(name, low, high))
            else:
                params.append(RealParameter(name, float(low), float(high)))
        else:
            params.append(CategoricalParameter(name, list(value)))
        mapping[name] = path
    return params, mapping


def model(
    scenario: Union[Scenario, str],
    uncertainties=None,
    levers=None,
    outcomes: Union[Iterable[str], Mapping[str, str]] = (),
    runs: int = 1,
    seed: Optional[int] = None,
    days: Optional[float] = None,
    name: str = "strife",
):
    """An ``ema_workbench.Model`` of ``scenario``.

    ``uncertainties``: None (every uncertain input of the scenario, over the range of its
    draws, but those the levers set), a list of their paths, or ``{path: (low, high)}`` (any field ``--set`` takes;
    ints give an ``IntegerParameter``, a list of values a ``CategoricalParameter``), or EMA
    parameters whose names are paths. ``levers``: the same, none by default. ``outcomes``:
    metric names or expressions (or ``{name: expression}``), each a ``ScalarOutcome``.
    ``runs`` runs per experiment (their mean is the outcome), with master ``seed``."""
    from ema_workbench import Model, ScalarOutcome

    if isinstance(scenario, str):
        scenario = load(scenario)
    if isinstance(outcomes, Mapping):
        out_names, exprs = list(outcomes.keys()), list(outcomes.values())
    else:
        exprs = [str(o) for o in outcomes]
        out_names = _strife.safe_names(exprs)
    if not exprs:
        raise _strife.StrifeError("outcomes: give at least one metric name or expression")
    scenario._native.check_metrics(exprs)
    lev, lev_paths = _parameters(levers, scenario, "levers")
    if uncertainties is None:
        # Every uncertain input but those the levers set.
        taken = set(lev_paths.values())
        uncertainties = [p for p in scenario.inputs.index if p not in taken]
    unc, unc_paths = _parameters(uncertainties, scenario, "uncertainties")
    paths: Dict[str, str] = {**unc_paths, **lev_paths, **dict(zip(out_names, exprs))}

    def run(**values) -> Dict[str, float]:
        overrides = {paths.get(k, k): v for k, v in values.items() if k in paths}
        table = scenario.ensemble(
            runs=runs, seed=seed, days=days, metrics=exprs, overrides=overrides, jobs=1
        )
        result = {}
        # The metrics are the last columns of runs.csv, in order (`metric:NAME`).
        columns = list(table.columns[len(table.columns) - len(exprs) :])
        for out, column in zip(out_names, columns):
            mean = pd.to_numeric(table[column], errors="coerce").mean()
            result[out] = float(mean) if not math.isnan(mean) else math.nan
        return result

    m = Model(name, function=run)
    m.uncertainties = unc
    m.levers = lev
    m.outcomes = [ScalarOutcome(n) for n in out_names]
    m.strife_paths = paths
    m.strife_scenario = scenario
    return m
