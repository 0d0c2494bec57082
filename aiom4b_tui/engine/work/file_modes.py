"""The permission modes of what a conversion writes for people: finished books and the
folders made for them (the output folder, the work folder).

They come from the settings (`file_mode`, `dir_mode`; set once per process by whoever
loaded them, with `configure`), never from the umask the worker happened to inherit.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_FILE_MODE = 0o644
DEFAULT_DIR_MODE = 0o755


@dataclass(frozen=True)
class FileModes:
    """Modes for books (`file`) and the folders made for them (`dir`)."""

    file: int = DEFAULT_FILE_MODE
    dir: int = DEFAULT_DIR_MODE


_current = FileModes()


def configure(file_mode: int = DEFAULT_FILE_MODE, dir_mode: int = DEFAULT_DIR_MODE) -> None:
    """Use these modes for everything this process writes from now on."""
    global _current
    _current = FileModes(file_mode & 0o777, dir_mode & 0o777)


def current() -> FileModes:
    """The modes in force."""
    return _current


def make_dirs(path: Path) -> None:
    """Create `path` and any missing parents, each with the folder mode (umask or not)."""
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True)
    for folder in reversed(missing):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(folder, _current.dir)


def make_dir(path: Path) -> None:
    """Create the folder `path` (its parent must exist) with the folder mode."""
    path.mkdir()
    os.chmod(path, _current.dir)


def set_file_mode(path: Path) -> None:
    """Give a finished file the file mode."""
    os.chmod(path, _current.file)
