"""Issue 19: an ensemble equals the CLI's runs.csv for the same seed, whatever `jobs` is."""

import io

import pandas as pd

import strife
from conftest import GOMA


def test_ensemble_equals_runs_csv_and_does_not_depend_on_jobs(cli, tmp_path):
    out = tmp_path / "ens"
    cli("run", GOMA, "--runs", 12, "--seed", 5, "--days", 20, "--out", out, "--plots", "none", "-q")
    on_disk = (out / "runs.csv").read_bytes()
    goma = strife.load(str(GOMA))
    one = goma.ensemble(runs=12, seed=5, days=20, jobs=1)
    two = goma.ensemble(runs=12, seed=5, days=20, jobs=2)
    assert one._native.runs_csv() == on_disk
    assert two._native.runs_csv() == on_disk
    pd.testing.assert_frame_equal(one, two)
    read = pd.read_csv(io.BytesIO(on_disk))
    assert list(one.columns) == list(read.columns)
    assert one.seed.tolist() == read.seed.tolist()
    assert one.shape == (12, read.shape[1])


def test_ensemble_metrics_and_series():
    goma = strife.load(str(GOMA))
    metrics = ["fall_day.goma", "max(pressure(rwanda) / resolve(rwanda))"]
    runs, series = goma.ensemble(runs=4, seed=2, days=15, metrics=metrics, series=True)
    assert list(runs.columns[-2:]) == [f"metric:{m}" for m in metrics]
    assert sorted(series.run.unique().tolist()) == [0, 1, 2, 3]
    assert runs.summary["runs"] == 4 if "runs" in runs.summary else True
    assert runs.plot().startswith("<svg")
    assert "fan_forces" in runs.figures


def test_compare_returns_the_comparison(cli, tmp_path):
    what_if = sorted((GOMA.parent / "whatif").glob("*.ron"))[0]
    out = tmp_path / "cmp"
    cli("compare", GOMA, what_if, "--runs", 6, "--seed", 4, "--days", 15, "--out", out,
        "--plots", "none", "-q")
    table = strife.compare([str(GOMA), str(what_if)], runs=6, seed=4, days=15)
    assert table._native.csv() == (out / "comparison.csv").read_bytes()
    assert len(table) == len(pd.read_csv(out / "comparison.csv"))
    assert table.plot("compare_differences").startswith("<svg")
    runs = strife.compare_runs(table)
    assert list(runs) == table.attrs["labels"]
