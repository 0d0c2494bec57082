"""Only the UI imports Textual: the verbs and the worker run headless (over SSH, under
systemd) and must not need it. Checked at run time, beside the import-linter contract
that says the same of the source: every module outside ui/, and the CLI, imported
together load no Textual and no UI module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import aiom4b_tui
from tests.helpers import ROOT


def _headless_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(aiom4b_tui.__path__, "aiom4b_tui."):
        name = info.name
        if name.startswith("aiom4b_tui.ui") or ".migrations" in name or name.endswith("__main__"):
            continue
        names.append(name)
    return names


def test_importing_every_headless_module_and_the_cli_loads_no_textual() -> None:
    modules = [*_headless_modules(), "aiom4b_tui.cli"]
    assert {"aiom4b_tui.store.jobs", "aiom4b_tui.queue.runner.runner"} <= set(modules)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual'"
        " or m.startswith('aiom4b_tui.ui'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
