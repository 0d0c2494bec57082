"""The app's job store, opened once: the full settings built first, the database opened
(and migrated) on them, one service for every caller, and a failure raised to each
caller while the next call tries again."""

from __future__ import annotations

import threading

import pytest

from aiom4b_tui.config.app_settings import AppSettings
from aiom4b_tui.config.data_location import FolderSettings
from aiom4b_tui.config.settings import load_settings
from aiom4b_tui.store.models import JobCreate
from aiom4b_tui.ui.start.store import Store


def store_of(data_dir, calls: list[str], fail_first: int = 0) -> Store:
    """A store whose settings are built only when first needed, counting the builds."""

    def build():
        calls.append("built")
        if len(calls) <= fail_first:
            raise OSError("the config folder cannot be read")
        return load_settings(data_dir)

    return Store(AppSettings(FolderSettings(data_dir, None, None, None), build))


def test_opened_once_on_settings_built_then(data_dir, library):
    calls: list[str] = []
    store = store_of(data_dir, calls)
    assert not store.is_open and calls == []
    service = store.open()
    assert store.is_open and calls == ["built"]
    assert store.open() is service and store.database() is service.db
    service.create_job(JobCreate(input_folders=[library / "Dune"]))
    assert len(service.get_jobs()) == 1
    service.db.close()


def test_callers_at_once_get_the_one_service(data_dir):
    calls: list[str] = []
    store = store_of(data_dir, calls)
    got = []
    threads = [threading.Thread(target=lambda: got.append(store.open())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 4 and all(service is got[0] for service in got)
    assert calls == ["built"]
    got[0].db.close()


def test_a_failure_is_raised_and_the_next_call_tries_again(data_dir):
    calls: list[str] = []
    store = store_of(data_dir, calls, fail_first=1)
    with pytest.raises(OSError, match="cannot be read"):
        store.open()
    assert not store.is_open
    service = store.open()
    assert store.is_open and calls == ["built", "built"]
    service.db.close()


async def test_opened_from_the_event_loop_in_a_thread(data_dir):
    calls: list[str] = []
    store = store_of(data_dir, calls)
    service = await store.opened()
    assert await store.opened() is service and calls == ["built"]
    service.db.close()


def test_a_service_given_is_open_from_the_start(settings, service):
    store = Store(AppSettings.of(settings), service)
    assert store.is_open and store.open() is service
