"""Recovery of orphans: jobs left `running` by a worker that no longer exists go back to
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
from aiom4b_tui.queue.control.worker_id import WorkerId, pid_alive, this_host
from aiom4b_tui.queue.path_map import PathMap
from aiom4b_tui.queue.visibility import localize_job
from aiom4b_tui.queue.work_folders import WorkFolders, work_marker
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobDB, JobStatus, utcnow

STALE_AFTER = timedelta(seconds=60)
STALE_AFTER_SAME_HOST = timedelta(minutes=10)


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


@dataclass(frozen=True)
class OrphanRecovery:
    """How one worker hands back the jobs of dead workers: its database and id, the rules
    that tell a dead worker, and this host's view of the jobs' folders."""

    service: JobService
    worker: str
    rules: OrphanRules
    work_folders: WorkFolders
    path_map: PathMap

    def run(self, now: datetime | None = None) -> list[JobDB]:
        """Hand back every running job whose worker is gone; returns the jobs as they now are.

        Each orphan is first adopted (atomically, so only one recoverer handles it), its
        stray ffmpeg processes are stopped, and only then is it queued again, so no runner
        resumes in a folder a dead worker's child still writes into. The work folder stays
        (the next run resumes from it, or records the book it had already placed); a job
        whose cancel was asked for ends cancelled and its work folder is removed.
        """
        now = now or utcnow()
        recovered = []
        for job in self.service.running_jobs():
            if job.worker == self.worker or not is_orphan(
                job.worker, job.heartbeat, now=now, rules=self.rules
            ):
                continue
            done = self._recover(job)
            if done is not None:
                recovered.append(done)
        return recovered

    def _recover(self, job: JobDB) -> JobDB | None:
        """Adopt one orphan, stop its strays, and queue it again (or cancel it)."""
        adopted = self.service.adopt_orphan(job, self.worker)
        if adopted is None:
            return None
        owner = WorkerId.parse(job.worker)
        if owner is not None and owner.host == self.rules.host:
            stop_stray_processes(work_marker(job))
        if adopted.cancel_requested:
            status, note = JobStatus.CANCELLED, "cancelled: its worker {} was gone"
        else:
            status = JobStatus.QUEUED
            note = "recovered: worker {} was gone; queued again, its work kept"
        message = note.format(job.worker or "?")
        done = self.service.finish_running(job.id, self.worker, status, [message])
        if done is not None and status is JobStatus.CANCELLED:
            self.work_folders.remove(localize_job(adopted, self.path_map))  # this host's paths
        return done


def recover_orphans(
    service: JobService, settings: Settings, worker: str, *, rules: OrphanRules | None = None
) -> list[JobDB]:
    """Hand back every running job whose worker is gone, as `worker` on this host (the
    `aiom4b cancel` of a job whose worker is gone; a runner keeps an OrphanRecovery)."""
    recovery = OrphanRecovery(
        service,
        worker,
        rules or lease_rules(settings),
        WorkFolders(settings),
        PathMap(settings.path_map),
    )
    return recovery.run()
