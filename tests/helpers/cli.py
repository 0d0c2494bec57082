"""Running `aiom4b` as a person would: `run_aiom4b` in a process of its own (the one way the
tests start `python -m aiom4b_tui`; `aiom4b_argv` and `aiom4b_env` for a test that needs
its own `subprocess` call: a pipe, a terminal, a process left running), and
`call_aiom4b`, the same command through `cli.main` in the test's process, with the same
answer and no interpreter to start (the quick run's way)."""

from __future__ import annotations

import contextlib
import io
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


def call_aiom4b(
    *args: str | Path, data_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`aiom4b [--data-dir DATA] ARGS` run through `cli.main` in this process, its exit code
    and output as `run_aiom4b` gives them. What only a process of its own shows (start-up
    imports, a pipe closed early, signals, stdin) needs `run_aiom4b`; so does a verb that
    starts a worker."""
    from aiom4b_tui.cli import main

    argv = aiom4b_argv(*args, data_dir=data_dir)[3:]  # what follows `python -m aiom4b_tui`
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: a bad option, --help, --version
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())
