"""The book's MP4 written while it is encoded: finished segments' kept frames go in, in
book order, as soon as the segments before them are done (engine/mp4/adts_writer.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from aiom4b_tui.engine.encode.segments import Segment, kept_packets
from aiom4b_tui.engine.formats.adts import ADTSError, adts_frame_offsets
from aiom4b_tui.engine.mp4.adts_writer import AdtsMp4Writer

Piece = tuple[Path, int, int]  # a file and the byte range of it the book keeps


@dataclass(frozen=True)
class KeptFrames:
    """A finished segment file: its bytes, its frame offsets (plus the end), and the
    frames [first_frame, stop_frame) the book keeps, at bytes [first, stop)."""

    data: bytes
    offsets: list[int]
    first_frame: int
    stop_frame: int

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def first(self) -> int:
        return self.offsets[self.first_frame]

    @property
    def stop(self) -> int:
        return self.offsets[self.stop_frame]

    @property
    def kept_offsets(self) -> list[int]:
        """Where each kept frame begins, plus where the last one ends."""
        return self.offsets[self.first_frame : self.stop_frame + 1]


def kept_frames(out: Path, segment: Segment, priming: int) -> KeptFrames:
    """The segment file's frames and the range of them the book keeps."""
    data = out.read_bytes()
    offsets = adts_frame_offsets(data)
    first, stop = kept_packets(segment, len(offsets) - 1, priming)
    return KeptFrames(data, offsets, first, stop)


class InOrderMux:
    """Puts the kept frames of finished segments into the MP4 (mp4/adts_writer.py) in book
    order while later segments still encode, so the container is ready as soon as the
    last one is. Should the stream be one the writer cannot carry, it stops and the
    caller muxes with ffmpeg (`finish` returns None)."""

    def __init__(self, path: Path, frames: dict[Path, KeptFrames]) -> None:
        self.path = path
        self._frames = frames  # parsed by the encoder: no second read and parse
        self._writer: AdtsMp4Writer | None = None
        self._ready: dict[int, list[Piece]] = {}
        self._next = 0
        self._failed = False
        self._lock = asyncio.Lock()

    async def add(self, index: int, pieces: list[Piece]) -> None:
        """Segment `index` is finished: its pieces in order (none: it lies past the end
        of the book)."""
        self._ready[index] = pieces
        async with self._lock:
            while self._next in self._ready:
                ready = self._ready.pop(self._next)
                self._next += 1
                for piece in ready:
                    frames = self._frames.pop(piece[0], None)
                    if not self._failed:
                        await asyncio.to_thread(self._append, piece, frames)

    def _append(self, piece: Piece, frames: KeptFrames | None) -> None:
        try:
            if self._writer is None:
                self._writer = AdtsMp4Writer(self.path)
            if frames is None:  # finished by an earlier run
                self._writer.append_file(*piece)
            else:
                self._writer.append(frames.data, frames.kept_offsets)
        except ADTSError:
            self.abort()

    async def finish(self, segments: int) -> Path | None:
        """The finished MP4 of `segments` segments, or None when the stream is left for
        ffmpeg to mux."""
        async with self._lock:
            if self._failed or self._writer is None or self._next != segments:
                self.abort()
                return None
            try:
                await asyncio.to_thread(self._writer.close)
            except ADTSError:
                self.abort()
                return None
            return self.path

    def abort(self) -> None:
        """Drop the unfinished MP4 (and add nothing more to it)."""
        self._failed = True
        if self._writer is not None:
            self._writer.abort()
            self._writer = None
        self.path.unlink(missing_ok=True)
