"""The work manifest: JSON round trip, atomic replace, what changed, resume decisions."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from aiom4b_tui.engine.plan.plan import BookPlan, EncoderSettings, PlannedChapter
from aiom4b_tui.engine.sources.scan import AudioFile
from aiom4b_tui.engine.work.ledger import ResumeMismatch, WorkLedger, clock, open_work
from aiom4b_tui.engine.work.manifest import (
    MANIFEST_NAME,
    DonePiece,
    ManifestError,
    OldManifestError,
    PlacedResult,
    SourceStamp,
    WorkManifest,
    changed_while_converting,
    plan_fingerprint,
    read_manifest,
    source_stamps,
    what_changed,
    write_manifest,
)

RATE = 44100


def sources(folder: Path, count: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{n:02d}.mp3" for n in range(1, count + 1)]
    for n, path in enumerate(paths):
        path.write_bytes(b"x" * (1000 + n))
    return paths


def a_plan(paths: list[Path], bitrate: int = 64000) -> BookPlan:
    files = [
        AudioFile(p, p.name, 10.0, "mp3", RATE, 2, 128000, {}, (), False)  # type: ignore[arg-type]
        for p in paths
    ]
    return BookPlan(
        files=files,
        chapters=[PlannedChapter(p.name, i) for i, p in enumerate(paths)],
        tags={"title": "Book"},
        cover=None,
        picture_file=None,
        encoder=EncoderSettings("aac", bitrate, RATE, 2),
        copy=False,
        output_path=paths[0].parent.parent / "out" / "Book.m4b",
        duration=10.0 * len(paths),
    )


def fingerprint(plan: BookPlan) -> dict:
    return plan_fingerprint(plan, "ffmpeg", (3 * 1024, 1024))


def test_a_manifest_survives_its_json_and_a_corrupt_one_is_refused(tmp_path: Path):
    plan = a_plan(sources(tmp_path / "book"))
    m = WorkManifest(fingerprint(plan), source_stamps(plan), route="sliced", cuts=[0, 4096])
    m.pieces[4096] = DonePiece(4096, 4096, "piece-4096.aac", 900, 10, 800, 4.5)
    m.placed = PlacedResult("/x/Book.m4b", 12, 34)
    write_manifest(tmp_path, m.to_json())
    assert read_manifest(tmp_path) == m
    assert not (tmp_path / f"{MANIFEST_NAME}.tmp").exists()
    (tmp_path / MANIFEST_NAME).write_text('{"fingerprint": {"format": 1}')
    with pytest.raises(ManifestError):
        read_manifest(tmp_path)
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"fingerprint": {"format": 99}}))
    with pytest.raises(ManifestError, match="format 99"):
        read_manifest(tmp_path)
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"fingerprint": {"format": 1}}))
    with pytest.raises(OldManifestError, match="format 1"):
        read_manifest(tmp_path)
    assert read_manifest(tmp_path / "nowhere") is None


def test_what_changed_names_the_source_or_the_setting(tmp_path: Path):
    paths = sources(tmp_path / "book")
    plan = a_plan(paths)
    names = [f.rel for f in plan.files]
    old = WorkManifest(fingerprint(plan), source_stamps(plan))
    assert what_changed(old, fingerprint(plan), source_stamps(plan), names) is None
    os.utime(paths[1], ns=(1, 1))
    assert (
        what_changed(old, fingerprint(plan), source_stamps(plan), names)
        == "02.mp3 changed since the last attempt"
    )
    faster = a_plan(paths, bitrate=96000)
    old = WorkManifest(fingerprint(plan), source_stamps(plan))
    assert (
        what_changed(old, fingerprint(faster), source_stamps(plan), names)
        == "the bitrate changed since the last attempt"
    )
    fewer = a_plan(paths[:2])
    assert (
        what_changed(old, fingerprint(fewer), source_stamps(fewer), names[:2])
        == "the book's files are not the same (2 now, 3 then)"
    )


def test_a_source_changed_during_the_run_is_named_with_its_sizes(tmp_path: Path):
    paths = sources(tmp_path / "book")
    names = [p.name for p in paths]
    before = [SourceStamp.of(p) for p in paths]
    paths[2].write_bytes(b"y" * 10)
    paths[0].unlink()
    now = [SourceStamp.of(p) for p in paths]
    assert changed_while_converting(before, now, names) == (
        "01.mp3 vanished while it was being converted"
    )
    assert changed_while_converting(before[1:], now[1:], names[1:]) == (
        "03.mp3 changed while it was being converted (size 1002 -> 10)"
    )


def test_open_work_resumes_only_whole_pieces_and_clears_the_rest(tmp_path: Path):
    plan = a_plan(sources(tmp_path / "book"))
    work = tmp_path / "work"
    work.mkdir()
    m = WorkManifest(fingerprint(plan), source_stamps(plan), route="sliced", cuts=[0, 4096, 8192])
    m.total = 10000
    (work / "piece-0.aac").write_bytes(b"a" * 50)
    (work / "piece-4096.aac").write_bytes(b"b" * 10)  # shorter than recorded: not whole
    (work / "piece-8192.aac.part").write_bytes(b"c")  # not ADTS: nothing to keep
    m.pieces[0] = DonePiece(0, 4096, "piece-0.aac", 50, 0, 50, 1.0)
    m.pieces[4096] = DonePiece(4096, 4096, "piece-4096.aac", 60, 0, 60, 1.0)
    write_manifest(work, m.to_json())
    logs: list[str] = []
    ledger = open_work(work, plan, fingerprint(plan), logs.append)
    assert isinstance(ledger, WorkLedger) and ledger.resumed
    assert logs == ["resuming: 1 of 3 segments already encoded (0s of 0s)"]
    assert sorted(p.name for p in work.iterdir()) == [MANIFEST_NAME, "piece-0.aac"]
    assert ledger.finished(0) == [m.pieces[0]] and ledger.finished(1) is None
    assert ledger.piece_range(m.pieces[0]) == (work / "piece-0.aac", 0, 50)
    assert ledger.cuts("sliced", 4, None, lambda n, s: [0]) == [0, 4096, 8192]
    with pytest.raises(ResumeMismatch, match="decoded way"):
        ledger.cuts("decoded", 4, None, lambda n, s: [0])
    with pytest.raises(ResumeMismatch, match="9000 samples"):
        ledger.check_total(9000)


def test_open_work_starts_over_when_nothing_fits_and_returns_a_placed_book(tmp_path: Path):
    paths = sources(tmp_path / "book")
    plan = a_plan(paths)
    work = tmp_path / "work"
    work.mkdir()
    logs: list[str] = []
    fresh = open_work(work, plan, fingerprint(plan), logs.append)
    assert isinstance(fresh, WorkLedger) and not fresh.resumed and logs == []
    asyncio.run(fresh.mark_placed(paths[0]))
    assert open_work(work, plan, fingerprint(plan), logs.append) == paths[0]
    paths[0].write_bytes(b"other size")
    again = open_work(work, plan, fingerprint(plan), logs.append)
    assert isinstance(again, WorkLedger) and not again.resumed
    assert logs[-1] == "starting over: 01.mp3 changed since the last attempt"


def test_decoded_lengths_must_match_the_recorded_ones(tmp_path: Path):
    plan = a_plan(sources(tmp_path / "book"))
    work = tmp_path / "work"
    work.mkdir()
    ledger = open_work(work, plan, fingerprint(plan), lambda _l: None)
    assert isinstance(ledger, WorkLedger)
    ledger.note_decoded(1, 500)
    ledger.note_decoded(1, 500)
    assert ledger.manifest.decoded == [None, 500, None]
    with pytest.raises(ResumeMismatch, match=r"02\.mp3 now decodes to another length"):
        ledger.note_decoded(1, 501)


def test_clock():
    assert [clock(s) for s in (42, 725, 4200, 7200)] == ["42s", "12m05s", "1h10m", "2h00m"]


def adts_frames(count: int, payload: int = 20) -> bytes:
    """`count` ADTS frames (AAC LC, 44.1 kHz, stereo) of `payload` bytes each."""
    length = 7 + payload
    header = bytes(
        [
            0xFF,
            0xF1,
            0x50,
            0x80 | (length >> 11),
            (length >> 3) & 0xFF,
            ((length & 7) << 5) | 0x1F,
            0xFC,
        ]
    )
    return (header + bytes(payload)) * count


def test_an_interrupted_encode_is_kept_as_a_piece_and_its_segment_resumes_after_it(
    tmp_path: Path,
):
    plan = a_plan(sources(tmp_path / "book"))
    work = tmp_path / "work"
    work.mkdir()
    cuts = [0, 100 * 1024, 200 * 1024]
    m = WorkManifest(fingerprint(plan), source_stamps(plan), route="sliced", cuts=cuts)
    m.total = 250 * 1024
    m.pieces[0] = DonePiece(0, 100 * 1024, "piece-0.aac", 27, 0, 27, 2.3)
    (work / "piece-0.aac").write_bytes(adts_frames(1))
    # fingerprint(): 3 frames of pre-roll, 1 of post-roll. Segment 1's encode (from
    # 97 * 1024) wrote 40 frames and half of one when it was killed.
    (work / f"piece-{100 * 1024}.aac.part").write_bytes(adts_frames(40) + adts_frames(1)[:9])
    (work / f"piece-{200 * 1024}.aac.part").write_bytes(adts_frames(5))  # within its pre-roll
    write_manifest(work, m.to_json())
    logs: list[str] = []
    ledger = open_work(work, plan, fingerprint(plan), logs.append)
    assert isinstance(ledger, WorkLedger) and ledger.resumed
    # 40 whole frames: priming, 3 of pre-roll, 36 of the segment; minus the last and the
    # post-roll's one: 34 frames of the segment are kept.
    kept = ledger.pieces[100 * 1024]
    assert (kept.start, kept.samples, kept.file) == (100 * 1024, 34 * 1024, "piece-102400.aac")
    assert (kept.keep_start, kept.keep_stop, kept.size) == (4 * 27, 38 * 27, 40 * 27 + 9)
    assert ledger.done_pieces(100 * 1024, 200 * 1024) == [kept] and ledger.finished(1) is None
    assert sorted(p.name for p in work.iterdir()) == [
        MANIFEST_NAME,
        "piece-0.aac",
        "piece-102400.aac",
    ]
    assert logs == [
        "resuming: 1 of 3 segments already encoded "
        "(3s of 6s; 1s of it kept from 1 segment cut short)"
    ]
    assert read_manifest(work).pieces == ledger.pieces  # recorded at once


def test_an_old_manifest_starts_over_and_says_so(tmp_path: Path):
    plan = a_plan(sources(tmp_path / "book"))
    work = tmp_path / "work"
    work.mkdir()
    old = json.loads(WorkManifest(fingerprint(plan), source_stamps(plan)).to_json())
    old["fingerprint"]["format"] = 1
    (work / MANIFEST_NAME).write_text(json.dumps(old))
    (work / "seg-00000.aac").write_bytes(b"a")
    logs: list[str] = []
    ledger = open_work(work, plan, fingerprint(plan), logs.append)
    assert isinstance(ledger, WorkLedger) and not ledger.resumed
    assert logs == [
        "starting over: the last attempt was recorded by an older version (manifest format 1)"
    ]
    assert sorted(p.name for p in work.iterdir()) == [MANIFEST_NAME]
