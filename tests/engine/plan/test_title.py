"""A queued job is named after the book's tags, not its folder, from the moment it is added."""

from __future__ import annotations

import json
from pathlib import Path

from aiom4b_tui.engine.sources.folder_summary import guess_title
from tests.helpers.audio import make_tone
from tests.helpers.cli import run_aiom4b as aiom4b


def test_title_is_album_and_author_of_the_first_file(tmp_path: Path):
    book = tmp_path / "dune_rip"
    (book / "CD2").mkdir(parents=True)
    (book / "CD1").mkdir()
    make_tone(book / "CD2" / "01.mp3", 0.2, tags={"album": "Wrong", "artist": "X"})
    make_tone(book / "CD1" / "01.mp3", 0.2, tags={"album": "Dune", "artist": "Frank Herbert"})
    assert guess_title([book]) == "Dune · Frank Herbert"


def test_no_album_tag_no_guess(tmp_path: Path):
    book = tmp_path / "b"
    book.mkdir()
    make_tone(book / "01.mp3", 0.2, tags={"title": "Part 1"})
    assert guess_title([book]) is None
    assert guess_title([tmp_path / "empty"]) is None


def test_cli_add_names_the_job_from_tags_unless_named(tmp_path: Path):
    book = tmp_path / "rip"
    book.mkdir()
    make_tone(book / "01.mp3", 0.2, tags={"album": "Emma", "album_artist": "Jane Austen"})
    tagged = json.loads(aiom4b("add", book, "--json", "--no-worker").stdout)
    named = json.loads(aiom4b("add", book, "--name", "Mine", "--json", "--no-worker").stdout)
    assert tagged["title"] == "Emma · Jane Austen"
    assert named["title"] == "Mine"
