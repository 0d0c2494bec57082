"""Running ffmpeg: finding it, its encoders, one child process at a time with progress,
killed on cancel, in the background CPU class, on a pool of slots."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "find_ffmpeg": ".run",
        "run_ffmpeg": ".run",
        "FFmpegPool": ".run",
        "FFmpegError": ".run",
        "FFmpegNotFoundError": ".run",
    },
)
