"""What a client does to the workers of a data dir without running one: the lock, a
detached start, worker ids."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "ensure_worker": ".spawn",
        "spawn_worker": ".spawn",
        "try_lock": ".spawn",
        "lock_holder": ".spawn",
        "WorkerId": ".worker_id",
    },
)
