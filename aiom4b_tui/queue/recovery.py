"""Recovery on start: jobs left `running` by a worker that no longer exists go back to
queued, their work folders kept so they resume from their finished segments (or, when a
cancel was asked for, to cancelled, their work folders removed).

A worker on this host is gone when its pid is gone (or its heartbeat is very old, which
guards against a reused pid); a worker on another host is gone when its heartbeat is
older than its lease (`lease_seconds`, STALE_AFTER by default): a running job belongs to
its worker only while the worker renews it.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiom4b_tui.config.settings import Settings
from aiom4b_tui.engine.work.folder import remove_work_dirs
from aiom4b_tui.queue.control.worker_id import WorkerId, pid_alive, this_host
from aiom4b_tui.queue.path_map import PathMap
from aiom4b_tui.queue.visibility import localize_job
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobDB, JobStatus, utcnow

STALE_AFTER = timedelta(seconds=60)
STALE_AFTER_SAME_HOST = timedelta(minutes=10)

WorkRemover = Callable[[Path, str], None]
"""remove_work_dirs(output_dir, work_name): deletes a job's temporary work folders."""


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they are UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class OrphanRules:
    """How to tell a dead worker: this host's name, a pid check, heartbeat ages."""

    host: str
    alive: Callable[[int], bool] = pid_alive
    stale_after: timedelta = STALE_AFTER
    stale_after_same_host: timedelta = STALE_AFTER_SAME_HOST


def lease_rules(settings: Settings) -> OrphanRules:
    """This host's orphan rules with the configured lease: a job of another host's worker
    is free once its heartbeat is older than `lease_seconds`."""
    return OrphanRules(host=this_host(), stale_after=timedelta(seconds=settings.lease_seconds))


def is_orphan(
    worker: str | None, heartbeat: datetime | None, *, now: datetime, rules: OrphanRules
) -> bool:
    """True when the worker that holds a running job can no longer be running it."""
    owner = WorkerId.parse(worker)
    beat = as_utc(heartbeat)
    age = now - beat if beat else None
    if owner is None:
        return age is None or age > rules.stale_after
    if owner.host == rules.host:
        if not rules.alive(owner.pid):
            return True
        return age is not None and age > rules.stale_after_same_host
    return age is None or age > rules.stale_after


def work_name(job: JobDB) -> str:
    """The name of a job's work folder (`.aiom4b-work-<name>`): its id in hex."""
    return job.id.hex


def job_output_dir(job: JobDB, settings: Settings) -> Path:
    """Where a job's result (and so its work folder) goes."""
    return job.job_options().output_dir or settings.resolved_output_dir()


def discard_work(job: JobDB, settings: Settings) -> None:
    """Remove the work folder a stopped job kept for its resume (when the job is deleted)."""
    remove_work_dirs(job_output_dir(job, settings), work_name(job))


def work_marker(job: JobDB) -> str:
    """What the command line of every process working on `job` contains."""
    return f".aiom4b-work-{work_name(job)}"


def _pids_mentioning(marker: str) -> list[int]:
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                pids.append(int(cmdline.parent.name))
        except (OSError, ValueError):
            continue
    return [pid for pid in pids if pid != os.getpid()]


def stop_stray_processes(marker: str, grace: float = 1.0) -> list[int]:
    """Terminate (then kill) this host's processes whose command line mentions `marker`.

    A worker killed with SIGKILL leaves its ffmpeg children running, writing into the
    work folder recovery is about to remove; they must go first.
    """
    pids = _pids_mentioning(marker)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            continue
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(pid_alive(pid) for pid in pids):
        time.sleep(0.05)
    for pid in pids:
        if pid_alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                continue
    return pids


def recover_orphans(
    service: JobService,
    settings: Settings,
    worker: str,
    *,
    rules: OrphanRules | None = None,
    remove_work: WorkRemover | None = None,
    now: datetime | None = None,
) -> list[JobDB]:
    """Hand back every running job whose worker is gone; returns the jobs as they now are.

    Each orphan is first adopted (atomically, so only one recoverer handles it), its
    stray ffmpeg processes are stopped, and only then is it queued again, so no runner
    resumes in a folder a dead worker's child still writes into. The work folder stays
    (the next run resumes from it, or records the book it had already placed); a job
    whose cancel was asked for ends cancelled and its work folder is removed.
    """
    rules = rules or lease_rules(settings)
    now = now or utcnow()
    recovered = []
    for job in service.running_jobs():
        if job.worker == worker or not is_orphan(job.worker, job.heartbeat, now=now, rules=rules):
            continue
        adopted = service.adopt_orphan(job, worker)
        if adopted is None:
            continue
        owner = WorkerId.parse(job.worker)
        if owner is not None and owner.host == rules.host:
            stop_stray_processes(work_marker(job))
        if adopted.cancel_requested:
            status, note = JobStatus.CANCELLED, "cancelled: its worker {} was gone"
        else:
            status = JobStatus.QUEUED
            note = "recovered: worker {} was gone; queued again, its work kept"
        done = service.finish_running(job.id, worker, status, [note.format(job.worker or "?")])
        if done is not None:
            recovered.append(done)
            if status is JobStatus.CANCELLED:
                local = localize_job(adopted, PathMap(settings.path_map))  # this host's paths
                (remove_work or remove_work_dirs)(job_output_dir(local, settings), work_name(job))
    return recovered
