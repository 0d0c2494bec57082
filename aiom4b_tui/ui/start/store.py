"""The app's job store, opened once and off the event loop: the full settings (built
here if they are not yet: pydantic-settings), the database (its schema checked, migrated
if needed) and the `JobService` on it.

Opening imports pydantic, SQLAlchemy, SQLModel and the job models, most of the app's
start-up cost, so the app opens the store in a thread after its first screen is drawn. `open()`
blocks: call it from a thread, or on the event loop only once `is_open` (tests may call
it anywhere). Every caller gets the one service; callers that come while another opens
it wait for that opening.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiom4b_tui.config.app_settings import AppSettings
    from aiom4b_tui.store.database.db import Database
    from aiom4b_tui.store.jobs import JobService


class Store:
    """The job store of these settings, or the service given (already open)."""

    def __init__(self, settings: AppSettings, service: JobService | None = None) -> None:
        self.settings = settings
        self._service = service
        self._opening = threading.Lock()

    @property
    def is_open(self) -> bool:
        """True once the service is there (opening it will not block)."""
        return self._service is not None

    def open(self) -> JobService:
        """The job service, building the settings and opening the database first if
        nobody has (blocks); an error doing so is raised to each caller, and the next
        call tries again."""
        service = self._service
        if service is not None:
            return service
        with self._opening:
            if self._service is None:
                from aiom4b_tui.store.database.db import open_settings_database
                from aiom4b_tui.store.jobs import JobService

                settings = self.settings.full()
                self._service = JobService(open_settings_database(settings))
            return self._service

    def database(self) -> Database:
        """The open database (opening it as `open()` does)."""
        return self.open().db

    async def opened(self) -> JobService:
        """The job service, for code on the event loop: opened (or waited for) in a thread."""
        if self._service is not None:
            return self._service
        return await asyncio.to_thread(self.open)
