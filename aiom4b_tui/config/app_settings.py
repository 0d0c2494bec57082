"""The settings the app runs with, in two steps: the folders its first screen needs, read
at once without pydantic (config/data_location.py), and the full Settings, built when
first needed: in the store's thread, just after the first frame (ui/start/store.py).

`AppSettings` stands in for `Settings` wherever the app passes its settings: the data
dir and the folders answer from what is read so far; any other setting (`days_kept`,
`resolved_output_dir()`, ...) is the full Settings' own, built then if it is not yet
(blocking: on the event loop that happens only if asked in the first moment).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiom4b_tui.config.data_location import FolderSettings

if TYPE_CHECKING:
    from aiom4b_tui.config.settings import Settings


class AppSettings:
    """The folders now, the full Settings from `load` once first needed (built once;
    a failure is raised to each caller, and the next call tries again)."""

    def __init__(self, folders: FolderSettings, load: Callable[[], Settings]) -> None:
        self._folders = folders
        self._load = load
        self._full: Settings | None = None
        self._chosen_output: Path | None = None  # set on the first screen's question
        self._building = threading.Lock()

    @classmethod
    def of(cls, settings: Settings) -> AppSettings:
        """Settings already built (tests, and callers that built them)."""
        folders = FolderSettings(
            settings.data_dir, settings.library_dir, settings.inbox_dir, settings.output_dir
        )
        made = cls(folders, lambda: settings)
        made._full = settings
        return made

    @property
    def loaded(self) -> Settings | None:
        """The full Settings if they are built, else None (never builds them)."""
        return self._full

    def full(self) -> Settings:
        """The full Settings, built now if they are not yet (blocks)."""
        if self._full is not None:
            return self._full
        with self._building:
            if self._full is None:
                settings = self._load()
                if self._chosen_output is not None:  # chosen while they were built
                    settings.output_dir = self._chosen_output
                self._full = settings
            return self._full

    @property
    def data_dir(self) -> Path:
        """Where the data lives (the same before and after the full Settings)."""
        return self._folders.data_dir

    @property
    def library_dir(self) -> Path | None:
        """The folder the picker opens at, if set."""
        return self._full.library_dir if self._full is not None else self._folders.library_dir

    @property
    def inbox_dir(self) -> Path | None:
        """The inbox folder offered for watching, if set."""
        return self._full.inbox_dir if self._full is not None else self._folders.inbox_dir

    @property
    def output_dir(self) -> Path | None:
        """Where finished books go, if set (None: the data dir's output/)."""
        return self._full.output_dir if self._full is not None else self._folders.output_dir

    @output_dir.setter
    def output_dir(self, folder: Path) -> None:
        with self._building:
            self._chosen_output = self._folders.output_dir = folder
            if self._full is not None:
                self._full.output_dir = folder

    def __getattr__(self, name: str) -> Any:
        # Only names this class lacks get here: every other setting, and its methods.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.full(), name)
