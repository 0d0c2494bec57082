"""Several books through one runner with the real engine and ffmpeg: books overlap
(the second starts before the first ends), each is made whole, none is lost or made
twice, and no work folder is left."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from aiom4b_tui.queue.runner.runner import QueueRunner, RunnerEvent
from aiom4b_tui.store.models import JobCreate, JobOptions, JobStatus
from tests.helpers.workers import leftovers, make_book, open_service

pytestmark = pytest.mark.integration

SECONDS = 6.0  # per file


async def test_two_books_at_once_overlap_and_every_book_is_made_once(tmp_path: Path):
    settings, db, service = open_service(tmp_path / "data", ffmpeg_processes=2)
    out = tmp_path / "out"
    options = JobOptions(output_dir=out)
    files = {f"Book {n}": 2 + n % 2 for n in range(1, 6)}
    jobs = {
        title: service.create_job(
            JobCreate(
                input_folders=[make_book(tmp_path / title, files=count, seconds=SECONDS)],
                title=title,
                options=options,
            )
        )
        for title, count in files.items()
    }
    completed: list[str] = []

    def on_event(event: RunnerEvent) -> None:
        if event.kind == "status" and event.status is JobStatus.COMPLETED:
            completed.append(event.title)

    await QueueRunner(service, settings, books=2, on_event=on_event).run(once=True)

    rows = {title: service.get_job(job.id) for title, job in jobs.items()}
    for title, row in rows.items():
        assert row.status is JobStatus.COMPLETED, row.log
        length = MP4(row.output_file).info.length
        assert length == pytest.approx(files[title] * SECONDS, abs=0.15), title
    assert sorted(completed) == sorted(files)  # each announced once
    assert len({row.output_file for row in rows.values()}) == len(files)
    assert sorted(out.rglob("*.m4b")) == sorted(Path(row.output_file) for row in rows.values())
    by_start = sorted(rows.values(), key=lambda row: row.start_time)
    first, second = by_start[0], by_start[1]
    assert second.start_time < first.end_time  # the two books ran at the same time
    assert leftovers(out) == []
    db.close()
