"""A BookPlan made by hand, over stand-in source files that are never decoded, and the
ledger of a fresh work folder for it: for the tests of the work folder and of what reads
only the plan's fields and the sources' sizes and times."""

from __future__ import annotations

from pathlib import Path

from aiom4b_tui.engine.plan.plan import BookPlan, EncoderSettings, PlannedChapter
from aiom4b_tui.engine.sources.scan import AudioFile
from aiom4b_tui.engine.work.ledger import WorkLedger, open_work
from aiom4b_tui.engine.work.manifest import plan_fingerprint

RATE = 44100
PRE_ROLL, POST_ROLL = 3 * 1024, 1024


def stand_in_sources(folder: Path, count: int = 3) -> list[Path]:
    """`count` files named like MP3s (01.mp3, …) of 1000, 1001, … bytes of nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{n:02d}.mp3" for n in range(1, count + 1)]
    for n, path in enumerate(paths):
        path.write_bytes(b"x" * (1000 + n))
    return paths


def a_plan(paths: list[Path], bitrate: int = 64000) -> BookPlan:
    """The plan of a book of `paths` (10 s each, 44.1 kHz stereo MP3s by their
    description) encoded to AAC at `bitrate`, placed in ../out/Book.m4b."""
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
    """The plan's fingerprint for an ffmpeg named "ffmpeg", with 3 frames of pre-roll and
    1 of post-roll."""
    return plan_fingerprint(plan, "ffmpeg", (PRE_ROLL, POST_ROLL))


def fresh_ledger(plan: BookPlan, work: Path) -> WorkLedger:
    """The ledger of a new work folder `work` for `plan` (nothing to resume; log dropped)."""
    work.mkdir()
    ledger = open_work(work, plan, fingerprint(plan), lambda _line: None)
    assert isinstance(ledger, WorkLedger)
    return ledger
