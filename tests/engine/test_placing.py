"""The checked book moved into place: never over an existing file unless asked, named
"(2)", "(3)" … instead, with the settings' file mode."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from aiom4b_tui.engine import placing
from aiom4b_tui.engine.failures import ConversionError
from aiom4b_tui.engine.placing import place_result
from aiom4b_tui.engine.work import file_modes


@pytest.fixture
def result(tmp_path: Path) -> Path:
    work = tmp_path / ".aiom4b-work-t"
    work.mkdir()
    made = work / "book.m4b"
    made.write_bytes(b"the new book")
    return made


@pytest.fixture(autouse=True)
def modes():
    """The modes the settings give (the defaults) for each test, whatever it set."""
    before = file_modes.current()
    yield
    file_modes.configure(before.file, before.dir)


def test_a_free_name_is_taken_and_the_work_copy_is_gone(tmp_path: Path, result: Path):
    wanted = tmp_path / "Author" / "Title.m4b"  # its folder is made
    assert place_result(result, wanted) == wanted
    assert wanted.read_bytes() == b"the new book" and not result.exists()


def test_an_existing_book_is_never_replaced_but_numbered(tmp_path: Path, result: Path):
    wanted = tmp_path / "Title.m4b"
    wanted.write_bytes(b"the old book")
    (tmp_path / "Title (2).m4b").write_bytes(b"another")
    placed = place_result(result, wanted)
    assert placed == tmp_path / "Title (3).m4b"
    assert wanted.read_bytes() == b"the old book" and placed.read_bytes() == b"the new book"


def test_overwrite_replaces_the_book_asked_for(tmp_path: Path, result: Path):
    wanted = tmp_path / "Title.m4b"
    wanted.write_bytes(b"the old book")
    assert place_result(result, wanted, overwrite=True) == wanted
    assert wanted.read_bytes() == b"the new book"


def test_the_book_gets_the_settings_mode_whatever_the_umask(tmp_path: Path, result: Path):
    file_modes.configure(0o640, 0o750)
    result.chmod(0o600)
    placed = place_result(result, tmp_path / "Title.m4b")
    assert stat.S_IMODE(placed.stat().st_mode) == 0o640


def test_without_hard_links_the_book_is_moved_and_still_never_over_another(
    tmp_path: Path, result: Path, monkeypatch: pytest.MonkeyPatch
):
    def no_links(_src, _dst) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    wanted = tmp_path / "Title.m4b"
    wanted.write_bytes(b"the old book")
    placed = place_result(result, wanted)
    assert placed == tmp_path / "Title (2).m4b" and placed.read_bytes() == b"the new book"
    assert wanted.read_bytes() == b"the old book" and not result.exists()


def test_too_many_books_of_one_name_is_an_error(
    tmp_path: Path, result: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(placing, "MAX_NUMBER", 3)
    for name in ("Title.m4b", "Title (2).m4b"):
        (tmp_path / name).write_bytes(b"x")
    with pytest.raises(ConversionError, match="too many files named like"):
        place_result(result, tmp_path / "Title.m4b")
    assert result.exists()  # nothing was placed
