"""Where every MP3 frame of a file begins, so one source can be decoded in slices.

A clean MP3 (Layer III frames back to back, one sample rate and channel count) decodes to
a sample count known from its frames and its LAME/Info tag, without decoding it, and any
frame can start a decode: after a few frames of warm-up (the bit reservoir reaches back at
most 511 bytes; the synthesis filter needs one frame) ffmpeg's output is bit-identical to
a decode of the whole file. Measured on ffmpeg 9.0.2 and 5.1: a whole-file decode skips
`delay + 529` samples when the file has a LAME/Lavc tag (and trims the end padding), and
nothing otherwise. Anything this module does not recognise returns None, and the caller
decodes the file the ordinary way.
"""

from __future__ import annotations

import functools
import mmap
from array import array
from dataclasses import dataclass
from pathlib import Path

DECODER_DELAY = 529  # what ffmpeg adds to the LAME tag's encoder delay
_RESERVOIR_BYTES = 512
_MIN_WARMUP_FRAMES = 4
_MIN_SLICE_FRAMES = 12
_TAGGED_ENCODERS = (b"LAME", b"Lavc", b"Lavf")
_BITRATES = {
    True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


@functools.cache
def _frame_sizes(b1: int) -> tuple[int, ...]:
    """Frame size in bytes for each header byte 2, given header byte 1; 0 = not Layer III.

    Built per byte 1 when first needed (a book uses one or two): the whole table of 65536
    took longer to build at import than indexing a 5-minute file.
    """
    sizes = [0] * 256
    version, layer = (b1 >> 3) & 3, (b1 >> 1) & 3
    if (b1 & 0xE0) != 0xE0 or version == 1 or layer != 1:
        return tuple(sizes)
    mpeg1 = version == 3
    for b2 in range(256):
        bitrate_index, rate_index = b2 >> 4, (b2 >> 2) & 3
        if bitrate_index in (0, 15) or rate_index == 3:  # free format, reserved
            continue
        bitrate = _BITRATES[mpeg1][bitrate_index] * 1000
        rate = _RATES[version][rate_index]
        sizes[b2] = (144 if mpeg1 else 72) * bitrate // rate + ((b2 >> 1) & 1)
    return tuple(sizes)


@dataclass(frozen=True)
class Mp3Index:
    """The audio frames of one MP3 and how ffmpeg's whole-file decode maps onto them."""

    path: Path
    rate: int
    channels: int
    frame_samples: int  # 1152 (MPEG-1) or 576 (MPEG-2 and 2.5)
    offsets: array  # byte offset of each audio frame, plus the end of the last one
    skip: int  # samples a whole-file decode drops at the start
    samples: int  # samples a whole-file decode gives
    size: int  # bytes of the file when it was indexed

    def changed(self) -> bool:
        """True when the file is gone or no longer the size it was indexed at."""
        try:
            return self.path.stat().st_size != self.size
        except OSError:
            return True

    @property
    def frames(self) -> int:
        """Audio frames in the file (the tag frame not counted)."""
        return len(self.offsets) - 1

    def slice_for(self, start: int, end: int) -> tuple[str, int]:
        """An ffmpeg input for decoded samples [start, end) and the sample of its output
        where `start` lands (trim that many). It is a byte range of whole frames: from the
        file's start (ffmpeg then skips the encoder delay itself) or from a few frames
        before `start`, so the decoder's warm-up falls in the part that is trimmed off.
        """
        if not 0 <= start < end <= self.samples:
            raise ValueError(f"samples {start}..{end} are outside {self.path.name}")
        spf = self.frame_samples
        target = (start + self.skip) // spf
        first = target - self._warmup_frames(target)
        last = min(self.frames, -(-(end + self.skip) // spf))
        # ffmpeg's MP3 reader wants several frames in a row before it accepts the input.
        first = min(first, last - _MIN_SLICE_FRAMES)
        if first <= 0:
            last = min(self.frames, max(last, _MIN_SLICE_FRAMES))
            low, trim = 0, start
        else:
            low, trim = self.offsets[first], start + self.skip - first * spf
        url = f"file:{self.path.absolute()}"
        if low == 0 and last == self.frames:
            return url, trim
        high = f",end,{self.offsets[last]}" if last < self.frames else ""
        return f"subfile,,start,{low}{high},,:{url}", trim

    def _warmup_frames(self, frame: int) -> int:
        """How many frames before `frame` a decode must start for `frame` to come out
        exact: two for the filter banks, and enough before those to fill the reservoir."""
        back = _MIN_WARMUP_FRAMES
        while frame - back > 0 and self.offsets[frame - 2] - self.offsets[frame - back] < (
            2 * _RESERVOIR_BYTES
        ):
            back += 1
        return back


def index_mp3(path: Path) -> Mp3Index | None:
    """Index a clean MP3, or None when it is anything this module does not vouch for
    (free format, mixed formats, junk between frames, a cut-off last frame, VBRI)."""
    try:
        with (
            path.open("rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mm,
        ):
            return _index(path, mm)
    except (OSError, ValueError):
        return None


def _index(path: Path, mm: mmap.mmap) -> Mp3Index | None:
    size = len(mm)
    first = _after_id3v2(mm)
    offsets = array("q")
    if first + 4 > size or mm[first] != 0xFF:
        return None
    shape = (mm[first + 1], mm[first + 2] & 0x0C, mm[first + 3] >> 6 == 3)
    pos = _frame_offsets(mm, first, shape, offsets)
    if pos > size:
        return None  # a cut-off frame: let a real decode say what it holds
    if not offsets or not _only_tags_after(mm, pos):
        return None
    offsets.append(pos)
    mpeg1, mono = (shape[0] >> 3) & 3 == 3, shape[2]
    rate = _RATES[(shape[0] >> 3) & 3][shape[1] >> 2]
    spf = 1152 if mpeg1 else 576
    tag = _info_tag(mm, first, mpeg1, mono)
    if tag is None:
        return None
    if tag is False:
        return Mp3Index(
            path, rate, 1 if mono else 2, spf, offsets, 0, (len(offsets) - 1) * spf, len(mm)
        )
    tag_frames, delay, padding = tag
    del offsets[0]  # the tag frame holds no audio
    if tag_frames not in (None, len(offsets) - 1):
        return None
    samples = (len(offsets) - 1) * spf - delay - padding
    if samples <= 0:
        return None
    return Mp3Index(
        path, rate, 1 if mono else 2, spf, offsets, delay + DECODER_DELAY, samples, len(mm)
    )


def _frame_offsets(mm: mmap.mmap, pos: int, shape: tuple[int, int, bool], into: array) -> int:
    """Append the offset of each frame of `shape` from `pos` on; return where they end.

    The hot loop of indexing (a frame every 26 ms of audio): one table lookup per frame
    on the header byte that carries bitrate, rate and padding, the rest compared as is.
    """
    b1, rate_bits, mono = shape
    row = _frame_sizes(b1)
    sizes = [n if (b2 & 0x0C) == rate_bits else 0 for b2, n in enumerate(row)]
    data = mm[:]  # bytes index faster than the mmap
    size, append = len(data), into.append
    while pos + 4 <= size and data[pos] == 0xFF and data[pos + 1] == b1:
        frame = sizes[data[pos + 2]]
        if not frame or (data[pos + 3] >= 0xC0) != mono:
            break
        append(pos)
        pos += frame
    return pos


def _after_id3v2(mm: mmap.mmap) -> int:
    if mm[:3] != b"ID3" or len(mm) < 10:
        return 0
    length = (mm[6] << 21) | (mm[7] << 14) | (mm[8] << 7) | mm[9]
    return 10 + length + (10 if mm[5] & 0x10 else 0)


def _only_tags_after(mm: mmap.mmap, pos: int) -> bool:
    """True when nothing but known tags (APE, ID3v1) or nothing follows the frames."""
    if mm[pos : pos + 8] == b"APETAGEX":
        pos += 32 + int.from_bytes(mm[pos + 12 : pos + 16], "little")
    rest = len(mm) - pos
    return rest == 0 or (rest == 128 and mm[pos : pos + 3] == b"TAG")


def _info_tag(
    mm: mmap.mmap, first: int, mpeg1: bool, mono: bool
) -> tuple[int | None, int, int] | bool | None:
    """(frames, delay, padding) of a Xing/Info tag written by LAME or ffmpeg; False when
    the first frame is audio; None for a tag whose gapless data ffmpeg may not use."""
    side = (17 if mono else 32) if mpeg1 else (9 if mono else 17)
    at = first + 4 + side
    if mm[first + 36 : first + 40] == b"VBRI":
        return None
    if mm[at : at + 4] not in (b"Xing", b"Info"):
        return False
    flags = int.from_bytes(mm[at + 4 : at + 8], "big")
    pos, frames = at + 8, None
    if flags & 1:
        frames = int.from_bytes(mm[pos : pos + 4], "big")
        pos += 4
    pos += (4 if flags & 2 else 0) + (100 if flags & 4 else 0) + (4 if flags & 8 else 0)
    if mm[pos : pos + 4] not in _TAGGED_ENCODERS:
        return None
    gapless = int.from_bytes(mm[pos + 21 : pos + 24], "big")
    return frames, gapless >> 12, gapless & 0xFFF
