"""The lines `worker` and `watch` print (cli/log_lines.py): stamped with the local time,
one per status change (log lines too when verbose), titles and messages never raw."""

from __future__ import annotations

import re
from uuid import UUID

import pytest

from aiom4b_tui.cli.log_lines import announce_queued, event_printer, say
from aiom4b_tui.queue.runner.runner import RunnerEvent
from aiom4b_tui.store.models import JobDB, JobStatus

JOB = UUID("0123456789abcdef0123456789abcdef")
STAMP = r"\d\d:\d\d:\d\d "


def _events() -> list[RunnerEvent]:
    return [
        RunnerEvent(JOB, "Dune\x1b[2J", "status", "started by h:1", JobStatus.RUNNING),
        RunnerEvent(JOB, "Dune\x1b[2J", "progress", "25%", progress=0.25),
        RunnerEvent(JOB, "Dune\x1b[2J", "log", "ffmpeg said\x07 this"),
    ]


def test_a_line_is_stamped_with_the_local_time(capsys: pytest.CaptureFixture[str]):
    say("worker h:1: stopped")
    assert re.fullmatch(STAMP + "worker h:1: stopped\n", capsys.readouterr().out)


def test_status_changes_are_printed_and_log_lines_only_when_verbose(
    capsys: pytest.CaptureFixture[str],
):
    quiet, verbose = event_printer(False), event_printer(True)
    for event in _events():
        quiet(event)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(STAMP + "01234567  Dune␛\\[2J: started by h:1", lines[0])
    for event in _events():
        verbose(event)
    lines = capsys.readouterr().out.splitlines()
    assert [line[9:] for line in lines] == [
        "01234567  Dune␛[2J: started by h:1",
        "01234567  Dune␛[2J: ffmpeg said␇ this",
    ]


def test_a_job_the_inbox_queued_is_announced(capsys: pytest.CaptureFixture[str]):
    job = JobDB(id=JOB, input_folders='["/inbox/Emma"]', title="Emma\r\nJane")
    announce_queued(job)
    assert capsys.readouterr().out[9:] == "01234567  Emma␍␊Jane: queued from the inbox\n"
