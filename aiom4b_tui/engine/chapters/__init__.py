"""Where chapters start and what they are called: one per file, the sources' own, a
chapter file, silences, the person's edits, split by a maximum length."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "PlannedChapter": ".chapter",
        "read_chapter_file": ".files",
        "format_chapters": ".files",
        "ChapterFileError": ".files",
        "detect_silences": ".silence",
    },
)
