"""`--cover FILE|none` and `--if-exists rename|skip|overwrite` on `add` and `convert`, and
the line that says how to set the output folder when none is set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from tests.helpers.audio import make_image
from tests.helpers.cli import call_aiom4b, run_aiom4b
from tests.helpers.workers import make_book


def _options(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["options"]


def test_cover_none_and_a_picture_in_an_audio_file(tmp_path: Path):
    book = make_book(tmp_path / "Book", files=1, seconds=0.5)
    data = tmp_path / "data"
    none = _options(
        call_aiom4b("add", book, "--json", "--no-worker", "--cover", "none", data_dir=data)
    )
    assert none["no_cover"] is True and none["cover"] is None
    plain = _options(call_aiom4b("add", book, "--json", "--no-worker", data_dir=data))
    assert plain["no_cover"] is False and plain["cover"] is None
    # an audio file without a picture, and a text file, are refused with the reason
    refused = call_aiom4b("add", book, "--no-worker", "--cover", book / "01.mp3", data_dir=data)
    assert refused.returncode == 2 and "has no embedded picture" in refused.stderr
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture")
    refused = call_aiom4b("convert", book, "--cover", text, data_dir=data)
    assert refused.returncode == 2 and "is not a JPEG, PNG, GIF or WebP" in refused.stderr


@pytest.mark.integration
def test_convert_with_no_cover_makes_a_book_without_one(tmp_path: Path):
    book = make_book(tmp_path / "Book", files=1, seconds=0.5)
    make_image(book / "cover.jpg")
    result = run_aiom4b(
        "convert", book, "--output-dir", tmp_path / "out", "--cover", "none",
        "--jobs", "1", data_dir=tmp_path / "data",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "covr" not in (MP4(Path(result.stdout.strip())).tags or {})


@pytest.mark.integration  # `convert` makes the books
def test_if_exists_rename_skip_and_overwrite(tmp_path: Path):
    book = make_book(tmp_path / "Book", files=1, seconds=0.5)
    out = tmp_path / "out"
    out.mkdir()
    existing = out / "Book.m4b"
    existing.write_bytes(b"a finished book")
    data = tmp_path / "data"
    common = ("--output-dir", out, "--no-worker")

    renamed = run_aiom4b("add", book, *common, data_dir=data)
    assert renamed.returncode == 0, renamed.stderr
    assert f"{existing} already exists: the new book will be Book (2).m4b" in renamed.stdout

    skipped = run_aiom4b("add", book, *common, "--if-exists", "skip", "--json", data_dir=data)
    assert skipped.returncode == 0, skipped.stderr
    assert skipped.stdout == "" and f"skipped: {existing} already exists" in skipped.stderr

    replaced = _options(
        run_aiom4b("add", book, *common, "--if-exists", "overwrite", "--json", data_dir=data)
    )
    assert replaced["overwrite"] is True
    listed = json.loads(run_aiom4b("jobs", "--json", data_dir=data).stdout)
    assert len(listed) == 2  # the skipped one was not queued

    made = run_aiom4b("convert", book, "--output-dir", out, "--jobs", "1", data_dir=data)
    assert made.returncode == 0, made.stderr
    assert Path(made.stdout.strip()) == out / "Book (2).m4b"
    assert existing.read_bytes() == b"a finished book"

    skip = run_aiom4b("convert", book, "--output-dir", out, "--if-exists", "skip", data_dir=data)
    assert skip.returncode == 0 and skip.stdout == "" and "skipped:" in skip.stderr

    over = run_aiom4b(
        "convert",
        book,
        "--output-dir",
        out,
        "--if-exists",
        "overwrite",
        "--jobs",
        "1",
        data_dir=data,
    )
    assert over.returncode == 0, over.stderr
    assert Path(over.stdout.strip()) == existing and MP4(existing).info.length > 0.4


def test_the_cli_says_how_to_set_the_output_folder(tmp_path: Path):
    book = make_book(tmp_path / "Book", files=1, seconds=0.5)
    data = tmp_path / "data"
    unset = call_aiom4b("add", book, "--no-worker", data_dir=data)
    assert unset.returncode == 0, unset.stderr
    assert "no output folder is set" in unset.stderr and "config.toml" in unset.stderr
    data.joinpath("config.toml").write_text(f'output_dir = "{tmp_path / "books"}"\n')
    is_set = call_aiom4b("add", book, "--no-worker", data_dir=data)
    assert is_set.returncode == 0 and "no output folder" not in is_set.stderr
