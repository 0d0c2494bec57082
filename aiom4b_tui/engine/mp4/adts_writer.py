"""An MP4 audio file written from ADTS AAC frames as they arrive, without ffmpeg.

The book's segments are appended in order while the later ones still encode, so the
container is ready moments after the last segment, instead of a serial ffmpeg pass
(`-c copy` into MP4) that reads the whole stream again once everything is encoded.
What it writes is what ffmpeg's `ipod` muxer writes for ADTS input (`ftyp`, one `mdat`,
`moov` last: one audio track, AudioSpecificConfig from the ADTS header); finish.py
then writes the timing, chapters and brand over it. Streams ADTS cannot describe in an
MP4 sample entry the same way (a program config element, several raw blocks per frame)
raise `ADTSError`; the caller then muxes with ffmpeg.
"""

from __future__ import annotations

import itertools
import operator
import struct
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from aiom4b_tui.engine.formats.adts import ADTS_HEADER, FRAME, ADTSError
from aiom4b_tui.engine.mp4.boxes import container, leaf
from aiom4b_tui.engine.mp4.header_fields import hdlr_payload, mdhd_payload, tkhd_payload

# ffmpeg's ipod ftyp (28 bytes: finish.py rewrites the brand in place, same size).
_FTYP = leaf(b"ftyp", b"M4A " + struct.pack(">I", 0x200) + b"M4A isomiso2")
_MDAT_HEADER = 16  # a 64-bit size: the audio may pass 4 GiB
_CHUNK_FRAMES = 64  # frames per chunk (stsc): about 1.5 s at 44.1 kHz
_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350)
_DREF_SELF = bytes.fromhex("00000000000000010000000c75726c2000000001")
_SMHD = bytes(8)


