"""A job's plan as the worker makes it: `plan_for_job`. The add dialog's preview, the
output check of `add` and `convert`, and the worker itself all call it, so what a person
is shown before queueing is what is made.

The job's options get the settings' defaults (output folder, bitrate), the ffmpeg is the
one the settings name (else found as the engine finds it) with its encoders, the folders
are scanned and the engine plans the book. Silences, found only by decoding, are given
by the worker (which measures them on its ffmpeg slots) and planned with the same scan.
Blocking (it probes every file): run it in a thread.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiom4b_tui.engine.ffmpeg.run import FFmpegNotFoundError, ffmpeg_encoders, find_ffmpeg
from aiom4b_tui.engine.plan.scanned_book import plan_scanned_book
from aiom4b_tui.engine.sources.scan import BookScan, scan_book

if TYPE_CHECKING:
    from aiom4b_tui.config.settings import Settings
    from aiom4b_tui.engine.chapters.edit import Silence
    from aiom4b_tui.engine.plan.plan import BookPlan
    from aiom4b_tui.job_options.model import JobOptions

NO_FFMPEG_ENCODERS = ("aac",)  # what a plan assumes when no ffmpeg can be found


def options_with_defaults(options: JobOptions, settings: Settings) -> JobOptions:
    """`options` with the settings' defaults filled in (output folder, bitrate): what the
    worker converts with, and so what every preview must plan with."""
    updates: dict[str, Any] = {}
    if options.output_dir is None:
        updates["output_dir"] = settings.resolved_output_dir()
    if options.bitrate is None and settings.bitrate is not None:
        updates["bitrate"] = settings.bitrate
    return options.model_copy(update=updates) if updates else options


def ffmpeg_and_encoders(settings: Settings) -> tuple[str | None, Collection[str]]:
    """The ffmpeg the worker would use and its encoders; (None, aac) when none is found
    (a plan needs none: the worker will say that it is missing)."""
    try:
        ffmpeg = find_ffmpeg(settings.ffmpeg)
    except FFmpegNotFoundError:
        return None, NO_FFMPEG_ENCODERS
    return ffmpeg, ffmpeg_encoders(ffmpeg)


@dataclass(frozen=True)
class JobPlan:
    """A job's plan, the lines worth logging about it, and what it was made from."""

    plan: BookPlan
    notes: list[str]
    scan: BookScan
    options: JobOptions  # with the settings' defaults
    ffmpeg: str | None
    encoders: Collection[str]

    @property
    def wants_silences(self) -> bool:
        """Whether the plan needs the sources' silences (chapters by silence, or long
        chapters split at one): the worker measures them and plans again."""
        return bool(self.options.chapters_by_silence or self.options.max_chapter_minutes)

    def with_silences(self, silences: Sequence[Silence]) -> JobPlan:
        """The same job planned again from the same scan, at `silences` (blocking)."""
        return replace(self, **_planned(self.scan, self.options, self.encoders, silences))


def plan_for_job(folders: Sequence[Path], options: JobOptions, settings: Settings) -> JobPlan:
    """The plan the worker makes of a job of `folders` with `options` (blocking). Raises
    the engine's ScanError or ChapterFileError when the folders cannot make a book."""
    options = options_with_defaults(options, settings)
    ffmpeg, encoders = ffmpeg_and_encoders(settings)
    scan = scan_book([Path(f) for f in folders], ffmpeg=ffmpeg)
    return JobPlan(
        scan=scan,
        options=options,
        ffmpeg=ffmpeg,
        encoders=encoders,
        **_planned(scan, options, encoders, None),
    )


def _planned(
    scan: BookScan,
    options: JobOptions,
    encoders: Collection[str],
    silences: Sequence[Silence] | None,
) -> dict[str, Any]:
    assert options.output_dir is not None  # options_with_defaults set it
    plan, notes = plan_scanned_book(
        scan, options, output_dir=Path(options.output_dir), encoders=encoders, silences=silences
    )
    return {"plan": plan, "notes": notes}
