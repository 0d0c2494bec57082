"""The database itself: SQLite (WAL) or PostgreSQL, opened and migrated, its URL, and
its failures told in one sentence."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "open_database": ".db",
        "Database": ".db",
        "explain": ".errors",
    },
)
