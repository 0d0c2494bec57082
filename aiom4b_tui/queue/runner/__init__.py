"""The QueueRunner and its parts: claiming, one task per book, the periodic beat,
upkeep and recovery, the lease, and each book's recorded end."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "QueueRunner": ".runner",
        "RunnerEvent": ".events",
    },
)
