"""Worker ids (host:pid) and the liveness check behind orphan recovery."""

from __future__ import annotations

import os
import subprocess
import sys

from aiom4b_tui.queue.control.worker_id import WorkerId, current_worker_id, pid_alive


def test_worker_id_round_trips():
    wid = WorkerId("box.example:1", 4242)  # a colon in the host is kept
    assert str(wid) == "box.example:1:4242"
    assert WorkerId.parse(str(wid)) == wid


def test_bad_worker_ids_parse_to_none():
    for text in (None, "", "host", "host:", ":12", "host:pid"):
        assert WorkerId.parse(text) is None


def test_current_worker_id_is_this_process():
    assert current_worker_id().pid == os.getpid()


def test_pid_alive_for_this_process_and_not_for_a_reaped_child():
    assert pid_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not pid_alive(child.pid)
    assert not pid_alive(0)


def test_an_unreaped_dead_child_counts_as_gone():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    # Wait for it to exit without reaping it: it stays a zombie until wait().
    while True:
        with open(f"/proc/{child.pid}/stat") as stat:
            if stat.read().rpartition(")")[2].split()[0] == "Z":
                break
    assert not pid_alive(child.pid)
    child.wait()
