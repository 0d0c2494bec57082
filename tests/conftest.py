"""Shared test set-up: every test runs against its own temporary data dir."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir for the test; AIOM4B_DATA_DIR points at it, so nothing a test
    runs can reach the user's data."""
    path = tmp_path / "aiom4b-data"
    monkeypatch.setenv("AIOM4B_DATA_DIR", str(path))
    return path
