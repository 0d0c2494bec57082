"""Nothing lost around a worker, with the real ffmpeg and SQLite: a book interrupted by
SIGKILL, SIGTERM or SIGHUP resumes from its finished segments, keeps what the encodes in
flight had written, and makes the same .m4b (tests/helpers/same_book.py);
the end of a job is recorded through a locked database, and a book already placed is
never made twice; a worker whose data dir is deleted stops and says why."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from aiom4b_tui.engine.convert import convert_folders
from aiom4b_tui.engine.convert_task import ConvertTask
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool, find_ffmpeg
from aiom4b_tui.queue.control.worker_id import this_host
from aiom4b_tui.queue.execute import JobRun, convert_job
from aiom4b_tui.queue.runner.runner import QueueRunner, RunnerEvent
from aiom4b_tui.store.models import JobStatus
from tests.helpers.same_book import assert_same_book
from tests.helpers.workers import (
    aiom4b,
    hold_write_lock,
    leftovers,
    make_book,
    open_service,
    processes_mentioning,
    queue_aac_book,
    running_past,
    segments_recorded,
    short_busy_timeout,
    wait_for,
)

pytestmark = pytest.mark.integration

RESUMING = re.compile(r"resuming: (\d+) of (\d+) segments already encoded \(([^)]*)\)")


@pytest.fixture(scope="module")
def multi_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight minutes of audio in 8 files: several segments on two ffmpeg processes."""
    return make_book(tmp_path_factory.mktemp("resume") / "Resumed Book", files=8, seconds=60)


def uninterrupted(book: Path, tmp_path: Path) -> Path:
    """The book an uninterrupted run makes (same options, its own data dir)."""
    out = tmp_path / "reference"
    made = aiom4b(tmp_path / "ref-data", "convert", book, "--output-dir", out,
                  "--jobs", "2", "--encoder", "aac", timeout=300)  # fmt: skip
    assert made.returncode == 0, made.stderr
    return Path(made.stdout.strip())


