"""Issue 19: `Scenario.run` tables equal the CSV files `strife run` writes for the same seed."""

import io
import json

import pandas as pd
import pytest

import strife
from conftest import GOMA, MINIMAL


@pytest.mark.parametrize("path,seed,days", [(GOMA, 7, 20), (MINIMAL, 3, None)])
def test_run_tables_equal_the_cli_files(cli, tmp_path, path, seed, days):
    out = tmp_path / "run"
    args = ["run", path, "--seed", seed, "--out", out, "--plots", "none", "-q"]
    if days:
        args += ["--days", days]
    cli(*args)
    run = strife.load(str(path)).run(seed=seed, days=days)
    csv = run.csv()
    tables = run.tables
    assert set(csv) == {p.name for p in out.glob("*.csv")}
    for name, data in csv.items():
        on_disk = (out / name).read_bytes()
        assert data == on_disk, name
        # The DataFrame holds the file's values, typed as its Parquet twin.
        frame = tables[name[: -len(".csv")]]
        read = pd.read_csv(io.BytesIO(on_disk))
        assert list(frame.columns) == list(read.columns), name
        assert len(frame) == len(read), name
        for column in frame.columns:
            a, b = frame[column], read[column]
            if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
                pd.testing.assert_series_equal(
                    a.astype(float), b.astype(float), check_names=False, obj=f"{name}:{column}"
                )
            else:
                assert a.fillna("").astype(str).tolist() == b.fillna("").astype(str).tolist(), (
                    name,
                    column,
                )
    summary = json.loads((out / "summary.json").read_text())
    assert run.summary == summary
    assert list(run.forces.columns)[:3] == ["day", "datetime", "faction"]


def test_run_series_has_every_quantity():
    run = strife.load(str(MINIMAL)).run(seed=1)
    series = run.series
    assert list(series.columns) == [
        "run", "seed", "day", "datetime", "entity_kind", "entity", "quantity", "value", "text",
    ]
    personnel = series[(series.quantity == "personnel") & (series.entity == "gov")]
    assert personnel.value.tolist() == run.forces[run.forces.faction == "gov"].personnel.tolist()


def test_scenario_api():
    goma = strife.load(str(GOMA))
    assert strife.__version__ and goma.name
    inputs = goma.inputs
    assert {"kind", "distribution", "low", "high", "central"} <= set(inputs.columns)
    assert (inputs.low <= inputs.central).all() and (inputs.central <= inputs.high).all()
    assert "fall_day.goma" in goma.metrics()
    assert goma.validate().endswith(")")
    assert goma.name in goma.explain()
    bigger = goma.with_overrides({"places.goma.population": 2_000_000})
    assert "places.goma.population" not in bigger.inputs.index
    assert bigger.overrides == ["places.goma.population=2000000"]
    svg = goma.run(seed=1, days=5).plot("forces")
    assert svg.startswith("<svg") and svg._repr_svg_() == svg
