"""The import-linter contracts hold, and would catch what they are there to catch: a
violating import made in a temporary copy of the package fails `lint-imports`, and so does
an exception listed for an import that no longer exists."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(exe), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "aiom4b_tui", tmp_path / "aiom4b_tui", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _append(module: Path, line: str) -> None:
    module.write_text(module.read_text(encoding="utf-8") + f"\n{line}  # noqa\n")


def test_the_contracts_hold() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("engine/plan/plan.py", "import aiom4b_tui.store.database.db", "Rooms"),
        ("engine/mp4/boxes.py", "import aiom4b_tui.engine.encode.timeline", "Engine:"),
        ("engine/sources/scan.py", "import httpx", "no network"),
        ("queue/recovery.py", "import textual.app", "Only the UI imports Textual"),
        ("ui/jobs/cells.py", "import aiom4b_tui.engine.ffmpeg.run", "does not convert"),
        ("store/light_read.py", "import sqlalchemy", "light read path"),
        ("config/settings.py", "import aiom4b_tui.queue.recovery", "Rooms"),
    ],
)
def test_a_violating_import_breaks_its_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    root = _copy(tmp_path)
    _append(root / "aiom4b_tui" / module, line)
    result = _lint_imports(root)
    assert result.returncode != 0
    assert "Broken contracts" in result.stdout, result.stdout + result.stderr
    broken = " ".join(result.stdout.split("Broken contracts", 1)[1].split())
    assert contract in broken, result.stdout


def test_an_exception_for_an_import_that_is_gone_is_an_error(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    config = root / "pyproject.toml"
    text = config.read_text(encoding="utf-8")
    listed = '"aiom4b_tui.cli.listing_verbs -> aiom4b_tui.cli.verb_context",'
    assert listed in text
    config.write_text(
        text.replace(listed, listed + '\n    "aiom4b_tui.cli.listing_verbs -> aiom4b_tui.ui.app",')
    )
    result = _lint_imports(root)
    assert result.returncode != 0
    assert "aiom4b_tui.ui.app" in result.stdout + result.stderr
