"""The import-linter contracts hold, would catch a violation, and cover every core module."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "aiom4b_tui" / "core"


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(exe), "--config", str(root / "pyproject.toml")],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def test_the_contracts_hold() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_engine_module_importing_the_store_breaks_a_contract(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "aiom4b_tui", tmp_path / "aiom4b_tui")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    plan = tmp_path / "aiom4b_tui" / "core" / "plan.py"
    plan.write_text(plan.read_text(encoding="utf-8") + "\nimport aiom4b_tui.core.db  # noqa\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "aiom4b_tui.core.db" in result.stdout


def test_every_core_module_is_on_one_side_of_the_engine_contract() -> None:
    engine = next(c for c in _contracts() if "engine" in str(c["name"]))
    sides = {*engine["source_modules"], *engine["forbidden_modules"]}  # type: ignore[misc]
    modules = {f"aiom4b_tui.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__"}
    assert modules - sides == set(), "add new core modules to the engine contract's lists"
