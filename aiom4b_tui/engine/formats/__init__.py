"""Audio bitstreams read without a decoder: ADTS frames, the AAC config, MP3 frame
headers and the LAME tag."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "adts_frame_offsets": ".adts",
        "ADTSError": ".adts",
        "FRAME": ".adts",
    },
)
