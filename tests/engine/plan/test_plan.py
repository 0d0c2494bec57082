"""BookPlan decisions from fabricated scans: no files, no ffmpeg."""

from __future__ import annotations

from pathlib import Path

from aiom4b_tui.engine.plan.plan import (
    default_bitrate,
    make_plan,
    numbered_path,
    output_file_name,
    safe_file_name,
    title_from_name,
)
from aiom4b_tui.engine.sources.scan import AudioFile, BookScan
from aiom4b_tui.job_options.model import JobOptions, TagOverrides


def audio(
    name: str,
    *,
    codec="mp3",
    rate=44100,
    channels=2,
    bitrate=128_000,
    seconds=10.0,
    tags=None,
    chapters=(),
) -> AudioFile:
    return AudioFile(
        Path("/book") / name,
        name,
        seconds,
        codec,
        rate,
        channels,
        bitrate,
        dict(tags or {}),
        tuple(chapters),
        False,
    )


def scan_of(*files: AudioFile, folder="/books/My Book") -> BookScan:
    return BookScan([Path(folder)], list(files), [], None)


def plan_of(*files: AudioFile, options: JobOptions | None = None, encoders=("aac",)):
    return make_plan(
        scan_of(*files), options or JobOptions(), output_dir=Path("/out"), encoders=encoders
    )


def test_titles_from_tags_when_all_present_and_distinct():
    plan = plan_of(
        audio("01.mp3", tags={"title": "Opening"}), audio("02.mp3", tags={"title": "Storm"})
    )
    assert [c.title for c in plan.chapters] == ["Opening", "Storm"]
    assert [c.start for c in plan.chapters] == [0.0, 10.0]
    assert [c.file_index for c in plan.chapters] == [0, 1]


def test_titles_from_names_when_tags_repeat_or_miss():
    repeated = plan_of(
        audio("01 - The Start.mp3", tags={"title": "Book"}),
        audio("02 - The End.mp3", tags={"title": "Book"}),
    )
    assert [c.title for c in repeated.chapters] == ["The Start", "The End"]
    missing = plan_of(audio("01_first_part.mp3", tags={"title": "A"}), audio("02.mp3"))
    assert [c.title for c in missing.chapters] == ["first part", "Chapter 2"]


def test_title_from_name_strips_numbers_folders_and_separators():
    assert title_from_name("CD1/03. Chapter Three.mp3", 3) == "Chapter Three"
    assert title_from_name("Track 07 - Night.flac", 7) == "Night"
    assert title_from_name("1-05 Dawn.m4a", 5) == "Dawn"
    assert title_from_name("12.mp3", 12) == "Chapter 12"
    assert title_from_name("Prologue.mp3", 1) == "Prologue"


def test_source_chapters_are_kept_and_shifted():
    plan = plan_of(
        audio("a.mp3", seconds=5.0),
        audio("b.m4b", codec="aac", seconds=20.0, chapters=[(0.0, "One"), (7.5, "Two")]),
    )
    assert [(c.title, c.file_index, c.offset, c.start) for c in plan.chapters] == [
        ("a", 0, 0.0, 0.0),
        ("One", 1, 0.0, 5.0),
        ("Two", 1, 7.5, 12.5),
    ]


def test_tags_from_files_with_folder_fallback_and_overrides():
    tagged = plan_of(
        audio(
            "1.mp3",
            tags={
                "album": "Dune",
                "artist": "F. H.",
                "albumartist": "Frank Herbert",
                "composer": "Scott",
                "date": "1965",
                "genre": "SF",
                "comment": "Spice",
            },
        )
    )
    assert tagged.tags == {
        "title": "Dune",
        "album": "Dune",
        "author": "Frank Herbert",
        "narrator": "Scott",
        "year": "1965",
        "genre": "SF",
        "description": "Spice",
    }
    assert tagged.output_path == Path("/out/Frank Herbert - Dune.m4b")
    bare = plan_of(audio("1.mp3"))
    assert bare.tags["title"] == "My Book" and "author" not in bare.tags
    assert bare.output_path.name == "My Book.m4b"
    options = JobOptions(tags=TagOverrides(title="Emma", author="Jane Austen"))
    over = plan_of(audio("1.mp3", tags={"album": "X", "artist": "Y"}), options=options)
    assert (over.tags["title"], over.tags["author"]) == ("Emma", "Jane Austen")
    assert over.output_path.name == "Jane Austen - Emma.m4b"


def test_encoder_follows_sources_and_never_exceeds_them():
    mono = plan_of(audio("1.mp3", channels=1, rate=22050, bitrate=64_000))
    enc = mono.encoder
    assert (enc.codec, enc.channels, enc.sample_rate, enc.bitrate) == ("aac", 1, 22050, 64_000)
    mixed = plan_of(
        audio("1.mp3", rate=22050, channels=1, bitrate=48_000),
        audio("2.mp3", rate=44100, channels=2, bitrate=320_000),
    )
    assert (mixed.encoder.sample_rate, mixed.encoder.channels) == (44100, 2)
    assert mixed.encoder.bitrate == 128_000  # capped
    assert not mixed.copy


def test_libfdk_preferred_when_present_and_options_win():
    assert plan_of(audio("1.mp3"), encoders=("aac", "libfdk_aac")).encoder.codec == "libfdk_aac"
    options = JobOptions(bitrate=64_000, sample_rate=24000, channels=1, encoder="aac")
    enc = plan_of(audio("1.mp3"), options=options, encoders=("libfdk_aac",)).encoder
    assert (enc.codec, enc.bitrate, enc.sample_rate, enc.channels) == ("aac", 64_000, 24000, 1)


def test_bitrate_rounds_down_to_a_standard_step():
    assert default_bitrate([audio("1.mp3", bitrate=127_800)], 2) == 128_000
    assert default_bitrate([audio("1.mp3", bitrate=100_000)], 2) == 96_000
    assert default_bitrate([audio("1.mp3", bitrate=0)], 1) == 64_000


def test_copy_only_for_aac_of_one_format_without_format_options():
    same = [audio("1.m4a", codec="aac", bitrate=64_000), audio("2.m4a", codec="aac")]
    plan = plan_of(*same)
    assert plan.copy and plan.encoder.bitrate == 64_000
    assert not plan_of(audio("1.m4a", codec="aac"), audio("2.m4a", codec="aac", rate=22050)).copy
    assert not plan_of(audio("1.m4a", codec="aac"), audio("2.mp3")).copy
    assert not plan_of(*same, options=JobOptions(bitrate=32_000)).copy


def test_output_names_are_safe():
    assert safe_file_name('a/b\\c:d*e?"f"<g>|h') == "a_b_c_d_e__f__g__h"
    assert safe_file_name("line\nbreak\t%x ") == "line_break_%x"
    assert safe_file_name("...") == "Audiobook"
    assert len(safe_file_name("é" * 500).encode()) <= 200
    assert output_file_name({"title": "T"}, "Custom.m4b") == "Custom.m4b"
    assert output_file_name({"title": "T"}, "Name: Two") == "Name_ Two.m4b"
    assert numbered_path(Path("/o/A.m4b"), 1) == Path("/o/A.m4b")
    assert numbered_path(Path("/o/A.m4b"), 3) == Path("/o/A (3).m4b")
