"""The MP4 container, byte by byte where ffmpeg and mutagen do not reach: boxes, the
chapter track, the edit list, priming, the ADTS-to-MP4 writer, tags."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "read_chapters": ".chapters",
        "set_book_chapters": ".finish",
        "book_length": ".finish",
        "write_mp4_tags": ".tags",
    },
)
