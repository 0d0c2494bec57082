"""Chapter files: each format read, written and read again; errors name the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiom4b_tui.engine.chapters.files import (
    ChapterFileError,
    ChapterMark,
    detect_format,
    find_chapter_file,
    format_chapters,
    parse_cue,
    parse_ffmetadata,
    parse_json,
    parse_txt,
    read_chapter_file,
)

MARKS = [
    ChapterMark(0.0, "One"),
    ChapterMark(61.5, "Two = 2; #b \\ c"),
    ChapterMark(3723.25, "Ünï"),
]


def test_txt_reads_mp4v2_lines_with_or_without_hours():
    text = "# made by hand\n00:00:00.000 Intro\n01:02.5 Second\n\n1:00:00,250  Third part \n"
    assert parse_txt(text) == [
        ChapterMark(0.0, "Intro"),
        ChapterMark(62.5, "Second"),
        ChapterMark(3600.25, "Third part"),
    ]
    with pytest.raises(ChapterFileError, match="line 2"):
        parse_txt("00:00:00.000 ok\nnot a time\n")


def test_ffmetadata_with_timebase_escapes_and_other_sections():
    text = (
        ";FFMETADATA1\ntitle=Book\n[CHAPTER]\nTIMEBASE=1/44100\nSTART=0\nEND=44100\n"
        "title=A \\= b\\;\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1500\nEND=2000\ntitle=Next\n"
        "[STREAM]\ntitle=not a chapter\n"
    )
    assert parse_ffmetadata(text) == [ChapterMark(0.0, "A = b;"), ChapterMark(1.5, "Next")]


def test_cue_one_file_gives_book_times_several_files_keep_theirs():
    one = (
        'PERFORMER "X"\nFILE "rip.flac" WAVE\n  TRACK 01 AUDIO\n    TITLE "First"\n'
        '    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    TITLE "Second"\n    INDEX 00 01:59:70\n'
        "    INDEX 01 02:00:37\n"
    )
    assert parse_cue(one) == [ChapterMark(0.0, "First"), ChapterMark(120 + 37 / 75, "Second")]
    two = (
        'FILE "a.mp3" MP3\n TRACK 01 AUDIO\n  INDEX 01 00:00:00\n'
        'FILE "b.mp3" MP3\n TRACK 02 AUDIO\n  TITLE "B"\n  INDEX 01 00:00:00\n'
    )
    assert parse_cue(two) == [ChapterMark(0.0, "Track 1", "a.mp3"), ChapterMark(0.0, "B", "b.mp3")]


def test_audible_json_nested_and_flat():
    audible = {
        "content_metadata": {
            "chapter_info": {
                "chapters": [
                    {"start_offset_ms": 0, "length_ms": 1000, "title": "Opening Credits"},
                    {
                        "start_offset_ms": 1000,
                        "length_ms": 5000,
                        "title": "Part One",
                        "chapters": [{"start_offset_ms": 2000, "length_ms": 4000, "title": "1"}],
                    },
                ]
            }
        }
    }
    assert [(m.start, m.title) for m in parse_json(json.dumps(audible))] == [
        (0.0, "Opening Credits"),
        (1.0, "Part One"),
        (2.0, "1"),
    ]
    with pytest.raises(ChapterFileError, match="no start_offset_ms"):
        parse_json('{"chapters": [{"title": "x"}]}')


@pytest.mark.parametrize("kind", ["txt", "ffmetadata", "cue", "json"])
def test_every_format_reads_back_what_it_writes(tmp_path: Path, kind: str):
    path = tmp_path / f"c.{'json' if kind == 'json' else kind}"
    path.write_text(format_chapters(MARKS, kind, total=4000.0), "utf-8")
    back = read_chapter_file(path)
    tolerance = 1 / 75 if kind == "cue" else 0.001
    assert [m.start for m in back] == pytest.approx([m.start for m in MARKS], abs=tolerance)
    expected = [m.title.replace('"', "'") for m in MARKS]
    assert [m.title for m in back] == expected


def test_detection_and_the_file_beside_the_book(tmp_path: Path):
    assert detect_format(Path("x.txt"), ";FFMETADATA1\n") == "ffmetadata"
    assert detect_format(Path("x"), "  TRACK 01 AUDIO") == "cue"
    assert detect_format(Path("x.txt"), "00:00:00.000 A") == "txt"
    audio = [tmp_path / "rip.flac"]
    assert find_chapter_file([tmp_path], audio) is None
    (tmp_path / "other.cue").write_text("")
    (tmp_path / "rip.cue").write_text("")
    assert find_chapter_file([tmp_path], audio) == tmp_path / "rip.cue"
    (tmp_path / "chapters.txt").write_text("")
    assert find_chapter_file([tmp_path], audio) == tmp_path / "chapters.txt"
    with pytest.raises(ChapterFileError, match="no chapters found"):
        read_chapter_file(tmp_path / "chapters.txt")


def test_a_one_file_sheet_beside_a_book_of_several_files_is_left_out(tmp_path: Path):
    from aiom4b_tui.engine.chapters.sources import book_chapter_marks
    from aiom4b_tui.engine.sources.scan import AudioFile, BookScan
    from aiom4b_tui.job_options.model import JobOptions

    def audio(name: str) -> AudioFile:
        return AudioFile(tmp_path / name, name, 60.0, "flac", 44100, 2, 0, {}, (), False)

    sheet = 'FILE "rip.flac" WAVE\n TRACK 01 AUDIO\n  INDEX 01 00:00:00\n'
    (tmp_path / "rip.cue").write_text(sheet)
    one = BookScan([tmp_path], [audio("rip.flac")], [], None)
    marks, said = book_chapter_marks(one, JobOptions())
    assert marks == [ChapterMark(0.0, "Track 1")] and "from rip.cue" in said
    two = BookScan([tmp_path], [audio("rip.flac"), audio("bonus.flac")], [], None)
    marks, said = book_chapter_marks(two, JobOptions())
    assert marks is None and "describes one file, the book has 2" in said
    chosen = JobOptions(chapters_file=tmp_path / "rip.cue")  # named by the job: used
    assert book_chapter_marks(two, chosen)[0] == [ChapterMark(0.0, "Track 1")]
