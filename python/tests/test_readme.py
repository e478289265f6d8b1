"""Issue 19: the README's "From Python" example runs as written."""

import os
import re

from conftest import REPO


def test_the_readme_example_runs(capsys):
    readme = (REPO / "README.md").read_text()
    section = readme.split("## From Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len(code.strip().splitlines()) == 5
    here = os.getcwd()
    os.chdir(REPO)
    try:
        exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(here)
    assert "metric:fall_day.goma" in capsys.readouterr().out
