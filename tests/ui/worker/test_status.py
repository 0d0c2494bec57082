"""The header's words for the workers and the inbox they watch: pure functions of the
registry's rows, checked without a screen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aiom4b_tui.store.models import WorkerDB
from aiom4b_tui.store.workers import PauseMode
from aiom4b_tui.ui.worker.status import status_line, watching_text

pytestmark = pytest.mark.usefixtures("utc")

STARTED = datetime(2026, 5, 1, 22, 41, tzinfo=UTC)


def worker(pid: int, running: int, host: str = "vm", watching: str | None = None) -> WorkerDB:
    return WorkerDB(
        id=f"{host}:{pid}",
        host=host,
        pid=pid,
        started_at=STARTED,
        books_running=running,
        watching=watching,
    )


def test_one_worker_by_host_pid_since_and_books():
    assert status_line([worker(4121, 2)], None) == "worker vm:4121 since 22:41 · 2 running"
    assert status_line([worker(4121, 0)], None) == "worker vm:4121 since 22:41 · idle"


def test_several_workers_none_and_the_pause():
    assert status_line([worker(1, 1), worker(2, 2)], None) == "2 workers · 3 running"
    assert status_line([], None) == "no worker"
    assert status_line([worker(1, 2)], PauseMode.FINISH) == "⏸ paused (finishing 2)"
    assert status_line([worker(1, 0)], PauseMode.FINISH) == "⏸ paused"
    assert status_line([worker(1, 2)], PauseMode.STOP) == "⏸ paused"


def test_a_hostile_host_name_is_shown_not_obeyed():
    line = status_line([worker(7, 0, host="evil\x1b]0;pwned\x07")], None)
    assert "\x1b" not in line and "\x07" not in line and "␛" in line


def test_the_inbox_a_worker_watches_with_home_as_a_tilde(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert watching_text([worker(1, 0), worker(2, 0)]) == ""
    inbox = str(tmp_path / "Inbox")
    assert watching_text([worker(1, 0, watching=inbox)]) == "watching ~/Inbox"
    assert watching_text([worker(1, 0, watching="/srv/a/very/long/path/to/the/inbox")]) == (
        "watching …/long/path/to/the/inbox"
    )
    both = [worker(1, 0, watching=inbox), worker(2, 0, watching="/srv/in")]
    assert watching_text(both) == "watching 2 inboxes"
    assert "\x1b" not in watching_text([worker(1, 0, watching="/in\x1b[2J")])
