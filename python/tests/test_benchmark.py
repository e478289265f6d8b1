"""Issue 19: what a 200-run ensemble costs in-process against its runs alone (printed, not
asserted: a benchmark, whose figures are in docs/PERFORMANCE.md)."""

import time

import strife
from conftest import GOMA


def test_a_200_run_ensemble_costs_little_more_than_its_runs(cli, tmp_path, capsys):
    goma = strife.load(str(GOMA))
    started = time.perf_counter()
    table = goma.ensemble(runs=200, seed=1, jobs=1)
    in_process = time.perf_counter() - started
    assert len(table) == 200
    # Its runs alone, as the CLI runs them with no outputs but the digests (`--shard 1/1`).
    started = time.perf_counter()
    cli("run", GOMA, "--runs", 200, "--seed", 1, "--jobs", 1, "--shard", "1/1", "-q",
        "--out", tmp_path / "shard")
    runs_alone = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\n200-run Goma ensemble, one thread: in-process {in_process:.2f} s (DataFrame "
            f"included), the CLI's runs alone {runs_alone:.2f} s, ratio "
            f"{in_process / runs_alone:.2f}"
        )
