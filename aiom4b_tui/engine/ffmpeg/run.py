"""Find ffmpeg, share it between books (FFmpegPool), and run one ffmpeg child safely.

Every child is started from an argument list (never a shell) as an asyncio subprocess,
in a process group of its own: a wrapped ffmpeg (a script that starts the real one)
is stopped with everything it started. On cancel the group is terminated, given about a
second, then killed, and the CancelledError goes on up. A child that makes no progress
for the stall time is stopped the same way and fails with FFmpegError.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from aiom4b_tui.engine.ffmpeg.process import is_paused, pause_child, prepare_child, stop_child

__all__ = [
    "FFmpegError",
    "FFmpegNotFoundError",
    "FFmpegPool",
    "base_args",
    "ffmpeg_encoders",
    "find_ffmpeg",
    "pause_child",
    "run_ffmpeg",
    "stall_limit",
]

ProgressCallback = Callable[[float], None]
"""Called with the seconds of output written so far (from `-progress pipe:1`)."""

_STDERR_TAIL = 4000
STALL_SECONDS = 60.0
"""No progress for this long fails a child (AIOM4B_FFMPEG_STALL_SECONDS overrides it)."""
STALL_PER_OUTPUT_SECOND = 0.05
"""Extra stall allowance per second of expected output (seeking into long inputs)."""
STALL_EXTRA_MAX = 600.0
STALL_ENV = "AIOM4B_FFMPEG_STALL_SECONDS"


class FFmpegNotFoundError(RuntimeError):
    """No ffmpeg could be found; the message says where we looked and what to do."""


class FFmpegError(RuntimeError):
    """An ffmpeg child failed; carries its exit code and the end of its stderr."""

    def __init__(self, message: str, *, returncode: int | None, stderr_tail: str = "") -> None:
        super().__init__(message)
        self.returncode = returncode
        self.stderr_tail = stderr_tail


def find_ffmpeg(configured: str | None = None) -> str:
    """The ffmpeg to use: `configured` (or AIOM4B_FFMPEG) > `ffmpeg` on PATH > imageio-ffmpeg."""
    wanted = configured or os.environ.get("AIOM4B_FFMPEG")
    if wanted:
        found = shutil.which(wanted) if os.sep not in wanted else wanted
        if found and Path(found).is_file() and os.access(found, os.X_OK):
            return str(found)
        raise FFmpegNotFoundError(
            f"the configured ffmpeg {wanted!r} does not exist or is not executable"
        )
    on_path = shutil.which("ffmpeg")
    if on_path:
        return on_path
    try:
        import imageio_ffmpeg

        bundled = imageio_ffmpeg.get_ffmpeg_exe()
    except Exception:  # imageio-ffmpeg missing, or it has no binary for this platform
        bundled = None
    if bundled and os.access(bundled, os.X_OK):
        return bundled
    raise FFmpegNotFoundError(
        "ffmpeg was not found: install ffmpeg (so that `ffmpeg` is on PATH), "
        "or set AIOM4B_FFMPEG to the path of an ffmpeg binary"
    )


@functools.cache
def ffmpeg_encoders(ffmpeg: str) -> frozenset[str]:
    """The names of the audio encoders this ffmpeg has (asked once per binary)."""
    try:
        out = subprocess.run(
            [ffmpeg, "-hide_banner", "-encoders"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].startswith("A"):
            names.add(parts[1])
    return frozenset(names)


class FFmpegPool:
    """At most `size` ffmpeg processes at once, shared by every book converting.

    With two slots or more, each slot's ffmpeg is pinned to a CPU of its own (round the
    CPUs this process may use): ffmpeg's pipeline threads (demuxer, decoder, filters,
    encoder, muxer) then hand frames to each other on one core instead of waking each
    other across cores, and the terminal's session keeps getting the CPU at once.
    Measured with two encoders on 2 cores (two runs each): about a third less system
    time, and about 2 % less wall time (bench/RESULTS.md).
    """

    def __init__(self, size: int | None = None, *, pin: bool = True) -> None:
        self.size = max(1, size or os.cpu_count() or 1)
        self._semaphore = asyncio.Semaphore(self.size)
        self._free = list(range(self.size))
        self.cpus = _cpus_per_slot(self.size) if pin else None

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[frozenset[int] | None]:
        """Hold one slot while the body runs; yields the CPUs to pin its ffmpeg to (or
        None: run it anywhere)."""
        index = await self.acquire()
        try:
            yield self.cpus_of(index)
        finally:
            self.release(index)

    async def acquire(self) -> int:
        """Take a slot (waiting for one); give it back with `release`."""
        await self._semaphore.acquire()
        return self._free.pop(0)

    def release(self, index: int) -> None:
        """Give back slot `index`."""
        self._free.append(index)
        self._semaphore.release()

    def cpus_of(self, index: int) -> frozenset[int] | None:
        """The CPUs slot `index` pins its ffmpeg to, if any."""
        return self.cpus[index] if self.cpus else None


def _cpus_per_slot(size: int) -> list[frozenset[int]] | None:
    """One CPU per slot, round the CPUs this process may use; None for a single slot
    or a single CPU (nothing to spread).

    Every slot is pinned, more slots than CPUs included: two unpinned ffmpeg 9
    processes (each a handful of pipeline threads) in a worker's session stalled a
    10 ms sleep loop in another session for 2-18 s on this machine's kernel; pinned,
    at most 2 ms (bench/RESULTS.md, "Why the keys stalled").
    """
    try:
        usable = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return None
    if size < 2 or len(usable) < 2:
        return None
    return [frozenset({usable[index % len(usable)]}) for index in range(size)]


def base_args(ffmpeg: str) -> list[str]:
    """The start of every command line: quiet, no stdin questions, progress on stdout."""
    return [ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-y"]


def stall_limit(stall_seconds: float | None, expected_seconds: float | None) -> float:
    """How long a child may go without progress: `stall_seconds` if given, else the
    default (STALL_SECONDS or $AIOM4B_FFMPEG_STALL_SECONDS) plus a little per second of
    expected output."""
    if stall_seconds is not None:
        return stall_seconds
    base = STALL_SECONDS
    with contextlib.suppress(ValueError):
        base = float(os.environ.get(STALL_ENV, "") or base)
    extra = min(STALL_EXTRA_MAX, STALL_PER_OUTPUT_SECOND * max(0.0, expected_seconds or 0.0))
    return base + extra


class _Activity:
    """When the child last showed progress, and whether it waits on us (not stalled)."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self.waiting_on_us = False
        self._seen: dict[str, str] = {}

    def touch(self) -> None:
        self.last = time.monotonic()

    def note(self, key: str, value: str) -> None:
        """A progress field; a new output time or size is progress."""
        if key in ("out_time_us", "total_size", "progress") and self._seen.get(key) != value:
            self._seen[key] = value
            self.touch()


