"""The work folder beside the output: its manifest and ledger (resume or start over),
what an interrupted encode left, the modes of the files made."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "open_work": ".ledger",
        "WorkLedger": ".ledger",
        "ResumeMismatch": ".ledger",
        "remove_work_dirs": ".folder",
    },
)
