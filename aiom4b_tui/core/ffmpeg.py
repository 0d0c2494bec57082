"""Find ffmpeg, share it between books (FFmpegPool), and run one ffmpeg child safely.

Every child is started from an argument list (never a shell) as an asyncio subprocess.
On cancel the child is terminated, given about a second, then killed, and the
CancelledError goes on up.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from aiom4b_tui.core.linux import LIBC

ProgressCallback = Callable[[float], None]
"""Called with the seconds of output written so far (from `-progress pipe:1`)."""

_TERMINATE_GRACE = 1.0
_STDERR_TAIL = 4000


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

    When the pool has one slot per CPU it may use, each slot's ffmpeg is pinned to its
    own CPU: ffmpeg's pipeline threads (demuxer, decoder, filters, encoder, muxer) then
    hand frames to each other on one core instead of waking each other across cores.
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
    """One CPU per slot when the slots match the CPUs this process may use, else None."""
    try:
        usable = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return None
    if size < 2 or size != len(usable):
        return None
    return [frozenset({cpu}) for cpu in usable]


def base_args(ffmpeg: str) -> list[str]:
    """The start of every command line: quiet, no stdin questions, progress on stdout."""
    return [ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-y"]


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    """Linux: the child is killed if we die without cancelling it (e.g. SIGKILL).

    SIGKILL, not SIGTERM: a child paused with SIGSTOP would never act on a SIGTERM.

    Everything it needs is loaded beforehand: between fork and exec only a C call runs.
    """
    if LIBC is not None:
        LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _prepare_child(cpus: frozenset[int] | None) -> None:  # pragma: no cover - in the child
    """Before exec: die with the parent, run as batch work, and keep to `cpus` if given
    (its threads inherit both)."""
    _die_with_parent()
    _run_as_batch()
    if cpus:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, cpus)


def _run_as_batch() -> None:  # pragma: no cover - runs in the child, before exec
    """Linux SCHED_BATCH: a woken thread does not preempt the running one.

    ffmpeg's pipeline threads hand every frame to the next; under the normal policy each
    hand-off on a shared core is a switch to the woken thread and back. As batch work
    the producer runs on and the consumer takes frames in runs: measured on a pinned
    10-minute MP3-to-AAC encode, system time 0.73-0.82 s down to 0.26-0.27 s and wall
    time 9.4-10.9 s down to 8.4-8.5 s, byte-identical output (bench/RESULTS.md).
    Interactive processes (the TUI) also win the CPU back at once when they wake.
    """
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))


async def _stop_child(proc: asyncio.subprocess.Process) -> None:
    """Terminate, wait up to a second, then kill."""
    if proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.terminate()
        proc.send_signal(signal.SIGCONT)  # a paused child must run to see the SIGTERM
    try:
        await asyncio.wait_for(proc.wait(), _TERMINATE_GRACE)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()


def pause_child(proc: asyncio.subprocess.Process, paused: bool) -> None:
    """Stop (SIGSTOP) or continue (SIGCONT) a running child; a finished one is left be."""
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGSTOP if paused else signal.SIGCONT)


async def _read_progress(stream: asyncio.StreamReader, on_progress: ProgressCallback | None):
    async for raw in stream:
        line = raw.decode("ascii", "replace").strip()
        if on_progress and line.startswith("out_time_us="):
            value = line.partition("=")[2]
            if value.lstrip("-").isdigit():
                on_progress(max(0, int(value)) / 1e6)


async def _feed(proc: asyncio.subprocess.Process, source: AsyncIterator[bytes]) -> None:
    assert proc.stdin is not None
    try:
        async for chunk in source:
            proc.stdin.write(chunk)
            await proc.stdin.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass  # ffmpeg died; its exit code and stderr tell why
    finally:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            proc.stdin.close()


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
) -> str:
    """Run `ffmpeg -progress pipe:1 ARGS`; return its stderr; raise FFmpegError on failure.

    `stdin`, if given, is fed to the child; `cwd` is its working folder; `cpus` (from
    a pool slot) pins it; `on_start` gets the child (to pause it with `pause_child`).
    `what` names the work in error messages.
    Output goes to files named in `args` (stdout carries the progress lines).
    """
    cmd = [*base_args(ffmpeg), "-progress", "pipe:1", "-stats_period", "0.25", *args]
    try:
        proc = await asyncio.create_subprocess_exec(
            *cmd,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=cwd,
            preexec_fn=functools.partial(_prepare_child, cpus) if sys.platform == "linux" else None,
        )
    except FileNotFoundError as exc:
        raise FFmpegNotFoundError(f"ffmpeg could not be started: {ffmpeg}") from exc
    assert proc.stdout is not None and proc.stderr is not None
    if on_start is not None:
        on_start(proc)
    try:
        tasks = [
            asyncio.ensure_future(_read_progress(proc.stdout, on_progress)),
            asyncio.ensure_future(proc.stderr.read()),
        ]
        if stdin is not None:
            tasks.append(asyncio.ensure_future(_feed(proc, stdin)))
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        stderr = tasks[1].result().decode("utf-8", "replace")
        returncode = await proc.wait()
    except BaseException:
        # CancelledError above all: no child outlives its job.
        await asyncio.shield(_stop_child(proc))
        raise
    if returncode != 0:
        tail = stderr[-_STDERR_TAIL:].strip()
        last = tail.splitlines()[-1] if tail else f"exit code {returncode}"
        raise FFmpegError(f"{what} failed: {last}", returncode=returncode, stderr_tail=tail)
    return stderr
