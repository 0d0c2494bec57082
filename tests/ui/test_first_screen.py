"""The first screen comes before the job store: the app draws its frame (the jobs pane
saying it is loading), then opens the database in a thread. Keys pressed meanwhile are
kept; a store that cannot be opened ends the app, and the CLI tells why in a sentence.

The store is held shut by a gate on `open_settings_database` (the real database opens
once the gate is set), so "before the store is open" is a state the test controls.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from fcntl import ioctl
from pathlib import Path

import pytest

from aiom4b_tui.config.settings import load_settings
from aiom4b_tui.store.database import db as core_db
from aiom4b_tui.store.database.db import DB_FILE
from aiom4b_tui.store.database.errors import explain
from aiom4b_tui.store.models import JobCreate
from aiom4b_tui.store.workers import PauseMode, WorkerRegistry
from aiom4b_tui.ui.add_book.screen import AddBookScreen
from aiom4b_tui.ui.app import AiomApp, create_app
from aiom4b_tui.ui.dialogs.help import HelpScreen
from aiom4b_tui.ui.dialogs.pause import PauseScreen
from aiom4b_tui.ui.text.screen_text import screen_text
from aiom4b_tui.ui.widgets.folder_tree import FolderTree
from tests.helpers import ROOT
from tests.helpers.pilot import wait_for

pytestmark = pytest.mark.ui

WIDE = (120, 30)  # the library and the jobs side by side
LOADING = "Jobs · loading…"
LEAVE_SCREEN = "\x1b[?1049l"  # the terminal's own screen is back
# What the first screen must not wait for: the job store and what only dialogs need.
NOT_FOR_THE_FIRST_SCREEN = (
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "pydantic",
    "httpx",
    "watchfiles",
    "aiom4b_tui.store.models",
    "aiom4b_tui.store.database.db",
    "aiom4b_tui.store.jobs",
    "aiom4b_tui.engine.convert",
    # the folders' audio checks and summaries: read just after the first frame
    "aiom4b_tui.engine.sources.folder_summary",
    "natsort",
    "mutagen",
)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The store opens only once this is set (it is set when the test ends, at the latest)."""
    gate = threading.Event()
    real_open = core_db.open_settings_database

    def held_open(settings):
        if not gate.wait(timeout=60):
            raise TimeoutError("the test never let the store open")
        return real_open(settings)

    monkeypatch.setattr(core_db, "open_settings_database", held_open)
    yield gate
    gate.set()


def test_the_screen_modules_load_no_store():
    code = "import json, sys\nimport aiom4b_tui.ui.app\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    modules = json.loads(done.stdout)
    loaded = [
        name
        for name in NOT_FOR_THE_FIRST_SCREEN
        if any(m == name or m.startswith(name + ".") for m in modules)
    ]
    assert loaded == []
    assert "textual" in modules  # it did load the screen


async def test_the_screen_is_drawn_saying_it_loads_then_the_jobs_come(
    settings, library, service, gate
):
    service.create_job(JobCreate(input_folders=[library / "Dune"], title="Dune"))
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=WIDE) as pilot:
        await wait_for(pilot, lambda: LOADING in screen_text(app))
        assert "Library" in screen_text(app)  # the log's first line
        # The folders are read just after the first frame, with the store still shut.
        await wait_for(pilot, lambda: "Emma" in screen_text(app))
        await pilot.pause(0.3)
        assert not app.store.is_open
        assert app.main_screen.jobs.table.row_count == 0
        gate.set()
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1)
        await wait_for(pilot, lambda: "loading" not in screen_text(app))
        assert "Dune" in screen_text(app)
        await wait_for(pilot, lambda: app.main_screen.header.worker_line == "no worker")


async def test_the_folders_are_read_after_the_first_frame(settings, library, monkeypatch):
    order: list[str] = []
    real_filter, real_ready = FolderTree.filter_paths, AiomApp.on_ready

    def filter_paths(tree, paths):
        order.append("folders read")  # in the tree's loading thread
        return real_filter(tree, paths)

    def on_ready(app, event):
        order.append("first frame")
        real_ready(app, event)

    monkeypatch.setattr(FolderTree, "filter_paths", filter_paths)
    monkeypatch.setattr(AiomApp, "on_ready", on_ready)
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=WIDE) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        assert "Emma" in screen_text(app)
    assert order[:2] == ["first frame", "folders read"]


