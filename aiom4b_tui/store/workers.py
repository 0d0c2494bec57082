"""The live workers of a queue, its pause switch and its inbox, kept in the database.

Every worker registers itself (`register`), renews its heartbeat with how many books it
runs (`beat`) and removes itself when it exits (`unregister`); clients list the live
ones (`live_workers`) and ask one or all to stop (`request_stop`). `pause` and `resume`
are queue-wide: every worker of the database honours them. So is the inbox a client asks
the workers to watch (`watch_inbox`, `stop_watching`): a worker that takes the watch says
so in its row (`set_watching`), and clients show what the live workers say they watch.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

import sqlalchemy as sa
from sqlmodel import col, select

from aiom4b_tui.store.database.db import Database
from aiom4b_tui.store.models import QueueStateDB, WorkerDB, utcnow

# A worker beats every few seconds; one silent for this long is dead (or frozen).
WORKER_STALE_AFTER = timedelta(seconds=30)
PAUSED_KEY = "paused"
INBOX_KEY = "inbox"


class PauseMode(str, Enum):
    """How the queue is paused: running books `finish`, or `stop` and go back to the
    queue keeping their finished segments."""

    FINISH = "finish"
    STOP = "stop"


@dataclass(frozen=True)
class WorkerInfo:
    """What a worker says about itself when it registers."""

    worker_id: str
    host: str
    pid: int
    books_at_once: int
    ffmpeg_processes: int
    path_map: Mapping[str, str] | None = None
    version: str | None = None


@dataclass(frozen=True)
class InboxRequest:
    """An inbox the workers are asked to watch: its path as the client that asked names
    it (a worker maps it with its path map), and the quiet time before a folder is taken."""

    path: str
    settle: float

    def to_json(self) -> str:
        """The request as kept in `queue_state`."""
        return json.dumps({"path": self.path, "settle": self.settle})

    @classmethod
    def from_json(cls, text: str) -> InboxRequest | None:
        """The request kept as `text`; None for a value this version cannot read."""
        try:
            data = json.loads(text)
            return cls(str(data["path"]), float(data["settle"]))
        except (ValueError, TypeError, KeyError):
            return None


class WorkerRegistry:
    """Reads and writes the `workers` and `queue_state` tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def register(self, info: WorkerInfo) -> WorkerDB:
        """Add (or renew) this worker's row."""
        now = utcnow()
        row = WorkerDB(
            id=info.worker_id,
            host=info.host,
            pid=info.pid,
            started_at=now,
            heartbeat=now,
            books_at_once=info.books_at_once,
            ffmpeg_processes=info.ffmpeg_processes,
            path_map=json.dumps(dict(info.path_map)) if info.path_map else None,
            version=info.version,
        )
        with self.db.write_session() as session:
            merged = session.merge(row)
            session.commit()
            session.refresh(merged)
        return merged

    def beat(self, worker_id: str, books_running: int) -> bool:
        """Renew the heartbeat; returns whether a stop was asked of this worker.

        A row that vanished (removed by hand, or as stale) is taken as a stop request.
        """
        with self.db.write_session() as session:
            row = session.get(WorkerDB, worker_id)
            if row is None:
                return True
            row.heartbeat = utcnow()
            row.books_running = books_running
            session.add(row)
            session.commit()
            return bool(row.stop_requested)

    def unregister(self, worker_id: str) -> None:
        """Remove this worker's row (at exit)."""
        with self.db.write_session() as session:
            session.exec(sa.delete(WorkerDB).where(col(WorkerDB.id) == worker_id))  # type: ignore[call-overload]
            session.commit()

    def live_workers(self, stale_after: timedelta = WORKER_STALE_AFTER) -> list[WorkerDB]:
        """Workers whose heartbeat is recent, oldest first."""
        cutoff = utcnow() - stale_after
        query = (
            select(WorkerDB)
            .where(col(WorkerDB.heartbeat) >= cutoff)
            .order_by(col(WorkerDB.started_at))
        )
        with self.db.session() as session:
            return list(session.exec(query))

    def request_stop(self, worker_id: str | None = None) -> int:
        """Ask one worker (or every worker) to stop; returns how many were asked."""
        statement = sa.update(WorkerDB).values(stop_requested=True)
        if worker_id is not None:
            statement = statement.where(col(WorkerDB.id) == worker_id)
        with self.db.write_session() as session:
            result = session.exec(statement)  # type: ignore[call-overload]
            session.commit()
            return int(result.rowcount or 0)

    def pause(self, mode: PauseMode) -> None:
        """Pause the queue: no worker claims a new book; running ones finish or stop."""
        self._set(PAUSED_KEY, mode.value)

    def resume(self) -> None:
        """Let the workers claim books again."""
        self._clear(PAUSED_KEY)

    def pause_mode(self) -> PauseMode | None:
        """How the queue is paused, or None when it runs."""
        with self.db.session() as session:
            row = session.get(QueueStateDB, PAUSED_KEY)
        if row is None:
            return None
        try:
            return PauseMode(row.value)
        except ValueError:
            return PauseMode.FINISH  # a value from another version: paused all the same

    def watch_inbox(self, request: InboxRequest) -> None:
        """Ask the workers to watch this inbox (instead of the one asked before, if any)."""
        self._set(INBOX_KEY, request.to_json())

    def stop_watching(self) -> None:
        """Ask the workers to stop watching the inbox."""
        self._clear(INBOX_KEY)

    def inbox_request(self) -> InboxRequest | None:
        """The inbox the workers are asked to watch, or None."""
        with self.db.session() as session:
            row = session.get(QueueStateDB, INBOX_KEY)
        return InboxRequest.from_json(row.value) if row is not None else None

    def set_watching(self, worker_id: str, inbox: str | None) -> None:
        """Say in this worker's row which inbox it watches (None: none)."""
        statement = sa.update(WorkerDB).where(col(WorkerDB.id) == worker_id)
        with self.db.write_session() as session:
            session.exec(statement.values(watching=inbox))  # type: ignore[call-overload]
            session.commit()

    def _set(self, key: str, value: str) -> None:
        with self.db.write_session() as session:
            session.merge(QueueStateDB(key=key, value=value, updated_at=utcnow()))
            session.commit()

    def _clear(self, key: str) -> None:
        with self.db.write_session() as session:
            session.exec(sa.delete(QueueStateDB).where(col(QueueStateDB.key) == key))  # type: ignore[call-overload]
            session.commit()
