"""The book as one timeline of output samples: every source decoded, end to end.

The decode pass writes each source, resampled to the output format, as raw 32-bit float PCM
(PCM_FORMAT; the decoders' own precision, so encoding it equals a single pass) into the
work folder. The sample counts it finds are the truth for chapter starts; the
PCM grows while the encoders already read the parts that are ready.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path

from aiom4b_tui.core.ffmpeg import FFmpegError, FFmpegPool, run_ffmpeg

PCM_FORMAT = "f32le"
PCM_BYTES = 4
_POLL = 0.05


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
                async with self._changed:
                    await self._changed.wait_for(
                        lambda: self.decoded - self.needed_from <= self.max_ahead
                    )
                async with pool.slot() as cpus:
                    await self._decode_one(index, source, ffmpeg, rate, channels, cpus)
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
        cpus: frozenset[int] | None,
    ) -> None:
        target = self.paths[index]
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
        watcher = asyncio.ensure_future(self._watch_growth(index, target))
        try:
            await run_ffmpeg(ffmpeg, args, what=f"decoding {source}", cpus=cpus)
        except FFmpegError as exc:
            raise DecodeError(source, f"{source} cannot be decoded: {_reason(exc)}") from exc
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        count = target.stat().st_size // self.frame_bytes
        if count == 0:
            raise DecodeError(source, f"{source} holds no audio that can be decoded")
        self.samples[index] = count
        self.finished[index] = True
        await self._notify()

    async def _watch_growth(self, index: int, target: Path) -> None:
        while True:
            await asyncio.sleep(_POLL)
            with contextlib.suppress(OSError):
                grown = target.stat().st_size // self.frame_bytes
                if grown != self.samples[index]:
                    self.samples[index] = grown
                    await self._notify()


def _reason(exc: FFmpegError) -> str:
    lines = [ln for ln in exc.stderr_tail.splitlines() if ln.strip()]
    return lines[-1].strip() if lines else f"ffmpeg exit code {exc.returncode}"
