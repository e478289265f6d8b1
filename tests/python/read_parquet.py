"""Issue 17: read an ensemble's Parquet files with pandas and pyarrow (and DuckDB where it is
installed), check them against runs.csv, and run the README's pandas snippet as written.

Usage: read_parquet.py OUT_DIR README.md   (OUT_DIR made by
`strife run scenarios/goma_2025.ron --runs N --days 31 --series daily --out .../output/goma_2025-ensemble`)
"""

import math
import os
import re
import sys

import pandas as pd
import pyarrow.parquet as pq

out, readme = sys.argv[1], sys.argv[2]

# series.parquet: the documented long format, typed.
series = pd.read_parquet(os.path.join(out, "series.parquet"))
expected = ["run", "seed", "day", "datetime", "entity_kind", "entity", "quantity", "value", "text"]
assert list(series.columns) == expected, list(series.columns)
assert str(series.datetime.dtype).startswith("datetime64"), series.datetime.dtype
assert set(series.entity_kind.astype(str)) >= {"faction", "place", "actor", "state", "theatre"}
meta = pq.ParquetFile(os.path.join(out, "series.parquet")).metadata
assert meta.num_row_groups >= 1 and meta.num_rows == len(series)

# runs.parquet: runs.csv under safe names, mapped by columns.csv.
runs = pd.read_parquet(os.path.join(out, "runs.parquet"))
csv = pd.read_csv(os.path.join(out, "runs.csv"), keep_default_na=False)
columns = pd.read_csv(os.path.join(out, "columns.csv"), keep_default_na=False)
assert list(runs.columns) == list(columns.column)
assert all(re.fullmatch(r"[a-z_][a-z0-9_]*", c) for c in runs.columns)
for name, path in zip(columns.column, columns.path):
    for a, b in zip(runs[name], csv[path]):
        if b == "":
            assert a is None or (isinstance(a, float) and math.isnan(a)), (name, a, b)
        elif isinstance(a, str):
            assert a == b, (name, a, b)
        else:
            assert float(a) == float(b), (name, a, b)

# The series agrees with runs.csv: each run's last sample holds its end-of-run totals.
last = series[series.day == series.groupby("run").day.transform("max")]
theatre = last[(last.entity_kind == "theatre")].pivot(index="run", columns="quantity", values="value")
for quantity in ["newly_displaced", "peacekeepers_killed"]:
    got = theatre[quantity].reindex(runs.run).to_numpy()
    want = runs[quantity].to_numpy().astype(float)
    assert (abs(got - want) <= 1.0).all(), (quantity, got, want)
holder = last[(last.entity == "goma") & (last.quantity == "controller")].set_index("run").text
assert (holder.reindex(runs.run).to_numpy() == runs.holder_end__goma.to_numpy()).all()
print("pandas+pyarrow: ok")

try:
    import duckdb
except ModuleNotFoundError:
    print("duckdb: not installed, skipped")
else:
    n = duckdb.sql(f"select count(*) from read_parquet('{out}/series.parquet')").fetchall()[0][0]
    assert n == len(series), (n, len(series))
    p = duckdb.sql(
        f"select avg(case when text = 'm23' then 1 else 0 end) from read_parquet('{out}/series.parquet') "
        "where entity = 'goma' and quantity = 'controller' and day = 30"
    ).fetchall()[0][0]
    goma = series.query("entity == 'goma' and quantity == 'controller' and day == 30")
    assert abs(p - (goma.text == "m23").mean()) < 1e-12
    print("duckdb: ok")

# The README's pandas snippet, as written, from the folder holding output/.
text = open(readme, encoding="utf-8").read()
section = text.split("## Analysing results in Python or R", 1)[1]
snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
os.chdir(os.path.dirname(os.path.dirname(os.path.abspath(out))))
exec(compile(snippet, "README.md (pandas snippet)", "exec"), {})
print("README snippet: ok")