def test_a_worker_killed_at_60_percent_resumes_and_makes_the_same_book(
    queue, started, multi_book, tmp_path
):
    data, service, out = queue
    job = queue_aac_book(service, multi_book, out)
    first = started(data, "--jobs", "2", "--idle-exit", "0", log="first.log")
    wait_for(
        lambda: running_past(service, job.id, 0.55) and segments_recorded(out) >= 1,
        timeout=240,
    )
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = service.get_job(job.id).progress
    assert service.get_job(job.id).status is JobStatus.RUNNING  # left by the dead
    assert leftovers(out), "the dead worker's work folder is there to resume from"
    second = aiom4b(data, "worker", "--once", "--jobs", "2", timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    row = service.get_job(job.id)
    assert row.status is JobStatus.COMPLETED, row.log
    dead = f"{this_host()}:{first.pid}"
    assert f"recovered: worker {dead} was gone; queued again, its work kept" in row.log
    resumed = RESUMING.search(row.log)
    assert resumed, row.log
    done, total = int(resumed.group(1)), int(resumed.group(2))
    assert 1 <= done < total, row.log  # from finished segments, not from nothing
    print(f"killed at {killed_at:.0%}; {resumed.group(0)}")
    result = Path(row.output_file)
    assert list(out.glob("*.m4b")) == [result]
    # What the two encodes in flight had written is kept (the log says how much).
    assert "cut short" in resumed.group(3), row.log
    assert_same_book(result, uninterrupted(multi_book, tmp_path), salvaged=True)
    assert leftovers(out) == []
    assert processes_mentioning(f".aiom4b-work-{job.id.hex}") == []


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 0), (signal.SIGHUP, 0)])
def test_a_stop_signal_queues_the_book_keeping_its_work_and_it_resumes(
    queue, started, multi_book, tmp_path, sig, code
):
    data, service, out = queue
    job = queue_aac_book(service, multi_book, out)
    worker = started(data, "--jobs", "2", "--idle-exit", "0")
    wait_for(
        lambda: running_past(service, job.id, 0.6) and segments_recorded(out) >= 1,
        timeout=240,
    )
    worker.send_signal(sig)
    assert worker.wait(timeout=30) == code
    row = service.get_job(job.id)
    assert row.status is JobStatus.QUEUED and row.worker is None
    assert row.log.endswith("stopped with its runner; queued again, its work kept")
    assert leftovers(out), "the work folder is kept"
    assert processes_mentioning(f".aiom4b-work-{job.id.hex}") == []
    said = (tmp_path / "w.log").read_text()
    assert f"{signal.Signals(sig).name}: stopping" in said
    again = aiom4b(data, "worker", "--once", "--jobs", "2", timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    row = service.get_job(job.id)
    assert row.status is JobStatus.COMPLETED and RESUMING.search(row.log), row.log
    assert list(out.glob("*.m4b")) == [Path(row.output_file)]
    assert leftovers(out) == []


def test_a_worker_whose_data_dir_is_deleted_stops_and_says_why(
    queue, started, multi_book, tmp_path
):
    data, service, out = queue
    job = queue_aac_book(service, multi_book, out)
    worker = started(data, "--jobs", "2", "--idle-exit", "0")
    wait_for(lambda: running_past(service, job.id, 0.01), timeout=240)
    shutil.rmtree(data)
    assert worker.wait(timeout=30) == 1
    said = (tmp_path / "w.log").read_text()
    assert f"the data dir {data.resolve()} was deleted; stopping" in said
    assert not data.exists(), "the worker must not make the data dir again"
    assert processes_mentioning(f".aiom4b-work-{job.id.hex}") == []


async def test_the_end_of_a_job_is_recorded_through_a_locked_database(monkeypatch, tmp_path):
    short_busy_timeout(monkeypatch)
    settings, db, service = open_service(tmp_path / "data", ffmpeg_processes=1)
    out = tmp_path / "out"
    book = make_book(tmp_path / "Locked Book", files=1, seconds=5)
    job = queue_aac_book(service, book, out)

    async def convert_then_lock(run: JobRun) -> Path:
        placed = await convert_job(run)
        hold_write_lock(db.path, 3.0)  # held across the job's end
        return placed

    events: list[RunnerEvent] = []
    runner = QueueRunner(
        service, settings, execute=convert_then_lock, on_event=events.append, poll_interval=0.1
    )
    await runner.run(once=True)
    row = service.get_job(job.id)
    assert row.status is JobStatus.COMPLETED, row.log
    retried = [e.message for e in events if e.message.startswith("recording the end")]
    assert retried and "database is locked" in retried[0]
    assert list(out.glob("*.m4b")) == [Path(row.output_file)]
    assert leftovers(out) == [] and runner.unrecorded_job_ids == set()
    db.close()


async def test_a_book_placed_by_a_worker_that_died_before_recording_it_is_not_made_twice(
    tmp_path,
):
    settings, db, service = open_service(tmp_path / "data", ffmpeg_processes=1)
    out = tmp_path / "out"
    book = make_book(tmp_path / "Placed Book", files=1, seconds=3)
    job = queue_aac_book(service, book, out)
    dead = subprocess.Popen(["true"])
    dead.wait()
    service.claim_next(f"{this_host()}:{dead.pid}")
    # What that worker did before it died: the book placed, the work folder marked so.
    task = ConvertTask(find_ffmpeg(), FFmpegPool(1), work_name=job.id.hex, keep_work=True)
    placed = await convert_folders([book], job.job_options(), task, output_dir=out)
    await QueueRunner(service, settings, poll_interval=0.1).run(once=True)
    row = service.get_job(job.id)
    assert row.status is JobStatus.COMPLETED, row.log
    assert row.output_file == str(placed)
    assert "already made" in row.log
    assert list(out.glob("*.m4b")) == [placed]  # no "Placed Book (2).m4b"
    assert leftovers(out) == []
    db.close()
