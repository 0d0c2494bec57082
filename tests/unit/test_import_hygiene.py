"""The core never imports textual: the headless verbs and the worker must not need it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import aiom4b_tui.core

CORE = Path(aiom4b_tui.core.__file__).parent


def _core_modules() -> list[str]:
    names = []
    for path in sorted(CORE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        rel = path.relative_to(CORE.parent.parent).with_suffix("")
        names.append(".".join(p for p in rel.parts if p != "__init__"))
    return names


def test_no_core_source_mentions_textual_in_an_import() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] == "textual"]
    assert offenders == []


def test_importing_every_core_module_and_the_cli_loads_no_textual() -> None:
    modules = [*_core_modules(), "aiom4b_tui.cli"]
    assert "aiom4b_tui.core.jobs" in modules
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
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=CORE.parent.parent,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
