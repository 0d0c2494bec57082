"""The metadata lookup's answers kept in the job database (`lookup_cache`), and the
BookLookup that uses them: the same lookup within the age limit asks no one.

Answers are kept 30 days; a "not found" only a day, as a book may be added soon after.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import delete
from sqlalchemy.exc import OperationalError
from sqlmodel import col

from aiom4b_tui.core.db import Database
from aiom4b_tui.core.lookup_service import BookLookup, LookupUrls
from aiom4b_tui.core.models import LookupCacheDB, utcnow
from aiom4b_tui.core.settings import Settings

MAX_AGE = timedelta(days=30)
NOT_FOUND_MAX_AGE = timedelta(days=1)
NOT_FOUND = "null"
COVERS_DIR = "covers"


class DatabaseAnswerCache:
    """An AnswerCache on the `lookup_cache` table."""

    def __init__(
        self,
        db: Database,
        *,
        max_age: timedelta = MAX_AGE,
        not_found_max_age: timedelta = NOT_FOUND_MAX_AGE,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self._db = db
        self.max_age = max_age
        self.not_found_max_age = not_found_max_age
        self._now = now

    def get(self, provider: str, query: str) -> str | None:
        """The kept answer, unless it is older than its age limit."""
        with self._db.session() as session:
            row = session.get(LookupCacheDB, (provider, query))
        if row is None:
            return None
        limit = self.not_found_max_age if row.value == NOT_FOUND else self.max_age
        if _naive(self._now()) - _naive(row.fetched_at) > limit:
            return None
        return row.value

    def put(self, provider: str, query: str, value: str) -> None:
        """Keep (or replace) the answer, stamped now."""
        row = LookupCacheDB(provider=provider, query=query, value=value, fetched_at=self._now())
        try:
            with self._db.write_session() as session:
                session.merge(row)
                session.commit()
        except OperationalError:
            pass  # a busy database costs a repeated request later, not this lookup

    def prune(self) -> int:
        """Delete answers older than the age limit; returns how many."""
        cutoff = self._now() - self.max_age
        with self._db.write_session() as session:
            statement = delete(LookupCacheDB).where(col(LookupCacheDB.fetched_at) < cutoff)
            result = session.exec(statement)  # type: ignore[call-overload]
            session.commit()
            return int(result.rowcount or 0)


def _naive(moment: datetime) -> datetime:
    """UTC without tzinfo: SQLite gives back what it was given, less the zone."""
    return moment.replace(tzinfo=None)


def open_book_lookup(
    db: Database, *, urls: LookupUrls | None = None, timeout: httpx.Timeout | None = None
) -> BookLookup:
    """A BookLookup with its answers kept in `db`; provider URLs from the environment
    (AIOM4B_AUDNEXUS_URL, AIOM4B_OPENLIBRARY_URL, AIOM4B_COVERS_URL) unless given."""
    return BookLookup.create(
        cache=DatabaseAnswerCache(db), urls=urls or LookupUrls.from_env(), timeout=timeout
    )


def covers_dir(settings: Settings) -> Path:
    """Where looked-up covers are downloaded to (kept, so a second look asks no one)."""
    return settings.data_dir / COVERS_DIR