async def _read_progress(
    stream: asyncio.StreamReader, on_progress: ProgressCallback | None, activity: _Activity
) -> None:
    async for raw in stream:
        key, _, value = raw.decode("ascii", "replace").strip().partition("=")
        activity.note(key, value)
        if on_progress and key == "out_time_us" and value.lstrip("-").isdigit():
            on_progress(max(0, int(value)) / 1e6)


async def _collect(stream: asyncio.StreamReader, into: bytearray) -> None:
    """Keep all of stderr as it comes, so a stalled child's last words are at hand."""
    while chunk := await stream.read(1 << 16):
        into += chunk


async def _feed(
    proc: asyncio.subprocess.Process, source: AsyncIterator[bytes], activity: _Activity
) -> None:
    assert proc.stdin is not None
    try:
        while True:
            activity.waiting_on_us = True
            try:
                chunk = await anext(source)
            except StopAsyncIteration:
                break
            finally:
                activity.waiting_on_us = False
                activity.touch()
            proc.stdin.write(chunk)
            await proc.stdin.drain()
            activity.touch()
    except (BrokenPipeError, ConnectionResetError):
        pass  # ffmpeg died; its exit code and stderr tell why
    finally:
        activity.waiting_on_us = False
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            proc.stdin.close()


async def _watch_stall(proc: asyncio.subprocess.Process, activity: _Activity, limit: float) -> None:
    """Return once the child has gone `limit` seconds without progress."""
    tick = max(0.05, min(1.0, limit / 8))
    while True:
        await asyncio.sleep(tick)
        if activity.waiting_on_us or is_paused(proc):
            activity.touch()
        elif time.monotonic() - activity.last >= limit:
            return


