"""Issue 19: sweep, sensitivity and hindcast return the tables their commands write."""

import strife
from conftest import GOMA, REPO


def test_sweep_equals_the_cli(cli, tmp_path):
    out = tmp_path / "sweep"
    cli("sweep", GOMA, "--vary", "states.Rwanda.resolve=8,16", "--metric", "fall_day.goma",
        "--runs", 3, "--seed", 2, "--days", 15, "--out", out, "--plots", "none", "-q")
    table = strife.sweep(GOMA.as_posix(), {"states.Rwanda.resolve": [8, 16]}, "fall_day.goma",
                         runs=3, seed=2, days=15)
    assert dict(table._native.csv())["sweep"] == (out / "sweep.csv").read_bytes()
    assert len(table) == 2
    assert table.plot().startswith("<svg")


def test_sensitivity_equals_the_cli(cli, tmp_path):
    out = tmp_path / "sens"
    cli("sensitivity", GOMA, "--metric", "civilian_deaths", "--input", "states.*", "--runs", 2,
        "--seed", 3, "--days", 10, "--bootstrap", 20, "--out", out, "--plots", "none", "-q")
    table = strife.sensitivity(strife.load(str(GOMA)), "civilian_deaths", inputs=["states.*"],
                               runs=2, seed=3, days=10, bootstrap=20)
    csv = dict(table._native.csv())
    assert csv["sensitivity"] == (out / "sensitivity.csv").read_bytes()
    assert csv["samples"] == (out / "samples.csv").read_bytes()
    assert len(strife.sensitivity_samples(table)) > 0
    assert table.plot("indices").startswith("<svg")


def test_hindcast_equals_the_cli(cli, tmp_path):
    out = tmp_path / "hind"
    observed = REPO / "scenarios" / "observed" / "goma_2025.csv"
    cli("hindcast", GOMA, "--observed", observed, "--runs", 5, "--seed", 4, "--out", out,
        "--plots", "none", "-q")
    table = strife.hindcast(str(GOMA), str(observed), runs=5, seed=4)
    assert dict(table._native.csv())["hindcast"] == (out / "hindcast.csv").read_bytes()
    assert table.summary and table.plot().startswith("<svg")
