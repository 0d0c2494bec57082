"""Running `python -m aiom4b_tui` as a person would, in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT


def run_aiom4b(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`aiom4b ARGS` from the checkout, with the test's environment (its data dir)."""
    return subprocess.run(
        [sys.executable, "-m", "aiom4b_tui", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )
