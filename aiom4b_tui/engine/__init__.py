"""Folders in, one .m4b out: scan the sources, plan the book, encode it on every core,
write its MP4, chapters and tags, check it and place it. Knows no database, no settings
file and no screen: what a book needs comes in as arguments."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "convert_folders": ".convert",
        "convert_book": ".convert",
        "ConvertTask": ".convert_task",
        "ConvertProgress": ".progress",
        "ConversionError": ".failures",
        "describe_failure": ".failures",
        "scan_book": ".sources.scan",
        "make_plan": ".plan.plan",
        "BookPlan": ".plan.plan",
        "find_ffmpeg": ".ffmpeg.run",
        "FFmpegPool": ".ffmpeg.run",
    },
)
