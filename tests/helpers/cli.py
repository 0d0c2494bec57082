"""Running `python -m aiom4b_tui` as a person would, in a process of its own: the one way
the tests start the command (`aiom4b_argv` and `aiom4b_env` for a test that needs its own
`subprocess` call: a pipe, a terminal, a process left running)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.helpers import ROOT


def aiom4b_argv(*args: str | Path, data_dir: Path | None = None) -> list[str]:
    """The command line of `aiom4b [--data-dir DATA] ARGS` run from the checkout."""
    given = ["--data-dir", str(data_dir)] if data_dir is not None else []
    return [sys.executable, "-m", "aiom4b_tui", *given, *map(str, args)]


def aiom4b_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test's environment (its data dir among it), the checkout importable, and
    `extra` on top."""
    return {**os.environ, "PYTHONPATH": str(ROOT), **(extra or {})}


def run_aiom4b(
    *args: str | Path,
    data_dir: Path | None = None,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """`aiom4b [--data-dir DATA] ARGS` run to its end, its output captured. Its stdin is
    `input`, else empty: never the terminal the tests were started from (the command
    tells a terminal from a pipe)."""
    return subprocess.run(
        aiom4b_argv(*args, data_dir=data_dir),
        input=input,
        stdin=subprocess.DEVNULL if input is None else None,
        capture_output=True,
        text=True,
        env=aiom4b_env(env),
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )
