"""How many priming samples an MP4's audio track starts with (its encoder delay).

Read from the sound track's edit list (`edts/elst` media time, as ffmpeg and most
encoders write it), else from iTunes' `iTunSMPB` tag (older iTunes files carry the
delay only there). Used to place chapters on the first real sample of AAC sources
joined without re-encoding.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

from mutagen.mp4 import MP4, Atoms

from aiom4b_tui.engine.mp4.boxes import box_header

_ITUNSMPB = "----:com.apple.iTunes:iTunSMPB"


def mp4_priming(path: Path, default: int = 1024) -> int:
    """Samples the decoder drops at the start of `path`'s audio; `default` if unknown."""
    try:
        with path.open("rb") as handle:
            found = _edit_list_priming(handle, Atoms(handle))
        if found is None:
            found = _itunsmpb_priming(path)
    except Exception:  # a damaged or foreign file: the caller's default
        return default
    return default if found is None else found


def _edit_list_priming(handle: BinaryIO, atoms: Atoms) -> int | None:
    for trak in atoms.path(b"moov")[-1].findall(b"trak"):
        if _handler_type(handle, trak) != b"soun":
            continue
        edts = next(trak.findall(b"edts"), None)
        if edts is None:
            return None
        _complete, body = edts.read(handle)  # mutagen does not parse inside edts
        elst = _box(body, b"elst")
        return None if elst is None else _first_media_time(elst)
    return None


def _handler_type(handle: BinaryIO, trak) -> bytes | None:
    hdlr = next((h for mdia in trak.findall(b"mdia") for h in mdia.findall(b"hdlr")), None)
    if hdlr is None:
        return None
    _complete, body = hdlr.read(handle)
    return body[8:12]  # version+flags, pre_defined, then the handler type


def _box(data: bytes, name: bytes) -> bytes | None:
    """The payload of the first box called `name` in a run of boxes."""
    pos = 0
    while pos + 8 <= len(data):
        size, kind, header = box_header(data, pos)
        if size < header:
            return None
        if kind == name:
            return data[pos + header : pos + size]
        pos += size
    return None


def _first_media_time(elst: bytes) -> int | None:
    """The media time of the first edit that is not an empty one (-1)."""
    version = elst[0]
    (entries,) = struct.unpack(">I", elst[4:8])
    offset = 8
    for _ in range(entries):
        if version == 1:
            _duration, media_time = struct.unpack(">Qq", elst[offset : offset + 16])
            offset += 20
        else:
            _duration, media_time = struct.unpack(">Ii", elst[offset : offset + 8])
            offset += 12
        if media_time >= 0:
            return media_time
    return None


def _itunsmpb_priming(path: Path) -> int | None:
    """The second field of ' 00000000 00000840 000001CA …': the priming, in hex."""
    tags = MP4(path).tags
    if tags is None or _ITUNSMPB not in tags:
        return None
    fields = bytes(tags[_ITUNSMPB][0]).decode("ascii", "replace").split()
    return int(fields[1], 16) if len(fields) > 1 else None
