"""Chapters from the files people keep them in land where the audio really is (within
1 ms), and `aiom4b chapters` prints them and sets them again in every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from aiom4b_tui.engine.chapters.files import ChapterMark, format_chapters
from aiom4b_tui.engine.mp4.chapters import chapter_starts_in_units
from aiom4b_tui.job_options.model import JobOptions
from tests.helpers.audio import make_tone
from tests.helpers.chapter_audio import heard_onsets, make_onsets
from tests.helpers.engine import convert
from tests.helpers.mp4_probe import decoded_samples, ffmpeg_chapters
from tests.helpers.workers import aiom4b

pytestmark = pytest.mark.integration
RATE = 44100
# on CUE frames (1/75 s) as well as on milliseconds, so every format can hold them
ONSETS = [0.0, 1.2, 2.4, 3.6]
TITLES = ["Opening", "Storm = rain; #2", "Ça va", "終わり"]
LENGTH = 4.4


def _chapter_file(folder: Path, kind: str, name: str | None = None) -> Path:
    marks = [ChapterMark(s, t) for s, t in zip(ONSETS, TITLES, strict=True)]
    names = {"txt": "chapters.txt", "ffmetadata": "book.ffmetadata", "cue": "book.cue"}
    path = folder / (name or names.get(kind, "chapters.json"))
    path.write_text(format_chapters(marks, kind, total=LENGTH, audio_name="book.flac"), "utf-8")
    return path


def _assert_on_the_onsets(out: Path) -> None:
    timescale, exact = chapter_starts_in_units(out)
    assert [t for _s, t in exact] == TITLES
    starts = [s / timescale for s, _t in exact]
    assert starts == pytest.approx(ONSETS, abs=0.001)
    heard = heard_onsets(out, RATE, ONSETS)
    assert heard == pytest.approx(starts, abs=0.001)  # the audio changes where they start
    assert [round(s, 3) for s, _t in ffmpeg_chapters(out)] == [round(s, 3) for s in starts]


@pytest.mark.parametrize("kind", ["txt", "ffmetadata", "cue", "json"])
async def test_a_chapter_file_given_with_the_job(tmp_path: Path, ffmpeg: str, kind):
    book = tmp_path / "Book"
    book.mkdir()
    make_onsets(book / "book.flac", ONSETS, LENGTH, RATE)
    chapters = _chapter_file(tmp_path, kind)  # not beside the book: named by the job
    out = await convert(
        [book], tmp_path / "out", ffmpeg, options=JobOptions(chapters_file=chapters)
    )
    _assert_on_the_onsets(out)


async def test_a_cue_sheet_beside_one_long_file_is_used_without_a_flag(tmp_path, ffmpeg):
    book = tmp_path / "Rip"
    book.mkdir()
    make_onsets(book / "book.flac", ONSETS, LENGTH, RATE)
    _chapter_file(book, "cue")
    logs: list[str] = []
    out = await convert([book], tmp_path / "out", ffmpeg, logs=logs)
    _assert_on_the_onsets(out)
    assert any("4 chapters from book.cue (beside the book)" in line for line in logs)


async def test_a_chapter_file_across_the_files_of_a_book(tmp_path: Path, ffmpeg: str):
    book = tmp_path / "Parts"
    book.mkdir()
    whole = make_onsets(tmp_path / "whole.flac", ONSETS, LENGTH, RATE)
    # cut the book in two files at 2.0 s: the chapter at 2.4 s lies in the second one
    import subprocess

    for name, args in (("1.flac", ["-t", "2.0"]), ("2.flac", ["-ss", "2.0"])):
        cmd = [ffmpeg, "-v", "error", "-i", str(whole), *args, "-c:a", "flac", str(book / name)]
        subprocess.run(cmd, check=True)
    _chapter_file(book, "txt")
    out = await convert([book], tmp_path / "out", ffmpeg)
    _assert_on_the_onsets(out)


async def test_a_bad_chapter_file_fails_the_job_with_its_name(tmp_path: Path, ffmpeg: str):
    from aiom4b_tui.engine.failures import ConversionError

    book = tmp_path / "Book"
    book.mkdir()
    make_tone(book / "1.mp3", 1.0, rate=22050, channels=1)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ConversionError, match=r"bad\.json: not JSON"):
        await convert([book], tmp_path / "out", ffmpeg, options=JobOptions(chapters_file=bad))
    beside = book / "chapters.txt"
    beside.write_text("no times here\n")
    logs: list[str] = []
    out = await convert([book], tmp_path / "out", ffmpeg, logs=logs)  # one per file instead
    assert len(ffmpeg_chapters(out)) == 1
    assert any("chapter file left out" in line and "line 1" in line for line in logs)


@pytest.mark.parametrize("kind", ["txt", "ffmetadata", "cue", "json"])
async def test_chapters_out_and_in_again_in_every_format(tmp_path: Path, ffmpeg: str, kind):
    book = tmp_path / "Book"
    book.mkdir()
    make_onsets(book / "book.flac", ONSETS, LENGTH, RATE)
    chapters = _chapter_file(tmp_path, "txt")
    made = await convert(
        [book], tmp_path / "out", ffmpeg, options=JobOptions(chapters_file=chapters)
    )
    printed = aiom4b(tmp_path / "data", "chapters", made, "--format", kind)
    assert printed.returncode == 0, printed.stderr
    exported = tmp_path / f"exported.{'json' if kind == 'json' else kind}"
    exported.write_text(printed.stdout, "utf-8")
    if kind == "json":
        assert json.loads(printed.stdout)["chapters"][1] == {
            "start_offset_ms": 1200,
            "length_ms": 1200,
            "title": TITLES[1],
        }
    plain = await convert([book], tmp_path / "plain", ffmpeg)  # one chapter: the file
    before = (decoded_samples(plain, 1), MP4(plain).tags["©nam"])
    result = aiom4b(tmp_path / "data", "chapters", plain, "--set", exported)
    assert result.returncode == 0, result.stderr
    _assert_on_the_onsets(plain)
    assert (decoded_samples(plain, 1), MP4(plain).tags["©nam"]) == before
    assert sorted(p.name for p in plain.parent.iterdir()) == [plain.name]  # no temp file


def test_setting_chapters_past_the_end_is_refused(tmp_path: Path):
    source = make_tone(tmp_path / "a.m4a", 2.0, codec="m4a")
    late = tmp_path / "late.txt"
    late.write_text("00:00:00.000 A\n00:00:09.000 B\n")
    before = source.read_bytes()
    result = aiom4b(tmp_path / "data", "chapters", source, "--set", late)
    assert result.returncode == 2 and "after the end of the book" in result.stderr
    assert source.read_bytes() == before


async def test_edited_chapters_and_file_order_are_in_the_made_book(tmp_path: Path, ffmpeg: str):
    from aiom4b_tui.job_options.model import ChapterEntry
    from tests.helpers.audio import make_continuous_book

    counts = [22050 * 2, 22050 * 3, 22050]
    make_continuous_book(tmp_path / "src", counts, rate=22050, channels=1, codec="flac")
    entries = [
        ChapterEntry(title="Third first", file="03.flac"),
        ChapterEntry(title="One", file="01.flac"),
        ChapterEntry(title="One, later", file="01.flac", offset=1.5),
    ]
    options = JobOptions(files=["03.flac", "01.flac"], chapters=entries)  # 02 left out
    out = await convert([tmp_path / "src"], tmp_path / "out", ffmpeg, options=options)
    timescale, exact = chapter_starts_in_units(out)
    assert timescale == 22050
    assert exact == [(0, "Third first"), (22050, "One"), (22050 + 33075, "One, later")]
    assert decoded_samples(out, 1) == counts[2] + counts[0]


def test_chapters_of_a_file_that_is_not_mp4_fail_with_a_reason(tmp_path: Path):
    text = tmp_path / "notes.m4b"
    text.write_text("not a book")
    result = aiom4b(tmp_path / "data", "chapters", text)
    assert result.returncode == 1 and "notes.m4b" in result.stderr
    assert "Traceback" not in result.stderr
