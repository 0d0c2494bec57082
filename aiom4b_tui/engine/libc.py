"""The C library, for the few Linux calls Python does not wrap (prctl, fallocate)."""

from __future__ import annotations

import ctypes
import sys


def _load_libc() -> ctypes.CDLL | None:
    if sys.platform != "linux":
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64]
    return libc


LIBC = _load_libc()
"""The process's libc on Linux, else None."""