class AdtsMp4Writer:
    """Writes `path`: `append` ADTS bytes (whole frames) in order, then `close`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._out: BinaryIO = path.open("wb")
        self._out.write(_FTYP.to_bytes())
        self._mdat_at = self._out.tell()
        self._out.write(struct.pack(">I4sQ", 1, b"mdat", _MDAT_HEADER))
        self.sizes = array("I")
        self._config: bytes | None = None  # the ADTS fixed header's AAC fields
        self._bytes = 0

    def append(self, data: bytes, starts: Sequence[int] | None = None) -> None:
        """Add ADTS frames of one configuration to the track: all of `data` (whole
        frames), or the frames at `starts` in it.

        `starts`: where each frame begins plus where the last ends (a run of
        adts_frame_offsets), when the caller has them already; else one pass of plain
        indexing finds them (about 20 ms per 5 minutes of 128k audio).
        """
        if starts is None:
            starts = _frame_starts(data)
        elif not 0 <= starts[0] < starts[-1] <= len(data):
            raise ValueError("the frame starts do not lie in the data")
        at = starts[0]
        if len(data) - at < ADTS_HEADER or data[at] != 0xFF or (data[at + 1] & 0xF6) != 0xF0:
            raise ADTSError(f"no ADTS sync word at byte {at}")
        if data[at + 6] & 0x03:
            raise ADTSError("ADTS frames with several raw data blocks")
        config = _checked_config(data[at + 2 : at + 4])
        if self._config is None:
            self._config = config
        elif (config[0], config[1] & 0xC0) != (self._config[0], self._config[1] & 0xC0):
            raise ADTSError("ADTS frames of another format")
        header = ADTS_HEADER if data[at + 1] & 0x01 else ADTS_HEADER + 2  # with a CRC
        # map() over C callables: about half the CPU of comprehensions over 600k frames.
        ends = starts[1:]
        bodies = list(map(operator.add, starts[:-1], itertools.repeat(header)))
        sizes = list(map(operator.sub, ends, bodies))
        if min(sizes) <= 0:
            raise ADTSError("an ADTS frame shorter than its header")
        body = b"".join(map(memoryview(data).__getitem__, map(slice, bodies, ends)))
        self._out.write(body)
        self.sizes.extend(sizes)
        self._bytes += len(body)

    def append_file(self, path: Path, start: int, stop: int) -> None:
        """Add the frames in bytes [start, stop) of an ADTS file."""
        with path.open("rb") as handle:
            handle.seek(start)
            self.append(handle.read(stop - start))

    def close(self) -> None:
        """Write the sizes and the `moov`; the file is then a playable MP4."""
        try:
            if self._config is None or not self.sizes:
                raise ADTSError("no AAC frames were written")
            self._out.seek(self._mdat_at + 8)
            self._out.write(struct.pack(">Q", _MDAT_HEADER + self._bytes))
            self._out.seek(0, 2)
            self._out.write(self._moov().to_bytes())
        finally:
            self._out.close()

    def abort(self) -> None:
        """Close without finishing (the file is of no use)."""
        self._out.close()

    def _moov(self):
        assert self._config is not None
        rate, channels, asc = audio_config(self._config)
        frames = len(self.sizes)
        duration = frames * FRAME
        first = self._mdat_at + _MDAT_HEADER
        offsets = list(itertools.accumulate(self.sizes, initial=first))[:-1:_CHUNK_FRAMES]
        wide = offsets[-1] > 0xFFFFFFFF
        width = ">Q" if wide else ">I"
        stco = struct.pack(">II", 0, len(offsets)) + b"".join(
            struct.pack(width, o) for o in offsets
        )
        rest = frames % _CHUNK_FRAMES
        runs = [(1, min(frames, _CHUNK_FRAMES))]
        if rest and frames > _CHUNK_FRAMES:
            runs.append((len(offsets), rest))
        stsc = struct.pack(">II", 0, len(runs)) + b"".join(
            struct.pack(">III", chunk, count, 1) for chunk, count in runs
        )
        big = array("I", self.sizes)
        big.byteswap()
        stsz = struct.pack(">III", 0, 0, frames) + big.tobytes()
        seconds = duration / rate
        bitrate = round(self._bytes * 8 / seconds) if seconds else 0
        largest = max(self.sizes)
        stbl = container(
            b"stbl",
            leaf(b"stsd", struct.pack(">II", 0, 1) + _mp4a(rate, channels, asc, bitrate, largest)),
            leaf(b"stts", struct.pack(">IIII", 0, 1, frames, FRAME)),
            leaf(b"stsc", stsc),
            leaf(b"stsz", stsz),
            leaf(b"co64" if wide else b"stco", stco),
        )
        minf = container(
            b"minf",
            leaf(b"smhd", _SMHD),
            container(b"dinf", leaf(b"dref", _DREF_SELF)),
            stbl,
        )
        mdia = container(
            b"mdia",
            leaf(b"mdhd", mdhd_payload(rate, duration)),
            leaf(b"hdlr", hdlr_payload(b"soun", "SoundHandler")),
            minf,
        )
        tkhd = bytearray(tkhd_payload(1, duration, flags=3))
        tkhd[-48:-46] = b"\x01\x00"  # volume 1.0 (8.8 fixed): an audio track
        trak = container(b"trak", leaf(b"tkhd", bytes(tkhd)), mdia)
        return container(b"moov", leaf(b"mvhd", _mvhd(rate, duration)), trak)


def _frame_starts(data: bytes) -> list[int]:
    """Where each ADTS frame of `data` begins, plus the end (whole frames only)."""
    end = len(data)
    starts: list[int] = []
    note, pos = starts.append, 0
    while pos + ADTS_HEADER <= end and data[pos] == 0xFF:
        note(pos)
        pos += ((data[pos + 3] & 0x03) << 11) | (data[pos + 4] << 3) | (data[pos + 5] >> 5)
    if pos != end:
        raise ADTSError(f"bad ADTS frame at byte {starts[-1] if pos > end else pos}")
    starts.append(end)
    return starts


def audio_config(fixed: bytes) -> tuple[int, int, bytes]:
    """(sample rate, channels, AudioSpecificConfig) from ADTS header bytes 2 and 3."""
    profile, index = fixed[0] >> 6, (fixed[0] >> 2) & 0x0F
    channels = ((fixed[0] & 0x01) << 2) | (fixed[1] >> 6)
    asc = ((profile + 1) << 11) | (index << 7) | (channels << 3)
    return _RATES[index], channels, struct.pack(">H", asc)


def _checked_config(fixed: bytes) -> bytes:
    """The header's AAC fields, if an MP4 sample entry can describe them like ffmpeg."""
    index = (fixed[0] >> 2) & 0x0F
    channels = ((fixed[0] & 0x01) << 2) | (fixed[1] >> 6)
    if index >= len(_RATES) or _RATES[index] > 0xFFFF:
        raise ADTSError(f"ADTS sampling frequency index {index}")
    if channels == 0:
        raise ADTSError("ADTS frames with a program config element")
    return bytes(fixed)


def _descriptor(tag: int, body: bytes) -> bytes:
    """An MPEG-4 descriptor (the length in the 4-byte form ffmpeg writes)."""
    n = len(body)
    length = bytes([0x80 | (n >> 21) & 0x7F, 0x80 | (n >> 14) & 0x7F, 0x80 | (n >> 7) & 0x7F])
    return bytes([tag]) + length + bytes([n & 0x7F]) + body


def _mp4a(rate: int, channels: int, asc: bytes, bitrate: int, largest: int) -> bytes:
    """The mp4a sample entry with its esds (as a box, with its header)."""
    config = struct.pack(">BB", 0x40, 0x15) + largest.to_bytes(3, "big")
    config += struct.pack(">II", bitrate, bitrate) + _descriptor(0x05, asc)
    es = struct.pack(">HB", 1, 0) + _descriptor(0x04, config) + _descriptor(0x06, b"\x02")
    esds = leaf(b"esds", bytes(4) + _descriptor(0x03, es))
    entry = bytes(6) + struct.pack(">H", 1) + bytes(8)
    entry += struct.pack(">HHHHI", channels, 16, 0, 0, rate << 16)
    return leaf(b"mp4a", entry + esds.to_bytes()).to_bytes()


def _mvhd(rate: int, duration: int) -> bytes:
    """A movie header: the sample rate as timescale, next track id 2."""
    rest = struct.pack(">IH10x", 0x10000, 0x100)
    rest += struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    rest += bytes(24) + struct.pack(">I", 2)
    if duration > 0xFFFFFFFF:
        return struct.pack(">I16xIQ", 1 << 24, rate, duration) + rest
    return struct.pack(">I8xII", 0, rate, duration) + rest
