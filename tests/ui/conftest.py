"""Fixtures for the UI tests: settings on a temporary data dir, a library of generated MP3s,
the app built by `create_app`, and a helper to wait for what the app shows."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from aiom4b_tui.core.db import open_database
from aiom4b_tui.core.jobs import JobService
from aiom4b_tui.core.settings import Settings, load_settings


def make_from_lavfi(path: Path, source: str, *args: str) -> Path:
    """Make `path` with the real ffmpeg from the lavfi `source`, `args` before the output."""
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    cmd = [exe, "-v", "error", "-y", "-f", "lavfi", "-i", source, *args, str(path)]
    subprocess.run(cmd, check=True)
    return path


def make_mp3(path: Path, seconds: float = 2.0, title: str | None = None, **tags: str) -> Path:
    """A small MP3 of a sine tone, made by the real ffmpeg, with ID3 tags."""
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata: list[str] = []
    for key, value in {"title": title, **tags}.items():
        if value:
            metadata += ["-metadata", f"{key}={value}"]
    tone = f"sine=frequency=440:duration={seconds}:sample_rate=22050"
    return make_from_lavfi(path, tone, "-ac", "1", "-b:a", "32k", *metadata)


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


async def wait_for(
    pilot: Pilot, condition: Callable[[], object], timeout: float = 10.0, step: float = 0.05
) -> None:
    """Let the app run until `condition()` is true; fail after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            line = condition.__code__.co_firstlineno
            raise AssertionError(f"timed out waiting for line {line}; the screen:\n{_shown(pilot)}")
        await pilot.pause(step)


async def focus(pilot: Pilot, widget: Widget) -> None:
    """Focus `widget` and wait until it has the focus: `focus()` is deferred, and keys
    pressed before it lands go to whatever had the focus."""
    widget.focus()
    await wait_for(pilot, lambda: pilot.app.focused is widget)


def _shown(pilot: Pilot) -> str:
    """The screen's text (and the log's last lines) for a failure message."""
    from aiom4b_tui.ui.screen_text import screen_text

    try:
        return screen_text(pilot.app)
    except Exception as exc:  # a failure message must not fail in turn
        return f"(screen not readable: {exc!r})"
