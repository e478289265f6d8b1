"""Re-analyse a strife sensitivity study's samples.csv with SALib (issue 16).

    python3 tests/python/salib_reanalyse.py morris OUT_DIR [LEVELS]
    python3 tests/python/salib_reanalyse.py sobol OUT_DIR

prints the indices as JSON ({input: {index: value}}), computed by SALib from samples.csv alone:
its unit-cube coordinates (the `u.PATH` columns) and its metric (the last column). The calls are
the ones docs/ANALYSIS.md shows.
"""

import json
import sys

import numpy as np
import pandas as pd
from SALib.analyze import morris, sobol


def problem(samples):
    unit = [c for c in samples.columns if c.startswith("u.")]
    names = [c[2:] for c in unit]
    return unit, {"num_vars": len(unit), "names": names, "bounds": [[0.0, 1.0]] * len(unit)}


def reanalyse_morris(folder, levels):
    samples = pd.read_csv(f"{folder}/samples.csv")
    metric = samples.columns[-1]
    unit, prob = problem(samples)
    res = morris.analyze(
        prob, samples[unit].to_numpy(), samples[metric].to_numpy(), num_levels=levels, seed=1
    )
    return {
        name: {"mu": res["mu"][i], "mu_star": res["mu_star"][i], "sigma": res["sigma"][i]}
        for i, name in enumerate(prob["names"])
    }


def reanalyse_sobol(folder):
    samples = pd.read_csv(f"{folder}/samples.csv")
    metric = samples.columns[-1]
    unit, prob = problem(samples)
    # strife writes the blocks one after another (A, B, AB.PATH...); SALib wants them row by
    # row: A_j, AB_1j .. AB_kj, B_j.
    blocks = (
        [samples[samples["block"] == "A"]]
        + [samples[samples["block"] == f"AB.{name}"] for name in prob["names"]]
        + [samples[samples["block"] == "B"]]
    )
    y = np.column_stack([b[metric].to_numpy() for b in blocks]).reshape(-1)
    res = sobol.analyze(prob, y, calc_second_order=False, seed=1)
    return {
        name: {"S1": res["S1"][i], "ST": res["ST"][i]} for i, name in enumerate(prob["names"])
    }


if __name__ == "__main__":
    method, folder = sys.argv[1], sys.argv[2]
    if method == "morris":
        out = reanalyse_morris(folder, int(sys.argv[3]) if len(sys.argv) > 3 else 4)
    else:
        out = reanalyse_sobol(folder)
    print(json.dumps({k: {i: float(v) for i, v in d.items()} for k, d in out.items()}))
