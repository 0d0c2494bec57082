"""Starting a detached worker: its command line, no second start while a worker holds
the lock, and (a real worker process) a session of its own writing to the data dir's log."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from aiom4b_tui.queue.control.lock import lock_holder, try_lock
from aiom4b_tui.queue.control.spawn import ensure_worker, spawn_worker, worker_command
from aiom4b_tui.queue.control.worker_log import WORKER_LOG
from tests.helpers import ROOT
from tests.helpers.workers import wait_for


def test_the_worker_runs_on_this_python_with_the_words_given() -> None:
    assert worker_command("--auto") == [sys.executable, "-m", "aiom4b_tui", "worker", "--auto"]


def test_no_worker_is_started_while_one_holds_the_lock(data_dir: Path) -> None:
    data_dir.mkdir()
    held = try_lock(data_dir)
    assert held is not None
    try:
        assert ensure_worker(data_dir) is None
        assert not (data_dir / WORKER_LOG).exists()  # nothing was started
    finally:
        held.release()


@pytest.mark.integration
def test_a_spawned_worker_leaves_the_terminals_session_and_logs_to_the_data_dir(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # this checkout's code in the child
    data_dir.mkdir(mode=0o700)
    pid = spawn_worker(data_dir, "--idle-exit", "2")  # nothing queued: it leaves by itself
    try:
        wait_for(lambda: lock_holder(data_dir) == pid, timeout=60)
        assert os.getsid(pid) == pid  # a session of its own: no terminal to lose
        assert os.getsid(pid) != os.getsid(0)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        _pid, status = os.waitpid(pid, 0)  # our child: reaped here
    assert os.waitstatus_to_exitcode(status) == 0
    said = (data_dir / WORKER_LOG).read_text()
    assert f":{pid}: " in said and "books at once, exits after 2 s idle" in said, said
    assert said.rstrip().endswith(f":{pid}: stopped"), said
