"""The garbage collector held off while the TUI starts, until its first frame is drawn.

Starting makes some 88,000 objects that live as long as the app (Textual's modules and
classes, the stylesheet, the screen's widgets); the collector's passes over them, about
220 of them before the first frame, took ~70 ms of a ~0.66 s start on a 2-core machine
and found next to nothing to free. Once the frame is up, what was made so far is frozen
(`gc.freeze`: never scanned again, which also shortens every later full collection) and
the collector runs as usual. The price: the ~4,300 unreachable objects the start leaves
(measured) are kept for the app's life instead of freed.
"""

from __future__ import annotations

import gc

_held = False


def hold_collector() -> None:
    """Turn the collector off until `release_collector` (if it is on now)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release_collector() -> None:
    """Freeze what was made while held and turn the collector back on (once; a no-op
    when `hold_collector` did not turn it off)."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
