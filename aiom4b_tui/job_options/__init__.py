"""What a job asks of the engine: the options model and its checks, and how encoders
share the CPU. A leaf both the store and the engine read."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "JobOptions": ".model",
        "TagOverrides": ".model",
        "ChapterEntry": ".model",
        "EncoderPriority": ".encoder_priority",
        "check_template": ".checks",
        "check_year": ".checks",
    },
)
