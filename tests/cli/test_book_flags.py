"""`add` and `convert` take the book's tags, series, cover, chapters and file name
template; a bad value exits 2 with the reason and queues nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from tests.helpers.audio import make_image
from tests.helpers.cli import call_aiom4b, run_aiom4b
from tests.helpers.workers import make_book, open_service


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        (["--year", "abcd"], "year must be YYYY or YYYY-MM-DD"),
        (["--year", "2001-02-30"], "is not a date"),
        (["--series-part", "three"], "series part must be a number"),
        (["--template", "{auther}"], "unknown field {auther}"),
        (["--cover", "no-such.jpg"], "no such file"),
        (["--chapters", "no-such.txt"], "no such file"),
        (["--max-chapter-length", "0"], "more than 0"),
        (["--max-chapter-length", "x"], "not a number of minutes"),
        (["--silence-threshold", "10"], "silence db: Input should be less than or equal to 0"),
    ],
)
def test_bad_values_exit_2_with_the_reason(tmp_path: Path, flags, reason):
    book = tmp_path / "Book"
    book.mkdir()
    # add and convert share the flags' parsing: convert is run for two kinds of check
    verbs = ("add", "convert") if flags[0] in ("--year", "--cover") else ("add",)
    for verb in verbs:
        result = call_aiom4b(verb, book, *flags, data_dir=tmp_path / "data")
        assert result.returncode == 2, (verb, result.stderr)
        assert reason in result.stderr and "Traceback" not in result.stderr
    if flags[1] == "abcd":
        listed = call_aiom4b("jobs", "--json", data_dir=tmp_path / "data")
        assert json.loads(listed.stdout) == []  # nothing was queued


@pytest.mark.integration  # the worker `add` starts makes the book
def test_add_keeps_every_choice_in_the_job(tmp_path: Path):
    book = make_book(tmp_path / "Book", files=1, seconds=0.5)
    cover = make_image(tmp_path / "cover.jpg")
    chapters = tmp_path / "chapters.txt"
    chapters.write_text("00:00:00.000 Start\n")
    result = run_aiom4b(
        "add", book, "--json", "--name", "Dune", "--author", "Frank",
        "--narrator", "Scott", "--series", "Dune", "--series-part", "1", "--year", "1965",
        "--genre", "SF", "--description", "Spice", "--cover", cover, "--chapters", chapters,
        "--chapters-by-silence", "--max-chapter-length", "30", "--silence-min", "2.5",
        "--template", "{series}/{title}", data_dir=tmp_path / "data",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout)["options"]
    assert options["output_name"] == "Dune" and options["template"] == "{series}/{title}"
    assert options["tags"]["title"] == "Dune"
    expected = {"author": "Frank", "narrator": "Scott", "series": "Dune", "series_part": "1"}
    assert {k: options["tags"][k] for k in expected} == expected
    assert (options["tags"]["year"], options["tags"]["genre"]) == ("1965", "SF")
    assert options["cover"] == str(cover) and options["chapters_file"] == str(chapters)
    assert options["chapters_by_silence"] and options["max_chapter_minutes"] == 30
    assert options["silence_seconds"] == 2.5 and options["silence_db"] == -35


@pytest.mark.integration
def test_convert_names_the_book_by_the_template_and_tags_it(tmp_path: Path):
    book = make_book(tmp_path / "Plain", files=2, seconds=0.5)
    cover = make_image(tmp_path / "c.png")
    result = run_aiom4b(
        "convert", book, "--output-dir", tmp_path / "out", "--author", "Ann",
        "--series", "Roads", "--series-part", "2", "--year", "2001-05-03", "--cover", cover,
        "--template", "{author}/{series}/{series_part} - {title}", "--jobs", "1",
        data_dir=tmp_path / "data",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path == tmp_path / "out" / "Ann" / "Roads" / "2 - Plain.m4b"
    tags = MP4(path).tags
    assert tags["©grp"] == ["Roads #2"] and tags["©day"] == ["2001-05-03"]
    assert bytes(tags["covr"][0]) == cover.read_bytes()
    named = run_aiom4b(
        "convert", book, "--output-dir", tmp_path / "out", "--name", "Mine",
        "--jobs", "1", data_dir=tmp_path / "data",
    )  # fmt: skip
    assert named.returncode == 0, named.stderr
    mine = Path(named.stdout.strip())
    assert mine.name == "Mine.m4b" and MP4(mine).tags["©nam"] == ["Mine"]
    _settings, db, service = open_service(tmp_path / "data")
    assert len(service.get_jobs()) == 2
    db.close()
