"""A book of several folders names its files in a job's options by folder too
(CD1/01.mp3, CD2/01.mp3), and options written before that still read as they meant."""

from __future__ import annotations

from pathlib import Path

from aiom4b_tui.engine.plan.plan import make_plan
from aiom4b_tui.engine.sources.scan import AudioFile, BookScan, with_job_names
from aiom4b_tui.job_options.model import ChapterEntry, JobOptions

FOLDERS = [Path("/lib/Book/CD1"), Path("/lib/Book/CD2")]


def audio(folder: Path, rel: str, seconds: float = 10.0) -> AudioFile:
    return AudioFile(folder / rel, rel, seconds, "mp3", 44100, 2, 128_000, {}, (), False)


def two_discs() -> BookScan:
    files = [audio(FOLDERS[0], "01.mp3"), audio(FOLDERS[0], "02.mp3")]
    files += [audio(FOLDERS[1], "01.mp3"), audio(FOLDERS[1], "02.mp3", 5.0)]
    return BookScan(FOLDERS, with_job_names(files, FOLDERS), [], None)


def plan(options: JobOptions):
    return make_plan(two_discs(), options, output_dir=Path("/out"))


def test_files_of_several_folders_are_named_from_their_common_parent():
    names = [f.job_name for f in two_discs().files]
    assert names == ["CD1/01.mp3", "CD1/02.mp3", "CD2/01.mp3", "CD2/02.mp3"]
    one = [audio(FOLDERS[0], "sub/01.mp3")]
    assert [f.job_name for f in with_job_names(one, FOLDERS[:1])] == ["sub/01.mp3"]


def test_the_same_file_name_in_two_folders_is_two_files():
    made = plan(JobOptions(files=["CD2/01.mp3", "CD1/01.mp3", "CD2/02.mp3"]))
    assert [f.path for f in made.files] == [
        FOLDERS[1] / "01.mp3",
        FOLDERS[0] / "01.mp3",
        FOLDERS[1] / "02.mp3",
    ]
    assert made.duration == 25.0


def test_options_written_with_names_in_their_folder_only_still_read_in_order():
    made = plan(JobOptions(files=["01.mp3", "02.mp3", "01.mp3"]))  # CD2/02.mp3 left out
    assert [f.path for f in made.files] == [
        FOLDERS[0] / "01.mp3",
        FOLDERS[0] / "02.mp3",
        FOLDERS[1] / "01.mp3",
    ]


def test_edited_chapters_land_on_the_file_of_the_right_folder():
    entries = [
        ChapterEntry(title="Disc one", file="CD1/01.mp3"),
        ChapterEntry(title="Disc two", file="CD2/01.mp3"),
        ChapterEntry(title="Late", file="CD2/01.mp3", offset=4.0),
    ]
    made = plan(JobOptions(chapters=entries))
    assert [(c.title, c.start) for c in made.chapters] == [
        ("Disc one", 0.0),
        ("Disc two", 20.0),
        ("Late", 24.0),
    ]
