"""The watched inbox: every new folder directly in the inbox that holds audio and has been
quiet for the settle time becomes one queued job — never the same folder twice.

watchfiles tells which folders change; a folder counts as quiet when no change was seen
and its signature (file count, total size, newest mtime) stayed the same for `settle`
seconds, so a copy that watchfiles reports late or not at all is not taken half-way.
Folders already in the inbox at start that no watcher took before are taken too.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from watchfiles import awatch

from aiom4b_tui.engine.plan.title import job_title
from aiom4b_tui.engine.sources.audio_kind import AUDIO_EXTENSIONS, is_audio
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate, JobDB

SETTLE_SECONDS = 30.0
TICK_MS = 500

_log = logging.getLogger(__name__)

# The engine's list of names that are audio for certain.
AUDIO_SUFFIXES = AUDIO_EXTENSIONS

Signature = tuple[int, int, int]
"""(file count, total bytes, newest mtime in ns) of a folder tree."""


def _visible_files(folder: Path) -> Iterable[os.DirEntry[str]]:
    """Files under `folder`, hidden files and folders skipped; unreadable parts ignored."""
    stack = [folder]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                    elif entry.is_file():
                        yield entry
        except OSError:
            continue


def is_audio_name(name: str) -> bool:
    """True when the file name has one of the audio extensions."""
    return Path(name).suffix.lower() in AUDIO_SUFFIXES


def folder_has_audio(folder: Path) -> bool:
    """True when `folder` (recursively) holds at least one file the scanner takes as audio."""
    return any(is_audio(Path(entry.path)) for entry in _visible_files(folder))


def folder_signature(folder: Path) -> Signature:
    """What changes while files are copied into `folder`."""
    count = size = newest = 0
    for entry in _visible_files(folder):
        try:
            stat = entry.stat()
        except OSError:
            continue
        count += 1
        size += stat.st_size
        newest = max(newest, stat.st_mtime_ns)
    return count, size, newest


@dataclass
class _Pending:
    last_change: float
    signature: Signature | None = None


class SettleTracker:
    """Folders seen changing, and which of them have been quiet for `settle` seconds."""

    def __init__(self, settle: float) -> None:
        self.settle = settle
        self._pending: dict[Path, _Pending] = {}

    @property
    def pending(self) -> set[Path]:
        """The folders waiting to settle."""
        return set(self._pending)

    def touch(self, folder: Path, now: float) -> None:
        """A change was seen in `folder` at `now`."""
        entry = self._pending.get(folder)
        if entry is None:
            self._pending[folder] = _Pending(now)
        else:
            entry.last_change = max(entry.last_change, now)

    def observe(self, folder: Path, signature: Signature, now: float) -> None:
        """The folder looks like `signature` at `now`; a different look is a change."""
        entry = self._pending.get(folder)
        if entry is None:
            return
        if entry.signature is not None and entry.signature != signature:
            entry.last_change = now
        entry.signature = signature

    def quiet(self, now: float) -> list[Path]:
        """The folders with no change for `settle` seconds (and observed at least once)."""
        return sorted(
            folder
            for folder, entry in self._pending.items()
            if entry.signature is not None and now - entry.last_change >= self.settle
        )

    def forget(self, folder: Path) -> None:
        """Stop tracking `folder`."""
        self._pending.pop(folder, None)


class InboxWatcher:
    """Turns settled audio folders of one inbox into queued jobs."""

    def __init__(
        self,
        service: JobService,
        inbox: Path,
        *,
        settle: float = SETTLE_SECONDS,
        on_job: Callable[[JobDB], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self.inbox = inbox.expanduser().resolve()
        self.tracker = SettleTracker(settle)
        self.on_job = on_job
        self.clock = clock
        self._no_audio: set[Path] = set()
        self._taken: set[Path] = set()

    def top_folder(self, changed: str | Path) -> Path | None:
        """The inbox folder a changed path belongs to; None for the inbox's own files."""
        try:
            rel = Path(changed).relative_to(self.inbox)
        except ValueError:
            return None
        if not rel.parts or rel.parts[0].startswith("."):
            return None
        folder = self.inbox / rel.parts[0]
        return folder if folder.is_dir() else None

    def unseen_folders(self) -> list[Path]:
        """Folders in the inbox now that no watcher took before (blocking)."""
        try:
            entries = sorted(self.inbox.iterdir())
        except OSError as exc:
            _log.warning("cannot read the inbox %s: %s", self.inbox, exc)
            return []
        return [
            p
            for p in entries
            if p.is_dir()
            and not p.name.startswith(".")
            and not self.service.watched_folder_known(str(p))
        ]

    def notice(self, folder: Path, now: float) -> None:
        """Activity in `folder`: (re)start its settle clock (unless it was taken)."""
        if folder in self._taken:
            return
        self._no_audio.discard(folder)
        self.tracker.touch(folder, now)

    def check(self, now: float) -> list[JobDB]:
        """Observe the pending folders; queue those that settled with audio (blocking)."""
        for folder in self.tracker.pending:
            if folder.is_dir():
                self.tracker.observe(folder, folder_signature(folder), now)
            else:
                self.tracker.forget(folder)
        jobs = []
        for folder in self.tracker.quiet(now):
            self.tracker.forget(folder)
            if not folder_has_audio(folder):
                self._no_audio.add(folder)  # looked at again when it changes
                continue
            job = self._queue(folder)
            self._taken.add(folder)
            if job is not None:
                jobs.append(job)
        return jobs

    def _queue(self, folder: Path) -> JobDB | None:
        try:
            job_data = JobCreate(input_folders=[folder], title=job_title([folder]))
        except ValidationError:
            return None  # gone meanwhile
        return self.service.create_watched_job(str(folder), job_data)

    async def run(self, stop_event: asyncio.Event | None = None) -> None:
        """Watch until `stop_event` is set (or the task is cancelled)."""
        stop_event = stop_event or asyncio.Event()
        start = self.clock()
        for folder in await asyncio.to_thread(self.unseen_folders):
            self.notice(folder, start)
        async for changes in awatch(
            self.inbox,
            stop_event=stop_event,
            rust_timeout=TICK_MS,
            yield_on_timeout=True,
            debounce=TICK_MS,
        ):
            now = self.clock()
            for _change, path in changes:
                folder = self.top_folder(path)
                if folder is not None:
                    self.notice(folder, now)
            for job in await asyncio.to_thread(self.check, now):
                if self.on_job is not None:
                    self.on_job(job)
