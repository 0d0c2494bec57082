"""`aiom4b --version`, `--help` and `VERB -h` import no database, settings, engine or
screen; `jobs` on a current database imports no Alembic, no engine, no textual. Checked by
what a fresh interpreter has in sys.modules afterwards (structure, not speed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aiom4b_tui.cli.verb_parsers import VERB_NAMES
from aiom4b_tui.store.database.db import open_database
from tests.helpers import ROOT

NOT_ON_THE_LIGHT_PATH = (
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "textual",
    "httpx",
    "pydantic",
    "pydantic_settings",
    "aiom4b_tui.store.database.db",
    "aiom4b_tui.config.settings",
)
NOT_FOR_JOBS = ("alembic", "textual", "httpx", "aiom4b_tui.ui", "aiom4b_tui.engine.convert")


def _loaded_after(argv: list[str]) -> tuple[str, list[str]]:
    """Run `aiom4b argv` in a fresh interpreter: its stdout, and the modules it loaded."""
    code = (
        "import contextlib, io, json, sys\n"
        "from aiom4b_tui.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        f"        main({argv!r})\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(json.dumps([out.getvalue(), sorted(sys.modules)]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    shown, modules = json.loads(result.stdout)
    return shown, modules


def _under(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return sorted(
        name for name in names if any(m == name or m.startswith(name + ".") for m in modules)
    )


@pytest.mark.parametrize(
    "argv", [["--version"], ["--help"], ["jobs", "--help"], ["add", "-h"], ["worker", "stop", "-h"]]
)
def test_version_and_help_load_nothing_heavy(argv: list[str]) -> None:
    shown, modules = _loaded_after(argv)
    assert shown.strip()  # it did answer
    assert _under(modules, NOT_ON_THE_LIGHT_PATH) == []


def test_help_lists_every_verb_and_a_verb_lists_its_flags() -> None:
    shown, _ = _loaded_after(["--help"])
    for verb in VERB_NAMES:
        assert verb in shown
    shown, _ = _loaded_after(["convert", "-h"])
    for flag in ("--bitrate", "--encoder", "--jobs", "--author", "--chapters-by-silence"):
        assert flag in shown


def test_jobs_on_a_current_database_loads_no_alembic_engine_or_screen(data_dir: Path) -> None:
    open_database(data_dir).close()  # created and migrated: current from now on
    shown, modules = _loaded_after(["jobs", "--json"])
    assert json.loads(shown) == []
    assert "sqlalchemy" in modules  # it did read the database
    assert _under(modules, NOT_FOR_JOBS) == []


def test_the_light_copies_of_constants_match_their_sources() -> None:
    from aiom4b_tui.cli import book_flags, verb_parsers
    from aiom4b_tui.engine.chapters import files as chapter_files
    from aiom4b_tui.job_options import model as options
    from aiom4b_tui.queue import inbox as watch
    from aiom4b_tui.ui import app

    assert verb_parsers.SETTLE_SECONDS == watch.SETTLE_SECONDS
    assert app.SETTLE_SECONDS == watch.SETTLE_SECONDS
    assert verb_parsers.CHAPTER_FORMATS == chapter_files.FORMATS
    assert book_flags.DEFAULT_TEMPLATE == options.DEFAULT_TEMPLATE
