"""The book's audio: the timeline of samples, cut into segments encoded on every core and
spliced gaplessly (or joined without re-encoding), muxed in book order."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "encode_gapless": ".routes",
        "join_copy": ".copy_route",
        "EncodedBook": ".encoded",
        "EncodeJob": ".encoded",
    },
)