async def test_the_dialog_styles_are_read_when_the_first_dialog_opens(settings, library):
    app = create_app(settings, library, start_worker=False)

    def read() -> set[str]:
        return {Path(path).name for path, _ in app.stylesheet.source}

    async with app.run_test(size=WIDE) as pilot:
        await wait_for(pilot, lambda: LOADING in screen_text(app))
        assert "app.tcss" in read() and "dialogs.tcss" not in read()
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "dialogs.tcss" in read()
        dialog = app.screen.query_one(".dialog")
        await wait_for(pilot, lambda: dialog.region.width == 76)  # `.dialog` of dialogs.tcss
        assert dialog.styles.border_top[0] == "round"


async def test_pause_pressed_before_the_store_opens_asks_once_it_is(
    settings, library, service, gate
):
    registry = WorkerRegistry(service.db)
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=WIDE) as pilot:
        await wait_for(pilot, lambda: LOADING in screen_text(app))
        await pilot.press("p")
        await pilot.pause(0.3)
        assert not app.store.is_open
        gate.set()
        await wait_for(pilot, lambda: isinstance(app.screen, PauseScreen))
        await pilot.press("f")
        await wait_for(pilot, lambda: registry.pause_mode() is PauseMode.FINISH)


async def test_a_book_added_before_the_store_opens_is_queued_once_it_is(
    settings, library, service, gate
):
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=WIDE) as pilot:
        tree = app.main_screen.folder_tree
        await wait_for(pilot, lambda: tree.cursor_node is not None)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddBookScreen))
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.preview is not None, timeout=20)
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert not app.store.is_open and service.get_jobs() == []
        gate.set()
        await wait_for(pilot, lambda: service.get_jobs())
        await wait_for(pilot, lambda: app.main_screen.jobs.table.row_count == 1)
    assert [job.folders() for job in service.get_jobs()] == [[library / "Dune"]]


async def test_quit_before_the_store_opens_quits(settings, library, gate):
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=WIDE) as pilot:
        await wait_for(pilot, lambda: LOADING in screen_text(app))
        await pilot.press("q")
        await wait_for(pilot, lambda: app.return_code is not None)
        assert not app.store.is_open
        gate.set()
    assert app.return_code == 0
    assert app.store_error is None


async def test_add_pause_and_quit_at_once_before_the_store_opens(settings, library, gate):
    app = create_app(settings, library, start_worker=False)
    async with app.run_test(size=WIDE) as pilot:
        await wait_for(pilot, lambda: app.main_screen.folder_tree.cursor_node is not None)
        await pilot.press("a", "p", "q")
        gate.set()
        # Whichever of them came first, the app goes on or quits: it does not fail.
        await wait_for(pilot, lambda: app.store.is_open or app.return_code is not None)
        await pilot.pause(0.5)
    assert app.store_error is None
    assert app.return_code in (None, 0)


async def test_a_store_that_cannot_open_ends_the_app_with_its_error(data_dir, library):
    data_dir.mkdir(mode=0o700, exist_ok=True)
    (data_dir / DB_FILE).write_bytes(b"this is no database " * 300)
    app = create_app(load_settings(data_dir, library_dir=library), library, start_worker=False)
    async with app.run_test(size=WIDE) as pilot:
        await wait_for(pilot, lambda: app.store_error is not None, timeout=30)
        await wait_for(pilot, lambda: app.return_code is not None)
    assert app.return_code == 1
    assert "is not a database (corrupt?)" in (explain(app.store_error, data_dir) or "")


def run_on_a_terminal(argv: list[str], mark: bytes, keys: bytes = b"") -> tuple[int, str]:
    """Run `argv` on an 80x24 pseudo-terminal; once `mark` shows (if given), type `keys`.
    Returns the exit code and all it showed."""
    master, slave = pty.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    # An output folder set: else the app asks for one first, and `q` goes into that field.
    env = {**os.environ, "TERM": "xterm-256color", "AIOM4B_OUTPUT_DIR": str(ROOT / "no-books")}
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True
    )
    os.close(slave)
    shown = b""
    typed = not mark
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if not typed and mark in shown:
                os.write(master, keys)
                typed = True
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the terminal's other end closed: the app ended
                    break
                if not chunk:
                    break
                shown += chunk
            elif process.poll() is not None:
                break
        return process.wait(timeout=30), shown.decode(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)


