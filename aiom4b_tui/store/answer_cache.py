"""The metadata lookup's answers kept in the job database (`lookup_cache`): the same
lookup within the age limit asks no one. `DatabaseAnswerCache` is the lookup's
`AnswerCache` (get, put) by its shape alone, so the store needs no lookup import: the
clients hand one to `lookup.service.open_book_lookup`.

Answers are kept 30 days; a "not found" only a day, as a book may be added soon after.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import OperationalError
from sqlmodel import col

from aiom4b_tui.store.database.db import Database
from aiom4b_tui.store.models import LookupCacheDB, utcnow

MAX_AGE = timedelta(days=30)
NOT_FOUND_MAX_AGE = timedelta(days=1)
NOT_FOUND = "null"


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
