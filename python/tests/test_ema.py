"""Issue 19: strife.ema.model works with the EMA Workbench's perform_experiments and prim."""

import pytest

import strife
import strife.ema
from conftest import GOMA

ema = pytest.importorskip("ema_workbench")


def test_perform_experiments_and_prim():
    from ema_workbench import perform_experiments
    from ema_workbench.analysis import prim

    goma = strife.load(str(GOMA))
    model = strife.ema.model(
        goma,
        levers={"units.rdf_north.personnel": (1000, 5000)},
        outcomes=["fall_day.goma", "civilian_deaths"],
        seed=11,
        days=20,
    )
    experiments, outcomes = perform_experiments(model, scenarios=50, policies=2)
    assert len(experiments) == 100
    assert set(outcomes) == {"fall_day__goma", "civilian_deaths"}
    deaths = outcomes["civilian_deaths"]
    y = deaths > pd_median(deaths)
    x = experiments[[u.name for u in model.uncertainties] + [l.name for l in model.levers]]
    box = prim.Prim(x, y, threshold=0.6).find_box()
    assert box.box_lims, "prim found no box"
    assert len(box.peeling_trajectory) > 1


def pd_median(values):
    import numpy as np

    return float(np.median(values))
