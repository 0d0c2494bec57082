"""A package's names are imported when first asked for, once, and unknown names fail."""

from __future__ import annotations

import sys
import types

import pytest

from aiom4b_tui.lazy_exports import lazy_exports


@pytest.fixture
def package(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """A package `fakepkg` whose exports point at `json` and `json.decoder`."""
    module = types.ModuleType("fakepkg")
    module.__path__ = []  # a package, so relative names resolve against it
    monkeypatch.setitem(sys.modules, "fakepkg", module)
    module.__getattr__, module.__dir__ = lazy_exports(  # type: ignore[attr-defined]
        "fakepkg", {"dumps": "json", "JSONDecodeError": "json.decoder"}
    )
    return module


def test_a_name_is_imported_from_its_module_when_first_asked(package) -> None:
    import json

    assert "dumps" not in vars(package)
    assert package.dumps is json.dumps
    assert vars(package)["dumps"] is json.dumps  # kept: the next lookup is plain


def test_dir_lists_the_exports(package) -> None:
    assert package.__dir__() == ["JSONDecodeError", "dumps"]


def test_an_unknown_name_is_an_attribute_error(package) -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = package.nothing


def test_a_real_room_exports_its_service() -> None:
    import aiom4b_tui.store as store
    from aiom4b_tui.store.jobs import JobService

    assert store.JobService is JobService
