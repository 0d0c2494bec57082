"""The book as one timeline of output samples: every source decoded, end to end.

The decode pass writes each source, resampled to the output format, as raw 32-bit float PCM
(PCM_FORMAT; the decoders' own precision, so encoding it equals a single pass) into the
work folder. The sample counts it finds are the truth for chapter starts; the
PCM grows while the encoders already read the parts that are ready.

Disk stays bounded however long a source is: the decoder is paused (SIGSTOP) while it is
more than `max_ahead` samples beyond what the encoders still need, and the PCM they no
longer need is freed (whole files deleted, the consumed start of a file punched out).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from aiom4b_tui.engine.ffmpeg.run import FFmpegError, FFmpegPool, pause_child, run_ffmpeg
from aiom4b_tui.engine.libc import LIBC
from aiom4b_tui.engine.mp4.boxes import MP4_SUFFIXES
from aiom4b_tui.engine.mp4.finish import played_samples

PCM_FORMAT = "f32le"
PCM_BYTES = 4
_POLL = 0.05
_RESUME_AT = 0.75  # a paused decoder goes on once its lead is below this share of max_ahead
_PUNCH_STEP = 1 << 20
_FALLOC_FL_KEEP_SIZE, _FALLOC_FL_PUNCH_HOLE = 0x01, 0x02


class DecodeError(RuntimeError):
    """A source that could not be decoded; `path` names it."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path


