"""MP4 boxes made by hand for the box-level tests (header fields, the box tree)."""

from __future__ import annotations

import struct

from aiom4b_tui.engine.mp4.boxes import Box, leaf


def mvhd_v0(timescale: int, duration: int, next_track: int = 3) -> Box:
    """A version 0 movie header of `duration` at `timescale`, naming `next_track` as the
    next track id."""
    body = struct.pack(">IIIII", 0, 0, 0, timescale, duration) + bytes(76)
    return leaf(b"mvhd", body + struct.pack(">I", next_track))
