"""What a client does to the workers of a data dir without running one: the worker lock,
a detached start and its log, worker ids."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "ensure_worker": ".spawn",
        "spawn_worker": ".spawn",
        "try_lock": ".lock",
        "lock_holder": ".lock",
        "WORKER_LOG": ".worker_log",
        "WorkerId": ".worker_id",
    },
)
