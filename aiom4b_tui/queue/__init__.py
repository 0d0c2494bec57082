"""The worker: claims jobs from the store, runs each through the engine, records how it
ended, resumes what was interrupted, watches the inbox. `control/` is the part a client
(the TUI, the verbs) touches: start a worker, its lock, pause, stop."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "QueueRunner": ".runner.runner",
        "plan_for_job": ".planning",
        "recover_orphans": ".recovery",
        "InboxWatcher": ".inbox",
    },
)
