"""The one way a job is titled: the title a person set (with the author), else the name
given for the .m4b, else "Album · Author" from the first file's tags, else the folder's
name; `aiom4b add` names its job so from the moment it is queued."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiom4b_tui.engine.plan.title import job_title
from aiom4b_tui.job_options.model import JobOptions, TagOverrides
from tests.helpers.audio import make_tone
from tests.helpers.cli import run_aiom4b as aiom4b


def test_a_title_a_person_set_wins_with_its_author(tmp_path: Path):
    tags = TagOverrides(title="Emma", author="Jane Austen")
    options = JobOptions(tags=tags, output_name="emma-file")
    assert job_title([tmp_path], options) == "Emma · Jane Austen"
    assert job_title([tmp_path], JobOptions(tags=TagOverrides(title="Emma"))) == "Emma"


def test_else_the_name_given_for_the_book_file(tmp_path: Path):
    assert job_title([tmp_path], JobOptions(output_name="My Book")) == "My Book"


def test_else_the_first_folders_name_and_with_no_folder_untitled(tmp_path: Path):
    (tmp_path / "Some Book").mkdir()
    (tmp_path / "Some Book" / "notes.txt").write_text("no audio here")
    assert job_title([tmp_path / "Some Book", tmp_path]) == "Some Book"
    assert job_title([], JobOptions()) == "untitled"


@pytest.mark.integration
def test_else_album_and_author_from_the_first_files_tags(tmp_path: Path):
    book = tmp_path / "rip"
    book.mkdir()
    make_tone(book / "01.mp3", 0.2, tags={"album": "Emma", "artist": "Jane Austen"})
    assert job_title([book], JobOptions()) == "Emma · Jane Austen"


@pytest.mark.integration
def test_cli_add_names_the_job_from_tags_unless_named(tmp_path: Path):
    book = tmp_path / "rip"
    book.mkdir()
    make_tone(book / "01.mp3", 0.2, tags={"album": "Emma", "album_artist": "Jane Austen"})
    tagged = json.loads(aiom4b("add", book, "--json", "--no-worker").stdout)
    named = json.loads(aiom4b("add", book, "--name", "Mine", "--json", "--no-worker").stdout)
    assert tagged["title"] == "Emma · Jane Austen"
    assert named["title"] == "Mine"
