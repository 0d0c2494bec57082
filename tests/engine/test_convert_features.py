"""What a converted book carries: order, titles, tags, cover, format, the copy path."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from aiom4b_tui.engine.mp4.priming import mp4_priming
from aiom4b_tui.engine.sources.scan import scan_book
from aiom4b_tui.job_options.model import JobOptions, TagOverrides
from tests.helpers.audio import audio_format, decode_pcm, make_aac_book, make_image, make_tone
from tests.helpers.engine import chapters_of, convert

pytestmark = pytest.mark.integration

TAGS = {
    "album": "The Long Road",
    "artist": "Ann Author",
    "album_artist": "Ann Author",
    "composer": "Ned Narrator",
    "date": "2001",
    "genre": "Fiction",
    "comment": "A book about roads.",
}


async def test_disc_folders_natural_order_titles_and_tags(tmp_path: Path, ffmpeg: str):
    book = tmp_path / "Road"
    layout = [
        ("CD1/2.mp3", "Two"),
        ("CD1/10.mp3", "Ten"),
        ("CD2/1.mp3", "Eleven"),
        ("CD10/1.mp3", "Last"),
    ]
    for rel, _title in layout:
        (book / rel).parent.mkdir(parents=True, exist_ok=True)
    # Written out of reading order, so the file system order cannot pass for it.
    for rel, title in reversed(layout):
        make_tone(book / rel, 1.0, tags={**TAGS, "title": title})
    make_image(book / "cover.png")
    (book / "notes.txt").write_text("not audio")
    logs: list[str] = []
    out = await convert([book], tmp_path / "out", ffmpeg, logs=logs)
    assert out.name == "Ann Author - The Long Road.m4b"
    assert [t for _, t in chapters_of(out)] == ["Two", "Ten", "Eleven", "Last"]
    tags = MP4(out).tags
    assert tags["©nam"] == ["The Long Road"] and tags["©alb"] == ["The Long Road"]
    assert tags["©ART"] == ["Ann Author"] and tags["aART"] == ["Ann Author"]
    assert tags["©wrt"] == ["Ned Narrator"] and tags["©day"] == ["2001"]
    assert tags["©gen"] == ["Fiction"] and tags["desc"] == ["A book about roads."]
    assert tags["stik"] == [2]
    cover = tags["covr"][0]
    assert bytes(cover) == (book / "cover.png").read_bytes()
    assert any("notes.txt" in line for line in logs)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [out.name]


async def test_embedded_picture_becomes_the_cover_and_options_override(tmp_path, ffmpeg):
    book = tmp_path / "Pics"
    book.mkdir()
    picture = make_image(tmp_path / "art.jpg", color="blue")
    make_tone(book / "01.mp3", 1.0, picture=picture, tags={"album": "From Tags"})
    make_tone(book / "02.mp3", 1.0)
    options = JobOptions(
        tags=TagOverrides(title="Chosen", author="Me", narrator="You"), output_name="my book"
    )
    out = await convert([book], tmp_path / "out", ffmpeg, options=options)
    assert out.name == "my book.m4b"
    tags = MP4(out).tags
    assert (tags["©nam"], tags["©ART"], tags["©wrt"]) == (["Chosen"], ["Me"], ["You"])
    assert bytes(tags["covr"][0]) == picture.read_bytes()
    assert [t for _, t in chapters_of(out)] == ["Chapter 1", "Chapter 2"]


async def test_mixed_rates_and_channels_are_normalised_with_exact_starts(tmp_path, ffmpeg):
    book = tmp_path / "Mixed"
    book.mkdir()
    make_tone(book / "1.mp3", 0, rate=22050, channels=1, samples=22050 + 333)
    make_tone(book / "2.ogg", 0, rate=44100, channels=2, codec="ogg", samples=44100 + 41)
    make_tone(book / "3.flac", 0, rate=48000, channels=1, codec="flac", samples=24000)
    out = await convert([book], tmp_path / "out", ffmpeg, segment_seconds=0.5)
    info = MP4(out).info
    assert (info.sample_rate, info.channels) == (48000, 2)
    starts = [s for s, _ in chapters_of(out)]
    assert abs(starts[1] - (22050 + 333) / 22050) < 0.001
    # Vorbis trims its own edges: the truth is what the file decodes to.
    ogg_seconds = len(decode_pcm(book / "2.ogg")) / 44100
    assert abs(ogg_seconds - (44100 + 41) / 44100) < 0.01
    assert abs(starts[2] - starts[1] - ogg_seconds) < 0.001


async def test_mono_is_kept_mono(tmp_path: Path, ffmpeg: str):
    book = tmp_path / "Mono"
    book.mkdir()
    for n in (1, 2):
        make_tone(book / f"{n}.mp3", 1.0, channels=1, rate=44100)
    out = await convert([book], tmp_path / "out", ffmpeg)
    assert audio_format(out) == (44100, 1)


async def test_aac_sources_of_one_format_are_joined_without_re_encoding(tmp_path, ffmpeg):
    book = tmp_path / "Copy"
    counts = [44100 + 100, 44100 * 2 + 7, 30000]
    make_aac_book(book, counts)
    scan = scan_book([book])
    assert {f.codec for f in scan.files} == {"aac"}
    logs: list[str] = []
    out = await convert([book], tmp_path / "out", ffmpeg, logs=logs)
    assert any("without re-encoding" in line for line in logs)
    # Each source decodes to its packets x 1024 samples minus its priming; the chapter
    # starts skip the priming and end padding of the files before.
    sources = [decode_pcm(p) for p in sorted(book.iterdir())]
    starts = [s for s, _ in chapters_of(out)]
    assert len(starts) == 3
    packets = [-(-(c + 1024) // 1024) for c in counts]  # ffmpeg aac: ceil(n/1024)+1
    assert abs(starts[1] - (packets[0] * 1024) / 44100) < 0.001
    assert abs(starts[2] - (packets[0] + packets[1]) * 1024 / 44100) < 0.001
    decoded = decode_pcm(out)
    assert len(decoded) >= sum(len(s) for s in sources)
    assert MP4(out).tags["stik"] == [2]


async def test_strange_names_and_no_overwrite(tmp_path: Path, ffmpeg: str):
    book = tmp_path / 'Quote\'s "[Book]" 100% — Книга 書'
    book.mkdir()
    names = ['01 it\'s "odd" [a].mp3', "02 new\nline %d.mp3", "03 Ελληνικά 日本.mp3"]
    for name in names:
        make_tone(book / name, 0.5)
    out_dir = tmp_path / "out"
    first = await convert([book], out_dir, ffmpeg)
    second = await convert([book], out_dir, ffmpeg)
    assert first.name == "Quote's _[Book]_ 100% — Книга 書.m4b"
    assert second.name == "Quote's _[Book]_ 100% — Книга 書 (2).m4b"
    titles = [t for _, t in chapters_of(first)]
    assert titles == ['it\'s "odd" [a]', "new line %d", "Ελληνικά 日本"]  # newline folded
    assert sorted(book.iterdir()) == sorted(book / n for n in names)  # sources untouched


async def test_progress_reports_fraction_speed_and_eta(tmp_path: Path, ffmpeg: str):
    book = tmp_path / "Long"
    book.mkdir()
    make_tone(book / "1.mp3", 30.0)
    progress: list = []
    options = JobOptions(encoder="aac")  # over half a second of work: speed is measured
    await convert(
        [book], tmp_path / "out", ffmpeg, options=options, progress=progress, segment_seconds=5
    )
    fractions = [p.fraction for p in progress]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(p.speed and p.speed > 1 and p.eta_seconds is not None for p in progress)
    assert progress[-1].stage == "done"


async def test_an_m4b_source_keeps_its_chapters_shifted(tmp_path: Path, ffmpeg: str):
    inner = tmp_path / "Inner"
    inner.mkdir()
    for n, title in enumerate(["Alpha", "Beta"], 1):
        make_tone(inner / f"{n}.mp3", 1.5, tags={"title": title})
    part = await convert([inner], tmp_path / "parts", ffmpeg)
    outer = tmp_path / "Outer"
    outer.mkdir()
    make_tone(outer / "0 Intro.mp3", 0, samples=44100 + 500)
    part.rename(outer / "1 Part.m4b")
    out = await convert([outer], tmp_path / "out", ffmpeg)
    chapters = chapters_of(out)
    assert [t for _, t in chapters] == ["Intro", "Alpha", "Beta"]
    intro = (44100 + 500) / 44100
    assert abs(chapters[1][0] - intro) < 0.001
    assert abs(chapters[2][0] - (intro + 1.5)) < 0.001


async def test_one_long_source_on_one_slot_keeps_little_pcm_on_disk(tmp_path: Path, ffmpeg: str):
    # A long FLAC goes through the decode pass: the decoder must pause (giving its only
    # pool slot to the encoders) instead of writing the whole book out as PCM.
    book = tmp_path / "Long"
    book.mkdir()
    make_tone(book / "whole.flac", 600.0, rate=8000, channels=1, codec="flac")
    out = tmp_path / "out"
    peak = 0

    async def watch_pcm() -> None:
        nonlocal peak
        while True:
            used = sum(p.stat().st_blocks * 512 for p in out.glob(".aiom4b-work-*/pcm-*.raw"))
            peak = max(peak, used)
            await asyncio.sleep(0.02)

    watcher = asyncio.ensure_future(watch_pcm())
    try:
        result = await asyncio.wait_for(
            convert([book], out, ffmpeg, slots=1, work_name="long", segment_seconds=30), 120
        )
    finally:
        watcher.cancel()
    # Without the priming the edit list skips, at most the last frame's padding is extra.
    length = MP4(result).info.length - mp4_priming(result) / 8000
    assert 600.0 <= length < 600.0 + 1024 / 8000 + 0.01
    whole = 600 * 8000 * 4
    assert 0 < peak < whole * 0.6, (peak, whole)