class Timeline:
    """Decoded PCM of the book in the work folder, one file per source, growing."""

    def __init__(
        self, work_dir: Path, count: int, channels: int, max_ahead: int | None = None
    ) -> None:
        self.paths = [work_dir / f"pcm-{i:05d}.raw" for i in range(count)]
        self.frame_bytes = PCM_BYTES * channels
        self.samples = [0] * count
        self.finished = [False] * count
        self.error: BaseException | None = None
        self.needed_from = 0  # encoders need nothing before this sample
        self.punched = [0] * count  # bytes freed at the start of each PCM file
        self.pauses = 0  # how often the decoder was paused (for tests and logs)
        self.max_ahead = max_ahead if max_ahead is not None else 1 << 62
        self._changed = asyncio.Condition()

    @property
    def complete(self) -> bool:
        """True once every source is decoded."""
        return all(self.finished)

    @property
    def decoded(self) -> int:
        """Samples of the timeline available so far (a prefix of the book)."""
        total = 0
        for count, done in zip(self.samples, self.finished, strict=True):
            total += count
            if not done:
                break
        return total

    @property
    def total(self) -> int | None:
        """The timeline's length once known."""
        return sum(self.samples) if self.complete else None

    def file_starts(self) -> list[int]:
        """Where each source begins on the timeline (exact once decoding is complete)."""
        starts, position = [], 0
        for count in self.samples:
            starts.append(position)
            position += count
        return starts

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, position: int) -> None:
        """Wait until `position` samples are decoded, or the whole timeline is."""
        async with self._changed:
            await self._changed.wait_for(
                lambda: self.error is not None or self.complete or self.decoded >= position
            )
        if self.error is not None:
            raise self.error

    def input_url(self, start: int, end: int) -> str:
        """An ffmpeg input for timeline samples [start, end), relative to the work folder.

        ffmpeg reads the byte ranges itself (concat + subfile protocols), so no audio
        passes through Python; the names are ours, so no escaping is needed.
        """
        parts, position = [], 0
        for path, count in zip(self.paths, self.samples, strict=True):
            lo, hi = max(start, position), min(end, position + count)
            if lo < hi:
                first = (lo - position) * self.frame_bytes
                stop = (hi - position) * self.frame_bytes
                parts.append(f"subfile,,start,{first},end,{stop},,:{path.name}")
            position += count
            if position >= end:
                break
        if not parts or position < end:
            raise ValueError(f"timeline samples {start}..{end} are not decoded")
        return parts[0] if len(parts) == 1 else "concat:" + "|".join(parts)

    def skip_before(self, position: int, counts: Sequence[int | None]) -> None:
        """Resuming: nothing before `position` is needed, and the leading sources that end
        before it, whose decoded lengths `counts` recorded, are not decoded again."""
        start = 0
        for index, count in enumerate(counts[: len(self.samples)]):
            if count is None or start + count > position:
                break
            self.samples[index], self.finished[index] = count, True
            start += count
        self.needed_from = max(self.needed_from, position)

    async def release_before(self, position: int) -> None:
        """No segment needs samples before `position`: delete the PCM of sources that end
        before it, and let the decoder go on (it stays at most `max_ahead` beyond it)."""
        self.needed_from = max(self.needed_from, position)
        await self._notify()
        start = 0
        for index, count in enumerate(self.samples):
            if self.finished[index] and start + count + 1 < position:
                with contextlib.suppress(OSError):
                    self.paths[index].unlink()
            elif start < position:
                used = min(position - start, count) * self.frame_bytes
                done = used // _PUNCH_STEP * _PUNCH_STEP
                if done > self.punched[index]:
                    _punch_hole(self.paths[index], self.punched[index], done)
                    self.punched[index] = done
            start += count

    async def decode(
        self,
        sources: list[Path],
        *,
        ffmpeg: str,
        pool: FFmpegPool,
        rate: int,
        channels: int,
        on_file: Callable[[int, int], None] | None = None,
    ) -> None:
        """Decode every source in order into the timeline (a pool slot per source).

        Before each source it waits while the decoded audio is more than `max_ahead`
        samples beyond what the encoders still need, so the PCM on disk stays bounded.
        """
        try:
            for index, source in enumerate(sources):
                if self.finished[index]:  # placed by skip_before
                    continue
                async with self._changed:
                    await self._changed.wait_for(
                        lambda: self.decoded - self.needed_from <= self.max_ahead
                    )
                lease = _Lease(pool)
                await lease.take()
                try:
                    await self._decode_one(index, source, ffmpeg, rate, channels, lease)
                finally:
                    lease.give_back()
                if on_file:
                    on_file(index, self.samples[index])
        except BaseException as exc:
            self.error = exc if isinstance(exc, Exception) else asyncio.CancelledError()
            await asyncio.shield(self._notify())
            raise

    async def _decode_one(
        self,
        index: int,
        source: Path,
        ffmpeg: str,
        rate: int,
        channels: int,
        lease: _Lease,
    ) -> None:
        target = self.paths[index]
        limit = await asyncio.to_thread(_played_length, source, rate)
        args = [
            "-i",
            f"file:{source.absolute()}",
            "-map",
            "0:a:0",
            "-ac",
            str(channels),
            "-ar",
            str(rate),
        ]
        args += ["-c:a", f"pcm_{PCM_FORMAT}", "-f", PCM_FORMAT, str(target)]
        started: list[asyncio.subprocess.Process] = []
        watcher = asyncio.ensure_future(self._watch_growth(index, target, started, lease, limit))
        try:
            await run_ffmpeg(
                ffmpeg,
                args,
                what=f"decoding {source}",
                on_start=started.append,
            )
        except FFmpegError as exc:
            raise DecodeError(source, f"{source} cannot be decoded: {_reason(exc)}") from exc
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        count = self._written(target, limit)
        if count == 0:
            raise DecodeError(source, f"{source} holds no audio that can be decoded")
        self.samples[index] = count
        self.finished[index] = True
        await self._notify()

    def _written(self, target: Path, limit: int) -> int:
        """Whole samples the decoder has written to `target`, at most `limit`."""
        return min(target.stat().st_size // self.frame_bytes, limit)

    async def _watch_growth(
        self,
        index: int,
        target: Path,
        started: list[asyncio.subprocess.Process],
        lease: _Lease,
        limit: int,
    ) -> None:
        """Follow the PCM file as it grows (up to `limit` samples); pause its decoder
        while it is too far ahead.

        A paused decoder gives its pool slot back (the encoders it waits for may need
        it) and takes one again before it goes on.
        """
        paused = False
        while True:
            await asyncio.sleep(_POLL)
            with contextlib.suppress(OSError):
                grown = self._written(target, limit)
                if grown != self.samples[index]:
                    self.samples[index] = grown
                    await self._notify()
            if not started:
                continue
            lead = self.decoded - self.needed_from
            if not paused and lead > self.max_ahead:
                pause_child(started[0], True)
                lease.give_back()
                paused = True
                self.pauses += 1
            elif paused and lead <= self.max_ahead * _RESUME_AT:
                await lease.take()
                pause_child(started[0], False)
                paused = False


class _Lease:
    """A pool slot the decoder holds, gives back while paused, and takes again.

    The decoder is not pinned: it may go on in another slot than it started in.
    """

    def __init__(self, pool: FFmpegPool) -> None:
        self.pool = pool
        self.index: int | None = None

    async def take(self) -> None:
        self.index = await self.pool.acquire()

    def give_back(self) -> None:
        if self.index is not None:
            self.pool.release(self.index)
            self.index = None


def _played_length(source: Path, rate: int) -> int:
    """The samples at `rate` an MP4 source plays by its edit list (no limit otherwise).

    Some ffmpeg builds (Debian's 5.1; not the bundled 9) decode an MP4's AAC to the end
    of its last frame, past the end its edit list sets (up to 1,023 samples of encoder
    padding); the timeline stops where the edit list says, as ffmpeg 9 does, so no join
    carries padding.
    """
    played = played_samples(source, rate) if source.suffix.lower() in MP4_SUFFIXES else None
    return played if played else 1 << 62


def _punch_hole(path: Path, start: int, end: int) -> None:
    """Free the disk blocks of bytes [start, end) of `path`, keeping its size and offsets
    (Linux; elsewhere, or on a file system without holes, the bytes simply stay)."""
    if LIBC is None:
        return
    try:
        fd = os.open(path, os.O_WRONLY)
    except OSError:
        return
    try:
        LIBC.fallocate(fd, _FALLOC_FL_KEEP_SIZE | _FALLOC_FL_PUNCH_HOLE, start, end - start)
    finally:
        os.close(fd)


def _reason(exc: FFmpegError) -> str:
    lines = [ln for ln in exc.stderr_tail.splitlines() if ln.strip()]
    return lines[-1].strip() if lines else f"ffmpeg exit code {exc.returncode}"
