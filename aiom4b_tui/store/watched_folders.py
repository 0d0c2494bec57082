"""The inbox's memory: the folders a watcher has turned into jobs (`watched_folders`), so
that no folder is queued twice, even by two watchers or after a restart.

A part of JobService (store/jobs.py), which stays the only code that writes the jobs table.
"""

from __future__ import annotations

from uuid import UUID

from aiom4b_tui.store.database.db import Database
from aiom4b_tui.store.models import JobCreate, JobDB, WatchedFolderDB
from aiom4b_tui.store.records import add_log_lines, new_job_row


class WatchedFolders:
    """Reads and writes the `watched_folders` table (and the jobs its folders become)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def remember(self, path: str, job_id: UUID | None) -> bool:
        """Record that an inbox folder became a job; False if it was recorded before."""
        with self.db.write_session() as session:
            if session.get(WatchedFolderDB, path) is not None:
                return False
            session.add(WatchedFolderDB(path=path, job_id=job_id))
            session.commit()
        return True

    def known(self, path: str) -> bool:
        """True when an inbox watcher took this folder before."""
        with self.db.session() as session:
            return session.get(WatchedFolderDB, path) is not None

    def create_job(self, path: str, job_data: JobCreate) -> JobDB | None:
        """Queue a job for an inbox folder and remember the folder, in one transaction;
        None (and nothing written) if the folder was taken before."""
        job = new_job_row(job_data)
        add_log_lines(job, [f"queued from the watched inbox: {path}"])
        with self.db.write_session() as session:
            if session.get(WatchedFolderDB, path) is not None:
                return None
            session.add(job)
            session.add(WatchedFolderDB(path=path, job_id=job.id))
            session.commit()
            session.refresh(job)
        return job
