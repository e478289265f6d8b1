"""Shared fixtures of the Python package's tests: the repository, the strife command line
(for the files the Python results must equal) and a headless matplotlib."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOMA = REPO / "scenarios" / "goma_2025.ron"
MINIMAL = REPO / "scenarios" / "minimal.ron"

os.environ.setdefault("MPLBACKEND", "Agg")


def strife_binary():
    """The `strife` command: $STRIFE_BIN, else the newest release or debug build in the
    target folder ($CARGO_TARGET_DIR or target/), else `strife` on the PATH."""
    if os.environ.get("STRIFE_BIN"):
        return os.environ["STRIFE_BIN"]
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    found = [target / p / "strife" for p in ("release", "debug")]
    found = [p for p in found if p.exists()]
    if found:
        return str(max(found, key=lambda p: p.stat().st_mtime))
    return shutil.which("strife")


@pytest.fixture(scope="session")
def cli():
    """Run the strife command line from the repository; returns the completed process."""
    binary = strife_binary()
    if binary is None:
        pytest.fail("no strife binary: build it (cargo build --release) or set STRIFE_BIN")

    def run(*args, check=True):
        done = subprocess.run(
            [binary, *map(str, args)], cwd=REPO, capture_output=True, text=True
        )
        if check and done.returncode != 0:
            raise AssertionError(f"strife {' '.join(map(str, args))}: {done.stderr}")
        return done

    return run
