"""The ffmpeg child as a process: how it is started (dies with us, background work, pinned),
paused, and stopped with everything it started (its own process group)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import weakref
from pathlib import Path

from aiom4b_tui.engine.ffmpeg.idle_cgroup import idle_cgroup, join_cgroup
from aiom4b_tui.engine.libc import LIBC
from aiom4b_tui.job_options.encoder_priority import EncoderPriority

TERMINATE_GRACE = 1.0

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    """Linux: the child is killed if we die without cancelling it (e.g. SIGKILL).

    SIGKILL, not SIGTERM: a child paused with SIGSTOP would never act on a SIGTERM.

    Everything it needs is loaded beforehand: between fork and exec only a C call runs.
    """
    if LIBC is not None:
        LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


_priority: EncoderPriority = "background"
_cgroup_procs: bytes | None = None  # the idle cgroup's cgroup.procs, once found


def set_encoder_priority(priority: EncoderPriority, cgroup: Path | None = None) -> str:
    """Start every ffmpeg child from now on at `priority` (in `cgroup`, if given, when in
    the background); return a sentence for the log saying how they run."""
    global _priority, _cgroup_procs
    _priority = priority
    _cgroup_procs = None
    if priority == "normal":
        return "encoders run as batch work (encoder_priority normal)"
    folder = idle_cgroup(named=cgroup)
    if folder is None:
        where = f"the cgroup {cgroup} could not be used" if cgroup else "no idle cgroup"
        return f"encoders run in the background as SCHED_IDLE ({where})"
    _cgroup_procs = os.fsencode(folder / "cgroup.procs")
    return f"encoders run in the background, in the idle cgroup {folder}"


def prepare_child(cpus: frozenset[int] | None) -> None:  # pragma: no cover - in the child
    """Before exec: die with the parent, run as background or batch work, and keep to
    `cpus` if given (its threads inherit all of it)."""
    _die_with_parent()
    if _priority == "background":
        join_cgroup(_cgroup_procs)
    _lower_policy(_priority)
    if cpus:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, cpus)


def _lower_policy(priority: EncoderPriority) -> None:  # pragma: no cover - in the child
    """Linux SCHED_IDLE ("background") or SCHED_BATCH ("normal").

    Both keep a woken thread from preempting the running one. ffmpeg's pipeline threads
    hand every frame to the next; under the normal policy each hand-off on a shared core
    is a switch to the woken thread and back. As batch work the producer runs on and the
    consumer takes frames in runs: measured on a pinned 10-minute MP3-to-AAC encode,
    system time 0.73-0.82 s down to 0.26-0.27 s, byte-identical output.

    SCHED_IDLE also lets any normal process in first: two ffmpeg 9 encodes as batch work
    on both cores of a Linux 6.18 VM kept a 10 ms sleep loop in another session waiting
    0.3-4 s at a time, as SCHED_IDLE at most 6.5 ms, and no slower with nothing else to
    run (bench/RESULTS.md, "Encoders in an idle cgroup").
    """
    policy = os.SCHED_IDLE if priority == "background" else os.SCHED_BATCH
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(0, policy, os.sched_param(0))


# Children paused on purpose (pause_child): a paused child is not stalled.
_paused: weakref.WeakSet[asyncio.subprocess.Process] = weakref.WeakSet()


def _signal_group(proc: asyncio.subprocess.Process, sig: int) -> None:
    """Send `sig` to the child's process group (the child alone where there is none)."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    except (AttributeError, OSError):  # no process groups here, or not ours
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(sig)


async def stop_child(proc: asyncio.subprocess.Process) -> None:
    """Terminate the child's group, wait up to a second, then kill it.

    The group is signalled even when the child itself has ended: what a wrapper script
    started may still be running.
    """
    lift_out_of_background(proc.pid)
    _signal_group(proc, signal.SIGTERM)
    _signal_group(proc, signal.SIGCONT)  # a paused child must run to see the SIGTERM
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(proc.wait(), TERMINATE_GRACE)
    _signal_group(proc, signal.SIGKILL)
    await proc.wait()


def lift_out_of_background(pid: int) -> None:
    """Let a background child that is being stopped run as normal work, so that it ends
    at once: on a busy machine an ffmpeg at SCHED_IDLE took 0.5-1.3 s to end even on
    SIGKILL, lifted 1-13 ms. Best effort: only root (or CAP_SYS_NICE) may lift a thread
    out of SCHED_IDLE or move it out of the idle cgroup."""
    if _priority != "background":
        return
    if _cgroup_procs is not None:
        hierarchy_procs = Path(os.fsdecode(_cgroup_procs)).parent.parent / "cgroup.procs"
        with contextlib.suppress(OSError):
            hierarchy_procs.write_text(str(pid))
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return
    for tid in threads:
        with contextlib.suppress(OSError, ValueError):
            os.sched_setscheduler(int(tid), os.SCHED_OTHER, os.sched_param(0))


def pause_child(proc: asyncio.subprocess.Process, paused: bool) -> None:
    """Stop (SIGSTOP) or continue (SIGCONT) a running child and what it started; a
    finished one is left be. A paused child is never taken for a stalled one."""
    if proc.returncode is None:
        if paused:
            _paused.add(proc)
        else:
            _paused.discard(proc)
        _signal_group(proc, signal.SIGSTOP if paused else signal.SIGCONT)


def is_paused(proc: asyncio.subprocess.Process) -> bool:
    """True while `proc` is paused on purpose by `pause_child`."""
    return proc in _paused
