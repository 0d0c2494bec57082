"""Progress of a conversion: seconds of the book done per piece of work, as fraction,
speed and ETA (ProgressMeter); pieces an earlier (interrupted) run finished count as
done, not as speed. ConvertProgress is what a caller is told."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


class ProgressMeter:
    """Seconds of audio done per piece of work, turned into fraction, speed and ETA."""

    def __init__(self, total_seconds: float, emit: Callable[[float, float | None], None]):
        self.total = max(total_seconds, 1e-6)
        self._done: dict[object, float] = {}
        self._before = 0.0  # seconds done by an earlier run: in the fraction, not the speed
        self._emit = emit
        self._last = 0.0
        self.started = time.monotonic()

    def preload(self, seconds: dict[object, float]) -> None:
        """Count pieces an earlier run finished, and report where the book stands."""
        self._done.update(seconds)
        self._before = sum(seconds.values())
        if seconds:
            self._emit(min(1.0, self._before / self.total), None)

    def update(self, key: object, seconds: float, *, force: bool = False) -> None:
        """Record that piece `key` has `seconds` done; report a few times a second."""
        self._done[key] = seconds
        now = time.monotonic()
        if force or now - self._last >= 0.25:
            self._last = now
            done = sum(self._done.values())
            fraction = min(1.0, done / self.total)
            elapsed, this_run = now - self.started, done - self._before
            speed = this_run / elapsed if elapsed > 0.5 and this_run > 0 else None
            self._emit(fraction, speed)


@dataclass(frozen=True)
class ConvertProgress:
    """Where a conversion is: fraction of the whole book, speed (× real time), ETA, and
    its stage ("encoding"; "tagging": the audio is made, the mux, tags and check are
    left; "done")."""

    fraction: float
    speed: float | None
    eta_seconds: float | None
    stage: str
