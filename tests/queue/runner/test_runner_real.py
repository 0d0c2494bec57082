"""QueueRunner in-process with the real engine and ffmpeg: every transition is in the
database when it is announced, and bad books fail with a one-line reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiom4b_tui.queue.runner.runner import QueueRunner, RunnerEvent
from aiom4b_tui.store.models import JobCreate, JobOptions, JobStatus
from tests.helpers.workers import leftovers, make_book, open_service, raw_row

pytestmark = pytest.mark.integration


async def test_transitions_are_in_the_database_when_announced(tmp_path: Path):
    settings, db, service = open_service(tmp_path / "data", ffmpeg_processes=2)
    out = tmp_path / "out"
    good = make_book(tmp_path / "Good Book", files=2, seconds=1)
    empty = tmp_path / "Empty Book"
    empty.mkdir()
    (empty / "01.mp3").write_bytes(b"")
    junk = tmp_path / "Junk Book"
    junk.mkdir()
    (junk / "01.mp3").write_bytes(b"this is not audio at all" * 100)
    options = JobOptions(output_dir=out)
    jobs = {
        name: service.create_job(JobCreate(input_folders=[folder], options=options))
        for name, folder in (("good", good), ("empty", empty), ("junk", junk))
    }
    seen: list[tuple[str, str]] = []
    mismatches: list[str] = []  # the runner logs a failing callback: assert after run()

    def check(event: RunnerEvent) -> None:
        row = raw_row(settings.data_dir, event.job_id)  # a second, plain sqlite3 connection
        if event.kind == "status":
            if row["status"] != event.status.value or event.message not in row["log"]:
                mismatches.append(f"{event}: the row says {row['status']}, {row['log']!r}")
            seen.append((row["title"], row["status"]))
        elif event.kind == "progress" and row["progress"] != pytest.approx(event.progress):
            mismatches.append(f"{event}: the row says {row['progress']}")

    await QueueRunner(service, settings, books=1, on_event=check).run(once=True)
    assert mismatches == []
    # One book at a time, in queue order; the next may be claimed while the one before
    # it is muxed and checked (its audio made), so only each book's own order is fixed.
    assert [title for title, status in seen if status == "running"] == [
        "Good Book",
        "Empty Book",
        "Junk Book",
    ]
    ends = {"Good Book": "completed", "Empty Book": "failed", "Junk Book": "failed"}
    for title, end in ends.items():
        assert [status for t, status in seen if t == title] == ["running", end]
    done = service.get_job(jobs["good"].id)
    assert Path(done.output_file).is_file() and done.progress == 1.0
    for name in ("empty", "junk"):
        row = service.get_job(jobs[name].id)
        failed = [line for line in row.log.splitlines() if " failed: " in line]
        assert len(failed) == 1 and "01.mp3" in failed[0], row.log
        assert "Traceback" not in row.log and "internal error" not in row.log
    assert leftovers(out) == []
    db.close()


async def test_settings_bitrate_applies_when_the_job_sets_none(tmp_path: Path):
    settings, db, service = open_service(tmp_path / "data", bitrate=32000)
    book = make_book(tmp_path / "Book", files=1, seconds=2)
    job = service.create_job(JobCreate(input_folders=[book]))
    await QueueRunner(service, settings).run(once=True)
    row = service.get_job(job.id)
    assert row.status is JobStatus.COMPLETED, row.log
    assert Path(row.output_file).parent == settings.resolved_output_dir()
    from mutagen.mp4 import MP4

    assert MP4(row.output_file).info.bitrate <= 40000
    db.close()
