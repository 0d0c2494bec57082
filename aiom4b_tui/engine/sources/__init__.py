"""The source files of a book: which are audio, probed in reading order, their tags,
and what the folder picker shows of a folder."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "scan_book": ".scan",
        "BookScan": ".scan",
        "AudioFile": ".scan",
        "ScanError": ".scan",
        "summarize_folder": ".folder_summary",
    },
)
