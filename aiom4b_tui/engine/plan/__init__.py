"""The book decided before any audio is touched: chapters, tags, cover, encoder and the
output path, from a scan and the job's options (pure data, no I/O but reading tags)."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "make_plan": ".plan",
        "BookPlan": ".plan",
        "plan_scanned_book": ".scanned_book",
        "render_template": ".naming",
        "job_title": ".title",
    },
)
