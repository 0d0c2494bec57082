"""What the runner keeps per book: its pending log lines handed over once (to the same
list the executor appends to), and the reasons a book stops."""

from __future__ import annotations

from uuid import UUID

from aiom4b_tui.queue.runner.active_job import ActiveJob, StopReason
from aiom4b_tui.store.models import JobDB


def test_pending_lines_are_handed_over_once_and_new_ones_still_land():
    active = ActiveJob(UUID(int=1), "Dune", JobDB(input_folders="[]"))
    log = active.pending_log.append  # as the executor holds it
    log("one")
    log("two")
    assert active.take_pending_log() == ["one", "two"]
    assert active.take_pending_log() == []
    log("three")
    assert active.take_pending_log() == ["three"]


def test_a_new_book_has_not_stopped_nor_made_its_audio():
    active = ActiveJob(UUID(int=1), "Dune", JobDB(input_folders="[]"))
    assert active.stop_reason is None and not active.finishing and not active.audio_done
    assert active.task is None and active.progress is None and active.rank == 0


def test_the_reasons_to_stop_are_four_and_distinct():
    assert len({reason.value for reason in StopReason}) == 4
    assert StopReason("hand back") is StopReason.HAND_BACK