def _decoded(data: bytes | bytearray) -> str:
    return bytes(data).decode("utf-8", "replace")


async def _start(
    ffmpeg: str, cmd: list[str], *, stdin: bool, cwd: Path | None, cpus: frozenset[int] | None
) -> asyncio.subprocess.Process:
    """Start the child in its own process group; errors told as what went wrong."""
    try:
        return await asyncio.create_subprocess_exec(
            *cmd,
            stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=cwd,
            preexec_fn=functools.partial(prepare_child, cpus) if sys.platform == "linux" else None,
            process_group=0 if os.name == "posix" else None,
        )
    except (FileNotFoundError, NotADirectoryError) as exc:
        if cwd is not None and (exc.filename == str(cwd) or not Path(cwd).is_dir()):
            raise FFmpegError(
                f"the work folder {cwd} vanished (deleted or unmounted while the book was made)",
                returncode=None,
            ) from exc
        raise FFmpegNotFoundError(f"ffmpeg could not be started: {ffmpeg}") from exc


async def run_ffmpeg(
    ffmpeg: str,
    args: list[str],
    *,
    on_progress: ProgressCallback | None = None,
    stdin: AsyncIterator[bytes] | None = None,
    what: str = "ffmpeg",
    cwd: Path | None = None,
    cpus: frozenset[int] | None = None,
    on_start: Callable[[asyncio.subprocess.Process], None] | None = None,
    stall_seconds: float | None = None,
    expected_seconds: float | None = None,
) -> str:
    """Run `ffmpeg -progress pipe:1 ARGS`; return its stderr; raise FFmpegError on failure.

    `stdin`, if given, is fed to the child; `cwd` is its working folder; `cpus` (from
    a pool slot) pins it; `on_start` gets the child (to pause it with `pause_child`).
    `what` names the work in error messages.
    A child with no progress (output time, output size, stdin taken) for `stall_seconds`
    (default: `stall_limit(None, expected_seconds)`) is stopped: "ffmpeg stalled: …".
    Output goes to files named in `args` (stdout carries the progress lines).
    """
    cmd = [*base_args(ffmpeg), "-progress", "pipe:1", "-stats_period", "0.25", *args]
    proc = await _start(ffmpeg, cmd, stdin=stdin is not None, cwd=cwd, cpus=cpus)
    assert proc.stdout is not None and proc.stderr is not None
    if on_start is not None:
        on_start(proc)
    limit = stall_limit(stall_seconds, expected_seconds)
    activity = _Activity()
    errors = bytearray()
    try:
        tasks = [
            asyncio.ensure_future(_read_progress(proc.stdout, on_progress, activity)),
            asyncio.ensure_future(_collect(proc.stderr, errors)),
        ]
        if stdin is not None:
            tasks.append(asyncio.ensure_future(_feed(proc, stdin, activity)))
        talk = asyncio.gather(*tasks)
        watch = asyncio.ensure_future(_watch_stall(proc, activity, limit))
        try:
            await asyncio.wait({talk, watch}, return_when=asyncio.FIRST_COMPLETED)
            if not talk.done():
                raise _Stalled
            talk.result()
        except BaseException:
            talk.cancel()
            watch.cancel()
            await asyncio.gather(talk, watch, return_exceptions=True)
            raise
        watch.cancel()
        returncode = await proc.wait()
    except _Stalled:
        await asyncio.shield(stop_child(proc))
        tail = _decoded(errors[-_STDERR_TAIL:]).strip()
        raise FFmpegError(
            f"ffmpeg stalled: no progress for {limit:.0f} s ({what})",
            returncode=None,
            stderr_tail=tail,
        ) from None
    except BaseException:
        # CancelledError above all: no child outlives its job.
        await asyncio.shield(stop_child(proc))
        raise
    stderr = _decoded(errors)
    if returncode != 0:
        tail = stderr[-_STDERR_TAIL:].strip()
        last = tail.splitlines()[-1] if tail else f"exit code {returncode}"
        raise FFmpegError(f"{what} failed: {last}", returncode=returncode, stderr_tail=tail)
    return stderr


class _Stalled(Exception):
    """The child made no progress for its stall time."""
