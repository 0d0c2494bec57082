"""Shared fixtures: the real ffmpeg, a pool, and a helper that converts a folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/audio_factory.py for every suite


@pytest.fixture(scope="session")
def ffmpeg() -> str:
    from aiom4b_tui.core.ffmpeg import find_ffmpeg

    return find_ffmpeg()
