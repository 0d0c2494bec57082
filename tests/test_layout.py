"""The house keeps its shape: the rooms exist and `core/` does not, no module grows past
400 lines, the UI's root holds at most six files, every package says what it is for and
exports its names lazily, and every module that holds logic has a test file named after
it in the mirrored place under tests/."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

PACKAGE = ROOT / "aiom4b_tui"
ROOMS = ("engine", "store", "queue", "lookup", "config", "ui", "cli", "job_options")
MAX_LINES = 400
MAX_LOOSE_IN_UI = 6


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_the_rooms_exist_and_core_is_gone() -> None:
    assert not (PACKAGE / "core").exists()
    for room in ROOMS:
        assert (PACKAGE / room / "__init__.py").is_file(), room


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_ui_root_holds_at_most_six_files() -> None:
    loose = sorted(p.name for p in (PACKAGE / "ui").glob("*.py"))
    assert len(loose) <= MAX_LOOSE_IN_UI, loose


def _packages() -> list[Path]:
    return sorted(p.parent for p in PACKAGE.rglob("__init__.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("package", _packages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_package_says_what_it_is_for(package: Path) -> None:
    tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree)
    assert docstring and len(docstring.split()) >= 8, "a docstring saying what the room is for"


def test_importing_the_rooms_imports_nothing_of_theirs() -> None:
    """The packages' names are lazy: importing every package loads none of their
    modules (start-up does not grow with what a package exports)."""
    names = [".".join(p.relative_to(ROOT).parts) for p in _packages()]
    packages = [n for n in names if n.split(".")[1:2] not in (["ui"], ["cli"])]
    code = (
        "import importlib, sys\n"
        f"for name in {packages!r}:\n"
        "    importlib.import_module(name)\n"
        f"packages = set({packages!r})\n"
        "extra = sorted(m for m in sys.modules if m.startswith('aiom4b_tui.')"
        " and m not in packages and m != 'aiom4b_tui.lazy_exports')\n"
        "print(extra)\n"
        "sys.exit(1 if extra else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _holds_logic(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for n in tree.body
    )


def test_every_module_with_logic_has_a_test_file_in_the_mirrored_place() -> None:
    missing = []
    for path in _modules():
        if path.name in ("__init__.py", "__main__.py") or not _holds_logic(path):
            continue
        rel = path.relative_to(PACKAGE)
        wanted = ROOT / "tests" / rel.parent / f"test_{path.stem}.py"
        if not wanted.is_file():
            missing.append(str(wanted.relative_to(ROOT)))
    assert missing == []
