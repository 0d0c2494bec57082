"""The C library for the calls Python does not wrap: loaded on Linux, absent elsewhere."""

from __future__ import annotations

import ctypes
import sys

import pytest

from aiom4b_tui.engine import libc


@pytest.mark.skipif(sys.platform != "linux", reason="the C library is loaded on Linux only")
def test_on_linux_the_c_library_is_loaded_with_fallocates_types():
    assert libc.LIBC is not None
    assert libc.LIBC.fallocate.argtypes == [
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int64,
        ctypes.c_int64,
    ]
    assert callable(libc.LIBC.prctl)


def test_elsewhere_there_is_none(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert libc._load_libc() is None
