"""`aiom4b convert`: one book in the foreground, recorded in the database like any job; its
progress as a bar on a terminal, as occasional lines elsewhere; a failure's reason."""

from __future__ import annotations

import io
import os
import pty
import signal
import subprocess
from pathlib import Path
from uuid import uuid4

import pytest

from aiom4b_tui.cli.convert_verb import ProgressDisplay, failure_reason
from aiom4b_tui.queue.runner.runner import RunnerEvent
from aiom4b_tui.store.models import JobStatus
from tests.helpers import ROOT
from tests.helpers.cli import aiom4b_argv, aiom4b_env, run_aiom4b
from tests.helpers.workers import (
    leftovers,
    make_book,
    open_service,
    processes_mentioning,
    start_aiom4b,
    wait_for,
)

JOB = uuid4()


def _events():
    yield RunnerEvent(JOB, "Dune", "status", "started by h:1", JobStatus.RUNNING)
    yield RunnerEvent(JOB, "Dune", "progress", "25% 40× eta 9s", progress=0.25)
    yield RunnerEvent(JOB, "Dune", "progress", "50% 40× eta 6s", progress=0.5)
    yield RunnerEvent(JOB, "Dune", "status", "completed: /o/Dune.m4b", JobStatus.COMPLETED)


def test_on_a_terminal_the_bar_is_redrawn_in_place():
    out = io.StringIO()
    display = ProgressDisplay(out, tty=True)
    for event in _events():
        display(event)
    text = out.getvalue()
    assert text.startswith("started by h:1\n\r[######")
    assert "\r[############............] 50% 40× eta 6s" in text
    assert text.endswith("\ncompleted: /o/Dune.m4b\n")


def test_elsewhere_progress_comes_as_occasional_lines():
    out = io.StringIO()
    display = ProgressDisplay(out, tty=False)
    for event in _events():
        display(event)
    assert out.getvalue().splitlines() == [
        "started by h:1",
        "progress 25% 40× eta 9s",  # the next one is within LINE_EVERY_SECONDS
        "completed: /o/Dune.m4b",
    ]
    assert "\r" not in out.getvalue()


def test_failure_reason_is_the_last_failed_line():
    log = (
        "2026-01-01 10:00:00 started by h:1\n"
        "2026-01-01 10:00:01 failed: 02.mp3 cannot be decoded\n"
        "2026-01-01 10:00:01 ffmpeg: Invalid data found when processing input"
    )
    assert failure_reason(log) == "failed: 02.mp3 cannot be decoded"
    assert failure_reason(None) == "failed"


@pytest.mark.integration
def test_convert_prints_the_output_path_and_records_the_job(tmp_path: Path):
    book = make_book(tmp_path / "Dune", files=2, seconds=1)
    out = tmp_path / "out"
    result = run_aiom4b(
        "convert", book, "--name", "My Dune", "--bitrate", "48k", "--output-dir", out,
        "--jobs", "1", "--encoder", "aac", data_dir=tmp_path / "data",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path.is_file() and path.parent == out and path.name == "My Dune.m4b"
    assert "started by" in result.stderr and "completed:" in result.stderr
    assert "\r" not in result.stderr  # not a terminal: lines, no bar
    _settings, db, service = open_service(tmp_path / "data")
    (job,) = service.get_jobs()
    assert job.status is JobStatus.COMPLETED and job.output_file == str(path)
    assert job.title == "My Dune"
    assert job.job_options().encoder == "aac" and job.job_options().bitrate == 48_000
    assert "encoding aac 48k" in job.log
    db.close()


@pytest.mark.integration
def test_convert_draws_a_bar_on_a_terminal(tmp_path: Path):
    # A few seconds of work for the native encoder (libfdk_aac would be done before a
    # progress report is due, so the test names the encoder).
    book = make_book(tmp_path / "Bar", files=2, seconds=60)
    primary, secondary = pty.openpty()
    argv = aiom4b_argv(
        "convert", book, "--output-dir", tmp_path / "out", "--jobs", "1", "--encoder", "aac",
        data_dir=tmp_path / "data",
    )  # fmt: skip
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=secondary, env=aiom4b_env(), cwd=ROOT
    )
    os.close(secondary)
    stdout, _ = proc.communicate(timeout=60)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(primary)
    assert proc.returncode == 0
    assert b"\r[" in seen and b"%" in seen
    assert Path(stdout.decode().strip()).is_file()


@pytest.mark.integration
def test_a_book_that_cannot_be_made_fails_in_one_line(tmp_path: Path):
    book = tmp_path / "Broken"
    book.mkdir()
    (book / "01.mp3").write_bytes(b"")
    result = run_aiom4b(
        "convert", book, "--output-dir", tmp_path / "out", data_dir=tmp_path / "data"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("aiom4b: failed:") and "01.mp3" in last
    _settings, db, service = open_service(tmp_path / "data")
    assert service.get_jobs()[0].status is JobStatus.FAILED
    db.close()


@pytest.mark.integration
def test_ctrl_c_cancels_cleanly(tmp_path: Path):
    book = make_book(tmp_path / "Long", files=3, seconds=60)
    out = tmp_path / "out"
    data = tmp_path / "data"
    proc = start_aiom4b(data, "convert", book, "--output-dir", out, "--jobs", "1",
                        "--encoder", "aac", log=tmp_path / "convert.log")  # fmt: skip
    _settings, db, service = open_service(data)
    try:
        job = wait_for(lambda: [j for j in service.get_jobs() if j.progress > 0], timeout=30)[0]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 130  # Ctrl-C, as everywhere
    finally:
        if proc.poll() is None:
            proc.kill()
    row = service.get_job(job.id)
    assert row.status is JobStatus.CANCELLED, row.log
    assert "cancelled; nothing written" in (tmp_path / "convert.log").read_text()
    assert processes_mentioning(f".aiom4b-work-{job.id.hex}") == []
    assert leftovers(out) == [] and not list(out.glob("*.m4b"))
    db.close()
