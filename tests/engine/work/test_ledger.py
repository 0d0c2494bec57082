"""The ledger of a work folder: resume what fits (keeping what interrupted encodes wrote),
start over when nothing does and say why, return a book already placed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from aiom4b_tui.engine.work.ledger import ResumeMismatch, WorkLedger, clock, open_work
from aiom4b_tui.engine.work.manifest import (
    MANIFEST_NAME,
    DonePiece,
    WorkManifest,
    read_manifest,
    source_stamps,
    write_manifest,
)
from tests.helpers.adts import adts_frames
from tests.helpers.book_plan import a_plan, fingerprint, fresh_ledger
from tests.helpers.book_plan import stand_in_sources as sources


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
    ledger = fresh_ledger(a_plan(sources(tmp_path / "book")), tmp_path / "work")
    ledger.note_decoded(1, 500)
    ledger.note_decoded(1, 500)
    assert ledger.manifest.decoded == [None, 500, None]
    with pytest.raises(ResumeMismatch, match=r"02\.mp3 now decodes to another length"):
        ledger.note_decoded(1, 501)


def test_clock():
    assert [clock(s) for s in (42, 725, 4200, 7200)] == ["42s", "12m05s", "1h10m", "2h00m"]


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
