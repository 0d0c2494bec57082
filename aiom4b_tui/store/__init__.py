"""The jobs table of seed/DATABASE.md and what extends it: models, the SQLite or
PostgreSQL database and its migrations, `JobService` (the only writer of jobs), the
workers and queue state, the light read path and the lookup's answer cache."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "JobService": ".jobs",
        "JobDB": ".models",
        "JobCreate": ".models",
        "JobUpdate": ".models",
        "JobStatus": ".status",
        "WorkerRegistry": ".workers",
        "open_database": ".database.db",
        "Database": ".database.db",
    },
)
