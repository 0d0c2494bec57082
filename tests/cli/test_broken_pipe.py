"""A reader that stops early (`aiom4b jobs | head -1`) ends the command quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate


def test_output_into_a_closed_pipe_ends_quietly_with_success(
    data_dir: Path, tmp_path: Path
) -> None:
    book = tmp_path / "Book"
    book.mkdir()
    JobService(open_database(data_dir)).create_job(JobCreate(input_folders=[book]))
    read_end, write_end = os.pipe()
    os.close(read_end)  # no reader at all: the first write fails with EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "aiom4b_tui", "jobs"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 0
