"""Sample a process tree's CPU from /proc: the worker, its live children and those reaped."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_EVERY = 0.1
TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name, and the name first."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name, _, rest = text.partition(" (")[2].rpartition(") ")
    return [name, *rest.split()]


@dataclass
class Sample:
    """The tree at one moment."""

    at: float  # time.time()
    cpu: float  # CPU seconds of the worker, its reaped children and its live children
    ffmpegs: int  # live ffmpeg children


@dataclass
class TreeSampler:
    """Samples the CPU of a process and its children every SAMPLE_EVERY seconds."""

    pid: int
    samples: list[Sample] = field(default_factory=list)
    own_cpu: float = 0.0  # the worker's own CPU (Python), at its last sample
    _stop: threading.Event = field(default_factory=threading.Event)
    _strangers: set[int] = field(default_factory=set)
    _children: set[int] = field(default_factory=set)

    def start(self) -> threading.Thread:
        """Sample in a daemon thread until `stop`."""
        thread = threading.Thread(target=self._loop, daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """End the sampling (the thread ends after its current sample)."""
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(SAMPLE_EVERY)

    def _sample(self) -> None:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                pid = int(entry)
                if pid not in self._strangers and pid not in self._children:
                    fields = _stat(pid)
                    if fields and fields[2] == str(self.pid):
                        self._children.add(pid)
                    else:
                        self._strangers.add(pid)
        cpu = ffmpegs = 0
        for pid in list(self._children):
            fields = _stat(pid)
            if fields is None or fields[2] != str(self.pid):
                self._children.discard(pid)
                continue
            cpu += int(fields[12]) + int(fields[13])
            ffmpegs += "ffmpeg" in fields[0] and fields[1] != "Z"
        worker = _stat(self.pid)
        if worker is None:
            return
        own = int(worker[12]) + int(worker[13])
        reaped = int(worker[14]) + int(worker[15])
        self.own_cpu = own / TICK
        self.samples.append(Sample(time.time(), (cpu + own + reaped) / TICK, ffmpegs))
