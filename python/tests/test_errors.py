"""Issue 19: mistakes raise strife.StrifeError (a ValueError) with strife's located message."""

import pytest

import strife
from conftest import GOMA, MINIMAL


def test_a_bad_scenario_raises_the_located_message(cli, tmp_path):
    text = MINIMAL.read_text().replace('controller: "gov", key: true', 'controller: "gvo", key: true')
    bad = tmp_path / "bad.ron"
    bad.write_text(text)
    with pytest.raises(strife.StrifeError) as caught:
        strife.load(str(bad))
    assert isinstance(caught.value, ValueError)
    message = str(caught.value)
    assert message.startswith(f"{bad}:24:78: error: unknown faction `gvo`")
    assert "help: known factions: gov, reb" in message
    done = cli("validate", bad, check=False)
    assert done.returncode == 2
    assert message in done.stderr


def test_bad_arguments_raise_strife_errors():
    goma = strife.load(str(GOMA))
    with pytest.raises(strife.StrifeError, match="fall_day.gomma"):
        goma.ensemble(runs=2, metrics=["fall_day.gomma"])
    with pytest.raises(strife.StrifeError, match="--set"):
        goma.with_overrides({"units.nobody.personnel": 5})
    with pytest.raises(strife.StrifeError, match="between 1 and 1,000,000"):
        goma.ensemble(runs=0)
    with pytest.raises(strife.StrifeError, match="--days"):
        goma.run(days=-1)
    with pytest.raises(strife.StrifeError, match="--jobs"):
        goma.ensemble(runs=2, jobs=0)
    with pytest.raises(strife.StrifeError, match="cannot read"):
        strife.load("no/such/file.ron")
    with pytest.raises(OverflowError):
        goma.run(seed=-1)
