"""Fixtures for the UI tests: settings on a temporary data dir, a library of generated MP3s
and the job service on it (helpers to drive the app: tests/helpers/pilot.py)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiom4b_tui.config.settings import Settings, load_settings
from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from tests.helpers.audio import make_mp3
from tests.helpers.snapshots import fixed_place_and_zone  # noqa: F401 (a fixture)


@pytest.fixture(scope="session")
def library_audio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The library's MP3s, made once a session; `library` copies them for each test."""
    root = tmp_path_factory.mktemp("library-audio")
    for number in (1, 2, 10):
        make_mp3(
            root / "Dune" / f"{number:d} part.mp3",
            1.0,
            title=f"Part {number}",
            album="Dune",
            artist="Frank Herbert",
            composer="Scott Brick",
            date="1965",
            genre="Science Fiction",
        )
    make_mp3(root / "Emma" / "01.mp3", 1.5, album="Emma", artist="Jane Austen")
    return root


@pytest.fixture
def library(tmp_path: Path, library_audio: Path) -> Path:
    """A library with two short books and a folder without audio (fresh files and
    folders, as if just made)."""
    root = tmp_path / "Audiobooks"
    for source in sorted(library_audio.rglob("*.mp3")):
        target = root / source.relative_to(library_audio)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    (root / "Notes").mkdir()
    (root / "Notes" / "readme.txt").write_text("not audio")
    (root / ".hidden").mkdir()
    return root


@pytest.fixture
def settings(data_dir: Path, library: Path) -> Settings:
    """Settings on the test's own data dir, the library at the generated one."""
    return load_settings(data_dir, library_dir=library)


@pytest.fixture
def service(settings: Settings) -> JobService:
    """A JobService on the test's data dir (the app opens its own on the same file)."""
    return JobService(open_database(settings.data_dir))


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """UTC as the local zone for this test only (read again once restored: tzset)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
