"""`aiom4b convert`: one book in the foreground, recorded in the database like any job."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from aiom4b_tui.store.models import JobStatus
from tests.helpers.workers import (
    ROOT,
    aiom4b,
    cli_env,
    leftovers,
    make_book,
    open_service,
    processes_mentioning,
    start_aiom4b,
    wait_for,
)

pytestmark = pytest.mark.integration


def test_convert_prints_the_output_path_and_records_the_job(tmp_path: Path):
    book = make_book(tmp_path / "Dune", files=2, seconds=1)
    out = tmp_path / "out"
    result = aiom4b(
        tmp_path / "data", "convert", book, "--name", "My Dune", "--bitrate", "48k",
        "--output-dir", out, "--jobs", "1", "--encoder", "aac",
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


def test_convert_draws_a_bar_on_a_terminal(tmp_path: Path):
    # A few seconds of work for the native encoder (libfdk_aac would be done before a
    # progress report is due, so the test names the encoder).
    book = make_book(tmp_path / "Bar", files=2, seconds=60)
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiom4b_tui", "--data-dir", str(tmp_path / "data"), "convert",
         str(book), "--output-dir", str(tmp_path / "out"), "--jobs", "1", "--encoder", "aac"],
        stdout=subprocess.PIPE, stderr=secondary, env=cli_env(), cwd=ROOT,
    )  # fmt: skip
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


def test_a_book_that_cannot_be_made_fails_in_one_line(tmp_path: Path):
    book = tmp_path / "Broken"
    book.mkdir()
    (book / "01.mp3").write_bytes(b"")
    result = aiom4b(tmp_path / "data", "convert", book, "--output-dir", tmp_path / "out")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("aiom4b: failed:") and "01.mp3" in last
    _settings, db, service = open_service(tmp_path / "data")
    assert service.get_jobs()[0].status is JobStatus.FAILED
    db.close()


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