def test_the_cli_draws_the_screen_then_quits_on_q(data_dir, library):
    core_db.open_database(data_dir).close()
    argv = [sys.executable, "-m", "aiom4b_tui", "--data-dir", str(data_dir), str(library)]
    code, shown = run_on_a_terminal(argv, b"Jobs", b"q")
    assert code == 0, shown[-2000:]
    assert "Traceback" not in shown


def test_the_cli_tells_a_corrupt_database_in_a_sentence_after_the_screen(data_dir, library):
    data_dir.mkdir(mode=0o700, exist_ok=True)
    (data_dir / DB_FILE).write_bytes(b"this is no database " * 300)
    argv = [sys.executable, "-m", "aiom4b_tui", "--data-dir", str(data_dir), str(library)]
    code, shown = run_on_a_terminal(argv, b"")
    assert code == 1, shown[-2000:]
    assert "Traceback" not in shown
    assert "Jobs" in shown  # the first screen was drawn
    said = _said_after_the_screen(shown)
    assert said.startswith("aiom4b: ") and "is not a database (corrupt?)" in said, said
    assert len(said.splitlines()) == 1, said


def test_the_cli_draws_the_first_screen_before_the_settings_and_the_store(
    data_dir, library, tmp_path
):
    # The real command on a terminal, stopped at its first frame (Textual's Ready): what
    # had been loaded by then is written down; the full settings and the store had not.
    seen = tmp_path / "modules.json"
    code = (
        "import json, sys\n"
        "from aiom4b_tui.ui.app import AiomApp\n"
        "def on_ready(app, event):\n"
        f"    open({str(seen)!r}, 'w').write(json.dumps(sorted(sys.modules)))\n"
        "    app.exit(0)\n"
        "AiomApp.on_ready = on_ready\n"
        "from aiom4b_tui.cli import main\n"
        f"sys.exit(main(['--data-dir', {str(data_dir)!r}, {str(library)!r}]))\n"
    )
    status, shown = run_on_a_terminal([sys.executable, "-c", code], b"")
    assert status == 0, shown[-2000:]
    modules = json.loads(seen.read_text(encoding="utf-8"))
    loaded = [
        name
        for name in (*NOT_FOR_THE_FIRST_SCREEN, "pydantic_settings", "aiom4b_tui.config.settings")
        if any(m == name or m.startswith(name + ".") for m in modules)
    ]
    assert loaded == []
    assert "aiom4b_tui.ui.screens.main" in modules  # it did get to the screen


def _said_after_the_screen(shown: str) -> str:
    after_the_screen = shown.rsplit(LEAVE_SCREEN, 1)[-1]
    return re.sub(r"\x1b\[[0-9;?<>=]*[a-zA-Z]|\x1b\][^\x07]*\x07", "", after_the_screen).strip()


def test_the_cli_tells_a_bad_setting_in_a_sentence_after_the_screen(data_dir, library):
    # The full settings are built after the first frame: a bad value ends the app there,
    # told as a verb tells it, with the same exit code.
    data_dir.mkdir(mode=0o700, exist_ok=True)
    (data_dir / "config.toml").write_text("books_at_once = 0\n", encoding="utf-8")
    argv = [sys.executable, "-m", "aiom4b_tui", "--data-dir", str(data_dir), str(library)]
    code, shown = run_on_a_terminal(argv, b"")
    assert code == 2, shown[-2000:]
    assert "Traceback" not in shown
    said = _said_after_the_screen(shown)
    assert said.startswith("aiom4b: bad setting books_at_once (0)"), said
    assert "config.toml" in said and len(said.splitlines()) == 1, said
    assert not (data_dir / DB_FILE).exists()  # the store was not opened


def test_the_cli_tells_a_config_that_is_not_toml_before_any_screen(data_dir, library):
    data_dir.mkdir(mode=0o700, exist_ok=True)
    (data_dir / "config.toml").write_text("books_at_once = [\n", encoding="utf-8")
    argv = [sys.executable, "-m", "aiom4b_tui", "--data-dir", str(data_dir), str(library)]
    code, shown = run_on_a_terminal(argv, b"")
    assert code == 2, shown[-2000:]
    assert LEAVE_SCREEN not in shown  # no screen was drawn
    said = _said_after_the_screen(shown)
    assert said.startswith("aiom4b: ") and "config.toml is not valid TOML" in said, said
    assert len(said.splitlines()) == 1, said
